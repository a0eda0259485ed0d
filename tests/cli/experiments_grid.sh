#!/usr/bin/env bash
# End to end: experiments/run on a tiny grid (slices of the bundled corpora, tiny network, 3
# epochs). Checks the per-run JSON results against an independent rescoring of the kept
# predictions, the generated tables against the results, byte-identical regeneration, skipping of
# finished runs, reuse of the same training by another grid, training on train + dev, a corpus folder added to the grid getting its rows, a failing run that does not
# stop the others, stale results after a config change, grid errors, and that the SVG plots parse.
# Usage (from the repository root): bash tests/cli/experiments_grid.sh BIN_DIR
set -u
BIN="${1:?usage: experiments_grid.sh BIN_DIR}"
RUN=experiments/run
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

for tool in medner-train medner-eval; do
  [ -x "$BIN/$tool" ] || { echo "FAIL: $BIN/$tool not found"; exit 1; }
done
command -v python3 >/dev/null || { echo "FAIL: python3 is needed by experiments/run"; exit 1; }

# slice FILE N: the first N sentences of a CoNLL file.
slice() { awk -v n="$2" 'BEGIN { RS = ""; ORS = "\n\n" } NR <= n' "$1"; }
make_corpus() {  # make_corpus DIR SOURCE
  mkdir -p "$1"
  slice "$2/train.tsv" 60 >"$1/train.tsv"
  slice "$2/devel.tsv" 20 >"$1/devel.tsv"
  slice "$2/test.tsv" 25 >"$1/test.tsv"
}
make_corpus "$TMP/corpora/ncbi" data/ncbi-disease
make_corpus "$TMP/corpora/bc5" data/bc5cdr

cat >"$TMP/tiny.conf" <<'EOF'
# tiny network, a few epochs: seconds per run
word-dim = 16
casing-dim = 4
char-dim = 8
char-hidden = 8
hidden = 16
dropout = 0
optimizer = adam
lr = 0.05
batch-size = 10
max-epochs = 3
EOF

write_grid() {  # write_grid CORPUS_LINES EXTRA_VARIANTS
  cat >"$TMP/tiny.grid" <<EOF
# tiny grid of tests/cli/experiments_grid.sh
base = $TMP/tiny.conf
seeds = 2
samples = 500
[corpora]
$1
[variant default]
[variant softmax]
output = softmax
$2
EOF
}
run() { "$RUN" --bin "$BIN" --runs "$TMP/runs" "$@"; }
report() { "$RUN" --report --bin "$BIN" --runs "$TMP/runs" --out "$TMP/doc/results.md" "$TMP/tiny.grid"; }

# --- 1. one corpus, two variants, two seeds ---
write_grid "ncbi = $TMP/corpora/ncbi" ""
run --jobs 2 "$TMP/tiny.grid" >"$TMP/out1" 2>&1 || fail "first run exited $? ($(tail -3 "$TMP/out1"))"
grep -q "^4 runs: 0 finished (skipped), 4 to run" "$TMP/out1" || fail "first run plan: $(head -1 "$TMP/out1")"
for v in default softmax; do
  for s in 1 2; do
    d="$TMP/runs/tiny/ncbi/$v/seed$s"
    [ -s "$d/result.json" ] || fail "$d/result.json missing"
    [ -s "$d/test.pred" ] && [ -s "$d/dev.pred" ] || fail "$d: predictions not kept"
    [ ! -e "$d/model.bin.ckpt" ] || fail "$d: checkpoint left behind"
  done
done

# Each result: fields present and consistent; dev/test scores equal a rescoring of the kept
# predictions by medner-eval --pred (an independent path through the scorer).
python3 - "$TMP/runs/tiny" "$BIN/medner-eval" <<'EOF' || fail "result.json checks"
import glob, json, math, subprocess, sys
root, evaluate = sys.argv[1], sys.argv[2]
paths = sorted(glob.glob(f"{root}/*/*/seed*/result.json"))
assert len(paths) == 4, paths
for p in paths:
    r = json.load(open(p))
    where = p
    for key in ("config", "seed", "best_epoch", "epochs", "dev", "test", "train_seconds",
                "seconds_to_best", "tokens_per_second", "curve", "predictions", "command"):
        assert key in r, f"{where}: no {key}"
    assert r["config"]["seed"] == str(r["seed"]), f"{where}: config seed {r['config']['seed']}"
    assert p.endswith(f"seed{r['seed']}/result.json"), where
    assert r["config"]["max-epochs"] == "3" and r["config"]["hidden"] == "16", where
    assert r["config"]["output"] == ("softmax" if "/softmax/" in p else "crf"), where
    assert 1 <= r["best_epoch"] <= r["epochs"] <= 3, where
    assert len(r["curve"]) == r["epochs"], where
    assert [c["epoch"] for c in r["curve"]] == list(range(1, r["epochs"] + 1)), where
    assert 0 < r["seconds_to_best"] <= r["train_seconds"], where
    assert r["tokens_per_second"] > 0, where
    assert abs(r["dev"]["overall"]["f1"] - r["best_dev_f1_log"]) < 1e-6, \
        f"{where}: dev F1 {r['dev']['overall']['f1']} but the training log says {r['best_dev_f1_log']}"
    assert "Disease" in r["test"]["types"], where
    for split in ("dev", "test"):
        out = subprocess.run([evaluate, "--pred", r["predictions"][split], "--format", "json"],
                             capture_output=True, text=True, check=True).stdout
        again = json.loads(out)["overall"]
        for k in ("precision", "recall", "f1", "gold", "predicted", "correct"):
            assert math.isclose(again[k], r[split]["overall"][k], abs_tol=1e-9), \
                f"{where}: {split} {k} {r[split]['overall'][k]} != rescored {again[k]}"
EOF

# --- 2. the report: tables match the results, plots parse, output is deterministic ---
report >"$TMP/rep1" 2>&1 || fail "report exited $? ($(cat "$TMP/rep1"))"
cp "$TMP/doc/results.md" "$TMP/results1.md"
python3 - "$TMP/runs/tiny" "$TMP/doc/results.md" <<'EOF' || fail "report table checks"
import glob, json, statistics, sys
root, page = sys.argv[1], open(sys.argv[2]).read()
rows = {}
for line in page.splitlines():
    cells = [c.strip() for c in line.strip("|").split("|")]
    if len(cells) == 7 and cells[0] == "ncbi":  # the P/R/F1 table (no published anchors here)
        rows[cells[1]] = cells
assert set(rows) == {"`default`", "`softmax`"}, rows.keys()
f1 = {}
for v in ("default", "softmax"):
    vals = [json.load(open(p))["test"]["overall"]["f1"]
            for p in sorted(glob.glob(f"{root}/ncbi/{v}/seed*/result.json"))]
    f1[v] = vals
    want = f"{statistics.mean(vals):.2f} ± {statistics.stdev(vals):.2f}"
    got = rows[f"`{v}`"][5]
    assert got.startswith(want), f"{v}: table F1 '{got}', results give '{want}'"
    assert rows[f"`{v}`"][2] == "2", rows[f"`{v}`"]
delta = statistics.mean(s - d for s, d in zip(f1["softmax"], f1["default"]))
cell = rows["`softmax`"][6]
assert cell.startswith(f"{delta:+.2f} (") and cell.endswith("/2)"), f"ΔF1 cell '{cell}', want {delta:+.2f}"
assert rows["`default`"][6] == "reference", rows["`default`"]
# seen/unseen table: medner-eval --train's split, cached per run, adds up to the run's test counts
unseen_rows = {c[1]: c for c in (l.strip("|").split("|") for l in page.splitlines())
               if len(c) > 7 and c[0].strip() == "ncbi" and " of " in c[2]}
unseen_rows = {k.strip(): [x.strip() for x in v] for k, v in unseen_rows.items()}
assert set(unseen_rows) == {"`default`", "`softmax`"}, unseen_rows.keys()
for v in ("default", "softmax"):
    splits, overall = [], []
    for p in sorted(glob.glob(f"{root}/ncbi/{v}/seed*/result.json")):
        n = json.load(open(p.replace("result.json", "novelty.json")))["result"]
        t = json.load(open(p))["test"]["overall"]
        for k in ("gold", "predicted", "correct"):
            assert n["seen"][k] + n["unseen"][k] == t[k], (p, k, n, t)
        splits.append(n["unseen"]["f1"])
    want = f"{statistics.mean(splits):.2f} ± {statistics.stdev(splits):.2f}"
    assert unseen_rows[f"`{v}`"][6] == want, (unseen_rows[f"`{v}`"], want)
assert page.count("Seeds 1 2;") == 3 and page.count("Seeds 1 2.") == 1, "every table states its seeds"
assert page.count("Regenerate: `experiments/run ") == 4, "every table states its command"
assert "medner-eval --compare" in page and "paired bootstrap" in page
EOF
ls "$TMP/doc/results/"*.svg >/dev/null 2>&1 || fail "no SVG plots written"
for svg in "$TMP"/doc/results/*.svg; do
  python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); assert r.tag.endswith("svg") and len(r) > 10' "$svg" ||
    fail "$svg does not parse as SVG"
  grep -q "$(basename "$svg")" "$TMP/doc/results.md" || fail "$svg is not referenced from the page"
done
[ -f "$TMP/doc/results/tiny-ncbi-f1.svg" ] || fail "no F1 bar chart"
[ -f "$TMP/doc/results/tiny-ncbi-default-curves.svg" ] || fail "no learning curves"
cp -r "$TMP/doc/results" "$TMP/svgs1"
report >/dev/null 2>&1
cmp -s "$TMP/doc/results.md" "$TMP/results1.md" || fail "report is not byte-identical on the same results"
diff -r "$TMP/doc/results" "$TMP/svgs1" >/dev/null || fail "plots are not byte-identical on the same results"

# --- 3. running again skips finished runs and touches nothing ---
stamp() { find "$TMP/runs" -name result.json -exec stat -c '%n %Y.%y' {} + | sort; }
stamp >"$TMP/stamp1"
run "$TMP/tiny.grid" >"$TMP/out2" 2>&1 || fail "second run exited $?"
grep -q "^4 runs: 4 finished (skipped), 0 to run" "$TMP/out2" || fail "finished runs not skipped: $(head -1 "$TMP/out2")"
stamp | cmp -s - "$TMP/stamp1" || fail "a finished run was rewritten"

# --- 3b. another grid with the same training (same spec and threads) reuses it, trains nothing ---
cat >"$TMP/twin.grid" <<EOF
# a second grid whose variant 'ref' is the tiny grid's 'default'
base = $TMP/tiny.conf
seeds = 2
[corpora]
ncbi = $TMP/corpora/ncbi
[variant ref]
EOF
run --dry-run "$TMP/twin.grid" >"$TMP/out2b" 2>&1
[ "$(grep -c "(new, reuses .*tiny/ncbi/default/seed" "$TMP/out2b")" -eq 2 ] || fail "dry run does not name the twins: $(cat "$TMP/out2b")"
run --dry-run --threads 2 "$TMP/twin.grid" >"$TMP/out2c" 2>&1
grep -q "reuses" "$TMP/out2c" && fail "a run with another thread count was taken for a twin"
run "$TMP/twin.grid" >"$TMP/out2d" 2>&1 || fail "twin grid exited $? ($(tail -3 "$TMP/out2d"))"
[ "$(grep -c ": the same training as .*: reused" "$TMP/out2d")" -eq 2 ] && ! grep -q ": done in" "$TMP/out2d" ||
  fail "twin runs were not reused: $(cat "$TMP/out2d")"
for s in 1 2; do
  cmp -s "$TMP/runs/twin/ncbi/ref/seed$s/test.pred" "$TMP/runs/tiny/ncbi/default/seed$s/test.pred" ||
    fail "reused seed $s: predictions differ from the twin's"
done
python3 - "$TMP/runs" <<'EOF' || fail "reused result.json checks"
import json, sys
for s in (1, 2):
    a = json.load(open(f"{sys.argv[1]}/twin/ncbi/ref/seed{s}/result.json"))
    b = json.load(open(f"{sys.argv[1]}/tiny/ncbi/default/seed{s}/result.json"))
    assert a["grid"] == "twin" and a["variant"] == "ref" and a["seed"] == s, a["grid"]
    assert a["test"] == b["test"] and a["dev"] == b["dev"] and a["spec"] == b["spec"], s
    assert a["predictions"]["test"].endswith(f"twin/ncbi/ref/seed{s}/test.pred"), a["predictions"]
    assert a["reused_from"].endswith(f"tiny/ncbi/default/seed{s}"), a["reused_from"]
EOF

# --- 3c. train-splits: a variant trained on train + dev, every epoch kept to the last ---
cat >"$TMP/td.grid" <<EOF
# train + dev with a fixed epoch count
base = $TMP/tiny.conf
seeds = 1
[corpora]
ncbi = $TMP/corpora/ncbi
[variant td]
train-splits = train, devel
select = last
EOF
run "$TMP/td.grid" >"$TMP/out2e" 2>&1 || fail "train-splits grid exited $? ($(tail -3 "$TMP/out2e"))"
"$RUN" --report --bin "$BIN" --runs "$TMP/runs" --out "$TMP/doc/td.md" "$TMP/td.grid" >"$TMP/rep2e" 2>&1 ||
  fail "train-splits report exited $? ($(cat "$TMP/rep2e"))"
td="$TMP/runs/td/ncbi/td/seed1"
grep -q 'Not the usual protocol for `td`: `train-splits = train devel`' "$TMP/doc/td.md" &&
  grep -q "unless a grid's section says otherwise" "$TMP/doc/td.md" ||
  fail "the report of a grid trained on dev does not say so"
grep -q "unless a grid's section says otherwise" "$TMP/doc/results.md" && fail "a train-only report claims exceptions"
grep -q -- "--train $TMP/corpora/ncbi/train.tsv,$TMP/corpora/ncbi/devel.tsv " "$td/train.log" ||
  fail "train-splits: medner-train not given both files: $(head -1 "$td/train.log")"
grep -q "^train-splits" "$td/config.conf" && fail "train-splits reached medner-train's config"
python3 - "$td" "$BIN/medner-eval" "$TMP/corpora/ncbi" <<'EOF' || fail "train-splits result checks"
import json, subprocess, sys
run, evaluate, corpus = sys.argv[1:]
r = json.load(open(f"{run}/result.json"))
assert r["spec"]["options"]["train-splits"] == "train devel", r["spec"]
assert r["config"]["select"] == "last" and r["epochs"] == 3 and r["best_epoch"] == 3, r["config"]
novelty = json.load(open(f"{run}/novelty.json"))["result"]
def split(train):
    out = subprocess.run([evaluate, "--pred", f"{run}/test.pred", "--train", train, "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["novelty"]
both = split(f"{corpus}/train.tsv,{corpus}/devel.tsv")
assert novelty == both, "seen/unseen not counted against train + dev"
assert both["seen"]["gold"] > split(f"{corpus}/train.tsv")["seen"]["gold"], "dev adds no seen mentions"
EOF

# --- 4. a new corpus folder gets its rows; a failing variant does not stop the others ---
write_grid "ncbi = $TMP/corpora/ncbi
$TMP/corpora/bc5" "[variant broken]
dropout = 2"
run "$TMP/tiny.grid" >"$TMP/out3" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "a grid with failing runs exited $rc, expected 1"
grep -q "^12 runs: 4 finished (skipped), 8 to run" "$TMP/out3" || fail "plan after adding a corpus: $(head -1 "$TMP/out3")"
[ "$(grep -c ': FAILED: medner-train exited 1: error: --dropout' "$TMP/out3")" -eq 4 ] || fail "failures not reported: $(cat "$TMP/out3")"
[ "$(grep -c ': done in' "$TMP/out3")" -eq 4 ] || fail "the good runs beside the failing ones did not finish"
[ -s "$TMP/runs/tiny/ncbi/broken/seed1/error.txt" ] || fail "no error.txt for a failed run"
for v in default softmax; do
  [ -s "$TMP/runs/tiny/bc5/$v/seed2/result.json" ] || fail "new corpus: bc5/$v/seed2 not run"
done
report >/dev/null 2>&1 || fail "report after adding a corpus failed"
grep -q '^| bc5 | `default` | 2 |' "$TMP/doc/results.md" || fail "new corpus has no rows in the table"
grep -q '^| bc5 | `softmax` | 2 |' "$TMP/doc/results.md" || fail "new corpus: no softmax row"
grep -q '| corpus | variant | Chemical | Disease |' "$TMP/doc/results.md" || fail "per-type table lacks the new corpus's types"
grep -q '`ncbi/broken` seed 1 (failed: medner-train exited 1: error: --dropout' "$TMP/doc/results.md" ||
  fail "failed runs not listed in the report"
[ -f "$TMP/doc/results/tiny-bc5-f1.svg" ] || fail "new corpus has no plot"
# The failed runs are retried on the next run.
run --dry-run "$TMP/tiny.grid" >"$TMP/out4" 2>&1
grep -q "4 failed before" "$TMP/out4" || fail "failed runs not retried: $(head -1 "$TMP/out4")"
# --seed limits a run to some seeds of the grid.
run --dry-run --seed 1 "$TMP/tiny.grid" >"$TMP/out4s" 2>&1
grep -q "^6 runs: 4 finished (skipped), 2 to run (0 new, 0 interrupted, 2 failed before" "$TMP/out4s" &&
  [ "$(grep -c "would run tiny/.*/broken/seed1 (failed)" "$TMP/out4s")" -eq 2 ] || fail "--seed 1: $(cat "$TMP/out4s")"
run --dry-run --seed 9 "$TMP/tiny.grid" >/dev/null 2>"$TMP/err4s"
[ $? -eq 2 ] && grep -q "^error: --seed 9: no grid has this seed" "$TMP/err4s" || fail "--seed 9: $(cat "$TMP/err4s")"

# --- 5. changing the base config makes the results stale ---
sed -i 's/^hidden = 16/hidden = 12/' "$TMP/tiny.conf"
run --dry-run "$TMP/tiny.grid" >"$TMP/out5" 2>&1
grep -q "8 stale" "$TMP/out5" || fail "results not stale after a base config change: $(head -1 "$TMP/out5")"
"$RUN" --report --bin "$BIN" --runs "$TMP/runs" --out "$TMP/doc/stale.md" "$TMP/tiny.grid" >/dev/null 2>"$TMP/err5"
grep -q "made from another configuration" "$TMP/err5" || fail "report does not warn about stale results"
grep -q "0 of 12 runs finished" "$TMP/doc/stale.md" || fail "stale results still in the tables"

# --- 6. grid errors: exit 2, one line naming the grid ---
printf 'seeds = 1\n[corpora]\nx = %s/nowhere\n' "$TMP" >"$TMP/bad1.grid"
"$RUN" --bin "$BIN" --runs "$TMP/runs" "$TMP/bad1.grid" >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "^error: .*bad1.grid: corpus 'x': .*nowhere has no train.tsv" "$TMP/err" || fail "missing corpus: $(cat "$TMP/err")"
printf 'seeds = 1\n[corpora]\nncbi = %s/corpora/ncbi\n[variant v]\nwidth = 3\n' "$TMP" >"$TMP/bad2.grid"
"$RUN" --bin "$BIN" --runs "$TMP/runs" "$TMP/bad2.grid" >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "unknown medner-train option 'width'" "$TMP/err" || fail "unknown option: $(cat "$TMP/err")"
printf 'seeds = 1\n[corpora]\nncbi = %s/corpora/ncbi\n[variant v]\nseed = 3\n' "$TMP" >"$TMP/bad3.grid"
"$RUN" --bin "$BIN" --runs "$TMP/runs" "$TMP/bad3.grid" >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "bad3.grid:5: variant 'v': 'seed' is set by the runner" "$TMP/err" || fail "seed override: $(cat "$TMP/err")"
printf 'seeds = 1\n[corpora]\nncbi = %s/corpora/ncbi\n[variant v]\ntrain-splits = train test\n' "$TMP" >"$TMP/bad4.grid"
"$RUN" --bin "$BIN" --runs "$TMP/runs" "$TMP/bad4.grid" >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "bad4.grid:5: variant 'v': train-splits: expected one or both of train, devel (each once), got 'train test'" "$TMP/err" ||
  fail "bad train-splits: $(cat "$TMP/err")"
printf 'seeds = 1\n[corpora]\nncbi = %s/corpora/ncbi\n[variant v]\naux-corpora = ncbi craft\n' "$TMP" >"$TMP/bad5.grid"
"$RUN" --bin "$BIN" --runs "$TMP/runs" "$TMP/bad5.grid" >/dev/null 2>"$TMP/err"
[ $? -eq 2 ] && grep -q "bad5.grid:5: variant 'v': aux-corpora: 'craft' is not a corpus of \[corpora\] or \[aux-corpora\]" "$TMP/err" ||
  fail "bad aux-corpora: $(cat "$TMP/err")"
[ ! -d "$TMP/runs/bad1" ] && [ ! -d "$TMP/runs/bad2" ] && [ ! -d "$TMP/runs/bad4" ] && [ ! -d "$TMP/runs/bad5" ] ||
  fail "a bad grid started runs"

# --- 7. aux-corpora: each run trains its corpus beside the others, a head each, its own the target ---
make_corpus "$TMP/corpora/aux" data/bc5cdr
cat >"$TMP/multi.grid" <<EOF
base = $TMP/tiny.conf
seeds = 1
[corpora]
ncbi = $TMP/corpora/ncbi
bc5 = $TMP/corpora/bc5
[aux-corpora]
extra = $TMP/corpora/aux
[variant joint]
aux-corpora = ncbi bc5 extra
EOF
run "$TMP/multi.grid" >"$TMP/out7" 2>&1 || fail "aux-corpora grid exited $? ($(tail -3 "$TMP/out7"))"
for c in ncbi bc5; do
  d="$TMP/runs/multi/$c/joint/seed1"
  "$BIN/medner-eval" --info "$d/model.bin" --format json >"$TMP/info7" 2>&1 || fail "$c: no model: $(cat "$TMP/info7")"
  python3 - "$TMP/info7" "$d/result.json" "$c" <<'EOF' || fail "aux-corpora run on $c"
import json, sys
info, result, corpus = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
others = {"ncbi": ["bc5", "extra"], "bc5": ["ncbi", "extra"]}[corpus]
assert [h["name"] for h in info["heads"]] == [corpus] + others, info["heads"]
assert info["card"]["selection"]["targets"] == [corpus], info["card"]["selection"]
assert sorted(result["spec"]["aux_corpora"]) == sorted(others), result["spec"]
# The run's scores are its own corpus's head: the card's first-head test F1.
assert abs(result["test"]["overall"]["f1"] - info["card"]["scores"]["test"]["f1"]) < 1e-9
EOF
done
[ ! -d "$TMP/runs/multi/extra" ] || fail "an aux-only corpus got runs of its own"

if [ "$failures" -ne 0 ]; then
  echo "experiments_grid: $failures check(s) failed"
  exit 1
fi
echo "experiments_grid: all checks passed"
