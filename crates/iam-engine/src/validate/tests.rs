//! Unit tests of the validator as a whole; the per-check fixtures live under
//! `tests/fixtures/validate/`.

use super::*;

#[test]
fn the_module_table_documents_every_check() {
    let docs = include_str!("mod.rs");
    for c in CHECKS {
        assert!(
            docs.contains(&format!("| `{}` |", c.code)),
            "{} is not in the table",
            c.code
        );
    }
    let mut codes: Vec<&str> = CHECKS.iter().map(|c| c.code).collect();
    codes.sort_unstable();
    let before = codes.len();
    codes.dedup();
    assert_eq!(before, codes.len(), "duplicate codes in CHECKS");
}

#[test]
fn findings_without_catalog_skip_catalog_checks() {
    let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObjekt","Resource":"*"}}"#;
    let f = validate(text, PolicyType::Identity, None);
    assert!(f.iter().all(|f| f.code != "action-unknown"), "{f:?}");
}

#[test]
fn render_adds_the_learn_more_line() {
    let text = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Alow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}";
    let f = validate(text, PolicyType::Identity, None);
    let first = f.first().unwrap();
    assert_eq!(first.code, "policy-bad-effect");
    let out = first.render(text, "p.json");
    assert!(
        out.contains("= learn more: https://docs.aws.amazon.com/"),
        "{out}"
    );
    assert!(out.contains("^^^^^^"), "{out}");
}

#[test]
fn redundant_statements_compare_principals_by_value() {
    let same = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"},
        {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
    let other = same.replacen("111122223333", "444455556666", 1);
    let codes = |t: &str| -> Vec<String> {
        validate(t, PolicyType::Resource, None)
            .into_iter()
            .map(|f| f.code)
            .collect()
    };
    assert!(codes(same).contains(&"redundant-statement".to_owned()));
    assert!(!codes(&other).contains(&"redundant-statement".to_owned()));
}

#[test]
fn the_default_endpoint_policy_is_not_full_admin() {
    let default = crate::simulate::DEFAULT_VPC_ENDPOINT_POLICY;
    let codes = |t: &str, ty: PolicyType| -> Vec<String> {
        validate(t, ty, None).into_iter().map(|f| f.code).collect()
    };
    // An endpoint policy only filters: allowing everything through is AWS's default.
    assert!(!codes(default, PolicyType::VpcEndpoint).contains(&"security-full-admin".to_owned()));
    // The same text as a bucket policy grants everything to everyone.
    assert!(codes(default, PolicyType::Resource).contains(&"security-full-admin".to_owned()));
    // Its grammar still needs a Principal.
    let no_principal =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    assert!(
        codes(no_principal, PolicyType::VpcEndpoint)
            .contains(&"policy-missing-principal".to_owned())
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    const VALID: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:Get*","iam:PassRole"],"Resource":["arn:aws:s3:::b/${aws:username}/*","*"],"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8"]},"ForAllValues:StringLike":{"aws:TagKeys":"a*"}}},{"Effect":"Deny","NotPrincipal":{"AWS":"*"},"NotAction":"s3:*","NotResource":"arn:aws:s3:::x"}]}"#;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn on_arbitrary_text(text in "\\PC{0,200}") {
            for t in [PolicyType::Identity, PolicyType::Resource, PolicyType::Trust, PolicyType::Scp, PolicyType::Rcp] {
                let _ = validate(&text, t, None);
            }
        }

        #[test]
        fn on_truncated_and_mutated_policies(cut in 0usize..400, at in 0usize..400, c in any::<char>()) {
            let cut = cut.min(VALID.len());
            let mut text: String = VALID.chars().take(cut).collect();
            let at = at.min(text.chars().count());
            let byte = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
            text.insert(byte, c);
            for t in [PolicyType::Identity, PolicyType::Resource, PolicyType::Trust] {
                for f in validate(&text, t, None) {
                    prop_assert!(f.span.end <= text.len() && f.span.start <= f.span.end);
                    prop_assert!(text.get(f.span.start..f.span.end).is_some(), "span not on char boundary: {f:?}");
                }
            }
        }
    }
}

/// A policy of `n` statements, each with its own Sid, action and resource, plus `extra`.
fn many_statements(n: usize, extra: &str) -> String {
    let statements: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"Sid":"S{i}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b{i}/*"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}{extra}]}}"#,
        statements.join(",")
    )
}

#[test]
fn many_statements_are_checked_in_near_linear_time() {
    // Regression: every pair of statements was compared (and every pair of Sids): 20,000
    // statements took 25 s. Sids are hashed; redundancy is checked up to a budget, then said.
    let extra = r#",{"Sid":"S7","Effect":"Deny","Action":"s3:*","Resource":"*"}"#;
    let f = validate(&many_statements(20_000, extra), PolicyType::Identity, None);
    let codes: Vec<&str> = f.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == "policy-duplicate-sid")
            .count(),
        1,
        "{codes:?}"
    );
    assert!(codes.contains(&"redundancy-check-limited"), "{codes:?}");
    // Within the budget the check is complete: the copy of statement 3 is redundant.
    let extra = r#",{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b3/*"}"#;
    let f = validate(&many_statements(300, extra), PolicyType::Identity, None);
    let redundant: Vec<&Finding> = f
        .iter()
        .filter(|f| f.code == "redundant-statement")
        .collect();
    assert_eq!(redundant.len(), 1, "{f:?}");
    assert!(
        redundant[0].message.contains("S3"),
        "{}",
        redundant[0].message
    );
}

#[test]
fn many_entries_are_checked_through_a_hash_map() {
    // Regression: every pair of actions and of resources was compared. 50,000 entries without
    // wildcards are matched by value, so the one repeated entry of each is found.
    let actions: Vec<String> = (0..50_000).map(|i| format!("\"s3:Action{i}\"")).collect();
    let resources: Vec<String> = (0..50_000)
        .map(|i| format!("\"arn:aws:s3:::b/{i}\""))
        .collect();
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":[{},"S3:action7"],"Resource":[{},"arn:aws:s3:::b/9"]}}}}"#,
        actions.join(","),
        resources.join(",")
    );
    let f = validate(&text, PolicyType::Identity, None);
    let of = |code: &str| -> Vec<&Finding> { f.iter().filter(|f| f.code == code).collect() };
    assert_eq!(of("redundant-action").len(), 1);
    assert!(of("redundant-action")[0].message.contains("\"s3:Action7\""));
    assert_eq!(of("redundant-resource").len(), 1);
    assert!(
        of("redundant-resource")[0]
            .message
            .contains("\"arn:aws:s3:::b/9\" is already")
    );
    assert!(of("redundancy-check-limited").is_empty());
}

#[test]
fn many_condition_values_are_checked_through_a_hash_set() {
    // Regression: each value was compared with every earlier one.
    let values: Vec<String> = (0..100_000).map(|i| format!("\"v{i}\"")).collect();
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"StringEquals":{{"aws:PrincipalTag/team":[{},"v5"]}}}}}}}}"#,
        values.join(",")
    );
    let f = validate(&text, PolicyType::Identity, None);
    let repeats: Vec<&Finding> = f
        .iter()
        .filter(|f| f.code == "redundant-condition-value")
        .collect();
    assert_eq!(repeats.len(), 1);
    assert!(repeats[0].message.starts_with("\"v5\" is listed twice"));
}
