"""medner: BiLSTM-CRF taggers for biomedical named entity recognition, from Python.

    import medner
    t = medner.Tagger("models/ncbi-disease.bin")
    t.tag("Familial adenomatous polyposis is a cancer predisposition.")
    # [{'start': 0, 'end': 29, 'type': 'Disease', 'text': 'Familial adenomatous polyposis', ...}]
    t.tag_many(texts, threads=4)      # one list of entities per text, in order
    medner.Tagger("models/bc5cdr.bin", abbreviations=True)  # "... (CRC)": CRC is a Disease in that text
    medner.evaluate("gold.tsv", "pred.tsv")["overall"]["f1"]

Offsets are code points (Python str indices): text[e["start"]:e["end"]] == e["text"]. Errors
carry the command-line tools' messages: ValueError for bad input or arguments, OSError for files.
"""
import json as _json

from ._medner import Tagger

__all__ = ["Tagger", "evaluate"]


def evaluate(gold, pred, train=None):
    """The report of medner-eval --format json as a dict: conlleval's exact-match scores overall
    and per type, the seqeval-style classification report, and with `train` (a CoNLL file) the
    scores of mentions seen and unseen in it.

    gold and pred are CoNLL file paths (pred: the same tokens, the predicted tag last), or lists
    of tag lists, one per sentence (IOB2 or IOBES)."""
    if isinstance(gold, str) and isinstance(pred, str):
        return _json.loads(_medner_module()._evaluate_files(gold, pred, train or ""))
    if train is not None:
        raise ValueError("evaluate: train goes with file paths")
    return _json.loads(_medner_module()._evaluate_tags([list(s) for s in gold], [list(s) for s in pred]))


def _medner_module():
    from . import _medner
    return _medner
