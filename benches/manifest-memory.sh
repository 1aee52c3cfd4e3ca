#!/usr/bin/env bash
# Memory a manifest of N entries takes once read (issue #17.3: "a 3 GB manifest takes
# 3.2 GB"; target: at most 100 bytes per entry beyond the path).
#
# Usage: benches/manifest-memory.sh [N...]        (default: 1 100000 1000000)
#
# For every N it writes a sha256sum-style manifest of N lines (`<64 hex>  R-%06d/0001.tif`,
# 17-byte paths, 84 bytes a line) and reads it with `examples/manifest-memory.rs` (the
# reader `vouch check` uses, nothing else) under `/usr/bin/time -v`, printing the peak RSS
# and the bytes per entry above the first (smallest) run, with and without the path bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("${@:-1 100000 1000000}")
read -r -a counts <<< "${counts[*]}"
cargo build --release --example manifest-memory
bin=${CARGO_TARGET_DIR:-target}/release/examples/manifest-memory
dir=$(mktemp -d /tmp/vouch-manifest-mem.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/root"
base=
printf '%9s  %12s  %10s  %16s  %20s\n' entries manifest peak-RSS bytes/entry "beyond the path"
for n in "${counts[@]}"; do
    awk -v n="$n" 'BEGIN { h = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        for (i = 1; i <= n; i++) printf "%s  R-%06d/0001.tif\n", h, i }' > "$dir/manifest-sha256.txt"
    /usr/bin/time -v "$bin" "$dir/manifest-sha256.txt" "$dir/root" > "$dir/out" 2> "$dir/time"
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/time")
    size=$(stat -c %s "$dir/manifest-sha256.txt")
    [ -z "$base" ] && base=$rss && first=$n
    if [ "$rss" != "$base" ] || [ "$n" -gt 1 ]; then
        per=$(( (rss - base) * 1024 / (n - first) ))
        printf '%9s  %12s  %8s KB  %16s  %20s\n' "$n" "$size" "$rss" "$per" "$((per - 17))"
    else
        printf '%9s  %12s  %8s KB  %16s  %20s\n' "$n" "$size" "$rss" - -
    fi
done
