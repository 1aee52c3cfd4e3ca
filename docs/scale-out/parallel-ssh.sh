#!/bin/bash
# Checks a delivery on a few PCs that see the same share, with GNU parallel over ssh:
# one shard per PC at a time, then the merge here.
#
#   SSHLOGIN=pc1,pc2,pc3,pc4 DELIVERY=/mnt/share/delivery CATALOGUE=/mnt/share/cat.csv \
#   MANIFEST=/mnt/share/delivery/manifest-sha256.txt PARTS=/mnt/share/vouch/parts \
#   OUT=/mnt/share/vouch/acceptance docs/scale-out/parallel-ssh.sh 8
#
# Every path must be the same on every PC (the share mounted at one place), and `vouch`
# on each PC's PATH (or VOUCH set to its path). SSHLOGIN is parallel's --sshlogin list
# (`:` is this machine). A shard that failed can be rerun alone; it resumes. Exit status:
# the merge's (0 accepted, 1 rejected), 2 when a shard or the merge could not run.
set -euo pipefail
shards=${1:-4}
: "${DELIVERY:?}" "${CATALOGUE:?}" "${MANIFEST:?}" "${PARTS:?}" "${OUT:?}"
vouch=${VOUCH:-vouch}
mkdir -p "$PARTS"
seq 0 $((shards - 1)) | parallel --sshlogin "${SSHLOGIN:-:}" --jobs 1 --halt now,fail=1 \
  "$vouch" check "$DELIVERY" --catalogue "$CATALOGUE" --manifest "$MANIFEST" \
  --profile "${PROFILE:-dat31}" --shard "{}/$shards" --out "$PARTS/{}" --quiet ||
  exit 2
exec "$vouch" merge "$PARTS"/[0-9]* --out "$OUT" --quiet
