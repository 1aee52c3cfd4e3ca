#!/bin/sh
# Runs one fuzz target for SECONDS (default 240) the way issue #8 asks: one job, a 10 s
# per-input timeout, 2 GiB RSS and 1 GiB single-allocation limits. Usage:
#   fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags...]
# Needs cargo-fuzz; RUSTC_BOOTSTRAP=1 lets the stable toolchain take its nightly flags.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=$1
seconds=${2:-240}
shift $(( $# < 2 ? $# : 2 ))
[ -d "$here/corpus/$target" ] || "$here/seed.sh" >/dev/null
cd "$here"
RUSTC_BOOTSTRAP=1 exec cargo fuzz run -O "$target" "corpus/$target" -- \
    -jobs=1 -workers=1 -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 "$@"
