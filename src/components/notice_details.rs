//! The folded lists under an app-wide notice ([`crate::store::NoticeDetails`]): each group is a
//! keyboard toggle (a button with `aria-expanded`) showing its heading and count, and its items
//! are rendered only while it is open, so an import that left out hundreds of items adds a few
//! lines to the page, not hundreds. A first view shows no notice: the lists are a chunk of
//! their own in the release build (`notice_details`), fetched the first time a notice has them.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::prelude::*;

use crate::components::on_demand::use_on_demand;
use crate::store::NoticeDetails;

/// The notice's details.
#[derive(Properties, PartialEq, Clone)]
pub struct NoticeDetailsProps {
    /// The groups to show folded.
    pub details: Rc<NoticeDetails>,
}

/// Renders the details. A plain function pointer: the split build returns it from the chunk.
type Render = fn(&NoticeDetailsProps) -> Html;

fn render(props: &NoticeDetailsProps) -> Html {
    html! { <Groups ..props.clone() /> }
}

crate::split::split_point!(notice_details: fn details() -> Render { render });

/// The groups of a notice's details: at once when their code is here, else a short status.
#[component]
pub fn NoticeDetailsView(props: &NoticeDetailsProps) -> Html {
    let label = AttrValue::Static("the details");
    match use_on_demand((), loaded(), load, label, "notice-details") {
        Ok(render) => render(props),
        Err(status) => status,
    }
}

/// The groups of a notice's details, each folded until opened.
#[component]
fn Groups(props: &NoticeDetailsProps) -> Html {
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
