//! One group of differences: newly allowed or newly denied, its service, access level and
//! resource region, its actions (folded when long) and its witness.

use std::rc::Rc;

use yew::prelude::*;

use super::witness::WitnessView;
use crate::analysis::protocol::ChangeGroupData;
use crate::text::thousands;

/// How many actions are listed before the rest are folded.
const LISTED: usize = 6;

/// Props of [`GroupItem`].
#[derive(Properties, PartialEq)]
pub struct GroupItemProps {
    /// The group.
    pub group: Rc<ChangeGroupData>,
    /// Whether the answer is about the scenario as it is.
    pub current: bool,
}

/// Where the group's actions flip, in words.
fn region(resource: &str) -> Html {
    match resource {
        "*" => html! { { "on every resource" } },
        r if r.contains(' ') => html! { { format!("on {r}") } },
        r => html! { <>{ "on " }<code>{ r.to_string() }</code></> },
    }
}

/// The group.
#[component]
pub fn GroupItem(props: &GroupItemProps) -> Html {
    let g = &props.group;
    let (kind, words) = if g.newly_allowed {
        ("allowed", "Newly allowed")
    } else {
        ("denied", "Newly denied")
    };
    let n = g.actions.len();
    let actions = |list: &[String]| {
        html! {
            <ul class="compare-actions">
                { for list.iter().map(|a| html! { <li><code>{ a.clone() }</code></li> }) }
            </ul>
        }
    };
    html! {
        <li class="compare-group" data-direction={kind} data-service={g.service.clone()}>
            <p class="compare-group-head">
                <span class="compare-direction" data-kind={kind}>{ words }</span>{ ": " }
                <strong>{ format!("{} {} {}", thousands(n), g.level.to_lowercase(), if n == 1 { "action" } else { "actions" }) }</strong>
                { format!(" on {} ", g.service) }{ region(&g.resource) }
            </p>
            if n <= LISTED {
                { actions(&g.actions) }
            } else {
                <details class="compare-actions-more">
                    <summary>{ format!("{}, … (all {})", g.actions.iter().take(3).cloned().collect::<Vec<_>>().join(", "), thousands(n)) }</summary>
                    { actions(&g.actions) }
                </details>
            }
            <WitnessView witness={Rc::new(g.witness.clone())} current={props.current} />
        </li>
    }
}
