//! The decision card (`view=decision`): one request, its decision and the deciding statement,
//! quoted. About 300 px tall in a column of prose; the reader may open "Try another request"
//! to change the request (never the scenario).

use yew::prelude::*;

use super::request_form::{RequestForm, principal_words, use_opening_request};
use super::verdict::Verdict;
use crate::components::simulator::{current_time, use_answer};
use crate::store::use_store;

/// The decision card.
#[component]
pub fn DecisionCard() -> Html {
    use_opening_request();
    let Some(store) = use_store() else {
        return html! {};
    };
    let now = use_state(current_time);
    let (_, answer) = use_answer(&store, (*now).clone(), 0);
    let request = &store.request;
    let resource = request.resource.trim();
    html! {
        <section class="embed-card" aria-label="Decision">
            <p class="card-request">
                <strong>{ principal_words(&store) }</strong>
                { " asks for " }<code class="card-action">{ request.action.clone() }</code>
                if !resource.is_empty() {
                    <>{ " on " }<code class="card-resource">{ resource.to_owned() }</code></>
                }
            </p>
            <Verdict answer={answer} quote=true />
            <details class="card-try">
                <summary>{ "Try another request" }</summary>
                <RequestForm />
            </details>
        </section>
    }
}
