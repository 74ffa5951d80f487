#!/usr/bin/env bash
# tools/mutants.sh [--check] [PATCH...]: `make mutants`, proof that the tests notice
# plausible wrong implementations.
#
# Each tests/mutants/*.patch is one such bug, a unified diff against solutions/ (or
# common/, or a chapter's given code) whose first line reads "# mutant: what is wrong".
# An optional line "# tests: 05_loss_gradient common" names the test binaries to run;
# by default they are those of the patched files' chapters (common/ → common_test).
#  1. snapshots the working tree into build/mutants/base/ (files git lists, tracked or
#     not), builds the reference tests there and checks that they all pass unmutated
#  2. for each mutant: copies the snapshot (objects included, timestamps kept, so only
#     the patched file recompiles) to build/mutants/run/NAME/, applies the patch, builds
#     and runs the tests; two mutants at a time
#  3. prints a table: mutant, chapter, the tests that caught it or SURVIVED
# A mutant that survives, does not apply, or does not compile fails the gate (one that
# does not compile proves nothing about the tests). With --check it only tries applying
# the patches. Ends with "N passed, N failed"; exits 1 on any failure.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
WORK=build/mutants
BASE=$WORK/base
JOBS=${MUTANT_JOBS:-2}
TEST_TIMEOUT=${MUTANT_TIMEOUT:-300}

check_only=no
if [ "${1:-}" = --check ]; then
  check_only=yes
  shift
fi
patches=("$@")
[ ${#patches[@]} -eq 0 ] && patches=(tests/mutants/*.patch)
if [ ! -f "${patches[0]}" ]; then
  echo "error: no mutants in tests/mutants/ (each is a NAME.patch)"
  exit 1
fi
for i in "${!patches[@]}"; do patches[i]=$(realpath "${patches[i]}"); done

# mutant_title PATCH → the text after "# mutant:" on its first line.
mutant_title() { sed -n '1s/^# mutant: *//p' "$1"; }
# mutant_files PATCH → the files it changes (from its +++ lines, without "b/").
mutant_files() { sed -n 's/^+++ b\/\([^[:space:]]*\).*/\1/p' "$1"; }
# mutant_tests PATCH → the test binaries' names: the "# tests:" line, or the chapters of
# the files it changes.
mutant_tests() {
  local line f
  line=$(sed -n '2,5s/^# tests: *//p' "$1" | head -n 1)
  if [ -n "$line" ]; then
    for f in $line; do echo "${f}_test"; done
    return
  fi
  for f in $(mutant_files "$1"); do
    case "$f" in
      solutions/*/* | chapters/*/*) f=${f#*/}; echo "${f%%/*}_test" ;;
      common/*) echo common_test ;;
    esac
  done | sort -u
}

echo "== the mutants apply to the current files =="
bad=0
for p in "${patches[@]}"; do
  name=$(basename "$p" .patch)
  if [ -z "$(mutant_title "$p")" ]; then
    echo "  $name: first line is not '# mutant: <what is wrong>'"
    bad=$((bad + 1))
  elif [ -z "$(mutant_files "$p")" ]; then
    echo "  $name: no '+++ b/FILE' line: not a unified diff"
    bad=$((bad + 1))
  elif ! out=$(patch -p1 --dry-run --batch --forward -F0 <"$p" 2>&1); then
    echo "  $name: DOES NOT APPLY to $(mutant_files "$p" | tr '\n' ' ')(regenerate it: tools/new_mutant.sh)"
    echo "$out" | sed 's/^/      /' | head -n 5
    bad=$((bad + 1))
  fi
done
echo "  $(( ${#patches[@]} - bad )) of ${#patches[@]} apply cleanly"
if [ "$check_only" = yes ]; then
  echo
  echo "$(( ${#patches[@]} - bad )) passed, $bad failed"
  [ "$bad" -eq 0 ]
  exit
fi

echo "== snapshot of the working tree in $BASE =="
mkdir -p "$BASE"
# Everything but the build folder goes, so a file deleted here is gone there too.
find "$BASE" -mindepth 1 -maxdepth 1 ! -name build -exec rm -rf {} +
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z -co --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$BASE"
else
  tar -cf - Makefile common chapters solutions tests tools | tar -xf - -C "$BASE"
fi
[ -e data ] && ln -s "$ROOT/data" "$BASE/data"
# Seed the objects from the main tree's reference build; make's timestamps decide what
# is stale (tar and cp -p keep every file's modification time).
if [ ! -d "$BASE/build/reference/obj" ] && [ -d build/reference/obj ]; then
  mkdir -p "$BASE/build/reference"
  cp -rp build/reference/obj "$BASE/build/reference/"
fi

# Every test binary some mutant needs.
needed=$(for p in "${patches[@]}"; do mutant_tests "$p"; done | sort -u)
echo "  building $(echo $needed | wc -w) test binaries: $(echo $needed)"
bins=()
for t in $needed; do bins+=("build/reference/bin/$t"); done
# Binaries are always relinked, so a stale one from an earlier run cannot stand in.
rm -rf "$BASE/build/reference/bin"
make -C "$BASE" --no-print-directory -k "${bins[@]}" >"$WORK/base-build.log" 2>&1
# A test binary that does not build or fails unmutated cannot judge a mutant: those
# mutants are reported as NOT JUDGED (a failure), the others go ahead.
broken=" "
for t in $needed; do
  if [ ! -x "$BASE/build/reference/bin/$t" ]; then
    echo "FAIL: $t does not build on the unmutated tree; see $WORK/base-build.log"
    broken+="$t "
  elif ! (cd "$BASE" && timeout "$TEST_TIMEOUT" "build/reference/bin/$t") >"$WORK/base-$t.log" 2>&1; then
    echo "FAIL: $t fails on the unmutated tree; see $WORK/base-$t.log:"
    grep -E '^\[  FAILED  \] [A-Za-z]' "$WORK/base-$t.log" | head -n 10
    broken+="$t "
  fi
done
[ "$broken" = " " ] && echo "  all pass unmutated"

# run_mutant PATCH: the whole life of one mutant in build/mutants/run/NAME/; its verdict
# goes to build/mutants/run/NAME.result as "VERDICT<TAB>details".
run_mutant() {
  local p=$1 name dir result t bin log status failed_tests caught="" crashed=""
  name=$(basename "$p" .patch)
  dir=$WORK/run/$name
  result=$WORK/run/$name.result
  rm -rf "$dir"
  mkdir -p "$WORK/run"
  for t in $(mutant_tests "$p"); do
    if [[ "$broken" == *" $t "* ]]; then
      printf 'NOT JUDGED\t%s does not build or fails unmutated\n' "$t" >"$result"
      return
    fi
  done
  cp -a "$BASE" "$dir"
  if ! patch -d "$dir" -p1 --batch --forward -F0 --no-backup-if-mismatch <"$p" >"$dir.patch.log" 2>&1; then
    printf 'NOT APPLIED\tsee %s\n' "$dir.patch.log" >"$result"
    return
  fi
  # patch already gives the file a new time; touch makes sure it is newer than its object.
  (cd "$dir" && mutant_files "$p" | xargs touch)
  local targets=()
  for t in $(mutant_tests "$p"); do targets+=("build/reference/bin/$t"); done
  if ! make -C "$dir" --no-print-directory -j1 "${targets[@]}" >"$dir.build.log" 2>&1; then
    printf 'DOES NOT COMPILE\t%s\n' "$(grep -m 1 'error' "$dir.build.log")" >"$result"
    return
  fi
  for t in $(mutant_tests "$p"); do
    log=$dir.$t.log
    (cd "$dir" && timeout "$TEST_TIMEOUT" "build/reference/bin/$t") >"$log" 2>&1
    status=$?
    failed_tests=$(grep -oE '^\[  FAILED  \] [A-Za-z0-9_/]+\.[A-Za-z0-9_/]+' "$log" | cut -c14- | sort -u)
    if [ -n "$failed_tests" ]; then
      # The first two failing tests by name, then how many more.
      local count
      count=$(echo "$failed_tests" | wc -l)
      caught+="$(echo "$failed_tests" | head -n 2 | tr '\n' ' ')"
      [ "$count" -gt 2 ] && caught+="(+$((count - 2)) more in $t) "
    elif [ "$status" -eq 124 ]; then
      crashed+="$t timed out after ${TEST_TIMEOUT}s "
    elif [ "$status" -ne 0 ]; then
      crashed+="$t crashed (status $status) "
    fi
  done
  if [ -n "$caught$crashed" ]; then
    printf 'caught\t%s%s\n' "$caught" "$crashed" >"$result"
    # Only the logs are kept of a caught mutant; a survivor's tree stays for a look.
    rm -rf "$dir"
  else
    printf 'SURVIVED\t%s pass\n' "$(mutant_tests "$p" | tr '\n' ' ')" >"$result"
  fi
}

echo "== ${#patches[@]} mutants, $JOBS at a time =="
start=$SECONDS
rm -f "$WORK"/run/*.result
for p in "${patches[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  run_mutant "$p" &
done
wait

passed=0 failed=0
printf '\n%-34s %-22s %s\n' mutant chapter verdict
for p in "${patches[@]}"; do
  name=$(basename "$p" .patch)
  chapters=$(mutant_files "$p" | sed -E 's#^(solutions|chapters)/([^/]*)/.*#\2#; s#^common/([^.]*).*#common/\1#' | sort -u | tr '\n' ' ')
  verdict=$(cut -f1 "$WORK/run/$name.result" 2>/dev/null)
  details=$(cut -f2- "$WORK/run/$name.result" 2>/dev/null)
  printf '%-34s %-22s %s\n' "$name" "$chapters" "${verdict:-NO RESULT}${details:+: $details}"
  printf '%-34s %-22s   (%s)\n' "" "" "$(mutant_title "$p")"
  if [ "$verdict" = caught ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
echo
echo "${#patches[@]} mutants in $((SECONDS - start)) s; logs in $WORK/run/"
grep -qs '^SURVIVED' "$WORK"/run/*.result &&
  echo "A SURVIVED mutant is a bug the tests cannot see: add a test that fails on it."
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
