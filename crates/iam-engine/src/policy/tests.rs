use super::*;
use crate::diagnostic::Diagnostic;

fn codes(text: &str, t: PolicyType) -> Vec<String> {
    parse_policy(text, t)
        .diagnostics
        .into_iter()
        .map(|d: Diagnostic| d.code)
        .collect()
}

#[test]
fn parses_a_simple_identity_policy() {
    let text = r#"{"Version":"2012-10-17","Statement":{"Sid":"A1","Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*"]}}"#;
    let p = parse_policy(text, PolicyType::Identity);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let d = p.document;
    assert_eq!(d.effective_version(), PolicyVersion::V2012_10_17);
    assert_eq!(d.statements.len(), 1);
    let s = &d.statements[0];
    assert_eq!(s.effect.as_ref().unwrap().value, Effect::Allow);
    assert_eq!(s.action.as_ref().unwrap().items[0].value, "s3:GetObject");
    assert_eq!(
        s.action.as_ref().unwrap().items[0].span.slice(text),
        "\"s3:GetObject\""
    );
    assert_eq!(s.label(), "A1");
}

#[test]
fn principal_rules_depend_on_policy_type() {
    let with_principal = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
    assert_eq!(
        codes(with_principal, PolicyType::Identity),
        vec!["policy-principal-not-allowed"]
    );
    assert!(codes(with_principal, PolicyType::Resource).is_empty());
    let without = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    assert_eq!(
        codes(without, PolicyType::Resource),
        vec!["policy-missing-principal"]
    );
    assert_eq!(codes(without, PolicyType::Scp), Vec::<String>::new());
}

#[test]
fn notprincipal_rules() {
    let allow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]}"#;
    assert_eq!(
        codes(allow, PolicyType::Resource),
        vec!["policy-notprincipal-allow"]
    );
    let deny = allow.replace("Allow", "Deny");
    assert_eq!(
        codes(&deny, PolicyType::Resource),
        vec!["policy-notprincipal-boundary-trap"]
    );
    assert_eq!(
        codes(&deny, PolicyType::Trust),
        vec![
            "policy-notprincipal-not-allowed",
            "policy-notprincipal-boundary-trap"
        ]
    );
}

#[test]
fn grammar_errors_are_all_reported() {
    let text = r#"{"Version":"2012-10-18","statement":[],"Statement":[{"Sid":"has space","Effect":"allow","Action":"GetObject","NotAction":"s3:*","Resource":"bucket"}]}"#;
    let c = codes(text, PolicyType::Identity);
    assert_eq!(
        c,
        vec![
            "policy-bad-version",
            "policy-unknown-element",
            "policy-bad-sid",
            "policy-bad-effect",
            "policy-bad-action",
            "policy-both-elements",
            "policy-bad-resource"
        ]
    );
}

#[test]
fn condition_values_accept_numbers_and_booleans() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"aws:MultiFactorAuthAge":[3600, "7200"]}}}]}"#;
    let p = parse_policy(text, PolicyType::Identity);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let c = &p.document.statements[0].condition;
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].values[0].value, "true");
    assert_eq!(c[1].values[0].value, "3600");
    assert_eq!(c[1].values[1].value, "7200");
}

#[test]
fn rcp_rules() {
    let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"NotAction":"s3:*","Resource":"*"}]}"#;
    assert_eq!(
        codes(text, PolicyType::Rcp),
        vec![
            "policy-rcp-allow",
            "policy-rcp-principal",
            "policy-rcp-notaction"
        ]
    );
    let full = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;
    assert!(codes(full, PolicyType::Rcp).is_empty());
}

#[test]
fn missing_version_and_statement() {
    assert_eq!(
        codes("{}", PolicyType::Identity),
        vec!["policy-missing-version", "policy-missing-statement"]
    );
    assert_eq!(codes("[]", PolicyType::Identity), vec!["policy-wrong-type"]);
}

#[test]
fn charset_and_duplicate_sid() {
    let text = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/ü😀\"},{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}";
    let c = codes(text, PolicyType::Identity);
    assert_eq!(c, vec!["policy-bad-character", "policy-duplicate-sid"]);
}
