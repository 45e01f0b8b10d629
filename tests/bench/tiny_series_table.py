#!/usr/bin/env python3
"""The table of scripts/bench.sh's tiny-listing series (issue 21).

  tiny_series_table.py RUNS "1000 4000"     (run in the benchmark's folder)

Reads times/tinyN-cold, times/tinyN-norun-cold, times/tinyN-rustdoc (lines
"wall user sys tree_rss_kb own_rss_kb", one per run) and the warm rows
times/tiny1000-cached and times/tiny1000-edit-one, and prints, per listing,
min / median of user, sys and wall milliseconds and the peak RSS (of the
process tree, and of snipcheck alone).
"""
import os
import statistics
import sys


def rows(name):
    path = f"times/{name}"
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return [[float(x) for x in line.split()] for line in f if line.strip()]


def main():
    runs, sizes = sys.argv[1], [int(n) for n in sys.argv[2].split()]
    print()
    print(f"tiny-listing series (issue 21): {runs} runs each, GNU time, {os.cpu_count()} CPUs; "
          "per listing, min / median")
    print(f"{'listings':>8} {'what':<18} {'user ms':>13} {'sys ms':>13} {'wall ms':>13} "
          f"{'tree RSS MB':>11} {'own RSS MB':>10}")
    for n in sizes:
        for name, what in [(f"tiny{n}-cold", "snipcheck cold"), (f"tiny{n}-norun-cold", "snipcheck no_run"),
                           (f"tiny{n}-rustdoc", "rustdoc --test")]:
            r = rows(name)
            if not r:
                continue
            cols = []
            for k in (1, 2, 0):
                xs = [x[k] * 1000 / n for x in r]
                cols.append(f"{min(xs):6.2f}/{statistics.median(xs):6.2f}")
            tree = max(x[3] for x in r) / 1024
            own = max(x[4] for x in r) / 1024
            print(f"{n:>8} {what:<18} {cols[0]:>13} {cols[1]:>13} {cols[2]:>13} {tree:11.1f} {own:10.1f}")
    for name, what, target in [("tiny1000-cached", "nothing changed", 0.05),
                               ("tiny1000-edit-one", "one listing edited", 0.2)]:
        r = rows(name)
        if r:
            xs = [x[0] for x in r]
            med = statistics.median(xs)
            print(f"1000 listings, {what:<19} min {min(xs):.3f} s, median {med:.3f} s  "
                  f"{'OK' if med <= target else 'MISSED'} (target <= {target} s)")


if __name__ == "__main__":
    main()
