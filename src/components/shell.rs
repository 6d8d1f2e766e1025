//! The page frame: header with the product name, footer with the version.

use yew::prelude::*;

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

/// The bottom bar with the engine version.
#[component]
pub fn Footer() -> Html {
    html! {
        <footer class="app-footer">
            <span class="version">{ format!("Version {}", iam_engine::VERSION) }</span>
            <span class="offline-note">{ "Runs entirely offline: no server, no account, no tracking." }</span>
        </footer>
    }
}
