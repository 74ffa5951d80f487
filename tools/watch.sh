#!/usr/bin/env bash
# tools/watch.sh CHAPTER PREVIOUS: `make watch CH=NN`. Re-runs make check on every change
# under the chapter's folder. Uses inotifywait when installed, else polls once a second.
set -u
ch=$1 previous=${2:-}
num=${ch%%_*}
cd "$(dirname "$0")/.." || exit 1
trap 'echo; echo "watch stopped."; exit 0' INT TERM

run_check() {
  clear 2>/dev/null || true
  # make's own "*** [check] Error 1" line adds nothing to the report above it.
  make --no-print-directory check CH="$num" PREVIOUS="$previous" 2>&1 | grep -v '^make.*[*][*][*] '
  echo
  echo "watching chapters/$ch/ (Ctrl-C stops)"
}

# A fingerprint of the chapter's files: names, sizes and modification times.
fingerprint() { find "chapters/$ch" -type f -printf '%p %s %T@\n' | sort | cksum; }

run_check
if command -v inotifywait >/dev/null 2>&1; then
  while inotifywait -qq -r -e close_write,create,delete,move "chapters/$ch"; do
    sleep 0.2  # let an editor finish writing its swap and backup files
    run_check
  done
else
  echo "(inotifywait not found, polling; sudo apt-get install inotify-tools reacts at once)"
  last=$(fingerprint)
  while sleep 1; do
    now=$(fingerprint)
    if [ "$now" != "$last" ]; then
      last=$now
      run_check
    fi
  done
fi
