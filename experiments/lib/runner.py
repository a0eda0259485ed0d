"""Running a grid: one medner-train + two medner-eval calls per (corpus, variant, seed), in
parallel, each in its own folder runs/<grid>/<corpus>/<variant>/seed<N>/, ending in result.json.

A run is finished when its result.json exists and was made from the same spec (corpus folder,
merged options, seed); finished runs are skipped, stale ones (the grid or base config changed)
are redone. A run whose twin (the same spec and thread count) has finished in another grid or
variant of the same runs folder is not trained again: the twin's files are copied (the default
grid and an ablation grid's reference are the same trainings). A run that was interrupted
resumes from its checkpoint (medner-train --resume). A lock file per run lets several machines share one runs folder. A failed run writes error.txt and
does not stop the others; running the grid again retries it.
"""

import concurrent.futures
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time

import gridfile

RESULT_FORMAT = 1
# Files a run writes; a stale or failed run's are removed before it is redone.
RUN_FILES = ("config.conf", "spec.json", "train.log", "train.jsonl", "model.bin", "model.bin.ckpt",
             "dev.pred", "dev.json", "test.pred", "test.json", "result.json", "error.txt")


class Run:
    def __init__(self, grid, corpus, folder, variant, seed, runs_dir):
        self.grid = grid
        self.corpus = corpus
        self.folder = folder          # corpus folder as written in the grid
        self.variant = variant
        self.seed = seed
        self.dir = os.path.join(runs_dir, grid.name, corpus, variant, f"seed{seed}")

    @property
    def label(self):
        return f"{self.grid.name}/{self.corpus}/{self.variant}/seed{self.seed}"

    def path(self, name):
        return os.path.join(self.dir, name)

    def spec(self):
        """What identifies the experiment: a result with another spec is stale."""
        merged = gridfile.merge_options(self.grid.base_options, self.grid.overrides(self.variant))
        spec = {"corpus": self.folder, "options": dict(merged), "seed": self.seed}
        aux = dict(merged).get("aux-corpora", "").split()
        if aux:  # where the corpora trained beside it are is part of what it is
            spec["aux_corpora"] = {n: gridfile.corpus_folder(self.grid, n) for n in aux if n != self.corpus}
        return spec


def plan(grid, runs_dir, corpora=None, variants=None, seeds=None):
    """All runs of a grid, seed-major (every cell gets seed 1 before any gets seed 2, so a grid
    stopped half way still fills whole tables), then corpus and variant in file order."""
    runs = []
    for seed in grid.seeds:
        if seeds and seed not in seeds:
            continue
        for corpus, folder in grid.corpora:
            if corpora and corpus not in corpora:
                continue
            for variant in grid.variant_names():
                if variants and variant not in variants:
                    continue
                runs.append(Run(grid, corpus, folder, variant, seed, runs_dir))
    return runs


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def write_atomic(path, text):
    tmp = f"{path}.tmp{os.getpid()}.{threading.get_ident()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def run_state(run, spec):
    """'finished', 'stale' (result from another spec), 'failed', 'partial' or 'new'."""
    result = load_json(run.path("result.json"))
    if result is not None:
        return "finished" if result.get("spec") == spec else "stale"
    if os.path.exists(run.path("error.txt")):
        return "failed"
    if os.path.exists(run.path("spec.json")):
        return "partial"
    return "new"


# ---- locks: one process per run, also across machines sharing the folder ----

def take_lock(run):
    lock = run.path("lock")
    me = f"{socket.gethostname()} {os.getpid()}"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                with open(lock, encoding="utf-8") as f:
                    host, _, pid = f.read().strip().partition(" ")
            except OSError:
                return False
            if host == socket.gethostname() and pid.isdigit() and not pid_alive(int(pid)):
                os.remove(lock)  # left by a process of this machine that no longer exists
                continue
            return False
        with os.fdopen(fd, "w") as f:
            f.write(me + "\n")
        return True
    return False


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_lock(run):
    try:
        os.remove(run.path("lock"))
    except FileNotFoundError:
        pass


# ---- one run ----

class RunFailed(Exception):
    pass


class Interrupted(Exception):
    pass


# Stopping (SIGINT/SIGTERM): stop() ends the running tools; their runs stay resumable.
STOP = threading.Event()
_active = set()
_active_lock = threading.Lock()


def stop():
    STOP.set()
    with _active_lock:
        for proc in _active:
            proc.terminate()


def spawn(cmd, cwd, stdout, stderr):
    with _active_lock:
        if STOP.is_set():
            raise Interrupted()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=stdout, stderr=stderr)
        _active.add(proc)
    try:
        return proc.wait()
    finally:
        with _active_lock:
            _active.discard(proc)


def check_exit(code, cmd, log_path):
    if code != 0:
        if STOP.is_set():
            raise Interrupted()
        raise RunFailed(f"{os.path.basename(cmd[0])} exited {code}: {last_error(log_path)}")


def call(cmd, log_path, cwd, append=False):
    with open(log_path, "a" if append else "w", encoding="utf-8") as log:
        log.write("$ " + shlex.join(cmd) + "\n")
        log.flush()
        code = spawn(cmd, cwd, log, subprocess.STDOUT)
    check_exit(code, cmd, log_path)


def call_json(cmd, out_path, log_path, cwd):
    with open(out_path, "w", encoding="utf-8") as out, \
            open(log_path, "a", encoding="utf-8") as log:
        log.write("$ " + shlex.join(cmd) + f" > {os.path.basename(out_path)}\n")
        log.flush()
        code = spawn(cmd, cwd, out, log)
    check_exit(code, cmd, log_path)
    data = load_json(out_path)
    if data is None:
        raise RunFailed(f"{out_path}: not a JSON report")
    return data


def last_error(log_path):
    """The last 'error: ...' line of a log (what medner's tools print on failure)."""
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            lines = [l.strip() for l in f if l.strip()]
    except OSError:
        return "(no log)"
    errors = [l for l in lines if l.startswith("error:")]
    return errors[-1] if errors else (lines[-1] if lines else "(empty log)")


def effective_config(log_path):
    """The last '# effective configuration' block medner-train printed, as a dict."""
    config = None
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line == "# effective configuration":
                config = {}
                reading = True
                continue
            if config is not None and reading:
                key, sep, value = line.partition(" = ")
                if sep and gridfile.KEY_RE.match(key):
                    config[key] = value
                else:
                    reading = False
    return config or {}


def read_curve(path):
    curve = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    curve.append(json.loads(line))
                except ValueError:
                    raise RunFailed(f"{path}:{number}: not a JSON line")
    if not curve:
        raise RunFailed(f"{path}: no epochs logged")
    return curve


def summarize_curve(curve):
    """Best epoch and times from medner-train's --log records (one per epoch)."""
    last = curve[-1]
    best = int(last["best_epoch"])
    at_best = [r for r in curve if int(r["epoch"]) == best]
    rates = [float(r["train_tokens_per_s"]) for r in curve if float(r["train_tokens_per_s"]) > 0]
    return {
        "epochs": int(last["epoch"]),
        "best_epoch": best,
        "best_dev_f1_log": float(last["best_f1"]),
        "train_seconds": float(last["elapsed_s"]),
        "seconds_to_best": float(at_best[0]["elapsed_s"]) if at_best else None,
        # Every epoch trains on the same tokens, so total tokens / total time is the harmonic mean.
        "tokens_per_second": len(rates) / sum(1.0 / r for r in rates) if rates else 0.0,
    }


def code_version(root):
    try:
        commit = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit or None


def clean(run):
    names = list(RUN_FILES)
    if os.path.isdir(run.dir):  # significance and seen/unseen results cached by the report
        names += [n for n in os.listdir(run.dir)
                  if (n.startswith("compare-") and n.endswith(".json")) or n == "novelty.json"]
    for name in names:
        try:
            os.remove(run.path(name))
        except FileNotFoundError:
            pass


def execute(run, ctx):
    """Trains, evaluates dev and test, writes result.json; raises RunFailed."""
    spec = run.spec()
    state = run_state(run, spec)
    resume = state == "partial" and load_json(run.path("spec.json")) == spec
    if not resume:
        clean(run)
    merged = list(spec["options"].items())
    header = (f"# {run.label}: generated by experiments/run from {run.grid.path}\n"
              f"# base {run.grid.base}; variant '{run.variant}' overrides: "
              f"{', '.join(f'{k} = {v}' for k, v in run.grid.overrides(run.variant)) or 'none'}\n")
    train_files = gridfile.training_files(run.folder, merged)
    merged = [(k, v) for k, v in merged if k not in gridfile.RUN_KEYS]
    write_atomic(run.path("config.conf"), header + "".join(f"{k} = {v}\n" for k, v in merged))
    write_atomic(run.path("spec.json"), json.dumps(spec, indent=2) + "\n")

    corpus = run.folder
    split = {s: os.path.join(corpus, s) for s in gridfile.SPLITS}
    threads = str(ctx["threads"])
    train_cmd = [ctx["train_bin"], "--config", run.path("config.conf"),
                 "--train", ",".join(train_files), "--dev", split["devel.tsv"],
                 "--test", split["test.tsv"], "--model", run.path("model.bin"),
                 "--log", run.path("train.jsonl"), "--seed", str(run.seed), "--threads", threads]
    train_cmd += gridfile.aux_arguments(run.grid, run.corpus, spec["options"].items())
    if resume:
        train_cmd.append("--resume")
    started = time.time()
    call(train_cmd, run.path("train.log"), ctx["root"], append=resume)
    reports = {}
    for name, data in (("dev", split["devel.tsv"]), ("test", split["test.tsv"])):
        reports[name] = call_json(
            [ctx["eval_bin"], "--model", run.path("model.bin"), "--data", data, "--format", "json",
             "--out", run.path(f"{name}.pred"), "--threads", threads],
            run.path(f"{name}.json"), run.path("train.log"), ctx["root"])
    curve = read_curve(run.path("train.jsonl"))
    result = {
        "format": RESULT_FORMAT,
        "grid": run.grid.name,
        "grid_file": run.grid.path,
        "corpus": run.corpus,
        "corpus_path": run.folder,
        "variant": run.variant,
        "seed": run.seed,
        "threads": ctx["threads"],
        "spec": spec,
        "overrides": {k: v for k, v in run.grid.overrides(run.variant)},
        "config": effective_config(run.path("train.log")),
        "command": shlex.join(train_cmd),
        **summarize_curve(curve),
        "dev": reports["dev"],
        "test": reports["test"],
        "curve": [{k: r[k] for k in ("epoch", "train_loss", "dev_f1", "lr", "elapsed_s",
                                     "train_tokens_per_s") if k in r} for r in curve],
        "predictions": {"dev": run.path("dev.pred"), "test": run.path("test.pred")},
        "model": run.path("model.bin"),
        "wall_seconds": round(time.time() - started, 3),
        "code": ctx["code"],
        "host": socket.gethostname(),
    }
    write_atomic(run.path("result.json"), json.dumps(result, indent=2) + "\n")
    # The checkpoint only serves resuming; the model and predictions stay.
    try:
        os.remove(run.path("model.bin.ckpt"))
    except FileNotFoundError:
        pass
    return result


_RESULTS_SEEN = {}  # result.json path -> (mtime_ns, size, parsed); shared by the job threads
_RESULTS_LOCK = threading.Lock()


def load_result_cached(path):
    """load_json of a result.json, parsed once per version of the file: find_twin looks at every
    finished run of the folder before each training, and other processes may add runs meanwhile,
    so the folder is walked each time but unchanged files are not read again."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    with _RESULTS_LOCK:
        hit = _RESULTS_SEEN.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    result = load_json(path)
    with _RESULTS_LOCK:
        _RESULTS_SEEN[path] = (stamp, result)
    return result


def find_twin(run, spec, threads, runs_dir):
    """The folder and result of a finished run elsewhere in runs_dir with the same spec and thread
    count (a training is a function of those on one machine), or (None, None)."""
    me = os.path.abspath(run.dir)
    for dirpath, dirnames, filenames in os.walk(runs_dir):
        if not os.path.basename(dirpath).startswith("seed"):
            continue
        dirnames[:] = []  # run folders hold no run folders
        if os.path.abspath(dirpath) == me or "result.json" not in filenames:
            continue
        result = load_result_cached(os.path.join(dirpath, "result.json"))
        if (result is not None and result.get("format") == RESULT_FORMAT and result.get("spec") == spec
                and result.get("threads") == threads):
            return dirpath, result
    return None, None


def twin_of(run, state, ctx):
    """find_twin for a run about to start; an interrupted run resumes its own training instead."""
    if state == "partial":
        return None, None
    return find_twin(run, run.spec(), ctx["threads"], ctx["runs_dir"])


def reuse(run, twin_dir, twin):
    """Makes `run` finished from its twin's files: the same model, predictions and log, and a
    result.json that names this grid and variant and says where it came from."""
    clean(run)
    for name in RUN_FILES:
        if name not in ("result.json", "config.conf", "error.txt") and \
                os.path.exists(os.path.join(twin_dir, name)):
            shutil.copy2(os.path.join(twin_dir, name), run.path(name))
    header = (f"# {run.label}: generated by experiments/run from {run.grid.path} (the training of "
              f"{twin_dir}, reused)\n")
    options = twin["spec"]["options"]
    write_atomic(run.path("config.conf"), header + "".join(f"{k} = {v}\n" for k, v in options.items()))
    result = dict(twin)
    result.update({
        "grid": run.grid.name, "grid_file": run.grid.path, "corpus": run.corpus,
        "corpus_path": run.folder, "variant": run.variant,
        "overrides": {k: v for k, v in run.grid.overrides(run.variant)},
        "predictions": {"dev": run.path("dev.pred"), "test": run.path("test.pred")},
        "model": run.path("model.bin"),
        "reused_from": twin.get("reused_from", twin_dir),
    })
    write_atomic(run.path("result.json"), json.dumps(result, indent=2) + "\n")
    return result


def run_grid(grids, ctx, jobs, corpora=None, variants=None, dry_run=False, out=sys.stdout, seeds=None):
    """Runs every unfinished run of the grids; returns the number of failed runs."""
    todo = []
    counts = {"finished": 0, "stale": 0, "failed": 0, "partial": 0, "new": 0}
    for grid in grids:
        for run in plan(grid, ctx["runs_dir"], corpora, variants, seeds):
            state = run_state(run, run.spec())
            counts[state] += 1
            if state == "finished":
                continue
            todo.append((run, state))
    total = sum(counts.values())
    print(f"{total} runs: {counts['finished']} finished (skipped), {len(todo)} to run "
          f"({counts['new']} new, {counts['partial']} interrupted, {counts['failed']} failed "
          f"before, {counts['stale']} stale); {jobs} jobs x {ctx['threads']} threads",
          file=out, flush=True)
    if dry_run:
        for run, state in todo:
            twin_dir, _ = twin_of(run, state, ctx)
            how = f"{state}, reuses {twin_dir}" if twin_dir else state
            print(f"  would run {run.label} ({how})", file=out)
        return 0
    lock = threading.Lock()
    done = [0]
    failures = []

    def work(item):
        run, state = item
        if STOP.is_set():
            return
        os.makedirs(run.dir, exist_ok=True)
        if not take_lock(run):
            with lock:
                done[0] += 1
                print(f"[{done[0]}/{len(todo)}] {run.label}: locked by another process, left to it",
                      file=out, flush=True)
            return
        try:
            t0 = time.time()
            try:
                twin_dir, twin = twin_of(run, state, ctx)
                if twin is not None:
                    result = reuse(run, twin_dir, twin)
                    msg = f"the same training as {twin_dir}: reused"
                else:
                    result = execute(run, ctx)
                    msg = f"done in {time.time() - t0:.1f} s"
                msg += (f": best epoch {result['best_epoch']}, "
                       f"dev F1 {result['dev']['overall']['f1']:.2f}, "
                       f"test F1 {result['test']['overall']['f1']:.2f}")
            except Interrupted:
                msg = "interrupted; resumes from its checkpoint when the grid is run again"
            except (RunFailed, OSError, ValueError, KeyError) as e:
                write_atomic(run.path("error.txt"), f"{e}\n")
                msg = f"FAILED: {e} (log: {run.path('train.log')})"
                with lock:
                    failures.append(run.label)
            with lock:
                done[0] += 1
                extra = {"partial": " (resumed)", "stale": " (stale, redone)", "failed": " (retried)"}.get(state, "")
                print(f"[{done[0]}/{len(todo)}] {run.label}{extra}: {msg}", file=out, flush=True)
        finally:
            release_lock(run)

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(work, todo))
    if STOP.is_set():
        raise Interrupted()
    if failures:
        print(f"{len(failures)} of {len(todo)} runs failed: {', '.join(failures)}", file=out)
    return len(failures)
