#!/usr/bin/env bash
# tools/reset.sh CHAPTER CONFIRM: `make reset CH=NN CONFIRM=1`. Saves your exercise files
# to a new folder under backups/, then restores the stubs as shipped, from git. A backup
# folder is never reused or overwritten (a second reset in the same second gets its own);
# if git fails, it says so, your files stay as they were, and the exit status is 1.
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
ref=$(shipped_ref)
if [ -z "$ref" ]; then
  echo "error: this folder is not a git clone, so the shipped stubs cannot be restored."
  echo "HINT: clone the workbook again and copy your files across."
  exit 1
fi
# A fresh folder: mkdir without -p fails if the name is taken, so no two resets share one.
mkdir -p backups
stamp=backups/$ch-$(date +%Y%m%d-%H%M%S)
backup=$stamp n=1
until mkdir "$backup" 2>/dev/null; do
  n=$((n + 1))
  backup=$stamp-$n
  if [ "$n" -gt 100 ]; then
    echo "error: cannot create a backup folder under backups/ (is it writable?). Nothing was changed."
    exit 1
  fi
done
for f in $files; do
  if [ -f "$f" ] && ! cp -p "$f" "$backup/"; then
    echo "error: could not save $f to $backup/. Nothing was changed."
    exit 1
  fi
done
if ! out=$(git checkout "$ref" -- $files 2>&1); then
  echo "error: git could not restore the stubs:"
  echo "$out" | sed 's/^/  /'
  echo "Your files are as they were (and a copy is in $backup/)."
  if [[ "$out" == *index.lock* ]]; then
    echo "HINT: another git command may be running; if none is, delete .git/index.lock, then run make reset CH=$num CONFIRM=1 again."
  else
    echo "HINT: fix what git says above, then run make reset CH=$num CONFIRM=1 again."
  fi
  exit 1
fi
# git said yes; check that the files really are the shipped ones.
for f in $files; do
  if ! git show "$ref:$f" 2>/dev/null | cmp -s - "$f"; then
    echo "error: $f is not the stub as shipped after git checkout. Your file was saved in $backup/."
    exit 1
  fi
done
echo "Saved your files to $backup/ and restored the stubs of chapter $num:"
echo "$files" | sed 's/^/  /'
