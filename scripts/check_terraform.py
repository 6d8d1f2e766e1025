"""Checks the Terraform export's golden files with two maintained HCL readers.

Usage: python check_terraform.py CHECKOV FOLDER

Run with the Python of the cfn-lint virtual environment, which has python-hcl2; CHECKOV is the
checkov executable of its own virtual environment (checkov reads HCL with its fork of the same
parser, bc-python-hcl2, whose module is also named `hcl2`, so the two cannot share one).

1. Every `*.tf` file of FOLDER parses with python-hcl2 (`hcl2.loads`); its resource blocks are
   counted.
2. checkov's Terraform scan reads the folder (`--output json`, no download): its summary must
   count no parsing errors and exactly the resources python-hcl2 found, so a file checkov
   silently skipped fails too. checkov's findings about the configuration (an IAM user instead
   of SSO, a bucket without logging) are printed as a count and do not fail the check: the
   export reproduces the scenario the user built, findings included.

Exits 1 on the first kind of failure, naming the files.
"""

import json
import pathlib
import subprocess
import sys
from importlib.metadata import version

import hcl2


def resource_count(tree):
    """The number of `resource "TYPE" "NAME"` blocks in python-hcl2's dict."""
    count = 0
    for group in tree.get("resource", []):
        for names in group.values():
            count += len(names)
    return count


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    checkov, folder = sys.argv[1], pathlib.Path(sys.argv[2])
    files = sorted(folder.glob("*.tf"))
    if not files:
        print(f"no .tf files in {folder}", file=sys.stderr)
        return 1

    failures = []
    resources = 0
    for path in files:
        try:
            tree = hcl2.loads(path.read_text(encoding="utf-8"))
        except Exception as error:  # the parser raises lark's exceptions and its own
            failures.append(f"{path.name}: {type(error).__name__}: {error}")
            continue
        found = resource_count(tree)
        if found == 0:
            failures.append(f"{path.name}: python-hcl2 found no resource block")
        resources += found
    if failures:
        print("python-hcl2 could not read:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    print(f"python-hcl2 {version('python-hcl2')}: {len(files)} files parse, {resources} resources")

    # One scan of the whole folder: checkov's start-up is most of its time.
    run = subprocess.run(
        [checkov, "--directory", str(folder), "--framework", "terraform", "--output", "json",
         "--quiet", "--skip-download", "--compact"],
        capture_output=True, text=True, check=False,
    )
    # Exit status 1 means findings; anything else, or no JSON, is a failure of the scan itself.
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        report = None
    if run.returncode not in (0, 1) or not isinstance(report, dict):
        print(f"checkov did not finish its scan (exit {run.returncode}):", run.stderr[-2000:],
              file=sys.stderr)
        return 1
    summary = report.get("summary", {})
    if summary.get("parsing_errors", 0) != 0:
        # Name the files: scan each alone (only on this failing path, to keep the check fast).
        bad = []
        for path in files:
            one = subprocess.run(
                [checkov, "--file", str(path), "--framework", "terraform", "--output", "json",
                 "--quiet", "--skip-download", "--compact"],
                capture_output=True, text=True, check=False,
            )
            try:
                if json.loads(one.stdout).get("summary", {}).get("parsing_errors", 0):
                    bad.append(path.name)
            except (json.JSONDecodeError, AttributeError):
                bad.append(path.name)
        print(f"checkov: {summary['parsing_errors']} parsing errors:", *bad, sep="\n  ",
              file=sys.stderr)
        return 1
    if summary.get("resource_count") != resources:
        print(f"checkov read {summary.get('resource_count')} resources; the files hold {resources}",
              file=sys.stderr)
        return 1
    print(f"checkov {summary.get('checkov_version')}: {resources} resources read, no parsing "
          f"errors ({summary.get('failed', 0)} findings, not gated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
