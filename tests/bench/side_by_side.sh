#!/usr/bin/env bash
# tests/bench/side_by_side.sh [RUNS] [CMD...]: the default MNIST run, ours and the numpy
# anchor's (stock OpenBLAS), RUNS times each, interleaved so that a change of load hits
# both alike. For each run: the training time each program measures itself (its loop with
# the per-epoch evaluations, data already loaded: `seconds=`), and the whole process's
# wall and CPU (user + sys) seconds. Then the medians, their ratio, and the load average.
# CMD defaults to build/bench/fast_run data/mnist 2 (built by make bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}; shift || true
OURS=("$@"); [[ ${#OURS[@]} -gt 0 ]] || OURS=(build/bench/fast_run data/mnist 2)
ANCHOR=/work/shared/anchors/numpy_two_layer.py
NUMPY=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$ANCHOR" data/mnist --evaluate-every-epoch)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
timed() {  # timed NAME CMD...: appends "train wall cpu" to $OUT/NAME
  local name=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$OUT/t" "$@" >"$OUT/$name.out" 2>&1
  read -r wall user sys <"$OUT/t"
  local train
  train=$(grep -o 'seconds=[0-9.]*' "$OUT/$name.out" | cut -d= -f2)
  echo "${train:-0} $wall $(echo "$user + $sys" | bc)" >>"$OUT/$name"
  echo "  $name: training $train s, process wall $wall s, CPU $(echo "$user + $sys" | bc) s  ($(tail -1 "$OUT/$name.out"))"
}
for ((r = 1; r <= RUNS; r++)); do
  timed ours "${OURS[@]}"
  [[ -f $ANCHOR ]] || continue
  timed numpy "${NUMPY[@]}"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for name in ours numpy; do
  [[ -f $OUT/$name ]] || continue
  echo "median $name: training $(cut -d' ' -f1 "$OUT/$name" | median) s, process wall $(cut -d' ' -f2 "$OUT/$name" | median) s, CPU $(cut -d' ' -f3 "$OUT/$name" | median) s"
done
if [[ -f $OUT/numpy ]]; then
  ours=$(cut -d' ' -f1 "$OUT/ours" | median); numpy=$(cut -d' ' -f1 "$OUT/numpy" | median)
  echo "training time ratio (numpy / ours): $(echo "scale=2; $numpy / $ours" | bc)"
fi
