#!/usr/bin/env bash
# tests/bench/side_by_side.sh [RUNS]: chapter 09's program against the book's numpy code
# (the anchor of BENCHMARKS.md), whole processes timed by /usr/bin/time, interleaved:
# numpy, ours, numpy, ours, … RUNS times each (default 5), so that a slower minute of a
# shared machine slows both. Prints every run and the medians; both train the default run
# (784-50-10, batch 100, lr 0.1, 10,000 iterations, the accuracies every epoch).
#   NUMPY_ANCHOR  the anchor script (default /work/shared/anchors/numpy_two_layer.py)
#   PYTHON        its interpreter (default /usr/bin/python3, with numpy and OpenBLAS)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
anchor=${NUMPY_ANCHOR:-/work/shared/anchors/numpy_two_layer.py}
python=${PYTHON:-/usr/bin/python3}
ours=build/reference/bin/09_making_it_fast_program
[[ -f "$anchor" ]] || { echo "error: no numpy anchor at $anchor. HINT: set NUMPY_ANCHOR"; exit 1; }
[[ -f data/mnist/train-images-idx3-ubyte ]] || { echo "error: data/mnist is missing. HINT: make data"; exit 1; }
make --no-print-directory -s "$ours"

# wall SECONDS of one command, its output thrown away.
wall() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -n 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
numpy_times=() our_times=()
for ((r = 1; r <= runs; r++)); do
  # OpenBLAS on both cores, with its own choice of kernels (both variables unset).
  n=$(wall env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" "$anchor" data/mnist --evaluate-every-epoch)
  o=$(wall "$ours")
  numpy_times+=("$n") our_times+=("$o")
  echo "run $r: numpy ${n} s, chapter 09 ${o} s   (load: $(cut -d' ' -f1 /proc/loadavg))"
done
mn=$(printf '%s\n' "${numpy_times[@]}" | median)
mo=$(printf '%s\n' "${our_times[@]}" | median)
echo "medians of $runs: numpy $mn s, chapter 09 $mo s: $(awk -v a="$mn" -v b="$mo" 'BEGIN { printf "%.1f", a / b }')x"
