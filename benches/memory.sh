#!/usr/bin/env bash
# Peak memory of `vouch check` against the number of files (issue #7: "flat in the number
# of files; bounded by jobs × (largest file + its decode) + a constant").
#
# Usage: benches/memory.sh [COUNT...]        (default: 1000 10000 100000 1000000)
#
# For every COUNT it makes (once, kept in $MEM_DIR, default /tmp/vouch-mem) a delivery of
# COUNT distinct valid JPEG pages of 16×16 grey pixels at 300 dpi (~360 bytes each, made
# byte-unique by a COM segment naming the file), 1,000 pages per record folder (dat31
# layout), with a matching CSV catalogue: a delivery with no finding, so what is measured
# is what vouch keeps per file (walk, plan, facts, report), not findings. Then one case
# of BIG files (default 3) of BIG_GB GiB each (sparse files named as pages: read,
# digested and identified in full, at --jobs 2), for the per-file bound.
#
# RECORDS=R spreads every delivery over R records instead (ceil(COUNT / R) pages each), so
# the catalogue and the top level are the same size at every COUNT and only the number of
# files varies (the catalogue is held in memory: about 0.8 KB per record).
#
# Each case runs the release binary under `/usr/bin/time -v` twice: report.json to stdout
# (`--format json -q`, the gating use) and a full report bundle (`--out DIR`: report.json,
# html, csv, junit, the journal), and prints peak RSS (VmHWM) and wall time. Set
# BASE=/path/to/other/vouch to measure a second binary side by side in the same run.
# GENERATE_ONLY=1 makes the deliveries and measures nothing. KEEP=0 removes the generated deliveries at the end (1,000,000 files take ~4 GB of disk
# on ext4 and ~1 minute to generate).
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("${@:-1000 10000 100000 1000000}")
read -r -a counts <<< "${counts[*]}"
dir=${MEM_DIR:-/tmp/vouch-mem}
big=${BIG:-3}
big_gb=${BIG_GB:-1}
vouch=${VOUCH:-${CARGO_TARGET_DIR:-target}/release/vouch}
[ -x "$vouch" ] || cargo build --release
vouch=$(realpath "$vouch")
bins=("$vouch")
[ -n "${BASE:-}" ] && bins+=("$(realpath "$BASE")")
mkdir -p "$dir"

# One valid base JPEG (ImageMagick when present, else a fixed 16×16 grey baseline JPEG).
base=$dir/base.jpg
if [ ! -s "$base" ]; then
  if command -v convert >/dev/null; then
    convert -size 16x16 xc:gray50 -density 300 -units PixelsPerInch -quality 90 "$base"
  else
    echo "memory.sh: needs ImageMagick's convert for the base page" >&2
    exit 2
  fi
fi

generate() { # COUNT DIR: delivery of COUNT unique pages, PER per record
  local n=$1 d=$2
  [ -e "$d/done" ] && return
  rm -rf "$d" && mkdir -p "$d/delivery"
  echo "memory.sh: generating $n files in $d" >&2
  python3 - "$base" "$d" "$n" "$(per "$n")" <<'EOF'
import os, sys
base, d, n, per = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
jpeg = open(base, "rb").read()
with open(os.path.join(d, "catalogue.csv"), "w") as cat:
    cat.write("reference,pages\n")
    for r in range((n + per - 1) // per):
        code = "M%06d" % (r + 1)
        folder = os.path.join(d, "delivery", code)
        os.mkdir(folder)
        pages = min(per, n - r * per)
        for p in range(1, pages + 1):
            tag = ("%s/%d" % (code, p)).encode().ljust(16)[:16]
            com = b"\xff\xfe\x00\x12" + tag
            with open(os.path.join(folder, "%04d.jpg" % p), "wb") as f:
                f.write(jpeg[:2] + com + jpeg[2:])
        cat.write("%s,%d\n" % (code, pages))
EOF
  touch "$d/done"
}

per() { # COUNT -> pages per record
  if [ -n "${RECORDS:-}" ]; then echo $(( ($1 + RECORDS - 1) / RECORDS )); else echo 1000; fi
}

generate_big() { # BIG files of BIG_GB GiB, sparse, one record
  local d=$dir/big
  [ -e "$d/done" ] && return
  rm -rf "$d" && mkdir -p "$d/delivery/B000001"
  for p in $(seq 1 "$big"); do
    truncate -s "${big_gb}G" "$d/delivery/B000001/$(printf '%04d' "$p").jpg"
  done
  printf 'reference,pages\nB000001,%d\n' "$big" > "$d/catalogue.csv"
  touch "$d/done"
}

measure() { # BIN CASE-DIR MODE -> "peak_kb wall_s"
  local bin=$1 d=$2 mode=$3 log out
  log=$(mktemp) out=$(mktemp -d)
  local args=(check "$d/delivery" -c "$d/catalogue.csv" --jobs 2)
  case $mode in
    json) args+=(--format json -q) ;;
    bundle) args+=(--out "$out/report" -q) ;;
  esac
  local status=0 kb wall
  /usr/bin/time -v "$bin" "${args[@]}" > /dev/null 2> "$log" || status=$?
  if [ "$status" -gt 1 ]; then # 0 accepted, 1 rejected: anything else did not run
    echo "memory.sh: $bin failed ($status): $(head -c 300 "$log")" >&2
    exit 2
  fi
  kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$log")
  wall=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$log")
  rm -rf "$log" "$out"
  echo "$kb $wall"
}

row() { # LABEL FILES CASE-DIR
  local label=$1 files=$2 d=$3 bin
  for bin in "${bins[@]}"; do
    read -r kb_j wall_j <<< "$(measure "$bin" "$d" json)"
    read -r kb_b wall_b <<< "$(measure "$bin" "$d" bundle)"
    [ -n "$kb_j" ] && [ -n "$kb_b" ] || exit 2
    printf '| %s | %s | %s | %.1f MB | %s | %.1f MB | %s |\n' "$bin" \
      "$label" "$files" "$(echo "$kb_j / 1000" | bc -l)" "$wall_j" \
      "$(echo "$kb_b / 1000" | bc -l)" "$wall_b"
  done
}

echo "memory.sh: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2
echo "| binary | case | files | peak RSS, json to stdout | wall | peak RSS, --out bundle | wall |"
echo "|:---|:---|---:|---:|---:|---:|---:|"
for n in "${counts[@]}"; do
  case_dir=$dir/d$n${RECORDS:+-r$RECORDS}
  generate "$n" "$case_dir"
  # GENERATE_ONLY=1: only make the deliveries (benches/shards.sh reuses them).
  [ "${GENERATE_ONLY:-0}" = 1 ] && continue
  row "pages, $(per "$n") per record" "$n" "$case_dir"
done
if [ "$big" -gt 0 ]; then
  generate_big
  row "${big} × ${big_gb} GiB" "$big" "$dir/big"
fi
if [ "${KEEP:-1}" = 0 ]; then rm -rf "$dir"; fi
