//! One card of the canvas: an entity with its state badges, its links written out as chips
//! (each with a remove button), and its actions: pickers that add memberships and attachments,
//! rename, duplicate and delete. A card is focusable, draggable when it can be dropped
//! somewhere, and a drop target for what it accepts.

use iam_engine::catalog::ManagedPolicies;
use iam_engine::scenario::{EditError, IdentityRef, PolicyRef, Scenario};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::canvas::{
    CanvasCtx, card_selector, connect, focus_later, focus_now, identity_from_dom_key,
    policy_options, select,
};
use super::links::{CardKey, LinkKind, copy_name};
use super::picker::{PickOption, Picker};
use crate::data::Loadable;
use crate::store::{StoreHandle, edit, use_store};

/// IAM's longest user and role names; copies are kept within it so they fit every kind.
const COPY_NAME_MAX: usize = 64;

/// Properties of a card.
#[derive(Properties, PartialEq)]
pub struct CardProps {
    /// Which entity the card shows.
    pub card: CardKey,
    /// The card under the pointer or focus when it is linked to this one (its links and this
    /// card's chips naming it are highlighted). A prop rather than context, so hovering
    /// re-renders only the cards it changes.
    #[prop_or_default]
    pub linked_to: Option<CardKey>,
    /// Whether this card is the one under the pointer or focus.
    #[prop_or_default]
    pub active: bool,
}

/// Which picker a card has open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pick {
    /// Groups to add a user to.
    Group,
    /// Users to add to a group.
    Member,
    /// Policies to attach to an identity.
    Policy,
    /// Policies to make an identity's permissions boundary.
    Boundary,
    /// Identities to attach a policy to.
    Identity,
}

/// What a card is doing besides being shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    Menu,
    Rename,
    ConfirmDelete,
    Picking(Pick),
}

/// A written-out link of a card: its words, and how to remove it.
struct Chip {
    text: String,
    kind: LinkKind,
    other: CardKey,
    remove_label: String,
    remove: Removal,
}

/// How a chip's link is removed.
#[derive(Clone)]
enum Removal {
    Membership { user: String, group: String },
    Detach(IdentityRef, PolicyRef),
    Boundary(IdentityRef),
}

fn remove(store: &StoreHandle, removal: &Removal) -> Result<String, EditError> {
    match removal {
        Removal::Membership { user, group } => {
            edit(store, format!("Remove {user} from {group}"), |s| {
                s.remove_user_from_group(user, group)
            })?;
            Ok(format!("Removed user {user} from group {group}."))
        }
        Removal::Detach(identity, policy) => {
            let what = identity_words(identity);
            edit(
                store,
                format!("Detach {} from {what}", policy.name()),
                |s| s.detach_policy(identity, policy),
            )?;
            Ok(format!("Detached {} from {what}.", policy.name()))
        }
        Removal::Boundary(identity) => {
            let what = identity_words(identity);
            edit(store, format!("Remove the boundary of {what}"), |s| {
                s.set_permissions_boundary(identity, None)
            })?;
            Ok(format!("Removed the permissions boundary of {what}."))
        }
    }
}

fn identity_words(identity: &IdentityRef) -> String {
    match identity {
        IdentityRef::User(n) => format!("user {n}"),
        IdentityRef::Group(n) => format!("group {n}"),
        IdentityRef::Role(n) => format!("role {n}"),
    }
}

fn identity_card(identity: &IdentityRef) -> CardKey {
    match identity {
        IdentityRef::User(n) => CardKey::User(n.clone()),
        IdentityRef::Group(n) => CardKey::Group(n.clone()),
        IdentityRef::Role(n) => CardKey::Role(n.clone()),
    }
}

fn policy_card(scenario: &Scenario, reference: &PolicyRef) -> CardKey {
    match reference {
        PolicyRef::Aws(arn) => CardKey::Aws(arn.clone()),
        PolicyRef::Customer(n) => CardKey::Policy(
            scenario
                .policy(n)
                .map_or_else(|| n.clone(), |p| p.name.clone()),
        ),
    }
}

/// The chips of a card: every link it has, in words.
fn chips(scenario: &Scenario, card: &CardKey) -> Vec<Chip> {
    let mut out = Vec::new();
    let attachments = |out: &mut Vec<Chip>,
                       identity: IdentityRef,
                       managed: &[PolicyRef],
                       boundary: Option<&PolicyRef>| {
        let owner = identity_words(&identity);
        for reference in managed {
            out.push(Chip {
                text: reference.name().to_owned(),
                kind: LinkKind::Attached,
                other: policy_card(scenario, reference),
                remove_label: format!("Detach {} from {owner}", reference.name()),
                remove: Removal::Detach(identity.clone(), reference.clone()),
            });
        }
        if let Some(reference) = boundary {
            out.push(Chip {
                text: format!("boundary: {}", reference.name()),
                kind: LinkKind::Boundary,
                other: policy_card(scenario, reference),
                remove_label: format!("Remove the permissions boundary of {owner}"),
                remove: Removal::Boundary(identity.clone()),
            });
        }
    };
    match card {
        CardKey::User(name) => {
            if let Some(user) = scenario.user(name) {
                for group in &user.groups {
                    out.push(Chip {
                        text: format!("in {group}"),
                        kind: LinkKind::Member,
                        other: CardKey::Group(
                            scenario
                                .group(group)
                                .map_or_else(|| group.clone(), |g| g.name.clone()),
                        ),
                        remove_label: format!("Remove {} from group {group}", user.name),
                        remove: Removal::Membership {
                            user: user.name.clone(),
                            group: group.clone(),
                        },
                    });
                }
                attachments(
                    &mut out,
                    IdentityRef::User(user.name.clone()),
                    &user.managed_policies,
                    user.permissions_boundary.as_ref(),
                );
            }
        }
        CardKey::Group(name) => {
            if let Some(group) = scenario.group(name) {
                for user in scenario.members_of(&group.name) {
                    out.push(Chip {
                        text: format!("member {}", user.name),
                        kind: LinkKind::Member,
                        other: CardKey::User(user.name.clone()),
                        remove_label: format!("Remove {} from group {}", user.name, group.name),
                        remove: Removal::Membership {
                            user: user.name.clone(),
                            group: group.name.clone(),
                        },
                    });
                }
                attachments(
                    &mut out,
                    IdentityRef::Group(group.name.clone()),
                    &group.managed_policies,
                    None,
                );
            }
        }
        CardKey::Role(name) => {
            if let Some(role) = scenario.role(name) {
                attachments(
                    &mut out,
                    IdentityRef::Role(role.name.clone()),
                    &role.managed_policies,
                    role.permissions_boundary.as_ref(),
                );
            }
        }
        CardKey::Policy(_) | CardKey::Aws(_) => {
            let Some(me) = card.policy() else {
                return out;
            };
            let mut each =
                |identity: IdentityRef, managed: &[PolicyRef], boundary: Option<&PolicyRef>| {
                    let what = identity_words(&identity);
                    if managed.iter().any(|r| r.same(&me)) {
                        out.push(Chip {
                            text: format!("on {what}"),
                            kind: LinkKind::Attached,
                            other: identity_card(&identity),
                            remove_label: format!("Detach {} from {what}", me.name()),
                            remove: Removal::Detach(identity.clone(), me.clone()),
                        });
                    }
                    if boundary.is_some_and(|b| b.same(&me)) {
                        out.push(Chip {
                            text: format!("boundary of {what}"),
                            kind: LinkKind::Boundary,
                            other: identity_card(&identity),
                            remove_label: format!("Remove the permissions boundary of {what}"),
                            remove: Removal::Boundary(identity),
                        });
                    }
                };
            for u in &scenario.users {
                each(
                    IdentityRef::User(u.name.clone()),
                    &u.managed_policies,
                    u.permissions_boundary.as_ref(),
                );
            }
            for g in &scenario.groups {
                each(
                    IdentityRef::Group(g.name.clone()),
                    &g.managed_policies,
                    None,
                );
            }
            for r in &scenario.roles {
                each(
                    IdentityRef::Role(r.name.clone()),
                    &r.managed_policies,
                    r.permissions_boundary.as_ref(),
                );
            }
        }
        CardKey::Root | CardKey::Organization | CardKey::Resource(..) => {}
    }
    out
}

/// A state badge: its words and whether it is a warning.
fn badges(scenario: &Scenario, card: &CardKey) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    match card {
        CardKey::Root => {
            let root = &scenario.root_user;
            out.push((
                if root.password {
                    "Console password".to_owned()
                } else {
                    "No console password".to_owned()
                },
                false,
            ));
            out.push(if root.mfa {
                ("MFA on".to_owned(), false)
            } else {
                ("No MFA".to_owned(), root.password)
            });
            out.push(if root.access_keys {
                ("Has access keys".to_owned(), true)
            } else {
                ("No access keys".to_owned(), false)
            });
        }
        CardKey::Organization => {
            if let Some(org) = &scenario.organization {
                let scps: usize = org.levels.iter().map(|l| l.scps.len()).sum();
                out.push((plural(org.levels.len(), "level", "levels"), false));
                out.push((plural(scps, "SCP", "SCPs"), false));
                if org.management_account {
                    out.push(("Management account: SCPs do not apply".to_owned(), false));
                }
            }
        }
        CardKey::User(name) => {
            if let Some(user) = scenario.user(name) {
                match &user.login_profile {
                    Some(p) if p.password_reset_required => {
                        out.push(("Console password, reset at first sign-in".to_owned(), false))
                    }
                    Some(_) => out.push(("Console password".to_owned(), false)),
                    None => out.push(("No console password".to_owned(), false)),
                }
                if user.mfa {
                    out.push(("MFA on".to_owned(), false));
                } else if user.login_profile.is_some() {
                    out.push(("No MFA".to_owned(), true));
                }
                if !user.access_keys.is_empty() {
                    out.push((
                        plural(user.access_keys.len(), "access key", "access keys"),
                        false,
                    ));
                }
                if !user.inline_policies.is_empty() {
                    out.push((
                        plural(
                            user.inline_policies.len(),
                            "inline policy",
                            "inline policies",
                        ),
                        false,
                    ));
                }
            }
        }
        CardKey::Group(name) => {
            if let Some(group) = scenario.group(name) {
                let members = scenario.members_of(&group.name).count();
                out.push((plural(members, "member", "members"), false));
                if !group.inline_policies.is_empty() {
                    out.push((
                        plural(
                            group.inline_policies.len(),
                            "inline policy",
                            "inline policies",
                        ),
                        false,
                    ));
                }
            }
        }
        CardKey::Role(name) => {
            if let Some(role) = scenario.role(name) {
                if !role.inline_policies.is_empty() {
                    out.push((
                        plural(
                            role.inline_policies.len(),
                            "inline policy",
                            "inline policies",
                        ),
                        false,
                    ));
                }
                let hours = role.max_session_duration / 3600;
                out.push((format!("Sessions up to {hours} h"), false));
            }
        }
        CardKey::Policy(_) | CardKey::Aws(_) => {}
        CardKey::Resource(kind, name) => {
            if let Some(resource) = scenario.resource(*kind, name) {
                out.push(if resource.policy.is_some() {
                    ("Has a resource policy".to_owned(), false)
                } else {
                    ("No resource policy".to_owned(), false)
                });
            }
        }
    }
    out
}

/// Renames a card's entity through the engine.
fn rename(store: &StoreHandle, card: &CardKey, new_name: &str) -> Result<CardKey, EditError> {
    let label = format!("Rename {} {} to {new_name}", card.kind(), card.name());
    let new = new_name.to_owned();
    let renamed = match card {
        CardKey::User(n) => {
            edit(store, label, |s| s.rename_user(n, &new))?;
            CardKey::User(new)
        }
        CardKey::Group(n) => {
            edit(store, label, |s| s.rename_group(n, &new))?;
            CardKey::Group(new)
        }
        CardKey::Role(n) => {
            edit(store, label, |s| s.rename_role(n, &new))?;
            CardKey::Role(new)
        }
        CardKey::Policy(n) => {
            edit(store, label, |s| s.rename_policy(n, &new))?;
            CardKey::Policy(new)
        }
        CardKey::Resource(kind, n) => {
            edit(store, label, |s| s.rename_resource(*kind, n, &new))?;
            CardKey::Resource(*kind, new)
        }
        CardKey::Root | CardKey::Organization | CardKey::Aws(_) => return Ok(card.clone()),
    };
    Ok(renamed)
}

/// Copies a card's entity under a free name through the engine.
fn duplicate(store: &StoreHandle, card: &CardKey) -> Result<CardKey, EditError> {
    let s = &store.scenario;
    let name = card.name().to_owned();
    let label = |copy: &str| format!("Duplicate {} {name} as {copy}", card.kind());
    let copy = match card {
        CardKey::User(_) => {
            let copy = copy_name(&name, COPY_NAME_MAX, |n| s.user(n).is_some());
            edit(store, label(&copy), |sc| sc.duplicate_user(&name, &copy))?;
            CardKey::User(copy)
        }
        CardKey::Group(_) => {
            let copy = copy_name(&name, COPY_NAME_MAX, |n| s.group(n).is_some());
            edit(store, label(&copy), |sc| sc.duplicate_group(&name, &copy))?;
            CardKey::Group(copy)
        }
        CardKey::Role(_) => {
            let copy = copy_name(&name, COPY_NAME_MAX, |n| s.role(n).is_some());
            edit(store, label(&copy), |sc| sc.duplicate_role(&name, &copy))?;
            CardKey::Role(copy)
        }
        CardKey::Policy(_) => {
            let copy = copy_name(&name, COPY_NAME_MAX, |n| s.policy(n).is_some());
            edit(store, label(&copy), |sc| sc.duplicate_policy(&name, &copy))?;
            CardKey::Policy(copy)
        }
        CardKey::Resource(kind, _) => {
            let copy = copy_name(&name, COPY_NAME_MAX, |n| s.resource(*kind, n).is_some());
            edit(store, label(&copy), |sc| {
                sc.duplicate_resource(*kind, &name, &copy)
            })?;
            CardKey::Resource(*kind, copy)
        }
        CardKey::Root | CardKey::Organization | CardKey::Aws(_) => return Ok(card.clone()),
    };
    Ok(copy)
}

/// Deletes a card's entity through the engine (which also removes the references to it).
fn delete(store: &StoreHandle, card: &CardKey) -> Result<(), EditError> {
    let label = format!("Delete {} {}", card.kind(), card.name());
    match card {
        CardKey::User(n) => edit(store, label, |s| s.delete_user(n)),
        CardKey::Group(n) => edit(store, label, |s| s.delete_group(n)),
        CardKey::Role(n) => edit(store, label, |s| s.delete_role(n)),
        CardKey::Policy(n) => edit(store, label, |s| s.delete_policy(n)),
        CardKey::Resource(kind, n) => edit(store, label, |s| s.delete_resource(*kind, n)),
        CardKey::Root | CardKey::Organization | CardKey::Aws(_) => Ok(()),
    }
}

/// What deleting a card also removes, in words for the confirmation.
fn delete_consequence(card: &CardKey) -> &'static str {
    match card {
        CardKey::User(_) => "Its group memberships and attachments go with it.",
        CardKey::Group(_) => "Its members stay, outside the group.",
        CardKey::Role(_) => "Its attachments go with it.",
        CardKey::Policy(_) => "It is detached from every user, group and role first.",
        _ => "",
    }
}

/// The options of a card's picker for the text typed so far.
fn pick_options(
    scenario: &Scenario,
    managed: &Loadable<ManagedPolicies>,
    card: &CardKey,
    pick: Pick,
    query: &str,
) -> Vec<PickOption> {
    let q = query.trim().to_ascii_lowercase();
    let matches = |name: &str| name.to_ascii_lowercase().contains(&q);
    match (pick, card) {
        (Pick::Group, CardKey::User(name)) => {
            let current = scenario
                .user(name)
                .map(|u| u.groups.clone())
                .unwrap_or_default();
            scenario
                .groups
                .iter()
                .filter(|g| !current.iter().any(|c| c.eq_ignore_ascii_case(&g.name)))
                .filter(|g| matches(&g.name))
                .map(|g| PickOption {
                    value: g.name.clone(),
                    label: g.name.clone(),
                    hint: format!("{} members", scenario.members_of(&g.name).count()),
                })
                .collect()
        }
        (Pick::Member, CardKey::Group(name)) => scenario
            .users
            .iter()
            .filter(|u| !u.groups.iter().any(|g| g.eq_ignore_ascii_case(name)))
            .filter(|u| matches(&u.name))
            .map(|u| PickOption {
                value: u.name.clone(),
                label: u.name.clone(),
                hint: "User".to_owned(),
            })
            .collect(),
        (Pick::Policy | Pick::Boundary, _) => {
            let attached: Vec<PolicyRef> = match (pick, card) {
                (Pick::Boundary, _) => Vec::new(),
                (_, CardKey::User(n)) => scenario
                    .user(n)
                    .map(|u| u.managed_policies.clone())
                    .unwrap_or_default(),
                (_, CardKey::Group(n)) => scenario
                    .group(n)
                    .map(|g| g.managed_policies.clone())
                    .unwrap_or_default(),
                (_, CardKey::Role(n)) => scenario
                    .role(n)
                    .map(|r| r.managed_policies.clone())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            policy_options(scenario, managed, &attached, query)
        }
        (Pick::Identity, _) => {
            let Some(me) = card.policy() else {
                return Vec::new();
            };
            let has = |managed: &[PolicyRef]| managed.iter().any(|r| r.same(&me));
            let users = scenario
                .users
                .iter()
                .filter(|u| !has(&u.managed_policies))
                .map(|u| (CardKey::User(u.name.clone()), "User"));
            let groups = scenario
                .groups
                .iter()
                .filter(|g| !has(&g.managed_policies))
                .map(|g| (CardKey::Group(g.name.clone()), "Group"));
            let roles = scenario
                .roles
                .iter()
                .filter(|r| !has(&r.managed_policies))
                .map(|r| (CardKey::Role(r.name.clone()), "Role"));
            users
                .chain(groups)
                .chain(roles)
                .filter(|(k, _)| matches(k.name()))
                .map(|(k, hint)| PickOption {
                    value: k.dom_key(),
                    label: k.name().to_owned(),
                    hint: hint.to_owned(),
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Applies a pick: the same edits a drop makes, or setting a boundary.
fn apply_pick(
    store: &StoreHandle,
    card: &CardKey,
    pick: Pick,
    option: &PickOption,
) -> Result<String, EditError> {
    match pick {
        Pick::Group => connect(store, card, &CardKey::Group(option.value.clone())),
        Pick::Member => connect(store, &CardKey::User(option.value.clone()), card),
        Pick::Policy => {
            let policy = policy_card(&store.scenario, &PolicyRef::from(option.value.clone()));
            connect(store, &policy, card)
        }
        Pick::Identity => match identity_from_dom_key(&option.value) {
            Some(target) => connect(store, card, &target),
            None => Ok(String::new()),
        },
        Pick::Boundary => {
            let Some(identity) = card.identity() else {
                return Ok(String::new());
            };
            let policy = PolicyRef::from(option.value.clone());
            let what = identity_words(&identity);
            edit(
                store,
                format!("Set the boundary of {what} to {}", policy.name()),
                |s| s.set_permissions_boundary(&identity, Some(policy.clone())),
            )?;
            Ok(format!(
                "{} is now the permissions boundary of {what}.",
                policy.name()
            ))
        }
    }
}

fn input_value(e: &InputEvent) -> Option<String> {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|el| el.value())
}

/// Focuses the card `step` places away in the same lane (or the first card of the adjacent
/// lane for `lane_step`), skipping lanes without cards.
fn move_focus(from: &web_sys::Element, step: i32, lane_step: i32, edge: Option<bool>) {
    let focus = |el: Option<web_sys::Element>| {
        if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    };
    let Some(lane) = from.closest(".lane, .account-strip").ok().flatten() else {
        return;
    };
    let cards_in = |container: &web_sys::Element| -> Vec<web_sys::Element> {
        let Ok(list) = container.query_selector_all("[data-card]") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
            .collect()
    };
    if lane_step != 0 {
        let Some(board) = lane.closest(".canvas-board").ok().flatten() else {
            return;
        };
        let Ok(list) = board.query_selector_all(".account-strip, .lane") else {
            return;
        };
        let lanes: Vec<web_sys::Element> = (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
            .collect();
        let Some(mut i) = lanes.iter().position(|l| *l == lane) else {
            return;
        };
        loop {
            let next = i as i32 + lane_step;
            if next < 0 || next as usize >= lanes.len() {
                return;
            }
            i = next as usize;
            if let Some(first) = lanes.get(i).and_then(|l| cards_in(l).into_iter().next()) {
                focus(Some(first));
                return;
            }
        }
    }
    let cards = cards_in(&lane);
    match edge {
        Some(true) => focus(cards.first().cloned()),
        Some(false) => focus(cards.last().cloned()),
        None => {
            let Some(i) = cards.iter().position(|c| c == from) else {
                return;
            };
            let next = i as i32 + step;
            if next >= 0 {
                focus(cards.get(next as usize).cloned());
            }
        }
    }
}

/// One card.
#[component]
pub fn Card(props: &CardProps) -> Html {
    let store = use_store();
    let ctx = use_context::<CanvasCtx>();
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let mode = use_state(|| Mode::Normal);
    let text = use_state(String::new);
    let error = use_state(|| None::<String>);
    let drop_depth = use_state(|| 0i32);
    let rename_ref = use_node_ref();
    let card_ref = use_node_ref();
    let confirm_ref = use_node_ref();
    {
        let rename_ref = rename_ref.clone();
        let confirm_ref = confirm_ref.clone();
        use_effect_with(*mode, move |mode| {
            let el = match mode {
                Mode::Rename => rename_ref.cast::<web_sys::HtmlInputElement>().map(|i| {
                    i.select();
                    i.unchecked_into::<web_sys::HtmlElement>()
                }),
                Mode::ConfirmDelete => confirm_ref.cast::<web_sys::HtmlElement>(),
                _ => None,
            };
            if let Some(el) = el {
                let _ = el.focus();
            }
        });
    }
    let (Some(store), Some(ctx)) = (store, ctx) else {
        return html! {};
    };
    let card = props.card.clone();
    let scenario = &store.scenario;
    let selector = card_selector(&card);
    // The root user and the organization are one per account: their name is the account's.
    let display_name = match &card {
        CardKey::Root => format!(
            "Account {}",
            scenario
                .account
                .alias
                .clone()
                .unwrap_or_else(|| scenario.account.id.clone())
        ),
        CardKey::Organization => scenario
            .organization
            .as_ref()
            .and_then(|o| o.levels.first())
            .map_or_else(|| "Organization".to_owned(), |root| root.name.clone()),
        _ => card.name().to_owned(),
    };
    let title = format!("{} {display_name}", capitalise(card.kind()));
    let selected = card.target().is_some() && store.selection.target == card.target();
    let editable = matches!(
        card,
        CardKey::User(_)
            | CardKey::Group(_)
            | CardKey::Role(_)
            | CardKey::Policy(_)
            | CardKey::Resource(..)
    );
    let draggable = matches!(
        card,
        CardKey::User(_) | CardKey::Group(_) | CardKey::Policy(_) | CardKey::Aws(_)
    );
    let drop_ok = ctx
        .dragging
        .as_ref()
        .is_some_and(|src| *src != card && ctx.accepts(src, &card));
    let linked = props.linked_to.is_some();
    let is_active = props.active;

    let set_mode = |m: Mode| {
        let mode = mode.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            error.set(None);
            mode.set(m);
        })
    };

    // Selection, hover and keyboard.
    let onclick = {
        let store = store.clone();
        let card = card.clone();
        Callback::from(move |_: MouseEvent| select(&store, &card))
    };
    let onmouseenter = {
        let on_active = ctx.on_active.clone();
        let card = card.clone();
        Callback::from(move |_: MouseEvent| on_active.emit(Some(card.clone())))
    };
    let onmouseleave = {
        let on_active = ctx.on_active.clone();
        Callback::from(move |_: MouseEvent| on_active.emit(None))
    };
    let onfocusin = {
        let on_active = ctx.on_active.clone();
        let card = card.clone();
        Callback::from(move |_: FocusEvent| on_active.emit(Some(card.clone())))
    };
    let onfocusout = {
        let on_active = ctx.on_active.clone();
        Callback::from(move |_: FocusEvent| on_active.emit(None))
    };
    let onkeydown = {
        let store = store.clone();
        let card = card.clone();
        let card_ref = card_ref.clone();
        let mode = mode.clone();
        let text = text.clone();
        let error = error.clone();
        Callback::from(move |e: KeyboardEvent| {
            // Keys typed in the card's fields and buttons are theirs, except Escape. (Yew
            // delegates events to the app's root, so `current_target` is not the card.)
            let el = card_ref.cast::<web_sys::Element>();
            let on_card = match (&el, e.target()) {
                (Some(el), Some(target)) => {
                    let target: &wasm_bindgen::JsValue = target.as_ref();
                    let el: &wasm_bindgen::JsValue = el.as_ref();
                    target == el
                }
                _ => false,
            };
            if e.key() == "Escape" && *mode != Mode::Normal {
                e.prevent_default();
                mode.set(Mode::Normal);
                error.set(None);
                focus_later(card_selector(&card));
                return;
            }
            if !on_card || e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let Some(el) = el else { return };
            match e.key().as_str() {
                "Enter" | " " => {
                    e.prevent_default();
                    select(&store, &card);
                }
                "ArrowDown" => {
                    e.prevent_default();
                    move_focus(&el, 1, 0, None);
                }
                "ArrowUp" => {
                    e.prevent_default();
                    move_focus(&el, -1, 0, None);
                }
                "ArrowRight" => {
                    e.prevent_default();
                    move_focus(&el, 0, 1, None);
                }
                "ArrowLeft" => {
                    e.prevent_default();
                    move_focus(&el, 0, -1, None);
                }
                "Home" => {
                    e.prevent_default();
                    move_focus(&el, 0, 0, Some(true));
                }
                "End" => {
                    e.prevent_default();
                    move_focus(&el, 0, 0, Some(false));
                }
                "Delete" | "Backspace" if editable => {
                    e.prevent_default();
                    error.set(None);
                    mode.set(Mode::ConfirmDelete);
                }
                "F2" if editable => {
                    e.prevent_default();
                    error.set(None);
                    text.set(card.name().to_owned());
                    mode.set(Mode::Rename);
                }
                _ => {}
            }
        })
    };

    // Drag and drop.
    let ondragstart = {
        let on_drag = ctx.on_drag.clone();
        let card = card.clone();
        Callback::from(move |e: DragEvent| {
            if let Some(dt) = e.data_transfer() {
                let _ = dt.set_data("text/plain", &card.dom_key());
                dt.set_effect_allowed("link");
            }
            on_drag.emit(Some(card.clone()));
        })
    };
    let ondragend = {
        let on_drag = ctx.on_drag.clone();
        let drop_depth = drop_depth.clone();
        Callback::from(move |_: DragEvent| {
            drop_depth.set(0);
            on_drag.emit(None);
        })
    };
    let ondragover = Callback::from(move |e: DragEvent| {
        if drop_ok {
            e.prevent_default();
            if let Some(dt) = e.data_transfer() {
                dt.set_drop_effect("link");
            }
        }
    });
    let ondragenter = {
        let drop_depth = drop_depth.clone();
        Callback::from(move |e: DragEvent| {
            if drop_ok {
                e.prevent_default();
                drop_depth.set(*drop_depth + 1);
            }
        })
    };
    let ondragleave = {
        let drop_depth = drop_depth.clone();
        Callback::from(move |_: DragEvent| drop_depth.set((*drop_depth - 1).max(0)))
    };
    let ondrop = {
        let on_drop = ctx.on_drop.clone();
        let dragging = ctx.dragging.clone();
        let card = card.clone();
        let drop_depth = drop_depth.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            drop_depth.set(0);
            if let Some(source) = dragging.clone()
                && drop_ok
            {
                on_drop.emit((source, card.clone()));
            }
        })
    };

    // The card's head: its kind, its name (or the rename field) and the menu.
    let name_part = if *mode == Mode::Rename {
        let commit = {
            let store = store.clone();
            let card = card.clone();
            let text = text.clone();
            let error = error.clone();
            let mode = mode.clone();
            let announce = ctx.announce.clone();
            move || {
                let new_name = text.trim().to_owned();
                if new_name == card.name() {
                    mode.set(Mode::Normal);
                    focus_later(card_selector(&card));
                    return;
                }
                let was_selected = store.selection.target == card.target();
                match rename(&store, &card, &new_name) {
                    Ok(renamed) => {
                        mode.set(Mode::Normal);
                        if was_selected {
                            select(&store, &renamed);
                        }
                        announce.emit(format!(
                            "Renamed {} {} to {new_name}.",
                            card.kind(),
                            card.name()
                        ));
                        focus_later(card_selector(&renamed));
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            }
        };
        let oninput = {
            let text = text.clone();
            Callback::from(move |e: InputEvent| {
                if let Some(v) = input_value(&e) {
                    text.set(v);
                }
            })
        };
        let onkeydown = {
            let commit = commit.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" {
                    e.prevent_default();
                    commit();
                }
            })
        };
        let save = Callback::from(move |_: MouseEvent| commit());
        let error_id = format!("rename-error-{}", card.dom_key());
        html! {
            <div class="rename">
                <input ref={rename_ref} type="text" class="rename-input" value={(*text).clone()}
                    aria-label={format!("New name for {} {}", card.kind(), card.name())}
                    aria-invalid={error.is_some().then_some("true")}
                    aria-describedby={error.is_some().then(|| error_id.clone())}
                    autocomplete="off" spellcheck="false" {oninput} {onkeydown} />
                <div class="rename-buttons">
                    <button type="button" class="btn btn-primary" data-action="rename-save" onclick={save}>{ "Save" }</button>
                    <button type="button" class="btn btn-quiet" onclick={set_mode(Mode::Normal)}>{ "Cancel" }</button>
                </div>
                if let Some(message) = &*error {
                    <p id={error_id} class="field-error" role="alert">{ message }</p>
                }
            </div>
        }
    } else {
        html! { <h3 class="card-name" title={display_name.clone()}>{ display_name.clone() }</h3> }
    };
    let menu_button = editable.then(|| {
        let open = *mode == Mode::Menu;
        let toggle = {
            let mode = mode.clone();
            Callback::from(move |_: MouseEvent| {
                mode.set(if *mode == Mode::Menu {
                    Mode::Normal
                } else {
                    Mode::Menu
                });
            })
        };
        html! {
            <button type="button" class="btn btn-quiet card-menu-button" data-action="card-menu"
                aria-expanded={if open { "true" } else { "false" }}
                aria-label={format!("More actions for {} {}", card.kind(), card.name())}
                onclick={toggle}>{ "More ▾" }</button>
        }
    });
    let menu = (*mode == Mode::Menu).then(|| {
        let start_rename = {
            let mode = mode.clone();
            let text = text.clone();
            let error = error.clone();
            let name = card.name().to_owned();
            Callback::from(move |_: MouseEvent| {
                error.set(None);
                text.set(name.clone());
                mode.set(Mode::Rename);
            })
        };
        let dup = {
            let store = store.clone();
            let card = card.clone();
            let mode = mode.clone();
            let error = error.clone();
            let announce = ctx.announce.clone();
            Callback::from(move |_: MouseEvent| match duplicate(&store, &card) {
                Ok(copy) => {
                    mode.set(Mode::Normal);
                    announce.emit(format!("Added {} {} as a copy of {}.", copy.kind(), copy.name(), card.name()));
                    select(&store, &copy);
                    focus_later(card_selector(&copy));
                }
                Err(e) => error.set(Some(e.message)),
            })
        };
        let boundary = matches!(card, CardKey::User(_) | CardKey::Role(_)).then(|| html! {
            <li><button type="button" class="btn btn-quiet" data-action="set-boundary" onclick={set_mode(Mode::Picking(Pick::Boundary))}>{ "Set permissions boundary…" }</button></li>
        });
        html! {
            <ul class="card-menu" aria-label={format!("Actions for {} {}", card.kind(), card.name())}>
                <li><button type="button" class="btn btn-quiet" data-action="rename" onclick={start_rename}>{ "Rename (F2)" }</button></li>
                <li><button type="button" class="btn btn-quiet" data-action="duplicate" onclick={dup}>{ "Duplicate" }</button></li>
                { for boundary }
                <li><button type="button" class="btn btn-quiet btn-danger" data-action="delete" onclick={set_mode(Mode::ConfirmDelete)}>{ "Delete…" }</button></li>
            </ul>
        }
    });

    // Badges and chips.
    let badge_list = badges(scenario, &card);
    let badges_html = (!badge_list.is_empty()).then(|| {
        html! {
            <ul class="badges" aria-label="State">
                { for badge_list.into_iter().map(|(text, warn)| html! {
                    <li class={classes!("state-badge", warn.then_some("state-warn"))}>
                        if warn { <span class="visually-hidden">{ "Warning: " }</span> }
                        { text }
                    </li>
                }) }
            </ul>
        }
    });
    let chip_list = chips(scenario, &card);
    let chips_html = if chip_list.is_empty() {
        match card {
            CardKey::Aws(_) | CardKey::Policy(_) => {
                html! { <p class="chips-none muted">{ "Not attached yet." }</p> }
            }
            _ => html! {},
        }
    } else {
        let active_key = props.linked_to.clone();
        html! {
            <ul class="chips" aria-label={format!("Links of {} {}", card.kind(), card.name())}>
                { for chip_list.into_iter().map(|chip| {
                    let onclick = {
                        let store = store.clone();
                        let removal = chip.remove.clone();
                        let announce = ctx.announce.clone();
                        let error = error.clone();
                        let selector = selector.clone();
                        Callback::from(move |e: MouseEvent| {
                            e.stop_propagation();
                            match remove(&store, &removal) {
                                Ok(done) => {
                                    announce.emit(done);
                                    focus_later(selector.clone());
                                }
                                Err(err) => error.set(Some(err.message)),
                            }
                        })
                    };
                    let lit = active_key.as_ref() == Some(&chip.other);
                    html! {
                        <li class={classes!("chip", format!("chip-{}", chip.kind.id()), lit.then_some("chip-lit"))}
                            data-chip={chip.other.dom_key()}>
                            <span class="chip-text">{ chip.text }</span>
                            <button type="button" class="chip-remove" aria-label={chip.remove_label.clone()}
                                title={chip.remove_label} {onclick}>{ "×" }</button>
                        </li>
                    }
                }) }
            </ul>
        }
    };

    // The card's main actions: pickers.
    let actions: Vec<(Pick, &str, &str)> = match card {
        CardKey::User(_) => vec![
            (Pick::Group, "Add to group…", "add-to-group"),
            (Pick::Policy, "Attach policy…", "attach-policy"),
        ],
        CardKey::Group(_) => vec![
            (Pick::Member, "Add member…", "add-member"),
            (Pick::Policy, "Attach policy…", "attach-policy"),
        ],
        CardKey::Role(_) => vec![(Pick::Policy, "Attach policy…", "attach-policy")],
        CardKey::Policy(_) | CardKey::Aws(_) => vec![(Pick::Identity, "Attach to…", "attach-to")],
        _ => Vec::new(),
    };
    let unpin = match &card {
        CardKey::Aws(arn) if ctx.links.iter().all(|l| !l.touches(&card)) => {
            let unpin = ctx.unpin.clone();
            let arn = arn.clone();
            Some(html! {
                <button type="button" class="btn btn-quiet" data-action="unpin"
                    onclick={Callback::from(move |_: MouseEvent| unpin.emit(arn.clone()))}>{ "Remove from canvas" }</button>
            })
        }
        _ => None,
    };
    let actions_html = (!actions.is_empty() || unpin.is_some()).then(|| html! {
        <div class="card-actions">
            { for actions.iter().map(|(pick, label, action)| {
                let open = *mode == Mode::Picking(*pick);
                html! {
                    <button type="button" class="btn card-action" data-action={*action}
                        aria-expanded={if open { "true" } else { "false" }}
                        onclick={set_mode(if open { Mode::Normal } else { Mode::Picking(*pick) })}>{ *label }</button>
                }
            }) }
            { for unpin }
        </div>
    });
    let picker = match *mode {
        Mode::Picking(pick) => {
            let options = {
                let scenario = std::rc::Rc::clone(scenario);
                let managed = managed.clone();
                let card = card.clone();
                Callback::from(move |q: String| pick_options(&scenario, &managed, &card, pick, &q))
            };
            let on_pick = {
                let store = store.clone();
                let card = card.clone();
                let mode = mode.clone();
                let error = error.clone();
                let announce = ctx.announce.clone();
                Callback::from(move |option: PickOption| {
                    match apply_pick(&store, &card, pick, &option) {
                        Ok(done) => {
                            mode.set(Mode::Normal);
                            error.set(None);
                            announce.emit(done);
                            focus_later(card_selector(&card));
                        }
                        Err(e) => error.set(Some(e.message)),
                    }
                })
            };
            let on_close = {
                let mode = mode.clone();
                let card = card.clone();
                let error = error.clone();
                Callback::from(move |()| {
                    mode.set(Mode::Normal);
                    error.set(None);
                    focus_later(card_selector(&card));
                })
            };
            let (label, empty) = match pick {
                Pick::Group => (
                    format!("Add {} to a group", card.name()),
                    "No other group. Add one in the Groups lane.",
                ),
                Pick::Member => (
                    format!("Add a user to {}", card.name()),
                    "Every user is already a member.",
                ),
                Pick::Policy => (
                    format!("Attach a policy to {} {}", card.kind(), card.name()),
                    "No policy has that name.",
                ),
                Pick::Boundary => (
                    format!(
                        "Set the permissions boundary of {} {}",
                        card.kind(),
                        card.name()
                    ),
                    "No policy has that name.",
                ),
                Pick::Identity => (
                    format!("Attach {} to a user, group or role", card.name()),
                    "No user, group or role left to attach it to.",
                ),
            };
            html! {
                <Picker label={label} {options} {on_pick} {on_close} empty={empty} error={(*error).clone()} />
            }
        }
        _ => html! {},
    };
    let confirm = (*mode == Mode::ConfirmDelete).then(|| {
        let yes = {
            let store = store.clone();
            let card = card.clone();
            let mode = mode.clone();
            let error = error.clone();
            let announce = ctx.announce.clone();
            Callback::from(move |_: MouseEvent| {
                // Keep the keyboard near: the next card of the lane, else the lane's add button.
                let next = gloo::utils::document()
                    .query_selector(&card_selector(&card))
                    .ok()
                    .flatten()
                    .map(|el| {
                        let sibling = el
                            .next_element_sibling()
                            .or_else(|| el.previous_element_sibling())
                            .and_then(|s| s.get_attribute("data-card"));
                        let lane = el
                            .closest(".lane")
                            .ok()
                            .flatten()
                            .and_then(|l| l.get_attribute("data-lane"));
                        (sibling, lane)
                    });
                match delete(&store, &card) {
                    Ok(()) => {
                        mode.set(Mode::Normal);
                        announce.emit(format!("Deleted {} {}.", card.kind(), card.name()));
                        let target = match next {
                            Some((Some(key), _)) => format!("[data-card=\"{key}\"]"),
                            Some((None, Some(lane))) => format!("[data-lane=\"{lane}\"] .lane-add"),
                            _ => ".tabs [aria-selected=\"true\"]".to_owned(),
                        };
                        focus_later(target);
                    }
                    Err(e) => error.set(Some(e.message)),
                }
            })
        };
        let no = {
            let mode = mode.clone();
            let selector = selector.clone();
            Callback::from(move |_: MouseEvent| {
                mode.set(Mode::Normal);
                focus_now(&selector);
            })
        };
        html! {
            <div class="confirm" role="group" aria-label={format!("Confirm deleting {} {}", card.kind(), card.name())}>
                <p>{ format!("Delete {} {}? ", card.kind(), card.name()) }{ delete_consequence(&card) }</p>
                <button ref={confirm_ref.clone()} type="button" class="btn btn-primary btn-delete" data-action="confirm-delete" onclick={yes}>{ "Delete" }</button>
                <button type="button" class="btn btn-quiet" data-action="cancel-delete" onclick={no}>{ "Cancel" }</button>
                if let Some(message) = &*error {
                    <p class="field-error" role="alert">{ message }</p>
                }
            </div>
        }
    });
    let other_error = matches!(*mode, Mode::Normal | Mode::Menu)
        .then(|| (*error).clone())
        .flatten()
        .map(|message| html! { <p class="field-error" role="alert">{ message }</p> });
    let drop_hint = drop_ok.then(|| {
        let words = match (&ctx.dragging, &card) {
            (Some(CardKey::User(_)), CardKey::Group(_)) => "Drop to add to this group",
            (Some(CardKey::Group(_)), CardKey::User(_)) => "Drop to add this user to the group",
            _ => "Drop to attach here",
        };
        html! { <p class="drop-hint">{ words }</p> }
    });

    let class = classes!(
        "card",
        format!("card-{}", card_class(&card)),
        selected.then_some("selected"),
        drop_ok.then_some("drop-ok"),
        (*drop_depth > 0).then_some("drop-hover"),
        linked.then_some("linked"),
        is_active.then_some("active"),
        (ctx.dragging.as_ref() == Some(&card)).then_some("dragging")
    );
    html! {
        <article ref={card_ref} {class} data-card={card.dom_key()} tabindex="0" aria-label={title}
            aria-current={selected.then_some("true")}
            draggable={if draggable { "true" } else { "false" }}
            {onclick} {onkeydown} {onmouseenter} {onmouseleave} {onfocusin} {onfocusout}
            {ondragstart} {ondragend} {ondragover} {ondragenter} {ondragleave} {ondrop}>
            <div class="card-head">
                <span class="card-kind">{ capitalise(card.kind()) }</span>
                { menu_button }
            </div>
            { name_part }
            { for menu }
            { for badges_html }
            { chips_html }
            { for actions_html }
            { picker }
            { for confirm }
            { for other_error }
            { for drop_hint }
        </article>
    }
}

/// The card's CSS modifier.
fn card_class(card: &CardKey) -> &'static str {
    match card {
        CardKey::Root => "root",
        CardKey::Organization => "organization",
        CardKey::User(_) => "user",
        CardKey::Group(_) => "group",
        CardKey::Role(_) => "role",
        CardKey::Policy(_) => "policy",
        CardKey::Aws(_) => "aws",
        CardKey::Resource(..) => "resource",
    }
}

/// "user" → "User", "AWS-managed policy" stays.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
