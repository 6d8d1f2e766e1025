#!/usr/bin/env python3
"""Checks `iam-playground mcp` with the official MCP Python SDK as the client.

Usage: check_mcp.py BINARY   (run from the repository's root)

Starts the server over stdio through the SDK's client, lists the tools (each name, each with an
input schema), calls every tool with a real request and checks the exact answer (decisions,
a finding's line and column, the denying layer, the principals allowed, what a policy change
grants), and checks that bad
requests come back as tool results with isError and the message: a malformed policy (with its
line and column), arguments of the wrong shape, an unknown principal and a path outside the
working directory. Uses the `mcp` package that scripts/setup.sh installs beside cfn-lint.
"""

import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters, stdio_client

EXAMPLES = "crates/iam-engine/examples-data"
TOOLS = {
    "simulate_custom_policy",
    "explain_decision",
    "validate_policy",
    "simulate_scenario",
    "who_can",
    "what_can",
    "escalation",
    "explain_denied",
    "diff",
    "diff_policies",
}
ALLOW = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::logs/*"}
        ],
    }
)
# ALLOW with s3:PutObject added: the change diff_policies reviews.
ALLOW_PUT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": "arn:aws:s3:::logs/*",
            }
        ],
    }
)
DENY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "NoLogs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::logs/*"}],
    }
)
# The README's AccessDenied example.
DENIED = (
    "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:DeleteBucket on "
    "resource: arn:aws:s3:::prod-logs because no identity-based policy allows the s3:DeleteBucket action"
)

failures = []


def check(what, condition, detail=""):
    if condition:
        print(f"ok: {what}")
    else:
        failures.append(what)
        print(f"FAILED: {what} {detail}", file=sys.stderr)


def text_of(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


async def call(session, name, arguments):
    return await session.call_tool(name, arguments)


async def answer(session, name, arguments):
    """A call that must succeed: its structured content."""
    result = await call(session, name, arguments)
    if result.is_error:
        check(f"{name} answers", False, text_of(result)[:300])
        return {}
    return result.structured_content


async def error(session, name, arguments, says):
    """A call that must come back as a tool error whose text says `says`."""
    result = await call(session, name, arguments)
    text = text_of(result)
    check(f"{name} refuses with isError: {says}", result.is_error and says in text, text[:300])


def simulate_request(policies, action="s3:GetObject", resource="arn:aws:s3:::logs/a.txt"):
    return {"PolicyInputList": policies, "ActionNames": [action], "ResourceArns": [resource]}


async def run(binary):
    params = StdioServerParameters(command=binary, args=["mcp"])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            check("server names itself", init.server_info.name == "iam-playground", init.server_info)

            tools = {t.name: t for t in (await session.list_tools()).tools}
            check(f"the {len(TOOLS)} tools are listed", set(tools) == TOOLS, sorted(tools))
            for name, tool in tools.items():
                schema = tool.input_schema
                check(f"{name} has an object input schema", schema.get("type") == "object" and schema.get("properties"))
            props = tools.get("simulate_custom_policy").input_schema.get("properties", {})
            check(
                "simulate_custom_policy takes AWS's input shape",
                {"PolicyInputList", "ActionNames", "ResourceArns", "ContextEntries"} <= set(props),
                sorted(props),
            )

            out = await answer(session, "simulate_custom_policy", simulate_request([ALLOW]))
            decisions = [r["EvalDecision"] for r in out.get("EvaluationResults", [])]
            check("an Allow is allowed", decisions == ["allowed"], decisions)
            out = await answer(session, "simulate_custom_policy", simulate_request([ALLOW, DENY]))
            decisions = [r["EvalDecision"] for r in out.get("EvaluationResults", [])]
            check("an explicit Deny is explicitDeny", decisions == ["explicitDeny"], decisions)

            result = await call(session, "explain_decision", simulate_request([ALLOW], action="s3:PutObject"))
            words = (result.structured_content or {}).get("Words", "")
            check(
                "explain_decision says the decision and the near miss in words",
                not result.is_error
                and words.startswith("Decision: implicitDeny.")
                and "statement Read of PolicyInputList.1 would allow it, but its Action does not match" in words
                and text_of(result).startswith("Decision: implicitDeny."),
                words,
            )

            policy = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]\n}\n'
            out = await answer(session, "validate_policy", {"policy_document": policy})
            found = [(f["code"], f["start"]["line"], f["start"]["column"]) for f in out.get("findings", [])]
            check("validate_policy finds the unknown action at line 3, column 47", found == [("action-unknown", 3, 47)], found)

            out = await answer(
                session,
                "simulate_scenario",
                {
                    "scenario_path": f"{EXAMPLES}/least-privilege-groups.json",
                    "policy_source_arn": "arn:aws:iam::111122223333:user/dev-dana",
                    "action_names": ["s3:PutObject", "aws-portal:ViewBilling"],
                    "resource_arns": ["arn:aws:s3:::example-corp-builds/app.zip"],
                },
            )
            decisions = {r["EvalActionName"]: r["EvalDecision"] for r in out.get("EvaluationResults", [])}
            check(
                "simulate_scenario decides the gallery's saved tests",
                decisions == {"s3:PutObject": "allowed", "aws-portal:ViewBilling": "implicitDeny"},
                decisions,
            )

            with open(f"{EXAMPLES}/least-privilege-groups.json", encoding="utf-8") as f:
                gallery = f.read()
            out = await answer(session, "who_can", {"scenario": gallery, "actions": ["s3:PutObject"]})
            allowed = sorted(e["principal"] for e in out.get("entries", []) if e["access"] == "allowed")
            check("who_can lists who may upload", allowed == ["root", "user/admin-amir", "user/dev-dana"], allowed)

            out = await answer(session, "what_can", {"scenario": gallery, "principal": "user/dev-dana"})
            services = [s["service"] for s in out.get("services", [])]
            check(
                "what_can gives dev-dana's permissions by service",
                out.get("principal") == "user/dev-dana"
                and out.get("allowed") == 1056
                and out.get("removed") == 0
                and services == ["ec2", "rds", "s3", "sts"],
                (out.get("principal"), out.get("allowed"), services),
            )

            with open(f"{EXAMPLES}/passrole-lambda-admin.json", encoding="utf-8") as f:
                passrole = f.read()
            out = await answer(session, "escalation", {"scenario": passrole, "fix": True})
            paths = [(p["principal"], [h["pathId"] for h in p["hops"]]) for p in out.get("paths", [])]
            check(
                "escalation finds dev-dana's PassRole path to admin, with a fix",
                paths == [("user/dev-dana", ["lambda-001"])]
                and len(out.get("fixes", [])) == 1
                and out["fixes"][0] is not None,
                (paths, out.get("fixes")),
            )
            with open(f"{EXAMPLES}/passrole-lambda-admin-fixed.json", encoding="utf-8") as f:
                fixed = f.read()
            out = await answer(session, "escalation", {"scenario": fixed})
            check("escalation finds no path in the fixed twin", out.get("paths") == [], out.get("paths"))
            await error(session, "what_can", {"scenario": gallery, "principal": "user/nobody"}, "nobody")

            out = await answer(session, "explain_denied", {"message": DENIED})
            denied = out.get("denied", {})
            check(
                "explain_denied reads the README's message: the identity layer",
                denied.get("claimed") == {"kind": "noAllow", "layer": "identity"}
                and denied.get("action") == "s3:DeleteBucket",
                denied,
            )

            out = await answer(
                session,
                "diff",
                {
                    "before_path": f"{EXAMPLES}/passrole-lambda-admin-fixed.json",
                    "after_path": f"{EXAMPLES}/passrole-lambda-admin.json",
                },
            )
            check(
                "diff finds the new iam:PassRole",
                out.get("verdict") == "morePermissive" and out.get("summaryText") == "user dev-dana gains iam:PassRole",
                {k: out.get(k) for k in ("verdict", "summaryText")},
            )

            # Two versions of one policy document: what adding s3:PutObject grants, with its witness.
            out = await answer(session, "diff_policies", {"before": ALLOW, "after": ALLOW_PUT})
            witness = out.get("morePermissiveWitness", {})
            check(
                "diff_policies finds s3:PutObject newly allowed, with a witness decided on both sides",
                out.get("verdict") == "morePermissive"
                and out.get("policyType") == "identity"
                and "lessPermissiveWitness" not in out
                and out.get("report", {}).get("summary") == ["user subject gains s3:PutObject in arn:aws:s3:::logs/*"]
                and (witness.get("action"), witness.get("resource")) == ("s3:PutObject", "arn:aws:s3:::logs/x")
                and witness.get("before", {}).get("decision") == "implicitDeny"
                and witness.get("after", {}).get("decision") == "allowed"
                and witness.get("verified") is True,
                out,
            )
            out = await answer(session, "diff_policies", {"before": ALLOW_PUT, "after": ALLOW, "policy_type": "scp"})
            check(
                "diff_policies reads an SCP that drops s3:PutObject as less permissive",
                out.get("verdict") == "lessPermissive"
                and out.get("report", {}).get("summary")
                == [
                    "the root user loses s3:PutObject in arn:aws:s3:::logs/*",
                    "user subject loses s3:PutObject in arn:aws:s3:::logs/*",
                ],
                out,
            )

            # Errors come back as errors.
            await error(
                session,
                "diff_policies",
                {"before": ALLOW, "after": '{"Version": "2012-10-17", "Statement": [}'},
                "<after>:1:41: Expected `]` to close the array, found `}`. (json-mismatched-bracket)",
            )
            await error(session, "diff_policies", {"before": ALLOW}, "missing field `after`")
            await error(
                session,
                "simulate_custom_policy",
                simulate_request(['{"Version": "2012-10-17", "Statement": [}']),
                "PolicyInputList.1:1:41: Expected `]` to close the array, found `}`. (json-mismatched-bracket)",
            )
            await error(session, "simulate_custom_policy", {"PolicyInputList": [ALLOW]}, "missing field `ActionNames`")
            await error(
                session,
                "simulate_scenario",
                {
                    "scenario_path": f"{EXAMPLES}/least-privilege-groups.json",
                    "policy_source_arn": "arn:aws:iam::111122223333:user/nobody",
                    "action_names": ["s3:PutObject"],
                },
                "nobody",
            )
            await error(session, "who_can", {"scenario_path": "..", "actions": ["s3:PutObject"]}, "is outside the server's working directory")
            await error(session, "who_can", {"scenario": "{\n  \"users\": [,\n}", "actions": ["s3:PutObject"]}, "<scenario>:2:")
    if failures:
        print(f"{len(failures)} MCP checks failed", file=sys.stderr)
        return 1
    print("MCP server: every check passed")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(asyncio.run(run(sys.argv[1])))
