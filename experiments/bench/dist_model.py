#!/usr/bin/env python3
"""Scaling model of medner's synchronous data parallelism on a cluster (docs/distributed.md).

Inputs measured here: the single-core training throughput and the dense gradient size, from
dist_bench JSON lines (experiments/bench/dist_bench.sh); the sentence length and how many distinct
words and characters a global batch touches, sampled from the corpus; the embedding widths, from
the training config. Inputs assumed (options): cores per node, intra-node thread efficiency,
sentences per node and step, and each network's latency and bandwidth.

Step time on N nodes (one rank per node, its threads on the node's cores):
  compute = b * L / (c * P * e)
  bytes   = 4 * (dense + dw * U_words(N*b) + dc * U_chars(N*b))     (all-reduced per step)
  sync    = 2 log2(N) a + 2 (N-1)/N * bytes / B                      (reduce-scatter + allgather)
          + log2(N) a + (N-1) * ids * 4 / B                          (allgather of touched ids)
          + 2 log2(N) a                                              (id counts, loss and tokens)
  tokens/s = N * b * L / (compute + sync)
Usage: python3 experiments/bench/dist_model.py RESULTS.jsonl [--config ...] [--corpus ...]
"""
import argparse, json, math, random


def config_value(path, key, default):
    for line in open(path):
        line = line.split("#")[0]
        if "=" in line and line.split("=")[0].strip() == key:
            return line.split("=", 1)[1].strip()
    return default


def corpus_sentences(path):
    blocks = open(path, encoding="utf-8").read().split("\n\n")
    return [[l.split("\t")[0] for l in b.split("\n") if l.strip()] for b in blocks if b.strip()]


def union_sizes(sentences, batch, lowercase, samples=20):
    """Mean number of distinct words and characters in a random batch of `batch` sentences."""
    rng = random.Random(1)
    words = chars = 0
    for _ in range(samples):
        pick = rng.sample(sentences, min(batch, len(sentences)))
        tokens = [t for s in pick for t in s]
        words += len({t.lower() if lowercase else t for t in tokens})
        chars += len({ch for t in tokens for ch in t})
    return words / samples, chars / samples


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results", help="dist_bench JSON lines (1-rank and 2-rank runs)")
    ap.add_argument("--config", default="experiments/configs/default.conf")
    ap.add_argument("--corpus", default="data/ncbi-disease/train.tsv")
    ap.add_argument("--cores", type=int, default=16, help="cores per node (one thread each)")
    ap.add_argument("--efficiency", type=float, default=0.9, help="intra-node thread efficiency")
    ap.add_argument("--per-core", type=int, default=4, help="sentences per core and step")
    args = ap.parse_args()

    runs = [json.loads(l) for l in open(args.results) if l.startswith("{")]
    single = [r for r in runs if r["ranks"] == 1 and r["threads"] == 1]
    multi = [r for r in runs if r["ranks"] > 1]
    c = max(r["tokens_per_s"] for r in single)
    dense = max(r["sync_dense_reals"] for r in multi)
    dw = int(config_value(args.config, "word-dim", "100"))
    dc = int(config_value(args.config, "char-dim", "25"))
    lowercase = config_value(args.config, "lowercase", "true") == "true"
    sentences = corpus_sentences(args.corpus)
    L = sum(map(len, sentences)) / len(sentences)
    b = args.cores * args.per_core
    node_tps = c * args.cores * args.efficiency
    compute = b * L / node_tps
    print(f"single core {c:.0f} tokens/s; node: {args.cores} cores x {args.efficiency} = {node_tps:.0f} tokens/s; "
          f"{b} sentences ({b * L:.0f} tokens) per node and step -> compute {1e3 * compute:.1f} ms")
    print(f"dense gradient {dense:.0f} reals; word dim {dw}, char dim {dc}; mean sentence {L:.1f} tokens; "
          f"corpus {args.corpus} ({len(sentences)} sentences)")
    networks = [("10 Gbit/s Ethernet (TCP)", 25e-6, 1.15e9), ("100 Gbit/s InfiniBand/RoCE", 2e-6, 11.5e9)]
    print("\n| nodes | network | global batch | all-reduce MB | compute ms | sync ms | tokens/s | speed-up | efficiency |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in (1, 8, 16, 64):
        words, chars = union_sizes(sentences, n * b, lowercase)
        own_words, own_chars = union_sizes(sentences, b, lowercase)
        nbytes = 4 * (dense + dw * words + dc * chars)
        for name, alpha, bandwidth in networks:
            lg = math.ceil(math.log2(n)) if n > 1 else 0
            sync = 0.0
            if n > 1:
                sync = (2 * lg * alpha + 2 * (n - 1) / n * nbytes / bandwidth
                        + lg * alpha + (n - 1) * (own_words + own_chars) * 4 / bandwidth + 2 * lg * alpha)
            tps = n * b * L / (compute + sync)
            mb = f"{nbytes / 1e6:.2f}" if n > 1 else "-"
            print(f"| {n} | {name if n > 1 else '-'} | {n * b} | {mb} | {1e3 * compute:.1f} | {1e3 * sync:.2f} | "
                  f"{tps:,.0f} | {tps / (b * L / compute):.1f}x | {100 * compute / (compute + sync):.0f}% |")
            if n == 1:
                break  # one node: no network


if __name__ == "__main__":
    main()
