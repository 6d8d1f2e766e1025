//! Embed mode (`?embed`): the playground without its chrome, for iframes in documentation.
//!
//! The URL is the one [`iam_engine::share::embed_url`] makes: the playground's own address with
//! `?embed` and these optional query parameters, then the share link's `#s=...` fragment:
//!
//! | parameter | values | effect |
//! | --- | --- | --- |
//! | `view` | compact views: `decision`, `try`, `tests`, `canvas`, `findings`; whole views: `policy` (or `workspace`), `simulate`, `export` | shows only that view; without it the policies and the simulation are shown one above the other ([`iam_engine::share::EmbedView`]) |
//! | `policy` | a policy text's name in words (`customer-managed policy ReadLogs`) | the policy the `try` view shows; without it, the one that decides the request |
//! | `readonly` | `1` (also `true` or bare) | the scenario cannot be changed; the request still can. The store refuses every scenario change (`Store::read_only`); the compact views have no edit affordance; the simulator keeps its request live and shows its policies read-only; the workspace, the export and the findings sit in a disabled fieldset; edit affordances are hidden, not greyed |
//! | `theme` | `light`, `dark` (`auto` or absent: the reader's system preference) | sets `data-theme` on the `<html>` element |
//!
//! The request the compact views start with is the one the share link's view state carries
//! (the `#s=` fragment), else the simulator's opening request. A bad `view` or `policy` is a
//! sentence in the embed, never a failure: the embed shows its default instead.
//!
//! The compact views are one file each: [`decision_card`], [`try_it`], [`saved_tests`] and
//! [`canvas`] (findings are the findings view as it is); [`request_form`] and [`verdict`] are
//! what they share. They call the engine's workbench through the simulator's hooks and hold
//! no IAM logic.
//!
//! Embed mode never reads or writes the reader's saved scenarios (see [`crate::storage`]).
//!
//! ## Messages to and from the host page
//!
//! - To the parent, on load and whenever the embed's content changes size (a
//!   `ResizeObserver`): `{ type: "iam-playground:height", height: <CSS pixels, an integer> }`,
//!   posted with target origin `*` (the height is not a secret, and the embed cannot know where
//!   it is embedded). The script served beside the app, `embed.js` (from `static/embed.js`),
//!   sizes the iframe that sent it; the embed snippet loads it.
//! - From the parent: `{ type: "iam-playground:height-request" }` asks for the height again
//!   (`embed.js` sends it when it starts, in case it missed the first post).
//! - From the parent (optional): `{ type: "iam-playground:theme", theme: "light" | "dark" | "auto" }`
//!   switches the theme later, for hosts with their own light/dark toggle.

pub mod canvas;
pub mod decision_card;
pub mod messages;
pub mod request_form;
pub mod saved_tests;
pub mod try_it;
pub mod verdict;

use iam_engine::catalog::Catalog;
use iam_engine::share::EmbedView as Shown;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

use crate::components::lazy::{LazyView, Part};
use crate::data::Loadable;
use crate::page::{playground_url, query_param};
use crate::store::NoticeLevel;

pub use messages::{
    HEIGHT_MESSAGE, HEIGHT_REQUEST_MESSAGE, THEME_MESSAGE, height_from_message, theme_param,
};

/// Sets or clears `data-theme` on the `<html>` element.
fn apply_theme(theme: Option<&str>) {
    if let Some(html) = gloo::utils::document().document_element() {
        let _ = match theme {
            Some(theme) => html.set_attribute("data-theme", theme),
            None => html.remove_attribute("data-theme"),
        };
    }
}

/// Posts the element's height to the parent page (when there is one).
fn post_height(element: &web_sys::Element) {
    let window = gloo::utils::window();
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if js_sys::Object::is(parent.as_ref(), window.as_ref()) {
        return;
    }
    let height = element.get_bounding_client_rect().height().ceil();
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"type".into(), &HEIGHT_MESSAGE.into());
    let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
    let _ = parent.post_message(&message, "*");
}

/// The embedded view.
#[component]
pub fn EmbedView() -> Html {
    let store = crate::store::use_store();
    let catalog = use_context::<Loadable<Catalog>>();
    let root = use_node_ref();
    let params = use_memo((), |_| {
        (
            Shown::from_param(query_param("view").as_deref()),
            query_param("policy").filter(|p| !p.trim().is_empty()),
            theme_param(query_param("theme").as_deref()),
        )
    });
    let (content, policy, theme) = (*params).clone();

    use_effect_with(theme, |theme| {
        apply_theme(*theme);
        // A host may switch the theme later by posting a theme message.
        let listener =
            gloo::events::EventListener::new(&gloo::utils::window(), "message", |event| {
                let Some(data) = event.dyn_ref::<web_sys::MessageEvent>().map(|e| e.data()) else {
                    return;
                };
                let field = |name: &str| {
                    js_sys::Reflect::get(&data, &name.into())
                        .ok()
                        .and_then(|v| v.as_string())
                };
                if data.is_object() && field("type").as_deref() == Some(THEME_MESSAGE) {
                    apply_theme(theme_param(field("theme").as_deref()));
                }
            });
        move || drop(listener)
    });
    {
        let root = root.clone();
        use_effect_with((), move |_| {
            let element = root.cast::<web_sys::Element>();
            let observer = element.as_ref().and_then(|element| {
                post_height(element);
                let observed = element.clone();
                let callback = Closure::<dyn FnMut()>::new(move || post_height(&observed));
                let observer =
                    web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
                observer.observe(element);
                // A host script that starts late asks for the height again.
                let asked = element.clone();
                let listener = gloo::events::EventListener::new(
                    &gloo::utils::window(),
                    "message",
                    move |event| {
                        let Some(data) = event.dyn_ref::<web_sys::MessageEvent>().map(|e| e.data())
                        else {
                            return;
                        };
                        let kind = js_sys::Reflect::get(&data, &"type".into())
                            .ok()
                            .and_then(|v| v.as_string());
                        if data.is_object() && kind.as_deref() == Some(HEIGHT_REQUEST_MESSAGE) {
                            post_height(&asked);
                        }
                    },
                );
                Some((observer, callback, listener))
            });
            move || {
                if let Some((observer, callback, listener)) = observer {
                    observer.disconnect();
                    drop(callback);
                    drop(listener);
                }
            }
        });
    }
    {
        let ready = match &catalog {
            Some(Loadable::Ready(c)) => Some(c.header().data_date.clone()),
            _ => None,
        };
        let store = store.clone();
        use_effect_with(ready, move |ready| {
            if let (Some(date), Some(store)) = (ready, store) {
                crate::storage::check_link_data_version(&store, date);
            }
        });
    }

    let Some(store) = store else {
        return html! {};
    };
    // The store refuses every scenario change of a read-only embed (`Store::read_only`); the
    // views hide their edit affordances and keep the request live.
    let readonly = store.read_only;
    let title = iam_engine::share::embed_title(&store.scenario.title);
    let notice = store.notice.clone().map(|notice| {
        let (class, role) = match notice.level {
            NoticeLevel::Info => ("notice notice-info", "status"),
            NoticeLevel::Warning => ("notice notice-warning", "status"),
            NoticeLevel::Error => ("notice notice-error", "alert"),
        };
        html! { <div class={class} {role}><span>{ notice.text }</span></div> }
    });
    let unknown_view = content.as_ref().err().map(|message| {
        html! { <p class="notice notice-warning embed-param-error" role="status">{ message.clone() }</p> }
    });
    let content = content.unwrap_or(Shown::PolicyAndSimulation);
    // Each view's code is a chunk of its own in the release build (crate::components::lazy).
    let lazy =
        |part: Part| html! { <LazyView {part} policy={policy.clone().map(AttrValue::from)} /> };
    let body = match content {
        Shown::PolicyAndSimulation => html! {
            <>
                <section class="embed-part" aria-label="Policies">
                    <Frozen {readonly}>{ lazy(Part::Workspace) }</Frozen>
                </section>
                <section class="embed-part" aria-label="Simulation">{ lazy(Part::Simulator) }</section>
            </>
        },
        Shown::Workspace => html! { <Frozen {readonly}>{ lazy(Part::Workspace) }</Frozen> },
        Shown::Simulate => lazy(Part::Simulator),
        Shown::Export => html! { <Frozen {readonly}>{ lazy(Part::Export) }</Frozen> },
        Shown::Findings => html! { <Frozen {readonly}>{ lazy(Part::Findings) }</Frozen> },
        Shown::Decision => lazy(Part::Decision),
        Shown::TryIt => lazy(Part::TryIt),
        Shown::Tests => lazy(Part::Tests),
        Shown::Canvas => lazy(Part::Canvas),
    };
    let compact = Shown::COMPACT.contains(&content);
    html! {
        <div class="embed-view" ref={root} data-view={content.id()}
            data-readonly={if readonly { "true" } else { "false" }}>
            <div class="embed-bar">
                <span class="embed-title">{ title }</span>
                if readonly {
                    <span class="embed-readonly-badge">{ "Read-only" }</span>
                }
                <a class="open-in-playground" href={playground_url()} target="_blank" rel="noopener">
                    { "Open in the playground" }
                    <span class="visually-hidden">{ " (opens in a new tab)" }</span>
                    <span aria-hidden="true">{ " ↗" }</span>
                </a>
            </div>
            { notice }
            { unknown_view }
            <div class={classes!("embed-body", compact.then_some("embed-compact"))}>
                { body }
            </div>
        </div>
    }
}

/// Props of [`Frozen`].
#[derive(Properties, PartialEq)]
struct FrozenProps {
    readonly: bool,
    children: Html,
}

/// Wraps a view made of scenario edits (the workspace, the export's import, the findings'
/// fixes) in a fieldset that a read-only embed disables: the reader can look and scroll, but
/// no control in it responds. The simulator is never wrapped: its request stays live, and its
/// own edit controls follow `Store::read_only`.
#[component]
fn Frozen(props: &FrozenProps) -> Html {
    html! {
        <fieldset class="embed-frozen" disabled={props.readonly}>
            <legend class="visually-hidden">{ if props.readonly { "Scenario (read-only)" } else { "Scenario" } }</legend>
            { props.children.clone() }
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::readonly_param;

    #[test]
    fn readonly_and_theme_parameters() {
        assert!(readonly_param(Some("1")));
        assert!(readonly_param(Some("")));
        assert!(readonly_param(Some("TRUE")));
        assert!(!readonly_param(Some("0")));
        assert!(!readonly_param(None));
        assert_eq!(theme_param(Some("dark")), Some("dark"));
        assert_eq!(theme_param(Some("auto")), None);
        assert_eq!(theme_param(Some("purple")), None);
    }
}
