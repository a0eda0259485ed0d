#!/usr/bin/env bash
# --abbreviations end to end with the shipped BC5CDR model: a short form defined in a raw text line
# takes its long form's type in that line; CoNLL input resolves within -DOCSTART- documents,
# whatever --chunk is; medner-eval --model scores the resolved tags.
source "$(dirname "$0")/lib/common.sh" "$@"

[ -f models/bc5cdr.bin ] || { echo "FAIL: models/bc5cdr.bin is not shipped"; exit 1; }
text="Treatment with cis-platinum (CP) caused nephrotoxicity. CP levels rose after the second cycle of CP."
entities() {  # the entities of JSON lines on stdin, as text:type
  python3 -c 'import json, sys
for l in sys.stdin: print(" ".join(e["text"] + ":" + e["type"] for e in json.loads(l)["entities"]))'
}
plain=$(printf '%s\n' "$text" | "$bin/medner-tag" --model bc5cdr --threads 1 | entities)
resolved=$(printf '%s\n%s\n' "$text" "CP levels rose after the second cycle of CP." |
  "$bin/medner-tag" --model bc5cdr --threads 1 --abbreviations | entities)
first=$(printf '%s\n' "$resolved" | sed -n 1p)
second=$(printf '%s\n' "$resolved" | sed -n 2p)
check "raw text: the network leaves the CP of \"CP levels\" untagged ($plain)" "[ \"\$(printf '%s' \"\$plain\" | grep -o 'CP:' | wc -l)\" = 2 ]"
check "raw text: --abbreviations tags it Chemical ($first)" "[ \"\$first\" = \"\$plain CP:Chemical\" ]"
untagged=$(printf '%s\n' "CP levels rose after the second cycle of CP." | "$bin/medner-tag" --model bc5cdr --threads 1 | entities)
check "raw text: a line is a document, the next line has no definition ($second)" "[ \"\$second\" = \"\$untagged\" ]"

# CoNLL: document 1 defines CP, document 2 does not.
{
  printf -- '-DOCSTART-\tO\n\n'
  for t in Treatment with cis - platinum "(" CP ")" caused nephrotoxicity .; do printf '%s\tO\n' "$t"; done
  printf '\n'
  for t in CP levels rose after the second cycle of CP .; do printf '%s\tO\n' "$t"; done
  printf '\n-DOCSTART-\tO\n\n'
  for t in CP levels rose after the second cycle of CP .; do printf '%s\tO\n' "$t"; done
  printf '\n'
} >"$dir/docs.tsv"
for chunk in 1 1000; do
  "$bin/medner-tag" --model bc5cdr --threads 1 --input "$dir/docs.tsv" --input-format conll --output-format conll \
    --abbreviations --chunk "$chunk" >"$dir/chunk$chunk.tsv" 2>"$dir/err" || { echo "FAIL: conll --chunk $chunk: $(cat "$dir/err")"; fail=1; }
done
check "conll: --chunk 1 tags as one chunk does" "cmp -s '$dir/chunk1.tsv' '$dir/chunk1000.tsv'"
# The CPs in order: document 1's three are Chemicals; document 2 keeps the network's tags, which
# leave "CP levels" untagged.
tags=$(awk -F'\t' 'NF >= 2 && $1 == "CP" {printf "%s ", $NF}' "$dir/chunk1.tsv")
check "conll: CP resolved in its document only ($tags)" "[ \"\$tags\" = 'B-Chemical B-Chemical B-Chemical O B-Chemical ' ]"

# medner-eval --model: gold with every CP a Chemical; the resolved tags find one more.
sed 's/^CP\tO$/CP\tB-Chemical/; s/^cis\tO$/cis\tB-Chemical/; s/^-\tO$/-\tI-Chemical/; s/^platinum\tO$/platinum\tI-Chemical/; s/^nephrotoxicity\tO$/nephrotoxicity\tB-Disease/' \
  "$dir/docs.tsv" >"$dir/gold.tsv"
found() { "$bin/medner-eval" --model bc5cdr --threads 1 --data "$dir/gold.tsv" --report conlleval "$@" | sed -n 's/.*correct: \([0-9]*\)\..*/\1/p'; }
off=$(found)
on=$(found --abbreviations)
check "medner-eval --model --abbreviations: one more correct ($off, then $on)" "[ -n \"\$off\" ] && [ \"\$on\" = \$((off + 1)) ]"
exit $fail
