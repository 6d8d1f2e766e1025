//! The fixes of the best-practice findings: each finding that has one carries it
//! ([`Finding::fix`]), and [`Scenario::apply_fix`] applies it as one edit, so the app can offer
//! it as one undoable step. Once applied, the finding is no longer reported.

use serde::{Deserialize, Serialize};

use super::edit::EditError;
use super::{Group, Scenario};

/// A change that resolves a best-practice finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Fix {
    /// Turns on MFA for the root user (`root-no-mfa`).
    EnableRootMfa,
    /// Deletes the root user's access keys (`root-access-keys`).
    DeleteRootAccessKeys,
    /// Moves the policies attached directly to a user onto a new group of its own, with the
    /// user as its member (`user-direct-policies`).
    MoveUserPoliciesToGroup {
        /// The user's name.
        user: String,
    },
    /// Assigns an MFA device to a console user (`console-user-no-mfa`).
    EnableUserMfa {
        /// The user's name.
        user: String,
    },
    /// Requires a console user to change the password at the next sign-in
    /// (`console-user-no-password-reset`).
    RequirePasswordReset {
        /// The user's name.
        user: String,
    },
}

impl Fix {
    /// The fix in words, for its button and its undo step ("Enable MFA on the root user").
    pub fn label(&self) -> String {
        match self {
            Fix::EnableRootMfa => "Enable MFA on the root user".to_owned(),
            Fix::DeleteRootAccessKeys => "Delete the root user's access keys".to_owned(),
            Fix::MoveUserPoliciesToGroup { user } => {
                format!("Move user {user}'s policies onto a group")
            }
            Fix::EnableUserMfa { user } => format!("Assign an MFA device to user {user}"),
            Fix::RequirePasswordReset { user } => {
                format!("Require user {user} to reset the password")
            }
        }
    }
}

impl Scenario {
    /// Applies `fix` as one edit: the whole change, or an [`EditError`] and no change.
    ///
    /// # Errors
    /// When the user it names is gone, or the new group would break AWS's quotas.
    pub fn apply_fix(&mut self, fix: &Fix) -> Result<(), EditError> {
        match fix {
            Fix::EnableRootMfa => {
                self.root_user.mfa = true;
                Ok(())
            }
            Fix::DeleteRootAccessKeys => {
                self.root_user.access_keys = false;
                Ok(())
            }
            Fix::MoveUserPoliciesToGroup { user } => {
                let mut copy = self.clone();
                copy.move_policies_to_group(user)?;
                *self = copy;
                Ok(())
            }
            Fix::EnableUserMfa { user } => {
                let mut changed = self.user_named(user)?.clone();
                changed.mfa = true;
                self.update_user(user, changed)
            }
            Fix::RequirePasswordReset { user } => {
                let mut changed = self.user_named(user)?.clone();
                if let Some(profile) = changed.login_profile.as_mut() {
                    profile.password_reset_required = true;
                }
                self.update_user(user, changed)
            }
        }
    }

    fn user_named(&self, name: &str) -> Result<&super::User, EditError> {
        self.user(name).ok_or_else(|| EditError {
            code: "not-found",
            message: format!("There is no user {name}."),
        })
    }

    /// Creates the group `<user>-permissions` (or the first free `-2`, `-3`… variant), moves
    /// the user's inline and managed policies onto it and makes the user its member.
    fn move_policies_to_group(&mut self, user: &str) -> Result<(), EditError> {
        let mut changed = self.user_named(user)?.clone();
        let base = format!("{}-permissions", changed.name);
        // The account holds at most a few hundred groups, so a free name is found quickly.
        let mut name = base.clone();
        let mut n = 1u32;
        while self.group(&name).is_some() {
            n = n.saturating_add(1);
            name = format!("{base}-{n}");
        }
        let mut group = Group::new(name.clone());
        group.inline_policies = std::mem::take(&mut changed.inline_policies);
        group.managed_policies = std::mem::take(&mut changed.managed_policies);
        self.add_group(group)?;
        self.update_user(user, changed)?;
        self.add_user_to_group(user, &name)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::scenario::{Finding, InlinePolicy, LoginProfile, PolicyRef, User};

    /// A root user with a password, keys and no MFA; a console user without MFA or a reset,
    /// with a policy of its own; and a group already named like the one a move would make.
    fn scenario() -> Scenario {
        let mut s = Scenario::new("111122223333");
        s.root_user.password = true;
        s.root_user.mfa = false;
        s.root_user.access_keys = true;
        let mut u = User::new("alice");
        u.login_profile = Some(LoginProfile::default());
        u.inline_policies.push(InlinePolicy {
            name: "Reads".into(),
            document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#.into(),
        });
        u.managed_policies.push(PolicyRef::Aws(
            "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
        ));
        s.users.push(u);
        s.groups.push(Group::new("alice-permissions"));
        s
    }

    fn codes(s: &Scenario) -> Vec<String> {
        s.best_practices().into_iter().map(|f| f.code).collect()
    }

    #[test]
    fn each_fix_removes_its_finding_and_nothing_else_of_it() {
        let mut s = scenario();
        let fixable: Vec<Finding> = s
            .best_practices()
            .into_iter()
            .filter(|f| f.fix.is_some())
            .collect();
        let fixed_codes: Vec<&str> = fixable.iter().map(|f| f.code.as_str()).collect();
        for code in [
            "root-no-mfa",
            "root-access-keys",
            "user-direct-policies",
            "console-user-no-mfa",
            "console-user-no-password-reset",
        ] {
            assert!(fixed_codes.contains(&code), "{code} has no fix");
        }
        for finding in fixable {
            let fix = finding.fix.clone().unwrap();
            assert!(!fix.label().is_empty());
            s.apply_fix(&fix).unwrap();
            assert!(
                !codes(&s).contains(&finding.code),
                "{} after {:?}",
                finding.code,
                fix
            );
        }
        assert!(s.is_valid(), "{:?}", s.validate());
    }

    #[test]
    fn moving_policies_makes_a_group_with_a_free_name_and_keeps_the_access() {
        let mut s = scenario();
        s.apply_fix(&Fix::MoveUserPoliciesToGroup {
            user: "alice".into(),
        })
        .unwrap();
        let group = s.group("alice-permissions-2").expect("a new group");
        assert_eq!(group.inline_policies.len(), 1);
        assert_eq!(group.managed_policies.len(), 1);
        let alice = s.user("alice").unwrap();
        assert!(alice.inline_policies.is_empty() && alice.managed_policies.is_empty());
        assert_eq!(alice.groups, ["alice-permissions-2"]);
    }

    #[test]
    fn a_fix_for_a_user_who_is_gone_changes_nothing() {
        let mut s = scenario();
        let before = s.clone();
        for fix in [
            Fix::MoveUserPoliciesToGroup { user: "bob".into() },
            Fix::EnableUserMfa { user: "bob".into() },
            Fix::RequirePasswordReset { user: "bob".into() },
        ] {
            assert!(s.apply_fix(&fix).is_err());
            assert_eq!(s, before);
        }
    }
}
