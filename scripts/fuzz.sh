#!/usr/bin/env bash
# Fuzzes the readers and the expected/ parser and blesser with libFuzzer:
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 60)
# Opt-in, because it needs clang (installed here if missing; setup.sh does not).
# Builds the targets of tests/fuzz/ in build-fuzz/, runs each for the given time
# from its seed corpus (tests/fuzz/corpus/<target>/), and exits non-zero if any
# target crashed, hung or ran out of memory. The failing input is kept in
# tests/fuzz/regressions/<target>/: fix the bug and commit it there, and
# tests/unit/fuzz_regression_test.cpp replays it on every unit test run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2
  exit 2
fi

# clang and its runtime libraries (libFuzzer, ASan, UBSan), from Debian.
source scripts/apt-packages.sh
ensure_packages fuzz clang libclang-rt-14-dev

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSNIPCHECK_FUZZ=ON -DSNIPCHECK_TESTS=ON >/dev/null
cmake --build build-fuzz --target snipcheck_fuzz

targets=(fuzz_text_book fuzz_markdown_book fuzz_latex_book fuzz_expectation fuzz_bless)
summary=()
failed=()
for target in "${targets[@]}"; do
  seeds="tests/fuzz/corpus/$target"
  regressions="tests/fuzz/regressions/$target"
  # New inputs go to the first corpus folder: a scratch one, so the committed
  # seeds stay small and hand-picked.
  work="build-fuzz/corpus/$target"
  log="build-fuzz/$target.log"
  mkdir -p "$work" "$regressions"
  # Saved crashes first: one still failing is a known bug, and fuzzing would
  # only find it again (tests/fuzz/regressions/open.txt lists the open ones).
  mapfile -t saved < <(find "$regressions" -type f ! -name '.*' | sort)
  if ((${#saved[@]})) && ! "build-fuzz/tests/fuzz/$target" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="build-fuzz/replay-$target-" "${saved[@]}" >"build-fuzz/$target.replay.log" 2>&1; then
    echo "fuzz: $target: a saved input in $regressions still fails; log: build-fuzz/$target.replay.log" >&2
    grep -E '^Running: |SUMMARY' "build-fuzz/$target.replay.log" | tail -n 2 >&2 || true
    failed+=("$target")
    summary+=("$(printf '%-20s FAILED  saved input still fails, not fuzzed' "$target")")
    continue
  fi
  echo "fuzz: $target for ${seconds}s"
  # -timeout: one input running 10 s is a hang; -max_len: books are read whole,
  # and 8 KiB holds a chapter with several fences and page breaks.
  status=0
  "build-fuzz/tests/fuzz/$target" "$work" "$seeds" \
    -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$regressions/" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  if ((status != 0)); then
    artifact=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
    echo "fuzz: $target FAILED (exit $status); log: $log" >&2
    grep -E '^==[0-9]+==ERROR|SUMMARY|runtime error|terminate called|what\(\)|ALARM|deadly signal' "$log" | head -n 12 >&2 || true
    if [ -n "$artifact" ] && [ -f "$artifact" ]; then
      echo "fuzz: crashing input: $artifact ($(wc -c <"$artifact") bytes):" >&2
      head -c 2000 "$artifact" | od -c | head -n 40 >&2
    fi
    failed+=("$target")
    summary+=("$(printf '%-20s FAILED  %s runs, %s exec/s  %s' "$target" "${runs:-?}" "${rate:-?}" "${artifact:-}")")
  else
    summary+=("$(printf '%-20s ok      %s runs, %s exec/s' "$target" "${runs:-?}" "${rate:-?}")")
  fi
done

echo
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
  exit 1
fi
