//! What the workspace canvas draws, as plain data: the cards (one per entity), the links between
//! them (group membership, policy attachments, permissions boundaries) and the curve of a link
//! between two measured card rectangles. Nothing here touches the DOM, so it is tested natively.

use std::collections::HashMap;

use iam_engine::scenario::{IdentityRef, PolicyRef, ResourceKind, Scenario, Target};

use crate::analysis::protocol::{DiffData, PathData, Place};

/// One card of the canvas. AWS-managed policies are cards too, though the scenario has no
/// entity for them (only references), so this is not simply a [`Target`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CardKey {
    /// The account root user.
    Root,
    /// The organization the account belongs to.
    Organization,
    /// An IAM user, by name.
    User(String),
    /// An IAM group, by name.
    Group(String),
    /// An IAM role, by name.
    Role(String),
    /// A customer-managed policy, by name.
    Policy(String),
    /// An AWS-managed policy, by ARN.
    Aws(String),
    /// A resource with a resource-based policy.
    Resource(ResourceKind, String),
}

impl CardKey {
    /// The text of the card's `data-card` attribute: unique per card, and how the canvas finds
    /// a card's element again to measure it or to move focus to it. IAM names never contain a
    /// double quote or a backslash, so the text is safe inside an attribute selector.
    pub fn dom_key(&self) -> String {
        match self {
            CardKey::Root => "root".to_owned(),
            CardKey::Organization => "organization".to_owned(),
            CardKey::User(n) => format!("user:{n}"),
            CardKey::Group(n) => format!("group:{n}"),
            CardKey::Role(n) => format!("role:{n}"),
            CardKey::Policy(n) => format!("policy:{n}"),
            CardKey::Aws(arn) => format!("aws:{arn}"),
            CardKey::Resource(kind, n) => format!("resource:{kind:?}:{n}"),
        }
    }

    /// The entity the inspector shows for this card.
    pub fn target(&self) -> Option<Target> {
        Some(match self {
            CardKey::Root => Target::RootUser,
            CardKey::Organization => Target::Organization,
            CardKey::User(name) => Target::User { name: name.clone() },
            CardKey::Group(name) => Target::Group { name: name.clone() },
            CardKey::Role(name) => Target::Role { name: name.clone() },
            CardKey::Policy(name) => Target::Policy { name: name.clone() },
            CardKey::Resource(kind, name) => Target::Resource {
                resource_kind: *kind,
                name: name.clone(),
            },
            CardKey::Aws(arn) => Target::AwsPolicy { arn: arn.clone() },
        })
    }

    /// The identity policies attach to, for users, groups and roles.
    pub fn identity(&self) -> Option<IdentityRef> {
        match self {
            CardKey::User(n) => Some(IdentityRef::User(n.clone())),
            CardKey::Group(n) => Some(IdentityRef::Group(n.clone())),
            CardKey::Role(n) => Some(IdentityRef::Role(n.clone())),
            _ => None,
        }
    }

    /// The managed policy this card stands for, for customer-managed and AWS-managed policies.
    pub fn policy(&self) -> Option<PolicyRef> {
        match self {
            CardKey::Policy(n) => Some(PolicyRef::customer(n)),
            CardKey::Aws(arn) => Some(PolicyRef::aws(arn)),
            _ => None,
        }
    }

    /// The card's name as people read it ("alice", "AdministratorAccess").
    pub fn name(&self) -> &str {
        match self {
            CardKey::Root => "root user",
            CardKey::Organization => "organization",
            CardKey::User(n)
            | CardKey::Group(n)
            | CardKey::Role(n)
            | CardKey::Policy(n)
            | CardKey::Resource(_, n) => n,
            CardKey::Aws(arn) => arn.rsplit('/').next().unwrap_or(arn),
        }
    }

    /// The card of a user, group or role.
    pub fn from_identity(identity: &IdentityRef) -> CardKey {
        match identity {
            IdentityRef::User(n) => CardKey::User(n.clone()),
            IdentityRef::Group(n) => CardKey::Group(n.clone()),
            IdentityRef::Role(n) => CardKey::Role(n.clone()),
        }
    }

    /// The card of a managed policy a reference names (a customer-managed one under the
    /// spelling the scenario gives it).
    pub fn from_policy(scenario: &Scenario, reference: &PolicyRef) -> CardKey {
        match reference {
            PolicyRef::Aws(arn) => CardKey::Aws(arn.clone()),
            PolicyRef::Customer(n) => CardKey::Policy(
                scenario
                    .policy(n)
                    .map_or_else(|| n.clone(), |p| p.name.clone()),
            ),
        }
    }

    /// What kind of card this is, in words ("user", "AWS-managed policy").
    pub fn kind(&self) -> &'static str {
        match self {
            CardKey::Root => "root user",
            CardKey::Organization => "organization",
            CardKey::User(_) => "user",
            CardKey::Group(_) => "group",
            CardKey::Role(_) => "role",
            CardKey::Policy(_) => "customer-managed policy",
            CardKey::Aws(_) => "AWS-managed policy",
            CardKey::Resource(kind, _) => kind.describe(),
        }
    }
}

impl std::fmt::Display for CardKey {
    /// The card's entity in words, as the engine names it ("user alice", "AWS-managed policy
    /// ReadOnlyAccess").
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.target() {
            Some(target) => write!(f, "{target}"),
            None => write!(f, "{} {}", self.kind(), self.name()),
        }
    }
}

/// What a link means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// The user (`from`) is a member of the group (`to`).
    Member,
    /// The policy (`from`) is attached to the identity (`to`).
    Attached,
    /// The policy (`from`) is the permissions boundary of the user or role (`to`).
    Boundary,
    /// On the escalation path the canvas shows, the principal (`from`) reaches the principal
    /// (`to`).
    Hop,
}

impl LinkKind {
    /// The CSS modifier and the `data-link` value of the drawn line.
    pub fn id(self) -> &'static str {
        match self {
            LinkKind::Member => "member",
            LinkKind::Attached => "attached",
            LinkKind::Boundary => "boundary",
            LinkKind::Hop => "hop",
        }
    }
}

/// One link between two cards.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Link {
    /// The user (membership) or the policy (attachment, boundary).
    pub from: CardKey,
    /// The group (membership) or the identity (attachment, boundary).
    pub to: CardKey,
    /// What the link means.
    pub kind: LinkKind,
}

impl Link {
    /// Whether the link touches a card.
    pub fn touches(&self, card: &CardKey) -> bool {
        &self.from == card || &self.to == card
    }
}

/// The scenario's groups and customer-managed policies by their lowercased names (IAM names
/// compare without regard to case), so that drawing an account's links looks each reference up
/// once instead of scanning the lists.
struct Names<'a> {
    groups: HashMap<String, &'a str>,
    policies: HashMap<String, &'a str>,
}

impl<'a> Names<'a> {
    fn of(scenario: &'a Scenario) -> Names<'a> {
        // The first of two names that differ only in case wins, as in `Scenario::policy`.
        fn index<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<String, &'a str> {
            let mut map = HashMap::new();
            for name in names {
                map.entry(name.to_ascii_lowercase()).or_insert(name);
            }
            map
        }
        Names {
            groups: index(scenario.groups.iter().map(|g| g.name.as_str())),
            policies: index(scenario.policies.iter().map(|p| p.name.as_str())),
        }
    }

    /// The card of a policy reference, with a customer policy's own spelling of its name;
    /// `None` for a customer policy the scenario does not have (validation reports that
    /// reference).
    fn policy_card(&self, reference: &PolicyRef) -> Option<CardKey> {
        match reference {
            PolicyRef::Aws(arn) => Some(CardKey::Aws(arn.clone())),
            PolicyRef::Customer(name) => self
                .policies
                .get(&name.to_ascii_lowercase())
                .map(|n| CardKey::Policy((*n).to_owned())),
        }
    }
}

/// Every link of the scenario: memberships, then attachments and boundaries of users, groups
/// and roles, in the scenario's order. References to missing entities draw no line. Linear in
/// the size of the account.
pub fn links(scenario: &Scenario) -> Vec<Link> {
    let names = Names::of(scenario);
    let mut out = Vec::new();
    for user in &scenario.users {
        for group in &user.groups {
            if let Some(g) = names.groups.get(&group.to_ascii_lowercase()) {
                out.push(Link {
                    from: CardKey::User(user.name.clone()),
                    to: CardKey::Group((*g).to_owned()),
                    kind: LinkKind::Member,
                });
            }
        }
    }
    let mut attach = |to: CardKey, managed: &[PolicyRef], boundary: Option<&PolicyRef>| {
        for reference in managed {
            if let Some(from) = names.policy_card(reference) {
                out.push(Link {
                    from,
                    to: to.clone(),
                    kind: LinkKind::Attached,
                });
            }
        }
        if let Some(from) = boundary.and_then(|b| names.policy_card(b)) {
            out.push(Link {
                from,
                to,
                kind: LinkKind::Boundary,
            });
        }
    };
    for user in &scenario.users {
        attach(
            CardKey::User(user.name.clone()),
            &user.managed_policies,
            user.permissions_boundary.as_ref(),
        );
    }
    for group in &scenario.groups {
        attach(
            CardKey::Group(group.name.clone()),
            &group.managed_policies,
            None,
        );
    }
    for role in &scenario.roles {
        attach(
            CardKey::Role(role.name.clone()),
            &role.managed_policies,
            role.permissions_boundary.as_ref(),
        );
    }
    out
}

/// The links that start at each policy card (its attachments and boundaries), as indexes into
/// `links`, in their order: a policy card's chips read them instead of looking at every
/// identity of the account (thousands in a real one) for each policy card shown.
pub fn links_by_policy(links: &[Link]) -> HashMap<CardKey, Vec<usize>> {
    let mut out: HashMap<CardKey, Vec<usize>> = HashMap::new();
    for (i, link) in links.iter().enumerate() {
        if matches!(link.kind, LinkKind::Attached | LinkKind::Boundary) {
            out.entry(link.from.clone()).or_default().push(i);
        }
    }
    out
}

/// The card a place of the analysis is shown on.
pub fn card_of_place(place: &Place) -> CardKey {
    match place {
        Place::Root => CardKey::Root,
        Place::User(n) => CardKey::User(n.clone()),
        Place::Group(n) => CardKey::Group(n.clone()),
        Place::Role(n) => CardKey::Role(n.clone()),
        Place::Policy(n) => CardKey::Policy(n.clone()),
        Place::AwsPolicy(arn) => CardKey::Aws(arn.clone()),
        Place::Resource(kind, n) => CardKey::Resource(*kind, n.clone()),
        Place::Organization => CardKey::Organization,
    }
}

/// An escalation path as the canvas draws it: the cards it goes through (its principals and
/// the policies that allow its hops) and a hop line from each principal to the next.
pub fn path_drawing(path: &PathData) -> (Vec<CardKey>, Vec<Link>) {
    let cards = path.places().iter().map(card_of_place).collect();
    let hops = path
        .hops
        .iter()
        .filter(|h| h.from != h.to)
        .filter_map(|h| {
            let from = Place::of_principal(&h.from)?;
            let to = Place::of_principal(&h.to)?;
            Some(Link {
                from: card_of_place(&from),
                to: card_of_place(&to),
                kind: LinkKind::Hop,
            })
        })
        .collect();
    (cards, hops)
}

/// A principal's change of access as its card shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeMark {
    /// The principal in words (`user maria`).
    pub label: String,
    /// How many actions become allowed.
    pub newly_allowed: usize,
    /// How many actions become refused.
    pub newly_denied: usize,
}

/// The cards of the principals whose access a comparison says changes, with their counts (a
/// principal with no card, one only the version before has, is left out by the caller's
/// lookup).
pub fn change_marks(diff: &DiffData) -> HashMap<CardKey, ChangeMark> {
    diff.changes
        .iter()
        .filter_map(|c| {
            let card = card_of_place(&Place::of_principal(&c.principal)?);
            Some((
                card,
                ChangeMark {
                    label: c.label.clone(),
                    newly_allowed: c.newly_allowed,
                    newly_denied: c.newly_denied,
                },
            ))
        })
        .collect()
}

/// The ARNs of the AWS-managed policies the scenario attaches anywhere (as a managed policy or
/// a boundary), each once, sorted by policy name.
pub fn aws_in_use(scenario: &Scenario) -> Vec<String> {
    let mut arns: Vec<String> = Vec::new();
    let users = scenario.users.iter().map(|u| {
        (
            u.managed_policies.as_slice(),
            u.permissions_boundary.as_ref(),
        )
    });
    let groups = scenario
        .groups
        .iter()
        .map(|g| (g.managed_policies.as_slice(), None));
    let roles = scenario.roles.iter().map(|r| {
        (
            r.managed_policies.as_slice(),
            r.permissions_boundary.as_ref(),
        )
    });
    for (managed, boundary) in users.chain(groups).chain(roles) {
        for reference in managed.iter().chain(boundary) {
            if let PolicyRef::Aws(arn) = reference
                && !arns.contains(arn)
            {
                arns.push(arn.clone());
            }
        }
    }
    arns.sort_by_key(|arn| {
        let name = arn.rsplit('/').next().unwrap_or(arn);
        (name.to_ascii_lowercase(), arn.clone())
    });
    arns
}

/// A name for a copy of `base` that `taken` does not refuse: `base-copy`, then `base-copy-2`,
/// ... The base is shortened so the name stays within `max` characters.
pub fn copy_name(base: &str, max: usize, taken: impl Fn(&str) -> bool) -> String {
    for n in 1..1000u32 {
        let suffix = if n == 1 {
            "-copy".to_owned()
        } else {
            format!("-copy-{n}")
        };
        let room = max.saturating_sub(suffix.chars().count());
        let stem: String = base.chars().take(room).collect();
        let name = format!("{stem}{suffix}");
        if !taken(&name) {
            return name;
        }
    }
    // A thousand copies of one entity exceed every IAM quota, so the engine refuses this one.
    format!("{base}-copy")
}

/// A card's rectangle, measured relative to the canvas (CSS pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    fn right(&self) -> f64 {
        self.x + self.w
    }

    fn bottom(&self) -> f64 {
        self.y + self.h
    }

    fn mid_x(&self) -> f64 {
        self.x + self.w / 2.0
    }

    fn mid_y(&self) -> f64 {
        self.y + self.h / 2.0
    }
}

/// The SVG path (`d` attribute) of a link from card `a` to card `b`: a cubic curve between the
/// facing sides. Cards side by side (lanes in one row) join left and right edges; cards one
/// above the other (lanes wrapped into rows, or one lane) join bottom and top edges.
pub fn curve(a: &Rect, b: &Rect) -> String {
    let side_by_side = a.right() <= b.x || b.right() <= a.x;
    let (x1, y1, x2, y2, horizontal) = if side_by_side {
        if a.right() <= b.x {
            (a.right(), a.mid_y(), b.x, b.mid_y(), true)
        } else {
            (a.x, a.mid_y(), b.right(), b.mid_y(), true)
        }
    } else if a.bottom() <= b.y {
        (a.mid_x(), a.bottom(), b.mid_x(), b.y, false)
    } else if b.bottom() <= a.y {
        (a.mid_x(), a.y, b.mid_x(), b.bottom(), false)
    } else {
        // Overlapping rectangles (only while a layout settles): a straight line is enough.
        (a.mid_x(), a.mid_y(), b.mid_x(), b.mid_y(), false)
    };
    let (c1x, c1y, c2x, c2y) = if horizontal {
        let bend = ((x2 - x1).abs() / 2.0).max(24.0);
        let dir = if x2 >= x1 { 1.0 } else { -1.0 };
        (x1 + dir * bend, y1, x2 - dir * bend, y2)
    } else {
        let bend = ((y2 - y1).abs() / 2.0).max(24.0);
        let dir = if y2 >= y1 { 1.0 } else { -1.0 };
        (x1, y1 + dir * bend, x2, y2 - dir * bend)
    };
    format!("M{x1:.1} {y1:.1} C{c1x:.1} {c1y:.1} {c2x:.1} {c2y:.1} {x2:.1} {y2:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::protocol::PrincipalChangeData;
    use iam_engine::scenario::{Group, ManagedPolicy, Role, User};

    #[test]
    fn a_comparison_marks_the_cards_of_the_principals_whose_access_changes() {
        let change = |principal: &str, label: &str, up: usize, down: usize| PrincipalChangeData {
            principal: principal.into(),
            label: label.into(),
            newly_allowed: up,
            newly_denied: down,
            groups: Vec::new(),
        };
        let diff = DiffData {
            principals_considered: 4,
            actions_considered: 10,
            regions: 1,
            contexts_considered: 1,
            newly_allowed: 15,
            newly_denied: 1,
            changes: vec![
                change("user/maria", "user maria", 14, 0),
                change("role/deploy", "role deploy", 1, 1),
                change("root", "the root user", 0, 0),
                // Not a card of this account.
                change(
                    "arn:aws:iam::444455556666:root",
                    "account 444455556666",
                    1,
                    0,
                ),
            ],
            outside_model: Vec::new(),
            summary: Vec::new(),
        };
        let marks = change_marks(&diff);
        assert_eq!(marks.len(), 3);
        assert_eq!(
            marks.get(&CardKey::User("maria".into())),
            Some(&ChangeMark {
                label: "user maria".into(),
                newly_allowed: 14,
                newly_denied: 0
            })
        );
        assert_eq!(
            marks
                .get(&CardKey::Role("deploy".into()))
                .map(|m| m.newly_denied),
            Some(1)
        );
        assert!(marks.contains_key(&CardKey::Root));
    }

    fn admin_setup() -> Scenario {
        let mut s = Scenario::new("123456789012");
        let mut group = Group::new("administrators");
        group
            .managed_policies
            .push(PolicyRef::aws("AdministratorAccess"));
        s.groups.push(group);
        let mut user = User::new("admin");
        user.groups.push("Administrators".into());
        user.managed_policies
            .push(PolicyRef::aws("IAMUserChangePassword"));
        user.permissions_boundary = Some(PolicyRef::customer("bound"));
        s.users.push(user);
        s.policies.push(ManagedPolicy::new("Bound", "{}"));
        let mut role = Role::new("ops", "{}");
        role.managed_policies
            .push(PolicyRef::aws("AdministratorAccess"));
        role.managed_policies.push(PolicyRef::customer("missing"));
        s.roles.push(role);
        s
    }

    #[test]
    fn a_path_lights_its_principals_and_policies_and_draws_a_line_per_hop() {
        use crate::analysis::protocol::{DecidedRow, HopData};
        use iam_engine::eval::Decision;
        let row = |principal: &str, places: Vec<Place>| DecidedRow {
            principal: principal.into(),
            action: "iam:PassRole".into(),
            resource: "*".into(),
            context: Vec::new(),
            decision: Decision::Allowed,
            statements: Vec::new(),
            places,
        };
        let hop = |from: &str, to: &str, places: Vec<Place>| HopData {
            from: from.into(),
            to: to.into(),
            summary: String::new(),
            path_id: "x-001".into(),
            title: String::new(),
            category: String::new(),
            description: String::new(),
            references: Vec::new(),
            requests: vec![row(from, places)],
            edit: None,
            after_edit: Vec::new(),
            reaches_admin: false,
        };
        let path = PathData {
            principal: "user/dana".into(),
            hops: vec![
                hop("user/dana", "user/dana", vec![Place::Group("Devs".into())]),
                hop("user/dana", "role/Admin", vec![Place::Policy("Dev".into())]),
            ],
            admin_by: Some(row(
                "role/Admin",
                vec![Place::AwsPolicy(
                    "arn:aws:iam::aws:policy/AdministratorAccess".into(),
                )],
            )),
        };
        let (cards, hops) = path_drawing(&path);
        assert_eq!(
            cards,
            vec![
                CardKey::User("dana".into()),
                CardKey::Group("Devs".into()),
                CardKey::Policy("Dev".into()),
                CardKey::Role("Admin".into()),
                CardKey::Aws("arn:aws:iam::aws:policy/AdministratorAccess".into()),
            ]
        );
        // A hop that edits the actor's own permissions draws no line.
        assert_eq!(
            hops,
            vec![Link {
                from: CardKey::User("dana".into()),
                to: CardKey::Role("Admin".into()),
                kind: LinkKind::Hop,
            }]
        );
        assert_eq!(path.key(), "user/dana|x-001>user/dana|x-001>role/Admin");
    }

    #[test]
    fn links_cover_membership_attachments_and_boundaries() {
        let s = admin_setup();
        let all = links(&s);
        let admin_arn = "arn:aws:iam::aws:policy/AdministratorAccess".to_owned();
        assert_eq!(
            all,
            vec![
                Link {
                    from: CardKey::User("admin".into()),
                    to: CardKey::Group("administrators".into()),
                    kind: LinkKind::Member,
                },
                Link {
                    from: CardKey::Aws("arn:aws:iam::aws:policy/IAMUserChangePassword".into()),
                    to: CardKey::User("admin".into()),
                    kind: LinkKind::Attached,
                },
                Link {
                    from: CardKey::Policy("Bound".into()),
                    to: CardKey::User("admin".into()),
                    kind: LinkKind::Boundary,
                },
                Link {
                    from: CardKey::Aws(admin_arn.clone()),
                    to: CardKey::Group("administrators".into()),
                    kind: LinkKind::Attached,
                },
                Link {
                    from: CardKey::Aws(admin_arn),
                    to: CardKey::Role("ops".into()),
                    kind: LinkKind::Attached,
                },
            ]
        );
        assert!(all[0].touches(&CardKey::Group("administrators".into())));
        assert!(!all[0].touches(&CardKey::Role("ops".into())));
    }

    #[test]
    fn a_policy_cards_links_are_found_by_index_in_order_and_memberships_are_not() {
        let s = admin_setup();
        let all = links(&s);
        let index = links_by_policy(&all);
        let admin = CardKey::Aws("arn:aws:iam::aws:policy/AdministratorAccess".into());
        // Attached to the group, then to the role: the scenario's order.
        assert_eq!(index.get(&admin), Some(&vec![3, 4]));
        // A boundary is the policy's link too (the card's own spelling of its name).
        assert_eq!(index.get(&CardKey::Policy("Bound".into())), Some(&vec![2]));
        // A membership starts at a user: no entry for it.
        assert_eq!(index.get(&CardKey::User("admin".into())), None);
        // The missing policy the role names draws no link, so it has none.
        assert_eq!(index.get(&CardKey::Policy("missing".into())), None);
        assert_eq!(index.values().map(Vec::len).sum::<usize>(), all.len() - 1);
    }

    #[test]
    fn aws_policies_in_use_are_listed_once_by_name() {
        let s = admin_setup();
        assert_eq!(
            aws_in_use(&s),
            vec![
                "arn:aws:iam::aws:policy/AdministratorAccess".to_owned(),
                "arn:aws:iam::aws:policy/IAMUserChangePassword".to_owned(),
            ]
        );
        assert!(aws_in_use(&Scenario::new("123456789012")).is_empty());
    }

    #[test]
    fn card_keys_name_their_entities() {
        let aws = CardKey::Aws("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess".into());
        assert_eq!(aws.name(), "ViewOnlyAccess");
        assert_eq!(
            aws.target(),
            Some(Target::AwsPolicy {
                arn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess".into()
            })
        );
        assert_eq!(
            aws.policy(),
            Some(PolicyRef::Aws(
                "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess".into()
            ))
        );
        assert_eq!(CardKey::User("a".into()).dom_key(), "user:a");
        assert_eq!(
            CardKey::Resource(ResourceKind::S3Bucket, "b".into()).dom_key(),
            "resource:S3Bucket:b"
        );
        assert_eq!(
            CardKey::Group("g".into()).identity(),
            Some(IdentityRef::Group("g".into()))
        );
        assert_eq!(CardKey::Policy("p".into()).identity(), None);
        // In words, a card reads as its kind and name, the way the engine names entities.
        for card in [
            aws.clone(),
            CardKey::User("a".into()),
            CardKey::Policy("p".into()),
            CardKey::Resource(ResourceKind::S3Bucket, "b".into()),
        ] {
            assert_eq!(card.to_string(), format!("{} {}", card.kind(), card.name()));
        }
        assert_eq!(
            CardKey::from_identity(&IdentityRef::Role("r".into())),
            CardKey::Role("r".into())
        );
    }

    #[test]
    fn copies_get_free_names_within_the_limit() {
        let taken = ["alice-copy".to_owned(), "alice-copy-2".to_owned()];
        assert_eq!(
            copy_name("alice", 64, |n| taken
                .iter()
                .any(|t| t.eq_ignore_ascii_case(n))),
            "alice-copy-3"
        );
        let long = "x".repeat(64);
        let name = copy_name(&long, 64, |_| false);
        assert_eq!(name.chars().count(), 64);
        assert!(name.ends_with("-copy"));
    }

    #[test]
    fn curves_join_facing_sides() {
        let left = Rect {
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 40.0,
        };
        let right = Rect {
            x: 200.0,
            y: 100.0,
            w: 100.0,
            h: 40.0,
        };
        assert_eq!(
            curve(&left, &right),
            "M100.0 20.0 C150.0 20.0 150.0 120.0 200.0 120.0"
        );
        assert_eq!(
            curve(&right, &left),
            "M200.0 120.0 C150.0 120.0 150.0 20.0 100.0 20.0"
        );
        let below = Rect {
            x: 50.0,
            y: 300.0,
            w: 100.0,
            h: 40.0,
        };
        assert_eq!(
            curve(&below, &left),
            "M100.0 300.0 C100.0 170.0 50.0 170.0 50.0 40.0"
        );
    }
}
