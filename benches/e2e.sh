#!/usr/bin/env bash
# End-to-end throughput of `vouch check` (full and quick) against the tools a preservation
# engineer would script together instead, over one realistic delivery, side by side in
# one hyperfine run (issue #7). Usage: benches/e2e.sh [PAGES]   (default 2000)
#
# The delivery (dat31 layout, A4 at 300 dpi): colour JPEG pages (quality 85, 4:2:0,
# ~1.1 MB, a gradient with Gaussian noise standing in for paper texture, and a page
# number), greyscale JPEG pages, bilevel CCITT G4 TIFF pages, LZW colour TIFF pages, and
# multi-page PDFs of colour JPEG pages (img2pdf), with a CSV catalogue and a sha256sum
# manifest. Rendering 2,000 distinct A4 pages would take longer than the benchmark, so
# a few dozen distinct pages per kind are rendered (ImageMagick) and every page file is
# a byte-unique copy of one (a JPEG COM segment, a TIFF ImageDescription, a PDF title
# carry its name): every checker still reads, hashes and decodes every file in full.
#
# Timed (hyperfine, page cache warm: everything is read once first, 1 warm-up, RUNS runs):
# vouch check (full, quick); openssl dgst -sha256, jpeginfo -c, tiffinfo -D, qpdf --check
# and ImageMagick identify on all cores (xargs -P nproc); sha256sum -c (one core, as
# coreutils runs); b3sum (multi-threaded itself); cat > /dev/null (the read limit);
# bagit.py --validate --processes nproc on a hard-linked bag of the same files. Then a
# table of pages/s and MB/s per command and the ratio of vouch check (full)'s throughput
# to it, by wall clock and by CPU time (user + system: on a shared machine the cores a
# command gets vary between commands; per CPU-second is the cost that does not).
# Set COLD=1 to also time a cold-cache run of each (needs root: drop_caches).
#
# The delivery is kept in $E2E_DIR (default /tmp/vouch-e2e) and reused when its page
# count matches; delete it to regenerate. Needs: hyperfine, jpeginfo, libtiff-tools,
# qpdf, imagemagick, img2pdf, b3sum, openssl, python3 with bagit (installed with
# apt-get / pip when missing and running as root), a release build of vouch.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-2000}
runs=${RUNS:-3}
jobs=$(nproc)
vouch=${VOUCH:-${CARGO_TARGET_DIR:-target}/release/vouch}
dir=${E2E_DIR:-/tmp/vouch-e2e}
[ -x "$vouch" ] || cargo build --release
vouch=$(realpath "$vouch")

need() { command -v "$1" >/dev/null 2>&1; }
if ! { need hyperfine && need jpeginfo && need tiffinfo && need tiffset && need qpdf \
  && need convert && need img2pdf && need b3sum && need openssl; }; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends hyperfine \
    jpeginfo libtiff-tools qpdf imagemagick img2pdf b3sum openssl >/dev/null
fi
python3 -c 'import bagit' 2>/dev/null || python3 -m pip install --quiet bagit
bagit_py=$(command -v bagit.py || echo "python3 -m bagit")

# ---- the delivery ------------------------------------------------------------------
# Shares of the page count: 60% colour JPEG, 20% grey JPEG, 10% G4, 1% LZW colour TIFF,
# the rest (~9%) pages of 10-page PDFs.
n_colour=$((pages * 60 / 100)) n_grey=$((pages * 20 / 100)) n_g4=$((pages * 10 / 100))
n_lzw=$((pages / 100))
n_pdf=$(((pages - n_colour - n_grey - n_g4 - n_lzw + 9) / 10))
per=20 # pages per record folder
render() {
  local src=$dir/src w=2480 h=3508
  # A font file by path: an ImageMagick built without its type map knows no font names.
  local font
  font=$(fc-match -f '%{file}' sans 2>/dev/null || true)
  rm -rf "$src" && mkdir -p "$src"
  echo "e2e: rendering distinct pages into $src (a few minutes)" >&2
  convert -size 2880x3908 gradient:wheat-white -attenuate 0.35 +noise Gaussian "$src/colour.mpc"
  convert -size 2880x3908 gradient:gray90-white -attenuate 0.30 +noise Gaussian \
    -colorspace Gray "$src/grey.mpc"
  # Text-like bilevel page: random dark strokes on white, then thresholded.
  convert -size 620x877 xc:white +noise Random -colorspace Gray -threshold 92% \
    -scale 400% "$src/bilevel.mpc"
  seq 1 48 | xargs -P "$jobs" -I{} sh -c "convert '$src/colour.mpc' -crop ${w}x$h+\$(({}*7))+\$(({}*5)) \
    +repage ${font:+-font $font} -fill black -pointsize 60 -annotate +200+300 'Page {}' -density 300 -units PixelsPerInch \
    -quality 85 -sampling-factor 2x2 '$src/c{}.jpg'"
  seq 1 16 | xargs -P "$jobs" -I{} sh -c "convert '$src/grey.mpc' -crop ${w}x$h+\$(({}*11))+\$(({}*3)) \
    +repage ${font:+-font $font} -fill black -pointsize 60 -annotate +200+300 'Page {}' -density 300 -units PixelsPerInch \
    -quality 85 '$src/g{}.jpg'"
  seq 1 8 | xargs -P "$jobs" -I{} sh -c "convert '$src/bilevel.mpc' -crop ${w}x$h+\$(({}*13))+0 +repage \
    -density 300 -units PixelsPerInch -monochrome -compress Group4 '$src/b{}.tif'"
  seq 1 4 | xargs -P "$jobs" -I{} sh -c "convert '$src/c{}.jpg' -density 300 -units PixelsPerInch \
    -compress LZW '$src/l{}.tif'"
  touch "$src/done"
}
generate() {
  [ -e "$dir/src/done" ] || render
  rm -rf "$dir/delivery" "$dir/bag" && mkdir -p "$dir/delivery"
  local src=$dir/src csv=$dir/delivery/catalogue.csv rec=0
  echo "reference,pages" > "$csv"
  # record KIND COUNT DISTINCT EXT: page files in folders of $per, each a unique copy.
  record() {
    local kind=$1 count=$2 distinct=$3 ext=$4 i=0
    while [ "$i" -lt "$count" ]; do
      rec=$((rec + 1))
      local code n folder
      code=$(printf 'A%03d-%s-%04d' 1 "$kind" "$rec")
      n=$((count - i < per ? count - i : per))
      folder=$dir/delivery/$code
      mkdir -p "$folder"
      for p in $(seq 1 "$n"); do
        local base out
        base=$src/$kind$(((i + p - 1) % distinct + 1)).$ext
        out=$folder/$(printf '%04d' "$p").$ext
        if [ "$ext" = jpg ]; then
          # A COM segment after SOI: FF FE, length 18, 16 characters (code/page).
          { head -c 2 "$base"; printf '\377\376\000\022%-16.16s' "$code/$p"; tail -c +3 "$base"; } > "$out"
        else
          cp "$base" "$out" && tiffset -s 270 "$code page $p" "$out"
        fi
      done
      echo "$code,$n" >> "$csv"
      i=$((i + n))
    done
  }
  record c "$n_colour" 48 jpg
  record g "$n_grey" 16 jpg
  record b "$n_g4" 8 tif
  record l "$n_lzw" 4 tif
  for d in $(seq 1 "$n_pdf"); do
    rec=$((rec + 1))
    local code
    code=$(printf 'A%03d-p-%04d' 1 "$rec")
    local inputs=()
    for p in $(seq 1 10); do inputs+=("$src/c$(((d * 10 + p) % 48 + 1)).jpg"); done
    img2pdf --title "$code" -o "$dir/delivery/$code.pdf" "${inputs[@]}"
    echo "$code,10" >> "$csv"
  done
  (cd "$dir/delivery" && find . -type f ! -name catalogue.csv ! -name 'manifest-*' -printf '%P\n' \
    | sort | xargs -d '\n' sha256sum > manifest-sha256.txt)
  # The bag: hard links to the same files (same page cache), validated by bagit-python.
  mkdir -p "$dir/bag" && cp -al "$dir/delivery/." "$dir/bag/"
  rm -f "$dir/bag/catalogue.csv" "$dir/bag/manifest-sha256.txt"
  $bagit_py --quiet --processes "$jobs" --sha256 "$dir/bag"
  echo "$pages" > "$dir/pages"
}
[ "$(cat "$dir/pages" 2>/dev/null)" = "$pages" ] || generate
[ "${GENERATE_ONLY:-0}" = 1 ] && exit 0
d=$dir/delivery

# ---- what each command covers ------------------------------------------------------
files() { find "$d" -type f "$@" ! -name catalogue.csv ! -name 'manifest-*' -print0; }
count_pages() { # pages of the given files: PDFs by their page count, other files 1 each
  local total=0 f
  while IFS= read -r -d '' f; do
    case $f in *.pdf) total=$((total + $(qpdf --show-npages "$f"))) ;; *) total=$((total + 1)) ;; esac
  done
  echo "$total"
}
bytes() { xargs -0 -r stat -c %s | awk '{s += $1} END {printf "%.0f\n", s}'; }
all_pages=$(files | count_pages) all_bytes=$(files | bytes)
jpg_pages=$(files -name '*.jpg' | count_pages) jpg_bytes=$(files -name '*.jpg' | bytes)
tif_pages=$(files -name '*.tif' | count_pages) tif_bytes=$(files -name '*.tif' | bytes)
pdf_pages=$(files -name '*.pdf' | count_pages) pdf_bytes=$(files -name '*.pdf' | bytes)
echo "e2e: $all_pages pages, $((all_bytes / 1000000)) MB: JPEG $jpg_pages pages \
$((jpg_bytes / 1000000)) MB, TIFF $tif_pages pages $((tif_bytes / 1000000)) MB, PDF $pdf_pages pages \
$((pdf_bytes / 1000000)) MB; $jobs cores" >&2
files | xargs -0 cat > /dev/null # warm the page cache

check="$vouch check $d -c $d/catalogue.csv -m $d/manifest-sha256.txt -q"
xa="xargs -0 -P $jobs"
names=(
  "vouch check (full)" "vouch check --depth quick" "cat > /dev/null (read limit)"
  "openssl dgst -sha256 (all cores)" "sha256sum -c (1 core)" "b3sum"
  "jpeginfo -c (all cores, JPEG pages)" "tiffinfo -D (all cores, TIFF pages)"
  "qpdf --check (all cores, PDFs)" "identify (all cores)" "bagit.py --validate --processes $jobs"
)
cmds=(
  "$check > /dev/null 2>&1 || true" "$check --depth quick > /dev/null 2>&1 || true"
  "find $d -type f -print0 | xargs -0 cat > /dev/null"
  "find $d -type f -print0 | $xa -n 32 openssl dgst -sha256 > /dev/null"
  "cd $d && sha256sum -c --quiet manifest-sha256.txt"
  "find $d -type f -print0 | xargs -0 b3sum > /dev/null"
  "find $d -type f -name '*.jpg' -print0 | $xa -n 32 jpeginfo -c > /dev/null"
  "find $d -type f -name '*.tif' -print0 | $xa -n 8 tiffinfo -D > /dev/null 2>&1"
  "find $d -type f -name '*.pdf' -print0 | $xa -n 1 qpdf --check > /dev/null"
  "find $d -type f ! -name '*.csv' ! -name '*.txt' -print0 | $xa -n 16 identify > /dev/null 2>&1"
  "$bagit_py --quiet --validate --processes $jobs $dir/bag"
)
covers=(all all all all all all jpg tif pdf all all)
args=()
for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
out=${OUT:-$dir/e2e.json}
# -i: tiffinfo and identify exit non-zero on warnings; the verdicts are not what is timed.
hyperfine -i --warmup 1 --runs "$runs" --export-json "$out" "${args[@]}" >&2

# ---- the table ---------------------------------------------------------------------
python3 - "$out" "${covers[@]}" <<EOF
import json, sys
runs = json.load(open(sys.argv[1]))["results"]
covers = sys.argv[2:]
size = {"all": ($all_pages, $all_bytes), "jpg": ($jpg_pages, $jpg_bytes),
        "tif": ($tif_pages, $tif_bytes), "pdf": ($pdf_pages, $pdf_bytes)}
base = size["all"][0] / runs[0]["mean"]
cpu = lambda r: r["user"] + r["system"]
base_cpu = size["all"][0] / cpu(runs[0])
print("| Command | Covers | Wall [s] | CPU [s] | pages/s | MB/s | vouch ÷ it (wall) | vouch ÷ it (CPU) |")
print("|:---|:---|---:|---:|---:|---:|---:|---:|")
for r, c in zip(runs, covers):
    pages, b = size[c]
    pps = pages / r["mean"]
    print(f"| \`{r['command']}\` | {pages} pages, {b / 1e6:.0f} MB | {r['mean']:.2f} ± {r['stddev'] or 0:.2f} "
          f"| {cpu(r):.2f} | {pps:.0f} | {b / 1e6 / r['mean']:.0f} | {base / pps:.2f} | {base_cpu / (pages / cpu(r)):.2f} |")
EOF

if [ "${COLD:-0}" = 1 ]; then
  if sync && echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then
    echo "e2e: cold cache (drop_caches before each run)" >&2
    hyperfine --runs 2 --prepare 'sync; echo 3 > /proc/sys/vm/drop_caches' \
      -n "vouch check (full), cold" "$check > /dev/null 2>&1 || true" \
      -n "cat > /dev/null, cold" "find $d -type f -print0 | xargs -0 cat > /dev/null" >&2
  else
    echo "e2e: cold cache not measured: /proc/sys/vm/drop_caches is not writable here" >&2
  fi
fi
