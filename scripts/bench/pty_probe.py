#!/usr/bin/env python3
"""Runs the real dashboard binary in a pseudo-terminal (120x40) and measures it from outside.

  first-frame  Time from spawn to the first output holding the header text, with a server
               that accepts connections and never answers (started here, on 127.0.0.1), so
               what is timed is start-up and the first draw, not the network. Repeated
               --runs times; prints the median, min and max in milliseconds.
  peak-rss     Runs the dashboard against --base-url (e.g. `trunktui serve` holding 100,000
               trunks), waits until the screen shows --until (e.g. "100000 trunks" in the
               header), reads VmHWM from /proc, quits with `q`, and reads the max RSS the
               kernel reports for the process (wait4's ru_maxrss). Also prints how long the
               list took to show.

Both print one JSON object on stdout. The dashboard gets its own empty XDG config and state
directories, so no user configuration or log file is touched.

Run:
  python3 scripts/bench/pty_probe.py first-frame --bin target/release/trunktui --runs 20
  python3 scripts/bench/pty_probe.py peak-rss --bin target/release/trunktui \\
      --base-url http://127.0.0.1:8000 --api-key KEY --until "100000 trunks"
"""

import argparse
import fcntl
import json
import os
import select
import signal
import socket
import statistics
import struct
import sys
import tempfile
import termios
import threading
import time

COLS, ROWS = 120, 40


def spawn(argv, env):
    """Forks `argv` on a new pty of ROWS x COLS; returns (pid, master fd, spawn time)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            os.close(master)
            os.close(slave)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    os.close(slave)
    return pid, master, t0


def read_until(master, marker, timeout):
    """Reads the pty until `marker` shows; returns (time seen, bytes) or (None, bytes)."""
    buf = b""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        now = time.perf_counter()
        # Search only the tail that could hold a new match, so long outputs stay cheap.
        tail = buf[-len(marker):] + chunk
        buf += chunk
        if marker in tail:
            return now, buf
    return None, buf


def quit_and_reap(pid, master, timeout=10.0):
    """Sends `q`, drains the pty until the child exits, and returns its ru_maxrss (KiB)."""
    try:
        os.write(master, b"q")
    except OSError:
        pass
    deadline = time.perf_counter() + timeout
    while True:
        done, _status, usage = os.wait4(pid, os.WNOHANG)
        if done == pid:
            os.close(master)
            return usage.ru_maxrss
        if time.perf_counter() > deadline:
            os.kill(pid, signal.SIGKILL)
            _, _, usage = os.wait4(pid, 0)
            os.close(master)
            raise RuntimeError("the dashboard did not quit on q; killed it")
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                os.read(master, 1 << 16)
            except OSError:
                pass


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return None


def dashboard_env(base_url, api_key, home):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "XDG_STATE_HOME": os.path.join(home, "state"),
        "XDG_DATA_HOME": os.path.join(home, "data"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "TRUNKTUI_BASE_URL": base_url,
        "TRUNKTUI_API_KEY": api_key,
    }
    return env


def silent_server():
    """A listener on 127.0.0.1 that accepts and never answers; returns its base URL."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    held = []

    def accept_forever():
        while True:
            conn, _ = sock.accept()
            held.append(conn)  # kept open, never read from or written to

    threading.Thread(target=accept_forever, daemon=True).start()
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


def first_frame(args):
    url = silent_server()
    samples = []
    with tempfile.TemporaryDirectory() as home:
        env = dashboard_env(url, "bench-key", home)
        for _ in range(args.runs):
            pid, master, t0 = spawn([args.bin], env)
            seen, out = read_until(master, args.marker.encode(), args.timeout)
            quit_and_reap(pid, master)
            if seen is None:
                sys.exit(f"first-frame: {args.marker!r} never showed; output began {out[:300]!r}")
            samples.append((seen - t0) * 1000)
    print(json.dumps({
        "runs": len(samples),
        "median_ms": statistics.median(samples),
        "min_ms": min(samples),
        "max_ms": max(samples),
        "samples_ms": [round(s, 2) for s in samples],
    }))


def peak_rss(args):
    rows = []
    with tempfile.TemporaryDirectory() as home:
        env = dashboard_env(args.base_url, args.api_key, home)
        for _ in range(args.runs):
            pid, master, t0 = spawn([args.bin], env)
            seen, out = read_until(master, args.until.encode(), args.timeout)
            if seen is None:
                quit_and_reap(pid, master)
                sys.exit(f"peak-rss: {args.until!r} never showed; output ended {out[-300:]!r}")
            # Let the loop finish what follows the answer (the redraw, the log line).
            time.sleep(args.settle)
            hwm = vm_hwm_kib(pid)
            maxrss = quit_and_reap(pid, master)
            rows.append({"shown_ms": (seen - t0) * 1000, "vm_hwm_kib": hwm, "maxrss_kib": maxrss})
    print(json.dumps({
        "runs": len(rows),
        "shown_ms_median": statistics.median(r["shown_ms"] for r in rows),
        "vm_hwm_mib_median": statistics.median(r["vm_hwm_kib"] for r in rows) / 1024,
        "maxrss_mib_median": statistics.median(r["maxrss_kib"] for r in rows) / 1024,
        "maxrss_mib_max": max(r["maxrss_kib"] for r in rows) / 1024,
        "runs_detail": rows,
    }))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    ff = sub.add_parser("first-frame")
    ff.add_argument("--bin", required=True)
    ff.add_argument("--runs", type=int, default=20)
    ff.add_argument("--marker", default="connecting", help="header text to wait for")
    ff.add_argument("--timeout", type=float, default=10.0)
    pr = sub.add_parser("peak-rss")
    pr.add_argument("--bin", required=True)
    pr.add_argument("--base-url", required=True)
    pr.add_argument("--api-key", required=True)
    pr.add_argument("--until", required=True, help="text to wait for, e.g. '100000 trunks'")
    pr.add_argument("--runs", type=int, default=3)
    pr.add_argument("--settle", type=float, default=0.5, help="seconds to wait after --until")
    pr.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    {"first-frame": first_frame, "peak-rss": peak_rss}[args.cmd](args)


if __name__ == "__main__":
    main()
