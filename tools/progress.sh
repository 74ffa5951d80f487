#!/usr/bin/env bash
# tools/progress.sh CHAPTER...: `make progress`, one line per chapter on the learner's code.
set -u
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
mkdir -p build
printf '%-28s %-7s %s\n' "chapter" "tests" "status"
for ch in "$@"; do
  num=${ch%%_*}
  bin=build/learner/bin/${ch}_test
  log=build/progress-$num.log
  name="$num $(chapter_title "$ch")"
  if ! make --no-print-directory -s "$bin" >"$log" 2>&1; then
    printf '%-28s %-7s %s\n' "$name" "-" "does not compile (make check CH=$num shows why)"
    continue
  fi
  WORKBOOK_REPORT=learner timeout "${CHECK_TIMEOUT:-300}" "$bin" >"$log" 2>&1
  passed=$(result_field "$log" passed)
  failed=$(result_field "$log" failed)
  if [ -z "$passed" ]; then
    printf '%-28s %-7s %s\n' "$name" "-" "crashed or timed out (make check CH=$num)"
  elif [ "$failed" -eq 0 ]; then
    printf '%-28s %-7s %s\n' "$name" "$passed/$passed" "done"
  else
    printf '%-28s %-7s %s\n' "$name" "$passed/$((passed + failed))" "to do"
  fi
done
