//! The workspace canvas: the account as lanes of cards (users, groups, roles, customer-managed
//! policies, the AWS-managed policies in use, resources) with the root user and the
//! organization above them, and an SVG layer drawing membership and attachment links between
//! the cards. The lines are measured from the laid-out cards, so they follow any layout the
//! stylesheet chooses; on phones the stylesheet hides them and the cards' chips say the same.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::scenario::{
    EditError, Group, ManagedPolicy, PolicyRef, Resource, ResourceKind, Role, Scenario, User,
};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

use super::cards::Card;
use super::links::{CardKey, Link, LinkKind, Rect, aws_in_use, curve, links};
use super::picker::{PickOption, Picker};
use crate::data::Loadable;
use crate::store::{Action, Selection, StoreHandle, View, edit, use_store};

/// What the cards share with the canvas: the drag in progress, the card under the pointer or
/// focus (whose links are highlighted), the links, and a place for status messages.
#[derive(Clone, PartialEq)]
pub struct CanvasCtx {
    /// The card being dragged, if any.
    pub dragging: Option<CardKey>,
    /// Starts (`Some`) or ends (`None`) a drag.
    pub on_drag: Callback<Option<CardKey>>,
    /// A card (first) was dropped onto another (second).
    pub on_drop: Callback<(CardKey, CardKey)>,
    /// Highlights a card's links (`None` clears).
    pub on_active: Callback<Option<CardKey>>,
    /// Every link of the scenario.
    pub links: Rc<Vec<Link>>,
    /// Says something in the canvas's status line (read out politely by screen readers).
    pub announce: Callback<String>,
    /// Takes an unattached AWS-managed policy off the canvas.
    pub unpin: Callback<String>,
}

impl CanvasCtx {
    /// Whether dropping `source` onto `target` would do something: a user onto a group it is
    /// not in (or the reverse), a policy onto a user, group or role it is not attached to.
    pub fn accepts(&self, source: &CardKey, target: &CardKey) -> bool {
        let (from, to, kind) = match (source, target) {
            (CardKey::User(_), CardKey::Group(_)) => (source, target, LinkKind::Member),
            (CardKey::Group(_), CardKey::User(_)) => (target, source, LinkKind::Member),
            (CardKey::Policy(_) | CardKey::Aws(_), CardKey::User(_) | CardKey::Group(_))
            | (CardKey::Policy(_) | CardKey::Aws(_), CardKey::Role(_)) => {
                (source, target, LinkKind::Attached)
            }
            _ => return false,
        };
        !self
            .links
            .iter()
            .any(|l| l.kind == kind && &l.from == from && &l.to == to)
    }
}

/// The canvas's callbacks, made once (see [`Canvas`]).
struct Handles {
    on_drag: Callback<Option<CardKey>>,
    on_drop: Callback<(CardKey, CardKey)>,
    on_active: Callback<Option<CardKey>>,
    unpin: Callback<String>,
    announce: Callback<String>,
}

/// The lanes of the canvas, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// IAM users.
    Users,
    /// IAM groups.
    Groups,
    /// IAM roles.
    Roles,
    /// Customer-managed policies.
    Policies,
    /// AWS-managed policies in use.
    Aws,
    /// Resources with resource-based policies.
    Resources,
}

impl Lane {
    const ALL: [Lane; 6] = [
        Lane::Users,
        Lane::Groups,
        Lane::Roles,
        Lane::Policies,
        Lane::Aws,
        Lane::Resources,
    ];

    /// The stable name used in classes, ids and `data-lane`.
    pub fn id(self) -> &'static str {
        match self {
            Lane::Users => "users",
            Lane::Groups => "groups",
            Lane::Roles => "roles",
            Lane::Policies => "policies",
            Lane::Aws => "aws",
            Lane::Resources => "resources",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Lane::Users => "Users",
            Lane::Groups => "Groups",
            Lane::Roles => "Roles",
            Lane::Policies => "Customer-managed policies",
            Lane::Aws => "AWS-managed policies",
            Lane::Resources => "Resources",
        }
    }

    /// The singular noun for buttons and messages ("Add user").
    fn noun(self) -> &'static str {
        match self {
            Lane::Users => "user",
            Lane::Groups => "group",
            Lane::Roles => "role",
            Lane::Policies => "policy",
            Lane::Aws => "AWS-managed policy",
            Lane::Resources => "resource",
        }
    }

    /// The word in the add button's `data-action` ("add-user").
    fn action(self) -> &'static str {
        match self {
            Lane::Users => "user",
            Lane::Groups => "group",
            Lane::Roles => "role",
            Lane::Policies => "policy",
            Lane::Aws => "aws-policy",
            Lane::Resources => "resource",
        }
    }

    fn empty_text(self) -> &'static str {
        match self {
            Lane::Users => "No users yet. People and programs sign in as users.",
            Lane::Groups => "No groups yet. Groups give their members the same policies.",
            Lane::Roles => "No roles yet. Roles are assumed for temporary credentials.",
            Lane::Policies => "No policies of your own yet.",
            Lane::Aws => {
                "None attached. Find one by name, then drag it onto a user, group or role, \
                 or use a card's Attach policy… button."
            }
            Lane::Resources => {
                "No resources. Add an S3 bucket, SQS queue, SNS topic or KMS key to give it a resource-based policy."
            }
        }
    }
}

/// The trust policy a new role starts with: only principals of this same account may assume
/// it, the narrowest trust that still lets the role be tried in the simulator.
pub fn starter_trust_policy(account_id: &str) -> String {
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Principal\": {{ \"AWS\": \"arn:aws:iam::{account_id}:root\" }},\n      \"Action\": \"sts:AssumeRole\"\n    }}\n  ]\n}}"
    )
}

/// The document a new customer-managed policy starts with: one harmless read-only statement to
/// edit, since AWS refuses a policy without statements.
pub const STARTER_POLICY: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:ListAllMyBuckets\",\n      \"Resource\": \"*\"\n    }\n  ]\n}";

/// AWS-managed policies offered before the user types anything: the ones the seed guides use
/// most (name, path).
const SUGGESTED_AWS: [(&str, &str); 6] = [
    ("AdministratorAccess", "/"),
    ("IAMUserChangePassword", "/"),
    ("ReadOnlyAccess", "/"),
    ("PowerUserAccess", "/"),
    ("ViewOnlyAccess", "/job-function/"),
    ("SecurityAudit", "/"),
];

/// How many options a picker lists at most.
const PICK_LIMIT: usize = 30;

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .to_ascii_lowercase()
        .contains(&needle.trim().to_ascii_lowercase())
}

/// The AWS-managed policies a picker offers for `query`, leaving out those in `exclude`. While
/// the list of AWS-managed policies is loading (or failed), the typed name itself is offered,
/// unchecked, so attaching never waits for the download.
pub fn aws_options(
    managed: &Loadable<ManagedPolicies>,
    query: &str,
    exclude: &[PolicyRef],
    in_use: &[String],
) -> Vec<PickOption> {
    let q = query.trim();
    let excluded = |arn: &str| {
        exclude
            .iter()
            .any(|r| r.same(&PolicyRef::Aws(arn.to_owned())))
    };
    let mut out: Vec<PickOption> = Vec::new();
    let mut push = |arn: String, hint: String| {
        if !excluded(&arn) && !out.iter().any(|o| o.value == arn) {
            let label = arn.rsplit('/').next().unwrap_or(&arn).to_owned();
            out.push(PickOption {
                value: arn,
                label,
                hint,
            });
        }
    };
    let hint = |path: &str| {
        if path == "/" {
            "AWS managed".to_owned()
        } else {
            format!("AWS managed, {path}")
        }
    };
    match managed {
        Loadable::Ready(list) => {
            if q.is_empty() {
                for arn in in_use {
                    push(arn.clone(), "AWS managed, in use".to_owned());
                }
                for (name, _) in SUGGESTED_AWS {
                    if let Some(p) = list.get(name) {
                        push(p.arn.to_owned(), hint(p.path));
                    }
                }
            } else {
                for p in list.search(q, PICK_LIMIT) {
                    push(p.arn.to_owned(), hint(p.path));
                }
            }
        }
        Loadable::Loading | Loadable::Failed(_) => {
            let note = if matches!(managed, Loadable::Loading) {
                "AWS managed; name not checked while the list loads"
            } else {
                "AWS managed; name not checked (the list could not be loaded)"
            };
            for arn in in_use {
                if contains_ignore_case(arn.rsplit('/').next().unwrap_or(arn), q) {
                    push(arn.clone(), "AWS managed, in use".to_owned());
                }
            }
            for (name, path) in SUGGESTED_AWS {
                if contains_ignore_case(name, q) {
                    let reference =
                        PolicyRef::aws(&format!("{}{name}", path.trim_start_matches('/')));
                    push(reference.as_str().to_owned(), hint(path));
                }
            }
            let typed_ok = !q.is_empty()
                && q.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b));
            if typed_ok {
                push(PolicyRef::aws(q).as_str().to_owned(), note.to_owned());
            }
        }
    }
    out.truncate(PICK_LIMIT);
    out
}

/// The managed policies a picker offers to attach to an identity: the scenario's own
/// customer-managed policies first, then AWS-managed ones; `attached` are left out.
pub fn policy_options(
    scenario: &Scenario,
    managed: &Loadable<ManagedPolicies>,
    attached: &[PolicyRef],
    query: &str,
) -> Vec<PickOption> {
    let mut out: Vec<PickOption> = scenario
        .policies
        .iter()
        .filter(|p| contains_ignore_case(&p.name, query))
        .filter(|p| {
            !attached
                .iter()
                .any(|r| r.same(&PolicyRef::customer(&p.name)))
        })
        .map(|p| PickOption {
            value: p.name.clone(),
            label: p.name.clone(),
            hint: "Customer managed".to_owned(),
        })
        .collect();
    out.extend(aws_options(managed, query, attached, &aws_in_use(scenario)));
    out.truncate(PICK_LIMIT);
    out
}

/// Reads a card key written by [`CardKey::dom_key`] for a user, group or role.
pub fn identity_from_dom_key(key: &str) -> Option<CardKey> {
    let (kind, name) = key.split_once(':')?;
    let name = name.to_owned();
    match kind {
        "user" => Some(CardKey::User(name)),
        "group" => Some(CardKey::Group(name)),
        "role" => Some(CardKey::Role(name)),
        _ => None,
    }
}

/// Applies a drop (or its picker equivalent): membership between a user and a group, or a
/// policy attached to an identity. Returns what happened, in words.
pub fn connect(
    store: &StoreHandle,
    source: &CardKey,
    target: &CardKey,
) -> Result<String, EditError> {
    match (source, target) {
        (CardKey::User(user), CardKey::Group(group))
        | (CardKey::Group(group), CardKey::User(user)) => {
            edit(store, format!("Add {user} to {group}"), |s| {
                s.add_user_to_group(user, group)
            })?;
            Ok(format!("Added user {user} to group {group}."))
        }
        _ => {
            let (Some(policy), Some(identity)) = (source.policy(), target.identity()) else {
                return Err(EditError {
                    code: "drop-not-supported",
                    message: format!(
                        "A {} cannot be dropped onto a {}.",
                        source.kind(),
                        target.kind()
                    ),
                });
            };
            let name = source.name().to_owned();
            edit(
                store,
                format!("Attach {name} to {} {}", target.kind(), target.name()),
                |s| s.attach_policy(&identity, policy),
            )?;
            Ok(format!(
                "Attached {name} to {} {}.",
                target.kind(),
                target.name()
            ))
        }
    }
}

/// Selects a card's entity for the inspector (AWS-managed policies have none).
pub fn select(store: &StoreHandle, card: &CardKey) {
    if let Some(target) = card.target() {
        store.dispatch(Action::Select {
            selection: Selection::entity(target),
            show: false,
        });
    }
}

/// Moves keyboard focus to the element matching `selector` once the pending render is done
/// (Yew renders in a microtask; a zero timeout runs after it).
pub fn focus_later(selector: String) {
    gloo::timers::callback::Timeout::new(0, move || {
        focus_now(&selector);
    })
    .forget();
}

/// Moves keyboard focus to the element matching `selector`, if there is one.
pub fn focus_now(selector: &str) -> bool {
    gloo::utils::document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|el| el.focus().is_ok())
}

/// The selector of a card's element.
pub fn card_selector(card: &CardKey) -> String {
    format!("[data-card=\"{}\"]", card.dom_key())
}

/// One measured link, ready to draw.
#[derive(Debug, Clone, PartialEq)]
struct Drawn {
    path: String,
    kind: LinkKind,
    from: String,
    to: String,
}

/// Measures every card of the canvas and returns the links' curves.
fn measure(container: &web_sys::Element, links: &[Link]) -> Vec<Drawn> {
    let origin = container.get_bounding_client_rect();
    let mut rects: HashMap<String, Rect> = HashMap::new();
    if let Ok(cards) = container.query_selector_all("[data-card]") {
        for i in 0..cards.length() {
            let Some(el) = cards
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let Some(key) = el.get_attribute("data-card") else {
                continue;
            };
            let r = el.get_bounding_client_rect();
            if r.width() <= 0.0 || r.height() <= 0.0 {
                continue;
            }
            rects.insert(
                key,
                Rect {
                    x: r.left() - origin.left(),
                    y: r.top() - origin.top(),
                    w: r.width(),
                    h: r.height(),
                },
            );
        }
    }
    let find = |key: &str| rects.get(key).copied();
    links
        .iter()
        .filter_map(|l| {
            let (from, to) = (l.from.dom_key(), l.to.dom_key());
            let (a, b) = (find(&from)?, find(&to)?);
            Some(Drawn {
                path: curve(&a, &b),
                kind: l.kind,
                from,
                to,
            })
        })
        .collect()
}

/// The canvas: the account strip, the lanes, the link layer and the status line.
#[component]
pub fn Canvas() -> Html {
    let store = use_store();
    let dragging = use_state(|| None::<CardKey>);
    let active = use_state(|| None::<CardKey>);
    let pinned = use_state(Vec::<String>::new);
    let status = use_state(String::new);
    let adding = use_state(|| None::<Lane>);
    let drawn = use_state(Vec::<Drawn>::new);
    let container = use_node_ref();
    let scenario = store
        .as_ref()
        .map(|s| Rc::clone(&s.scenario))
        .unwrap_or_else(|| Rc::new(Scenario::new("123456789012")));
    let revision = store.as_ref().map_or(0, |s| s.revision);
    let all_links = use_memo(revision, {
        let scenario = Rc::clone(&scenario);
        move |_| links(&scenario)
    });
    let links_now: Rc<Vec<Link>> = Rc::clone(&all_links);
    let lit = use_memo(((*active).clone(), revision), {
        let links_now = Rc::clone(&links_now);
        move |(active, _)| -> HashSet<CardKey> {
            active
                .as_ref()
                .map(|a| {
                    links_now
                        .iter()
                        .filter(|l| l.touches(a))
                        .flat_map(|l| [l.from.clone(), l.to.clone()])
                        .filter(|k| k != a)
                        .collect()
                })
                .unwrap_or_default()
        }
    });
    // The callbacks the cards get are created once, so that a render of the canvas alone (after
    // the lines are re-measured on a resize) does not re-render every card; they read the
    // latest store and pins through this cell.
    let current = use_mut_ref(|| (store.clone(), pinned.clone()));
    *current.borrow_mut() = (store.clone(), pinned.clone());
    let handles = use_memo((), {
        let current = Rc::clone(&current);
        let dragging = dragging.setter();
        let active = active.setter();
        let status = status.setter();
        move |_| {
            let announce = Callback::from(move |text: String| status.set(text));
            Handles {
                on_drag: {
                    let dragging = dragging.clone();
                    Callback::from(move |card: Option<CardKey>| dragging.set(card))
                },
                on_drop: {
                    let current = Rc::clone(&current);
                    let announce = announce.clone();
                    Callback::from(move |(source, target): (CardKey, CardKey)| {
                        dragging.set(None);
                        let store = current.borrow().0.clone();
                        if let Some(store) = store {
                            match connect(&store, &source, &target) {
                                Ok(done) => announce.emit(done),
                                Err(e) => announce.emit(e.message),
                            }
                        }
                    })
                },
                on_active: Callback::from(move |card: Option<CardKey>| active.set(card)),
                unpin: {
                    let current = Rc::clone(&current);
                    Callback::from(move |arn: String| {
                        let pinned = current.borrow().1.clone();
                        pinned.set(pinned.iter().filter(|p| **p != arn).cloned().collect());
                    })
                },
                announce,
            }
        }
    });

    // The measuring closure reads the latest links; a ResizeObserver and every render call it.
    let latest: Rc<RefCell<Rc<Vec<Link>>>> = use_mut_ref(|| Rc::new(Vec::new()));
    *latest.borrow_mut() = Rc::clone(&links_now);
    let remeasure = {
        let container = container.clone();
        let latest = Rc::clone(&latest);
        let drawn = drawn.clone();
        move || {
            if let Some(el) = container.cast::<web_sys::Element>() {
                let next = measure(&el, &latest.borrow());
                if *drawn != next {
                    drawn.set(next);
                }
            }
        }
    };
    {
        let remeasure = remeasure.clone();
        use_effect(remeasure);
    }
    {
        let container = container.clone();
        let drawn = drawn.setter();
        let latest = Rc::clone(&latest);
        use_effect_with((), move |_| {
            let observed = container.cast::<web_sys::Element>();
            let callback = {
                let container = container.clone();
                Closure::<dyn FnMut()>::new(move || {
                    if let Some(el) = container.cast::<web_sys::Element>() {
                        drawn.set(measure(&el, &latest.borrow()));
                    }
                })
            };
            let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
            if let (Some(observer), Some(el)) = (&observer, &observed) {
                observer.observe(el);
            }
            move || {
                if let Some(observer) = observer {
                    observer.disconnect();
                }
                drop(callback);
            }
        });
    }

    let Some(store) = store else {
        return html! {};
    };
    let in_use = aws_in_use(&scenario);
    {
        // A pinned policy that got attached is now "in use"; keep the pin list short.
        let still: Vec<String> = pinned
            .iter()
            .filter(|arn| !in_use.contains(arn))
            .cloned()
            .collect();
        if still.len() != pinned.len() {
            pinned.set(still);
        }
    }
    let announce = handles.announce.clone();
    let ctx = CanvasCtx {
        dragging: (*dragging).clone(),
        on_drag: handles.on_drag.clone(),
        on_drop: handles.on_drop.clone(),
        on_active: handles.on_active.clone(),
        links: Rc::clone(&links_now),
        announce: announce.clone(),
        unpin: handles.unpin.clone(),
    };

    let cards_of = |lane: Lane| -> Vec<CardKey> {
        match lane {
            Lane::Users => scenario
                .users
                .iter()
                .map(|u| CardKey::User(u.name.clone()))
                .collect(),
            Lane::Groups => scenario
                .groups
                .iter()
                .map(|g| CardKey::Group(g.name.clone()))
                .collect(),
            Lane::Roles => scenario
                .roles
                .iter()
                .map(|r| CardKey::Role(r.name.clone()))
                .collect(),
            Lane::Policies => scenario
                .policies
                .iter()
                .map(|p| CardKey::Policy(p.name.clone()))
                .collect(),
            Lane::Aws => in_use
                .iter()
                .chain(pinned.iter().filter(|p| !in_use.contains(p)))
                .map(|arn| CardKey::Aws(arn.clone()))
                .collect(),
            Lane::Resources => scenario
                .resources
                .iter()
                .map(|r| CardKey::Resource(r.kind, r.name.clone()))
                .collect(),
        }
    };

    let lanes = Lane::ALL.iter().map(|&lane| {
        let cards = cards_of(lane);
        let heading_id = format!("lane-{}-title", lane.id());
        let count = cards.len();
        let open = *adding == Some(lane);
        let on_open = {
            let adding = adding.clone();
            Callback::from(move |()| adding.set(Some(lane)))
        };
        let on_close = {
            let adding = adding.clone();
            Callback::from(move |()| adding.set(None))
        };
        let add = if lane == Lane::Aws {
            let on_pin = {
                let pinned = pinned.clone();
                let in_use = in_use.clone();
                let announce = announce.clone();
                Callback::from(move |arn: String| {
                    let name = arn.rsplit('/').next().unwrap_or(&arn).to_owned();
                    if !in_use.contains(&arn) && !pinned.contains(&arn) {
                        let mut next = (*pinned).clone();
                        next.push(arn.clone());
                        pinned.set(next);
                    }
                    announce.emit(format!(
                        "{name} is on the canvas: drag it onto a user, group or role, or use its Attach to… button."
                    ));
                    focus_later(card_selector(&CardKey::Aws(arn)));
                })
            };
            html! { <AwsFinder {open} {on_open} {on_close} {on_pin} in_use={in_use.clone()} /> }
        } else {
            html! { <AddForm {lane} {open} {on_open} {on_close} announce={announce.clone()} /> }
        };
        html! {
            <section class={classes!("lane", format!("lane-{}", lane.id()))} data-lane={lane.id()}
                aria-labelledby={heading_id.clone()}>
                <h2 id={heading_id} class="lane-title">
                    { lane.title() }<span class="lane-count">{ format!(" {count}") }</span>
                </h2>
                <div class="lane-cards">
                    { for cards.into_iter().map(|card| {
                        let key = card.dom_key();
                        let linked_to = lit.contains(&card).then(|| (*active).clone()).flatten();
                        let is_active = active.as_ref() == Some(&card);
                        html! { <Card {key} {card} {linked_to} active={is_active} /> }
                    }) }
                    if count == 0 {
                        <p class="lane-empty muted">{ lane.empty_text() }</p>
                    }
                </div>
                { add }
            </section>
        }
    });

    let empty = scenario.users.is_empty()
        && scenario.groups.is_empty()
        && scenario.roles.is_empty()
        && scenario.policies.is_empty()
        && scenario.resources.is_empty();
    let empty_state = empty.then(|| {
        let open = |lane: Lane| {
            let adding = adding.clone();
            Callback::from(move |_| adding.set(Some(lane)))
        };
        let examples = {
            let store = store.clone();
            Callback::from(move |_| store.dispatch(Action::SetView(View::Examples)))
        };
        html! {
            <div class="canvas-empty" data-empty="">
                <h2>{ "An empty account" }</h2>
                <p>{ "Start by adding a user or a group, or open an example." }</p>
                <p class="muted">{ "Then attach policies by dragging them onto users, groups and roles, or with each card's buttons." }</p>
                <div class="canvas-empty-actions">
                    <button type="button" class="btn btn-primary" data-action="empty-add-user" onclick={open(Lane::Users)}>{ "Add a user" }</button>
                    <button type="button" class="btn" data-action="empty-add-group" onclick={open(Lane::Groups)}>{ "Add a group" }</button>
                    <button type="button" class="btn" data-action="open-examples" onclick={examples}>{ "Open an example" }</button>
                </div>
            </div>
        }
    });

    let highlighted = |d: &Drawn| {
        active
            .as_ref()
            .is_some_and(|a| a.dom_key() == d.from || a.dom_key() == d.to)
    };
    let paths = drawn.iter().map(|d| {
        let class = classes!(
            "link",
            format!("link-{}", d.kind.id()),
            highlighted(d).then_some("link-active"),
            (active.is_some() && !highlighted(d)).then_some("link-faded")
        );
        html! { <path {class} d={d.path.clone()} data-link={d.kind.id()} data-from={d.from.clone()} data-to={d.to.clone()} /> }
    });
    let account_strip = {
        let org = scenario
            .organization
            .is_some()
            .then(|| html! { <Card card={CardKey::Organization} /> });
        html! {
            <section class="account-strip" aria-label="Account">
                <Card card={CardKey::Root} active={active.as_ref() == Some(&CardKey::Root)}
                    linked_to={None::<CardKey>} />
                { org }
            </section>
        }
    };

    html! {
        <ContextProvider<CanvasCtx> context={ctx}>
            <div class="canvas" data-dragging={dragging.is_some().then_some("true")}>
                <div class="canvas-head">
                    <p class="canvas-legend muted">
                        <span class="legend-item legend-member">{ "solid line: member of group" }</span>
                        <span class="legend-item legend-attached">{ "dashed: policy attached" }</span>
                        <span class="legend-item legend-boundary">{ "dotted: permissions boundary" }</span>
                    </p>
                    <p class="canvas-status" role="status" aria-live="polite">{ (*status).clone() }</p>
                </div>
                { for empty_state }
                <div class="canvas-board" ref={container}>
                    <svg class="links-layer" aria-hidden="true" focusable="false">
                        { for paths }
                    </svg>
                    { account_strip }
                    <div class="lanes">{ for lanes }</div>
                </div>
            </div>
        </ContextProvider<CanvasCtx>>
    }
}

/// Properties of a lane's add form.
#[derive(Properties, PartialEq)]
struct AddFormProps {
    lane: Lane,
    open: bool,
    on_open: Callback<()>,
    on_close: Callback<()>,
    announce: Callback<String>,
}

/// "Add user" and its siblings: a button that opens a name field; Enter creates the entity
/// through the engine, whose message is shown beside the field when it refuses the name.
#[component]
fn AddForm(props: &AddFormProps) -> Html {
    let store = use_store();
    let text = use_state(String::new);
    let error = use_state(|| None::<String>);
    let kind = use_state(|| ResourceKind::S3Bucket);
    let input_ref = use_node_ref();
    {
        // The field takes the focus as it opens, before any further key reaches the page.
        let input_ref = input_ref.clone();
        use_effect_with(props.open, move |open| {
            if *open && let Some(el) = input_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let lane = props.lane;
    let noun = lane.noun();
    let Some(store) = store else {
        return html! {};
    };
    if !props.open {
        let onclick = {
            let on_open = props.on_open.clone();
            let error = error.clone();
            Callback::from(move |_| {
                error.set(None);
                on_open.emit(());
            })
        };
        return html! {
            <button type="button" class="btn lane-add" data-action={format!("add-{}", lane.action())} {onclick}>
                { format!("+ Add {noun}") }
            </button>
        };
    }
    let submit = {
        let store = store.clone();
        let text = text.clone();
        let error = error.clone();
        let kind = kind.clone();
        let on_close = props.on_close.clone();
        let announce = props.announce.clone();
        move || {
            let name = text.trim().to_owned();
            let account = store.scenario.account.id.clone();
            let (result, card) = match lane {
                Lane::Users => (
                    edit(&store, format!("Add user {name}"), |s| {
                        s.add_user(User::new(&name))
                    }),
                    CardKey::User(name.clone()),
                ),
                Lane::Groups => (
                    edit(&store, format!("Add group {name}"), |s| {
                        s.add_group(Group::new(&name))
                    }),
                    CardKey::Group(name.clone()),
                ),
                Lane::Roles => (
                    edit(&store, format!("Add role {name}"), |s| {
                        s.add_role(Role::new(&name, starter_trust_policy(&account)))
                    }),
                    CardKey::Role(name.clone()),
                ),
                Lane::Policies => (
                    edit(&store, format!("Add policy {name}"), |s| {
                        s.add_policy(ManagedPolicy::new(&name, STARTER_POLICY))
                    }),
                    CardKey::Policy(name.clone()),
                ),
                Lane::Resources => (
                    edit(&store, format!("Add {} {name}", kind.describe()), |s| {
                        s.add_resource(Resource::new(*kind, &name))
                    }),
                    CardKey::Resource(*kind, name.clone()),
                ),
                Lane::Aws => return,
            };
            match result {
                Ok(()) => {
                    text.set(String::new());
                    error.set(None);
                    on_close.emit(());
                    select(&store, &card);
                    announce.emit(format!("Added {} {name}.", card.kind()));
                    focus_later(card_selector(&card));
                }
                Err(e) => error.set(Some(e.message)),
            }
        }
    };
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                text.set(el.value());
            }
        })
    };
    let onkeydown = {
        let submit = submit.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                submit();
            }
            "Escape" => {
                e.prevent_default();
                on_close.emit(());
                focus_later(format!("[data-lane=\"{}\"] .lane-add", lane.id()));
            }
            _ => {}
        })
    };
    let onclick = Callback::from(move |_| submit());
    let cancel = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| {
            on_close.emit(());
            focus_later(format!("[data-lane=\"{}\"] .lane-add", lane.id()));
        })
    };
    let error_id = format!("add-{}-error", lane.id());
    let kind_select = (lane == Lane::Resources).then(|| {
        let onchange = {
            let kind = kind.clone();
            Callback::from(move |e: Event| {
                if let Some(el) = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                {
                    let i = el.selected_index().max(0) as usize;
                    if let Some(k) = ResourceKind::ALL.get(i) {
                        kind.set(*k);
                    }
                }
            })
        };
        html! {
            <select class="add-kind" aria-label="Kind of resource" {onchange}>
                { for ResourceKind::ALL.iter().map(|k| html! {
                    <option selected={*k == *kind}>{ k.describe() }</option>
                }) }
            </select>
        }
    });
    html! {
        <div class="add-form">
            { kind_select }
            <input ref={input_ref} type="text" class="add-input" aria-label={format!("Name of the new {noun}")}
                placeholder={format!("New {noun} name")} value={(*text).clone()}
                aria-invalid={error.is_some().then_some("true")}
                aria-describedby={error.is_some().then(|| error_id.clone())}
                autocomplete="off" spellcheck="false" {oninput} {onkeydown} />
            <div class="add-buttons">
                <button type="button" class="btn btn-primary" data-action="add-confirm" {onclick}>{ format!("Add {noun}") }</button>
                <button type="button" class="btn btn-quiet" onclick={cancel}>{ "Cancel" }</button>
            </div>
            if let Some(message) = &*error {
                <p id={error_id} class="field-error" role="alert">{ message }</p>
            }
        </div>
    }
}

/// Properties of the AWS-managed policy finder.
#[derive(Properties, PartialEq)]
struct AwsFinderProps {
    open: bool,
    on_open: Callback<()>,
    on_close: Callback<()>,
    on_pin: Callback<String>,
    in_use: Vec<String>,
}

/// Finds an AWS-managed policy by name and puts it on the canvas, ready to be dragged.
#[component]
fn AwsFinder(props: &AwsFinderProps) -> Html {
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let ctx = use_context::<CanvasCtx>();
    if !props.open {
        let onclick = {
            let on_open = props.on_open.clone();
            Callback::from(move |_| on_open.emit(()))
        };
        return html! {
            <button type="button" class="btn lane-add" data-action="find-aws-policy" {onclick}>
                { "+ Find an AWS-managed policy" }
            </button>
        };
    }
    let options = {
        let in_use = props.in_use.clone();
        Callback::from(move |query: String| aws_options(&managed, &query, &[], &in_use))
    };
    let on_pick = {
        let on_pin = props.on_pin.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |option: PickOption| {
            on_close.emit(());
            on_pin.emit(option.value);
        })
    };
    let on_close = {
        let on_close = props.on_close.clone();
        Callback::from(move |()| {
            on_close.emit(());
            focus_later("[data-action=\"find-aws-policy\"]".to_owned());
        })
    };
    // A result can be dragged straight onto a user, group or role.
    let on_drag = ctx.map(|ctx| {
        Callback::from(move |option: Option<PickOption>| {
            ctx.on_drag.emit(option.map(|o| CardKey::Aws(o.value)));
        })
    });
    html! {
        <div class="aws-finder">
            <Picker label="Find an AWS-managed policy by name" {options} {on_pick} {on_close} {on_drag}
                empty="No AWS-managed policy has that name." />
            <p class="muted aws-finder-hint">{ "Drag a result onto a user, group or role, or pick it to put it on the canvas." }</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iam_engine::catalog::fnv1a64;

    const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

    fn managed() -> Loadable<ManagedPolicies> {
        let body = "P\tAdministratorAccess\tarn:aws:iam::aws:policy/AdministratorAccess\tv1\t2015-02-06T18:39:46.000Z\t2015-02-06T18:39:46.000Z\t{}\n\
                    P\tIAMUserChangePassword\tarn:aws:iam::aws:policy/IAMUserChangePassword\tv2\t2016-11-15T00:25:16.000Z\t2016-11-15T00:25:16.000Z\t{}\n\
                    P\tViewOnlyAccess\tarn:aws:iam::aws:policy/job-function/ViewOnlyAccess\tv2\t2020-01-01T00:00:00Z\t2020-01-01T00:00:00Z\t{}\n";
        let text = format!(
            "iam-managed-policies\t1\nsource\tt\nversion\t1\ndate\t2026-01-01\nlicence\tMIT\ncounts\tpolicies=3\nchecksum\tfnv1a64:{:016x}\n\n{body}",
            fnv1a64(body.as_bytes())
        );
        Loadable::Ready(Rc::new(
            ManagedPolicies::parse(&text).expect("the test asset parses"),
        ))
    }

    fn values(options: &[PickOption]) -> Vec<&str> {
        options.iter().map(|o| o.value.as_str()).collect()
    }

    #[test]
    fn while_loading_the_typed_name_is_offered_unchecked() {
        let options = aws_options(&Loadable::Loading, "IAMUserChangePassword", &[], &[]);
        assert_eq!(
            values(&options),
            ["arn:aws:iam::aws:policy/IAMUserChangePassword"]
        );
        let options = aws_options(&Loadable::Loading, "AmazonS3ReadOnlyAccess", &[], &[]);
        assert_eq!(
            values(&options),
            ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
        );
        assert!(options[0].hint.contains("not checked"));
        // A suggestion keeps its path; a name with characters ARNs refuse is not offered.
        let options = aws_options(&Loadable::Loading, "ViewOnly", &[], &[]);
        assert_eq!(
            values(&options).first(),
            Some(&"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")
        );
        assert!(aws_options(&Loadable::Loading, "no spaces", &[], &[]).is_empty());
    }

    #[test]
    fn the_loaded_list_is_searched_and_attached_policies_are_left_out() {
        let list = managed();
        assert_eq!(values(&aws_options(&list, "admin", &[], &[])), [ADMIN]);
        assert!(
            aws_options(
                &list,
                "admin",
                &[PolicyRef::aws("AdministratorAccess")],
                &[]
            )
            .is_empty()
        );
        assert!(aws_options(&list, "NoSuchPolicy", &[], &[]).is_empty());
        let suggested = aws_options(&list, "", &[], &[]);
        assert_eq!(
            values(&suggested),
            [
                ADMIN,
                "arn:aws:iam::aws:policy/IAMUserChangePassword",
                "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
            ]
        );
        assert_eq!(suggested[2].hint, "AWS managed, /job-function/");
    }

    #[test]
    fn customer_policies_come_first_in_the_attach_picker() {
        let mut s = Scenario::new("123456789012");
        s.policies
            .push(ManagedPolicy::new("AdminHelpers", STARTER_POLICY));
        s.policies
            .push(ManagedPolicy::new("ReadLogs", STARTER_POLICY));
        let options = policy_options(&s, &managed(), &[], "admin");
        assert_eq!(values(&options), ["AdminHelpers", ADMIN]);
        let options = policy_options(
            &s,
            &managed(),
            &[PolicyRef::customer("adminhelpers")],
            "admin",
        );
        assert_eq!(values(&options), [ADMIN]);
    }

    #[test]
    fn identities_are_read_back_from_card_keys() {
        assert_eq!(
            identity_from_dom_key("group:Admins"),
            Some(CardKey::Group("Admins".into()))
        );
        assert_eq!(identity_from_dom_key("policy:x"), None);
        assert_eq!(identity_from_dom_key("nonsense"), None);
    }

    #[test]
    fn new_entities_start_valid() {
        let mut s = Scenario::new("123456789012");
        s.add_role(Role::new("deploy", starter_trust_policy("123456789012")))
            .expect("the starter trust policy is accepted");
        s.add_policy(ManagedPolicy::new("p", STARTER_POLICY))
            .expect("the starter policy is accepted");
        let errors: Vec<_> = s
            .findings()
            .into_iter()
            .filter(|f| format!("{:?}", f.severity).to_lowercase().contains("error"))
            .map(|f| f.message)
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
}
