#!/usr/bin/env bash
# tools/progress.sh CHAPTER...: `make progress`, one line per chapter on your code. The
# chapters' tests are built together (in parallel), then each runs; the runner
# (tests/support/test_main.cpp) prints the tests column and the state.
set -u
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
bins=()
for ch in "$@"; do bins+=("build/learner/bin/${ch}_test"); done
# One build for all, in parallel; a chapter that does not compile stops none of the others.
mkdir -p build
announce "the tests of ${#bins[@]} chapters on your code" "${bins[@]}"
make -s -k "${bins[@]}" >/dev/null 2>&1
printf '%-28s %-7s %s\n' "chapter" "tests" "status"

for ch in "$@"; do
  num=${ch%%_*}
  bin=build/learner/bin/${ch}_test
  printf '%-28s ' "$num $(chapter_title "$ch")"
  if ! make -s "$bin" >/dev/null 2>&1; then
    printf '%-7s %s\n' "-" "does not compile (make check CH=$num shows why)"

    continue
  fi
  WORKBOOK_REPORT=progress WORKBOOK_CHAPTER=$ch "$bin"
done
exit 0
