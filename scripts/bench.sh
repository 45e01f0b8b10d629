#!/usr/bin/env bash
# snipcheck vs `rustdoc --test` over the same std-only listings, on this machine.
#
#   scripts/bench.sh [--series] [--series-20k] [RUNS] [MDBOOK_DIR...]
#                                    RUNS timed runs per measurement (default 5);
#                                    each MDBOOK_DIR adds the real-book rows;
#                                    --series adds the tiny-listing series below
#                                    (--series-20k also its 20,000-listing book)
#
# Inputs (tests/bench/):
#   book-std.md          the bundled book's std-only listings (make_book_std.py)
#   large-book.md        300 generated blocks over 10 chapters (make_large_book.py),
#                        written to a temporary folder at bench time, with its
#                        100- and 200-block versions for the linearity rows
# Measured, min and median wall seconds of RUNS runs:
#   rustdoc      rustdoc --test FILE --edition 2021
#   cold         snipcheck --no-cache on a build dir whose result cache and
#                cargo target folder are deleted before each run (the scratch
#                workspace stays; these inputs have no dependencies to keep warm).
#                `--no-cache` alone is not cold: cargo's own fingerprints would
#                answer from the kept target folder (row "no-cache, warm target").
#   cached       a re-run with nothing changed (target < 0.1 s)
#   edit-one     a re-run after changing the string one listing of a copy of the
#                large book prints (target <= 0.3 s): each run edits a listing of
#                another chapter (after a full run, the common case), and, row
#                edit-same, the same listing again and again
#   linearity    cold runs on 100, 200 and 300 blocks, seconds per block
#   real book    per mdBook folder given (arguments, or BENCH_REAL_BOOKS=DIR:DIR;
#                skipped with a message when none is given or a folder has no
#                book.toml): `mdbook test` reproduced, rustdoc --test run chapter
#                by chapter on the chapters as mdBook's link preprocessor expands
#                them (scripts/agreement.py expand), against snipcheck cold on
#                a copy of the book, the no-change re-run and the one-listing
#                edit (tests/bench/real_book_edit.py appends `const _: u32 = N;`
#                to a listing that passed: another chapter's each run, and the
#                same one again). Real books have failing listings: exit 1 from
#                either tool is expected there, 2 or 3 from snipcheck is not.
#                Targets (issue 10): cold <= 0.25 of rustdoc (aim 0.1), re-run
#                <= 0.1 s, one edit <= 0.3 s. BENCH_ONLY_REAL=1 skips the
#                synthetic rows above.
#   series       (--series, or BENCH_SERIES=1; BENCH_ONLY_SERIES=1 runs nothing
#                else) issue 21's books of tiny runnable listings
#                (tests/bench/make_tiny_book.py: `fn fN(x: u32) -> u32 { x + N }`
#                and an assert_eq! in main, 50 a section), at 1,000 and 4,000
#                listings (BENCH_SERIES_SIZES="1000 4000"; --series-20k adds
#                20,000), cold, each also with `no_run` fences (the difference
#                is the cost of running the programs): per listing, min and
#                median of RUNS runs of user, sys and wall ms, and the peak RSS
#                of the whole process tree and of snipcheck alone (its JSON
#                `timings`); rustdoc --test over the same book side by side up
#                to BENCH_SERIES_RUSTDOC_MAX listings (default 1000; rustdoc
#                takes about 40 ms a listing). At 1,000 listings also the warm
#                paths: nothing changed (target <= 50 ms) and one listing
#                edited, another each run (target <= 200 ms). Timed with GNU
#                time (tests/bench/tiny_series_table.py prints the table).
# Results: a table on standard output and in build/bench-results.txt
# (BENCH_OUT=PATH to change). Exit status 1 when snipcheck or rustdoc reports a
# failure on an input, or when their test counts differ (the inputs must be
# green for both); 2 on bad usage; 3 when a tool is missing.
#
# Timing uses hyperfine when it is installed; as root with apt-get it is
# installed (BENCH_NO_INSTALL=1 to skip); otherwise `date +%s.%N` around each run.
# Environment: SNIPCHECK (default build/snipcheck), BENCH_KEEP=1 keeps the
# temporary folder. Other load on the machine skews the figures: run it idle.
set -euo pipefail

SERIES=${BENCH_SERIES:-0}
SERIES_SIZES=${BENCH_SERIES_SIZES:-1000 4000}
while [ $# -gt 0 ]; do
  case $1 in
    --series) SERIES=1; shift ;;
    --series-20k) SERIES=1; SERIES_SIZES="$SERIES_SIZES 20000"; shift ;;
    *) break ;;
  esac
done
ONLY_SERIES=${BENCH_ONLY_SERIES:-0}
[ "$ONLY_SERIES" = 1 ] && SERIES=1
RUNS=${1:-5}
if ! [[ $RUNS =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/bench.sh [--series] [--series-20k] [RUNS] [MDBOOK_DIR...]   (RUNS: a positive whole number, default 5)" >&2
  exit 2
fi
[ $# -gt 0 ] && shift
REAL_BOOKS=()
if [ $# -gt 0 ]; then
  REAL_BOOKS=("$@")
elif [ -n "${BENCH_REAL_BOOKS:-}" ]; then
  IFS=: read -ra REAL_BOOKS <<<"$BENCH_REAL_BOOKS"
fi
for i in "${!REAL_BOOKS[@]}"; do
  book=${REAL_BOOKS[$i]}
  if [ ! -f "$book/book.toml" ]; then
    echo "bench: $book is not an mdBook folder (no book.toml): its real-book rows are skipped" >&2
    unset "REAL_BOOKS[$i]"
  else
    REAL_BOOKS[$i]=$(cd "$book" && pwd)
  fi
done
REAL_BOOKS=("${REAL_BOOKS[@]}")
[ ${#REAL_BOOKS[@]} -gt 0 ] || echo "bench: no real mdBook given (scripts/bench.sh RUNS DIR, or BENCH_REAL_BOOKS=DIR): real-book rows skipped" >&2
ONLY_REAL=${BENCH_ONLY_REAL:-0}
if [ "$ONLY_REAL" = 1 ] && [ ${#REAL_BOOKS[@]} -eq 0 ]; then
  echo "bench: BENCH_ONLY_REAL=1 needs a real mdBook folder" >&2
  exit 2
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=/dev/null
. "$ROOT/scripts/toolchain-env.sh"
SNIPCHECK=${SNIPCHECK:-$ROOT/build/snipcheck}
OUT=${BENCH_OUT:-$ROOT/build/bench-results.txt}
EDIT_BLOCK=157 # a run block (157 % 20 >= 5) in chapter 6 of the large book; + 30k mod 300
               # stays a run block and moves to the next chapter

for tool in rustdoc cargo python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool not found on PATH" >&2; exit 3; }
done
[ -x "$SNIPCHECK" ] || { echo "bench: $SNIPCHECK not built (cmake --build build)" >&2; exit 3; }

if ! command -v hyperfine >/dev/null 2>&1 && [ "${BENCH_NO_INSTALL:-0}" != 1 ] \
   && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "bench: installing hyperfine (apt-get)" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine) >/dev/null 2>&1 \
    || echo "bench: could not install hyperfine; timing with date" >&2
fi
HYPERFINE=$(command -v hyperfine || true)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/snipcheck-bench.XXXXXX")
cleanup() { if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: kept $WORK" >&2; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
cd "$WORK" # no snipcheck.toml above /tmp: only the options given below apply
mkdir -p empty-expected times

# Inputs.
cp "$ROOT/tests/bench/book-std.md" std.md
for n in 100 200 300; do
  python3 "$ROOT/tests/bench/make_large_book.py" --blocks "$n" --out "large-$n.md"
done
# edit.sh same|next: a new change each time, so the edited listing is never
# cached; `same` edits block EDIT_BLOCK again, `next` a block in the next chapter
# (what a user editing here and there sees: snipcheck rewrites the workspace).
cat >edit.sh <<EOF
#!/bin/sh
n=\$(cat edit.count 2>/dev/null || echo 0); n=\$((n + 1)); echo "\$n" >edit.count
block=$EDIT_BLOCK
[ "\$1" = next ] && block=\$(( ($EDIT_BLOCK + 30 * n) % 300 ))
exec python3 "$ROOT/tests/bench/make_large_book.py" --blocks 300 --edit \$block --edit-label "change \$n" --out large-edit.md
EOF
chmod +x edit.sh

snip() { # snip BOOK BUILD_DIR [more options]
  local book=$1 dir=$2; shift 2
  echo "$SNIPCHECK" --book "$book" --expected "$WORK/empty-expected" --edition 2021 --build-dir "$dir" -q --color never "$@"
}
# Every cargo target folder of the toolchain (target-stable, target-stable-check).
cold_prepare() { echo "rm -rf $1/cache $1/target-stable*"; }

# measure NAME PREPARE COMMAND: RUNS timed runs, seconds to times/NAME.
# A failing command (non-zero exit) stops the benchmark with exit 1.
measure() {
  local name=$1 prepare=$2 cmd=$3
  echo "bench: $name ($RUNS runs)" >&2
  if [ -n "$HYPERFINE" ]; then
    if ! "$HYPERFINE" --runs "$RUNS" --style none --prepare "${prepare:-true}" \
         --export-json "times/$name.json" "$cmd" >/dev/null 2>"times/$name.err"; then
      echo "bench: FAILED: $cmd" >&2; cat "times/$name.err" >&2; exit 1
    fi
    python3 -c 'import json,sys; [print(t) for t in json.load(open(sys.argv[1]))["results"][0]["times"]]' \
      "times/$name.json" >"times/$name"
  else
    : >"times/$name"
    for _ in $(seq "$RUNS"); do
      [ -z "$prepare" ] || sh -c "$prepare"
      local start end
      start=$(date +%s.%N)
      if ! sh -c "$cmd" >"times/$name.log" 2>&1; then
        echo "bench: FAILED: $cmd" >&2; cat "times/$name.log" >&2; exit 1
      fi
      end=$(date +%s.%N)
      echo "$end - $start" | bc -l >>"times/$name" 2>/dev/null \
        || python3 -c "print($end - $start)" >>"times/$name"
    done
  fi
}

# verify BOOK: both tools pass every block, with the same number of tests.
verify() {
  local book=$1 dir=$2 rd sc
  echo "bench: checking that $book is green for rustdoc and snipcheck" >&2
  if ! rd=$(rustdoc --test "$book" --edition 2021 2>&1); then
    echo "bench: rustdoc --test fails on $book:" >&2; echo "$rd" | grep -v ' \.\.\. ok$' >&2; exit 1
  fi
  if ! sc=$($(snip "$book" "$dir" --no-cache) 2>&1); then
    echo "bench: snipcheck fails on $book:" >&2; echo "$sc" >&2; exit 1
  fi
  local rd_n sc_n
  rd_n=$(echo "$rd" | sed -n 's/^test result: ok\. \([0-9]*\) passed; 0 failed.*/\1/p')
  sc_n=$(echo "$sc" | sed -n 's/^ok: \([0-9]*\) listings: \([0-9]*\) pass, 0 fail.*/\2/p')
  if [ -z "$rd_n" ] || [ "$rd_n" != "$sc_n" ]; then
    echo "bench: $book: rustdoc passed '${rd_n}' tests, snipcheck '${sc_n}' listings" >&2; exit 1
  fi
  echo "$book: $rd_n blocks" >>inputs.txt
}

: >inputs.txt
: >"$WORK/table.txt"
if [ "$ONLY_REAL" != 1 ] && [ "$ONLY_SERIES" != 1 ]; then
verify std.md bd-std
verify large-300.md bd-large # also leaves bd-large warm for the cached and edit rows

# The bundled book's std-only listings.
measure std-rustdoc "" "rustdoc --test std.md --edition 2021"
measure std-cold "$(cold_prepare bd-std)" "$(snip std.md bd-std --no-cache)"
measure std-nocache-warm "" "$(snip std.md bd-std --no-cache)"
$(snip std.md bd-std) >/dev/null
measure std-cached "" "$(snip std.md bd-std)"

# The large book.
measure large-rustdoc "" "rustdoc --test large-300.md --edition 2021"
measure large-cold "$(cold_prepare bd-large)" "$(snip large-300.md bd-large --no-cache)"
measure large-nocache-warm "" "$(snip large-300.md bd-large --no-cache)"
$(snip large-300.md bd-large) >/dev/null
measure large-cached "" "$(snip large-300.md bd-large)"
measure large-edit-one "./edit.sh next" "$(snip large-edit.md bd-large)"
./edit.sh same && $(snip large-edit.md bd-large) >/dev/null # the workspace now holds that listing
measure large-edit-same "./edit.sh same" "$(snip large-edit.md bd-large)"

# Linearity: 100 and 200 blocks (300 is large-*).
for n in 100 200; do
  measure "lin$n-rustdoc" "" "rustdoc --test large-$n.md --edition 2021"
  measure "lin$n-cold" "$(cold_prepare "bd-$n")" "$(snip "large-$n.md" "bd-$n" --no-cache)"
done

# The table.
python3 - "$RUNS" "${HYPERFINE:+hyperfine}" <<'EOF' | tee "$WORK/table.txt"
import os, statistics, sys
runs, timer = sys.argv[1], sys.argv[2] or "date +%s.%N"
def t(name):
    with open(f"times/{name}") as f:
        xs = [float(x) for x in f if x.strip()]
    return min(xs), statistics.median(xs)
rows = [
    ("std-rustdoc", "book-std.md", "rustdoc --test"),
    ("std-cold", "book-std.md", "snipcheck cold (no cache, no target)"),
    ("std-nocache-warm", "book-std.md", "snipcheck --no-cache, warm target"),
    ("std-cached", "book-std.md", "snipcheck re-run, nothing changed"),
    ("large-rustdoc", "large 300", "rustdoc --test"),
    ("large-cold", "large 300", "snipcheck cold (no cache, no target)"),
    ("large-nocache-warm", "large 300", "snipcheck --no-cache, warm target"),
    ("large-cached", "large 300", "snipcheck re-run, nothing changed"),
    ("large-edit-one", "large 300", "re-run, 1 edit, another chapter each"),
    ("large-edit-same", "large 300", "re-run, 1 edit, same listing again"),
    ("lin100-rustdoc", "large 100", "rustdoc --test"),
    ("lin100-cold", "large 100", "snipcheck cold"),
    ("lin200-rustdoc", "large 200", "rustdoc --test"),
    ("lin200-cold", "large 200", "snipcheck cold"),
]
print(f"snipcheck benchmark: {runs} runs each, timed with {timer}, {os.cpu_count()} CPUs")
print("inputs: " + "; ".join(l.strip() for l in open("inputs.txt")))
print()
print(f"{'input':<12} {'what':<38} {'min s':>8} {'median s':>9}")
for name, inp, what in rows:
    lo, med = t(name)
    print(f"{inp:<12} {what:<38} {lo:8.3f} {med:9.3f}")
print()
for inp, r, s in [("book-std.md", "std-rustdoc", "std-cold"), ("large 300", "large-rustdoc", "large-cold"),
                  ("large 200", "lin200-rustdoc", "lin200-cold"), ("large 100", "lin100-rustdoc", "lin100-cold")]:
    ratio = t(s)[1] / t(r)[1]
    print(f"ratio snipcheck cold / rustdoc (medians), {inp:<11}: {ratio:5.2f}  (goal <= 0.5)")
print()
c, e, e2 = t("large-cached")[1], t("large-edit-one")[1], t("large-edit-same")[1]
print(f"re-run, nothing changed (large):         median {c:.3f} s  {'OK' if c < 0.1 else 'MISSED'} (target < 0.1 s)")
print(f"re-run, one listing edited (new chapter): median {e:.3f} s  {'OK' if e <= 0.3 else 'MISSED'} (target <= 0.3 s)")
print(f"re-run, one listing edited (same again):  median {e2:.3f} s  {'OK' if e2 <= 0.3 else 'MISSED'} (target <= 0.3 s)")
print()
print("linearity (cold medians):  blocks  snipcheck s/block  rustdoc s/block")
for n, s, r in [(100, "lin100-cold", "lin100-rustdoc"), (200, "lin200-cold", "lin200-rustdoc"),
                (300, "large-cold", "large-rustdoc")]:
    print(f"{'':<27}{n:>6}  {t(s)[1] / n:17.4f}  {t(r)[1] / n:15.4f}")
ms = (t("large-cold")[1] - t("lin100-cold")[1]) / 200
mr = (t("large-rustdoc")[1] - t("lin100-rustdoc")[1]) / 200
print(f"marginal cost per block (100 -> 300): snipcheck {ms:.4f} s, rustdoc {mr:.4f} s")
EOF
fi

# The tiny-listing series (issue 21): CPU, wall and memory per listing as the book grows.
# series_run NAME PREPARE COMMAND: RUNS runs under GNU time, "wall user sys tree_rss_kb own_rss_kb"
# to times/NAME (own: snipcheck's peak RSS from its JSON report's timings, 0 for rustdoc).
series_run() {
  local name=$1 prepare=$2 cmd=$3
  echo "bench: $name ($RUNS runs)" >&2
  : >"times/$name"
  for _ in $(seq "$RUNS"); do
    [ -z "$prepare" ] || sh -c "$prepare"
    rm -f "times/$name.json"
    if ! /usr/bin/time -f "%e %U %S %M" -o "times/$name.one" sh -c "$cmd --report json=$WORK/times/$name.json" \
         >"times/$name.log" 2>&1; then
      echo "bench: FAILED: $cmd" >&2; cat "times/$name.log" >&2; exit 1
    fi
    local own_rss=0
    if [ -s "times/$name.json" ]; then
      own_rss=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["timings"]["self_max_rss_kb"])' \
        "times/$name.json")
    fi
    echo "$(tail -1 "times/$name.one") $own_rss" >>"times/$name"
  done
}
if [ "$SERIES" = 1 ]; then
  [ -x /usr/bin/time ] || { echo "bench: the series needs GNU time (/usr/bin/time; apt-get install time)" >&2; exit 3; }
  for n in $SERIES_SIZES; do
    python3 "$ROOT/tests/bench/make_tiny_book.py" "$n" --out "tiny-$n.md"
    python3 "$ROOT/tests/bench/make_tiny_book.py" "$n" --no-run --out "tiny-$n-norun.md"
    series_run "tiny$n-cold" "$(cold_prepare "bd-tiny$n")" "$(snip "tiny-$n.md" "bd-tiny$n" --no-cache)"
    series_run "tiny$n-norun-cold" "$(cold_prepare "bd-tiny$n-norun")" \
      "$(snip "tiny-$n-norun.md" "bd-tiny$n-norun" --no-cache)"
    if [ "$n" -le "${BENCH_SERIES_RUSTDOC_MAX:-1000}" ]; then
      series_run "tiny$n-rustdoc" "" "rustdoc --test tiny-$n.md --edition 2021 #"
    fi
    echo "tiny-$n.md: $n tiny runnable listings (and tiny-$n-norun.md)" >>inputs.txt
  done
  if [[ " $SERIES_SIZES " == *" 1000 "* ]]; then
    # A new edit each run, of another listing, so the edited listing is never cached.
    {
      echo '#!/bin/sh'
      echo 'n=$(cat edit-tiny.count 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" >edit-tiny.count'
      echo "exec python3 '$ROOT/tests/bench/make_tiny_book.py' 1000 --edit \$(( (n * 37) % 1000 + 1 )) --edit-label \"\$n\" --out tiny-1000-edit.md"
    } >edit-tiny.sh
    chmod +x edit-tiny.sh
    cp tiny-1000.md tiny-1000-edit.md
    $(snip tiny-1000-edit.md bd-tiny1000) >/dev/null # the cache of the book as it is
    series_run "tiny1000-cached" "" "$(snip tiny-1000-edit.md bd-tiny1000)"
    series_run "tiny1000-edit-one" "./edit-tiny.sh" "$(snip tiny-1000-edit.md bd-tiny1000)"
  fi
  python3 "$ROOT/tests/bench/tiny_series_table.py" "$RUNS" "$SERIES_SIZES" | tee -a "$WORK/table.txt"
fi

# Real mdBooks: `mdbook test` (rustdoc --test per expanded chapter) vs snipcheck.
snip_real() { # snip_real BOOK BUILD_DIR [more options]: the book's own edition and markers
  local book=$1 dir=$2; shift 2
  echo "$SNIPCHECK" --book "$book" --expected "$WORK/empty-expected" --build-dir "$dir" -q --color never "$@"
}
# exit 1 (failing listings) is expected on a real book; 2 (the book's own problems) and 3 are reported beside it
real_book() { # real_book TAG DIR
  local tag=$1 dir=$2 edition name summary first rc
  name=$(basename "$dir")
  echo "bench: real book $name ($dir)" >&2
  mkdir -p "$tag-chapters"
  edition=$(python3 "$ROOT/scripts/agreement.py" expand "$dir" "$tag-chapters")
  cat >"$tag-mdbook-test.sh" <<EOF
#!/bin/sh
# mdbook test: rustdoc --test on each expanded chapter, one after the other.
cd "$WORK/$tag-chapters" || exit 3
: >"$WORK/$tag-rustdoc.log"
while IFS= read -r chapter; do
  rustdoc "\$chapter" --test ${edition:+--edition $edition} >>"$WORK/$tag-rustdoc.log" 2>&1
done <chapters.txt
exit 0
EOF
  chmod +x "$tag-mdbook-test.sh"
  cp -a "$dir" "$tag-book" # the edit rows change a copy, never the book given
  first=$($(snip_real "$tag-book" "bd-$tag" --no-cache --report "json=$WORK/$tag.json") 2>&1) && rc=0 || rc=$?
  if [ ! -s "$tag.json" ]; then
    echo "bench: snipcheck exits $rc on $dir with no report: its rows are skipped:" >&2; echo "$first" >&2
    return
  fi
  summary=$(echo "$first" | grep -E '^(ok|FAILED): ' | tail -1)
  # An environment error on some listings (exit 3) is a snipcheck bug to report, not a reason to
  # time nothing: it is shown beside the book, and the timed runs may end the same way.
  local ok_or_fail='; test $? -le 1'
  if [ "$rc" -eq 2 ]; then # the book's own problems (a missing include anchor...): every other listing is checked
    summary="$summary; EXIT 2 (the book has problems: $(echo "$first" | grep -m1 -E ': (anchor|error)' | cut -c1-120))"
    ok_or_fail='; test $? -le 2'
  elif [ "$rc" -eq 3 ]; then
    summary="$summary; EXIT 3 (environment error on some listings)"
    ok_or_fail='; test $? -le 3 -a $? -ne 2'
  fi

  measure "$tag-rustdoc" "" "./$tag-mdbook-test.sh"
  echo "$name: $(wc -l <"$tag-chapters/chapters.txt") chapters, edition ${edition:-2015 (default)}; rustdoc: $(
    grep -cE '^test .* \.\.\. (ok|FAILED|ignored)' "$tag-rustdoc.log" || true) tests, $(
    grep -cE '^test .* \.\.\. FAILED' "$tag-rustdoc.log" || true) failed; snipcheck: $summary" >>inputs.txt
  measure "$tag-cold" "$(cold_prepare "bd-$tag")" "$(snip_real "$tag-book" "bd-$tag" --no-cache)$ok_or_fail"
  $(snip_real "$tag-book" "bd-$tag") >/dev/null || true # fills the result cache
  measure "$tag-cached" "" "$(snip_real "$tag-book" "bd-$tag")$ok_or_fail"
  if ! python3 "$ROOT/tests/bench/real_book_edit.py" pick "$tag.json" "$tag-book" "$tag-edits.json" 8 >"$tag-edits.txt"; then
    echo "bench: $name: no listing to edit: edit rows skipped" >&2
    return
  fi
  local edit="python3 $ROOT/tests/bench/real_book_edit.py apply $WORK/$tag-edits.json"
  measure "$tag-edit-one" "$edit next" "$(snip_real "$tag-book" "bd-$tag")$ok_or_fail"
  $edit same && { $(snip_real "$tag-book" "bd-$tag") >/dev/null || true; } # the workspace now holds that listing
  measure "$tag-edit-same" "$edit same" "$(snip_real "$tag-book" "bd-$tag")$ok_or_fail"
}
real_tags=()
for i in "${!REAL_BOOKS[@]}"; do
  real_book "real$i" "${REAL_BOOKS[$i]}"
  real_tags+=("real$i:$(basename "${REAL_BOOKS[$i]}")")
done

if [ ${#real_tags[@]} -gt 0 ]; then
  python3 "$ROOT/tests/bench/real_book_table.py" "$RUNS" "${HYPERFINE:+hyperfine}" "${real_tags[@]}" | tee -a "$WORK/table.txt"
fi
mkdir -p "$(dirname "$OUT")"
{
  echo "# scripts/bench.sh $RUNS, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -m), $(rustc --version)"
  echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  cat "$WORK/table.txt"
  echo
  echo "# raw seconds per run"
  for f in times/*; do
    case $f in *.json|*.err|*.log) continue ;; esac
    echo "${f#times/}: $(tr '\n' ' ' <"$f")"
  done
} >"$OUT"
echo "bench: results in $OUT" >&2
