//! The examples gallery: one scenario for each claim the seed documents make, each with saved
//! tests holding the decisions AWS gives.
//!
//! The scenarios are ordinary scenario files under `crates/iam-engine/examples-data/`, embedded
//! with `include_str!`, so they double as examples of the file format and as inputs for the
//! CLI. An entry's title and summary are its scenario's `title` and `description`.

use serde::Serialize;

use super::Scenario;

/// One example of the gallery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GalleryEntry {
    /// A stable id for links (`root-vs-admin`).
    pub id: &'static str,
    /// The title (the scenario's `title`).
    pub title: String,
    /// What the example shows (the scenario's `description`).
    pub summary: String,
    /// The seed documents' sentence that the example lets the reader try.
    pub claim: &'static str,
    /// Root-only tasks (ids of [`crate::root_tasks`]) the example is about. These are console
    /// operations without an IAM action, so they cannot be saved tests; the UI shows them
    /// beside the tests.
    pub root_only_tasks: &'static [&'static str],
    /// The scenario.
    pub scenario: Scenario,
}

struct Source {
    id: &'static str,
    claim: &'static str,
    root_only_tasks: &'static [&'static str],
    json: &'static str,
}

const SOURCES: &[Source] = &[
    Source {
        id: "root-vs-admin",
        claim: "IAM users can have permissions ranging from none to almost full, but they can never do some root-only tasks like closing the account or changing the root password.",
        root_only_tasks: &["close-account", "change-account-settings"],
        json: include_str!("../../examples-data/root-vs-admin.json"),
    },
    Source {
        id: "least-privilege-groups",
        claim: "Organize users into groups based on their roles—for example, 'Developers', 'Admins', and 'Auditors'. A developer might need access to EC2 and S3 but not billing information, and can deploy code but can't delete your entire database.",
        root_only_tasks: &[],
        json: include_str!("../../examples-data/least-privilege-groups.json"),
    },
    Source {
        id: "forced-password-change",
        claim: "Forces the user to change their password first time they log in (by attaching IAMUserChangePassword policy to the user).",
        root_only_tasks: &[],
        json: include_str!("../../examples-data/forced-password-change.json"),
    },
    Source {
        id: "mfa-required",
        claim: "Enable MFA on your root account and all IAM users, especially those with elevated permissions.",
        root_only_tasks: &[],
        json: include_str!("../../examples-data/mfa-required.json"),
    },
    Source {
        id: "cross-account-role",
        claim: "When your team needs access from another AWS account or external partner, roles are the way to go. They're more secure than sharing passwords and improve auditability.",
        root_only_tasks: &[],
        json: include_str!("../../examples-data/cross-account-role.json"),
    },
    Source {
        id: "permissions-boundary",
        claim: "Granting IAM users full administrator access without restrictions is a common pitfall; its root cause is a lack of understanding of least privilege and permission boundaries.",
        root_only_tasks: &[],
        json: include_str!("../../examples-data/permissions-boundary.json"),
    },
    Source {
        id: "scp-guardrail",
        claim: "Leverage AWS Organizations to implement a multi-account strategy. By creating separate accounts for different purposes (e.g., development, testing, production), you can enhance isolation and security.",
        root_only_tasks: &[],
        json: include_str!("../../examples-data/scp-guardrail.json"),
    },
    Source {
        id: "seed-admin-template",
        claim: "Creates an IAM group named administrators, creates a user named admin, attaches AdministratorAccess policy to the group, and forces the user to change their password first time they log in.",
        root_only_tasks: &["close-account"],
        json: include_str!("../../examples-data/seed-admin-template.json"),
    },
    Source {
        id: "passrole-lambda-admin",
        claim: "A user who may pass an admin role to a Lambda function can become an admin: privilege escalation is the most common way an account loses the special place of its admins.",
        root_only_tasks: &[],
        json: include_str!("../../examples-data/passrole-lambda-admin.json"),
    },
    Source {
        id: "passrole-lambda-admin-fixed",
        claim: "Restrict iam:PassRole to specific roles and to specific services with iam:PassedToService, so that no one can hand an administrator role to a service they control.",
        root_only_tasks: &[],
        json: include_str!("../../examples-data/passrole-lambda-admin-fixed.json"),
    },
];

/// The number of examples; the tests check that every one loads.
#[cfg(test)]
pub(crate) const GALLERY_LEN: usize = SOURCES.len();

/// Every example, in display order. An example that fails to load is left out rather than
/// panicking; the tests make sure none does.
pub fn gallery() -> Vec<GalleryEntry> {
    SOURCES
        .iter()
        .filter_map(|s| {
            let scenario = Scenario::from_json(s.json).ok()?;
            Some(GalleryEntry {
                id: s.id,
                title: scenario.title.clone(),
                summary: scenario.description.clone(),
                claim: s.claim,
                root_only_tasks: s.root_only_tasks,
                scenario,
            })
        })
        .collect()
}

/// The example with this id.
pub fn gallery_entry(id: &str) -> Option<GalleryEntry> {
    let source = SOURCES.iter().find(|s| s.id == id)?;
    let scenario = Scenario::from_json(source.json).ok()?;
    Some(GalleryEntry {
        id: source.id,
        title: scenario.title.clone(),
        summary: scenario.description.clone(),
        claim: source.claim,
        root_only_tasks: source.root_only_tasks,
        scenario,
    })
}

/// The raw JSON text of an example, as stored (for the CLI and the share-link length test).
pub fn gallery_json(id: &str) -> Option<&'static str> {
    SOURCES.iter().find(|s| s.id == id).map(|s| s.json)
}
