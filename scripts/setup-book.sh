#!/usr/bin/env bash
# The crates the bundled book's listings use, from Debian's directory registry
# (/usr/share/cargo/registry, which snipcheck.toml names): checking the bundled
# book needs them offline, and so do the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."

crates=(
  librust-tokio-dev librust-tokio-util-dev librust-async-trait-dev librust-thiserror-dev
  librust-anyhow-dev librust-syn-dev librust-quote-dev librust-proc-macro2-dev
)
source scripts/apt-packages.sh
ensure_packages setup-book "${crates[@]}"
