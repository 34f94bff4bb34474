# Shared by the benchmark scripts (installs and builds when sourced): a generated MS of the wanted size, timings that include `sync`, and the table
# of seconds and ratios to the first timing (the reference measured in the same run). Source after scripts/lib.sh.

ensure_packages
build_release >&2

BENCH_DIR="${MMSMPI_BENCH_DIR:-/tmp/mmsmpi-bench}"
BENCH_SIZE_MB="${MMSMPI_BENCH_SIZE_MB:-1100}"
declare -A BENCH_SECONDS
BENCH_ORDER=()

# bench_ms [NAME SIZE_MB SIMULATE-ARGS...] → path of a generated VLA-like MS (default: BENCH_SIZE_MB, 3 spws, 3 fields),
# made once and kept for later runs, read once to warm the cache.
bench_ms() {
  local name="${1:-bench-${BENCH_SIZE_MB}mb}" size="${2:-$BENCH_SIZE_MB}"
  shift $(( $# < 2 ? $# : 2 ))
  local ms="$BENCH_DIR/$name.ms"
  mkdir -p "$BENCH_DIR"
  [ -d "$ms" ] || dotnet "$MMSMPI_DLL" simulate --outputvis "$ms" --array vla --size-mb "$size" --seed 7 "$@" >&2
  cat "$ms"/table.f* > /dev/null
  echo "$ms"
}

# measure NAME COMMAND... : runs the command once between two `sync`s and records its time (log in BENCH_DIR/NAME.log).
measure() {
  local name="$1"; shift
  sync
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$BENCH_DIR/$name.log" 2>&1 || { echo "$name failed, see $BENCH_DIR/$name.log" >&2; exit 1; }
  sync
  t1=$(date +%s.%N)
  BENCH_SECONDS[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
  BENCH_ORDER+=("$name")
}

# timed NAME OUTPUT COMMAND... : measure for a command that writes OUTPUT, removed before and after; the output must
# appear (taql exits 0 even on a parse error).
timed() {
  local name="$1" out="$2"; shift 2
  rm -rf "$out" "$out.flagversions"
  measure "$name" "$@"
  [ -e "$out" ] || { echo "$name wrote no $out, see $BENCH_DIR/$name.log" >&2; exit 1; }
  rm -rf "$out" "$out.flagversions"
}

# The table: every timing in seconds and as a ratio to the first one.
report() {
  local ref="${BENCH_ORDER[0]}"
  printf '%-34s %9s %14s\n' operation seconds "ratio to $ref"
  for name in "${BENCH_ORDER[@]}"; do
    awk -v n="$name" -v s="${BENCH_SECONDS[$name]}" -v c="${BENCH_SECONDS[$ref]}" 'BEGIN { printf "%-34s %9.2f %14.2f\n", n, s, s / c }'
  done
}
