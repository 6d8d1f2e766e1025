#!/usr/bin/env bash
# Prints the simulator's performance numbers: in headless Chromium (a release build of the
# wasm-bindgen-test benchmark tests/bench_simulator.rs, timed with performance.now()) and
# natively (cargo bench -p iam-engine --bench simulator). It reports; it asserts nothing about
# time. Not part of scripts/test.sh: the release wasm build takes a few minutes (the test
# command's debug build compiles the benchmark file to nothing).
#
#   saved tests after a keystroke  the incremental run the app does on every edit (target < 16 ms)
#   saved tests, full run          every test of the 10-user scenario evaluated from scratch
#   access matrix                  25 principals x every action of the catalog (target < 250 ms)
#   escalation, 500 principals     the paths to admin of a generated account, found in the
#                                  analysis worker of the release build (target < 2 s), and the
#                                  longest main-thread task meanwhile (target < 50 ms); last
#                                  measured: 453 paths in about 1 s in the worker (natively about
#                                  0.5-1 s); the longest task is the switch from the 500-card
#                                  workspace to the Analysis view, not the analysis
#   diff, 50 principals            a generated account compared with a copy that adds a statement
#                                  to every customer-managed policy, in the analysis worker
#                                  (target < 1 s), and the longest main-thread task meanwhile;
#                                  last measured: about 0.2 s again with the worker's assets
#                                  loaded (natively the same account takes about 0.1 s:
#                                  cargo bench -p iam-engine --bench diff)
#   scale                          the workspace journey of e2e/scale.test.mjs on the largest
#                                  account of the issue's L shape (1,000 users, 300 groups, 5,000
#                                  roles, 2,000 policies) that the import cap allows: the import,
#                                  then the longest main-thread task (target < 50 ms) and the DOM
#                                  node count of each step: search, group, 20 wheel steps, view
#                                  switches, the matrix for s3, typing in a policy
#   real account                   the done-when journey of e2e/real_account.test.mjs on the 38.6 MB
#                                  L file (1,000 users, 5,000 roles, 2,000 policies of 5 versions):
#                                  import through the file input, first paint, a role found by the
#                                  workspace search, the matrix of every principal x IAM's 190
#                                  actions in the worker, scrolling it, who-can for one action,
#                                  each step's longest main-thread task, and the tab's peak memory
#                                  (renderer peak resident size and JavaScript heap)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/env.sh
source "$here/scripts/env.sh"
cd "$here"

echo "== headless Chromium (release wasm) =="
cargo test -p iam-playground-app --locked --release --target wasm32-unknown-unknown \
  --test bench_simulator -- --nocapture 2>&1 | grep '^BENCH' | sed 's/^BENCH /  /'

echo "== native (release) =="
cargo bench -p iam-engine --locked --bench simulator 2>/dev/null | sed 's/^/  /'

echo "== analysis worker in headless Chromium (release build) =="
trunk build --release >/dev/null
E2E_BENCH=1 node --test --test-name-pattern='500-principal account: the paths to admin' \
  e2e/analysis.test.mjs 2>&1 | grep -E '^# (escalation|tests|pass|fail)' | sed 's/^# /  /'
E2E_BENCH=1 node --test --test-name-pattern='50-principal account compared' \
  e2e/compare.test.mjs 2>&1 | grep -E '^# (diff|tests|pass|fail)' | sed 's/^# /  /'
E2E_BENCH=1 node --test e2e/scale.test.mjs 2>&1 | grep -E '^# (scale|tests|pass|fail)' | sed 's/^# /  /'
E2E_BENCH=1 node --test e2e/real_account.test.mjs 2>&1 | grep -E '^# (journey|tests|pass|fail)' | sed 's/^# /  /'
