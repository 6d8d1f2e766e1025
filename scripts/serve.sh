#!/usr/bin/env bash
# Sets up whatever is missing, then serves the app with live reload on http://127.0.0.1:$PORT
# (PORT defaults to 8080).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
"$here/scripts/setup.sh"
# shellcheck source=scripts/env.sh
. "$here/scripts/env.sh"

PORT=${PORT:-8080}
if ! python3 "$here/scripts/port.py" check "$PORT"; then
  echo "Port $PORT on 127.0.0.1 is already in use. Choose another: PORT=8081 $0" >&2
  exit 1
fi
echo "Serving the IAM Policy Playground on http://127.0.0.1:$PORT/ (Ctrl+C stops it)" >&2
# The dev server serves from the root; release builds use a relative public URL (Trunk.toml).
exec trunk serve --address 127.0.0.1 --port "$PORT" --public-url /
