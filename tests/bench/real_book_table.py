#!/usr/bin/env python3
"""The real-book table of scripts/bench.sh, from its times/ folder (run in the bench's work folder).

  real_book_table.py RUNS TIMER TAG:NAME...
"""
import os
import statistics
import sys

ROWS = [("rustdoc", "rustdoc --test per chapter (mdbook test)"),
        ("cold", "snipcheck cold (no cache, no target)"),
        ("cached", "snipcheck re-run, nothing changed"),
        ("edit-one", "re-run, 1 edit, another chapter each"),
        ("edit-same", "re-run, 1 edit, same listing again")]


def times(name):
    """(min, median) seconds of times/NAME, or None when that row was not measured."""
    if not os.path.exists(f"times/{name}"):
        return None
    with open(f"times/{name}") as f:
        xs = [float(x) for x in f if x.strip()]
    return (min(xs), statistics.median(xs)) if xs else None


def main():
    runs, timer, tags = sys.argv[1], sys.argv[2] or "date +%s.%N", [t.split(":", 1) for t in sys.argv[3:]]
    print()
    print(f"real mdBooks: {runs} runs each, timed with {timer}, {os.cpu_count()} CPUs")
    with open("inputs.txt") as f:
        for line in f:
            if any(line.startswith(name + ":") for _, name in tags):
                print("  " + line.strip())
    print()
    print(f"{'book':<20} {'what':<44} {'min s':>8} {'median s':>9}")
    for key, name in tags:
        for row, what in ROWS:
            v = times(f"{key}-{row}")
            if v:
                print(f"{name:<20} {what:<44} {v[0]:8.3f} {v[1]:9.3f}")
    print()
    for key, name in tags:
        rustdoc, cold = times(f"{key}-rustdoc"), times(f"{key}-cold")
        ratio = cold[1] / rustdoc[1]
        print(f"ratio snipcheck cold / mdbook test (medians), {name:<18}: {ratio:5.3f}  "
              f"{'OK' if ratio <= 0.25 else 'MISSED'} (goal <= 0.25, aim 0.1)")
        cached = times(f"{key}-cached")
        print(f"  re-run, nothing changed:           median {cached[1]:.3f} s  "
              f"{'OK' if cached[1] <= 0.1 else 'MISSED'} (target <= 0.1 s)")
        for row, label in [("edit-one", "another chapter"), ("edit-same", "same listing   ")]:
            v = times(f"{key}-{row}")
            if v:
                print(f"  one listing edited ({label}): median {v[1]:.3f} s  "
                      f"{'OK' if v[1] <= 0.3 else 'MISSED'} (target <= 0.3 s)")


if __name__ == "__main__":
    main()
