#!/usr/bin/env bash
# Sets up what snipcheck and the bundled book need (no test tools), then checks
# the bundled book with its expected/ annotations.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-run.sh
scripts/setup-book.sh
source scripts/toolchain-env.sh
exec build/snipcheck check "$@"
