#!/usr/bin/env bash
# medner-tag reading a pipe answers each line as soon as it is tagged: a coprocess writes one
# line, reads its JSON line back (within a timeout, so the test cannot hang) before writing the
# next; a whole line followed by half of the next is answered while the writer pauses; the
# same through a FIFO given as --input; and the answers equal those for the same
# lines read from a regular file (where chunks are --chunk lines, as before; confidences to 1e-5).
source "$(dirname "$0")/lib/common.sh" "$@"

train_tiny_model
awk -v RS= 'NR <= 6 { s = ""; n = split($0, l, "\n"); for (i = 1; i <= n; i++) { split(l[i], f, "\t"); s = s (i > 1 ? " " : "") f[1] } print s }' \
  "$dir/train.tsv" > "$dir/in.txt"
"$bin/medner-tag" --model "$dir/m.bin" --input "$dir/in.txt" > "$dir/file.jsonl"
check "tag a regular file" "[ $? -eq 0 ]"

python3 - "$bin/medner-tag" "$dir" <<'PY' || fail=1
import json, os, subprocess, sys
sys.path.insert(0, "tests/cli/lib")
from pipe_lines import read_line, same_answer
tag, d = sys.argv[1], sys.argv[2]
lines = open(os.path.join(d, "in.txt"), encoding="utf-8").read().split("\n")[:-1]
want = [json.loads(l) for l in open(os.path.join(d, "file.jsonl"), encoding="utf-8")]
ok = True

# A line tagged alone and the same line in a chunk of several are different GEMM shapes, whose
# float rounding can differ in the last bits (it does in a build without -march=native).
same = lambda got, want: same_answer(got, want, 1e-5)

def converse(name, write, out, close):
    global ok
    for i, text in enumerate(lines):
        write((text + "\n").encode("utf-8"))
        got = read_line(out)
        if got is None:
            print(f"FAIL: {name}: no answer to line {i + 1} before the next was written"); ok = False
            break
        got = json.loads(got)
        if not same(got, want[i]):
            print(f"FAIL: {name}: line {i + 1}: {got} != {want[i]}"); ok = False
    close()

# stdin a pipe.
p = subprocess.Popen([tag, "--model", os.path.join(d, "m.bin")], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, bufsize=0)
def write_stdin(b):
    p.stdin.write(b); p.stdin.flush()
converse("stdin pipe", write_stdin, p.stdout, p.stdin.close)
try:
    rc = p.wait(timeout=20)
except subprocess.TimeoutExpired:
    p.kill(); rc = "timeout"
if rc != 0:
    print("FAIL: stdin pipe: exit", rc); ok = False

# A whole line followed by the start of the next: the whole one is answered while the writer
# pauses in the middle of the next (a reader that only asks "is anything readable" would wait).
p = subprocess.Popen([tag, "--model", os.path.join(d, "m.bin")], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, bufsize=0)
write_stdin((lines[0] + "\n" + lines[1][:10]).encode("utf-8"))
got = read_line(p.stdout)
if got is None or not same(json.loads(got), want[0]):
    print("FAIL: partial next line: no answer to the whole line before it"); ok = False
write_stdin((lines[1][10:] + "\n").encode("utf-8"))
got = read_line(p.stdout)
if got is None or not same(json.loads(got), want[1]):
    print("FAIL: partial next line: its answer once completed"); ok = False
p.stdin.close()
if p.wait(timeout=20) != 0:
    print("FAIL: partial next line: exit status"); ok = False

# --input FIFO.
fifo = os.path.join(d, "in.fifo")
os.mkfifo(fifo)
p = subprocess.Popen([tag, "--model", os.path.join(d, "m.bin"), "--input", fifo],
                     stdout=subprocess.PIPE, bufsize=0)
w = os.open(fifo, os.O_WRONLY)
converse("fifo", lambda b: os.write(w, b), p.stdout, lambda: os.close(w))
try:
    rc = p.wait(timeout=20)
except subprocess.TimeoutExpired:
    p.kill(); rc = "timeout"
if rc != 0:
    print("FAIL: fifo: exit", rc); ok = False
sys.exit(0 if ok else 1)
PY

# A whole file through a pipe at once gives the regular file's bytes (however it is chunked).
cat "$dir/in.txt" | "$bin/medner-tag" --model "$dir/m.bin" > "$dir/pipe.jsonl"
check "pipe output equals file output" "cmp -s '$dir/file.jsonl' '$dir/pipe.jsonl'"
# A line without its newline at the end of a pipe is still tagged.
printf 'last line without a newline' | "$bin/medner-tag" --model "$dir/m.bin" > "$dir/last.jsonl"
check "unterminated last line of a pipe" "grep -q 'last line without a newline' '$dir/last.jsonl'"
exit $fail
