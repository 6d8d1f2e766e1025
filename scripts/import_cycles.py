#!/usr/bin/env python3
"""Reports import cycles among the app's source files and layering breaks.

Reads every `.rs` file under `src/`, resolves the module paths it names (`use` trees and inline
paths that start with `crate::`, `super::`, `self::` or a child module's name) to the file that
defines the module, and builds the file graph. It prints the strongly connected components with
more than one file (the import cycles) and every edge from a non-view module (outside
`src/components/`) into a view, and exits 1 when there is either. The crate root (`lib.rs`,
`main.rs`) mounts the app's root view and is exempt from the layering rule.

A file that names a child module it declares (`mod x;` then `x::Thing`) counts as an import, as
does a child's `super::Thing`: a parent and child that use each other are a cycle.

Usage: scripts/import_cycles.py [--list] [SRC_DIR]
"""

import os
import re
import signal
import sys

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_code(text):
    """Blanks comments, string and char literals (keeping newlines and offsets)."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth = 0
            j = i
            while j < n:
                if text.startswith("/*", j):
                    depth += 1
                    j += 2
                elif text.startswith("*/", j):
                    depth -= 1
                    j += 2
                    if depth == 0:
                        break
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:]) and (i == 0 or not re.match(r"\w", text[i - 1])):
            m = re.match(r'r(#*)"', text[i:])
            hashes = m.group(1)
            end = text.find('"' + hashes, i + len(m.group(0)))
            j = n if end < 0 else end + 1 + len(hashes)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            # A char literal ('a', '\n', '\u{..}'); a lifetime ('a) is left alone.
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


class Crate:
    def __init__(self, src):
        self.src = src
        self.files = {}  # module path tuple -> file path
        self.children = {}  # module path tuple -> set of child names (file or inline)
        self.load(("crate",), os.path.join(src, "lib.rs"))

    def load(self, module, path):
        self.files[module] = path
        self.children.setdefault(module, set())
        with open(path, encoding="utf-8") as f:
            code = strip_code(f.read())
        base = os.path.dirname(path)
        stem = os.path.splitext(os.path.basename(path))[0]
        own_dir = base if stem in ("lib", "mod", "main") else os.path.join(base, stem)
        for m in re.finditer(r"\bmod\s+(" + IDENT + r")\s*([;{])", code):
            name = m.group(1)
            self.children[module].add(name)
            if m.group(2) == ";":
                for candidate in (
                    os.path.join(own_dir, name + ".rs"),
                    os.path.join(own_dir, name, "mod.rs"),
                ):
                    if os.path.exists(candidate):
                        self.load(module + (name,), candidate)
                        break

    def file_of(self, segments):
        """The file of the longest prefix of `segments` that is a file module."""
        for k in range(len(segments), 0, -1):
            f = self.files.get(tuple(segments[:k]))
            if f:
                return f
        return None


def inline_modules(code):
    """(start, end, name) of every inline `mod name { ... }` block."""
    blocks = []
    for m in re.finditer(r"\bmod\s+(" + IDENT + r")\s*\{", code):
        depth = 0
        j = m.end() - 1
        while j < len(code):
            if code[j] == "{":
                depth += 1
            elif code[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        blocks.append((m.start(), j, m.group(1)))
    return blocks


def expand_use_tree(tree):
    """Expands `a::{b, c::{d, e}}` into lists of segments (`self` and globs end a path)."""
    tree = re.sub(r"\s+", "", tree)
    results = []

    def walk(prefix, s):
        # Splits s at top-level commas.
        parts, depth, cur = [], 0, ""
        for ch in s:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        if cur:
            parts.append(cur)
        for part in parts:
            part = re.sub(r"\bas\b.*$", "", part) if "{" not in part else part
            if "{" in part:
                head, rest = part.split("{", 1)
                head_segs = [x for x in head.split("::") if x]
                walk(prefix + head_segs, rest[:-1] if rest.endswith("}") else rest)
            else:
                segs = [x for x in part.split("::") if x and x != "*"]
                segs = [x for x in segs]
                if segs and segs[-1] == "self":
                    segs = segs[:-1]
                results.append(prefix + segs)

    walk([], tree)
    return results


def graph(crate):
    edges = {}
    for module, path in crate.files.items():
        with open(path, encoding="utf-8") as f:
            code = strip_code(f.read())
        blocks = inline_modules(code)
        targets = set()

        def scope_at(pos):
            scope = module
            for start, end, name in sorted(blocks):
                if start < pos < end:
                    scope = scope + (name,)
            return scope

        def resolve(segs, scope):
            segs = list(segs)
            if not segs:
                return None
            if segs[0] == "crate":
                absolute = segs
            elif segs[0] in ("super", "self"):
                cur = list(scope)
                while segs and segs[0] in ("super", "self"):
                    if segs[0] == "super":
                        cur = cur[:-1]
                    segs = segs[1:]
                absolute = cur + segs
            elif segs[0] in crate.children.get(scope, set()) or segs[0] in crate.children.get(module, set()):
                base = scope if segs[0] in crate.children.get(scope, set()) else module
                absolute = list(base) + segs
            else:
                return None
            return crate.file_of(absolute)

        for m in re.finditer(r"\buse\s+([^;]+);", code):
            scope = scope_at(m.start())
            for segs in expand_use_tree(m.group(1)):
                t = resolve(segs, scope)
                if t:
                    targets.add(t)
        for m in re.finditer(r"(?<![\w:])((?:" + IDENT + r")(?:::" + IDENT + r")+)", code):
            segs = m.group(1).split("::")
            if segs[0] in ("crate", "super", "self") or segs[0] in crate.children.get(module, set()):
                t = resolve(segs, scope_at(m.start()))
                if t:
                    targets.add(t)
        targets.discard(path)
        edges[path] = targets
    return edges


def sccs(edges):
    """Tarjan's strongly connected components."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    src = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    src = os.path.normpath(src)
    crate = Crate(src)
    edges = graph(crate)
    rel = lambda p: os.path.relpath(p, os.path.dirname(src))
    if "--list" in sys.argv:
        for v in sorted(edges):
            print(rel(v), "->", ", ".join(sorted(rel(w) for w in edges[v])))
    cycles = [sorted(c) for c in sccs(edges) if len(c) > 1]
    views = os.path.join(src, "components") + os.sep
    breaks = sorted(
        (rel(v), rel(w))
        for v, ws in edges.items()
        if not v.startswith(views) and os.path.basename(v) not in ("lib.rs", "main.rs")
        for w in ws
        if w.startswith(views)
    )
    in_cycles = sum(len(c) for c in cycles)
    print(f"{len(edges)} files, {sum(len(w) for w in edges.values())} imports")
    print(f"{len(cycles)} import cycles, {in_cycles} files in cycles")
    for c in sorted(cycles, key=len, reverse=True):
        print(f"  cycle of {len(c)}: " + ", ".join(rel(p) for p in c))
    print(f"{len(breaks)} imports from a non-view module into a view")
    for v, w in breaks:
        print(f"  {v} -> {w}")
    return 1 if cycles or breaks else 0


if __name__ == "__main__":
    # Piped into `head`, the report ends quietly.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
