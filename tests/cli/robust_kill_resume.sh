#!/usr/bin/env bash
# Crash safety of medner-train: a tiny training is killed with SIGKILL at random moments (4 times),
# resumed with --resume after each kill, and must end with a model byte-identical to an
# uninterrupted run with the same options, and a log with the same records (timings aside).
# After every kill, each file the tool writes (model, checkpoint, log) is either absent or
# complete: the model loads, the checkpoint decodes (medner-tag refuses it only for being a
# checkpoint), the log is whole JSON lines. Temporary files of a killed writer may remain; they
# never carry the target's name.
# The kills come from inside (MEDNER_FAULT=SITE:N, lib/core/fault_point.h: the process raises
# SIGKILL on its N-th optimizer step, or on its N-th file write between writing the temporary file
# and renaming it), so where they land does not depend on the machine's speed. The sites and N are
# drawn from KILL_SEED (printed; set it to replay a run).
# Usage (from the repository root): bash tests/cli/robust_kill_resume.sh BIN_DIR
set -u
BIN_DIR="${1:?usage: robust_kill_resume.sh BIN_DIR}"
TRAIN="$BIN_DIR/medner-train"
TAG="$BIN_DIR/medner-tag"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
for b in "$TRAIN" "$TAG"; do [ -x "$b" ] || { echo "FAIL: $b not found"; exit 1; }; done
export LC_ALL=C

KILL_SEED=${KILL_SEED:-$(date +%s)}
RANDOM=$KILL_SEED
echo "robust_kill_resume: KILL_SEED=$KILL_SEED"

awk '{ print } /^[ \t\r]*$/ { if (++k >= 200) exit }' data/ncbi-disease/train.tsv >"$TMP/train.tsv"
awk '{ print } /^[ \t\r]*$/ { if (++k >= 60) exit }' data/ncbi-disease/devel.tsv >"$TMP/dev.tsv"
OPTS=(--train "$TMP/train.tsv" --dev "$TMP/dev.tsv" --word-dim 16 --hidden 16 --char-hidden 8
      --batch-size 8 --max-epochs 6 --patience 6 --checkpoint-every 3 --threads 1 --seed 7
      --optimizer adam --lr 0.02 --dropout 0.2)

# The log without its timings (elapsed seconds, tokens per second differ between runs).
log_records() {
  python3 -c '
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    for k in ("elapsed_s", "train_tokens_per_s"):
        r.pop(k, None)
    print(json.dumps(r, sort_keys=True))' "$1"
}

# Every target file present is complete.
check_not_torn() {  # MODEL LOG WHEN
  local model=$1 log=$2 when=$3
  if [ -e "$model" ]; then
    "$TAG" --model "$model" </dev/null >/dev/null 2>"$TMP/err" || fail "$when: model is torn: $(cat "$TMP/err")"
  fi
  if [ -e "$model.ckpt" ]; then
    "$TAG" --model "$model.ckpt" </dev/null >/dev/null 2>"$TMP/err"
    grep -q "^error: $model.ckpt: is a checkpoint, expected a model$" "$TMP/err" \
      || fail "$when: checkpoint is torn: $(cat "$TMP/err")"
  fi
  if [ -e "$log" ]; then
    log_records "$log" >/dev/null 2>"$TMP/err" || fail "$when: log is torn: $(tail -1 "$TMP/err")"
    [ -z "$(tail -c 1 "$log")" ] || fail "$when: log does not end with a newline"
  fi
  for f in "$TMP"/k.*; do
    [ -e "$f" ] || continue  # no match
    case "$(basename "$f")" in
      k.bin | k.bin.ckpt | k.log | k.bin.tmp.* | k.bin.ckpt.tmp.* | k.log.tmp.* | k.bin.lock | k.bin.ckpt.lock) ;;
      *) fail "$when: unexpected file $f" ;;
    esac
  done
}

"$TRAIN" "${OPTS[@]}" --model "$TMP/ref.bin" --log "$TMP/ref.log" >/dev/null 2>"$TMP/ref.err" \
  || { echo "FAIL: uninterrupted run failed: $(tail -3 "$TMP/ref.err")"; exit 1; }

# 150 optimizer steps (6 epochs of 25 batches); a checkpoint every 3 steps and at each epoch's end,
# so a process writes at least once every 3 steps. A kill at step <= 30 or at write <= 10 stops a
# process within 30 steps of its start: four kills cannot reach the end, and each resumed process
# repeats at most 3 steps.
kills=0
resume=()
while :; do
  fault=""
  if [ "$kills" -lt 4 ]; then
    if [ $((RANDOM % 2)) -eq 0 ]; then fault="step:$((1 + RANDOM % 30))"; else fault="write:$((1 + RANDOM % 10))"; fi
  fi
  rm -f "$TMP"/k.*.tmp.*
  MEDNER_FAULT="$fault" "$TRAIN" "${OPTS[@]}" --model "$TMP/k.bin" --log "$TMP/k.log" "${resume[@]}" \
    >/dev/null 2>"$TMP/run.err"
  rc=$?
  resume=(--resume)
  if [ -z "$fault" ]; then
    [ "$rc" -eq 0 ] || fail "the last resumed run exited $rc: $(tail -3 "$TMP/run.err")"
    break
  fi
  if [ "$rc" -ne 137 ]; then
    fail "the run with MEDNER_FAULT=$fault exited $rc, expected 137 (SIGKILL): $(tail -3 "$TMP/run.err")"
    break
  fi
  kills=$((kills + 1))
  echo "robust_kill_resume: kill $kills at $fault ($( [ -e "$TMP/k.log" ] && wc -l <"$TMP/k.log" || echo 0) epochs logged)"
  case "$fault" in
    write:*) ls "$TMP" | grep -q '^k\..*\.tmp\.' || fail "after kill $kills: no temporary file; the kill missed the write" ;;
  esac
  check_not_torn "$TMP/k.bin" "$TMP/k.log" "after kill $kills"
done
[ "$kills" -eq 4 ] || fail "expected 4 kills, got $kills"
grep -q "resuming from $TMP/k.bin.ckpt" "$TMP/run.err" || fail "the last run did not resume from the checkpoint"
check_not_torn "$TMP/k.bin" "$TMP/k.log" "at the end"
cmp "$TMP/ref.bin" "$TMP/k.bin" || fail "the resumed model differs from the uninterrupted one"
diff <(log_records "$TMP/ref.log") <(log_records "$TMP/k.log") >"$TMP/log.diff" \
  || fail "the resumed log differs from the uninterrupted one: $(head -c 600 "$TMP/log.diff")"
[ "$(wc -l <"$TMP/k.log")" -eq 6 ] || fail "the log has $(wc -l <"$TMP/k.log") records, expected 6"
echo "robust_kill_resume: $kills kills"

# A malformed MEDNER_FAULT is refused, not ignored (a test that believes it kills must).
MEDNER_FAULT=step "$TRAIN" "${OPTS[@]}" --max-epochs 1 --model "$TMP/m.bin" >/dev/null 2>"$TMP/m.err"
rc=$?
[ "$rc" -ne 0 ] && grep -qF "MEDNER_FAULT: expected SITE:N[:SIG] with N >= 1 and SIG one of KILL, TERM, INT, HUP, found 'step'" "$TMP/m.err" \
  || fail "MEDNER_FAULT=step: exit $rc, $(tail -1 "$TMP/m.err")"
[ ! -e "$TMP/m.bin" ] || fail "MEDNER_FAULT=step: a model was written"

if [ "$failures" -ne 0 ]; then
  echo "robust_kill_resume: $failures failure(s) (replay with KILL_SEED=$KILL_SEED)"
  exit 1
fi
echo "robust_kill_resume: all checks passed"
