//! The index of a scenario's identities and resources by name that the imports attach through.

use std::collections::HashMap;

use crate::scenario::{ResourceKind, Scenario};

/// Where each identity and resource of the scenario is, so attaching a policy or a member
/// costs one lookup rather than a scan of every user. Identity names compare without regard to
/// ASCII case (the key is lower-cased); the first of two equal names is the one found.
pub(super) struct Names {
    pub(super) users: HashMap<String, usize>,
    pub(super) groups: HashMap<String, usize>,
    pub(super) roles: HashMap<String, usize>,
    pub(super) resources: HashMap<(ResourceKind, String), usize>,
}

impl Names {
    pub(super) fn of(s: &Scenario) -> Names {
        fn index<'n>(names: impl Iterator<Item = &'n String>) -> HashMap<String, usize> {
            let mut map = HashMap::new();
            for (i, name) in names.enumerate() {
                map.entry(name.to_ascii_lowercase()).or_insert(i);
            }
            map
        }
        let mut resources = HashMap::new();
        for (i, r) in s.resources.iter().enumerate() {
            resources.entry((r.kind, r.name.clone())).or_insert(i);
        }
        Names {
            users: index(s.users.iter().map(|u| &u.name)),
            groups: index(s.groups.iter().map(|g| &g.name)),
            roles: index(s.roles.iter().map(|r| &r.name)),
            resources,
        }
    }
}
