//! A card's links written out as chips, each with a remove button: the same links the canvas
//! draws, readable where the lines are hidden (phones) and by screen readers.

use std::collections::HashMap;

use iam_engine::scenario::{EditError, IdentityRef, PolicyRef, Scenario};
use yew::prelude::*;

use super::state::CardState;
use crate::components::workspace::ctx::{CanvasCtx, card_selector, focus_later};
use crate::components::workspace::links::{CardKey, Link, LinkKind};
use crate::store::{StoreHandle, edit, use_store};

/// A written-out link of a card: its words, and how to remove it.
pub struct Chip {
    /// The link in words ("in Developers", "boundary: ReadOnly").
    pub text: String,
    /// What the link means.
    pub kind: LinkKind,
    /// The card at the other end.
    pub other: CardKey,
    /// The remove button's label.
    pub remove_label: String,
    /// How the link is removed.
    pub remove: Removal,
}

/// How a chip's link is removed.
#[derive(Clone)]
pub enum Removal {
    /// The user leaves the group.
    Membership {
        /// The user's name.
        user: String,
        /// The group's name.
        group: String,
    },
    /// The policy is detached from the identity.
    Detach(IdentityRef, PolicyRef),
    /// The identity's permissions boundary is removed.
    Boundary(IdentityRef),
}

/// Removes a chip's link through the engine; says what happened, in words.
pub fn remove(store: &StoreHandle, removal: &Removal) -> Result<String, EditError> {
    match removal {
        Removal::Membership { user, group } => {
            edit(store, format!("Remove {user} from {group}"), |s| {
                s.remove_user_from_group(user, group)
            })?;
            Ok(format!("Removed user {user} from group {group}."))
        }
        Removal::Detach(identity, policy) => {
            let what = identity.to_string();
            edit(
                store,
                format!("Detach {} from {what}", policy.name()),
                |s| s.detach_policy(identity, policy),
            )?;
            Ok(format!("Detached {} from {what}.", policy.name()))
        }
        Removal::Boundary(identity) => {
            let what = identity.to_string();
            edit(store, format!("Remove the boundary of {what}"), |s| {
                s.set_permissions_boundary(identity, None)
            })?;
            Ok(format!("Removed the permissions boundary of {what}."))
        }
    }
}

/// The chips of a card: every link it has, in words. A policy card's come from the scenario's
/// `links` through `policy_links` (see
/// [`links_by_policy`](crate::components::workspace::links::links_by_policy)).
pub fn chips(
    scenario: &Scenario,
    card: &CardKey,
    links: &[Link],
    policy_links: &HashMap<CardKey, Vec<usize>>,
) -> Vec<Chip> {
    let mut out = Vec::new();
    let attachments = |out: &mut Vec<Chip>,
                       identity: IdentityRef,
                       managed: &[PolicyRef],
                       boundary: Option<&PolicyRef>| {
        let owner = identity.to_string();
        for reference in managed {
            out.push(Chip {
                text: reference.name().to_owned(),
                kind: LinkKind::Attached,
                other: CardKey::from_policy(scenario, reference),
                remove_label: format!("Detach {} from {owner}", reference.name()),
                remove: Removal::Detach(identity.clone(), reference.clone()),
            });
        }
        if let Some(reference) = boundary {
            out.push(Chip {
                text: format!("boundary: {}", reference.name()),
                kind: LinkKind::Boundary,
                other: CardKey::from_policy(scenario, reference),
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
            // The policy's own links, from the canvas's index: the identities it is attached
            // to or bounds, in the scenario's order (looking at every identity of a real
            // account for each policy card shown made the workspace's first render long).
            let indexes = policy_links.get(card).map_or(&[][..], Vec::as_slice);
            for link in indexes.iter().filter_map(|&i| links.get(i)) {
                let Some(identity) = link.to.identity() else {
                    continue;
                };
                let what = identity.to_string();
                out.push(match link.kind {
                    LinkKind::Boundary => Chip {
                        text: format!("boundary of {what}"),
                        kind: LinkKind::Boundary,
                        other: link.to.clone(),
                        remove_label: format!("Remove the permissions boundary of {what}"),
                        remove: Removal::Boundary(identity),
                    },
                    _ => Chip {
                        text: format!("on {what}"),
                        kind: LinkKind::Attached,
                        other: link.to.clone(),
                        remove_label: format!("Detach {} from {what}", me.name()),
                        remove: Removal::Detach(identity, me.clone()),
                    },
                });
            }
        }
        CardKey::Root | CardKey::Organization | CardKey::Resource(..) => {}
    }
    out
}

/// Properties of [`Chips`].
#[derive(Properties, PartialEq)]
pub struct ChipsProps {
    /// The card whose links are listed.
    pub card: CardKey,
    /// The card under the pointer or focus, whose chip is lit.
    pub linked_to: Option<CardKey>,
    /// The card's state (a refused removal shows its error).
    pub state: CardState,
}

/// How many chips a card shows before "Show all": an AWS-managed policy of a real account can
/// be attached to hundreds of principals, and a card that lists them all is screens tall.
pub const CHIPS_SHOWN: usize = 12;

/// A card's chips (the first [`CHIPS_SHOWN`], then a button that shows the rest), or "Not
/// attached yet." for a policy without links.
#[component]
pub fn Chips(props: &ChipsProps) -> Html {
    let store = use_store();
    let ctx = use_context::<CanvasCtx>();
    let all = use_state(|| false);
    let (Some(store), Some(ctx)) = (store, ctx) else {
        return html! {};
    };
    let card = &props.card;
    let chip_list = chips(&store.scenario, card, &ctx.links, &ctx.policy_links);
    if chip_list.is_empty() {
        return match card {
            CardKey::Aws(_) | CardKey::Policy(_) => {
                html! { <p class="chips-none muted">{ "Not attached yet." }</p> }
            }
            _ => html! {},
        };
    }
    let selector = card_selector(card);
    let total = chip_list.len();
    let hidden = if *all {
        0
    } else {
        total.saturating_sub(CHIPS_SHOWN)
    };
    let more = (hidden > 0).then(|| {
        let all = all.clone();
        let onclick = Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            all.set(true);
        });
        html! {
            <li class="chip-more">
                <button type="button" class="btn btn-quiet chip-show-all" {onclick}
                    aria-label={format!("Show all {total} links of {card}")}>
                    { format!("+{} more", crate::text::thousands(hidden)) }
                </button>
            </li>
        }
    });
    html! {
        <ul class="chips" aria-label={format!("Links of {card}")}>
            { for chip_list.into_iter().take(total - hidden).map(|chip| {
                let onclick = {
                    let store = store.clone();
                    let removal = chip.remove.clone();
                    let announce = ctx.announce.clone();
                    let error = props.state.error.clone();
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
                let lit = props.linked_to.as_ref() == Some(&chip.other);
                html! {
                    <li class={classes!("chip", format!("chip-{}", chip.kind.id()), lit.then_some("chip-lit"))}
                        data-chip={chip.other.dom_key()}>
                        <span class="chip-text">{ chip.text }</span>
                        <button type="button" class="chip-remove" aria-label={chip.remove_label.clone()}
                            title={chip.remove_label} {onclick}>{ "×" }</button>
                    </li>
                }
            }) }
            { for more }
        </ul>
    }
}
