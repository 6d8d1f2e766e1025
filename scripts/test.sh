#!/usr/bin/env bash
# Sets up whatever is missing, then runs every check and test of the project, stopping at the
# first failure: formatting, clippy (native and wasm32), native tests, the app's browser tests
# (wasm-bindgen-test in headless Chromium), the release build and its size report, and the
# end-to-end journeys (Playwright driving Debian's Chromium against the release build), with a
# short run of every fuzz target beside them.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
"$here/scripts/setup.sh"
# shellcheck source=scripts/env.sh
. "$here/scripts/env.sh"

started=$(date +%s)
step_started=$started
# Each step's heading also says how long the previous step took, so a slow CI run shows where.
step() {
  local now
  now=$(date +%s)
  printf '\n\033[1m==> %s\033[0m  (%ss in the previous step, %ss so far)\n' "$*" "$((now - step_started))" "$((now - started))"
  step_started=$now
}

step "cargo fmt --all --check"
cargo fmt --all --check

step "module layout: no import cycle among src/ files, no view imported from outside src/components/"
python3 scripts/import_cycles.py

step "clippy, native"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy, wasm32 (the app with its browser tests, and the engine library it links)"
# The engine's own tests use native-only dev-dependencies (proptest); they are linted natively.
cargo clippy -p iam-playground-app --all-targets --locked --target wasm32-unknown-unknown -- -D warnings

step "native tests"
# Libraries, binaries and test targets: the crates have no doc tests, and rustdoc would parse each
# crate again only to find none.
cargo test --workspace --locked --lib --bins --tests

step "cfn-lint on the exported templates (every gallery example, the every-feature scenario, and it split into nested stacks)"
# The golden files are byte-compared with the exporter's output by the native tests above, so
# linting them lints what the playground exports. No rule is disabled.
templates=(crates/iam-engine/tests/golden/cfn/*.yaml crates/iam-engine/tests/golden/cfn/*.json
  crates/iam-engine/tests/golden/cfn/split/*.yaml crates/iam-engine/tests/golden/cfn/split/*.json)
"$CFN_LINT" --include-checks I -- "${templates[@]}"
echo "cfn-lint: ${#templates[@]} templates, no errors or warnings"

step "Terraform: the exported configurations parse with python-hcl2, and checkov's scan reads them"
# The golden files are byte-compared with the exporter's output by the native tests above (both
# policy styles of every gallery example and the every-feature scenario). checkov's findings are
# counted, not gated; its parsing errors fail the step.
"$CFN_LINT_VENV/bin/python" scripts/check_terraform.py "$CHECKOV" crates/iam-engine/tests/golden/terraform

step "SARIF: the CLI's SARIF golden files against the SARIF 2.1.0 JSON schema (jsonschema)"
# The golden files are byte-compared with `validate --format sarif` by the native tests above.
"$CFN_LINT_VENV/bin/python" scripts/check_sarif.py crates/iam-playground/tests/schemas/sarif-2.1.0.json \
  crates/iam-playground/tests/golden/sarif/*.sarif

step "MCP: iam-playground mcp answers the official MCP Python SDK's client (every tool, and errors)"
# The binary the native tests above built (the CLI's integration tests run it), not a
# `cargo build` of its own: that resolves the workspace's features differently and would compile
# the engine and the CLI a second time. The check lists the tools, calls each with a real
# request and checks the exact answers, and that bad requests come back as tool errors.
[ -x "$CARGO_TARGET_DIR/debug/iam-playground" ] || cargo build --locked --quiet -p iam-playground
"$CFN_LINT_VENV/bin/python" scripts/check_mcp.py "$CARGO_TARGET_DIR/debug/iam-playground"

step "browser tests of the app (wasm-bindgen-test, headless Chromium; builds the engine for wasm32 too)"
# One test binary (tests/browser/). The lib's and bin's unit tests are native-only and ran above;
# tests/bench_simulator.rs is a release-only benchmark (scripts/bench-browser.sh).
cargo test -p iam-playground-app --locked --target wasm32-unknown-unknown --test browser

step "release build (trunk, offline, wasm-opt)"
rm -rf dist
trunk build --release

step "size report"
"$here/scripts/size-report.sh"

step "end-to-end journeys (Playwright, Debian's Chromium), and beside them every fuzz target for 6 s"
# The fuzzing (scripts/fuzz.sh: its instrumented build, then every target for 6 s from its seeds
# and past findings; per-input limits 1 s and a 512 MiB heap; scripts/fuzz.sh TARGET SECONDS runs
# them longer) runs at the lowest priority while the journeys run, one process at a time: its
# build is one compiler process, and the journeys spend much of their time waiting for the
# browser, so side by side the two take little more than the journeys alone, and the browser
# always has a processor. No other step runs cargo meanwhile.
fuzz_log=$(mktemp)
FUZZ_JOBS=1 nice -n 19 "$here/scripts/fuzz.sh" --fresh all 6 >"$fuzz_log" 2>&1 &
fuzz_pid=$!
e2e_status=0
node --test --test-concurrency=1 e2e/ || e2e_status=$?
fuzz_status=0
wait "$fuzz_pid" || fuzz_status=$?
printf '\n\033[1m==> fuzzing (beside the journeys)\033[0m\n'
cat "$fuzz_log"
rm -f "$fuzz_log"
if ((e2e_status != 0)); then
  echo "end-to-end journeys failed" >&2
  exit "$e2e_status"
fi
if ((fuzz_status != 0)); then
  echo "fuzzing failed" >&2
  exit "$fuzz_status"
fi

printf '\nall checks passed in %ss\n' "$(($(date +%s) - started))"
