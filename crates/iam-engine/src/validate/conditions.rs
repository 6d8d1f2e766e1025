//! Checks on `Condition` blocks beyond the grammar: set operators and condition keys against
//! the catalog, wildcards without a Like operator, private source IPs, host bits in CIDR
//! blocks and repeated values.
//!
//! The policy parser already reports unknown operators, `Null` with `IfExists` or a set
//! operator, and policy values the operator cannot read (`policy-bad-date`, ...); those
//! findings are its diagnostics, and the checks here skip conditions whose operator it
//! rejected. Operators are read with a small private table because validation needs the
//! operator's family and whether it is a Like operator, which the evaluator's typed operator
//! does not expose as plain data.

use std::net::IpAddr;

use super::text::has_variable;
use super::{Cx, Finding};
use crate::catalog::{Catalog, ConditionValueType};
use crate::matching::has_wildcard;
use crate::policy::{ConditionEntry, Statement};

/// The value type an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// The base operators (without set prefix or `IfExists`): name, family, whether it is a
/// Like (wildcard) operator.
const BASES: &[(&str, Family, bool)] = &[
    ("StringEquals", Family::String, false),
    ("StringNotEquals", Family::String, false),
    ("StringEqualsIgnoreCase", Family::String, false),
    ("StringNotEqualsIgnoreCase", Family::String, false),
    ("StringLike", Family::String, true),
    ("StringNotLike", Family::String, true),
    ("NumericEquals", Family::Numeric, false),
    ("NumericNotEquals", Family::Numeric, false),
    ("NumericLessThan", Family::Numeric, false),
    ("NumericLessThanEquals", Family::Numeric, false),
    ("NumericGreaterThan", Family::Numeric, false),
    ("NumericGreaterThanEquals", Family::Numeric, false),
    ("DateEquals", Family::Date, false),
    ("DateNotEquals", Family::Date, false),
    ("DateLessThan", Family::Date, false),
    ("DateLessThanEquals", Family::Date, false),
    ("DateGreaterThan", Family::Date, false),
    ("DateGreaterThanEquals", Family::Date, false),
    ("Bool", Family::Bool, false),
    ("BinaryEquals", Family::Binary, false),
    ("IpAddress", Family::Ip, false),
    ("NotIpAddress", Family::Ip, false),
    ("ArnEquals", Family::Arn, false),
    ("ArnNotEquals", Family::Arn, false),
    ("ArnLike", Family::Arn, true),
    ("ArnNotLike", Family::Arn, true),
    ("Null", Family::Null, false),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    ForAllValues,
    ForAnyValue,
}

#[derive(Debug, Clone, Copy)]
struct Operator {
    set: Option<SetOp>,
    base: &'static str,
    family: Family,
    like: bool,
}

/// The operator named `text`, or `None` when the parser reports it as unknown or invalid.
fn parse_operator(text: &str) -> Option<Operator> {
    let (set, rest) = if let Some(r) = text.strip_prefix("ForAllValues:") {
        (Some(SetOp::ForAllValues), r)
    } else if let Some(r) = text.strip_prefix("ForAnyValue:") {
        (Some(SetOp::ForAnyValue), r)
    } else {
        (None, text)
    };
    let (if_exists, base_text) = match rest.strip_suffix("IfExists") {
        Some(b) => (true, b),
        None => (false, rest),
    };
    let &(base, family, like) = BASES.iter().find(|(n, _, _)| *n == base_text)?;
    if family == Family::Null && (if_exists || set.is_some()) {
        return None;
    }
    Some(Operator {
        set,
        base,
        family,
        like,
    })
}

pub(super) fn check(cx: &mut Cx<'_>) {
    let doc = cx.doc;
    let variables = doc.effective_version().supports_variables();
    for s in &doc.statements {
        for c in &s.condition {
            let Some(op) = parse_operator(&c.operator.value) else {
                continue;
            };
            values(cx, c, op, variables);
            if let Some(catalog) = cx.catalog {
                keys(cx, catalog, s, c, op);
            }
        }
    }
}

/// Checks each value against the operator's type, Like wildcards, private IPs and repeats.
fn values(cx: &mut Cx<'_>, c: &ConditionEntry, op: Operator, variables: bool) {
    // Values seen so far, hashed: comparing each value with every earlier one was quadratic.
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for v in &c.values {
        if !seen.insert(v.value.as_str()) {
            cx.push(
                Finding::new(
                    "redundant-condition-value",
                    v.span,
                    format!("\"{}\" is listed twice for {}.", v.value, c.key.value),
                )
                .help("Remove the repeated value."),
            );
        }
        let text = v.value.as_str();
        if variables && has_variable(text) {
            // The value is known only at request time.
            continue;
        }
        if !op.like && matches!(op.family, Family::String | Family::Arn) && has_wildcard(text) {
            let like = if op.family == Family::Arn {
                "ArnLike"
            } else {
                "StringLike"
            };
            cx.push(
                Finding::new(
                    "condition-wildcard-without-like",
                    v.span,
                    format!(
                        "{} compares \"{text}\" literally; the * or ? is not a wildcard here.",
                        op.base
                    ),
                )
                .help(format!(
                    "Use {like} (or its Not form) to match with wildcards."
                ))
                .related(c.operator.span, "the operator"),
            );
        }
        if op.family == Family::Ip
            && let Some((addr, prefix)) = parse_cidr(text)
            && has_host_bits(addr, prefix)
        {
            cx.push(
                Finding::new(
                    "condition-ip-host-bits",
                    v.span,
                    format!("\"{text}\" has host bits set; the block it means starts lower."),
                )
                .help("Write the network address of the block, for example \"10.0.0.0/8\" rather than \"10.1.2.3/8\"."),
            );
        }
    }
    let private: Vec<bool> = c
        .values
        .iter()
        .map(|v| parse_cidr(&v.value).is_some_and(|(addr, prefix)| is_private(addr, prefix)))
        .collect();
    let source_ip = op.family == Family::Ip && c.key.value.eq_ignore_ascii_case("aws:SourceIp");
    if source_ip && private.contains(&true) && private.contains(&false) {
        for (v, _) in c.values.iter().zip(&private).filter(|(_, p)| **p) {
            cx.push(
                Finding::new(
                    "condition-private-ip-subset",
                    v.span,
                    format!("\"{}\" is a private range, which aws:SourceIp never holds.", v.value),
                )
                .help("Move private ranges to aws:VpcSourceIp, which requests through a VPC endpoint carry."),
            );
        }
    }
    if source_ip && !private.is_empty() && private.iter().all(|p| *p) {
        cx.push(
            Finding::new(
                "condition-private-ip",
                c.values_span,
                "aws:SourceIp holds public addresses only; these private ranges never match it.",
            )
            .help("Requests through a VPC endpoint carry aws:VpcSourceIp; use it, or aws:SourceVpc / aws:SourceVpce, instead.")
            .related(c.key.span, "the key"),
        );
    }
}

/// Checks against the catalog: the key exists, its type fits the operator, set operators fit
/// its cardinality, and a service key is supported by one of the statement's actions.
fn keys(cx: &mut Cx<'_>, catalog: &Catalog, s: &Statement, c: &ConditionEntry, op: Operator) {
    let key = c.key.value.as_str();
    let Some((prefix, _)) = key.split_once(':') else {
        return;
    };
    let Some(found) = catalog.condition_key(key) else {
        if prefix.eq_ignore_ascii_case("aws") {
            cx.push(
                Finding::new(
                    "condition-unknown-global-key",
                    c.key.span,
                    format!("\"{key}\" is not an AWS global condition key, so the condition never matches."),
                )
                .help(suggest(catalog, key)),
            );
        } else if catalog.service(prefix).is_some() && !key.contains('/') {
            // Keys with a `/` name a tag or attribute (`s3:ExistingObjectTag/team`); the
            // catalog does not list every family of those, so they are not reported.
            cx.push(
                Finding::new(
                    "condition-unknown-service-key",
                    c.key.span,
                    format!("{prefix} has no condition key \"{key}\"."),
                )
                .help(suggest(catalog, key)),
            );
        }
        return;
    };
    let key_type = found.key_type();
    if op.family != Family::Null {
        let fits = match key_type.value_type() {
            // AWS itself applies ArnLike to String keys that hold ARNs (such as
            // kms:EncryptionContext:aws:s3:arn), so ARN operators are accepted there.
            ConditionValueType::String => matches!(op.family, Family::String | Family::Arn),
            ConditionValueType::Arn => matches!(op.family, Family::Arn | Family::String),
            ConditionValueType::Numeric => op.family == Family::Numeric,
            ConditionValueType::Date => op.family == Family::Date,
            ConditionValueType::Bool => op.family == Family::Bool,
            ConditionValueType::IpAddress => op.family == Family::Ip,
            ConditionValueType::Binary => op.family == Family::Binary,
        };
        if !fits {
            cx.push(
                Finding::new(
                    "condition-operator-type-mismatch",
                    c.operator.span,
                    format!(
                        "{} compares {} values, but {} is of type {}.",
                        op.base,
                        family_name(op.family),
                        found.name(),
                        key_type
                    ),
                )
                .help(format!(
                    "Use an operator for {} values.",
                    key_type.value_type().as_str()
                ))
                .related(c.key.span, "the key"),
            );
        }
        match (op.set, key_type.is_array()) {
            (Some(SetOp::ForAllValues), false) => cx.push(
                Finding::new(
                    "condition-forallvalues-single-valued",
                    c.operator.span,
                    format!("{} is single-valued: ForAllValues is also true when the key is absent, which can grant more than intended.", found.name()),
                )
                .help(format!("Write \"{}\" without ForAllValues:.", c.operator.value.trim_start_matches("ForAllValues:")))
                .related(c.key.span, "the key"),
            ),
            (Some(SetOp::ForAnyValue), false) => cx.push(
                Finding::new(
                    "condition-foranyvalue-single-valued",
                    c.operator.span,
                    format!("{} is single-valued, so ForAnyValue adds nothing.", found.name()),
                )
                .help(format!("Write \"{}\".", c.operator.value.trim_start_matches("ForAnyValue:")))
                .related(c.key.span, "the key"),
            ),
            (None, true) => cx.push(
                Finding::new(
                    "condition-missing-set-operator",
                    c.operator.span,
                    format!("{} can hold several values; without ForAllValues: or ForAnyValue: the result depends on AWS's handling of sets.", found.name()),
                )
                .help(format!("Write \"ForAnyValue:{0}\" (any value matches) or \"ForAllValues:{0}\" (every value matches).", c.operator.value))
                .related(c.key.span, "the key"),
            ),
            _ => {}
        }
    }
    // A service key none of the statement's actions supports makes a positive condition fail.
    // Keys with a `/` (tag and attribute families) are left out: the catalog lists them for
    // fewer actions than AWS supports them.
    if found.is_global() || catalog.service(prefix).is_none() || key.contains('/') {
        return;
    }
    let Some(actions) = &s.action else { return };
    if actions.negated || actions.items.iter().any(|a| a.value == "*") {
        return;
    }
    let mut any_action = false;
    for item in &actions.items {
        let expanded = if has_wildcard(&item.value) {
            catalog.expand(&item.value)
        } else {
            catalog.action(&item.value).into_iter().collect()
        };
        for a in expanded {
            any_action = true;
            if a.supports_condition_key(key) {
                return;
            }
        }
    }
    if any_action {
        cx.push(
            Finding::new(
                "condition-key-not-for-actions",
                c.key.span,
                format!("No action of the statement supports {}, so the key is never in the request.", found.name()),
            )
            .help("Use a key the actions support (see their Service Authorization Reference page), or a global aws: key.")
            .related(actions.span, "the statement's actions"),
        );
    }
}

fn suggest(catalog: &Catalog, key: &str) -> String {
    match catalog.search_condition_keys(key, 1).first() {
        Some(k) => format!("Did you mean \"{}\"?", k.name()),
        None => "Check the key in the Service Authorization Reference.".to_owned(),
    }
}

fn family_name(f: Family) -> &'static str {
    match f {
        Family::String => "String",
        Family::Numeric => "Numeric",
        Family::Date => "Date",
        Family::Bool => "Bool",
        Family::Binary => "Binary",
        Family::Ip => "IPAddress",
        Family::Arn => "ARN",
        Family::Null => "Null",
    }
}

/// An address and prefix length from `a.b.c.d[/n]` or an IPv6 address with optional `/n`.
fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let addr: IpAddr = addr.parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse::<u8>().ok()?
        }
        Some(_) => return None,
        None => max,
    };
    (prefix <= max).then_some((addr, prefix))
}

fn bits(addr: IpAddr) -> (u128, u8) {
    match addr {
        IpAddr::V4(a) => (u128::from(u32::from(a)), 32),
        IpAddr::V6(a) => (u128::from(a), 128),
    }
}

fn has_host_bits(addr: IpAddr, prefix: u8) -> bool {
    let (value, width) = bits(addr);
    let host = u32::from(width.saturating_sub(prefix));
    let mask = 1u128.checked_shl(host).map_or(u128::MAX, |m| m - 1);
    value & mask != 0
}

/// Whether the whole block lies in a private, loopback or link-local range.
fn is_private(addr: IpAddr, prefix: u8) -> bool {
    let (value, width) = bits(addr);
    let blocks: &[(u128, u8)] = if width == 32 {
        &[
            (0x0a00_0000, 8),
            (0xac10_0000, 12),
            (0xc0a8_0000, 16),
            (0x7f00_0000, 8),
            (0xa9fe_0000, 16),
        ]
    } else {
        &[(0xfc00 << 112, 7), (0xfe80 << 112, 10), (1, 128)]
    };
    blocks.iter().any(|&(block, len)| {
        let host = u32::from(width - len);
        prefix >= len && (value >> host) == (block >> host)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_parse_with_prefixes_and_suffixes() {
        assert!(parse_operator("ForAnyValue:StringLikeIfExists").is_some_and(|o| o.like));
        assert!(parse_operator("NullIfExists").is_none());
        assert!(parse_operator("ForAllValues:Null").is_none());
        assert!(parse_operator("stringequals").is_none());
    }

    #[test]
    fn cidr_blocks() {
        assert!(parse_cidr("203.0.113.0/24").is_some() && parse_cidr("2001:db8::/32").is_some());
        assert!(parse_cidr("10.0.0.0/33").is_none() && parse_cidr("300.1.1.1").is_none());
        let (a, p) = parse_cidr("10.1.2.3/8").unwrap();
        assert!(has_host_bits(a, p) && is_private(a, p));
        let (a, p) = parse_cidr("8.0.0.0/8").unwrap();
        assert!(!has_host_bits(a, p) && !is_private(a, p));
        let (a, p) = parse_cidr("10.0.0.0/7").unwrap();
        assert!(!is_private(a, p));
        let (a, p) = parse_cidr("fd00::/8").unwrap();
        assert!(is_private(a, p));
    }
}
