#!/usr/bin/env bash
# Per-block agreement of snipcheck with `mdbook test` on an mdBook.
#
#   scripts/agreement.sh BOOK_DIR [EDITION]
#
# Runs `rustdoc --test` on each chapter the way `mdbook test` does (chapters from
# SUMMARY.md, mdBook's {{#include}}/{{#rustdoc_include}} links expanded,
# `--edition` from book.toml [rust] edition, or EDITION when given), then
# snipcheck on the same book, merged and with --no-merge (both --no-cache, an
# empty expected/ folder: the book's own markers only). mdbook is not needed:
# scripts/agreement.py reproduces its link preprocessor independently of
# snipcheck's reader, so that snipcheck is not measured against itself.
#
# Prints the per-block agreement (% of blocks with the same verdict: pass,
# fail, or not checked = rustdoc `ignored` / snipcheck `skip`), every
# difference with its file:line, both tools' reasons and a suspected cause, and
# every listing whose merged and --no-merge statuses differ. Blocks are matched
# by the real file and line of their opening fence.
#
# Environment:
#   SNIPCHECK        the binary (default build/snipcheck)
#   JOBS             --jobs for snipcheck (default 2)
#   BUILD_DIR        snipcheck's --build-dir (default /tmp/snip-build/NAME)
#   OUT              logs, reports, rustdoc.json, blocks.json, agreement.txt
#                    (default /tmp/agreement/NAME)
#   REUSE_RUSTDOC=1  reuse OUT/rustdoc.json of an earlier run (rustdoc is slow)
#   REUSE_SNIPCHECK=1  reuse OUT's snipcheck reports too: compare only
#   RUSTDOC_LIBS     colon-separated folders passed as -L (mdbook test -L)
# Exit: 0 full agreement, 1 differences, 2 bad usage, 3 a tool is missing or
# snipcheck failed to run.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: scripts/agreement.sh BOOK_DIR [EDITION]" >&2
  exit 2
fi
BOOK=$1
EDITION=${2:-}
if [ -n "$EDITION" ] && ! [[ $EDITION =~ ^20(15|18|21|24)$ ]]; then
  echo "agreement: unknown edition '$EDITION' (2015, 2018, 2021 or 2024)" >&2
  exit 2
fi
[ -f "$BOOK/book.toml" ] || { echo "agreement: $BOOK: no book.toml (not an mdBook folder)" >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/scripts/toolchain-env.sh"
for tool in rustdoc cargo python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "agreement: $tool not found on PATH" >&2; exit 3; }
done
SNIPCHECK=${SNIPCHECK:-$ROOT/build/snipcheck}
[ -x "$SNIPCHECK" ] || { echo "agreement: $SNIPCHECK not built (cmake --build build)" >&2; exit 3; }

NAME=$(basename "$(cd "$BOOK" && pwd)")
args=(--snipcheck "$(cd "$(dirname "$SNIPCHECK")" && pwd)/$(basename "$SNIPCHECK")"
      --build-dir "${BUILD_DIR:-/tmp/snip-build/$NAME}" --out "${OUT:-/tmp/agreement/$NAME}"
      --jobs "${JOBS:-2}")
[ "${REUSE_RUSTDOC:-0}" = 1 ] && args+=(--reuse-rustdoc)
[ "${REUSE_SNIPCHECK:-0}" = 1 ] && args+=(--reuse-snipcheck)
if [ -n "${RUSTDOC_LIBS:-}" ]; then
  IFS=: read -ra libs <<<"$RUSTDOC_LIBS"
  for lib in "${libs[@]}"; do args+=(-L "$lib"); done
fi
exec python3 "$ROOT/scripts/agreement.py" "${args[@]}" "$BOOK" ${EDITION:+"$EDITION"}
