#!/usr/bin/env python3
"""Concatenates two word2vec text files into one whose rows are [A; B], for medner-train
--embeddings with --word-dim dim(A) + dim(B): GloVe (lower-case) beside vectors pretrained on
biomedical text (cased; each word is looked up lower-cased, its most frequent casing first, as
medner-pretrain writes rows by frequency). A word missing from one file gets zeros there.

usage: concat_vectors.py A.vec B.vec OUT.vec"""
import os
import sys


def read(path, lower):
    vectors = {}
    with open(path, encoding="utf-8") as f:
        first = f.readline().split()
        if len(first) != 2:  # no "count dim" header line
            f.seek(0)
        for line in f:
            parts = line.rstrip("\n").split(" ")
            word = parts[0].lower() if lower else parts[0]
            vectors.setdefault(word, parts[1:])
    return vectors


def main():
    a_path, b_path, out = sys.argv[1:4]
    a, b = read(a_path, False), read(b_path, True)
    da, db = len(next(iter(a.values()))), len(next(iter(b.values())))
    words = list(a) + [w for w in b if w not in a]
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(f"{len(words)} {da + db}\n")
        for w in words:
            f.write(" ".join([w] + a.get(w, ["0"] * da) + b.get(w, ["0"] * db)) + "\n")
    os.replace(tmp, out)
    print(f"{out}: {len(words)} words ({len(a)} from A, {len(b)} from B), {da + db} dimensions")


if __name__ == "__main__":
    main()
