#!/usr/bin/env bash
# Captures the running dashboard (`trunktui --demo` at 120x40 in tmux) and renders it to
# assets/dashboard.png for the README. Needs tmux and Pillow (pip install pillow).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
sock="trunktui-shot-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true' EXIT
state=$(mktemp -d)
tmux -L "$sock" -f /dev/null new-session -d -s shot -x 120 -y 40 \
  "XDG_STATE_HOME=$state TERM=xterm-256color target/release/trunktui --demo"
for _ in $(seq 100); do
  tmux -L "$sock" capture-pane -p -t shot | grep -q "trunks" && break
  sleep 0.05
done
tmux -L "$sock" send-keys -t shot j j
sleep 0.3
tmux -L "$sock" capture-pane -e -p -t shot > "$state/list.ansi"
python3 scripts/ansi_to_png.py "$state/list.ansi" assets/dashboard.png
# The create form, part filled, with a provider warning and an error showing.
tmux -L "$sock" send-keys -t shot n Tab
tmux -L "$sock" send-keys -t shot -l "Twilio EU Outbound"
tmux -L "$sock" send-keys -t shot Tab
tmux -L "$sock" send-keys -t shot -l "acme-eu.sip.example.com"
tmux -L "$sock" send-keys -t shot Tab
tmux -L "$sock" send-keys -t shot -l "+4420 7946 0000"
tmux -L "$sock" send-keys -t shot Tab
sleep 0.3
tmux -L "$sock" capture-pane -e -p -t shot > "$state/form.ansi"
python3 scripts/ansi_to_png.py "$state/form.ansi" assets/form.png
echo "wrote assets/dashboard.png and assets/form.png"
