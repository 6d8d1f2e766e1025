#!/usr/bin/env python3
"""Trunk post-build hook: ship the data assets compressed, and keep the CSP strict.

1. Data assets. Each `static/data/*.txt` (the AWS action catalog, the managed policies) is
   written to the build as `data/<name>-<hash>.txt.gz` (gzip -9, reproducible), and index.html
   gets a `<meta name="iam-data:<name>" content="data/<name>-<hash>.txt.gz">` tag so the app knows
   where to fetch it after the first render. The content hash in the name lets hosts cache the
   file forever; the app decompresses it with the browser's own DecompressionStream, so any static
   host serves it compressed without configuration.
2. Content-Security-Policy. Trunk injects a small inline <script type="module"> that loads the
   wasm. The page allows scripts from its own origin only ('self'), which blocks inline scripts;
   rather than allowing every inline script ('unsafe-inline'), the SHA-256 of each inline script
   in the built index.html is added to script-src, and nothing else.
3. The analysis worker. Trunk writes the worker (`worker/iam-playground-worker.js`, its
   `_bg.wasm` and the `_loader.js` that starts both) under fixed names, since a worker is named
   at run time. They are renamed with a hash of their content, like Trunk's own files, so a
   host may cache them forever, and index.html gets `<meta name="iam-worker" content="...">`
   naming the loader, which the app starts on first use.
4. The wasm preload. Trunk puts an `integrity` attribute on `<link rel="preload" as="fetch">`
   for the wasm, which Chromium ignores for preload destinations and warns about on every page
   load; the attribute is removed there (and only there: the module preloads keep theirs).
5. Installable. The icons (`static/icons/*.png`, drawn by scripts/make-icons.mjs) are written to
   `icons/<name>-<hash>.png`, the web app manifest (`static/manifest.webmanifest`) to
   `manifest-<hash>.webmanifest` with those names, and index.html links both.
6. Offline. The service worker (`static/sw.js`) is written to `sw.js`, at a fixed name as a
   worker's script must be, preceded by its precache list: every file of the build with a
   version hashed from all of their contents, so any change of any file is a new version.
   index.html names it in `<meta name="iam-sw" content="sw.js">`, which static/pwa.js
   registers. `trunk serve`'s builds (they carry Trunk's live-reload script) get neither: their
   `sw.js` is `static/sw-remove.js`, which only removes a worker an earlier build may have left
   on the same address, so the development server never serves cached files.

7. One stylesheet. Trunk writes each `<link data-trunk rel="css">` of index.html as a file of
   its own; a release build joins them, in the page's order (the cascade's), into one
   `style-<hash>.css` with its own integrity hash, without comments and indentation. Every
   address needs most of them at its first paint, and one file compresses better than eleven:
   with the comments gone, 11 KB brotli instead of 19.

0. Code splitting (release builds only). scripts/split_build.py replaces Trunk's plain app wasm
   with a main module and the chunks under `split/` that load each view on demand; everything
   below then sees the split build (the precache lists the chunks too).

It works on the staged build (TRUNK_STAGING_DIR, set by Trunk) or on a folder given as argument.
"""
import base64
import gzip
import hashlib
import json
import os
import shutil
import re
import sys

import split_build
from split_build import integrity, short_hash

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(ROOT, "static", "data")
SCRIPT_RE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
PRELOAD_RE = re.compile(r'<link\b[^>]*\brel="preload"[^>]*>')
INTEGRITY_RE = re.compile(r'\s+integrity="[^"]*"')
CSP_RE = re.compile(r'(http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")', re.S)


def write_data_assets(out_dir: str) -> list[str]:
    """Compresses every data asset into out_dir/data and returns the meta tags that name them."""
    metas = []
    if not os.path.isdir(DATA_DIR):
        return metas
    os.makedirs(os.path.join(out_dir, "data"), exist_ok=True)
    for name in sorted(os.listdir(DATA_DIR)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(DATA_DIR, name), "rb") as f:
            raw = f.read()
        stem = name[: -len(".txt")]
        digest = hashlib.sha256(raw).hexdigest()[:16]
        rel = f"data/{stem}-{digest}.txt.gz"
        with open(os.path.join(out_dir, rel), "wb") as f:
            # mtime=0 and no file name keep the output byte-for-byte reproducible.
            with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as gz:
                gz.write(raw)
        metas.append(f'<meta name="iam-data:{stem}" content="{rel}" />')
    return metas


WORKER_DIR = "worker"
WORKER_NAME = "iam-playground-worker"


def hash_worker(out_dir: str) -> list[str]:
    """Renames the worker's files with a content hash and returns the meta tag naming its loader."""
    folder = os.path.join(out_dir, WORKER_DIR)
    loader = os.path.join(folder, f"{WORKER_NAME}_loader.js")
    if not os.path.isfile(loader):
        return []
    js, wasm = f"{WORKER_NAME}.js", f"{WORKER_NAME}_bg.wasm"
    with open(loader, encoding="utf-8") as f:
        shim = f.read()
    # Trunk's loader names the files with the target folder in front ("./worker/..."), but a
    # worker resolves importScripts against its own script, which is in that folder already;
    # the loader is rewritten below with names relative to itself.
    if shim not in (
        f'importScripts("./{js}");wasm_bindgen("./{wasm}");',
        f'importScripts("./{WORKER_DIR}/{js}");wasm_bindgen("./{WORKER_DIR}/{wasm}");',
    ):
        raise SystemExit(f"post_build: unexpected worker loader: {shim!r}")
    digest = hashlib.sha256()
    for name in (js, wasm):
        with open(os.path.join(folder, name), "rb") as f:
            digest.update(f.read())
    stem = f"{WORKER_NAME}-{digest.hexdigest()[:16]}"
    os.replace(os.path.join(folder, js), os.path.join(folder, f"{stem}.js"))
    os.replace(os.path.join(folder, wasm), os.path.join(folder, f"{stem}_bg.wasm"))
    os.remove(loader)
    # Trunk copies the app's JS snippets beside the worker too; the worker's glue loads none.
    shutil.rmtree(os.path.join(folder, "snippets"), ignore_errors=True)
    with open(os.path.join(folder, f"{stem}_loader.js"), "w", encoding="utf-8") as f:
        # wasm-bindgen's start function takes its options as one object; the positional path
        # Trunk's loader passes still works but logs a deprecation warning in every worker.
        f.write(
            f'importScripts("./{stem}.js");'
            f'wasm_bindgen({{ module_or_path: "./{stem}_bg.wasm" }});'
        )
    return [f'<meta name="iam-worker" content="{WORKER_DIR}/{stem}_loader.js" />']


def add_script_hashes(html: str) -> str:
    hashes = []
    for body in SCRIPT_RE.findall(html):
        digest = hashlib.sha256(body.encode("utf-8")).digest()
        hashes.append("'sha256-" + base64.b64encode(digest).decode("ascii") + "'")
    if not hashes:
        return html

    def patch(match: "re.Match[str]") -> str:
        directives = [d.strip() for d in match.group(2).split(";") if d.strip()]
        out = []
        for d in directives:
            if d.startswith("script-src"):
                parts = [p for p in d.split() if not p.startswith("'sha256-")]
                d = " ".join(parts + hashes)
            out.append(d)
        return match.group(1) + "; ".join(out) + match.group(3)

    patched, count = CSP_RE.subn(patch, html)
    if count != 1:
        raise SystemExit("post_build: expected exactly one Content-Security-Policy meta tag")
    return patched


def drop_preload_integrity(html: str) -> str:
    """Removes the integrity attribute of plain preload links, which browsers ignore."""
    return PRELOAD_RE.sub(lambda m: INTEGRITY_RE.sub("", m.group(0)), html)


ICONS_DIR = os.path.join(ROOT, "static", "icons")
MANIFEST = os.path.join(ROOT, "static", "manifest.webmanifest")


def write_manifest(out_dir: str) -> list[str]:
    """Writes the icons and the web app manifest with hashed names; returns the tags naming them."""
    if not os.path.isfile(MANIFEST):
        return []
    renamed = {}
    os.makedirs(os.path.join(out_dir, "icons"), exist_ok=True)
    for name in sorted(os.listdir(ICONS_DIR)):
        if not name.endswith(".png"):
            continue
        with open(os.path.join(ICONS_DIR, name), "rb") as f:
            raw = f.read()
        rel = f"icons/{name[: -len('.png')]}-{short_hash(raw)}.png"
        with open(os.path.join(out_dir, rel), "wb") as f:
            f.write(raw)
        renamed[f"icons/{name}"] = rel
    with open(MANIFEST, encoding="utf-8") as f:
        manifest = json.load(f)
    for icon in manifest.get("icons", []):
        if icon["src"] not in renamed:
            raise SystemExit(f"post_build: the manifest names a missing icon: {icon['src']}")
        icon["src"] = renamed[icon["src"]]
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    rel = f"manifest-{short_hash(text.encode('utf-8'))}.webmanifest"
    with open(os.path.join(out_dir, rel), "w", encoding="utf-8") as f:
        f.write(text)
    tags = [f'<link rel="manifest" href="{rel}" />']
    touch = renamed.get("icons/apple-touch-icon.png")
    if touch:
        tags.append(f'<link rel="apple-touch-icon" href="{touch}" />')
    return tags


SW_NAME = "sw.js"
SW_SOURCE = os.path.join(ROOT, "static", "sw.js")
# A development build's sw.js (see the file): removes a worker an earlier build left.
SW_REMOVER = os.path.join(ROOT, "static", "sw-remove.js")
# Trunk's names carry a 64-bit hash in hex without leading zeros (`app-<hash>.js`,
# `app-<hash>_bg.wasm`, `snippets/<crate>-<hash>/inline0.js`); this hook's carry 16 hex digits.
HASHED_RE = re.compile(r"-[0-9a-f]{12,16}(?:_bg|_loader)?(?:\.[A-Za-z0-9.]+)?$")


STYLESHEET_RE = re.compile(
    r'[ \t]*<link rel="stylesheet" href="\./([A-Za-z0-9_.-]+\.css)" integrity="[^"]*"\s*/?>\n?'
)


def compact_css(css: str) -> str:
    """The stylesheet without its comments, indentation and blank lines (a fifth of it)."""
    # Our stylesheets never put a comment's opening inside a string, where it is text.
    if any("/*" in s for s in re.findall(r'"[^"\n]*"|\'[^\'\n]*\'', css)):
        raise SystemExit("post_build: a stylesheet's string contains /*; compact_css can't strip it")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return "".join(line.strip() + "\n" for line in css.splitlines() if line.strip())


def merge_styles(out_dir: str, html: str) -> str:
    """Joins the page's stylesheets into one file (step 7); returns the page naming it."""
    links = list(STYLESHEET_RE.finditer(html))
    if len(links) < 2:
        return html
    parts = []
    for link in links:
        path = os.path.join(out_dir, link.group(1))
        with open(path, "rb") as f:
            parts.append(f.read().strip())
        os.remove(path)
    body = compact_css(b"\n".join(parts).decode("utf-8")).encode("utf-8")
    name = f"style-{short_hash(body)}.css"
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(body)
    sri = integrity(body)
    first = links[0]
    indent = first.group(0)[: len(first.group(0)) - len(first.group(0).lstrip())]
    tag = f'{indent}<link rel="stylesheet" href="./{name}" integrity="{sri}"/>\n'
    out = html[: first.start()] + tag
    for prev, link in zip(links, links[1:]):
        out += html[prev.end() : link.start()]
    return out + html[links[-1].end() :]


def is_dev_serve(html: str) -> bool:
    """Whether this is a `trunk serve` build: Trunk put its live-reload script in the page."""
    return ".well-known/trunk/ws" in html


def write_service_worker(out_dir: str) -> dict:
    """Writes sw.js with the precache list of every file in out_dir; returns that list."""
    assets, revalidate = [], []
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(out_dir):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, out_dir).replace(os.sep, "/")
            if rel == SW_NAME:
                continue
            with open(path, "rb") as f:
                digest.update(rel.encode("utf-8") + b"\0" + hashlib.sha256(f.read()).digest())
            assets.append(rel)
            if not any(HASHED_RE.search(part) for part in rel.split("/")):
                revalidate.append(rel)
    with open(SW_SOURCE, encoding="utf-8") as f:
        source = f.read()
    digest.update(source.encode("utf-8"))
    precache = {"version": digest.hexdigest()[:16], "assets": assets, "revalidate": revalidate}
    with open(os.path.join(out_dir, SW_NAME), "w", encoding="utf-8") as f:
        f.write(f"const PRECACHE = {json.dumps(precache)};\n{source}")
    return precache


def main() -> int:
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ["TRUNK_STAGING_DIR"]
    index = os.path.join(out_dir, "index.html")
    with open(index, encoding="utf-8") as f:
        html = f.read()
    dev = is_dev_serve(html)
    # A release build's app has its split points on (build.rs), so it must be split.
    if os.environ.get("TRUNK_PROFILE") == "release":
        split_build.split(out_dir)
        with open(index, encoding="utf-8") as f:
            html = f.read()
        html = merge_styles(out_dir, html)
    metas = write_data_assets(out_dir) + hash_worker(out_dir) + write_manifest(out_dir)
    if not dev:
        metas.append(f'<meta name="iam-sw" content="{SW_NAME}" />')
    if metas:
        html = html.replace("</head>", "    " + "\n    ".join(metas) + "\n  </head>", 1)
    html = drop_preload_integrity(html)
    html = add_script_hashes(html)
    with open(index, "w", encoding="utf-8") as f:
        f.write(html)
    if dev:
        shutil.copyfile(SW_REMOVER, os.path.join(out_dir, SW_NAME))
    else:
        write_service_worker(out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
