#!/usr/bin/env python3
"""Checks SARIF files against the SARIF 2.1.0 JSON schema, and checks that the check can fail.

Usage: check_sarif.py SCHEMA FILE...

Every FILE must be valid against SCHEMA (JSON Schema draft 2020-12, read by the `jsonschema`
package that scripts/setup.sh installs beside cfn-lint). Each file must also hold at least one
result, and two broken copies of its first result (an unknown level, a line 0) must be
rejected, so a schema that accepted anything would fail here instead of passing quietly.
"""

import copy
import json
import sys

from jsonschema import Draft202012Validator


def errors(validator, document):
    return sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    failed = False
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            log = json.load(f)
        found = errors(validator, log)
        for e in found:
            failed = True
            where = "/".join(str(p) for p in e.absolute_path)
            print(f"{path}: {where}: {e.message}", file=sys.stderr)
        results = [r for run in log.get("runs", []) for r in run.get("results", [])]
        if not results:
            failed = True
            print(f"{path}: no results, so the broken copies below could not be made", file=sys.stderr)
            continue
        for name, breaking in [
            ("an unknown level", lambda r: r.__setitem__("level", "fatal")),
            ("line 0", lambda r: r["locations"][0]["physicalLocation"]["region"].__setitem__("startLine", 0)),
        ]:
            broken = copy.deepcopy(log)
            breaking(broken["runs"][0]["results"][0])
            if not errors(validator, broken):
                failed = True
                print(f"{path}: the schema accepted a result with {name}", file=sys.stderr)
        if not found:
            print(f"{path}: valid SARIF 2.1.0 ({len(results)} results)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
