#!/usr/bin/env bash
# tools/determinism.sh CHAPTER...: the same seed must give byte-identical output.
# Runs each chapter's reference program (build/reference/bin/CHAPTER_program) twice, each
# time in a fresh folder of its own under build/determinism/, and compares the two runs'
# exit status, stdout and every file they wrote under out/ (the SVG pictures) byte for
# byte, all but the lines that carry measured times (TIMED_LINES in tools/programs.sh).
# Quick arguments come from tools/programs.sh; programs that read MNIST are skipped when
# data/mnist/ is missing. One line per chapter, then "N passed, N failed"; exits 1
# if any chapter differs or fails.
set -u
cd "$(dirname "$0")/.." || exit 1
source tools/programs.sh
WORK=build/determinism
passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# same_tree A B → true if folders A and B hold the same files, byte for byte (or neither
# exists); the differences are printed.
same_tree() {
  if [ ! -e "$1" ] && [ ! -e "$2" ]; then return 0; fi
  diff -r -q "$1" "$2" 2>&1
}

programs=()
for ch in "$@"; do
  [ -f "chapters/$ch/main.cpp" ] && programs+=("$ch")
done
echo "== build =="
log=build/determinism-build.log
targets=()
for ch in "${programs[@]}"; do targets+=("build/reference/bin/${ch}_program"); done
if make --no-print-directory -k "${targets[@]}" >"$log" 2>&1; then
  echo "  ${#targets[@]} programs built"
else
  fail "the build failed; the errors (all in $log):"
  grep -E 'error|Error' "$log" | head -n 20
fi

echo "== each program twice: stdout and out/ must be identical =="
for ch in "${programs[@]}"; do
  bin=$PWD/build/reference/bin/${ch}_program
  read -r -a args <<<"$(program_args "$ch" determinism)"
  label="${ch}_program${args[*]:+ ${args[*]}}"
  program_ready "$ch" "$bin" "$label" "${args[@]}"
  case $? in
    1) skipped=$((skipped + 1)); continue ;;
    2) fail "$not_ready"; continue ;;
  esac
  statuses=()
  for run in 1 2; do
    dir=$WORK/$ch/run$run
    program_rundir "$dir"
    (cd "$dir" && timeout 1200 "$bin" "${args[@]}") >"$dir/stdout" 2>"$dir/stderr"
    statuses+=($?)
  done
  a=$WORK/$ch/run1 b=$WORK/$ch/run2
  for dir in "$a" "$b"; do untimed <"$dir/stdout" >"$dir/stdout.untimed"; done
  timed=$(($(wc -l <"$a/stdout") - $(wc -l <"$a/stdout.untimed")))
  pictures=$(find "$a/out" -type f 2>/dev/null | wc -l)
  if [ "${statuses[0]}" -ne 0 ] || [ "${statuses[1]}" -ne 0 ]; then
    fail "$label exited with status ${statuses[*]}; the end of its stderr:"
    tail -n 5 "$a/stderr"
  elif ! cmp -s "$a/stdout.untimed" "$b/stdout.untimed"; then
    fail "$label: the two runs print different output; the first difference:"
    diff "$a/stdout.untimed" "$b/stdout.untimed" | head -n 6
  elif ! same_tree "$a/out" "$b/out" >"$WORK/$ch/out.diff"; then
    fail "$label: the two runs write different files under out/:"
    head -n 6 "$WORK/$ch/out.diff"
  else
    pass
    printf '  %-44s identical: stdout (%d lines%s), %d files under out/\n' "$label" \
      "$(wc -l <"$a/stdout.untimed")" "$([ "$timed" -gt 0 ] && echo ", $timed timing: lines left out")" \
      "$pictures"
  fi
done

echo
[ "$skipped" -gt 0 ] && echo "$skipped programs skipped: no MNIST data (make data)."
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
