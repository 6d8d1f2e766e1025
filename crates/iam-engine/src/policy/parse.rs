//! The policy grammar, checked per policy type on top of the spanned JSON tree.
//!
//! Rules and their sources (IAM User Guide `reference_policies_grammar.html` and the element
//! pages; AWS Organizations `orgs_manage_policies_scps_syntax.html` and
//! `orgs_manage_policies_rcps_syntax.html`):
//! - `Statement` is an object or an array of objects; list elements may be a bare string.
//! - `Effect` is exactly `Allow` or `Deny`; `Version` is `2012-10-17` or `2008-10-17` (RCPs
//!   require `2012-10-17`); element names are case-sensitive.
//! - Exactly one of `Action`/`NotAction`; exactly one of `Resource`/`NotResource` (trust
//!   policies may omit it, the role being the resource).
//! - `Principal`/`NotPrincipal` are forbidden in identity policies, permissions boundaries,
//!   session policies and SCPs, and one of them is required in resource-based and trust
//!   policies and RCPs. `NotPrincipal` needs `"Effect": "Deny"` and is not supported in trust
//!   policies, SCPs or RCPs.
//! - SCPs support the full IAM language since September 2025 (conditions, `NotAction` and
//!   resource ARNs in Allow statements), except principals.
//! - RCPs: `Principal` must be `"*"`, `NotAction` is not supported and `Allow` is supported only
//!   in AWS's `RCPFullAWSAccess` policy (`Allow` of `*` on `*` for `*`).
//! - IAM policy text may contain only U+0009, U+000A, U+000D and U+0020–U+00FF
//!   (`reference_iam-quotas.html`); resource policies belong to other services and are exempt.
//! - Condition values may be strings, numbers or booleans (AWS reads `true` and `3600` as the
//!   strings `"true"` and `"3600"`), or arrays of them.
//!
//! Duplicate keys: the JSON front end warns; this layer uses the last occurrence of an element
//! (what common JSON parsers do), and the warning says so.

use crate::diagnostic::{Diagnostic, Severity};
use crate::json::{self, Kind, Member, Value};
use crate::span::Span;

use super::{
    ConditionEntry, Effect, ListElement, PolicyDocument, PolicyType, PolicyVersion,
    PrincipalElement, PrincipalKind, PrincipalValue, Spanned, Statement,
};

/// The result of parsing a policy: the recovered document and every diagnostic, JSON and
/// grammar alike, sorted by position.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ParsedPolicy {
    /// The document as far as it could be understood.
    pub document: PolicyDocument,
    /// Everything wrong with the text.
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedPolicy {
    /// Whether any diagnostic is an error (AWS would reject the policy).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and checks a policy of the given type. Never fails and never panics.
pub fn parse_policy(text: &str, policy_type: PolicyType) -> ParsedPolicy {
    parse(text, policy_type, true)
}

/// [`parse_policy`]'s document, for a caller that drops the diagnostics (the compile cache):
/// the same document, without the pass over every character that only reports characters IAM
/// does not accept.
pub(crate) fn parse_policy_document(text: &str, policy_type: PolicyType) -> PolicyDocument {
    parse(text, policy_type, false).document
}

fn parse(text: &str, policy_type: PolicyType, charset: bool) -> ParsedPolicy {
    let parsed = json::parse(text);
    let mut diags = parsed.diagnostics;
    let mut doc = PolicyDocument {
        policy_type,
        version: None,
        id: None,
        statements: Vec::new(),
        span: Span::new(0, text.len()),
    };
    if let Some(root) = &parsed.value {
        let mut cx = Cx {
            policy_type,
            version: PolicyVersion::V2008_10_17,
            diags: &mut diags,
        };
        cx.document(root, &mut doc);
        if charset
            && matches!(
                policy_type,
                PolicyType::Identity
                    | PolicyType::PermissionsBoundary
                    | PolicyType::Session
                    | PolicyType::Trust
            )
        {
            check_charset(text, &mut diags);
        }
    }
    diags.sort_by_key(|d| (d.span.start, d.span.end));
    ParsedPolicy {
        document: doc,
        diagnostics: diags,
    }
}

/// Reports characters outside the set IAM accepts in policy text, one diagnostic per run,
/// at most ten.
fn check_charset(text: &str, diags: &mut Vec<Diagnostic>) {
    let mut reported = 0;
    let mut run: Option<(usize, usize)> = None;
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}' | '\u{feff}');
    let mut flush = |run: &mut Option<(usize, usize)>, diags: &mut Vec<Diagnostic>| {
        if let Some((s, e)) = run.take() {
            if reported < 10 {
                diags.push(
                    Diagnostic::error(
                        "policy-bad-character",
                        Span::new(s, e),
                        "IAM policies may contain only tab, line feed, carriage return and characters U+0020 to U+00FF.",
                    )
                    .with_help("Remove the character or replace it with an ASCII equivalent."),
                );
            }
            reported += 1;
        }
    };
    for (i, c) in text.char_indices() {
        if allowed(c) {
            flush(&mut run, diags);
        } else {
            let end = i + c.len_utf8();
            run = Some(run.map_or((i, end), |(s, _)| (s, end)));
        }
    }
    flush(&mut run, diags);
}

/// A diagnostic being built; pushed into the list when dropped.
struct Pending<'a> {
    diag: Option<Diagnostic>,
    sink: &'a mut Vec<Diagnostic>,
}

impl Pending<'_> {
    /// Adds a help text (the diagnostic is recorded when `self` drops).
    fn help(mut self, help: impl Into<String>) {
        if let Some(d) = self.diag.as_mut() {
            d.help = Some(help.into());
        }
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if let Some(d) = self.diag.take() {
            self.sink.push(d);
        }
    }
}

struct Cx<'a> {
    policy_type: PolicyType,
    /// The document's language version, which decides whether `${...}` is a variable.
    version: PolicyVersion,
    diags: &'a mut Vec<Diagnostic>,
}

/// The elements a policy document may have, in the order AWS documents them.
pub(crate) const TOP_ELEMENTS: &[&str] = &["Version", "Id", "Statement"];
/// The elements a statement may have, in the order AWS documents them.
pub(crate) const STATEMENT_ELEMENTS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// The last member with each name, reporting unknown names (with a case-insensitive hint).
fn pick<'v>(
    members: &'v [Member],
    known: &[&'static str],
    where_: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(&'static str, &'v Member)> {
    let mut out: Vec<(&'static str, &'v Member)> = Vec::new();
    for m in members {
        if let Some(&name) = known.iter().find(|k| **k == m.key) {
            out.retain(|(n, _)| *n != name);
            out.push((name, m));
        } else {
            let mut d = Diagnostic::error(
                "policy-unknown-element",
                m.key_span,
                format!("\"{}\" is not a valid {where_} element.", m.key),
            );
            if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(&m.key)) {
                d = d.with_help(format!("Element names are case-sensitive: write \"{k}\"."));
            } else {
                d = d.with_help(format!("Valid elements: {}.", known.join(", ")));
            }
            diags.push(d);
        }
    }
    out
}

fn get<'v>(picked: &[(&'static str, &'v Member)], name: &str) -> Option<&'v Member> {
    picked.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
}

impl Cx<'_> {
    /// Starts an error diagnostic; it is recorded when the returned guard is dropped, so a
    /// caller can set `.help` on it in the same statement.
    fn err(&mut self, code: &str, span: Span, message: impl Into<String>) -> Pending<'_> {
        Pending {
            diag: Some(Diagnostic::error(code, span, message)),
            sink: self.diags,
        }
    }

    fn type_error(&mut self, v: &Value, expected: &str, element: &str) {
        self.diags.push(Diagnostic::error(
            "policy-wrong-type",
            v.span,
            format!(
                "{element} must be {expected}, not {} {}.",
                article(v.type_name()),
                v.type_name()
            ),
        ));
    }

    fn document(&mut self, root: &Value, doc: &mut PolicyDocument) {
        let Some(members) = root.as_object() else {
            if !matches!(root.kind, Kind::Invalid) {
                self.type_error(root, "a JSON object", "A policy document");
            }
            return;
        };
        doc.span = root.span;
        let picked = pick(members, TOP_ELEMENTS, "policy", self.diags);
        match get(&picked, "Version") {
            Some(m) => match m.value.as_str() {
                Some("2012-10-17") => {
                    doc.version = Some(Spanned::new(PolicyVersion::V2012_10_17, m.value.span))
                }
                Some("2008-10-17") => {
                    doc.version = Some(Spanned::new(PolicyVersion::V2008_10_17, m.value.span));
                    if self.policy_type == PolicyType::Rcp {
                        self.err(
                            "policy-bad-version",
                            m.value.span,
                            "Resource control policies require Version \"2012-10-17\".",
                        );
                    } else {
                        self.diags.push(
                            Diagnostic::warning(
                                "policy-old-version",
                                m.value.span,
                                "Version 2008-10-17 treats ${...} policy variables as literal text.",
                            )
                            .with_help("Use \"2012-10-17\", the current policy language."),
                        );
                    }
                }
                Some(other) => {
                    let msg = format!(
                        "\"{other}\" is not a policy language version; use \"2012-10-17\"."
                    );
                    self.err("policy-bad-version", m.value.span, msg)
                        .help("Version is a fixed date, not the date you wrote the policy.");
                }
                None => self.type_error(&m.value, "a string", "Version"),
            },
            None => {
                let d = Diagnostic::warning(
                    "policy-missing-version",
                    Span::new(root.span.start, (root.span.start + 1).min(root.span.end)),
                    "The policy has no Version, so AWS uses 2008-10-17 and ${...} policy variables are literal text.",
                )
                .with_help("Add \"Version\": \"2012-10-17\".");
                let d = if self.policy_type == PolicyType::Rcp {
                    d.with_severity(Severity::Error)
                } else {
                    d
                };
                self.diags.push(d);
            }
        }
        self.version = doc
            .version
            .as_ref()
            .map_or(PolicyVersion::V2008_10_17, |v| v.value);
        if let Some(m) = get(&picked, "Id") {
            match m.value.as_str() {
                Some(s) => doc.id = Some(Spanned::new(s.to_string(), m.value.span)),
                None => self.type_error(&m.value, "a string", "Id"),
            }
        }
        let Some(stmt) = get(&picked, "Statement") else {
            self.err(
                "policy-missing-statement",
                Span::new(root.span.start, (root.span.start + 1).min(root.span.end)),
                "The policy has no Statement element.",
            );
            return;
        };
        match &stmt.value.kind {
            Kind::Object(_) => {
                if let Some(s) = self.statement(&stmt.value, 0) {
                    doc.statements.push(s);
                }
            }
            Kind::Array(items) => {
                if items.is_empty() {
                    self.err(
                        "policy-empty-statement",
                        stmt.value.span,
                        "The Statement list is empty.",
                    );
                }
                for (i, item) in items.iter().enumerate() {
                    if let Some(s) = self.statement(item, i) {
                        doc.statements.push(s);
                    }
                }
            }
            Kind::Invalid => {}
            _ => self.type_error(&stmt.value, "an object or an array of objects", "Statement"),
        }
        // Sids must be unique within a policy; the first use of each is found by hashing, not
        // by comparing every pair of statements.
        let mut first_use: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
        for s in &doc.statements {
            let Some(sid) = &s.sid else { continue };
            if sid.value.is_empty() {
                continue;
            }
            let first = *first_use.entry(sid.value.as_str()).or_insert(sid.span);
            if first != sid.span {
                self.diags.push(
                    Diagnostic::error(
                        "policy-duplicate-sid",
                        sid.span,
                        format!(
                            "The Sid \"{}\" is used by more than one statement.",
                            sid.value
                        ),
                    )
                    .with_related(first, "first used here"),
                );
            }
        }
    }

    fn statement(&mut self, v: &Value, index: usize) -> Option<Statement> {
        let Some(members) = v.as_object() else {
            if !matches!(v.kind, Kind::Invalid) {
                self.type_error(v, "an object", "A statement");
            }
            return None;
        };
        let errors_before = self.error_count();
        let picked = pick(members, STATEMENT_ELEMENTS, "statement", self.diags);
        let mut s = Statement {
            index,
            sid: None,
            effect: None,
            principal: None,
            action: None,
            resource: None,
            condition: Vec::new(),
            condition_span: None,
            span: v.span,
            has_errors: false,
        };
        let head = Span::new(v.span.start, (v.span.start + 1).min(v.span.end));

        if let Some(m) = get(&picked, "Sid") {
            match m.value.as_str() {
                Some(sid) => {
                    let strict = !matches!(
                        self.policy_type,
                        PolicyType::Resource | PolicyType::VpcEndpoint
                    );
                    if strict && !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
                        self.diags.push(
                            Diagnostic::error(
                                "policy-bad-sid",
                                m.value.span,
                                "A Sid may contain only ASCII letters and digits.",
                            )
                            .with_help("Remove spaces, dashes and other punctuation."),
                        );
                    }
                    s.sid = Some(Spanned::new(sid.to_string(), m.value.span));
                }
                None => self.type_error(&m.value, "a string", "Sid"),
            }
        }

        match get(&picked, "Effect") {
            Some(m) => match m.value.as_str() {
                Some("Allow") => s.effect = Some(Spanned::new(Effect::Allow, m.value.span)),
                Some("Deny") => s.effect = Some(Spanned::new(Effect::Deny, m.value.span)),
                Some(other) => {
                    let help = if other.eq_ignore_ascii_case("allow") {
                        "Effect is case-sensitive: write \"Allow\"."
                    } else if other.eq_ignore_ascii_case("deny") {
                        "Effect is case-sensitive: write \"Deny\"."
                    } else {
                        "Write \"Allow\" or \"Deny\"."
                    };
                    self.err(
                        "policy-bad-effect",
                        m.value.span,
                        format!("\"{other}\" is not a valid Effect."),
                    )
                    .help(help);
                }
                None => self.type_error(&m.value, "a string", "Effect"),
            },
            None => {
                self.err(
                    "policy-missing-effect",
                    head,
                    "The statement has no Effect.",
                )
                .help("Add \"Effect\": \"Allow\" or \"Effect\": \"Deny\".");
            }
        }

        s.action = self.pair(&picked, "Action", "NotAction", head, true);
        if let Some(a) = &s.action {
            for item in &a.items {
                check_action(&item.value, item.span, self.diags);
            }
        }
        let resource_required = !matches!(self.policy_type, PolicyType::Trust | PolicyType::Scp);
        s.resource = self.pair(&picked, "Resource", "NotResource", head, resource_required);
        if let Some(r) = &s.resource {
            for item in &r.items {
                check_resource(&item.value, item.span, self.diags);
                check_template(&item.value, item.span, self.version, self.diags);
            }
        }
        if s.resource.is_none() && matches!(self.policy_type, PolicyType::Scp) {
            // SCP statements without Resource apply to all resources.
            s.resource = Some(ListElement {
                negated: false,
                items: vec![Spanned::new("*".to_string(), head)],
                span: head,
                key_span: head,
            });
        }

        self.principal(&picked, &mut s, head);

        if let Some(m) = get(&picked, "Condition") {
            s.condition_span = Some(m.value.span);
            s.condition = self.condition(&m.value);
        }

        self.type_rules(&mut s, head);
        s.has_errors = self.error_count() > errors_before;
        Some(s)
    }

    fn error_count(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    /// Reads `Action`/`NotAction` (or the Resource pair), reporting both-present and missing.
    fn pair(
        &mut self,
        picked: &[(&'static str, &Member)],
        pos: &str,
        neg: &str,
        head: Span,
        required: bool,
    ) -> Option<ListElement> {
        let p = get(picked, pos);
        let n = get(picked, neg);
        if let (Some(p), Some(n)) = (p, n) {
            self.diags.push(
                Diagnostic::error(
                    "policy-both-elements",
                    n.key_span,
                    format!("A statement cannot have both {pos} and {neg}."),
                )
                .with_related(p.key_span, format!("{pos} is here")),
            );
        }
        let (m, negated) = match (p, n) {
            (Some(m), _) => (m, false),
            (None, Some(m)) => (m, true),
            (None, None) => {
                if required {
                    self.err(
                        "policy-missing-element",
                        head,
                        format!("The statement needs {pos} or {neg}."),
                    );
                }
                return None;
            }
        };
        let name = if negated { neg } else { pos };
        let items = self.string_list(&m.value, name);
        Some(ListElement {
            negated,
            items,
            span: m.value.span,
            key_span: m.key_span,
        })
    }

    /// A string or an array of strings.
    fn string_list(&mut self, v: &Value, element: &str) -> Vec<Spanned<String>> {
        match &v.kind {
            Kind::String(s) => vec![Spanned::new(s.clone(), v.span)],
            Kind::Array(items) => {
                if items.is_empty() {
                    self.err(
                        "policy-empty-list",
                        v.span,
                        format!("{element} is an empty list, so the statement matches nothing."),
                    );
                }
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match &item.kind {
                        Kind::String(s) => out.push(Spanned::new(s.clone(), item.span)),
                        Kind::Invalid => {}
                        _ => self.type_error(item, "a string", &format!("Each {element} entry")),
                    }
                }
                out
            }
            Kind::Invalid => Vec::new(),
            _ => {
                self.type_error(v, "a string or an array of strings", element);
                Vec::new()
            }
        }
    }

    fn principal(&mut self, picked: &[(&'static str, &Member)], s: &mut Statement, head: Span) {
        let p = get(picked, "Principal");
        let n = get(picked, "NotPrincipal");
        let kind = self.policy_type;
        if let (Some(p), Some(n)) = (p, n) {
            self.diags.push(
                Diagnostic::error(
                    "policy-both-elements",
                    n.key_span,
                    "A statement cannot have both Principal and NotPrincipal.",
                )
                .with_related(p.key_span, "Principal is here"),
            );
        }
        let Some((m, negated)) = p.map(|m| (m, false)).or(n.map(|m| (m, true))) else {
            if kind.takes_principal() {
                self.err(
                    "policy-missing-principal",
                    head,
                    format!(
                        "A statement in a {} must name a Principal.",
                        kind.describe()
                    ),
                )
                .help("Without a Principal the statement applies to no one; add \"Principal\".");
            }
            return;
        };
        let name = if negated { "NotPrincipal" } else { "Principal" };
        if !kind.takes_principal() {
            self.err(
                "policy-principal-not-allowed",
                m.key_span,
                format!("{name} is not allowed in {} {}.", article(kind.describe()), kind.describe()),
            )
            .help(match kind {
                PolicyType::Scp => "SCPs apply to every principal in the account; use a condition on aws:PrincipalArn to single some out.",
                _ => "The policy applies to the identity it is attached to; remove the element.",
            });
            // The element is ignored for evaluation: the attachment decides the principal.
            return;
        }
        if negated {
            if matches!(kind, PolicyType::Trust | PolicyType::Rcp) {
                self.err(
                    "policy-notprincipal-not-allowed",
                    m.key_span,
                    format!(
                        "NotPrincipal is not supported in {} {}.",
                        article(kind.describe()),
                        kind.describe()
                    ),
                );
            }
            if s.effect.as_ref().map(|e| e.value) == Some(Effect::Allow) {
                self.err(
                    "policy-notprincipal-allow",
                    m.key_span,
                    "NotPrincipal can be used only with \"Effect\": \"Deny\".",
                )
                .help("Use Principal with a condition on aws:PrincipalArn instead.");
            } else {
                self.diags.push(
                    Diagnostic::warning(
                        "policy-notprincipal-boundary-trap",
                        m.key_span,
                        "A Deny with NotPrincipal denies every principal that has a permissions boundary, even one it names.",
                    )
                    .with_help("Use Principal \"*\" with an ArnNotEquals condition on aws:PrincipalArn."),
                );
            }
        }
        let value = match &m.value.kind {
            Kind::String(t) if t == "*" => PrincipalValue::Anyone,
            Kind::String(t) => {
                self.err(
                    "policy-bad-principal",
                    m.value.span,
                    format!("\"{t}\" is not a valid {name}: write \"*\" or an object such as {{\"AWS\": \"...\"}}."),
                );
                PrincipalValue::Map(Vec::new())
            }
            Kind::Object(members) => {
                let mut out = Vec::new();
                for pm in members {
                    let pk = match pm.key.as_str() {
                        "AWS" => PrincipalKind::Aws,
                        "Service" => PrincipalKind::Service,
                        "Federated" => PrincipalKind::Federated,
                        "CanonicalUser" => PrincipalKind::CanonicalUser,
                        other => {
                            self.err(
                                "policy-bad-principal-type",
                                pm.key_span,
                                format!("\"{other}\" is not a principal type."),
                            )
                            .help("Use AWS, Service, Federated or CanonicalUser.");
                            continue;
                        }
                    };
                    let items = self.string_list(&pm.value, &pm.key);
                    if pk == PrincipalKind::Aws {
                        for item in &items {
                            check_aws_principal(&item.value, item.span, self.diags);
                        }
                    }
                    out.push((pk, items));
                }
                PrincipalValue::Map(out)
            }
            Kind::Invalid => PrincipalValue::Map(Vec::new()),
            _ => {
                self.type_error(&m.value, "\"*\" or an object", name);
                PrincipalValue::Map(Vec::new())
            }
        };
        if kind == PolicyType::Rcp && !negated && value != PrincipalValue::Anyone {
            self.err(
                "policy-rcp-principal",
                m.value.span,
                "In a resource control policy, Principal must be \"*\".",
            )
            .help("Restrict principals with conditions such as aws:PrincipalOrgID.");
        }
        s.principal = Some(PrincipalElement {
            negated,
            value,
            span: m.value.span,
            key_span: m.key_span,
        });
    }

    fn condition(&mut self, v: &Value) -> Vec<ConditionEntry> {
        let Some(ops) = v.as_object() else {
            if !matches!(v.kind, Kind::Invalid) {
                self.type_error(v, "an object of operators", "Condition");
            }
            return Vec::new();
        };
        let mut out = Vec::new();
        for op in ops {
            let Some(keys) = op.value.as_object() else {
                if !matches!(op.value.kind, Kind::Invalid) {
                    self.type_error(
                        &op.value,
                        "an object of condition keys",
                        &format!("The {} block", op.key),
                    );
                }
                continue;
            };
            if keys.is_empty() {
                self.diags.push(Diagnostic::warning(
                    "policy-empty-condition",
                    op.value.span,
                    format!("The {} block names no condition key.", op.key),
                ));
            }
            for k in keys {
                let values = self.condition_values(&k.value);
                self.check_condition(&op.key, op.key_span, &k.key, &values);
                out.push(ConditionEntry {
                    operator: Spanned::new(op.key.clone(), op.key_span),
                    key: Spanned::new(k.key.clone(), k.key_span),
                    values,
                    values_span: k.value.span,
                });
            }
        }
        out
    }

    /// Reports an unknown operator (once per operator block) and policy values the operator
    /// cannot read (bad numbers, dates, addresses, booleans, base64, ARNs, variables).
    fn check_condition(
        &mut self,
        operator: &str,
        operator_span: Span,
        key: &str,
        values: &[Spanned<String>],
    ) {
        let texts: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
        let compiled =
            crate::condition::CompiledCondition::new(operator, key, &texts, self.version);
        match compiled.operator() {
            Err(e) => {
                if !self
                    .diags
                    .iter()
                    .any(|d| d.span == operator_span && d.code.ends_with(e.code))
                {
                    let mut d = Diagnostic::error(
                        format!("policy-{}", e.code),
                        operator_span,
                        e.message.clone(),
                    );
                    if e.code == "unknown-operator" {
                        d = d.with_help("Operator names are case-sensitive, e.g. StringEquals, ForAnyValue:StringLike, ArnLikeIfExists.");
                    }
                    self.diags.push(d);
                }
            }
            Ok(_) => {
                for e in compiled.policy_value_errors() {
                    let Some(v) = values.get(e.index) else {
                        continue;
                    };
                    let span = match e.span {
                        Some(inner) => {
                            let start = (v.span.start + 1 + inner.start).min(v.span.end);
                            Span::new(
                                start,
                                (v.span.start + 1 + inner.end).clamp(start, v.span.end),
                            )
                        }
                        None => v.span,
                    };
                    let mut d = Diagnostic::error(format!("policy-{}", e.code), span, e.message);
                    if e.code.ends_with("-variable") || e.code.ends_with("-default") {
                        d = d.with_help(
                            "Write a variable as ${key} or ${key, 'default'}; ${$} is a literal $.",
                        );
                    }
                    self.diags.push(d);
                }
            }
        }
    }

    fn condition_values(&mut self, v: &Value) -> Vec<Spanned<String>> {
        let scalar = |cx: &mut Self, v: &Value| -> Option<Spanned<String>> {
            match &v.kind {
                Kind::String(s) => Some(Spanned::new(s.clone(), v.span)),
                Kind::Number(n) => Some(Spanned::new(n.clone(), v.span)),
                Kind::Bool(b) => Some(Spanned::new(b.to_string(), v.span)),
                Kind::Invalid => None,
                _ => {
                    cx.type_error(v, "a string, number or boolean", "A condition value");
                    None
                }
            }
        };
        match &v.kind {
            Kind::Array(items) => {
                if items.is_empty() {
                    self.diags.push(Diagnostic::warning(
                        "policy-empty-condition-values",
                        v.span,
                        "This condition lists no values, so positive operators never match it.",
                    ));
                }
                items.iter().filter_map(|i| scalar(self, i)).collect()
            }
            _ => scalar(self, v).into_iter().collect(),
        }
    }

    /// Rules that depend on the policy type beyond principals.
    fn type_rules(&mut self, s: &mut Statement, head: Span) {
        if self.policy_type != PolicyType::Rcp {
            return;
        }
        if let Some(a) = &s.action
            && a.negated
        {
            self.err(
                "policy-rcp-notaction",
                a.key_span,
                "NotAction is not supported in resource control policies.",
            );
        }
        if let Some(e) = &s.effect
            && e.value == Effect::Allow
        {
            let full_access = s.condition.is_empty()
                && s.principal
                    .as_ref()
                    .is_some_and(|p| p.value == PrincipalValue::Anyone)
                && s.action.as_ref().is_some_and(all_star)
                && s.resource.as_ref().is_some_and(all_star);
            if !full_access {
                self.err(
                    "policy-rcp-allow",
                    e.span,
                    "Resource control policies support Allow only in AWS's RCPFullAWSAccess policy.",
                )
                .help("RCPs restrict access: write Deny statements.");
            }
        }
        let _ = head;
    }
}

fn all_star(l: &ListElement) -> bool {
    !l.negated && !l.items.is_empty() && l.items.iter().all(|i| i.value == "*")
}

fn article(type_name: &str) -> &'static str {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Checks the shape `service:action` (wildcards allowed) or `*`.
fn check_action(action: &str, span: Span, diags: &mut Vec<Diagnostic>) {
    if action == "*" {
        return;
    }
    if action.contains([',', ' ']) {
        diags.push(
            Diagnostic::error(
                "policy-bad-action",
                span,
                format!("\"{action}\" contains a comma or a space, so it matches no action."),
            )
            .with_help("Write each action as its own string in a list."),
        );
        return;
    }
    let Some((service, name)) = action.split_once(':') else {
        diags.push(
            Diagnostic::error(
                "policy-bad-action",
                span,
                format!("\"{action}\" is not of the form service:Action."),
            )
            .with_help("Prefix the action with its service, for example \"s3:GetObject\"."),
        );
        return;
    };
    let service_ok = !service.is_empty()
        && service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '*' || c == '?');
    if !service_ok || name.is_empty() || name.contains(':') {
        diags.push(Diagnostic::error(
            "policy-bad-action",
            span,
            format!("\"{action}\" is not of the form service:Action."),
        ));
    }
}

/// Reports a malformed `${...}` policy variable. The template's offsets are inside the
/// decoded string; they are shifted past the opening quote, which is exact unless the string
/// uses escapes before the variable.
fn check_template(text: &str, span: Span, version: PolicyVersion, diags: &mut Vec<Diagnostic>) {
    if !text.contains("${") {
        return;
    }
    if let Err(e) = crate::variables::Template::parse(text, version) {
        let start = (span.start + 1 + e.span.start).min(span.end);
        let end = (span.start + 1 + e.span.end).clamp(start, span.end);
        diags.push(
            Diagnostic::error(
                format!("policy-{}", e.code),
                Span::new(start, end),
                e.message,
            )
            .with_help("Write a variable as ${key} or ${key, 'default'}; ${$} is a literal $."),
        );
    }
}

/// Checks that a resource is `*` or an ARN (wildcards and variables allowed).
fn check_resource(resource: &str, span: Span, diags: &mut Vec<Diagnostic>) {
    if resource == "*" || resource.starts_with("arn:") || resource.starts_with("${") {
        if resource.starts_with("arn:") && resource.split(':').count() < 6 {
            diags.push(
                Diagnostic::error(
                    "policy-bad-resource",
                    span,
                    format!("\"{resource}\" has fewer than six colon-separated ARN parts."),
                )
                .with_help("An ARN reads arn:partition:service:region:account:resource."),
            );
        }
        return;
    }
    diags.push(
        Diagnostic::error(
            "policy-bad-resource",
            span,
            format!("\"{resource}\" is neither \"*\" nor an ARN."),
        )
        .with_help("Resources are ARNs such as \"arn:aws:s3:::bucket/*\"."),
    );
}

/// Checks an `AWS` principal: `*`, a 12-digit account, or an IAM/STS ARN.
fn check_aws_principal(p: &str, span: Span, diags: &mut Vec<Diagnostic>) {
    if p == "*" || (p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit())) {
        return;
    }
    if p.starts_with("arn:") && p.split(':').count() >= 6 {
        return;
    }
    diags.push(
        Diagnostic::error(
            "policy-bad-principal",
            span,
            format!("\"{p}\" is not an AWS account ID, an ARN or \"*\"."),
        )
        .with_help(
            "Write a 12-digit account ID or an ARN such as arn:aws:iam::111122223333:role/Name.",
        ),
    );
}
