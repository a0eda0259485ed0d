#!/usr/bin/env bash
# The main job: install dependencies, build a native Release, train the default configuration on
# NCBI-disease, score the best model on its test set, and tag an example sentence.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DMEDNER_NATIVE=ON -DMEDNER_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)" --target medner-train medner-eval medner-tag
bin=build/release/apps
out=runs/quickstart
mkdir -p "$out"
"$bin/medner-train" --config experiments/configs/default.conf \
  --train data/ncbi-disease/train.tsv --dev data/ncbi-disease/devel.tsv \
  --model "$out/ncbi-disease.model" --log "$out/train.jsonl"
echo "== test set (data/ncbi-disease/test.tsv)"
"$bin/medner-eval" --model "$out/ncbi-disease.model" --data data/ncbi-disease/test.tsv \
  --out "$out/test.pred"
echo "== tagging an example sentence"
echo "Mutations in the BRCA1 gene cause hereditary breast and ovarian cancer." |
  "$bin/medner-tag" --model "$out/ncbi-disease.model" --output-format jsonl
