//! Checks on `Action`/`NotAction` entries: known services and actions (catalog), wildcards
//! in service names, actions that apply to none of the statement's resources (catalog),
//! variables where IAM does not read them, and entries another entry already covers.

use super::text::{arn_fits, has_variable};
use super::{Cx, Finding};
use crate::catalog::{ActionRef, Catalog};
use crate::matching::{glob_match, has_wildcard};
use crate::policy::{ListElement, Statement};

pub(super) fn check(cx: &mut Cx<'_>) {
    let doc = cx.doc;
    for s in &doc.statements {
        let Some(actions) = &s.action else { continue };
        for item in &actions.items {
            let a = item.value.as_str();
            if has_variable(a) {
                cx.push(
                    Finding::new(
                        "variable-unsupported-element",
                        item.span,
                        format!("\"{a}\" uses a policy variable, but IAM reads variables only in Resource and Condition values."),
                    )
                    .help("Name the action, or use a wildcard such as \"s3:Get*\"."),
                );
                continue;
            }
            let Some((service, name)) = well_formed(a) else {
                continue;
            };
            if has_wildcard(service) && a != "*" {
                cx.push(
                    Finding::new(
                        "action-wildcard-service",
                        item.span,
                        format!("\"{a}\" has a wildcard in the service prefix, so it may match actions of services you did not mean."),
                    )
                    .help("Name the service, for example \"s3:Get*\"."),
                );
                continue;
            }
            if let Some(catalog) = cx.catalog {
                check_known(cx, catalog, a, service, name, item.span);
            }
        }
        redundant(cx, actions);
        if let Some(catalog) = cx.catalog {
            resource_mismatch(cx, catalog, s);
        }
    }
}

/// `service:name` split, when the entry is a plain action or action pattern (the parser
/// reports every other shape).
fn well_formed(a: &str) -> Option<(&str, &str)> {
    let (service, name) = a.split_once(':')?;
    if service.is_empty() || name.is_empty() || name.contains(':') || a.contains([' ', ',']) {
        return None;
    }
    Some((service, name))
}

fn check_known(
    cx: &mut Cx<'_>,
    catalog: &Catalog,
    a: &str,
    service: &str,
    name: &str,
    span: crate::span::Span,
) {
    if catalog.service(service).is_none() {
        let hint = catalog
            .search_services(service, 1)
            .first()
            .map(|s| format!("Did you mean \"{}\"?", s.prefix()));
        let f = Finding::new(
            "action-unknown-service",
            span,
            format!("\"{service}\" is not an AWS service prefix, so \"{a}\" matches no action."),
        );
        cx.push(match hint {
            Some(h) => f.help(h),
            None => f.help("Check the prefix in the Service Authorization Reference."),
        });
        return;
    }
    if has_wildcard(name) {
        if catalog.expand(a).is_empty() {
            cx.push(
                Finding::new(
                    "action-pattern-matches-nothing",
                    span,
                    format!("\"{a}\" matches no {service} action."),
                )
                .help("Check the spelling of the pattern; action names are listed in the Service Authorization Reference."),
            );
        }
        return;
    }
    if catalog.action(a).is_none() {
        let hint = catalog
            .search_actions(a, 1)
            .first()
            .map(|x| format!("Did you mean \"{}\"?", x.full_name()));
        let f = Finding::new(
            "action-unknown",
            span,
            format!(
                "\"{name}\" is not an action of {service} (catalog of {}).",
                catalog.header().data_date
            ),
        );
        cx.push(match hint {
            Some(h) => f.help(h),
            None => f.help("Check the action name in the Service Authorization Reference."),
        });
    }
}

/// Reports entries that an earlier (or broader) entry of the same element already covers.
///
/// Entries are compared only with entries of the same service (or with a wildcard in the
/// service), so a policy listing thousands of actions stays fast.
fn redundant(cx: &mut Cx<'_>, el: &ListElement) {
    let service = |a: &str| a.split_once(':').map_or(a, |(s, _)| s).to_ascii_lowercase();
    // Per service: its entries with a wildcard in the action name, and the first entry of
    // each name without one (an entry without a wildcard covers only an equal one, so those
    // are found through the map rather than compared).
    let mut wild: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
    let mut first: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut open = Vec::new();
    for (i, item) in el.items.iter().enumerate() {
        let s = service(&item.value);
        if has_wildcard(&s) || !item.value.contains(':') {
            open.push(i);
        } else {
            if has_wildcard(&item.value) {
                wild.entry(s).or_default().push(i);
            }
            first.entry(item.value.to_ascii_lowercase()).or_insert(i);
        }
    }
    let pairs = wild
        .values()
        .map(Vec::len)
        .chain([open.len()])
        .fold(0usize, |n, w| {
            n.saturating_add(w.saturating_mul(el.items.len()))
        });
    if pairs > super::MAX_REDUNDANCY_PAIRS {
        cx.push(super::redundancy_limited(el.span, "Action entries"));
        return;
    }
    for (j, b) in el.items.iter().enumerate() {
        let covers = |i: usize| {
            el.items.get(i).is_some_and(|a| {
                i != j
                    && glob_match(&a.value, &b.value, true)
                    // Two entries that cover each other: only the later one is redundant.
                    && !(glob_match(&b.value, &a.value, true) && i > j)
            })
        };
        // Entries of the same service first (an equal one earlier in the list, or the first
        // wildcard), then entries with a wildcard in the service.
        let equal = first
            .get(&b.value.to_ascii_lowercase())
            .copied()
            .filter(|&i| i < j);
        let same = wild
            .get(&service(&b.value))
            .and_then(|w| w.iter().copied().find(|&i| covers(i)));
        let cover = match (equal, same) {
            (Some(e), Some(w)) => Some(e.min(w)),
            (e, w) => e.or(w),
        }
        .or_else(|| open.iter().copied().find(|&i| covers(i)));
        if let Some(a) = cover.and_then(|i| el.items.get(i)) {
            cx.push(
                Finding::new(
                    "redundant-action",
                    b.span,
                    format!("\"{}\" is already covered by \"{}\".", b.value, a.value),
                )
                .help("Remove the redundant entry.")
                .related(a.span, "covered by this entry"),
            );
        }
    }
}

/// Whether a resource entry can name a resource the action applies to.
fn applies(action: &ActionRef<'_>, resource: &str) -> bool {
    if resource == "*" || has_variable(resource) {
        return true;
    }
    let mut types = action.resource_types().peekable();
    if types.peek().is_none() {
        // The action supports only "*": a specific ARN never matches it.
        return false;
    }
    types.any(|t| arn_fits(t.resource_type().arn_pattern(), resource))
}

/// Reports actions none of whose resource types the statement's resources can name.
fn resource_mismatch(cx: &mut Cx<'_>, catalog: &Catalog, s: &Statement) {
    let (Some(actions), Some(resources)) = (&s.action, &s.resource) else {
        return;
    };
    if actions.negated || resources.negated || resources.items.is_empty() {
        return;
    }
    if resources
        .items
        .iter()
        .any(|r| r.value == "*" || has_variable(&r.value))
    {
        return;
    }
    for item in &actions.items {
        let a = item.value.as_str();
        let Some((service, _)) = well_formed(a) else {
            continue;
        };
        if has_wildcard(service) || has_variable(a) {
            continue;
        }
        let candidates: Vec<ActionRef<'_>> = if has_wildcard(a) {
            catalog.expand(a)
        } else {
            catalog.action(a).into_iter().collect()
        };
        if candidates.is_empty() {
            continue;
        }
        let any = candidates
            .iter()
            .any(|act| resources.items.iter().any(|r| applies(act, &r.value)));
        if any {
            continue;
        }
        let first = candidates.first();
        let detail = match first {
            Some(act) if candidates.len() == 1 && !act.supports_resource_level_permissions() => {
                format!(
                    "{} supports only \"Resource\": \"*\", so the statement never applies to it.",
                    act.full_name()
                )
            }
            Some(act) if candidates.len() == 1 => {
                let kinds: Vec<String> = act
                    .resource_types()
                    .map(|t| t.resource_type().name().to_owned())
                    .collect();
                format!(
                    "{} applies to {} resources, and no Resource of the statement names one.",
                    act.full_name(),
                    kinds.join(", ")
                )
            }
            _ => format!("No action matched by \"{a}\" applies to the statement's resources."),
        };
        cx.push(
            Finding::new("action-resource-mismatch", item.span, detail)
                .help(
                    "Move the action to a statement whose Resource fits it, or add a matching ARN.",
                )
                .related(resources.span, "the statement's resources"),
        );
    }
}
