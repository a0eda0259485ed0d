"""Reading finished runs back and summarizing them: per (corpus, variant) cell the results of each
seed, means and standard deviations, and the seed-matched significance tests against the grid's
reference variant (medner-eval --compare on the test predictions, cached next to the run), and
the scores on test mentions seen and unseen in training (medner-eval --train, cached likewise).
"""

import concurrent.futures
import hashlib
import json
import math
import os
import subprocess

import gridfile
import runner

SIGNIFICANCE_LEVEL = 0.05
SIGNIFICANCE_SEED = 1


def mean(xs):
    return sum(xs) / len(xs) if xs else None


def std(xs):
    """Sample standard deviation (n - 1); None below two values."""
    if len(xs) < 2:
        return None
    m = mean(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))


class Cell:
    """The runs of one corpus and variant: results by seed, and what is missing."""

    def __init__(self, corpus, folder, variant):
        self.corpus = corpus
        self.folder = folder
        self.variant = variant
        self.results = {}    # seed -> result dict
        self.missing = {}    # seed -> "not run", "failed: ...", "stale", "running"
        self.compare = {}    # seed -> medner-eval --compare JSON against the reference
        self.novelty = {}    # seed -> the "novelty" member of medner-eval --train's JSON

    def seeds(self):
        return sorted(self.results)

    def values(self, get):
        out = []
        for seed in self.seeds():
            v = get(self.results[seed])
            if v is not None:
                out.append(float(v))
        return out


def load_cells(grid, runs_dir, warn):
    """{(corpus, variant): Cell} for every cell of the grid, in grid order."""
    cells = {}
    for corpus, folder in grid.corpora:
        for variant in grid.variant_names():
            cells[(corpus, variant)] = Cell(corpus, folder, variant)
    for run in runner.plan(grid, runs_dir):
        cell = cells[(run.corpus, run.variant)]
        state = runner.run_state(run, run.spec())
        if state == "finished":
            cell.results[run.seed] = runner.load_json(run.path("result.json"))
        elif state == "stale":
            warn(f"{run.path('result.json')}: made from another configuration than "
                 f"{grid.path} now gives; left out (rerun the grid to redo it)")
            cell.missing[run.seed] = "stale"
        elif state == "failed":
            with open(run.path("error.txt"), encoding="utf-8", errors="replace") as f:
                cell.missing[run.seed] = "failed: " + f.read().strip().splitlines()[0][:160]
        elif state == "partial":
            cell.missing[run.seed] = "unfinished"
        else:
            cell.missing[run.seed] = "not run"
    return cells


def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def compare_runs(eval_bin, root, ref, var, method, samples):
    """medner-eval --compare REF VAR on the test predictions of two finished runs (A = reference,
    B = variant, so the difference is F1(variant) - F1(reference)); cached in the variant's run
    folder under a key of both files' digests and the test options."""
    ref_pred, var_pred = ref["predictions"]["test"], var["predictions"]["test"]
    gold = os.path.join(var["corpus_path"], "test.tsv")
    key = {"reference": file_digest(os.path.join(root, ref_pred)),
           "variant": file_digest(os.path.join(root, var_pred)),
           "gold": file_digest(os.path.join(root, gold)),
           "method": method, "samples": samples, "seed": SIGNIFICANCE_SEED}
    cache = os.path.join(root, os.path.dirname(var_pred), f"compare-{ref['variant']}.json")
    cached = runner.load_json(cache)
    if cached is not None and cached.get("key") == key:
        return cached["result"]
    cmd = [eval_bin, "--compare", ref_pred, var_pred, "--gold", gold, "--method", method,
           "--samples", str(samples), "--seed", str(SIGNIFICANCE_SEED), "--format", "json"]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {proc.stderr.strip()}")
    result = json.loads(proc.stdout)
    runner.write_atomic(cache, json.dumps({"key": key, "result": result}, indent=1) + "\n")
    return result


def add_significance(grid, cells, eval_bin, root, jobs):
    """Fills cell.compare for every non-reference cell and seed that both it and the reference
    cell of its corpus have finished."""
    tasks = []
    for (corpus, variant), cell in cells.items():
        if variant == grid.reference:
            continue
        ref = cells[(corpus, grid.reference)]
        for seed in cell.seeds():
            if seed in ref.results:
                tasks.append((cell, seed, ref.results[seed], cell.results[seed]))

    def work(task):
        cell, seed, ref, var = task
        return cell, seed, compare_runs(eval_bin, root, ref, var, grid.significance, grid.samples)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for cell, seed, result in pool.map(work, tasks):
            cell.compare[seed] = result


NOVELTY_CACHE = "novelty.json"


def novelty_of_run(eval_bin, root, res):
    """medner-eval --pred TEST.PRED --train TRAIN.TSV on one finished run: the test scores split
    into mentions seen and unseen in the training files it was trained on; cached in the run folder under a key of
    both files' digests."""
    pred = res["predictions"]["test"]
    trained_on = gridfile.training_files(res["corpus_path"], res["spec"]["options"].items())
    train = ",".join(trained_on)
    key = {"predictions": file_digest(os.path.join(root, pred)),
           "train": "+".join(file_digest(os.path.join(root, t)) for t in trained_on)}
    cache = os.path.join(root, os.path.dirname(pred), NOVELTY_CACHE)
    cached = runner.load_json(cache)
    if cached is not None and cached.get("key") == key:
        return cached["result"]
    cmd = [eval_bin, "--pred", pred, "--train", train, "--format", "json"]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {proc.stderr.strip()}")
    result = json.loads(proc.stdout)["novelty"]
    runner.write_atomic(cache, json.dumps({"key": key, "result": result}, indent=1) + "\n")
    return result


def add_novelty(cells, eval_bin, root, jobs):
    """Fills cell.novelty for every finished run."""
    tasks = [(cell, seed) for cell in cells.values() for seed in cell.seeds()]

    def work(task):
        cell, seed = task
        return cell, seed, novelty_of_run(eval_bin, root, cell.results[seed])

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for cell, seed, result in pool.map(work, tasks):
            cell.novelty[seed] = result


def significance_summary(cell):
    """(mean difference, significant pairs, pairs, marked) over the seed-matched comparisons;
    marked: significant (p < 0.05) in more than half of the pairs, all in the direction of the
    mean difference."""
    pairs = [cell.compare[s] for s in sorted(cell.compare)]
    if not pairs:
        return None
    diffs = [float(p["difference"]) for p in pairs]
    d = mean(diffs)
    sig = [p for p in pairs if float(p["p_value"]) < SIGNIFICANCE_LEVEL]
    same_sign = [p for p in sig if (float(p["difference"]) > 0) == (d > 0) and float(p["difference"]) != 0]
    marked = len(same_sign) * 2 > len(pairs)
    return d, len(sig), len(pairs), marked


def load_anchors(path):
    """{corpus: [(f1, label, citation)]} from anchors.tsv."""
    anchors = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            corpus, f1, label, citation = line.rstrip("\n").split("\t")
            anchors.setdefault(corpus, []).append((float(f1), label, citation))
    return anchors
