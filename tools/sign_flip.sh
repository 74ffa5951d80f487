#!/usr/bin/env bash
# tools/sign_flip.sh: chapter 7's program runs the code it is built from (issue 13: one
# path). In a copy of the tree, the reference sgd_step (solutions/07_*/train.cpp) gets
# `lr = -lr;` as its first statement, so every step climbs the gradient; the program built
# from that copy, run for ITERS iterations, must say "the loss climbed". As a control,
# the unchanged program must not say it. Needs data/mnist (skipped, with a line, without
# it). A section of `make test`; ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
source tools/lib.sh
source tools/programs.sh
ITERS=300
PHRASE="the loss climbed"
WORK=build/sign-flip
TREE=$WORK/tree
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

ch=$(basename "$(ls -d chapters/07_*/ 2>/dev/null | head -n 1)")
src=solutions/$ch/train.cpp
if [ -z "$ch" ] || [ ! -f "$src" ]; then
  fail "chapter 7 or its solutions/07_*/train.cpp is missing"
  finish
fi
if ! have_mnist; then
  printf '  %-44s SKIPPED: it reads MNIST and data/mnist/ is missing (make data)\n' "sign flip in sgd_step"
  finish
fi

# The copy: the files git lists (tracked or not), with the reference objects, so that only
# train.cpp recompiles (tar and cp -p keep the times make compares).
copy_tree "$TREE"
ln -s "$PWD/data" "$TREE/data"
if [ -d build/reference/obj ]; then
  mkdir -p "$TREE/build/reference"
  cp -rp build/reference/obj "$TREE/build/reference/"
fi
# `lr = -lr;` right after the opening brace of `void sgd_step(... double lr ...)`.
awk '
  /^void sgd_step\(.*double lr/ { in_sig = 1 }
  { print }
  in_sig && /\{[[:space:]]*$/ { print "  lr = -lr;  // tools/sign_flip.sh: every step climbs"; in_sig = 0; done = 1 }
  END { exit done ? 0 : 1 }
' "$src" >"$TREE/$src" || {
  fail "$src has no 'void sgd_step(... double lr ...) {' to flip (renamed? update tools/sign_flip.sh)"
  finish
}
touch "$TREE/$src"
bin=build/reference/bin/${ch}_program
if ! make -C "$TREE" -s "$bin" >"$WORK/build.log" 2>&1; then
  fail "the flipped copy does not build; see $WORK/build.log"
  finish
fi

# run DIR BIN: the program with --iters ITERS, from DIR; its output in DIR/output.
run() {
  (cd "$1" && timeout 600 "$2" --iters "$ITERS") >"$WORK/output" 2>&1
  status=$?
}
run "$TREE" "./$bin"
line=$(grep -m 1 -F "$PHRASE" "$WORK/output")
if [ -n "$line" ]; then
  pass "sgd_step with lr = -lr, --iters $ITERS: $(echo "$line" | sed -E 's/^[[:space:]]+//' | cut -c1-90)"
else
  fail "sgd_step with lr = -lr, --iters $ITERS: the program (exit $status) never says '$PHRASE';" \
    "it printed: $(grep . "$WORK/output" | tail -n 2 | tr '\n' ' ' | cut -c1-200)"
fi
if [ -x "$bin" ] || make -s "$bin" >/dev/null 2>&1; then
  program_rundir "$WORK/control"
  run "$WORK/control" "$PWD/$bin"
  if [ "$status" -eq 0 ] && ! grep -q -F "$PHRASE" "$WORK/output"; then
    pass "the unchanged program, --iters $ITERS: exit 0, and it does not say '$PHRASE'"
  else
    fail "the unchanged program, --iters $ITERS: wanted exit 0 without '$PHRASE'; got exit $status:" \
      "$(grep -m 1 -F "$PHRASE" "$WORK/output")"
  fi
else
  fail "$bin does not build"
fi
finish
