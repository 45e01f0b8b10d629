#!/usr/bin/env bash
# Sets everything up, then runs every test: unit (no cargo), e2e (real cargo)
# and heavy (the .deb in a debootstrap chroot, sccache; `-LE heavy` skips them).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/toolchain-env.sh
ctest --test-dir build --output-on-failure "$@"
