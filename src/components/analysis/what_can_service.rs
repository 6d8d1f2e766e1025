//! One service's row of the what-can table: per access level, how many actions are allowed
//! of how many, with the conditional and removed counts; the row opens to list the actions.

use std::rc::Rc;

use yew::prelude::*;

use crate::analysis::protocol::ServiceRow;
use crate::text::thousands;

/// How many actions an open row lists per level and kind (the rest are counted).
const LISTED: usize = 20;

/// The access levels, as the table's columns (AWS's wording, as the engine gives it).
pub const LEVELS: [&str; 5] = ["List", "Read", "Write", "Permissions management", "Tagging"];

/// Props of [`WhatCanService`].
#[derive(Properties, PartialEq)]
pub struct WhatCanServiceProps {
    /// The service's answer.
    pub row: Rc<ServiceRow>,
}

/// `actions` joined, the first [`LISTED`] only, then how many more.
fn some_of(actions: &[String]) -> String {
    let mut text = actions
        .iter()
        .take(LISTED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if actions.len() > LISTED {
        text.push_str(&format!(" and {} more", thousands(actions.len() - LISTED)));
    }
    text
}

/// The row, and its actions when open.
#[component]
pub fn WhatCanService(props: &WhatCanServiceProps) -> Html {
    let open = use_state(|| false);
    let row = &props.row;
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    let cells = LEVELS.iter().map(|name| {
        let Some(level) = row.levels.iter().find(|l| l.level == *name) else {
            return html! { <td class="muted">{ "–" }</td> };
        };
        html! {
            <td data-level={*name}>
                <span class="what-can-count">{ format!("{}/{}", level.allowed.len(), level.total) }</span>
                if !level.conditional.is_empty() {
                    <span class="what-can-conditional" title="conditional">{ format!(" +{}?", level.conditional.len()) }</span>
                }
                if level.removed > 0 {
                    <span class="what-can-removed" title="removed by guardrails">{ format!(" −{}", level.removed) }</span>
                }
            </td>
        }
    });
    html! {
        <>
            <tr class="what-can-service" data-service={row.service.clone()}>
                <th scope="row">
                    <button type="button" class="what-can-toggle" aria-expanded={open.to_string()} onclick={toggle}>
                        <code>{ row.service.clone() }</code>
                    </button>
                    <span class="muted what-can-service-name">{ format!(" {}", row.name) }</span>
                </th>
                { for cells }
            </tr>
            if *open {
                <tr class="what-can-actions">
                    <td colspan="6">
                        <ul>
                            { for row.levels.iter().filter(|l| !l.allowed.is_empty() || !l.conditional.is_empty()).map(|l| html! {
                                <li>
                                    <strong>{ format!("{}: ", l.level) }</strong>
                                    if !l.allowed.is_empty() {
                                        <span>{ format!("allowed {}", some_of(&l.allowed)) }</span>
                                    }
                                    if !l.conditional.is_empty() {
                                        <span class="what-can-conditional">{ format!("{}conditional {}", if l.allowed.is_empty() { "" } else { "; " }, some_of(&l.conditional)) }</span>
                                    }
                                </li>
                            }) }
                            if row.allowed + row.conditional == 0 {
                                <li class="muted">{ format!("Guardrails remove all {} of its actions the policies allow.", thousands(row.removed)) }</li>
                            }
                        </ul>
                    </td>
                </tr>
            }
        </>
    }
}
