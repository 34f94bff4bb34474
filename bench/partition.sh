#!/usr/bin/env bash
# Partition benchmark, all in one run on one generated MS (default ~1.1 GB, MMSMPI_BENCH_SIZE_MB): `cp -r` of the MS,
# casacore's own copy (TaQL `giving ... as plain`), and our partition with 1 and 2 workers (mpiexec with 2 and 3
# ranks), without and with the flag backup. Timings include `sync`; ratios are to `cp -r` (lower is faster).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MS=$(bench_ms)
N="${MMSMPI_BENCH_NSUBMS:-4}"
echo "MS: $MS ($(du -sh "$MS" | cut -f1)), $N sub-MSs"
run() { "$ROOT/scripts/run-mpi.sh" "$@"; }

timed cp "$BENCH_DIR/cp.ms" cp -r "$MS" "$BENCH_DIR/cp.ms"
timed taql_copy "$BENCH_DIR/taql.ms" taql "select from '$MS' giving '$BENCH_DIR/taql.ms' as plain"
timed partition_1worker "$BENCH_DIR/p1.mms" run -n 2 partition --vis "$MS" --outputvis "$BENCH_DIR/p1.mms" --numsubms "$N" --flagbackup false
timed partition_2workers "$BENCH_DIR/p2.mms" run -n 3 partition --vis "$MS" --outputvis "$BENCH_DIR/p2.mms" --numsubms "$N" --flagbackup false
timed partition_2workers_flagbackup "$BENCH_DIR/p3.mms" run -n 3 partition --vis "$MS" --outputvis "$BENCH_DIR/p3.mms" --numsubms "$N"
report
