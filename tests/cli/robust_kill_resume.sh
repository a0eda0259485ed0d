#!/usr/bin/env bash
# Crash safety of medner-train: a tiny training is killed with SIGKILL at random moments (4 times),
# resumed with --resume after each kill, and must end with a model byte-identical to an
# uninterrupted run with the same options, and a log with the same records (timings aside).
# After every kill, each file the tool writes (model, checkpoint, log) is either absent or
# complete: the model loads, the checkpoint decodes (medner-tag refuses it only for being a
# checkpoint), the log is whole JSON lines. Temporary files of a killed writer may remain; they
# never carry the target's name. Set KILL_SEED to replay a run's kill times.
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
    case "$(basename "$f")" in
      k.bin | k.bin.ckpt | k.log | k.bin.tmp.* | k.bin.ckpt.tmp.* | k.log.tmp.*) ;;
      *) fail "$when: unexpected file $f" ;;
    esac
  done
}

start=$(date +%s.%N)
"$TRAIN" "${OPTS[@]}" --model "$TMP/ref.bin" --log "$TMP/ref.log" >/dev/null 2>"$TMP/ref.err" \
  || { echo "FAIL: uninterrupted run failed: $(tail -3 "$TMP/ref.err")"; exit 1; }
full=$(python3 -c "import time; print(time.time() - $start)")
echo "robust_kill_resume: uninterrupted run ${full%.*}.$(echo "${full#*.}" | cut -c1-2) s"
# Kill times: uniform in [50 ms, 50 ms + a quarter of the uninterrupted time] after each start,
# so that four kills spread over the run without finishing it.
max_ms=$(python3 -c "print(max(100, int(250 * $full)))")

kills=0
attempts=0
resume=()
while :; do
  attempts=$((attempts + 1))
  [ "$attempts" -le 30 ] || { fail "no completed run after 30 attempts"; break; }
  "$TRAIN" "${OPTS[@]}" --model "$TMP/k.bin" --log "$TMP/k.log" "${resume[@]}" >/dev/null 2>"$TMP/run.err" &
  pid=$!
  resume=(--resume)
  if [ "$kills" -lt 4 ]; then
    delay_ms=$((50 + RANDOM % max_ms))
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  rc=$?
  if [ "$rc" -eq 137 ]; then
    kills=$((kills + 1))
    echo "robust_kill_resume: kill $kills after ${delay_ms} ms ($( [ -e "$TMP/k.log" ] && wc -l <"$TMP/k.log" || echo 0) epochs logged)"
    check_not_torn "$TMP/k.bin" "$TMP/k.log" "after kill $kills"
    continue
  fi
  if [ "$rc" -ne 0 ]; then
    fail "resumed run exited $rc: $(tail -3 "$TMP/run.err")"
    break
  fi
  [ "$kills" -ge 4 ] && break
  # The chain finished before its fourth kill: start a fresh one.
  echo "robust_kill_resume: run finished before kill $((kills + 1)); starting a fresh chain"
  rm -f "$TMP"/k.*
  kills=0
  resume=()
done
[ "$kills" -eq 4 ] || fail "expected 4 kills, got $kills"
grep -q "resuming from $TMP/k.bin.ckpt" "$TMP/run.err" || fail "the last run did not resume from the checkpoint"
check_not_torn "$TMP/k.bin" "$TMP/k.log" "at the end"
cmp "$TMP/ref.bin" "$TMP/k.bin" || fail "the resumed model differs from the uninterrupted one"
diff <(log_records "$TMP/ref.log") <(log_records "$TMP/k.log") >"$TMP/log.diff" \
  || fail "the resumed log differs from the uninterrupted one: $(head -c 600 "$TMP/log.diff")"
[ "$(wc -l <"$TMP/k.log")" -eq 6 ] || fail "the log has $(wc -l <"$TMP/k.log") records, expected 6"
leftovers=$(ls "$TMP" | grep -c '\.tmp\.')
echo "robust_kill_resume: $kills kills, $leftovers temporary file(s) left by killed writers"

if [ "$failures" -ne 0 ]; then
  echo "robust_kill_resume: $failures failure(s) (replay with KILL_SEED=$KILL_SEED)"
  exit 1
fi
echo "robust_kill_resume: all checks passed"
