#!/usr/bin/env bash
# The main job on its embedded default: make a realistic VLA-like MS, partition it into a Multi-MS under
# mpiexec (1 coordinator + 2 workers), transform the MMS in parallel (channel and time averaging, regrid to LSRK),
# flag it, list and draw the partitions and the flags, and check the results with an independent reader. Progress
# is shown every second (a bar on a terminal); every run's full log is a file named on its first line.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_packages
build_release

OUT="${MMSMPI_DEMO_DIR:-$ROOT/demo-output}"
SIZE_MB="${MMSMPI_DEMO_SIZE_MB:-200}"
rm -rf "$OUT"
mkdir -p "$OUT"
MmsMpi() { dotnet "$MMSMPI_DLL" "$@"; }
export MMSMPI_PROGRESS_SECONDS="${MMSMPI_PROGRESS_SECONDS:-1}"

echo "== 1. simulate: a VLA-like MS of about ${SIZE_MB} MB (3 spws, 4 correlations, 3 fields, flags, CORRECTED_DATA)"
MmsMpi simulate --outputvis "$OUT/demo.ms" --array vla --size-mb "$SIZE_MB" --corrected --seed 42

echo "== 2. partition under mpiexec (3 ranks: rank 0 coordinates, 2 workers), balanced 'auto' axis"
"$ROOT/scripts/run-mpi.sh" -n 3 partition --vis "$OUT/demo.ms" --outputvis "$OUT/demo.mms" --separationaxis auto --numsubms 4

echo "== 3. listpartition, with a picture of the partition"
MmsMpi listpartition --vis "$OUT/demo.mms" --plot "$OUT/demo-partition.png"

echo "== 4. independent check with python-casacore: the MMS read as one MS equals the input row by row"
/usr/bin/python3 "$ROOT/tests/tools/compare_ms.py" "$OUT/demo.ms" "$OUT/demo.mms"
info=$(showtableinfo in="$OUT/demo.mms" 2>/dev/null)  # captured: grep -m1 on a pipe would SIGPIPE showtableinfo
grep -m1 "Measurement Set" <<<"$info"

echo "== 5. mstransform the MMS under mpiexec, one sub-MS per job: CORRECTED_DATA averaged to 4 channels x 20 s, regridded to LSRK"
"$ROOT/scripts/run-mpi.sh" -n 3 mstransform --vis "$OUT/demo.mms" --outputvis "$OUT/demo-avg.mms" --datacolumn corrected \
  --chanaverage --chanbin 4 --timeaverage --timebin 20s --regridms --outframe LSRK

echo "== 6. the same transformation on the plain MS in one process gives the same rows (python-casacore)"
MmsMpi mstransform --vis "$OUT/demo.ms" --outputvis "$OUT/demo-avg.ms" --datacolumn corrected \
  --chanaverage --chanbin 4 --timeaverage --timebin 20s --regridms --outframe LSRK
/usr/bin/python3 "$ROOT/tests/tools/compare_ms.py" "$OUT/demo-avg.ms" "$OUT/demo-avg.mms"

echo "== 7. flagdata tfcrop on the MMS under mpiexec, then the summary with a picture of the flags"
"$ROOT/scripts/run-mpi.sh" -n 3 flagdata --vis "$OUT/demo.mms" --mode tfcrop
MmsMpi flagdata --vis "$OUT/demo.mms" --mode summary --plot "$OUT/demo-flags.png" | grep -A 4 "^ *spw"

echo "Demo finished: $OUT/demo.ms → $OUT/demo.mms → $OUT/demo-avg.mms; pictures $OUT/demo-partition.png, $OUT/demo-flags.png"
