//! The Compare view: what the scenario as it is now grants or takes away compared with an
//! earlier version the user picks (an undo step, a scenario saved in this browser, a pasted
//! share link), each difference proved by a request that opens in the simulator.
//!
//! The view holds no IAM logic and stores nothing derived: the app runs the engine's change
//! review in the analysis worker (`crate::analysis::account::use_diff`) and shares the answer,
//! tagged with the revision and the version it compares, through a context; an answer about
//! another revision or version is shown as out of date, its buttons disabled, until the new one
//! arrives. One file per component:
//! - `picker`: what to compare with (`link_field`: a pasted share link);
//! - `results`: the status, the counts, the engine's summary sentences, a `principal` section
//!   per principal whose access changes, with its groups (`group`), each with its `witness`,
//!   and what the comparison does not model (`outside`).

mod group;
mod link_field;
mod outside;
mod picker;
mod principal;
mod results;
mod witness;

use yew::prelude::*;

use self::picker::ComparePicker;
use self::results::CompareResults;
use crate::store::use_store;

/// The view.
#[component]
pub fn CompareView() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let baseline = store.baseline();
    html! {
        <section class="compare-view" aria-labelledby="compare-title">
            <h2 id="compare-title">{ "Compare versions" }</h2>
            <p class="muted compare-intro">
                { "What the scenario as it is now grants or takes away compared with an earlier version: every principal whose access changes, each difference with a request whose decision flips. Computed in the background." }
            </p>
            <ComparePicker />
            if let Some(baseline) = baseline {
                <CompareResults {baseline} />
            } else {
                <div class="compare-empty" data-empty="">
                    <p><strong>{ "There is nothing to compare with yet." }</strong></p>
                    <p>{ "Make an edit (the version before it is compared with the scenario as it is now), pick a scenario saved in this browser, or paste a share link above." }</p>
                </div>
            }
        </section>
    }
}
