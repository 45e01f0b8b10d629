#!/usr/bin/env bash
# Everything the tests need, on a fresh Debian 12 machine: what snipcheck needs
# to build and run (scripts/setup-run.sh), the bundled book's crates
# (scripts/setup-book.sh), and the test tools; then builds build/ with the
# tests. Idempotent: packages already present are not reinstalled.
set -euo pipefail
cd "$(dirname "$0")/.."

# GoogleTest; xmllint for the JUnit schema; python3 >= 3.11 for
# scripts/agreement_test.py; dpkg-dev (dpkg-shlibdeps) for the .deb's Depends,
# debootstrap for the chroot it is installed into, and sccache for sharing
# compiled crates (the heavy tests, tests/packaging/); the async fixture book's
# [dependencies] (tests/e2e/books/async-mdbook, ctest label `crates`).
packages=(
  libgtest-dev libgmock-dev libxml2-utils python3
  dpkg-dev debootstrap sccache
  librust-futures-dev librust-async-std-dev
)
source scripts/apt-packages.sh
ensure_packages setup "${packages[@]}"
scripts/setup-book.sh
SNIPCHECK_TESTS=ON scripts/setup-run.sh
