#!/usr/bin/env bash
# Runs the built MmsMpi engine under mpiexec with the flags our MPI setup needs
# (see /work/shared/recipes/mpi-from-dotnet.md and hostfiles/README.md).
#
#   scripts/run-mpi.sh [-n N] [--hostfile FILE [--map-by node|slot]] TASK [ARGS...]
#
# With a hostfile, ranks go round-robin over the hosts (--map-by node, the default) or fill each host's slots in
# turn (--map-by slot: rank 0 and the first workers on the first host, as the design document's almahpc01 slots=6 /
# almahpc02 slots=5 example; see hostfiles/README.md).
#
# Environment:
#   MMSMPI_DLL         engine to run (default: the newest of build/app/MmsMpi.dll and src/Engine/bin/{Release,Debug}/net10.0/MmsMpi.dll)
#   MMSMPI_MPI=mpich   use MPICH (mpiexec.mpich; the ranks then talk MPI through MPI.NET on libmpich) instead of
#                      Open MPI (mpiexec.openmpi; our shim on libmpi)
#   MMSMPI_TIMEOUT     kill the job after this many seconds (a hang is not detected by MPI otherwise)
#   MMSMPI_RSH_AGENT   "ssh" replacement for --hostfile runs (e.g. the netns cluster's nsrsh)
#   MMSMPI_LOCALHOST   MPICH only: this host's address as the other hosts reach it (hydra -localhost)
# Every MMSMPI_* and DOTNET_* variable is forwarded to the ranks (MPICH's hydra forwards the whole environment).
set -euo pipefail

usage() { echo "usage: $0 [-n N] [--hostfile FILE [--map-by node|slot]] TASK [ARGS...]" >&2; exit 2; }

ranks=3
hostfile=""
mapby=node
while [[ $# -gt 0 ]]; do
    case "$1" in
        -n) [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || usage; ranks="$2"; shift 2 ;;
        --hostfile) [[ $# -ge 2 ]] || usage; hostfile="$2"; shift 2
                    [[ -r "$hostfile" ]] || { echo "$0: cannot read hostfile $hostfile" >&2; exit 2; } ;;
        --map-by) [[ $# -ge 2 && "$2" =~ ^(node|slot)$ ]] || usage; mapby="$2"; shift 2 ;;
        -h|--help) usage ;;
        --version) break ;;   # the engine's own option: start-up time per rank (bench/compare.sh)
        -*) usage ;;
        *) break ;;
    esac
done
[[ $# -ge 1 ]] || usage

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dll="${MMSMPI_DLL:-}"
if [[ -z "$dll" ]]; then
    # the newest build: the ReadyToRun one scripts/lib.sh publishes, unless a later `dotnet build` made a newer one
    for candidate in "$repo/build/app/MmsMpi.dll" "$repo/src/Engine/bin/Release/net10.0/MmsMpi.dll" "$repo/src/Engine/bin/Debug/net10.0/MmsMpi.dll"; do
        if [[ -f "$candidate" && ( -z "$dll" || "$candidate" -nt "$dll" ) ]]; then dll="$candidate"; fi
    done
fi
[[ -n "$dll" && -f "$dll" ]] || { echo "$0: MmsMpi.dll not found (run 'dotnet build -c Release' or set MMSMPI_DLL)" >&2; exit 2; }
dotnet="$(command -v dotnet)"
# Under mpiexec a rank's stderr is a pipe: say here whether the user's is a terminal (a progress bar redrawn in place).
if [[ -t 2 && -z "${MMSMPI_PROGRESS:-}" ]]; then export MMSMPI_PROGRESS=bar; fi

if [[ "${MMSMPI_MPI:-}" == "mpich" ]]; then
    cmd=(mpiexec.mpich -n "$ranks" -genv TERM dumb)
    if [[ -n "$hostfile" ]]; then
        # -ppn 1: round-robin over hosts; without it hydra fills each host's slots (host:N) in turn.
        # Not UCX_TLS=tcp,self: with it MPICH 4.0.2 hangs in MPI_Finalize now and then.
        cmd+=(-f "$hostfile")
        [[ "$mapby" == node ]] && cmd+=(-ppn 1)
        [[ -n "${MMSMPI_RSH_AGENT:-}" ]] && cmd+=(-launcher ssh -launcher-exec "$MMSMPI_RSH_AGENT")
        [[ -n "${MMSMPI_LOCALHOST:-}" ]] && cmd+=(-localhost "$MMSMPI_LOCALHOST")
    fi
    [[ -n "${MMSMPI_TIMEOUT:-}" ]] && export MPIEXEC_TIMEOUT="$MMSMPI_TIMEOUT"
else
    # TERM=dumb: Open MPI gives ranks a pty and .NET would print escape codes.
    # Open MPI's mpiexec by name: with MPICH installed too, plain mpiexec may be MPICH's (Debian's mpi alternative).
    openmpi=mpiexec
    command -v mpiexec.openmpi > /dev/null && openmpi=mpiexec.openmpi
    cmd=("$openmpi" -n "$ranks" --oversubscribe -x TERM=dumb --mca pml ob1 --mca osc ^ucx)
    [[ "$(id -u)" == 0 ]] && cmd+=(--allow-run-as-root)
    # PMIx's own authentication, not munge's: with munge installed (SLURM's) but its daemon not running, PMIx retries
    # the munge socket for 2.3 s before every launch (measured: mpiexec -n 1 true 2.35 s → 0.15 s).
    export PMIX_MCA_psec="${PMIX_MCA_psec:-native}"
    while IFS= read -r name; do cmd+=(-x "$name"); done < <(compgen -e | grep -E '^(MMSMPI_|DOTNET_)' || true)
    if [[ -n "$hostfile" ]]; then
        cmd+=(--hostfile "$hostfile" --bind-to none --map-by "$mapby" --mca btl tcp,self)
        [[ -n "${MMSMPI_RSH_AGENT:-}" ]] && cmd+=(--mca plm_rsh_agent "$MMSMPI_RSH_AGENT")
    else
        # --bind-to none: Open MPI otherwise pins each rank to a core; with more ranks than cores two ranks share one
        # (measured: a worker job 0.4 s → 0.7 s).
        cmd+=(--mca btl self,vader --bind-to none)
    fi
    [[ -n "${MMSMPI_TIMEOUT:-}" ]] && cmd+=(--timeout "$MMSMPI_TIMEOUT")
fi

# Not exec: Open MPI's mpiexec exits 1 whatever signal stopped it; the task's own code (130 for SIGINT, 143 for
# SIGTERM) is what a user or a pipeline checks. The signal is passed on to mpiexec, which forwards it to every rank.
"${cmd[@]}" "$dotnet" "$dll" "$@" &
child=$!
signal=0
trap 'signal=2; kill -INT "$child" 2>/dev/null' INT
trap 'signal=15; kill -TERM "$child" 2>/dev/null' TERM
rc=0
while true; do
    wait "$child" && rc=0 || rc=$?
    kill -0 "$child" 2>/dev/null || break
done
# A signal that came after the job had completed stopped nothing: the job's own success stands.
(( signal && rc != 0 )) && exit $((128 + signal))
exit "$rc"
