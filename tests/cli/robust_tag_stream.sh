#!/usr/bin/env bash
# The fast variant of experiments/robustness/tag_load.sh: 20,000 lines of raw text streamed
# through medner-tag's stdin (10 chunks of 2,000), every line answered by its own JSON line in
# input order, peak RSS under 400 MB (measured: 24 MB; one million lines: 28 MB, see
# docs/robustness.md). An AddressSanitizer build (shadow memory, quarantine; about 40 times
# slower) streams 5,000 lines with a limit of 1.6 GB.
# Usage (from the repository root): bash tests/cli/robust_tag_stream.sh BIN_DIR
set -u
BIN_DIR="${1:?usage: robust_tag_stream.sh BIN_DIR}"
lines=20000
limit_kb=400000
if ldd "$BIN_DIR/medner-tag" 2>/dev/null | grep -q 'libasan'; then
  lines=5000
  limit_kb=1600000
fi
bash experiments/robustness/tag_load.sh "$BIN_DIR" "$lines" "$limit_kb" 2
