#!/usr/bin/env bash
# Run a tiersim sweep on a Slurm cluster: a job array with one task per shard, then a merge job
# that Slurm starts only once every task of the array has succeeded (afterok on the whole
# array). Run it where you run sbatch (a login node), not through sbatch: it submits both jobs.
#
#   examples/slurm-sweep.sh [SWEEP [OUT]]            submit the shards not done yet, then the merge
#   examples/slurm-sweep.sh --missing [SWEEP [OUT]]  print the shard indices not done yet
#
# SWEEP defaults to examples/sweep-after.ron, OUT to results/sweep-after. Shard K writes into
# OUT/shard-K, the merge writes the final results into OUT, Slurm's logs go to OUT/slurm/logs/.
# After failed tasks, once the sweep's jobs have left the queue (squeue --me), run the same
# command again: it resubmits only the missing shards (and a new merge); a shard resumes from
# the points it had written.
#
# Settings, all optional, from the environment:
#   SHARDS            number of array tasks (default 16; kept in OUT/slurm/shards for resuming)
#   CPUS_PER_TASK     CPUs (threads) per shard, passed to sbatch --cpus-per-task; unset: Slurm's
#                     default (usually 1 CPU) and tiersim uses the CPUs the task may run on.
#                     Results do not depend on it.
#   SBATCH_PARTITION  partition; unset: the cluster's default partition. sbatch reads every other
#                     SBATCH_* variable too: SBATCH_TIMELIMIT, SBATCH_ACCOUNT, SBATCH_QOS, ...
#   TIERSIM           the tiersim binary; default: tiersim on the PATH, else target/release/tiersim
#                     of the checkout holding this script.
#
# The nodes need the binary, SWEEP, its scenario and OUT at the same paths as here (a shared
# filesystem); the paths are made absolute before submitting.
set -euo pipefail

die() {
    echo "slurm-sweep: $*" >&2
    exit 1
}

# The merge: check every shard against the sweep as it is now (a shard computed for another
# scenario or grid is refused, a complete one computes nothing), then combine them.
merge_step() {
    local tiersim=$1 sweep=$2 out=$3 shards=$4 k dirs=()
    for ((k = 0; k < shards; k++)); do
        "$tiersim" --threads 1 sweep "$sweep" --shard "$k/$shards" --out "$out/shard-$k"
        dirs+=("$out/shard-$k")
    done
    "$tiersim" merge "${dirs[@]}" --out "$out"
}

# One array task: shard SLURM_ARRAY_TASK_ID of SHARDS, given explicitly because an array that
# resubmits a few indices has fewer tasks than there are shards.
shard_step() {
    local tiersim=$1 sweep=$2 out=$3 shards=$4 k=${SLURM_ARRAY_TASK_ID:?not an array task}
    local threads=()
    if [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then threads=(--threads "$SLURM_CPUS_PER_TASK"); fi
    "$tiersim" ${threads[@]+"${threads[@]}"} sweep "$sweep" --shard "$k/$shards" --out "$out/shard-$k"
    : >"$out/slurm/done/$k"
}

# Inside a job: the step and its arguments come from the submitting side. (Plain calls: set -e
# does not apply inside a function called from an && list.)
case "${1:-}" in
merge-step)
    shift
    merge_step "$@"
    exit
    ;;
shard-step)
    shift
    shard_step "$@"
    exit
    ;;
esac
if [ "$(basename "$0")" = slurm_script ]; then
    die "run this script on the login node (examples/slurm-sweep.sh), not through sbatch: it submits the jobs itself"
fi

missing_only=false
if [ "${1:-}" = --missing ]; then
    missing_only=true
    shift
fi
[ $# -le 2 ] || die "usage: $0 [--missing] [SWEEP [OUT]]"
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
checkout=$(dirname "$(dirname "$self")")
sweep=$(realpath -e -- "${1:-examples/sweep-after.ron}") || die "sweep file ${1:-examples/sweep-after.ron} not found"
out=$(realpath -m -- "${2:-results/sweep-after}")

# The number of shards is fixed by the first submission: shard folders hold shard K of N.
recorded=$(cat "$out/slurm/shards" 2>/dev/null || true)
shards=${SHARDS:-${recorded:-16}}
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "SHARDS=$shards: expected a positive whole number"
if [ -n "$recorded" ] && [ "$recorded" != "$shards" ]; then
    die "$out was started with SHARDS=$recorded: resume with that, or use another OUT for $shards shards"
fi

missing=()
for ((k = 0; k < shards; k++)); do
    [ -e "$out/slurm/done/$k" ] || missing+=("$k")
done
if $missing_only; then
    echo "${missing[*]}"
    exit 0
fi

tiersim=${TIERSIM:-$(command -v tiersim || echo "$checkout/target/release/tiersim")}
[ -x "$tiersim" ] || tiersim=$(command -v -- "$tiersim" || true)
if [ -z "$tiersim" ] || [ ! -x "$tiersim" ]; then
    die "no tiersim binary: set TIERSIM, put tiersim on the PATH, or run cargo build --release in $checkout"
fi
tiersim=$(realpath -e -- "$tiersim")

mkdir -p "$out/slurm/logs" "$out/slurm/done"
echo "$shards" >"$out/slurm/shards"
logs=$out/slurm/logs
cpus=()
if [ -n "${CPUS_PER_TASK:-}" ]; then cpus=(--cpus-per-task="$CPUS_PER_TASK"); fi

after=()
if [ ${#missing[@]} -gt 0 ]; then
    indices=$(IFS=, && echo "${missing[*]}")
    array=$(sbatch --parsable --job-name=tiersim-sweep --array="$indices" ${cpus[@]+"${cpus[@]}"} \
        --output="$logs/shard-%a-job-%A.log" "$self" shard-step "$tiersim" "$sweep" "$out" "$shards")
    array=${array%%;*}
    echo "submitted shards ${missing[*]} of $shards as array job $array"
    # --kill-on-invalid-dep: if a task fails, the merge is cancelled rather than left pending.
    after=(--dependency="afterok:$array" --kill-on-invalid-dep=yes)
fi
merge=$(sbatch --parsable --job-name=tiersim-merge ${after[@]+"${after[@]}"} \
    --output="$logs/merge-job-%j.log" "$self" merge-step "$tiersim" "$sweep" "$out" "$shards")
echo "submitted the merge as job ${merge%%;*}; results in $out"
