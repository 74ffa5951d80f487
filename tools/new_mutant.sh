#!/usr/bin/env bash
# tools/new_mutant.sh NAME "what is wrong" FILE EDITED_COPY: writes tests/mutants/NAME.patch,
# the unified diff that turns FILE (a path from the repository root, e.g.
# solutions/01_numerical_diff/numerical_diff.cpp) into EDITED_COPY, under the header line
# "# mutant: what is wrong" that tools/mutants.sh reads. Regenerate a mutant this way
# when its file changes; never edit a patch's hunks by hand.
set -u
cd "$(dirname "$0")/.." || exit 1
if [ $# -ne 4 ] || [ ! -f "$3" ] || [ ! -f "$4" ]; then
  echo "usage: tools/new_mutant.sh NAME \"what is wrong\" FILE EDITED_COPY" >&2
  exit 2
fi
name=$1 title=$2 file=$3 edited=$4
out=tests/mutants/$name.patch
mkdir -p tests/mutants
{
  echo "# mutant: $title"
  diff -u --label "a/$file" --label "b/$file" "$file" "$edited"
} >"$out.tmp"
if [ $? -ne 1 ] && ! grep -q '^@@' "$out.tmp"; then
  echo "error: $edited does not differ from $file" >&2
  rm -f "$out.tmp"
  exit 1
fi
mv "$out.tmp" "$out"
if patch -p1 --dry-run --batch --forward -F0 <"$out" >/dev/null; then
  echo "wrote $out ($(grep -c '^[-+][^-+]' "$out") changed lines)"
else
  echo "error: $out does not apply to $file" >&2
  exit 1
fi
