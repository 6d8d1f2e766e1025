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
declare -A size_raw size_gz size_br
while IFS= read -r f; do
  rel=${f#"$dist"/}
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  if ((have_brotli)); then br=$(brotli -q 11 -c "$f" | wc -c); else br=0; fi
  printf '%-52s %12d %12d %12s\n' "$rel" "$raw" "$gz" "$( ((have_brotli)) && echo "$br" || echo -)"
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
  size_raw[$rel]=$raw size_gz[$rel]=$gz size_br[$rel]=$br
  # A first visit loads the page, its script, wasm, stylesheet and icon; data assets under
  # data/ are fetched lazily after the first render, and the analysis worker under worker/ once
  # the first view has rendered, so they are counted apart. The service worker, the web app manifest
  # and its icons are fetched after the load event (static/pwa.js), and so is the rest of the
  # build for the offline cache (every file is precached: the TOTAL line). The release build's
  # code splitting (scripts/split_build.py) puts each view's wasm under split/ (the chunks of the
  # first visits in bundles, split/bundle-*.bin): the view the address opens is fetched at
  # start, the others when first shown (added below per address).
  case "$rel" in
    data/* | worker/* | split/*.wasm | split/*.bin) ;;
    sw.js | manifest-*.webmanifest | icons/*) pwa_gz=$((pwa_gz + gz)) ;;
    *) first_raw=$((first_raw + raw)) first_gz=$((first_gz + gz)) first_br=$((first_br + br)) ;;
  esac
done < <(find "$dist" -type f | sort)
printf '%-52s %12d %12d %12s\n' "TOTAL" "$total_raw" "$total_gz" "$( ((have_brotli)) && echo "$total_br" || echo -)"
# The chunks each split point fetches (a chunk shared by several is counted in each).
declare -A part_raw part_gz part_br part_files
parts=()
while IFS=$'\t' read -r part files; do
  parts+=("$part")
  part_files[$part]=$files
  r=0 g=0 b=0
  for f in $files; do r=$((r + ${size_raw[$f]:-0})) g=$((g + ${size_gz[$f]:-0})) b=$((b + ${size_br[$f]:-0})); done
  part_raw[$part]=$r part_gz[$part]=$g part_br[$part]=$b
done < <(python3 "$here/scripts/split_build.py" parts "$dist" | python3 -c '
import json, sys
for name, files in sorted(json.load(sys.stdin).items()):
    print(name + "\t" + " ".join(files))
')
first_visit() { # label, then the split points fetched at start (a file two share counts once)
  local label=$1 g=$first_gz b=$first_br f
  shift
  declare -A seen=()
  for part in "$@"; do
    for f in ${part_files[$part]:-}; do
      [[ -n ${seen[$f]:-} ]] && continue
      seen[$f]=1
      g=$((g + ${size_gz[$f]:-0})) b=$((b + ${size_br[$f]:-0}))
    done
  done
  printf 'first visit, %s: %d bytes gzip%s\n' "$label" "$g" "$( ((have_brotli)) && echo ", $b bytes brotli" || echo "")"
}
if ((${#parts[@]})); then
  printf 'page, main module and loader (every address): %d bytes gzip%s\n' "$first_gz" \
    "$( ((have_brotli)) && echo ", $first_br bytes brotli" || echo "")"
  first_visit "the app (index.html, opens the workspace)" app workspace
  first_visit "a compact embed (index.html?embed&view=decision#s=...)" embed
  # What each split point fetches on its own (a chunk or bundle two share counts in both), and
  # what it adds once the app's first visit (app, workspace) is loaded.
  declare -A in_app=()
  for f in ${part_files[app]:-} ${part_files[workspace]:-}; do in_app[$f]=1; done
  printf 'on demand, per split point: raw, gzip, brotli alone; gzip added after the app'"'"'s first visit\n'
  for part in "${parts[@]}"; do
    added=0
    for f in ${part_files[$part]}; do
      [[ -n ${in_app[$f]:-} ]] || added=$((added + ${size_gz[$f]:-0}))
    done
    printf '  %-20s %10d %10d %10s %10d\n' "$part" "${part_raw[$part]}" "${part_gz[$part]}" \
      "$( ((have_brotli)) && echo "${part_br[$part]}" || echo -)" "$added"
  done
else
  printf 'first visit transfers (before lazy data): %d bytes gzip%s\n' "$first_gz" \
    "$( ((have_brotli)) && echo ", $first_br bytes brotli" || echo "")"
fi
printf 'offline support after the load event: %d bytes gzip (service worker, manifest, icons), then the precache: everything above (TOTAL), from the HTTP cache where the page already loaded it\n' "$pwa_gz"
# What a host that does not compress sends: the reason the README asks hosts to compress.
printf 'from a host that does not compress: %d bytes\n' "$first_raw"
