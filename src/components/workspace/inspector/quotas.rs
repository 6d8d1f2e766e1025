//! The account panel's Quotas section: how much of each of AWS's IAM quotas the account uses.
//! The section is folded on a first view, so its content is a chunk of its own in the release
//! build (`quotas`, see [`crate::split`]), fetched the first time the section is open.

use iam_engine::scenario::Target;
use yew::prelude::*;

use super::fields::QuotaMeters;
use crate::components::on_demand::use_on_demand;
use crate::store::use_store;

/// Renders the meters. A plain function pointer: the split build returns it from the chunk.
type Render = fn() -> Html;

fn render() -> Html {
    html! { <Meters /> }
}

crate::split::split_point!(quotas: fn meters() -> Render { render });

/// The account's quota meters: at once when their chunk is here, else a short status.
#[component]
pub fn AccountQuotas() -> Html {
    let label = AttrValue::Static("the quotas");
    match use_on_demand((), loaded(), load, label, "") {
        Ok(render) => render(),
        Err(status) => status,
    }
}

/// The meters of the account's quotas.
#[component]
fn Meters() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    html! { <QuotaMeters meters={store.scenario.quota_meters(&Target::Account)} /> }
}
