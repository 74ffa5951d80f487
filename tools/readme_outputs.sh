#!/usr/bin/env bash
# tools/readme_outputs.sh CHAPTER...: the lessons show what the programs print; this checks
# they still do. In a chapter README, a code block right after a line
#   <!-- program-output: ARGS -->
# must equal, byte for byte, the stdout of that chapter's reference program run with ARGS
# (ARGS may be empty), both without the lines that carry measured times (TIMED_LINES in
# tools/programs.sh: the lesson shows one run's times, the program prints its own).
# Blocks of programs whose output depends on MNIST are skipped, with a line, when
# data/mnist/ is missing (as in tools/determinism.sh). Prints one line per block and
# "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
source tools/programs.sh
passed=0 failed=0 skipped=0
for ch in "$@"; do
  readme=chapters/$ch/README.md
  bin=build/reference/bin/${ch}_program
  [ -f "$readme" ] || continue
  # Each marked block: the line number of its marker.
  while IFS=: read -r line _; do
    args=$(sed -n "${line}p" "$readme" | sed -E 's/.*program-output:[[:space:]]*(.*)[[:space:]]*-->.*/\1/' | sed -E 's/[[:space:]]+$//')
    if program_output_needs_data "$ch" && ! have_mnist; then
      skipped=$((skipped + 1))
      printf '  %-34s README block at line %d SKIPPED: its output needs data/mnist (make data)\n' "$ch" "$line"
      continue
    fi
    expected=$(awk -v start="$line" 'NR > start && /^```/ { if (open) exit; open = 1; next } open { print }' "$readme" | untimed)
    if [ ! -x "$bin" ] && ! make --no-print-directory -s "$bin" >/dev/null 2>&1; then
      echo "FAIL: $readme:$line: $bin does not build"
      failed=$((failed + 1))
      continue
    fi
    # shellcheck disable=SC2086 # ARGS are words, as on a command line
    actual=$(timeout 600 "$bin" $args 2>/dev/null | untimed)
    if [ "$expected" == "$actual" ]; then
      passed=$((passed + 1))
      printf '  %-34s README block at line %d matches the program%s\n' "$ch" "$line" "${args:+ ($args)}"
    else
      failed=$((failed + 1))
      echo "FAIL: $readme:$line: the block differs from what '$bin $args' prints now:"
      diff <(echo "$expected") <(echo "$actual") | head -n 10
    fi
  done < <(grep -n 'program-output:' "$readme")
done
[ "$skipped" -gt 0 ] && echo "$skipped blocks skipped: no MNIST data (make data)."
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
