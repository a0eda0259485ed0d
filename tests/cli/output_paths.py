#!/usr/bin/env python3
"""Property test of output-path handling (docs/robustness.md, "Output paths").

Random runs of medner-tag, medner-eval --model and medner-train whose input and output options
point at random members of one pool: the inputs themselves, other spellings of them (./x, a
symbolic link, a hard link), fresh names, dangling links, another output's path, FIFOs and
/dev/null. Whatever the combination: no input's content ever changes, no temporary file is left,
a failed run leaves every output as it was (absent or its old content), and a successful run
leaves complete outputs.

Usage: output_paths.py BIN_DIR MODEL TRAIN DEV  (run from the repository root)
"""
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading

ROUNDS = int(os.environ.get("MEDNER_OUTPUT_PATH_ROUNDS", "60"))


def digest(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def snapshot(d):
    """Content digest of every regular file in d (links resolved to the file they name)."""
    out = {}
    for name in os.listdir(d):
        p = os.path.join(d, name)
        if os.path.islink(p) or not os.path.isfile(p):
            continue
        out[name] = digest(p)
    return out


class FifoReader(threading.Thread):
    """Drains a FIFO so that a writer never blocks; open with O_NONBLOCK so that a run that never
    opens it does not hang the test."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        self.data = b""
        self.stop = False

    def run(self):
        import select
        while not self.stop:
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                try:
                    chunk = os.read(self.fd, 65536)
                except BlockingIOError:
                    continue
                self.data += chunk

    def close(self):
        self.stop = True
        self.join()
        os.close(self.fd)


def main():
    bin_dir, model, train, dev = sys.argv[1:5]
    rng = random.Random(int(os.environ.get("MEDNER_OUTPUT_PATH_SEED", "7")))
    failures = []
    root = tempfile.mkdtemp()
    try:
        for rnd in range(ROUNDS):
            d = os.path.join(root, f"r{rnd}")
            os.mkdir(d)
            shutil.copy(model, os.path.join(d, "model.bin"))
            shutil.copy(train, os.path.join(d, "train.tsv"))
            shutil.copy(dev, os.path.join(d, "dev.tsv"))
            with open(os.path.join(d, "in.txt"), "w") as f:
                f.write("Colon cancer and breast cancer.\nTwo patients.\n")
            # Other spellings of the inputs, and things that are not inputs.
            os.symlink("in.txt", os.path.join(d, "sym-in"))
            os.symlink("dev.tsv", os.path.join(d, "sym-dev"))
            os.link(os.path.join(d, "train.tsv"), os.path.join(d, "hard-train"))
            os.symlink("nowhere", os.path.join(d, "dangling"))
            os.mkfifo(os.path.join(d, "fifo"))
            with open(os.path.join(d, "old.out"), "w") as f:
                f.write("an old output\n")
            pool = ["model.bin", "./train.tsv", "dev.tsv", "in.txt", "sym-in", "sym-dev", "hard-train",
                    "dangling", "fifo", "/dev/null", "old.out", "new1", "new2", "new1"]
            pick = lambda: rng.choice(pool)
            tool = rng.choice(["tag", "tag", "eval", "train"])
            if tool == "tag":
                outs = {"--output": pick()}
                ins = [rng.choice(["model.bin", "./model.bin"]), rng.choice(["in.txt", "sym-in"])]
                args = [os.path.join(os.path.abspath(bin_dir), "medner-tag"), "--model", ins[0], "--input", ins[1], "--threads", "1"]
            elif tool == "eval":
                outs = {"--out": pick()}
                if rng.random() < 0.5:
                    outs["--errors"] = pick()
                ins = ["model.bin", rng.choice(["dev.tsv", "sym-dev"])]
                args = [os.path.join(os.path.abspath(bin_dir), "medner-eval"), "--model", ins[0], "--data", ins[1], "--threads", "1"]
            else:
                outs = {"--model": pick(), "--log": pick()}
                if rng.random() < 0.5:
                    outs["--checkpoint"] = pick()
                ins = [rng.choice(["train.tsv", "hard-train"]), "dev.tsv"]
                args = [os.path.join(os.path.abspath(bin_dir), "medner-train"), "--train", ins[0], "--dev", ins[1], "--word-dim", "8", "--hidden", "8", "--char-hidden", "4", "--char-dim", "4",
                        "--casing-dim", "2", "--batch-size", "16", "--threads", "1", "--max-epochs", "1"] + \
                       []
            args += [x for kv in outs.items() for x in kv]
            before = snapshot(d)
            readers = [FifoReader(os.path.join(d, "fifo"))] if "fifo" in outs.values() else []
            for r in readers:
                r.start()
            try:
                p = subprocess.run(list(args), cwd=d, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, timeout=120)
            finally:
                for r in readers:
                    r.close()
            after = snapshot(d)
            what = f"round {rnd}: {' '.join(os.path.basename(a) if i == 0 else a for i, a in enumerate(args))} -> exit {p.returncode}"
            real = lambda p: os.path.basename(os.path.realpath(os.path.join(d, p)))
            inputs = {real(p) for p in ins} | ({"train.tsv"} if "hard-train" in ins else set())
            targets = {real(p) for p in outs.values()} | ({"train.tsv"} if "hard-train" in outs.values() else set())
            for name, h in before.items():
                if after.get(name) != h and (name in inputs or name not in targets):
                    failures.append(f"{what}: {'input' if name in inputs else 'a file not written'} {name} changed")
            if not os.path.exists("/dev/null") or not os.path.exists(os.path.join(d, "fifo")):
                failures.append(f"{what}: a device or FIFO was removed")
            elif not stat_is_special("/dev/null") or not stat_is_fifo(os.path.join(d, "fifo")):
                failures.append(f"{what}: a device or FIFO was replaced by a regular file")
            for name in os.listdir(d):
                if ".tmp." in name:
                    failures.append(f"{what}: temporary file {name} left")
            if p.returncode not in (0, 1, 2) or b"terminate called" in p.stderr or b"Sanitizer" in p.stderr:
                failures.append(f"{what}: crashed: {p.stderr[-300:]!r}")
            if p.returncode != 0:
                # Nothing written: every regular file as it was, no new one (lock files aside).
                for name, h in after.items():
                    if name.endswith(".lock"):
                        continue
                    if before.get(name) != h:
                        failures.append(f"{what}: failed but {name} {'appeared' if name not in before else 'changed'}")
            elif tool == "tag":
                out = outs["--output"]
                target = os.path.join(d, real(out))
                if os.path.isfile(target):
                    with open(target, "rb") as f:
                        lines = f.read().split(b"\n")
                    if len(lines) != 3 or lines[-1] != b"":
                        failures.append(f"{what}: output {out} is not two complete JSON lines")
        if failures:
            print("\n".join(failures[:30]))
            print(f"output_paths: {len(failures)} failure(s) in {ROUNDS} rounds")
            return 1
        print(f"output_paths: {ROUNDS} random rounds passed")
        return 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


def stat_is_special(path):
    import stat
    return stat.S_ISCHR(os.stat(path).st_mode)


def stat_is_fifo(path):
    import stat
    return stat.S_ISFIFO(os.lstat(path).st_mode)


if __name__ == "__main__":
    sys.exit(main())
