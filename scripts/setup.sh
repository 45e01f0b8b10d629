#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks, then configures and builds
# snipcheck in build/. Idempotent: packages already present are not reinstalled.
set -euo pipefail
cd "$(dirname "$0")/.."

# The C++ toolchain and libraries, the Rust crates the bundled book uses
# (Debian's directory registry, /usr/share/cargo/registry), and the tools the
# tests use (xmllint for the JUnit schema, python3 >= 3.11 for scripts/agreement_test.py).
packages=(
  g++ cmake ninja-build pkg-config git ca-certificates
  libboost1.81-dev libfmt-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev
  libmd4c-dev libmd4c-html0-dev libgtest-dev libgmock-dev libxml2-utils python3
  librust-tokio-dev librust-tokio-util-dev librust-async-trait-dev librust-thiserror-dev
  librust-anyhow-dev librust-syn-dev librust-quote-dev librust-proc-macro2-dev
  # The async fixture book's [dependencies] (tests/e2e/books/async-mdbook, ctest label `crates`).
  librust-futures-dev librust-async-std-dev
)
source scripts/apt-packages.sh
ensure_packages setup "${packages[@]}"

# A Rust toolchain: rustup's when present (the machines have one), else Debian's.
source scripts/toolchain-env.sh
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: no cargo on PATH; using Debian's cargo and rustc"
  ensure_packages setup cargo rustc
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build
