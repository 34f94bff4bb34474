#!/usr/bin/env bash
# Partition benchmark, all in one run on one generated MS (default ~1.1 GB): `cp -r` of the MS, casacore's own
# copy (TaQL `giving ... as plain`), and our partition with 1 and 2 workers (under mpiexec: 2 and 3 ranks).
# Every timing includes `sync`; the MS is read once first so every contender starts with a warm page cache.
# Prints seconds and the ratio to `cp -r` (lower is faster).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ensure_packages
build_release

DIR="${MMSMPI_BENCH_DIR:-/tmp/mmsmpi-bench}"
SIZE_MB="${MMSMPI_BENCH_SIZE_MB:-1100}"
NSUBMS="${MMSMPI_BENCH_NSUBMS:-4}"
MS="$DIR/bench-${SIZE_MB}mb.ms"
mkdir -p "$DIR"
if [ ! -d "$MS" ]; then
  dotnet "$MMSMPI_DLL" simulate --outputvis "$MS" --array vla --size-mb "$SIZE_MB" --seed 7
fi
echo "MS: $MS ($(du -sh "$MS" | cut -f1))"
cat "$MS"/table.f* > /dev/null

declare -A SECONDS_OF
timed() {  # timed NAME OUTPUT COMMAND...
  local name="$1" out="$2"; shift 2
  rm -rf "$out" "$out.flagversions"
  sync
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$DIR/$name.log" 2>&1 || { echo "$name failed, see $DIR/$name.log" >&2; exit 1; }
  sync
  # taql exits 0 even on a parse error: an output that is not there means the step did nothing.
  [ -d "$out" ] || { echo "$name wrote no $out, see $DIR/$name.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  SECONDS_OF[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
  rm -rf "$out" "$out.flagversions"
}

timed cp "$DIR/cp.ms" cp -r "$MS" "$DIR/cp.ms"
timed taql "$DIR/taql.ms" taql "select from '$MS' giving '$DIR/taql.ms' as plain"
timed partition_1worker "$DIR/p1.mms" "$ROOT/scripts/run-mpi.sh" -n 2 partition --vis "$MS" --outputvis "$DIR/p1.mms" --numsubms "$NSUBMS" --flagbackup false
timed partition_2workers "$DIR/p2.mms" "$ROOT/scripts/run-mpi.sh" -n 3 partition --vis "$MS" --outputvis "$DIR/p2.mms" --numsubms "$NSUBMS" --flagbackup false
timed partition_2workers_flagbackup "$DIR/p3.mms" "$ROOT/scripts/run-mpi.sh" -n 3 partition --vis "$MS" --outputvis "$DIR/p3.mms" --numsubms "$NSUBMS"

printf '%-32s %9s %12s\n' operation seconds "ratio to cp"
for name in cp taql partition_1worker partition_2workers partition_2workers_flagbackup; do
  awk -v n="$name" -v s="${SECONDS_OF[$name]}" -v c="${SECONDS_OF[cp]}" 'BEGIN { printf "%-32s %9.2f %12.2f\n", n, s, s / c }'
done
