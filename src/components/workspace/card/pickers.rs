//! A card's pickers: the buttons that open them ("Add to group…", "Attach policy…", "Attach
//! to…"), the picker itself with its options, and what a pick does (the same edits a drop
//! makes, or setting a boundary).

use iam_engine::catalog::ManagedPolicies;
use iam_engine::scenario::{EditError, PolicyRef, Scenario};
use yew::prelude::*;

use super::state::{CardState, Mode, Pick};
use crate::components::workspace::ctx::{
    CanvasCtx, card_selector, connect, focus_later, identity_from_dom_key,
};
use crate::components::workspace::links::CardKey;
use crate::components::workspace::options::policy_options;
use crate::components::workspace::picker::{PickOption, Picker};
use crate::data::Loadable;
use crate::store::{StoreHandle, edit, use_store};

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
            let policy =
                CardKey::from_policy(&store.scenario, &PolicyRef::from(option.value.clone()));
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
            let what = identity.to_string();
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

/// Properties of [`CardActions`] and [`CardPicker`].
#[derive(Properties, PartialEq)]
pub struct CardPickProps {
    /// The card.
    pub card: CardKey,
    /// The card's state.
    pub state: CardState,
}

/// The picker buttons a card offers, in order: (picker, label, `data-action`).
fn picks(card: &CardKey) -> Vec<(Pick, &'static str, &'static str)> {
    match card {
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
    }
}

/// A card's main actions: the picker buttons, and "Remove from canvas" for an AWS-managed
/// policy nothing uses.
#[component]
pub fn CardActions(props: &CardPickProps) -> Html {
    let Some(ctx) = use_context::<CanvasCtx>() else {
        return html! {};
    };
    let card = &props.card;
    let state = &props.state;
    let actions = picks(card);
    let unpin = match card {
        CardKey::Aws(arn) if ctx.links.iter().all(|l| !l.touches(card)) => {
            let unpin = ctx.unpin.clone();
            let arn = arn.clone();
            Some(html! {
                <button type="button" class="btn btn-quiet" data-action="unpin"
                    onclick={Callback::from(move |_: MouseEvent| unpin.emit(arn.clone()))}>{ "Remove from canvas" }</button>
            })
        }
        _ => None,
    };
    if actions.is_empty() && unpin.is_none() {
        return html! {};
    }
    html! {
        <div class="card-actions">
            { for actions.iter().map(|(pick, label, action)| {
                let open = *state.mode == Mode::Picking(*pick);
                html! {
                    <button type="button" class="btn card-action" data-action={*action}
                        aria-expanded={if open { "true" } else { "false" }}
                        onclick={state.switch_on_click(if open { Mode::Normal } else { Mode::Picking(*pick) })}>{ *label }</button>
                }
            }) }
            { for unpin }
        </div>
    }
}

/// The open picker of a card (nothing when none is open).
#[component]
pub fn CardPicker(props: &CardPickProps) -> Html {
    let store = use_store();
    let ctx = use_context::<CanvasCtx>();
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let (Some(store), Some(ctx), Mode::Picking(pick)) = (store, ctx, *props.state.mode) else {
        return html! {};
    };
    let card = props.card.clone();
    let CardState { mode, error, .. } = props.state.clone();
    let options = {
        let scenario = std::rc::Rc::clone(&store.scenario);
        let card = card.clone();
        Callback::from(move |q: String| pick_options(&scenario, &managed, &card, pick, &q))
    };
    let on_pick = {
        let store = store.clone();
        let card = card.clone();
        let mode = mode.clone();
        let error = error.clone();
        let announce = ctx.announce.clone();
        Callback::from(
            move |option: PickOption| match apply_pick(&store, &card, pick, &option) {
                Ok(done) => {
                    mode.set(Mode::Normal);
                    error.set(None);
                    announce.emit(done);
                    focus_later(card_selector(&card));
                }
                Err(e) => error.set(Some(e.message)),
            },
        )
    };
    let on_close = {
        let state = props.state.clone();
        let card = card.clone();
        Callback::from(move |()| {
            state.switch(Mode::Normal);
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
            format!("Attach a policy to {card}"),
            "No policy has that name.",
        ),
        Pick::Boundary => (
            format!("Set the permissions boundary of {card}"),
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
