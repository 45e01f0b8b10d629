#!/usr/bin/env bash
# Sets everything up, then checks the bundled book with its expected/ annotations.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/toolchain-env.sh
exec build/snipcheck check "$@"
