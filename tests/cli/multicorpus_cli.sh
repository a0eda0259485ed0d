#!/usr/bin/env bash
# medner-train on two corpora (--aux: a head each over shared layers, train/head_corpora.h):
#  - the log and the model card give each head's dev F1, the kept epoch follows the targets' mean,
#    and each head's test score in the card is what medner-eval --model --head re-scores;
#  - medner-eval --info lists the heads, medner-tag --head NAME tags with that head's labels,
#    --head all gives every head's entities, each naming its head, and a head the model lacks, a
#    malformed --aux and an unknown --targets are one-line errors;
#  - a seed and a thread count fix the model (2 threads twice), and a run killed mid-epoch and
#    resumed ends with the uninterrupted run's model; a resume with other --aux is refused;
#  - --mix-temperature: with corpora of other sizes it changes which batches an epoch has (not
#    how many), a killed run resumes to the uninterrupted run's model, and a resume with another
#    temperature is refused.
source "$(dirname "$0")/lib/common.sh" "$@"

# NCBI-disease (Disease) as the first head, 40 BC5CDR sentences (Chemical, Disease) as the second.
awk -v RS= -v ORS='\n\n' 'NR <= 40' data/ncbi-disease/train.tsv >"$dir/n.tsv"
awk -v RS= -v ORS='\n\n' 'NR > 40 && NR <= 60' data/ncbi-disease/train.tsv >"$dir/nd.tsv"
awk -v RS= -v ORS='\n\n' 'NR <= 40' data/bc5cdr/train.tsv >"$dir/b.tsv"
awk -v RS= -v ORS='\n\n' 'NR > 40 && NR <= 60' data/bc5cdr/train.tsv >"$dir/bd.tsv"
awk -v RS= -v ORS='\n\n' 'NR > 60 && NR <= 80' data/bc5cdr/train.tsv >"$dir/bt.tsv"
OPTS=(--train "$dir/n.tsv" --dev "$dir/nd.tsv" --head-name ncbi --aux "bc5:$dir/b.tsv:$dir/bd.tsv:$dir/bt.tsv"
      --word-dim 16 --casing-dim 4 --char-dim 8 --char-hidden 8 --hidden 16 --lr 0.03 --lr-decay 0 --dropout 0
      --batch-size 8 --max-epochs 8 --patience 8 --checkpoint-every 3 --seed 3)
"$bin/medner-train" "${OPTS[@]}" --threads 2 --model "$dir/m.bin" --log "$dir/m.log" 2>"$dir/train.err" \
  || { echo "FAIL: training on two corpora: $(tail -3 "$dir/train.err")"; exit 1; }
check "the log names both heads ($(grep -m1 '^epoch' "$dir/train.err"))" \
  "grep -q '^epoch   1 .*dev F1 .*(ncbi [0-9.]*\*, bc5 [0-9.]*\*)' '$dir/train.err'"
check "a test score for the bc5 head" "grep -q '^test bc5 P ' '$dir/train.err'"
# The card: per-head dev and test scores; the selecting F1 is the mean of the two heads' dev F1.
"$bin/medner-eval" --info "$dir/m.bin" --format json >"$dir/info.json"
python3 - "$dir/info.json" "$dir/m.log" >"$dir/card.txt" 2>&1 <<'PY' || { echo "FAIL: card: $(cat "$dir/card.txt")"; fail=1; }
import json, sys
info = json.load(open(sys.argv[1]))
card = info["card"]
assert [h["name"] for h in info["heads"]] == ["ncbi", "bc5"], info["heads"]
assert any(t.endswith("Chemical") for t in info["heads"][1]["tags"]), info["heads"][1]
heads = card["heads"]
mean = (heads["ncbi"]["scores"]["dev"]["f1"] + heads["bc5"]["scores"]["dev"]["f1"]) / 2
assert abs(card["selection"]["dev_f1"] - mean) < 1e-9, (card["selection"], mean)
assert card["selection"]["targets"] == ["ncbi", "bc5"]
log = [json.loads(l) for l in open(sys.argv[2])]
kept = log[card["best_epoch"] - 1]
assert abs(kept["dev_f1"] - mean) < 1e-6 and kept["dev_f1"] == max(r["dev_f1"] for r in log), (kept, log)
assert set(kept["dev_f1_by_head"]) == {"ncbi", "bc5"}
print("%.6f" % heads["bc5"]["scores"]["test"]["f1"])
PY
card_f1=$(tail -1 "$dir/card.txt")
eval_f1=$("$bin/medner-eval" --model "$dir/m.bin" --data "$dir/bt.tsv" --head bc5 --threads 1 --format json |
  python3 -c 'import json, sys; print("%.6f" % json.load(sys.stdin)["overall"]["f1"])' 2>&1)
check "medner-eval --head bc5 re-scores the card's test F1 ($eval_f1 against $card_f1)" "[ \"\$eval_f1\" = \"\$card_f1\" ]"
"$bin/medner-eval" --info "$dir/m.bin" >"$dir/info.txt"
check "--info lists the heads" "grep -q '^  bc5 *Chemical, Disease' '$dir/info.txt' && grep -q '^  ncbi *Disease' '$dir/info.txt'"

# medner-tag --head: each head tags over its own labels (the first by default).
cut -f1 "$dir/bd.tsv" >"$dir/tokens.txt"
for h in ncbi bc5; do
  "$bin/medner-tag" --model "$dir/m.bin" --head "$h" --input "$dir/tokens.txt" --input-format tokens --threads 1 \
    --output-format conll >"$dir/tag.$h" 2>"$dir/err" || { echo "FAIL: --head $h: $(cat "$dir/err")"; fail=1; }
done
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/tokens.txt" --input-format tokens --threads 1 \
  --output-format conll >"$dir/tag.default"
check "the first head tags by default" "cmp -s '$dir/tag.default' '$dir/tag.ncbi'"
check "the ncbi head predicts no Chemical" "! cut -f2 '$dir/tag.ncbi' | grep -q Chemical"
check "the two heads tag differently" "! cmp -s '$dir/tag.ncbi' '$dir/tag.bc5'"
"$bin/medner-tag" --model "$dir/m.bin" --head craft --input "$dir/tokens.txt" >/dev/null 2>"$dir/err"
rc=$?
check "--head craft: exit 1 and the heads named ($rc: $(cat "$dir/err"))" \
  "[ $rc = 1 ] && grep -qF \"error: --head: the model has no head 'craft'; its heads are ncbi, bc5\" '$dir/err'"

# --head all: every head's entities, each naming its head, in text order; each head's are the
# entities that --head NAME gives.
"$bin/medner-tag" --model "$dir/m.bin" --head all --input "$dir/tokens.txt" --input-format tokens --threads 1 \
  >"$dir/all.jsonl" 2>"$dir/err" || { echo "FAIL: --head all: $(cat "$dir/err")"; fail=1; }
for h in ncbi bc5; do
  "$bin/medner-tag" --model "$dir/m.bin" --head "$h" --input "$dir/tokens.txt" --input-format tokens --threads 1 \
    >"$dir/one.$h.jsonl"
done
python3 - "$dir/all.jsonl" "$dir/one.ncbi.jsonl" "$dir/one.bc5.jsonl" >"$dir/all.txt" 2>&1 <<'PY' || { echo "FAIL: --head all: $(cat "$dir/all.txt")"; fail=1; }
import json, sys
every = [json.loads(l) for l in open(sys.argv[1])]
heads = {"ncbi": [json.loads(l) for l in open(sys.argv[2])], "bc5": [json.loads(l) for l in open(sys.argv[3])]}
assert sum(len(u["entities"]) for u in every) > 0
for i, u in enumerate(every):
    starts = [e["start"] for e in u["entities"]]
    assert starts == sorted(starts), u
    for name, one in heads.items():
        mine = [{k: v for k, v in e.items() if k != "head"} for e in u["entities"] if e["head"] == name]
        assert mine == sorted(one[i]["entities"], key=lambda e: e["start"]), (name, mine, one[i])
    assert all("head" not in e for one in heads.values() for e in one[i]["entities"])
PY
"$bin/medner-tag" --model "$dir/m.bin" --head all --input "$dir/tokens.txt" --input-format tokens --output-format conll \
  >/dev/null 2>"$dir/err"
rc=$?
check "--head all with conll output: exit 2 ($rc: $(cat "$dir/err"))" \
  "[ $rc = 2 ] && grep -qF 'error: --head all: each entity names its head in jsonl output only' '$dir/err'"
"$bin/medner-train" "${OPTS[@]}" --head-name all --model "$dir/x.bin" >/dev/null 2>"$dir/err"
check "--head-name all is refused ($(tail -1 "$dir/err"))" "grep -qF -e \"--head-name: 'all' names every head\" '$dir/err'"

# Bad --aux and --targets: errors before any training (exit 1, as for every check of the merged
# configuration: the values may come from a config file).
"$bin/medner-train" "${OPTS[@]}" --aux "bc5:$dir/b.tsv" --model "$dir/x.bin" >/dev/null 2>"$dir/err"
rc=$?
check "--aux without a dev file: exit 1 ($rc: $(tail -1 "$dir/err"))" \
  "[ $rc = 1 ] && grep -qF -e \"--aux: expected NAME:TRAIN:DEV[:TEST] (several joined by ','), found 'bc5:$dir/b.tsv'\" '$dir/err'"
"$bin/medner-train" "${OPTS[@]}" --targets ncbi,craft --model "$dir/x.bin" >/dev/null 2>"$dir/err"
rc=$?
check "--targets craft: exit 1 ($rc: $(tail -1 "$dir/err"))" \
  "[ $rc = 1 ] && grep -qF -e \"--targets: 'craft' is not a head; the heads are ncbi, bc5\" '$dir/err'"
"$bin/medner-train" "${OPTS[@]}" --aux "ncbi:$dir/b.tsv:$dir/bd.tsv" --model "$dir/x.bin" >/dev/null 2>"$dir/err"
check "--aux naming the first head's name again is refused" "grep -qF -e \"--aux: head 'ncbi' is named twice\" '$dir/err'"
check "no model from the refused runs" "[ ! -e '$dir/x.bin' ]"

# A seed and a thread count fix the model; a resumed run ends where the uninterrupted one does.
"$bin/medner-train" "${OPTS[@]}" --threads 2 --model "$dir/again.bin" 2>/dev/null
check "2 threads twice: the same model" "cmp -s '$dir/m.bin' '$dir/again.bin'"
# Killed (SIGKILL from inside, lib/core/fault_point.h) at step 25 of 80, 10 steps an epoch.
MEDNER_FAULT=step:25 "$bin/medner-train" "${OPTS[@]}" --threads 2 --model "$dir/part.bin" 2>/dev/null
rc=$?
check "MEDNER_FAULT=step:25 killed the run ($rc)" "[ $rc = 137 ]"
"$bin/medner-train" "${OPTS[@]}" --threads 2 --resume --model "$dir/part.bin" 2>"$dir/resume.err"
check "the resumed run resumed ($(grep -m1 resuming "$dir/resume.err"))" "grep -q '^resuming from' '$dir/resume.err'"
check "killed and resumed: the uninterrupted run's model" "cmp -s '$dir/m.bin' '$dir/part.bin'"
"$bin/medner-train" "${OPTS[@]}" --threads 2 --aux "other:$dir/b.tsv:$dir/bd.tsv" --resume --model "$dir/part.bin" \
  >/dev/null 2>"$dir/err"
rc=$?
check "a resume with another --aux is refused ($rc: $(tail -1 "$dir/err"))" \
  "[ $rc = 1 ] && grep -q \"the checkpoint's other heads are 'bc5', this run's --aux names 'other'\" '$dir/err'"

# --mix-temperature 4 with 40 and 16 sentences in batches of 8: 5 + 2 batches an epoch at T = 1,
# 4 + 3 at T = 4 (model/batch_plan.h), so the model differs from the T = 1 one above.
awk -v RS= -v ORS='\n\n' 'NR <= 16' data/bc5cdr/train.tsv >"$dir/b16.tsv"
MIX=("${OPTS[@]}" --aux "bc5:$dir/b16.tsv:$dir/bd.tsv" --max-epochs 3 --threads 2)
"$bin/medner-train" "${MIX[@]}" --model "$dir/t1.bin" 2>/dev/null
"$bin/medner-train" "${MIX[@]}" --mix-temperature 4 --model "$dir/t4.bin" 2>"$dir/t4.err" \
  || { echo "FAIL: --mix-temperature 4: $(tail -3 "$dir/t4.err")"; fail=1; }
check "--mix-temperature 4 trains another model than 1" "! cmp -s '$dir/t1.bin' '$dir/t4.bin'"
MEDNER_FAULT=step:10 "$bin/medner-train" "${MIX[@]}" --mix-temperature 4 --model "$dir/t4p.bin" 2>/dev/null
"$bin/medner-train" "${MIX[@]}" --resume --model "$dir/t4p.bin" >/dev/null 2>"$dir/err"
rc=$?
check "a resume at another temperature is refused ($rc: $(tail -1 "$dir/err"))" \
  "[ $rc = 1 ] && grep -qF -e 'the checkpoint was written with --mix-temperature 4, this run has --mix-temperature 1' '$dir/err'"
"$bin/medner-train" "${MIX[@]}" --mix-temperature 4 --resume --model "$dir/t4p.bin" 2>/dev/null
check "--mix-temperature 4 killed and resumed: the uninterrupted run's model" "cmp -s '$dir/t4.bin' '$dir/t4p.bin'"
"$bin/medner-train" "${MIX[@]}" --mix-temperature 0 --model "$dir/x.bin" >/dev/null 2>"$dir/err"
check "--mix-temperature 0 is refused ($(tail -1 "$dir/err"))" "grep -qF -e '--mix-temperature' '$dir/err' && [ ! -e '$dir/x.bin' ]"
exit $fail
