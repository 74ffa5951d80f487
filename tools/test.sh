#!/usr/bin/env bash
# tools/test.sh CHAPTER...: `make test`, the maintainers' and CI's command.
#  1. builds everything warning-free: reference tests, and each chapter's tests on its stubs
#  2. runs every test against solutions/ (and common/)
#  3. the bite check: each chapter's exercise tests, linked with the untouched stubs of
#     that chapter (earlier chapters from solutions/), must all fail
#  4. bad input: the reference programs refuse bad flags and broken data files cleanly
#     (tools/bad_input.sh; each case counts once)
#  5. every stub still has its TODO and its not_implemented throw
#  6. each output block marked in a lesson matches what the program prints now
#  7. determinism: each program run twice with the same seed prints the same bytes
#     (tools/determinism.sh; each program counts once)
# Ends with "N passed, N failed"; exits 1 if anything failed.
set -u
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
mkdir -p build
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# fold_in LOG SCRIPT ARGS...: runs a script that ends with "N passed, N failed", shows its
# other lines, and adds its counts to ours (one failure if it ends without that line).
fold_in() {
  local log=$1 p f
  shift
  bash "$@" >"$log" 2>&1
  # Its own "== section ==" headers become sub-headers of ours.
  grep -a -v -e ' passed, .* failed$' -e '^$' "$log" | sed -E 's/^== (.*) ==$/  -- \1 --/'
  p=$(tail -n 1 "$log" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1/p')
  f=$(tail -n 1 "$log" | sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\2/p')
  [ -z "$p" ] && echo "FAIL: $1 ended without its 'N passed, N failed' line; see $log"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-1}))
}

bins=(build/reference/bin/common_test)
bite_bins=()
for ch in "$@"; do
  bins+=("build/reference/bin/${ch}_test")
  bite_bins+=("build/learner/bin/${ch}_test_prev_solutions")
done

echo "== build =="
log=build/test-build.log
if make --no-print-directory -k -j"$(nproc)" "${bins[@]}" "${bite_bins[@]}" >"$log" 2>&1; then
  pass
else
  fail "the build failed; the errors:"
  grep -E 'error|Error' "$log" | head -n 30
fi
warnings=$(grep -c 'warning:' "$log")
if [ "$warnings" -eq 0 ]; then
  pass
else
  fail "$warnings compiler warnings (-Wall -Wextra -Wpedantic):"
  grep 'warning:' "$log" | head -n 20
fi

echo "== tests on solutions/ =="
for bin in "${bins[@]}"; do
  name=$(basename "$bin")
  out=build/test-$name.log
  if [ ! -x "$bin" ]; then
    fail "$name was not built"
    continue
  fi
  WORKBOOK_REPORT= "$bin" >"$out" 2>&1
  status=$?
  p=$(result_field "$out" passed) f=$(result_field "$out" failed) s=$(result_field "$out" skipped)
  if [ -z "$p" ]; then
    fail "$name crashed (exit status $status); the end of its output:"
    tail -n 20 "$out"
    continue
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  printf '  %-34s %3d passed, %d failed%s\n' "$name" "$p" "$f" "$([ "${s:-0}" -gt 0 ] && echo ", $s skipped")"
  if [ "$f" -gt 0 ] || [ "$status" -ne 0 ]; then
    grep -E '^\[  FAILED  \]|Failure|error:|Expected|Which is|actual' "$out" | head -n 30
    [ "$f" -eq 0 ] && fail "$name exited with status $status"
  fi
done

echo "== tests bite: exercise tests fail on the stubs =="
for ch in "$@"; do
  bin=build/learner/bin/${ch}_test_prev_solutions
  out=build/bite-$ch.log
  if [ ! -x "$bin" ]; then
    fail "bite $ch: the stubs' test binary was not built"
    continue
  fi
  if WORKBOOK_REPORT=bite timeout 600 "$bin" >"$out" 2>&1; then
    pass
    printf '  %-34s %s exercise tests all fail on the stubs\n' "$ch" "$(result_field "$out" exercise_total)"
  else
    fail "bite $ch: on the untouched stubs these exercise tests pass (or none exist):"
    grep 'passes on the stubs' "$out"
    grep -q 'workbook-result' "$out" || tail -n 5 "$out"
  fi
done

echo "== bad input: refused cleanly, never a crash =="
fold_in build/test-bad-input.log tools/bad_input.sh "$@"

echo "== every stub has its TODO =="
for ch in "$@"; do
  for f in $(exercise_files "$ch"); do
    stub=chapters/$ch/$f
    if [ ! -f "$stub" ]; then
      fail "solutions/$ch/$f has no stub at $stub"
    elif ! grep -q 'TODO' "$stub" || ! grep -q 'not_implemented(' "$stub"; then
      fail "$stub lacks its TODO or its throw not_implemented(...): is the exercise solved in the learner's copy?"
    else
      pass
    fi
  done
done

echo "== lessons show what the programs print =="
fold_in build/test-readme-outputs.log tools/readme_outputs.sh "$@"

echo "== the same seed gives the same output =="
fold_in build/test-determinism.log tools/determinism.sh "$@"

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
