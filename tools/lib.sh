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
