#!/usr/bin/env bash
# A sweep split over a real Slurm job array merges into exactly the files one
# machine writes. Starts a private one-node cluster on this machine (munge,
# slurmctld and slurmd run directly, in the background, from a temporary folder:
# their own key, socket, ports, state, pids and logs; nothing of a system
# cluster is read or touched), submits scripts/slurm-sweep.sbatch as a job array
# of 3 tasks, merges the shards with `flowsim merge`, runs the same sweep on one
# machine, and compares the two folders with `diff -r`.
#
# Installs Debian's Slurm and munge when they are missing. Skips (exit 0) only
# without root or without apt-get: the daemons need root, and so does the
# install. On a CI machine (root, Debian) it always runs. Every exit path stops
# the daemons it started; when the cluster does not come up it fails with
# their logs. FLOWSIM_SLURM_KEEP=1 keeps the temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
# Root shells without sbin on the PATH (su, sudo -E) still find the daemons.
export PATH="$PATH:/usr/sbin:/sbin"

scenario=scenarios/sweep-offered-load.toml
stem=$(basename "$scenario" .toml)
tasks=3
# Generous watchdogs: a cluster that does not come up, or a job that stays
# pending, fails the test instead of hanging CI.
up_timeout_s=60
job_timeout_s=600

say() { echo "slurm-test: $*" >&2; }
skip() {
    say "skipped: $*"
    exit 0
}

if [ "$(id -u)" -ne 0 ]; then
    skip "not root (the Slurm and munge daemons need root)"
fi
need=(munged munge unmunge mungekey slurmctld slurmd sbatch sinfo squeue scancel)
missing() {
    local c
    for c in "${need[@]}"; do
        command -v "$c" >/dev/null 2>&1 || return 0
    done
    return 1
}
if missing; then
    command -v apt-get >/dev/null 2>&1 ||
        skip "Slurm is not installed and there is no apt-get to install it"
    say "installing Debian's slurmctld, slurmd, slurm-client and munge"
    scripts/install-test-deps.sh slurm
    if missing; then
        say "FAILED: not all of ${need[*]} are on the PATH after the install"
        exit 1
    fi
fi

say "building the release binary"
cargo build --release --quiet
flowsim="${CARGO_TARGET_DIR:-$repo/target}/release/flowsim"
flowsim=$(cd "$(dirname "$flowsim")" && pwd)/flowsim

work=$(mktemp -d /tmp/flowsim-slurm.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/munge" "$work/slurm/state" "$work/slurm/spool" "$work/log" "$work/job"
# munged wants its socket folder searchable by all, writable by root only.
chmod 755 "$work/munge"

pids=()
waiting=
cleanup() {
    local rc=$? p i
    trap - EXIT INT TERM
    if [ -n "$waiting" ]; then
        kill -TERM "$waiting" 2>/dev/null || true
        wait "$waiting" 2>/dev/null || true
    fi
    # Cancel whatever is still queued or running on this private cluster, so
    # that no job step outlives it.
    if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ] &&
        squeue -h >/dev/null 2>&1; then
        scancel --quiet --user=root >/dev/null 2>&1 || true
        for i in $(seq 20); do
            [ -z "$(squeue -h 2>/dev/null)" ] && break
            sleep 0.5
        done
    fi
    for p in "${pids[@]}"; do
        kill -TERM "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        for i in $(seq 40); do
            kill -0 "$p" 2>/dev/null || break
            sleep 0.25
        done
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    if [ "${FLOWSIM_SLURM_KEEP:-0}" = 1 ]; then
        say "kept $work"
    else
        rm -rf "$work"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

logs() {
    local f
    for f in "$work"/log/*.log "$work"/job/sbatch.out "$work"/job/slurm-*.out; do
        [ -f "$f" ] || continue
        echo "----- $f" >&2
        tail -n 60 "$f" >&2
    done
}
fail() {
    say "FAILED: $*"
    logs
    exit 1
}

# The daemons run in the foreground of background jobs of this shell, so their
# pids are known and their logs (to stderr in the foreground) go to $work/log.
# munge: a key of its own and a socket in the temporary folder.
sock="$work/munge/munge.socket"
mungekey --create --keyfile="$work/munge/munge.key"
munged --foreground --socket="$sock" --key-file="$work/munge/munge.key" \
    --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/munged.seed" \
    >"$work/log/munged.log" 2>&1 &
pids+=($!)
for i in $(seq $((up_timeout_s * 4))); do
    munge -n -S "$sock" 2>/dev/null | unmunge -S "$sock" >/dev/null 2>&1 && break
    kill -0 "${pids[0]}" 2>/dev/null || fail "munged exited"
    [ "$i" -lt $((up_timeout_s * 4)) ] || fail "munge does not answer after ${up_timeout_s}s"
    sleep 0.25
done

# slurm.conf: this machine as its one node, with the CPUs and memory slurmd
# sees; ports away from a system cluster's 6817/6818; no accounting, no
# database, no cgroups (linuxproc tracks job processes).
node=$(slurmd -C | head -n 1)
case "$node" in
NodeName=*" CPUs="*) ;;
*) fail "slurmd -C printed no node line: $node" ;;
esac
# The name slurmd finds itself by (this machine's short host name).
host=$(sed 's/^NodeName=\([^ ]*\).*/\1/' <<<"$node")
cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$node")
export SLURM_CONF="$work/slurm/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=flowsimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$work/slurm/state
SlurmdSpoolDir=$work/slurm/spool
SlurmctldPidFile=$work/slurm/slurmctld.pid
SlurmdPidFile=$work/slurm/slurmd.pid
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
ReturnToService=2
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i -f "$SLURM_CONF" >"$work/log/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$work/log/slurmd.log" 2>&1 &
pids+=($!)
state=
for i in $(seq $((up_timeout_s * 2))); do
    state=$(sinfo -h -N -n "$host" -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    # inval: slurmd reported less than slurm.conf says; it stays so.
    [ "$state" != inval ] || fail "node $host is invalid (see the slurmctld log)"
    for p in "${pids[@]}"; do
        kill -0 "$p" 2>/dev/null || fail "a daemon exited (pid $p)"
    done
    [ "$i" -lt $((up_timeout_s * 2)) ] ||
        fail "node $host is '${state:-unknown}', not idle, after ${up_timeout_s}s"
    sleep 0.5
done
say "one-node cluster up: $node"

# The sweep as a job array, every task a shard; then the merge and the same
# sweep on one machine.
cd "$work/job"
say "sbatch --array=0-$((tasks - 1)) --wait scripts/slurm-sweep.sbatch $scenario"
# In the background and waited for, so that an interrupt runs the trap at once
# (bash runs it only after a foreground command ends).
timeout "$job_timeout_s" sbatch --array=0-$((tasks - 1)) --wait --chdir="$work/job" \
    --export=ALL,FLOWSIM="$flowsim" \
    "$repo/scripts/slurm-sweep.sbatch" "$repo/$scenario" >"$work/job/sbatch.out" 2>&1 &
waiting=$!
wait "$waiting" ||
    fail "the job array failed or timed out: $(cat "$work/job/sbatch.out")"
waiting=
jobid=$(sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p' "$work/job/sbatch.out")
[ -n "$jobid" ] || fail "no job id in: $(cat "$work/job/sbatch.out")"
for t in $(seq 0 $((tasks - 1))); do
    [ -f "slurm-${jobid}_$t.out" ] || fail "task $t of job $jobid left no output"
    f="shards/$t/$stem-sweep/runs-shard-$t-of-$tasks.jsonl.gz"
    [ -s "$f" ] || fail "task $t wrote no $f"
done

"$flowsim" merge shards/*/"$stem-sweep" --out merged >merge.out 2>&1 ||
    fail "flowsim merge failed: $(cat merge.out)"
"$flowsim" sweep "$repo/$scenario" --out single --quiet >single.out 2>&1 ||
    fail "the single-machine sweep failed: $(cat single.out)"
[ -s "single/$stem-sweep/summary.json" ] || fail "no single/$stem-sweep/summary.json"
diff -r "single/$stem-sweep" "merged/$stem-sweep" >"$work/job/diff.out" 2>&1 ||
    fail "the merged sweep differs from the single-machine sweep:
$(head -n 40 "$work/job/diff.out")"
files=$(find "single/$stem-sweep" -type f | wc -l)
say "ok: job $jobid, $tasks array tasks on $cpus CPUs, merged into the same $files files (diff -r) as one machine"
