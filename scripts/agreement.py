#!/usr/bin/env python3
"""Per-block agreement between snipcheck and `mdbook test` (rustdoc --test per chapter).

Called by scripts/agreement.sh; see there for usage. What `mdbook test` does,
reproduced here because mdbook is not installed (mdBook 0.4, src/book/mod.rs
`MDBook::test`, src/preprocess/links.rs, src/utils/string.rs):

- the chapters are the links of src/SUMMARY.md (book.toml `book.src`), draft
  chapters (no path) skipped;
- only the `links` preprocessor runs: {{#include}}, {{#rustdoc_include}},
  {{#playground}}/{{#playpen}}, {{#title}}, recursively (depth 10), with
  ranges (:N, :N:M, ::M, :N:) and anchors; `\\{{#...}}` is kept, unescaped;
- each expanded chapter is written to a temporary folder under its own
  relative path and given to `rustdoc FILE --test [--edition E] [-L DIR...]`,
  E from book.toml `[rust] edition` (none: rustdoc's default, 2015).

This expansion is written independently of snipcheck's (src/book/mdbook_include.cpp),
on purpose: snipcheck's own extraction cannot be the reference it is measured
against. Every expanded line keeps the file and line it came from, so that
rustdoc's "FILE - Heading (line N)" (N: the fence's line in the expanded file)
maps to the fence's real file and line, which is what snipcheck's JSON report
gives in source.file / source.fence_line.
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib

# mdBook's link pattern (src/preprocess/links.rs), the escaped form first.
LINK_RE = re.compile(r"\\\{\{\#.*\}\}|\{\{\s*\#([a-zA-Z0-9_]+)\s+([^}]+)\}\}")
ANCHOR_START = re.compile(r"ANCHOR:\s*(?P<name>[\w_-]+)")
ANCHOR_END = re.compile(r"ANCHOR_END:\s*(?P<name>[\w_-]+)")
MAX_LINK_DEPTH = 10

# One line of expanded text: its text and where it comes from (file, 1-based line).
Line = collections.namedtuple("Line", "text file line")


def rust_lines(text):
    """str::lines(): split on \\n, drop one trailing \\r per line, no final empty line."""
    parts = text.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    return [p[:-1] if p.endswith("\r") else p for p in parts]


def file_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [Line(t, path, i + 1) for i, t in enumerate(rust_lines(f.read()))]


def parse_range_or_anchor(spec):
    """mdBook's parse_range_or_anchor: ('range', start, end) with end None = open, or ('anchor', name)."""
    parts = (spec if spec is not None else "").split(":", 2)
    first = parts[0]
    if first.isdigit():
        start = max(int(first) - 1, 0)
    elif first == "":
        start = None
    else:
        return ("anchor", first)
    end = parts[1] if len(parts) > 1 else None
    end_num = int(end) if end is not None and end.isdigit() else None
    if start is not None and end is not None and end_num is not None:
        return ("range", start, end_num)
    if start is not None and end is not None:
        return ("range", start, None)
    if start is not None:
        return ("range", start, start + 1)
    if end_num is not None:
        return ("range", 0, end_num)
    return ("range", 0, None)


def take_lines(lines, rng):
    _, start, end = rng
    return lines[start:end] if end is not None else lines[start:]


def take_anchored_lines(lines, anchor):
    kept, found = [], False
    for l in lines:
        if found:
            m = ANCHOR_END.search(l.text)
            if m:
                if m.group("name") == anchor:
                    break
            elif not ANCHOR_START.search(l.text):
                kept.append(l)
        else:
            m = ANCHOR_START.search(l.text)
            if m and m.group("name") == anchor:
                found = True
    return kept


def hide(l):
    return Line("# " + l.text, l.file, l.line)


def take_rustdoc_include_lines(lines, rng):
    _, start, end = rng
    return [l if (start <= i and (end is None or i < end)) else hide(l) for i, l in enumerate(lines)]


def take_rustdoc_include_anchored_lines(lines, anchor):
    out, within = [], False
    for l in lines:
        if within:
            m = ANCHOR_END.search(l.text)
            if m:
                if m.group("name") == anchor:
                    within = False
            elif not ANCHOR_START.search(l.text):
                out.append(l)
        else:
            m = ANCHOR_START.search(l.text)
            if m:
                if m.group("name") == anchor:
                    within = True
            elif not ANCHOR_END.search(l.text):
                out.append(hide(l))
    return out


def resolve_link(kind, args, base, at, problems):
    """The lines a link stands for, or None to leave it as written (what mdBook does on errors)."""
    words = args.split()
    if kind == "title":
        return []
    if not words:
        return None
    path, sep, spec = words[0].partition(":")
    target = os.path.normpath(os.path.join(base, path))
    if kind not in ("include", "rustdoc_include", "playground", "playpen"):
        return None
    try:
        lines = file_lines(target)
    except OSError as e:
        problems.append(f"{at.file}:{at.line}: {{{{#{kind} {words[0]}}}}}: {e.strerror}")
        return None
    if kind in ("playground", "playpen"):
        attrs = ",".join(words[1:])
        fence = "```rust" + ("," + attrs if attrs else "")
        return [Line(fence, at.file, at.line)] + lines + [Line("```", at.file, at.line), Line("", at.file, at.line)]
    rng = parse_range_or_anchor(spec if sep else None)
    if rng[0] == "anchor" and not any(
            (m := ANCHOR_START.search(l.text)) and m.group("name") == rng[1] for l in lines):
        problems.append(f"{at.file}:{at.line}: anchor `{rng[1]}` not in {target}: mdBook includes "
                        + ("nothing" if kind == "include" else "the whole file as hidden lines"))
    if kind == "include":
        return take_anchored_lines(lines, rng[1]) if rng[0] == "anchor" else take_lines(lines, rng)
    return take_rustdoc_include_anchored_lines(lines, rng[1]) if rng[0] == "anchor" else take_rustdoc_include_lines(lines, rng)


def expand(lines, base, depth, problems):
    """mdBook's replace_all over `lines` (joined with \\n): each output line keeps the origin of
    its first non-empty piece."""
    text = "\n".join(l.text for l in lines)
    # Character offset -> index into `lines`.
    starts, offset = [], 0
    for l in lines:
        starts.append(offset)
        offset += len(l.text) + 1

    def line_at(pos):
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lines[lo] if lines else Line("", "", 0)

    out = []  # [text, origin Line or None]
    current = ["", None]

    def emit(piece, origin):
        if current[1] is None or (current[0] == "" and piece != ""):
            current[1] = origin
        current[0] += piece

    def emit_literal(start, end):
        pos = start
        while pos < end:
            nl = text.find("\n", pos, end)
            stop = end if nl < 0 else nl
            emit(text[pos:stop], line_at(pos))
            if nl < 0:
                break
            out.append(current[:])
            current[:] = ["", None]
            pos = nl + 1

    def emit_lines(new_lines):
        for i, l in enumerate(new_lines):
            if i > 0:
                out.append(current[:])
                current[:] = ["", None]
            emit(l.text, l)

    pos = 0
    for m in LINK_RE.finditer(text):
        emit_literal(pos, m.start())
        at = line_at(m.start())
        if m.group(0).startswith("\\"):
            emit(m.group(0)[1:], at)
        else:
            new = resolve_link(m.group(1), m.group(2), base, at, problems)
            if new is None:
                emit(m.group(0), at)
            else:
                target_base = base
                words = m.group(2).split()
                if words:
                    target_base = os.path.dirname(os.path.normpath(os.path.join(base, words[0].partition(":")[0])))
                if depth + 1 < MAX_LINK_DEPTH and new:
                    new = expand(new, target_base, depth + 1, problems)
                emit_lines(new)
        pos = m.end()
    emit_literal(pos, len(text))
    if current[1] is None:
        current[1] = line_at(len(text))
    out.append(current[:])
    return [Line(t, o.file, o.line) for t, o in out]


def strip_html_comments(text):
    return re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)


def summary_chapters(src):
    """The chapter files of SUMMARY.md in order: every [title](path) link, draft chapters skipped."""
    with open(os.path.join(src, "SUMMARY.md"), encoding="utf-8") as f:
        text = strip_html_comments(f.read())
    chapters, seen = [], set()
    in_fence = False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        if in_fence:
            continue
        # The link target of a list item or prefix/suffix line: the last `](target)` on it
        # (titles may hold brackets: [Add `IntoIterator` for `Box<[T]>`](x.md)).
        for m in list(re.finditer(r"\]\(\s*<?([^()<>\s]*)>?\s*\)", line))[-1:]:
            path = m.group(1).strip()
            if not path or "://" in path:
                continue
            path = path.split("#")[0]
            if path and path not in seen:
                seen.add(path)
                chapters.append(path)
    return chapters


def read_book(book_dir):
    with open(os.path.join(book_dir, "book.toml"), "rb") as f:
        cfg = tomllib.load(f)
    src = cfg.get("book", {}).get("src", "src")
    edition = cfg.get("rust", {}).get("edition")
    return os.path.normpath(os.path.join(book_dir, src)), edition


# ---------------------------------------------------------------- rustdoc side

TEST_LINE = re.compile(r"^test (.*) \(line (\d+)\)((?: - [a-z ]+)?) \.\.\. (ok|FAILED|ignored)\b")
FAIL_HEADER = re.compile(r"^---- (.*) \(line (\d+)\)(?: - [a-z ]+)? stdout ----$")


def rustdoc_reason(body):
    """A one-line reason from a failed doctest's captured output."""
    lines = [l for l in body.split("\n") if l.strip()]
    for i, l in enumerate(lines):
        if l.startswith("error") and not l.startswith("error: aborting"):
            return l.strip()
    for i, l in enumerate(lines):
        if "panicked at" in l:
            msg = lines[i + 1].strip() if i + 1 < len(lines) else ""
            return f"panicked: {msg}"
    for l in lines:
        if l.startswith("Test executable failed") or "marked `compile_fail`" in l or "Test compiled successfully" in l:
            return l.strip()
    return lines[0].strip() if lines else "(no output)"


def run_rustdoc(src, chapters, edition, libs, work, timeout, log):
    """Expand and test each chapter; returns blocks {(file, line): {...}}, chapter errors, seconds."""
    blocks, errors, problems = {}, [], []
    total = 0.0
    for rel in chapters:
        path = os.path.join(src, rel)
        if not os.path.isfile(path):
            errors.append(f"{rel}: chapter file missing (mdbook would fail to load the book)")
            continue
        expanded = expand(file_lines(path), os.path.dirname(path), 0, problems)
        out_path = os.path.join(work, rel)
        os.makedirs(os.path.dirname(out_path), exist_ok=True)
        with open(out_path, "w", encoding="utf-8") as f:
            f.write("\n".join(l.text for l in expanded))
        cmd = ["rustdoc", rel, "--test"]
        for lib in libs:
            cmd += ["-L", lib]
        if edition:
            cmd += ["--edition", edition]
        start = time.monotonic()
        try:
            proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, errors="replace", timeout=timeout)
            stdout, stderr, rc = proc.stdout, proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as e:
            stdout = (e.stdout or b"").decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            stderr, rc = f"timed out after {timeout} s", -1
            errors.append(f"{rel}: rustdoc timed out after {timeout} s")
        total += time.monotonic() - start
        log.write(f"==== {' '.join(cmd)} (exit {rc})\n{stdout}\n{stderr}\n")
        # Failure bodies by line.
        bodies, current, buf = {}, None, []
        for l in stdout.split("\n"):
            m = FAIL_HEADER.match(l)
            if m:
                if current:
                    bodies[current] = "\n".join(buf)
                current, buf = int(m.group(2)), []
            elif current is not None and (l == "failures:" or l.startswith("test result:")):
                bodies[current] = "\n".join(buf)
                current, buf = None, []
            elif current is not None:
                buf.append(l)
        if current:
            bodies[current] = "\n".join(buf)
        seen = 0
        for l in stdout.split("\n"):
            m = TEST_LINE.match(l)
            if not m:
                continue
            seen += 1
            n = int(m.group(2))
            origin = expanded[n - 1] if 0 < n <= len(expanded) else Line("", path, n)
            info = origin.text.strip().lstrip("`~").strip() if 0 < n <= len(expanded) else ""
            verdict = {"ok": "pass", "FAILED": "fail", "ignored": "skip"}[m.group(4)]
            key = (os.path.normpath(origin.file), origin.line)
            blocks[key] = {
                "verdict": verdict,
                "kind": m.group(3).strip(" -") or "run",
                "reason": rustdoc_reason(bodies.get(n, "")) if verdict == "fail" else "",
                "info": info,
                "chapter": rel,
                "expanded_line": n,
            }
        if seen == 0 and rc != 0:
            errors.append(f"{rel}: rustdoc exit {rc} without test results: {(stderr or stdout).strip()[:300]}")
    return blocks, errors + problems, total


# ---------------------------------------------------------------- snipcheck side


def run_snipcheck(args, book_dir, edition, report, extra, log):
    empty = tempfile.mkdtemp(prefix="agreement-expected-")
    cmd = [args.snipcheck, "--book", book_dir, "--expected", empty, "--build-dir", args.build_dir,
           "--jobs", str(args.jobs), "--no-cache", "--color", "never", "-q", "--report", f"json={report}"] + extra
    if edition:
        cmd += ["--edition", edition]
    if args.reuse_snipcheck and os.path.exists(report):
        returncode, seconds = "(reused report)", 0.0
    else:
        if os.path.exists(report):
            os.remove(report)
        start = time.monotonic()
        # From a folder with no snipcheck.toml above it, so only these options apply.
        proc = subprocess.run(cmd, cwd=empty, capture_output=True, text=True, errors="replace")
        seconds = time.monotonic() - start
        returncode = proc.returncode
        log.write(f"==== {' '.join(cmd)} (exit {proc.returncode}, {seconds:.1f} s)\n{proc.stdout}\n{proc.stderr}\n")
        # Exit 2 (a listing's bad input) and 3 (an environment failure) still
        # write a whole report: those listings are classified, not the run.
        if proc.returncode not in (0, 1, 2, 3) or not os.path.exists(report):
            shutil.rmtree(empty, ignore_errors=True)
            return None, proc.returncode, seconds, (proc.stderr or proc.stdout).strip()
    shutil.rmtree(empty, ignore_errors=True)
    with open(report, encoding="utf-8") as f:
        data = json.load(f)
    blocks = {}
    for r in data["results"]:
        src = r["source"]
        file = src["file"]
        if not os.path.isabs(file):
            file = os.path.join(empty, file)
        key = (os.path.normpath(file), src["fence_line"])
        status = r["status"]
        verdict = {"pass": "pass", "fail": "fail", "stale": "fail", "skip": "skip", "not-rust": None,
                   "error": "error"}[status]
        if verdict is None:
            continue
        actual = r.get("actual") or {}
        blocks[key] = {
            "verdict": verdict,
            "status": status,
            "id": r["id"],
            "edition": r.get("edition"),
            "expected": r.get("expected", {}).get("outcome"),
            "expected_from": r.get("expected", {}).get("from"),
            "expected_errors": r.get("expected", {}).get("errors"),
            "actual": actual.get("outcome"),
            "actual_errors": actual.get("errors"),
            "signal": actual.get("signal"),
            "exit_code": actual.get("exit_code"),
            "reason": (r.get("message") or "").strip().split("\n")[0][:240],
            "diagnostics": [f"{d.get('code') or 'error'}: {d.get('message', '')}"
                            for d in actual.get("diagnostics") or [] if d.get("level") == "error"][:4],
        }
    return blocks, returncode, seconds, ""


# ---------------------------------------------------------------- classification

KNOWN_CAUSES = [
    # (label, what the team is fixing or what it is)
    ("crate-unavailable", "needs a crate that is not available: neither tool can verify it (to be `skip`)"),
    ("env-error", "snipcheck reports an environment failure (ERROR) for the listing"),
    ("bad-input", "snipcheck does not check it: bad input, such as a missing include or anchor (documented)"),
    ("inline-markers", "`//~ ERROR` markers claim an error; rustdoc just runs the block (documented)"),
    ("batch-poisoning", "merged verdict differs from --no-merge (batch poisoning, stale merged binaries)"),
    ("test_harness", "test_harness block"),
    ("crate_name", "#![crate_name] clashes with the scratch target"),
    ("fence-only-expectations", "inline // ERROR / // Error! comments taken as expectations in Markdown"),
    ("compile_fail-without-codes", "compile_fail without codes judged 'wrong reason'"),
    ("check-vs-build", "cargo check is not a build (codegen-time errors)"),
    ("error-codes-on-stable", "E#### codes checked on stable (documented stricter)"),
    ("rustdoc-only", "rustdoc tests a block snipcheck does not check"),
    ("snipcheck-only", "snipcheck checks a block rustdoc does not test (a chapter or block mdbook test misses?)"),
    ("wrap-crate-attr-after-comment", "`#![...]` after a leading comment is not hoisted out of fn main"),
    ("wrap-parse-fallback", "rustdoc wraps code it cannot parse in fn main (even with a `fn main`); snipcheck does not"),
    ("wrap-doc-comment-only", "a listing of doc comments only: rustdoc passes, wrapped in fn main it is E0585"),
    ("no_run-built-fully", "no_run built and linked; rustdoc only type-checks no_run (--emit=metadata)"),
    ("edition", "the tools used different editions"),
    ("other", "not classified"),
]



STD_ROOTS = {"std", "core", "alloc", "crate", "self", "super", "proc_macro", "test"}


def crate_unavailable(rd_reason, sc, text):
    """An error that names a crate the build cannot find (E0463, or an unresolved import or path
    whose root is not std, not the listing's own module)."""
    if "E0463" in rd_reason or "can't find crate" in rd_reason or "not available" in sc.get("reason", ""):
        return True
    local_mods = set(re.findall(r"\bmod\s+([a-z_][a-z0-9_]*)", text))
    for d in sc.get("diagnostics") or []:
        if d.startswith("E0463"):
            return True
        m = re.match(r"E043[23]: (?:unresolved import `|cannot find module or crate `|failed to resolve: use of "
                     r"(?:unresolved module or unlinked crate|undeclared crate or module) `)([a-z_][a-z0-9_]*)", d)
        if m and m.group(1) not in STD_ROOTS and m.group(1) not in local_mods:
            return True
    return False


def code_at(file, line, count=200):
    try:
        with open(file, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        return "\n".join(lines[line:line + count])
    except OSError:
        return ""


def block_text(file, fence_line):
    """The fenced block's text from the real file (enough for attribute checks)."""
    lines = code_at(file, fence_line).split("\n")
    out = []
    for l in lines:
        if l.strip().startswith("```") or l.strip().startswith("~~~"):
            break
        out.append(l)
    return "\n".join(out)


def classify(key, rd, sc, nm, book_edition):
    file, line = key
    info = (rd or {}).get("info", "")
    if not info:
        info = code_at(file, line - 1, 1).strip().lstrip("`~").strip()
    tokens = set(re.split(r"[,\s]+", info))
    text = block_text(file, line)
    rd_reason = (rd or {}).get("reason", "")
    sc_reason = (sc or {}).get("reason", "")
    if sc is None:
        return "rustdoc-only"
    if rd is None:
        return "snipcheck-only"
    if sc["verdict"] == "error":
        return "env-error"
    if sc_reason.startswith("not checked, bad input"):
        return "bad-input"
    if re.search(r"//~\^*\s*ERROR", text):
        return "inline-markers"
    if crate_unavailable(rd_reason, sc, text):
        return "crate-unavailable"
    if nm is not None and nm["verdict"] != sc["verdict"] and nm["verdict"] == rd["verdict"]:
        return "batch-poisoning"
    if "test_harness" in tokens:
        return "test_harness"
    if "crate_name" in text:
        return "crate_name"
    if sc.get("expected_from") == "inline" or (
            "compile_fail" not in tokens and sc.get("expected") == "compile-fail"
            and re.search(r"//\s*(ERROR|Error!)", text)):
        return "fence-only-expectations"
    if "compile_fail" in tokens and rd["verdict"] == "pass" and sc["verdict"] == "fail":
        codes = [t for t in tokens if re.fullmatch(r"E\d{4}", t)]
        if sc.get("actual") in ("compile", "run", "run-fail") or "it compiled" in sc_reason:
            return "check-vs-build"
        if codes:
            return "error-codes-on-stable"
        return "compile_fail-without-codes"
    if rd["verdict"] == "fail" and sc["verdict"] == "pass" and re.search(
            r"unconditional_panic|arithmetic_overflow|evaluation of constant|erroneous constant|this operation will panic",
            rd_reason):
        return "check-vs-build"
    if rd["verdict"] == "pass" and sc["verdict"] == "fail" and any(
            "expected item, found" in d for d in sc.get("diagnostics") or []):
        return "wrap-parse-fallback"
    body = [l.strip() for l in text.split("\n") if l.strip()]
    if body and all(l.startswith(("///", "//!")) for l in body):
        return "wrap-doc-comment-only"
    for i, l in enumerate(body):
        if l.startswith("#!["):
            if any(b.startswith("//") for b in body[:i]):
                return "wrap-crate-attr-after-comment"
            break
    if "no_run" in tokens and rd["verdict"] == "pass" and sc["verdict"] == "fail" and any(
            re.search(r"linking with|undefined reference|unconditional_panic|arithmetic_overflow|evaluation of",
                      d) for d in sc.get("diagnostics") or []):
        return "no_run-built-fully"
    fence_edition = next((t[len("edition"):] for t in tokens if re.fullmatch(r"edition\d{4}", t)), None)
    if sc.get("edition") and sc["edition"] != (fence_edition or book_edition):
        return "edition"
    return "other"


def describe(b, side):
    if b is None:
        return f"{side}: (not tested)"
    if side == "rustdoc":
        extra = f" [{b['kind']}]" if b.get("kind") and b["kind"] != "run" else ""
        return f"rustdoc: {b['verdict']}{extra}" + (f" — {b['reason']}" if b.get("reason") else "")
    diags = f" [{'; '.join(d[:100] for d in b['diagnostics'][:2])}]" if b.get("diagnostics") and b["verdict"] != "pass" else ""
    return f"{side}: {b['status']} ({b['id']})" + (f" — {b['reason']}" if b.get("reason") else "") + diags


def expand_book(book_dir, out):
    """`agreement.py expand BOOK OUT`: write the chapters as mdbook test hands them to rustdoc
    into OUT (same relative paths), their list in OUT/chapters.txt, the book's edition on stdout."""
    src, edition = read_book(book_dir)
    problems = []
    chapters = [c for c in summary_chapters(src) if os.path.isfile(os.path.join(src, c))]
    for rel in chapters:
        path = os.path.join(src, rel)
        expanded = expand(file_lines(path), os.path.dirname(path), 0, problems)
        os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
        with open(os.path.join(out, rel), "w", encoding="utf-8") as f:
            f.write("\n".join(l.text for l in expanded))
    with open(os.path.join(out, "chapters.txt"), "w", encoding="utf-8") as f:
        f.write("".join(c + "\n" for c in chapters))
    print(edition or "")
    return 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "expand":
        return expand_book(os.path.abspath(sys.argv[2]), sys.argv[3])
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("book")
    p.add_argument("edition", nargs="?")
    p.add_argument("--snipcheck", required=True)
    p.add_argument("--build-dir", required=True)
    p.add_argument("--out", required=True, help="folder for logs, reports and blocks.json")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("-L", dest="libs", action="append", default=[], help="passed to rustdoc, as mdbook test -L")
    p.add_argument("--rustdoc-timeout", type=int, default=1800, help="seconds per chapter")
    p.add_argument("--reuse-rustdoc", action="store_true", help="reuse OUT/rustdoc.json from an earlier run")
    p.add_argument("--reuse-snipcheck", action="store_true", help="reuse OUT's snipcheck reports (compare only)")
    p.add_argument("--no-merge-run", dest="no_merge", action="store_false", help="skip the --no-merge run")
    args = p.parse_args()

    book_dir = os.path.abspath(args.book)
    if not os.path.isfile(os.path.join(book_dir, "book.toml")):
        print(f"agreement: {book_dir}: no book.toml (not an mdBook folder)", file=sys.stderr)
        return 2
    src, book_edition = read_book(book_dir)
    edition = args.edition or book_edition
    os.makedirs(args.out, exist_ok=True)
    name = os.path.basename(book_dir.rstrip("/"))
    log = open(os.path.join(args.out, "log.txt"), "a", encoding="utf-8")

    # rustdoc, chapter by chapter, as mdbook test.
    rd_cache = os.path.join(args.out, "rustdoc.json")
    if args.reuse_rustdoc and os.path.exists(rd_cache):
        with open(rd_cache, encoding="utf-8") as f:
            saved = json.load(f)
        rd_blocks = {(b["file"], b["line"]): b for b in saved["blocks"]}
        rd_errors, rd_seconds, chapters = saved["errors"], saved["seconds"], saved["chapters"]
        print(f"agreement: reusing rustdoc results of {saved['when']} from {rd_cache}", file=sys.stderr)
    else:
        chapters = summary_chapters(src)
        work = tempfile.mkdtemp(prefix="agreement-rustdoc-")
        print(f"agreement: rustdoc --test on {len(chapters)} chapters of {name} (edition {edition or 'default, 2015'})",
              file=sys.stderr)
        rd_blocks, rd_errors, rd_seconds = run_rustdoc(src, chapters, edition, args.libs, work, args.rustdoc_timeout, log)
        shutil.rmtree(work, ignore_errors=True)
        with open(rd_cache, "w", encoding="utf-8") as f:
            json.dump({"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "seconds": rd_seconds,
                       "errors": rd_errors, "chapters": chapters,
                       "blocks": [dict(b, file=k[0], line=k[1]) for k, b in rd_blocks.items()]}, f, indent=1)

    # snipcheck, merged then one target per listing.
    print(f"agreement: snipcheck on {name} (merged)", file=sys.stderr)
    sc_blocks, sc_rc, sc_seconds, sc_err = run_snipcheck(args, book_dir, args.edition,
                                                         os.path.join(args.out, "snipcheck-merged.json"), [], log)
    nm_blocks, nm_rc, nm_seconds, nm_err = None, None, 0.0, ""
    if args.no_merge:
        print(f"agreement: snipcheck on {name} (--no-merge)", file=sys.stderr)
        nm_blocks, nm_rc, nm_seconds, nm_err = run_snipcheck(args, book_dir, args.edition,
                                                             os.path.join(args.out, "snipcheck-nomerge.json"),
                                                             ["--no-merge"], log)
    log.close()

    out_lines = []

    def say(s=""):
        out_lines.append(s)

    rel = lambda f: os.path.relpath(f, book_dir)
    say(f"# agreement: {name} ({book_dir}), edition {edition or '2015 (rustdoc default; book.toml has none)'}")
    say(f"# snipcheck: {args.snipcheck}; {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}")
    if sc_blocks is None:
        say(f"snipcheck failed (exit {sc_rc}): {sc_err[:500]}")
        print("\n".join(out_lines))
        return 3
    for e in rd_errors:
        say(f"note (mdbook test side): {e}")
    say(f"rustdoc: {len(rd_blocks)} tests in {len(chapters)} chapters, {rd_seconds:.1f} s "
        f"({collections.Counter(b['verdict'] for b in rd_blocks.values())})")
    say(f"snipcheck merged: {len(sc_blocks)} listings checked, exit {sc_rc}, {sc_seconds:.1f} s "
        f"({collections.Counter(b['status'] for b in sc_blocks.values())})")
    if nm_blocks is not None:
        say(f"snipcheck --no-merge: {len(nm_blocks)} listings checked, exit {nm_rc}, {nm_seconds:.1f} s "
            f"({collections.Counter(b['status'] for b in nm_blocks.values())})")
    editions = collections.Counter(b.get("edition") for b in sc_blocks.values())
    say(f"snipcheck editions: {dict(editions)}")

    keys = sorted(set(rd_blocks) | set(sc_blocks), key=lambda k: (k[0], k[1]))
    same = 0
    diffs = collections.defaultdict(list)
    records = []
    for k in keys:
        rd, sc = rd_blocks.get(k), sc_blocks.get(k)
        nm = nm_blocks.get(k) if nm_blocks is not None else None
        agree = rd is not None and sc is not None and rd["verdict"] == sc["verdict"]
        rec = {"file": rel(k[0]), "line": k[1], "rustdoc": rd, "merged": sc, "no_merge": nm, "agree": agree}
        if agree:
            same += 1
        else:
            cls = classify(k, rd, sc, nm, edition or "2015")
            rec["class"] = cls
            diffs[cls].append(rec)
        records.append(rec)
    pct = 100.0 * same / len(keys) if keys else 100.0
    say()
    agreed = collections.Counter(r["rustdoc"]["verdict"] for r in records if r["agree"])
    say(f"AGREEMENT {name}: {same}/{len(keys)} blocks = {pct:.2f}% (merged snipcheck vs rustdoc; agreed: "
        f"{agreed['pass']} pass, {agreed['fail']} fail, {agreed['skip']} not checked by either)")
    if nm_blocks is not None:
        nm_same = sum(1 for k in keys if k in rd_blocks and k in nm_blocks and
                      rd_blocks[k]["verdict"] == nm_blocks[k]["verdict"])
        say(f"AGREEMENT {name} --no-merge: {nm_same}/{len(keys)} blocks = "
            f"{100.0 * nm_same / len(keys) if keys else 100.0:.2f}%")
    # README "Differences from rustdoc": each of these is snipcheck being stricter on purpose.
    deliberate = [r for r in records if not r["agree"] and (
        r["class"] in ("error-codes-on-stable", "no_run-built-fully", "bad-input", "inline-markers") or
        (r["class"] == "crate-unavailable" and r["merged"] and r["merged"]["verdict"] == "skip"))]
    say(f"AGREEMENT {name} counting documented deliberate differences as agreeing "
        f"(E#### checked on stable; `skip` for a block needing an unavailable crate; no_run linked; "
        f"bad input; inline markers): "
        f"{same + len(deliberate)}/{len(keys)} = {100.0 * (same + len(deliberate)) / len(keys) if keys else 100.0:.2f}%")
    say()
    say("Differences by class:")
    for label, what in KNOWN_CAUSES:
        if diffs.get(label):
            say(f"  {label:<28} {len(diffs[label]):4}  {what}")
    for label, what in KNOWN_CAUSES:
        if not diffs.get(label):
            continue
        say()
        say(f"## {label}: {len(diffs[label])} — {what}")
        for r in diffs[label]:
            say(f"{r['file']}:{r['line']}: " + (r['rustdoc'] or {}).get("info", ""))
            say("    " + describe(r["rustdoc"], "rustdoc"))
            say("    " + describe(r["merged"], "snipcheck"))
            if nm_blocks is not None and r["no_merge"] and r["merged"] and \
                    r["no_merge"]["verdict"] != r["merged"]["verdict"]:
                say("    " + describe(r["no_merge"], "no-merge"))

    # Same verdict, maybe not for the same reason: both fail, rustdoc's first error code not among snipcheck's.
    reason_diffs = []
    for r in records:
        if r["agree"] and r["rustdoc"]["verdict"] == "fail":
            m = re.search(r"error\[(E\d{4})\]", r["rustdoc"].get("reason", ""))
            if m and m.group(1) not in (r["merged"].get("actual_errors") or []):
                reason_diffs.append(r)
    say()
    say(f"Both fail, rustdoc's first error code not among snipcheck's: {len(reason_diffs)}")
    for r in reason_diffs:
        say(f"{r['file']}:{r['line']}:")
        say("    " + describe(r["rustdoc"], "rustdoc"))
        say("    " + describe(r["merged"], "snipcheck") + f" {r['merged'].get('actual_errors')}")

    if nm_blocks is not None:
        mk = sorted(set(sc_blocks) | set(nm_blocks))
        mdiff = [k for k in mk if (sc_blocks.get(k) or {}).get("status") != (nm_blocks.get(k) or {}).get("status")]
        say()
        say(f"MERGED vs --no-merge {name}: {len(mk) - len(mdiff)}/{len(mk)} identical statuses, {len(mdiff)} differ")
        for k in mdiff:
            say(f"{rel(k[0])}:{k[1]}:")
            say("    " + describe(sc_blocks.get(k), "merged"))
            say("    " + describe(nm_blocks.get(k), "no-merge"))
    with open(os.path.join(args.out, "blocks.json"), "w", encoding="utf-8") as f:
        json.dump(records, f, indent=1)
    text = "\n".join(out_lines)
    with open(os.path.join(args.out, "agreement.txt"), "w", encoding="utf-8") as f:
        f.write(text + "\n")
    print(text)
    return 0 if not diffs else 1


if __name__ == "__main__":
    sys.exit(main())
