#!/usr/bin/env bash
# The test command: installs dependencies, then builds and runs the whole suite in the
# configurations CI gates on: Release (warnings as errors, with the Python module and its test), the double-precision build
# (gradient checks), AddressSanitizer + UndefinedBehaviorSanitizer (every CTest entry, the
# end-to-end tests of tests/cli included; a sanitizer report fails the test), the Open MPI build
# (MEDNER_MPI=ON), whose cli_mpi_equivalence test trains under `mpirun -np 2`, and last the
# bounded fuzzing of scripts/fuzz.sh: each libFuzzer target for MEDNER_FUZZ_SECONDS (default 60)
# on its seed corpus; a finding fails the run. Durations: docs/robustness.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
start_all=$SECONDS

build_and_test() {  # dir, ctest args..., -- cmake args...
  local dir=$1; shift
  local ctest_args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do ctest_args+=("$1"); shift; done
  shift
  echo "=== $dir: cmake $*"
  cmake -S . -B "$dir" -DMEDNER_WERROR=ON "$@" >/dev/null
  local start=$SECONDS
  cmake --build "$dir" -j "$jobs"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" "${ctest_args[@]}")
  echo "=== $dir: passed in $((SECONDS - start)) s"
}

build_and_test build/release -- -DCMAKE_BUILD_TYPE=Release -DMEDNER_NATIVE=ON -DMEDNER_PYTHON=ON
build_and_test build/double -R '^(core|ops|layers|crf|optim)$' -- -DCMAKE_BUILD_TYPE=Release -DMEDNER_DOUBLE=ON
# Leaks, heap/stack/use-after-free errors and undefined behaviour abort the test that hits them.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
  build_and_test build/asan -- -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEDNER_SANITIZE='address;undefined'
build_and_test build/mpi -R '^(dist|train|apps|cli_.*)$' -- -DCMAKE_BUILD_TYPE=Release -DMEDNER_MPI=ON
start=$SECONDS
MEDNER_FUZZ_BUILD=build/fuzz bash scripts/fuzz.sh "${MEDNER_FUZZ_SECONDS:-60}"
echo "=== build/fuzz: passed in $((SECONDS - start)) s"
echo "all configurations passed in $((SECONDS - start_all)) s"
