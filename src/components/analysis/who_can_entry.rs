//! One principal's who-can answer: who, how it is decided (allowed, conditional with the
//! condition in words, or denied by a guardrail), the deciding statements, who can reach a
//! role's session, and a button that opens the simulator on the request.

use std::rc::Rc;

use yew::prelude::*;

use super::simulate_button::SimulateButton;
use crate::analysis::protocol::{AccessKind, WhoCanRow, WhoKind};

/// A principal's kind in words.
fn kind_words(kind: WhoKind) -> &'static str {
    match kind {
        WhoKind::Root => "root user",
        WhoKind::User => "user",
        WhoKind::Role => "role session",
        WhoKind::External => "other account",
        WhoKind::Service => "AWS service",
        WhoKind::Anyone => "anyone",
    }
}

/// Props of [`WhoCanEntry`].
#[derive(Properties, PartialEq)]
pub struct WhoCanEntryProps {
    /// The answer.
    pub row: Rc<WhoCanRow>,
    /// Whether it is about the scenario as it is.
    pub current: bool,
}

/// The entry.
#[component]
pub fn WhoCanEntry(props: &WhoCanEntryProps) -> Html {
    let r = &props.row;
    let (access, class) = match r.access {
        AccessKind::Allowed => ("Allowed", "access-allowed"),
        AccessKind::Conditional => ("Conditional", "access-conditional"),
        AccessKind::Denied => ("Denied by a guardrail", "access-denied"),
    };
    html! {
        <li class={classes!("who-can-entry", class)} data-principal={r.principal.clone()}
            data-access={format!("{:?}", r.access).to_lowercase()}>
            <div class="who-can-head">
                <span class="who-can-principal"><code>{ r.principal.clone() }</code>
                    <span class="muted">{ format!(" {}", kind_words(r.kind)) }</span></span>
                <span class={classes!("access-badge", class)}>{ access }</span>
                if props.current {
                    <SimulateButton request={Rc::new(r.request.clone())} />
                }
            </div>
            <ul class="who-can-reasons">
                { for r.request.statements.iter().map(|s| html! { <li>{ format!("by {s}") }</li> }) }
                { for r.conditions.iter().map(|c| html! { <li class="who-can-condition">{ c.clone() }</li> }) }
                { for r.denied_by.iter().map(|d| html! { <li class="who-can-denied">{ d.clone() }</li> }) }
                { for r.assumed_by.iter().map(|chain| html! {
                    <li class="who-can-chain">{ format!("reachable as {}", chain.join(" → ")) }</li>
                }) }
            </ul>
        </li>
    }
}
