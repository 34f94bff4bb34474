#!/usr/bin/env bash
# mstransform benchmark, all in one run on one generated MS (default ~1.1 GB, MMSMPI_BENCH_SIZE_MB) partitioned into
# an MMS of 4 sub-MSs: `cp -r` of the MS as reference, then channel averaging (chanbin 4), time averaging (2
# integrations), Hanning smoothing and regridding to LSRK, each on the MMS with 1 and 2 workers (mpiexec with 2 and
# 3 ranks). Timings include `sync`; ratios are to `cp -r` (lower is faster).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MS=$(bench_ms)
MMS="$BENCH_DIR/bench-${BENCH_SIZE_MB}mb.mms"
[ -d "$MMS" ] || dotnet "$MMSMPI_DLL" partition --vis "$MS" --outputvis "$MMS" --numsubms 4 --flagbackup false > /dev/null 2>&1
echo "MS: $MS ($(du -sh "$MS" | cut -f1)), MMS of 4 sub-MSs"
run() { "$ROOT/scripts/run-mpi.sh" "$@"; }

timed cp "$BENCH_DIR/cp.ms" cp -r "$MS" "$BENCH_DIR/cp.ms"
declare -A TRANSFORMS=(
  [chanaverage]="--chanaverage --chanbin 4"
  [timeaverage]="--timeaverage --timebin 20s"
  [hanning]="--hanning"
  [regrid_lsrk]="--regridms --outframe LSRK"
)
for t in chanaverage timeaverage hanning regrid_lsrk; do
  for ranks in 2 3; do
    # shellcheck disable=SC2086
    timed "${t}_$((ranks - 1))worker" "$BENCH_DIR/t.mms" run -n "$ranks" mstransform --vis "$MMS" --outputvis "$BENCH_DIR/t.mms" --datacolumn data ${TRANSFORMS[$t]}
  done
done
report
