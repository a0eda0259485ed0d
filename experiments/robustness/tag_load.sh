#!/usr/bin/env bash
# Load test of medner-tag: streams LINES lines of raw text (default one million sentences)
# through stdin and checks that no line is lost or reordered (output line i is the JSON of input
# line i) and that memory stays bounded (peak RSS of medner-tag, from getrusage). A tiny model is
# trained first (a few seconds). Prints one summary line; figures in docs/robustness.md.
# Usage (from the repository root):
#   bash experiments/robustness/tag_load.sh BIN_DIR [LINES] [RSS_LIMIT_KB] [THREADS]
# The fast CTest variant (20,000 lines) is tests/cli/robust_tag_stream.sh.
set -euo pipefail
BIN_DIR="${1:?usage: tag_load.sh BIN_DIR [LINES] [RSS_LIMIT_KB] [THREADS]}"
LINES=${2:-1000000}
RSS_LIMIT_KB=${3:-0}  # 0: report only
THREADS=${4:-0}       # 0: all cores
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

awk '{ print } /^[ \t\r]*$/ { if (++k >= 200) exit }' data/ncbi-disease/train.tsv >"$TMP/train.tsv"
"$BIN_DIR/medner-train" --train "$TMP/train.tsv" --dev "$TMP/train.tsv" --model "$TMP/model.bin" \
  --word-dim 16 --hidden 16 --char-hidden 8 --batch-size 8 --max-epochs 2 --threads 1 \
  --optimizer adam --lr 0.02 --dropout 0 >/dev/null 2>"$TMP/train.err" \
  || { echo "tag_load: training the tiny model failed: $(tail -3 "$TMP/train.err")"; exit 1; }

python3 - "$BIN_DIR/medner-tag" "$TMP/model.bin" "$LINES" "$RSS_LIMIT_KB" "$THREADS" "$TMP" <<'EOF'
import json, resource, subprocess, sys, threading, time

tag, model, n, rss_limit, threads, tmp = sys.argv[1:]
n, rss_limit = int(n), int(rss_limit)

def line(i):
    # Sentences of varied length; some lines are empty, some hold two sentences, some are long.
    if i % 997 == 0:
        return ""
    words = " ".join(["BRCA1", "mutations", "and", "colon", "cancer"][: 1 + i % 5])
    text = f"Patient {i} presented with familial adenomatous polyposis and {words}."
    if i % 7 == 0:
        text += f" A second sentence ({i % 13} of 13) mentions ovarian cancer."
    if i % 5003 == 0:
        text += " long" * 2000
    return text

proc = subprocess.Popen([tag, "--model", model, "--threads", threads],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1 << 20)

def feed():
    chunk = []
    for i in range(n):
        chunk.append(line(i))
        if len(chunk) == 10000:
            proc.stdin.write(("\n".join(chunk) + "\n").encode())
            chunk = []
    if chunk:
        proc.stdin.write(("\n".join(chunk) + "\n").encode())
    proc.stdin.close()

start = time.time()
feeder = threading.Thread(target=feed)
feeder.start()
count = 0
errors = []
for out in proc.stdout:
    if count < n:
        text = json.loads(out)["text"]
        if text != line(count) and len(errors) < 5:
            errors.append(f"output line {count + 1} is not the JSON of input line {count + 1}: {text[:80]!r}")
    count += 1
feeder.join()
rc = proc.wait()
seconds = time.time() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB; the trainer ran in bash
if rc != 0:
    errors.append(f"medner-tag exited {rc}")
if count != n:
    errors.append(f"{n} input lines but {count} output lines")
order_ok = not errors
if rss_limit and rss > rss_limit:
    errors.append(f"peak RSS {rss} KB over the limit of {rss_limit} KB")
print(f"tag_load: {n} lines in {seconds:.1f} s ({n / seconds:.0f} lines/s), "
      f"peak RSS {rss} KB, threads {threads}, order and count {'OK' if order_ok else 'WRONG'}")
for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
EOF
