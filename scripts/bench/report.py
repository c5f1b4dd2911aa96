#!/usr/bin/env python3
"""Turns the outputs of scripts/bench.sh into one markdown report on stdout.

Reads divan's text output (`cargo bench --bench stress`), the JSON of scripts/bench/compare.py
(trunktui list --json against curl | jq) and the two JSON outputs of scripts/bench/pty_probe.py,
and prints the machine, the date and one table per part, each figure beside its target. A
missed target is marked MISSED; it is reported, never turned into a failure.

Run (as scripts/bench.sh does):
  python3 scripts/bench/report.py --divan divan.txt --list list.json \\
      --first-frame first_frame.json --rss rss.json --trunks 100000 --machine "..."
"""

import argparse
import json
import re
import sys

UNITS_MS = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}

# Group -> (what it measures, the size the target applies to, target in ms, or None).
BENCHES = [
    ("decode_list", "decode the list body into TrunkList", 100_000, 150.0),
    ("list_loaded", "apply a decoded list to the dashboard (update)", None, None),
    ("frame", "draw one 120x40 frame (ui::draw, TestBackend)", None, None),
    ("filter_keystroke", "filter keystroke: \"twil\" → \"twili\" (update)", 100_000, 20.0),
    ("filter_first_key", "filter keystroke: \"\" → \"t\" (update)", 100_000, 20.0),
    ("selection_move", "selection move: j / k (update)", 100_000, 1.0),
]
FRAME_RATIO_TARGET = 1.5


GROUP_ROW = re.compile(r"^[\s│├╰─]*([A-Za-z_]\w*)\s+│")
TIME = r"([\d.]+) (ns|µs|us|ms|s)\s*"
# "│  ├─ 100     125.9 µs │ 235.4 µs │ 132.3 µs │ ...": fastest, slowest, median.
ARG_ROW = re.compile(r"^[\s│├╰─]*(\d+)\s+" + TIME + r"│\s*" + TIME + r"│\s*" + TIME + "│")


def parse_divan(text):
    """{group: {arg: median_ms}} from divan's tree table."""
    out, group = {}, None
    for line in text.splitlines():
        m = ARG_ROW.match(line)
        if m and group is not None:
            out[group][int(m.group(1))] = float(m.group(6)) * UNITS_MS[m.group(7)]
            continue
        m = GROUP_ROW.match(line)
        if m and m.group(1) != "stress":
            group = m.group(1)
            out.setdefault(group, {})
    return out


def fmt_ms(ms):
    if ms is None:
        return "–"
    if ms < 0.001:
        return f"{ms * 1e6:.0f} ns"
    if ms < 1:
        return f"{ms * 1e3:.1f} µs"
    if ms < 1000:
        return f"{ms:.1f} ms"
    return f"{ms / 1000:.2f} s"


def verdict(ok):
    return "ok" if ok else "**MISSED**"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--divan", required=True)
    ap.add_argument("--list", required=True)
    ap.add_argument("--first-frame", required=True)
    ap.add_argument("--rss", required=True)
    ap.add_argument("--trunks", type=int, required=True)
    ap.add_argument("--machine", required=True)
    ap.add_argument("--commands", default="")
    args = ap.parse_args()

    with open(args.divan) as f:
        divan = parse_divan(f.read())
    sizes = sorted({n for g in divan.values() for n in g})
    p = print

    p("# trunktui under stress\n")
    p(args.machine)
    if args.commands:
        p(f"\nReproduce: {args.commands}")

    p("\n## In-process (divan medians; `cargo bench --bench stress`)\n")
    p("| what | " + " | ".join(f"N={n:,}" for n in sizes) + " | target | result |")
    p("| --- | " + " | ".join("---:" for _ in sizes) + " | --- | --- |")
    missing = []
    for group, what, at, target in BENCHES:
        row = divan.get(group)
        if not row:
            missing.append(group)
            continue
        cells = " | ".join(fmt_ms(row.get(n)) for n in sizes)
        if group == "frame" and row.get(min(sizes)) and row.get(max(sizes)):
            ratio = row[max(sizes)] / row[min(sizes)]
            goal = f"frame({max(sizes):,}) / frame({min(sizes):,}) < {FRAME_RATIO_TARGET}"
            res = f"{ratio:.2f} {verdict(ratio < FRAME_RATIO_TARGET)}"
        elif target is not None and row.get(at) is not None:
            goal = f"< {fmt_ms(target)} at {at:,}"
            res = verdict(row[at] < target)
        else:
            goal, res = "(no target)", ""
        p(f"| {what} | {cells} | {goal} | {res} |")
    if missing:
        p(f"\nNot found in divan's output: {', '.join(missing)}")

    p(f"\n## Whole process, `trunktui serve` holding {args.trunks:,} trunks\n")
    with open(args.list) as f:
        results = json.load(f)["results"]
    ours, theirs = results[0], results[1]
    ratio = ours["mean"] / theirs["mean"]
    p("| command | mean ± sd | median | min … max |")
    p("| --- | ---: | ---: | ---: |")
    for r in results:
        command = r["command"].replace("|", "\\|")  # a pipe would end the table cell
        p(f"| `{command}` | {fmt_ms(r['mean'] * 1e3)} ± {fmt_ms(r['stddev'] * 1e3)} "
          f"| {fmt_ms(r['median'] * 1e3)} | {fmt_ms(r['min'] * 1e3)} … {fmt_ms(r['max'] * 1e3)} |")
    p(f"\nratio trunktui / (curl | jq), means: **{ratio:.2f}** "
      f"(target ≤ 1.00: trunktui not slower) → {verdict(ratio <= 1.0)}")

    with open(args.first_frame) as f:
        ff = json.load(f)
    with open(args.rss) as f:
        rss = json.load(f)
    rss_mb = rss["maxrss_mib_max"] * 1024 * 1024 / 1e6
    p("\n## Dashboard in a pseudo-terminal (120x40, release binary)\n")
    p("| what | figure | target | result |")
    p("| --- | ---: | --- | --- |")
    p(f"| start to first frame, server silent (median of {ff['runs']}; min … max) "
      f"| {fmt_ms(ff['median_ms'])} ({fmt_ms(ff['min_ms'])} … {fmt_ms(ff['max_ms'])}) "
      f"| < 50 ms | {verdict(ff['median_ms'] < 50)} |")
    p(f"| peak memory (max RSS) holding {args.trunks:,} trunks (worst of {rss['runs']}) "
      f"| {rss['maxrss_mib_max']:.1f} MiB ({rss_mb:.1f} MB) | < 150 MB | {verdict(rss_mb < 150)} |")
    p(f"| start to \"{args.trunks} trunks\" on screen (median of {rss['runs']}) "
      f"| {fmt_ms(rss['shown_ms_median'])} | (no target) | |")
    if missing:
        sys.exit(1)


if __name__ == "__main__":
    main()
