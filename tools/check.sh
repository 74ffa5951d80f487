#!/usr/bin/env bash
# tools/check.sh CHAPTER PREVIOUS: `make check CH=NN`. Builds the chapter's tests against
# your code and runs them. The test runner (tests/support/test_main.cpp) reports each
# test, the first failure in full, and where to work next; this script adds what to do
# once they all pass. Exit status: 0 when all pass, 1 otherwise.
set -u
ch=$1 previous=${2:-}
num=${ch%%_*}
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
bin=build/learner/bin/${ch}_test$([ "$previous" = solutions ] && echo _prev_solutions)

echo "== chapter $num: $(chapter_title "$ch") (your code in chapters/$ch/) =="
if ! build "chapter $num's tests on your code" "$bin"; then
  echo
  echo "Chapter $num does not compile yet: fix the first error above (file:line is at its start)."
  exit 1
fi
# The runner says what to do when a test fails or was skipped (exit status 1 or 3).
WORKBOOK_REPORT=learner WORKBOOK_CHAPTER=$ch WORKBOOK_PREVIOUS=$previous "$bin" || exit 1
echo "Chapter $((10#$num)) complete."
echo "Compare your code with the reference solution:"
for f in $(exercise_files "$ch"); do
  echo "  diff -u chapters/$ch/$f solutions/$ch/$f"
done
next=$(printf '%02d' $((10#$num + 1)))
ls -d chapters/"$next"_*/ >/dev/null 2>&1 && echo "Next: make check CH=$next"
exit 0
