#!/usr/bin/env bash
# Runs examples/slurm-sweep.sh on a real single-node Slurm started here, and checks that the
# merged result is byte-identical to a single-machine sweep, also after resuming a lost shard.
# Called by tests/slurm.rs; by hand: TIERSIM=target/release/tiersim bash tests/slurm/run.sh
#
# Needs Debian's slurm-wlm and munge (.ci/run installs them). Exits 77 when they are missing
# (the test then reports itself skipped); any other failure exits non-zero with the daemons'
# and the jobs' logs. Starts munged, slurmctld and slurmd with every file under a temporary
# folder, and stops exactly those processes (by PID) when it ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
export PATH=$PATH:/usr/sbin:/sbin

for tool in munged slurmctld slurmd sbatch squeue scontrol sinfo; do
    if ! command -v "$tool" >/dev/null; then
        echo "SKIPPED: $tool not found; install Debian's slurm-wlm and munge packages (as .ci/run does) to run this test"
        exit 77
    fi
done
tiersim=$(realpath -e "${TIERSIM:-target/release/tiersim}")
timeout_s=${SLURM_TEST_TIMEOUT:-240}

tmp=$(mktemp -d /tmp/tiersim-slurm.XXXXXX)
pids=()
cleanup() {
    local rc=$?
    # Jobs first (they belong to this private cluster only), then the daemons, newest first.
    if [ ${#pids[@]} -gt 1 ]; then scancel --quiet --full --signal=KILL --user="$(id -un)" 2>/dev/null || true; fi
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2>/dev/null || true
    done
    for pid in ${pids[@]+"${pids[@]}"}; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    if [ $rc -ne 0 ]; then
        echo "--- failed ($rc); logs under $tmp:"
        for f in "$tmp"/log/* "$tmp"/out/slurm/logs/*; do
            [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
        done
    else
        rm -rf "$tmp"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 143' TERM INT
trap 'echo "FAILED at line $LINENO: $BASH_COMMAND" >&2' ERR

fail() {
    echo "FAILED: $*" >&2
    exit 1
}

# Wait up to $1 seconds for the command after it to succeed.
wait_for() {
    local limit=$1 start=$SECONDS
    shift
    until "$@" >/dev/null 2>&1; do
        [ $((SECONDS - start)) -lt "$limit" ] || return 1
        sleep 0.5
    done
}

free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 30000))
        (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}

chmod 755 "$tmp"
mkdir -p "$tmp"/{munge,log,state,spool,run}
chmod 755 "$tmp/munge"

# munge: a fresh key, its socket under $tmp (slurm.conf's AuthInfo points there).
head -c 1024 /dev/urandom >"$tmp/munge/munge.key"
chmod 400 "$tmp/munge/munge.key"
socket=$tmp/munge/munge.socket
munged -F --force --key-file="$tmp/munge/munge.key" --socket="$socket" \
    --pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/munged.seed" \
    --log-file="$tmp/log/munged.log" >"$tmp/log/munged.out" 2>&1 &
pids+=($!)
wait_for 10 test -S "$socket" || fail "munged did not start"

node=$(hostname -s 2>/dev/null || uname -n | cut -d. -f1)
ctld_port=$(free_port)
slurmd_port=$(free_port)
[ "$ctld_port" != "$slurmd_port" ] || slurmd_port=$((ctld_port + 1))
user=$(id -un)
export SLURM_CONF=$tmp/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=tiersim-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -i >"$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N "$node" >"$tmp/log/slurmd.out" 2>&1 &
pids+=($!)
idle() { sinfo -h -N -o %T | grep -qx idle; }
wait_for 60 idle || fail "the node did not become idle: $(sinfo -h -N -o %T 2>&1)"

# A small sweep: 3 x 2 points of the M/M/c validation scenario, in 3 shards.
cat >"$tmp/sweep.ron" <<EOF
Sweep(
    scenario: "$repo/scenarios/validation/mmc.ron",
    parameters: [
        ("teams.agents.agents", [9, 10, 11]),
        ("demand", [0.9, 1.0]),
    ],
    replications: 3,
    seed: 1,
    days: 2,
)
EOF
env -u SLURM_ARRAY_TASK_ID -u JOB_COMPLETION_INDEX "$tiersim" sweep "$tmp/sweep.ron" --out "$tmp/single" >/dev/null

# Waits for every job of this cluster to leave the queue.
finish() {
    queue_empty() { [ -z "$(squeue -h -o %i)" ]; }
    wait_for "$timeout_s" queue_empty || fail "jobs still queued after ${timeout_s}s: $(squeue 2>&1)"
}

# The state of a job (of an array job: of all its tasks), as `A`, or `A B` if they differ.
state() {
    scontrol -o show job "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort -u | tr '\n' ' ' | sed 's/ $//'
}

expect_state() {
    local got
    got=$(state "$1")
    [ "$got" = "$2" ] || fail "job $1: state $got, expected $2"
}

# Same files, same bytes: the final results, and every point file of the shards.
same_as_single() {
    diff -r -x points -x 'shard-*' -x slurm "$tmp/single" "$tmp/out" || fail "merged results differ"
    rm -rf "$tmp/union" && mkdir "$tmp/union"
    cp "$tmp"/out/shard-*/points/*.json "$tmp/union/"
    diff -r "$tmp/single/points" "$tmp/union" || fail "shard point files differ"
}

# Submits with the example as a user would (binary $1); prints the ids of the jobs submitted.
submit() {
    env -u SLURM_ARRAY_TASK_ID -u SLURM_JOB_ID SHARDS=3 TIERSIM="$1" \
        examples/slurm-sweep.sh "$tmp/sweep.ron" "$tmp/out" >"$tmp/submit.txt"
    cat "$tmp/submit.txt" >&2
    grep -o 'job [0-9]*' "$tmp/submit.txt" | cut -d' ' -f2 | tr '\n' ' '
    echo
}

# One submission with binary $1: the script must say $2, then the array job and the merge job
# must end in states $3 and $4.
round() {
    local array merge
    read -r array merge < <(submit "$1")
    grep -q "$2" "$tmp/submit.txt" || fail "expected '$2' from the script"
    finish
    expect_state "$array" "$3"
    expect_state "$merge" "$4"
}

start=$SECONDS
round "$tiersim" 'submitted shards 0 1 2 of 3' COMPLETED COMPLETED
same_as_single
echo "array of 3 shards, then the merge: identical to a single run ($((SECONDS - start)) s)"

# Shard 1 lost, and its task fails when rerun: the merge must be cancelled, not left pending.
rm -rf "$tmp/out/shard-1" "$tmp/out/slurm/done/1" "$tmp/out/sweep.csv"
cat >"$tmp/flaky" <<EOF
#!/bin/sh
case " \$* " in *" 1/3 "*) [ -e "$tmp/broken" ] && { echo "simulated failure" >&2; exit 3; } ;; esac
exec "$tiersim" "\$@"
EOF
chmod +x "$tmp/flaky"
touch "$tmp/broken"
round "$tmp/flaky" 'submitted shards 1 of 3 ' FAILED CANCELLED
[ ! -e "$tmp/out/sweep.csv" ] || fail "a merge ran after a failed shard"
missing=$(SHARDS=3 examples/slurm-sweep.sh --missing "$tmp/sweep.ron" "$tmp/out")
[ "$missing" = 1 ] || fail "missing shards: expected 1, got '$missing'"

# Fixed: the same command resubmits shard 1 alone, and the merge.
rm "$tmp/broken"
round "$tmp/flaky" 'submitted shards 1 of 3 ' COMPLETED COMPLETED
same_as_single
echo "a failed shard cancelled the merge; resubmitting it alone gave results identical to a single run"
