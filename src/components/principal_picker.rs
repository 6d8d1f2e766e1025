//! A principal picker that stays light at a real account's size: a `<select>` of every choice
//! while there are few, and above [`SELECT_MAX`] a text field whose suggestions (a
//! `<datalist>`) are the few choices matching what is typed. A select of 6,000 principals was
//! 6,000 elements built, laid out and kept in the page for a list nobody scrolls; the field
//! renders at most [`SUGGESTIONS`] of them, and the browser's own suggestion list keeps it
//! usable from the keyboard (type, then the arrow keys and Enter).

use std::rc::Rc;

use iam_engine::workbench::request::PrincipalChoice;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::text::thousands;

/// The most choices shown as a `<select>`; above it the picker is a searchable field.
pub const SELECT_MAX: usize = 300;

/// How many matching choices the searchable field suggests.
pub const SUGGESTIONS: usize = 30;

/// Props of [`PrincipalPicker`].
#[derive(Properties, PartialEq)]
pub struct PrincipalPickerProps {
    /// The control's `name` (forms and tests find it by name).
    pub name: AttrValue,
    /// The principal chosen now (a choice's value, or free text where allowed).
    pub value: AttrValue,
    /// Every choice, in order.
    pub choices: Rc<Vec<PrincipalChoice>>,
    /// Called with the picked principal's value.
    pub on_pick: Callback<String>,
    /// Whether typed text that is no choice is a principal too (the simulator takes any caller
    /// ARN); otherwise only a choice's value is passed on.
    #[prop_or_default]
    pub free_text: bool,
    /// A first, disabled option shown while nothing is chosen ("Pick a principal…").
    #[prop_or_default]
    pub prompt: Option<AttrValue>,
    /// Placeholder of the searchable field.
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
}

/// The choices matching `typed` (case-insensitive, in the value or the words), at most `limit`:
/// those starting with it first, then the others, each group in the list's order.
fn matching<'a>(
    choices: &'a [PrincipalChoice],
    typed: &str,
    limit: usize,
) -> Vec<&'a PrincipalChoice> {
    let needle = typed.trim().to_lowercase();
    if needle.is_empty() {
        return choices.iter().take(limit).collect();
    }
    let mut starting = Vec::new();
    let mut containing = Vec::new();
    for c in choices {
        let value = c.value.to_lowercase();
        let name = value.rsplit('/').next().unwrap_or(&value);
        if value.starts_with(&needle) || name.starts_with(&needle) {
            starting.push(c);
            if starting.len() >= limit {
                break;
            }
        } else if containing.len() < limit
            && (value.contains(&needle) || c.label.to_lowercase().contains(&needle))
        {
            containing.push(c);
        }
    }
    starting.extend(containing);
    starting.truncate(limit);
    starting
}

/// The picker.
#[component]
pub fn PrincipalPicker(props: &PrincipalPickerProps) -> Html {
    let large = props.choices.len() > SELECT_MAX;
    // What the searchable field shows: the chosen principal until the user types.
    let typed = use_state(|| props.value.to_string());
    {
        let typed = typed.clone();
        use_effect_with(props.value.clone(), move |value| {
            if *typed != value.as_str() {
                typed.set(value.to_string());
            }
        });
    }
    // A select keeps the option the user last picked even when its `selected` attributes
    // change, so the chosen value is also set as a property after each render.
    let select = use_node_ref();
    {
        let select = select.clone();
        let value = props.value.clone();
        use_effect(move || {
            if let Some(el) = select.cast::<HtmlSelectElement>() {
                el.set_value(&value);
            }
        });
    }
    if !large {
        let onchange = props
            .on_pick
            .reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
        return html! {
            <select name={props.name.clone()} {onchange} ref={select}>
                if let Some(prompt) = &props.prompt {
                    <option value="" selected={props.value.is_empty()} disabled=true>{ prompt.clone() }</option>
                }
                { for props.choices.iter().map(|c| html! {
                    <option value={c.value.clone()} selected={*c.value == *props.value}>{ c.label.clone() }</option>
                }) }
            </select>
        };
    }
    let list_id = format!("{}-options", props.name);
    let hint_id = format!("{}-hint", props.name);
    let oninput = {
        let typed = typed.clone();
        let on_pick = props.on_pick.clone();
        let choices = Rc::clone(&props.choices);
        let free_text = props.free_text;
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            let known = choices.iter().any(|c| c.value == v.trim());
            typed.set(v.clone());
            if free_text || known {
                on_pick.emit(v.trim().to_string());
            }
        })
    };
    let suggestions = matching(&props.choices, &typed, SUGGESTIONS);
    let hint = format!(
        "{} principals: type part of a name to see matching ones.",
        thousands(props.choices.len())
    );
    html! {
        <>
            <input type="text" name={props.name.clone()} list={list_id.clone()} value={(*typed).clone()}
                {oninput} spellcheck="false" autocomplete="off" aria-describedby={hint_id.clone()}
                placeholder={props.placeholder.clone().unwrap_or_else(|| AttrValue::from("Type a name"))} />
            <datalist id={list_id}>
                { for suggestions.into_iter().map(|c| html! { <option value={c.value.clone()}>{ c.label.clone() }</option> }) }
            </datalist>
            <small class="muted picker-hint" id={hint_id}>{ hint }</small>
        </>
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn choice(value: &str, label: &str) -> PrincipalChoice {
        PrincipalChoice {
            value: value.to_string(),
            label: label.to_string(),
        }
    }

    #[test]
    fn names_starting_with_the_text_come_first_then_the_ones_containing_it() {
        let choices = vec![
            choice("root", "the root user"),
            choice("user/bob-deploy", "user bob-deploy"),
            choice("role/deploy", "role deploy (a session)"),
            choice("role/Deployer", "role Deployer (a session)"),
            choice("user/alice", "user alice"),
        ];
        let found: Vec<&str> = matching(&choices, "DEPLOY", 10)
            .iter()
            .map(|c| c.value.as_str())
            .collect();
        assert_eq!(found, ["role/deploy", "role/Deployer", "user/bob-deploy"]);
        assert_eq!(matching(&choices, "root user", 10).len(), 1);
        assert_eq!(matching(&choices, "", 2).len(), 2);
        assert_eq!(matching(&choices, "deploy", 1).len(), 1);
        assert!(matching(&choices, "nobody", 10).is_empty());
    }
}
