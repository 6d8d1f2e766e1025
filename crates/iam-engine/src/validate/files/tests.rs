use super::*;
use crate::span::LineIndex;

fn options() -> ValidateOptions<'static> {
    ValidateOptions::new(PolicyType::Identity, None)
}

/// The findings of `code` with their one-based line and column in `text`, and the text they
/// underline.
fn places<'t>(text: &'t str, report: &FileReport, code: &str) -> Vec<(usize, usize, &'t str)> {
    let index = LineIndex::new(text);
    report
        .findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| {
            let lc = index.line_col(f.span.start);
            (lc.line, lc.column, f.span.slice(text))
        })
        .collect()
}

const TEMPLATE: &str = "\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: s3:GetObject
  Everything:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: '*'
            Resource: !Sub 'arn:${AWS::Partition}:s3:::*'
          - Effect: Allow
            Action: s3:GetObject
            Resource: '*'
  Bucket:
    Type: AWS::S3::Bucket
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: '*'
            Action: s3:GetObject
            Resource: arn:aws:s3:::b/*
";

#[test]
fn kinds_are_told_apart_by_their_top_level_keys() {
    assert_eq!(detect(TEMPLATE), Some(FileKind::CloudFormation));
    assert_eq!(
        detect(r#"{"Version":"2012-10-17","Statement":[]}"#),
        Some(FileKind::Policy)
    );
    assert_eq!(
        detect(r#"{"formatVersion":1,"account":{"id":"111122223333"}}"#),
        Some(FileKind::Scenario)
    );
    assert_eq!(
        detect("{\"UserDetailList\": []}"),
        Some(FileKind::AuthorizationDetails)
    );
    // Near misses: a package manifest, and a YAML file whose Resources key is indented.
    assert_eq!(detect(r#"{"name":"x","version":"1.0.0"}"#), None);
    assert_eq!(detect("jobs:\n  Resources: x\n"), None);
}

#[test]
fn template_findings_point_at_the_template_lines() {
    let report = validate_file(TEMPLATE, FileKind::CloudFormation, &options());
    assert_eq!(report.policies, 3);
    // The trust policy's action is not an sts: action: line 11, at `s3:GetObject`.
    assert_eq!(
        places(TEMPLATE, &report, "trust-non-sts-action"),
        vec![(11, 21, "s3:GetObject")]
    );
    let trust = report
        .findings
        .iter()
        .find(|f| f.code == "trust-non-sts-action");
    assert!(
        trust.is_some_and(|f| f
            .message
            .starts_with("role AppRole AssumeRolePolicyDocument: ")),
        "{trust:?}"
    );
    // The bucket policy is a resource policy: Principal * without a condition.
    let anyone = places(TEMPLATE, &report, "principal-anyone-without-condition");
    assert_eq!(anyone.len(), 1, "{:?}", report.findings);
    // At the statement's Principal, line 33.
    assert_eq!((anyone[0].0, anyone[0].2), (33, "'*'"), "{anyone:?}");
    // A value an intrinsic function made points at the function's whole value.
    let text = "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: !Sub 'arn:${AWS::Partition}:iam::12345:user/x'\n";
    let report = validate_file(text, FileKind::CloudFormation, &options());
    let bad: Vec<_> = places(text, &report, "resource-bad-account");
    assert_eq!(bad.len(), 1, "{:?}", report.findings);
    // The tree places a tagged value at the value, after the tag: the whole string.
    assert_eq!(
        bad[0],
        (10, 28, "'arn:${AWS::Partition}:iam::12345:user/x'")
    );
}

#[test]
fn a_clean_template_has_no_findings_and_a_broken_one_has_its_error() {
    let clean = "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: arn:aws:s3:::b/*\n";
    let report = validate_file(clean, FileKind::CloudFormation, &options());
    assert_eq!(report.findings, Vec::new());
    assert_eq!(report.policies, 1);
    let broken = "Resources:\n  P: [\n";
    let report = validate_file(broken, FileKind::CloudFormation, &options());
    assert_eq!(report.findings.len(), 1);
    assert!(
        report.findings[0].code.starts_with("import-"),
        "{:?}",
        report.findings
    );
    assert!(report.findings[0].is_error());
    // The mistake on a multi-byte character: the span holds the whole character.
    let broken = "{\"Resources\": é}";
    let report = validate_file(broken, FileKind::CloudFormation, &options());
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    let span = report.findings[0].span;
    assert_eq!(span.slice(broken), "é", "{span:?}");
}

#[test]
fn json_template_and_authorization_details_findings_point_at_their_lines() {
    let text = r#"{
  "RoleDetailList": [
    {
      "RoleName": "r",
      "Path": "/",
      "AssumeRolePolicyDocument": {
        "Version": "2012-10-17",
        "Statement": [
          {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "iam:PassRole"}
        ]
      },
      "RolePolicyList": [],
      "AttachedManagedPolicies": []
    }
  ]
}"#;
    assert_eq!(detect(text), Some(FileKind::AuthorizationDetails));
    let report = validate_file(text, FileKind::AuthorizationDetails, &options());
    let found = places(text, &report, "trust-non-sts-action");
    assert_eq!(found.len(), 1, "{:?}", report.findings);
    assert_eq!((found[0].0, found[0].2), (9, "\"iam:PassRole\""));
}

#[test]
fn scenario_findings_point_inside_the_document_strings() {
    let text = r#"{
  "formatVersion": 1,
  "account": { "id": "111122223333" },
  "roles": [
    { "name": "App", "trustPolicy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"s3:GetObject\"}]}" }
  ],
  "policies": [
    { "name": "Clean", "document": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}]\n}" }
  ]
}"#;
    assert_eq!(detect(text), Some(FileKind::Scenario));
    let report = validate_file(text, FileKind::Scenario, &options());
    assert_eq!(report.policies, 2);
    let found = places(text, &report, "trust-non-sts-action");
    assert_eq!(found.len(), 1, "{:?}", report.findings);
    assert_eq!(found[0].0, 5);
    assert_eq!(found[0].2, "\\\"s3:GetObject\\\"");
    // The clean policy (a near miss) has nothing.
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.message.starts_with("role App trust policy: ")),
        "{:?}",
        report.findings
    );
}

#[test]
fn string_maps_carry_offsets_through_escapes() {
    let file = r#"x "a\nb\u00e9c" y"#;
    let start = file.find('"').unwrap_or_default();
    let end = file.rfind('"').unwrap_or_default() + 1;
    let map = StringMap::new(file, Span::new(start, end));
    // Decoded "a\nbéc": a=0, \n=1, b=2, é=3..5, c=5.
    assert_eq!(map.offset(0), start + 1);
    assert_eq!(map.offset(1), start + 2);
    assert_eq!(map.offset(2), start + 4);
    assert_eq!(map.offset(3), start + 5);
    assert_eq!(map.offset(5), start + 11);
    assert_eq!(map.offset(6), end - 1);
}

#[test]
fn terraform_is_detected_and_its_files_are_validated_together() {
    let plan = r#"{"format_version": "1.2", "planned_values": {"root_module": {}}}"#;
    assert_eq!(detect(plan), Some(FileKind::Terraform));
    assert_eq!(
        detect("resource \"aws_iam_user\" \"a\" {\n  name = \"a\"\n}\n"),
        Some(FileKind::Terraform)
    );
    // Near miss: `format_version` alone is no plan.
    assert_eq!(detect(r#"{"format_version": "1.2"}"#), None);
    let documents = "data \"aws_iam_policy_document\" \"p\" {\n  statement {\n    actions   = [\"iam:PassRole\"]\n    resources = [\"*\"]\n  }\n}\n";
    let policy = "resource \"aws_iam_policy\" \"p\" {\n  name   = \"p\"\n  policy = data.aws_iam_policy_document.p.json\n}\n";
    let files = [
        TerraformFile {
            name: "documents.tf".to_string(),
            text: documents.to_string(),
        },
        TerraformFile {
            name: "policy.tf".to_string(),
            text: policy.to_string(),
        },
    ];
    let reports = validate_terraform_files(&files, &options());
    assert_eq!(reports.len(), 2);
    assert!(reports[0].findings.is_empty(), "{:?}", reports[0].findings);
    assert_eq!(reports[1].policies, 1);
    // iam:PassRole on "*", reported at the policy attribute's line in the other file.
    let f = reports[1]
        .findings
        .first()
        .unwrap_or_else(|| panic!("no finding: {reports:?}"));
    assert!(
        f.message.starts_with("aws_iam_policy.p policy: "),
        "{}",
        f.message
    );
    assert_eq!(
        f.span.slice(policy),
        "policy = data.aws_iam_policy_document.p.json"
    );
    // A syntax error is one finding, in the file of the mistake.
    let broken = [
        files[0].clone(),
        TerraformFile {
            name: "broken.tf".to_string(),
            text: "resource \"aws_iam_user\" \"a\" {\n  name = \n".to_string(),
        },
    ];
    let reports = validate_terraform_files(&broken, &options());
    assert!(reports[0].findings.is_empty());
    assert_eq!(reports[1].findings.len(), 1);
    assert_eq!(reports[1].findings[0].code, "import-hcl-syntax");
}
