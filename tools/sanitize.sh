#!/usr/bin/env bash
# tools/sanitize.sh CHAPTER...: `make sanitize`, every test and program on solutions/
# under AddressSanitizer (leaks included) and UndefinedBehaviorSanitizer.
#  1. proves the sanitizers work here: a deliberate leak, overflow and bad index must
#     each be reported (LeakSanitizer fails under ptrace and in some containers)
#  2. builds build/sanitize/bin/common_test and each chapter's _test and _program
#  3. runs every test binary; any failing test or any sanitizer report is a failure
#  4. runs each chapter's program (quick arguments from tools/programs.sh; programs
#     that read MNIST are skipped when data/mnist/ is missing)
# Ends with "N passed, N failed" (one count per binary run); exits 1 on any finding.
set -u
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
source tools/programs.sh
CXX=${CXX:-g++}
SAN=build/sanitize
mkdir -p "$SAN"
passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# A finding ends the process at once; a leak report fails the exit status.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The lines by which a sanitizer announces a finding.
REPORT='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|LeakSanitizer has encountered'

# probe NAME EXPECTED SOURCE: builds SOURCE with the sanitize flags; true if running it
# fails and prints EXPECTED.
probe() {
  local src=$SAN/probe-$1.cpp bin=$SAN/probe-$1 out=$SAN/probe-$1.log
  printf '%s\n' "$3" >"$src"
  $CXX -std=c++20 -O1 -g -fsanitize=address,undefined "$src" -o "$bin" >"$out" 2>&1 || return 1
  # In a subshell, so bash's "Aborted" notice lands in the log too.
  ! ("$bin"; exit $?) >>"$out" 2>&1 && grep -q "$2" "$out"
}

echo "== the sanitizers work here =="
leaks=on
if probe leak 'LeakSanitizer: detected memory leaks' \
  '#include <cstdlib>
int main() { void* volatile p = std::malloc(1234); p = nullptr; return 0; }'; then
  pass
  echo "  LeakSanitizer reports a deliberate leak"
else
  leaks=off
  fail "LeakSanitizer does NOT work here: a deliberate 1234-byte leak went unreported" \
    "(it cannot run under ptrace: a debugger, strace, or some container sandboxes)." \
    "Leak checking is OFF for the rest of this run; see $SAN/probe-leak.log"
  export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
fi
if probe ub 'runtime error:' \
  '#include <climits>
int main(int argc, char**) { int big = INT_MAX - 1 + argc; return big + argc > 0 ? 0 : 1; }'; then
  pass
  echo "  UndefinedBehaviorSanitizer stops a deliberate signed overflow"
else
  fail "UndefinedBehaviorSanitizer did not stop a deliberate overflow; see $SAN/probe-ub.log"
fi
if probe asan 'heap-buffer-overflow' \
  '#include <vector>
int main(int argc, char**) { std::vector<int> v(4); return v.data()[3 + argc]; }'; then
  pass
  echo "  AddressSanitizer stops a deliberate out-of-bounds read"
else
  fail "AddressSanitizer did not stop a deliberate out-of-bounds read; see $SAN/probe-asan.log"
fi

bins=("$SAN/bin/common_test")
programs=()
for ch in "$@"; do
  bins+=("$SAN/bin/${ch}_test")
  [ -f "chapters/$ch/main.cpp" ] && programs+=("$ch")
done

echo "== build (-fsanitize=address,undefined) =="
log=build/sanitize-build.log
targets=("${bins[@]}")
for ch in "${programs[@]}"; do targets+=("$SAN/bin/${ch}_program"); done
if make --no-print-directory -k "${targets[@]}" >"$log" 2>&1; then
  pass
  echo "  ${#targets[@]} binaries built"
else
  fail "the build failed; the errors (all in $log):"
  grep -E 'error|Error' "$log" | head -n 30
fi

echo "== tests under the sanitizers =="
for bin in "${bins[@]}"; do
  name=$(basename "$bin")
  out=build/sanitize-$name.log
  if [ ! -x "$bin" ]; then
    fail "$name was not built"
    continue
  fi
  # A test may take far longer under the sanitizers than the runner's usual limit.
  (WORKBOOK_REPORT='' WORKBOOK_TEST_SECONDS=600 timeout 1200 "$bin") >"$out" 2>&1
  status=$?
  p=$(result_field "$out" passed) f=$(result_field "$out" failed)
  if grep -qE "$REPORT" "$out"; then
    fail "$name: a sanitizer finding (exit status $status); the report, in full in $out:"
    grep -E -A 14 "$REPORT" "$out" | head -n 40
  elif [ -z "$p" ] || [ "$status" -ne 0 ]; then
    fail "$name: exit status $status$([ -n "$f" ] && echo ", $f tests failed"); the end of $out:"
    grep -E '^\[  FAILED  \]' "$out" | head -n 20
    tail -n 15 "$out"
  else
    pass
    printf '  %-34s %3d tests passed, no findings\n' "$name" "$p"
  fi
done

echo "== programs under the sanitizers =="
for ch in "${programs[@]}"; do
  bin=$SAN/bin/${ch}_program
  read -r -a args <<<"$(program_args "$ch" sanitize)"
  out=build/sanitize-${ch}_program.log
  program_ready "$ch" "$bin" "${ch}_program" "${args[@]}"
  case $? in
    1) skipped=$((skipped + 1)); continue ;;
    2) fail "$not_ready"; continue ;;
  esac
  # Run in a folder of its own so its out/ does not overwrite the reference pictures.
  dir=$SAN/run/$ch
  program_rundir "$dir"
  (cd "$dir" && timeout 1200 "$OLDPWD/$bin" "${args[@]}") >"$out" 2>&1
  status=$?
  if grep -qE "$REPORT" "$out"; then
    fail "${ch}_program ${args[*]}: a sanitizer finding (exit status $status); in full in $out:"
    grep -E -A 14 "$REPORT" "$out" | head -n 40
  elif [ "$status" -ne 0 ]; then
    fail "${ch}_program ${args[*]}: exit status $status$([ "$status" -eq 124 ] && echo ' (timed out)'); the end of $out:"
    tail -n 15 "$out"
  else
    pass
    printf '  %-34s %s\n' "${ch}_program ${args[*]}" "ran clean"
  fi
done

echo
[ "$leaks" = off ] && echo "WARNING: leaks were NOT checked (LeakSanitizer does not work here)."
[ "$skipped" -gt 0 ] && echo "$skipped programs skipped: no MNIST data (make data)."
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
