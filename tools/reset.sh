#!/usr/bin/env bash
# tools/reset.sh CHAPTER CONFIRM: `make reset CH=NN CONFIRM=1`. Saves the learner's
# exercise files to backups/, then restores the stubs as shipped, from git.
set -u
ch=$1 confirm=${2:-}
num=${ch%%_*}
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
files=$(exercise_files "$ch" | sed "s#^#chapters/$ch/#")
if [ "$confirm" != "1" ]; then
  echo "make reset puts these files back as shipped, discarding your work on them:"
  echo "$files" | sed 's/^/  /'
  echo "Your current files are saved to backups/ first. To go ahead: make reset CH=$num CONFIRM=1"
  exit 2
fi
if ! git rev-parse --verify -q HEAD >/dev/null 2>&1; then
  echo "error: this folder is not a git clone, so the shipped stubs cannot be restored."
  echo "HINT: clone the workbook again and copy your files across."
  exit 1
fi
backup="backups/$ch-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$backup"
for f in $files; do
  [ -f "$f" ] && cp -p "$f" "$backup/"
done
# The shipped stubs: from the branch this clone tracks (the workbook as published), or
# from the last commit when it tracks none.
ref=$(git rev-parse -q --verify '@{upstream}' 2>/dev/null || echo HEAD)
git checkout "$ref" -- $files
echo "Saved your files to $backup/ and restored the stubs of chapter $num:"
echo "$files" | sed 's/^/  /'
