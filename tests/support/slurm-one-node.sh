#!/bin/bash
# A one-node Slurm cluster in a folder, for tests/shards.rs: its own munge key and socket,
# slurm.conf, state and logs, all below DIR; nothing in /etc is used or changed.
#
#   slurm-one-node.sh start DIR CTLD_PORT SLURMD_PORT   # prints nothing; fails naming why
#   slurm-one-node.sh stop DIR                          # stops what start started
#
# Made for a container running as root (CI): SlurmUser=root, proctrack/linuxproc,
# task/none, no cgroups, no accounting.
set -euo pipefail
cmd=$1 dir=$2
case $cmd in
start)
  ctld_port=$3 slurmd_port=$4
  for tool in munged slurmctld slurmd sbatch sinfo; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install slurm-wlm munge)" >&2; exit 1; }
  done
  mkdir -p "$dir/state" "$dir/spool"
  head -c 1024 /dev/urandom >"$dir/munge.key"
  chmod 600 "$dir/munge.key"
  munged -f -S "$dir/munge.sock" --key-file="$dir/munge.key" --log-file="$dir/munged.log" \
    --pid-file="$dir/munged.pid" --seed-file="$dir/munged.seed" ||
    { echo "munged did not start: $(tail -3 "$dir/munged.log" 2>/dev/null)" >&2; exit 1; }
  host=$(hostname -s)
  cat >"$dir/slurm.conf" <<CONF
ClusterName=vouchtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$dir/munge.sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$dir/slurm.conf
  slurmctld -c || { echo "slurmctld did not start: $(tail -5 "$dir/slurmctld.log" 2>/dev/null)" >&2; exit 1; }
  slurmd || { echo "slurmd did not start: $(tail -5 "$dir/slurmd.log" 2>/dev/null)" >&2; exit 1; }
  for _ in $(seq 1 60); do
    if sinfo -h -o %t 2>/dev/null | grep -qx idle; then exit 0; fi
    sleep 0.5
  done
  echo "the node did not become idle in 30 s: sinfo says '$(sinfo -h -o %t 2>&1)'; slurmd.log: $(tail -5 "$dir/slurmd.log" 2>/dev/null); slurmctld.log: $(tail -5 "$dir/slurmctld.log" 2>/dev/null)" >&2
  exit 1
  ;;
stop)
  for daemon in slurmd slurmctld munged; do
    if [ -s "$dir/$daemon.pid" ]; then kill "$(cat "$dir/$daemon.pid")" 2>/dev/null || true; fi
  done
  ;;
esac
