#!/usr/bin/env bash
# Fuzzes every cargo-fuzz target in fuzz/ for a bounded time each (default 60 s) and copies
# each input that crashed one into tests/fuzz_regressions/, where
# `cargo test --test hostile_strings` replays them all through decode_list.
#
#   bash scripts/fuzz.sh [SECONDS]
#
# Needs a nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz
# Exit status: 0 nothing found, 1 a crash was found (and copied), 2 cannot fuzz here.
set -euo pipefail

seconds="${1:-60}"
case "$seconds" in
  '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz="$root/fuzz"
regressions="$root/tests/fuzz_regressions"

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz.sh: no nightly toolchain: rustup toolchain install nightly" >&2
  exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: cargo-fuzz is missing: cargo install cargo-fuzz" >&2
  exit 2
fi

cd "$fuzz"
mkdir -p "$regressions"
found=0
for target in $(cargo +nightly fuzz list); do
  corpus="$fuzz/corpus/$target"
  artifacts="$fuzz/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  # Seeds: a valid answer, the odd ones the tests know, and every earlier finding.
  printf '%s' '{"success":true,"message":"SIP trunks retrieved successfully","data":[{"trunk_id":"ST_9xKp2LmQ7vRt","trunk_name":"Twilio Production","trunk_address":"acme.pstn.twilio.com","trunk_numbers":["+15550100000"],"trunk_type":"twilio","trunk_created_at":"2026-01-15T10:00:00.000000"},{"trunk_id":"exotel_1a2b3c4d","trunk_name":"Exotel","trunk_created_by_email":"ops@example.com"}]}' \
    > "$corpus/seed-valid.json"
  cp "$regressions"/* "$corpus"/ 2>/dev/null || true
  rm -f "$corpus/README.md"

  marker="$(mktemp)"
  echo "fuzz.sh: $target for ${seconds}s"
  # -a: debug assertions on, so overflow and ratatui's own checks fire too.
  status=0
  nice -n 10 cargo +nightly fuzz run -a "$target" "$corpus" -- \
    -max_total_time="$seconds" \
    -dict="$fuzz/json.dict" \
    -artifact_prefix="$artifacts/" \
    -max_len=65536 \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -print_final_stats=1 || status=$?

  while IFS= read -r -d '' crash; do
    name="$target-$(basename "$crash")"
    cp "$crash" "$regressions/$name"
    echo "fuzz.sh: $target crashed on $crash; copied to tests/fuzz_regressions/$name" >&2
    found=1
  done < <(find "$artifacts" -type f -newer "$marker" \
    \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) -print0)
  rm -f "$marker"
  if [ "$status" -ne 0 ] && [ "$found" -eq 0 ]; then
    echo "fuzz.sh: cargo fuzz run $target failed (exit $status) without an artifact" >&2
    exit 2
  fi
done

if [ "$found" -ne 0 ]; then
  echo "fuzz.sh: crashes found; run cargo test --test hostile_strings to replay them" >&2
  exit 1
fi
echo "fuzz.sh: no crash in ${seconds}s per target"
