//! The page frame: header with the product name, footer with the version and the data status.

use iam_engine::catalog::Catalog;
use yew::prelude::*;

use crate::data::Loadable;
use crate::text::thousands;

/// The product name, as shown in the header and the page title.
pub const PRODUCT_NAME: &str = "IAM Policy Playground";

/// The top bar.
#[component]
pub fn Header() -> Html {
    html! {
        <header class="app-header">
            <h1 class="brand">
                <span class="brand-mark" aria-hidden="true">{ "{ }" }</span>
                { PRODUCT_NAME }
            </h1>
            <p class="tagline">{ "Simulate AWS IAM decisions in your browser. Nothing leaves the page." }</p>
        </header>
    }
}

/// The bottom bar with the engine version and whether the action catalog has arrived.
#[component]
pub fn Footer() -> Html {
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let data = match &catalog {
        Loadable::Loading => html! {
            <span class="data-status" data-state="loading">{ "Loading the AWS action catalog…" }</span>
        },
        Loadable::Ready(catalog) => {
            let header = catalog.header();
            html! {
                <span class="data-status" data-state="ready" title={format!("{} {} ({})", header.source, header.source_version, header.licence)}>
                    { format!(
                        "AWS data of {}: {} services, {} actions",
                        header.data_date,
                        thousands(header.counts.services),
                        thousands(header.counts.actions),
                    ) }
                </span>
            }
        }
        Loadable::Failed(message) => html! {
            <span class="data-status" data-state="failed" role="status">{ message.clone() }</span>
        },
    };
    html! {
        <footer class="app-footer">
            <span class="version">{ format!("Version {}", iam_engine::VERSION) }</span>
            { data }
            <span class="offline-note">{ "Runs entirely offline: no server, no account, no tracking." }</span>
        </footer>
    }
}
