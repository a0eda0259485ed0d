#!/usr/bin/env bash
# medner-pretrain vectors end to end on 3,000 lines of the bundled NCBI-disease training text:
# the .vec trains a tagger (medner-train --embeddings reads it), --neighbours answers for a word
# in the vocabulary and one outside it, the same seed and threads give the same files, a run
# killed with SIGKILL resumes from its last epoch to the uninterrupted run's files, and bad input
# is one error line with no output file.
source "$(dirname "$0")/lib/common.sh" "$@"
P="$bin/medner-pretrain"

# Sentences of the training file as lines of tokens.
awk -F'\t' 'NF >= 2 { printf "%s%s", (n++ ? " " : ""), $1 } NF < 2 && n { print ""; n = 0 }' \
  data/ncbi-disease/train.tsv | head -3000 >"$dir/text.txt"
opts=(--dim 20 --epochs 2 --min-count 2 --buckets 5000 --threads 2 --seed 3)
"$P" vectors --input "$dir/text.txt" --output "$dir/a" "${opts[@]}" 2>"$dir/a.err"
check "pretrain exit 0" "[ $? -eq 0 ]"
check "one line per epoch" "[ $(grep -c '^epoch ' "$dir/a.err") -eq 2 ]"
"$P" vectors --input "$dir/text.txt" --output "$dir/b" "${opts[@]}" 2>/dev/null
check "same seed and threads, same files" "cmp -s '$dir/a.vec' '$dir/b.vec' && cmp -s '$dir/a.bin' '$dir/b.bin'"
check "a finished run leaves no checkpoint" "[ ! -e '$dir/a.ckpt' ]"
# Killed by SIGKILL in epoch 2 (the checkpoint holds epoch 1), then resumed: the same files.
MEDNER_FAULT=step:4 "$P" vectors --input "$dir/text.txt" --output "$dir/k" "${opts[@]}" 2>/dev/null
rc=$?
check "killed by SIGKILL (exit $rc)" "[ $rc -eq 137 ]"
check "a checkpoint and no vectors after the kill" "[ -s '$dir/k.ckpt' ] && [ ! -e '$dir/k.vec' ] && [ ! -e '$dir/k.bin' ]"
"$P" vectors --input "$dir/text.txt" --output "$dir/k" "${opts[@]}" --resume 2>"$dir/k.err"
check "resumed exit 0 ($(tail -c 300 "$dir/k.err"))" "[ $? -eq 0 ]"
check "resumed: only epoch 2 runs" "[ \$(grep -c '^epoch ' '$dir/k.err') -eq 1 ] && grep -q '^epoch 2 of 2' '$dir/k.err'"
check "resumed run ends with the uninterrupted run's files" "cmp -s '$dir/a.vec' '$dir/k.vec' && cmp -s '$dir/a.bin' '$dir/k.bin'"
check "and removes its checkpoint" "[ ! -e '$dir/k.ckpt' ]"
MEDNER_FAULT=step:4 "$P" vectors --input "$dir/text.txt" --output "$dir/o" "${opts[@]}" 2>/dev/null
"$P" vectors --input "$dir/text.txt" --output "$dir/o" "${opts[@]}" --window 3 --resume 2>"$dir/err"
rc=$?
check "resume with other options: exit 1 (got $rc), named ($(cat "$dir/err"))" \
  "[ $rc -eq 1 ] && grep -qF 'the checkpoint was written with window = 5, this run has 3' '$dir/err'"
head -2000 "$dir/text.txt" >"$dir/short.txt"
"$P" vectors --input "$dir/short.txt" --output "$dir/o" "${opts[@]}" --resume 2>"$dir/err"
rc=$?
check "resume on other text: exit 1 (got $rc), named ($(cat "$dir/err"))" \
  "[ $rc -eq 1 ] && grep -qF 'the checkpoint was written with words = ' '$dir/err' && [ ! -e '$dir/o.vec' ]"
"$P" vectors --input "$dir/text.txt" --output "$dir/n" "${opts[@]}" --resume 2>/dev/null
check "--resume without a checkpoint starts afresh" "cmp -s '$dir/a.vec' '$dir/n.vec'"
"$P" vectors --vectors "$dir/a.bin" --neighbours cancer,cancerous-like --top 3 >"$dir/nb.txt"
check "neighbours exit 0" "[ $? -eq 0 ]"
check "neighbours: 3 per word, the unseen one from its n-grams" \
  "[ $(grep -c '^  ' "$dir/nb.txt") -eq 6 ] && grep -q '^cancerous-like (not in the vocabulary' '$dir/nb.txt'"
awk -v RS= 'NR <= 40' data/ncbi-disease/train.tsv >"$dir/train.tsv"
"$bin/medner-train" --train "$dir/train.tsv" --dev "$dir/train.tsv" --model "$dir/m.bin" --embeddings "$dir/a.vec" \
  --word-dim 20 --hidden 8 --char-hidden 4 --char-dim 4 --casing-dim 2 --max-epochs 1 --threads 1 >/dev/null 2>"$dir/t.err"
check "medner-train reads the .vec ($(tail -c 200 "$dir/t.err"))" "[ $? -eq 0 ]"
# The .bin as --embeddings: the model keeps the subword model, for words no vocabulary holds
# (model/unknown_word_vectors.h); a killed run resumes with it to the uninterrupted run's model.
T=(--train "$dir/train.tsv" --dev "$dir/train.tsv" --embeddings "$dir/a.bin" --word-dim 20 --hidden 8 --char-hidden 4
   --char-dim 4 --casing-dim 2 --max-epochs 2 --threads 1)
"$bin/medner-train" "${T[@]}" --model "$dir/s.bin" >/dev/null 2>"$dir/t.err"
check "medner-train reads the .bin ($(tail -c 200 "$dir/t.err"))" \
  "[ $? -eq 0 ] && grep -q 'a.bin kept in the model (5000 buckets' '$dir/t.err'"
"$bin/medner-eval" --info "$dir/s.bin" --format json >"$dir/info.json"
check "--info gives the subword vectors" "python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))[\"subword_vectors\"]; \
assert (s[\"buckets\"], s[\"dim\"], s[\"offset\"], s[\"minn\"], s[\"maxn\"]) == (5000, 20, 0, 3, 6), s' '$dir/info.json'"
MEDNER_FAULT=step:3 "$bin/medner-train" "${T[@]}" --model "$dir/sk.bin" >/dev/null 2>&1
"$bin/medner-train" "${T[@]}" --model "$dir/sk.bin" --resume >/dev/null 2>"$dir/err"
check "killed and resumed with the .bin: the uninterrupted model" "grep -q '^resuming from' '$dir/err' && cmp -s '$dir/s.bin' '$dir/sk.bin'"
printf 'Hypercancerousness of the colonoscopically-seen tumours .\n' >"$dir/new.txt"
"$bin/medner-tag" --model "$dir/s.bin" --input "$dir/new.txt" --output-format conll --threads 1 >"$dir/new.conll" 2>"$dir/err"
check "the model with subword vectors tags new words ($(cat "$dir/err"))" "[ $? -eq 0 ] && [ \$(grep -c . '$dir/new.conll') -eq 8 ]"
"$bin/medner-train" "${T[@]}" --embeddings "$dir/a.bin,$dir/b.bin" --word-dim 40 --model "$dir/x.bin" >/dev/null 2>"$dir/err"
check "two .bin files are refused ($(tail -1 "$dir/err"))" "grep -qF 'are both subword models' '$dir/err' && [ ! -e '$dir/x.bin' ]"

# Bad input: exit 1, one error line naming the file and line, no output written.
bad() { refuses "$1" "$2" out "$P" vectors --input "$dir/$1" --output "$dir/out" "${opts[@]}"; }  # NAME WANT
: >"$dir/empty.txt"
bad empty.txt "error: $dir/empty.txt:1: no words (the file is empty)"
printf 'Colon cancer .\n' | gzip >"$dir/text.gz"
bad text.gz "error: $dir/text.gz:1: invalid UTF-8 at byte column 2 (byte 0x8B)"
printf 'a b c\n' >"$dir/few.txt"
bad few.txt "error: $dir/few.txt: no word occurs at least 2 times (--min-count)"
bad none.txt "error: $dir/none.txt: cannot open: No such file or directory"
"$P" train >/dev/null 2>&1
check "usage: exit 2 for an unknown command" "[ $? -eq 2 ]"
"$P" vectors --input "$dir/text.txt" --output "$dir/x" --minn 5 --maxn 3 2>"$dir/err"
check "--minn > --maxn: exit 2" "[ $? -eq 2 ] && grep -q -- '--minn must not exceed --maxn' '$dir/err'"
cp "$dir/text.txt" "$dir/t2.vec"
"$P" vectors --input "$dir/t2.vec" --output "$dir/t2" "${opts[@]}" 2>"$dir/err"
check "output over the input: exit 2" "[ $? -eq 2 ] && grep -q 'is the same file as --input' '$dir/err'"
check "the input intact" "cmp -s '$dir/text.txt' '$dir/t2.vec'"
exit $fail
