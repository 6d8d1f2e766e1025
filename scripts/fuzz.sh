#!/usr/bin/env bash
# Runs the coverage-guided fuzz targets (cargo-fuzz with libFuzzer, on the stable toolchain).
#
#   scripts/fuzz.sh [--fresh] [TARGET|all] [SECONDS]     (default: all, 60 seconds per target)
#
# Targets: policy_json, scenario, cfn_import, authorization_details, share_open, terraform_import (their bodies
# are in crates/iam-fuzz). Each starts from its seeds (derived from the engine's fixtures,
# golden files and gallery examples) and its past findings (crates/iam-fuzz/regressions/TARGET),
# and fails on a panic, a broken invariant, an input that takes longer than FUZZ_TIMEOUT seconds
# (default 1) or an input whose heap passes iam_fuzz::HEAP_CAP (512 MiB). Inputs are at most
# FUZZ_MAX_LEN bytes (default 16384, above the largest seed).
#
# The corpus each target grows is kept in the cache folder (scripts/env.sh) for the next run;
# --fresh (the test command's short run) starts from the seeds and past findings alone, with a
# fixed random seed (FUZZ_SEED, default 1), so its result never depends on what an earlier long
# run found, and a run of the same commit tries the same inputs in the same order (a slower
# machine tries a prefix of them).
#
# A failing input is written to fuzz/artifacts/TARGET/. Shrink it with
# `cargo fuzz tmin -s none TARGET fuzz/artifacts/TARGET/FILE`, fix the engine, and keep the
# input as crates/iam-fuzz/regressions/TARGET/WHAT-IT-FOUND: `cargo test -p iam-fuzz` replays it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
# shellcheck source=scripts/env.sh
. "$here/scripts/env.sh"

fresh=false
if [ "${1:-}" = "--fresh" ]; then
  fresh=true
  shift
fi
which=${1:-all}
seconds=${2:-60}
timeout=${FUZZ_TIMEOUT:-1}
max_len=${FUZZ_MAX_LEN:-16384}
all=(policy_json scenario cfn_import authorization_details share_open terraform_import)
if [ "$which" = all ]; then
  targets=("${all[@]}")
else
  targets=("$which")
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is not installed: scripts/setup.sh installs it" >&2
  exit 1
fi

seed=()
if $fresh; then
  seed=(-seed="${FUZZ_SEED:-1}")
  corpus_root=$(mktemp -d)
  trap 'rm -rf "$corpus_root"' EXIT
else
  corpus_root=$IAM_PLAYGROUND_CACHE/fuzz-corpus
fi
cargo run --quiet --locked -p iam-fuzz --bin iam-fuzz-seeds -- "$corpus_root" "${targets[@]}"
# One build of every target (cargo-fuzz's instrumented release build), then the binaries are
# run directly: `cargo fuzz run` would call cargo again for each target.
cargo fuzz build --sanitizer none >/dev/null 2>&1 || cargo fuzz build --sanitizer none
bin_dir=$CARGO_TARGET_DIR/$(rustc -vV | sed -n 's/^host: //p')/release

logs=$(mktemp -d)
# Runs one target into its log and records ok or FAILED beside it.
run_target() {
  local target=$1 log=$logs/$1.log dict=()
  # Without a sanitizer libFuzzer gets no feedback from string comparisons, so each target's
  # keywords come from a dictionary.
  [ -f "fuzz/dicts/$target.dict" ] && dict=(-dict="fuzz/dicts/$target.dict")
  mkdir -p "fuzz/artifacts/$target"
  if "$bin_dir/$target" "$corpus_root/$target" "crates/iam-fuzz/regressions/$target" \
    -artifact_prefix="fuzz/artifacts/$target/" "${dict[@]}" "${seed[@]}" -max_total_time="$seconds" \
    -timeout="$timeout" -max_len="$max_len" -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1; then
    echo ok >"$logs/$target.result"
  else
    echo FAILED >"$logs/$target.result"
  fi
}
# The targets run side by side, one per processor (each libFuzzer process uses one), or
# FUZZ_JOBS at a time.
jobs_max=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs_max)); do
    wait -n || true
  done
  run_target "$target" &
done
wait
failed=()
for target in "${targets[@]}"; do
  log=$logs/$target.log
  result=$(cat "$logs/$target.result" 2>/dev/null || echo FAILED)
  [ "$result" = FAILED ] && failed+=("$target")
  runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log")
  corpus=$(find "$corpus_root/$target" -type f | wc -l)
  printf '%-22s %s: %s executions in %ss (%s/s), corpus %s\n' "$target" "$result" \
    "${runs:-?}" "$seconds" "${rate:-?}" "$corpus"
  if [ "$result" = FAILED ]; then
    grep -E 'ERROR: libFuzzer|panicked at|memory allocation|Test unit written|SUMMARY' "$log" |
      head -n 20 >&2 || tail -n 40 "$log" >&2
    echo "  reproduce: cargo fuzz run --sanitizer none $target fuzz/artifacts/$target/FILE" >&2
  fi
done
rm -rf "$logs"
if ((${#failed[@]})); then
  echo "fuzzing found failures in: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
