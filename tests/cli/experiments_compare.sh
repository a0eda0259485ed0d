#!/usr/bin/env bash
# medner-eval --compare end to end: identical systems give difference 0 and p = 1; a clearly
# better system gets a small p with both methods; CoNLL and conlleval-format inputs give the same
# answer; the seed makes the output reproducible; F1s equal the plain scorer's; bad input and
# usage errors exit 1 / 2 with one line.
# Usage (from the repository root): bash tests/cli/experiments_compare.sh BIN_DIR
set -u
BIN="${1:?usage: experiments_compare.sh BIN_DIR}/medner-eval"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
[ -x "$BIN" ] || { echo "FAIL: $BIN not found"; exit 1; }
command -v python3 >/dev/null || { echo "FAIL: python3 is needed to read the JSON reports"; exit 1; }

# 40 sentences "w<i> has a disease ." with a Disease chunk on tokens 3-4. System A finds every
# chunk; system B finds 22 of them (misses every third, types every fifth as Chemical).
python3 - "$TMP" <<'EOF'
import sys
d = sys.argv[1]
gold, a, b, a_eval, b_eval = [], [], [], [], []
for i in range(40):
    toks = [f"w{i}", "has", "a", "disease", "."]
    g = ["O", "O", "B-Disease", "I-Disease", "O"]
    pb = list(g)
    if i % 3 == 0:
        pb = ["O"] * 5
    elif i % 5 == 0:
        pb = ["O", "O", "B-Chemical", "I-Chemical", "O"]
    for t, x, y in zip(toks, g, pb):
        gold.append(f"{t}\t{x}"); a.append(f"{t}\t{x}"); b.append(f"{t}\t{y}")
        a_eval.append(f"{t} {x} {x}"); b_eval.append(f"{t} {x} {y}")
    for lst in (gold, a, b, a_eval, b_eval):
        lst.append("")
for name, lst in (("gold.tsv", gold), ("a.tsv", a), ("b.tsv", b), ("a.pred", a_eval), ("b.pred", b_eval)):
    open(f"{d}/{name}", "w").write("\n".join(lst) + "\n")
EOF

field() {  # field FILE KEY.KEY: a number of a JSON report, printed as a Python float
  python3 -c 'import json, sys; v = json.load(open(sys.argv[1])); [v := v[k] for k in sys.argv[2].split(".")]; print(float(v))' "$1" "$2"
}

# Identical systems: difference 0, p = 1, with both methods.
for method in bootstrap randomization; do
  "$BIN" --compare "$TMP/a.tsv" "$TMP/a.tsv" --gold "$TMP/gold.tsv" --method "$method" --samples 300 --format json >"$TMP/same.json" ||
    fail "--compare A A ($method) exited $?"
  [ "$(field "$TMP/same.json" difference)" = "0.0" ] || fail "$method: identical systems differ: $(field "$TMP/same.json" difference)"
  [ "$(field "$TMP/same.json" p_value)" = "1.0" ] || fail "$method: identical systems p = $(field "$TMP/same.json" p_value)"
done
"$BIN" --compare "$TMP/a.tsv" "$TMP/a.tsv" --gold "$TMP/gold.tsv" --samples 200 >"$TMP/same.txt" || fail "text report exited $?"
grep -q "^F1(B) - F1(A): +0.00" "$TMP/same.txt" || fail "text report: $(cat "$TMP/same.txt")"
grep -q "^p = 1.0000 (two-sided; 200 of 200 samples at least as extreme)" "$TMP/same.txt" || fail "text p: $(cat "$TMP/same.txt")"

# A clearly better than B: small p, negative difference (B - A), both methods; F1 equal the scorer's.
for method in bootstrap randomization; do
  "$BIN" --compare "$TMP/a.tsv" "$TMP/b.tsv" --gold "$TMP/gold.tsv" --method "$method" --samples 2000 --format json >"$TMP/ab.json" ||
    fail "--compare A B ($method) exited $?"
  python3 - "$TMP/ab.json" "$method" <<'EOF' || fail "$method: A vs B not significant: $(cat "$TMP/ab.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["method"] == sys.argv[2] and r["samples"] == 2000 and r["sentences"] == 40
assert r["a"]["f1"] == 100 and r["b"]["f1"] < 80 and r["difference"] < -20
assert r["p_value"] < 0.01, r["p_value"]
assert (r["interval"] is None) == (sys.argv[2] == "randomization")
EOF
done
"$BIN" --gold "$TMP/gold.tsv" --pred "$TMP/b.tsv" --format json >"$TMP/b_score.json" || fail "plain scoring exited $?"
[ "$(field "$TMP/b_score.json" overall.f1)" = "$(field "$TMP/ab.json" b.f1)" ] || fail "compare's F1 of B differs from the scorer's"

# conlleval-format predictions (what medner-eval --model --out writes), with and without --gold.
"$BIN" --compare "$TMP/a.tsv" "$TMP/b.tsv" --gold "$TMP/gold.tsv" --samples 500 --seed 9 >"$TMP/conll.txt"
"$BIN" --compare "$TMP/a.pred" "$TMP/b.pred" --gold "$TMP/gold.tsv" --samples 500 --seed 9 >"$TMP/pred_gold.txt" || fail "conlleval files with --gold exited $?"
"$BIN" --compare "$TMP/a.pred" "$TMP/b.pred" --samples 500 --seed 9 >"$TMP/pred.txt" || fail "conlleval files without --gold exited $?"
sed 's/\.pred$/.tsv/' "$TMP/pred_gold.txt" | cmp -s - "$TMP/conll.txt" || fail "conlleval input with --gold gives another answer"
sed 's/\.pred$/.tsv/' "$TMP/pred.txt" | cmp -s - "$TMP/conll.txt" || fail "conlleval input without --gold gives another answer"

# The seed fixes the output; another seed is allowed to differ but must still be significant.
"$BIN" --compare "$TMP/a.tsv" "$TMP/b.tsv" --gold "$TMP/gold.tsv" --samples 500 --seed 9 | cmp -s - "$TMP/conll.txt" ||
  fail "same seed, different output"
grep -q "paired bootstrap over 40 sentences, 500 samples, seed 9" "$TMP/conll.txt" || fail "method line: $(cat "$TMP/conll.txt")"

# Bad input: exit 1, one line naming the file and line.
expect_error() {  # expect_error RC PATTERN ARGS...
  local want=$1 pattern=$2
  shift 2
  "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  [ "$rc" -eq "$want" ] || fail "medner-eval $*: exit $rc, expected $want ($(cat "$TMP/err"))"
  [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "medner-eval $*: expected one stderr line: $(cat "$TMP/err")"
  grep -q -- "$pattern" "$TMP/err" || fail "medner-eval $*: '$(cat "$TMP/err")' lacks '$pattern'"
  [ ! -s "$TMP/out" ] || fail "medner-eval $*: printed to stdout on error"
}
sed '1s/^w0/v0/' "$TMP/b.tsv" >"$TMP/b_tok.tsv"
expect_error 1 "^error: .*gold.tsv:1: token 'w0' differs from token 'v0' at .*b_tok.tsv:1" \
  --compare "$TMP/a.tsv" "$TMP/b_tok.tsv" --gold "$TMP/gold.tsv"
sed '3s/ B-Disease / O /' "$TMP/b.pred" >"$TMP/b_gold.pred"
expect_error 1 "^error: .*b_gold.pred:3: gold tag 'O' differs from gold tag 'B-Disease' at .*a.pred:3" \
  --compare "$TMP/a.pred" "$TMP/b_gold.pred"
expect_error 1 "^error: .*a.tsv:1: expected at least 3 columns" --compare "$TMP/a.tsv" "$TMP/b.tsv"
# Usage errors: exit 2.
expect_error 2 "^error: --compare needs two FILEs" --compare "$TMP/a.tsv" --gold "$TMP/gold.tsv"
expect_error 2 "^error: --samples: expected a positive integer" --compare "$TMP/a.tsv" "$TMP/b.tsv" --gold "$TMP/gold.tsv" --samples 0
expect_error 2 "^error: --method: unknown significance method 'welch'" --compare "$TMP/a.tsv" "$TMP/b.tsv" --method welch
expect_error 2 "^error: --method, --samples and --seed go with --compare" --gold "$TMP/gold.tsv" --pred "$TMP/b.tsv" --seed 3
expect_error 2 "^error: --compare takes two FILEs" --compare "$TMP/a.tsv" "$TMP/b.tsv" --pred "$TMP/b.pred"

if [ "$failures" -ne 0 ]; then
  echo "experiments_compare: $failures check(s) failed"
  exit 1
fi
echo "experiments_compare: all checks passed"
