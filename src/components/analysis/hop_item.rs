//! One hop of a path: what it does, the catalog path it follows (its description and
//! references as links), and each request it makes with the statements that allow it.

use std::rc::Rc;

use yew::prelude::*;

use super::decided::Decided;
use crate::analysis::protocol::HopData;

/// Props of [`HopItem`].
#[derive(Properties, PartialEq)]
pub struct HopItemProps {
    /// The hop's number in the path.
    pub n: usize,
    /// The hop.
    pub hop: Rc<HopData>,
    /// Whether the analysis is about the scenario as it is.
    pub current: bool,
}

/// The hop.
#[component]
pub fn HopItem(props: &HopItemProps) -> Html {
    let hop = &props.hop;
    html! {
        <li class="hop" data-hop={hop.path_id.clone()}>
            <p class="hop-summary">
                <span class="hop-n">{ format!("Hop {}: ", props.n) }</span>{ hop.summary.clone() }
            </p>
            <p class="hop-catalog muted">
                <code>{ hop.path_id.clone() }</code>{ format!(" {} ({})", hop.title, hop.category) }
            </p>
            <ul class="hop-requests">
                { for hop.requests.iter().map(|r| html! {
                    <li><Decided request={Rc::new(r.clone())} current={props.current} /></li>
                }) }
            </ul>
            if let Some(edit) = &hop.edit {
                <p class="hop-edit">{ format!("Then it edits: {edit}") }</p>
            }
            if !hop.after_edit.is_empty() {
                <ul class="hop-requests hop-after-edit">
                    { for hop.after_edit.iter().map(|r| html! {
                        <li><Decided request={Rc::new(r.clone())} current={props.current} /></li>
                    }) }
                </ul>
            }
            <details class="hop-about">
                <summary>{ "What the catalog says" }</summary>
                <p>{ hop.description.clone() }</p>
            </details>
            if !hop.references.is_empty() {
                <ul class="hop-references">
                    { for hop.references.iter().map(|(title, url)| html! {
                        <li><a href={url.clone()} target="_blank" rel="noopener noreferrer">{ title.clone() }</a></li>
                    }) }
                </ul>
            }
        </li>
    }
}
