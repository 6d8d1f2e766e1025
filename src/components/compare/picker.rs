//! What to compare with: the undo history's versions and the scenarios saved in this browser in
//! one list, and a field for a share link.

use std::rc::Rc;

use iam_engine::scenario::Scenario;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::link_field::LinkField;
use crate::store::{Action, CompareWith, use_store};

/// The value of the list's option for "the version before the last edit".
const LAST_EDIT: &str = "last";

/// The picker.
#[component]
pub fn ComparePicker() -> Html {
    let store = use_store();
    let error = use_state(|| None::<String>);
    let select = use_node_ref();
    let steps: Vec<(String, Rc<Scenario>)> = store
        .as_ref()
        .map(|s| {
            s.history()
                .map(|(label, scenario)| (label.to_string(), Rc::clone(scenario)))
                .collect()
        })
        .unwrap_or_default();
    // The option shown as chosen.
    let chosen = match store.as_ref().and_then(|s| s.compare.as_ref()) {
        None | Some(CompareWith::LastEdit) => LAST_EDIT.to_string(),
        Some(CompareWith::Step { scenario, .. }) => steps
            .iter()
            .position(|(_, s)| Rc::ptr_eq(s, scenario))
            .map(|i| format!("step:{i}"))
            .unwrap_or_else(|| "kept".to_string()),
        Some(CompareWith::Saved { name, .. }) => format!("saved:{name}"),
        Some(CompareWith::Link { .. }) => "link".to_string(),
    };
    {
        // A select keeps the option the user last picked when its `selected` attributes
        // change, so the value is also set as a property after each render.
        let select = select.clone();
        let chosen = chosen.clone();
        use_effect(move || {
            if let Some(el) = select.cast::<HtmlSelectElement>() {
                el.set_value(&chosen);
            }
        });
    }
    let Some(store) = store else {
        return html! {};
    };
    let saved: Vec<String> = crate::storage::list()
        .into_iter()
        .map(|s| s.name)
        .filter(|name| *name != store.slot)
        .collect();
    let onchange = {
        let store = store.clone();
        let error = error.clone();
        let steps = steps.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let with = if value == LAST_EDIT {
                Some(CompareWith::LastEdit)
            } else if let Some(i) = value.strip_prefix("step:") {
                i.parse::<usize>()
                    .ok()
                    .and_then(|i| steps.get(i))
                    .map(|(label, scenario)| CompareWith::Step {
                        scenario: Rc::clone(scenario),
                        label: label.clone(),
                    })
            } else if let Some(name) = value.strip_prefix("saved:") {
                match crate::storage::read_slot(name) {
                    Ok(scenario) => Some(CompareWith::Saved {
                        name: name.to_string(),
                        scenario: Rc::new(scenario),
                    }),
                    Err(message) => {
                        error.set(Some(message));
                        return;
                    }
                }
            } else {
                None
            };
            if let Some(with) = with {
                error.set(None);
                store.dispatch(Action::SetCompare(with));
            }
        })
    };
    let last_words = match steps.first() {
        Some((label, _)) => format!("Before the last edit, “{label}”"),
        None => "Before the last edit (no edit yet)".to_string(),
    };
    html! {
        <div class="compare-picker">
            <label class="compare-with">
                <span>{ "Compare the scenario as it is now with" }</span>
                <select name="compare-with" ref={select} {onchange}
                    aria-describedby={error.is_some().then_some("compare-with-error")}>
                    <option value={LAST_EDIT} selected={chosen == LAST_EDIT}>{ last_words }</option>
                    if !steps.is_empty() {
                        <optgroup label="Undo history">
                            { for steps.iter().enumerate().map(|(i, (label, _))| {
                                let value = format!("step:{i}");
                                let selected = chosen == value;
                                html! {
                                    <option {selected} {value}>{ format!("before “{label}”") }</option>
                                }
                            }) }
                        </optgroup>
                    }
                    if chosen == "kept" {
                        <option value="kept" selected=true disabled=true>{ "An earlier version (no longer in the undo history)" }</option>
                    }
                    if !saved.is_empty() {
                        <optgroup label="Saved in this browser">
                            { for saved.iter().map(|name| {
                                let value = format!("saved:{name}");
                                let selected = chosen == value;
                                html! {
                                    <option {selected} {value}>{ name.clone() }</option>
                                }
                            }) }
                        </optgroup>
                    }
                    if chosen == "link" {
                        <option value="link" selected=true disabled=true>{ "The pasted share link" }</option>
                    }
                </select>
            </label>
            if let Some(message) = (*error).clone() {
                <p class="field-error" id="compare-with-error" role="alert">{ message }</p>
            }
            <LinkField />
        </div>
    }
}
