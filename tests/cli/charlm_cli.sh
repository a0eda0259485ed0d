#!/usr/bin/env bash
# medner-pretrain charlm end to end on 2,000 lines of the bundled NCBI-disease training text: an
# epoch line with held-out bits per character, the same seed and threads give the same file, a
# run killed with SIGKILL after a step resumes to the uninterrupted run's file, medner-train
# --charlm trains a tagger whose model keeps the language model (medner-tag and medner-eval need
# only the model), and bad input is one error line with no output file.
source "$(dirname "$0")/lib/common.sh" "$@"
P="$bin/medner-pretrain"

awk -F'\t' 'NF >= 2 { printf "%s%s", (n++ ? " " : ""), $1 } NF < 2 && n { print ""; n = 0 }' \
  data/ncbi-disease/train.tsv | head -2000 >"$dir/text.txt"
opts=(--hidden 16 --char-dim 8 --streams 8 --bptt 50 --epochs 2 --threads 2 --seed 3 --checkpoint-steps 20)
"$P" charlm --input "$dir/text.txt" --output "$dir/a.charlm" "${opts[@]}" 2>"$dir/a.err"
check "charlm exit 0 ($(tail -c 300 "$dir/a.err"))" "[ $? -eq 0 ]"
check "one line per epoch, with held-out bits per char" \
  "[ $(grep -c '^epoch [12]: training .* bits/char, held out .* forward, .* backward' "$dir/a.err") -eq 2 ]"
"$P" charlm --input "$dir/text.txt" --output "$dir/b.charlm" "${opts[@]}" 2>/dev/null
check "same seed and threads, same file" "cmp -s '$dir/a.charlm' '$dir/b.charlm'"
# The checkpoint stays: a finished run resumed with more epochs goes on as a longer run would.
"$P" charlm --input "$dir/text.txt" --output "$dir/b.charlm" "${opts[@]}" --epochs 3 --resume 2>"$dir/b.err"
"$P" charlm --input "$dir/text.txt" --output "$dir/c.charlm" "${opts[@]}" --epochs 3 2>/dev/null
check "2 epochs resumed for a third: one epoch line, the 3-epoch run's file" \
  "[ \$(grep -c '^epoch' '$dir/b.err') -eq 1 ] && grep -q '^epoch 3:' '$dir/b.err' && cmp -s '$dir/b.charlm' '$dir/c.charlm'"

# Killed after step 30 (its checkpoint: step 20), then resumed: the same file as without the kill.
MEDNER_FAULT=step:30 "$P" charlm --input "$dir/text.txt" --output "$dir/k.charlm" "${opts[@]}" 2>/dev/null
rc=$?
check "killed by SIGKILL (exit $rc)" "[ $rc -eq 137 ]"
check "a checkpoint and no model after the kill" "[ -s '$dir/k.charlm.ckpt' ] && [ ! -e '$dir/k.charlm' ]"
"$P" charlm --input "$dir/text.txt" --output "$dir/k.charlm" "${opts[@]}" --resume 2>"$dir/k.err"
check "resumed exit 0 ($(tail -c 300 "$dir/k.err"))" "[ $? -eq 0 ]"
check "resumed run ends with the uninterrupted run's file" "cmp -s '$dir/a.charlm' '$dir/k.charlm'"
MEDNER_FAULT=step:30 "$P" charlm --input "$dir/text.txt" --output "$dir/o.charlm" "${opts[@]}" 2>/dev/null
"$P" charlm --input "$dir/text.txt" --output "$dir/o.charlm" "${opts[@]}" --lr 0.01 --resume 2>"$dir/err"
rc=$?
check "resume with other options: exit 1 (got $rc), named ($(cat "$dir/err"))" \
  "[ $rc -eq 1 ] && grep -qF 'the checkpoint was written with lr = 0.002, this run has 0.01' '$dir/err'"

# A tagger over the language model's states; the model file keeps the language model.
awk -v RS= -v ORS='\n\n' 'NR <= 60' data/ncbi-disease/train.tsv >"$dir/train.tsv"
cp "$dir/a.charlm" "$dir/lm.charlm"
"$bin/medner-train" --train "$dir/train.tsv" --dev "$dir/train.tsv" --test "$dir/train.tsv" --model "$dir/m.bin" \
  --charlm "$dir/lm.charlm" --word-dim 16 --casing-dim 4 --char-dim 8 --char-hidden 8 --hidden 16 --dropout 0 \
  --singleton-unk 0 --lr 0.02 --lr-decay 0 --batch-size 8 --max-epochs 4 --threads 1 2>"$dir/t.err"
check "medner-train --charlm exit 0 ($(tail -c 300 "$dir/t.err"))" "[ $? -eq 0 ]"
check "the log names the language model" "grep -q '^charlm: .*lm.charlm (.* characters, 32 values per token)' '$dir/t.err'"
rm "$dir/lm.charlm"
test_f1=$(sed -n 's/^test P .* F1 *\([0-9.]*\).*/\1/p' "$dir/t.err")
"$bin/medner-eval" --model "$dir/m.bin" --data "$dir/train.tsv" --threads 2 >"$dir/eval.txt" 2>&1
check "medner-eval without the .charlm file re-scores the card's test F1 $test_f1 ($(head -2 "$dir/eval.txt" | tail -1))" \
  "[ -n '$test_f1' ] && grep -q 'FB1: *$test_f1\$' '$dir/eval.txt'"
cut -f1 "$dir/train.tsv" | awk 'NF { printf "%s ", $1 } !NF { print "" }' | head -20 >"$dir/raw.txt"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/raw.txt" --threads 1 >"$dir/t1.jsonl"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/raw.txt" --threads 2 >"$dir/t2.jsonl"
check "medner-tag: 20 lines, the same with 1 and 2 threads" \
  "[ $(wc -l <"$dir/t1.jsonl") -eq 20 ] && cmp -s '$dir/t1.jsonl' '$dir/t2.jsonl'"
# The language model tuned with the tagger (--charlm-fine-tune): the model keeps the tuned copy,
# medner-eval re-scores the card, and a killed run resumes to the uninterrupted run's model.
FT=(--train "$dir/train.tsv" --dev "$dir/train.tsv" --test "$dir/train.tsv" --charlm "$dir/a.charlm"
  --charlm-fine-tune --word-dim 16 --casing-dim 4 --char-dim 8 --char-hidden 8 --hidden 16 --dropout 0
  --singleton-unk 0 --lr 0.02 --lr-decay 0 --batch-size 8 --max-epochs 3 --threads 1)
"$bin/medner-train" "${FT[@]}" --model "$dir/ft.bin" 2>"$dir/ft.err"
check "medner-train --charlm-fine-tune exit 0 ($(tail -c 300 "$dir/ft.err"))" \
  "[ $? -eq 0 ] && grep -q '^charlm: tuned with the tagger' '$dir/ft.err'"
ft_f1=$(sed -n 's/^test P .* F1 *\([0-9.]*\).*/\1/p' "$dir/ft.err")
"$bin/medner-eval" --model "$dir/ft.bin" --data "$dir/train.tsv" --threads 2 >"$dir/ft-eval.txt" 2>&1
check "the tuned model re-scores the card's test F1 $ft_f1 ($(head -2 "$dir/ft-eval.txt" | tail -1))" \
  "[ -n '$ft_f1' ] && grep -q 'FB1: *$ft_f1\$' '$dir/ft-eval.txt'"
"$bin/medner-eval" --info "$dir/ft.bin" --format json >"$dir/ft-info.json" 2>&1
check "--info: the stored option charlm-fine-tune" "grep -q '\"charlm-fine-tune\": *\"true\"' '$dir/ft-info.json'"
"$bin/medner-tag" --model "$dir/ft.bin" --input "$dir/raw.txt" --threads 1 >"$dir/ft1.jsonl"
"$bin/medner-tag" --model "$dir/ft.bin" --input "$dir/raw.txt" --threads 2 >"$dir/ft2.jsonl"
check "tuned: medner-tag tags 20 lines, the same with 1 and 2 threads" \
  "[ $(wc -l <"$dir/ft1.jsonl") -eq 20 ] && cmp -s '$dir/ft1.jsonl' '$dir/ft2.jsonl'"
MEDNER_FAULT=step:10 "$bin/medner-train" "${FT[@]}" --model "$dir/ftk.bin" 2>/dev/null
rc=$?
check "MEDNER_FAULT=step:10 killed the tuning run ($rc)" "[ $rc = 137 ]"
"$bin/medner-train" "${FT[@]}" --model "$dir/ftk.bin" --resume 2>"$dir/ftk.err"
check "killed and resumed: the uninterrupted tuned model" \
  "grep -q '^resuming from' '$dir/ftk.err' && cmp -s '$dir/ft.bin' '$dir/ftk.bin'"
"$bin/medner-train" --train "$dir/train.tsv" --dev "$dir/train.tsv" --model "$dir/x.bin" --charlm-fine-tune \
  --max-epochs 1 2>"$dir/err"
rc=$?
check "--charlm-fine-tune without --charlm: exit 1 (got $rc; $(tail -1 "$dir/err"))" \
  "[ $rc -eq 1 ] && grep -qF -- '--charlm-fine-tune: there is no language model to tune' '$dir/err' && [ ! -e '$dir/x.bin' ]"
"$bin/medner-train" --train "$dir/train.tsv" --dev "$dir/train.tsv" --model "$dir/x.bin" --charlm "$dir/m.bin" \
  --max-epochs 1 2>"$dir/err"
rc=$?
check "--charlm naming a tagger model: exit 1 (got $rc; $(tail -1 "$dir/err"))" \
  "[ $rc -eq 1 ] && grep -qF \"$dir/m.bin: is a model, expected a charlm\" '$dir/err'"

# Bad input: exit 1, one error line naming the file and line, no output written.
bad() { refuses "$1" "$2" out "$P" charlm --input "$dir/$1" --output "$dir/out.charlm" "${opts[@]}"; }  # NAME WANT
: >"$dir/empty.txt"
bad empty.txt "error: $dir/empty.txt:1: no words (the file is empty)"
printf 'Colon cancer .\n' | gzip >"$dir/text.gz"
bad text.gz "error: $dir/text.gz:1: invalid UTF-8 at byte column 2 (byte 0x8B)"
printf 'Colon cancer .\nbad \xff byte\n' >"$dir/latin.txt"
bad latin.txt "error: $dir/latin.txt:2: invalid UTF-8 at byte column 5 (byte 0xFF)"
head -3 "$dir/text.txt" >"$dir/short.txt"
bad short.txt "but --streams 8 x --bptt 50 needs at least 401 (fewer streams or a shorter --bptt)"
"$P" charlm --input "$dir/text.txt" --output "$dir/text.txt" "${opts[@]}" 2>"$dir/err"
check "output over the input: exit 2" "[ $? -eq 2 ] && grep -q 'is the same file as --input' '$dir/err'"
"$P" charlm --input "$dir/text.txt" --output "$dir/x.charlm" --hidden 0 2>"$dir/err"
rc=$?
check "--hidden 0: exit 2 (got $rc)" "[ $rc -eq 2 ] && grep -qF -- '--hidden: expected a positive integer' '$dir/err'"
exit $fail
