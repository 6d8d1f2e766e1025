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
