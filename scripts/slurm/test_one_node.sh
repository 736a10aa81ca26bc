#!/usr/bin/env bash
# The Slurm test (ctest slurm.one_node, or by hand; root, Debian slurm-wlm + munge, the MPI build): starts a
# one-node Slurm on this machine from a localhost config written here, runs the sample project's stock step once
# plainly, then through submit.sh (a shard array + a merge depending on it, `sbatch --wait`) and through
# mpi.sbatch (2 ranks), and compares the merged outputs with the plain run byte for byte. Exit 0 when all are
# identical, 77 (skipped) when not root.
#   scripts/slurm/test_one_node.sh [path/to/bluecarbon] [shards]
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "slurm-test: skipped: slurmctld, slurmd and munged are started as root here (run as root)" >&2
  exit 77
fi
here="$(cd "$(dirname "$0")" && pwd)"
bc="$(realpath "${1:-$here/../../build/release/bin/bluecarbon}")"
n="${2:-3}"
work="$(mktemp -d /tmp/bc-slurm.XXXXXX)"
conf="$work/slurm.conf"
host="$(hostname -s)"
cleanup() {
  for f in "$work"/slurmd.pid "$work"/slurmctld.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  [ -f "$work/munged.pid" ] && kill "$(cat "$work/munged.pid")" 2>/dev/null || true
}
trap cleanup EXIT

# munge: a key, and the daemon on a private socket.
[ -f /etc/munge/munge.key ] || { mungekey --create 2>/dev/null || dd if=/dev/urandom of=/etc/munge/munge.key bs=1k count=1; }
chown munge:munge /etc/munge/munge.key 2>/dev/null || true
chmod 400 /etc/munge/munge.key
mkdir -p /run/munge && chown munge:munge /run/munge 2>/dev/null || true
sock=/run/munge/munge.socket.2
if ! munge -n >/dev/null 2>&1; then
  munged --force --pid-file="$work/munged.pid" --socket="$sock"
fi

mkdir -p "$work/spool" "$work/state"
cat >"$conf" <<CONF
ClusterName=bctest
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmdSpoolDir=$work/spool
StateSaveLocation=$work/state
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
JobCompType=jobcomp/none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
export SLURM_CONF="$conf"
slurmctld -f "$conf"
slurmd -f "$conf"
for _ in $(seq 60); do sinfo -h -o %t 2>/dev/null | grep -qE "idle|mix" && break; sleep 1; done
if ! sinfo -h -o %t | grep -qE "idle|mix"; then
  echo "slurm-test: the node never came up; the daemons' logs follow ($work)" >&2
  tail -n 20 "$work"/*.log >&2 || true
  exit 1
fi

"$bc" sample --out "$work/sample" --quiet >/dev/null
sed -i 's/source = "map"/source = "rules"/' "$work/sample/project.toml"
"$bc" stock "$work/sample/project.toml" --out "$work/single" --quiet --tile 128 >/dev/null

export BLUECARBON="$bc" EXTRA="--tile 128"
"$here/submit.sh" "$work/sample/project.toml" "$work/array" "$n" 1 --wait --output="$work/%x-%A_%a.log"
MPIRUN_ARGS="--allow-run-as-root --oversubscribe" PROJECT="$work/sample/project.toml" OUT="$work/mpi" \
  sbatch --wait --ntasks=2 --export=ALL --output="$work/mpi.log" "$here/mpi.sbatch" >/dev/null

status=0
for run in array mpi; do
  for f in habitat.tif stock_agb.tif stock_total.tif uncertainty.tif stock_summary.csv habitat.tif.aux.xml; do
    if cmp -s "$work/single/$f" "$work/$run/$f"; then echo "slurm-test: $run $f identical"
    else echo "slurm-test: $run $f DIFFERS (or is missing)"; status=1; fi
  done
done
cleanup
trap - EXIT
[ $status -eq 0 ] && rm -rf "$work" || echo "slurm-test: logs and outputs kept in $work" >&2
exit $status
