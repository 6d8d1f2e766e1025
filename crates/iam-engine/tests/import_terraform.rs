#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Terraform imports: plan and state JSON (`terraform show -json`) and HCL configuration files,
//! from the fixtures in `tests/import/terraform/`.

use iam_engine::import::{
    ImportOptions, Imported, Source, TerraformFile, detect_and_import, import_terraform_files,
};
use iam_engine::scenario::{PolicyRef, ResourceKind, Scenario};
use proptest::prelude::*;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/import/terraform/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn import(text: &str) -> Imported {
    detect_and_import(text, &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn json(document: &str) -> serde_json::Value {
    serde_json::from_str(document).unwrap()
}

fn skipped(i: &Imported) -> Vec<String> {
    i.skipped
        .iter()
        .map(|k| format!("{} @ {}", k.what, k.place().unwrap_or_default()))
        .collect()
}

/// The done-when test: a plan of the seed's admin setup, written in the shape of
/// `terraform show -json`, imports into the same scenario as the seed's CloudFormation
/// template.
#[test]
fn the_seed_plan_imports_into_the_scenario_of_the_seed_template() {
    let from_plan = import(&fixture("seed-admin-plan.json"));
    assert_eq!(from_plan.source, Source::TerraformPlan);
    let from_template = import(&fixture("seed-admin-template.yaml"));
    assert_eq!(from_template.source, Source::CloudFormationYaml);
    assert_eq!(from_plan.scenario, from_template.scenario);
    assert!(from_plan.skipped.is_empty(), "{:?}", from_plan.skipped);

    // And what that scenario is: the gallery's seed example, as a template carries it.
    let s = &from_plan.scenario;
    let admin = s.user("admin").unwrap();
    assert_eq!(admin.groups, vec!["administrators"]);
    assert_eq!(
        admin.login_profile.map(|p| p.password_reset_required),
        Some(true)
    );
    assert_eq!(
        admin.managed_policies,
        vec![PolicyRef::aws("IAMUserChangePassword")]
    );
    assert_eq!(
        s.group("administrators").unwrap().managed_policies,
        vec![PolicyRef::aws("AdministratorAccess")]
    );
    let seed = iam_engine::scenario::gallery_entry("seed-admin-template")
        .unwrap()
        .scenario;
    let mut view = iam_engine::import::template_view(&seed);
    view.title = String::new();
    view.description = String::new();
    view.tests.clear();
    view.root_user = s.root_user;
    assert_eq!(*s, view);

    // The configuration the plan was written for imports to the same scenario too.
    let from_hcl = import(&fixture("seed-admin.tf"));
    assert_eq!(from_hcl.source, Source::TerraformHcl);
    assert_eq!(from_hcl.scenario, from_template.scenario);
    assert!(from_hcl.skipped.is_empty(), "{:?}", from_hcl.skipped);
}

#[test]
fn a_plan_resolves_unknown_values_through_the_configuration() {
    let i = import(&fixture("plan-unknowns.json"));
    assert_eq!(i.source, Source::TerraformPlan);
    let s = &i.scenario;
    assert_eq!(s.account.id, "111122223333");
    // policy_arn is unknown in the plan: the reference to aws_iam_policy.read_reports.arn
    // names the policy.
    assert_eq!(
        s.group("readers").unwrap().managed_policies,
        vec![PolicyRef::customer("read-reports")]
    );
    let policy = s.policy("read-reports").unwrap();
    assert_eq!(policy.description, "Read the reports bucket");
    assert_eq!(
        json(&policy.document)["Statement"][0]["Action"],
        serde_json::json!(["s3:GetObject", "s3:ListBucket"])
    );
    let role = s.role("deploy").unwrap();
    assert_eq!(role.path, "/app/");
    assert_eq!(role.max_session_duration, 7200);
    assert_eq!(role.tags[0].key, "team");
    assert_eq!(
        role.managed_policies,
        vec![PolicyRef::customer("read-reports")]
    );
    // The inline policy's document is a data source Terraform reads only when applying.
    assert!(role.inline_policies.is_empty());
    // The bucket policy's bucket is the bucket's id, unknown in the plan.
    let bucket = s
        .resource(ResourceKind::S3Bucket, "example-reports")
        .unwrap();
    assert!(bucket.policy.as_deref().unwrap().contains("s3:GetObject"));
    // A module's resources, resolved within the module.
    let dana = s.user("dana").unwrap();
    assert_eq!(dana.path, "/team/");
    assert_eq!(
        dana.managed_policies,
        vec![PolicyRef::customer("team-queue")]
    );
    assert_eq!(
        skipped(&i),
        vec![
            "aws_iam_role.deploy inline_policy policy @ line 72".to_string(),
            "resource aws_lambda_function.notifier @ line 112".to_string(),
            "data.aws_iam_policy_document.own json @ line 126".to_string(),
        ]
    );
}

#[test]
fn a_state_imports_with_its_account() {
    let i = import(&fixture("state.json"));
    assert_eq!(i.source, Source::TerraformState);
    let s = &i.scenario;
    // The account data.aws_caller_identity read.
    assert_eq!(s.account.id, "210987654321");
    let role = s.role("deploy").unwrap();
    assert_eq!(role.inline_policies[0].name, "own-uploads");
    assert_eq!(
        role.managed_policies,
        vec![PolicyRef::customer("read-reports")]
    );
    assert_eq!(
        s.group("readers").unwrap().managed_policies,
        vec![PolicyRef::customer("read-reports")]
    );
    let dana = s.user("dana").unwrap();
    assert_eq!(
        dana.login_profile.map(|p| p.password_reset_required),
        Some(false)
    );
    // AWS's default key policy reads back as no policy of its own.
    let key = s.resource(ResourceKind::KmsKey, "reports-key").unwrap();
    assert_eq!(key.policy, None);
    let bucket = s
        .resource(ResourceKind::S3Bucket, "example-reports")
        .unwrap();
    assert!(bucket.policy.as_deref().unwrap().contains("210987654321"));
    assert!(i.skipped.is_empty(), "{:?}", i.skipped);
    // The account the state names wins over the options' (which a plan without it takes).
    let same = detect_and_import(
        &fixture("state.json"),
        &ImportOptions {
            account_id: Some("999988887777".to_string()),
            ..ImportOptions::default()
        },
    )
    .unwrap();
    assert_eq!(same.scenario.account.id, "210987654321");
    let other = detect_and_import(
        &fixture("seed-admin-plan.json"),
        &ImportOptions {
            account_id: Some("999988887777".to_string()),
            ..ImportOptions::default()
        },
    )
    .unwrap();
    assert_eq!(other.scenario.account.id, "999988887777");
}

fn hcl_files() -> Vec<TerraformFile> {
    ["main.tf", "iam.tf"]
        .iter()
        .map(|n| TerraformFile {
            name: n.to_string(),
            text: fixture(n),
        })
        .collect()
}

#[test]
fn hcl_files_are_evaluated() {
    let i = import_terraform_files(&hcl_files(), &ImportOptions::default()).unwrap();
    assert_eq!(i.source, Source::TerraformHcl);
    let s = &i.scenario;
    let bucket = s
        .resource(ResourceKind::S3Bucket, "example-corp-reports")
        .unwrap();
    assert_eq!(
        bucket
            .tags
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect::<Vec<_>>(),
        [("team", "data"), ("purpose", "reports")]
    );
    // jsonencode writes keys in lexical order, as Terraform does; the role's ARN is derived.
    let policy = json(bucket.policy.as_deref().unwrap());
    assert_eq!(
        policy["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::111122223333:role/app/deploy"
    );
    assert_eq!(
        policy["Statement"][0]["Resource"],
        "arn:aws:s3:::example-corp-reports/*"
    );
    // The policy document data source, with &{aws:username} as the policy variable.
    let read = s.policy("corp-read-reports").unwrap();
    let doc = json(&read.document);
    assert_eq!(doc["Version"], "2012-10-17");
    assert_eq!(doc["Statement"][0]["Sid"], "ReadOwnPrefix");
    assert_eq!(doc["Statement"][0]["Effect"], "Allow");
    assert_eq!(doc["Statement"][0]["Action"], "s3:GetObject");
    assert_eq!(
        doc["Statement"][0]["Resource"],
        "arn:aws:s3:::example-corp-reports/home/${aws:username}/*"
    );
    assert_eq!(
        doc["Statement"][1]["Condition"]["StringLike"]["s3:prefix"],
        "home/${aws:username}/*"
    );
    assert!(doc["Statement"][1].get("Sid").is_none());
    assert_eq!(
        s.group("readers").unwrap().managed_policies,
        vec![PolicyRef::customer("corp-read-reports")]
    );
    let maria = s.user("maria").unwrap();
    assert_eq!(maria.groups, vec!["readers"]);
    assert_eq!(maria.tags[0].value, "data");
    assert_eq!(
        maria.login_profile.map(|p| p.password_reset_required),
        Some(true)
    );
    assert_eq!(maria.inline_policies.len(), 1);
    assert_eq!(maria.inline_policies[0].name, "own-keys");
    assert_eq!(
        json(&maria.inline_policies[0].document)["Statement"][0]["Resource"],
        "arn:aws:iam::111122223333:user/maria"
    );
    // The trust policy from data.aws_partition and data.aws_caller_identity.
    let role = s.role("deploy").unwrap();
    assert_eq!(
        json(&role.trust_policy)["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::111122223333:root"
    );
    assert_eq!(role.max_session_duration, 7200);
    assert_eq!(role.inline_policies[0].name, "logs");
    assert_eq!(
        json(&role.inline_policies[0].document)["Statement"][0]["Resource"],
        "arn:aws:logs:*:111122223333:*"
    );
    assert_eq!(
        role.managed_policies,
        vec![PolicyRef::aws("ReadOnlyAccess")]
    );
    // count = 1 is imported (the near miss of count = var.contractors).
    assert!(s.user("auditor").is_some());
    assert!(s.user("contractor").is_none());
    assert_eq!(
        skipped(&i),
        vec![
            "resource aws_lambda_function.notifier @ main.tf:58:1".to_string(),
            "output bucket @ main.tf:63:1".to_string(),
            "resource aws_iam_user.contractor count @ iam.tf:91:11".to_string(),
            "aws_iam_user_policy.maria_extra policy @ iam.tf:106:12".to_string(),
        ]
    );
    assert!(
        i.skipped[2].why.contains("var.contractors has no default"),
        "{}",
        i.skipped[2].why
    );
    assert!(i.skipped[3].why.contains("file"), "{}", i.skipped[3].why);
    // The account comes from the options when given.
    let other = import_terraform_files(
        &hcl_files(),
        &ImportOptions {
            account_id: Some("999988887777".to_string()),
            ..ImportOptions::default()
        },
    )
    .unwrap();
    assert!(
        other.scenario.roles[0]
            .trust_policy
            .contains("999988887777")
    );
}

#[test]
fn hcl_errors_and_refusals_have_places() {
    // A syntax error: the file, line and column.
    let e = import_terraform_files(
        &[TerraformFile {
            name: "bad.tf".to_string(),
            text: "resource \"aws_iam_user\" \"a\" {\n  name = \n}\n".to_string(),
        }],
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.code, "import-hcl-syntax");
    assert_eq!(e.file.as_deref(), Some("bad.tf"));
    assert_eq!(e.line, Some(2));
    // A cycle and an unknown reference are skipped values, not errors.
    let text = r#"
locals {
  a = local.b
  b = local.a
}
resource "aws_iam_user" "u" {
  name = local.a
}
resource "aws_iam_group" "g" {
  name = aws_iam_user.nobody.name
}
resource "aws_iam_user" "ok" {
  name = "ok"
  path = "/${"team"}/"
}
"#;
    let i = import(text);
    assert_eq!(i.source, Source::TerraformHcl);
    assert!(
        i.skipped[0].why.contains("refers to itself"),
        "{:?}",
        i.skipped
    );
    assert_eq!(i.skipped[0].line, Some(7));
    assert!(
        i.skipped[1].why.contains("not in the configuration"),
        "{:?}",
        i.skipped
    );
    assert_eq!(i.scenario.user("ok").unwrap().path, "/team/");
    // for_each and dynamic blocks are listed.
    let text = r#"
resource "aws_iam_user" "many" {
  for_each = toset(["a", "b"])
  name     = each.key
}
data "aws_iam_policy_document" "d" {
  dynamic "statement" {
    for_each = []
    content {}
  }
}
"#;
    let i = import(text);
    assert_eq!(i.skipped.len(), 2, "{:?}", i.skipped);
    assert!(i.skipped[0].why.contains("for_each"));
    assert!(i.skipped[1].why.contains("dynamic"));
}

#[test]
fn expanding_values_stop_at_the_budget() {
    // Each local doubles the one before: 2^60 bytes unless stopped.
    let mut text = String::from("locals {\n  l0 = \"xxxxxxxxxxxxxxxx\"\n");
    for n in 1..60 {
        text.push_str(&format!(
            "  l{n} = \"${{local.l{}}}${{local.l{}}}\"\n",
            n - 1,
            n - 1
        ));
    }
    text.push_str("}\nresource \"aws_iam_user\" \"u\" {\n  name = local.l59\n}\n");
    let e = detect_and_import(&text, &ImportOptions::default()).unwrap_err();
    assert_eq!(e.code, "import-expansion-budget");
}

#[test]
fn terraform_json_that_is_not_a_plan_is_told_apart() {
    // A scenario file still reads as a scenario, and a JSON without format_version is not
    // Terraform.
    let e = detect_and_import(r#"{"values": {}}"#, &ImportOptions::default()).unwrap_err();
    assert_eq!(e.code, "import-unknown");
    let i = import(r#"{"format_version": "1.0", "terraform_version": "1.9.8"}"#);
    assert_eq!(i.source, Source::TerraformState);
    assert!(i.scenario.users.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Any text, and any cut or splice of the fixtures, imports or fails with an error: never
    /// a panic.
    #[test]
    fn terraform_input_never_panics(
        junk in "\\PC{0,200}",
        cut in 0usize..4000,
        which in 0usize..4,
    ) {
        let name = ["main.tf", "iam.tf", "seed-admin-plan.json", "plan-unknowns.json"][which];
        let text = fixture(name);
        let mut cut = cut.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let spliced = format!("{}{junk}", &text[..cut]);
        let _ = detect_and_import(&spliced, &ImportOptions::default());
        let _ = import_terraform_files(
            &[TerraformFile { name: "x.tf".to_string(), text: spliced.clone() }],
            &ImportOptions::default(),
        );
        let _ = detect_and_import(&format!("resource \"aws_iam_user\" \"u\" {{\n name = {junk}\n}}\n"), &ImportOptions::default());
    }
}

#[test]
fn scenario_json_of_an_import_loads() {
    let i = import_terraform_files(&hcl_files(), &ImportOptions::default()).unwrap();
    let back = Scenario::from_json(&i.scenario.to_json_pretty()).unwrap();
    assert_eq!(back, i.scenario);
}

/// A policy document as data, for comparing documents whatever their key order (jsonencode
/// writes keys in lexical order) and whether a single value is written alone or as a list of
/// one (the policy-document data source writes it alone, as the AWS provider does).
fn document_value(text: &str) -> serde_json::Value {
    fn norm(v: serde_json::Value, key: Option<&str>) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::Array(items) if items.len() == 1 && key != Some("Statement") => {
                norm(items.into_iter().next().unwrap(), key)
            }
            Value::Array(items) => Value::Array(items.into_iter().map(|i| norm(i, None)).collect()),
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .map(|(k, v)| {
                        let v = norm(v, Some(&k));
                        (k, v)
                    })
                    .collect(),
            ),
            other => other,
        }
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => norm(v, None),
        Err(_) => serde_json::Value::String(text.to_string()),
    }
}

/// The scenario with every document replaced by its normalized data (as compact JSON), a tag
/// key given twice as one tag, and what a Terraform configuration does not carry (title,
/// description, root user, organization, external principals, saved tests) cleared.
fn comparable(s: &Scenario) -> Scenario {
    // A tag key given twice is one tag (a Terraform map holds a key once; so does AWS).
    fn tags_once(tags: &mut Vec<iam_engine::scenario::Tag>) {
        let mut kept: Vec<iam_engine::scenario::Tag> = Vec::new();
        for t in tags.drain(..) {
            match kept.iter_mut().find(|k| k.key == t.key) {
                Some(k) => k.value = t.value,
                None => kept.push(t),
            }
        }
        *tags = kept;
    }
    let doc = |t: &str| document_value(t).to_string();
    let mut s = s.clone();
    for u in &mut s.users {
        tags_once(&mut u.tags);
    }
    for r in &mut s.roles {
        tags_once(&mut r.tags);
    }
    for r in &mut s.resources {
        tags_once(&mut r.tags);
    }
    s.title.clear();
    s.description.clear();
    s.tests.clear();
    s.organization = None;
    s.external_principals.clear();
    s.root_user = Scenario::new("1").root_user;
    for p in &mut s.policies {
        p.document = doc(&p.document);
    }
    for u in &mut s.users {
        for p in &mut u.inline_policies {
            p.document = doc(&p.document);
        }
    }
    for g in &mut s.groups {
        for p in &mut g.inline_policies {
            p.document = doc(&p.document);
        }
    }
    for r in &mut s.roles {
        r.trust_policy = doc(&r.trust_policy);
        for p in &mut r.inline_policies {
            p.document = doc(&p.document);
        }
    }
    for r in &mut s.resources {
        r.policy = r.policy.as_deref().map(doc);
    }
    s
}

/// The round trip: every gallery example, and the golden scenarios of both exports (every
/// feature; the Terraform export's edge cases), exported to Terraform (both policy styles)
/// and imported gives back what a configuration carries of it.
#[test]
fn every_gallery_example_round_trips_through_terraform() {
    use iam_engine::export::{PolicyStyle, TerraformOptions, terraform};
    struct Entry {
        id: String,
        scenario: Scenario,
    }
    let mut entries: Vec<Entry> = iam_engine::scenario::gallery()
        .into_iter()
        .map(|e| Entry {
            id: e.id.to_string(),
            scenario: e.scenario,
        })
        .collect();
    for path in [
        "tests/golden/cfn/scenarios/every-feature.json",
        "tests/golden/terraform/scenarios/edge-cases.json",
    ] {
        let text =
            std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        entries.push(Entry {
            id: path.to_string(),
            scenario: Scenario::from_json(&text).unwrap(),
        });
    }
    for entry in entries {
        let expected = comparable(&iam_engine::import::template_view(&entry.scenario));
        for style in [PolicyStyle::JsonEncode, PolicyStyle::Document] {
            let text = terraform(
                &entry.scenario,
                &TerraformOptions {
                    policy_style: style,
                },
            )
            .unwrap();
            let imported = import_terraform_files(
                &[TerraformFile {
                    name: "main.tf".to_string(),
                    text,
                }],
                &ImportOptions {
                    account_id: Some(entry.scenario.account.id.clone()),
                    ..ImportOptions::default()
                },
            )
            .unwrap_or_else(|e| panic!("{} {style:?}: {e}", entry.id));
            // Only the outputs of the generated passwords are left out: they create nothing.
            for k in &imported.skipped {
                assert!(
                    k.what.starts_with("output initial_password_"),
                    "{} {style:?}: {k:?}",
                    entry.id
                );
            }
            let got = comparable(&imported.scenario);
            assert_eq!(
                got.to_json_pretty(),
                expected.to_json_pretty(),
                "{} {style:?}: skipped {:?}",
                entry.id,
                imported.skipped
            );
        }
    }
}
