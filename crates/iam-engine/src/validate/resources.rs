//! Checks on `Resource`/`NotResource` entries: the shape of each ARN part, the ARN's service
//! and resource type (catalog), redundant entries, and policy variables (also in condition
//! values).

use super::text::{Var, arn_fits, has_variable, variables};
use super::{Cx, Finding};
use crate::catalog::Catalog;
use crate::matching::{glob_match, has_wildcard};
use crate::policy::Spanned;

/// The partitions AWS has (the `Partition` of every ARN).
const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

pub(super) fn check(cx: &mut Cx<'_>) {
    let doc = cx.doc;
    for s in &doc.statements {
        if let Some(resources) = &s.resource {
            for item in &resources.items {
                arn_shape(cx, item);
                if let Some(catalog) = cx.catalog {
                    arn_catalog(cx, catalog, item);
                }
                variable_checks(cx, item);
            }
            redundant(cx, &resources.items);
        }
        for c in &s.condition {
            for v in &c.values {
                variable_checks(cx, v);
            }
        }
    }
}

/// Whether an ARN part is written with a wildcard or a variable, which the checks accept.
fn open(part: &str) -> bool {
    has_wildcard(part) || has_variable(part)
}

/// The six parts of an ARN, when the entry is one (the parser reports other shapes).
fn parts(arn: &str) -> Option<[&str; 6]> {
    let mut it = arn.splitn(6, ':');
    let out = [
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ];
    (out.first() == Some(&"arn")).then_some(out)
}

/// Whether `region` looks like an AWS region (`us-east-1`, `us-gov-west-1`, `eusc-de-east-1`).
fn is_region(region: &str) -> bool {
    let mut pieces = region.split('-').collect::<Vec<_>>();
    let Some(last) = pieces.pop() else {
        return false;
    };
    !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
        && pieces.len() >= 2
        && pieces
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

fn arn_shape(cx: &mut Cx<'_>, item: &Spanned<String>) {
    let Some([_, partition, service, region, account, _]) = parts(&item.value) else {
        return;
    };
    if !open(partition) && !PARTITIONS.contains(&partition) {
        cx.push(
            Finding::new(
                "resource-bad-partition",
                item.span,
                format!("\"{partition}\" is not an AWS partition."),
            )
            .help("Use \"aws\" (or \"aws-cn\", \"aws-us-gov\"), or a wildcard."),
        );
    }
    if !open(service) && service.bytes().any(|b| b.is_ascii_uppercase()) {
        cx.push(
            Finding::new(
                "resource-service-case",
                item.span,
                format!("The ARN service \"{service}\" must be lower case."),
            )
            .help(format!("Write \"{}\".", service.to_ascii_lowercase())),
        );
    }
    if !region.is_empty() && !open(region) && !is_region(region) {
        cx.push(
            Finding::new(
                "resource-bad-region",
                item.span,
                format!("\"{region}\" is not an AWS Region code."),
            )
            .help("Write a Region code such as \"us-east-1\", \"*\", or nothing for global resources."),
        );
    }
    let account_ok = account.is_empty()
        || open(account)
        || account == "aws"
        || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
    if !account_ok {
        cx.push(
            Finding::new(
                "resource-bad-account",
                item.span,
                format!("\"{account}\" is not a 12-digit AWS account ID."),
            )
            .help("Write the account ID without dashes, \"*\", or nothing where the service has no account."),
        );
    }
}

/// The ARN patterns of the catalog's resource types whose ARNs use the service name
/// `arn_service`. Most services use their action prefix in ARNs, so that service is tried
/// first; the whole catalog is searched only when it has no such pattern.
fn arn_patterns<'c>(catalog: &'c Catalog, arn_service: &str) -> Vec<&'c str> {
    let uses = |pattern: &str| {
        pattern
            .split(':')
            .nth(2)
            .is_some_and(|s| s.eq_ignore_ascii_case(arn_service))
    };
    let own: Vec<&str> = catalog
        .service(arn_service)
        .map(|svc| {
            svc.resource_types()
                .map(|rt| rt.arn_pattern())
                .filter(|p| uses(p))
                .collect()
        })
        .unwrap_or_default();
    if !own.is_empty() {
        return own;
    }
    let mut all = Vec::new();
    for svc in catalog.services() {
        all.extend(
            svc.resource_types()
                .map(|rt| rt.arn_pattern())
                .filter(|p| uses(p)),
        );
    }
    all
}

fn arn_catalog(cx: &mut Cx<'_>, catalog: &Catalog, item: &Spanned<String>) {
    let Some([_, _, service, ..]) = parts(&item.value) else {
        return;
    };
    if open(service) {
        return;
    }
    let patterns = arn_patterns(catalog, service);
    if patterns.is_empty() {
        if catalog.service(service).is_none() {
            cx.push(
                Finding::new(
                    "resource-unknown-service",
                    item.span,
                    format!("No AWS service uses \"{service}\" in its ARNs."),
                )
                .help("Check the service part of the ARN (the third part)."),
            );
        }
        return;
    }
    if has_variable(&item.value) {
        return;
    }
    if !patterns.iter().any(|p| arn_fits(p, &item.value)) {
        let examples: Vec<&str> = patterns.iter().take(3).copied().collect();
        cx.push(
            Finding::new(
                "resource-no-matching-type",
                item.span,
                format!(
                    "\"{}\" fits none of the {service} resource types, so it names no resource.",
                    item.value
                ),
            )
            .help(format!("{service} ARNs look like {}.", examples.join(", "))),
        );
    }
}

/// Reports entries another entry covers. An entry without a wildcard covers only an equal
/// one, so those are found through a hash map; only wildcard entries are compared with every
/// entry, within [`super::MAX_REDUNDANCY_PAIRS`].
fn redundant(cx: &mut Cx<'_>, items: &[Spanned<String>]) {
    let wild: Vec<usize> = (0..items.len())
        .filter(|&i| items.get(i).is_some_and(|a| has_wildcard(&a.value)))
        .collect();
    let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, a) in items.iter().enumerate() {
        first.entry(a.value.as_str()).or_insert(i);
    }
    if wild.len().saturating_mul(items.len()) > super::MAX_REDUNDANCY_PAIRS {
        if let Some(a) = items.first() {
            let span = items.last().map_or(a.span, |z| a.span.join(z.span));
            cx.push(super::redundancy_limited(span, "Resource entries"));
        }
        return;
    }
    for (j, b) in items.iter().enumerate() {
        let covers = |i: usize| {
            items.get(i).is_some_and(|a| {
                i != j
                    && glob_match(&a.value, &b.value, false)
                    && !(glob_match(&b.value, &a.value, false) && i > j)
            })
        };
        // An equal entry earlier in the list (the first of them), and the first wildcard.
        let equal = first.get(b.value.as_str()).copied().filter(|&i| i < j);
        let wildcard = wild.iter().copied().find(|&i| covers(i));
        let cover = match (equal, wildcard) {
            (Some(e), Some(w)) => Some(e.min(w)),
            (e, w) => e.or(w),
        };
        if let Some(a) = cover.and_then(|i| items.get(i)) {
            cx.push(
                Finding::new(
                    "redundant-resource",
                    b.span,
                    format!("\"{}\" is already covered by \"{}\".", b.value, a.value),
                )
                .help("Remove the redundant entry.")
                .related(a.span, "covered by this entry"),
            );
        }
    }
}

/// Checks the `${...}` variables of a Resource entry or condition value.
fn variable_checks(cx: &mut Cx<'_>, item: &Spanned<String>) {
    let vars = variables(&item.value);
    if vars.is_empty() {
        return;
    }
    let doc = cx.doc;
    if !doc.effective_version().supports_variables() {
        let f = Finding::new(
            "variable-old-version",
            item.span,
            "Policy variables need Version \"2012-10-17\"; here \"${...}\" is literal text.",
        )
        .help("Set \"Version\": \"2012-10-17\" at the top of the policy.");
        cx.push(match &doc.version {
            Some(v) => f.related(v.span, "the version"),
            None => f,
        });
        return;
    }
    for v in vars {
        match v {
            // The parser reports unclosed and empty variables (`policy-unclosed-variable`,
            // `policy-empty-variable`).
            Var::Unclosed | Var::Empty => {}
            Var::Ok(inner) => {
                let name = inner.split(',').next().unwrap_or("").trim();
                let Some(catalog) = cx.catalog else { continue };
                if name.len() > 4
                    && name
                        .get(..4)
                        .is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
                    && catalog.condition_key(name).is_none()
                {
                    cx.push(
                        Finding::new(
                            "variable-unknown-key",
                            item.span,
                            format!("\"{name}\" is not an AWS global condition key, so the variable never resolves."),
                        )
                        .help("Check the spelling, for example ${aws:username} or ${aws:PrincipalTag/team}."),
                    );
                }
            }
        }
    }
}
