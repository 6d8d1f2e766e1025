//! Deciding whether a principal can do one of the tasks only the root user can do.
//!
//! Most of AWS's root-only tasks (close the account, change the root user's email or password,
//! restore IAM user permissions, …) are console operations with no IAM action, so a request of
//! the usual shape (action + resource) cannot express them. This asks the question directly:
//! "can this caller do task T?". The answer needs no policy: the root user of the account can,
//! and nobody else can, whatever its policies grant (even `AdministratorAccess`), because IAM
//! never evaluates policies for these operations.

use serde::Serialize;

use super::{Caller, CallerKind, Decision};
use crate::root_tasks::{RootTask, root_only_task};

/// The answer to "can this caller do this root-only task?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RootTaskEvaluation {
    /// The task asked about.
    pub task: RootTask,
    /// `allowed` for the account's root user, `implicitDeny` for every other principal.
    pub decision: Decision,
    /// Why, in a sentence for the user.
    pub reason: String,
}

/// Decides whether `caller` can do the root-only task with id `task_id` (see
/// [`crate::root_tasks`]); `None` when there is no such task.
///
/// The caller's policies play no part: a root-only task is not authorised by IAM policies, so
/// no Allow grants it to an IAM principal and (for these console operations) no identity
/// policy can take it from the root user.
pub fn evaluate_root_task(caller: &Caller, task_id: &str) -> Option<RootTaskEvaluation> {
    let task = *root_only_task(task_id)?;
    let (decision, reason) = match caller.kind {
        CallerKind::Root => (
            Decision::Allowed,
            format!(
                "\"{}\" requires root user credentials, and the caller is the root user of account {}.",
                task.title, caller.account
            ),
        ),
        _ => (
            Decision::ImplicitDeny,
            format!(
                "\"{}\" requires root user credentials. {} is not the account root user, and no policy can grant this task to another principal, not even AdministratorAccess.",
                task.title,
                describe(caller)
            ),
        ),
    };
    Some(RootTaskEvaluation {
        task,
        decision,
        reason,
    })
}

/// Names the caller in words.
fn describe(caller: &Caller) -> String {
    match caller.kind {
        CallerKind::User => format!("The IAM user {}", caller.arn),
        CallerKind::Role | CallerKind::RoleSession => format!("The role {}", caller.arn),
        CallerKind::FederatedUser => format!("The federated user {}", caller.arn),
        CallerKind::Service => format!("The service principal {}", caller.arn),
        CallerKind::Anonymous => "An anonymous caller".to_string(),
        CallerKind::Root => format!("The root user {}", caller.arn),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(arn: &str) -> Caller {
        Caller::from_arn(arn).expect("a caller ARN")
    }

    #[test]
    fn only_the_root_user_can_close_the_account() {
        let root = evaluate_root_task(&caller("arn:aws:iam::111122223333:root"), "close-account")
            .expect("the task exists");
        assert_eq!(root.decision, Decision::Allowed);
        assert!(root.reason.contains("root user of account 111122223333"));

        let admin = evaluate_root_task(
            &caller("arn:aws:iam::111122223333:user/admin"),
            "close-account",
        )
        .expect("the task exists");
        assert_eq!(admin.decision, Decision::ImplicitDeny);
        assert!(admin.reason.contains("not even AdministratorAccess"));
        assert!(admin.reason.contains("user/admin"));
    }

    #[test]
    fn roles_services_and_anonymous_callers_are_refused_every_task() {
        for task in crate::root_tasks::root_only_tasks() {
            for arn in [
                "arn:aws:sts::111122223333:assumed-role/Admin/session",
                "cloudtrail.amazonaws.com",
                "*",
            ] {
                let answer = evaluate_root_task(&caller(arn), task.id).expect("the task exists");
                assert_eq!(
                    answer.decision,
                    Decision::ImplicitDeny,
                    "{arn} / {}",
                    task.id
                );
            }
        }
    }

    #[test]
    fn unknown_tasks_are_none() {
        assert!(
            evaluate_root_task(&caller("arn:aws:iam::111122223333:root"), "fly-to-the-moon")
                .is_none()
        );
    }
}
