#!/usr/bin/env bash
# Cost of the progress bar (issue #7: it must cost < 1%). `vouch check` draws its bar
# only when stderr is a terminal, so both variants run under `script` (a pseudo-terminal)
# and differ only in where stderr goes: the terminal (bar drawn, 8 redraws/s, one
# `inc` per file) or /dev/null (bar hidden). Timed side by side by hyperfine at both
# depths (quick makes per-file costs weigh most), on the delivery benches/e2e.sh made.
# Usage: benches/progress.sh   (after benches/e2e.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
vouch=$(realpath "${VOUCH:-${CARGO_TARGET_DIR:-target}/release/vouch}")
d=${E2E_DIR:-/tmp/vouch-e2e}/delivery
[ -f "$d/catalogue.csv" ] || { echo "run benches/e2e.sh first" >&2; exit 2; }
find "$d" -type f -print0 | xargs -0 cat > /dev/null
check="$vouch check $d -c $d/catalogue.csv -m $d/manifest-sha256.txt"
hyperfine -i --warmup 1 --runs "${RUNS:-5}" --export-markdown "${OUT:-/dev/stdout}" \
  -n "full, bar drawn" "script -qec '$check > /dev/null' /dev/null > /dev/null" \
  -n "full, bar hidden" "script -qec '$check > /dev/null 2> /dev/null' /dev/null > /dev/null" \
  -n "quick, bar drawn" "script -qec '$check --depth quick > /dev/null' /dev/null > /dev/null" \
  -n "quick, bar hidden" "script -qec '$check --depth quick > /dev/null 2> /dev/null' /dev/null > /dev/null"
