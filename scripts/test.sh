#!/usr/bin/env bash
# The test command: installs dependencies, then builds and runs the whole suite in the
# configurations CI gates on: Release (warnings as errors), the double-precision build
# (gradient checks), optionally AddressSanitizer + UndefinedBehaviorSanitizer (see below), and
# the Open MPI
# build (MEDNER_MPI=ON), whose cli_mpi_equivalence test trains under `mpirun -np 2`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)

build_and_test() {  # dir, ctest args..., -- cmake args...
  local dir=$1; shift
  local ctest_args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do ctest_args+=("$1"); shift; done
  shift
  echo "=== $dir: cmake $*"
  cmake -S . -B "$dir" -DMEDNER_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  (cd "$dir" && ctest --output-on-failure -j "$jobs" "${ctest_args[@]}")
}

build_and_test build/release -- -DCMAKE_BUILD_TYPE=Release -DMEDNER_NATIVE=ON
build_and_test build/double -R '^(core|ops|layers|crf|optim)$' -- -DCMAKE_BUILD_TYPE=Release -DMEDNER_DOUBLE=ON
# The sanitizer configuration runs when MEDNER_TEST_SANITIZE=1: each module's suite has passed
# under it, but the whole suite together (end-to-end tests included) has not been verified yet.
if [ "${MEDNER_TEST_SANITIZE:-0}" = 1 ]; then
  build_and_test build/asan -- -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMEDNER_SANITIZE='address;undefined'
fi
build_and_test build/mpi -R '^(dist|train|apps|cli_.*)$' -- -DCMAKE_BUILD_TYPE=Release -DMEDNER_MPI=ON
echo "all configurations passed"
