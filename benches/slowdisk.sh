#!/usr/bin/env bash
# `vouch check --io-threads 1` on a slow device against `cat` of the same files in the
# same order (issue #7: "within 10% of cat"), cold cache, side by side.
#
# Usage (root; Linux with cgroup v1 blkio or v2 io.max, losetup, mkfs.ext4):
#   benches/slowdisk.sh [PAGES] [MBPS]     (default: 300 colour pages at 30 MB/s)
#
# The "drive": an ext4 file system on a loop device, its reads throttled to MBPS MB/s
# by the block I/O controller (cgroup v1 `blkio.throttle.read_bps_device`, else v2
# `io.max`), standing in for a USB hard disk or an optical disc. PAGES colour A4 JPEG
# pages (~1.08 MB) of the e2e delivery (benches/e2e.sh makes it) are copied onto it in
# a shuffled order, as a vendor's parallel copy leaves them: inode (on-disk) order is not
# path order. Every command runs with the page cache dropped, inside the throttled
# cgroup, RUNS times (default 3), hyperfine side by side:
#   cat, inode order           the read limit of the device in vouch's order
#   cat, path order            what a naive sequential reader does
#   vouch --io-threads 1       one reader in inode order, decoding on all cores
#   vouch (default)            every worker reads its own files, path order
# What the throttle does not model: seeks. A rotational disk pays per seek, so the
# interleaved reads of the default mode cost more there than here; see BENCHMARKS.md for
# the manual run on real media.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-300}
mbps=${2:-30}
runs=${RUNS:-3}
src=${E2E_DIR:-/tmp/vouch-e2e}/delivery
img=${SLOW_IMG:-/tmp/vouch-slow.img}
mnt=${SLOW_MNT:-/mnt/vouch-slow}
vouch=${VOUCH:-${CARGO_TARGET_DIR:-target}/release/vouch}
[ -x "$vouch" ] || cargo build --release
vouch=$(realpath "$vouch")
[ -d "$src" ] || GENERATE_ONLY=1 benches/e2e.sh 2000
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null

# ---- the drive ---------------------------------------------------------------------
mb=$((pages * 12 / 10 + 200))
truncate -s "${mb}M" "$img"
loop=$(losetup -f --show "$img")
cg=""
cleanup() {
  umount "$mnt" 2>/dev/null || true
  losetup -d "$loop" 2>/dev/null || true
  [ -n "$cg" ] && rmdir "$cg" 2>/dev/null || true
  rm -f "$img"
}
trap cleanup EXIT
mkfs.ext4 -q -F "$loop"
mkdir -p "$mnt" && mount "$loop" "$mnt"
d=$mnt/delivery
mkdir -p "$d"
# The first PAGES colour pages, whole records, copied in a shuffled order.
mapfile -t files < <(cd "$src" && find . -path './A001-c-*' -name '*.jpg' | sort | head -n "$pages")
printf '%s\n' "${files[@]}" | shuf --random-source=<(yes) | while read -r f; do
  mkdir -p "$d/$(dirname "$f")" && cp "$src/$f" "$d/$f"
done
{
  echo "reference,pages"
  printf '%s\n' "${files[@]}" | cut -d/ -f2 | sort | uniq -c | awk '{print $2 "," $1}'
} > "$mnt/catalogue.csv"
sync
bytes=$(du -sb "$d" | cut -f1)
echo "slowdisk: ${#files[@]} pages, $((bytes / 1000000)) MB on $loop, reads limited to $mbps MB/s" >&2
# Inode order and path order lists, made once (the listing is not what is timed).
(cd "$d" && find . -type f -printf '%i %P\n' | sort -n | cut -d' ' -f2- > "$mnt/by-inode.txt")
(cd "$d" && find . -type f -printf '%P\n' | sort > "$mnt/by-path.txt")

# ---- the throttle ------------------------------------------------------------------
dev=$(cat "/sys/block/$(basename "$loop")/dev")
bps=$((mbps * 1000000))
if [ -d /sys/fs/cgroup/blkio ]; then
  cg=/sys/fs/cgroup/blkio/vouch-slowdisk
  mkdir -p "$cg"
  echo "$dev $bps" > "$cg/blkio.throttle.read_bps_device"
else
  cg=/sys/fs/cgroup/vouch-slowdisk
  echo +io > /sys/fs/cgroup/cgroup.subtree_control
  mkdir -p "$cg"
  echo "$dev rbps=$bps" > "$cg/io.max"
fi
throttled() { echo "sh -c 'echo \$\$ > $cg/cgroup.procs && cd $d && $1'"; }
drop="sync; echo 3 > /proc/sys/vm/drop_caches"

accepted='|| [ $? = 1 ]' # accepted or rejected, both a completed run
check="$vouch check $d -c $mnt/catalogue.csv -q --format json"
hyperfine --runs "$runs" --prepare "$drop" --export-markdown "${OUT:-/tmp/slowdisk.md}" \
  -n "cat, inode order" "$(throttled "xargs -d \"\\n\" cat < $mnt/by-inode.txt > /dev/null")" \
  -n "cat, path order" "$(throttled "xargs -d \"\\n\" cat < $mnt/by-path.txt > /dev/null")" \
  -n "vouch check --io-threads 1" "$(throttled "$check --io-threads 1 > /dev/null $accepted")" \
  -n "vouch check (default)" "$(throttled "$check > /dev/null $accepted")"
cat "${OUT:-/tmp/slowdisk.md}"
