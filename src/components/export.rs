//! The export and import view: CloudFormation templates and account authorization details.

use yew::prelude::*;

/// The export and import view.
#[component]
pub fn ExportView() -> Html {
    html! { <div class="export-view"><p>{ "Export is being built." }</p></div> }
}
