#!/bin/bash
# Checks a delivery as a Slurm job array of SHARDS tasks, then merges the parts in a job
# that depends on the array:
#
#   DELIVERY=/mnt/nas/delivery CATALOGUE=/mnt/nas/cat.xlsx \
#   MANIFEST=/mnt/nas/delivery/manifest-sha256.txt \
#   PARTS=/shared/vouch/parts OUT=/shared/vouch/acceptance \
#   docs/scale-out/slurm/submit.sh 16
#
# PARTS and OUT must be on a file system every node sees. Optional: VOUCH (the binary),
# PROFILE (default dat31), CPUS (per task, default 8), SIGN_KEY (for the merged report),
# SBATCH_WAIT=1 to wait for both jobs (sbatch --wait; this script's status is then the
# merge's: 0 accepted, 1 rejected, 2 could not join).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shards=${1:-16}
: "${DELIVERY:?}" "${CATALOGUE:?}" "${MANIFEST:?}" "${PARTS:?}" "${OUT:?}"
mkdir -p "$PARTS"
array=$(sbatch --parsable --array="0-$((shards - 1))" --cpus-per-task="${CPUS:-8}" \
  --output="$PARTS/slurm-%A_%a.out" --export=ALL "$here/shard.sbatch")
array=${array%%;*}
echo "shards: job array $array (0-$((shards - 1)))" >&2
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --output="$PARTS/slurm-merge-%j.out" --export=ALL "$here/merge.sbatch")
echo "merge: job ${merge%%;*}, after the array" >&2
