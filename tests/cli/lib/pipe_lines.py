"""For the CLI tests that talk to medner-tag through a pipe (import with sys.path.insert(0,
"tests/cli/lib"); the tests run from the repository root)."""
import os
import select
import time


def read_line(f, timeout=20):
    """One line from f, read unbuffered, without its newline; None at the end of f or after
    `timeout` seconds (so a test waiting for an answer cannot hang)."""
    buf, end = b"", time.time() + timeout
    while not buf.endswith(b"\n"):
        r, _, _ = select.select([f], [], [], max(0, end - time.time()))
        if not r:
            return None
        c = os.read(f.fileno(), 1)
        if not c:
            return None
        buf += c
    return buf[:-1]


def same_answer(got, want, tol):
    """Two JSON answers (dicts) for the same line, one tagged alone and one in a batch: equal but
    for the entities' confidences, which may differ by tol (a batch's sums run in another order and
    another GEMM shape; docs/serving.md)."""
    a, b = dict(got), dict(want)
    ea, eb = a.pop("entities", []), b.pop("entities", [])
    strip = lambda es: [{k: v for k, v in e.items() if k != "confidence"} for e in es]
    return a == b and strip(ea) == strip(eb) and all(
        abs(x.get("confidence", 0) - y.get("confidence", 0)) <= tol for x, y in zip(ea, eb))
