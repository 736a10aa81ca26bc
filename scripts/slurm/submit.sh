#!/usr/bin/env bash
# Submits the shard array and the merge that depends on it (afterok: it runs only if every task succeeded).
#   scripts/slurm/submit.sh PROJECT OUT N [CPUS_PER_TASK] [extra sbatch options...]
# A failed task: resubmit just it (`sbatch --array=I ... shards.sbatch`, it resumes), then the merge alone.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
project="$(realpath "$1")" out="$(realpath -m "$2")" n="$3" cpus="${4:-1}"
shift $(( $# < 4 ? $# : 4 ))
export PROJECT="$project" OUT="$out"
array=$(sbatch --parsable --array="0-$((n - 1))" --cpus-per-task="$cpus" --export=ALL "$@" "$here/shards.sbatch")
merge=$(sbatch --parsable --dependency="afterok:${array%%;*}" --cpus-per-task="$cpus" --export=ALL "$@" \
  "$here/merge.sbatch")
echo "shards: job ${array%%;*} (array 0-$((n - 1))), merge: job ${merge%%;*}"
