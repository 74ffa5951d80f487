#!/usr/bin/env bash
# tools/fuzz.sh SECONDS: `make fuzz`, libFuzzer on the IDX reader (common/mnist.cpp) for a
# bounded time, starting from the seed corpus in tests/fuzz/corpus/.
#  1. checks for clang++ and its libFuzzer runtime, and says what to install if missing
#  2. builds build/fuzz/idx_fuzzer from tests/fuzz/idx_fuzzer.cpp with
#     -fsanitize=fuzzer,address,undefined (rebuilt when a source is newer)
#  3. fuzzes for SECONDS; new inputs go to build/fuzz/corpus/, never to tests/
# A crash, a sanitizer report, an exception other than data_error, a result that
# contradicts the file, or a single allocation over 1 MB (inputs are at most 4 KB) is a
# finding: the script prints the reproducer's path and how to replay it, and exits 1.
# Ends with "N passed, N failed" like the other gates.
set -u
cd "$(dirname "$0")/.." || exit 1
seconds=${1:-60}
FUZZ=build/fuzz
BIN=$FUZZ/idx_fuzzer
CLANG=${FUZZ_CXX:-clang++}
INSTALL="HINT: sudo apt-get install clang libclang-rt-14-dev"
# matrix.cpp shares big products between the cores (parallel.cpp): link it too.
SOURCES=(tests/fuzz/idx_fuzzer.cpp common/mnist.cpp common/matrix.cpp common/parallel.cpp)
mkdir -p "$FUZZ/corpus" "$FUZZ/artifacts"

if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "error: FUZZ_SECONDS must be a whole number of seconds ≥ 1, got '$seconds'"
  exit 2
fi
if ! command -v "$CLANG" >/dev/null 2>&1; then
  echo "error: $CLANG is not installed; libFuzzer comes with clang. $INSTALL"
  echo "0 passed, 1 failed"
  exit 1
fi

# The libFuzzer runtime is a separate Debian package from the compiler.
probe=$FUZZ/probe.cpp
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' >"$probe"
if ! "$CLANG" -fsanitize=fuzzer,address,undefined "$probe" -o "$FUZZ/probe" >"$FUZZ/probe.log" 2>&1; then
  echo "error: $CLANG cannot link a libFuzzer target (no libclang_rt.fuzzer). $INSTALL"
  grep -m 3 -E 'error|cannot find' "$FUZZ/probe.log"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== build $BIN =="
stale=no
[ -x "$BIN" ] || stale=yes
for f in "${SOURCES[@]}" common/*.h; do
  [ "$f" -nt "$BIN" ] && stale=yes
done
if [ "$stale" = yes ]; then
  # -fno-sanitize-recover: an undefined operation stops the run like a crash does.
  if ! "$CLANG" -std=c++20 -I. -g -O1 -ffp-contract=off -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=all -fno-omit-frame-pointer "${SOURCES[@]}" -o "$BIN" \
    >"$FUZZ/build.log" 2>&1; then
    echo "FAIL: the fuzzer does not build; the errors (all in $FUZZ/build.log):"
    grep -E 'error|undefined reference' "$FUZZ/build.log" | head -n 20
    echo "0 passed, 1 failed"
    exit 1
  fi
  echo "  built"
else
  echo "  up to date"
fi

echo "== fuzz for $seconds s (seeds: tests/fuzz/corpus, $(ls tests/fuzz/corpus | wc -l) files) =="
log=$FUZZ/fuzz.log
before=$(ls "$FUZZ/artifacts" | wc -l)
# -max_len: inputs up to 4 KB; the largest honest allocation is then 8 bytes per pixel,
# 32 KB, so -malloc_limit_mb=1 catches an allocation taken from the header on trust.
# The first corpus folder receives new inputs; the second only seeds.
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$BIN" -max_total_time="$seconds" -max_len=4096 -malloc_limit_mb=1 -rss_limit_mb=1024 \
  -timeout=10 -print_final_stats=1 -artifact_prefix="$FUZZ/artifacts/" \
  "$FUZZ/corpus" tests/fuzz/corpus >"$log" 2>&1
status=$?
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
cov=$(grep -oE '(cov|ft): [0-9]+' "$log" | tail -n 2 | tr '\n' ' ')
artifact=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -n 1 | sed 's/Test unit written to //')

echo
if [ "$status" -eq 0 ] && [ -z "$artifact" ]; then
  echo "  ${runs:-?} inputs in $seconds s, no findings (${cov% }); corpus now $(ls "$FUZZ/corpus" | wc -l) files"
  echo "1 passed, 0 failed"
  exit 0
fi
echo "FAIL: the fuzzer found a problem (exit status $status) after ${runs:-?} inputs. Its report:"
grep -E -A 20 'ERROR: |runtime error:|idx_fuzzer: |terminate called|out-of-memory|malloc\(' "$log" | head -n 40
if [ -n "$artifact" ]; then
  echo
  echo "reproducer: $artifact ($(stat -c %s "$artifact") bytes):"
  xxd "$artifact" 2>/dev/null | head -n 8 || od -A x -t x1z "$artifact" | head -n 8
  echo "replay:     $BIN $artifact"
  echo "then: add its bytes as a test in tests/common_idx_regression_test.cpp (IdxRegressionTest)"
else
  echo "no reproducer was written; the whole log is $log"
fi
echo "$(( $(ls "$FUZZ/artifacts" | wc -l) - before )) new files in $FUZZ/artifacts"
echo "0 passed, 1 failed"
exit 1
