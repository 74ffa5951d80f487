#!/usr/bin/env bash
# tools/loop_test.sh: the learner's loop never misleads and never loses work (issue 14).
# A section of `make test`; runs on its own too.
#
# In a scratch copy of the tree, build/loop-test/tree (the files git lists, chapters/
# holding the stubs as shipped, no data/; a git repository of its own whose last commit
# is that copy; the learner build's objects copied in, so only what a case changes is
# compiled), each case plants what a learner might write, runs make check, watch or
# reset as a learner would, and asserts what they say. One line per case, then
# "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
ROOT=$PWD
WORK=$ROOT/build/loop-test
TREE=$WORK/tree
passed=0 failed=0 skipped=0

# ---- the scratch tree ------------------------------------------------------------------
copy_tree "$TREE"
bash tools/shipped.sh >/dev/null
for f in build/shipped/chapters/*/*.cpp; do cp -p "$f" "$TREE/chapters/${f#build/shipped/chapters/}"; done
if [ -d build/learner/obj ]; then
  mkdir -p "$TREE/build/learner"
  cp -rp build/learner/obj "$TREE/build/learner/"
  # Objects of chapters/ were built from someone's working copy, not from these stubs.
  rm -rf "$TREE/build/learner/obj/chapters"
fi
(
  cd "$TREE" && git init -q && git add -A &&
    git -c user.name=loop-test -c user.email=loop-test@localhost commit -qm "as shipped"
) || { echo "FAIL: could not make the scratch tree a git repository"; echo "0 passed, 1 failed"; exit 1; }

# ---- cases -----------------------------------------------------------------------------
# A case: begin NAME; run or spawn something; then want/want_not/want_status assertions;
# end. The first assertion that does not hold is reported, with the output's last lines.
# (make exits with status 2 when the command it ran failed.)
begin() {
  case_name=$1
  case_problem=""
  out=$WORK/$1.out
  case_start=$SECONDS
}
want() { grep -q -F -- "$1" "$out" || case_problem=${case_problem:-"no line says: $1"}; }
want_not() { ! grep -q -F -- "$1" "$out" || case_problem=${case_problem:-"a line says: $1"}; }
want_status() { [ "$status" -eq "$1" ] || case_problem=${case_problem:-"exit status $status, wanted $1"}; }
want_true() { eval "$1" || case_problem=${case_problem:-"$2"}; }
end() {
  if [ -z "$case_problem" ]; then
    passed=$((passed + 1))
    printf '  ok   %-30s %s (%d s)\n' "$case_name" "$1" $((SECONDS - case_start))
  else
    failed=$((failed + 1))
    printf '  FAIL %-30s %s: %s; the output (%s) ends:\n' "$case_name" "$1" "$case_problem" "$out"
    tail -n 12 "$out" | sed 's/^/         | /'
  fi
}

# in_tree COMMAND...: runs it in the scratch tree, output (both streams) to $out.
in_tree() {
  (cd "$TREE" && "$@") >"$out" 2>&1
  status=$?
}

# plant FILE FUNCTION BODY: the stub of FUNCTION in FILE (its `throw not_implemented`
# line and the `(void)` line above it) becomes BODY. restore FILE: back as shipped.
plant() {
  FUNCTION=$2 BODY=$3 perl -0pi -e \
    's/\n[ \t]*\(void\)[^\n]*\n([ \t]*)throw not_implemented\("\Q$ENV{FUNCTION}\E"\);/\n$1$ENV{BODY}/' "$TREE/$1"
  grep -q -F -- "$3" "$TREE/$1" || echo "loop_test: could not plant into $2 in $1" >&2
}
restore() { git -C "$TREE" checkout -q -- "$@"; }
# line_of FILE TEXT → the line number of TEXT in the scratch tree's FILE.
line_of() { grep -n -F -- "$2" "$TREE/$1" | head -n 1 | cut -d: -f1; }

# spawn OUTPUT COMMAND...: starts COMMAND in the scratch tree in a session of its own, as
# a terminal starts a command (Ctrl-C reaches its whole process group), with SIGINT at
# its default action; prints its process id, which is also its group and session id.
spawn() {
  local output=$1
  shift
  (cd "$TREE" && perl -MPOSIX -e '
    $SIG{INT} = "DEFAULT";
    my $out = shift @ARGV;
    my $pid = fork();
    if ($pid == 0) {
      POSIX::setsid();
      open(STDOUT, ">", $out); open(STDERR, ">&", \*STDOUT);
      exec @ARGV or exit 127;
    }
    print "$pid\n";' "$output" "$@")
}
# alive SESSION → the processes of the session still running (not zombies).
alive() { ps -o pid=,stat=,args= -s "$1" 2>/dev/null | awk '$2 !~ /^Z/'; }
# wait_for SECONDS COMMAND...: true as soon as COMMAND succeeds, false after SECONDS.
wait_for() {
  local until=$((SECONDS + $1))
  shift
  while [ "$SECONDS" -lt "$until" ]; do
    "$@" && return 0
    sleep 0.2
  done
  return 1
}

W=chapters/00_welcome/welcome.cpp
N=chapters/01_numerical_diff/numerical_diff.cpp

echo "== make check: what a failure says =="

begin wrong-beside-stub
plant "$W" mean "return sum(a);"
in_tree make check CH=00
want_status 2
want "mean(a) = 10, expected 2.5"
want "Still to write:"
want "affine (chapters/00_welcome/welcome.cpp:"
want_not "awk:"
want_not "No such file"
want_not "No TODO is left"
end "a wrong mean beside the affine stub: the values, then the stub still to write"

begin check-is-last-on-a-terminal
if command -v script >/dev/null 2>&1; then
  in_tree script -qec "make check CH=00" /dev/null
  last=$(grep -v '^[[:space:]]*$' "$out" | tail -n 1 | tr -d '\r')
  want_status 0
  want_not "make: ***"
  want_true '[[ "$last" == Hints:* ]]' "the last line is not the check's own: $last"
  end "on a terminal, no make 'Error 1' after the report"
else
  skipped=$((skipped + 1))
  printf '  skip %-30s %s\n' "$case_name" "needs script(1) for a terminal (util-linux)"
fi
restore "$W"

begin every-failure-and-a-crash
plant "$N" numerical_diff "return (f(x + h) - f(x)) / h;  // LOOPTEST: forward, not central"
plant "$N" tangent_line "volatile int* p = nullptr; *p = 1;  // LOOPTEST-NULL
  return f;"
in_tree make check CH=01
crash_line=$(line_of "$N" "LOOPTEST-NULL")
want_status 2
want "crashed: segmentation fault"
want "in your code at $N:$crash_line (tangent_line)"
want "forward_diff ($N:"
want_not "exit status 139"
want_true '[ "$(grep -c "^  FAIL  " "$out")" -ge 10 ]' "fewer than 10 failing tests listed"
want_true 'grep -A1 "^  FAIL  " "$out" | grep -q -E "^ +[^ ].* = .*, expected "' "no failing test shows 'X = value, expected value'"
# The provided test after the crashing ones still ran, and passed.
want_true 'awk "/crashed:/ { c = 1 } c && /^  ok  /" "$out" | grep -q .' "no test passed after the crash"
end "a forward difference and a null write: every failure listed, the crash named, at its line"
restore "$N"

begin abort-names-the-line
plant "$N" tangent_line 'std::vector<double> v(3); v[static_cast<std::size_t>(a > 1e9) + 5] = a;  // LOOPTEST-ABORT
  return f;'
sed -i 's|#include "common/not_implemented.h"|#include "common/not_implemented.h"\n#include <vector>|' "$TREE/$N"
in_tree make check CH=01
abort_line=$(line_of "$N" "LOOPTEST-ABORT")
want_status 2
want "crashed: abort (signal 6)"
want "in your code at $N:$abort_line (tangent_line)"
want "Assertion"
end "an index outside a vector: the test, libstdc++'s message, the learner's line"
restore "$N"

begin crash-output-under-its-test
# Earlier tests pass, then one aborts: libstdc++'s message belongs under the test that
# crashed, never under one that passed (three runs, as a mix-up would depend on timing).
cp "$TREE/solutions/01_numerical_diff/numerical_diff.cpp" "$TREE/$N"
perl -0pi -e 's/(\nFunction1D tangent_line\([^)]*\) \{\n)/$1  std::vector<double> v(3); v[static_cast<std::size_t>(a > 1e9) + 5] = a;  \/\/ LOOPTEST-ABORT\n/' "$TREE/$N"
sed -i 's|^#include "chapters/01_numerical_diff/numerical_diff.h"|&\n#include <vector>|' "$TREE/$N"
: >"$out"
for _ in 1 2 3; do (cd "$TREE" && make check CH=01) >>"$out" 2>&1; done
# The line of the test each "Assertion" line is printed under.
holders=$(awk '/^  (ok|FAIL|skip|--) / { test = $0 } /Assertion .__n < this->size/ { print test }' "$out" | sort | uniq -c)
echo "$holders" >>"$out"
want_true 'grep -q LOOPTEST-ABORT "$TREE/$N"' "could not plant the bad index in tangent_line"
first_crash=$(grep -m 1 "^  FAIL  " "$out")
want "ok    NumericalDiffTest."
want_true '[[ "$first_crash" == *TangentLineTest* ]] && grep -q -F -- "$first_crash" <<<"$holders"' \
  "libstdc++'s message is not under the test that crashed first ($first_crash)"
want_true '! grep -v "  FAIL  " <<<"$holders" | grep -q .' \
  "libstdc++'s message is under a test that passed: $(grep -v "  FAIL  " <<<"$holders" | head -n 1)"
end "a test aborts after passing ones: its message under it, under no other"

begin run-crash-explained
# The same abort in make run: the program's crash is named, with where to find the line.
in_tree make run CH=01
want_status 2
want "crashed: an abort"
want "HINT: make check CH=01"
want_not "run.sh: line"  # the shell's own "Aborted" report, which looks like the tool failing
end "a crash in make run: named, and the way to its line given"
restore "$N"

begin endless-loop
plant "$N" forward_diff 'volatile double s = 0; while (s >= 0) s = s + h;  // LOOPTEST-LOOP
  return f(x);'
export WORKBOOK_TEST_SECONDS=1
in_tree make check CH=01
unset WORKBOOK_TEST_SECONDS
loop_line=$(line_of "$N" "LOOPTEST-LOOP")
want_status 2
# On a quiet machine the 1 s of computing comes first; on a busy one the clock's 3 s may,
# and the report says how much of it was computing: a loop either way, never "waiting".
want "stopped: still running after "
want "computing (a loop that never ends"
want "in your code at $N:$loop_line (forward_diff)"
want_true '[ $((SECONDS - case_start)) -lt 40 ]' "it took $((SECONDS - case_start)) s"
end "a loop that never ends: stopped per test, named, at its line"

begin loop-in-a-shared-function
# A loop in numerical_diff, which most of the chapter's tests call: the first test is
# stopped at the full limit (5 s of computing), the next at 2 s, and the rest are not
# run, so the check ends a few seconds after the first stop (not 3 s for each of 18
# tests). Judged by the computing it did, which a busy machine does not change, and by
# the clock, which the runner's own limits (three times the computing) cap at 21 s.
restore "$N"
plant "$N" numerical_diff 'volatile double s = 0; while (s >= 0) s = s + h;  // LOOPTEST-SHARED
  return f(x);'
in_tree make -s build/learner/bin/01_numerical_diff_test
TIMEFORMAT='%R %U %S'
{ time in_tree make check CH=01; } 2>"$WORK/shared-time"
read -r wall user system <"$WORK/shared-time"
shared_line=$(line_of "$N" "LOOPTEST-SHARED")
want_status 2
want "stopped: still running after "
want "in your code at $N:$shared_line (numerical_diff)"
want "(not run)"
want "tests left were not run"
want_true 'awk -v u="$user" -v s="$system" "BEGIN { exit !(u + s < 10) }"' "it computed for $user + $system s"
want_true 'awk -v w="$wall" "BEGIN { exit !(w < 30) }"' "it took $wall s"
end "a loop in a function 18 tests call: done a few seconds after the first stop"
restore "$N"
plant "$N" forward_diff 'volatile double s = 0; while (s >= 0) s = s + h;  // LOOPTEST-LOOP
  return f(x);'

begin two-builds-at-once
# A changed folder makes build/compile_commands.json out of date: two makes at once (make
# watch and make check) both write it, neither may fail for the other.
in_tree make -s build/learner/bin/00_welcome_test
: >"$out"
builds_failed=0
for _ in $(seq 30); do
  touch "$TREE/chapters/00_welcome"
  (cd "$TREE" && make -s build/learner/bin/00_welcome_test) >>"$out" 2>&1 &
  (cd "$TREE" && make -s build/learner/bin/00_welcome_test) >>"$out" 2>&1 || builds_failed=$((builds_failed + 1))
  wait $! || builds_failed=$((builds_failed + 1))
done
want_true '[ "$builds_failed" -eq 0 ]' "$builds_failed of 60 builds failed"
want_not "cannot stat"
want_true 'python3 -m json.tool "$TREE/build/compile_commands.json" >/dev/null 2>&1 || ! command -v python3 >/dev/null' \
  "build/compile_commands.json is not valid JSON"
want_true '! ls "$TREE"/build/*.tmp >/dev/null 2>&1' "temporary files are left in build/"
end "two builds at once, 30 times: both succeed, compile_commands.json whole"

begin two-checks-at-once
# A check runs the tests (slowly, in the loop above) while a second one, after an edit,
# relinks the same binary: each must finish with its own report.
export WORKBOOK_TEST_SECONDS=4
first=$(spawn "$WORK/first-check.out" make check CH=01)
wait_for 60 pgrep -s "$first" -f 01_numerical_diff_test >/dev/null
touch "$TREE/$N"
in_tree make check CH=01
second_status=$status
wait_for 90 bash -c "! ps -o stat= -s $first | grep -qv Z"
unset WORKBOOK_TEST_SECONDS
cat "$WORK/first-check.out" >>"$out"
want_true '[ "$second_status" -eq 2 ]' "the second check ended with status $second_status"
want_not "Text file busy"
want_not "does not compile"
want_true '[ "$(grep -c "tests pass" "$out")" -eq 2 ]' "not both checks reported"
end "make check while another make check runs the same chapter"
restore "$N"

begin exception-names-the-line
plant "$W" mean "throw std::bad_alloc();  // LOOPTEST-ALLOC"
plant "$W" affine "return add_row_vector(W * x, b);  // LOOPTEST-SHAPE"
sed -i 's|#include <stdexcept>|#include <new>\n#include <stdexcept>|' "$TREE/$W"
in_tree make check CH=00
want_status 2
want "an exception escaped the test: std::bad_alloc"
want "your code at $W:$(line_of "$W" LOOPTEST-ALLOC) (mean)"
want "threw std::invalid_argument: matmul: "
want "Your code threw an exception"
want_not "No TODO is left"
want_not "gives a different answer"
end "bad_alloc and a matmul shape error: reported as exceptions, at the learner's line"
restore "$W"

echo "== make check: the command line, a complete chapter, a skipped test =="

begin ch-two-chapters
in_tree make check "CH=03 04"
want_status 2
want "names 2 chapters"
want "HINT: make check CH=03"
end "CH='03 04' is refused, not checked as 03"

begin ch-no-such-chapter
in_tree make check CH=99
want_status 2
want "CH=99 names no chapter"
want "HINT: make check CH=00"
want_not "HINT: make check CH=99"
end "CH=99 is refused with a chapter that exists"

begin bad-ch-is-last-on-a-terminal
if command -v script >/dev/null 2>&1; then
  : >"$out"
  for command in "make check CH=99" "make check CH='03 04'" "make run CH=99" "make reset CH=99"; do
    (cd "$TREE" && script -qec "$command" /dev/null) >"$WORK/bad-ch-one.out" 2>&1
    cat "$WORK/bad-ch-one.out" >>"$out"
    last=$(grep -v '^[[:space:]]*$' "$WORK/bad-ch-one.out" | tail -n 1 | tr -d '\r')
    target=$(cut -d ' ' -f 2 <<<"$command")
    want_true '[[ "$last" == "HINT: make $target CH="* ]]' "after $command, the last line is not the HINT: $last"
  done
  want_not "make: ***"
  end "on a terminal, a bad CH= ends with the HINT, not make's error"
else
  skipped=$((skipped + 1))
  printf '  skip %-30s %s\n' "$case_name" "needs script(1) for a terminal (util-linux)"
fi

begin complete
cp "$TREE/solutions/00_welcome/welcome.cpp" "$TREE/$W"
in_tree make check CH=00
want_status 0
want "Chapter 0 complete."
want "diff -u $W solutions/00_welcome/welcome.cpp"
end "a solved chapter is complete"

begin skipped-is-not-complete
printf '\n// LOOPTEST: a test that skips\nTEST(LoopTestProvidedTest, NeedsData) { GTEST_SKIP() << "run make data (data/mnist not found)"; }\n' \
  >>"$TREE/tests/00_welcome_test.cpp"
in_tree make check CH=00
want_status 2
want "skip  LoopTestProvidedTest.NeedsData (run make data (data/mnist not found))"
want "1 test was skipped"
want_not "complete."
end "a skipped test: named with its reason, and the chapter not complete"
restore tests/00_welcome_test.cpp

begin mnist-test-skipped-without-data
ch7=$(basename "$(ls -d "$TREE"/chapters/07_*/ 2>/dev/null | head -n 1)")
if [ -n "$ch7" ]; then
  cp "$TREE/solutions/$ch7/"*.cpp "$TREE/chapters/$ch7/"
  in_tree make check CH=07 PREVIOUS=solutions
  want_status 2
  want "skip  "
  want "make data"
  want_not "complete."
  want "Re-run: make check CH=07 PREVIOUS=solutions"
  end "chapter 7 without data/: not complete, the skipped test named, the same command to re-run"
  restore "chapters/$ch7"
else
  printf '  skip %-30s %s\n' "$case_name" "no chapter 07"
fi

begin first-build-says-so
touch "$TREE/tests/00_welcome_test.cpp" "$TREE/tests/support/where.cpp" "$TREE/$W"
in_tree make check CH=00
want "Building chapter 00's tests on your code: 3 files to compile"
want_true '[ -s "$TREE/build/compile_commands.json" ] && grep -q "\"file\": \"$W\"" "$TREE/build/compile_commands.json"' \
  "build/compile_commands.json does not list $W"
end "a build of several files says so; compile_commands.json is written"
restore "$W"

begin editor-flags-are-the-builds
# Each file's entry in build/compile_commands.json has the flags make really compiles it
# with (chapter 09 at -O3 -march=native, common/ optimised, tests at -O0, solutions/ as
# in build/reference): an editor then shows the warnings and errors the build gives.
: >"$out"
for f in chapters/09_making_it_fast/kernels.cpp tests/09_making_it_fast_test.cpp common/matrix.cpp \
  tests/support/where.cpp "$W" solutions/09_making_it_fast/kernels.cpp; do
  config=learner
  [[ "$f" == solutions/* ]] && config=reference
  real=$(cd "$TREE" && make -n -B "build/$config/obj/${f%.cpp}.o" 2>/dev/null | grep -o -- '-std=[^ ]* .* -MMD' | sed 's/ *-MMD$//' | tr -s ' ')
  editor=$(grep -F "\"file\": \"$f\"" "$TREE/build/compile_commands.json" | grep -o -- '-std=[^ ]* .* -c ' | sed 's/ -c $//' | tr -s ' ')
  printf '%s\n  make:   %s\n  editor: %s\n' "$f" "$real" "$editor" >>"$out"
  want_true '[ -n "$real" ] && [ "$real" = "$editor" ]' "$f: the editor's flags are not make's (see the output)"
done
end "compile_commands.json gives each file the flags make compiles it with"

echo "== Ctrl-C stops everything =="

# interrupt NAME PID: Ctrl-C on the process group, then true if nothing of the session is
# left running within 3 s.
interrupt() {
  kill -INT -- "-$2" 2>/dev/null
  if wait_for 3 bash -c "[ -z \"\$(ps -o pid=,stat= -s $2 | awk '\$2 !~ /^Z/')\" ]"; then
    return 0
  fi
  alive "$2" >>"$out"
  ps -o pid= -s "$2" | xargs -r kill -9 2>/dev/null
  return 1
}

begin ctrl-c-check
plant "$N" forward_diff 'volatile double s = 0; while (s >= 0) s = s + h;  // LOOPTEST-LOOP
  return f(x);'
in_tree make -s build/learner/bin/01_numerical_diff_test
export WORKBOOK_TEST_SECONDS=60
pid=$(spawn "$out" make check CH=01)
if wait_for 60 pgrep -s "$pid" -f 01_numerical_diff_test >/dev/null; then
  sleep 1
  want_true 'interrupt ctrl-c-check "$pid"' "processes were still running 3 s after Ctrl-C"
else
  case_problem="the tests never started"
fi
end "Ctrl-C in the middle of an endless test: everything stops"

begin ctrl-c-watch
pid=$(spawn "$out" make watch CH=01)
if wait_for 60 pgrep -s "$pid" -f 01_numerical_diff_test >/dev/null; then
  sleep 1
  want_true 'interrupt ctrl-c-watch "$pid"' "processes were still running 3 s after Ctrl-C"
  want "watch stopped."
else
  case_problem="the tests never started"
fi
end "Ctrl-C on make watch while its check runs: everything stops"
unset WORKBOOK_TEST_SECONDS
restore "$N"

echo "== make reset never loses work =="

begin reset-twice-in-a-second
# Both resets within one second (the old backup names went to the second): tried again
# when the clock ticked over between them.
for _ in 1 2 3 4 5; do
  rm -rf "$TREE/backups"
  echo "// LOOPTEST: my work, first version" >>"$TREE/$W"
  before=$(date +%s)
  in_tree bash tools/reset.sh 00_welcome 1
  first_status=$status
  cat "$out" >"$WORK/reset-first.out"
  in_tree bash tools/reset.sh 00_welcome 1
  [ "$(date +%s)" = "$before" ] && break
done
cat "$WORK/reset-first.out" >>"$out"
backups=$(ls -d "$TREE"/backups/00_welcome-* 2>/dev/null | wc -l)
want_true '[ "$first_status" -eq 0 ] && [ "$status" -eq 0 ]' "a reset failed"
want_true '[ "$backups" -eq 2 ]' "$backups backup folders, wanted 2"
want_true 'grep -l "my work, first version" "$TREE"/backups/00_welcome-*/welcome.cpp >/dev/null 2>&1' \
  "no backup holds the learner's work"
want_true 'git -C "$TREE" diff --quiet -- "$W"' "$W is not the stub as shipped"
end "two resets within a second: two backups, the learner's work kept"

begin reset-with-git-locked
echo "// LOOPTEST: my work, second version" >>"$TREE/$W"
touch "$TREE/.git/index.lock"
in_tree make reset CH=00 CONFIRM=1
rm -f "$TREE/.git/index.lock"
want_status 2
want "error: git could not restore the stubs"
want "index.lock"
want_not "restored the stubs"
want_true 'grep -q "my work, second version" "$TREE/$W"' "the learner's file changed"
end "a locked git index: reset fails, says why, changes nothing"
restore "$W"

echo "== make test reads the stubs as shipped =="

begin bite-with-chapters-solved
cp "$TREE/solutions/00_welcome/welcome.cpp" "$TREE/$W"
in_tree bash -c 'bash tools/shipped.sh && make -s build/learner/bin/00_welcome_test_stubs &&
  WORKBOOK_REPORT=bite build/learner/bin/00_welcome_test_stubs'
want_status 0
want "differ from chapters/"
want_true 'git -C "$TREE" show HEAD:$W | cmp -s - "$TREE/build/shipped/$W"' "build/shipped/$W is not HEAD's stub"
end "with chapter 00 solved in chapters/, the bite check still runs on the stub"
restore "$W"

echo
[ "$skipped" -gt 0 ] && echo "$skipped cases skipped (see above)."
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
