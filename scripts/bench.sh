#!/usr/bin/env bash
# "Under stress": how trunktui behaves with 100, 10,000 and 100,000 trunks, printed as one
# markdown report (machine, date, every figure beside its target).
#
# What it measures:
#   1. In process (`cargo bench --bench stress`, benches/stress.rs, divan): decoding the list
#      body, applying it to the dashboard, drawing one 120x40 frame, a filter keystroke and a
#      selection move, at each size.
#   2. Whole process, against `trunktui serve` holding $BENCH_TRUNKS trunks (a store file made
#      by scripts/bench/gen_store.py): `trunktui list --json` against
#      `curl -s -H 'x-api-key: K' URL/sip/list | jq -c .` on the same server, in the same run
#      (hyperfine when installed, else timed by scripts/bench/compare.py).
#   3. The dashboard in a pseudo-terminal (scripts/bench/pty_probe.py): start to first frame
#      with a server that never answers (median of $BENCH_FRAME_RUNS), and the peak memory
#      (max RSS) while it shows all $BENCH_TRUNKS trunks.
#
# Run:  bash scripts/bench.sh            (about 4 minutes on 2 cores)
#       BENCH_TRUNKS=10000 BENCH_RUNS=5 DIVAN_SAMPLE_COUNT=20 bash scripts/bench.sh   (quicker)
# Needs: cargo, python3, curl, jq; hyperfine is used when present (apt-get install -y hyperfine).
# The report goes to stdout and to target/bench/report.md; progress goes to stderr.
# Exits non-zero only when a step cannot run: a missed target is reported, not a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNKS=${BENCH_TRUNKS:-100000}
RUNS=${BENCH_RUNS:-10}
FRAME_RUNS=${BENCH_FRAME_RUNS:-20}
API_KEY=bench-key
BIN=target/release/trunktui
HERE=scripts/bench

step() { printf '\n== %s\n' "$*" >&2; }

for tool in cargo python3 curl jq; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is needed" >&2; exit 2; }
done
command -v hyperfine >/dev/null ||
  echo "bench.sh: hyperfine not found (apt-get install -y hyperfine); timing runs by hand" >&2

# Other work on the machine skews every figure: note the load the run started under.
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

step "build: cargo build --release"
cargo build --release >&2

step "in process: cargo bench --bench stress"
cargo bench --bench stress | tee "$work/divan.txt" >&2

step "data: $TRUNKS trunks for one key"
python3 "$HERE/gen_store.py" --count "$TRUNKS" --api-key "$API_KEY" --out "$work/trunks.json"

step "server: trunktui serve --data (a free loopback port)"
"$BIN" serve --data "$work/trunks.json" --api-key "$API_KEY" --addr 127.0.0.1:0 \
  2>"$work/serve.log" &
server_pid=$!
url=
for _ in $(seq 600); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.log" | head -n1 || true)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "bench.sh: the server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
served=$(curl -sf -H "x-api-key: $API_KEY" "$url/sip/list" | jq '.data | length')
[ "$served" = "$TRUNKS" ] || { echo "bench.sh: the server lists $served trunks, not $TRUNKS" >&2; exit 1; }
echo "serving $served trunks at $url" >&2

# The headless command reads only these: no user configuration is involved.
export XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state"
export TRUNKTUI_BASE_URL="$url" TRUNKTUI_API_KEY="$API_KEY"

step "whole process: trunktui list --json against curl | jq, $RUNS runs each"
python3 "$HERE/compare.py" --runs "$RUNS" --warmup 2 --export-json "$work/list.json" \
  "$BIN list --json" \
  "curl -s -H 'x-api-key: $API_KEY' $url/sip/list | jq -c ."

step "dashboard: start to first frame, server silent, $FRAME_RUNS runs"
python3 "$HERE/pty_probe.py" first-frame --bin "$BIN" --runs "$FRAME_RUNS" >"$work/first_frame.json"
cat "$work/first_frame.json" >&2

step "dashboard: peak memory holding $TRUNKS trunks"
python3 "$HERE/pty_probe.py" peak-rss --bin "$BIN" --base-url "$url" --api-key "$API_KEY" \
  --until "$TRUNKS trunks" --runs 3 >"$work/rss.json"
cat "$work/rss.json" >&2

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || echo unknown)
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
machine="$(date -u '+%Y-%m-%d %H:%M UTC') · $(nproc) cores · $cpu · $mem · $(uname -sr) · $(rustc --version) · commit $commit · load average at start $load_at_start"

mkdir -p target/bench
python3 "$HERE/report.py" --divan "$work/divan.txt" --list "$work/list.json" \
  --first-frame "$work/first_frame.json" --rss "$work/rss.json" --trunks "$TRUNKS" \
  --machine "$machine" \
  --commands '`bash scripts/bench.sh` (all of it), or `cargo bench --bench stress` (in process only)' \
  | tee target/bench/report.md
