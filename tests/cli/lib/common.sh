# Sourced by the end-to-end tests of tests/cli (`source "$(dirname "$0")/lib/common.sh" "$@"`):
# BIN_DIR as $bin, a temporary folder $dir removed at exit, and `check WHAT CONDITION`, which
# prints "FAIL: WHAT" and sets $fail when the condition (a shell expression) is false; a test
# ends with `exit $fail`.
set -u
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; fi; }

# `refuses NAME WANT OUT command...`: the command must refuse bad input with exit 1, an error
# containing WANT, and no file in $dir whose name begins with OUT.
refuses() {
  local name=$1 want=$2 out=$3
  shift 3
  "$@" >/dev/null 2>"$dir/err"
  local rc=$?
  check "$name: exit 1 (got $rc)" "[ $rc -eq 1 ]"
  check "$name: '$(tail -c 200 "$dir/err")'" "grep -qF -- '$want' '$dir/err'"
  check "$name: no output" "! ls '$dir' | grep -q '^$out'"
}

# A tiny model that overfits the first 60 sentences of NCBI-disease's training file
# ($dir/train.tsv) into $dir/m.bin, in a few seconds; the test stops if training fails.
train_tiny_model() {
  awk -v RS= -v ORS='\n\n' 'NR <= 60' data/ncbi-disease/train.tsv > "$dir/train.tsv"
  "$bin/medner-train" --train "$dir/train.tsv" --dev "$dir/train.tsv" --model "$dir/m.bin" \
    --word-dim 16 --casing-dim 4 --char-dim 8 --char-hidden 8 --hidden 16 --dropout 0 \
    --singleton-unk 0 --lr 0.02 --lr-decay 0 --batch-size 8 --max-epochs 25 --patience 25 \
    --threads 1 2>"$dir/train.log" || { echo "FAIL: training"; cat "$dir/train.log"; exit 1; }
}
