//! The action autocomplete the simulator's request panel and the analysis view's who-can
//! question share: a `<datalist>` of the catalog's actions matching what is typed, each with
//! its access level, which an input names with its `list` attribute.

use iam_engine::catalog::Catalog;
use iam_engine::workbench::request::ROOT_TASK_PREFIX;
use yew::prelude::*;

use crate::data::Loadable;

/// How many action suggestions the autocomplete lists.
const SUGGESTIONS: usize = 30;

/// Props of [`ActionOptions`].
#[derive(Properties, PartialEq)]
pub struct ActionOptionsProps {
    /// The datalist's id (the input's `list`).
    pub id: AttrValue,
    /// What the input holds. In a comma-separated list the last item is completed and the
    /// items before it are kept.
    pub text: AttrValue,
    /// Further options (the simulator's root-only tasks).
    #[prop_or_default]
    pub children: Html,
}

/// The suggestions for what is typed.
#[component]
pub fn ActionOptions(props: &ActionOptionsProps) -> Html {
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let text = props.text.trim();
    let (before, typed) = match text.rsplit_once(',') {
        Some((before, last)) => (format!("{before}, "), last.trim()),
        None => (String::new(), text),
    };
    let options: Vec<(String, String)> = match catalog.ready() {
        Some(c) if !typed.is_empty() && !typed.starts_with(ROOT_TASK_PREFIX) => c
            .search_actions(typed, SUGGESTIONS)
            .into_iter()
            .map(|a| {
                (
                    format!("{before}{}", a.full_name()),
                    a.access_level().as_str().to_string(),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    html! {
        <datalist id={props.id.clone()}>
            { for options.into_iter().map(|(value, level)| html! { <option {value}>{ level }</option> }) }
            { props.children.clone() }
        </datalist>
    }
}
