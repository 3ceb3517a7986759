#!/usr/bin/env bash
# Grade one exercise for a whole cohort on a Slurm job array: one shard per array task.
#   sbatch --array=1-10 docs/cluster/slurm-array.sh w1d3_cross_entropy /shared/submissions /shared/results
# Afterwards, on any node:  nma-tutor merge /shared/results/shard-* --out /shared/results/all
#SBATCH --job-name=nma-grade
#SBATCH --cpus-per-task=2
#SBATCH --mem=8G
#SBATCH --time=01:00:00
set -euo pipefail
exercise=$1 submissions=$2 results=$3
course=${NMA_COURSE:-$HOME/nma-tutor}          # a checkout of this repository on shared storage
bin="$course/target/release/nma-tutor"
[ -x "$bin" ] || (cd "$course" && cargo build --release -p nma-tutor)
# Grading builds on node-local disk, one folder per task: no cargo lock on shared storage.
export NMA_BUILD_DIR="${TMPDIR:-/tmp}/nma-build-$SLURM_ARRAY_TASK_ID"
export NMA_WORKSPACE="${TMPDIR:-/tmp}/nma-ws-$SLURM_ARRAY_TASK_ID"
"$bin" grade-batch "$exercise" "$submissions" \
  --out "$results/shard-$SLURM_ARRAY_TASK_ID" \
  --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" \
  --jobs "${SLURM_CPUS_PER_TASK:-2}"
