#!/usr/bin/env bash
# Installs whatever this project needs and is missing, and skips what is already present at the
# right version. Safe to run again and again: scripts/serve.sh and scripts/test.sh call it first.
#
# What it installs (on a Debian machine with rustup, Node/npm and Python):
#   - the Rust target wasm32-unknown-unknown (rustup)
#   - Debian's chromium and chromium-driver (apt-get) for browser tests
#   - trunk at TRUNK_VERSION, wasm-bindgen-cli at the version in Cargo.lock, cargo-fuzz at
#     CARGO_FUZZ_VERSION and wasm-split-cli at WASM_SPLIT_VERSION (cargo install)
#   - the npm packages in package-lock.json (npm ci): playwright-core, binaryen (wasm-opt)
#   - cfn-lint, jsonschema, mcp (the MCP Python SDK) and python-hcl2 from PyPI, pinned, in a
#     virtual environment in the cache folder (scripts/env.sh), and checkov in another one there
# It never downloads a browser or a prebuilt tool: Trunk runs offline with the tools above.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
# shellcheck source=scripts/env.sh
. "$here/scripts/env.sh"

TRUNK_VERSION=0.21.14

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif have sudo; then sudo "$@"; else
    log "need root for: $*"; return 1
  fi
}

# 1. The Rust toolchain and the wasm target.
if ! have cargo; then
  log "cargo not found: install Rust with rustup first (this project targets the stable toolchain)."
  exit 1
fi
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. Debian packages: Chromium and its WebDriver for the browser tests, brotli for the size report.
apt_missing=()
[ -x /usr/bin/chromium ] || apt_missing+=(chromium)
[ -x /usr/bin/chromedriver ] || apt_missing+=(chromium-driver)
command -v brotli >/dev/null 2>&1 || apt_missing+=(brotli)
if ((${#apt_missing[@]})); then
  log "installing Debian packages: ${apt_missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

# Build tools are compiled for build speed, not run speed: they spend their time waiting on
# rustc and the file system, and a cold setup is dominated by compiling them.
tool_profile=(env CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=0)

# 3. Trunk, pinned to a release that builds with this machine's rustc.
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  log "installing trunk $TRUNK_VERSION (cargo install; about 10 minutes on 2 cores)"
  "${tool_profile[@]}" cargo install --locked --quiet trunk --version "$TRUNK_VERSION"
fi

# 4. wasm-bindgen-cli at exactly the version Cargo.lock resolved for the wasm-bindgen crate.
wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ -z "$wbg_version" ]; then
  log "could not read the wasm-bindgen version from Cargo.lock"
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg_version" ]; then
  log "installing wasm-bindgen-cli $wbg_version (cargo install; a few minutes)"
  # --locked can fail when the registry no longer serves one of the CLI's locked dependencies;
  # the unlocked install still builds the exact CLI version, which is what must match.
  "${tool_profile[@]}" cargo install --locked --quiet wasm-bindgen-cli --version "$wbg_version" 2>/dev/null ||
    "${tool_profile[@]}" cargo install --quiet wasm-bindgen-cli --version "$wbg_version"
fi

# 4a. wasm-split-cli (crate wasm_split_cli_support), pinned: the release build's code splitting
#     (scripts/split_build.py) cuts the app's wasm into on-demand chunks with it. It prints no
#     version, so cargo's list of installed packages says which one is there.
WASM_SPLIT_VERSION=0.2.4
if ! cargo install --list 2>/dev/null | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  log "installing wasm-split-cli $WASM_SPLIT_VERSION (cargo install; about 2 minutes)"
  "${tool_profile[@]}" cargo install --locked --quiet wasm_split_cli_support --version "$WASM_SPLIT_VERSION" \
    --features build-binary
fi

# 4b. cargo-fuzz, pinned: the fuzz step of the test command. It runs on the stable toolchain
#     with `--sanitizer none` (sanitizers would need nightly); libFuzzer is built from the
#     libfuzzer-sys crate with the machine's C++ compiler.
CARGO_FUZZ_VERSION=0.13.2
if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION (cargo install; about 2 minutes)"
  "${tool_profile[@]}" cargo install --locked --quiet cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

# 5. npm packages: playwright-core (drives Debian's Chromium; it never downloads a browser) and
#    binaryen (wasm-opt for release builds), exactly as package-lock.json records them.
if ! have npm; then
  log "npm not found: install Node.js and npm"
  exit 1
fi
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.package-lock.json.src 2>/dev/null; then
  log "installing npm packages (npm ci)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null
  cp package-lock.json node_modules/.package-lock.json.src
fi

# 6. cfn-lint, pinned, in its own virtual environment: the test command lints the
#    CloudFormation templates the playground exports.
CFN_LINT_VERSION=1.58.0
JSONSCHEMA_VERSION=4.26.0
if [ "$("$CFN_LINT" --version 2>/dev/null | awk '{print $2}')" != "$CFN_LINT_VERSION" ]; then
  log "installing cfn-lint $CFN_LINT_VERSION (pip, in a virtual environment)"
  rm -rf "$CFN_LINT_VENV"
  mkdir -p "$(dirname "$CFN_LINT_VENV")"
  python3 -m venv "$CFN_LINT_VENV"
  "$CFN_LINT_VENV/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION" \
    "jsonschema==$JSONSCHEMA_VERSION"
fi
# 6b. jsonschema, pinned, in the same environment (cfn-lint depends on it too): the test
#     command checks the CLI's SARIF output against the SARIF 2.1.0 JSON schema.
if [ "$("$CFN_LINT_VENV/bin/python" -c 'from importlib.metadata import version; print(version("jsonschema"))' 2>/dev/null)" != "$JSONSCHEMA_VERSION" ]; then
  log "installing jsonschema $JSONSCHEMA_VERSION (pip, in the cfn-lint virtual environment)"
  "$CFN_LINT_VENV/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION" \
    "jsonschema==$JSONSCHEMA_VERSION"
fi

# 6c. The official MCP Python SDK, pinned, in the same environment: the test command talks to
#     `iam-playground mcp` through its stdio client (scripts/check_mcp.py).
MCP_VERSION=2.3.0
if [ "$("$CFN_LINT_VENV/bin/python" -c 'from importlib.metadata import version; print(version("mcp"))' 2>/dev/null)" != "$MCP_VERSION" ]; then
  log "installing mcp $MCP_VERSION (pip, in the cfn-lint virtual environment)"
  "$CFN_LINT_VENV/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION" \
    "jsonschema==$JSONSCHEMA_VERSION" "mcp==$MCP_VERSION"
fi

# 6d. python-hcl2, pinned, in the same environment: the test command parses the Terraform export's
#     golden files with it (scripts/check_terraform.py).
PYTHON_HCL2_VERSION=8.1.4
if [ "$("$CFN_LINT_VENV/bin/python" -c 'from importlib.metadata import version; print(version("python-hcl2"))' 2>/dev/null)" != "$PYTHON_HCL2_VERSION" ]; then
  log "installing python-hcl2 $PYTHON_HCL2_VERSION (pip, in the cfn-lint virtual environment)"
  "$CFN_LINT_VENV/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION" \
    "jsonschema==$JSONSCHEMA_VERSION" "mcp==$MCP_VERSION" "python-hcl2==$PYTHON_HCL2_VERSION"
fi

# 6e. checkov, pinned, in a virtual environment of its own beside cfn-lint's: the test command
#     checks that its Terraform scan reads the exported configurations. It depends on
#     bc-python-hcl2, a fork whose module is also named `hcl2`, so it cannot share python-hcl2's
#     environment.
CHECKOV_VERSION=3.3.30
if [ "$("$CHECKOV" --version 2>/dev/null)" != "$CHECKOV_VERSION" ]; then
  log "installing checkov $CHECKOV_VERSION (pip, in its own virtual environment; about a minute)"
  rm -rf "$CHECKOV_VENV"
  mkdir -p "$(dirname "$CHECKOV_VENV")"
  python3 -m venv "$CHECKOV_VENV"
  "$CHECKOV_VENV/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi

# 7. Cargo dependencies, fetched once so that offline Trunk builds find them.
cargo fetch --locked --quiet

log "ready: $(trunk --version), wasm-bindgen $(wasm-bindgen --version | awk '{print $2}'), $(node_modules/.bin/wasm-opt --version 2>/dev/null | head -n1), $(/usr/bin/chromium --version 2>/dev/null), $("$CFN_LINT" --version)"
