#!/usr/bin/env python3
"""Times shell commands side by side in one run and writes hyperfine's JSON shape.

Uses hyperfine when it is installed (warm-up runs, then --runs timed runs of each command;
hyperfine runs all of one command's runs, then the next command's). Without hyperfine it
times the runs itself with the same warm-up and count, alternating the commands so a drift in
the machine's load hits both alike. Each command runs under `sh -c` with stdout to /dev/null.

Writes {"results": [{"command", "mean", "stddev", "median", "min", "max", "times"}]}
(seconds) to --export-json, and prints nothing else on stdout.

Run: python3 scripts/bench/compare.py --runs 10 --export-json out.json 'cmd one' 'cmd two'
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time


def with_hyperfine(args):
    cmd = ["hyperfine", "--style", "basic", "--warmup", str(args.warmup), "--runs",
           str(args.runs), "--export-json", args.export_json]
    # hyperfine reports on stdout; keep ours for the caller and show its text on stderr.
    subprocess.run(cmd + args.commands, check=True, stdout=sys.stderr)


def by_hand(args):
    times = {c: [] for c in args.commands}
    for i in range(args.warmup + args.runs):
        for c in args.commands:
            t0 = time.perf_counter()
            subprocess.run(["sh", "-c", c], check=True, stdout=subprocess.DEVNULL)
            if i >= args.warmup:
                times[c].append(time.perf_counter() - t0)
    results = [{
        "command": c,
        "mean": statistics.mean(t),
        "stddev": statistics.stdev(t) if len(t) > 1 else 0.0,
        "median": statistics.median(t),
        "min": min(t),
        "max": max(t),
        "times": t,
    } for c, t in times.items()]
    with open(args.export_json, "w") as f:
        json.dump({"results": results, "timer": "python perf_counter, sh -c"}, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--export-json", required=True)
    ap.add_argument("commands", nargs="+")
    args = ap.parse_args()
    if shutil.which("hyperfine"):
        with_hyperfine(args)
    else:
        print("compare: hyperfine not found; timing the runs here", file=sys.stderr)
        by_hand(args)


if __name__ == "__main__":
    main()
