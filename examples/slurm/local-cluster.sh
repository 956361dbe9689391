#!/bin/sh
# local-cluster.sh: a one-node Slurm cluster on this machine (munged, slurmctld, slurmd, everything under DIR, ports
# of its own), to try the recipe without a cluster; the tests use it. Needs root and Debian's slurm-wlm and munge.
# Usage: sh examples/slurm/local-cluster.sh start DIR    then: export SLURM_CONF=DIR/slurm.conf
#        sh examples/slurm/local-cluster.sh stop DIR     cancels the jobs, stops the three daemons it started
set -u
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
	echo "usage: sh $0 start|stop DIR" >&2
	exit 2
fi
die() {
	echo "local-cluster: $*" >&2
	exit 1
}

# A TCP port nobody listens on: random in 20000-59999, checked against /proc/net/tcp{,6}.
free_port() {
	used=$(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk 'NR > 1 { split($2, a, ":"); print a[2] }')
	n=0
	while [ $n -lt 100 ]; do
		p=$(awk -v s="$$$n$(date +%N 2>/dev/null)" 'BEGIN { srand(s % 2147483647); print 20000 + int(rand() * 40000) }')
		hex=$(printf '%04X' "$p")
		echo "$used" | grep -qx "$hex" || { echo "$p"; return 0; }
		n=$((n + 1))
	done
	return 1
}

# Wait up to $1 tenths of a second for the command $2... to succeed.
wait_for() {
	t=$1
	shift
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge "$t" ] && return 1
		sleep 0.1
	done
}

start() {
	[ "$(id -u)" -eq 0 ] || die "needs root (slurmd starts jobs as their users)"
	for c in munged slurmctld slurmd sinfo sbatch squeue scancel; do
		command -v $c >/dev/null 2>&1 || die "$c is not installed (Debian: apt-get install slurm-wlm munge; make deps)"
	done
	mkdir -p "$dir/state" "$dir/spool" "$dir/munge" || die "cannot create $dir"
	dir=$(cd "$dir" && pwd)
	chmod 700 "$dir/munge"
	# munged refuses a socket folder others may write: the test's TMPDIR may be one, so the key and socket live here
	dd if=/dev/urandom of="$dir/munge/key" bs=1024 count=1 2>/dev/null && chmod 400 "$dir/munge/key" ||
		die "cannot write the munge key"
	munged --force --socket="$dir/munge/socket" --key-file="$dir/munge/key" --pid-file="$dir/munge/pid" \
		--log-file="$dir/munge/log" --seed-file="$dir/munge/seed" || die "munged did not start: $(tail -n 3 "$dir/munge/log" 2>/dev/null)"
	wait_for 50 test -S "$dir/munge/socket" || die "munged made no socket: $(tail -n 3 "$dir/munge/log")"
	ctl=$(free_port) && node=$(free_port) || die "no free port"
	host=$(hostname -s)
	cat >"$dir/slurm.conf" <<CONF
# a one-node cluster made by examples/slurm/local-cluster.sh
ClusterName=receval
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctl
SlurmdPort=$node
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/socket
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
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.txt
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=3600
NodeName=receval-node NodeAddr=127.0.0.1 NodeHostname=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
	export SLURM_CONF="$dir/slurm.conf"
	slurmctld -i || die "slurmctld did not start: $(tail -n 5 "$dir/slurmctld.log" 2>/dev/null)"
	slurmd -N receval-node || die "slurmd did not start: $(tail -n 5 "$dir/slurmd.log" 2>/dev/null)"
	# observable state: the node answers and is idle
	if ! wait_for 300 sh -c 'sinfo -h -o %t | grep -qx idle'; then
		echo "local-cluster: the node did not come up idle within 30 s (sinfo: $(sinfo -h -o '%t %E' 2>&1))" >&2
		tail -n 5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 2>/dev/null
		exit 1
	fi
	echo "export SLURM_CONF=$dir/slurm.conf"
}

stop() {
	[ -f "$dir/slurm.conf" ] || exit 0
	dir=$(cd "$dir" && pwd)
	export SLURM_CONF="$dir/slurm.conf"
	for j in $(squeue -h -o %i 2>/dev/null); do
		scancel "$j" 2>/dev/null
	done
	pids=""
	for f in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/pid"; do
		[ -s "$f" ] && pid=$(cat "$f") && kill "$pid" 2>/dev/null && pids="$pids $pid"
	done
	for pid in $pids; do
		wait_for 100 sh -c "! kill -0 $pid || grep -q '^State:.*Z' /proc/$pid/status" ||
			echo "local-cluster: process $pid did not stop" >&2
	done
	return 0
}

case $cmd in
start) start ;;
stop) stop ;;
*) echo "usage: sh $0 start|stop DIR" >&2; exit 2 ;;
esac
