#!/usr/bin/env bash
# flagdata benchmark, all in one run on one Multi-MS partitioned from the generated MS (default ~1.1 GB,
# MMSMPI_BENCH_SIZE_MB; 4 sub-MSs): manual (one antenna), clip (ABS ALL outside [0,1] on DATA: ~10% of the cells),
# tfcrop, rflag, extend, aoflagger (defaults) and summary, with 1 and 2 workers (mpiexec with 2 and 3 ranks), against
# casacore reading the FLAG and DATA columns once with TaQL in the same run. Every flagging run starts from the same
# flags (restored untimed) and saves its flagdata_N backup as by default. Then the aoflagger tool single-threaded on
# the plain MS (a copy, untimed) against our aoflagger mode on the MMS with 2 workers. Timings include `sync`; ratios
# are to the TaQL read (lower is faster), the last line the aoflagger ratio (target ≤ 0.6).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MS=$(bench_ms)
N="${MMSMPI_BENCH_NSUBMS:-4}"
MMS="$BENCH_DIR/flagdata-bench-${BENCH_SIZE_MB}mb.mms"
manager() { dotnet "$MMSMPI_DLL" flagmanager --vis "$MMS" "$@" > /dev/null 2>&1; }
if [ ! -d "$MMS" ]; then
  "$ROOT/scripts/run-mpi.sh" -n 3 partition --vis "$MS" --outputvis "$MMS" --numsubms "$N" --flagbackup false > "$BENCH_DIR/flagdata-partition.log" 2>&1
  manager --mode save --versionname bench --comment "flags as simulated"
fi
echo "MMS: $MMS ($(du -sh "$MMS" | cut -f1), $N sub-MSs)"
find "$MMS" -name 'table.f*' -exec cat {} + > /dev/null

# Back to the saved flags, without the version the timed run saved (untimed).
reset_flags() {
  manager --mode restore --versionname bench
  if grep -q '^flagdata_1 ' "$MMS.flagversions/FLAG_VERSION_LIST"; then manager --mode delete --versionname flagdata_1; fi
}

measure taql_read taql "select gsum(ntrue(FLAG)) as NF, gsum(sum(abs(DATA))) as SD from '$MMS'"
grep -q 'select result of 1 rows' "$BENCH_DIR/taql_read.log" || { echo "taql read failed, see $BENCH_DIR/taql_read.log" >&2; exit 1; }
for workers in 1 2; do
  for op in manual clip tfcrop rflag extend aoflagger summary; do
    case "$op" in
      manual) args=(--mode manual --antenna ea05) ;;
      clip) args=(--mode clip --clipminmax '[0,1]') ;;
      summary) args=(--mode summary) ;;
      *) args=(--mode "$op") ;;
    esac
    reset_flags
    measure "flagdata_${op}_${workers}worker" "$ROOT/scripts/run-mpi.sh" -n $((workers + 1)) flagdata --vis "$MMS" "${args[@]}"
  done
done
reset_flags
# The aoflagger tool on the plain MS (it replaces FLAG: a fresh copy), single-threaded as the target was set.
rm -rf "$BENCH_DIR/aoflagger-tool.ms"
cp -r "$MS" "$BENCH_DIR/aoflagger-tool.ms"
# its default (memory) reader aborts on spws of different channel counts (docs/aoflagger-rules.md, rule 9)
measure aoflagger_tool_1thread_plain_ms aoflagger -j 1 -indirect-read "$BENCH_DIR/aoflagger-tool.ms"
rm -rf "$BENCH_DIR/aoflagger-tool.ms"
report
awk -v a="${BENCH_SECONDS[flagdata_aoflagger_2worker]}" -v t="${BENCH_SECONDS[aoflagger_tool_1thread_plain_ms]}" \
  'BEGIN { printf "aoflagger mode, 2 workers / aoflagger tool, 1 thread: %.2f (target <= 0.6)\n", a / t }'
