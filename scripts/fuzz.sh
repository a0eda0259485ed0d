#!/usr/bin/env bash
# Builds medner's libFuzzer targets (fuzz/) with clang, AddressSanitizer and UBSan, and runs each
# for a bounded time on its seed corpus (fuzz/corpus/<target>). New inputs the fuzzer keeps go to
# BUILD/corpus/<target> (not into the repository); a crash, a sanitizer report, a timeout or
# an out-of-memory stops with the input saved under BUILD/findings/<target>/ and exit 1.
# CI (scripts/test.sh) runs it with MEDNER_FUZZ_SECONDS per target.
# Replay a finding: BUILD/fuzz/fuzz_<target> BUILD/findings/<target>/crash-...
# Usage: bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   SECONDS_PER_TARGET: default $MEDNER_FUZZ_SECONDS, else 60
#   targets: conll model embeddings tokenizer formats (default: all, one after the other)
#   BUILD: $MEDNER_FUZZ_BUILD, default build/fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${MEDNER_FUZZ_SECONDS:-60}}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(conll model embeddings tokenizer formats)

# clang 14 with its libFuzzer/sanitizer runtimes and OpenMP: install-deps.sh installs them with
# the rest (it does nothing when everything is present).
bash scripts/install-deps.sh
CXX=$(command -v clang++-14 || command -v clang++)

build=${MEDNER_FUZZ_BUILD:-build/fuzz}
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMEDNER_FUZZ=ON -DMEDNER_SANITIZE='address;undefined' -DMEDNER_BUILD_TESTS=OFF -DMEDNER_WERROR=ON >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/findings/$t"
  echo "=== fuzz_$t: $seconds s"
  # -rss_limit_mb: a reader must not need gigabytes for a few KB of input; -timeout: nor seconds.
  if ! "$build/fuzz/fuzz_$t" "$build/corpus/$t" "fuzz/corpus/$t" -max_total_time="$seconds" \
      -max_len=16384 -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
      -artifact_prefix="$build/findings/$t/" 2>"$build/findings/$t.log"; then
    echo "FINDING in fuzz_$t (input saved in $build/findings/$t/):"
    grep -E 'FUZZ FINDING|ERROR: |SUMMARY|runtime error|Test unit written' "$build/findings/$t.log" | head -20 || true
    status=1
  fi
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|cov: .*corp' "$build/findings/$t.log" | tail -3 || true
done
exit $status
