#!/usr/bin/env bash
# Training throughput for 1 process against N ranks (default: 1 and 2 ranks x 1 thread), repeated
# in interleaved rounds so that a change in the machine's load hits every rank count alike. Prints
# each run's JSON line (dist_bench.cpp) as it comes, then a table of best and median tokens/s with
# the step time split into compute and synchronisation, and the speed-up over 1 process.
# Usage, from the repository root, with a build that has MEDNER_MPI=ON:
#   bash experiments/bench/dist_bench.sh BUILD_DIR [ROUNDS] [dist_bench options...]
# Environment: RANKS="1 2" (rank counts), THREADS=1 (per rank), MPIRUN_OPTS (default
# "--bind-to none": on a shared machine a rank pinned to a busy core stalls every step; on a
# dedicated node "--bind-to core" is the better choice).
set -euo pipefail
BUILD=${1:?usage: dist_bench.sh BUILD_DIR [ROUNDS] [dist_bench options...]}
ROUNDS=${2:-3}
shift $(($# < 2 ? $# : 2))
BENCH="$BUILD/experiments/dist_bench"
RANKS=${RANKS:-"1 2"}
THREADS=${THREADS:-1}
read -r -a MPI_OPTS <<<"${MPIRUN_OPTS:---bind-to none}"
[ -x "$BENCH" ] || { echo "error: $BENCH not built (cmake --build $BUILD --target dist_bench)" >&2; exit 1; }
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT

echo "# $(date -u +%FT%TZ) $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "# dist_bench $* ; threads per rank $THREADS; rank counts $RANKS; $ROUNDS rounds"
for round in $(seq "$ROUNDS"); do
  for n in $RANKS; do
    if [ "$n" -eq 1 ]; then
      line=$("$BENCH" --threads "$THREADS" "$@" 2>/dev/null | tail -1)
    else
      line=$(mpirun --allow-run-as-root --oversubscribe "${MPI_OPTS[@]}" -np "$n" "$BENCH" --threads "$THREADS" "$@" \
             2>/dev/null | tail -1)
    fi
    echo "$line" | tee -a "$RESULTS"
  done
done

python3 - "$RESULTS" <<'EOF'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    if line.startswith("{"):
        r = json.loads(line)
        runs.setdefault((r["ranks"], r["threads"]), []).append(r)
base = runs.get(min(runs)) if runs else None
print("\n| ranks x threads | runs | tokens/s best | tokens/s median | speed-up best (median) | step ms | compute ms | sync ms | all-reduce | core share | load (1 min) |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for key in sorted(runs):
    rs = runs[key]
    tps = [r["tokens_per_s"] for r in rs]
    med = lambda f: statistics.median(r[f] for r in rs)
    best_b = max(r["tokens_per_s"] for r in base)
    med_b = statistics.median(r["tokens_per_s"] for r in base)
    ar = "-" if key[0] == 1 else "%.2f MB in %.2f ms" % (med("allreduce_bytes") / 1e6, med("allreduce_us") / 1e3)
    print("| %d x %d | %d | %.0f | %.0f | %.2fx (%.2fx) | %.1f | %.1f | %.2f | %s | %.2f-%.2f | %.1f-%.1f |" % (
        key[0], key[1], len(rs), max(tps), statistics.median(tps), max(tps) / best_b,
        statistics.median(tps) / med_b, med("step_ms"), med("compute_ms"), med("sync_ms"), ar,
        min(r["cpu_share"] for r in rs), max(r["cpu_share"] for r in rs),
        min(r["load_before"] for r in rs), max(r["load_after"] for r in rs)))
EOF
