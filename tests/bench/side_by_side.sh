#!/usr/bin/env bash
# tests/bench/side_by_side.sh [RUNS]: the workbook's programs against the book's numpy code
# (the anchor of BENCHMARKS.md), whole processes timed by /usr/bin/time, interleaved: in
# each round numpy, then each of ours, RUNS rounds (default 5), so that a slower minute of
# a shared machine slows all of them. Every program trains the default run (784-50-10,
# batch 100, lr 0.1, 10,000 iterations, the accuracies on both sets every epoch):
#   numpy    the anchor, OpenBLAS on both cores with its own choice of kernels
#   mnist    lesson 07's program, reference build: what `make mnist` runs
#   learner  lesson 07's program, learner's build (checked, -O1), with solutions/ copied
#            into chapters/ of a scratch copy: what a learner who solved lessons 00-07 runs
#   ch09     lesson 09's program (its checks and timings included)
# Prints every run, then the medians and numpy's median divided by each of ours.
#   NUMPY_ANCHOR  the anchor script (default /work/shared/anchors/numpy_two_layer.py)
#   PYTHON        its interpreter (default /usr/bin/python3, with numpy and OpenBLAS)
#   PROGRAMS      which of ours, default "mnist learner ch09"
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/lib.sh
runs=${1:-5}
anchor=${NUMPY_ANCHOR:-/work/shared/anchors/numpy_two_layer.py}
python=${PYTHON:-/usr/bin/python3}
read -r -a ours <<<"${PROGRAMS:-mnist learner ch09}"
[[ -f "$anchor" ]] || { echo "error: no numpy anchor at $anchor. HINT: set NUMPY_ANCHOR"; exit 1; }
[[ -f data/mnist/train-images-idx3-ubyte ]] || { echo "error: data/mnist is missing. HINT: make data"; exit 1; }
"$python" -c 'import numpy' 2>/dev/null ||
  { echo "error: $python has no numpy. HINT: sudo apt-get install python3-numpy libopenblas0-pthread"; exit 1; }

# command NAME → the command line of one of ours (built first).
ch07=$(basename "$(ls -d chapters/07_*/)")
ch09=$(basename "$(ls -d chapters/09_*/)")
tree=build/side-by-side/learner-tree
for name in "${ours[@]}"; do
  case $name in
    mnist) make --no-print-directory -s "build/reference/bin/${ch07}_program" ;;
    ch09) make --no-print-directory -s "build/reference/bin/${ch09}_program" ;;
    learner)
      copy_tree "$tree"
      for d in solutions/*/; do cp "$d"*.cpp "$tree/chapters/$(basename "$d")/"; done
      make --no-print-directory -s -C "$tree" "build/learner/bin/${ch07}_program" ;;
    *) echo "error: PROGRAMS names '$name'; the programs are mnist, learner, ch09"; exit 2 ;;
  esac
done
command_of() {
  case $1 in
    numpy) echo "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $python $anchor data/mnist --evaluate-every-epoch" ;;
    mnist) echo "build/reference/bin/${ch07}_program" ;;
    learner) echo "$tree/build/learner/bin/${ch07}_program --data data/mnist" ;;
    ch09) echo "build/reference/bin/${ch09}_program" ;;
  esac
}

# wall COMMAND... → its wall time in seconds, its output thrown away.
wall() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -n 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "machine: $(lscpu | sed -n 's/^Model name: *//p') (family $(grep -m1 'cpu family' /proc/cpuinfo | grep -o '[0-9]*$'), model $(grep -m1 '^model[[:space:]]' /proc/cpuinfo | grep -o '[0-9]*$')), $(nproc) cores"
declare -A times
all=(numpy "${ours[@]}")
for ((r = 1; r <= runs; r++)); do
  line="run $r:"
  for name in "${all[@]}"; do
    # shellcheck disable=SC2046
    t=$(wall $(command_of "$name"))
    times[$name]+="$t "
    line+=" $name $t s,"
  done
  echo "${line%,}   (load: $(cut -d' ' -f1 /proc/loadavg))"
done
mn=$(printf '%s\n' ${times[numpy]} | median)
echo "medians of $runs: numpy $mn s"
for name in "${ours[@]}"; do
  m=$(printf '%s\n' ${times[$name]} | median)
  printf '  %-8s %6s s   numpy / %s = %s\n' "$name" "$m" "$name" "$(awk -v a="$mn" -v b="$m" 'BEGIN { printf "%.2f", a / b }')"
done
