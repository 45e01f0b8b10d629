#!/usr/bin/env bash
# What snipcheck needs to be built and to run, on a fresh Debian 12 machine:
# the compiler and the libraries it links, help2man for its man page, and a
# Rust toolchain. Then configures and builds it in build/. Idempotent: packages
# already present are not reinstalled. The tests need more: scripts/setup.sh.
#
# build/ is configured without the tests the first time (they need GoogleTest);
# SNIPCHECK_TESTS=ON|OFF chooses, and an existing build/ keeps its choice.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build pkg-config git ca-certificates help2man
  libboost1.81-dev libfmt-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev
  libmd4c-dev libmd4c-html0-dev
)
source scripts/apt-packages.sh
ensure_packages setup-run "${packages[@]}"

# A Rust toolchain: rustup's when present, else Debian's. bookworm's `cargo`
# (0.66) lacks `--keep-going`; `cargo-web` is the current one (1.85 and later).
source scripts/toolchain-env.sh
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup-run: no cargo on PATH; installing Debian's cargo-web"
  ensure_packages setup-run cargo-web
fi

tests=()
if [ -n "${SNIPCHECK_TESTS:-}" ]; then
  tests=(-DSNIPCHECK_TESTS="$SNIPCHECK_TESTS")
elif [ ! -f build/CMakeCache.txt ]; then
  tests=(-DSNIPCHECK_TESTS=OFF)
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${tests[@]}"
cmake --build build
