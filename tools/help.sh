#!/usr/bin/env bash
# tools/help.sh CHAPTER...: `make` / `make help`.
set -u
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
cat <<'TEXT'
A C++ workbook: how a neural network learns, from scratch. Start with README.md.

Set-up
  make mnist                     fetch and verify MNIST, then train the reference net (the main job)
  make data                      fetch and verify MNIST into data/mnist/ only
  make test                      every test on the solutions, plus the proof that tests bite

Your loop (CH=03 or CH=3)
  make check CH=03               build chapter 3's tests on your code and run them
  make check CH=03 PREVIOUS=solutions   the same, earlier chapters taken from solutions/
  make progress                  tests passing per chapter on your code
  make run CH=03 [ARGS="..."]    run chapter 3's program on your code (SOLUTION=1: the reference)
  make watch CH=03               re-run make check whenever a file of chapter 3 changes
  make reset CH=03 CONFIRM=1     put chapter 3's stubs back as shipped (your files are backed up)

Maintainers
  make sanitize                  every test and program under AddressSanitizer and UBSan
  make fuzz [FUZZ_SECONDS=60]    libFuzzer on the MNIST (IDX) reader
  make mutants                   plausible bugs in tests/mutants/ must each fail a test
  make bench                     benchmarks (Google Benchmark); figures in BENCHMARKS.md
  make clean                     remove build/ and out/

Chapters
TEXT
for ch in "$@"; do
  printf '  %-30s %s\n' "$ch" "$(chapter_title "$ch")"
done
