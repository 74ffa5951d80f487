#!/usr/bin/env bash
# tools/shipped.sh: puts the exercise stubs as shipped under build/shipped/chapters/, so
# that make test's checks on the stubs (the tests bite, each program stops at a stub, each
# stub has its TODO) read those and never your working copy, whose chapters may be solved.
# "As shipped" is the branch this clone tracks, else the last commit (tools/lib.sh:
# shipped_ref). A file whose content did not change keeps its time, so nothing rebuilds.
# Prints one line: where the stubs came from, and how many differ from chapters/.
set -u
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
out=build/shipped/chapters
ref=$(shipped_ref)
mkdir -p "$out"
differ=0 total=0 missing=()
for dir in solutions/[0-9][0-9]_*/; do
  ch=$(basename "$dir")
  mkdir -p "$out/$ch"
  for f in $(exercise_files "$ch"); do
    path=chapters/$ch/$f
    total=$((total + 1))
    tmp=$(mktemp "$out/$ch/.$f.XXXXXX")
    if [ -n "$ref" ] && git cat-file -e "$ref:$path" 2>/dev/null; then
      git show "$ref:$path" >"$tmp"
    else
      # Not in git (a new chapter not committed yet, or no git at all): the working copy.
      cp "$path" "$tmp" 2>/dev/null || : >"$tmp"
      missing+=("$path")
    fi
    cmp -s "$tmp" "$path" || differ=$((differ + 1))
    if cmp -s "$tmp" "$out/$ch/$f"; then rm -f "$tmp"; else mv -f "$tmp" "$out/$ch/$f"; fi
  done
done
where=${ref:+$(git rev-parse -q --verify '@{upstream}' >/dev/null 2>&1 && echo "the tracked branch" || echo "HEAD") (${ref:0:7})}
echo "stubs as shipped: $total exercise files from ${where:-the working copy (not a git clone)}, in $out/"
[ "$differ" -gt 0 ] && echo "  $differ of them differ from chapters/ (solved there, or changed and not committed): chapters/ is not what these checks read"
[ -n "$ref" ] && [ ${#missing[@]} -gt 0 ] && echo "  not in git, taken from chapters/: ${missing[*]}"
exit 0
