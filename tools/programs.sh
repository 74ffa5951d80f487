# tools/programs.sh: how the quality gates run each chapter's program (sourced by
# tools/sanitize.sh and tools/determinism.sh).
#
# The gates run every chapter's main.cpp once or twice; a few programs are too slow for
# that with their defaults (most of all under AddressSanitizer), so they get quick
# arguments here. Programs that read MNIST are skipped, with a message, when
# data/mnist/ does not hold the four files.

MNIST_FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

# Timed lines. A program may print times it measured as it ran (chapter 09's table of
# ideas, chapter 08's --timing): they change from run to run, so each such line starts
# with "timing:", and only those. tools/determinism.sh and tools/readme_outputs.sh leave
# them out, of the program's output and of a lesson's copy of it alike, and hold every
# other line to the byte.
TIMED_LINES='^timing:'

# untimed < OUTPUT → OUTPUT without its timed lines.
untimed() { sed -E "/$TIMED_LINES/d"; }

# program_args CHAPTER GATE → the quick arguments of the chapter's program for GATE
# (sanitize or determinism); empty means the defaults.
program_args() {
  case "$1:$2" in
    # 10,000 training iterations by default: minutes, and far more under ASan.
    07_*:sanitize | 08_*:sanitize | 09_*:sanitize) echo "--iters 50" ;;
    07_*:determinism | 08_*:determinism) echo "--iters 300" ;;
    *) echo "" ;;
  esac
}

# program_sources CHAPTER → the chapter's main.cpp, and the given code (X_given.cpp) of
# each chapter header X.h it includes: lesson 07's program.h brings program_given.cpp,
# which declares the flags that lessons 07 and 09 share and their --data default.
program_sources() {
  local header
  echo "chapters/$1/main.cpp"
  while read -r header; do
    [ -f "${header%.h}_given.cpp" ] && echo "${header%.h}_given.cpp"
  done < <(sed -nE 's|^#include "(chapters/.*\.h)"|\1|p' "chapters/$1/main.cpp" 2>/dev/null)
}

# program_flags_unknown CHAPTER ARGS... → prints each --flag in ARGS that the chapter's
# program does not define (a stale entry in program_args); silent when all are known.
program_flags_unknown() {
  local ch=$1 arg name files
  shift
  mapfile -t files < <(program_sources "$ch")
  for arg in "$@"; do
    [[ "$arg" == --* ]] || continue
    name=${arg#--}
    name=${name%%=*}
    grep -q "\"$name\"" "${files[@]}" || echo "--$name"
  done
}

# program_needs_data CHAPTER → true if the chapter's program reads MNIST.
program_needs_data() {
  case "$1" in
    06_*) return 1 ;;  # without MNIST it runs on synthetic inputs
  esac
  grep -qE 'load_mnist|read_idx_|data/mnist' "chapters/$1/main.cpp" 2>/dev/null
}

# program_output_needs_data CHAPTER → true if what the program prints depends on MNIST
# (chapter 6 runs without it, on synthetic inputs, but prints other numbers then).
program_output_needs_data() {
  local files
  mapfile -t files < <(program_sources "$1")
  grep -q 'data/mnist' "${files[@]}" 2>/dev/null
}

# have_mnist → true if data/mnist/ holds all four IDX files.
have_mnist() {
  local f
  for f in "${MNIST_FILES[@]}"; do
    [ -s "data/mnist/$f" ] || return 1
  done
}

# program_ready CH BIN LABEL ARGS... → whether chapter CH's program BIN can be run with
# ARGS: 0 if so; 1, after a SKIPPED line naming LABEL, if it reads MNIST and data/mnist/ is
# missing; 2, with the reason in $not_ready, if ARGS holds a flag the program does not
# define (tools/programs.sh is out of date) or BIN was not built.
program_ready() {
  local ch=$1 bin=$2 label=$3 unknown
  shift 3
  not_ready=""
  if program_needs_data "$ch" && ! have_mnist; then
    printf '  %-44s SKIPPED: it reads MNIST and data/mnist/ is missing (make data)\n' "$label"
    return 1
  fi
  unknown=$(program_flags_unknown "$ch" "$@")
  if [ -n "$unknown" ]; then
    not_ready="$label: tools/programs.sh passes $unknown, which chapters/$ch/main.cpp does not define"
    return 2
  fi
  if [ ! -x "$bin" ]; then
    not_ready="$label was not built"
    return 2
  fi
}

# program_rundir DIR → makes DIR a place to run a program in: its out/ stays inside DIR,
# and data/ links to the repository's data/ so the default --data path still works.
program_rundir() {
  local dir=$1
  mkdir -p "$dir"
  rm -rf "${dir:?}/out"
  [ -e "$dir/data" ] || ln -s "$PWD/data" "$dir/data"
}
