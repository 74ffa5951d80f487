#!/usr/bin/env bash
# tools/check.sh CHAPTER BINARY PREVIOUS: `make check CH=NN`. Builds the chapter's tests
# against the learner's code, runs them, and says what to do next.
set -u
ch=$1 bin=$2 previous=${3:-}
num=${ch%%_*}
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
timeout_s=${CHECK_TIMEOUT:-300}

echo "== chapter $num: $(chapter_title "$ch") (your code in chapters/$ch/) =="
mkdir -p build
if ! make --no-print-directory -s "$bin" >build/check-build.log 2>&1; then
  grep -v '^make' build/check-build.log | grep -v '^  \(CXX\|LINK\) ' | head -n 40
  echo
  echo "Chapter $num does not compile yet: fix the first error above (file:line is at its start)."
  exit 1
fi
log=build/check-$num.log
WORKBOOK_REPORT=learner timeout "$timeout_s" "$bin" >"$log" 2>&1
status=$?
grep -v '^workbook-result:' "$log"
echo

if [ "$status" -eq 124 ]; then
  echo "The tests did not finish within $timeout_s s. Is there a loop that never ends?"
  exit 1
fi
passed=$(result_field "$log" passed)
failed=$(result_field "$log" failed)
if [ -z "$passed" ]; then
  echo "The tests stopped abruptly (exit status $status): a crash, such as reading outside a"
  echo "vector. Run the binary under gdb to see where: gdb -ex run $bin"
  exit 1
fi
total=$((passed + failed))

if [ "$failed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "Chapter $((10#$num)) complete: all $total tests pass."
  echo "Compare your code with the reference solution:"
  for f in $(exercise_files "$ch"); do
    echo "  diff -u chapters/$ch/$f solutions/$ch/$f"
  done
  next=$(printf '%02d' $((10#$num + 1)))
  ls -d chapters/"$next"_*/ >/dev/null 2>&1 && echo "Next: make check CH=$next"
  exit 0
fi

echo "$passed of $total tests pass."
# Where to work: the stub the first failure ran into, else the chapter's first TODO left.
todo=""
where=$(grep -o 'is not written yet ([^)]*)' "$log" | head -n 1)
if [ -n "$where" ]; then
  file=$(echo "$where" | sed -E 's/.*\(([^:]+):([0-9]+),.*/\1/')
  line=$(echo "$where" | sed -E 's/.*\(([^:]+):([0-9]+),.*/\2/')
  stub_ch=$(echo "$where" | sed -E 's/.*chapter ([0-9]+)\)/\1/')
  if [ "$stub_ch" != "$num" ]; then
    echo "These tests call chapter $stub_ch's code, which is not written yet ($file:$line)."
    echo "Finish chapter $stub_ch first (make check CH=$stub_ch), or start here with earlier chapters"
    echo "taken from the solutions: make check CH=$num PREVIOUS=solutions"
    exit 1
  fi
  todo_line=$(awk -v stop="$line" 'NR <= stop && /TODO/ { found = NR } END { print found }' "$file")
  [ -n "$todo_line" ] && todo="$file:$todo_line"
fi
if [ -z "$todo" ]; then
  todo=$(grep -n 'TODO' $(exercise_files "$ch" | sed "s#^#chapters/$ch/#") 2>/dev/null | head -n 1 | cut -d: -f1,2)
fi
if [ -n "$todo" ]; then
  # The TODO comment in full: its line and the comment lines that continue it.
  file=${todo%:*} line=${todo##*:}
  echo "Work on $file:$line"
  awk -v start="$line" 'NR == start { print; next } NR > start && /^[[:space:]]*\/\// { print; next } NR > start { exit }' "$file"
else
  echo "No TODO is left, so your code runs but gives a different answer: read the first failure above."
fi
echo "Hints: chapters/$ch/README.md, section \"Hints\". Re-run: make check CH=$num"
exit 1
