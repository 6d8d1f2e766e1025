//! The scenario switcher: the named scenarios kept in this browser.
//!
//! It sits in the toolbar and shows the open scenario's name and whether it is saved. Its menu (a
//! native `<details>`, so it opens with Enter or Space and needs no script to be reachable)
//! renames the open scenario, starts a new empty one, duplicates it, opens another saved one and
//! deletes one after a confirmation. A scenario opened from a share link is not saved until the
//! user chooses "Keep this scenario", which the toolbar offers beside the name.
//!
//! The switcher also listens for `hashchange` (a share link pasted into the address bar of an
//! open page) and, once the catalog has loaded, checks the data version of a link opened at
//! startup, because it is the one component always on screen outside embed mode.

use iam_engine::catalog::Catalog;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::data::Loadable;
use crate::storage::{self, SlotInfo};
use crate::store::{Action, Notice, NoticeLevel};

/// "just now", "5 min ago", "3 h ago", "2 days ago": when a slot was last saved, relative to
/// `now` (both in milliseconds since 1970). An unknown time (0) gives an empty string.
pub fn saved_ago(now: f64, then: f64) -> String {
    if then <= 0.0 || !then.is_finite() || !now.is_finite() {
        return String::new();
    }
    let minutes = ((now - then) / 60_000.0).max(0.0).floor();
    if minutes < 1.0 {
        "saved just now".to_owned()
    } else if minutes < 60.0 {
        format!("saved {minutes} min ago")
    } else if minutes < 48.0 * 60.0 {
        format!("saved {} h ago", (minutes / 60.0).floor())
    } else {
        format!("saved {} days ago", (minutes / (24.0 * 60.0)).floor())
    }
}

/// Escapes text for a double-quoted CSS attribute selector value.
fn css_string(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Moves keyboard focus to the element `selector` names once the pending render is on screen
/// (a button that appears, or reappears, after a click).
fn focus_later(selector: String) {
    gloo::timers::callback::Timeout::new(0, move || {
        if let Some(el) = gloo::utils::document()
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    })
    .forget();
}

/// The switcher in the toolbar.
#[component]
pub fn ScenarioSwitcher() -> Html {
    let store = crate::store::use_store();
    let catalog = use_context::<Loadable<Catalog>>();
    let open = use_state(|| false);
    let details = use_node_ref();
    let draft = use_state(|| None::<String>);
    let rename_error = use_state(|| None::<String>);
    let confirming = use_state(|| None::<String>);

    {
        // A share link pasted into the address bar of this page opens like one at startup.
        let store = store.clone();
        use_effect_with((), move |_| {
            let listener = store.map(|store| {
                gloo::events::EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                    storage::open_link_from_location(&store);
                })
            });
            move || drop(listener)
        });
    }
    {
        let ready = match &catalog {
            Some(Loadable::Ready(c)) => Some(c.header().data_date.clone()),
            _ => None,
        };
        // Keyed on the slot too: a link pasted later opens under a new slot name, after the
        // catalog has long arrived.
        let slot = store.as_ref().map(|s| s.slot.clone());
        let store = store.clone();
        use_effect_with((ready, slot), move |(ready, _)| {
            if let (Some(date), Some(store)) = (ready, store) {
                storage::check_link_data_version(&store, date);
            }
        });
    }

    {
        // A click outside the open menu closes it, as menus do.
        let details = details.clone();
        let open_now = *open;
        use_effect_with(open_now, move |open_now| {
            let listener = open_now.then(|| {
                gloo::events::EventListener::new(&gloo::utils::document(), "click", move |event| {
                    let Some(menu) = details.cast::<web_sys::Element>() else {
                        return;
                    };
                    // The path is fixed when the event is dispatched, so it still holds a
                    // button that the menu's own click handler has since re-rendered away.
                    let menu_value: &wasm_bindgen::JsValue = menu.as_ref();
                    let inside = event
                        .composed_path()
                        .iter()
                        .any(|node| js_sys::Object::is(&node, menu_value));
                    if !inside {
                        let _ = menu.remove_attribute("open");
                    }
                })
            });
            move || drop(listener)
        });
    }

    {
        // A linked scenario the user has changed but not kept would be lost with the page:
        // the browser asks before leaving, as it does for an unsent form.
        let at_risk = store
            .as_ref()
            .is_some_and(|s| s.unsaved_copy && s.can_undo());
        use_effect_with(at_risk, |at_risk| {
            let listener = at_risk.then(|| {
                gloo::events::EventListener::new_with_options(
                    &gloo::utils::window(),
                    "beforeunload",
                    gloo::events::EventListenerOptions::enable_prevent_default(),
                    |event| {
                        event.prevent_default();
                        // Older browsers show the prompt only when `returnValue` is set.
                        let _ = js_sys::Reflect::set(event, &"returnValue".into(), &"".into());
                    },
                )
            });
            move || drop(listener)
        });
    }

    let Some(store) = store else {
        return html! {};
    };

    let close_menu = {
        let details = details.clone();
        let open = open.clone();
        move || {
            // The `open` attribute is the state of a `<details>` element.
            if let Some(el) = details.cast::<web_sys::Element>() {
                let _ = el.remove_attribute("open");
            }
            open.set(false);
        }
    };
    let ontoggle = {
        let open = open.clone();
        let details = details.clone();
        let draft = draft.clone();
        let rename_error = rename_error.clone();
        let confirming = confirming.clone();
        Callback::from(move |_: Event| {
            let is_open = details
                .cast::<web_sys::Element>()
                .is_some_and(|d| d.has_attribute("open"));
            open.set(is_open);
            draft.set(None);
            rename_error.set(None);
            confirming.set(None);
        })
    };
    let onkeydown = {
        let close_menu = close_menu.clone();
        let details = details.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                close_menu();
                // Back to the summary, so keyboard users stay where the menu was.
                if let Some(summary) = details
                    .cast::<web_sys::Element>()
                    .and_then(|d| d.query_selector("summary").ok().flatten())
                    .and_then(|s| s.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = summary.focus();
                }
            }
        })
    };

    let name_value = (*draft).clone().unwrap_or_else(|| store.slot.clone());
    let oninput = {
        let draft = draft.clone();
        let rename_error = rename_error.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                draft.set(Some(input.value()));
                rename_error.set(None);
            }
        })
    };
    let onrename = {
        let store = store.clone();
        let draft = draft.clone();
        let rename_error = rename_error.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(name) = (*draft).clone() else {
                return;
            };
            match storage::rename(&store, &name) {
                Ok(()) => {
                    draft.set(None);
                    rename_error.set(None);
                }
                Err(message) => rename_error.set(Some(message)),
            }
        })
    };
    let on_new = {
        let store = store.clone();
        let close_menu = close_menu.clone();
        Callback::from(move |_| {
            storage::new_scenario(&store);
            close_menu();
        })
    };
    let on_duplicate = {
        let store = store.clone();
        let close_menu = close_menu.clone();
        Callback::from(move |_| {
            storage::duplicate(&store);
            close_menu();
        })
    };
    let on_keep = {
        let store = store.clone();
        Callback::from(move |_| {
            // The name was free when the link opened; another tab may have taken it since.
            let name = storage::unique_slot_name(&store.slot);
            if let Err(text) = storage::keep(&store, &name) {
                store.dispatch(Action::SetNotice(Some(Notice {
                    details: None,
                    level: NoticeLevel::Error,
                    text,
                })));
            }
        })
    };

    let now = js_sys::Date::now();
    let slots: Vec<SlotInfo> = if *open { storage::list() } else { Vec::new() };
    let items = slots.iter().map(|slot| {
        let current = slot.name == store.slot && !store.unsaved_copy;
        let name = slot.name.clone();
        let on_open = {
            let store = store.clone();
            let name = name.clone();
            let close_menu = close_menu.clone();
            Callback::from(move |_| {
                storage::open_slot(&store, &name);
                close_menu();
            })
        };
        let ask_delete = {
            let confirming = confirming.clone();
            let name = name.clone();
            Callback::from(move |_| {
                confirming.set(Some(name.clone()));
                focus_later(".slot-delete-confirm".to_owned());
            })
        };
        let cancel_delete = {
            let confirming = confirming.clone();
            let name = name.clone();
            Callback::from(move |_| {
                confirming.set(None);
                focus_later(format!(".slot[data-slot=\"{}\"] .slot-delete", css_string(&name)));
            })
        };
        let do_delete = {
            let store = store.clone();
            let confirming = confirming.clone();
            let name = name.clone();
            Callback::from(move |_| {
                storage::delete(&store, &name);
                confirming.set(None);
            })
        };
        let title = (!slot.title.is_empty() && slot.title != slot.name)
            .then(|| html! { <span class="slot-title">{ &slot.title }</span> });
        let confirm = (confirming.as_deref() == Some(name.as_str())).then(|| {
            html! {
                <div class="slot-confirm" role="alert">
                    <span>{ format!("Delete “{name}” from this browser? This cannot be undone.") }</span>
                    <button type="button" class="btn btn-danger slot-delete-confirm" onclick={do_delete}>
                        { "Delete" }
                    </button>
                    <button type="button" class="btn btn-quiet" onclick={cancel_delete}>{ "Cancel" }</button>
                </div>
            }
        });
        html! {
            <li key={name.clone()} class={classes!("slot", current.then_some("current"))} data-slot={name.clone()}>
                <button type="button" class="btn btn-quiet slot-open" onclick={on_open}
                    aria-current={if current { "true" } else { "false" }}>
                    <span class="slot-name">{ &name }</span>
                    { title }
                    <span class="slot-updated">{ if current { "open now".to_owned() } else { saved_ago(now, slot.updated) } }</span>
                </button>
                <button type="button" class="btn btn-quiet btn-danger slot-delete" onclick={ask_delete}
                    aria-label={format!("Delete {name}")}>
                    { "Delete…" }
                </button>
                { confirm }
            </li>
        }
    });
    let list = if !*open {
        html! {}
    } else if slots.is_empty() {
        html! { <p class="muted">{ "Nothing is saved in this browser yet." }</p> }
    } else {
        html! { <ul class="slot-list">{ for items }</ul> }
    };

    let state = if store.unsaved_copy {
        html! { <span class="save-state unsaved">{ "not saved" }</span> }
    } else {
        html! { <SavedPlace slot={store.slot.clone()} /> }
    };
    let state_words = if store.unsaved_copy {
        "not saved".to_owned()
    } else {
        storage::where_saved(&store.slot).map_or_else(
            || "not saved yet".to_owned(),
            |(place, bytes)| storage::describe_place(place, bytes),
        )
    };
    let keep = store.unsaved_copy.then(|| {
        html! {
            <button type="button" class="btn btn-primary keep-scenario" onclick={on_keep}
                title="Save this linked scenario in this browser, as a new scenario beside yours">
                { "Keep this scenario" }
            </button>
        }
    });
    let error_id = "scenario-name-error";
    html! {
        <div class="scenario-switcher">
            <details class="scenario-menu" ref={details} {ontoggle} {onkeydown}>
                <summary class="btn scenario-summary" aria-label={format!("Scenario: {}, {state_words}. Open the scenarios menu", store.slot)}>
                    <span class="scenario-label">{ "Scenario" }</span>
                    <strong class="scenario-name">{ &store.slot }</strong>
                    { state }
                </summary>
                <div class="scenario-panel">
                    <form class="rename-form" onsubmit={onrename}>
                        <label for="scenario-name-input">{ if store.unsaved_copy { "Keep as" } else { "Name" } }</label>
                        <input id="scenario-name-input" type="text" value={name_value}
                            maxlength={storage::MAX_NAME_CHARS.to_string()} {oninput}
                            aria-invalid={if rename_error.is_some() { "true" } else { "false" }}
                            aria-describedby={rename_error.is_some().then_some(error_id)} />
                        <button type="submit" class="btn">{ if store.unsaved_copy { "Keep" } else { "Rename" } }</button>
                        if let Some(message) = (*rename_error).clone() {
                            <p id={error_id} class="field-error" role="alert">{ message }</p>
                        }
                    </form>
                    <div class="scenario-actions">
                        <button type="button" class="btn scenario-new" onclick={on_new}>{ "New empty scenario" }</button>
                        <button type="button" class="btn scenario-duplicate" onclick={on_duplicate}>{ "Duplicate" }</button>
                    </div>
                    if !store.unsaved_copy {
                        <SavedPlaceLine slot={store.slot.clone()} />
                    }
                    <h2 class="slot-heading">{ "Saved in this browser" }</h2>
                    { list }
                </div>
            </details>
            { keep }
        </div>
    }
}

/// What [`SavedPlace`] is told.
#[derive(Properties, PartialEq)]
struct SavedPlaceProps {
    /// The open scenario's slot.
    slot: String,
}

/// How big the open scenario is and where it is saved (`2.4 MB · saved in this browser's
/// IndexedDB`), read again after every write.
#[component]
fn SavedPlace(props: &SavedPlaceProps) -> Html {
    let place = storage::use_saved_place(&props.slot);
    let Some((place, bytes)) = place else {
        return html! { <span class="save-state unsaved" data-place="none">{ "not saved yet" }</span> };
    };
    let id = match place {
        storage::Place::LocalStorage => "local-storage",
        storage::Place::IndexedDb => "indexeddb",
        storage::Place::Memory => "memory",
    };
    // On a phone only the size fits beside the name; the menu's panel says where.
    html! {
        <span class="save-state" data-place={id}>
            <span class="save-size">{ crate::text::megabytes(bytes as f64) }</span>
            <span class="save-where">{ format!(" · {}", place.describe()) }</span>
        </span>
    }
}

/// The size and place of the open scenario in words, in the scenarios menu.
#[component]
fn SavedPlaceLine(props: &SavedPlaceProps) -> Html {
    let place = storage::use_saved_place(&props.slot);
    let text = place.map_or_else(
        || "Not saved in this browser yet.".to_owned(),
        |(place, bytes)| format!("This scenario: {}.", storage::describe_place(place, bytes)),
    );
    html! { <p class="muted saved-place-line">{ text }</p> }
}

#[cfg(test)]
mod tests {
    use super::{css_string, saved_ago};

    #[test]
    fn selector_values_are_escaped() {
        assert_eq!(css_string(r#"a "b" \ c"#), r#"a \"b\" \\ c"#);
    }

    #[test]
    fn saved_times_read_naturally() {
        let now = 10_000_000_000.0;
        assert_eq!(saved_ago(now, 0.0), "");
        assert_eq!(saved_ago(now, now - 20_000.0), "saved just now");
        assert_eq!(saved_ago(now, now - 5.0 * 60_000.0), "saved 5 min ago");
        assert_eq!(saved_ago(now, now - 3.0 * 3_600_000.0), "saved 3 h ago");
        assert_eq!(saved_ago(now, now - 72.0 * 3_600_000.0), "saved 3 days ago");
        // A clock that went backwards is "just now", not a negative time.
        assert_eq!(saved_ago(now, now + 60_000.0), "saved just now");
    }
}
