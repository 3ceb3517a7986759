#!/usr/bin/env bash
# Grade one exercise for a whole cohort on a Slurm job array: one shard per array task.
#   sbatch --array=0-9 docs/cluster/slurm-array.sh w1d3_cross_entropy /shared/submissions /shared/results
# Ids may start at 0 or 1 (--array=1-10 is the same ten shards) and may have a step
# (--array=0-18:2); a list such as --array=1,4,7 is refused. Task i writes
# /shared/results/shard-K (K = 1..N, its share of the sorted submissions). Afterwards, on any node:
#   nma-tutor merge /shared/results/shard-* --out /shared/results/all
# --cpus-per-task sets how many submissions a task grades at once (--jobs). A rerun of a
# failed task resumes where it stopped.
#
# What a node needs:
# - this repository (the course) on shared storage, at $NMA_COURSE (default ~/nma-tutor), and
#   nma-tutor built there once before submitting (cargo build --release -p nma-tutor), or at
#   $NMA_TUTOR_BIN; the submissions and results folders on shared storage too;
# - a Rust toolchain (cargo on PATH, or in ~/.cargo/bin): submissions are compiled;
# - about 2 GB free on node-local disk ($NMA_BUILD_DIR, default /tmp/nma-build-$USER) for the
#   grading engine, which the first task on a node builds once (a minute or two; never counted
#   in a learner's seconds); every other task on that node, at the same time or later, uses it.
#   Where each job gets a private /tmp, set NMA_BUILD_DIR to node-local disk that outlives a job;
# - memory per task of about --cpus-per-task × the exercise's memory limit (limits.memory_mb
#   in its exercise.toml, default 2048 MB) at worst; most tests use far less. Nothing here asks
#   for --mem, so the script runs on clusters that do not schedule memory; add --mem to sbatch
#   where yours does.
#SBATCH --job-name=nma-grade
#SBATCH --cpus-per-task=2
#SBATCH --time=01:00:00
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: sbatch --array=0-N $0 EXERCISE SUBMISSIONS RESULTS" >&2
  exit 2
fi
exercise=$1 submissions=$2 results=$3
: "${SLURM_ARRAY_TASK_ID:?not an array task: submit with sbatch --array=0-N}"

# This task's shard, 1-based, whatever the array's first id and step.
step=${SLURM_ARRAY_TASK_STEP:-1}
shards=$SLURM_ARRAY_TASK_COUNT
shard=$(( (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / step + 1 ))
if [ $(( (SLURM_ARRAY_TASK_MAX - SLURM_ARRAY_TASK_MIN) / step + 1 )) -ne "$shards" ]; then
  echo "slurm-array.sh: the array ids must be a range such as 0-9 or 1-10 (optionally :step), not a list" >&2
  exit 2
fi

command -v cargo >/dev/null 2>&1 || export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
course=${NMA_COURSE:-$HOME/nma-tutor}
export NMA_COURSE=$course
bin=${NMA_TUTOR_BIN:-$course/target/release/nma-tutor}
if [ ! -x "$bin" ]; then
  [ -z "${NMA_TUTOR_BIN:-}" ] || { echo "slurm-array.sh: NMA_TUTOR_BIN=$bin is not an executable" >&2; exit 1; }
  (cd "$course" && cargo build --release -p nma-tutor)
fi

# Grading builds on node-local disk, in one folder that every task on this node shares: the
# engine is built there once, and concurrent grades in one folder are safe.
export NMA_BUILD_DIR="${NMA_BUILD_DIR:-/tmp/nma-build-$(id -un)}"
# A learner's workspace is not used by grade-batch; give each task a scratch one.
export NMA_WORKSPACE="${TMPDIR:-/tmp}/nma-ws-${SLURM_JOB_ID:-$$}"
trap 'rm -rf "$NMA_WORKSPACE"' EXIT

echo "shard $shard/$shards (array task $SLURM_ARRAY_TASK_ID) on $(hostname), build folder $NMA_BUILD_DIR"
"$bin" grade-batch "$exercise" "$submissions" \
  --out "$results/shard-$shard" \
  --shard "$shard/$shards" \
  --jobs "${SLURM_CPUS_PER_TASK:-2}"
