#!/usr/bin/env bash
# tools/run.sh PROGRAM ARGS...: `make run` and `make mnist`. Builds the program quietly
# (the compiler's messages only if it fails), then runs it with ARGS.
set -u
bin=$1
shift
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
build "$(basename "$bin")" "$bin" || exit 1
exec "./$bin" "$@"
