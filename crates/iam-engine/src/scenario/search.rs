//! Finding entities in a large account: which users, groups, roles, customer-managed policies,
//! resources and AWS-managed policies a search matches, and how they group by path or by the
//! managed policies attached to them.
//!
//! A query is words separated by spaces, all of which must match (case does not matter, a word
//! matches inside a text). A plain word matches an entity's name, its path, one of its tags
//! (`key` or `value`, or `key=value`) or the name of a policy attached to it (managed, inline or
//! permissions boundary). A word can name its field: `name:`, `path:`, `tag:` or `policy:`
//! (`path:/sso/ tag:team=ci policy:ReadOnly`). A field word with nothing after its colon
//! matches everything. The work is linear in the size of the account times the number of words.

use super::{PolicyRef, Scenario, Tag};

/// Which text of an entity a word of the query must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchField {
    /// The name, the path, a tag or an attached policy's name.
    Any,
    /// The entity's name.
    Name,
    /// The entity's path (`/aws-reserved/sso.amazonaws.com/`).
    Path,
    /// One of its tags: `key`, `value` or `key=value`.
    Tag,
    /// The name of a policy attached to it (managed, inline or boundary).
    Policy,
}

/// One word of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerm {
    /// Which text it must match.
    pub field: SearchField,
    /// The word, lowercased.
    pub text: String,
}

/// A parsed search over the entities of a scenario (see the [module docs](self)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntityQuery {
    /// The words, all of which must match.
    pub terms: Vec<SearchTerm>,
}

impl EntityQuery {
    /// Reads a query as the user typed it. Every text is a query; words of a field not known
    /// (`owner:x`) are plain words, colon included.
    pub fn parse(text: &str) -> EntityQuery {
        let terms = text
            .split_whitespace()
            .map(|word| {
                let lower = word.to_lowercase();
                let (field, rest) = match lower.split_once(':') {
                    Some(("name", rest)) => (SearchField::Name, rest.to_owned()),
                    Some(("path", rest)) => (SearchField::Path, rest.to_owned()),
                    Some(("tag", rest)) => (SearchField::Tag, rest.to_owned()),
                    Some(("policy", rest)) => (SearchField::Policy, rest.to_owned()),
                    _ => (SearchField::Any, lower.clone()),
                };
                SearchTerm { field, text: rest }
            })
            .collect();
        EntityQuery { terms }
    }

    /// Whether the query matches everything (no words).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether an entity with these texts matches every word.
    fn matches(&self, entity: &Texts<'_>) -> bool {
        self.terms.iter().all(|term| entity.matches(term))
    }

    /// Whether the AWS-managed policy with this ARN matches: its name and its path
    /// (`job-function/ViewOnlyAccess` has the path `/job-function/`); it has no tags, and
    /// `policy:` matches its own name.
    pub fn matches_aws_policy(&self, arn: &str) -> bool {
        let rest = arn.strip_prefix(super::AWS_MANAGED_PREFIX).unwrap_or(arn);
        let (path, name) = match rest.rsplit_once('/') {
            Some((path, name)) => (format!("/{path}/"), name),
            None => ("/".to_owned(), rest),
        };
        self.matches(&Texts {
            name,
            path: &path,
            tags: &[],
            policies: vec![name],
        })
    }
}

/// The texts of one entity that a query reads.
struct Texts<'a> {
    name: &'a str,
    path: &'a str,
    tags: &'a [Tag],
    policies: Vec<&'a str>,
}

/// Whether `text` contains `word` (already lowercased), ignoring case.
fn contains(text: &str, word: &str) -> bool {
    word.is_empty()
        || if text.is_ascii() && word.is_ascii() {
            text.as_bytes()
                .windows(word.len())
                .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
        } else {
            text.to_lowercase().contains(word)
        }
}

impl Texts<'_> {
    fn matches(&self, term: &SearchTerm) -> bool {
        let word = term.text.as_str();
        let name = || contains(self.name, word);
        let path = || contains(self.path, word);
        let tag = || {
            self.tags.iter().any(|t| {
                contains(&t.key, word)
                    || contains(&t.value, word)
                    || word.split_once('=').is_some_and(|(k, v)| {
                        t.key.eq_ignore_ascii_case(k) && contains(&t.value, v)
                    })
            })
        };
        let policy = || self.policies.iter().any(|p| contains(p, word));
        match term.field {
            SearchField::Any => name() || path() || tag() || policy(),
            SearchField::Name => name(),
            SearchField::Path => path(),
            SearchField::Tag => word.is_empty() || tag(),
            SearchField::Policy => word.is_empty() || policy(),
        }
    }
}

/// The names of the policies attached to an identity: managed, inline and boundary.
fn policy_names<'a>(
    managed: &'a [PolicyRef],
    inline: &'a [super::InlinePolicy],
    boundary: Option<&'a PolicyRef>,
) -> Vec<&'a str> {
    managed
        .iter()
        .map(PolicyRef::name)
        .chain(inline.iter().map(|p| p.name.as_str()))
        .chain(boundary.map(PolicyRef::name))
        .collect()
}

/// The entities a query matches, as indices into the scenario's lists, in the scenario's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchMatches {
    /// Indices into `scenario.users`.
    pub users: Vec<usize>,
    /// Indices into `scenario.groups`.
    pub groups: Vec<usize>,
    /// Indices into `scenario.roles`.
    pub roles: Vec<usize>,
    /// Indices into `scenario.policies`.
    pub policies: Vec<usize>,
    /// Indices into `scenario.resources`.
    pub resources: Vec<usize>,
}

impl SearchMatches {
    /// How many entities matched in all.
    pub fn total(&self) -> usize {
        self.users.len()
            + self.groups.len()
            + self.roles.len()
            + self.policies.len()
            + self.resources.len()
    }
}

/// The entities of `scenario` that `query` matches (every entity for an empty query).
pub fn search(scenario: &Scenario, query: &EntityQuery) -> SearchMatches {
    fn keep<T>(items: &[T], texts: impl Fn(&T) -> bool) -> Vec<usize> {
        items
            .iter()
            .enumerate()
            .filter(|(_, item)| texts(item))
            .map(|(i, _)| i)
            .collect()
    }
    SearchMatches {
        users: keep(&scenario.users, |u| {
            query.matches(&Texts {
                name: &u.name,
                path: &u.path,
                tags: &u.tags,
                policies: policy_names(
                    &u.managed_policies,
                    &u.inline_policies,
                    u.permissions_boundary.as_ref(),
                ),
            })
        }),
        groups: keep(&scenario.groups, |g| {
            query.matches(&Texts {
                name: &g.name,
                path: &g.path,
                tags: &[],
                policies: policy_names(&g.managed_policies, &g.inline_policies, None),
            })
        }),
        roles: keep(&scenario.roles, |r| {
            query.matches(&Texts {
                name: &r.name,
                path: &r.path,
                tags: &r.tags,
                policies: policy_names(
                    &r.managed_policies,
                    &r.inline_policies,
                    r.permissions_boundary.as_ref(),
                ),
            })
        }),
        policies: keep(&scenario.policies, |p| {
            query.matches(&Texts {
                name: &p.name,
                path: &p.path,
                tags: &[],
                policies: vec![p.name.as_str()],
            })
        }),
        resources: keep(&scenario.resources, |r| {
            query.matches(&Texts {
                name: &r.name,
                path: "",
                tags: &r.tags,
                policies: Vec::new(),
            })
        }),
    }
}

/// How a list of entities is grouped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GroupBy {
    /// One list.
    #[default]
    Nothing,
    /// By path (`/`, `/teams/`, `/aws-reserved/sso.amazonaws.com/`).
    Path,
    /// By the managed policies attached (the same set of policies, one group; a group of its
    /// own for those with none).
    Policy,
}

/// Which list of the scenario a grouping is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityList {
    /// `scenario.users`.
    Users,
    /// `scenario.groups`.
    Groups,
    /// `scenario.roles`.
    Roles,
    /// `scenario.policies`.
    Policies,
}

/// One group of entities: what they share, in words, and their indices in the scenario's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityGroup {
    /// The shared path, or the attached policies' names joined by ", " ("No managed policy").
    pub label: String,
    /// Indices into the scenario's list, in the scenario's order.
    pub members: Vec<usize>,
}

/// The label of the group of entities with no managed policy attached.
pub const NO_MANAGED_POLICY: &str = "No managed policy";

/// Groups `members` (indices into `list`) by path or by attached managed policies. Groups are
/// ordered by label, "No managed policy" last; a list that `by` does not apply to (policies
/// grouped by policy) or [`GroupBy::Nothing`] gives one group with an empty label.
pub fn group_entities(
    scenario: &Scenario,
    list: EntityList,
    members: &[usize],
    by: GroupBy,
) -> Vec<EntityGroup> {
    let key = |i: usize| -> Option<String> {
        match (by, list) {
            (GroupBy::Nothing, _) | (GroupBy::Policy, EntityList::Policies) => None,
            (GroupBy::Path, EntityList::Users) => scenario.users.get(i).map(|u| u.path.clone()),
            (GroupBy::Path, EntityList::Groups) => scenario.groups.get(i).map(|g| g.path.clone()),
            (GroupBy::Path, EntityList::Roles) => scenario.roles.get(i).map(|r| r.path.clone()),
            (GroupBy::Path, EntityList::Policies) => {
                scenario.policies.get(i).map(|p| p.path.clone())
            }
            (GroupBy::Policy, EntityList::Users) => scenario
                .users
                .get(i)
                .map(|u| policy_set(&u.managed_policies)),
            (GroupBy::Policy, EntityList::Groups) => scenario
                .groups
                .get(i)
                .map(|g| policy_set(&g.managed_policies)),
            (GroupBy::Policy, EntityList::Roles) => scenario
                .roles
                .get(i)
                .map(|r| policy_set(&r.managed_policies)),
        }
    };
    let mut groups: std::collections::BTreeMap<(bool, String), Vec<usize>> = Default::default();
    for &i in members {
        let label = key(i).unwrap_or_default();
        let label = if label.is_empty() && by == GroupBy::Path {
            "/".to_owned()
        } else {
            label
        };
        groups
            .entry((label == NO_MANAGED_POLICY, label))
            .or_default()
            .push(i);
    }
    groups
        .into_iter()
        .map(|((_, label), members)| EntityGroup { label, members })
        .collect()
}

/// The managed policies attached, as one label: names sorted and joined by ", ".
fn policy_set(managed: &[PolicyRef]) -> String {
    if managed.is_empty() {
        return NO_MANAGED_POLICY.to_owned();
    }
    let mut names: Vec<&str> = managed.iter().map(PolicyRef::name).collect();
    names.sort_unstable_by_key(|n| n.to_lowercase());
    names.dedup();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Group, InlinePolicy, ManagedPolicy, Resource, ResourceKind, Role, User};

    fn account() -> Scenario {
        let mut s = Scenario::new("123456789012");
        let mut alice = User::new("alice");
        alice.tags.push(Tag {
            key: "team".into(),
            value: "Red".into(),
        });
        alice
            .managed_policies
            .push(PolicyRef::aws("ReadOnlyAccess"));
        alice.groups.push("Admins".into());
        let mut bob = User::new("bob");
        bob.path = "/contractors/".into();
        bob.inline_policies.push(InlinePolicy {
            name: "deploy-inline".into(),
            document: "{}".into(),
        });
        bob.permissions_boundary = Some(PolicyRef::customer("Boundary"));
        s.users = vec![alice, bob];
        let mut admins = Group::new("Admins");
        admins
            .managed_policies
            .push(PolicyRef::aws("AdministratorAccess"));
        s.groups = vec![admins, Group::new("Readers")];
        let mut sso = Role::new("AWSReservedSSO_Admin_1234", "{}");
        sso.path = "/aws-reserved/sso.amazonaws.com/".into();
        sso.managed_policies
            .push(PolicyRef::aws("AdministratorAccess"));
        let mut ci = Role::new("ci-deploy", "{}");
        ci.tags.push(Tag {
            key: "owner".into(),
            value: "platform".into(),
        });
        ci.managed_policies.push(PolicyRef::customer("Deploy"));
        ci.managed_policies.push(PolicyRef::aws("ReadOnlyAccess"));
        let mut ci2 = Role::new("ci-test", "{}");
        ci2.managed_policies.push(PolicyRef::aws("ReadOnlyAccess"));
        ci2.managed_policies.push(PolicyRef::customer("Deploy"));
        s.roles = vec![sso, ci, ci2];
        let mut deploy = ManagedPolicy::new("Deploy", "{}");
        deploy.path = "/ci/".into();
        s.policies = vec![deploy, ManagedPolicy::new("Boundary", "{}")];
        let mut bucket = Resource::new(ResourceKind::S3Bucket, "reports");
        bucket.tags.push(Tag {
            key: "data".into(),
            value: "secret".into(),
        });
        s.resources = vec![bucket];
        s
    }

    fn find(text: &str) -> SearchMatches {
        search(&account(), &EntityQuery::parse(text))
    }

    #[test]
    fn an_empty_query_matches_everything() {
        let all = find("   ");
        assert_eq!(all.users, vec![0, 1]);
        assert_eq!(all.roles, vec![0, 1, 2]);
        assert_eq!(all.total(), 2 + 2 + 3 + 2 + 1);
    }

    #[test]
    fn a_plain_word_matches_name_path_tag_or_policy_without_regard_to_case() {
        assert_eq!(find("ALI").users, vec![0]);
        // Path.
        assert_eq!(find("contractors").users, vec![1]);
        assert_eq!(find("sso.amazonaws").roles, vec![0]);
        // A tag's value, and key=value.
        assert_eq!(find("red").users, vec![0]);
        assert_eq!(find("team=red").users, vec![0]);
        assert!(find("team=blue").users.is_empty());
        // Attached policies: managed, inline, boundary.
        assert_eq!(find("readonly").users, vec![0]);
        assert_eq!(find("deploy-inline").users, vec![1]);
        assert_eq!(find("boundary").users, vec![1]);
        assert_eq!(find("secret").resources, vec![0]);
        // A near miss: a word no text contains.
        assert_eq!(find("zzz").total(), 0);
    }

    #[test]
    fn field_words_match_only_their_field() {
        // `ci` is in the names of two roles and in the Deploy policy's path.
        assert_eq!(find("name:ci").roles, vec![1, 2]);
        assert!(find("name:ci").policies.is_empty());
        assert_eq!(find("path:/ci/").policies, vec![0]);
        assert!(find("path:/ci/").roles.is_empty());
        assert_eq!(find("policy:administrator").roles, vec![0]);
        assert_eq!(find("policy:administrator").groups, vec![0]);
        assert!(find("policy:administrator").users.is_empty());
        assert_eq!(find("tag:owner").roles, vec![1]);
        // `tag:` alone asks for nothing in particular.
        assert_eq!(find("tag:").roles, vec![0, 1, 2]);
        // An unknown field is a plain word, colon included.
        assert_eq!(find("owner:x").total(), 0);
    }

    #[test]
    fn every_word_must_match() {
        assert_eq!(find("ci policy:deploy").roles, vec![1, 2]);
        assert_eq!(find("ci tag:owner=plat").roles, vec![1]);
        assert!(find("alice contractors").users.is_empty());
    }

    #[test]
    fn aws_managed_policies_match_by_name_and_path() {
        let q = EntityQuery::parse("viewonly");
        assert!(q.matches_aws_policy("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"));
        assert!(!q.matches_aws_policy("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        let path = EntityQuery::parse("path:/job-function/");
        assert!(path.matches_aws_policy("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"));
        assert!(!path.matches_aws_policy("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        assert!(
            EntityQuery::parse("path:/")
                .matches_aws_policy("arn:aws:iam::aws:policy/ReadOnlyAccess")
        );
    }

    #[test]
    fn non_ascii_words_match_without_regard_to_case() {
        let mut s = account();
        s.users[0].tags[0].value = "Équipe".into();
        assert_eq!(search(&s, &EntityQuery::parse("éQUIPE")).users, vec![0]);
    }

    #[test]
    fn grouping_by_path_orders_groups_by_label() {
        let s = account();
        let groups = group_entities(&s, EntityList::Roles, &[0, 1, 2], GroupBy::Path);
        let labels: Vec<&str> = groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["/", "/aws-reserved/sso.amazonaws.com/"]);
        assert_eq!(groups[0].members, vec![1, 2]);
        // Only the members asked for are grouped.
        let one = group_entities(&s, EntityList::Users, &[1], GroupBy::Path);
        assert_eq!(
            one,
            vec![EntityGroup {
                label: "/contractors/".into(),
                members: vec![1]
            }]
        );
    }

    #[test]
    fn grouping_by_policy_puts_the_same_set_together_and_none_last() {
        let s = account();
        let groups = group_entities(&s, EntityList::Roles, &[0, 1, 2], GroupBy::Policy);
        let labels: Vec<&str> = groups.iter().map(|g| g.label.as_str()).collect();
        // ci-deploy and ci-test attach the same two policies in a different order.
        assert_eq!(labels, ["AdministratorAccess", "Deploy, ReadOnlyAccess"]);
        assert_eq!(groups[1].members, vec![1, 2]);
        let groups = group_entities(&s, EntityList::Groups, &[0, 1], GroupBy::Policy);
        let labels: Vec<&str> = groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["AdministratorAccess", NO_MANAGED_POLICY]);
        // Policies are not grouped by policy; nothing is grouped by nothing.
        let policies = group_entities(&s, EntityList::Policies, &[0, 1], GroupBy::Policy);
        assert_eq!(
            policies,
            vec![EntityGroup {
                label: String::new(),
                members: vec![0, 1]
            }]
        );
        let users = group_entities(&s, EntityList::Users, &[0, 1], GroupBy::Nothing);
        assert_eq!(users.len(), 1);
    }
}
