//! A share link to compare with: pasted, read with the engine's share module when the user
//! asks; a bad link gives its message beside the field and nothing else changes.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::store::{Action, CompareWith, use_store};

/// The field and its button.
#[component]
pub fn LinkField() -> Html {
    let store = use_store();
    let text = use_state(String::new);
    let error = use_state(|| None::<String>);
    let Some(store) = store else {
        return html! {};
    };
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlInputElement>().value());
        })
    };
    let onsubmit = {
        let text = text.clone();
        let error = error.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match crate::storage::scenario_from_link(&text) {
                Ok(scenario) => {
                    error.set(None);
                    store.dispatch(Action::SetCompare(CompareWith::Link {
                        scenario: Rc::new(scenario),
                    }));
                }
                Err(message) => error.set(Some(message)),
            }
        })
    };
    html! {
        <form class="compare-link" {onsubmit}>
            <label>
                <span>{ "…or with a share link" }</span>
                <input type="text" name="compare-link" value={(*text).clone()} {oninput}
                    placeholder="https://…#s=…" autocomplete="off" spellcheck="false"
                    aria-invalid={error.is_some().then_some("true")}
                    aria-describedby={error.is_some().then_some("compare-link-error")} />
            </label>
            <button type="submit" class="btn" data-action="compare-link">{ "Compare with this link" }</button>
            if let Some(message) = (*error).clone() {
                <p class="field-error" id="compare-link-error" role="alert">{ message }</p>
            }
        </form>
    }
}
