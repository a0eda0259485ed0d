#!/usr/bin/env bash
# Data-parallel training under `mpirun -np 2` (MEDNER_MPI builds; others exit 0 with a note):
#  - with the same global batch and seed, 2 ranks end with the parameters and optimizer state of
#    1 process within float tolerance (dropout and singleton-UNK off: their random streams are
#    drawn per shard), and 2 ranks twice give the same bits;
#  - the ranks' summed gradients equal the single-process gradients (test_dist under mpirun);
#  - rank 0 alone logs and writes files; --resume continues a 2-rank checkpoint with 1 process
#    and a 1-process checkpoint with 2 ranks; the same with two corpora (--aux, a head each);
#  - a failing rank prints "[rank r] error: ..." and ends the job with a non-zero exit, and ranks
#    that read different data stop at the start on a checksum mismatch.
# Usage (from the repository root): bash tests/cli/mpi_equivalence.sh BIN_DIR
set -u
BIN_DIR="${1:?usage: mpi_equivalence.sh BIN_DIR}"
TRAIN="$BIN_DIR/medner-train"
TEST_DIST="$(dirname "$BIN_DIR")/tests/test_dist"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

[ -x "$TRAIN" ] || { echo "FAIL: $TRAIN not found"; exit 1; }
if "$TRAIN" --build-info | grep -q '^mpi: off'; then
  echo "note: $TRAIN was built without MEDNER_MPI; nothing to test"
  exit 0
fi
command -v mpirun >/dev/null || { echo "FAIL: an MPI build, but no mpirun on PATH (openmpi-bin)"; exit 1; }
command -v python3 >/dev/null || { echo "FAIL: python3 is needed to compare model files"; exit 1; }
# Not bound to cores: on a shared or small CI machine a rank pinned to a busy core crawls.
MPIRUN=(timeout 300 mpirun --allow-run-as-root --oversubscribe --bind-to none)

# The first 40 (train) and next 20 (dev) sentences of a bundled corpus, a different 40 for the
# rank that must disagree.
awk -v RS= -v ORS='\n\n' 'NR <= 40' data/ncbi-disease/train.tsv >"$TMP/train.tsv"
awk -v RS= -v ORS='\n\n' 'NR > 40 && NR <= 60' data/ncbi-disease/train.tsv >"$TMP/dev.tsv"
awk -v RS= -v ORS='\n\n' 'NR > 100 && NR <= 140' data/ncbi-disease/train.tsv >"$TMP/other.tsv"
# 40 sentences in batches of 8: 5 steps per epoch.
OPTS=(--dev "$TMP/dev.tsv" --word-dim 16 --casing-dim 4 --char-dim 8 --char-hidden 8 --hidden 24
      --dropout 0 --singleton-unk 0 --optimizer sgd --lr 0.05 --momentum 0.9 --lr-decay 0
      --batch-size 8 --patience 10 --threads 1 --seed 3)

# compare A B RTOL: every parameter and optimizer buffer of checkpoints A and B agrees within
# max |a - b| <= RTOL * max |a| over the tensor (format: docs/file-formats.md). Relative to the
# tensor's scale, not to each element: summation order perturbs each element by about the
# rounding error of its largest terms, which a small element does not bound.
cat >"$TMP/compare.py" <<'EOF'
import struct, sys
def tensors(path):
    b = open(path, "rb").read()
    assert b[:8] == b"MEDNERM\0", path + ": not a model file"
    def u32(p): return struct.unpack_from("<I", b, p)[0], p + 4
    def u64(p): return struct.unpack_from("<Q", b, p)[0], p + 8
    def string(p):
        n, p = u32(p)
        return b[p:p + n].decode(), p + n
    def reals(p):
        w, n = struct.unpack_from("<BQ", b, p)
        return struct.unpack_from("<%d%s" % (n, "f" if w == 4 else "d"), b, p + 9), p + 9 + w * n
    kind, p = string(12)
    payload, pos = u64(p)
    out, end = {}, pos + payload
    while pos < end:
        sid, (size, p) = b[pos:pos + 4].decode(), u64(pos + 4)
        if sid in ("PARM", "BLOB"):
            count, p = u32(p)
            for _ in range(count):
                key, p = string(p)
                if sid == "PARM":
                    out[key], p = reals(p + 16)  # after rows, cols
                else:
                    n, p = u64(p)
                    if key.startswith("optim/"):
                        out[key] = reals(p)[0]
                    p += n
        pos += 12 + size
    return out
a, b = tensors(sys.argv[1]), tensors(sys.argv[2])
rtol = float(sys.argv[3])
if a.keys() != b.keys():
    sys.exit("different tensors: %s vs %s" % (sorted(a), sorted(b)))
bad = []
for key in a:
    scale = max((abs(x) for x in a[key]), default=0)
    worst = max((abs(x - y) for x, y in zip(a[key], b[key])), default=0)
    if len(a[key]) != len(b[key]) or worst > rtol * scale:
        bad.append("%s (max |a - b| = %.3g, allowed %.3g)" % (key, worst, rtol * scale))
if bad:
    sys.exit("differ beyond tolerance: " + ", ".join(bad))
EOF
compare() {  # A B RTOL WHAT
  python3 "$TMP/compare.py" "$1" "$2" "$3" 2>"$TMP/cmp.err" || fail "$4: $(cat "$TMP/cmp.err")"
}
train1() { "$TRAIN" "$@" >"$TMP/out" 2>"$TMP/err" || fail "medner-train $*: $(tail -3 "$TMP/err")"; }
train2() {
  "${MPIRUN[@]}" -np 2 "$TRAIN" "$@" >"$TMP/out" 2>"$TMP/err" || fail "mpirun -np 2 medner-train $*: $(tail -3 "$TMP/err")"
}

# --- the ranks' gradients (doctest under mpirun) ---
if [ -x "$TEST_DIST" ]; then
  "${MPIRUN[@]}" -np 2 "$TEST_DIST" -tc='*under mpirun*' --no-colors >"$TMP/t.out" 2>&1 ||
    fail "mpirun -np 2 test_dist: $(grep -m3 ERROR "$TMP/t.out")"
  [ "$(grep -c 'Status: SUCCESS' "$TMP/t.out")" -eq 2 ] || fail "test_dist under mpirun: expected 2 successful ranks"
else
  echo "note: $TEST_DIST not built; the gradient test under mpirun is skipped"
fi

# --- 1 process vs 2 ranks after K = 5 steps ---
train1 "${OPTS[@]}" --train "$TMP/train.tsv" --max-epochs 1 --model "$TMP/one.bin"
train2 "${OPTS[@]}" --train "$TMP/train.tsv" --max-epochs 1 --model "$TMP/two.bin" --log "$TMP/two.jsonl"
compare "$TMP/one.bin.ckpt" "$TMP/two.bin.ckpt" 1e-4 "1 process vs 2 ranks after 5 steps"
# Rank 0 alone prints and writes: one configuration, one epoch line, one log record, no strays.
[ "$(grep -c '^# effective configuration' "$TMP/err")" -eq 1 ] || fail "2 ranks: the configuration is not printed exactly once"
[ "$(grep -c '^epoch   1 ' "$TMP/err")" -eq 1 ] || fail "2 ranks: the epoch line is not printed exactly once"
grep -q '2 ranks' "$TMP/err" || fail "2 ranks: the data line does not say so: $(grep '^data:' "$TMP/err")"
[ "$(wc -l <"$TMP/two.jsonl")" -eq 1 ] || fail "2 ranks: the log has $(wc -l <"$TMP/two.jsonl") records, expected 1"
[ "$(ls "$TMP" | grep -c '^two\.')" -eq 3 ] || fail "2 ranks: unexpected files: $(ls "$TMP" | grep '^two\.' | tr '\n' ' ')"
# Same seed, same rank and thread counts: the same bits.
train2 "${OPTS[@]}" --train "$TMP/train.tsv" --max-epochs 1 --model "$TMP/again.bin"
compare "$TMP/two.bin.ckpt" "$TMP/again.bin.ckpt" 0 "2 ranks, run twice"

# --- resume across rank counts: 1 epoch on N ranks, the 2nd on the other count ---
train1 "${OPTS[@]}" --train "$TMP/train.tsv" --max-epochs 2 --model "$TMP/full.bin"
train2 "${OPTS[@]}" --train "$TMP/train.tsv" --max-epochs 1 --model "$TMP/r21.bin"
train1 "${OPTS[@]}" --train "$TMP/train.tsv" --max-epochs 2 --model "$TMP/r21.bin" --resume
grep -q "^resuming from $TMP/r21.bin.ckpt" "$TMP/err" || fail "resume with 1 process did not resume"
compare "$TMP/full.bin.ckpt" "$TMP/r21.bin.ckpt" 1e-3 "2 ranks then --resume with 1 process"
train1 "${OPTS[@]}" --train "$TMP/train.tsv" --max-epochs 1 --model "$TMP/r12.bin"
train2 "${OPTS[@]}" --train "$TMP/train.tsv" --max-epochs 2 --model "$TMP/r12.bin" --resume
grep -q "^resuming from $TMP/r12.bin.ckpt" "$TMP/err" || fail "resume with 2 ranks did not resume"
compare "$TMP/full.bin.ckpt" "$TMP/r12.bin.ckpt" 1e-3 "1 process then --resume with 2 ranks"

# --- two corpora (--aux, a head each): 2 ranks end where 1 process ends, and resume across counts ---
awk -v RS= -v ORS='\n\n' 'NR <= 24' data/bc5cdr/train.tsv >"$TMP/aux.tsv"
AUX=(--aux "bc5:$TMP/aux.tsv:$TMP/aux.tsv")
train1 "${OPTS[@]}" "${AUX[@]}" --train "$TMP/train.tsv" --max-epochs 2 --model "$TMP/h1.bin"
train2 "${OPTS[@]}" "${AUX[@]}" --train "$TMP/train.tsv" --max-epochs 2 --model "$TMP/h2.bin"
grep -q '^epoch   2 .*dev F1 .*(main .*, bc5 .*)' "$TMP/err" || fail "2 ranks, two heads: no per-head dev F1: $(grep '^epoch' "$TMP/err")"
compare "$TMP/h1.bin.ckpt" "$TMP/h2.bin.ckpt" 1e-4 "two heads: 1 process vs 2 ranks after 2 epochs"
train2 "${OPTS[@]}" "${AUX[@]}" --train "$TMP/train.tsv" --max-epochs 1 --model "$TMP/h21.bin"
train1 "${OPTS[@]}" "${AUX[@]}" --train "$TMP/train.tsv" --max-epochs 2 --model "$TMP/h21.bin" --resume
compare "$TMP/h1.bin.ckpt" "$TMP/h21.bin.ckpt" 1e-3 "two heads: 2 ranks then --resume with 1 process"

# --- failures end the whole job ---
"${MPIRUN[@]}" -np 1 "$TRAIN" "${OPTS[@]}" --train "$TMP/train.tsv" --max-epochs 1 --model "$TMP/f.bin" : \
  -np 1 "$TRAIN" "${OPTS[@]}" --train "$TMP/missing.tsv" --max-epochs 1 --model "$TMP/f.bin" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "a failing rank: mpirun exited $rc (124: the job hung)"
grep -q "^\[rank 1\] error: .*missing.tsv" "$TMP/err" || fail "a failing rank: no '[rank 1] error: ...' line: $(head -c 400 "$TMP/err")"
[ ! -e "$TMP/f.bin" ] || fail "a failing rank: rank 0 wrote a model"

"${MPIRUN[@]}" -np 1 "$TRAIN" "${OPTS[@]}" --train "$TMP/train.tsv" --max-epochs 1 --model "$TMP/d.bin" : \
  -np 1 "$TRAIN" "${OPTS[@]}" --train "$TMP/other.tsv" --max-epochs 1 --model "$TMP/d.bin" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "ranks with different data: mpirun exited $rc"
grep -q '^\[rank [01]\] error: ranks disagree on the initial model (checksums: rank 0 ' "$TMP/err" ||
  fail "ranks with different data: no checksum error: $(head -c 400 "$TMP/err")"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "mpi_equivalence: all checks passed"
