//! A searchable list to pick one item from: the keyboard (and click) equivalent of dragging a
//! card onto another. It is a WAI-ARIA combobox: typing filters the list, the arrow keys move
//! the active option, Enter picks it, Escape closes the picker.

use std::sync::atomic::{AtomicUsize, Ordering};

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// One item of a picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickOption {
    /// What the picker hands back (a group name, a policy reference, a card key).
    pub value: String,
    /// The item's name as shown.
    pub label: String,
    /// A short description beside the name ("AWS managed", "customer managed").
    pub hint: String,
}

/// The picker's properties.
#[derive(Properties, PartialEq)]
pub struct PickerProps {
    /// The accessible name of the search field ("Add admin to a group").
    pub label: AttrValue,
    /// The options for a query (the text typed so far, possibly empty).
    pub options: Callback<String, Vec<PickOption>>,
    /// Called with the option picked.
    pub on_pick: Callback<PickOption>,
    /// Called when the user closes the picker (Escape or the Close button).
    pub on_close: Callback<()>,
    /// What the list says when nothing matches.
    #[prop_or(AttrValue::Static("Nothing matches."))]
    pub empty: AttrValue,
    /// The engine's message about the last pick, shown below the field.
    #[prop_or_default]
    pub error: Option<String>,
    /// When set, options can be dragged: called with the option when a drag starts and with
    /// `None` when it ends.
    #[prop_or_default]
    pub on_drag: Option<Callback<Option<PickOption>>>,
}

/// Gives each picker on the page its own element ids.
static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// A search field with a list box of options.
#[component]
pub fn Picker(props: &PickerProps) -> Html {
    let id = use_state(|| NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let query = use_state(String::new);
    let active = use_state(|| 0usize);
    let input = use_node_ref();
    {
        // The picker opens from a button; typing should start at once.
        let input = input.clone();
        use_effect_with((), move |_| {
            if let Some(el) = input.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let options = props.options.emit((*query).clone());
    let current = (*active).min(options.len().saturating_sub(1));
    let list_id = format!("picker-{}-list", *id);
    let option_id = |i: usize| format!("picker-{}-opt-{i}", *id);

    let oninput = {
        let query = query.clone();
        let active = active.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                query.set(el.value());
                active.set(0);
            }
        })
    };
    let onkeydown = {
        let active = active.clone();
        let options = options.clone();
        let on_pick = props.on_pick.clone();
        let on_close = props.on_close.clone();
        let options_for = props.options.clone();
        let rendered_query = (*query).clone();
        Callback::from(move |e: KeyboardEvent| {
            let n = options.len();
            match e.key().as_str() {
                "ArrowDown" if n > 0 => {
                    e.prevent_default();
                    active.set((current + 1) % n);
                }
                "ArrowUp" if n > 0 => {
                    e.prevent_default();
                    active.set((current + n - 1) % n);
                }
                "Home" if n > 0 && e.ctrl_key() => active.set(0),
                "End" if n > 0 && e.ctrl_key() => active.set(n - 1),
                "Enter" => {
                    e.prevent_default();
                    // A fast typist's Enter can arrive before the list re-rendered for the last
                    // keystroke: then pick from the field's text as it is now, not the old list.
                    let typed = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                        .map(|el| el.value());
                    let picked = match typed {
                        Some(typed) if typed != rendered_query => {
                            options_for.emit(typed).into_iter().next()
                        }
                        _ => options.get(current).cloned(),
                    };
                    if let Some(option) = picked {
                        on_pick.emit(option);
                    }
                }
                "Escape" => {
                    e.prevent_default();
                    e.stop_propagation();
                    on_close.emit(());
                }
                _ => {}
            }
        })
    };
    let items = options.iter().enumerate().map(|(i, option)| {
        let selected = i == current;
        let onclick = {
            let on_pick = props.on_pick.clone();
            let option = option.clone();
            Callback::from(move |_| on_pick.emit(option.clone()))
        };
        // Keep the focus in the search field while the pointer presses an option (unless the
        // option can be dragged: preventing the press would prevent the drag).
        let draggable = props.on_drag.is_some();
        let onmousedown = Callback::from(move |e: MouseEvent| {
            if !draggable {
                e.prevent_default();
            }
        });
        let ondragstart = props.on_drag.clone().map(|on_drag| {
            let option = option.clone();
            Callback::from(move |e: DragEvent| {
                if let Some(dt) = e.data_transfer() {
                    let _ = dt.set_data("text/plain", &option.value);
                    dt.set_effect_allowed("link");
                }
                on_drag.emit(Some(option.clone()));
            })
        });
        let ondragend = props
            .on_drag
            .clone()
            .map(|on_drag| Callback::from(move |_: DragEvent| on_drag.emit(None)));
        html! {
            <li id={option_id(i)} role="option" class={classes!("picker-option", selected.then_some("active"))}
                aria-selected={if selected { "true" } else { "false" }} data-value={option.value.clone()}
                draggable={draggable.then_some("true")}
                {onclick} {onmousedown} {ondragstart} {ondragend}>
                <span class="picker-label">{ &option.label }</span>
                <span class="picker-hint">{ &option.hint }</span>
            </li>
        }
    });
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| on_close.emit(()))
    };
    let active_descendant = (!options.is_empty()).then(|| option_id(current));
    let error_id = format!("picker-{}-error", *id);
    html! {
        <div class="picker" data-picker="">
            <div class="picker-field">
                <input ref={input} type="search" role="combobox" class="picker-input"
                    aria-label={props.label.clone()} aria-expanded="true" aria-autocomplete="list"
                    aria-controls={list_id.clone()} aria-activedescendant={active_descendant}
                    aria-invalid={props.error.is_some().then_some("true")}
                    aria-describedby={props.error.is_some().then(|| error_id.clone())}
                    placeholder="Type to filter" autocomplete="off" spellcheck="false"
                    value={(*query).clone()} {oninput} {onkeydown} />
                <button type="button" class="btn btn-quiet picker-close" onclick={close}>{ "Close" }</button>
            </div>
            if let Some(error) = &props.error {
                <p id={error_id} class="field-error" role="alert">{ error }</p>
            }
            <ul id={list_id} role="listbox" class="picker-list" aria-label={props.label.clone()}>
                { for items }
            </ul>
            if options.is_empty() {
                <p class="picker-empty muted">{ props.empty.clone() }</p>
            }
        </div>
    }
}
