#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Imports of hand-written templates, authorization details and bad input, from the fixtures
//! in `tests/import/`.

use iam_engine::import::{ImportOptions, Imported, Source, detect_and_import};
use iam_engine::scenario::{PolicyRef, ResourceKind, Scenario, gallery};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/import/{name}",
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

/// What an import left out, each with its line.
fn skipped_lines(i: &Imported) -> Vec<(&str, Option<usize>)> {
    i.skipped
        .iter()
        .map(|k| (k.what.as_str(), k.line))
        .collect()
}

#[test]
fn short_form_template_is_evaluated() {
    let i = import(&fixture("template-short-forms.yaml"));
    assert_eq!(i.source, Source::CloudFormationYaml);
    let s = &i.scenario;
    assert_eq!(s.account.id, "111122223333");
    // `!Join` of a parameter's default names the policy; `!Ref` of it attaches it.
    let policy = s.policy("read-site-prod").unwrap();
    assert_eq!(
        json(&policy.document)["Statement"][0]["Resource"],
        serde_json::json!([
            "arn:aws:s3:::example-corp-site",
            "arn:aws:s3:::example-corp-site/*",
            "arn:aws:s3:::example-corp-site/logs/${aws:username}/*"
        ])
    );
    let group = s.group("Developers").unwrap();
    assert_eq!(
        group.managed_policies,
        vec![
            PolicyRef::customer("read-site-prod"),
            PolicyRef::aws("IAMUserChangePassword")
        ]
    );
    // A dynamic reference is a console password that must be reset.
    let maria = s.user("maria").unwrap();
    assert_eq!(
        maria.login_profile.map(|p| p.password_reset_required),
        Some(true)
    );
    assert_eq!(maria.groups, vec!["Developers"]);
    // A user without a name takes its logical id, and a UserToGroupAddition adds it.
    assert_eq!(s.user("Sam").unwrap().groups, vec!["Developers"]);
    assert!(i.notes.iter().any(|n| n.contains("Sam has no UserName")));
    // `!Sub` with a parameter, `AWS::IAM::Policy` attached by `Roles`.
    let role = s.role("site-deploy-prod").unwrap();
    assert_eq!(role.max_session_duration, 7200);
    assert_eq!(
        json(&role.trust_policy)["Statement"][0]["Principal"]["AWS"],
        "arn:aws:iam::111122223333:root"
    );
    assert_eq!(
        json(&role.inline_policies[0].document)["Statement"][0]["Resource"],
        "arn:aws:s3:::example-corp-site/*"
    );
    let bucket = s
        .resource(ResourceKind::S3Bucket, "example-corp-site")
        .unwrap();
    assert!(bucket.policy.is_some());
    // The topic's policy uses Fn::If on a condition decided by a parameter's default.
    let topic = s.resource(ResourceKind::SnsTopic, "site-alerts").unwrap();
    assert_eq!(
        json(topic.policy.as_deref().unwrap())["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"],
        "arn:aws:cloudwatch:us-east-1:111122223333:alarm:*"
    );
    assert!(
        i.notes
            .iter()
            .any(|n| n == "The condition IsProd is true with the parameters' defaults.")
    );
    let listed = skipped_lines(&i);
    assert_eq!(
        listed,
        vec![
            ("SiteBucket property VersioningConfiguration", Some(79)),
            ("resource Notifier (AWS::Lambda::Function)", Some(92)),
            ("the template's Outputs section", Some(118)),
        ]
    );
    // The account id comes from the options when given.
    let other = detect_and_import(
        &fixture("template-short-forms.yaml"),
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
fn authorization_details_become_a_scenario() {
    let i = import(&fixture("authorization-details.json"));
    assert_eq!(i.source, Source::AuthorizationDetails);
    let s = &i.scenario;
    // The account comes from the ARNs, not the default.
    assert_eq!(s.account.id, "210987654321");
    assert_eq!(
        s.users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ["maria", "sam.lee"]
    );
    let sam = s.user("sam.lee").unwrap();
    assert_eq!(sam.path, "/contractors/");
    assert_eq!(
        sam.permissions_boundary,
        Some(PolicyRef::customer("ContractorBoundary"))
    );
    // The URL-encoded inline document is decoded.
    let own = json(&sam.inline_policies[0].document);
    assert_eq!(
        own["Statement"][0]["Resource"][0],
        "arn:aws:iam::210987654321:user/${aws:username}"
    );
    // Only the default version of a customer policy, and no AWS-managed policy copies.
    assert_eq!(s.policies.len(), 2);
    let dev = json(&s.policy("DeveloperAccess").unwrap().document);
    assert_eq!(dev["Statement"][1]["Effect"], "Deny");
    assert_eq!(s.policy("ContractorBoundary").unwrap().path, "/boundaries/");
    assert_eq!(
        s.group("Developers").unwrap().managed_policies[0],
        PolicyRef::customer("DeveloperAccess")
    );
    assert_eq!(s.roles.len(), 2);
    assert_eq!(s.role("site-deploy").unwrap().path, "/ci/");
    assert!(
        i.skipped
            .iter()
            .any(|k| k.what == "policy DeveloperAccess older versions")
    );
    assert!(
        i.skipped
            .iter()
            .any(|k| k.what == "role web-server instance profiles")
    );
    // The report counts them by kind.
    let groups = iam_engine::import::summarize_skipped(&i.skipped);
    let kinds: Vec<_> = groups.iter().map(|g| g.kind).collect();
    assert!(
        kinds.contains(&iam_engine::import::SkipKind::OlderVersions),
        "{groups:?}"
    );
    assert!(
        kinds.contains(&iam_engine::import::SkipKind::InstanceProfiles),
        "{groups:?}"
    );
    assert_eq!(
        groups.iter().map(|g| g.count).sum::<usize>(),
        i.skipped.len()
    );
    assert!(
        i.notes
            .iter()
            .any(|n| n.contains("AWS-managed policies listed: 1"))
    );
    // The scenario is valid: it opens without errors in the playground.
    assert!(s.is_valid(), "{:?}", s.validate());
}

#[test]
fn authorization_details_in_yaml_are_read_too() {
    let value: serde_json::Value =
        serde_json::from_str(&fixture("authorization-details.json")).unwrap();
    let yaml = serde_saphyr::to_string(&value).unwrap();
    let i = import(&yaml);
    assert_eq!(i.source, Source::AuthorizationDetails);
    // serde_json's map sorts keys, so compare documents as JSON values.
    let from_json = import(&fixture("authorization-details.json")).scenario;
    let documents = |s: &Scenario| -> Vec<(String, serde_json::Value)> {
        s.policy_texts()
            .iter()
            .map(|t| (format!("{:?}", t.target), json(t.text)))
            .collect()
    };
    assert_eq!(documents(&i.scenario), documents(&from_json));
    assert_eq!(i.scenario.users.len(), from_json.users.len());
    assert_eq!(i.scenario.groups, from_json.groups);
}

#[test]
fn malformed_text_has_a_line_and_column() {
    let e =
        detect_and_import(&fixture("bad-unclosed.yaml"), &ImportOptions::default()).unwrap_err();
    assert_eq!(e.code, "import-yaml-syntax");
    assert_eq!((e.line, e.column), (Some(7), Some(11)));

    let e = detect_and_import(
        "{\n  \"Resources\": {\n    \"A\": {\"Type\": \"AWS::IAM::User\",}\n  }\n}",
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.code, "import-json-syntax");
    assert_eq!(e.line, Some(3));
    assert!(e.column.is_some());

    let e = detect_and_import("just some words", &ImportOptions::default()).unwrap_err();
    assert_eq!(e.code, "import-unknown");
    let e = detect_and_import("  \n", &ImportOptions::default()).unwrap_err();
    assert_eq!(e.code, "import-empty");
    let e = detect_and_import("Resources: 3\n", &ImportOptions::default()).unwrap_err();
    assert_eq!(e.code, "import-cfn-resources");
    assert_eq!(e.line, Some(1));
}

#[test]
fn a_scenario_file_imports_as_itself() {
    let s = gallery().into_iter().next().unwrap().scenario;
    let i = import(&s.to_json_pretty());
    assert_eq!(i.source, Source::Scenario);
    assert_eq!(i.scenario, s);
}

#[test]
fn a_megabyte_of_template_is_bounded() {
    // 20,000 users in 1.3 MB of YAML: reading is linear (no lookup per resource scans the
    // template), so this finishes in about a second even in a debug build.
    let mut text = String::from("Resources:\n");
    for n in 0..20_000 {
        text.push_str(&format!(
            "  U{n}:\n    Type: AWS::IAM::User\n    Properties: {{UserName: u{n}}}\n"
        ));
    }
    assert!(text.len() > 1_000_000);
    let started = std::time::Instant::now();
    let i = import(&text);
    assert_eq!(i.scenario.users.len(), 20_000);
    let elapsed = started.elapsed();
    println!("1.3 MB template: {elapsed:?}");
    // Too large is refused before reading.
    let huge = "a".repeat(iam_engine::import::MAX_IMPORT_BYTES + 1);
    assert_eq!(
        detect_and_import(&huge, &ImportOptions::default())
            .unwrap_err()
            .code,
        "import-too-large"
    );
}

#[test]
fn self_referring_values_are_refused_not_followed() {
    let text = "Parameters:\n  P:\n    Type: String\n    Default: !Ref P\nResources:\n  U:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: !Ref P\n  K:\n    Type: AWS::KMS::Key\n";
    let i = import(text);
    // The name cannot be evaluated, so the logical id names the user, and both say so.
    assert_eq!(i.scenario.users[0].name, "U");
    assert!(
        i.skipped
            .iter()
            .any(|s| s.why.contains("not a plain value")),
        "{:?}",
        i.skipped
    );
    assert!(
        i.notes.iter().any(|n| n.contains("K is a KMS key")),
        "{:?}",
        i.notes
    );
    assert_eq!(i.scenario.resources[0].name, "K");
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn golden() -> String {
        std::fs::read_to_string(format!(
            "{}/tests/golden/cfn/every-feature.yaml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn on_arbitrary_text(text in "\\PC{0,300}") {
            let _ = detect_and_import(&text, &ImportOptions::default());
        }

        #[test]
        fn on_templates_cut_or_spliced(cut in 0usize..8000, insert in "[-:{}\\[\\]!&*'\"# \n]{0,4}") {
            for base in [golden(), fixture("template-short-forms.yaml"), fixture("authorization-details.json")] {
                let mut at = cut.min(base.len());
                while !base.is_char_boundary(at) {
                    at -= 1;
                }
                let spliced = format!("{}{insert}{}", &base[..at], &base[at..]);
                let _ = detect_and_import(&spliced, &ImportOptions::default());
                let _ = detect_and_import(&base[..at], &ImportOptions::default());
            }
        }
    }
}

#[test]
fn other_metadata_and_sections_are_listed() {
    let text = "Metadata:\n  AWS::CloudFormation::Interface: {}\nTransform: AWS::Serverless-2016-10-31\nResources:\n  U:\n    Type: AWS::IAM::User\n";
    let i = import(text);
    let what: Vec<&str> = i.skipped.iter().map(|s| s.what.as_str()).collect();
    assert_eq!(
        what,
        [
            "the template's Metadata AWS::CloudFormation::Interface",
            "the template's Transform section"
        ]
    );
    assert_eq!(i.skipped[0].line, Some(2));
}

#[test]
fn conditions_are_decided_with_the_parameters_defaults() {
    let text = "\
Parameters:
  Env: {Type: String, Default: test}
  Team: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsPlatform: !Equals [!Ref Team, platform]
Resources:
  Breakglass:
    Type: AWS::IAM::User
    Condition: IsProd
    Properties: {UserName: breakglass}
  Dev:
    Type: AWS::IAM::User
    Properties:
      UserName: !If [IsProd, prod-dev, test-dev]
      Path: !If [IsPlatform, /platform/, /]
      PermissionsBoundary: !If [IsProd, !Sub 'arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess', !Ref AWS::NoValue]
";
    let i = import(text);
    let s = &i.scenario;
    // The resource whose condition is false is left out, and the notes say why.
    assert!(s.user("breakglass").is_none());
    assert!(i.notes.iter().any(|n| n.contains("Breakglass is left out")));
    let dev = s.user("test-dev").unwrap();
    assert_eq!(dev.permissions_boundary, None, "AWS::NoValue removes it");
    // A condition on a parameter without a default cannot be decided: listed with its line,
    // and what it guards is listed as it always was.
    let listed = skipped_lines(&i);
    assert!(
        listed.contains(&("the condition IsPlatform", Some(6))),
        "{listed:?}"
    );
    assert!(
        i.skipped.iter().any(|k| k.why.contains("Fn::If")),
        "{:?}",
        i.skipped
    );
}

/// Imports with a larger size limit, as the CLI does, for the inputs below that are larger
/// than the page's limit.
fn import_large(text: &str) -> Imported {
    let options = ImportOptions {
        max_bytes: Some(64 << 20),
        ..ImportOptions::default()
    };
    detect_and_import(text, &options).unwrap_or_else(|e| panic!("{e}"))
}

/// A user whose name is an `Fn::Sub` of `levels` nested `Fn::Sub`s, each using its one
/// variable `uses` times, around `leaf`.
fn nested_sub(levels: usize, uses: usize, leaf: &str) -> String {
    let mut value = format!("\"{leaf}\"");
    for _ in 0..levels {
        value = format!(
            "{{\"Fn::Sub\": [\"{}\", {{\"a\": {value}}}]}}",
            "${a}".repeat(uses)
        );
    }
    format!(
        "{{\"Resources\": {{\"U\": {{\"Type\": \"AWS::IAM::User\", \"Properties\": {{\"UserName\": {value}}}}}}}}}"
    )
}

#[test]
fn fn_sub_expansion_stops_at_the_budget_with_its_place() {
    // Regression: 555 bytes of nested `Fn::Sub` made a 16 MB user name (2^18 copies of 64
    // bytes here, 16 MiB), 635 bytes 268 MB. The budget stops it and names the place.
    let text = nested_sub(18, 2, &"x".repeat(64));
    assert!(text.len() < 1_000);
    let e = detect_and_import(&text, &ImportOptions::default()).unwrap_err();
    assert_eq!(e.code, "import-expansion-budget", "{e}");
    assert_eq!(e.line, Some(1));
    assert!(e.column.is_some());
    assert!(e.message.contains("bytes"), "{e}");
    // Within the budget the same nesting is evaluated: 2^10 copies of 64 bytes.
    let i = import(&nested_sub(10, 2, &"x".repeat(64)));
    assert_eq!(i.scenario.users[0].name.len(), 64 << 10);
}

#[test]
fn fn_sub_variables_are_resolved_once() {
    // Regression: each use of a variable resolved it again, so 18 levels of a variable used 8
    // times (8^18 evaluations) never finished although the value is empty.
    let i = import(&nested_sub(18, 8, ""));
    assert_eq!(i.scenario.users.len(), 1);
    let i = import(&nested_sub(18, 8, "x").replace("${a}${a}${a}${a}${a}${a}${a}${a}", "-${a}-"));
    assert_eq!(
        i.scenario.users[0].name,
        format!("{}x{}", "-".repeat(18), "-".repeat(18))
    );
}

#[test]
fn find_in_map_copies_count_against_the_budget() {
    // A 40 KB mapping value copied by 2,000 `Fn::FindInMap`s would be 80 MB.
    let mut text = format!(
        "Mappings:\n  M:\n    K:\n      V: [{}]\nResources:\n",
        vec!["abcdefghij"; 4_000].join(", ")
    );
    for n in 0..2_000 {
        text.push_str(&format!(
            "  U{n}:\n    Type: AWS::IAM::User\n    Properties: {{Tags: !FindInMap [M, K, V]}}\n"
        ));
    }
    let e = detect_and_import(&text, &ImportOptions::default()).unwrap_err();
    assert_eq!(e.code, "import-expansion-budget", "{e}");
    assert!(e.line.is_some_and(|l| l > 5));
}

#[test]
fn a_mapping_of_many_keys_is_built_in_linear_time() {
    // Regression: each key was compared with every earlier one; a Condition of 100,000 keys
    // took over 20 s.
    let keys: Vec<String> = (0..100_000)
        .map(|n| format!("\"aws:PrincipalTag/k{n}\": \"v\""))
        .collect();
    let document = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Condition\": {{\"StringEquals\": {{{}}}}}}}]}}",
        keys.join(", ")
    );
    let template = format!(
        "{{\"Resources\": {{\"P\": {{\"Type\": \"AWS::IAM::ManagedPolicy\", \"Properties\": {{\"ManagedPolicyName\": \"p\", \"PolicyDocument\": {document}}}}}}}}}"
    );
    let i = import(&template);
    let doc = json(&i.scenario.policies[0].document);
    let condition = doc["Statement"][0]["Condition"]["StringEquals"]
        .as_object()
        .unwrap();
    assert_eq!(condition.len(), 100_000);
    // The same in YAML authorization details, where a repeated key keeps its first place and
    // its last value.
    let mut yaml = String::from(
        "Policies:\n- PolicyName: p\n  DefaultVersionId: v1\n  PolicyVersionList:\n  - VersionId: v1\n    IsDefaultVersion: true\n    Document:\n      Version: '2012-10-17'\n      Statement:\n      - Effect: Allow\n        Action: s3:*\n        Resource: '*'\n        Condition:\n          StringEquals:\n",
    );
    for n in 0..100_000 {
        yaml.push_str(&format!("            k{n}: v\n"));
    }
    yaml.push_str("            k0: last\n");
    let i = import_large(&yaml);
    let doc = json(&i.scenario.policies[0].document);
    let condition = doc["Statement"][0]["Condition"]["StringEquals"]
        .as_object()
        .unwrap();
    assert_eq!(condition.len(), 100_000);
    assert_eq!(condition["k0"], "last");
}

#[test]
fn refs_to_one_group_from_many_users_are_one_lookup_each() {
    // Regression: every `Ref` scanned the template's resources; 60,000 users naming one group
    // (defined last) did not finish. A policy attached to all of them by `Users` too.
    let n = 60_000;
    let mut text = String::from("Resources:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  U{i}: {{Type: AWS::IAM::User, Properties: {{Groups: [!Ref G]}}}}\n"
        ));
    }
    let users: Vec<String> = (0..n).map(|i| format!("!Ref U{i}")).collect();
    text.push_str(&format!(
        "  P: {{Type: AWS::IAM::Policy, Properties: {{PolicyName: p, PolicyDocument: {{Version: '2012-10-17', Statement: []}}, Users: [{}]}}}}\n",
        users.join(", ")
    ));
    text.push_str("  G: {Type: AWS::IAM::Group}\n");
    let i = import_large(&text);
    assert_eq!(i.scenario.users.len(), n);
    assert!(i.scenario.users.iter().all(|u| u.groups == ["G"]));
    assert!(
        i.scenario
            .users
            .iter()
            .all(|u| u.inline_policies.len() == 1)
    );
}

#[test]
fn the_size_limit_can_be_lowered_and_raised() {
    let mut text = String::from("Resources:\n");
    while text.len() <= 100_000 {
        text.push_str("  # padding padding padding padding padding padding padding padding\n");
    }
    text.push_str("  G: {Type: AWS::IAM::Group}\n");
    let small = ImportOptions {
        max_bytes: Some(100_000),
        ..ImportOptions::default()
    };
    assert_eq!(
        detect_and_import(&text, &small).unwrap_err().code,
        "import-too-large"
    );
    assert_eq!(import(&text).scenario.groups.len(), 1);
    assert_eq!(import_large(&text).scenario.groups.len(), 1);
}

#[test]
fn the_page_limit_fits_a_real_account() {
    // A 5,000-role, 1,000-user account's pretty-printed authorization details are about 40 MB.
    const { assert!(iam_engine::import::MAX_IMPORT_BYTES >= 48 * 1024 * 1024) };
    const { assert!(iam_engine::scenario::MAX_SCENARIO_BYTES >= iam_engine::import::MAX_IMPORT_BYTES) };
}

#[test]
fn the_account_note_appears_only_when_the_template_names_the_account() {
    let without = import(
        "Resources:\n  Dev:\n    Type: AWS::IAM::Group\n    Properties:\n      GroupName: Dev\n",
    );
    assert!(
        !without.notes.iter().any(|n| n.contains("AWS::AccountId")),
        "{:?}",
        without.notes
    );
    let with = import(
        "Resources:\n  Dev:\n    Type: AWS::IAM::Group\n    Properties:\n      GroupName: Dev\n      ManagedPolicyArns:\n        - !Sub arn:aws:iam::${AWS::AccountId}:policy/Read\n",
    );
    assert!(
        with.notes.iter().any(|n| n.contains("AWS::AccountId")),
        "{:?}",
        with.notes
    );
}
