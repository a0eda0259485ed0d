#!/usr/bin/env bash
# medner-serve end to end on a tiny trained model and an ephemeral loopback port: /health,
# /models, POST /tag ("text", "texts" (up to 999 at once), "nbest", a second model) equal to
# medner-tag's JSON lines, one malformed request of each kind (bad JSON, missing field, wrong
# type, unknown model, a 10 MB body over --max-body, 1,001 texts over --max-texts, no such
# endpoint) answered 4xx with a JSON error, concurrent clients, access log lines, and SIGTERM
# during a request: answered, then exit 0.
set -u
bin=$1
[ -x "$bin/medner-serve" ] || { echo "medner-serve not built (MEDNER_SERVE=OFF): skipped"; exit 0; }
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
fail=0

awk -v RS= -v ORS='\n\n' 'NR <= 60' data/ncbi-disease/train.tsv > "$dir/train.tsv"
"$bin/medner-train" --train "$dir/train.tsv" --dev "$dir/train.tsv" --model "$dir/m.bin" \
  --word-dim 16 --casing-dim 4 --char-dim 8 --char-hidden 8 --hidden 16 --dropout 0 \
  --singleton-unk 0 --lr 0.02 --lr-decay 0 --batch-size 8 --max-epochs 25 --patience 25 \
  --threads 1 2>"$dir/train.log" || { echo "FAIL: training"; cat "$dir/train.log"; exit 1; }
awk -v RS= 'NR <= 8 { s = ""; n = split($0, l, "\n"); for (i = 1; i <= n; i++) { split(l[i], f, "\t"); s = s (i > 1 ? " " : "") f[1] } print s }' \
  "$dir/train.tsv" > "$dir/in.txt"
printf 'β-blockers and µg doses in “ataxia-telangiectasia” 😀 disease\n' >> "$dir/in.txt"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/in.txt" > "$dir/want.jsonl" || { echo "FAIL: medner-tag"; exit 1; }
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/in.txt" --nbest 2 > "$dir/want2.jsonl" || { echo "FAIL: medner-tag --nbest"; exit 1; }

# Refusals before listening: no model is a usage error (2); a model that does not load, 1.
"$bin/medner-serve" --port 0 2>/dev/null
[ $? -eq 2 ] || { echo "FAIL: no --model: expected exit 2"; fail=1; }
"$bin/medner-serve" --model "x=$dir/missing.bin" --port 0 2>"$dir/missing.log"
[ $? -eq 1 ] && grep -q 'missing.bin' "$dir/missing.log" || { echo "FAIL: a missing model: expected exit 1 naming it"; fail=1; }

"$bin/medner-serve" --model "tiny=$dir/m.bin" --model "other=$dir/m.bin" --port 0 --threads 4 \
  --max-body 1000000 --max-texts 1000 2>"$dir/serve.log" &
pid=$!
port=
for _ in $(seq 300); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/serve.log")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: medner-serve did not start"; cat "$dir/serve.log"; exit 1; }

python3 - "$port" "$dir" "$pid" <<'PY' || fail=1
import json, os, signal, sys, threading, time, urllib.request, urllib.error
port, d, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = f"http://127.0.0.1:{port}"
texts = open(os.path.join(d, "in.txt"), encoding="utf-8").read().split("\n")[:-1]
want = [json.loads(l) for l in open(os.path.join(d, "want.jsonl"), encoding="utf-8")]
want2 = [json.loads(l) for l in open(os.path.join(d, "want2.jsonl"), encoding="utf-8")]
ok = True

# Equal to medner-tag's answer but for the last digits of confidences and n-best probabilities: a
# text tagged in another batch (alone, or among 999) is summed in another order (about 1e-5).
def same(x, y):
    if isinstance(x, dict):
        return isinstance(y, dict) and x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
    if isinstance(x, list):
        return isinstance(y, list) and len(x) == len(y) and all(same(a, b) for a, b in zip(x, y))
    if isinstance(x, float) or isinstance(y, float):
        return isinstance(x, (int, float)) and isinstance(y, (int, float)) and abs(x - y) < 1e-4
    return x == y

def fail(msg):
    global ok
    print("FAIL:", msg); ok = False

def call(method, path, body=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        text = e.read()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, {"not json": text[:200].decode("latin-1")}

s, h = call("GET", "/health")
if s != 200 or h.get("status") != "ok" or h.get("models") != ["tiny", "other"]: fail(f"/health: {s} {h}")
s, m = call("GET", "/models")
names = [x["name"] for x in m.get("models", [])]
if s != 200 or names != ["tiny", "other"] or not m["models"][0]["default"] or "Disease" not in m["models"][0]["types"] \
        or m["models"][0]["configuration"].get("hidden") != "16" \
        or "dev" not in m["models"][0]["card"].get("scores", {}):
    fail(f"/models: {s} {m}")

s, r = call("POST", "/tag", {"texts": texts})
if s != 200 or r.get("model") != "tiny" or not same(r.get("results"), want): fail(f"texts: {s} differ from medner-tag")
if sum(len(x["entities"]) for x in want) == 0: fail("no entities to compare")
s, r = call("POST", "/tag", {"text": texts[-1], "model": "other"})
if s != 200 or r.pop("model", None) != "other" or not same(r, want[-1]): fail(f"text: {s} {r}")
s, r = call("POST", "/tag", {"texts": texts, "nbest": 2})
if s != 200 or not same(r.get("results"), want2): fail(f"nbest: {s}")

bad = [
    ("malformed JSON", "/tag", b'{"text": ', 400, "malformed JSON"),
    ("missing field", "/tag", b'{"model": "tiny"}', 400, "missing field"),
    ("wrong type", "/tag", b'{"texts": ["a", 7]}', 400, "texts[1]"),
    ("nbest wrong type", "/tag", b'{"text": "a", "nbest": "2"}', 400, "nbest"),
    ("unknown model", "/tag", b'{"text": "a", "model": "nope"}', 404, "unknown model 'nope'"),
    ("10 MB body over --max-body", "/tag", json.dumps({"text": "x " * 5000000}).encode(), 413, "over 1000000 bytes"),
    ("texts over --max-texts", "/tag", json.dumps({"texts": ["a"] * 1001}).encode(), 413, "1001 texts, at most 1000"),
    ("no such endpoint", "/nothing", b'{}', 404, "no endpoint"),
]
for name, path, raw, status, says in bad:
    s, r = call("POST", path, raw=raw)
    if s != status or says not in r.get("error", ""): fail(f"{name}: {s} {r}")
s, r = call("POST", "/tag", {"texts": texts * 111})  # 999 texts at once
if s != 200 or not same(r.get("results"), want * 111): fail(f"999 texts: {s}")
s, r = call("GET", "/tag")
if s != 404 or "error" not in r: fail(f"GET /tag: {s} {r}")

# Concurrent clients: every answer right.
errors = []
def client(k):
    for i in range(10):
        j = (k + i) % len(texts)
        s, r = call("POST", "/tag", {"text": texts[j]})
        r.pop("model", None)
        if s != 200 or not same(r, want[j]): errors.append((k, i, s))
threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
for t in threads: t.start()
for t in threads: t.join()
if errors: fail(f"concurrent clients: {errors[:5]}")

# SIGTERM while a request is in flight: it is answered, then the server exits (checked below).
big = {"texts": [" ".join(texts)] * 50}
result = {}
def slow():
    result["r"] = call("POST", "/tag", big)
t = threading.Thread(target=slow)
t.start()
time.sleep(0.05)
os.kill(pid, signal.SIGTERM)
t.join()
if result["r"][0] != 200 or len(result["r"][1].get("results", [])) != 50: fail(f"request in flight at SIGTERM: {result['r'][0]}")
sys.exit(0 if ok else 1)
PY

rc=
for _ in $(seq 300); do
  if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; rc=$?; break; fi
  sleep 0.1
done
pid_left=$pid
pid=
if [ -z "$rc" ]; then echo "FAIL: medner-serve still running 30 s after SIGTERM"; kill -9 "$pid_left"; fail=1
elif [ "$rc" -ne 0 ]; then echo "FAIL: medner-serve exited $rc after SIGTERM"; fail=1; fi
grep -Eq '^127\.0\.0\.1 POST /tag 200 [0-9]+ [0-9.]+$' "$dir/serve.log" || { echo "FAIL: no access log line"; fail=1; }
grep -Eq '^127\.0\.0\.1 POST /tag 413 [0-9]+ ' "$dir/serve.log" || { echo "FAIL: the 413 is not logged"; fail=1; }
grep -q 'SIGTERM' "$dir/serve.log" || { echo "FAIL: SIGTERM not logged"; fail=1; }
[ $fail -eq 0 ] || { echo "--- serve.log (tail)"; tail -20 "$dir/serve.log"; }
exit $fail
