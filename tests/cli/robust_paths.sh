#!/usr/bin/env bash
# What the tools do with the paths they are given (docs/robustness.md, "Output paths"): an output
# that is an input or another output is refused (exit 2) and the input is intact; a symbolic
# link is followed and stays; a FIFO and /dev/null are written, not replaced; two trainings into
# one model: the second refuses naming the first's pid; SIGINT/SIGTERM leave no temporary file
# and a later run removes the ones of killed processes; binary input to medner-tag is refused
# with its offset. Then tests/cli/output_paths.py: random combinations of all of these.
# Usage (from the repository root): bash tests/cli/robust_paths.sh BIN_DIR
set -u
BIN_DIR="${1:?usage: robust_paths.sh BIN_DIR}"
TRAIN="$BIN_DIR/medner-train"
EVAL="$BIN_DIR/medner-eval"
TAG="$BIN_DIR/medner-tag"
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
export LC_ALL=C

sentences() { awk -v n="$2" '{ print } /^[ \t\r]*$/ { if (++k >= n) exit }' "$1"; }
TINY=(--word-dim 16 --hidden 16 --char-hidden 8 --char-dim 8 --casing-dim 4 --batch-size 8
      --threads 1 --dropout 0 --singleton-unk 0)
sentences data/ncbi-disease/train.tsv 60 >"$TMP/train.tsv"
sentences data/ncbi-disease/devel.tsv 20 >"$TMP/dev.tsv"
"$TRAIN" --train "$TMP/train.tsv" --dev "$TMP/dev.tsv" --model "$TMP/model.bin" "${TINY[@]}" --max-epochs 1 \
  >/dev/null 2>"$TMP/train.err" || { echo "FAIL: training the tiny model: $(tail -3 "$TMP/train.err")"; exit 1; }
MODEL="$TMP/model.bin"
printf 'Colon cancer and breast cancer.\nAtaxia-telangiectasia in two patients.\n' >"$TMP/in.txt"
sums() { md5sum "$TMP/train.tsv" "$TMP/dev.tsv" "$MODEL" "$TMP/in.txt"; }
sums >"$TMP/sums"

# refused WANT-MESSAGE CMD...: exit 2, the message on stderr, every input intact.
refused() {
  local want=$1
  shift
  "$@" </dev/null >/dev/null 2>"$TMP/err"
  local rc=$?
  [ "$rc" -eq 2 ] || fail "$*: exit $rc, expected 2 ($(tail -c 300 "$TMP/err"))"
  grep -qF -- "$want" "$TMP/err" || fail "$*: stderr '$(tail -c 300 "$TMP/err")' lacks '$want'"
  sums | cmp -s - "$TMP/sums" || fail "$*: an input changed"
}

# --- an output that is an input or another output -------------------------------------------
cd "$TMP" || exit 1
refused "--output './in.txt' is the same file as --input 'in.txt'; refusing to overwrite an input" \
  "$TAG" --model "$MODEL" --input in.txt --output ./in.txt
ln -s in.txt "$TMP/in-link.txt"
refused "is the same file as --input" "$TAG" --model "$MODEL" --input in.txt --output in-link.txt
refused "--output '$MODEL' is the same file as --model" "$TAG" --model "$MODEL" --input in.txt --output "$MODEL"
refused "--out 'dev.tsv' is the same file as --data" "$EVAL" --model "$MODEL" --data dev.tsv --out dev.tsv
refused "--out 'model.bin' is the same file as --model" "$EVAL" --model "$MODEL" --data dev.tsv --out model.bin
refused "--errors 'p.txt' is the same file as --out 'p.txt'" "$EVAL" --model "$MODEL" --data dev.tsv --out p.txt --errors p.txt
refused "--errors 'dev.tsv' is the same file as --pred" "$EVAL" --pred dev.tsv --gold dev.tsv --errors dev.tsv
T=(--dev dev.tsv "${TINY[@]}" --max-epochs 1)
refused "--model 'train.tsv' is the same file as --train" "$TRAIN" --train train.tsv "${T[@]}" --model train.tsv
refused "--log './dev.tsv' is the same file as --dev" "$TRAIN" --train train.tsv "${T[@]}" --model m.bin --log ./dev.tsv
refused "--checkpoint 'm.bin' is the same file as --model 'm.bin'; give each output its own path" \
  "$TRAIN" --train train.tsv "${T[@]}" --model m.bin --checkpoint m.bin
refused "--log 'm.bin' is the same file as --model" "$TRAIN" --train train.tsv "${T[@]}" --model m.bin --log m.bin
printf 'max-epochs = 1\n' >"$TMP/c.conf"
md5_conf=$(md5sum <c.conf)
refused "--model 'c.conf' is the same file as --config" "$TRAIN" --config c.conf --train train.tsv "${T[@]}" --model c.conf
[ "$(md5sum <c.conf)" = "$md5_conf" ] || fail "the config file changed"
[ ! -e m.bin ] || fail "a refused training wrote m.bin"

# --- symbolic links, FIFOs, devices ------------------------------------------------------------
"$TAG" --model "$MODEL" --input in.txt >expected.jsonl || fail "tagging in.txt"
ln -s real.jsonl link.jsonl
"$TAG" --model "$MODEL" --input in.txt --output link.jsonl || fail "tagging into a dangling link"
[ -L link.jsonl ] || fail "--output through a symbolic link replaced the link"
cmp -s real.jsonl expected.jsonl || fail "--output through a link: the file it names is not the output"
mkfifo out.fifo
timeout 60 cat out.fifo >fifo.jsonl &  # bounded: a medner-tag that fails never opens it
"$TAG" --model "$MODEL" --input in.txt --output out.fifo || fail "tagging into a FIFO"
wait $!
[ -p out.fifo ] || fail "--output FIFO is no longer a FIFO"
cmp -s fifo.jsonl expected.jsonl || fail "--output FIFO: the reader did not get the output"
if [ -w /dev/null ] && [ "$(id -u)" -eq 0 ]; then  # as root, replacing /dev/null would succeed
  "$TAG" --model "$MODEL" --input in.txt --output /dev/null || fail "tagging into /dev/null"
  "$EVAL" --model "$MODEL" --data dev.tsv --out /dev/null >/dev/null || fail "medner-eval --out /dev/null"
  [ -c /dev/null ] || { fail "/dev/null is no longer a character device"; mknod -m 666 /dev/null.new c 1 3 && mv /dev/null.new /dev/null; }
fi
ls | grep -q '\.tmp\.' && fail "temporary files left: $(ls | grep '\.tmp\.')"

# --- two trainings into one model ----------------------------------------------------------------
"$TRAIN" --train train.tsv --dev dev.tsv --model busy.bin "${TINY[@]}" --max-epochs 500 --patience 500 \
  >/dev/null 2>busy.err &
first=$!
for _ in $(seq 100); do [ -s busy.bin.lock ] && break; sleep 0.1; done
"$TRAIN" --train train.tsv --dev dev.tsv --model busy.bin "${TINY[@]}" --max-epochs 1 >/dev/null 2>second.err
rc=$?
[ "$rc" -eq 1 ] || fail "a second training into busy.bin exited $rc, expected 1"
grep -qF "error: busy.bin: in use by another process (pid $first, lock file busy.bin.lock); wait for it to finish or give another --model" second.err \
  || fail "second training: '$(tail -c 300 second.err)'"
# --- signals: no temporary file left; a later run removes a killed one's --------------------------
kill -TERM "$first"
wait "$first"
rc=$?
[ "$rc" -eq 143 ] || fail "the first training, sent SIGTERM, exited $rc, expected 143"
ls | grep -q '^busy.*\.tmp\.' && fail "SIGTERM left temporary files: $(ls | grep '\.tmp\.')"
# A signal just after a temporary file is created (MEDNER_FAULT=create:N:SIG, from inside, so the
# moment is exact): the file must already be registered for removal. CI once found a checkpoint's
# temporary file left by a SIGTERM that came between its creation and its registration.
for sig in TERM INT HUP; do
  MEDNER_FAULT="create:2:$sig" "$TRAIN" --train train.tsv --dev dev.tsv --model fault.bin "${TINY[@]}" \
    --max-epochs 3 >/dev/null 2>fault.err
  rc=$?
  [ "$rc" -gt 128 ] || fail "MEDNER_FAULT=create:2:$sig: exit $rc, expected to die of SIG$sig: $(tail -c 200 fault.err)"
  ls | grep -q '^fault.*\.tmp\.' && fail "SIG$sig at a file's creation left: $(ls | grep '^fault.*\.tmp\.')"
  rm -f fault.bin*
done
set -m  # background jobs of a script otherwise ignore SIGINT
for sig in INT TERM HUP; do
  mkfifo "slow.$sig"
  # medner-tag waits on its input; its output's temporary file is open by then.
  "$TAG" --model "$MODEL" --input "slow.$sig" --output "out.$sig" 2>/dev/null &
  pid=$!
  exec 7<>"slow.$sig"  # a writer, so the reader's open returns (read-write: never blocks)
  printf 'Colon cancer.\n' >&7
  for _ in $(seq 100); do ls | grep -q "^out\.$sig\.tmp\." && break; sleep 0.05; done
  ls | grep -q "^out\.$sig\.tmp\." || fail "SIG$sig: no temporary file to remove (the test missed the write)"
  kill -"$sig" "$pid"
  wait "$pid"
  rc=$?
  [ "$rc" -gt 128 ] || fail "medner-tag sent SIG$sig exited $rc, expected to die of the signal"
  exec 7>&-
  ls | grep -q "^out\.$sig" && fail "SIG$sig left: $(ls | grep "^out\.$sig")"
done
set +m
dead=$(sh -c 'echo $$')  # a pid that has exited
printf partial >"expected.jsonl.tmp.$dead.0"
"$TAG" --model "$MODEL" --input in.txt --output expected.jsonl || fail "tagging over a stale temporary file"
[ ! -e "expected.jsonl.tmp.$dead.0" ] || fail "the temporary file of dead pid $dead was not removed"

# --- binary input ----------------------------------------------------------------------------------
# An xz file's header (gzip is decompressed, tests/cli/tag_gzip_cli.sh; other compressions are not).
printf '\xfd7zXZ\x00\x00\x04Colon cancer.\n' >in.txt.xz
"$TAG" --model "$MODEL" --input in.txt.xz --output xz.jsonl 2>xz.err
rc=$?
[ "$rc" -eq 1 ] || fail "a .xz given as text: exit $rc, expected 1"
grep -q "^error: in.txt.xz:1: invalid UTF-8 byte 0xFD at byte 0 of the input (column 1); expected UTF-8 text" xz.err \
  || fail "a .xz given as text: '$(tail -c 300 xz.err)'"
[ ! -e xz.jsonl ] || fail "a refused input left an output"
"$TAG" --model "$MODEL" --input in.txt.xz --repair-utf8 >/dev/null || fail "--repair-utf8 refused a .xz"
cd - >/dev/null || exit 1

python3 tests/cli/output_paths.py "$BIN_DIR" "$MODEL" "$TMP/train.tsv" "$TMP/dev.tsv" || fail "output_paths.py"

if [ "$failures" -ne 0 ]; then
  echo "robust_paths: $failures failure(s)"
  exit 1
fi
echo "robust_paths: all passed"
