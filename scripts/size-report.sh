#!/usr/bin/env bash
# Prints the bytes of every file in the release build (dist/), raw, gzip -9 and brotli (when the
# brotli command is present), and what a first visit transfers. It reports; it never fails a build.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dist=${1:-$here/dist}
if [ ! -d "$dist" ]; then
  echo "size report: no $dist (run trunk build --release first)"
  exit 0
fi
have_brotli=0
command -v brotli >/dev/null 2>&1 && have_brotli=1

printf '%-52s %12s %12s %12s\n' "file" "raw" "gzip -9" "brotli"
total_raw=0 total_gz=0 total_br=0 first_raw=0 first_gz=0 first_br=0 pwa_gz=0
while IFS= read -r f; do
  rel=${f#"$dist"/}
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  if ((have_brotli)); then br=$(brotli -q 11 -c "$f" | wc -c); else br=0; fi
  printf '%-52s %12d %12d %12s\n' "$rel" "$raw" "$gz" "$( ((have_brotli)) && echo "$br" || echo -)"
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  # A first visit loads the page, its script, wasm, stylesheet and icon; data assets under
  # data/ are fetched lazily after the first render, and the analysis worker under worker/ when
  # an analysis first runs, so they are counted apart. The service worker, the web app manifest
  # and its icons are fetched after the load event (static/pwa.js), and so is the rest of the
  # build for the offline cache (every file is precached: the TOTAL line).
  case "$rel" in
    data/* | worker/*) ;;
    sw.js | manifest-*.webmanifest | icons/*) pwa_gz=$((pwa_gz + gz)) ;;
    *) first_raw=$((first_raw + raw)) first_gz=$((first_gz + gz)) first_br=$((first_br + br)) ;;
  esac
done < <(find "$dist" -type f | sort)
printf '%-52s %12d %12d %12s\n' "TOTAL" "$total_raw" "$total_gz" "$( ((have_brotli)) && echo "$total_br" || echo -)"
printf 'first visit transfers (before lazy data): %d bytes gzip%s\n' "$first_gz" \
  "$( ((have_brotli)) && echo ", $first_br bytes brotli" || echo "")"
printf 'offline support after the load event: %d bytes gzip (service worker, manifest, icons), then the precache: everything above (TOTAL), from the HTTP cache where the page already loaded it\n' "$pwa_gz"
# What a host that does not compress sends: the reason the README asks hosts to compress.
printf 'from a host that does not compress: %d bytes\n' "$first_raw"
