//! Escalation paths: every way a principal that is not admin-equivalent (see
//! [`super::ADMIN_PROBES`]) reaches admin-equivalent access, hop by hop.
//!
//! The hops come from the privilege-escalation catalog ([`crate::catalog::escalation`]): each
//! modelled path of the catalog is tried from each principal, on each target its model names,
//! and every request of the hop is a decision of the engine (SCPs, RCPs, boundaries, trust
//! policies, conditions and `iam:PassedToService` honoured). A hop blocked anywhere is not a
//! hop. The hop kinds:
//! - **Self edit** (a new version of a customer-managed policy attached to the actor, a policy
//!   put on or attached to the actor or to its group, joining a group): the edit is applied to
//!   a copy of the scenario and the actor must then be admin-equivalent by the engine's
//!   decision (a boundary or an SCP can make the edit useless).
//! - **Credential takeover** (an access key or a console password for another user, after
//!   editing that user's policies if the path says so): the actor reaches that user.
//! - **Role assumption** (`sts:AssumeRole` allowed by the caller's policies and the role's
//!   trust policy, or a trust policy the actor rewrites with `iam:UpdateAssumeRolePolicy`, then
//!   assumes on the edited copy; after editing the role's policies if the path says so).
//! - **Passing a role to a service** (`iam:PassRole` with `iam:PassedToService` set to a
//!   service principal the role's trust policy allows, by the engine's decision, plus the
//!   service's actions on a resource the actor's policies name): the actor gets the role's
//!   credentials through the service.
//!
//! The search is breadth-first from each principal over these hops, each principal visited
//! once per start; a principal's hops are computed once and shared by every start, and each
//! request's decision is remembered, so the work is the principals × their hops.
//!
//! What the scenario cannot say is left out, never guessed: a policy's non-default versions
//! (the scenario holds one version per policy, so `iam:SetDefaultPolicyVersion` finds no
//! version to restore), and the resources of other services (functions, instances, stacks)
//! that the catalog's existing-passrole paths act through.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

use serde::Serialize;

use crate::catalog::escalation::{
    ActionTarget, CatalogCategory, EscalationCatalog, EscalationPath, Hop as CatalogHop,
    Model as PathModel, ModelKind, Modelling, Prerequisite, Reference,
};
use crate::context::ContextKeyType;
use crate::eval::Decision;
use crate::scenario::{ContextValue, InlinePolicy, PolicyRef, PrincipalRef, Scenario};

use super::who_can::{PrincipalKind, TrustNames, arn_account, known_principals, trust_candidates};
use super::{DecidedRequest, Model, QuickDecider, group_arn, principal_arn};

/// The policy an edit writes: everything on everything (what `AdministratorAccess` holds).
pub const ADMIN_DOCUMENT: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// The name of the inline policy an edit adds.
const EDIT_POLICY_NAME: &str = "escalation-allow-all";

/// One hop of a path.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hop {
    /// The principal that makes the requests.
    pub from: String,
    /// The principal whose access it gains (itself, for an edit of its own permissions).
    pub to: String,
    /// What the hop does, in words.
    pub summary: String,
    /// The catalog path's id, such as `lambda-001`.
    pub path_id: String,
    /// The catalog path's title (its actions).
    pub title: String,
    /// The catalog's category.
    pub category: CatalogCategory,
    /// The catalog's description.
    pub description: String,
    /// The catalog's references.
    pub references: Vec<Reference>,
    /// The requests the hop makes, each allowed by the engine, with the statements that allow
    /// it.
    pub requests: Vec<DecidedRequest>,
    /// The edit the hop makes, when it makes one, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edit: Option<String>,
    /// Requests decided on the scenario after the edit (assuming a role whose trust policy
    /// was rewritten).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub after_edit: Vec<DecidedRequest>,
    /// Whether the hop ends at admin-equivalent access (the edit makes `to` admin-equivalent,
    /// or `to` already is).
    pub reaches_admin: bool,
}

/// A path from a principal to admin-equivalent access.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FoundPath {
    /// The principal the path starts from (not admin-equivalent).
    pub principal: String,
    /// The hops, in order; the last one reaches admin-equivalent access.
    pub hops: Vec<Hop>,
}

/// A catalog path the analysis does not check, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeftOut {
    /// The path's id.
    pub id: String,
    /// Why it is left out.
    pub reason: String,
}

/// The escalation analysis of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EscalationReport {
    /// The principals that are already admin-equivalent (not paths).
    pub admin_equivalent: Vec<String>,
    /// The principals the search started from.
    pub principals_considered: usize,
    /// The paths found, the shortest of each principal first: at most
    /// [`MAX_PATHS_PER_PRINCIPAL`] per principal and [`MAX_PATHS`] in all.
    pub paths: Vec<FoundPath>,
    /// How many more paths were found than are listed. In a real account thousands of
    /// principals reach the same admin role the same way, and listing every path of every
    /// principal grew with the square of the account (1.3 million paths, past the 4 GiB of a
    /// wasm memory, for 6,000 principals).
    #[serde(skip_serializing_if = "is_zero")]
    pub unlisted_paths: usize,
    /// How many principals (not admin-equivalent) have a path to admin.
    pub principals_with_paths: usize,
    /// When the search stopped at its budget ([`MAX_EDGES`] hops, [`MAX_DECISIONS`] decided
    /// requests) before it had searched from every principal: how many it had searched from.
    /// The paths and counts are those of these principals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub searched_only: Option<usize>,
    /// How many paths the catalog holds (with the playground's supplement).
    pub catalog_paths: usize,
    /// How many of them the analysis checks.
    pub modelled_paths: usize,
    /// The paths it does not check, with the reason.
    pub left_out: Vec<LeftOut>,
}

impl EscalationReport {
    /// Whether some principal that is not admin-equivalent can reach admin-equivalent access.
    pub fn has_path_to_admin(&self) -> bool {
        !self.paths.is_empty()
    }

    /// How many paths were found, listed or not.
    pub fn paths_found(&self) -> usize {
        self.paths.len() + self.unlisted_paths
    }
}

/// The most paths a report lists for one starting principal: its shortest ones.
pub const MAX_PATHS_PER_PRINCIPAL: usize = 5;

/// The most paths a report lists in all (the others are counted).
pub const MAX_PATHS: usize = 1_000;

/// The most hops the search keeps (each its requests and the words of its summary and edit;
/// a pass-role hop to a set of roles counts once, and each distinct set once more per sixteen
/// roles in it). A real account whose principals may each pass any of thousands of roles
/// had millions as hops of their own, past the 4 GiB of a wasm memory. The search stops there
/// (`searched_only`).
pub const MAX_EDGES: usize = 60_000;

/// The most requests whose decisions the search remembers (see [`MAX_EDGES`]).
pub const MAX_DECISIONS: usize = 600_000;

/// The most requests the search asks the engine, each a decision (most of them the quick
/// one, about a microsecond natively). The search is one step of the analysis worker, which
/// answers nothing else meanwhile: it stops there (`searched_only`) rather than hold the
/// worker for long. The issue's L account of 6,001 principals asks 7.8 million in all (7 s
/// natively, `cargo bench -p iam-engine --bench analysis -- escalation`).
pub const MAX_REQUESTS: usize = 10_000_000;

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Why the analysis leaves a modelled path out even though the catalog models it.
fn analysis_leaves_out(model: &PathModel) -> Option<&'static str> {
    if model
        .prerequisites
        .contains(&Prerequisite::NonDefaultPolicyVersionExists)
    {
        return Some(
            "it restores a non-default policy version, and the scenario holds only each policy's default version",
        );
    }
    None
}

/// How the search first reached a principal: from which principal, by which of its hops.
type Reached = (PrincipalRef, Rc<Vec<Edge>>, usize);

/// An outgoing hop of a principal, before it is placed in a path.
#[derive(Debug, Clone)]
struct Edge {
    to: Reach,
    /// The hop, its `requests` still empty: they are decided in full (with their statements
    /// in words) only when a path shows the hop, from [`Edge::requests`]. For hops to a set of
    /// roles, what every one of them shares (`to` and the summary are written when a path
    /// shows it).
    hop: Hop,
    /// The requests of the hop; for hops to a set of roles, those every role shares (the
    /// service's actions), in the catalog hop's order.
    requests: Vec<HopRequest>,
}

/// Where a hop leads.
#[derive(Debug, Clone)]
enum Reach {
    One(PrincipalRef),
    /// The same pass-role hop to each role of a set: on a real account a principal that may
    /// pass roles to a service may pass thousands, which as hops of their own were most of the
    /// search's memory (its budget of hops then stopped it after a few principals). Sets with
    /// the same roles are one `RoleSet`, and a breadth-first search goes through each once.
    Roles {
        actor: PrincipalRef,
        set: Rc<RoleSet>,
    },
}

/// A set of roles (indexes into the scenario's roles, ascending), with those among them that
/// are admin-equivalent, found when first needed.
#[derive(Debug)]
struct RoleSet {
    members: Vec<usize>,
    admins: std::cell::OnceCell<Vec<usize>>,
}

/// A request of a hop. The search needs only the engine's decision on most requests it
/// makes: the statements that decide it are looked up for the few that a reported path shows.
#[derive(Debug, Clone)]
enum HopRequest {
    /// Allowed by the engine.
    Allowed(RequestKey, Vec<ContextValue>),
    /// Decided in full already (a role's trust in a service, shared by many hops: one copy,
    /// counted, for them all).
    Decided(Rc<DecidedRequest>),
}

/// Within one actor's hops: whether it may pass each role (by index) with an action to a
/// service, by (action, service), with the request's context and its key.
type PassMemo = HashMap<(String, String), ([ContextValue; 1], String, Vec<Option<bool>>)>;

/// The roles that trust a path's services (see [`Search::trusting_roles`]).
type TrustingRoles = Rc<Vec<(usize, String, Rc<DecidedRequest>)>>;

/// Whether a role trusts a service, by (role ARN, service): the decision when it does.
type Trusts = HashMap<(String, String), Option<Rc<DecidedRequest>>>;

/// A request as the decision memo keys it: principal, action, resource, context.
type RequestKey = (PrincipalRef, String, String, String);

/// What the escalation search keeps from one step to the next (see [`EscalationSearch`]).
struct Memo {
    /// The engine's decisions (allowed or not) on the requests the search made.
    decisions: RefCell<HashMap<RequestKey, bool>>,
    /// The requests a reported path shows, decided in full.
    shown: RefCell<HashMap<RequestKey, Option<DecidedRequest>>>,
    trusts: RefCell<Trusts>,
    /// Per catalog path, the roles that trust one of its services: (role index, service,
    /// the trust decision).
    trusting: RefCell<HashMap<String, TrustingRoles>>,
    admin: RefCell<HashMap<PrincipalRef, bool>>,
    /// Each user's ARN, by the user's index.
    user_arns: Vec<String>,
    /// Each role's ARN, by the role's index.
    role_arns: Vec<String>,
    /// Which roles' trust policies may let in a principal, built on first use.
    trust_index: RefCell<Option<TrustIndex>>,
    /// The sets of roles of pass-role hops, each once.
    role_sets: RefCell<HashMap<Vec<usize>, Rc<RoleSet>>>,
    /// What the role sets hold, in units of one hop (a role is a sixteenth of one), for the
    /// budget.
    role_set_units: std::cell::Cell<usize>,
    /// How many requests the search has asked the engine.
    asked: std::cell::Cell<usize>,
}

struct Search<'a, 'c, 'm> {
    model: Model<'a>,
    catalog: &'c EscalationCatalog,
    /// The allocation-free refusals (made again for each step: it borrows the scenario).
    quick: QuickDecider<'a>,
    memo: &'m Memo,
}

/// The roles whose trust policies may let a principal in, from what each names (as who-can
/// asks, `who_can::trust_candidates`): a principal no trust policy names, by its ARN or its
/// account, can assume only the roles whose trust is open (`*`, a wildcard, `NotPrincipal`, a
/// text that cannot be read). On a real account most roles trust a service only, and asking
/// each of thousands of roles for each principal was most of the search's time.
#[derive(Default)]
struct TrustIndex {
    by_arn: HashMap<String, Vec<usize>>,
    by_account: HashMap<String, Vec<usize>>,
    open: Vec<usize>,
}

impl TrustIndex {
    fn of(scenario: &Scenario) -> TrustIndex {
        let mut index = TrustIndex::default();
        let mut read: HashMap<&str, Option<TrustNames>> = HashMap::new();
        for (i, role) in scenario.roles.iter().enumerate() {
            let names = read
                .entry(role.trust_policy.as_str())
                .or_insert_with(|| trust_candidates(&role.trust_policy));
            match names {
                None => index.open.push(i),
                Some(names) => {
                    for arn in &names.arns {
                        index.by_arn.entry(arn.clone()).or_default().push(i);
                    }
                    for account in &names.accounts {
                        index.by_account.entry(account.clone()).or_default().push(i);
                    }
                }
            }
        }
        index
    }

    /// The roles (indexes, ascending, each once) whose trust policy may let in the principal
    /// with ARN `arn`.
    fn candidates(&self, arn: &str) -> Vec<usize> {
        let mut out = self.open.clone();
        if let Some(named) = self.by_arn.get(&arn.to_ascii_lowercase()) {
            out.extend(named);
        }
        if let Some(named) = arn_account(arn).and_then(|a| self.by_account.get(a)) {
            out.extend(named);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl<'a> Search<'a, '_, '_> {
    /// The engine's decision on a request, remembered; `Some` only when allowed.
    fn allowed(
        &self,
        actor: &PrincipalRef,
        action: &str,
        resource: &str,
        context: &[ContextValue],
    ) -> Option<HopRequest> {
        self.allowed_keyed(actor, action, resource, context, context_key(context))
    }

    /// [`Search::allowed`], with the context's key already made.
    fn allowed_keyed(
        &self,
        actor: &PrincipalRef,
        action: &str,
        resource: &str,
        context: &[ContextValue],
        ctx_key: String,
    ) -> Option<HopRequest> {
        self.memo.asked.set(self.memo.asked.get() + 1);
        // The quick decision first: most requests of the search end there, with nothing to
        // remember.
        let quick = self
            .quick
            .decision(actor, action, resource, context, &ctx_key);
        if quick.is_some_and(|d| d != Decision::Allowed) {
            return None;
        }
        let key = (
            actor.clone(),
            action.to_string(),
            resource.to_string(),
            ctx_key,
        );
        let allowed = match quick {
            Some(_) => true,
            None => {
                let hit = self.memo.decisions.borrow().get(&key).copied();
                match hit {
                    Some(allowed) => allowed,
                    None => {
                        let allowed = self.model.allows(actor, action, resource, context);
                        self.memo
                            .decisions
                            .borrow_mut()
                            .insert(key.clone(), allowed);
                        allowed
                    }
                }
            }
        };
        allowed.then(|| HopRequest::Allowed(key, context.to_vec()))
    }

    /// The hop of `edge` to `to` with its requests decided in full, each with the statements
    /// that allow it (remembered: a hop is shown by every path through it).
    fn shown_hop(&self, edge: &Edge, to: &PrincipalRef) -> Hop {
        let (mut hop, requests) = match &edge.to {
            Reach::One(_) => (edge.hop.clone(), Cow::Borrowed(&edge.requests)),
            Reach::Roles { actor, .. } => match self.pass_hop(edge, actor, to) {
                Some((hop, requests)) => (hop, Cow::Owned(requests)),
                None => (edge.hop.clone(), Cow::Borrowed(&edge.requests)),
            },
        };
        // The catalog path's texts, which the search's hops leave out (see [`Search::hop`]).
        if let Some(path) = self.catalog.get(&hop.path_id) {
            hop.title.clone_from(&path.title);
            hop.description.clone_from(&path.description);
            hop.references.clone_from(&path.references);
        }
        hop.requests = (requests.iter())
            .filter_map(|r| match r {
                HopRequest::Decided(d) => Some(DecidedRequest::clone(d)),
                HopRequest::Allowed(key, context) => {
                    if let Some(hit) = self.memo.shown.borrow().get(key) {
                        return hit.clone();
                    }
                    let (actor, action, resource, _) = key;
                    let decided = self.model.decided(actor, action, resource, context);
                    self.memo
                        .shown
                        .borrow_mut()
                        .insert(key.clone(), decided.clone());
                    decided
                }
            })
            .collect();
        hop
    }

    /// The pass-role hop of `edge` (a hop to a set of roles) from `actor` to role `to`, with
    /// its requests in the catalog hop's order: passing the role, the service's actions (the
    /// edge's), and the role's trust in the service.
    fn pass_hop(
        &self,
        edge: &Edge,
        actor: &PrincipalRef,
        to: &PrincipalRef,
    ) -> Option<(Hop, Vec<HopRequest>)> {
        let path = self.catalog.get(&edge.hop.path_id)?;
        let Modelling::Modelled(m) = &path.modelling else {
            return None;
        };
        let ModelKind::PassRoleToService { service_principals } = &m.kind else {
            return None;
        };
        let PrincipalRef::Role(name) = to else {
            return None;
        };
        let index = self
            .model
            .scenario
            .roles
            .iter()
            .position(|r| &r.name == name)?;
        let trusting = self.trusting_roles(path, service_principals);
        let at = trusting.binary_search_by_key(&index, |(i, _, _)| *i).ok()?;
        let (_, service, trust) = trusting.get(at)?;
        let arn = self.memo.role_arns.get(index)?;
        let passed = passed_to(service);
        let mut shared = edge.requests.iter();
        let mut requests = Vec::new();
        for CatalogHop { action, target } in &m.hops {
            if *target == ActionTarget::PassedRole {
                requests.push(HopRequest::Allowed(
                    (
                        actor.clone(),
                        action.clone(),
                        arn.clone(),
                        context_key(&passed),
                    ),
                    passed.to_vec(),
                ));
            } else {
                requests.push(shared.next()?.clone());
            }
        }
        requests.push(HopRequest::Decided(Rc::clone(trust)));
        let mut hop = edge.hop.clone();
        hop.to = String::from(to.clone());
        hop.summary = format!(
            "{} passes {} to {service} and runs code with its credentials",
            String::from(actor.clone()),
            String::from(to.clone())
        );
        Some((hop, requests))
    }

    /// The admin-equivalent roles of `set`, found once.
    fn admins_of<'s>(&self, set: &'s RoleSet) -> &'s [usize] {
        set.admins.get_or_init(|| {
            (set.members.iter().copied())
                .filter(|&i| {
                    (self.model.scenario.roles.get(i))
                        .is_some_and(|r| self.is_admin(&PrincipalRef::Role(r.name.clone())))
                })
                .collect()
        })
    }

    /// The one shared `RoleSet` of these members.
    fn role_set(&self, members: Vec<usize>) -> Rc<RoleSet> {
        let mut sets = self.memo.role_sets.borrow_mut();
        if let Some(hit) = sets.get(&members) {
            return Rc::clone(hit);
        }
        self.memo
            .role_set_units
            .set(self.memo.role_set_units.get() + 1 + members.len() / 16);
        let set = Rc::new(RoleSet {
            members: members.clone(),
            admins: std::cell::OnceCell::new(),
        });
        sets.insert(members, Rc::clone(&set));
        set
    }

    fn is_admin(&self, principal: &PrincipalRef) -> bool {
        if let Some(hit) = self.memo.admin.borrow().get(principal) {
            return *hit;
        }
        let admin = self.model.is_admin_equivalent(principal);
        self.memo
            .admin
            .borrow_mut()
            .insert(principal.clone(), admin);
        admin
    }

    /// Whether role `arn` trusts service `service` (the engine's decision on the service's
    /// `sts:AssumeRole`), remembered.
    fn trusts_service(&self, arn: &str, service: &str) -> Option<Rc<DecidedRequest>> {
        let key = (arn.to_string(), service.to_string());
        if let Some(hit) = self.memo.trusts.borrow().get(&key) {
            return hit.clone();
        }
        let caller = PrincipalRef::Other(service.to_string());
        // Most roles trust none of a path's services: the quick refusal first.
        let decided = if self.quick.denies(&caller, "sts:AssumeRole", arn, &[], "") {
            None
        } else {
            self.model
                .decided(&caller, "sts:AssumeRole", arn, &[])
                .filter(|d| d.decision == Decision::Allowed)
                .map(Rc::new)
        };
        self.memo.trusts.borrow_mut().insert(key, decided.clone());
        decided
    }

    /// The roles that trust one of `services` (the first such service for each), computed
    /// once per catalog path.
    fn trusting_roles(&self, path: &EscalationPath, services: &[String]) -> TrustingRoles {
        if let Some(hit) = self.memo.trusting.borrow().get(&path.id) {
            return Rc::clone(hit);
        }
        let mut out = Vec::new();
        for (index, arn) in self.memo.role_arns.iter().enumerate() {
            if let Some((service, trust)) = services
                .iter()
                .find_map(|s| self.trusts_service(arn, s).map(|t| (s.clone(), t)))
            {
                out.push((index, service, trust));
            }
        }
        let out = Rc::new(out);
        self.memo
            .trusting
            .borrow_mut()
            .insert(path.id.clone(), Rc::clone(&out));
        out
    }

    /// A hop of `path` from `from` to `to`, without the catalog path's title, description
    /// and references: the search keeps up to [`MAX_EDGES`] hops, and those texts (a few
    /// kilobytes a hop) made most of its memory on a real account (281 MiB at its peak for the
    /// L account of `cargo bench -p iam-engine --bench memory`). [`Search::shown_hop`] puts
    /// them in for the hops a path shows.
    fn hop(&self, path: &EscalationPath, from: &PrincipalRef, to: &PrincipalRef) -> Hop {
        Hop {
            from: String::from(from.clone()),
            to: String::from(to.clone()),
            summary: String::new(),
            path_id: path.id.clone(),
            title: String::new(),
            category: path.category,
            description: String::new(),
            references: Vec::new(),
            requests: Vec::new(),
            edit: None,
            after_edit: Vec::new(),
            reaches_admin: false,
        }
    }

    /// Whether a request the path needs on an IAM resource is refused to `actor` whatever the
    /// resource, so the path gives no hop out of it (every one of its requests must be
    /// allowed). The requests on IAM resources: every request of an edit, a takeover or a role
    /// assumption (on the actor, its policies and groups, the target user or role), and the
    /// passed role of a service path.
    fn never_allowed(&self, m: &PathModel, actor: &PrincipalRef) -> bool {
        let pass_role = matches!(m.kind, ModelKind::PassRoleToService { .. });
        m.hops.iter().any(|h| {
            (!pass_role || h.target == ActionTarget::PassedRole)
                && self.quick.never_allows(actor, &h.action)
        })
    }

    /// Every hop out of `actor`.
    fn edges(&self, actor: &PrincipalRef) -> Vec<Edge> {
        let mut out = Vec::new();
        let mut passable = PassMemo::new();
        for path in self.catalog.paths() {
            let Modelling::Modelled(m) = &path.modelling else {
                continue;
            };
            if analysis_leaves_out(m).is_some() || self.never_allowed(m, actor) {
                continue;
            }
            match &m.kind {
                ModelKind::SelfEdit => self.self_edit(path, m, actor, &mut out),
                ModelKind::CredentialTakeover => self.takeover(path, m, actor, &mut out),
                ModelKind::RoleAssumption => self.assumption(path, m, actor, &mut out),
                ModelKind::PassRoleToService { service_principals } => {
                    self.pass_role(path, m, service_principals, actor, &mut passable, &mut out)
                }
            }
        }
        out
    }

    fn self_edit(
        &self,
        path: &EscalationPath,
        m: &PathModel,
        actor: &PrincipalRef,
        out: &mut Vec<Edge>,
    ) {
        let scenario = self.model.scenario;
        let is_user = matches!(actor, PrincipalRef::User(_));
        let is_role = matches!(actor, PrincipalRef::Role(_));
        if (m.prerequisites.contains(&Prerequisite::ActorIsUser) && !is_user)
            || (m.prerequisites.contains(&Prerequisite::ActorIsRole) && !is_role)
            || !(is_user || is_role)
        {
            return;
        }
        let needs_policy = m
            .hops
            .iter()
            .any(|h| h.target == ActionTarget::AttachedPolicy);
        let joins = m
            .hops
            .iter()
            .any(|CatalogHop { action: a, .. }| a.eq_ignore_ascii_case("iam:AddUserToGroup"));
        let needs_group = m.hops.iter().any(|h| h.target == ActionTarget::Group);
        let policies: Vec<Option<String>> = if needs_policy {
            attached_customer_policies(scenario, actor)
                .into_iter()
                .map(Some)
                .collect()
        } else {
            vec![None]
        };
        let member_of = |g: &str| match actor {
            PrincipalRef::User(u) => scenario
                .user(u)
                .is_some_and(|u| u.groups.iter().any(|x| x.eq_ignore_ascii_case(g))),
            _ => false,
        };
        let groups: Vec<Option<String>> = if needs_group {
            scenario
                .groups
                .iter()
                .filter(|g| member_of(&g.name) != joins)
                .map(|g| Some(g.name.clone()))
                .collect()
        } else {
            vec![None]
        };
        for policy in &policies {
            for group in &groups {
                // Every hop must be allowed, each on its own resource.
                let requests: Option<Vec<HopRequest>> = m
                    .hops
                    .iter()
                    .map(|CatalogHop { action, target }| {
                        let resource = match target {
                            ActionTarget::Actor => principal_arn(scenario, actor),
                            ActionTarget::AttachedPolicy => scenario
                                .policy_arn(policy.as_deref().and_then(|p| scenario.policy(p))?),
                            ActionTarget::Group => group_arn(
                                scenario,
                                group.as_deref().and_then(|g| scenario.group(g))?,
                            ),
                            _ => return None,
                        };
                        self.allowed(actor, action, &resource, &[])
                    })
                    .collect();
                let Some(requests) = requests else {
                    continue;
                };
                let (edited, words) = edited(
                    scenario,
                    m,
                    actor,
                    actor,
                    policy.as_deref(),
                    group.as_deref(),
                );
                let after = self.model.with_scenario(&edited);
                if words.is_empty() || !after.is_admin_equivalent(actor) {
                    continue;
                }
                let mut hop = self.hop(path, actor, actor);
                hop.summary = format!(
                    "{} edits its own permissions: {}",
                    String::from(actor.clone()),
                    words.join("; ")
                );
                hop.edit = Some(words.join("; "));
                hop.reaches_admin = true;
                out.push(Edge {
                    to: Reach::One(actor.clone()),
                    hop,
                    requests,
                });
            }
        }
    }

    fn takeover(
        &self,
        path: &EscalationPath,
        m: &PathModel,
        actor: &PrincipalRef,
        out: &mut Vec<Edge>,
    ) {
        let scenario = self.model.scenario;
        let only_key = m.hops.len() == 1
            && m.hops
                .iter()
                .all(|CatalogHop { action: a, .. }| a.eq_ignore_ascii_case("iam:CreateAccessKey"));
        for (user, arn) in scenario.users.iter().zip(&self.memo.user_arns) {
            let target = PrincipalRef::User(user.name.clone());
            if &target == actor {
                continue;
            }
            // What IAM refuses whatever the policies: a second console password, a password
            // update for a user without one, a third access key.
            let refused = m.hops.iter().any(|CatalogHop { action: a, .. }| {
                (a.eq_ignore_ascii_case("iam:CreateLoginProfile") && user.login_profile.is_some())
                    || (a.eq_ignore_ascii_case("iam:UpdateLoginProfile")
                        && user.login_profile.is_none())
            }) || (only_key && user.access_keys.len() >= 2);
            if refused {
                continue;
            }
            let mut requests = Vec::new();
            let all = m.hops.iter().all(|CatalogHop { action, .. }| {
                self.allowed(actor, action, arn, &[])
                    .map(|d| requests.push(d))
                    .is_some()
            });
            if !all {
                continue;
            }
            let (edited, words) = edited(scenario, m, actor, &target, None, None);
            let mut hop = self.hop(path, actor, &target);
            hop.summary = format!(
                "{} takes over the credentials of {}",
                String::from(actor.clone()),
                String::from(target.clone())
            );
            if !words.is_empty() {
                if !self
                    .model
                    .with_scenario(&edited)
                    .is_admin_equivalent(&target)
                {
                    continue;
                }
                hop.edit = Some(words.join("; "));
                hop.reaches_admin = true;
            }
            out.push(Edge {
                to: Reach::One(target),
                hop,
                requests,
            });
        }
    }

    fn assumption(
        &self,
        path: &EscalationPath,
        m: &PathModel,
        actor: &PrincipalRef,
        out: &mut Vec<Edge>,
    ) {
        // AWS refuses role assumption with the root user's credentials.
        if *actor == PrincipalRef::Root {
            return;
        }
        let scenario = self.model.scenario;
        let rewrites_trust = m.hops.iter().any(|CatalogHop { action: a, .. }| {
            a.eq_ignore_ascii_case("iam:UpdateAssumeRolePolicy")
        });
        // A path that rewrites the trust policy may reach any role; one that assumes a role as
        // it is, only those whose trust policy may let the actor in.
        let roles: Vec<usize> = if rewrites_trust {
            (0..scenario.roles.len()).collect()
        } else {
            let mut index = self.memo.trust_index.borrow_mut();
            let index = index.get_or_insert_with(|| TrustIndex::of(scenario));
            index.candidates(&principal_arn(scenario, actor))
        };
        for i in roles {
            let (Some(role), Some(arn)) = (scenario.roles.get(i), self.memo.role_arns.get(i))
            else {
                continue;
            };
            let target = PrincipalRef::Role(role.name.clone());
            if &target == actor {
                continue;
            }
            let needs_policy = m
                .hops
                .iter()
                .any(|h| h.target == ActionTarget::AttachedPolicy);
            let policies: Vec<Option<String>> = if needs_policy {
                attached_customer_policies(scenario, &target)
                    .into_iter()
                    .map(Some)
                    .collect()
            } else {
                vec![None]
            };
            for policy in &policies {
                let requests: Option<Vec<HopRequest>> =
                    m.hops
                        .iter()
                        // With a rewritten trust policy the role is assumed on the edited copy.
                        .filter(|h| {
                            !(rewrites_trust && h.action.eq_ignore_ascii_case("sts:AssumeRole"))
                        })
                        .map(|CatalogHop { action, target: t }| {
                            let resource: Cow<'_, str> = match t {
                                ActionTarget::AttachedPolicy => Cow::Owned(scenario.policy_arn(
                                    policy.as_deref().and_then(|p| scenario.policy(p))?,
                                )),
                                _ => Cow::Borrowed(arn),
                            };
                            self.allowed(actor, action, &resource, &[])
                        })
                        .collect();
                let Some(requests) = requests else {
                    continue;
                };
                let (edited, words) = edited(scenario, m, actor, &target, policy.as_deref(), None);
                let after = self.model.with_scenario(&edited);
                let mut hop = self.hop(path, actor, &target);
                if rewrites_trust {
                    // The actor assumes the role through the trust policy it wrote.
                    match after
                        .decided(actor, "sts:AssumeRole", arn, &[])
                        .filter(|d| d.decision == Decision::Allowed)
                    {
                        Some(d) => hop.after_edit.push(d),
                        None => continue,
                    }
                }
                let edits_permissions = m.hops.iter().any(|CatalogHop { action: a, .. }| {
                    let a = a.to_ascii_lowercase();
                    a != "iam:updateassumerolepolicy" && a != "sts:assumerole"
                });
                if edits_permissions {
                    if !after.is_admin_equivalent(&target) {
                        continue;
                    }
                    hop.reaches_admin = true;
                }
                hop.summary = format!(
                    "{} assumes {}",
                    String::from(actor.clone()),
                    String::from(target.clone())
                );
                if !words.is_empty() {
                    hop.edit = Some(words.join("; "));
                }
                out.push(Edge {
                    to: Reach::One(target.clone()),
                    hop,
                    requests,
                });
            }
        }
    }

    fn pass_role(
        &self,
        path: &EscalationPath,
        m: &PathModel,
        services: &[String],
        actor: &PrincipalRef,
        passable: &mut PassMemo,
        out: &mut Vec<Edge>,
    ) {
        let trusting = self.trusting_roles(path, services);
        if trusting.is_empty() {
            return;
        }
        // The service's actions, on some resource the actor could name: the same whatever
        // role is passed, so asked once.
        let mut candidates: Option<Vec<String>> = None;
        let shared: Option<Vec<HopRequest>> = m
            .hops
            .iter()
            .filter(|h| h.target != ActionTarget::PassedRole)
            .map(|CatalogHop { action, .. }| {
                let resources =
                    candidates.get_or_insert_with(|| candidate_resources(&self.model, actor));
                resources
                    .iter()
                    .filter(|r| resource_fits(r, action))
                    .find_map(|r| self.allowed(actor, action, r, &[]))
            })
            .collect();
        let Some(shared) = shared else {
            return;
        };
        // Every role the actor may pass to the service that it trusts (each decision asked
        // once for all the paths of one service).
        let pass_actions: Vec<&String> = (m.hops.iter())
            .filter(|h| h.target == ActionTarget::PassedRole)
            .map(|h| &h.action)
            .collect();
        let roles = self.model.scenario.roles.len();
        let mut members = Vec::new();
        for (index, service, _) in trusting.iter() {
            // The actor's own role stays in the set (sets are shared between actors): the
            // search never goes back to a principal it has reached.
            let Some(arn) = self.memo.role_arns.get(*index) else {
                continue;
            };
            let all = pass_actions.iter().all(|action| {
                let (passed, key, known) = passable
                    .entry(((*action).clone(), service.clone()))
                    .or_insert_with(|| {
                        let passed = passed_to(service);
                        let key = context_key(&passed);
                        (passed, key, vec![None; roles])
                    });
                match known.get(*index).copied().flatten() {
                    Some(allowed) => allowed,
                    None => {
                        let allowed = self
                            .allowed_keyed(actor, action, arn, &passed[..], key.clone())
                            .is_some();
                        if let Some(slot) = known.get_mut(*index) {
                            *slot = Some(allowed);
                        }
                        allowed
                    }
                }
            });
            if all {
                members.push(*index);
            }
        }
        if members.is_empty() {
            return;
        }
        out.push(Edge {
            to: Reach::Roles {
                actor: actor.clone(),
                set: self.role_set(members),
            },
            hop: self.hop(path, actor, actor),
            requests: shared,
        });
    }
}

/// How the decision memo names a request's context.
fn context_key(context: &[ContextValue]) -> String {
    context
        .iter()
        .map(|c| format!("{}={}", c.key, c.values.join(",")))
        .collect::<Vec<_>>()
        .join(";")
}

/// The context of a request that passes a role to `service`.
fn passed_to(service: &str) -> [ContextValue; 1] {
    [ContextValue {
        key: "iam:PassedToService".to_string(),
        ty: ContextKeyType::String,
        values: vec![service.to_string()],
    }]
}

/// The customer-managed policies attached to a principal (a user directly or through its
/// groups; a role), by name, each once.
fn attached_customer_policies(scenario: &Scenario, principal: &PrincipalRef) -> Vec<String> {
    let mut refs: Vec<&PolicyRef> = Vec::new();
    match principal {
        PrincipalRef::User(name) => {
            if let Some(u) = scenario.user(name) {
                refs.extend(&u.managed_policies);
                for g in u.groups.iter().filter_map(|g| scenario.group(g)) {
                    refs.extend(&g.managed_policies);
                }
            }
        }
        PrincipalRef::Role(name) => {
            if let Some(r) = scenario.role(name) {
                refs.extend(&r.managed_policies);
            }
        }
        _ => {}
    }
    let mut out: Vec<String> = Vec::new();
    for r in refs {
        if let PolicyRef::Customer(n) = r
            && !out.contains(n)
        {
            out.push(n.clone());
        }
    }
    out
}

/// The identity-policy texts of a principal.
fn identity_documents(model: &Model<'_>, principal: &PrincipalRef) -> Vec<String> {
    let scenario = model.scenario;
    let mut out = Vec::new();
    let managed = |r: &PolicyRef, out: &mut Vec<String>| match r {
        PolicyRef::Customer(n) => {
            if let Some(p) = scenario.policy(n) {
                out.push(p.document.clone());
            }
        }
        PolicyRef::Aws(arn) => {
            if let Some(p) = model.managed.and_then(|m| m.get(arn)) {
                out.push(p.document.to_string());
            }
        }
    };
    match principal {
        PrincipalRef::User(name) => {
            if let Some(u) = scenario.user(name) {
                out.extend(u.inline_policies.iter().map(|p| p.document.clone()));
                u.managed_policies.iter().for_each(|r| managed(r, &mut out));
                for g in u.groups.iter().filter_map(|g| scenario.group(g)) {
                    out.extend(g.inline_policies.iter().map(|p| p.document.clone()));
                    g.managed_policies.iter().for_each(|r| managed(r, &mut out));
                }
            }
        }
        PrincipalRef::Role(name) => {
            if let Some(r) = scenario.role(name) {
                out.extend(r.inline_policies.iter().map(|p| p.document.clone()));
                r.managed_policies.iter().for_each(|p| managed(p, &mut out));
            }
        }
        PrincipalRef::Other(arn) => {
            if let Some(e) = scenario.external_principals.iter().find(|e| &e.arn == arn) {
                out.extend(e.policies.iter().map(|p| p.document.clone()));
            }
        }
        PrincipalRef::Root => {}
    }
    out
}

/// How many resources of the actor's policies a service hop tries at most.
const MAX_CANDIDATE_RESOURCES: usize = 32;

/// The resources a service hop tries: each `Resource` of the actor's Allow statements made
/// concrete (a wildcard or a policy variable becomes a name the actor could choose), then `*`.
/// The actor chooses the new resource's name, so any name its policies allow will do; the
/// engine decides each try.
fn candidate_resources(model: &Model<'_>, actor: &PrincipalRef) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for doc in identity_documents(model, actor) {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&doc) else {
            continue;
        };
        let statements = match value.get("Statement") {
            Some(serde_json::Value::Array(list)) => list.clone(),
            Some(one) => vec![one.clone()],
            None => Vec::new(),
        };
        for s in statements {
            if s.get("Effect").and_then(|e| e.as_str()) != Some("Allow") {
                continue;
            }
            let resources: Vec<String> = match s.get("Resource") {
                Some(serde_json::Value::String(r)) => vec![r.clone()],
                Some(serde_json::Value::Array(list)) => list
                    .iter()
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            for r in resources {
                if r == "*" {
                    continue;
                }
                let concrete = concretize(&r);
                if !out.contains(&concrete) && out.len() < MAX_CANDIDATE_RESOURCES {
                    out.push(concrete);
                }
            }
        }
    }
    out.push("*".to_string());
    out
}

/// A resource pattern made concrete: each policy variable and `*` becomes `escalation`, each
/// `?` becomes `x`.
fn concretize(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("${")
            && let Some(end) = rest.find('}')
        {
            out.push_str("escalation");
            rest = rest.get(end + 1..).unwrap_or("");
            continue;
        }
        match c {
            '*' => out.push_str("escalation"),
            '?' => out.push('x'),
            other => out.push(other),
        }
        rest = rest.get(c.len_utf8()..).unwrap_or("");
    }
    out
}

/// Whether a candidate resource can be one of the action's service (`*`, or an ARN of the
/// action's service).
fn resource_fits(resource: &str, action: &str) -> bool {
    if resource == "*" {
        return true;
    }
    let service = action.split(':').next().unwrap_or("");
    resource
        .split(':')
        .nth(2)
        .is_some_and(|s| s.eq_ignore_ascii_case(service))
}

/// The scenario after the edits of the path's hops (`actor` editing `subject`, with the
/// policy or group they name) and the edits in words. A path none of whose actions edits
/// anything (a credential takeover, a role assumption) leaves the scenario as it is, uncopied:
/// a copy of a real account's scenario for every hop was most of the search's time.
fn edited<'s>(
    scenario: &'s Scenario,
    m: &PathModel,
    actor: &PrincipalRef,
    subject: &PrincipalRef,
    policy: Option<&str>,
    group: Option<&str>,
) -> (Cow<'s, Scenario>, Vec<String>) {
    if !m.hops.iter().any(|h| Edit::of(&h.action).is_some()) {
        return (Cow::Borrowed(scenario), Vec::new());
    }
    let mut edited = scoped(scenario, &[actor, subject], policy, group);
    let words = (m.hops.iter())
        .filter_map(|CatalogHop { action, .. }| {
            apply_edit(&mut edited, action, actor, subject, policy, group)
        })
        .collect();
    (Cow::Owned(edited), words)
}

/// A copy of the scenario with only what decides the requests of `keep` (users and roles)
/// and of an edit naming `policy` or `group`: those principals, their groups and the
/// customer-managed policies any of them has, with the account, organization, resources and
/// external principals. What the search asks of an edited copy (whether a kept principal is
/// admin-equivalent, may assume a kept role) reads nothing else, and a real account's
/// thousands of roles and policies were copied for every edit.
fn scoped(
    scenario: &Scenario,
    keep: &[&PrincipalRef],
    policy: Option<&str>,
    group: Option<&str>,
) -> Scenario {
    let user = |name: &str| (keep.iter()).any(|k| matches!(k, PrincipalRef::User(n) if n == name));
    let role = |name: &str| (keep.iter()).any(|k| matches!(k, PrincipalRef::Role(n) if n == name));
    let users: Vec<_> = (scenario.users.iter())
        .filter(|u| user(&u.name))
        .cloned()
        .collect();
    let roles: Vec<_> = (scenario.roles.iter())
        .filter(|r| role(&r.name))
        .cloned()
        .collect();
    let in_group = |name: &str| {
        group.is_some_and(|g| g.eq_ignore_ascii_case(name))
            || (users.iter()).any(|u| u.groups.iter().any(|g| g.eq_ignore_ascii_case(name)))
    };
    let groups: Vec<_> = (scenario.groups.iter())
        .filter(|g| in_group(&g.name))
        .cloned()
        .collect();
    let mut named: Vec<&str> = policy.into_iter().collect();
    let refs = (users.iter())
        .flat_map(|u| u.managed_policies.iter().chain(&u.permissions_boundary))
        .chain(
            (roles.iter()).flat_map(|r| r.managed_policies.iter().chain(&r.permissions_boundary)),
        )
        .chain(groups.iter().flat_map(|g| g.managed_policies.iter()));
    for r in refs {
        if let PolicyRef::Customer(name) = r {
            named.push(name);
        }
    }
    let policies = (scenario.policies.iter())
        .filter(|p| named.iter().any(|n| n.eq_ignore_ascii_case(&p.name)))
        .cloned()
        .collect();
    Scenario {
        format_version: scenario.format_version,
        title: String::new(),
        description: String::new(),
        account: scenario.account.clone(),
        organization: scenario.organization.clone(),
        root_user: scenario.root_user,
        users,
        groups,
        roles,
        policies,
        resources: scenario.resources.clone(),
        external_principals: scenario.external_principals.clone(),
        tests: Vec::new(),
    }
}

/// An edit the search applies to a copy of the scenario, by the action that makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
    NewPolicyVersion,
    /// An inline policy put on, or a managed policy attached to, a user or role.
    PrincipalPolicy {
        attach: bool,
    },
    GroupPolicy,
    JoinGroup,
    RewriteTrust,
}

impl Edit {
    /// The edit `action` makes, if any.
    fn of(action: &str) -> Option<Edit> {
        Some(match action.to_ascii_lowercase().as_str() {
            "iam:createpolicyversion" => Edit::NewPolicyVersion,
            "iam:putuserpolicy" | "iam:putrolepolicy" => Edit::PrincipalPolicy { attach: false },
            "iam:attachuserpolicy" | "iam:attachrolepolicy" => {
                Edit::PrincipalPolicy { attach: true }
            }
            "iam:putgrouppolicy" | "iam:attachgrouppolicy" => Edit::GroupPolicy,
            "iam:addusertogroup" => Edit::JoinGroup,
            "iam:updateassumerolepolicy" => Edit::RewriteTrust,
            _ => return None,
        })
    }
}

/// Applies the edit `action` makes (by `actor`, to `subject`) to the scenario copy; returns it
/// in words, or `None` when the action edits nothing.
fn apply_edit(
    scenario: &mut Scenario,
    action: &str,
    actor: &PrincipalRef,
    subject: &PrincipalRef,
    policy: Option<&str>,
    group: Option<&str>,
) -> Option<String> {
    let admin = || InlinePolicy {
        name: EDIT_POLICY_NAME.to_string(),
        document: ADMIN_DOCUMENT.to_string(),
    };
    let subject_text = String::from(subject.clone());
    match Edit::of(action)? {
        Edit::NewPolicyVersion => {
            let name = policy?;
            let p = scenario
                .policies
                .iter_mut()
                .find(|p| p.name.eq_ignore_ascii_case(name))?;
            p.document = ADMIN_DOCUMENT.to_string();
            Some(format!(
                "creates a new default version of policy {name} that allows everything"
            ))
        }
        Edit::PrincipalPolicy { attach } => {
            match subject {
                PrincipalRef::User(n) => scenario
                    .users
                    .iter_mut()
                    .find(|u| u.name.eq_ignore_ascii_case(n))?
                    .inline_policies
                    .push(admin()),
                PrincipalRef::Role(n) => scenario
                    .roles
                    .iter_mut()
                    .find(|r| r.name.eq_ignore_ascii_case(n))?
                    .inline_policies
                    .push(admin()),
                _ => return None,
            }
            Some(if attach {
                format!(
                    "attaches a policy that allows everything (such as AdministratorAccess) to {subject_text}"
                )
            } else {
                format!("puts an inline policy that allows everything on {subject_text}")
            })
        }
        Edit::GroupPolicy => {
            let name = group?;
            scenario
                .groups
                .iter_mut()
                .find(|g| g.name.eq_ignore_ascii_case(name))?
                .inline_policies
                .push(admin());
            Some(format!(
                "gives its group {name} a policy that allows everything"
            ))
        }
        Edit::JoinGroup => {
            let name = group?;
            let PrincipalRef::User(user) = subject else {
                return None;
            };
            scenario
                .users
                .iter_mut()
                .find(|u| u.name.eq_ignore_ascii_case(user))?
                .groups
                .push(name.to_string());
            Some(format!("adds {subject_text} to group {name}"))
        }
        Edit::RewriteTrust => {
            let PrincipalRef::Role(role) = subject else {
                return None;
            };
            let arn = principal_arn(scenario, actor);
            let trust = serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "sts:AssumeRole"}]
            })
            .to_string();
            scenario
                .roles
                .iter_mut()
                .find(|r| r.name.eq_ignore_ascii_case(role))?
                .trust_policy = trust;
            Some(format!(
                "rewrites the trust policy of {subject_text} to trust {arn}"
            ))
        }
    }
}

/// The actions the catalog's modelled paths request (the IAM ones are decided in bulk).
fn iam_actions(catalog: &EscalationCatalog) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for path in catalog.paths() {
        if let Modelling::Modelled(m) = &path.modelling {
            for h in &m.hops {
                if !out.contains(&h.action) {
                    out.push(h.action.clone());
                }
            }
        }
    }
    out
}

/// Finds every path to admin-equivalent access in the scenario (see the module docs).
pub fn escalation_paths(model: &Model<'_>, catalog: &EscalationCatalog) -> EscalationReport {
    escalation_paths_within(model, catalog, SearchBudget::default())
}

/// How much the escalation search may keep before it stops (see [`MAX_EDGES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchBudget {
    /// The most hops kept.
    pub edges: usize,
    /// The most decisions remembered.
    pub decisions: usize,
    /// The most requests asked (see [`MAX_REQUESTS`]).
    pub requests: usize,
}

impl Default for SearchBudget {
    fn default() -> SearchBudget {
        SearchBudget {
            edges: MAX_EDGES,
            decisions: MAX_DECISIONS,
            requests: MAX_REQUESTS,
        }
    }
}

/// [`escalation_paths`] within `budget`.
pub fn escalation_paths_within(
    model: &Model<'_>,
    catalog: &EscalationCatalog,
    budget: SearchBudget,
) -> EscalationReport {
    let mut search = EscalationSearch::new(model, catalog, budget);
    while !search.step(model, catalog, usize::MAX, || true) {}
    search.into_report()
}

/// The escalation search in steps: the analysis worker runs one step at a time, and between
/// steps says how far it got and answers other messages (a cancellation among them). A
/// real account's search is seconds long: on the L account of 6,001 principals, 7 s natively.
/// The steps give exactly the report of [`escalation_paths_within`].
pub struct EscalationSearch {
    memo: Memo,
    budget: SearchBudget,
    /// The principals the search starts from, in order.
    starts: Vec<PrincipalRef>,
    /// The next of them to search from.
    next: usize,
    /// The search from `starts[next]` under way.
    bfs: Option<Bfs>,
    /// Each principal's hops, worked out once.
    edges: HashMap<PrincipalRef, Rc<Vec<Edge>>>,
    edges_kept: usize,
    /// The report so far.
    report: EscalationReport,
    done: bool,
}

/// A breadth-first search from one principal, under way.
struct Bfs {
    start: PrincipalRef,
    /// Each principal reached, with the hop that first reached it, so a path is put together
    /// only when it is found.
    parent: HashMap<PrincipalRef, Option<Reached>>,
    queue: VecDeque<PrincipalRef>,
    /// The sets of roles this search has gone through.
    met: HashSet<*const RoleSet>,
    /// The paths found so far (listed or not).
    found: usize,
}

impl std::fmt::Debug for EscalationSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EscalationSearch")
            .field("searched", &self.next)
            .field("total", &self.starts.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl EscalationSearch {
    /// A search of `model`'s scenario over `catalog`'s paths, not started.
    pub fn new(
        model: &Model<'_>,
        catalog: &EscalationCatalog,
        budget: SearchBudget,
    ) -> EscalationSearch {
        let mut left_out = Vec::new();
        let mut modelled = 0;
        for path in catalog.paths() {
            match &path.modelling {
                Modelling::Modelled(m) => match analysis_leaves_out(m) {
                    Some(reason) => left_out.push(LeftOut {
                        id: path.id.clone(),
                        reason: reason.to_string(),
                    }),
                    None => modelled += 1,
                },
                Modelling::Unmodelled { reason } => left_out.push(LeftOut {
                    id: path.id.clone(),
                    reason: reason.clone(),
                }),
            }
        }
        let starts: Vec<PrincipalRef> = known_principals(model.scenario)
            .into_iter()
            .filter(|(_, k)| {
                matches!(
                    k,
                    PrincipalKind::Root
                        | PrincipalKind::User
                        | PrincipalKind::Role
                        | PrincipalKind::External
                )
            })
            .map(|(p, _)| p)
            .collect();
        EscalationSearch {
            memo: Memo {
                decisions: RefCell::new(HashMap::new()),
                shown: RefCell::new(HashMap::new()),
                trusts: RefCell::new(HashMap::new()),
                trusting: RefCell::new(HashMap::new()),
                admin: RefCell::new(HashMap::new()),
                user_arns: (model.scenario.users.iter())
                    .map(|u| model.scenario.user_arn(u))
                    .collect(),
                role_arns: (model.scenario.roles.iter())
                    .map(|r| model.scenario.role_arn(r))
                    .collect(),
                trust_index: RefCell::new(None),
                role_sets: RefCell::new(HashMap::new()),
                role_set_units: std::cell::Cell::new(0),
                asked: std::cell::Cell::new(0),
            },
            budget,
            report: EscalationReport {
                admin_equivalent: Vec::new(),
                principals_considered: starts.len(),
                paths: Vec::new(),
                unlisted_paths: 0,
                principals_with_paths: 0,
                searched_only: None,
                catalog_paths: catalog.paths().len(),
                modelled_paths: modelled,
                left_out,
            },
            starts,
            next: 0,
            bfs: None,
            edges: HashMap::new(),
            edges_kept: 0,
            done: false,
        }
    }

    /// How many principals the search has searched from (of [`EscalationSearch::total`]).
    pub fn searched(&self) -> usize {
        self.next
    }

    /// How many principals the search starts from.
    pub fn total(&self) -> usize {
        self.starts.len()
    }

    /// How many principals found so far have a path to admin.
    pub fn principals_with_paths(&self) -> usize {
        self.report.principals_with_paths
    }

    /// Whether the search is over (searched from every principal, or stopped at its budget).
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The report (complete once [`EscalationSearch::is_done`]).
    pub fn into_report(self) -> EscalationReport {
        self.report
    }

    fn over_budget(&self) -> bool {
        self.edges_kept + self.memo.role_set_units.get() > self.budget.edges
            || self.memo.decisions.borrow().len() > self.budget.decisions
            || self.memo.asked.get() > self.budget.requests
    }

    /// Searches on in slices of about `work` units (a request asked of the engine, a
    /// principal or a hop gone through; at least one), asking `more()` after each whether to
    /// go on; `model` and `catalog` must be those of [`EscalationSearch::new`]. Returns
    /// whether the search is over. The decider the slices share (it indexes the scenario) is
    /// made once per step.
    pub fn step(
        &mut self,
        model: &Model<'_>,
        catalog: &EscalationCatalog,
        work: usize,
        mut more: impl FnMut() -> bool,
    ) -> bool {
        if self.done {
            return true;
        }
        let search = Search {
            model: *model,
            catalog,
            quick: QuickDecider::new(*model).with_iam_actions(&iam_actions(catalog)),
            memo: &self.memo,
        };
        let mut begun = self.memo.asked.get();
        let mut gone = 0usize;
        loop {
            if self.bfs.is_none() && self.next >= self.starts.len() {
                self.done = true;
                return true;
            }
            if gone > 0 && (self.memo.asked.get() - begun).saturating_add(gone) >= work {
                if !more() {
                    return false;
                }
                begun = self.memo.asked.get();
                gone = 0;
            }
            gone += 1;
            let Some(mut bfs) = self.bfs.take() else {
                let Some(start) = self.starts.get(self.next).cloned() else {
                    continue;
                };
                if self.over_budget() {
                    self.report.searched_only = Some(self.next);
                    self.done = true;
                    return true;
                }
                if search.is_admin(&start) {
                    self.report.admin_equivalent.push(String::from(start));
                    self.next += 1;
                    continue;
                }
                self.bfs = Some(Bfs {
                    parent: HashMap::from([(start.clone(), None)]),
                    queue: VecDeque::from([start.clone()]),
                    start,
                    met: HashSet::new(),
                    found: 0,
                });
                continue;
            };
            // Breadth-first, so the paths come shortest first: the first ones are listed.
            let node = match bfs.queue.pop_front() {
                Some(node) if !self.over_budget() => node,
                _ => {
                    if bfs.found > 0 {
                        self.report.principals_with_paths += 1;
                    }
                    self.next += 1;
                    continue;
                }
            };
            let out = match self.edges.get(&node) {
                Some(out) => Rc::clone(out),
                None => {
                    let made = search.edges(&node);
                    self.edges_kept += made.len();
                    let made = Rc::new(made);
                    self.edges.insert(node.clone(), Rc::clone(&made));
                    made
                }
            };
            for (index, edge) in out.iter().enumerate() {
                // Where the hop leads, and whether each end is admin-equivalent: a set of roles
                // whole the first time this search meets it, after that only its
                // admin-equivalent roles (every other one has been reached already).
                let ends: Vec<(PrincipalRef, bool)> = match &edge.to {
                    Reach::One(to) => {
                        vec![(to.clone(), edge.hop.reaches_admin || search.is_admin(to))]
                    }
                    Reach::Roles { set, .. } => {
                        let admins = search.admins_of(set);
                        let role = |i: usize| {
                            let name = model.scenario.roles.get(i).map(|r| r.name.clone());
                            PrincipalRef::Role(name.unwrap_or_default())
                        };
                        if bfs.met.insert(Rc::as_ptr(set)) {
                            (set.members.iter())
                                .map(|&i| (role(i), admins.binary_search(&i).is_ok()))
                                .collect()
                        } else {
                            admins.iter().map(|&i| (role(i), true)).collect()
                        }
                    }
                };
                gone += ends.len();
                for (target, ends) in ends {
                    let listed =
                        bfs.found < MAX_PATHS_PER_PRINCIPAL && self.report.paths.len() < MAX_PATHS;
                    if ends && !listed {
                        bfs.found += 1;
                        self.report.unlisted_paths += 1;
                    } else if ends {
                        bfs.found += 1;
                        let mut hops = vec![Hop {
                            reaches_admin: true,
                            ..search.shown_hop(edge, &target)
                        }];
                        let mut at = node.clone();
                        while let Some(Some((from, list, i))) = bfs.parent.get(&at) {
                            if let Some(e) = list.get(*i) {
                                hops.push(search.shown_hop(e, &at));
                            }
                            at = from.clone();
                        }
                        hops.reverse();
                        self.report.paths.push(FoundPath {
                            principal: String::from(bfs.start.clone()),
                            hops,
                        });
                    } else if !bfs.parent.contains_key(&target) {
                        bfs.parent
                            .insert(target.clone(), Some((node.clone(), Rc::clone(&out), index)));
                        bfs.queue.push_back(target);
                    }
                }
            }
            self.bfs = Some(bfs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concrete_resources_replace_wildcards_and_variables() {
        assert_eq!(
            concretize("arn:aws:lambda:us-east-1:111122223333:function:app-*"),
            "arn:aws:lambda:us-east-1:111122223333:function:app-escalation"
        );
        assert_eq!(
            concretize("arn:aws:s3:::b/${aws:username}/?"),
            "arn:aws:s3:::b/escalation/x"
        );
        assert!(resource_fits(
            "arn:aws:lambda:r:a:function:x",
            "lambda:CreateFunction"
        ));
        assert!(!resource_fits("arn:aws:s3:::b", "lambda:CreateFunction"));
        assert!(resource_fits("*", "lambda:CreateFunction"));
    }
}
