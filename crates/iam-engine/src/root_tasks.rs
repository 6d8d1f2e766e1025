//! AWS's list of "Tasks that require root user credentials", as data.
//!
//! The account root user may do nearly everything in its own account, but a few tasks can be
//! done *only* by the root user, whatever an IAM principal is granted (even
//! `AdministratorAccess`). The evaluator uses this catalog to explain why an IAM principal's
//! request is refused although every policy allows it, and why the root user succeeds.
//!
//! The list follows the IAM User Guide section "Tasks that require root user credentials"
//! (`id_root-user.html#root-user-tasks`, mirrored by the Account Management Reference Guide's
//! `root-user-tasks.html`). Titles are worded as AWS words them. Most tasks are console
//! operations with no IAM action behind them; those have an empty [`RootTask::actions`] list
//! and a [`RootTask::console_operation`] description, because inventing an action name would
//! make the playground claim something AWS does not say.
//!
//! Two items that older copies of the list carried are deliberately absent:
//! - "Change or cancel your AWS Support plan": since October 2022 an IAM principal with the
//!   `supportplans:*` actions (for example `supportplans:StartSupportPlanUpdate`) can do it.
//! - "Link your AWS account to your Amazon Mechanical Turk Requester account": no longer listed.
//!
//! Requests to remove the EC2 port 25 email sending limit are not on AWS's list either.
//!
//! Some tasks can also be done, for member accounts of an organization with centralized root
//! access, through a privileged root session (`sts:AssumeRoot`) scoped by an AWS-managed task
//! policy; [`RootTask::assume_root_task_policy`] names that policy where one exists.

use serde::Serialize;

/// The IAM User Guide anchor listing the root-only tasks.
pub const ROOT_USER_TASKS_URL: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks";

/// One task that only the account root user can perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RootTask {
    /// A stable identifier for links, tests and diagnostics (kebab case).
    pub id: &'static str,
    /// The task's title as AWS words it.
    pub title: &'static str,
    /// The page that documents the task.
    pub doc_url: &'static str,
    /// The IAM actions (`service:Action`, exact casing) whose request falls under the task.
    ///
    /// Empty when the task is a console or support operation with no IAM action.
    pub actions: &'static [&'static str],
    /// What the root user does, described as a console or support operation.
    pub console_operation: &'static str,
    /// What beyond the action name decides whether a request is this task, if anything.
    ///
    /// For example `s3:PutBucketVersioning` is root-only only when the request sets
    /// `MfaDelete`; an evaluator that only knows the action name must report the task as
    /// "possibly root-only" and say which context decides.
    pub needs_context: Option<&'static str>,
    /// The AWS-managed task policy that lets a privileged root session (`sts:AssumeRoot`
    /// from the organization's management or delegated administrator account) do the task on
    /// a member account, where AWS offers one.
    pub assume_root_task_policy: Option<&'static str>,
    /// The words people search for the task with ("root password", "close the account"),
    /// besides its title: what [`search_root_tasks`] also matches.
    pub synonyms: &'static [&'static str],
}

/// The catalog, in the order AWS lists the tasks.
static ROOT_TASKS: &[RootTask] = &[
    RootTask {
        id: "change-account-settings",
        title: "Change your account settings",
        doc_url: ROOT_USER_TASKS_URL,
        actions: &[],
        console_operation: "Change the account name, email address, root user password or root user access keys on the account settings and security credentials pages while signed in as the root user. Other account settings, such as contact information, payment currency preference and AWS Regions, do not require root user credentials. For member accounts with centralized root access, a privileged root session can also delete the root user's credentials (task policy IAMDeleteRootUserCredentials) or let it recover its password (IAMCreateRootUserPassword).",
        needs_context: None,
        assume_root_task_policy: None,
        synonyms: &[
            "root password",
            "change the root password",
            "reset the root password",
            "root access keys",
            "delete root access keys",
            "root MFA",
            "root user MFA device",
            "root email address",
            "account name",
            "account email",
        ],
    },
    RootTask {
        id: "restore-iam-user-permissions",
        title: "Restore IAM user permissions",
        doc_url: ROOT_USER_TASKS_URL,
        actions: &[],
        console_operation: "Sign in as the root user to edit IAM policies and restore the permissions that the only IAM administrator accidentally revoked from themselves. The IAM actions involved are ordinary ones; what is root-only is being able to use them when no IAM principal is allowed to.",
        needs_context: None,
        assume_root_task_policy: None,
        synonyms: &[
            "restore permissions",
            "locked out",
            "lost administrator access",
            "regain access",
            "revoked my own permissions",
        ],
    },
    RootTask {
        id: "activate-iam-billing-access",
        title: "Activate IAM access to the Billing and Cost Management console",
        doc_url: ROOT_USER_TASKS_URL,
        actions: &[],
        console_operation: "Turn on \"IAM user and role access to Billing information\" on the account settings page while signed in as the root user.",
        needs_context: None,
        assume_root_task_policy: None,
        synonyms: &[
            "billing access",
            "IAM access to billing",
            "billing console for IAM users",
        ],
    },
    RootTask {
        id: "view-certain-tax-invoices",
        title: "View certain tax invoices",
        doc_url: ROOT_USER_TASKS_URL,
        actions: &[],
        console_operation: "View and download tax invoices from AWS Inc. or Amazon Internet Services Private Limited (AISPL) in the Billing console. An IAM principal with aws-portal:ViewBilling can view and download VAT invoices from AWS Europe only.",
        needs_context: None,
        assume_root_task_policy: None,
        synonyms: &["tax invoice", "invoices", "AISPL invoice"],
    },
    RootTask {
        id: "close-account",
        title: "Close your AWS account",
        doc_url: ROOT_USER_TASKS_URL,
        actions: &[],
        console_operation: "Close a standalone account from the account settings page while signed in as the root user. (A management account can close member accounts through AWS Organizations, which is not this task.)",
        needs_context: None,
        assume_root_task_policy: None,
        synonyms: &[
            "close the account",
            "delete the account",
            "cancel the account",
            "terminate the account",
            "shut down the account",
        ],
    },
    RootTask {
        id: "register-ri-marketplace-seller",
        title: "Register as a seller in the Reserved Instance Marketplace",
        doc_url: ROOT_USER_TASKS_URL,
        actions: &[],
        console_operation: "Complete the seller registration for the Reserved Instance Marketplace in the EC2 console while signed in as the root user. Listing reserved instances after registration is an ordinary EC2 action.",
        needs_context: None,
        assume_root_task_policy: None,
        synonyms: &[
            "reserved instance marketplace",
            "sell reserved instances",
            "RI seller",
        ],
    },
    RootTask {
        id: "s3-enable-mfa-delete",
        title: "Configure an Amazon S3 bucket to enable MFA (multi-factor authentication)",
        doc_url: ROOT_USER_TASKS_URL,
        actions: &["s3:PutBucketVersioning"],
        console_operation: "Enable or disable MFA delete on a bucket's versioning configuration, using the root user's access keys and MFA device (the console cannot do it).",
        needs_context: Some(
            "Only a PutBucketVersioning request whose versioning configuration sets MfaDelete is root-only; changing the versioning status alone is an ordinary request.",
        ),
        assume_root_task_policy: None,
        synonyms: &["MFA delete", "S3 MFA delete", "bucket versioning MFA"],
    },
    RootTask {
        id: "sqs-unlock-queue-policy",
        title: "Edit or delete an Amazon Simple Queue Service (Amazon SQS) resource policy that denies all principals",
        doc_url: ROOT_USER_TASKS_URL,
        actions: &["sqs:SetQueueAttributes"],
        console_operation: "Edit or delete the queue's access policy while signed in as the root user.",
        needs_context: Some(
            "Root-only when the queue's current policy denies all principals and the request changes the Policy attribute.",
        ),
        assume_root_task_policy: Some("SQSUnlockQueuePolicy"),
        synonyms: &[
            "unlock a queue",
            "queue policy denies everyone",
            "locked SQS queue",
        ],
    },
    RootTask {
        id: "s3-unlock-bucket-policy",
        title: "Edit or delete an Amazon Simple Storage Service (Amazon S3) bucket policy that denies all principals",
        doc_url: ROOT_USER_TASKS_URL,
        actions: &["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
        console_operation: "Edit or delete the bucket policy while signed in as the root user.",
        needs_context: Some("Root-only when the bucket's current policy denies all principals."),
        assume_root_task_policy: Some("S3UnlockBucketPolicy"),
        synonyms: &[
            "unlock a bucket",
            "bucket policy denies everyone",
            "locked S3 bucket",
        ],
    },
    RootTask {
        id: "sign-up-govcloud",
        title: "Sign up for AWS GovCloud (US)",
        doc_url: ROOT_USER_TASKS_URL,
        actions: &[],
        console_operation: "Follow the AWS GovCloud (US) link on the account settings page while signed in as the root user and complete the sign-up.",
        needs_context: None,
        assume_root_task_policy: None,
        synonyms: &["GovCloud", "GovCloud sign-up"],
    },
    RootTask {
        id: "request-govcloud-root-access-keys",
        title: "Request AWS GovCloud (US) account root user access keys from AWS Support",
        doc_url: ROOT_USER_TASKS_URL,
        actions: &[],
        console_operation: "Open an AWS Support case from the standard account, signed in as the root user, asking for the GovCloud (US) account's root user access keys.",
        needs_context: None,
        assume_root_task_policy: None,
        synonyms: &["GovCloud root access keys", "GovCloud access keys"],
    },
    RootTask {
        id: "recover-unmanageable-kms-key",
        title: "In the event that an AWS Key Management Service key becomes unmanageable, you can recover it by contacting AWS Support as the root user",
        doc_url: ROOT_USER_TASKS_URL,
        actions: &[],
        console_operation: "Contact AWS Support as the root user to recover a KMS key whose key policy no longer lets anyone manage it.",
        needs_context: None,
        assume_root_task_policy: None,
        synonyms: &[
            "recover a KMS key",
            "unmanageable KMS key",
            "locked KMS key",
            "key policy lockout",
        ],
    },
];

/// Every root-only task, in the order AWS lists them.
pub fn root_only_tasks() -> &'static [RootTask] {
    ROOT_TASKS
}

/// The root-only task that covers `action` (`service:Action`, matched case-insensitively),
/// if any.
///
/// A match does not mean every request for the action is root-only: check
/// [`RootTask::needs_context`] for the request detail that decides.
pub fn root_only_task_for_action(action: &str) -> Option<&'static RootTask> {
    let action = action.trim();
    ROOT_TASKS
        .iter()
        .find(|task| task.actions.iter().any(|a| a.eq_ignore_ascii_case(action)))
}

/// The root-only task with the identifier `id`, if any.
pub fn root_only_task(id: &str) -> Option<&'static RootTask> {
    ROOT_TASKS.iter().find(|task| task.id == id)
}

/// Words a search ignores, so "change the root password" finds what "change root password"
/// finds.
const STOP_WORDS: &[&str] = &[
    "the", "a", "an", "my", "your", "our", "of", "to", "for", "as",
];

/// The root-only tasks a search for `query` finds, in AWS's order: those whose title, id or
/// synonyms hold every word of the query (case-insensitively, ignoring words such as "the").
/// An empty query finds every task.
pub fn search_root_tasks(query: &str) -> Vec<&'static RootTask> {
    let query = query.to_lowercase();
    let words: Vec<&str> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(w))
        .collect();
    ROOT_TASKS
        .iter()
        .filter(|task| {
            let mut haystack = format!("{} {}", task.title, task.id.replace('-', " "));
            for s in task.synonyms {
                haystack.push(' ');
                haystack.push_str(s);
            }
            let haystack = haystack.to_lowercase();
            words.iter().all(|w| haystack.contains(w))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for task in root_only_tasks() {
            assert!(seen.insert(task.id), "duplicate id {}", task.id);
            assert!(
                task.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "id {} is not kebab case",
                task.id
            );
        }
    }

    #[test]
    fn every_task_is_documented() {
        for task in root_only_tasks() {
            assert!(task.doc_url.starts_with("https://docs.aws.amazon.com/"));
            assert!(!task.title.is_empty());
            assert!(!task.console_operation.is_empty());
        }
    }

    #[test]
    fn actions_are_service_qualified_and_not_shared() {
        let mut seen = HashSet::new();
        for task in root_only_tasks() {
            for action in task.actions {
                let (service, name) = action.split_once(':').expect("service:Action");
                assert!(!service.is_empty() && !name.is_empty());
                assert!(seen.insert(action.to_ascii_lowercase()), "{action} twice");
            }
        }
    }

    #[test]
    fn tasks_with_actions_say_what_context_decides() {
        // Every action listed here is also used by ordinary, non-root requests, so the
        // evaluator must be told which request detail makes it root-only.
        for task in root_only_tasks() {
            if !task.actions.is_empty() {
                assert!(task.needs_context.is_some(), "{} lacks context", task.id);
            }
        }
    }

    #[test]
    fn mfa_delete_maps_to_put_bucket_versioning_case_insensitively() {
        let task = root_only_task_for_action("S3:putbucketversioning").expect("mapped");
        assert_eq!(task.id, "s3-enable-mfa-delete");
        assert!(task.needs_context.expect("context").contains("MfaDelete"));
    }

    #[test]
    fn deny_all_policies_map_to_unlock_tasks() {
        let s3 = root_only_task_for_action("s3:DeleteBucketPolicy").expect("mapped");
        assert_eq!(s3.id, "s3-unlock-bucket-policy");
        assert_eq!(s3.assume_root_task_policy, Some("S3UnlockBucketPolicy"));
        assert_eq!(
            root_only_task_for_action(" s3:PutBucketPolicy ").map(|t| t.id),
            Some("s3-unlock-bucket-policy")
        );
        let sqs = root_only_task_for_action("sqs:setqueueattributes").expect("mapped");
        assert_eq!(sqs.id, "sqs-unlock-queue-policy");
    }

    #[test]
    fn ordinary_actions_are_not_root_only() {
        for action in [
            "s3:GetObject",
            "iam:CreateUser",
            "supportplans:StartSupportPlanUpdate",
            "organizations:CloseAccount",
            "",
            "*",
            "s3:*",
        ] {
            assert_eq!(root_only_task_for_action(action), None, "{action}");
        }
    }

    #[test]
    fn console_only_tasks_have_no_actions() {
        for id in [
            "change-account-settings",
            "close-account",
            "activate-iam-billing-access",
            "sign-up-govcloud",
        ] {
            let task = root_only_task(id).expect("listed");
            assert!(task.actions.is_empty(), "{id}");
            assert_eq!(task.needs_context, None);
        }
    }

    #[test]
    fn lookup_by_id() {
        assert_eq!(
            root_only_task("close-account").map(|t| t.title),
            Some("Close your AWS account")
        );
        assert_eq!(root_only_task("nope"), None);
        assert_eq!(root_only_tasks().len(), 12);
    }

    #[test]
    fn tasks_are_found_by_the_words_people_use() {
        let ids = |q: &str| -> Vec<&str> { search_root_tasks(q).iter().map(|t| t.id).collect() };
        assert_eq!(ids("change the root password"), ["change-account-settings"]);
        assert_eq!(ids("Root MFA"), ["change-account-settings"]);
        // The GovCloud account's root access keys are a task of their own, listed after.
        assert_eq!(
            ids("root access keys"),
            [
                "change-account-settings",
                "request-govcloud-root-access-keys"
            ]
        );
        assert_eq!(ids("close the account"), ["close-account"]);
        assert_eq!(ids("restore permissions"), ["restore-iam-user-permissions"]);
        assert_eq!(ids("govcloud").len(), 2);
        assert_eq!(ids("").len(), root_only_tasks().len());
        assert!(ids("launch an EC2 instance").is_empty());
    }

    #[test]
    fn every_task_has_synonyms() {
        for task in root_only_tasks() {
            assert!(!task.synonyms.is_empty(), "{}", task.id);
        }
    }
}
