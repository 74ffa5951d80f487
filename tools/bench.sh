#!/usr/bin/env bash
# tools/bench.sh: make bench. Builds the Google Benchmark program tests/bench/kernels_bench.cpp
# under build/bench/ and runs it: chapter 09's kernels and steps (the reference solutions)
# against the plain Matrix operations and chapter 7's plain step, on real MNIST batches.
#   BENCH_FLAGS   compiler flags (default: the reference build's, -O3 -march=native -ffp-contract=off)
#   BENCH_ARGS    passed to the benchmark (default: 5 repetitions, medians only)
#   BENCH_FILTER  a --benchmark_filter regex, e.g. BENCH_FILTER=Forward
# It links solutions/ for chapters 01-09 and the chapters' given code, like build/reference.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -f /usr/include/benchmark/benchmark.h && ! -f /usr/local/include/benchmark/benchmark.h ]]; then
  echo "error: Google Benchmark is not installed. HINT: sudo apt-get install libbenchmark-dev"
  exit 1
fi
[[ -f data/mnist/train-images-idx3-ubyte ]] || { echo "error: data/mnist is missing. HINT: make data"; exit 1; }

CXX=${CXX:-g++}
FLAGS=${BENCH_FLAGS:--O3 -march=native -ffp-contract=off -DNDEBUG -Wno-restrict}
ARGS=${BENCH_ARGS:---benchmark_repetitions=5 --benchmark_report_aggregates_only=true}
OUT=build/bench
mkdir -p "$OUT"

sources=(common/*.cpp solutions/0[1-9]_*/*.cpp)
for f in chapters/0[1-9]_*/*_given.cpp; do sources+=("$f"); done

echo "  BUILD $OUT/kernels_bench  ($FLAGS)"
# shellcheck disable=SC2086
$CXX -std=c++20 -I. $FLAGS tests/bench/kernels_bench.cpp "${sources[@]}" -o "$OUT/kernels_bench" -lbenchmark -pthread

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086
"$OUT/kernels_bench" $ARGS ${BENCH_FILTER:+--benchmark_filter="$BENCH_FILTER"}
