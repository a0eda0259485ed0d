"""The Python module against the command-line tools (python/medner): Tagger.tag and tag_many give
the entities medner-tag gives for the same lines, offsets slice the text, tag_many is the same on
any thread count and runs without the GIL, the card is medner-eval --info's, a shipped model
loads by name, evaluate equals medner-eval --format json and an independent count, and errors
carry the CLI's messages.

Usage: test_medner.py BIN_DIR (run from the repository root, PYTHONPATH=<build>/python)."""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import medner

BIN = sys.argv[1]
failures = []


def check(what, ok):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def sentences(path, n):
    blocks = open(path, encoding="utf-8").read().split("\n\n")
    return "\n\n".join(blocks[:n]) + "\n\n"


with tempfile.TemporaryDirectory() as d:
    train = os.path.join(d, "train.tsv")
    open(train, "w", encoding="utf-8").write(sentences("data/ncbi-disease/train.tsv", 60))
    model = os.path.join(d, "m.bin")
    subprocess.run([os.path.join(BIN, "medner-train"), "--train", train, "--dev", train, "--model", model,
                    "--word-dim", "16", "--casing-dim", "4", "--char-dim", "8", "--char-hidden", "8", "--hidden", "16",
                    "--dropout", "0", "--singleton-unk", "0", "--lr", "0.02", "--lr-decay", "0", "--batch-size", "8",
                    "--max-epochs", "25", "--patience", "25", "--threads", "1"],
                   check=True, stderr=subprocess.DEVNULL)
    texts = [" ".join(l.split("\t")[0] for l in block.split("\n") if l)
             for block in open(train, encoding="utf-8").read().split("\n\n")[:30] if block.strip()]
    texts.append("β-blockers in “ataxia-telangiectasia” 😀 patients")
    inp = os.path.join(d, "in.txt")
    open(inp, "w", encoding="utf-8").write("\n".join(texts) + "\n")
    cli = [json.loads(l)["entities"] for l in
           subprocess.run([os.path.join(BIN, "medner-tag"), "--model", model, "--input", inp, "--threads", "1"],
                          check=True, capture_output=True, text=True).stdout.splitlines()]

    t = medner.Tagger(model, threads=1)
    check("types", t.types == ["Disease"])
    one = [t.tag(x) for x in texts]
    many = t.tag_many(texts, threads=2)
    # Tagged alone, a sentence's padding and batch differ from medner-tag's batches, and float
    # sums with them: the confidences agree to about 1e-5, all else exactly.
    def same(a, b):
        return len(a) == len(b) and all(
            {k: v for k, v in x.items() if k != "confidence"} == {k: v for k, v in y.items() if k != "confidence"}
            and abs(x["confidence"] - y["confidence"]) < 1e-4 for x, y in zip(a, b))
    check("tag == medner-tag", all(same(a, b) for a, b in zip(one, cli)) and len(one) == len(cli))
    check("tag_many == medner-tag", many == cli)
    check("entities found", sum(len(e) for e in one) >= 10)
    for x, ents in zip(texts, one):
        for e in ents:
            check(f"offsets slice the text: {e}", x[e["start"]:e["end"]] == e["text"])
    check("tag_many of nothing", t.tag_many([]) == [])

    # The GIL is released: a Python thread keeps running while tag_many works.
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    th = threading.Thread(target=ticker)
    th.start()
    start = time.perf_counter()
    t.tag_many(texts * 40, threads=1)
    end = time.perf_counter()
    stop.set()
    th.join()
    during = [x for x in ticks if start < x < end]
    check(f"the GIL is released during tag_many ({len(during)} ticks in {end - start:.2f} s)",
          end - start < 0.05 or len(during) >= 5)

    # evaluate: the files, as medner-eval --format json; the tag lists, against a count here.
    pred = os.path.join(d, "pred.tsv")
    lines = open(train, encoding="utf-8").read().split("\n")
    flipped = [l.replace("B-Disease", "O") if i % 7 == 0 else l for i, l in enumerate(lines)]
    open(pred, "w", encoding="utf-8").write("\n".join(flipped))
    report = medner.evaluate(train, pred)
    want = json.loads(subprocess.run([os.path.join(BIN, "medner-eval"), "--gold", train, "--pred", pred, "--format",
                                      "json"], check=True, capture_output=True, text=True).stdout)
    check("evaluate(files) == medner-eval --format json", report == want)
    gold_tags = [["B-Disease", "I-Disease", "O", "B-Disease"], ["O", "B-Disease"]]
    pred_tags = [["B-Disease", "I-Disease", "O", "O"], ["O", "B-Disease"]]
    r = medner.evaluate(gold_tags, pred_tags)
    # 3 gold chunks, 2 predicted, 2 correct: P = 100, R = 66.67, F1 = 80 (percent, like the CLI).
    o = r["overall"]
    check(f"evaluate(lists) overall {o}", (o["gold"], o["predicted"], o["correct"]) == (3, 2, 2)
          and abs(o["f1"] - 80.0) < 1e-6)

    # The card: what medner-eval --info says of the model.
    info = json.loads(subprocess.run([os.path.join(BIN, "medner-eval"), "--info", model, "--format", "json"],
                                     check=True, capture_output=True, text=True).stdout)
    check("card == medner-eval --info's", t.card == info["card"] and "dev" in t.card["scores"])

    # A model of two corpora: head="bc5" tags as medner-tag --head bc5 does, over that head's types.
    aux = os.path.join(d, "bc5.tsv")
    open(aux, "w", encoding="utf-8").write(sentences("data/bc5cdr/train.tsv", 40))
    two = os.path.join(d, "two.bin")
    subprocess.run([os.path.join(BIN, "medner-train"), "--train", train, "--dev", train, "--aux",
                    "bc5:%s:%s" % (aux, aux), "--model", two, "--word-dim", "16", "--casing-dim", "4", "--char-dim",
                    "8", "--char-hidden", "8", "--hidden", "16", "--dropout", "0", "--lr", "0.02", "--lr-decay", "0",
                    "--batch-size", "8", "--max-epochs", "10", "--threads", "1"], check=True, stderr=subprocess.DEVNULL)
    bc5 = medner.Tagger(two, threads=1, head="bc5")
    cli_bc5 = [json.loads(l)["entities"] for l in
               subprocess.run([os.path.join(BIN, "medner-tag"), "--model", two, "--head", "bc5", "--input", inp,
                               "--threads", "1"], check=True, capture_output=True, text=True).stdout.splitlines()]
    check(f"heads {bc5.heads}", bc5.heads == ["main", "bc5"])
    check(f"head bc5's types {bc5.types}", bc5.types == ["Chemical", "Disease"])
    check("head bc5: tag_many == medner-tag --head bc5", bc5.tag_many(texts, threads=1) == cli_bc5)
    check("the first head by default", medner.Tagger(two, threads=1).types == ["Disease"])

    # A shipped model by its name, as the README's quick start uses it.
    if os.path.exists("models/ncbi-disease.bin"):
        shipped = medner.Tagger("ncbi-disease", threads=1)
        text = "Germline mutations in BRCA1 cause hereditary breast and ovarian cancer."
        cli_line = subprocess.run([os.path.join(BIN, "medner-tag"), "--model", "ncbi-disease", "--threads", "1"],
                                  input=text + "\n", check=True, capture_output=True, text=True).stdout
        got = shipped.tag(text)
        check(f"shipped model: tag == medner-tag ({got})", same(got, json.loads(cli_line)["entities"]) and got)
        check("shipped model: its card has test scores", shipped.card["scores"]["test"]["f1"] > 80)
    else:
        check("models/ncbi-disease.bin is shipped", False)
    if os.path.exists("models/bc5cdr.bin"):
        # The "CP" of "CP levels" is tagged only once the definition "cis-platinum (CP)" is read.
        text = "Treatment with cis-platinum (CP) caused nephrotoxicity. CP levels rose after the second cycle of CP."
        cli_line = subprocess.run([os.path.join(BIN, "medner-tag"), "--model", "bc5cdr", "--threads", "1",
                                   "--abbreviations"], input=text + "\n", check=True, capture_output=True,
                                  text=True).stdout
        plain = medner.Tagger("bc5cdr", threads=1).tag(text)
        resolved = medner.Tagger("bc5cdr", threads=1, abbreviations=True).tag(text)
        check(f"abbreviations: tag == medner-tag --abbreviations ({resolved})",
              same(resolved, json.loads(cli_line)["entities"]))
        added = [e for e in resolved if e not in plain and e["text"] == "CP" and e["type"] == "Chemical"]
        check(f"abbreviations: one more CP ({plain})", len(resolved) == len(plain) + 1 and len(added) == 1
              and text[added[0]["start"]:].startswith("CP levels"))

    # Errors: the CLI's messages as Python exceptions.
    def error(f):
        try:
            f()
        except Exception as e:  # noqa: BLE001
            return type(e).__name__, str(e)
        return None, ""

    kind, msg = error(lambda: medner.Tagger(os.path.join(d, "none.bin")))
    check(f"missing model: {kind} {msg}", kind == "OSError" and "none.bin: cannot open" in msg)
    open(os.path.join(d, "bad.bin"), "w").write("not a model")
    kind, msg = error(lambda: medner.Tagger(os.path.join(d, "bad.bin")))
    check(f"not a model: {kind} {msg}", kind == "ValueError" and "bad.bin" in msg)
    kind, msg = error(lambda: t.tag_many(texts, threads=100000))
    check(f"threads bound: {kind} {msg}", kind == "ValueError" and "threads" in msg)
    kind, msg = error(lambda: medner.Tagger(two, head="craft"))
    check(f"no such head: {kind} {msg}", kind == "ValueError"
          and msg == "--head: the model has no head 'craft'; its heads are main, bc5")
    kind, msg = error(lambda: medner.evaluate([["B-X"]], [["B-X", "O"]]))
    check(f"evaluate lengths: {kind} {msg}", kind == "ValueError" and "sentence 1" in msg)

if failures:
    print(f"test_medner: {len(failures)} failure(s)")
    sys.exit(1)
print("test_medner: all passed")
