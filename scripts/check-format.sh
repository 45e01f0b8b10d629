#!/usr/bin/env bash
# Checks (or with --fix, applies) .clang-format on the C++ sources.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(--dry-run --Werror)
[ "${1:-}" = "--fix" ] && mode=(-i)
git ls-files '*.cpp' '*.hpp' | xargs clang-format "${mode[@]}"
