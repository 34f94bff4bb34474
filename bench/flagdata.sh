#!/usr/bin/env bash
# flagdata benchmark, all in one run on one generated Multi-MS (default from a ~1.1 GB MS, 4 sub-MSs): manual
# (one antenna), clip (ABS ALL outside [0,1] on DATA: ~10% of the cells) and summary, with 1 and 2 workers (under
# mpiexec: 2 and 3 ranks), against casacore reading the FLAG and DATA columns once with TaQL in the same run.
# Every flagging run starts from the same flags (restored untimed), saves its flagdata_N backup as by default, and
# includes `sync`; the data set is read once first so every contender starts with a warm page cache.
# Prints seconds and the ratio to the TaQL read (lower is faster).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ensure_packages
build_release

DIR="${MMSMPI_BENCH_DIR:-/tmp/mmsmpi-bench}"
SIZE_MB="${MMSMPI_BENCH_SIZE_MB:-1100}"
NSUBMS="${MMSMPI_BENCH_NSUBMS:-4}"
MS="$DIR/bench-${SIZE_MB}mb.ms"
MMS="$DIR/flagdata-bench-${SIZE_MB}mb.mms"
mkdir -p "$DIR"
if [ ! -d "$MS" ]; then
  dotnet "$MMSMPI_DLL" simulate --outputvis "$MS" --array vla --size-mb "$SIZE_MB" --seed 7
fi
if [ ! -d "$MMS" ]; then
  "$ROOT/scripts/run-mpi.sh" -n 3 partition --vis "$MS" --outputvis "$MMS" --numsubms "$NSUBMS" --flagbackup false > "$DIR/flagdata-partition.log" 2>&1
  dotnet "$MMSMPI_DLL" flagmanager --vis "$MMS" --mode save --versionname bench --comment "flags as simulated" > /dev/null 2>&1
fi
echo "MMS: $MMS ($(du -sh "$MMS" | cut -f1), $NSUBMS sub-MSs)"
find "$MMS" -name 'table.f*' -exec cat {} + > /dev/null

declare -A SECONDS_OF
timed() {  # timed NAME COMMAND...
  local name="$1"; shift
  sync
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$DIR/flagdata-$name.log" 2>&1 || { echo "$name failed, see $DIR/flagdata-$name.log" >&2; exit 1; }
  sync
  t1=$(date +%s.%N)
  SECONDS_OF[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
}

# Back to the saved flags, without the version the timed run saved (untimed).
reset_flags() {
  dotnet "$MMSMPI_DLL" flagmanager --vis "$MMS" --mode restore --versionname bench > /dev/null 2>&1
  if grep -q '^flagdata_1 ' "$MMS.flagversions/FLAG_VERSION_LIST"; then
    dotnet "$MMSMPI_DLL" flagmanager --vis "$MMS" --mode delete --versionname flagdata_1 > /dev/null 2>&1
  fi
}

timed taql_read taql "select gsum(ntrue(FLAG)) as NF, gsum(sum(abs(DATA))) as SD from '$MMS'"
grep -q 'select result of 1 rows' "$DIR/flagdata-taql_read.log" || { echo "taql read failed, see $DIR/flagdata-taql_read.log" >&2; exit 1; }

OPS=()
for workers in 1 2; do
  ranks=$((workers + 1))
  for op in manual clip summary; do
    case "$op" in
      manual) args=(--mode manual --antenna ea05) ;;
      clip) args=(--mode clip --clipminmax '[0,1]') ;;
      summary) args=(--mode summary) ;;
    esac
    name="${op}_${workers}worker"
    reset_flags
    timed "$name" "$ROOT/scripts/run-mpi.sh" -n "$ranks" flagdata --vis "$MMS" "${args[@]}"
    OPS+=("$name")
  done
done
reset_flags

printf '%-24s %9s %16s\n' operation seconds "ratio to taql"
for name in taql_read "${OPS[@]}"; do
  awk -v n="$name" -v s="${SECONDS_OF[$name]}" -v c="${SECONDS_OF[taql_read]}" 'BEGIN { printf "%-24s %9.2f %16.2f\n", n, s, s / c }'
done
