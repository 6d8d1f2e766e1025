//! The folded lists under an app-wide notice ([`crate::store::NoticeDetails`]): each group is a
//! keyboard toggle (a button with `aria-expanded`) showing its heading and count, and its items
//! are rendered only while it is open, so an import that left out hundreds of items adds a few
//! lines to the page, not hundreds.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::prelude::*;

use crate::store::NoticeDetails;

/// The notice's details.
#[derive(Properties, PartialEq)]
pub struct NoticeDetailsProps {
    /// The groups to show folded.
    pub details: Rc<NoticeDetails>,
}

/// The groups of a notice's details, each folded until opened.
#[component]
pub fn NoticeDetailsView(props: &NoticeDetailsProps) -> Html {
    let open = use_state(BTreeSet::<usize>::new);
    // Another notice (a later import) starts folded again.
    {
        let open = open.clone();
        use_effect_with(Rc::clone(&props.details), move |_| {
            open.set(BTreeSet::new())
        });
    }
    let groups = props.details.groups.iter().enumerate().map(|(i, group)| {
        let is_open = open.contains(&i);
        let toggle = {
            let open = open.clone();
            Callback::from(move |_| {
                let mut next = (*open).clone();
                if !next.remove(&i) {
                    next.insert(i);
                }
                open.set(next);
            })
        };
        let list_id = format!("notice-group-{i}");
        html! {
            <li class="notice-group" key={i}>
                <button type="button" class="notice-group-toggle" onclick={toggle}
                    aria-expanded={is_open.to_string()} aria-controls={is_open.then(|| list_id.clone())}>
                    <span class="notice-group-caret" aria-hidden="true">{ if is_open { "▾" } else { "▸" } }</span>
                    { group.heading.clone() }
                </button>
                if is_open {
                    <ul class="notice-group-items" id={list_id}>
                        { for group.items.iter().map(|item| html! { <li>{ item.clone() }</li> }) }
                    </ul>
                }
            </li>
        }
    });
    html! {
        <ul class="notice-groups">{ for groups }</ul>
    }
}
