# Sourced by the scripts: puts the project's tools on PATH (cargo's bin folder, then the npm
# packages' binaries such as binaryen's wasm-opt, which Trunk must find before any other).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$here/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
