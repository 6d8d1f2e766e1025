#!/usr/bin/env bash
# Regenerates static/data/escalation-paths.txt, the privilege-escalation catalog, from the
# DataDog/pathfinding.cloud repository (Apache-2.0) at the pinned commit below. The builds and
# tests never run it, so they need no network.
#
# Usage: scripts/update-escalation-paths.sh REPOSITORY [--check]
#   REPOSITORY  a clone of DataDog/pathfinding.cloud (a work tree or a bare repository) that
#               holds the pinned commit; its checked-out state does not matter, the script reads
#               the pinned commit's files with `git archive`.
#   --check     write nothing; fail if the committed asset differs from what the commit gives.
#
# To move to a newer upstream commit: change PATHFINDING_COMMIT, run this script, look at what
# the classification in crates/iam-engine/src/catalog/escalation.rs makes of new paths (the
# tests in crates/iam-engine/tests/escalation_catalog.rs list the counts), and record the new
# commit and date in NOTICE and static/data/README.md.
set -euo pipefail

PATHFINDING_COMMIT=84dd65c97fc21dee54f4587be6dfd5b7b5fe320c

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 REPOSITORY [--check]" >&2
  exit 2
fi
repository=$1
check=()
case "${2:-}" in
  --check) check=(--check) ;;
  "") ;;
  *) echo "usage: $0 REPOSITORY [--check]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! git -C "$repository" cat-file -e "$PATHFINDING_COMMIT^{commit}" 2>/dev/null; then
  echo "update-escalation-paths: $repository does not hold commit $PATHFINDING_COMMIT" >&2
  exit 1
fi
date=$(git -C "$repository" show -s --format=%cI "$PATHFINDING_COMMIT")
git -C "$repository" archive "$PATHFINDING_COMMIT" LICENSE data/paths | tar -x -C "$work"

cd "$here"
cargo run --quiet -p catalog-gen -- escalation-paths "${check[@]}" \
  --source "$work" --commit "$PATHFINDING_COMMIT" --date "$date" \
  --out static/data/escalation-paths.txt

asset=static/data/escalation-paths.txt
printf '%s: %s bytes, %s bytes gzip -9\n' "$asset" "$(wc -c <"$asset")" "$(gzip -9c "$asset" | wc -c)"
