//! The line above the canvas while it draws an escalation path: whose path, its hops in words,
//! and buttons back to the analysis and to stop showing it. When the path is not in the
//! analysis of the scenario as it is (a fix removed it), it says so instead. It is a chunk
//! of the release build (`canvas_more`, with the open AWS-managed policy finder), fetched the
//! first time a path is shown: a first view draws none.

use std::rc::Rc;

use yew::prelude::*;

use crate::analysis::account::EscalationProgress;
use crate::analysis::protocol::PathData;
use crate::components::on_demand::use_on_demand;
use crate::store::{Action, View, use_store};

/// Props of [`PathBanner`].
#[derive(Properties, PartialEq, Clone)]
pub struct PathBannerProps {
    /// The key of the path asked for.
    pub path_key: String,
    /// The path, when the current analysis has it.
    pub path: Option<Rc<PathData>>,
}

/// Renders the banner. A plain function pointer: the split build returns it from the chunk.
type Render = fn(&PathBannerProps) -> Html;

fn render(props: &PathBannerProps) -> Html {
    html! { <Banner ..props.clone() /> }
}

crate::split::split_point!(canvas_more: fn banner() -> Render { render });

/// The banner: at once when its code is here, else a short status.
#[component]
pub fn PathBanner(props: &PathBannerProps) -> Html {
    let label = AttrValue::Static("the path");
    match use_on_demand((), loaded(), load, label, "path-banner") {
        Ok(render) => render(props),
        Err(status) => status,
    }
}

/// The banner itself.
#[component]
fn Banner(props: &PathBannerProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let progress = use_context::<EscalationProgress>().unwrap_or_default();
    let text = match &props.path {
        Some(path) => {
            let hops: Vec<String> = path
                .hops
                .iter()
                .map(|h| format!("{} ({}) → {}", h.from, h.path_id, h.to))
                .collect();
            format!(
                "Path to admin of {}: {}. Its cards and lines are highlighted.",
                path.principal,
                hops.join(", then ")
            )
        }
        None if progress.current(store.revision).is_none() => {
            "The analysis is following the last edit…".to_string()
        }
        None => "This path is no longer in the analysis of the scenario: it is fixed.".to_string(),
    };
    let back = {
        let store = store.clone();
        Callback::from(move |_| store.dispatch(Action::SetView(View::Analysis)))
    };
    let clear = Callback::from(move |_| store.dispatch(Action::ShowPath(None)));
    html! {
        <div class="path-banner" role="status" data-path={props.path_key.clone()}
            data-state={if props.path.is_some() { "shown" } else { "absent" }}>
            <p>{ text }</p>
            <div class="path-banner-actions">
                <button type="button" class="btn" data-action="back-to-analysis" onclick={back}>{ "Back to the analysis" }</button>
                <button type="button" class="btn btn-quiet" data-action="clear-path" onclick={clear}>{ "Stop showing" }</button>
            </div>
        </div>
    }
}
