#!/usr/bin/env python3
"""One-listing edits of a copy of a real mdBook, for scripts/bench.sh's real-book rows.

  real_book_edit.py pick REPORT.json BOOK_COPY STATE.json [COUNT]
      choose up to COUNT (default 8) listings that passed in REPORT.json (a
      snipcheck json report of BOOK_COPY), each in another chapter file, whose
      last line ends a statement or an item, and keep their files' text
  real_book_edit.py apply STATE.json same|next
      restore every chosen file, then append `const _: u32 = N;` (N new each
      time, so the edited listing is never cached) after the last line of one
      listing: always the first (`same`), or the next chapter's each time
      (`next`, what a user editing here and there sees)

`const _` is an item, valid both at module level and inside the `fn main`
that wraps a listing, so the edited listing behaves as before.
"""
import json
import os
import sys


def pick(report, book, state, count):
    with open(report, encoding="utf-8") as f:
        results = json.load(f)["results"]
    chosen, files = [], set()
    candidates = [r for r in results if r["status"] == "pass" and r["expected"]["outcome"] in ("run", "compile")
                  and r["source"]["file"].endswith(".md")]
    # Spread over the book: every k-th candidate.
    step = max(1, len(candidates) // (count * 2) if candidates else 1)
    for r in candidates[::step] + candidates:
        path = r["source"]["file"]
        if not os.path.isabs(path):
            path = os.path.join(book, path) if not os.path.exists(path) else path
        path = os.path.abspath(path)
        if path in files or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        last = r["source"]["last_line"]
        if not 0 < last <= len(lines) or not lines[last - 1].rstrip().endswith((";", "}")):
            continue
        files.add(path)
        chosen.append({"id": r["id"], "file": path, "last_line": last, "text": "\n".join(lines)})
        if len(chosen) == count:
            break
    if not chosen:
        print("real_book_edit: no listing that passed and can be edited safely", file=sys.stderr)
        return 1
    with open(state, "w", encoding="utf-8") as f:
        json.dump({"edits": 0, "targets": chosen}, f)
    print(" ".join(t["id"] for t in chosen))
    return 0


def apply(state, mode):
    with open(state, encoding="utf-8") as f:
        data = json.load(f)
    data["edits"] += 1
    n = data["edits"]
    targets = data["targets"]
    for t in targets:
        with open(t["file"], "w", encoding="utf-8") as f:
            f.write(t["text"])
    target = targets[0] if mode == "same" else targets[n % len(targets)]
    lines = target["text"].split("\n")
    # The listing's own indentation: a fence inside a list item ends at a less indented line.
    last = lines[target["last_line"] - 1]
    indent = last[:len(last) - len(last.lstrip())]
    lines.insert(target["last_line"], f"{indent}const _: u32 = {n};")
    with open(target["file"], "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    with open(state, "w", encoding="utf-8") as f:
        json.dump(data, f)
    return 0


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) in (4, 5) and a[0] == "pick":
        sys.exit(pick(a[1], a[2], a[3], int(a[4]) if len(a) > 4 else 8))
    if len(a) == 3 and a[0] == "apply" and a[2] in ("same", "next"):
        sys.exit(apply(a[1], a[2]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
