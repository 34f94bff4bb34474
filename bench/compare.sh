#!/usr/bin/env bash
# Every performance target in one run: each timing is divided by the reference it is judged against, measured in
# the same run on the same MS, and printed as "ratio / target". The MS is the one the targets were set on:
# VLA layout, one spw of 256 channels, 4 correlations, WEIGHT_SPECTRUM, ~1.5 GB (MMSMPI_COMPARE_SIZE_MB); its MMS
# has 4 sub-MSs. References: `cp -r` of the MS, and the read floor (bench/IoFloor: a bare casacore read of the
# columns a task reads, in the same chunks, into scratch buffers). Peak memory per rank is read from each run's
# debug log (VmHWM); a second MS of 4× the size (MMSMPI_COMPARE_BIG=0 skips it) checks that it stays flat.
# Timings include `sync`; the page cache is warm. The machine is shared: run it more than once and list every run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
dotnet build "$ROOT/bench/IoFloor" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
IO_FLOOR="$ROOT/bench/IoFloor/bin/Release/net10.0/io_floor.dll"
export MMSMPI_DEBUG=1   # each rank logs its start-up and peak memory

SIZE="${MMSMPI_COMPARE_SIZE_MB:-1500}"
LAYOUT=(--nchan 256 --nfield 1 --weight-spectrum)
MS=$(bench_ms "compare-${SIZE}mb" "$SIZE" "${LAYOUT[@]}")
MMS="$BENCH_DIR/compare-${SIZE}mb.mms"
[ -d "$MMS" ] || "$ROOT/scripts/run-mpi.sh" -n 3 partition --vis "$MS" --outputvis "$MMS" --numsubms 4 --flagbackup false > /dev/null 2>&1
find "$MMS" -name 'table.f*' -exec cat {} + > /dev/null
echo "MS: $MS ($(du -sh "$MS" | cut -f1)); MMS of 4 sub-MSs; $(nproc) cores"

one() { dotnet "$MMSMPI_DLL" "$@"; }
mpi() { local n="$1"; shift; "$ROOT/scripts/run-mpi.sh" -n "$n" "$@"; }
AVG=(--datacolumn data --chanaverage --chanbin 4 --timeaverage --timebin 20s)
OUT="$BENCH_DIR/compare-out"

timed cp "$OUT.ms" cp -r "$MS" "$OUT.ms"
measure io_floor dotnet "$IO_FLOOR" "$MS"
timed mst_avg_1proc "$OUT.ms" one mstransform --vis "$MS" --outputvis "$OUT.ms" "${AVG[@]}"
timed mst_avg_mms_2workers "$OUT.mms" mpi 3 mstransform --vis "$MMS" --outputvis "$OUT.mms" "${AVG[@]}"
timed mst_chanaverage_1proc "$OUT.ms" one mstransform --vis "$MS" --outputvis "$OUT.ms" --datacolumn data --chanaverage --chanbin 4
timed mst_timeaverage_1proc "$OUT.ms" one mstransform --vis "$MS" --outputvis "$OUT.ms" --datacolumn data --timeaverage --timebin 20s
timed mst_hanning_1proc "$OUT.ms" one mstransform --vis "$MS" --outputvis "$OUT.ms" --datacolumn data --hanning
timed mst_regrid_lsrk_1proc "$OUT.ms" one mstransform --vis "$MS" --outputvis "$OUT.ms" --datacolumn data --regridms --outframe LSRK
timed partition_1worker "$OUT.mms" mpi 2 partition --vis "$MS" --outputvis "$OUT.mms" --numsubms 4 --flagbackup false
timed partition_2workers "$OUT.mms" mpi 3 partition --vis "$MS" --outputvis "$OUT.mms" --numsubms 4 --flagbackup false
timed partition_2workers_flagbackup "$OUT.mms" mpi 3 partition --vis "$MS" --outputvis "$OUT.mms" --numsubms 4 --flagbackup true

# flagdata on the MMS, each run from the same flags (restored untimed) and with its flagdata_N backup, as by default
manager() { one flagmanager --vis "$MMS" "$@" > /dev/null 2>&1; }
grep -qs '^compare ' "$MMS.flagversions/FLAG_VERSION_LIST" || manager --mode save --versionname compare --comment "flags as simulated"
reset_flags() {
  manager --mode restore --versionname compare
  if grep -q '^flagdata_1 ' "$MMS.flagversions/FLAG_VERSION_LIST"; then manager --mode delete --versionname flagdata_1; fi
}
# the flagdata targets' reference, as bench/flagdata.sh measured it when they were set: casacore (TaQL) reading
# FLAG and DATA of the MMS; the bare read of the same columns is listed beside it
measure taql_read_flag_data_mms taql "select gsum(ntrue(FLAG)) as NF, gsum(sum(abs(DATA))) as SD from '$MMS'"
grep -q 'select result of 1 rows' "$BENCH_DIR/taql_read_flag_data_mms.log" || { echo "taql read failed" >&2; exit 1; }
measure io_floor_flag_data_mms dotnet "$IO_FLOOR" "$MMS" FLAG,DATA
for op in clip tfcrop summary; do
  case "$op" in
    clip) args=(--mode clip --clipminmax '[0,1]') ;;
    tfcrop) args=(--mode tfcrop) ;;
    summary) args=(--mode summary) ;;
  esac
  for workers in 1 2; do
    reset_flags
    measure "flagdata_${op}_${workers}worker" mpi $((workers + 1)) flagdata --vis "$MMS" "${args[@]}"
  done
  # the cores without mpiexec: one process runs the MMS's sub-MS jobs in threads (--nthreads, default the cores)
  reset_flags
  measure "flagdata_${op}_1proc_2thread" one flagdata --vis "$MMS" "${args[@]}" --nthreads 2
done
reset_flags
measure flagdata_tfcrop_1proc_1thread one flagdata --vis "$MMS" --mode tfcrop --nthreads 1
reset_flags
for n in 1 2; do timed "mst_avg_mms_1proc_${n}thread" "$OUT.mms" one mstransform --vis "$MMS" --outputvis "$OUT.mms" "${AVG[@]}" --nthreads "$n"; done

for i in 1 2 3; do measure "startup_$i" mpi 3 --version; done

if [ "${MMSMPI_COMPARE_BIG:-1}" = 1 ]; then
  BIG=$(bench_ms "compare-$((4 * SIZE))mb" $((4 * SIZE)) "${LAYOUT[@]}")
  timed mst_avg_1proc_4x_ms "$OUT.ms" one mstransform --vis "$BIG" --outputvis "$OUT.ms" "${AVG[@]}"
fi

report
echo
# The per-rank figures of a run's debug log (none for cp, taql and io_floor): the largest peak memory and start-up over its ranks.
peak_mb() { { grep -ho 'peak memory [0-9]*' "$BENCH_DIR/$1.log" || true; } | awk '{ if ($3 > m) m = $3 } END { print m + 0 }'; }
startup_s() { { grep -ho 'start-up [0-9.]*' "$BENCH_DIR/$1.log" || true; } | awk '{ if ($2 > m) m = $2 } END { print m + 0 }'; }
target() {   # target NAME REFERENCE LIMIT: NAME's seconds over REFERENCE's, against LIMIT
  awk -v n="$1" -v r="$2" -v s="${BENCH_SECONDS[$1]}" -v c="${BENCH_SECONDS[$2]}" -v t="$3" \
    'BEGIN { q = s / c; printf "%-34s %-24s %6.2f / %-5s %s\n", n, "vs " r, q, t, (q <= t ? "met" : "NOT met") }'
}
ratio() {    # ratio NAME REFERENCE: NAME's seconds over REFERENCE's, without a target
  awk -v n="$1" -v r="$2" -v s="${BENCH_SECONDS[$1]}" -v c="${BENCH_SECONDS[$2]}" 'BEGIN { printf "%-34s %-24s %6.2f   (no target)\n", n, "vs " r, s / c }'
}
limit() {    # limit NAME WHAT VALUE LIMIT
  awk -v n="$1" -v w="$2" -v v="$3" -v t="$4" 'BEGIN { printf "%-34s %-24s %6.2f / %-5s %s\n", n, w, v, t, (v <= t ? "met" : "NOT met") }'
}
printf '%-34s %-24s %s\n' target reference "ratio / target"
target mst_avg_1proc cp 0.75
target mst_avg_1proc io_floor 1.15
target mst_avg_mms_2workers cp 0.6
for t in chanaverage timeaverage hanning regrid_lsrk; do target "mst_${t}_1proc" io_floor 1.2; done
target partition_2workers cp 1.3
target partition_1worker cp 1.6
target partition_2workers_flagbackup partition_2workers 1.1
for run in 1worker 2worker 1proc_2thread; do
  target "flagdata_clip_$run" taql_read_flag_data_mms 0.8
  target "flagdata_tfcrop_$run" taql_read_flag_data_mms 2.0
  target "flagdata_summary_$run" taql_read_flag_data_mms 0.3
done
target io_floor_flag_data_mms taql_read_flag_data_mms 1.0
ratio flagdata_tfcrop_1proc_2thread flagdata_tfcrop_1proc_1thread
ratio flagdata_tfcrop_1proc_2thread flagdata_tfcrop_2worker
ratio mst_avg_mms_1proc_2thread mst_avg_mms_1proc_1thread
ratio mst_avg_mms_1proc_2thread mst_avg_mms_2workers
peak=0
for name in "${BENCH_ORDER[@]}"; do
  [[ "$name" == mst_avg_1proc_4x_ms ]] && continue
  p=$(peak_mb "$name")
  if (( p > peak )); then peak=$p; fi
done
limit "peak memory per rank (MB)" "largest rank, every run" "$peak" 400
if [ -n "${BENCH_SECONDS[mst_avg_1proc_4x_ms]:-}" ]; then
  limit "peak memory, 4x MS / 1x MS" "mst_avg_1proc" "$(awk -v a="$(peak_mb mst_avg_1proc_4x_ms)" -v b="$(peak_mb mst_avg_1proc)" 'BEGIN { print a / b }')" 1.1
fi
startup=$(for i in 1 2 3; do startup_s "startup_$i"; done | sort -n | tail -1)
limit "start-up per rank (s)" "run-mpi.sh -n 3 --version" "$startup" 0.3
