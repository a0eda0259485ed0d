#!/usr/bin/env bash
# medner-pretrain vectors against Debian's fasttext (apt-get install fasttext) on the same text and
# settings, side by side in one run: skip-gram, 100 dimensions, window 5, 5 negatives, 1e-4
# subsampling, min count 5, character n-grams 3-6 hashed into 200,000 rows, learning rate 0.05.
# Prints each tool's wall time and words/s per thread (tokens of the text x epochs / wall time /
# threads, vocabulary reading included for both) and their ratio.
#
# usage: experiments/bench/pretrain_vs_fasttext.sh BIN_DIR TEXT [TOKENS] [EPOCHS] [THREADS]
#   TOKENS: use the first lines of TEXT holding about this many tokens (default: all)
set -euo pipefail
bin=$1 text=$2 tokens=${3:-0} epochs=${4:-1} threads=${5:-1}
command -v fasttext >/dev/null || { echo "fasttext not found: apt-get install fasttext" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [ "$tokens" -gt 0 ]; then
  awk -v max="$tokens" '{ n += NF; print } n >= max { exit }' "$text" >"$dir/text.txt"
else
  cp "$text" "$dir/text.txt"
fi
words=$(wc -w <"$dir/text.txt")
run() {  # name, command...
  local name=$1; shift
  local start end
  start=$(date +%s.%N)
  "$@" >"$dir/$name.log" 2>&1 || { echo "$name failed:"; tail -5 "$dir/$name.log"; exit 1; }
  end=$(date +%s.%N)
  awk -v n="$name" -v s="$start" -v e="$end" -v w="$words" -v ep="$epochs" -v t="$threads" \
    'BEGIN { printf "%-16s %8.1f s  %10.0f words/s/thread\n", n, e - s, w * ep / (e - s) / t }'
  echo "$end - $start" | bc >"$dir/$name.time"
}
echo "text: $words tokens, $epochs epoch(s), $threads thread(s)"
run medner-pretrain "$bin/medner-pretrain" vectors --input "$dir/text.txt" --output "$dir/medner" --dim 100 \
  --window 5 --negatives 5 --epochs "$epochs" --lr 0.05 --sample 1e-4 --min-count 5 --minn 3 --maxn 6 \
  --buckets 200000 --threads "$threads" --seed 1
run fasttext fasttext skipgram -input "$dir/text.txt" -output "$dir/fasttext" -dim 100 -ws 5 -neg 5 \
  -epoch "$epochs" -lr 0.05 -t 1e-4 -minCount 5 -minn 3 -maxn 6 -bucket 200000 -thread "$threads" -verbose 1
awk -v a="$(cat "$dir/medner-pretrain.time")" -v b="$(cat "$dir/fasttext.time")" \
  'BEGIN { printf "medner-pretrain speed / fasttext speed: %.2f\n", b / a }'
for w in cancer tumour cisplatin; do
  echo "nearest to $w (medner-pretrain): $("$bin/medner-pretrain" vectors --vectors "$dir/medner.bin" --neighbours "$w" --top 5 2>/dev/null | tail -n +2 | awk '{ printf "%s (%s) ", $2, $1 }')"
done
