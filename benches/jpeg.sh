#!/usr/bin/env bash
# The JPEG path options of issue #7, side by side on the same colour pages, all cores:
# vouch's scan walk (this build), optionally an older vouch (e.g. one built at 9f13203,
# the walk plus zune-jpeg's full decode) given as BASE, jpeginfo -c, and libjpeg-turbo
# through djpeg at 1/8 scale (what a turbojpeg/mozjpeg binding decoding at 1/8 would
# cost) and at full scale. Usage: [BASE=/path/to/old/vouch] benches/jpeg.sh [PAGES]
# (default 200 colour pages of the delivery benches/e2e.sh made, i.e. its first colour
# records; `vouch check` runs on a delivery of just those records, hard-linked).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
jobs=$(nproc)
vouch=$(realpath "${VOUCH:-${CARGO_TARGET_DIR:-target}/release/vouch}")
d=${E2E_DIR:-/tmp/vouch-e2e}/delivery
[ -f "$d/catalogue.csv" ] || { echo "run benches/e2e.sh first" >&2; exit 2; }
tmp=$(mktemp -d /tmp/vouch-jpeg-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
sub=$tmp/delivery list=$tmp/pages
mkdir -p "$sub" && echo "reference,pages" > "$sub/catalogue.csv"
for rec in $(cd "$d" && ls -d A*-c-* | sort); do
  [ "$(find "$sub" -name '*.jpg' | wc -l)" -lt "$n" ] || break
  cp -al "$d/$rec" "$sub/$rec" && grep "^$rec," "$d/catalogue.csv" >> "$sub/catalogue.csv"
  grep " $rec/" "$d/manifest-sha256.txt" >> "$sub/manifest-sha256.txt"
done
find "$sub" -name '*.jpg' | sort > "$list"
xargs -a "$list" cat > /dev/null
echo "jpeg: $(wc -l < "$list") colour pages, $(xargs -a "$list" du -cb | tail -1 | cut -f1) bytes, $jobs cores" >&2
args=(
  -n "vouch check (full)" "$vouch check $sub -c $sub/catalogue.csv -m $sub/manifest-sha256.txt -q > /dev/null"
  -n "vouch inspect (scan walk + SHA-256)" "xargs -a $list $vouch inspect > /dev/null"
)
if [ -n "${BASE:-}" ]; then
  args+=(-n "vouch inspect, BASE ($BASE)" "xargs -a $list $BASE inspect > /dev/null")
fi
args+=(
  -n "jpeginfo -c" "xargs -a $list -P $jobs -n 16 jpeginfo -c > /dev/null"
  -n "djpeg -scale 1/8 (libjpeg-turbo)" "xargs -a $list -P $jobs -n 1 djpeg -scale 1/8 -outfile /dev/null"
  -n "djpeg full scale (libjpeg-turbo)" "xargs -a $list -P $jobs -n 1 djpeg -outfile /dev/null"
)
hyperfine -i --warmup 1 --runs "${RUNS:-5}" --export-markdown "${OUT:-/dev/stdout}" "${args[@]}"
