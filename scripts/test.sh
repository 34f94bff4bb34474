#!/usr/bin/env bash
# Every test: install what is missing, build (native libraries included), run the NUnit suite (unit tests,
# integration tests against python-casacore/taql, mpiexec runs, the emulated two-host cluster), and end with
# the plain line "N passed, N failed".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_packages
build_release

RESULTS="$ROOT/TestResults"
rm -rf "$RESULTS"
status=0
dotnet test "$ROOT/tests/MmsMpi.Tests/MmsMpi.Tests.csproj" -c Release --no-build \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" || status=$?

trx="$RESULTS/results.trx"
if [ -f "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  failed=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  errors=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  echo "${passed:-0} passed, $(( ${failed:-0} + ${errors:-0} )) failed"
else
  echo "0 passed, 1 failed"
  status=1
fi
exit "$status"
