#!/usr/bin/env python3
"""The release build's code splitting: the app's wasm cut into a main module and on-demand chunks.

scripts/post_build.py calls `split(out_dir)` on a release build (Trunk has no code splitting for
Rust). Trunk has built the page, the styles, the worker and a plain app wasm by then; this
replaces the plain app with a split one:

1. `cargo build --release --target wasm32-unknown-unknown --bin iam-playground-app --features
   split`: the app with its split points (src/split.rs, `#[wasm_split(..)]`), linked with
   relocations kept (the app's build.rs asks for them with the feature), which the splitter
   needs. Trunk has just built exactly this (index.html asks for the feature for the app), so
   cargo finds it fresh.
2. `wasm-split-cli` (crate wasm_split_cli_support, installed by scripts/setup.sh) moves each
   split point and the code only it reaches into `split_<name>.wasm`, code shared by several
   split points into `chunk_<n>.wasm`, and writes `__wasm_split.js`, which fetches them.
3. `wasm-bindgen --target web --keep-lld-exports` on the main module (the chunks import the
   main module's memory, table and shared functions through the kept exports), then
   `wasm-opt -Oz` on every module (binaryen's API in one Node process: scripts/wasm_opt_all.mjs).
4. Every file gets a content hash in its name (chunks under `split/`), and index.html's loader
   and preload links name the new main module instead of Trunk's plain one, which is removed.
5. The chunks of a first visit are bundled (`bundle(..)`): the splitter makes a chunk per set of
   split points that share code, so the app's first view needs some two hundred small files.
   The visits are the app's (`app` and `workspace`), a compact embed's (`embed`) and what the
   app fetches once its first view has rendered (`worker_bridge`, `findings_reader`); the
   chunks the same visits need are one bundle (those of the app's alone, those of both first
   visits, ...), so a visit fetches no chunk it does not need (and the chunks of the embed's that
   the analysis view needs are left out of its bundle: `NOT_WITH_THE_EMBED`). The loader reads a chunk out of
   its bundle (`__piece`), fetched once. One file compresses better than two hundred (about a
   tenth less) and is one request. Every other chunk stays a file of its own, fetched when its
   view is first shown.

`split/` then holds the chunks and `wasm-split-<hash>.js`; `chunk_files(dist)` says which files
each split point needs (scripts/size-report.sh uses it).
"""
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP = "iam-playground-app"
SPLIT_DIR = "split"
LOADER_RE = re.compile(
    r"import init, \* as bindings from '\./(" + re.escape(APP) + r"-[0-9a-f]+)\.js';"
)
MODULEPRELOAD_RE = re.compile(r'<link rel="modulepreload" href="\./([^"]+)"[^>]*>')
SPLIT_JS_RE = re.compile(r"wasm-split-[0-9a-f]{16}\.js$")


def short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"split_build: `{name}` is not installed (scripts/setup.sh installs it)")
    return found


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, **kw)
    if result.returncode != 0:
        raise SystemExit(f"split_build: {' '.join(cmd[:2])} ... failed ({result.returncode})")
    return result


def build_app() -> str:
    """Builds the app with its split points and returns the path of its wasm."""
    # The command Trunk ran for the app (index.html asks for the feature), so cargo finds it
    # fresh and only reports where the wasm is: one build, not two.
    cmd = [
        "cargo", "build", "--release", "--locked", "--target", "wasm32-unknown-unknown",
        "--bin", APP, "--features", "split", "--message-format=json-render-diagnostics",
    ]
    out = run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True).stdout
    for line in out.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == APP:
            for name in msg.get("filenames", []):
                if name.endswith(".wasm"):
                    return name
    raise SystemExit("split_build: cargo reported no wasm for the app")


def optimise(paths: list[str]) -> None:
    """`wasm-opt -Oz` on every module, in one Node process with a thread per core (scripts/wasm_opt_all.mjs):
    npm's wasm-opt is binaryen compiled to wasm, and starting it once per chunk cost more than
    optimising the chunk."""
    result = subprocess.run(
        [tool("node"), os.path.join(ROOT, "scripts", "wasm_opt_all.mjs"), *paths],
        cwd=ROOT, stderr=subprocess.PIPE, text=True,
    )
    # binaryen does not know the splitter's name subsections; it drops them with a warning.
    for line in result.stderr.splitlines():
        if "unknown name subsection" not in line:
            print(line, file=sys.stderr)
    if result.returncode != 0:
        raise SystemExit(f"split_build: wasm_opt_all.mjs failed ({result.returncode})")


def integrity(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def split(out_dir: str) -> None:
    index = os.path.join(out_dir, "index.html")
    with open(index, encoding="utf-8") as f:
        html = f.read()
    found = LOADER_RE.search(html)
    if not found:
        raise SystemExit("split_build: index.html has no loader for the app's wasm")
    plain = found.group(1)

    wasm = build_app()
    with tempfile.TemporaryDirectory(prefix="iam-split-") as stage:
        run([tool("wasm-split-cli"), wasm, stage], stdout=subprocess.DEVNULL)
        bound = os.path.join(stage, "bound")
        run([
            tool("wasm-bindgen"), os.path.join(stage, "main.wasm"), "--out-dir", bound,
            "--target", "web", "--keep-lld-exports", "--no-typescript",
        ])
        chunks = sorted(n for n in os.listdir(stage) if n.endswith(".wasm") and n != "main.wasm")
        optimise([os.path.join(bound, "main_bg.wasm")] + [os.path.join(stage, n) for n in chunks])

        # Chunks: named by their content, in split/.
        os.makedirs(os.path.join(out_dir, SPLIT_DIR), exist_ok=True)
        with open(os.path.join(stage, "__wasm_split.js"), encoding="utf-8") as f:
            split_js = f.read()
        for name in chunks:
            with open(os.path.join(stage, name), "rb") as f:
                data = f.read()
            hashed = f"{name[: -len('.wasm')]}-{short_hash(data)}.wasm"
            with open(os.path.join(out_dir, SPLIT_DIR, hashed), "wb") as f:
                f.write(data)
            quoted = f'"./{name}"'
            if quoted not in split_js:
                raise SystemExit(f"split_build: __wasm_split.js does not name {name}")
            split_js = split_js.replace(quoted, f'"./{hashed}"')

        split_js = bundle(out_dir, split_js)

        # The main module and the chunk loader import each other; one hash over both (and
        # the main wasm) names them.
        with open(os.path.join(bound, "main.js"), encoding="utf-8") as f:
            main_js = f.read()
        with open(os.path.join(bound, "main_bg.wasm"), "rb") as f:
            main_wasm = f.read()
        digest = short_hash(main_js.encode() + main_wasm + split_js.encode())
        stem = f"{APP}-{digest}"
        split_name = f"wasm-split-{digest}.js"
        if 'from "./__wasm_split.js"' not in main_js or 'from "./main.js"' not in split_js:
            raise SystemExit("split_build: unexpected imports between main.js and __wasm_split.js")
        # Only the module specifiers: the import object's keys stay the wasm's module name.
        main_js = main_js.replace('from "./__wasm_split.js"', f'from "./{SPLIT_DIR}/{split_name}"')
        split_js = split_js.replace('from "./main.js"', f'from "../{stem}.js"')
        with open(os.path.join(out_dir, f"{stem}.js"), "w", encoding="utf-8") as f:
            f.write(main_js)
        with open(os.path.join(out_dir, f"{stem}_bg.wasm"), "wb") as f:
            f.write(main_wasm)
        with open(os.path.join(out_dir, SPLIT_DIR, split_name), "w", encoding="utf-8") as f:
            f.write(split_js)
        # The inline snippets are the crate's own: the same files Trunk already copied.
        snippets = os.path.join(bound, "snippets")
        if os.path.isdir(snippets):
            shutil.copytree(snippets, os.path.join(out_dir, "snippets"), dirs_exist_ok=True)

    for suffix in (".js", "_bg.wasm"):
        os.remove(os.path.join(out_dir, plain + suffix))
    html = html.replace(f"./{plain}.js", f"./{stem}.js").replace(
        f"./{plain}_bg.wasm", f"./{stem}_bg.wasm"
    )

    def preload(m: "re.Match[str]") -> str:
        # Trunk's module preloads carry the file's integrity: the app's is the new file's.
        rel = m.group(1)
        with open(os.path.join(out_dir, rel), "rb") as f:
            data = f.read()
        return re.sub(r'integrity="[^"]*"', f'integrity="{integrity(data)}"', m.group(0))

    html = MODULEPRELOAD_RE.sub(preload, html)
    # The chunk loader is imported by the app's module: preload it beside it.
    with open(os.path.join(out_dir, SPLIT_DIR, split_name), "rb") as f:
        data = f.read()
    tag = (
        f'<link rel="modulepreload" href="./{SPLIT_DIR}/{split_name}" crossorigin="anonymous" '
        f'integrity="{integrity(data)}">'
    )
    html = html.replace(f'<link rel="modulepreload" href="./{stem}.js"', tag + f'<link rel="modulepreload" href="./{stem}.js"', 1)
    with open(index, "w", encoding="utf-8") as f:
        f.write(html)


# The split points each first visit fetches at start: the app's (its own code and the view it
# opens) and a compact embed's (src/components/lazy.rs, `preload_for_address`); and those the
# app fetches once its first view has rendered (the worker's bridge, the findings' reader).
FIRST_VISITS = {
    "app": ("app", "workspace"),
    "embed": ("embed",),
    "later": ("worker_bridge", "findings_reader"),
}
# A bundle the app does not load at start (the embed's) is fetched whole by any view of the app
# that needs one of its chunks. The analysis view needs a few of the embed's chunks and little
# else of it: with them bundled, opening Analysis fetched 127 KB gzip more; without, an embed's
# first visit is 5 KB brotli heavier. So the chunks these views need stay files of their own.
NOT_WITH_THE_EMBED = ("analysis",)
FETCH_RE = re.compile(
    r'const src = fetch\(new URL\("\./([^"]+\.wasm)", import\.meta\.url\)\);\n'
    r'(\s*)src\.catch\(\(\) => \{\}\);\n'
    r'(\s*)return async \(imports\) => \(WebAssembly\.instantiateStreaming\(src, imports\)\);'
)
PIECE_JS = """
// Chunks of a first visit come in bundles (scripts/split_build.py, `bundle`): a bundle is
// fetched once, and each chunk read out of it by its place.
const __bundles = {};
function __piece(url, start, length) {
    let whole = __bundles[url];
    if (whole === undefined) {
        whole = fetch(url).then((r) => {
            if (!r.ok) throw new Error(`${url}: ${r.status}`);
            return r.arrayBuffer();
        });
        // A failed fetch is tried again by the next load.
        whole.catch(() => { if (__bundles[url] === whole) delete __bundles[url]; });
        __bundles[url] = whole;
    }
    return whole.then((b) => b.slice(start, start + length));
}
"""


def bundle(out_dir: str, split_js: str) -> str:
    """Puts the chunks of the first visits into bundles (see the module docs, step 5) and
    rewrites the loader to read them from there; returns the loader."""
    parts = parts_of(split_js)
    if not all(p in parts for visits in FIRST_VISITS.values() for p in visits):
        raise SystemExit("split_build: a first visit's split point is missing from the loader")
    need = {
        visit: {f for p in points for f in parts[p] if f.endswith(".wasm")}
        for visit, points in FIRST_VISITS.items()
    }
    # A bundle per set of visits that need the same chunks: each visit fetches only chunks it
    # needs.
    groups: dict[str, set[str]] = {}
    owners = {
        rel: {p for p, files in parts.items() if rel in files} for rel in set().union(*need.values())
    }
    for rel, by in owners.items():
        key = "-".join(v for v in FIRST_VISITS if rel in need[v])
        if rel not in need["app"] and rel not in need["later"] and by & set(NOT_WITH_THE_EMBED):
            continue
        groups.setdefault(key, set()).add(rel)
    place = {}
    for name, members in groups.items():
        if not members:
            continue
        data = bytearray()
        spans = {}
        for rel in sorted(members):
            with open(os.path.join(out_dir, rel), "rb") as f:
                body = f.read()
            spans[rel] = (len(data), len(body))
            data += body
        hashed = f"bundle-{name}-{short_hash(bytes(data))}.bin"
        with open(os.path.join(out_dir, SPLIT_DIR, hashed), "wb") as f:
            f.write(data)
        for rel, (start, length) in spans.items():
            place[rel.split("/", 1)[1]] = (hashed, start, length)
            os.remove(os.path.join(out_dir, rel))

    def piece(m: "re.Match[str]") -> str:
        found = place.get(m.group(1))
        if found is None:
            return m.group(0)
        hashed, start, length = found
        return (
            f'const src = __piece(new URL("./{hashed}", import.meta.url), {start}, {length});\n'
            f"{m.group(2)}src.catch(() => {{}});\n"
            f"{m.group(3)}return async (imports) => (WebAssembly.instantiate(await src, imports));"
        )

    rewritten, count = FETCH_RE.subn(piece, split_js)
    # Every chunk's fetch has the shape FETCH_RE reads (a new version of the splitter could
    # write another), and no bundled chunk is fetched as a file any more.
    if count != split_js.count("fetch(new URL(") or any(
        f'"./{name}"' in rewritten for name in place
    ):
        raise SystemExit("split_build: the loader's fetches are not as expected")
    # After the loader's helpers, before its first chunk.
    marker = "/* "
    at = rewritten.index(marker, rewritten.index("function makeLoad("))
    return rewritten[:at] + PIECE_JS.lstrip("\n") + rewritten[at:]


LOAD_RE = re.compile(
    r"export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\((.*?), \[([^\]]*)\]\)\);", re.S
)
CHUNK_RE = re.compile(r"const (__chunk_\d+) = makeLoad\((.*?), \[\]\);", re.S)
FILE_RE = re.compile(r'new URL\("\./([^"]+)", import\.meta\.url\)')


def parts_of(js: str) -> dict[str, list[str]]:
    """For each split point of the chunk loader `js`, the files (relative to dist) it fetches,
    each once (a bundle once for all the chunks it holds)."""
    chunks = {}
    for var, fetcher in CHUNK_RE.findall(js):
        chunks[var] = [f"{SPLIT_DIR}/{n}" for n in FILE_RE.findall(fetcher)]
    parts = {}
    for name, fetcher, deps in LOAD_RE.findall(js):
        files = [f"{SPLIT_DIR}/{n}" for n in FILE_RE.findall(fetcher)]
        for dep in (d.strip() for d in deps.split(",") if d.strip()):
            files += chunks.get(dep, [])
        parts[name] = list(dict.fromkeys(files))
    return parts


def chunk_files(dist: str) -> dict[str, list[str]]:
    """For each split point of the build in `dist`, the files (relative to dist) it fetches."""
    folder = os.path.join(dist, SPLIT_DIR)
    if not os.path.isdir(folder):
        return {}
    names = [n for n in os.listdir(folder) if SPLIT_JS_RE.search(n)]
    if len(names) != 1:
        return {}
    with open(os.path.join(folder, names[0]), encoding="utf-8") as f:
        return parts_of(f.read())


if __name__ == "__main__":
    # `split_build.py parts <dist>`: prints each split point's files as JSON.
    if len(sys.argv) == 3 and sys.argv[1] == "parts":
        print(json.dumps(chunk_files(sys.argv[2]), indent=1, sort_keys=True))
    else:
        print("usage: split_build.py parts <dist>", file=sys.stderr)
        sys.exit(2)
