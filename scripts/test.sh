#!/usr/bin/env bash
# Sets everything up, then runs every test: unit (no cargo) and e2e (real cargo).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/toolchain-env.sh
ctest --test-dir build --output-on-failure "$@"
