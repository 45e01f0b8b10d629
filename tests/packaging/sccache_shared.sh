#!/usr/bin/env bash
# Two CI jobs share compiled crates through sccache's local cache: a book whose
# listing uses crates (anyhow, thiserror and its syn/quote/proc-macro2, from
# Debian's directory registry) is checked in a fresh checkout and build
# folder; the checkout is deleted, made again, and checked again. The second
# run must take every cacheable crate from sccache (hits, no misses), while
# snipcheck's own result cache is empty (no result is "(cached)").
#
#   tests/packaging/sccache_shared.sh SNIPCHECK_BINARY
#
# sccache keys on absolute paths, so the checkout sits at the same path both
# times, as it does in every job of a CI workflow. Exit 77 (ctest: skipped,
# reason printed) without sccache or the crates.
set -euo pipefail

snipcheck=$(realpath "${1:?usage: sccache_shared.sh SNIPCHECK_BINARY}")
registry=/usr/share/cargo/registry

skip() { echo "SKIPPED: $*" >&2; exit 77; }
fail() { echo "FAILED: $*" >&2; exit 1; }

command -v sccache >/dev/null 2>&1 || skip "sccache is not installed (scripts/setup.sh installs it)"
for crate in anyhow thiserror syn; do
  compgen -G "$registry/$crate-[0-9]*" >/dev/null || skip "no $crate in $registry (scripts/setup.sh installs librust-$crate-dev)"
done
# shellcheck source=/dev/null
. "$(dirname "$0")/../../scripts/toolchain-env.sh"
command -v cargo >/dev/null 2>&1 || fail "no cargo on PATH"

work=$(mktemp -d "${TMPDIR:-/tmp}/snipcheck-sccache.XXXXXX")
server_pid=
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A server of our own: its own cache folder and port, run in the foreground
# (not daemonized by the first rustc call, which would inherit cargo's pipes).
export SCCACHE_DIR="$work/sccache" SCCACHE_IDLE_TIMEOUT=0 SCCACHE_SERVER_PORT=$((20000 + $$ % 20000))
SCCACHE_LOG=info SCCACHE_NO_DAEMON=1 SCCACHE_START_SERVER=1 sccache >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 120); do
  grep -q 'listening on port' "$work/server.log" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; fail "the sccache server stopped"; }
  sleep 0.5
done
grep -q 'listening on port' "$work/server.log" || { cat "$work/server.log"; fail "the sccache server did not start"; }

# "Cache hits (Rust)   N" -> N (0 when the line is absent).
stat() { sccache --show-stats | awk -v name="$1" 'index($0, name) == 1 { n = $NF } END { print n + 0 }'; }

checkout="$work/job/book"
make_checkout() {
  rm -rf "$work/job"
  mkdir -p "$checkout/expected"
  cat >"$checkout/snipcheck.toml" <<EOF
book = "book.md"
expected = "expected"
build-dir = ".snipcheck"
edition = "2021"
[registry]
directory = "$registry"
EOF
  cat >"$checkout/book.md" <<'EOF'
# 1 Errors

```rust
use anyhow::Context;

#[derive(Debug, thiserror::Error)]
#[error("{0} is negative")]
struct Negative(i64);

fn parse(text: &str) -> anyhow::Result<u32> {
    let value: i64 = text.trim().parse().context("not a number")?;
    if value < 0 {
        return Err(Negative(value).into());
    }
    Ok(value as u32)
}

fn main() {
    assert_eq!(parse(" 42 ").unwrap(), 42);
    assert_eq!(parse("-1").unwrap_err().to_string(), "-1 is negative");
}
```
EOF
  cat >"$checkout/expected/ch01.toml" <<'EOF'
["ch01/1-1"]
deps = { anyhow = "1", thiserror = "1" }
EOF
}

run_job() { # run_job NAME: a fresh checkout and build folder, then snipcheck
  make_checkout
  sccache --zero-stats >/dev/null
  local status=0
  (cd "$checkout" && RUSTC_WRAPPER=sccache "$snipcheck" --color never) >"$work/$1.txt" 2>&1 || status=$?
  cat "$work/$1.txt"
  [ "$status" -eq 0 ] || fail "$1: snipcheck exited $status"
  grep -q '1 pass, 0 fail' "$work/$1.txt" || fail "$1: the listing did not pass"
  ! grep -q '(cached)' "$work/$1.txt" || fail "$1: a result came from snipcheck's cache, not a build"
  hits=$(stat 'Cache hits (Rust)')
  misses=$(stat 'Cache misses (Rust)')
  echo "$1: sccache Rust hits $hits, misses $misses"
}

run_job first
[ "$misses" -ge 3 ] || fail "first job: expected at least 3 crates compiled into sccache (anyhow, syn, quote, ...), got $misses misses"
first_misses=$misses
run_job second
[ "$misses" -eq 0 ] || fail "second job: $misses crates were compiled again instead of taken from sccache"
[ "$hits" -ge "$first_misses" ] || fail "second job: $hits hits, fewer than the $first_misses crates the first job compiled"
echo "ok: the second job took all $hits compiled crates from sccache"
