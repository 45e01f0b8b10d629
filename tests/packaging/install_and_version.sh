#!/usr/bin/env bash
# `snipcheck --version` names the version and the commit built, and
# `cmake --install` puts the binary and a man page made from --help in place.
#
#   tests/packaging/install_and_version.sh SOURCE_DIR BUILD_DIR VERSION
set -euo pipefail
source_dir=${1:?usage: install_and_version.sh SOURCE_DIR BUILD_DIR VERSION}
build_dir=${2:?}
version=${3:?}

fail() { echo "FAILED: $*" >&2; exit 1; }

line=$("$build_dir/snipcheck" --version) || fail "snipcheck --version exited $?"
echo "$line"
# The commit: git's short hash, "-modified" with uncommitted changes; "unknown" outside git.
if commit=$(git -C "$source_dir" rev-parse --short=12 HEAD 2>/dev/null); then
  [[ $line =~ ^snipcheck\ $version\ \($commit(-modified)?\ [0-9]{4}-[0-9]{2}-[0-9]{2}\)$ ]] \
    || fail "expected 'snipcheck $version ($commit[-modified] DATE)', got '$line'"
else
  [[ $line == "snipcheck $version (commit unknown)" ]] || fail "outside git, got '$line'"
fi

prefix=$(mktemp -d "${TMPDIR:-/tmp}/snipcheck-install.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
[ -x "$prefix/bin/snipcheck" ] || fail "cmake --install put no bin/snipcheck"
page="$prefix/share/man/man1/snipcheck.1"
[ -f "$page" ] || fail "cmake --install put no share/man/man1/snipcheck.1"
[ -f "$prefix/share/doc/snipcheck/contract.md" ] || fail "cmake --install put no share/doc/snipcheck/contract.md"
# The page is the help of this binary: every option of --help is in it, and
# the sections of docs/snipcheck.h2m.
for option in $("$build_dir/snipcheck" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
  grep -qF -- "${option//-/\\-}" "$page" || grep -qF -- "$option" "$page" \
    || fail "the man page lacks $option"
done
for section in 'EXIT STATUS' 'FILES' 'ENVIRONMENT'; do
  grep -q "^\.SH \"\?$section" "$page" || fail "the man page lacks the section $section"
done
echo "ok: $line; installed bin/snipcheck and its man page"
