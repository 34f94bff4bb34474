#!/usr/bin/env bash
# Installs MmsMpi for users: installs what is missing (as test.sh does), publishes the CLI with its native
# libraries (the casacore shim, the MPI shim, the simulator) into PREFIX/lib/mmsmpi, and puts two commands into
# PREFIX/bin: `MmsMpi` (the CLI in one process) and `mmsmpi-run` (scripts/run-mpi.sh: the CLI under mpiexec, Open MPI
# or, with MMSMPI_MPI=mpich, MPICH). Running it again replaces the installation.
#
#   scripts/install.sh [--prefix DIR]     (default /usr/local)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

prefix=/usr/local
while [[ $# -gt 0 ]]; do
  case "$1" in
    --prefix) [[ $# -ge 2 ]] || { echo "usage: $0 [--prefix DIR]" >&2; exit 2; }; prefix="$2"; shift 2 ;;
    *) echo "usage: $0 [--prefix DIR]" >&2; exit 2 ;;
  esac
done
prefix="$(mkdir -p "$prefix" && cd "$prefix" && pwd)"
lib="$prefix/lib/mmsmpi"
bin="$prefix/bin"

ensure_packages
build_release
echo "Installing MmsMpi into $lib ..."
rm -rf "$lib.new"
mkdir -p "$prefix/lib"
cp -r "$ROOT/build/app" "$lib.new"
cp "$ROOT/scripts/run-mpi.sh" "$lib.new/run-mpi.sh"
# The new tree replaces the old one whole: no stale library of an earlier version stays behind.
rm -rf "$lib"
mv "$lib.new" "$lib"

mkdir -p "$bin"
printf '#!/bin/sh\n# MmsMpi in one process (installed by %s)\nexec dotnet "%s/MmsMpi.dll" "$@"\n' "$ROOT/scripts/install.sh" "$lib" > "$bin/MmsMpi"
printf '#!/bin/sh\n# MmsMpi under mpiexec: mmsmpi-run [-n N] [--hostfile FILE] TASK ARGS (installed by %s)\nMMSMPI_DLL="${MMSMPI_DLL:-%s/MmsMpi.dll}" exec "%s/run-mpi.sh" "$@"\n' \
  "$ROOT/scripts/install.sh" "$lib" "$lib" > "$bin/mmsmpi-run"
chmod 755 "$bin/MmsMpi" "$bin/mmsmpi-run"
echo "Installed: $bin/MmsMpi and $bin/mmsmpi-run"
"$bin/MmsMpi" --version
