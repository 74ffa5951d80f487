# tools/lib.sh: small helpers the other scripts source.

# chapter_title 03_gradient_descent → "Gradient descent" (from the README's first line).
chapter_title() {
  local line
  line=$(head -n 1 "chapters/$1/README.md" 2>/dev/null)
  line=${line#\# }
  echo "${line#Chapter [0-9][0-9]: }"
}

# exercise_files 03_gradient_descent → the exercise .cpp names (those with a solution).
exercise_files() {
  local f
  for f in solutions/"$1"/*.cpp; do
    [ -f "$f" ] && basename "$f"
  done
}

# result_field LOG KEY → the number after KEY= on the log's workbook-result line.
result_field() {
  grep -o "workbook-result:.*" "$1" | tail -n 1 | grep -o " $2=[0-9]*" | cut -d= -f2
}

# shipped_ref → the commit the workbook was shipped as: the branch this clone tracks (the
# workbook as published), else the last commit. Empty outside a git clone.
shipped_ref() {
  git rev-parse -q --verify '@{upstream}' 2>/dev/null || git rev-parse -q --verify HEAD 2>/dev/null
}

# announce WHAT TARGET...: when building the targets means compiling more than a couple
# of files (the first time), says so before it starts.
announce() {
  local what=$1 count
  shift
  count=$(make -n -k "$@" 2>/dev/null | grep -c 'echo "  CXX ')
  if [ "$count" -gt 2 ]; then
    echo "Building $what: $count files to compile, in parallel (later, only what changed)..."
  fi
}

# build WHAT TARGET...: builds the targets quietly, after announce; when the build fails,
# shows the compiler's messages and returns 1.
build() {
  local what=$1 log status
  shift
  mkdir -p build
  announce "$what" "$@"
  log=$(mktemp build/build.XXXXXX)
  make -s "$@" >"$log" 2>&1
  status=$?
  [ "$status" -ne 0 ] && grep -v -e '^  \(CXX\|LINK\) ' -e '^make' "$log" | head -n 40
  rm -f "$log"
  return "$status"
}

# copy_tree DIR: a fresh copy of the workbook in DIR, as the files git lists (tracked or
# not, not ignored), else the workbook's folders; never the generated data/, build/, out/
# or backups/ (a data/ that is a link escapes .gitignore's /data/). tar keeps each file's
# time, which make compares with the objects copied in after it.
copy_tree() {
  rm -rf "$1"
  mkdir -p "$1"
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z -co --exclude-standard | grep -z -v -E '^(data|build|out|backups)(/|$)' |
      tar --null -T - -cf - | tar -xf - -C "$1"
  else
    tar -cf - Makefile common chapters solutions tests tools | tar -xf - -C "$1"
  fi
}
