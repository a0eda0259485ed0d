#!/usr/bin/env bash
# medner-tag end to end on a tiny trained model: jsonl offsets are code points into the input
# (text[start:end] == entity text, also for non-ASCII text), every input line gives one output
# line in order, brat and conll layouts, n-best probabilities, and usage/input errors.
source "$(dirname "$0")/lib/common.sh" "$@"

train_tiny_model

# Training sentences, detokenized, with non-ASCII text and an empty line mixed in.
awk -v RS= 'NR <= 20 { s = ""; n = split($0, l, "\n"); for (i = 1; i <= n; i++) { split(l[i], f, "\t"); s = s (i > 1 ? " " : "") f[1] } print s }' \
  "$dir/train.tsv" > "$dir/in.txt"
printf 'β-blockers and µg doses in 5 patients with “ataxia-telangiectasia” 😀 disease\n\n' >> "$dir/in.txt"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/in.txt" --nbest 3 > "$dir/out.jsonl"
check "tag exit 0" "[ $? -eq 0 ]"
check "one output line per input line" "[ $(wc -l < "$dir/out.jsonl") -eq $(wc -l < "$dir/in.txt") ]"
python3 - "$dir/in.txt" "$dir/out.jsonl" <<'PY' || fail=1
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
outs = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
ok = True
n_ent = 0
for text, o in zip(lines, outs):
    if o["text"] != text:
        print("FAIL: output out of order or text changed:", o["text"][:40]); ok = False
    for e in o["entities"]:
        n_ent += 1
        if text[e["start"]:e["end"]] != e["text"]:
            print("FAIL: offsets", e, repr(text[e["start"]:e["end"]])); ok = False
        if not (0 < e["confidence"] <= 1.0000001):
            print("FAIL: confidence", e); ok = False
    probs = [b["probability"] for b in o.get("nbest", [])]
    if probs != sorted(probs, reverse=True) or sum(probs) > 1 + 1e-5:
        print("FAIL: nbest probabilities", probs); ok = False
if n_ent < 5:
    print("FAIL: the overfit model found only", n_ent, "entities in its training sentences"); ok = False
sys.exit(0 if ok else 1)
PY

# brat: offsets over the whole input as one document joined by newlines.
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/in.txt" --output-format brat > "$dir/out.ann"
python3 - "$dir/in.txt" "$dir/out.ann" <<'PY' || fail=1
import sys
doc = open(sys.argv[1], encoding="utf-8").read()
ok = True
for line in open(sys.argv[2], encoding="utf-8"):
    tid, mid, text = line.rstrip("\n").split("\t")
    typ, s, e = mid.split(" ")
    if doc[int(s):int(e)] != text:
        print("FAIL: brat offsets", line.strip()); ok = False
sys.exit(0 if ok else 1)
PY

# brat for CRLF input, into OUT.ann: OUT.txt beside it holds the input's bytes, and the offsets
# index that text with its CRs (a reader that keeps line ends as they are, like brat's).
sed 's/$/\r/' "$dir/in.txt" > "$dir/crlf.txt"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/crlf.txt" --output-format brat --output "$dir/pair/doc.ann" 2>/dev/null
check "brat into a missing directory fails" "[ $? -eq 1 ]"
mkdir -p "$dir/pair"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/crlf.txt" --output-format brat --output "$dir/pair/doc.ann"
check "brat .txt beside the .ann is the input" "cmp -s '$dir/crlf.txt' '$dir/pair/doc.txt'"
python3 - "$dir/pair/doc.txt" "$dir/pair/doc.ann" <<'PY' || fail=1
import sys
doc = open(sys.argv[1], encoding="utf-8", newline="").read()
assert "\r\n" in doc
n = 0
for line in open(sys.argv[2], encoding="utf-8"):
    tid, mid, text = line.rstrip("\n").split("\t")
    typ, s, e = mid.split(" ")
    n += 1
    if doc[int(s):int(e)] != text:
        print("FAIL: brat offsets on CRLF text", line.strip(), repr(doc[int(s):int(e)])); sys.exit(1)
if n < 5:
    print("FAIL: only", n, "brat entities on CRLF text"); sys.exit(1)
PY
# The .txt of an .ann beside its own input is the input: left as it is.
cp "$dir/crlf.txt" "$dir/pair/self.txt"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/pair/self.txt" --output-format brat --output "$dir/pair/self.ann"
check "brat beside its own input: exit 0, the input intact" "[ $? -eq 0 ] && cmp -s '$dir/crlf.txt' '$dir/pair/self.txt'"

# A model by name: NAME.bin in $MEDNER_MODELS (models/ of the source tree otherwise).
echo "Colon cancer." | MEDNER_MODELS="$dir" "$bin/medner-tag" --model m > "$dir/byname.jsonl"
check "--model by name" "[ $? -eq 0 ] && [ -s '$dir/byname.jsonl' ]"
echo x | MEDNER_MODELS="$dir" "$bin/medner-tag" --model no-such 2> "$dir/byname.err"
check "--model unknown name: exit 1, names the shipped ones" "[ $? -eq 1 ] && grep -q \"no shipped model of that name (shipped: m in \" '$dir/byname.err'"

# conll in, conll out: same tokens, one tag column.
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/train.tsv" --input-format conll --output-format conll > "$dir/out.conll"
check "conll tokens preserved" "cmp -s <(cut -f1 '$dir/train.tsv') <(cut -f1 '$dir/out.conll')"

# tokens in (one a line, no tag column), the same tags as the CoNLL input and every output format.
cut -f1 "$dir/train.tsv" > "$dir/train.tok"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/train.tok" --input-format tokens --output-format conll > "$dir/tok.conll"
check "tokens in: the tags of the same sentences read as CoNLL" "cmp -s '$dir/out.conll' '$dir/tok.conll'"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/train.tsv" --input-format conll > "$dir/conll.jsonl"
"$bin/medner-tag" --model "$dir/m.bin" --input-format tokens < "$dir/train.tok" > "$dir/tok.jsonl"
check "tokens in, jsonl out (stdin): as from CoNLL" "cmp -s '$dir/conll.jsonl' '$dir/tok.jsonl'"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/train.tok" --input-format tokens --output-format brat > "$dir/tok.ann"
check "tokens in, brat out" "[ $? -eq 0 ] && [ -s '$dir/tok.ann' ]"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/train.tsv" --input-format tokens > /dev/null 2> "$dir/err"
check "tokens in: a tag column is an error naming file:line" \
  "[ $? -eq 1 ] && [ $(wc -l < "$dir/err") -eq 1 ] && grep -q '^error: .*train.tsv:1: expected one token per line, got 2 fields' '$dir/err'"

# A model with document context (--context 1): medner-tag on CoNLL input reads the same windows
# as medner-eval --model (same tags on sentences it was not trained on: on its training
# sentences the context hardly changes a tag), and on text the offsets still hold.
# Two documents (a -DOCSTART- line between them), tagged in chunks of 7 sentences: a chunk
# ends only where a document does, so the windows stay those of medner-eval.
awk -v RS= -v ORS='\n\n' 'NR == 111 { print "-DOCSTART- -X- O" } NR > 60 && NR <= 160' data/ncbi-disease/train.tsv > "$dir/held.tsv"
"$bin/medner-train" --train "$dir/train.tsv" --dev "$dir/train.tsv" --model "$dir/ctx.bin" --context 1 \
  --word-dim 16 --casing-dim 4 --char-dim 8 --char-hidden 8 --hidden 16 --dropout 0 \
  --singleton-unk 0 --lr 0.02 --lr-decay 0 --batch-size 8 --max-epochs 6 --patience 6 \
  --threads 1 2>"$dir/train.log" || { echo "FAIL: training with context"; cat "$dir/train.log"; exit 1; }
"$bin/medner-tag" --model "$dir/ctx.bin" --input "$dir/held.tsv" --input-format conll --output-format conll \
  --chunk 7 > "$dir/ctx.conll"
"$bin/medner-eval" --model "$dir/ctx.bin" --data "$dir/held.tsv" --out "$dir/ctx.pred" > /dev/null
check "context: medner-tag and medner-eval tag alike" \
  "cmp -s <(awk 'NF { print \$NF }' '$dir/ctx.conll') <(awk 'NF { print \$NF }' '$dir/ctx.pred')"
"$bin/medner-tag" --model "$dir/ctx.bin" --input "$dir/in.txt" > "$dir/ctx.jsonl"
python3 - "$dir/in.txt" "$dir/ctx.jsonl" <<'PY' || fail=1
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
outs = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
ok = len(lines) == len(outs)
for text, o in zip(lines, outs):
    for e in o["entities"]:
        if o["text"] != text or text[e["start"]:e["end"]] != e["text"]:
            print("FAIL: context model offsets", e); ok = False
sys.exit(0 if ok else 1)
PY

# stdin, empty input, usage and input errors.
check "empty stdin gives empty output" "[ -z \"\$(printf '' | '$bin/medner-tag' --model '$dir/m.bin')\" ]"
"$bin/medner-tag" --model "$dir/m.bin" --output-format xml < /dev/null > /dev/null 2> "$dir/err"
check "bad format is an error" "[ $? -ne 0 ] && grep -q '^error: ' '$dir/err'"
"$bin/medner-tag" --input "$dir/in.txt" > /dev/null 2> "$dir/err"
check "missing --model is a usage error (2)" "[ $? -eq 2 ]"
"$bin/medner-tag" --model "$dir/missing.bin" < /dev/null > /dev/null 2> "$dir/err"
check "missing model file: exit 1, one line" "[ $? -eq 1 ] && [ $(wc -l < "$dir/err") -eq 1 ] && grep -q 'missing.bin' '$dir/err'"
head -c 100 "$dir/m.bin" > "$dir/trunc.bin"
"$bin/medner-tag" --model "$dir/trunc.bin" < /dev/null > /dev/null 2> "$dir/err"
check "truncated model: exit 1, one line naming it" "[ $? -eq 1 ] && [ $(wc -l < "$dir/err") -eq 1 ] && grep -q 'trunc.bin: truncated' '$dir/err'"
# --output is atomic: a failed run leaves no file.
"$bin/medner-tag" --model "$dir/trunc.bin" --input "$dir/in.txt" --output "$dir/never.jsonl" 2>/dev/null
check "no output file after a failure" "[ ! -e '$dir/never.jsonl' ] && [ -z \"\$(ls '$dir' | grep tmp)\" ]"
exit $fail
