#!/usr/bin/env bash
# The corpus formats end to end: medner-eval --convert between CoNLL, Hugging Face JSON lines,
# PubTator and BioC JSON (round trips reproduce the files), training on HF (ids + --labels) with PubTator dev
# data, medner-tag reading and writing HF and PubTator (offsets index the documents' text),
# mention-level PubTator scores checked against a computation written here, and errors.
# Usage (from the repository root): bash tests/cli/formats_cli.sh BIN_DIR
set -u
bin=${1:?usage: formats_cli.sh BIN_DIR}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; fi; }
eval_() { "$bin/medner-eval" "$@"; }

awk -v RS= -v ORS='\n\n' 'NR <= 60' data/ncbi-disease/train.tsv > "$dir/train.tsv"

# CoNLL -> HF -> CoNLL and HF -> CoNLL -> HF reproduce the files; ids with --labels.
eval_ --convert "$dir/train.tsv" "$dir/train.jsonl" --to hf
check "convert to hf" "[ $? -eq 0 ]"
eval_ --convert "$dir/train.jsonl" "$dir/back.tsv" --to conll
check "CoNLL -> HF -> CoNLL reproduces the file" "cmp -s '$dir/train.tsv' '$dir/back.tsv'"
eval_ --convert "$dir/back.tsv" "$dir/back.jsonl" --to hf
check "HF -> CoNLL -> HF reproduces the file" "cmp -s '$dir/train.jsonl' '$dir/back.jsonl'"
labels=O,B-Disease,I-Disease
eval_ --convert "$dir/train.tsv" "$dir/ids.jsonl" --to hf --labels "$labels"
check "ids written" "head -1 '$dir/ids.jsonl' | grep -q '\"ner_tags\": \[0, '"
eval_ --convert "$dir/ids.jsonl" - --to conll --labels "$labels" > "$dir/ids.tsv"
check "ids read back with --labels" "cmp -s '$dir/train.tsv' '$dir/ids.tsv'"
printf '{"features": {"ner_tags": {"feature": {"names": ["O", "B-Disease", "I-Disease"]}}}}\n' > "$dir/dataset_info.json"
eval_ --convert "$dir/ids.jsonl" - --to conll --labels "$dir/dataset_info.json" > "$dir/ids2.tsv"
check "ids read back with a features file" "cmp -s '$dir/train.tsv' '$dir/ids2.tsv'"

# CoNLL -> PubTator -> CoNLL: documents (-DOCSTART-) and sentences the splitter finds again.
printf -- '-DOCSTART-\tO\n\nOvarian\tB-Disease\ncancer\tI-Disease\nin\tO\nZürich\tO\n\nBRCA1\tO\n-\tO\nassociated\tO\ntumours\tB-Disease\ngrow\tO\n.\tO\n\n-DOCSTART-\tO\n\nAtaxia\tB-Disease\n-\tI-Disease\ntelangiectasia\tI-Disease\nand\tO\ncolon\tB-Disease\ncancer\tI-Disease\n\n' > "$dir/docs.tsv"
eval_ --convert "$dir/docs.tsv" "$dir/docs.pubtator" --to pubtator
check "convert to pubtator" "[ $? -eq 0 ] && head -1 '$dir/docs.pubtator' | grep -q '^1|t|Ovarian cancer in Zürich$'"
eval_ --convert "$dir/docs.pubtator" "$dir/docs_back.tsv" --to conll 2>"$dir/err"
check "CoNLL -> PubTator -> CoNLL reproduces the file" "cmp -s '$dir/docs.tsv' '$dir/docs_back.tsv'"
check "no alignment warnings" "[ ! -s '$dir/err' ]"

# CoNLL -> BioC JSON -> CoNLL, and the BioC file is JSON whose offsets index the passages.
eval_ --convert "$dir/docs.tsv" "$dir/docs.bioc.json" --to bioc
check "convert to bioc" "[ $? -eq 0 ]"
eval_ --convert "$dir/docs.bioc.json" "$dir/docs_bioc.tsv" --to conll
check "CoNLL -> BioC -> CoNLL reproduces the file" "cmp -s '$dir/docs.tsv' '$dir/docs_bioc.tsv'"
python3 - "$dir/docs.bioc.json" <<'PY' || fail=1
import json, sys
n = 0
for d in json.load(open(sys.argv[1], encoding="utf-8"))["documents"]:
    for p in d["passages"]:
        for a in p["annotations"]:
            loc = a["locations"][0]
            n += 1
            if p["text"][loc["offset"] - p["offset"]:][:loc["length"]] != a["text"]:
                print("FAIL: bioc offsets", a); sys.exit(1)
if n != 4: print("FAIL: bioc annotations", n); sys.exit(1)
PY

# Training on HF ids with PubTator dev and test data.
"$bin/medner-train" --train "$dir/ids.jsonl" --labels "$labels" --dev "$dir/docs.pubtator" --test "$dir/docs.pubtator" \
  --model "$dir/m.bin" --word-dim 16 --casing-dim 4 --char-dim 8 --char-hidden 8 --hidden 16 --dropout 0 \
  --singleton-unk 0 --lr 0.02 --lr-decay 0 --batch-size 8 --max-epochs 15 --patience 15 --threads 1 \
  2>"$dir/train.log"
check "train on HF + PubTator" "[ $? -eq 0 ]" || cat "$dir/train.log"

# medner-tag: HF in and out keeps the tokens; PubTator out from PubTator and raw text input.
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/train.jsonl" --input-format hf --output-format hf > "$dir/tagged.jsonl"
check "tag hf -> hf" "[ $? -eq 0 ] && [ \$(wc -l < '$dir/tagged.jsonl') -eq \$(wc -l < '$dir/train.jsonl') ]"
python3 - "$dir/train.jsonl" "$dir/tagged.jsonl" <<'PY' || fail=1
import json, sys
a = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
b = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
bad = [i for i, (x, y) in enumerate(zip(a, b)) if x["tokens"] != y["tokens"] or len(y["ner_tags"]) != len(x["tokens"])]
if bad: print("FAIL: hf output tokens differ at lines", bad[:5]); sys.exit(1)
PY
awk -v RS= 'NR <= 20 { s = ""; n = split($0, l, "\n"); for (i = 1; i <= n; i++) { split(l[i], f, "\t"); s = s (i > 1 ? " " : "") f[1] } print s }' \
  "$dir/train.tsv" > "$dir/in.txt"
eval_ --convert "$dir/train.tsv" "$dir/gold.pubtator" --to pubtator
# ... and a document with multi-byte text in title and abstract (offsets are code points).
printf '99|t|Naïve β-blocker use in “ataxia-telangiectasia” 😀 patients\n99|a|Zürich: colorectal cancer and µg doses of β-carotene. Breast cancer too.\n99\t66\t83\tcolorectal cancer\tDisease\n\n' >> "$dir/gold.pubtator"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/gold.pubtator" --input-format pubtator --output-format pubtator > "$dir/pred.pubtator"
check "tag pubtator -> pubtator" "[ $? -eq 0 ]"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/in.txt" --output-format pubtator > "$dir/text.pubtator"
check "tag text -> pubtator" "[ $? -eq 0 ] && head -1 '$dir/text.pubtator' | grep -q '^1|t|'"
python3 - "$dir/pred.pubtator" "$dir/text.pubtator" <<'PY' || fail=1
import sys
ok, n = True, 0
for path in sys.argv[1:]:
    docs = open(path, encoding="utf-8").read().split("\n\n")
    for d in filter(None, docs):
        lines = d.split("\n")
        title, abstract = lines[0].split("|t|", 1)[1], lines[1].split("|a|", 1)[1]
        text = title + " " + abstract
        for m in lines[2:]:
            pmid, s, e, mention, typ = m.split("\t")
            n += 1
            if text[int(s):int(e)] != mention: print("FAIL: pubtator offsets", path, m); ok = False
if n < 5: print("FAIL: only", n, "mentions tagged"); ok = False
sys.exit(0 if ok else 1)
PY

# Mention-level scores against a computation written here; JSON carries them.
eval_ --gold "$dir/gold.pubtator" --pred "$dir/pred.pubtator" > "$dir/report.txt"
check "score pubtator" "[ $? -eq 0 ] && grep -q 'PubTator mentions' '$dir/report.txt'"
eval_ --gold "$dir/gold.pubtator" --pred "$dir/pred.pubtator" --format json > "$dir/report.json"
python3 - "$dir/gold.pubtator" "$dir/pred.pubtator" "$dir/report.json" <<'PY' || fail=1
import json, sys
def mentions(path):
    out = set()
    for d in filter(None, open(path, encoding="utf-8").read().split("\n\n")):
        for m in d.split("\n")[2:]:
            p, s, e, _, t = m.split("\t")[:5]
            out.add((p, int(s), int(e), t))
    return out
g, p = mentions(sys.argv[1]), mentions(sys.argv[2])
c = len(g & p)
prec = 100.0 * c / len(p) if p else 0.0
rec = 100.0 * c / len(g) if g else 0.0
f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
r = json.load(open(sys.argv[3]))["pubtator_mentions"]["overall"]
if (r["correct"], r["predicted"], r["gold"]) != (c, len(p), len(g)) or abs(r["f1"] - f1) > 1e-9:
    print("FAIL: mention scores", r, "expected", c, len(p), len(g), f1); sys.exit(1)
PY

# medner-eval --model on PubTator data: scored by mention too; --out *.pubtator writes what
# medner-tag writes for the same documents.
eval_ --model "$dir/m.bin" --data "$dir/gold.pubtator" --out "$dir/pred2.pubtator" > "$dir/report2.txt"
check "score a model on pubtator" "[ $? -eq 0 ] && grep -q 'PubTator mentions' '$dir/report2.txt'"
check "--out *.pubtator equals medner-tag's output" "cmp -s '$dir/pred.pubtator' '$dir/pred2.pubtator'"
check "... and the mention scores equal --gold/--pred's" \
  "[ \"\$(grep -A1 'PubTator mentions' '$dir/report2.txt')\" = \"\$(grep -A1 'PubTator mentions' '$dir/report.txt')\" ]"

# Errors: file:line for bad files, usage errors for --convert without its parts.
printf '{"tokens": ["a"], "ner_tags": ["O"]}\n[1]\n' > "$dir/bad.jsonl"
eval_ --convert "$dir/bad.jsonl" - --to conll > /dev/null 2>"$dir/err"
check "bad jsonl: exit 1" "[ $? -eq 1 ]"
check "bad jsonl: message" "grep -qx 'error: $dir/bad.jsonl:2: expected a JSON object, found a list' '$dir/err'"
printf '5|t|Ovarian cancer\n5|a|\n5\t0\t40\tOvarian\tDisease\n' > "$dir/bad.pubtator"
eval_ --gold "$dir/bad.pubtator" --pred "$dir/bad.pubtator" > /dev/null 2>"$dir/err"
check "bad pubtator: message" "grep -q 'bad.pubtator:3: offset 40 is past the end of the text' '$dir/err'"
eval_ --convert "$dir/train.tsv" "$dir/x.jsonl" > /dev/null 2>"$dir/err"
check "--convert without --to: exit 2" "[ $? -eq 2 ] && grep -q 'needs --to' '$dir/err'"
eval_ --convert "$dir/train.tsv" "$dir/train.tsv" --to hf > /dev/null 2>"$dir/err"
check "--convert onto its input: exit 2" "[ $? -eq 2 ]"
printf '7|t|Parkinsonism in Zürich\n7|a|\n7\t0\t9\tParkinson\tDisease\n' > "$dir/inside.pubtator"
eval_ --convert "$dir/inside.pubtator" - --to conll > "$dir/inside.tsv" 2>"$dir/err"
check "a mention inside a token is reported" "grep -q '1 of 1 mentions not tagged' '$dir/err' && grep -q 'inside.pubtator:3: mention 0-9' '$dir/err'"
check "... and not tagged" "! grep -q B-Disease '$dir/inside.tsv'"

exit $fail
