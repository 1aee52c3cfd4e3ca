#!/usr/bin/env bash
# The cost of sharding (issue #21), release build:
#
# 1. CPU: the total CPU time (user + system) of N shards plus the merge against one
#    `vouch check` of the same delivery: benches/e2e.sh's A4 delivery (PAGES, default
#    2000: colour and grey JPEG, G4 and LZW TIFF, PDFs), for N in $SHARDS (default
#    "1 2 4 8"). Shards run one after another (CPU time does not depend on that), each
#    with --jobs nproc; the best of RUNS (default 3) per configuration, as the machine is
#    shared and CPU time still varies with cache and frequency; rounds interleave the
#    single run and every N.
# 2. The merge of 1,000,000 files: a real delivery of 1,000,000 tiny valid JPEG pages
#    (benches/memory.sh's, 1,000 records of 1,000 pages) checked as 4 shards, then merged:
#    the merge's wall time, CPU and peak RSS (VmHWM), against the single run's.
# 3. Balance: examples/shard-balance.rs over a skewed catalogue (20,000 items of 5-44
#    pages and 8 volumes of 5,000 pages, 16 shards), against plain rendezvous hashing.
#
# Usage: benches/shards.sh [cpu|million|balance]...   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
parts=("${@:-cpu million balance}")
read -r -a parts <<< "${parts[*]}"
vouch=${VOUCH:-${CARGO_TARGET_DIR:-target}/release/vouch}
cargo build --release --bins --examples >/dev/null 2>&1
vouch=$(realpath "$vouch")
runs=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# cpu CMD...: prints "user+sys wall peak_kb" of one run (exit 0 or 1 is fine).
cpu() {
  /usr/bin/time -f '%U %S %e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
    local rc=$?
    [ "$rc" -le 1 ] || { cat "$tmp/err" >&2; return "$rc"; }
  }
  # The last line: GNU time writes "Command exited with non-zero status 1" first.
  tail -n 1 "$tmp/time" | awk '{ printf "%.2f %.2f %d\n", $1 + $2, $3, $4 }'
}

cpu_part() {
  local pages=${PAGES:-2000} d
  GENERATE_ONLY=1 benches/e2e.sh "$pages"
  d=${E2E_DIR:-/tmp/vouch-e2e}/delivery
  local args=("$d" -c "$d/catalogue.csv" -m "$d/manifest-sha256.txt" --profile dat31 -q)
  echo "== CPU: N shards + merge against one run, $pages pages, best of $runs (interleaved)"
  local ns=(${SHARDS:-1 2 4 8}) single= best=() r n k c sum m total
  for r in $(seq "$runs"); do
    # One round: the single run, then each N, so slow and fast moments of a shared
    # machine fall on all alike.
    rm -rf "$tmp/single"
    c=$(cpu "$vouch" check "${args[@]}" --out "$tmp/single" | cut -d' ' -f1)
    single=$(echo "${single:-$c} $c" | awk '{ print ($2 < $1) ? $2 : $1 }')
    for i in "${!ns[@]}"; do
      n=${ns[$i]} sum=0
      rm -rf "$tmp"/p-* "$tmp/merged"
      for k in $(seq 0 $((n - 1))); do
        c=$(cpu "$vouch" check "${args[@]}" --shard "$k/$n" --out "$tmp/p-$k" | cut -d' ' -f1)
        sum=$(echo "$sum $c" | awk '{ print $1 + $2 }')
      done
      m=$(cpu "$vouch" merge "$tmp"/p-* --out "$tmp/merged" -q | cut -d' ' -f1)
      total=$(echo "$sum $m" | awk '{ print $1 + $2 }')
      if [ -z "${best[$i]:-}" ] || awk "BEGIN { exit !($total < ${best[$i]%% *}) }"; then
        best[$i]="$total $sum $m"
      fi
    done
  done
  printf '%-8s %10s %10s %10s %9s\n' shards "shards s" "merge s" "total s" overhead
  printf '%-8s %10s %10s %10s %9s\n' single "$single" - "$single" -
  for i in "${!ns[@]}"; do
    read -r total sum m <<< "${best[$i]}"
    printf '%-8s %10s %10s %10s %8.1f%%\n' "${ns[$i]}" "$sum" "$m" "$total" \
      "$(echo "$total $single" | awk '{ print 100 * ($1 - $2) / $2 }')"
  done
}

million_part() {
  local dir=${MEM_DIR:-/tmp/vouch-mem}/d1000000
  MEM_DIR=${MEM_DIR:-/tmp/vouch-mem} BIG=0 GENERATE_ONLY=1 benches/memory.sh 1000000 >/dev/null
  local args=("$dir/delivery" -c "$dir/catalogue.csv" --profile dat31 -q)
  echo "== 1,000,000 files: 4 shards, then the merge (CPU s, wall s, peak RSS KB)"
  echo "single check:  $(cpu "$vouch" check "${args[@]}" --out "$tmp/single")"
  for k in 0 1 2 3; do
    echo "shard $k/4:     $(cpu "$vouch" check "${args[@]}" --shard "$k/4" --out "$tmp/m-$k")"
  done
  echo "merge:         $(cpu "$vouch" merge "$tmp"/m-* --out "$tmp/m-merged" -q)"
  du -sh "$tmp"/m-0 | sed 's/^/part 0 on disk: /'
}

balance_part() {
  echo "== balance (examples/shard-balance.rs)"
  "$(dirname "$vouch")/examples/shard-balance" 16 20000 8 5000
}

for p in "${parts[@]}"; do "${p}_part"; done
