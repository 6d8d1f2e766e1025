#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Golden files of the Terraform export: every gallery example and the every-feature scenario,
//! in both policy styles (`<id>.tf` with jsonencode, `<id>.document.tf` with
//! aws_iam_policy_document data sources), compared byte for byte. `BLESS=1 cargo test -p
//! iam-engine --test terraform` rewrites them after a deliberate change; review the diff before
//! committing. The test command parses each with python-hcl2 and scans the folder with checkov
//! (`scripts/check_terraform.py`).

use std::path::{Path, PathBuf};

use iam_engine::export::{PolicyStyle, TerraformOptions, terraform};
use iam_engine::scenario::{Scenario, gallery};

mod support;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/terraform")
}

/// The gallery, the CloudFormation export's golden scenarios (the every-feature scenario) and
/// this export's own (`scenarios/edge-cases.json`: what HCL and the data source make hard).
fn scenarios() -> Vec<(String, Scenario)> {
    let mut all: Vec<(String, Scenario)> = gallery()
        .into_iter()
        .map(|e| (e.id.to_string(), e.scenario))
        .collect();
    let mut files: Vec<PathBuf> = [
        "tests/golden/cfn/scenarios",
        "tests/golden/terraform/scenarios",
    ]
    .into_iter()
    .flat_map(|dir| {
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
    })
    .filter(|p| p.extension().is_some_and(|e| e == "json"))
    .collect();
    files.sort();
    for path in files {
        let id = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let scenario = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{id}: {e:?}"));
        all.push((id, scenario));
    }
    all
}

const STYLES: [(PolicyStyle, &str); 2] = [
    (PolicyStyle::JsonEncode, "tf"),
    (PolicyStyle::Document, "document.tf"),
];

#[test]
fn exports_match_golden_files() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let all = scenarios();
    assert_eq!(
        all.len(),
        gallery().len() + 2,
        "a golden scenario is missing"
    );
    for (id, scenario) in &all {
        for (policy_style, ext) in STYLES {
            let actual = terraform(scenario, &TerraformOptions { policy_style })
                .unwrap_or_else(|e| panic!("{id}.{ext}: {}", e.message));
            let path = golden_dir().join(format!("{id}.{ext}"));
            if bless {
                std::fs::create_dir_all(golden_dir()).unwrap();
                std::fs::write(&path, &actual).unwrap();
                continue;
            }
            if std::fs::read_to_string(&path).unwrap_or_default() != actual {
                failures.push(format!("{id}.{ext}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "exports differ from the golden files (BLESS=1 rewrites them): {failures:?}"
    );
}

/// The seed's admin setup: the group with AdministratorAccess, the user in it with a login
/// profile that must be reset and no password, IAMUserChangePassword attached.
#[test]
fn seed_configuration_exports_what_it_intends() {
    let entry = iam_engine::scenario::gallery_entry("seed-admin-template").unwrap();
    let text = terraform(&entry.scenario, &TerraformOptions::default()).unwrap();
    for expected in [
        "required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 5.0\"",
        "data \"aws_caller_identity\" \"current\" {}",
        "data \"aws_partition\" \"current\" {}",
        "resource \"aws_iam_group\" \"administrators\" {\n  name = \"administrators\"\n}",
        "resource \"aws_iam_group_policy_attachment\" \"administrators_administrator_access\" {\n  group      = aws_iam_group.administrators.name\n  policy_arn = \"arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess\"\n}",
        "resource \"aws_iam_user_login_profile\" \"admin\" {",
        "  password_reset_required = true\n",
        "resource \"aws_iam_user_group_membership\" \"admin\" {\n  user   = aws_iam_user.admin.name\n  groups = [aws_iam_group.administrators.name]\n}",
        "policy_arn = \"arn:${data.aws_partition.current.partition}:iam::aws:policy/IAMUserChangePassword\"",
    ] {
        assert!(text.contains(expected), "{expected:?} not in\n{text}");
    }
    assert!(
        !text.contains("111122223333:") && !text.contains("arn:aws:"),
        "{text}"
    );
}

/// The every-feature scenario in the document style: policy variables as `&{…}`, the data
/// sources referenced by `.json`, and the documents it cannot write exactly in jsonencode with
/// the reason.
#[test]
fn document_style_writes_data_sources_and_says_why_not() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/cfn/scenarios/every-feature.json"),
    )
    .unwrap();
    let scenario = Scenario::from_json(&text).unwrap();
    let document = terraform(
        &scenario,
        &TerraformOptions {
            policy_style: PolicyStyle::Document,
        },
    )
    .unwrap();
    assert!(document.contains("data \"aws_iam_policy_document\" \"developer_access\" {"));
    assert!(document.contains("= data.aws_iam_policy_document.developer_access.json\n"));
    assert!(document.contains("home/&{aws:username}/*"));
    assert!(document.contains("= data.aws_iam_policy_document.deploy_role_trust.json\n"));
    assert!(!document.contains("${aws:username}") && !document.contains("$${"));
    let json = terraform(&scenario, &TerraformOptions::default()).unwrap();
    assert!(json.contains("home/$${aws:username}/*"));
    assert!(!json.contains("aws_iam_policy_document"));
    // Both styles create the same resources.
    let resources = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("resource "))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(resources(&json), resources(&document));
}

mod properties {
    use iam_engine::export::{PolicyStyle, TerraformOptions, terraform};
    use proptest::prelude::*;

    /// Text an HCL writer can get wrong: quotes, backslashes, template openers, line breaks,
    /// control characters, non-ASCII.
    fn tricky() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("${aws:username}".to_string()),
            Just("%{ if x }".to_string()),
            Just("$${x}".to_string()),
            Just("a\"b\\c".to_string()),
            Just("line\nnext".to_string()),
            Just("&{x}".to_string()),
            Just("$".to_string()),
            Just("".to_string()),
            "\\PC{0,12}",
            "[ -~]{0,16}",
        ]
    }

    /// Every string literal of the output is balanced: outside quotes, no text from the
    /// scenario shows (each line outside strings is structure), and `${` inside a string only
    /// opens the exporter's own interpolations. Strings are read as HCL's scanner (and
    /// hclwrite's escaping) reads them: `$${` and `%%{` are escapes, `${` an interpolation,
    /// `%{` a directive, any other `$` or `%` a literal.
    fn check_strings(text: &str) -> Result<(), String> {
        for line in text.lines() {
            if line.trim_start().starts_with('#') {
                continue;
            }
            let chars: Vec<char> = line.chars().collect();
            let at = |i: usize| chars.get(i).copied();
            let mut in_string = false;
            let mut i = 0;
            while let Some(c) = at(i) {
                if !in_string {
                    in_string = c == '"';
                    i += 1;
                    continue;
                }
                match c {
                    '\\' => i += 2,
                    '"' => {
                        in_string = false;
                        i += 1;
                    }
                    '$' | '%' if at(i + 1) == Some(c) && at(i + 2) == Some('{') => i += 3,
                    '%' if at(i + 1) == Some('{') => return Err(format!("directive in {line:?}")),
                    '$' if at(i + 1) == Some('{') => {
                        let mut depth = 1;
                        let mut j = i + 2;
                        let mut interp = String::new();
                        while let Some(d) = at(j) {
                            j += 1;
                            match d {
                                '{' => depth += 1,
                                '}' => {
                                    depth -= 1;
                                    if depth == 0 {
                                        break;
                                    }
                                }
                                _ => {}
                            }
                            interp.push(d);
                        }
                        if depth > 0 {
                            return Err(format!("unterminated interpolation in {line:?}"));
                        }
                        let ok = interp.starts_with("data.aws_")
                            || interp.starts_with("aws_")
                            || (interp.len() >= 3
                                && interp.starts_with('"')
                                && interp.ends_with('"')
                                && interp.chars().all(|c| c == '"' || c == '$'));
                        if !ok {
                            return Err(format!("interpolation {interp:?} in {line:?}"));
                        }
                        i = j;
                    }
                    _ => i += 1,
                }
            }
            if in_string {
                return Err(format!("unterminated string in {line:?}"));
            }
        }
        Ok(())
    }

    proptest! {
        /// Any scenario exports in both styles, deterministically, with every string closed on
        /// its line and no interpolation but the exporter's own.
        #[test]
        fn strings_never_leak_into_code(s in super::support::scenario(tricky().boxed())) {
            for policy_style in [PolicyStyle::JsonEncode, PolicyStyle::Document] {
                let options = TerraformOptions { policy_style };
                let text = terraform(&s, &options).unwrap();
                prop_assert_eq!(check_strings(&text), Ok(()));
                prop_assert_eq!(terraform(&s, &options).unwrap(), text);
            }
        }
    }
}

#[test]
fn sixty_thousand_users_export_in_linear_time() {
    // The same regression guard as the template's: names handed out with an index, blocks
    // written once.
    let mut scenario = Scenario::new("111122223333");
    for n in 0..60_000 {
        let mut u = iam_engine::scenario::User::new(format!("user-{n}"));
        u.groups.push("g".into());
        scenario.users.push(u);
    }
    let text = terraform(&scenario, &TerraformOptions::default()).unwrap();
    assert_eq!(text.matches("resource \"aws_iam_user\" ").count(), 60_000);
    assert!(text.contains("resource \"aws_iam_user\" \"user_59999\""));
}
