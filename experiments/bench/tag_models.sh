#!/usr/bin/env bash
# Tagging speed and peak memory of several models side by side, in one run: medner-tag on the same
# tokenized sentences (a CoNLL file, `--input-format conll`), on the same thread count, each
# model timed `REPEAT` times (the best wall time is reported) with its peak resident memory from
# /usr/bin/time. Prints tokens/s per thread, the ratio to the first model, and the peak RSS. Used
# for the character language model's cost (docs/pretraining.md): a model without it first, then
# models trained with --charlm of each size.
#
# usage: experiments/bench/tag_models.sh BIN_DIR CONLL THREADS REPEAT MODEL [MODEL...]
#   e.g. experiments/bench/tag_models.sh build/release/apps data/bc5cdr/test.tsv 1 3 models/bc5cdr.bin M.bin
set -euo pipefail
bin=$1 text=$2 threads=$3 repeat=$4
shift 4
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found: apt-get install time" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tokens=$(grep -c . "$text")
echo "input: $text, $tokens tokens; --threads $threads; best of $repeat"
printf '%-40s %12s %8s %12s\n' model tokens/s ratio "peak RSS MB"
first=""
for model in "$@"; do
  best=""
  rss=0
  for ((r = 0; r < repeat; ++r)); do
    /usr/bin/time -f '%e %M' -o "$dir/time" "$bin/medner-tag" --model "$model" --input "$text" \
      --input-format conll --output-format conll --threads "$threads" >"$dir/out" 2>"$dir/err" ||
      { echo "$model failed:"; tail -5 "$dir/err"; exit 1; }
    read -r wall kb <"$dir/time"
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  speed=$(awk -v t="$tokens" -v w="$best" -v n="$threads" 'BEGIN { printf "%.0f", t / w / n }')
  [ -z "$first" ] && first=$speed
  awk -v m="$model" -v s="$speed" -v f="$first" -v k="$rss" \
    'BEGIN { printf "%-40s %12d %8.3f %12.1f\n", m, s, s / f, k / 1024 }'
done
