//! Incremental runs of the saved tests: after an edit, only the tests whose inputs changed are
//! evaluated again.
//!
//! A test's decision depends on its own request, on its principal (a user with its groups, the
//! customer-managed policies and boundary they attach; a role; an external principal), on the
//! account, the root user, the organization, the resources and the roles (trust policies), and
//! on whether the AWS-managed policies are loaded. [`TestRunCache`] keeps each outcome under
//! the text of exactly those inputs, so typing in one group's policy re-evaluates the tests of
//! that group's members and reuses the others: the same outcomes [`run_tests`] gives, for a
//! fraction of the work. The AWS-managed policy texts are not part of the key: they are fixed
//! data, named by their ARNs in the principal's text.

use std::collections::HashMap;

use crate::catalog::ManagedPolicies;

use super::cache::CompileCache;
use super::simulate::{TestOutcome, run_tests_at};
use crate::scenario::{PolicyRef, PrincipalRef, Scenario};

/// The outcomes of the last run, by the text of their inputs.
#[derive(Debug, Default)]
pub struct TestRunCache {
    /// The inputs every test shares, as of the last run (a real account's roles are megabytes
    /// of text: held once, not in every test's key).
    shared: String,
    /// The outcomes by the text of each test's own inputs, all under `shared`.
    entries: HashMap<String, TestOutcome>,
}

impl TestRunCache {
    /// An empty cache.
    pub fn new() -> TestRunCache {
        TestRunCache::default()
    }

    /// Runs every saved test, evaluating only those whose inputs changed since the last run,
    /// and forgets the outcomes of inputs that no longer occur. Returns the outcomes in test
    /// order and how many tests were evaluated.
    pub fn run(
        &mut self,
        scenario: &Scenario,
        managed: Option<&ManagedPolicies>,
        cache: &CompileCache,
    ) -> (Vec<TestOutcome>, usize) {
        if scenario.tests.is_empty() {
            // No test to key: the shared inputs (every role of the account) are not written.
            *self = TestRunCache::default();
            return (Vec::new(), 0);
        }
        let shared = shared_inputs(scenario, managed.is_some());
        if shared != self.shared {
            self.entries.clear();
            self.shared = shared;
        }
        let mut next: HashMap<String, TestOutcome> = HashMap::new();
        let mut out = Vec::with_capacity(scenario.tests.len());
        let mut evaluated = 0;
        for (index, test) in scenario.tests.iter().enumerate() {
            let key = format!(
                "{}\n{}",
                serde_json::to_string(test).unwrap_or_default(),
                principal_inputs(scenario, &test.principal)
            );
            let outcome = match self
                .entries
                .remove(&key)
                .or_else(|| next.get(&key).cloned())
            {
                Some(mut o) => {
                    o.index = index;
                    o
                }
                None => {
                    evaluated += 1;
                    run_tests_at(scenario, managed, cache, index)
                }
            };
            next.insert(key, outcome.clone());
            out.push(outcome);
        }
        self.entries = next;
        (out, evaluated)
    }
}

/// The inputs every test shares.
fn shared_inputs(scenario: &Scenario, managed_loaded: bool) -> String {
    let json = |v: &dyn erased::Json| v.json();
    format!(
        "{managed_loaded}\n{}\n{}\n{}\n{}\n{}\n{}",
        json(&scenario.account),
        json(&scenario.root_user),
        json(&scenario.organization),
        json(&scenario.resources),
        json(&scenario.roles),
        json(&scenario.external_principals),
    )
}

/// The inputs of one principal: a user with its groups and the customer-managed policies they
/// attach (roles are in the shared inputs already).
fn principal_inputs(scenario: &Scenario, principal: &PrincipalRef) -> String {
    let mut out = String::new();
    let customer = |r: &PolicyRef, out: &mut String| {
        if let PolicyRef::Customer(name) = r {
            out.push_str(&serde_json::to_string(&scenario.policy(name)).unwrap_or_default());
        }
    };
    let user = match principal {
        PrincipalRef::User(name) => scenario.user(name),
        // Another ARN may name a user of the scenario; the whole user list is then the input.
        PrincipalRef::Other(_) => {
            out.push_str(&serde_json::to_string(&scenario.users).unwrap_or_default());
            out.push_str(&serde_json::to_string(&scenario.groups).unwrap_or_default());
            out.push_str(&serde_json::to_string(&scenario.policies).unwrap_or_default());
            return out;
        }
        PrincipalRef::Root => None,
        PrincipalRef::Role(name) => {
            if let Some(role) = scenario.role(name) {
                for r in role
                    .managed_policies
                    .iter()
                    .chain(role.permissions_boundary.iter())
                {
                    customer(r, &mut out);
                }
            }
            None
        }
    };
    if let Some(user) = user {
        out.push_str(&serde_json::to_string(user).unwrap_or_default());
        for r in user
            .managed_policies
            .iter()
            .chain(user.permissions_boundary.iter())
        {
            customer(r, &mut out);
        }
        for g in user.groups.iter().filter_map(|g| scenario.group(g)) {
            out.push_str(&serde_json::to_string(g).unwrap_or_default());
            for r in &g.managed_policies {
                customer(r, &mut out);
            }
        }
    }
    out
}

/// Serialization behind a trait object, so the shared inputs are listed in one place.
mod erased {
    /// A value written as JSON text.
    pub trait Json {
        /// The JSON text (empty if it cannot be written, which the model never causes).
        fn json(&self) -> String;
    }

    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::scenario::{IdentityRef, gallery};
    use crate::workbench::simulate::run_tests;

    fn example(id: &str) -> crate::scenario::Scenario {
        gallery().into_iter().find(|e| e.id == id).unwrap().scenario
    }

    fn managed() -> ManagedPolicies {
        ManagedPolicies::parse(include_str!("../../../../static/data/managed-policies.txt"))
            .unwrap()
    }

    #[test]
    fn same_outcomes_as_a_full_run_and_only_changed_tests_run_again() {
        let managed = managed();
        let mut s = example("least-privilege-groups");
        let mut cache = TestRunCache::new();
        let (first, evaluated) =
            cache.run(&s, Some(&managed), &crate::workbench::CompileCache::new());
        assert_eq!(
            first,
            run_tests(&s, Some(&managed), &crate::workbench::CompileCache::new())
        );
        assert_eq!(evaluated, s.tests.len());
        // Nothing changed: nothing runs again.
        let (again, evaluated) =
            cache.run(&s, Some(&managed), &crate::workbench::CompileCache::new());
        assert_eq!(again, first);
        assert_eq!(evaluated, 0);
        // A Deny in the Developers group: only dev-dana's four tests run again.
        s.put_inline_policy(
            &IdentityRef::Group("Developers".into()),
            "NoEc2",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#,
        )
        .unwrap();
        let (after, evaluated) =
            cache.run(&s, Some(&managed), &crate::workbench::CompileCache::new());
        assert_eq!(
            after,
            run_tests(&s, Some(&managed), &crate::workbench::CompileCache::new())
        );
        assert_eq!(evaluated, 4);
        assert!(!after[0].passed, "dev-dana may no longer launch instances");
        // Without the AWS-managed policies, every test runs again.
        let (_, evaluated) = cache.run(&s, None, &crate::workbench::CompileCache::new());
        assert_eq!(evaluated, s.tests.len());
        // Deleting a test shifts the others' indexes, which the outcomes follow.
        s.remove_test(0).unwrap();
        let (shifted, evaluated) = cache.run(&s, None, &crate::workbench::CompileCache::new());
        assert_eq!(evaluated, 0);
        assert_eq!(
            shifted,
            run_tests(&s, None, &crate::workbench::CompileCache::new())
        );
    }

    #[test]
    fn the_shared_inputs_are_held_once_and_not_written_without_tests() {
        let managed = managed();
        let mut s = example("least-privilege-groups");
        let compile = crate::workbench::CompileCache::new();
        let mut cache = TestRunCache::new();
        cache.run(&s, Some(&managed), &compile);
        assert_eq!(cache.shared, shared_inputs(&s, true));
        assert_eq!(cache.entries.len(), s.tests.len());
        // Each test's key is its own inputs: the shared text is not repeated in it.
        assert!(cache.shared.len() > 100);
        assert!(cache.entries.keys().all(|k| !k.contains(&cache.shared)));
        // No test: nothing is written or kept.
        while !s.tests.is_empty() {
            s.remove_test(0).unwrap();
        }
        assert_eq!(cache.run(&s, Some(&managed), &compile), (Vec::new(), 0));
        assert!(cache.shared.is_empty() && cache.entries.is_empty());
    }

    #[test]
    fn every_example_agrees_with_a_full_run() {
        let managed = managed();
        for entry in gallery() {
            let mut cache = TestRunCache::new();
            assert_eq!(
                cache
                    .run(
                        &entry.scenario,
                        Some(&managed),
                        &crate::workbench::CompileCache::new()
                    )
                    .0,
                run_tests(
                    &entry.scenario,
                    Some(&managed),
                    &crate::workbench::CompileCache::new()
                ),
                "{}",
                entry.id
            );
        }
    }
}
