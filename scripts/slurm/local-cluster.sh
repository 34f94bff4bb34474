#!/usr/bin/env bash
# A one-node SLURM on this machine, for the tests and for trying mmsmpi.sbatch: munged (the host's key), slurmctld
# and slurmd with a configuration of their own in DIR (own ports, spool, state and logs; nothing in /etc changes).
# Needs root and Debian's slurm-wlm.
#
#   scripts/slurm/local-cluster.sh start DIR   # then: export SLURM_CONF=DIR/slurm.conf; sbatch ...
#   scripts/slurm/local-cluster.sh stop DIR
set -euo pipefail
usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action="$1"
dir="$(mkdir -p "$2" && cd "$2" && pwd)"
conf="$dir/slurm.conf"

stop() {
  for pid in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
    [[ -f "$pid" ]] && kill "$(cat "$pid")" 2>/dev/null || true
  done
  for _ in $(seq 50); do
    pgrep -f "slurm(ctld|d) -f $conf" > /dev/null || return 0
    sleep 0.1
  done
  pkill -9 -f "slurm(ctld|d) -f $conf" || true
}

start() {
  [[ "$(id -u)" == 0 ]] || { echo "$0: needs root (slurmd runs jobs as their users)" >&2; exit 1; }
  command -v slurmctld > /dev/null || { echo "$0: slurmctld not found: install slurm-wlm" >&2; exit 1; }
  # munge: the authentication SLURM 22.05 uses between its daemons and commands.
  if ! pgrep -x munged > /dev/null; then
    mkdir -p /run/munge && chown munge:munge /run/munge
    runuser -u munge -- /usr/sbin/munged
  fi
  stop
  mkdir -p "$dir/state" "$dir/spool"
  local host cpus mem port
  host="$(hostname -s)"
  cpus="$(nproc)"
  mem="$(awk '/MemTotal/ { print int($2 / 1024 * 0.8) }' /proc/meminfo)"
  port=$((16800 + RANDOM % 1000))   # own ports: another test cluster (or a real slurmd) may be running
  cat > "$conf" <<CONF
ClusterName=mmsmpi
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=mmsmpi Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
  slurmctld -f "$conf"
  slurmd -f "$conf"
  for _ in $(seq 100); do
    if SLURM_CONF="$conf" sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      echo "SLURM_CONF=$conf"
      return 0
    fi
    sleep 0.2
  done
  echo "$0: the node did not come up; see $dir/slurmctld.log and $dir/slurmd.log" >&2
  exit 1
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
