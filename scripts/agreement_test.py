#!/usr/bin/env python3
"""Self-test of scripts/agreement.py's reproduction of mdBook's link preprocessor.

  python3 scripts/agreement_test.py     (exit 0 when every check holds)

The take_* vectors are mdBook's own unit tests (src/utils/string.rs), so the
reference that snipcheck is measured against is itself checked against mdBook.
"""
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in scripts/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import agreement as a  # noqa: E402


def lines(text):
    return [a.Line(t, "f", i + 1) for i, t in enumerate(a.rust_lines(text))]


def joined(ls):
    return "\n".join(l.text for l in ls)


class TakeLines(unittest.TestCase):
    S = "Lorem\nipsum\ndolor\nsit\namet"

    def test_ranges(self):
        r = a.parse_range_or_anchor
        self.assertEqual(joined(a.take_lines(lines(self.S), r("2:3"))), "ipsum\ndolor")
        self.assertEqual(joined(a.take_lines(lines(self.S), r("4:"))), "sit\namet")
        self.assertEqual(joined(a.take_lines(lines(self.S), r(":3"))), "Lorem\nipsum\ndolor")
        self.assertEqual(joined(a.take_lines(lines(self.S), r(None))), self.S)
        self.assertEqual(joined(a.take_lines(lines(self.S), r("2"))), "ipsum")
        self.assertEqual(joined(a.take_lines(lines(self.S), r(":100"))), self.S)

    def test_anchored(self):
        s = "Lorem\nANCHOR:    test2\nipsum\nANCHOR: test\ndolor\nsit\namet\nANCHOR_END: test\nlorem\nANCHOR_END:test2\nipsum"
        self.assertEqual(joined(a.take_anchored_lines(lines(s), "test2")), "ipsum\ndolor\nsit\namet\nlorem")
        self.assertEqual(joined(a.take_anchored_lines(lines(s), "test")), "dolor\nsit\namet")
        self.assertEqual(joined(a.take_anchored_lines(lines(s), "something")), "")

    def test_rustdoc_include(self):
        r = a.parse_range_or_anchor
        self.assertEqual(joined(a.take_rustdoc_include_lines(lines(self.S), r("2:3"))),
                         "# Lorem\nipsum\ndolor\n# sit\n# amet")
        s = "Lorem\nANCHOR: test\nipsum\nANCHOR_END: test\ndolor\nANCHOR: test\nsit\nANCHOR_END: test\namet"
        self.assertEqual(joined(a.take_rustdoc_include_anchored_lines(lines(s), "test")),
                         "# Lorem\nipsum\n# dolor\nsit\n# amet")
        s = "Lorem\nANCHOR:    test2\nipsum\nANCHOR: test\ndolor\nsit\namet\nANCHOR_END: test\nlorem\nANCHOR_END:test2\nipsum"
        self.assertEqual(joined(a.take_rustdoc_include_anchored_lines(lines(s), "test2")),
                         "# Lorem\nipsum\ndolor\nsit\namet\nlorem\n# ipsum")


class Expand(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        os.makedirs(os.path.join(d, "sub"))
        with open(os.path.join(d, "sub", "lib.rs"), "w") as f:
            f.write("fn hidden() {}\n// ANCHOR: here\nfn shown() {}\n// ANCHOR_END: here\n")
        with open(os.path.join(d, "sub", "part.md"), "w") as f:
            f.write("```rust\n{{#include lib.rs:here}}\n```\n")  # relative to sub/: nested base
        with open(os.path.join(d, "ch.md"), "w") as f:
            f.write("# T\n```rust\n{{#rustdoc_include sub/lib.rs:here}}\n```\n"
                    "\\{{#include nope.rs}}\n{{#include sub/part.md}}\n{{#include missing.rs}}\nend\n")

    def tearDown(self):
        self.dir.cleanup()

    def test_expansion_and_origins(self):
        d = self.dir.name
        problems = []
        out = a.expand(a.file_lines(os.path.join(d, "ch.md")), d, 0, problems)
        got = [(l.text, os.path.relpath(l.file, d), l.line) for l in out]
        self.assertEqual(got, [
            ("# T", "ch.md", 1),
            ("```rust", "ch.md", 2),
            ("# fn hidden() {}", "sub/lib.rs", 1),
            ("fn shown() {}", "sub/lib.rs", 3),
            ("```", "ch.md", 4),
            ("{{#include nope.rs}}", "ch.md", 5),  # escaped: kept, without the backslash
            ("```rust", "sub/part.md", 1),  # a fence from an included file keeps that file's line
            ("fn shown() {}", "sub/lib.rs", 3),
            ("```", "sub/part.md", 3),
            ("{{#include missing.rs}}", "ch.md", 7),  # mdBook leaves a link it cannot read
            ("end", "ch.md", 8),
        ])
        self.assertEqual(len(problems), 1)
        self.assertIn("missing.rs", problems[0])

    def test_summary_titles_with_brackets(self):
        d = self.dir.name
        with open(os.path.join(d, "SUMMARY.md"), "w") as f:
            f.write("# Summary\n\n[Intro](intro.md)\n<!-- [Old](old.md) -->\n- [Add `Box<[T]>`](a/b.md)\n"
                    "    - [Draft]()\n- [Again](intro.md)\n")
        self.assertEqual(a.summary_chapters(d), ["intro.md", "a/b.md"])


if __name__ == "__main__":
    unittest.main()
