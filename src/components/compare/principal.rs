//! One principal whose access changes: its counts and its groups of differences, a page of
//! groups at a time.

use std::rc::Rc;

use yew::prelude::*;

use super::group::GroupItem;
use crate::analysis::protocol::PrincipalChangeData;
use crate::text::thousands;

/// How many groups are rendered before "Show more".
const PAGE: usize = 10;

/// Props of [`PrincipalSection`].
#[derive(Properties, PartialEq)]
pub struct PrincipalSectionProps {
    /// What changes for the principal.
    pub change: Rc<PrincipalChangeData>,
    /// Whether the answer is about the scenario as it is (otherwise its buttons are disabled).
    pub current: bool,
}

/// The section.
#[component]
pub fn PrincipalSection(props: &PrincipalSectionProps) -> Html {
    let shown = use_state(|| PAGE);
    let c = &props.change;
    let id = format!(
        "compare-{}",
        c.principal
            .chars()
            .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '-' })
            .collect::<String>()
    );
    let left = c.groups.len().saturating_sub(*shown);
    let more = {
        let shown = shown.clone();
        Callback::from(move |_| shown.set(*shown + PAGE))
    };
    html! {
        <section class="compare-principal" data-principal={c.principal.clone()} aria-labelledby={id.clone()}>
            <h3 {id}>
                { c.label.clone() }
                <span class="compare-counts">
                    if c.newly_allowed > 0 {
                        <span class="compare-count" data-kind="allowed">{ format!("+{} newly allowed", thousands(c.newly_allowed)) }</span>
                    }
                    if c.newly_denied > 0 {
                        <span class="compare-count" data-kind="denied">{ format!("−{} newly denied", thousands(c.newly_denied)) }</span>
                    }
                </span>
            </h3>
            <ol class="compare-groups">
                { for c.groups.iter().take(*shown).enumerate().map(|(i, g)| html! {
                    <GroupItem key={i} group={Rc::new(g.clone())} current={props.current} />
                }) }
            </ol>
            if left > 0 {
                <button type="button" class="btn" data-action="more-groups" onclick={more}>
                    { format!("Show {} more groups ({} not shown)", PAGE.min(left), thousands(left)) }
                </button>
            }
        </section>
    }
}
