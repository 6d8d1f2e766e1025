#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Golden files of the CloudFormation export: every gallery example and the every-feature
//! scenario, in YAML and JSON, compared byte for byte. `BLESS=1 cargo test -p iam-engine --test
//! export` rewrites them after a deliberate change; review the diff before committing.

use std::path::{Path, PathBuf};

use iam_engine::export::{Format, cloudformation};
use iam_engine::scenario::{Scenario, gallery};

mod support;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/cfn")
}

/// Golden scenarios live in a subfolder, so `cfn-lint tests/golden/cfn/*.json` sees templates only.
fn scenario_dir() -> PathBuf {
    golden_dir().join("scenarios")
}

/// Every scenario with a golden export: the gallery plus the golden scenarios of `scenarios/`.
fn scenarios() -> Vec<(String, Scenario)> {
    let mut all: Vec<(String, Scenario)> = gallery()
        .into_iter()
        .map(|e| (e.id.to_string(), e.scenario))
        .collect();
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let id = name.trim_end_matches(".json").to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let scenario = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        all.push((id, scenario));
    }
    all
}

#[test]
fn exports_match_golden_files() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let all = scenarios();
    assert_eq!(
        all.len(),
        gallery().len() + 1,
        "the every-feature scenario is missing"
    );
    for (id, scenario) in &all {
        for (format, ext) in [(Format::Yaml, "yaml"), (Format::Json, "json")] {
            let actual = cloudformation(scenario, format)
                .unwrap_or_else(|e| panic!("{id}.{ext}: {}", e.message));
            let path = golden_dir().join(format!("{id}.{ext}"));
            if bless {
                std::fs::write(&path, &actual).unwrap();
                continue;
            }
            let expected = std::fs::read_to_string(&path).unwrap_or_default();
            if expected != actual {
                failures.push(format!("{id}.{ext}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "exports differ from the golden files (BLESS=1 rewrites them): {failures:?}"
    );
}

/// The JSON and the YAML export hold the same template: the YAML one, read back, equals the
/// JSON one (so no string such as `2012-10-17` or `yes` turned into a date or a boolean).
#[test]
fn yaml_reads_back_as_the_json_template() {
    for (id, scenario) in scenarios() {
        let json: serde_json::Value =
            serde_json::from_str(&cloudformation(&scenario, Format::Json).unwrap()).unwrap();
        let yaml = cloudformation(&scenario, Format::Yaml).unwrap();
        let back: serde_json::Value = yaml_to_json(&yaml);
        assert_eq!(back, json, "{id}");
    }
}

/// The seed documents' template: the administrators group with AdministratorAccess, the admin
/// user in it who must reset a generated password, and IAMUserChangePassword.
#[test]
fn seed_template_exports_what_it_intends() {
    let entry = iam_engine::scenario::gallery_entry("seed-admin-template").unwrap();
    let text = cloudformation(&entry.scenario, Format::Json).unwrap();
    let t: serde_json::Value = serde_json::from_str(&text).unwrap();
    let r = &t["Resources"];
    assert_eq!(r["GroupAdministrators"]["Type"], "AWS::IAM::Group");
    assert_eq!(
        r["GroupAdministrators"]["Properties"]["GroupName"],
        "administrators"
    );
    assert_eq!(
        r["GroupAdministrators"]["Properties"]["ManagedPolicyArns"][0]["Fn::Sub"],
        "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"
    );
    let user = &r["UserAdmin"]["Properties"];
    assert_eq!(user["UserName"], "admin");
    assert_eq!(user["Groups"][0]["Ref"], "GroupAdministrators");
    assert_eq!(user["LoginProfile"]["PasswordResetRequired"], true);
    assert_eq!(
        user["LoginProfile"]["Password"]["Fn::Sub"],
        "{{resolve:secretsmanager:${UserAdminInitialPassword}}}"
    );
    assert_eq!(
        user["ManagedPolicyArns"][0]["Fn::Sub"],
        "arn:${AWS::Partition}:iam::aws:policy/IAMUserChangePassword"
    );
    assert_eq!(
        r["UserAdminInitialPassword"]["Type"],
        "AWS::SecretsManager::Secret"
    );
    // No password is written anywhere in the template.
    assert!(!text.to_lowercase().contains("\"password\": \""));
}

#[test]
fn yaml_quotes_strings_a_yaml_1_1_reader_would_retype() {
    let text = std::fs::read_to_string(scenario_dir().join("every-feature.json")).unwrap();
    let scenario = Scenario::from_json(&text).unwrap();
    let yaml = cloudformation(&scenario, Format::Yaml).unwrap();
    for line in yaml.lines() {
        let Some((_, value)) = line.split_once(": ") else {
            continue;
        };
        for risky in ["2012-10-17", "2010-09-09", "yes", "on", "*", "42"] {
            assert_ne!(value.trim(), risky, "unquoted {risky:?} in {line:?}");
        }
    }
    assert!(yaml.starts_with("# CloudFormation template"));
    assert!(yaml.contains("\"Fn::Sub\":") && yaml.contains("Ref:"));
}

/// Reads the exported YAML back with a YAML reader into the JSON data model.
fn yaml_to_json(yaml: &str) -> serde_json::Value {
    serde_saphyr::from_str(yaml).unwrap()
}

mod properties {
    use iam_engine::export::{Format, cloudformation};
    use proptest::prelude::*;

    /// Strings a YAML emitter can get wrong: YAML 1.1 booleans and dates, numbers, indicators,
    /// comment and mapping markers, quotes, non-ASCII, and plain words.
    fn tricky() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("yes".to_string()),
            Just("on".to_string()),
            Just("No".to_string()),
            Just("~".to_string()),
            Just("null".to_string()),
            Just("2012-10-17".to_string()),
            Just("0x1F".to_string()),
            Just("1e3".to_string()),
            Just("12:30".to_string()),
            Just("*".to_string()),
            Just("- a".to_string()),
            Just("a: b".to_string()),
            Just("a #b".to_string()),
            Just("'\"".to_string()),
            Just(" padded ".to_string()),
            Just("".to_string()),
            "[a-zA-Z0-9 _.:/=+@-]{0,20}",
            "\\PC{0,12}",
        ]
    }

    proptest! {
        /// Any scenario exports in both formats, the YAML reads back as the JSON template, and
        /// logical ids are alphanumeric and unique.
        #[test]
        fn yaml_and_json_hold_the_same_template(s in super::support::scenario(tricky().boxed())) {
            let json_text = cloudformation(&s, Format::Json).unwrap();
            let yaml_text = cloudformation(&s, Format::Yaml).unwrap();
            let json: serde_json::Value = serde_json::from_str(&json_text).unwrap();
            let yaml: serde_json::Value = serde_saphyr::from_str(&yaml_text).unwrap();
            prop_assert_eq!(&yaml, &json);
            let resources = json["Resources"].as_object().unwrap();
            for id in resources.keys() {
                prop_assert!(!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()), "{}", id);
            }
            let mut lower: Vec<String> = resources.keys().map(|k| k.to_lowercase()).collect();
            lower.sort();
            lower.dedup();
            prop_assert_eq!(lower.len(), resources.len());
            // Exporting is a pure function: the same scenario gives the same bytes.
            prop_assert_eq!(cloudformation(&s, Format::Yaml).unwrap(), yaml_text);
        }
    }
}

#[test]
fn sixty_thousand_users_export_with_distinct_ids() {
    // Regression: allocating ids and adding resources compared each with every earlier one;
    // 60,000 users did not finish.
    let mut scenario = Scenario::new("111122223333");
    for n in 0..60_000 {
        scenario
            .users
            .push(iam_engine::scenario::User::new(format!("user-{n}")));
    }
    let text = cloudformation(&scenario, Format::Json).unwrap();
    let template: serde_json::Value = serde_json::from_str(&text).unwrap();
    let resources = template["Resources"].as_object().unwrap();
    assert_eq!(resources.len(), 60_000);
    assert!(resources.contains_key("UserUser0"));
    assert!(resources.contains_key("UserUser59999"));
}
