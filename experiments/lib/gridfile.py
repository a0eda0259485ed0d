"""Grid files: corpora x variants x seeds, read into a Grid (format: docs/experiments.md).

A grid file is plain text: top-level `key = value` settings, a `[corpora]` section of
`name = folder` lines, and one `[variant NAME]` section per variant whose lines are medner-train
option overrides on top of the base config. `#` starts a comment. Errors name the file and line
(GridError "grids/x.grid:12: ...") and nothing runs.
"""

import os
import re

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# Options the runner sets itself for every run: a variant may not override them.
RUNNER_OPTIONS = ("train", "dev", "test", "model", "log", "checkpoint", "resume", "seed",
                  "threads", "config")
SPLITS = ("train.tsv", "devel.tsv", "test.tsv")
# Variant keys the runner reads itself (not medner-train options). `train-splits`: the corpus
# splits trained on, "train" (the default) or "train devel" (train + dev, as some published
# setups do; pair it with `select = last` and a fixed `max-epochs`, since dev F1 can no longer
# choose the model).
# `aux-corpora`: names of corpora (of [corpora] or [aux-corpora]) trained beside the run's own,
# each with a head of its own (medner-train --aux); the run's corpus is the first head and the
# only target (--head-name C --targets C), so dev F1 of the run's corpus still chooses the epoch,
# and the run's own name is skipped when the list holds it.
RUN_KEYS = ("train-splits", "aux-corpora")
HEAD_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
TRAIN_SPLITS = ("train", "devel")
TOP_LEVEL = ("name", "title", "base", "seeds", "reference", "threads", "significance", "samples")


class GridError(Exception):
    pass


class Grid:
    def __init__(self, path):
        self.path = path                   # as given on the command line
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.title = ""
        self.base = "experiments/configs/default.conf"
        self.seeds = [1, 2, 3, 4, 5]
        self.reference = None              # variant name; the first variant when not given
        self.threads = 1
        self.significance = "bootstrap"
        self.samples = 10000
        self.corpora = []                  # [(name, folder)] in file order
        self.aux_corpora = []              # [(name, folder)]: only trained beside others, no rows
        self.variants = []                 # [(name, [(key, value)])] in file order
        self.base_options = []             # [(key, value)] of the base config (read_config)

    def variant_names(self):
        return [v[0] for v in self.variants]

    def overrides(self, variant):
        for name, opts in self.variants:
            if name == variant:
                return opts
        raise KeyError(variant)


def parse_seeds(text, where):
    """'5' -> 1..5; '3..7' -> 3..7; '1 2 3' or '1, 2, 3' -> that list."""
    text = text.strip()
    m = re.fullmatch(r"(\d+)\s*\.\.\s*(\d+)", text)
    if m:
        lo, hi = int(m.group(1)), int(m.group(2))
        if lo > hi:
            raise GridError(f"{where}: seeds: empty range '{text}'")
        return list(range(lo, hi + 1))
    parts = [p for p in re.split(r"[\s,]+", text) if p]
    if not parts or not all(p.isdigit() for p in parts):
        raise GridError(f"{where}: seeds: expected a count (5), a range (1..5) or a list (1 2 3), "
                        f"got '{text}'")
    if len(parts) == 1:
        n = int(parts[0])
        if n < 1:
            raise GridError(f"{where}: seeds: expected at least 1, got {n}")
        return list(range(1, n + 1))
    seeds = [int(p) for p in parts]
    if len(set(seeds)) != len(seeds):
        raise GridError(f"{where}: seeds: '{text}' lists a seed twice")
    return seeds


def positive_int(value, key, where):
    if not value.isdigit() or int(value) < 1:
        raise GridError(f"{where}: {key}: expected a positive integer, got '{value}'")
    return int(value)


def parse_train_splits(text, where):
    """'train devel' (or 'train, devel') -> ['train', 'devel']; each split once, known names."""
    parts = [p for p in re.split(r"[\s,]+", text.strip()) if p]
    if not parts or any(p not in TRAIN_SPLITS for p in parts) or len(set(parts)) != len(parts):
        raise GridError(f"{where}: train-splits: expected one or both of {', '.join(TRAIN_SPLITS)} "
                        f"(each once), got '{text}'")
    return parts


def training_files(folder, options):
    """The training files of a run on corpus `folder` with merged `options`: train.tsv unless the
    variant sets train-splits."""
    splits = dict(options).get("train-splits", "train").split()
    return [os.path.join(folder, f"{split}.tsv") for split in splits]


def corpus_folder(grid, name):
    """The folder of a corpus of [corpora] or [aux-corpora]; None if neither names it."""
    for n, folder in grid.corpora + grid.aux_corpora:
        if n == name:
            return folder
    return None


def aux_arguments(grid, corpus, options):
    """The medner-train arguments of a run on `corpus` whose variant sets aux-corpora: the run's
    corpus as the first head and the target, each other named corpus as --aux NAME:TRAIN:DEV."""
    names = [n for n in dict(options).get("aux-corpora", "").split() if n != corpus]
    if not names:
        return []
    aux = []
    for n in names:
        folder = corpus_folder(grid, n)
        aux.append(f"{n}:{os.path.join(folder, 'train.tsv')}:{os.path.join(folder, 'devel.tsv')}")
    return ["--head-name", corpus, "--targets", corpus, "--aux", ",".join(aux)]


def strip_comment(line):
    hash_at = line.find("#")
    return (line if hash_at < 0 else line[:hash_at]).strip()


def read_grid(path):
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise GridError(f"{path}: cannot read grid file: {e.strerror}")
    except UnicodeDecodeError:
        raise GridError(f"{path}: not UTF-8 text")
    grid = Grid(path)
    section = None          # None (top level), "corpora" or ("variant", index)
    seen_top = set()
    reference_line = None
    aux_lines = []  # (where, variant, value) of aux-corpora lines, checked once all is read
    for number, raw in enumerate(lines, 1):
        where = f"{path}:{number}"
        line = strip_comment(raw)
        if not line:
            continue
        if line.startswith("["):
            m = re.fullmatch(r"\[\s*(corpora|aux-corpora|variant\s+(\S+))\s*\]", line)
            if not m:
                raise GridError(f"{where}: expected a section '[corpora]', '[aux-corpora]' or "
                                f"'[variant NAME]', got '{line}'")
            if m.group(2) is None:
                section = m.group(1)
                continue
            name = m.group(2)
            if not NAME_RE.match(name):
                raise GridError(f"{where}: variant name '{name}': use letters, digits, '.', '_' "
                                f"and '-' (it becomes a folder name)")
            if name in grid.variant_names():
                raise GridError(f"{where}: variant '{name}' defined twice")
            grid.variants.append((name, []))
            section = ("variant", len(grid.variants) - 1)
            continue
        if "=" not in line:
            if section in ("corpora", "aux-corpora"):  # a bare folder: its base name is the name
                folder = line
                key = os.path.basename(os.path.normpath(folder))
            else:
                raise GridError(f"{where}: expected 'key = value', got '{line}'")
        else:
            key, _, value = line.partition("=")
            key, value = key.strip(), value.strip()
            folder = value
        if section is None:
            if key not in TOP_LEVEL:
                raise GridError(f"{where}: unknown setting '{key}'; expected one of "
                                f"{', '.join(TOP_LEVEL)} (or a [corpora] / [variant NAME] section)")
            if key in seen_top:
                raise GridError(f"{where}: setting '{key}' given twice")
            seen_top.add(key)
            if key == "name":
                if not NAME_RE.match(value):
                    raise GridError(f"{where}: name '{value}': use letters, digits, '.', '_', '-'")
                grid.name = value
            elif key == "title":
                grid.title = value
            elif key == "base":
                grid.base = value
            elif key == "seeds":
                grid.seeds = parse_seeds(value, where)
            elif key == "reference":
                grid.reference = value
                reference_line = where
            elif key == "threads":
                grid.threads = positive_int(value, key, where)
            elif key == "significance":
                if value not in ("bootstrap", "randomization"):
                    raise GridError(f"{where}: significance: expected bootstrap or randomization, "
                                    f"got '{value}'")
                grid.significance = value
            elif key == "samples":
                grid.samples = positive_int(value, key, where)
        elif section in ("corpora", "aux-corpora"):
            if not NAME_RE.match(key):
                raise GridError(f"{where}: corpus name '{key}': use letters, digits, '.', '_', "
                                f"'-' (it becomes a folder name)")
            if not folder:
                raise GridError(f"{where}: corpus '{key}' has no folder")
            if key in [c[0] for c in grid.corpora + grid.aux_corpora]:
                raise GridError(f"{where}: corpus '{key}' listed twice")
            (grid.corpora if section == "corpora" else grid.aux_corpora).append((key, folder))
        else:
            name, opts = grid.variants[section[1]]
            if not KEY_RE.match(key):
                raise GridError(f"{where}: variant '{name}': '{key}' is not an option name")
            if key in RUNNER_OPTIONS:
                hint = " (list seeds in 'seeds = ...')" if key == "seed" else ""
                raise GridError(f"{where}: variant '{name}': '{key}' is set by the runner for "
                                f"every run and cannot be overridden{hint}")
            if key in [k for k, _ in opts]:
                raise GridError(f"{where}: variant '{name}': '{key}' given twice")
            if key == "train-splits":
                value = " ".join(parse_train_splits(value, f"{where}: variant '{name}'"))
            if key == "aux-corpora":
                aux_lines.append((where, name, value))
            opts.append((key, value))
    if not grid.corpora:
        raise GridError(f"{path}: no corpora; add a [corpora] section with 'name = folder' lines")
    for where, name, value in aux_lines:
        names = value.split()
        if not names:
            raise GridError(f"{where}: variant '{name}': aux-corpora: expected corpus names")
        for n in names:
            if corpus_folder(grid, n) is None:
                raise GridError(f"{where}: variant '{name}': aux-corpora: '{n}' is not a corpus of "
                                f"[corpora] or [aux-corpora]")
        clash = [k for k, _ in grid.overrides(name) if k in ("aux", "head-name", "targets")]
        if clash:
            raise GridError(f"{where}: variant '{name}': aux-corpora sets {', '.join(clash)} for "
                            f"each run; the variant cannot set it too")
        for n in names + [c for c, _ in grid.corpora]:
            if not HEAD_NAME_RE.match(n) or n == "all":
                raise GridError(f"{where}: variant '{name}': aux-corpora: '{n}' cannot name a "
                                f"head (letters, digits, '_', '-'; not 'all')")
    if not grid.variants:
        grid.variants.append(("default", []))
    if grid.reference is None:
        grid.reference = grid.variants[0][0]
    elif grid.reference not in grid.variant_names():
        raise GridError(f"{reference_line}: reference '{grid.reference}' is not a variant of this "
                        f"grid ({', '.join(grid.variant_names())})")
    return grid


def check_corpora(grid, root):
    """Every corpus folder holds train.tsv, devel.tsv and test.tsv (GridError otherwise)."""
    for name, folder in grid.corpora + grid.aux_corpora:
        full = folder if os.path.isabs(folder) else os.path.join(root, folder)
        missing = [s for s in SPLITS if not os.path.isfile(os.path.join(full, s))]
        if missing:
            raise GridError(f"{grid.path}: corpus '{name}': {folder} has no "
                            f"{', '.join(missing)} (a corpus folder needs {', '.join(SPLITS)})")


def check_options(grid, known):
    """Every override key is a medner-train option (known: the set of long option names)."""
    for name, opts in grid.variants:
        for key, _ in opts:
            if key not in known and key not in RUN_KEYS:
                raise GridError(f"{grid.path}: variant '{name}': unknown medner-train option "
                                f"'{key}' (see medner-train --help)")


def read_config(path):
    """A medner-train config file as [(key, value)] in file order ('#' comments, blank lines)."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise GridError(f"{path}: cannot read base config: {e.strerror}")
    out = []
    for number, raw in enumerate(lines, 1):
        line = strip_comment(raw)
        if not line:
            continue
        if "=" not in line:
            raise GridError(f"{path}:{number}: expected 'key = value', got '{line}'")
        key, _, value = line.partition("=")
        out.append((key.strip(), value.strip()))
    return out


def merge_options(base, overrides):
    """Base options with overrides replacing values in place; new keys appended in order."""
    merged = [(k, v) for k, v in base]
    keys = [k for k, _ in merged]
    for key, value in overrides:
        if key in keys:
            merged[keys.index(key)] = (key, value)
        else:
            merged.append((key, value))
            keys.append(key)
    return merged
