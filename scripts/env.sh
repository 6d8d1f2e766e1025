# Sourced by the scripts: puts the project's tools on PATH (cargo's bin folder, then the npm
# packages' binaries such as binaryen's wasm-opt, which Trunk must find before any other) and
# says where build output and the Python tools live.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$here/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver

# Cargo's build output and the cfn-lint virtual environment are kept in the user's cache, not in
# the clone: CI clones main afresh for every run, and a fresh clone then reuses what an earlier
# run compiled instead of building every crate again. Cargo's fingerprints decide what is stale,
# and its lock lets two clones share the folder. Set IAM_PLAYGROUND_CACHE (or CARGO_TARGET_DIR)
# to put it elsewhere; deleting the folder is always safe.
IAM_PLAYGROUND_CACHE=${IAM_PLAYGROUND_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iam-playground}
export IAM_PLAYGROUND_CACHE
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$IAM_PLAYGROUND_CACHE/target}
CFN_LINT_VENV=$IAM_PLAYGROUND_CACHE/cfn-lint-venv
CFN_LINT=$CFN_LINT_VENV/bin/cfn-lint
CHECKOV_VENV=$IAM_PLAYGROUND_CACHE/checkov-venv
CHECKOV=$CHECKOV_VENV/bin/checkov
