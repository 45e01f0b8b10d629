#!/usr/bin/env python3
"""Writes the synthetic book of issue 21: N tiny runnable listings.

  tests/bench/make_tiny_book.py N [--out FILE] [--no-run] [--per-section 50]
                                  [--sections 10] [--edit K]

Listing k (1..N) is `fn fK(x: u32) -> u32 { x + K }` and a `main` that
asserts fK(1) == K + 1: it compiles, runs and passes, for snipcheck and for
`rustdoc --test --edition 2021`. Listings are grouped 50 to a section (H2),
10 sections to a chapter (H1), so 1,000 listings are 2 chapters and 20,000
are 40. --no-run marks every fence `no_run` (built, never run): the
difference between the two books is the cost of running the programs.
--edit K makes listing K assert with another (still true) expression, a
one-listing edit for the warm-path rows of scripts/bench.sh.
"""
import argparse
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("listings", type=int)
    parser.add_argument("--out", default="-")
    parser.add_argument("--no-run", action="store_true")
    parser.add_argument("--per-section", type=int, default=50)
    parser.add_argument("--sections", type=int, default=10, help="sections per chapter")
    parser.add_argument("--edit", type=int, default=0)
    parser.add_argument("--edit-label", default="1")
    args = parser.parse_args()
    fence = "```rust,no_run" if args.no_run else "```rust"
    per_chapter = args.per_section * args.sections
    out = []
    for k in range(1, args.listings + 1):
        index = k - 1
        if index % per_chapter == 0:
            out += [f"# Chapter {index // per_chapter + 1}", ""]
        if index % args.per_section == 0:
            chapter = index // per_chapter + 1
            section = index % per_chapter // args.per_section + 1
            out += [f"## {chapter}.{section} Section {section}", ""]
        check = f"assert_eq!(f{k}(1), {k + 1});"
        if k == args.edit:
            check = f"assert_eq!(f{k}(1) - 1, {k}); /* edit {args.edit_label} */"
        out += [fence, f"fn f{k}(x: u32) -> u32 {{ x + {k} }}", f"fn main() {{ {check} }}", "```", ""]
    text = "\n".join(out)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
