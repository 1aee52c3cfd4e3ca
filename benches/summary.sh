#!/usr/bin/env bash
# Time of the terminal summary against the number of findings (issue #17: it was
# quadratic; 80,000 missing records took 51.8 s, 1,000,000 would take hours).
#
# Usage: benches/summary.sh [ROWS...]        (default: 10000 100000)
#
# For every ROWS it makes a catalogue of ROWS records (`R-000001,1` ...) and an empty
# delivery: every record is missing, one `record-missing` finding each. Each case runs
# `vouch check` three ways and prints the wall time and peak RSS (`/usr/bin/time -v`):
# the summary alone (no --out: the summary is all it writes), `-q` (one line per failing
# record), and with `--out` (the whole bundle too). Set VOUCH=/path/to/vouch to measure
# another binary (default: target/release/vouch, built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=("${@:-10000 100000}")
read -r -a rows <<< "${rows[*]}"
vouch=${VOUCH:-${CARGO_TARGET_DIR:-target}/release/vouch}
[ -x "$vouch" ] || cargo build --release
vouch=$(realpath "$vouch")
dir=$(mktemp -d /tmp/vouch-summary.XXXXXX)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/delivery"

run() { # label, args...
    local label=$1
    shift
    /usr/bin/time -v "$vouch" "$@" > "$dir/stdout" 2> "$dir/time" || true
    local wall rss lines
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/time")
    lines=$(wc -l < "$dir/stdout")
    printf '%9s  %-10s %10s  %8s KB  %8s lines\n' "$n" "$label" "$wall" "$rss" "$lines"
}

printf '%9s  %-10s %10s  %11s  %14s\n' findings run wall peak-RSS stdout
for n in "${rows[@]}"; do
    awk -v n="$n" 'BEGIN { print "档号,页数"; for (i = 1; i <= n; i++) printf "R-%06d,1\n", i }' \
        > "$dir/cat.csv"
    rm -rf "$dir/out"
    run summary check "$dir/delivery" -c "$dir/cat.csv"
    run quiet check "$dir/delivery" -c "$dir/cat.csv" -q
    run bundle check "$dir/delivery" -c "$dir/cat.csv" --out "$dir/out"
done
