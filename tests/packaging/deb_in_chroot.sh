#!/usr/bin/env bash
# The .deb on a clean Debian: builds it with cpack from BUILD_DIR, installs it
# into a fresh chroot made by debootstrap from this machine's Debian mirror
# (apt resolves the package's declared Depends there, nothing else is copied
# in), and checks a small mdBook inside: a green run exits 0, and a broken
# listing exits 1 at its book line.
#
#   tests/packaging/deb_in_chroot.sh BUILD_DIR
#
# Exit 77 (ctest: skipped, with the reason printed) without root, debootstrap,
# unshare or dpkg-shlibdeps. Needs Debian's mirrors reachable (the chroot
# installs its packages from them): an unreachable mirror fails the test.
# Keep the chroot for a look with KEEP_CHROOT=1.
set -euo pipefail

build_dir=$(cd "${1:?usage: deb_in_chroot.sh BUILD_DIR}" && pwd)

skip() { echo "SKIPPED: $*" >&2; exit 77; }
fail() { echo "FAILED: $*" >&2; exit 1; }
step() { echo "== $* ($(date -u +%H:%M:%S))"; }

[ "$(id -u)" -eq 0 ] || skip "debootstrap and chroot need root (running as uid $(id -u))"
for tool in debootstrap unshare chroot dpkg-deb dpkg-shlibdeps cpack apt-get; do
  command -v "$tool" >/dev/null 2>&1 \
    || skip "$tool is not installed (scripts/setup.sh installs debootstrap and dpkg-dev)"
done
[ -f "$build_dir/CPackConfig.cmake" ] || fail "$build_dir has no CPackConfig.cmake: configure it with cmake first"

# The same Debian release as this machine: the package's Depends name its libraries.
. /etc/os-release
codename=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
# This machine's Debian repositories (main, updates, security), as apt sees them.
mapfile -t repositories < <(apt-get indextargets --format '$(ORIGIN) $(REPO_URI) $(RELEASE)' \
  | awk '$1 == "Debian" { print $2, $3 }' | sort -u)
mirror=
for repository in "${repositories[@]}"; do
  read -r uri release <<<"$repository"
  [ "$release" = "$codename" ] && mirror=$uri
done
[ -n "$mirror" ] || fail "no Debian mirror for $codename in this machine's apt sources (run apt-get update)"

work="$build_dir/packaging-chroot"
root="$work/root"
cleanup() {
  if [ "${KEEP_CHROOT:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
rm -rf "$work"
mkdir -p "$work/package"

step "cpack: the .deb"
cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/package" >"$work/cpack.log" 2>&1 \
  || { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$(find "$work/package" -maxdepth 1 -name 'snipcheck_*.deb' | head -n 1)
[ -n "$deb" ] || fail "cpack wrote no snipcheck_*.deb into $work/package"
dpkg-deb --info "$deb"
depends=$(dpkg-deb --field "$deb" Depends)
for library in libfmt9 libtomlplusplus3 libmd4c0 libstdc++6 libc6; do
  [[ ", $depends," == *", $library "* || ", $depends," == *", $library,"* ]] \
    || fail "the .deb does not depend on $library: Depends: $depends"
done
contents=$(dpkg-deb --contents "$deb")
for file in ./usr/bin/snipcheck ./usr/share/man/man1/snipcheck.1 ./usr/share/doc/snipcheck/README.md; do
  grep -q " $file\$" <<<"$contents" || fail "the .deb lacks $file:"$'\n'"$contents"
done

step "debootstrap $codename from $mirror"
debootstrap --variant=minbase "$codename" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log"; fail "debootstrap failed (log: $work/debootstrap.log)"; }
: >"$root/etc/apt/sources.list"
for repository in "${repositories[@]}"; do
  echo "deb $repository main" >>"$root/etc/apt/sources.list"
done
cp "$deb" "$root/tmp/"

# Everything inside runs in a mount and pid namespace of its own, so /proc is
# unmounted and every process is gone when it ends, whatever happens.
in_chroot() {
  unshare --mount --pid --fork --mount-proc="$root/proc" \
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 /bin/sh -c "$1"
}

step "apt-get install the .deb and Debian's Rust toolchain in the chroot"
# cargo-web is bookworm's current cargo (1.85 and later): its plain cargo
# (0.66) lacks `--keep-going`. The .deb brings its own libraries via Depends.
in_chroot "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  /tmp/$(basename "$deb") cargo-web" >"$work/apt.log" 2>&1 \
  || { tail -n 40 "$work/apt.log"; fail "apt-get install in the chroot failed (log: $work/apt.log)"; }

step "snipcheck in the chroot"
in_chroot 'ldd /usr/bin/snipcheck' | tee "$work/ldd.txt"
! grep -q 'not found' "$work/ldd.txt" || fail "a library of snipcheck is missing in the chroot"
version=$(in_chroot 'snipcheck --version')
echo "$version"
[[ $version =~ ^snipcheck\ [0-9]+\.[0-9]+\.[0-9]+\ \( ]] || fail "unexpected --version output: $version"

# A small mdBook: a program that runs, an error it is meant to have, a panic
# it is meant to have, and an output block that is not Rust.
mkdir -p "$root/root/book/src"
cat >"$root/root/book/book.toml" <<'EOF'
[book]
title = "Tiny"
[rust]
edition = "2021"
EOF
printf '# Summary\n\n- [Basics](basics.md)\n' >"$root/root/book/src/SUMMARY.md"
cat >"$root/root/book/src/basics.md" <<'EOF'
# Basics

```rust
let total: i32 = [1, 2, 3].iter().sum();
assert_eq!(total, 6);
println!("total: {total}");
```

```text
total: 6
```

```rust,compile_fail,E0308
let count: i32 = "three";
```

```rust,should_panic
let empty: Vec<i32> = Vec::new();
let _ = empty[0];
```
EOF

green=$(in_chroot 'cd /root/book && snipcheck --book . --color never 2>&1') \
  || fail "snipcheck on a green book failed in the chroot:"$'\n'"$green"
echo "$green"
grep -q '3 pass, 0 fail' <<<"$green" || fail "expected 3 listings to pass:"$'\n'"$green"

# One character less: the println names a variable that does not exist (E0425).
sed -i 's/{total}/{totl}/' "$root/root/book/src/basics.md"
status=0
red=$(in_chroot 'cd /root/book && snipcheck --book . --color never 2>&1') || status=$?
echo "$red"
[ "$status" -eq 1 ] || fail "a broken listing must exit 1, got $status"
grep -q 'src/basics.md:6' <<<"$red" || fail "the failure is not reported at src/basics.md:6"
grep -q '2 pass, 1 fail' <<<"$red" || fail "expected exactly the edited listing to fail:"$'\n'"$red"

step "ok: the .deb installs and checks a book in a fresh $codename chroot"
