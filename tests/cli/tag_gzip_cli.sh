#!/usr/bin/env bash
# medner-tag reads gzip-compressed input, known by its first bytes: through a pipe, as --input
# (any name), as `< file`, a FIFO, concatenated members, CoNLL input, the output byte-identical
# to that of the uncompressed input; a gzip stream flushed line by line is answered line by line;
# a truncated or corrupt .gz is an error (exit 1) naming the file, with no output file; and
# --progress always draws a progress line on stderr without changing stdout.
source "$(dirname "$0")/lib/common.sh" "$@"

train_tiny_model
awk -v RS= '{ s = ""; n = split($0, l, "\n"); for (i = 1; i <= n; i++) { split(l[i], f, "\t"); s = s (i > 1 ? " " : "") f[1] } print s }' \
  "$dir/train.tsv" > "$dir/in.txt"
tag() { "$bin/medner-tag" --model "$dir/m.bin" --threads 1 "$@"; }
tag --input "$dir/in.txt" > "$dir/want.jsonl"
check "tag the uncompressed text: exit 0, entities found" "[ $? -eq 0 ] && grep -q '\"type\"' '$dir/want.jsonl'"
gzip -c "$dir/in.txt" > "$dir/in.txt.gz"

# The same output however the compressed bytes arrive.
same() {  # NAME OUTPUT-FILE
  check "$1 gives the uncompressed input's output" "cmp -s '$dir/want.jsonl' '$2'"
}
gzip -c "$dir/in.txt" | tag > "$dir/pipe.jsonl"
check "gzip -c | medner-tag: exit 0" "[ $? -eq 0 ]"
same "gzip -c | medner-tag" "$dir/pipe.jsonl"
tag --input "$dir/in.txt.gz" > "$dir/file.jsonl"
same "--input in.txt.gz" "$dir/file.jsonl"
tag < "$dir/in.txt.gz" > "$dir/stdin.jsonl"
same "< in.txt.gz" "$dir/stdin.jsonl"
cp "$dir/in.txt.gz" "$dir/in.data"
tag --input "$dir/in.data" --output "$dir/named.jsonl"
same "a gzip file named in.data, --output" "$dir/named.jsonl"
head -n 30 "$dir/in.txt" | gzip -c > "$dir/multi.gz"
tail -n +31 "$dir/in.txt" | gzip -c >> "$dir/multi.gz"
tag --input "$dir/multi.gz" > "$dir/multi.jsonl"
same "two concatenated gzip members" "$dir/multi.jsonl"
mkfifo "$dir/in.fifo"
gzip -c "$dir/in.txt" > "$dir/in.fifo" &
tag --input "$dir/in.fifo" > "$dir/fifo.jsonl"
wait
same "a FIFO of gzip data" "$dir/fifo.jsonl"
tag --input "$dir/train.tsv" --input-format conll --output-format conll > "$dir/conll.want"
gzip -c "$dir/train.tsv" | tag --input-format conll --output-format conll > "$dir/conll.got"
check "CoNLL input through gzip" "[ -s '$dir/conll.want' ] && cmp -s '$dir/conll.want' '$dir/conll.got'"

# A writer that flushes its gzip stream after each line gets each line's answer before it
# writes the next (read within a timeout, so the test cannot hang).
python3 - "$bin/medner-tag" "$dir" <<'PY' || fail=1
import json, os, subprocess, sys, zlib
sys.path.insert(0, "tests/cli/lib")
from pipe_lines import read_line, same_answer
tag, d = sys.argv[1], sys.argv[2]
lines = open(os.path.join(d, "in.txt"), "rb").read().split(b"\n")[:5]
want = open(os.path.join(d, "want.jsonl"), "rb").read().split(b"\n")[:5]

def same(got, want):
    """A line tagged alone against the same line tagged in a batch of the whole file."""
    return got is not None and same_answer(json.loads(got), json.loads(want), 1e-4)

p = subprocess.Popen([tag, "--model", os.path.join(d, "m.bin"), "--threads", "1"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, bufsize=0)
z = zlib.compressobj(wbits=31)
ok = True
for i, line in enumerate(lines):
    p.stdin.write(z.compress(line + b"\n") + z.flush(zlib.Z_SYNC_FLUSH))
    p.stdin.flush()
    got = read_line(p.stdout)
    if not same(got, want[i]):
        print(f"FAIL: flushed gzip stream: line {i + 1}: got {got!r}"); ok = False
        break
p.stdin.write(z.flush())
p.stdin.close()
try:
    rc = p.wait(timeout=20)
except subprocess.TimeoutExpired:
    p.kill(); rc = "timeout"
if rc != 0:
    print("FAIL: flushed gzip stream: exit", rc); ok = False
sys.exit(0 if ok else 1)
PY

# Broken gzip: exit 1, one error naming the file, no output file.
broken() {  # NAME FILE WANT-MESSAGE [OPTIONS...]
  local name=$1 file=$2 want=$3
  shift 3
  rm -f "$dir/out.jsonl"
  tag --input "$file" --output "$dir/out.jsonl" "$@" 2>"$dir/err"
  local rc=$?
  check "$name: exit 1 (got $rc)" "[ $rc -eq 1 ]"
  check "$name: '$(tail -c 300 "$dir/err")'" "grep -qxF -- '$want' '$dir/err'"
  check "$name: no output file" "! ls '$dir' | grep -q '^out\.jsonl'"
}
size=$(wc -c < "$dir/in.txt.gz")
head -c $((size - 10)) "$dir/in.txt.gz" > "$dir/trunc.gz"
broken "truncated .gz" "$dir/trunc.gz" "error: $dir/trunc.gz: truncated gzip data (the compressed stream ends early)"
gzip -c "$dir/train.tsv" | head -c 3000 > "$dir/trunc.tsv.gz"
broken "truncated CoNLL .gz" "$dir/trunc.tsv.gz" \
  "error: $dir/trunc.tsv.gz: truncated gzip data (the compressed stream ends early)" --input-format conll
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-6] ^= 0xFF; open(sys.argv[2], "wb").write(b)' \
  "$dir/in.txt.gz" "$dir/crc.gz"
broken "a .gz with a wrong CRC" "$dir/crc.gz" "error: $dir/crc.gz: corrupt gzip data: incorrect data check"
cat "$dir/trunc.gz" | tag > /dev/null 2>"$dir/err"
rc=$?
check "truncated gzip on a pipe: exit 1 (got $rc)" "[ $rc -eq 1 ]"
check "truncated gzip on a pipe: '$(tail -c 300 "$dir/err")'" \
  "grep -qxF 'error: <stdin>: truncated gzip data (the compressed stream ends early)' '$dir/err'"

# --progress: stdout unchanged; always draws "N lines, N tokens, N tok/s [gauge] P%" on stderr and
# erases it at the end; never and auto (stderr is not a terminal here) draw nothing.
tag --input "$dir/in.txt" --progress always > "$dir/prog.jsonl" 2>"$dir/prog.err"
check "--progress always: exit 0" "[ $? -eq 0 ]"
same "--progress always" "$dir/prog.jsonl"
n=$(wc -l < "$dir/in.txt")
check "--progress always: a progress line ('$(tr '\r\033' '^~' < "$dir/prog.err" | tail -c 200)')" \
  "grep -aqE '^.\[K$n lines, [0-9]+ tokens, [0-9]+ tok/s \[=+\] 100%' <(tr '\r' '\n' < '$dir/prog.err')"
check "--progress always: erased at the end" "[ \"\$(tail -c 4 '$dir/prog.err' | od -An -c | tr -d ' ')\" = '\r033[K' ]"
gzip -c "$dir/in.txt" | tag --progress always > "$dir/prog.jsonl" 2>"$dir/prog.err"
same "--progress always from a pipe" "$dir/prog.jsonl"
check "--progress always from a pipe: no percentage" \
  "grep -aqE '^.\[K[0-9]+ lines, [0-9]+ tokens, [0-9]+ tok/s\$' <(tr '\r' '\n' < '$dir/prog.err')"
tag --input "$dir/in.txt" --progress never > /dev/null 2>"$dir/prog.err"
check "--progress never: nothing on stderr" "[ ! -s '$dir/prog.err' ]"
tag --input "$dir/in.txt" > /dev/null 2>"$dir/prog.err"
check "--progress auto, stderr a file: nothing on stderr" "[ ! -s '$dir/prog.err' ]"
tag --input "$dir/in.txt" --progress sometimes > /dev/null 2>"$dir/err"
check "--progress sometimes: exit 2" "[ $? -eq 2 ]"
exit $fail
