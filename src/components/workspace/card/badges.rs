//! A card's state badges: console password, MFA, access keys, members, sessions; the risky ones
//! marked as warnings.

use iam_engine::scenario::{ResourceKind, Scenario};
use yew::prelude::*;

use crate::components::workspace::links::CardKey;
use crate::store::use_store;
use crate::text::count;

/// A state badge: its words and whether it is a warning.
pub fn badges(scenario: &Scenario, card: &CardKey) -> Vec<(String, bool)> {
    let mut out = Vec::new();
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
                out.push((count(org.levels.len(), "level", "levels"), false));
                out.push((count(scps, "SCP", "SCPs"), false));
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
                        count(user.access_keys.len(), "access key", "access keys"),
                        false,
                    ));
                }
                if !user.inline_policies.is_empty() {
                    out.push((
                        count(
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
                out.push((count(members, "member", "members"), false));
                if !group.inline_policies.is_empty() {
                    out.push((
                        count(
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
                        count(
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
                let endpoint = *kind == ResourceKind::VpcEndpoint;
                let chip = match (endpoint, resource.policy.is_some()) {
                    (true, true) => "Has an endpoint policy",
                    (true, false) => "Default endpoint policy (full access)",
                    (false, true) => "Has a resource policy",
                    (false, false) => "No resource policy",
                };
                out.push((chip.to_owned(), false));
                if let Some(service) = resource.service_name.as_deref().filter(|_| endpoint) {
                    out.push((service.to_owned(), false));
                }
            }
        }
    }
    out
}

/// Properties of [`Badges`].
#[derive(Properties, PartialEq)]
pub struct BadgesProps {
    /// The card whose state is shown.
    pub card: CardKey,
}

/// A card's state badges (nothing when it has none).
#[component]
pub fn Badges(props: &BadgesProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let badge_list = badges(&store.scenario, &props.card);
    if badge_list.is_empty() {
        return html! {};
    }
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
}
