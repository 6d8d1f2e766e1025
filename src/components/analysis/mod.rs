//! The analysis view: questions about the whole account, answered by the engine in the
//! analysis worker (`crate::analysis`): who can do an action on a resource, and every path by
//! which a principal that is not an admin can become one, with each path's smallest fix.
//!
//! The view holds no IAM logic and stores nothing derived: the answers come from the worker
//! tagged with the scenario revision they answer (`use_who_can`, and the app's escalation
//! context), and an answer about an older revision is shown as out of date, its actions
//! disabled, until the new one arrives. One file per component:
//! - `who_can`: the who-can panel (`who_can_form`, `who_can_results`, `who_can_entry`);
//! - `what_can`: a principal's effective permissions (`what_can_results`, `what_can_service`);
//! - `escalation`: the paths to admin (`path_card`, `hop_item`, `path_fix`);
//! - `decided`: one request with its decision and deciding statements, and `simulate_button`,
//!   which opens the simulator on exactly that request (the Compare view's witnesses use it
//!   too).

pub mod decided;
mod escalation;
mod hop_item;
mod path_card;
mod path_fix;
mod simulate_button;
mod what_can;
mod what_can_results;
mod what_can_service;
mod who_can;
mod who_can_entry;
mod who_can_form;
mod who_can_results;

use yew::prelude::*;

pub use self::simulate_button::SimulateButton;

use self::escalation::EscalationPanel;
use self::what_can::WhatCanPanel;
use self::who_can::WhoCanPanel;

/// The analysis view.
#[component]
pub fn AnalysisView() -> Html {
    html! {
        <section class="analysis-view" aria-labelledby="analysis-title">
            <h2 id="analysis-title">{ "Account analysis" }</h2>
            <p class="muted analysis-intro">
                { "Questions about the whole account, each answer a decision of the simulator's engine, computed in the background." }
            </p>
            <div class="analysis-panels">
                <WhoCanPanel />
                <EscalationPanel />
                <WhatCanPanel />
            </div>
        </section>
    }
}
