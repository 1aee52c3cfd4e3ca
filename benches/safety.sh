#!/usr/bin/env bash
# What the malware scan costs (issue #20): `vouch check` of the e2e delivery (made by
# benches/e2e.sh) with and without `--clamd`, full and quick, side by side in one
# hyperfine run; then clamd's own CPU time over one scanned check, which says how many
# clamd threads are busy on average while vouch's decoders run.
# Usage: benches/safety.sh [DELIVERY_DIR]   (default /tmp/vouch-e2e/delivery)
#
# clamd runs in the foreground on a socket in a temporary folder with the tests'
# signature database (the EICAR string and one custom body signature) unless CLAMD_DB
# names a folder holding main.cvd/daily.cvd (the official database: loading it takes
# ~20 s and ~1 GB of memory). StreamMaxLength is raised to 200M so no page is refused.
set -euo pipefail
cd "$(dirname "$0")/.."
d=${1:-/tmp/vouch-e2e/delivery}
runs=${RUNS:-3}
vouch=$(realpath "${VOUCH:-target/release/vouch}")
tmp=$(mktemp -d)
trap 'kill "$clamd_pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
db=${CLAMD_DB:-$tmp}
if [ -z "${CLAMD_DB:-}" ]; then
  eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
  { echo "Vouch.Test.Eicar:0:*:$(printf '%s' "$eicar" | xxd -p | tr -d '\n')"
    echo "Vouch.Test.Custom:0:*:$(printf 'VOUCH-TEST-PAYLOAD-5e1f' | xxd -p)"; } > "$tmp/t.ndb"
fi
cat > "$tmp/clamd.conf" <<END
LocalSocket $tmp/clamd.sock
DatabaseDirectory $db
Foreground yes
StreamMaxLength 200M
MaxThreads ${CLAMD_THREADS:-12}
END
/usr/sbin/clamd -c "$tmp/clamd.conf" >/dev/null 2>&1 &
clamd_pid=$!
ping() {
  python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"zPING\0")
sys.exit(s.recv(16) != b"PONG\0")' "$tmp/clamd.sock" 2>/dev/null
}
until ping; do sleep 0.5; done
check="$vouch check $d -c $d/catalogue.csv -m $d/manifest-sha256.txt -q"
hyperfine -i --warmup 1 --runs "$runs" --export-json "$tmp/h.json" \
  -n "full" "$check" -n "full --clamd" "$check --clamd $tmp/clamd.sock" \
  -n "quick" "$check --depth quick" -n "quick --clamd" "$check --depth quick --clamd $tmp/clamd.sock" >&2
# clamd's CPU over one scanned full check (utime + stime, clock ticks).
ticks() { awk '{print $14 + $15}' "/proc/$clamd_pid/stat"; }
before=$(ticks); start=$(date +%s.%N)
$check --clamd "$tmp/clamd.sock" >/dev/null || true
wall=$(echo "$(date +%s.%N) - $start" | bc); after=$(ticks)
bytes=$(du -sb "$d" | cut -f1)
python3 - "$tmp/h.json" "$bytes" "$((after - before))" "$(getconf CLK_TCK)" "$wall" <<'PY'
import json, sys
h = json.load(open(sys.argv[1])); gb = int(sys.argv[2]) / 1e9
cpu = int(sys.argv[3]) / int(sys.argv[4]); wall = float(sys.argv[5])
r = {x["command"]: x for x in h["results"]}
print("| Command | Wall [s] | CPU (vouch) [s] | s per GB |")
print("|:---|---:|---:|---:|")
for name, x in r.items():
    print(f"| `vouch check {name}` | {x['mean']:.2f} ± {x['stddev']:.2f} | {x['user'] + x['system']:.2f} | {x['mean'] / gb:.2f} |")
for mode in ("full", "quick"):
    extra = r[mode + " --clamd"]["mean"] - r[mode]["mean"]
    print(f"\n{mode}: clamd adds {extra:.2f} s wall ({extra / gb:.2f} s per GB)")
print(f"\nclamd CPU over one full check: {cpu:.2f} s for {gb:.2f} GB ({cpu / gb:.2f} CPU-s per GB);"
      f" the check took {wall:.2f} s, so clamd kept {cpu / wall:.2f} threads busy on average")
PY
