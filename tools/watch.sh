#!/usr/bin/env bash
# tools/watch.sh CHAPTER PREVIOUS: `make watch CH=NN`. Re-runs the chapter's check on every
# change under its folder: with inotifywait when installed, else by looking once a second.
# Ctrl-C stops it at once, the check it was running included (they share the terminal's
# process group, and nothing here sets up another).
set -u
ch=$1 previous=${2:-}
cd "$(dirname "$0")/.." || exit 1
trap 'echo; echo "watch stopped."; exit 0' INT TERM

run_check() {
  clear 2>/dev/null || true
  bash tools/check.sh "$ch" "$previous"
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
  echo "(inotifywait not found, looking once a second; sudo apt-get install inotify-tools reacts at once)"
  last=$(fingerprint)
  while sleep 1; do
    now=$(fingerprint)
    if [ "$now" != "$last" ]; then
      last=$now
      run_check
    fi
  done
fi
