#!/usr/bin/env bash
# Cost of the image-quality measures (issue #10): `vouch check` of the labelled quality
# set (examples/quality-set.rs: 80 A4 greyscale JPEG pages at 200 and 300 dpi, text,
# tables, photographs, stamps, handwriting) with the dat31 profile as built in (quality
# measured) and with a copy saying `[quality] enabled = false`, side by side in one
# hyperfine run (page cache warm, 2 warm-ups, RUNS runs, alternating). Both runs do the
# same full decode and make the same 1/8-scale DC image (check.rs asks for it for the
# thumbnails too); the difference is the AC-band statistics in the JPEG walk, the
# measures on the reduced image and the quality rules. Usage: benches/quality.sh
# The quality run exits 1 (the set has defects): -i. Needs hyperfine and a release build (built here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-10}
target=${CARGO_TARGET_DIR:-target}
dir=${QUALITY_DIR:-/tmp/vouch-quality-bench}
cargo build --release --bin vouch --example quality-set
vouch=$(realpath "$target/release/vouch")
if [ ! -d "$dir/delivery" ]; then
  rm -rf "$dir"
  "$target/release/examples/quality-set" "$dir" --vouch "$vouch"
fi
"$vouch" profiles --show dat31 | sed 's/^enabled = true/enabled = false/' > "$dir/dat31-off.toml"
grep -q '^enabled = false' "$dir/dat31-off.toml"
common="check $dir/delivery --catalogue $dir/catalogue.csv --format json"
hyperfine --warmup 2 --runs "$runs" -N -i \
  -n "quality on" "$vouch $common --profile dat31 --out $dir/on" \
  -n "quality off" "$vouch $common --profile $dir/dat31-off.toml --out $dir/off" \
  --export-markdown "$dir/quality-cost.md"
