#!/usr/bin/env bash
# Hash throughput of `vouch manifest` against the tools users would pick instead, on the
# same files, side by side in one hyperfine run (page cache warm: the files are read
# once before timing). Usage: benches/hash.sh [SIZE_MIB] [FILES]
# Needs: hyperfine, b3sum, sha256sum, openssl; a release build of vouch.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
files=${2:-256}
vouch=${VOUCH:-target/release/vouch}
[ -x "$vouch" ] || cargo build --release
jobs=$(nproc)
tree=$(mktemp -d /tmp/vouch-hash-bench.XXXXXX)
trap 'rm -rf "$tree"' EXIT
per=$((size_mib * 1024 / files))
for i in $(seq -w 1 "$files"); do
  head -c "${per}K" /dev/urandom > "$tree/f$i.bin"
done
cat "$tree"/* > /dev/null # warm the page cache
export tree jobs vouch
hyperfine --warmup 1 --runs 5 --export-markdown "${OUT:-/dev/stdout}" \
  -n "cat (read limit)" "cat $tree/* > /dev/null" \
  -n "sha256sum (1 core)" "sha256sum $tree/* > /dev/null" \
  -n "sha256sum (all cores)" "ls $tree/* | xargs -P $jobs -n 16 sha256sum > /dev/null" \
  -n "openssl dgst -sha256 (all cores)" "ls $tree/* | xargs -P $jobs -n 16 openssl dgst -sha256 > /dev/null" \
  -n "b3sum" "b3sum $tree/* > /dev/null" \
  -n "vouch manifest -a sha256" "$vouch manifest $tree -a sha256 > /dev/null 2>&1" \
  -n "vouch manifest -a blake3" "$vouch manifest $tree -a blake3 > /dev/null 2>&1" \
  -n "vouch manifest -a sm3" "$vouch manifest $tree -a sm3 > /dev/null 2>&1" \
  -n "vouch manifest -a md5" "$vouch manifest $tree -a md5 > /dev/null 2>&1"
