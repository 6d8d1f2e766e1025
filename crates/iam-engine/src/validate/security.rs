//! Checks on what a policy grants as a whole: full administrator access, `iam:PassRole` on
//! every role, `NotResource`/`NotAction` with Allow, privilege-escalation actions granted on
//! every resource, public principals and trust-policy pitfalls, and redundant statements.

use super::{Cx, Finding, head};
use crate::matching::glob_match;
use crate::policy::{
    Effect, PolicyType, PrincipalElement, PrincipalKind, PrincipalValue, Statement,
};
use crate::span::Span;

/// Actions that on their own let a principal raise its own permissions when granted on every
/// resource (the published IAM privilege-escalation paths).
const ESCALATION_ACTIONS: &[&str] = &[
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutUserPermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "lambda:UpdateFunctionCode",
    "glue:UpdateDevEndpoint",
];

/// Sets of actions that together let a principal run code as any role it can pass.
const ESCALATION_COMBOS: &[&[&str]] = &[
    &["iam:PassRole", "ec2:RunInstances"],
    &[
        "iam:PassRole",
        "lambda:CreateFunction",
        "lambda:InvokeFunction",
    ],
    &[
        "iam:PassRole",
        "lambda:CreateFunction",
        "lambda:CreateEventSourceMapping",
    ],
    &["iam:PassRole", "glue:CreateDevEndpoint"],
    &["iam:PassRole", "cloudformation:CreateStack"],
    &[
        "iam:PassRole",
        "datapipeline:CreatePipeline",
        "datapipeline:PutPipelineDefinition",
    ],
    &[
        "iam:PassRole",
        "sagemaker:CreateNotebookInstance",
        "sagemaker:CreatePresignedNotebookInstanceUrl",
    ],
    &["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"],
    &[
        "iam:PassRole",
        "codebuild:CreateProject",
        "codebuild:StartBuild",
    ],
];

pub(super) fn check(cx: &mut Cx<'_>) {
    let doc = cx.doc;
    // A VPC endpoint policy grants nothing (it only filters what goes through the endpoint,
    // and AWS's default one allows everything), so what its Allows would grant is not checked.
    let grants = doc.policy_type != PolicyType::VpcEndpoint;
    let mut admin = !grants;
    for s in &doc.statements {
        if let Some(sid) = &s.sid
            && sid.value.is_empty()
        {
            cx.push(
                Finding::new("sid-empty", sid.span, "The Sid is empty.")
                    .help("Remove the Sid, or name the statement."),
            );
        }
        if s.has_errors || s.effect.as_ref().map(|e| e.value) != Some(Effect::Allow) {
            continue;
        }
        if grants {
            admin |= allow_checks(cx, s);
        }
        principal_checks(cx, doc.policy_type, s);
    }
    if !admin {
        combos(cx);
    }
    redundant_statements(cx);
}

/// Where the statement grants `action`: the entry that matches it, or the NotAction key that
/// fails to exclude it.
fn grants(s: &Statement, action: &str) -> Option<Span> {
    let el = s.action.as_ref()?;
    if el.negated {
        (!el.items.iter().any(|i| glob_match(&i.value, action, true))).then_some(el.key_span)
    } else {
        el.items
            .iter()
            .find(|i| glob_match(&i.value, action, true))
            .map(|i| i.span)
    }
}

/// Whether the statement applies to every resource (a `*` entry, or NotResource).
fn broad(s: &Statement) -> Option<Span> {
    let r = s.resource.as_ref()?;
    if r.negated {
        return Some(r.key_span);
    }
    r.items.iter().find(|i| i.value == "*").map(|i| i.span)
}

/// Checks on one Allow statement; returns whether it grants full administrator access.
fn allow_checks(cx: &mut Cx<'_>, s: &Statement) -> bool {
    let (Some(actions), Some(resources)) = (&s.action, &s.resource) else {
        return false;
    };
    let star_action = (!actions.negated)
        .then(|| {
            actions
                .items
                .iter()
                .find(|i| i.value == "*" || i.value == "*:*")
        })
        .flatten();
    let star_resource = (!resources.negated)
        .then(|| resources.items.iter().find(|i| i.value == "*"))
        .flatten();
    if let (Some(a), Some(r)) = (star_action, star_resource)
        && s.condition.is_empty()
    {
        cx.push(
            Finding::new(
                "security-full-admin",
                a.span,
                "The statement allows every action on every resource: full administrator access.",
            )
            .help("Grant only the actions and resources the principal needs; AWS's managed AdministratorAccess is the explicit way to give full access.")
            .related(r.span, "on every resource"),
        );
        return true;
    }
    if resources.negated {
        cx.push(
            Finding::new(
                "security-allow-notresource",
                resources.key_span,
                "Allow with NotResource grants the actions on every resource not listed, including ones created later.",
            )
            .help("List the resources to allow in Resource instead."),
        );
    }
    if actions.negated {
        cx.push(
            Finding::new(
                "security-allow-notaction",
                actions.key_span,
                "Allow with NotAction grants every action not listed, including actions AWS adds later.",
            )
            .help("List the actions to allow in Action, or pair NotAction with a Deny."),
        );
    }
    if let Some(passrole) = grants(s, "iam:PassRole") {
        if resources.negated {
            cx.push(
                Finding::new(
                    "security-passrole-notresource",
                    resources.key_span,
                    "iam:PassRole with NotResource lets the principal pass almost any role to a service.",
                )
                .help("List the roles that may be passed in Resource, and limit iam:PassedToService.")
                .related(passrole, "iam:PassRole is granted here"),
            );
        } else if let Some(r) = star_resource {
            cx.push(
                Finding::new(
                    "security-passrole-star",
                    r.span,
                    "iam:PassRole on \"*\" lets the principal pass any role, including administrator roles, to a service.",
                )
                .help("Name the roles that may be passed, for example arn:aws:iam::111122223333:role/app-*.")
                .related(passrole, "iam:PassRole is granted here"),
            );
        }
    }
    if broad(s).is_some() {
        let found: Vec<(&str, Span)> = ESCALATION_ACTIONS
            .iter()
            .filter_map(|a| grants(s, a).map(|span| (*a, span)))
            .collect();
        if let Some(&(_, span)) = found.first() {
            let names: Vec<&str> = found.iter().map(|(a, _)| *a).collect();
            cx.push(
                Finding::new(
                    "security-privilege-escalation",
                    span,
                    format!(
                        "The statement grants {} on every resource, which lets a principal raise its own permissions.",
                        list(&names)
                    ),
                )
                .help("Limit these actions to specific users, roles or policies, or require a permissions boundary with a condition."),
            );
        }
    }
    false
}

fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Reports sets of actions that together escalate, granted broadly across the policy.
fn combos(cx: &mut Cx<'_>) {
    let doc = cx.doc;
    let allows: Vec<&Statement> = doc
        .statements
        .iter()
        .filter(|s| {
            !s.has_errors
                && s.effect.as_ref().map(|e| e.value) == Some(Effect::Allow)
                && broad(s).is_some()
        })
        .collect();
    for combo in ESCALATION_COMBOS {
        let spans: Option<Vec<Span>> = combo
            .iter()
            .map(|a| allows.iter().find_map(|s| grants(s, a)))
            .collect();
        let Some(spans) = spans else { continue };
        let Some((&first, rest)) = spans.split_first() else {
            continue;
        };
        let mut f = Finding::new(
            "security-privilege-escalation-combo",
            first,
            format!(
                "The policy grants {} on every resource: together they let a principal run code as any role it can pass.",
                list(combo)
            ),
        )
        .help("Limit iam:PassRole to specific roles and iam:PassedToService, or the compute actions to specific resources.");
        for (span, name) in rest.iter().zip(combo.iter().skip(1)) {
            f = f.related(*span, format!("{name} is granted here"));
        }
        cx.push(f);
    }
}

fn principal_checks(cx: &mut Cx<'_>, policy_type: PolicyType, s: &Statement) {
    let Some(p) = &s.principal else { return };
    if p.negated {
        return;
    }
    if matches!(policy_type, PolicyType::Resource | PolicyType::Trust)
        && s.condition.is_empty()
        && let Some(span) = anyone(p)
    {
        let what = if policy_type == PolicyType::Trust {
            "Anyone, in any AWS account, can assume this role."
        } else {
            "Anyone, in any AWS account or anonymously, is granted access."
        };
        cx.push(
            Finding::new("principal-anyone-without-condition", span, what)
                .help("Name the principals, or add a condition such as aws:PrincipalOrgID or aws:SourceAccount."),
        );
    }
    let PrincipalValue::Map(entries) = &p.value else {
        return;
    };
    for (kind, items) in entries {
        match kind {
            PrincipalKind::Service => {
                for i in items {
                    if !is_service_principal(&i.value) {
                        cx.push(
                            Finding::new(
                                "principal-bad-service",
                                i.span,
                                format!("\"{}\" is not a service principal name.", i.value),
                            )
                            .help("Service principals look like \"lambda.amazonaws.com\"."),
                        );
                    }
                }
            }
            PrincipalKind::Federated if policy_type == PolicyType::Trust => {
                federated(cx, s, items);
            }
            _ => {}
        }
    }
    if policy_type == PolicyType::Trust
        && let Some(actions) = &s.action
        && !actions.negated
    {
        for a in &actions.items {
            let lower = a.value.to_ascii_lowercase();
            if lower != "*" && !lower.starts_with("sts:") && !lower.starts_with("sts*") {
                cx.push(
                    Finding::new(
                        "trust-non-sts-action",
                        a.span,
                        format!("\"{}\" cannot be granted by a trust policy: it governs only sts: actions on the role.", a.value),
                    )
                    .help("Grant this action in an identity-based policy attached to the role."),
                );
            }
        }
    }
}

/// The span of a principal that means everyone: `"*"` or `{"AWS": "*"}`.
fn anyone(p: &PrincipalElement) -> Option<Span> {
    match &p.value {
        PrincipalValue::Anyone => Some(p.span),
        PrincipalValue::Map(entries) => entries
            .iter()
            .filter(|(k, _)| *k == PrincipalKind::Aws)
            .flat_map(|(_, items)| items.iter())
            .find(|i| i.value == "*")
            .map(|i| i.span),
    }
}

fn is_service_principal(s: &str) -> bool {
    let name_ok = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    name_ok
        && [
            ".amazonaws.com",
            ".amazonaws.com.cn",
            ".amazon.com",
            ".c2s.ic.gov",
            ".sc2s.sgov.gov",
        ]
        .iter()
        .any(|suffix| s.len() > suffix.len() && s.ends_with(suffix))
}

fn federated(cx: &mut Cx<'_>, s: &Statement, items: &[crate::policy::Spanned<String>]) {
    if let Some(actions) = &s.action
        && !actions.negated
        && !actions.items.is_empty()
        && actions
            .items
            .iter()
            .all(|a| a.value.eq_ignore_ascii_case("sts:AssumeRole"))
        && let Some(first) = items.first()
    {
        cx.push(
            Finding::new(
                "principal-federated-wrong-action",
                first.span,
                "A federated principal assumes a role with sts:AssumeRoleWithWebIdentity or sts:AssumeRoleWithSAML, not sts:AssumeRole.",
            )
            .help("Allow sts:AssumeRoleWithWebIdentity (OIDC) or sts:AssumeRoleWithSAML (SAML).")
            .related(actions.span, "the actions"),
        );
    }
    for i in items {
        let provider = "token.actions.githubusercontent.com";
        if i.value.ends_with(provider) {
            let sub = format!("{provider}:sub");
            if !s
                .condition
                .iter()
                .any(|c| c.key.value.eq_ignore_ascii_case(&sub))
            {
                cx.push(
                    Finding::new(
                        "principal-oidc-without-sub",
                        i.span,
                        "Without a condition on token.actions.githubusercontent.com:sub, any GitHub repository can assume this role.",
                    )
                    .help("Add \"StringLike\": {\"token.actions.githubusercontent.com:sub\": \"repo:org/repo:*\"}."),
                );
            }
        }
    }
}

/// A comparable form of a statement's condition block.
fn condition_key(s: &Statement) -> Vec<(String, String, Vec<String>)> {
    let mut v: Vec<(String, String, Vec<String>)> = s
        .condition
        .iter()
        .map(|c| {
            let mut values: Vec<String> = c.values.iter().map(|x| x.value.clone()).collect();
            values.sort();
            (
                c.operator.value.clone(),
                c.key.value.to_ascii_lowercase(),
                values,
            )
        })
        .collect();
    v.sort();
    v
}

/// A principal element's kinds and values, sorted, without spans.
type PrincipalKey = (bool, Vec<(String, Vec<String>)>);

/// A comparable form of a statement's principal, without spans.
fn principal_key(s: &Statement) -> Option<PrincipalKey> {
    let p = s.principal.as_ref()?;
    let entries = match &p.value {
        PrincipalValue::Anyone => vec![("*".to_owned(), Vec::new())],
        PrincipalValue::Map(entries) => {
            let mut out: Vec<(String, Vec<String>)> = entries
                .iter()
                .map(|(kind, items)| {
                    let mut values: Vec<String> = items.iter().map(|i| i.value.clone()).collect();
                    values.sort();
                    (format!("{kind:?}"), values)
                })
                .collect();
            out.sort();
            out
        }
    };
    Some((p.negated, entries))
}

/// Whether every entry of `inner` is covered by some entry of `outer`.
fn covered(
    outer: &[crate::policy::Spanned<String>],
    inner: &[crate::policy::Spanned<String>],
    ignore_case: bool,
) -> bool {
    inner.iter().all(|b| {
        outer
            .iter()
            .any(|a| glob_match(&a.value, &b.value, ignore_case))
    })
}

/// Whether statement `a` grants or denies everything `b` does, given that both have the same
/// effect, principal and conditions (the caller groups statements by those).
fn covers(a: &Statement, b: &Statement) -> bool {
    let (Some(aa), Some(ba), Some(ar), Some(br)) = (&a.action, &b.action, &a.resource, &b.resource)
    else {
        return false;
    };
    !aa.negated
        && !ba.negated
        && !ar.negated
        && !br.negated
        && covered(&aa.items, &ba.items, true)
        && covered(&ar.items, &br.items, false)
}

/// What two statements must share for one to cover the other.
type StatementKey = (
    Option<String>,
    Option<PrincipalKey>,
    Vec<(String, String, Vec<String>)>,
);

/// Reports statements another statement covers. Only statements with the same effect,
/// principal and conditions can cover each other, so statements are grouped by those (each
/// key computed once) and compared within their group, up to
/// [`super::MAX_REDUNDANCY_PAIRS`] entry comparisons in all.
fn redundant_statements(cx: &mut Cx<'_>) {
    let doc = cx.doc;
    let stmts: Vec<&Statement> = doc.statements.iter().filter(|s| !s.has_errors).collect();
    let mut groups: std::collections::HashMap<StatementKey, Vec<usize>> =
        std::collections::HashMap::new();
    let mut group_of: Vec<usize> = Vec::with_capacity(stmts.len());
    let mut keys: Vec<StatementKey> = Vec::new();
    for (i, s) in stmts.iter().enumerate() {
        let key: StatementKey = (
            s.effect.as_ref().map(|e| format!("{:?}", e.value)),
            principal_key(s),
            condition_key(s),
        );
        let members = groups.entry(key.clone()).or_default();
        if members.is_empty() {
            keys.push(key);
        }
        members.push(i);
        group_of.push(keys.len() - 1);
    }
    let size = |s: &Statement| {
        s.action.as_ref().map_or(0, |a| a.items.len())
            + s.resource.as_ref().map_or(0, |r| r.items.len())
    };
    let pairs = groups.values().fold(0usize, |n, members| {
        let entries: usize = members
            .iter()
            .filter_map(|&i| stmts.get(i))
            .map(|s| size(s))
            .sum();
        n.saturating_add(members.len().saturating_mul(entries))
    });
    if pairs > super::MAX_REDUNDANCY_PAIRS {
        if let (Some(a), Some(z)) = (stmts.first(), stmts.last()) {
            cx.push(super::redundancy_limited(
                head(a.span).join(head(z.span)),
                "statements",
            ));
        }
        return;
    }
    for (j, b) in stmts.iter().enumerate() {
        let members = group_of
            .get(j)
            .and_then(|&g| keys.get(g))
            .and_then(|k| groups.get(k))
            .map_or(&[][..], Vec::as_slice);
        let cover = members
            .iter()
            .filter_map(|&i| stmts.get(i).map(|a| (i, a)))
            .find(|(i, a)| *i != j && covers(a, b) && !(covers(b, a) && *i > j));
        if let Some((_, a)) = cover {
            cx.push(
                Finding::new(
                    "redundant-statement",
                    head(b.span),
                    format!(
                        "Statement {} adds nothing: statement {} already covers it.",
                        b.label(),
                        a.label()
                    ),
                )
                .help("Remove the statement, or merge it into the other.")
                .related(head(a.span), "covered by this statement"),
            );
        }
    }
}
