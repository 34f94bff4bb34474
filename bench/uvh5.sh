#!/usr/bin/env bash
# UVH5 benchmark, all in one run: a series of 4 generated UVH5 files of ~300 MB of visibilities each
# (MMSMPI_BENCH_UVH5_MB; tests/tools/uvh5_make.py, a split in time, LZF flags and nsamples as pyuvdata writes them).
# The reference is `cp -r` of the 4 files; then importuvh5 of the series into an MMS in one process and with 1 and
# 2 workers (mpiexec with 2 and 3 ranks), and exportuvh5 --per-subms of that MMS likewise (one file per sub-MS).
# Timings include `sync`; ratios are to the reference (lower is faster).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SIZE="${MMSMPI_BENCH_UVH5_MB:-300}"
SERIES="$BENCH_DIR/uvh5-${SIZE}mb"
if [ ! -d "$SERIES" ]; then
  mkdir -p "$SERIES.building"
  /usr/bin/python3 "$ROOT/tests/tools/uvh5_make.py" "$SERIES.building/night.uvh5" --size-mb "$SIZE" --series 4 --split time \
    --nant 28 --nfreq 256 > /dev/null
  mv "$SERIES.building" "$SERIES"
fi
cat "$SERIES"/*.uvh5 > /dev/null   # the page cache warm
echo "UVH5 series: $SERIES ($(du -sh "$SERIES" | cut -f1), $(ls "$SERIES" | wc -l) files)"
MMS="$BENCH_DIR/uvh5-${SIZE}mb.mms"
OUT="$BENCH_DIR/uvh5-out"

timed cp_files "$BENCH_DIR/uvh5-copy" cp -r "$SERIES" "$BENCH_DIR/uvh5-copy"
timed import_1process "$MMS" dotnet "$MMSMPI_DLL" importuvh5 --vis "$SERIES" --outputvis "$MMS"
for ranks in 2 3; do
  timed "import_$((ranks - 1))worker" "$MMS" "$ROOT/scripts/run-mpi.sh" -n "$ranks" importuvh5 --vis "$SERIES" --outputvis "$MMS"
done
dotnet "$MMSMPI_DLL" importuvh5 --vis "$SERIES" --outputvis "$MMS" > /dev/null 2>&1
export_once() { rm -rf "$OUT"; mkdir -p "$OUT"; "$@" exportuvh5 --vis "$MMS" --outputvis "$OUT/night.uvh5" --per-subms; }
measure export_1process export_once dotnet "$MMSMPI_DLL"
for ranks in 2 3; do measure "export_$((ranks - 1))worker" export_once "$ROOT/scripts/run-mpi.sh" -n "$ranks"; done
rm -rf "$OUT" "$MMS"
report
