#!/usr/bin/env bash
# End-to-end checks of medner-eval: golden reports through the executable, the --gold/--pred
# mode, valid JSON, --stats, --train (seen/unseen split), exit codes 0/1/2 and one-line "error: path:line: ..." messages.
# Usage (from the repository root): bash tests/cli/eval_cli.sh BIN_DIR
set -u
BIN="${1:?usage: eval_cli.sh BIN_DIR}/medner-eval"
GOLDEN=tests/golden/eval
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_rc RC ARGS...: run medner-eval, check the exit code; stdout/stderr kept in $TMP/out, err.
expect_rc() {
  local want=$1
  shift
  "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  [ "$rc" -eq "$want" ] || fail "medner-eval $* exited $rc, expected $want (stderr: $(head -c 300 "$TMP/err"))"
}

# expect_error RC PREFIX ARGS...: exit code RC and exactly one stderr line starting with PREFIX.
expect_error() {
  local want=$1 prefix=$2
  shift 2
  expect_rc "$want" "$@"
  local lines
  lines=$(wc -l <"$TMP/err")
  [ "$lines" -eq 1 ] || fail "medner-eval $*: expected one stderr line, got $lines: $(cat "$TMP/err")"
  case "$(cat "$TMP/err")" in
    "$prefix"*) ;;
    *) fail "medner-eval $*: stderr '$(cat "$TMP/err")' does not start with '$prefix'" ;;
  esac
  [ ! -s "$TMP/out" ] || fail "medner-eval $*: printed to stdout on error"
}

json_ok() {  # file holds valid JSON
  if command -v python3 >/dev/null; then
    python3 -c 'import json,sys; json.load(sys.stdin)' <"$1" 2>/dev/null || fail "invalid JSON: $(head -c 300 "$1")"
  else
    echo "note: python3 not found, JSON validity not checked"
  fi
}

[ -x "$BIN" ] || { echo "FAIL: $BIN not found"; exit 1; }

# --- golden reports, text and markdown, through the executable ---
# --report conlleval prints conlleval's report alone; the default (all) prints it byte for byte
# first, then a blank line and the classification report.
starts_with() {  # file $1 begins with the bytes of file $2
  cmp -s <(head -c "$(wc -c <"$2")" "$1") "$2"
}
for input in "$GOLDEN"/*.in; do
  name=${input%.in}
  expect_rc 0 --pred "$input" --report conlleval
  cmp -s "$TMP/out" "$name.text" || fail "text report of $input differs from $name.text"
  expect_rc 0 --pred "$input"
  starts_with "$TMP/out" "$name.text" || fail "default text report of $input does not start with $name.text"
  tail -c +"$(($(wc -c <"$name.text") + 1))" "$TMP/out" | head -2 | grep -qx "classification report.*" ||
    fail "default text report of $input: no classification report after conlleval's lines"
  expect_rc 0 --pred "$input" --format markdown --report conlleval
  cmp -s "$TMP/out" "$name.md" || fail "markdown report of $input differs from $name.md"
  expect_rc 0 --pred "$input" --format markdown
  starts_with "$TMP/out" "$name.md" || fail "default markdown report of $input does not start with $name.md"
  expect_rc 0 --pred "$input" --format json
  json_ok "$TMP/out"
done

# stdin as '-'
"$BIN" --pred - --report conlleval <"$GOLDEN/type_switch.in" >"$TMP/out" 2>"$TMP/err" || fail "--pred - exited non-zero"
cmp -s "$TMP/out" "$GOLDEN/type_switch.text" || fail "--pred - (stdin) report differs"

# --- --gold GOLD --pred PRED gives the same report as the conlleval-format file ---
for case in type_switch chunk_at_sentence_end iobes; do
  awk 'NF == 0 { print ""; next } { print $1 "\t" $(NF-1) }' "$GOLDEN/$case.in" >"$TMP/gold.tsv"
  awk 'NF == 0 { print ""; next } { print $1 "\t" $NF }' "$GOLDEN/$case.in" >"$TMP/pred.tsv"
  expect_rc 0 --gold "$TMP/gold.tsv" --pred "$TMP/pred.tsv" --report conlleval
  cmp -s "$TMP/out" "$GOLDEN/$case.text" || fail "--gold/--pred report for $case differs"
done

# --- --stats ---
expect_rc 0 --stats data/ncbi-disease/devel.tsv data/ncbi-disease/test.tsv
grep -q '^  sentences          923$' "$TMP/out" || fail "--stats: ncbi-disease/devel.tsv should have 923 sentences"
grep -q '^    Disease          960$' "$TMP/out" || fail "--stats: ncbi-disease/test.tsv should have 960 Disease chunks"
expect_rc 0 --stats --format json data/ncbi-disease/devel.tsv data/bc5cdr/devel.tsv
json_ok "$TMP/out"
# data/README.md pastes this command's output; it must still be what the command prints.
expect_rc 0 --stats --format markdown data/bc5cdr/train.tsv data/bc5cdr/devel.tsv \
  data/bc5cdr/test.tsv data/ncbi-disease/train.tsv data/ncbi-disease/devel.tsv data/ncbi-disease/test.tsv
while IFS= read -r line; do
  grep -qxF -- "$line" data/README.md || fail "data/README.md lacks the --stats line: $line"
done <"$TMP/out"
expect_rc 0 --help
grep -q -- '--pred' "$TMP/out" || fail "--help does not list --pred"

# --- --train: the scores split into mentions seen / unseen in a training file ---
# train: "lung cancer" Disease; gold: "Lung Cancer" (seen, found) and "asthma" (unseen, missed).
printf 'lung\tB-Disease\ncancer\tI-Disease\n\n' >"$TMP/train.tsv"
printf 'Lung B-Disease B-Disease\nCancer I-Disease I-Disease\nand O O\nasthma B-Disease O\n\n' >"$TMP/novel.txt"
expect_rc 0 --pred "$TMP/novel.txt" --train "$TMP/train.tsv"
grep -qxF "mentions seen in training ($TMP/train.tsv: 1 distinct) and unseen:" "$TMP/out" ||
  fail "--train: no header line: $(cat "$TMP/out")"
grep -qxF '             seen: gold 1 (50.00%); precision: 100.00%; recall: 100.00%; FB1: 100.00  1' "$TMP/out" ||
  fail "--train: wrong 'seen' line: $(cat "$TMP/out")"
grep -qxF '           unseen: gold 1 (50.00%); precision:   0.00%; recall:   0.00%; FB1:   0.00  0' "$TMP/out" ||
  fail "--train: wrong 'unseen' line: $(cat "$TMP/out")"
expect_rc 0 --pred "$TMP/novel.txt" --train "$TMP/train.tsv" --format json
json_ok "$TMP/out"
grep -q '"novelty"' "$TMP/out" || fail "--train --format json: no novelty member"
expect_error 1 "error: $TMP/no-train.tsv: cannot open" --pred "$TMP/novel.txt" --train "$TMP/no-train.tsv"

# --- the classification report: seqeval-style tables, partial match, token level, --errors ---
# The example of tests/eval/classification_test.cpp: three types, adjacent gold mentions merged
# by the prediction, a prediction inside a gold mention, a type error.
cat >"$TMP/example.txt" <<'EOF'
BRCA1 B-Gene B-Gene
mutations O O
cause O O
breast B-Disease O
cancer I-Disease B-Disease
. O O

TP53 B-Gene B-Gene
MDM2 B-Gene I-Gene
binding O O
in O O
lymphoma B-Disease B-Disease

aspirin B-Chemical B-Disease
induced O O
asthma B-Disease B-Disease

renal B-Disease B-Disease
failure I-Disease B-Disease
nephropathy B-Disease I-Disease
EOF
expect_rc 0 --pred "$TMP/example.txt"
for line in '   micro avg     0.3750    0.3333    0.3529         9         8         3' \
  'weighted avg     0.3519    0.3333    0.3354         9         8         3' \
  '   micro avg     0.8750    0.7778    0.8235         9         8         7' \
  '      tokens     0.9000    0.8182    0.8571        11        10         9'; do
  grep -qxF -- "$line" "$TMP/out" || fail "classification report lacks the line '$line': $(cat "$TMP/out")"
done

# Entity-level (exact) and token-level F1 of the JSON report against a computation written here,
# on the example and on a perturbed copy of a bundled corpus (kept IOB2, so the chunker below
# applies: an I- after O or another type becomes B-).
awk 'BEGIN { srand(3) }
     NF == 0 { print ""; prev = "O"; next }
     { t = $2; r = rand()
       if (r < 0.05) t = "O"; else if (r < 0.08) t = "B-Disease"; else if (r < 0.1 && t != "O") t = "I-Disease"
       if (t ~ /^I-/ && prev != "B-" substr(t, 3) && prev != t) t = "B-" substr(t, 3)
       prev = t; print $1 " " $2 " " t }' data/ncbi-disease/devel.tsv >"$TMP/perturbed.txt"
for file in "$TMP/example.txt" "$TMP/perturbed.txt"; do
  expect_rc 0 --pred "$file" --format json
  json_ok "$TMP/out"
  python3 - "$file" "$TMP/out" <<'PY' || fail "JSON scores of $file differ from the independent computation"
import json, sys
sentences, cur = [], []
for line in open(sys.argv[1], encoding="utf-8").read().split("\n") + [""]:
    if line.split(): cur.append(line.split())
    elif cur: sentences.append(cur); cur = []
def chunks(tags):
    out, i = set(), 0
    while i < len(tags):
        if tags[i] == "O": i += 1; continue
        t, j = tags[i][2:], i + 1
        while j < len(tags) and tags[j] == "I-" + t: j += 1
        out.add((i, j, t)); i = j
    return out
gold = pred = correct = tg = tp = tc = 0
for s in sentences:
    g, p = [r[-2] for r in s], [r[-1] for r in s]
    cg, cp = chunks(g), chunks(p)
    gold += len(cg); pred += len(cp); correct += len(cg & cp)
    for a, b in zip(g, p):
        tg += a != "O"; tp += b != "O"; tc += a != "O" and b != "O" and a[2:] == b[2:]
f1 = lambda c, g, p: 200.0 * c / (g + p) if g + p else 0.0
report = json.load(open(sys.argv[2]))
exact, token = report["classification"]["exact"]["micro"], report["classification"]["token"]
ok = (exact["support"], exact["predicted"], exact["correct"]) == (gold, pred, correct)
ok = ok and abs(exact["f1"] - f1(correct, gold, pred)) < 1e-9 and abs(report["overall"]["f1"] - exact["f1"]) < 1e-9
ok = ok and (token["support"], token["predicted"], token["correct"]) == (tg, tp, tc)
ok = ok and abs(token["f1"] - f1(tc, tg, tp)) < 1e-9
if not ok:
    print("exact", exact, (gold, pred, correct), "token", token, (tg, tp, tc))
sys.exit(0 if ok else 1)
PY
done

# --errors FILE: every false positive and negative, by type and seen / unseen (--train).
printf 'Breast\tB-Disease\ncancer\tI-Disease\nTP53\tB-Gene\n\n' >"$TMP/ex-train.tsv"
expect_rc 0 --pred "$TMP/example.txt" --train "$TMP/ex-train.tsv" --errors "$TMP/errors.txt"
grep -qxF 'Gene unseen: 1 false positive, 1 false negative' "$TMP/errors.txt" ||
  fail "--errors: no 'Gene unseen' group: $(cat "$TMP/errors.txt")"
grep -qxF "FP $TMP/example.txt:8 \"TP53 MDM2\" (gold there: Gene \"TP53\", Gene \"MDM2\")" "$TMP/errors.txt" ||
  fail "--errors: the merged adjacent genes are not listed: $(cat "$TMP/errors.txt")"
{ [ "$(grep -c '^FP ' "$TMP/errors.txt")" -eq 5 ] && [ "$(grep -c '^FN ' "$TMP/errors.txt")" -eq 6 ]; } ||
  fail "--errors: expected 5 FP and 6 FN lines: $(cat "$TMP/errors.txt")"
expect_rc 0 --pred "$TMP/example.txt" --errors "$TMP/errors.json" --format json
json_ok "$TMP/errors.json"
grep -q '"mentions": "all"' "$TMP/errors.json" || fail "--errors without --train: groups are not 'all'"
expect_error 1 "error: $TMP/no-dir/errors.txt: cannot" --pred "$TMP/example.txt" --errors "$TMP/no-dir/errors.txt"
# ... found before the input is read: the message is about the --errors file, not the missing input
expect_error 1 "error: $TMP/no-dir/errors.txt: cannot" --pred "$TMP/missing.txt" --errors "$TMP/no-dir/errors.txt"
expect_error 2 "error: --errors needs a file name" --pred "$TMP/example.txt" --errors -
printf 'a\tO\n' >"$TMP/one.tsv"
expect_error 2 "error: --errors and --report go with scoring" --stats "$TMP/one.tsv" --errors "$TMP/e.txt"
expect_error 2 "error: --report: " --pred "$TMP/example.txt" --report seqeval

# --- bad input: exit 1, one line "error: path:line: ..." ---
printf 'a\tO\nlonely\n' >"$TMP/onecol.tsv"
expect_error 1 "error: $TMP/onecol.tsv:2: expected 2 columns (token, tag), got 1" --stats "$TMP/onecol.tsv"
printf 'a\tO\nb\tB_X\n' >"$TMP/badtag.tsv"
expect_error 1 "error: $TMP/badtag.tsv:2: invalid tag 'B_X'" --stats "$TMP/badtag.tsv"
printf 'a O O\nb\377 O O\n' >"$TMP/utf8.txt"
expect_error 1 "error: $TMP/utf8.txt:2: invalid UTF-8 at byte column 2" --pred "$TMP/utf8.txt"
expect_error 1 "error: $TMP/utf8.txt:2: invalid UTF-8" --pred "$TMP/utf8.txt" --errors "$TMP/never.txt"
[ -z "$(ls "$TMP" | grep never)" ] || fail "--errors: a failed run left $(ls "$TMP" | grep never)"
printf 'a O O\nb\000 O O\n' >"$TMP/nul.txt"
expect_error 1 "error: $TMP/nul.txt:2: NUL byte at byte column 2" --pred "$TMP/nul.txt"
: >"$TMP/empty.txt"
expect_error 1 "error: $TMP/empty.txt:1: no sentences" --pred "$TMP/empty.txt"
printf '\n\n' >"$TMP/blank.tsv"
expect_error 1 "error: $TMP/blank.tsv:2: no sentences" --stats "$TMP/blank.tsv"
printf 'a B-X B-X\nb O\n' >"$TMP/twocol.txt"
expect_error 1 "error: $TMP/twocol.txt:2: expected at least 3 columns" --pred "$TMP/twocol.txt"
printf 'a x B-X B-X\nb O O\n' >"$TMP/cols.txt"
expect_error 1 "error: $TMP/cols.txt:2: expected 4 columns as on line 1, found 3" --pred "$TMP/cols.txt"
expect_error 1 "error: $TMP/missing.txt: cannot open" --pred "$TMP/missing.txt"
expect_error 1 "error: $TMP: cannot read: is a directory" --pred "$TMP"
printf 'a\tO\nb\tO\n' >"$TMP/g.tsv"
printf 'a\tO\nc\tO\n' >"$TMP/p.tsv"
expect_error 1 "error: $TMP/g.tsv:2: token 'b' differs from token 'c' at $TMP/p.tsv:2" \
  --gold "$TMP/g.tsv" --pred "$TMP/p.tsv"
head -c 3000000 /dev/zero | tr '\0' 'x' >"$TMP/huge.txt"
expect_error 1 "error: $TMP/huge.txt:1: expected at least 3 columns" --pred "$TMP/huge.txt"
[ "$(wc -c <"$TMP/err")" -lt 300 ] || fail "error message for a 3 MB line is not cut short"

# --- usage errors: exit 2 ---
expect_error 2 "error: nothing to do" 
expect_error 2 "error: " --no-such-option
expect_error 2 "error: --format: unknown report format 'xml'" --pred "$GOLDEN/iobes.in" --format xml
expect_error 2 "error: --stats needs at least one FILE" --stats
expect_error 2 "error: --gold needs --pred PRED" --gold "$TMP/g.tsv"
expect_error 2 "error: --stats cannot be combined" --stats --pred "$TMP/g.tsv" "$TMP/g.tsv"
expect_error 2 "error: unexpected argument" "$TMP/g.tsv"
expect_error 2 "error: --train goes with scoring" --stats "$TMP/g.tsv" --train "$TMP/g.tsv"
expect_error 2 "error: --train and another input cannot both be '-'" --pred - --train -

if [ "$failures" -ne 0 ]; then
  echo "eval_cli: $failures failure(s)"
  exit 1
fi
echo "eval_cli: all checks passed"
