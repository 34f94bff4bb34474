#!/usr/bin/env bash
# applycal benchmark, all in one run, on the MS of the performance issue (~1.5 GB, MMSMPI_BENCH_SIZE_MB; one spw of
# 256 channels, 4 correlations, WEIGHT_SPECTRUM) with its true gain and bandpass tables (simulate --caltables):
# the reference is casacore reading DATA and writing it to CORRECTED_DATA (TaQL UPDATE on a copy that has the
# column); a second one adds the weights' I/O that calwt needs (WEIGHT_SPECTRUM from SIGMA_SPECTRUM, WEIGHT).
# Then applycal of the G and B tables on the plain MS in one process, without and with calwt (WEIGHT_SPECTRUM
# calibrated; flag backup as by default), and with calwt on an MMS of 4 sub-MSs with 1 and 2 workers (mpiexec with
# 2 and 3 ranks).
# CORRECTED_DATA exists before every timed run (clearcal, untimed), as in a pipeline's second applycal.
# Timings include `sync`; ratios are to the reference (lower is faster).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SIZE="${MMSMPI_BENCH_SIZE_MB:-1500}"
NAME="applycal-${SIZE}mb"
MS=$(bench_ms "$NAME" "$SIZE" --nchan 256 --nfield 1 --weight-spectrum --caltables "$BENCH_DIR/$NAME")
TABLES="$BENCH_DIR/$NAME.G,$BENCH_DIR/$NAME.B"
WORK="$BENCH_DIR/$NAME-work.ms"
MMS="$BENCH_DIR/$NAME-work.mms"
engine() { dotnet "$MMSMPI_DLL" "$@" > /dev/null 2>&1; }
if [ ! -d "$WORK" ]; then cp -r "$MS" "$WORK"; engine clearcal --vis "$WORK"; fi
[ -d "$MMS" ] || { engine partition --vis "$WORK" --outputvis "$MMS" --numsubms 4 --flagbackup false; engine clearcal --vis "$MMS"; }
find "$WORK" "$MMS" -name 'table.f*' -exec cat {} + > /dev/null   # the page cache warm for both, as for the source MS
echo "MS: $MS ($(du -sh "$MS" | cut -f1)); MMS of 4 sub-MSs; tables $TABLES"
# Untimed: the flags as simulated and no backup left from the run before.
reset() { rm -rf "$1.flagversions"; }

measure read_write_data taql "update '$WORK' set CORRECTED_DATA = DATA"
measure read_write_data_weights taql "update '$WORK' set CORRECTED_DATA = DATA, WEIGHT_SPECTRUM = 1/SIGMA_SPECTRUM**2, WEIGHT = 1/SIGMA**2"
reset "$WORK"
measure applycal_ms_nocalwt dotnet "$MMSMPI_DLL" applycal --vis "$WORK" --gaintable "$TABLES" --calwt false
reset "$WORK"
measure applycal_ms_1process dotnet "$MMSMPI_DLL" applycal --vis "$WORK" --gaintable "$TABLES"
for ranks in 2 3; do
  reset "$MMS"
  measure "applycal_mms_$((ranks - 1))worker" "$ROOT/scripts/run-mpi.sh" -n "$ranks" applycal --vis "$MMS" --gaintable "$TABLES"
done
reset "$WORK"; reset "$MMS"
report
