#!/usr/bin/env bash
# tools/run.sh PROGRAM ARGS...: `make run` and `make mnist`. Builds the program quietly
# (the compiler's messages only if it fails), then runs it with ARGS. If a signal ends
# the program (a crash), says which, and where to find the line: the tests name it.
set -u
bin=$1
shift
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
build "$(basename "$bin")" "$bin" || exit 1
# The program's stderr goes where it would; the shell's own "Aborted" report of a child
# killed by a signal (it names this script's line, as if the tool had failed) does not.
{ "./$bin" "$@" 2>&3 3>&-; } 3>&2 2>/dev/null
status=$?
[ "$status" -gt 128 ] || exit "$status"
signal=$((status - 128))
case $(kill -l "$signal" 2>/dev/null) in
  INT | TERM | HUP | PIPE) exit "$status" ;;  # Ctrl-C, a kill, a closed pipe: not a crash
  SEGV) what="a segmentation fault: a bad pointer (null?) or an index far outside a vector" ;;
  ABRT) what="an abort: a failed check, such as an index outside a vector (its message is above)" ;;
  FPE) what="an arithmetic error: a whole number divided by zero" ;;
  *) what="signal $(kill -l "$signal" 2>/dev/null || echo "$signal")" ;;
esac
name=$(basename "$bin")
# The learner's build with earlier chapters from solutions/ is checked the same way.
previous=$([[ $name == *_prev_solutions ]] && echo " PREVIOUS=solutions")
echo "error: $name crashed: $what." >&2
echo "HINT: make check CH=${name%%_*}$previous runs the tests, which name the line of your code that crashed" \
  "(or, to see it here: gdb -batch -ex run -ex bt --args ./$bin${*:+ $*})" >&2
exit "$status"
