//! Findings as a SARIF 2.1.0 log (the Static Analysis Results Interchange Format that code
//! scanning reads), as plain JSON data: the CLI prints it, the tests check it against the
//! schema.
//!
//! - One run, by the tool `iam-playground`. Its rules are the checks the results use, in the
//!   order of [`super::CHECKS`] (then any other code, such as an import error's), each with a
//!   name, a short description (the check's summary), a full description, help text and
//!   `helpUri` (the AWS page the check rests on) and a default level.
//! - Levels: `ERROR` is `error`; `SECURITY_WARNING` and `WARNING` are `warning` (a security
//!   warning's rule is tagged `security`); `SUGGESTION` is `note`. The finding's own severity
//!   is in the result's properties as Access Analyzer's word.
//! - Regions are one-based lines and columns (`endColumn` is one past the last character, as
//!   SARIF counts). Columns count UTF-16 code units, the unit editors and code-scanning
//!   viewers use, and the run says so (`columnKind`): the line's characters (from
//!   [`LineIndex`]) plus one for each character outside the Basic Multilingual Plane.
//! - Artifact locations are the relative URIs the caller gives ([`file_uri`] makes one from a
//!   path relative to the working directory).

use serde_json::{Map, Value, json};

use crate::diagnostic::Severity;
use crate::span::{LineIndex, Span};

use super::{CHECKS, Finding, check};

/// The schema URI a SARIF 2.1.0 log names.
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The tool's name in the log.
pub const TOOL_NAME: &str = "iam-playground";

/// One file's findings, with its text for the regions.
#[derive(Debug, Clone, Copy)]
pub struct Artifact<'a> {
    /// The file's URI: relative to the working directory, `/`-separated, percent-encoded
    /// ([`file_uri`]).
    pub uri: &'a str,
    /// The file's text, which the findings' spans index.
    pub text: &'a str,
    /// Its findings.
    pub findings: &'a [Finding],
}

/// A sentence about the run that is not a finding (a file skipped), with the file it is about.
#[derive(Debug, Clone, Copy)]
pub struct Notice<'a> {
    /// The file, as a URI like [`Artifact::uri`], if the notice is about one.
    pub uri: Option<&'a str>,
    /// The sentence.
    pub message: &'a str,
}

/// The SARIF level of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::SecurityWarning | Severity::Warning => "warning",
        Severity::Suggestion => "note",
    }
}

/// Access Analyzer's word for a severity (`SECURITY_WARNING`).
fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "ERROR",
        Severity::SecurityWarning => "SECURITY_WARNING",
        Severity::Warning => "WARNING",
        Severity::Suggestion => "SUGGESTION",
    }
}

/// A path as a relative URI reference: `\` becomes `/`, a leading `./` goes, and every byte
/// outside RFC 3986's unreserved characters and `/` is percent-encoded.
pub fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut path = path.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `policy-bad-action` as `PolicyBadAction`, a rule's name.
fn rule_name(code: &str) -> String {
    code.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(first) => first.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// The rule object of a code, from the check registry (or a generic one for another code).
fn rule(code: &str, severity: Severity) -> Value {
    let (summary, learn_more, severity, needs_catalog) = match check(code) {
        Some(c) => (c.summary, c.learn_more, c.severity, c.needs_catalog),
        None => (
            "a file that cannot be read",
            super::registry::FALLBACK_LEARN_MORE,
            severity,
            false,
        ),
    };
    let mut first = summary.chars();
    let sentence = match first.next() {
        Some(c) => format!("{}{}.", c.to_uppercase(), first.as_str()),
        None => String::new(),
    };
    let catalog = if needs_catalog {
        " The check uses the AWS action catalog."
    } else {
        ""
    };
    let full = format!(
        "{sentence} IAM Access Analyzer's finding type for it: {}.{catalog}",
        severity_word(severity)
    );
    let help = format!("{sentence} Learn more: {learn_more}");
    let mut tags = vec!["iam"];
    if severity == Severity::SecurityWarning {
        tags.push("security");
    }
    json!({
        "id": code,
        "name": rule_name(code),
        "shortDescription": { "text": sentence },
        "fullDescription": { "text": full },
        "help": { "text": help },
        "helpUri": learn_more,
        "defaultConfiguration": { "level": level(severity) },
        "properties": { "tags": tags },
    })
}

/// Columns in UTF-16 code units for one text.
struct Columns<'a> {
    index: LineIndex<'a>,
    /// The offsets of the characters that take two UTF-16 code units, in order.
    astral: Vec<usize>,
}

impl<'a> Columns<'a> {
    fn new(text: &'a str) -> Self {
        Columns {
            index: LineIndex::new(text),
            astral: text
                .char_indices()
                .filter(|(_, c)| c.len_utf16() == 2)
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// The one-based line and UTF-16 column of a byte offset.
    fn position(&self, offset: usize) -> (usize, usize) {
        let lc = self.index.line_col(offset);
        let line_start = self.index.line_range(lc.line).start;
        let before = |o: usize| self.astral.partition_point(|&a| a < o);
        let extra = before(offset).saturating_sub(before(line_start));
        (lc.line, lc.column + extra)
    }

    /// A SARIF region of a span.
    fn region(&self, span: Span) -> Value {
        let (start_line, start_column) = self.position(span.start);
        let (end_line, end_column) = self.position(span.end.max(span.start));
        json!({
            "startLine": start_line,
            "startColumn": start_column,
            "endLine": end_line,
            "endColumn": end_column,
        })
    }
}

/// The SARIF log of `artifacts`' findings, by `iam-playground` at `version`, with `notices`
/// as the invocation's notifications. Pure data, deterministic: rules, artifacts and results
/// in a stable order.
pub fn sarif_log(artifacts: &[Artifact<'_>], notices: &[Notice<'_>], version: &str) -> Value {
    // Rules: the codes used, in the registry's order, then any other code by name.
    let mut codes: Vec<(&str, Severity)> = Vec::new();
    for a in artifacts {
        for f in a.findings {
            if !codes.iter().any(|(c, _)| *c == f.code) {
                codes.push((f.code.as_str(), f.severity));
            }
        }
    }
    let position = |code: &str| {
        CHECKS
            .iter()
            .position(|c| c.code == code)
            .unwrap_or(CHECKS.len())
    };
    codes.sort_by(|a, b| (position(a.0), a.0).cmp(&(position(b.0), b.0)));
    let rules: Vec<Value> = codes.iter().map(|(c, s)| rule(c, *s)).collect();
    let rule_index = |code: &str| codes.iter().position(|(c, _)| *c == code).unwrap_or(0);

    let mut results = Vec::new();
    for (index, a) in artifacts.iter().enumerate() {
        let columns = Columns::new(a.text);
        let location = |span: Span| {
            json!({
                "physicalLocation": {
                    "artifactLocation": { "uri": a.uri, "index": index },
                    "region": columns.region(span),
                }
            })
        };
        for f in a.findings {
            let mut text = f.message.clone();
            if let Some(help) = &f.help {
                text.push(' ');
                text.push_str(help);
            }
            let mut result = Map::new();
            result.insert("ruleId".into(), json!(f.code));
            result.insert("ruleIndex".into(), json!(rule_index(&f.code)));
            result.insert("level".into(), json!(level(f.severity)));
            result.insert("message".into(), json!({ "text": text }));
            result.insert("locations".into(), json!([location(f.span)]));
            if !f.related.is_empty() {
                let related: Vec<Value> = f
                    .related
                    .iter()
                    .enumerate()
                    .map(|(id, r)| {
                        let mut l = location(r.span);
                        if let Some(o) = l.as_object_mut() {
                            o.insert("id".into(), json!(id + 1));
                            o.insert("message".into(), json!({ "text": r.message }));
                        }
                        l
                    })
                    .collect();
                result.insert("relatedLocations".into(), Value::Array(related));
            }
            result.insert(
                "properties".into(),
                json!({ "severity": severity_word(f.severity), "learnMore": f.learn_more }),
            );
            results.push(Value::Object(result));
        }
    }

    let notifications: Vec<Value> = notices
        .iter()
        .map(|n| {
            let mut o = Map::new();
            o.insert("level".into(), json!("note"));
            o.insert("message".into(), json!({ "text": n.message }));
            if let Some(uri) = n.uri {
                o.insert(
                    "locations".into(),
                    json!([{ "physicalLocation": { "artifactLocation": { "uri": uri } } }]),
                );
            }
            Value::Object(o)
        })
        .collect();
    let mut invocation = Map::new();
    invocation.insert("executionSuccessful".into(), json!(true));
    if !notifications.is_empty() {
        invocation.insert(
            "toolExecutionNotifications".into(),
            Value::Array(notifications),
        );
    }

    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": TOOL_NAME,
                    "version": version,
                    "semanticVersion": version,
                    "rules": rules,
                }
            },
            "invocations": [Value::Object(invocation)],
            "artifacts": artifacts
                .iter()
                .map(|a| json!({ "location": { "uri": a.uri } }))
                .collect::<Vec<_>>(),
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyType;
    use crate::validate::validate;

    #[test]
    fn uris_are_relative_and_percent_encoded() {
        assert_eq!(file_uri("./policies/a b.json"), "policies/a%20b.json");
        assert_eq!(file_uri("dir\\x#y.yaml"), "dir/x%23y.yaml");
        assert_eq!(file_uri("é.json"), "%C3%A9.json");
    }

    #[test]
    fn columns_count_utf16_code_units_and_end_one_past_the_last_character() {
        // "😀" is one code point, two UTF-16 code units, four bytes.
        let text = "ab\n\"😀\" x";
        let c = Columns::new(text);
        let x = text.find('x').unwrap_or_default();
        assert_eq!(c.position(x), (2, 6));
        let region = c.region(Span::new(x, x + 1));
        assert_eq!(region["startColumn"], 6);
        assert_eq!(region["endColumn"], 7);
        // A near miss: the first line has no such character.
        assert_eq!(c.position(1), (1, 2));
    }

    #[test]
    fn a_log_has_one_rule_per_code_and_levels_by_severity() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Sid":""}]}"#;
        let findings = validate(text, PolicyType::Identity, None);
        let log = sarif_log(
            &[Artifact {
                uri: "p.json",
                text,
                findings: &findings,
            }],
            &[],
            "1.2.3",
        );
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(ids, unique);
        assert!(ids.contains(&"security-full-admin"), "{ids:?}");
        let results = run["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), findings.len());
        for r in &results {
            let i = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        let admin = results
            .iter()
            .find(|r| r["ruleId"] == "security-full-admin")
            .cloned()
            .unwrap_or_default();
        assert_eq!(admin["level"], "warning");
        assert_eq!(
            admin["locations"][0]["physicalLocation"]["region"]["startLine"],
            1
        );
        let rule = &rules[admin["ruleIndex"].as_u64().unwrap_or(0) as usize];
        assert!(
            rule["helpUri"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://docs.aws.amazon.com/"))
        );
        assert_eq!(rule["properties"]["tags"][1], "security");
        assert_eq!(run["columnKind"], "utf16CodeUnits");
    }
}
