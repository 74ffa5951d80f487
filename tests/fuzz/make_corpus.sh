#!/usr/bin/env bash
# tests/fuzz/make_corpus.sh: writes the fuzzer's seed corpus, tests/fuzz/corpus/, a few
# tiny IDX files (valid and broken) and images+labels pairs laid end to end (the fuzzer
# splits those where the images header says the images end). Rerun after editing.
set -u
cd "$(dirname "$0")/corpus" || exit 1

# u32 N → N as 4 big-endian bytes, in printf's \x escapes.
u32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)); }
# bytes B... → those byte values as \x escapes.
bytes() { local b; for b in "$@"; do printf '\\x%02x' "$b"; done; }
# seed NAME ESCAPES: writes the file.
seed() { printf "$2" >"$1"; }

images_header() { echo "$(u32 2051)$(u32 "$1")$(u32 "$2")$(u32 "$3")"; }
labels_header() { echo "$(u32 2049)$(u32 "$1")"; }

seed images-2x3x3 "$(images_header 2 3 3)$(bytes 0 1 2 3 4 5 6 7 8 128 129 200 250 251 252 253 254 255)"
seed labels-3 "$(labels_header 3)$(bytes 0 5 9)"
seed pair-2x2x2 "$(images_header 2 2 2)$(bytes 0 64 128 255 255 128 64 0)$(labels_header 2)$(bytes 7 1)"
seed pair-counts-differ "$(images_header 1 1 2)$(bytes 9 9)$(labels_header 2)$(bytes 3 4)"
seed images-truncated "$(images_header 2 3 3)$(bytes 1 2 3 4 5 6 7 8 9 10)"
seed images-zero-rows "$(images_header 1 0 3)"
seed images-huge-count "$(images_header 4294967295 28 28)$(bytes 1 2 3 4)"
seed images-huge-side "$(images_header 1 65535 65535)$(bytes 1)"
seed labels-not-a-digit "$(labels_header 2)$(bytes 4 10)"
seed labels-too-long "$(labels_header 1)$(bytes 1 2 3)"
seed gzip-header "$(bytes 31 139 8 0 0 0 0 0 0 3 1 2 3 4 5 6)"
seed short-header "$(u32 2051)$(bytes 0 0 1)"
seed empty ""
ls -l
