#!/usr/bin/env python3
"""Trunk post-build hook: allow Trunk's inline start-up script by its hash, and nothing else.

Trunk injects a small inline <script type="module"> that loads the wasm. The page's
Content-Security-Policy allows scripts from the page's own origin only ('self'), which blocks
inline scripts; rather than allowing every inline script ('unsafe-inline'), this hook computes
the SHA-256 of each inline script in the built index.html and adds exactly those hashes to the
policy's script-src. It runs on the staged build (TRUNK_STAGING_DIR) or on a given file.
"""
import base64
import hashlib
import os
import re
import sys

SCRIPT_RE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
CSP_RE = re.compile(r'(http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")', re.S)


def add_hashes(html: str) -> str:
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
        raise SystemExit("csp_hash: expected exactly one Content-Security-Policy meta tag")
    return patched


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ["TRUNK_STAGING_DIR"], "index.html")
    with open(path, encoding="utf-8") as f:
        html = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(add_hashes(html))
    return 0


if __name__ == "__main__":
    sys.exit(main())
