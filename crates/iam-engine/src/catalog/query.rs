//! Queries over a parsed [`Catalog`]: lookups, wildcard expansion, autocomplete and ARN
//! matching, answered with small copyable handles that borrow the catalog.

use super::arn::arn_pattern_matches;
use super::text::{cmp_ignore_case, contains_ignore_case, starts_with_ignore_case};
use super::{
    AccessLevel, ActionRec, ActionResourceRec, Catalog, ConditionKeyType, KeyRec, Range32,
    ResourceTypeRec, ServiceRec, action_hash,
};
use crate::matching::{Pattern, has_wildcard};
use std::cmp::Ordering;
use std::fmt;

/// A service in the catalog.
#[derive(Clone, Copy)]
pub struct ServiceRef<'a> {
    catalog: &'a Catalog,
    index: u32,
}

/// An action in the catalog.
#[derive(Clone, Copy)]
pub struct ActionRef<'a> {
    catalog: &'a Catalog,
    index: u32,
}

/// A resource type of a service.
#[derive(Clone, Copy)]
pub struct ResourceTypeRef<'a> {
    catalog: &'a Catalog,
    index: u32,
}

/// One resource type an action accepts, with whether it is required and the condition keys
/// that apply when the request names a resource of that type.
#[derive(Clone, Copy)]
pub struct ActionResourceRef<'a> {
    catalog: &'a Catalog,
    index: u32,
}

/// A condition key with its type.
#[derive(Clone, Copy)]
pub struct ConditionKeyRef<'a> {
    catalog: &'a Catalog,
    index: u32,
}

macro_rules! handle_impls {
    ($name:ident, $field:ident, $rec:ty) => {
        impl<'a> $name<'a> {
            fn rec(&self) -> Option<&'a $rec> {
                self.catalog.$field.get(self.index as usize)
            }
        }

        impl PartialEq for $name<'_> {
            fn eq(&self, other: &Self) -> bool {
                std::ptr::eq(self.catalog, other.catalog) && self.index == other.index
            }
        }

        impl Eq for $name<'_> {}
    };
}

handle_impls!(ServiceRef, services, ServiceRec);
handle_impls!(ActionRef, actions, ActionRec);
handle_impls!(ResourceTypeRef, resource_types, ResourceTypeRec);
handle_impls!(ActionResourceRef, action_resources, ActionResourceRec);
handle_impls!(ConditionKeyRef, keys, KeyRec);

impl<'a> ServiceRef<'a> {
    /// The service prefix used in actions, such as `s3`.
    pub fn prefix(&self) -> &'a str {
        self.rec().map_or("", |r| self.catalog.str(r.prefix))
    }

    /// The service's name, such as `Amazon S3`.
    pub fn name(&self) -> &'a str {
        self.rec().map_or("", |r| self.catalog.str(r.name))
    }

    /// The service's actions, sorted case-insensitively by name.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = ActionRef<'a>> + 'a {
        let catalog = self.catalog;
        self.rec()
            .map_or(Range32::default(), |r| r.actions)
            .iter()
            .map(move |i| ActionRef {
                catalog,
                index: i as u32,
            })
    }

    /// The service's resource types, in the asset's order.
    pub fn resource_types(&self) -> impl ExactSizeIterator<Item = ResourceTypeRef<'a>> + 'a {
        let catalog = self.catalog;
        self.rec()
            .map_or(Range32::default(), |r| r.resource_types)
            .iter()
            .map(move |i| ResourceTypeRef {
                catalog,
                index: i as u32,
            })
    }

    /// The resource type called `name` (exact, as AWS spells it, for example `bucket`).
    pub fn resource_type(&self, name: &str) -> Option<ResourceTypeRef<'a>> {
        self.resource_types().find(|rt| rt.name() == name)
    }

    /// The action called `name` in this service (case-insensitive, without the prefix).
    pub fn action(&self, name: &str) -> Option<ActionRef<'a>> {
        let range = self.rec()?.actions;
        let actions = self.catalog.actions.get(range.iter())?;
        let found = actions
            .binary_search_by(|a| cmp_ignore_case(self.catalog.str(a.name), name))
            .ok()?;
        Some(ActionRef {
            catalog: self.catalog,
            index: range.start + found as u32,
        })
    }

    /// The actions whose names start with `prefix` (case-insensitive), found by binary search.
    fn actions_with_prefix(&self, prefix: &str) -> std::ops::Range<usize> {
        let Some(range) = self.rec().map(|r| r.actions) else {
            return 0..0;
        };
        let Some(actions) = self.catalog.actions.get(range.iter()) else {
            return 0..0;
        };
        let name = |a: &ActionRec| self.catalog.str(a.name);
        let lo = actions.partition_point(|a| cmp_ignore_case(name(a), prefix) == Ordering::Less);
        let len = actions.get(lo..).map_or(0, |rest| {
            rest.partition_point(|a| starts_with_ignore_case(name(a), prefix))
        });
        let start = range.start as usize + lo;
        start..start + len
    }
}

impl fmt::Debug for ServiceRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Service({})", self.prefix())
    }
}

impl<'a> ActionRef<'a> {
    /// The service the action belongs to.
    pub fn service(&self) -> ServiceRef<'a> {
        ServiceRef {
            catalog: self.catalog,
            index: self.rec().map_or(0, |r| r.service),
        }
    }

    /// The action's name without the prefix, as AWS spells it (`GetObject`).
    pub fn name(&self) -> &'a str {
        self.rec().map_or("", |r| self.catalog.str(r.name))
    }

    /// The full action name as written in policies (`s3:GetObject`).
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service().prefix(), self.name())
    }

    /// The action's access level.
    pub fn access_level(&self) -> AccessLevel {
        self.rec().map_or(AccessLevel::Write, |r| r.level)
    }

    /// The resource types the action accepts. Empty when the action supports only `*`.
    pub fn resource_types(&self) -> impl ExactSizeIterator<Item = ActionResourceRef<'a>> + 'a {
        let catalog = self.catalog;
        self.rec()
            .map_or(Range32::default(), |r| r.resources)
            .iter()
            .map(move |i| ActionResourceRef {
                catalog,
                index: i as u32,
            })
    }

    /// Whether the action can be limited to specific resources (has at least one resource
    /// type); when it cannot, only `"Resource": "*"` grants it.
    pub fn supports_resource_level_permissions(&self) -> bool {
        self.resource_types().len() > 0
    }

    /// The condition keys of the action's own row in AWS's table (those that apply whatever
    /// resource is named). See [`ActionRef::all_condition_keys`] for the per-resource ones too.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKeyRef<'a>> + 'a {
        self.catalog
            .key_iter(self.rec().map_or(Range32::default(), |r| r.keys))
    }

    /// Every condition key AWS lists for the action: its own and those of each resource type
    /// row, without repeats, sorted case-insensitively. Global keys are not included; see
    /// [`ActionRef::supports_condition_key`].
    pub fn all_condition_keys(&self) -> Vec<ConditionKeyRef<'a>> {
        let mut indexes: Vec<u32> = self.condition_keys().map(|k| k.index).collect();
        for resource in self.resource_types() {
            indexes.extend(resource.condition_keys().map(|k| k.index));
        }
        // Key indexes follow the case-insensitive order of the key table.
        indexes.sort_unstable();
        indexes.dedup();
        indexes
            .into_iter()
            .map(|index| ConditionKeyRef {
                catalog: self.catalog,
                index,
            })
            .collect()
    }

    /// Whether a condition on `key` can ever be meaningful for this action: the key is global,
    /// or AWS lists it (or a pattern it fits, such as `aws:RequestTag/${TagKey}`) for the
    /// action or one of its resource types.
    pub fn supports_condition_key(&self, key: &str) -> bool {
        let Some(found) = self.catalog.condition_key(key) else {
            return false;
        };
        if found.is_global() {
            return true;
        }
        self.condition_keys().any(|k| k == found)
            || self
                .resource_types()
                .any(|r| r.condition_keys().any(|k| k == found))
    }

    /// The actions AWS says must also be allowed for this one to succeed (as written in the
    /// source, `service:Action`). Empty when the source lists none.
    pub fn dependent_actions(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.rec()
            .map_or("", |r| self.catalog.str(r.deps))
            .split(',')
            .filter(|s| !s.is_empty())
    }

    /// The action's resource types whose ARN pattern `resource` can name. `resource` is a
    /// policy `Resource` entry: a concrete ARN, an ARN with IAM wildcards, or `*`.
    pub fn resource_types_matching(&self, resource: &str) -> Vec<ActionResourceRef<'a>> {
        self.resource_types()
            .filter(|r| r.resource_type().matches_arn(resource))
            .collect()
    }
}

impl fmt::Debug for ActionRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Action({})", self.full_name())
    }
}

impl<'a> ResourceTypeRef<'a> {
    /// The service the resource type belongs to.
    pub fn service(&self) -> ServiceRef<'a> {
        ServiceRef {
            catalog: self.catalog,
            index: self.rec().map_or(0, |r| r.service),
        }
    }

    /// The resource type's name as AWS spells it (`bucket`, `object`, `role`).
    pub fn name(&self) -> &'a str {
        self.rec().map_or("", |r| self.catalog.str(r.name))
    }

    /// The ARN format with placeholders, such as `arn:${Partition}:s3:::${BucketName}`.
    pub fn arn_pattern(&self) -> &'a str {
        self.rec().map_or("", |r| self.catalog.str(r.arn))
    }

    /// The condition keys AWS lists for the resource type itself.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKeyRef<'a>> + 'a {
        self.catalog
            .key_iter(self.rec().map_or(Range32::default(), |r| r.keys))
    }

    /// Whether the policy `Resource` entry `resource` can name a resource of this type (see
    /// [`crate::catalog::arn_pattern_matches`]).
    pub fn matches_arn(&self, resource: &str) -> bool {
        arn_pattern_matches(self.arn_pattern(), resource)
    }
}

impl fmt::Debug for ResourceTypeRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ResourceType({}:{})",
            self.service().prefix(),
            self.name()
        )
    }
}

impl<'a> ActionResourceRef<'a> {
    /// The resource type.
    pub fn resource_type(&self) -> ResourceTypeRef<'a> {
        ResourceTypeRef {
            catalog: self.catalog,
            index: self.rec().map_or(0, |r| r.resource_type),
        }
    }

    /// Whether AWS marks the resource type as required for the action (an asterisk in the
    /// Service Authorization Reference).
    pub fn required(&self) -> bool {
        self.rec().is_some_and(|r| r.required)
    }

    /// The condition keys of this action-and-resource row of AWS's table.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKeyRef<'a>> + 'a {
        self.catalog
            .key_iter(self.rec().map_or(Range32::default(), |r| r.keys))
    }
}

impl fmt::Debug for ActionResourceRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rt = self.resource_type();
        write!(
            f,
            "ActionResource({}{})",
            rt.name(),
            if self.required() { ", required" } else { "" }
        )
    }
}

impl<'a> ConditionKeyRef<'a> {
    /// The key as AWS spells it, such as `aws:SourceIp` or `s3:prefix`.
    pub fn name(&self) -> &'a str {
        self.rec().map_or("", |r| self.catalog.str(r.name))
    }

    /// The key's type. When services disagree, the owning service's (the key's prefix) wins.
    pub fn key_type(&self) -> ConditionKeyType {
        self.rec().map_or(
            ConditionKeyType::Scalar(super::ConditionValueType::String),
            |r| r.ty,
        )
    }

    /// Whether the key is global (available in every request, such as `aws:SourceIp`).
    pub fn is_global(&self) -> bool {
        self.rec().is_some_and(|r| r.global.is_some())
    }

    /// The category of a global key (`principal`, `session`, `network`, `resource`,
    /// `request`, …) as the source groups them.
    pub fn global_category(&self) -> Option<&'a str> {
        self.rec()?.global.map(|s| self.catalog.str(s))
    }

    /// Whether the name holds a `${…}` placeholder, so it stands for a family of keys
    /// (`aws:RequestTag/${TagKey}` covers `aws:RequestTag/team`).
    pub fn is_pattern(&self) -> bool {
        self.name().contains("${")
    }

    /// The prefix before the colon (`aws`, `s3`, …).
    pub fn prefix(&self) -> &'a str {
        self.name().split_once(':').map_or("", |(p, _)| p)
    }
}

impl fmt::Debug for ConditionKeyRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConditionKey({}: {})", self.name(), self.key_type())
    }
}

/// Whether a key name fits a pattern key whose `${…}` placeholders stand for one or more
/// characters (case-insensitive, like condition key names).
fn key_fits_pattern(pattern: &str, key: &str) -> bool {
    // Most patterns fail on their literal head; check it before building the glob.
    let head = pattern.split("${").next().unwrap_or("");
    if !starts_with_ignore_case(key, head) {
        return false;
    }
    // Each placeholder becomes `?*` (one or more characters); the text around the placeholders
    // is literal.
    let mut pattern_builder = Pattern::builder();
    let mut rest = pattern;
    while let Some(at) = rest.find("${") {
        pattern_builder.literal(rest.get(..at).unwrap_or(""));
        let after = rest.get(at..).unwrap_or("");
        match after.find('}') {
            Some(close) => {
                pattern_builder.glob("?*");
                rest = after.get(close + 1..).unwrap_or("");
            }
            None => {
                pattern_builder.literal(after);
                rest = "";
            }
        }
    }
    pattern_builder.literal(rest);
    pattern_builder.build().matches(key, true)
}

/// The tier of an autocomplete match; lower is better.
type Tier = u8;

/// What the user typed into an action autocomplete.
enum ActionQuery<'q> {
    /// `service:action`, either part possibly partial.
    Qualified { service: &'q str, action: &'q str },
    /// A bare word, matched against action names and service prefixes.
    Bare(&'q str),
}

impl ActionQuery<'_> {
    /// The tier of the action `prefix:name` for this query, or `None` when it does not match.
    fn tier(&self, prefix: &str, name: &str) -> Option<Tier> {
        match *self {
            ActionQuery::Qualified { service, action } => {
                let same_service = prefix.eq_ignore_ascii_case(service);
                if same_service && name.eq_ignore_ascii_case(action) {
                    Some(0)
                } else if same_service && starts_with_ignore_case(name, action) {
                    Some(1)
                } else if starts_with_ignore_case(prefix, service)
                    && starts_with_ignore_case(name, action)
                {
                    Some(2)
                } else if same_service && contains_ignore_case(name, action) {
                    Some(3)
                } else {
                    None
                }
            }
            ActionQuery::Bare(q) => {
                if name.eq_ignore_ascii_case(q) {
                    Some(0)
                } else if starts_with_ignore_case(name, q) {
                    Some(1)
                } else if starts_with_ignore_case(prefix, q) {
                    Some(2)
                } else if contains_ignore_case(name, q) {
                    Some(3)
                } else {
                    None
                }
            }
        }
    }
}

impl Catalog {
    fn key_iter(&self, range: Range32) -> impl ExactSizeIterator<Item = ConditionKeyRef<'_>> {
        self.key_refs
            .get(range.iter())
            .unwrap_or(&[])
            .iter()
            .map(move |&index| ConditionKeyRef {
                catalog: self,
                index,
            })
    }

    /// Every service, sorted case-insensitively by prefix.
    pub fn services(&self) -> impl ExactSizeIterator<Item = ServiceRef<'_>> {
        (0..self.services.len() as u32).map(move |index| ServiceRef {
            catalog: self,
            index,
        })
    }

    /// The service with the prefix `prefix` (case-insensitive).
    pub fn service(&self, prefix: &str) -> Option<ServiceRef<'_>> {
        let index = self
            .services
            .binary_search_by(|s| cmp_ignore_case(self.str(s.prefix), prefix.trim()))
            .ok()?;
        Some(ServiceRef {
            catalog: self,
            index: index as u32,
        })
    }

    /// Whether `prefix` is a known service prefix (case-insensitive).
    pub fn is_known_service(&self, prefix: &str) -> bool {
        self.service(prefix).is_some()
    }

    /// Every action, sorted by service prefix and then by name.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = ActionRef<'_>> {
        (0..self.actions.len() as u32).map(move |index| ActionRef {
            catalog: self,
            index,
        })
    }

    /// The action named `name` (`service:Action`, case-insensitive, no wildcards).
    pub fn action(&self, name: &str) -> Option<ActionRef<'_>> {
        let (prefix, action) = name.trim().split_once(':')?;
        let mask = self.action_index.len().checked_sub(1)?;
        let mut slot = (action_hash(prefix, action) as usize) & mask;
        // The table is at most half full, so the probe always reaches an empty slot.
        loop {
            let index = *self.action_index.get(slot)?;
            if index == u32::MAX {
                return None;
            }
            let found = ActionRef {
                catalog: self,
                index,
            };
            if found.name().eq_ignore_ascii_case(action)
                && found.service().prefix().eq_ignore_ascii_case(prefix)
            {
                return Some(found);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Whether `name` (`service:Action`) is an action AWS lists (case-insensitive).
    pub fn is_known_action(&self, name: &str) -> bool {
        self.action(name).is_some()
    }

    /// Expands an IAM action pattern (`s3:Get*`, `*:List*`, `iam:?etUser`, `*`) to the actions
    /// it matches, case-insensitively, in catalog order. A pattern without a colon other than
    /// `*` matches nothing, as in IAM.
    pub fn expand(&self, pattern: &str) -> Vec<ActionRef<'_>> {
        let pattern = pattern.trim();
        if pattern == "*" {
            return self.actions().collect();
        }
        let Some((service_pattern, action_pattern)) = pattern.split_once(':') else {
            return Vec::new();
        };
        let services: Vec<ServiceRef<'_>> = if has_wildcard(service_pattern) {
            let service_glob = Pattern::glob(service_pattern);
            self.services()
                .filter(|s| service_glob.matches(s.prefix(), true))
                .collect()
        } else {
            self.service(service_pattern).into_iter().collect()
        };
        // The literal head of the action pattern narrows each service's actions by binary
        // search before the wildcard match.
        let head_len = action_pattern
            .find(['*', '?'])
            .unwrap_or(action_pattern.len());
        let head = action_pattern.get(..head_len).unwrap_or("");
        let exact = head_len == action_pattern.len();
        let action_glob = Pattern::glob(action_pattern);
        let mut out = Vec::new();
        for service in services {
            for index in service.actions_with_prefix(head) {
                let action = ActionRef {
                    catalog: self,
                    index: index as u32,
                };
                let fits = if exact {
                    action.name().len() == head.len()
                } else {
                    action_glob.matches(action.name(), true)
                };
                if fits {
                    out.push(action);
                }
            }
        }
        out
    }

    /// Every condition key, global ones included, sorted case-insensitively.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKeyRef<'_>> {
        (0..self.keys.len() as u32).map(move |index| ConditionKeyRef {
            catalog: self,
            index,
        })
    }

    /// The global condition keys (`aws:*` and the few others every service supports).
    pub fn global_condition_keys(&self) -> impl Iterator<Item = ConditionKeyRef<'_>> {
        self.condition_keys().filter(|k| k.is_global())
    }

    /// The condition key `key` (case-insensitive). A concrete key such as
    /// `aws:RequestTag/team` resolves to the pattern that covers it
    /// (`aws:RequestTag/${TagKey}`); the longest literal pattern wins if several fit.
    pub fn condition_key(&self, key: &str) -> Option<ConditionKeyRef<'_>> {
        let key = key.trim();
        if let Ok(index) = self
            .keys
            .binary_search_by(|k| cmp_ignore_case(self.str(k.name), key))
        {
            return Some(ConditionKeyRef {
                catalog: self,
                index: index as u32,
            });
        }
        self.key_patterns
            .iter()
            .map(|&index| ConditionKeyRef {
                catalog: self,
                index,
            })
            .filter(|k| key_fits_pattern(k.name(), key))
            .max_by_key(|k| {
                let name = k.name();
                name.len() - name.matches("${").count()
            })
    }

    /// Autocomplete for actions, best first, at most `limit`.
    ///
    /// With a colon (`s3:getob`): exact action, then actions of that service starting with the
    /// typed name, then actions of services whose prefix starts with the typed one, then actions
    /// of that service containing the typed name. A query with `*` or `?` lists what the
    /// pattern expands to (see [`Catalog::expand`]). Without a colon (`getobj`): actions named
    /// exactly so, then actions starting with it, then actions of services whose prefix starts
    /// with it, then actions containing it. Within a tier, by service and then by name.
    pub fn search_actions(&self, query: &str, limit: usize) -> Vec<ActionRef<'_>> {
        let query = query.trim();
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        // A query with IAM wildcards is answered as the policy would read it.
        if has_wildcard(query) {
            let mut matches = self.expand(query);
            matches.truncate(limit);
            return matches;
        }
        let parsed = match query.split_once(':') {
            Some((service, action)) => ActionQuery::Qualified { service, action },
            None => ActionQuery::Bare(query),
        };
        let mut hits: Vec<(Tier, u32)> = Vec::new();
        for service in self.services() {
            let prefix = service.prefix();
            for action in service.actions() {
                if let Some(tier) = parsed.tier(prefix, action.name()) {
                    hits.push((tier, action.index));
                }
            }
        }
        // Actions are already in (service, name) order, so a stable sort by tier keeps it.
        hits.sort_by_key(|&(tier, _)| tier);
        hits.into_iter()
            .take(limit)
            .map(|(_, index)| ActionRef {
                catalog: self,
                index,
            })
            .collect()
    }

    /// Autocomplete for services, best first, at most `limit`: exact prefix, then prefixes
    /// starting with the query, then services whose name contains it (`storage` finds `s3`).
    pub fn search_services(&self, query: &str, limit: usize) -> Vec<ServiceRef<'_>> {
        let q = query.trim();
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut hits: Vec<(Tier, ServiceRef<'_>)> = self
            .services()
            .filter_map(|s| {
                let tier = if s.prefix().eq_ignore_ascii_case(q) {
                    0
                } else if starts_with_ignore_case(s.prefix(), q) {
                    1
                } else if contains_ignore_case(s.name(), q) {
                    2
                } else {
                    return None;
                };
                Some((tier, s))
            })
            .collect();
        hits.sort_by_key(|&(tier, _)| tier);
        hits.into_iter().take(limit).map(|(_, s)| s).collect()
    }

    /// Autocomplete for condition keys, best first, at most `limit`: exact key, then keys
    /// starting with the query, then keys whose part after the colon starts with it
    /// (`sourceip` finds `aws:SourceIp`), then keys containing it. Global keys come before
    /// service keys within a tier, then the key table's order.
    pub fn search_condition_keys(&self, query: &str, limit: usize) -> Vec<ConditionKeyRef<'_>> {
        let q = query.trim();
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut hits: Vec<(Tier, bool, ConditionKeyRef<'_>)> = self
            .condition_keys()
            .filter_map(|k| {
                let name = k.name();
                let local = name.split_once(':').map_or(name, |(_, l)| l);
                let tier = if name.eq_ignore_ascii_case(q) {
                    0
                } else if starts_with_ignore_case(name, q) {
                    1
                } else if starts_with_ignore_case(local, q) {
                    2
                } else if contains_ignore_case(name, q) {
                    3
                } else {
                    return None;
                };
                Some((tier, !k.is_global(), k))
            })
            .collect();
        hits.sort_by_key(|&(tier, service_key, _)| (tier, service_key));
        hits.into_iter().take(limit).map(|(_, _, k)| k).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_patterns_fit_concrete_keys() {
        assert!(key_fits_pattern(
            "aws:RequestTag/${TagKey}",
            "aws:RequestTag/team"
        ));
        assert!(key_fits_pattern(
            "aws:RequestTag/${TagKey}",
            "AWS:requesttag/Team"
        ));
        assert!(!key_fits_pattern(
            "aws:RequestTag/${TagKey}",
            "aws:RequestTag/"
        ));
        assert!(key_fits_pattern(
            "codebuild:secondarySources/${sourceIdentifier}.auth.type",
            "codebuild:secondarySources/src1.auth.type"
        ));
        assert!(!key_fits_pattern(
            "codebuild:secondarySources/${sourceIdentifier}.auth.type",
            "codebuild:secondarySources/src1.auth.resource"
        ));
    }
}
