#!/usr/bin/env bash
# tools/bench.sh: make bench. Builds the Google Benchmark programs tests/bench/*_bench.cpp
# under build/bench/ and runs them.
#   BENCH_FLAGS   compiler flags (default: the reference build's, -O3 -march=native -ffp-contract=off)
#   BENCH_ARGS    passed to every benchmark (default: 5 repetitions, medians only)
#   BENCH_FILTER  a --benchmark_filter regex
# The kernels' benchmark needs only common/; the training ones link the reference
# solutions of chapters 01-07 and the chapters' given code (train_fast and
# numerical_gradient_fast are chapter 7's, fast_given.cpp), like build/reference.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -f /usr/include/benchmark/benchmark.h && ! -f /usr/local/include/benchmark/benchmark.h ]]; then
  echo "error: Google Benchmark is not installed. HINT: sudo apt-get install libbenchmark-dev"
  exit 1
fi
[[ -d data/mnist ]] || { echo "error: data/mnist is missing. HINT: make data"; exit 1; }

CXX=${CXX:-g++}
FLAGS=${BENCH_FLAGS:--O3 -march=native -ffp-contract=off -DNDEBUG}
ARGS=${BENCH_ARGS:---benchmark_repetitions=5 --benchmark_report_aggregates_only=true}
OUT=build/bench
mkdir -p "$OUT"

common=(common/*.cpp)
chapters=(solutions/0[1-7]_*/*.cpp)
for f in chapters/0[1-7]_*/*_given.cpp; do chapters+=("$f"); done

build() {  # build NAME SOURCES...
  local name=$1; shift
  echo "  BUILD $OUT/$name  ($FLAGS)"
  # shellcheck disable=SC2086
  $CXX -std=c++20 -I. $FLAGS "$@" -o "$OUT/$name" -lbenchmark -pthread
}

build kernels_bench tests/bench/kernels_bench.cpp "${common[@]}"
build train_bench tests/bench/train_bench.cpp "${chapters[@]}" "${common[@]}"
build compare_train tests/bench/compare_train.cpp "${chapters[@]}" "${common[@]}"
build fast_run tests/bench/fast_run.cpp "${chapters[@]}" "${common[@]}"

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for b in kernels_bench train_bench; do
  # shellcheck disable=SC2086
  "$OUT/$b" $ARGS ${BENCH_FILTER:+--benchmark_filter="$BENCH_FILTER"}
done
