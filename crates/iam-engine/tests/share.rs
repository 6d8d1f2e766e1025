//! Share links end to end: realistic scenarios round-trip and stay short, arbitrary payloads
//! round-trip, arbitrary input never panics, and damaged links are refused.
//!
//! The decompression-bomb test is in `share_bomb.rs`, a test binary of its own, so that the peak
//! heap use it checks is its alone and not that of these tests running in parallel.

use iam_engine::share::{
    self, EmbedOptions, LINK_FORMAT, LinkVersions, MAX_DECODED_BYTES, ShareError, SharePayload,
    ViewState,
};
use proptest::prelude::*;

mod share_links;

use share_links::{BASE_URL, DATA_VERSION, signed_link};

/// The seed documents' admin example: an `administrators` group with AdministratorAccess, and an
/// `admin` user in it whose console password must be reset, with IAMUserChangePassword.
const ADMIN_EXAMPLE: &str = r#"{
  "format": 1,
  "name": "Root user vs an admin IAM user",
  "description": "Lock the root user away with MFA and do everyday work as an IAM user in an administrators group. The new admin must change the console password at first sign-in.",
  "account": {
    "id": "111122223333",
    "alias": "example-corp",
    "root": {
      "mfa": true,
      "accessKeys": false,
      "password": true
    }
  },
  "groups": [
    {
      "name": "administrators",
      "path": "/",
      "managedPolicies": [
        "arn:aws:iam::aws:policy/AdministratorAccess"
      ],
      "inlinePolicies": []
    }
  ],
  "users": [
    {
      "name": "admin",
      "path": "/",
      "groups": [
        "administrators"
      ],
      "console": {
        "password": true,
        "passwordResetRequired": true
      },
      "mfa": false,
      "accessKeys": [],
      "managedPolicies": [
        "arn:aws:iam::aws:policy/IAMUserChangePassword"
      ],
      "inlinePolicies": [],
      "tags": {}
    }
  ],
  "roles": [],
  "policies": [],
  "resources": [],
  "requests": [
    {
      "principal": "arn:aws:iam::111122223333:user/admin",
      "action": "iam:CreateUser",
      "resource": "arn:aws:iam::111122223333:user/developer"
    },
    {
      "principal": "arn:aws:iam::111122223333:user/admin",
      "action": "iam:ChangePassword",
      "resource": "arn:aws:iam::111122223333:user/admin"
    }
  ]
}
"#;

/// Developers, Admins and Auditors groups with least-privilege inline policies, kept as the
/// user's own formatted text inside the scenario.
const GROUPS_EXAMPLE: &str = r#"{
  "format": 1,
  "name": "Developers, Admins and Auditors",
  "description": "Three groups with least privilege: developers deploy to their own bucket and functions, auditors read everything, admins administer.",
  "account": {
    "id": "111122223333",
    "alias": "example-corp",
    "root": { "mfa": true, "accessKeys": false, "password": true }
  },
  "groups": [
    {
      "name": "Developers",
      "path": "/",
      "managedPolicies": [],
      "inlinePolicies": [
        {
          "name": "DeployApp",
          "document": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"AppBucket\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:PutObject\", \"s3:ListBucket\"],\n      \"Resource\": [\n        \"arn:aws:s3:::example-app-artifacts\",\n        \"arn:aws:s3:::example-app-artifacts/*\"\n      ]\n    },\n    {\n      \"Sid\": \"Functions\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\"lambda:UpdateFunctionCode\", \"lambda:GetFunction\", \"lambda:InvokeFunction\"],\n      \"Resource\": \"arn:aws:lambda:eu-west-1:111122223333:function:example-app-*\"\n    },\n    {\n      \"Sid\": \"NoProductionDeletes\",\n      \"Effect\": \"Deny\",\n      \"Action\": \"s3:DeleteObject\",\n      \"Resource\": \"arn:aws:s3:::example-app-artifacts/prod/*\"\n    }\n  ]\n}\n"
        }
      ]
    },
    {
      "name": "Admins",
      "path": "/",
      "managedPolicies": ["arn:aws:iam::aws:policy/AdministratorAccess"],
      "inlinePolicies": [
        {
          "name": "RequireMfa",
          "document": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"DenyWithoutMfa\",\n      \"Effect\": \"Deny\",\n      \"NotAction\": [\"iam:ChangePassword\", \"iam:GetUser\", \"iam:CreateVirtualMFADevice\", \"iam:EnableMFADevice\", \"sts:GetSessionToken\"],\n      \"Resource\": \"*\",\n      \"Condition\": {\n        \"BoolIfExists\": { \"aws:MultiFactorAuthPresent\": \"false\" }\n      }\n    }\n  ]\n}\n"
        }
      ]
    },
    {
      "name": "Auditors",
      "path": "/",
      "managedPolicies": [
        "arn:aws:iam::aws:policy/SecurityAudit",
        "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
      ],
      "inlinePolicies": []
    }
  ],
  "users": [
    { "name": "alice", "path": "/", "groups": ["Developers"], "console": { "password": true, "passwordResetRequired": false }, "mfa": true, "accessKeys": [{ "id": "AKIAIOSFODNN7EXAMPLE", "ageDays": 12 }], "managedPolicies": [], "inlinePolicies": [], "tags": { "team": "payments" } },
    { "name": "bob", "path": "/", "groups": ["Developers"], "console": { "password": true, "passwordResetRequired": true }, "mfa": false, "accessKeys": [], "managedPolicies": [], "inlinePolicies": [], "tags": { "team": "search" } },
    { "name": "carol", "path": "/", "groups": ["Admins"], "console": { "password": true, "passwordResetRequired": false }, "mfa": true, "accessKeys": [], "managedPolicies": [], "inlinePolicies": [], "tags": {} },
    { "name": "dave", "path": "/audit/", "groups": ["Auditors"], "console": { "password": true, "passwordResetRequired": false }, "mfa": true, "accessKeys": [], "managedPolicies": [], "inlinePolicies": [], "tags": {} }
  ],
  "roles": [],
  "policies": [],
  "resources": [],
  "requests": [
    { "principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:PutObject", "resource": "arn:aws:s3:::example-app-artifacts/build/app.zip" },
    { "principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:DeleteObject", "resource": "arn:aws:s3:::example-app-artifacts/prod/app.zip" },
    { "principal": "arn:aws:iam::111122223333:user/dave", "action": "iam:CreateUser", "resource": "arn:aws:iam::111122223333:user/eve" }
  ]
}
"#;

/// A role other accounts may assume: a trust policy with an external ID and a permissions
/// policy, plus a customer-managed policy and a bucket with a bucket policy.
const ROLE_EXAMPLE: &str = r#"{
  "format": 1,
  "name": "A role for cross-account access",
  "description": "The auditing account 444455556666 assumes ReadOnlyAuditor with an external ID; the role reads the reports bucket and nothing else.",
  "account": { "id": "111122223333", "alias": "example-corp", "root": { "mfa": true, "accessKeys": false, "password": true } },
  "groups": [],
  "users": [],
  "roles": [
    {
      "name": "ReadOnlyAuditor",
      "path": "/",
      "maxSessionDuration": 3600,
      "trustPolicy": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": { \"AWS\": \"arn:aws:iam::444455556666:root\" },\n      \"Action\": \"sts:AssumeRole\",\n      \"Condition\": {\n        \"StringEquals\": { \"sts:ExternalId\": \"audit-7f3c2a\" },\n        \"Bool\": { \"aws:MultiFactorAuthPresent\": \"true\" }\n      }\n    }\n  ]\n}\n",
      "managedPolicies": ["arn:aws:iam::111122223333:policy/ReportsReadOnly"],
      "inlinePolicies": [],
      "permissionsBoundary": null
    }
  ],
  "policies": [
    {
      "name": "ReportsReadOnly",
      "path": "/",
      "document": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:ListBucket\"],\n      \"Resource\": [\"arn:aws:s3:::example-reports\", \"arn:aws:s3:::example-reports/*\"]\n    }\n  ]\n}\n"
    }
  ],
  "resources": [
    {
      "type": "s3-bucket",
      "arn": "arn:aws:s3:::example-reports",
      "policy": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"TlsOnly\",\n      \"Effect\": \"Deny\",\n      \"Principal\": \"*\",\n      \"Action\": \"s3:*\",\n      \"Resource\": [\"arn:aws:s3:::example-reports\", \"arn:aws:s3:::example-reports/*\"],\n      \"Condition\": { \"Bool\": { \"aws:SecureTransport\": \"false\" } }\n    }\n  ]\n}\n"
    }
  ],
  "requests": [
    { "principal": "arn:aws:iam::111122223333:role/ReadOnlyAuditor", "action": "s3:GetObject", "resource": "arn:aws:s3:::example-reports/2026/q3.pdf", "context": { "aws:SecureTransport": "true" } }
  ]
}
"#;

const EXAMPLES: [(&str, &str); 3] = [
    ("admin (seed)", ADMIN_EXAMPLE),
    ("developers/admins/auditors", GROUPS_EXAMPLE),
    ("cross-account role", ROLE_EXAMPLE),
];

fn admin_view() -> ViewState {
    ViewState {
        view: Some("simulate".into()),
        principal: Some("arn:aws:iam::111122223333:user/admin".into()),
        action: Some("iam:CreateUser".into()),
        resource: Some("arn:aws:iam::111122223333:user/developer".into()),
    }
}

#[test]
fn examples_round_trip_and_print_their_link_lengths() {
    for (name, scenario) in EXAMPLES {
        serde_json::from_str::<serde_json::Value>(scenario).unwrap();
        let payload = SharePayload::new(scenario, 1, DATA_VERSION).with_view(admin_view());
        let data = share::encode(&payload).unwrap();
        let url = share::share_url(BASE_URL, &data);
        assert_eq!(share::decode(&url), Ok(payload));

        let minified = share::minify_json(scenario);
        let minified_data = share::encode(
            &SharePayload::new(minified.as_str(), 1, DATA_VERSION).with_view(admin_view()),
        )
        .unwrap();
        println!(
            "{name}: scenario {} bytes ({} minified); link data {} chars, full URL {} chars; \
             minified first: link data {} chars ({:+.1}%)",
            scenario.len(),
            minified.len(),
            data.len(),
            url.len(),
            minified_data.len(),
            (minified_data.len() as f64 / data.len() as f64 - 1.0) * 100.0,
        );
    }
}

#[test]
fn the_seed_admin_example_gives_a_link_under_1500_characters() {
    let payload = SharePayload::new(ADMIN_EXAMPLE, 1, DATA_VERSION).with_view(admin_view());
    let data = share::encode(&payload).unwrap();
    let url = share::share_url(BASE_URL, &data);
    assert!(url.len() < 1500, "{} characters", url.len());
    let embed = share::embed_iframe(BASE_URL, &data, &EmbedOptions::default());
    assert!(embed.len() < 1700, "{} characters", embed.len());
    // The snippet can be made from the share URL as well as from the link data.
    assert_eq!(
        share::embed_iframe(BASE_URL, &url, &EmbedOptions::default()),
        embed
    );
    assert!(embed.contains(&format!("?embed#s={data}\"")), "{embed}");
}

#[test]
fn a_link_made_by_this_build_reports_the_same_versions() {
    let payload = SharePayload::new(ROLE_EXAMPLE, 3, DATA_VERSION);
    let decoded = share::decode(&share::encode(&payload).unwrap()).unwrap();
    assert_eq!(decoded.versions.link_format, LINK_FORMAT);
    assert_eq!(decoded.versions.engine, iam_engine::VERSION);
    assert!(decoded.compat(3, DATA_VERSION).is_same());
    let newer_data = decoded.compat(3, "2027-01-15");
    assert!(newer_data.message().unwrap().contains("older version"));
}

#[test]
fn a_wrong_body_length_is_refused() {
    let body = miniz_oxide::deflate::compress_to_vec(b"\x00{}", 6);
    assert_eq!(
        share::decode(&signed_link(&body, None)).unwrap().scenario,
        "{}"
    );
    assert_eq!(
        share::decode(&signed_link(&body, Some(body.len() + 1))),
        Err(ShareError::Truncated)
    );
    assert_eq!(
        share::decode(&signed_link(&body, Some(body.len() - 1))),
        Err(ShareError::Corrupt)
    );
    assert_eq!(
        share::decode(&signed_link(&body, Some(usize::MAX))),
        Err(ShareError::Corrupt)
    );
}

fn view_state() -> impl Strategy<Value = ViewState> {
    let field = || proptest::option::of(any::<String>());
    (field(), field(), field(), field()).prop_map(|(view, principal, action, resource)| ViewState {
        view,
        principal,
        action,
        resource,
    })
}

fn share_payload() -> impl Strategy<Value = SharePayload> {
    let scenario = prop_oneof![
        any::<String>(),
        "[ \\n{}\\[\\]\":,a-z0-9]{0,600}",
        Just(ADMIN_EXAMPLE.to_owned()),
    ];
    (
        scenario,
        proptest::option::of(view_state()),
        any::<u32>(),
        any::<String>(),
    )
        .prop_map(|(scenario, view, scenario_format, data)| SharePayload {
            scenario,
            view,
            versions: LinkVersions {
                link_format: LINK_FORMAT,
                scenario_format,
                engine: iam_engine::VERSION.to_owned(),
                data,
            },
        })
}

/// The characters of URL-safe base64.
const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

proptest! {
    #[test]
    fn encode_then_decode_is_the_identity(payload in share_payload()) {
        let data = share::encode(&payload).unwrap();
        prop_assert_eq!(share::decode(&data), Ok(payload.clone()));
        prop_assert_eq!(share::decode(&share::share_url(BASE_URL, &data)), Ok(payload));
    }

    #[test]
    fn decode_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = share::decode(&text);
    }

    #[test]
    fn decode_never_panics_on_base64_text(text in "[A-Za-z0-9_-]{0,300}") {
        let _ = share::decode(&text);
        let _ = share::decode(&format!("AQ{text}"));
    }

    #[test]
    fn decode_never_panics_on_signed_arbitrary_bodies(
        body in proptest::collection::vec(any::<u8>(), 0..400),
        length_error in -3i64..3,
    ) {
        let claimed = usize::try_from(body.len() as i64 + length_error).unwrap_or(0);
        if let Ok(payload) = share::decode(&signed_link(&body, Some(claimed))) {
            prop_assert!(payload.scenario.len() <= MAX_DECODED_BYTES);
        }
    }

    #[test]
    fn a_truncated_link_is_an_error(payload in share_payload(), cut in any::<prop::sample::Index>()) {
        let data = share::encode(&payload).unwrap();
        let keep = cut.index(data.len());
        prop_assert!(share::decode(&data[..keep]).is_err());
        prop_assert!(share::decode(&share::share_url(BASE_URL, &data[..keep])).is_err());
    }

    #[test]
    fn a_changed_character_is_an_error(
        payload in share_payload(),
        at in any::<prop::sample::Index>(),
        replacement in any::<prop::sample::Index>(),
    ) {
        let data = share::encode(&payload).unwrap();
        let mut bytes = data.clone().into_bytes();
        let at = at.index(bytes.len());
        let mut new = ALPHABET[replacement.index(ALPHABET.len())];
        if new == bytes[at] {
            new = ALPHABET[(replacement.index(ALPHABET.len()) + 1) % ALPHABET.len()];
        }
        bytes[at] = new;
        let changed = String::from_utf8(bytes).unwrap();
        let result = share::decode(&changed);
        prop_assert!(result.is_err(), "{} decoded to {:?}", changed, result);
    }
}

/// Every gallery example survives a share link unchanged, and the links stay short enough to
/// paste: the seed documents' admin example must be under 1,500 characters. The lengths are
/// printed (`cargo test --test share -- --nocapture`) so a change that bloats links shows.
#[test]
fn gallery_examples_round_trip_through_short_links() {
    use iam_engine::scenario::{FORMAT_VERSION, Scenario, gallery};
    let base = "https://example.com/playground/";
    for entry in gallery() {
        let text = entry.scenario.to_json();
        let payload = SharePayload::new(text, FORMAT_VERSION, "2026-09-26");
        let data = share::encode(&payload).unwrap();
        let url = share::share_url(base, &data);
        println!("{:<28} {:>5} characters", entry.id, url.len());

        let back = share::decode(&url).unwrap();
        assert_eq!(back.versions.scenario_format, FORMAT_VERSION);
        let scenario = Scenario::from_json(&back.scenario).unwrap();
        assert_eq!(scenario, entry.scenario, "{} changed on the way", entry.id);
        if entry.id == "seed-admin-template" {
            assert!(
                url.len() < 1_500,
                "the seed admin link is {} characters",
                url.len()
            );
        }
    }
}
