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
   The main module's imports from its JS glue get short names (`shorten_imports`):
   wasm-bindgen's carry a hash each, which does not compress.
4. Every file gets a content hash in its name (chunks under `split/`), and index.html's loader
   and preload links name the new main module instead of Trunk's plain one, which is removed.
5. The chunks of a first visit are bundled (`bundle(..)`): the splitter makes a chunk per set of
   split points that share code, so the app's first view needs some two hundred small files.
   The visits are the app's (`app` and `workspace`), a compact embed's (`embed`), what the
   app fetches once its first view has rendered (`worker_bridge`, `findings_reader`) and the
   data assets' parsers both fetch then (`aws_data`); the
   chunks the same visits need are one bundle (those of the app's alone, those of both first
   visits, ...), so a visit fetches no chunk it does not need (and the chunks of the embed's that
   the analysis view needs are left out of its bundle: `NOT_WITH_THE_EMBED`). The loader reads a chunk out of
   its bundle (`__piece`), fetched once. One file compresses better than two hundred (about a
   tenth less) and is one request. Every other chunk stays a file of its own, fetched when its
   view is first shown. The loader's definitions of the chunks and split points are written
   again as a table (`__CHUNKS`, `__point`): an eighth of the splitter's code.

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


def leb128(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def read_leb128(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def shorten_imports(main_js: str, main_wasm: bytes) -> tuple[str, bytes]:
    """Gives the main module's imports from its JS glue short names, in the wasm's import
    section and in the glue's import object alike. wasm-bindgen names each import after its
    Rust item and a hash (`__wbg_setTimeout_a60d83bec06b4345`): 260 of them are 12 KB in each
    file, mostly hashes that do not compress."""
    module = b"./main_bg.js"
    out = bytearray(main_wasm[:8])
    at, renamed = 8, {}
    while at < len(main_wasm):
        section = main_wasm[at]
        size, body_at = read_leb128(main_wasm, at + 1)
        end = body_at + size
        if section != 2:
            out += main_wasm[at:end]
            at = end
            continue
        count, pos = read_leb128(main_wasm, body_at)
        body = bytearray(leb128(count))
        for _ in range(count):
            start = pos
            length, pos = read_leb128(main_wasm, pos)
            mod = main_wasm[pos:pos + length]
            pos += length
            length, pos = read_leb128(main_wasm, pos)
            name = main_wasm[pos:pos + length].decode("utf-8")
            pos += length
            rest = pos
            kind = main_wasm[pos]
            pos += 1
            if kind != 0:
                raise SystemExit("split_build: the main module imports something other than functions")
            _, pos = read_leb128(main_wasm, pos)
            if mod == module:
                short = renamed.setdefault(name, f"w{len(renamed):x}")
                body += leb128(len(mod)) + mod + leb128(len(short)) + short.encode() + main_wasm[rest:pos]
            else:
                body += main_wasm[start:pos]
        out += bytes([2]) + leb128(len(body)) + body
        at = end
    for name, short in renamed.items():
        key = re.compile(r"(?<![\w$])" + re.escape(name) + r"(?=: function\()")
        main_js, count = key.subn(short, main_js)
        if count != 1 or re.search(r"(?<![\w$])" + re.escape(name) + r"(?![\w$])", main_js):
            raise SystemExit(f"split_build: the JS glue does not name the import {name} once, as a key")
    return main_js, bytes(out)


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
        main_js, main_wasm = shorten_imports(main_js, main_wasm)
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
# app fetches once its first view has rendered (the worker's bridge, the findings' reader); and
# the data assets' parsers, which both fetch after their first view (a visit of its own, so
# that its bundles hold only chunks it needs: an embed would otherwise fetch the app's whole
# bundle, 159 KB gzip, for a few of its chunks).
FIRST_VISITS = {
    "app": ("app", "workspace"),
    "embed": ("embed",),
    "later": ("worker_bridge", "findings_reader"),
    "data": ("aws_data",),
}
# A bundle the app does not load at start (the embed's) is fetched whole by any view of the app
# that needs one of its chunks. The analysis view needs a few of the embed's chunks and little
# else of it: with them bundled, opening Analysis fetched 127 KB gzip more; without, an embed's
# first visit is 5 KB brotli heavier. So the chunks these views need stay files of their own.
# So do those of the parts a first view of the app does not show: a card's menu needs two chunks
# of the embed's (1 KB), which would have fetched its whole bundle (116 KB gzip). The canvas's
# board (an account with entities) is fetched after the first view too.
NOT_WITH_THE_EMBED = (
    "analysis", "card_tools", "canvas_board", "canvas_more", "organization", "notice_details",
    "quotas",
)
# The splitter's loader: shared helpers, then a definition per chunk and per split point, each
# fetching one wasm file (`bundle` reads them and writes them again as a table).
RAW_DEF_RE = re.compile(
    r'(?:/\* [^\n]* \*/\n)?(?P<head>const __chunk_(?P<chunk>\d+) = makeLoad|'
    r'export const __wasm_split_load_(?P<point>\w+) = wrapAsyncCb\(makeLoad)\(\(\) => \{\n'
    r'\s*const src = fetch\(new URL\("\./(?P<file>[^"]+\.wasm)", import\.meta\.url\)\);\n'
    r'\s*src\.catch\(\(\) => \{\}\);\n'
    r'\s*return async \(imports\) => \(WebAssembly\.instantiateStreaming\(src, imports\)\);\n'
    r'\}\n, \[(?P<deps>[^\]]*)\]\)\)?;\n'
)
TABLE_JS = """
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
// Where each module is: [file] for a file of split/ of its own, [file, start, length] for a
// chunk in a bundle (__FILES[file] names it).
function __source([file, start, length]) {
    const url = new URL(`./${__FILES[file]}`, import.meta.url);
    return () => {
        if (length === undefined) {
            const src = fetch(url);
            src.catch(() => {});
            return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
        }
        const src = __piece(url, start, length);
        src.catch(() => {});
        return async (imports) => (WebAssembly.instantiate(await src, imports));
    };
}
const __FILES = @FILES@;
// Each chunk: [number, file, start, length] or [number, file].
const __CHUNKS = @CHUNKS@;
const __chunks = {};
for (const [n, ...place] of __CHUNKS) __chunks[n] = makeLoad(__source(place), []);
// A split point's module and the chunks it needs ("16-39,79": chunks 16 to 39 and 79).
function __point(place, deps) {
    const needs = (deps ? deps.split(",") : []).flatMap((range) => {
        const [first, last = first] = range.split("-").map(Number);
        return Array.from({ length: last - first + 1 }, (_, i) => __chunks[first + i]);
    });
    return wrapAsyncCb(makeLoad(__source(place), needs));
}
"""
POINT_RE = re.compile(r'export const __wasm_split_load_(\w+) = __point\((\[[^\]]*\]), "([^"]*)"\);')


def ranges(numbers: list[int]) -> str:
    """`[16, 17, 18, 20]` as "16-18,20"."""
    out: list[str] = []
    for n in sorted(numbers):
        if out and n == last + 1:
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
        last = n
    return ",".join(out)


def bundle(out_dir: str, split_js: str) -> str:
    """Puts the chunks of the first visits into bundles (see the module docs, step 5) and
    writes the loader's chunks and split points as a table (a third of its size); returns the
    loader."""
    at = split_js.index("/* ", split_js.index("function makeLoad("))
    prelude, rest = split_js[:at], split_js[at:]
    chunks: dict[int, str] = {}
    points: dict[str, tuple[str, list[int]]] = {}
    pos = 0
    while pos < len(rest):
        m = RAW_DEF_RE.match(rest, pos)
        if m is None:
            # A new version of the splitter could write its loader otherwise.
            raise SystemExit(f"split_build: the loader is not as expected at: {rest[pos:pos + 120]!r}")
        deps = [int(d.strip()[len("__chunk_"):]) for d in m["deps"].split(",") if d.strip()]
        if m["chunk"] is not None:
            if deps:
                raise SystemExit("split_build: a chunk of the loader has dependencies")
            chunks[int(m["chunk"])] = m["file"]
        else:
            if any(d not in chunks for d in deps):
                raise SystemExit(f"split_build: split point {m['point']} needs an unknown chunk")
            points[m["point"]] = (m["file"], deps)
        pos = m.end()
    parts = {
        name: [f"{SPLIT_DIR}/{f}" for f in [file] + [chunks[d] for d in deps]]
        for name, (file, deps) in points.items()
    }
    if not all(p in parts for visits in FIRST_VISITS.values() for p in visits):
        raise SystemExit("split_build: a first visit's split point is missing from the loader")
    need = {
        visit: {f for p in points_ for f in parts[p]}
        for visit, points_ in FIRST_VISITS.items()
    }
    # A bundle per set of visits that need the same chunks: each visit fetches only chunks it
    # needs.
    groups: dict[str, set[str]] = {}
    owners = {
        rel: {p for p, files in parts.items() if rel in files} for rel in set().union(*need.values())
    }
    for rel, by in owners.items():
        key = "-".join(v for v in FIRST_VISITS if rel in need[v])
        if (
            not any(rel in need[v] for v in ("app", "later", "data"))
            and by & set(NOT_WITH_THE_EMBED)
        ):
            continue
        groups.setdefault(key, set()).add(rel)
    place: dict[str, tuple[str, int, int]] = {}
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

    files: list[str] = []

    def source(file: str) -> list[int]:
        name, *span = place.get(file, (file,))
        if name not in files:
            files.append(name)
        return [files.index(name), *span]

    table = [[n, *source(f)] for n, f in sorted(chunks.items())]
    exports = "".join(
        f'export const __wasm_split_load_{name} = __point({json.dumps(source(file), separators=(",", ":"))}, '
        f'"{ranges(deps)}");\n'
        for name, (file, deps) in points.items()
    )
    js = TABLE_JS.lstrip("\n").replace("@FILES@", json.dumps(files)).replace(
        "@CHUNKS@", json.dumps(table, separators=(",", ":"))
    )
    return prelude + js + exports


def parts_of(js: str) -> dict[str, list[str]]:
    """For each split point of the chunk loader `js` (as `bundle` wrote it), the files (relative
    to dist) it fetches, each once (a bundle once for all the chunks it holds)."""
    files = re.search(r"^const __FILES = (.*);$", js, re.M)
    table = re.search(r"^const __CHUNKS = (.*);$", js, re.M)
    if files is None or table is None:
        return {}
    names = [f"{SPLIT_DIR}/{n}" for n in json.loads(files.group(1))]
    chunks = {n: names[file] for n, file, *_ in json.loads(table.group(1))}
    parts = {}
    for name, place, deps in POINT_RE.findall(js):
        found = [names[json.loads(place)[0]]]
        for r in filter(None, deps.split(",")):
            first, _, last = r.partition("-")
            found += [chunks[n] for n in range(int(first), int(last or first) + 1)]
        parts[name] = list(dict.fromkeys(found))
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
