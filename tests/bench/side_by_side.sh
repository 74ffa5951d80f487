#!/usr/bin/env bash
# tests/bench/side_by_side.sh [RUNS] [CMD...]: the default MNIST run, ours and the numpy
# anchor's (stock OpenBLAS, and with its AVX-512 kernels forced), RUNS times each,
# interleaved so that a change of load hits all alike. Prints each run's wall and CPU
# (user + sys) seconds, then the medians, and the load average before and after.
# CMD defaults to build/bench/fast_run data/mnist 1 b (built by make bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}; shift || true
OURS=("$@"); [[ ${#OURS[@]} -gt 0 ]] || OURS=(build/bench/fast_run data/mnist 1 b)
ANCHOR=/work/shared/anchors/numpy_two_layer.py
NUMPY=(/usr/bin/python3 "$ANCHOR" data/mnist --evaluate-every-epoch)
OUT=$(mktemp -d)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
timed() {  # timed NAME CMD...: appends "wall cpu" to $OUT/NAME
  local name=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$OUT/t" "$@" >"$OUT/$name.out" 2>&1
  read -r wall user sys <"$OUT/t"
  echo "$wall $(echo "$user + $sys" | bc)" >>"$OUT/$name"
  echo "  $name: wall $wall s, CPU $(echo "$user + $sys" | bc) s  ($(tail -1 "$OUT/$name.out"))"
}
for ((r = 1; r <= RUNS; r++)); do
  timed ours "${OURS[@]}"
  [[ -f $ANCHOR ]] || continue
  timed numpy_stock env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "${NUMPY[@]}"
  timed numpy_skylakex env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=SkylakeX "${NUMPY[@]}"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for name in ours numpy_stock numpy_skylakex; do
  [[ -f $OUT/$name ]] || continue
  echo "median $name: wall $(cut -d' ' -f1 "$OUT/$name" | median) s, CPU $(cut -d' ' -f2 "$OUT/$name" | median) s"
done
rm -rf "$OUT"
