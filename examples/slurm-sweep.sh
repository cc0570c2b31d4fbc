#!/usr/bin/env bash
# Run a tiersim sweep as a Slurm job array: each array task computes one shard of the points
# (tiersim reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT), writing into its own folder
# on storage shared by the nodes; a dependent job merges the shards into the same results a
# single machine would give.
#
#   sbatch examples/slurm-sweep.sh
#
#SBATCH --job-name=tiersim-sweep
#SBATCH --array=0-15            # 16 shards; indices must start at 0
#SBATCH --cpus-per-task=16      # threads per shard (results do not depend on it)
#SBATCH --time=01:00:00
#SBATCH --output=tiersim-sweep-%A_%a.log
set -euo pipefail

SWEEP=${SWEEP:-examples/sweep-after.ron}
OUT=${OUT:-results/sweep-after}

# A rerun of a failed task resumes: points already written in its folder are not recomputed.
tiersim --threads "${SLURM_CPUS_PER_TASK:-1}" sweep "$SWEEP" --out "$OUT/shard-$SLURM_ARRAY_TASK_ID"

# The last task to start submits the merge, to run once every task has succeeded.
if [ "$SLURM_ARRAY_TASK_ID" = "$((SLURM_ARRAY_TASK_COUNT - 1))" ]; then
    sbatch --dependency="afterok:$SLURM_ARRAY_JOB_ID" --job-name=tiersim-merge \
        --wrap "tiersim merge $OUT/shard-* --out $OUT"
fi
