//! The page frame: header with the product name, footer with the version and the data status.

use iam_engine::catalog::Catalog;
use yew::prelude::*;

use crate::data::Loadable;

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

/// Formats a count with thousands separators, the way the UI shows numbers (22,091).
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_groups_digits_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(22091), "22,091");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
