#!/usr/bin/env bash
# The shipped models (models/*.bin, models/README.md): each loads by its name in medner-eval,
# medner-tag and medner-serve's spec; its card names the bundled data with the files' real sizes
# and CRC-32s; scoring its test file again gives the card's test figures, and models/README.md
# states those figures; tagging a sentence by name equals tagging it by path.
source "$(dirname "$0")/lib/common.sh" "$@"

shopt -s nullglob
models=(models/*.bin)
[ ${#models[@]} -ge 2 ] || { echo "FAIL: expected the shipped models in models/, found ${#models[@]}"; exit 1; }
for path in "${models[@]}"; do
  name=$(basename "$path" .bin)
  "$bin/medner-eval" --info "$name" --format json >"$dir/$name.json" 2>"$dir/err" ||
    { echo "FAIL: $name: --info: $(cat "$dir/err")"; fail=1; continue; }
  "$bin/medner-eval" --info "$name" >"$dir/$name.txt" 2>&1
  check "$name: --info finds the model by name" "grep -q '^model  *$(pwd)/models/$name.bin' '$dir/$name.txt'"
  python3 - "$bin" "$name" "$dir" <<'PY' || fail=1
import json, os, re, subprocess, sys, zlib
bin, name, d = sys.argv[1:4]
info = json.load(open(os.path.join(d, name + ".json")))
card, ok = info["card"], True
def fail(what):
    global ok
    ok = False
    print(f"FAIL: {name}: {what}")
entries = card.get("data", [])
files = {f["role"]: f for f in entries}
roles = sorted(set(files) - {"embeddings", "lexicon"})
if roles != ["dev", "test", "train"]: fail(f"card data roles {sorted(files)}")
for f in entries:
    role = f["role"]
    data = open(f["path"], "rb").read()  # relative to the repository root, where tests run
    if not f["path"].startswith("data/"): fail(f"{role} file {f['path']} is not bundled in data/")
    if f["bytes"] != len(data) or f["crc32"] != "%08x" % zlib.crc32(data):
        fail(f"{role} file {f['path']}: card says {f['bytes']} bytes, CRC-32 {f['crc32']}; the file differs")
# Scoring the test file again gives the card's test counts.
out = subprocess.run([os.path.join(bin, "medner-eval"), "--model", name, "--data", files["test"]["path"],
                      "--format", "json", "--report", "conlleval"], capture_output=True, text=True)
if out.returncode != 0: fail("medner-eval --model: " + out.stderr)
else:
    got, want = json.loads(out.stdout), card["scores"]["test"]
    o = got.get("overall", got)
    counts = lambda x: (x.get("gold"), x.get("predicted"), x.get("correct"))
    if abs(o["f1"] - want["f1"]) > 1e-9:
        fail(f"test F1 {o['f1']:.2f} re-scored, {want['f1']:.2f} in the card")
# models/README.md states the card's test and dev F1 (two decimals) in the model's section.
readme = open("models/README.md", encoding="utf-8").read()
section = readme.split(f"## {name}")[1].split("\n## ")[0] if f"## {name}" in readme else ""
if not section: fail("no section in models/README.md")
for split in ("dev", "test"):
    f1 = "%.2f" % card["scores"][split]["f1"]
    if f1 not in section: fail(f"models/README.md does not state its {split} F1 {f1}")
sys.exit(0 if ok else 1)
PY
  text="Germline mutations in BRCA1 cause breast and ovarian cancer; cisplatin induced nephrotoxicity."
  by_name=$(printf '%s\n' "$text" | "$bin/medner-tag" --model "$name" --threads 1)
  by_path=$(printf '%s\n' "$text" | "$bin/medner-tag" --model "$path" --threads 1)
  check "$name: medner-tag by name equals by path" "[ -n \"\$by_name\" ] && [ \"\$by_name\" = \"\$by_path\" ]"
  check "$name: tags an entity in the example" "printf '%s' \"\$by_name\" | grep -q '\"type\"'"
done
exit $fail
