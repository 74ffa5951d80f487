#!/usr/bin/env bash
# tools/bad_input.sh CHAPTER...: the reference programs refuse bad input cleanly (issue:
# never crash, never lie). A section of `make test`; runs on its own too.
#
# Runs build/reference/bin/CHAPTER_program (built with make when missing or stale)
# against bad input, each run under `ulimit -v` (4 GB) so that an allocation taken on
# trust from a header fails instead of succeeding. Every case asserts:
#   bad flags            exit 2 and "usage:" on stderr
#   bad data (--data)    exit 1, never a signal; stderr's last line is "error: ..." naming
#                        the broken file and ending with a "HINT: ..."
#   divergence           no "nan" printed; a line with a HINT (chapter 7), or the lab's
#                        "diverged at step" verdict (chapter 4)
#   a full disk          stdout to /dev/full: exit 1 and "error: could not write the output"
#                        (the program's output, and its --help)
#   sizes beyond memory  exit 2 within seconds, naming the flags to lower and only those
#                        (for the programs that bound their sizes with Flags::require_memory;
#                        the others are listed as skipped until they do)
#   fetch_mnist.sh       a .gz that is not gzip: exit 1, the file named
# The broken data folders are built under build/bad_input/ from tiny IDX files written
# here (printf, head), plus two from the real files when data/mnist/ holds them (the
# cases that need those are skipped, with a note, when it does not).
# One line per case ("  ok   ..." or "  FAIL ..."), then "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
source tools/programs.sh
WORK=build/bad_input
MEMORY_KB=$((4 * 1024 * 1024))  # ulimit -v: 4 GB of address space
TIMEOUT=300                     # seconds per run; a hang is a failure too
passed=0 failed=0 skipped=0
ok() { passed=$((passed + 1)); printf '  ok   %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf '  FAIL %s\n' "$*"; }
skip() { skipped=$((skipped + 1)); printf '  skip %s\n' "$*"; }

# ---- tiny IDX files ----------------------------------------------------------------------
# u32 N → N as four big-endian bytes.
u32() {
  local escapes
  escapes=$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) \
    $(($1 >> 8 & 255)) $(($1 & 255)))
  # shellcheck disable=SC2059 # the format is the escapes: printf turns them into bytes
  printf "$escapes"
}
# images COUNT ROWS COLS [MAGIC] → an IDX images file whose pixels are all 0.
images() { u32 "${4:-2051}"; u32 "$1"; u32 "$2"; u32 "$3"; head -c $(($1 * $2 * $3)) /dev/zero; }
# labels L... → an IDX labels file holding the labels L...
labels() {
  local l
  u32 2049
  u32 $#
  # shellcheck disable=SC2059 # as in u32
  for l in "$@"; do printf "$(printf '\\x%02x' "$l")"; done
}
# tiny DIR → a valid data set of four files: 3 training and 2 test images of 28x28.
tiny() {
  mkdir -p "$1"
  images 3 28 28 >"$1/train-images-idx3-ubyte"
  labels 5 0 4 >"$1/train-labels-idx1-ubyte"
  images 2 28 28 >"$1/t10k-images-idx3-ubyte"
  labels 7 2 >"$1/t10k-labels-idx1-ubyte"
}

# ---- running a case --------------------------------------------------------------------
# run CHAPTER ARGS...: runs the chapter's program from $WORK (so its out/ stays there),
# under ulimit -v; sets status, and leaves its output in $WORK/stdout and $WORK/stderr
# (stdout goes to $STDOUT instead when that is set). In a subshell, so bash's "Aborted"
# or "Segmentation fault" notice lands in stderr too.
run() {
  local ch=$1
  shift
  (
    ulimit -v "$MEMORY_KB"
    cd "$WORK" && timeout "$TIMEOUT" "../reference/bin/${ch}_program" "$@"
  ) >"${STDOUT:-$WORK/stdout}" 2>"$WORK/stderr"
  status=$?
}

# what_happened → "exit N" and, for a signal or a timeout, which; then stderr's last line.
what_happened() {
  local how="exit $status"
  [ "$status" -eq 124 ] && how+=" (timed out after ${TIMEOUT}s)"
  [ "$status" -gt 128 ] && how+=" (killed by signal $((status - 128)): $(kill -l $((status - 128)) 2>/dev/null))"
  grep -qE 'Aborted|Segmentation|terminate called|core dumped' "$WORK/stderr" && how+=" (a crash)"
  echo "$how; stderr ends: $(grep . "$WORK/stderr" | tail -n 1 | cut -c1-160)"
}

# expect_usage CHAPTER ARGS...: a bad flag → exit 2 and the usage on stderr.
expect_usage() {
  local ch=$1 label="${1%%_*} ${*:2}"
  run "$@"
  if [ "$status" -eq 2 ] && grep -q '^usage:' "$WORK/stderr"; then
    ok "$label: exit 2, usage"
  else
    fail "$label: wanted exit 2 and usage on stderr; got $(what_happened)"
  fi
}

# expect_data_error CHAPTER DIR FILE REASON: --data DIR → exit 1, and stderr's last line
# is an error naming FILE (a path under DIR), saying REASON, and ending with a HINT.
expect_data_error() {
  local ch=$1 dir=$2 file=$3 reason=$4 label="${1%%_*} --data $2" last
  run "$ch" --data "$dir"
  last=$(grep . "$WORK/stderr" | tail -n 1)
  if [ "$status" -eq 1 ] && [[ "$last" == "error: "*"$file"*"$reason"*"HINT: "?* ]]; then
    ok "$label: exit 1, ${file##*/}: $reason; HINT"
  elif [ "$status" -eq 1 ]; then
    fail "$label: exit 1, but the last line of stderr is not an error naming $file, saying" \
      "'$reason', ending with a HINT: $last"
  else
    fail "$label: wanted exit 1 naming $file; got $(what_happened)"
  fi
}

echo "== build the reference programs =="
programs=()
for ch in "$@"; do
  [ -f "chapters/$ch/main.cpp" ] && programs+=("$ch")
done
targets=()
for ch in "${programs[@]}"; do targets+=("build/reference/bin/${ch}_program"); done
mkdir -p "$WORK"
if make --no-print-directory -k "${targets[@]}" >"$WORK/build.log" 2>&1; then
  echo "  ${#targets[@]} programs built"
else
  echo "  some programs do not build; see $WORK/build.log (their cases fail below)"
fi
# The program's default --data path, data/mnist, as seen from $WORK.
ln -sfn ../../data "$WORK/data"
# has CHAPTER → true if the chapter is among the arguments and its program was built.
has() {
  local ch
  for ch in "${programs[@]}"; do
    [[ "$ch" == "$1"_* ]] && [ -x "build/reference/bin/${ch}_program" ] && return 0
  done
  return 1
}
# chapter 07 → 07_learning_mnist
full() {
  local ch
  for ch in "${programs[@]}"; do [[ "$ch" == "$1"_* ]] && echo "$ch"; done
}
for ch in "${programs[@]}"; do
  [ -x "build/reference/bin/${ch}_program" ] || fail "${ch}_program was not built"
done

echo "== bad flags: exit 2 with the usage =="
for ch in "${programs[@]}"; do
  [ -x "build/reference/bin/${ch}_program" ] || continue
  expect_usage "$ch" --no-such-flag
done
# Each flag's own refusals: a missing value, a word for a number, zero or negative sizes.
has 01 && {
  ch=$(full 01)
  expect_usage "$ch" --h
  expect_usage "$ch" --h abc
  expect_usage "$ch" --h 0
  expect_usage "$ch" --h -1e-4
}
has 03 && {
  ch=$(full 03)
  expect_usage "$ch" --lr one
  expect_usage "$ch" --steps -1
  expect_usage "$ch" --plot-steps 0
}
has 04 && {
  ch=$(full 04)
  expect_usage "$ch" --steps
  expect_usage "$ch" --steps 0
  expect_usage "$ch" --steps 2.5
  expect_usage "$ch" --steps 3000000000  # would overflow an int
}
has 06 && {
  ch=$(full 06)
  expect_usage "$ch" --batch 0
  expect_usage "$ch" --seed -1
  if have_mnist; then
    expect_usage "$ch" --batch 70000
  else
    skip "06 --batch 70000: needs data/mnist (make data)"
  fi
}
has 07 && {
  ch=$(full 07)
  expect_usage "$ch" --iters
  expect_usage "$ch" --lr abc
  expect_usage "$ch" --hidden 0
  expect_usage "$ch" --batch 0
  expect_usage "$ch" --iters -5
  expect_usage "$ch" --lr 0
  expect_usage "$ch" --lr -0.1
  expect_usage "$ch" --gradient foo
  expect_usage "$ch" --ascent=yes
  if have_mnist; then
    expect_usage "$ch" --hidden 2000000  # W1 alone would be 12.5 GB
    expect_usage "$ch" --batch 70000
  else
    # The program reads the data before it judges these sizes.
    skip "07 --hidden 2000000, --batch 70000: need data/mnist (make data)"
  fi
}
has 08 && {
  ch=$(full 08)
  expect_usage "$ch" --data
  expect_usage "$ch" --iters x
  expect_usage "$ch" --iters 0
  expect_usage "$ch" --seed -1
}

echo "== bad data: exit 1, the file named, a HINT =="
DATA=$WORK/data-cases
rm -rf "$DATA"
mkdir -p "$DATA"
T=train-images-idx3-ubyte L=train-labels-idx1-ubyte
# Each case is a copy of the tiny valid set with one thing broken.
(
  cd "$DATA" || exit 1
  tiny tiny
  tiny dir-not-file && rm "dir-not-file/$T" && mkdir "dir-not-file/$T"
  tiny empty-images && : >"empty-images/$T"
  tiny empty-labels && : >"empty-labels/$L"
  tiny short-header && images 3 28 28 | head -c 10 >"short-header/$T"
  tiny short-body && images 3 28 28 | head -c 2000 >"short-body/$T"
  tiny wrong-magic && images 3 28 28 0x12345678 >"wrong-magic/$T"
  tiny labels-as-images && labels 5 0 4 1 9 2 1 3 1 4 >"labels-as-images/$T"
  tiny extra-bytes && { images 3 28 28; head -c 784 /dev/zero; } >"extra-bytes/$T"
  tiny absurd-count && { u32 2051; u32 0xFFFFFFFF; u32 28; u32 28; head -c 64 /dev/zero; } >"absurd-count/$T"
  tiny absurd-side && { u32 2051; u32 1; u32 0xFFFFFFFF; u32 0xFFFFFFFF; head -c 64 /dev/zero; } >"absurd-side/$T"
  tiny label-12 && labels 5 12 4 >"label-12/$L"
  tiny count-mismatch && labels 5 0 4 1 >"count-mismatch/$L"
  tiny no-test-images && rm "no-test-images/t10k-images-idx3-ubyte"
)
# "folder|the file it breaks|what the message must say"
cases=(
  "no-such-dir|$T|no such file"
  "dir-not-file|$T|is a directory"
  "empty-images|$T|file is 0 bytes, too short for the 16-byte header"
  "empty-labels|$L|file is 0 bytes, too short for the 8-byte header"
  "short-header|$T|file is 10 bytes, too short"
  "short-body|$T|file is 2,000 bytes, header promises 2,368"
  "wrong-magic|$T|magic number is 305419896"
  "labels-as-images|$T|this looks like a labels file"
  "extra-bytes|$T|file is 3,152 bytes, header promises 2,368"
  "absurd-count|$T|file is 80 bytes, header promises 3,367,254,359,296"
  "absurd-side|$T|rows per image is 4,294,967,295"
  "label-12|$L|label at index 1 is 12"
  "count-mismatch|$T|has 3 images but"
  "no-test-images|t10k-images-idx3-ubyte|no such file"
)
# From the real files: the training images cut short, and the test labels given as the
# training labels (60,000 images, 10,000 labels).
real=(real-cut-images real-test-labels)
if have_mnist; then
  for c in "${real[@]}"; do
    mkdir -p "$DATA/$c"
    for f in "${MNIST_FILES[@]}"; do ln -s "$PWD/data/mnist/$f" "$DATA/$c/$f"; done
  done
  rm "$DATA/real-cut-images/$T"
  head -c 1000000 "data/mnist/$T" >"$DATA/real-cut-images/$T"
  ln -sf "$PWD/data/mnist/t10k-labels-idx1-ubyte" "$DATA/real-test-labels/$L"
  cases+=("real-cut-images|$T|file is 1,000,000 bytes, header promises 47,040,016"
          "real-test-labels|$T|has 60,000 images but")
fi
# The control: the tiny set itself is valid, so each broken copy fails for its one reason.
if has 07; then
  run "$(full 07)" --data data-cases/tiny --batch 2 --hidden 2 --iters 1
  if [ "$status" -eq 0 ]; then
    ok "07 --data data-cases/tiny (the valid set the cases break): exit 0"
  else
    fail "07 --data data-cases/tiny (the valid set the cases break): wanted exit 0; got $(what_happened)"
  fi
  expect_usage "$(full 07)" --data data-cases/tiny --batch 4
fi
for ch in 07 08 09; do
  has "$ch" || continue
  for c in "${cases[@]}"; do
    IFS='|' read -r name file reason <<<"$c"
    expect_data_error "$(full "$ch")" "data-cases/$name" "data-cases/$name/$file" "$reason"
  done
  have_mnist || skip "$ch: ${real[*]}: need data/mnist (make data)"
done

echo "== divergence: reported, never a silent nan =="
if has 04; then
  run "$(full 04)"
  verdict=$(grep -m 1 -E '^sweep .* diverged at step' "$WORK/stdout")
  if [ "$status" -eq 0 ] && [ -n "$verdict" ]; then
    ok "04 (the sweep): reports divergence: $(echo "$verdict" | sed -E 's/^sweep +([^ ]+).*(diverged at step [0-9]+).*/lr \1 \2/')"
  else
    fail "04 (the sweep): wanted exit 0 and a 'diverged at step' verdict; got $(what_happened)"
  fi
fi
if has 07 && have_mnist; then
  # lr 100: the sigmoid saturates, so the loss stays finite (about 14.5, near −ln 1e-7)
  # and never falls; the program must say so with a HINT, or stop with "diverged".
  run "$(full 07)" --lr 100 --iters 20
  label="07 --lr 100 --iters 20"
  if [ "$status" -eq 1 ] && grep -qE 'diverged.*HINT: ' "$WORK/stderr"; then
    ok "$label: exit 1, stops: $(grep -m 1 -oE 'training diverged at iteration [0-9]+' "$WORK/stderr"), with a HINT"
  elif [ "$status" -eq 0 ] && ! grep -qiwE 'nan' "$WORK/stdout" && grep -qE 'HINT: ' "$WORK/stdout"; then
    ok "$label: exit 0, the loss stays finite (no nan) and it warns: $(grep -m 1 -E 'HINT: ' "$WORK/stdout" | cut -d. -f1)"
  else
    fail "$label: wanted a stop with 'diverged' and a HINT (exit 1), or no nan and a HINT" \
      "(exit 0); got $(what_happened); lines with nan: $(grep -ciwE 'nan' "$WORK/stdout")"
  fi
elif has 07; then
  skip "07 --lr 100: needs data/mnist (make data)"
fi

echo "== a full disk: exit 1 and an error, never a silent success =="
# expect_write_error CHAPTER ARGS...: stdout to /dev/full → exit 1, the error on stderr.
expect_write_error() {
  local label="${1%%_*} ${*:2} >/dev/full"
  STDOUT=/dev/full run "$@"
  if [ "$status" -eq 1 ] && grep -q '^error: could not write the output' "$WORK/stderr"; then
    ok "$label: exit 1, $(grep -m 1 -o 'could not write the output ([^)]*)' "$WORK/stderr")"
  else
    fail "$label: wanted exit 1 and 'error: could not write the output'; got $(what_happened)"
  fi
}
for ch in "${programs[@]}"; do
  has "${ch%%_*}" || continue
  case "$ch" in
    07_*) expect_write_error "$ch" --data data-cases/tiny --batch 2 --hidden 2 --iters 5 ;;
    08_* | 09_*)
      if have_mnist; then
        expect_write_error "$ch" --iters 5
      else
        skip "${ch%%_*} --iters 5 >/dev/full: needs data/mnist (make data)"
      fi ;;
    *) expect_write_error "$ch" ;;
  esac
  # The usage is output too: --help that cannot write it fails the same way.
  expect_write_error "$ch" --help
done

echo "== sizes beyond memory: refused at once, naming the flag to lower =="
# expect_too_big CHAPTER FLAGS ARGS...: exit 2 within seconds, and a HINT that names the
# flags FLAGS ("hidden", or "hidden batch") and no other: those that drive the figure, not
# those left at their defaults or too small to matter.
expect_too_big() {
  local ch=$1 want label="${1%%_*} ${*:3}" start=$SECONDS hint named
  want=$(tr ' ' '\n' <<<"$2" | sort | tr '\n' ' ')
  shift 2
  if ! grep -qE 'require_memory|check_memory\(' "chapters/$ch/main.cpp"; then
    skip "$label: chapters/$ch/main.cpp does not bound its sizes yet (Flags::require_memory)"
    return
  fi
  TIMEOUT=20 run "$ch" "$@"
  hint=$(grep -m 1 -o 'HINT: lower.*' "$WORK/stderr")
  named=$(grep -oE -- '--[a-z-]+' <<<"$hint" | sed 's/^--//' | sort | tr '\n' ' ')
  if [ "$status" -eq 2 ] && [ -n "$hint" ] && [ "$named" == "$want" ]; then
    ok "$label: exit 2 in $((SECONDS - start)) s, $(cut -c1-60 <<<"$hint")"
  else
    fail "$label: wanted exit 2 and 'HINT: lower' naming --${want% } only; got $(what_happened)"
  fi
}
has 04 && expect_too_big "$(full 04)" steps --steps 100000000
has 03 && expect_too_big "$(full 03)" steps --steps 1000000000
# Chapters 07 and 09 judge their sizes before they read any data.
if has 07; then
  expect_too_big "$(full 07)" hidden --iters 5 --hidden 100000
  expect_too_big "$(full 07)" iters --iters 1000000000
  expect_too_big "$(full 07)" "hidden batch" --hidden 30000 --batch 30000
fi
has 08 && have_mnist && expect_too_big "$(full 08)" iters --iters 1000000000
if has 09; then
  expect_too_big "$(full 09)" iters --iters 1000000000
  expect_too_big "$(full 09)" hidden --hidden 100000 --iters 5
  expect_too_big "$(full 09)" "hidden batch" --hidden 100000 --batch 60000 --iters 5
  expect_too_big "$(full 09)" batch --gradient numerical --batch 1000000
fi

echo "== tools/fetch_mnist.sh: a .gz that is not gzip =="
dir=$WORK/fetch-not-gzip
rm -rf "$dir"
mkdir -p "$dir" "$WORK/no-npm"
echo "this is not gzip" >"$dir/$T.gz"
# No npm and an unreachable mirror, so that nothing but the bad .gz is on offer.
printf '#!/bin/sh\necho "npm is disabled by tools/bad_input.sh" >&2\nexit 1\n' >"$WORK/no-npm/npm"
chmod +x "$WORK/no-npm/npm"
PATH="$PWD/$WORK/no-npm:$PATH" MNIST_MIRRORS=http://127.0.0.1:9 \
  timeout 120 bash tools/fetch_mnist.sh "$dir" >"$WORK/stdout" 2>"$WORK/stderr"
status=$?
if [ "$status" -eq 1 ] && grep -qF "$dir/$T.gz: not a gzip file" "$WORK/stderr"; then
  ok "fetch_mnist.sh with $T.gz not gzip: exit 1, names $dir/$T.gz"
else
  fail "fetch_mnist.sh with $T.gz not gzip: wanted exit 1 naming $dir/$T.gz; got $(what_happened)"
fi

echo
[ "$skipped" -gt 0 ] && echo "$skipped cases skipped (the reason is on each one's line)."
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
