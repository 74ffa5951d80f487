#!/usr/bin/env bash
# tools/test.sh CHAPTER...: `make test`, the maintainers' and CI's command.
#  1. builds everything warning-free: the reference tests, and each chapter's tests and
#     program on its stubs as shipped (tools/shipped.sh: from git, never the working copy)
#  2. runs every test against solutions/ (and common/)
#  3. the tests bite: each chapter's exercise tests, linked with the chapter's stubs as
#     shipped (earlier chapters from solutions/), must all fail
#  4. one path: each chapter's program, built the same way, stops at the first stub with a
#     message that names the chapter; and chapter 7's program, with the sign of the step
#     in sgd_step flipped, reports that the loss climbed (tools/sign_flip.sh)
#  5. every stub as shipped has its TODO and its not_implemented throw
#  6. bad input: the reference programs refuse bad flags, broken data files and a full
#     disk cleanly (tools/bad_input.sh; each case counts once)
#  7. each output block marked in a lesson matches what the program prints now
#  8. determinism: each program run twice with the same seed prints the same bytes
#  9. the learner's loop: make check, watch and reset on planted mistakes, in a scratch
#     copy (tools/loop_test.sh)
# Checks that need MNIST are skipped, with a line that says so, when data/mnist/ is
# missing (make data). TEST_SECTIONS="bite todo ..." runs only those sections (names
# below). Ends with "N passed, N failed"; exits 1 if anything failed.
set -u
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
source tools/programs.sh
mkdir -p build
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
wanted() { [ -z "${TEST_SECTIONS:-}" ] || [[ " $TEST_SECTIONS " == *" $1 "* ]]; }

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
stub_bins=() stub_programs=() programs=()
for ch in "$@"; do
  bins+=("build/reference/bin/${ch}_test")
  stub_bins+=("build/learner/bin/${ch}_test_stubs")
  if [ -f "chapters/$ch/main.cpp" ]; then
    programs+=("$ch")
    stub_programs+=("build/learner/bin/${ch}_program_stubs")
  fi
done

echo "== build =="
bash tools/shipped.sh | sed 's/^/  /'
log=build/test-build.log
if make -k "${bins[@]}" "${stub_bins[@]}" "${stub_programs[@]}" >"$log" 2>&1; then
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

if wanted solutions; then
  echo "== tests on solutions/ =="
  for bin in "${bins[@]}"; do
    name=$(basename "$bin")
    out=build/test-$name.log
    if [ ! -x "$bin" ]; then
      fail "$name was not built"
      continue
    fi
    WORKBOOK_REPORT='' "$bin" >"$out" 2>&1
    status=$?
    p=$(result_field "$out" passed) f=$(result_field "$out" failed) s=$(result_field "$out" skipped)
    if [ -z "$p" ]; then
      fail "$name ended without its result line (exit status $status); the end of its output:"
      tail -n 20 "$out"
      continue
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    printf '  %-34s %3d passed, %d failed%s\n' "$name" "$p" "$f" "$([ "${s:-0}" -gt 0 ] && echo ", $s skipped")"
    if [ "$f" -gt 0 ] || [ "$status" -ne 0 ]; then
      grep -E '^\[  FAILED  \] [A-Za-z]|^ +at |Failure|error:|Expected|Which is|actual' "$out" | head -n 30
      [ "$f" -eq 0 ] && fail "$name exited with status $status"
    fi
    # Each skipped test, with its reason (such as data/mnist/ missing).
    grep '^skipped: ' "$out" | sed 's/^/    /'
  done
fi

if wanted bite; then
  echo "== tests bite: exercise tests fail on the stubs as shipped =="
  for ch in "$@"; do
    bin=build/learner/bin/${ch}_test_stubs
    out=build/bite-$ch.log
    if [ ! -x "$bin" ]; then
      fail "bite $ch: the stubs' test binary was not built"
      continue
    fi
    if WORKBOOK_REPORT=bite "$bin" >"$out" 2>&1; then
      pass
      printf '  %-34s %s exercise tests all fail on the stubs\n' "$ch" "$(result_field "$out" exercise_total)"
    else
      fail "bite $ch: on the stubs as shipped these exercise tests pass (or none exist):"
      grep 'passes on the stubs' "$out"
      grep -q 'workbook-result' "$out" || tail -n 5 "$out"
    fi
  done
fi

if wanted one-path; then
  echo "== one path: each program stops at a stub and names its chapter =="
  for ch in "${programs[@]}"; do
    num=${ch%%_*}
    bin=$PWD/build/learner/bin/${ch}_program_stubs
    label="${ch}_program on chapter $num's stubs"
    if program_needs_data "$ch" && ! have_mnist; then
      printf '  %-44s SKIPPED: it reads MNIST and data/mnist/ is missing (make data)\n' "$label"
      continue
    fi
    if [ ! -x "$bin" ]; then
      fail "$label was not built"
      continue
    fi
    dir=build/one-path/$ch
    program_rundir "$dir"
    read -r -a args <<<"$(program_args "$ch" determinism)"
    (cd "$dir" && timeout 300 "$bin" "${args[@]}") >"$dir/stdout" 2>"$dir/stderr"
    status=$?
    message=$(grep -h -m 1 'is not written yet' "$dir/stderr" "$dir/stdout")
    if [ "$status" -ne 0 ] && [ "$status" -lt 128 ] && [[ "$message" == *"chapter $num)"* ]]; then
      pass
      printf '  %-44s exit %d at %s\n' "$label" "$status" "$(echo "$message" | sed -E 's/^error: //; s/ is not written yet \(.*, (chapter [0-9]+)\).*/ (\1)/')"
    else
      fail "$label: wanted a non-zero exit and a message naming chapter $num; got exit $status," \
        "stderr ends: $(grep . "$dir/stderr" | tail -n 1 | cut -c1-160)"
    fi
  done
  if [ -n "$(printf '%s\n' "$@" | grep '^07_')" ]; then
    fold_in build/test-sign-flip.log tools/sign_flip.sh
  fi
fi

if wanted todo; then
  echo "== every stub as shipped has its TODO =="
  todo_before=$passed
  for ch in "$@"; do
    for f in $(exercise_files "$ch"); do
      stub=build/shipped/chapters/$ch/$f
      if [ ! -s "$stub" ]; then
        fail "solutions/$ch/$f has no stub at chapters/$ch/$f"
      elif ! grep -q 'TODO' "$stub" || ! grep -q 'not_implemented(' "$stub"; then
        fail "chapters/$ch/$f as shipped lacks its TODO or its throw not_implemented(...)"
      else
        pass
      fi
    done
  done
  echo "  $((passed - todo_before)) exercise files as shipped each have a TODO and a throw not_implemented(...)"
fi

if wanted bad-input; then
  echo "== bad input: refused cleanly, never a crash =="
  fold_in build/test-bad-input.log tools/bad_input.sh "$@"
fi

if wanted lessons; then
  echo "== lessons show what the programs print =="
  fold_in build/test-readme-outputs.log tools/readme_outputs.sh "$@"
fi

if wanted determinism; then
  echo "== the same seed gives the same output =="
  fold_in build/test-determinism.log tools/determinism.sh "$@"
fi

if wanted loop; then
  echo "== the learner's loop: make check, watch, reset on planted mistakes =="
  fold_in build/test-loop.log tools/loop_test.sh
fi

echo
have_mnist || echo "Checks that read MNIST were skipped: data/mnist/ is missing (make data, then make test)."
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
