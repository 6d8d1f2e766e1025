//! The root component: loads the AWS data, holds the [`Store`](crate::store::Store), and lays
//! out the header (scenario switcher, undo/redo), the tabs and the open view.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use iam_engine::catalog::{Catalog, ManagedPolicies};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::drop_import::DropImport;
use super::findings::ScenarioFindings;
use super::notice_details::NoticeDetailsView;
use super::scenarios::ScenarioSwitcher;
use super::shell::{Footer, Header};
use crate::analysis::account::{
    Comparison, DiffQuery, EscalationProgress, EscalationQuery, use_diff, use_escalation,
    use_scenario_findings,
};
use crate::components::lazy::{LazyView, Part};
use crate::data::{Loadable, load_catalog, load_managed_policies};
use crate::store::{Action, Notice, NoticeLevel, StoreHandle, View};

/// The app's whole page (an embed's is [`super::embed_app::EmbedApp`]). It restores the last
/// scenario (or opens a shared link) before the first render, starts loading the action
/// catalog and the managed policies after it, and shares both through contexts. In the split
/// build it and what only it uses (the saved scenarios, the analysis worker's client, the
/// header, the tabs) are the `app` chunk ([`crate::start`]), which an embed never fetches.
#[component]
pub fn App() -> Html {
    let store = use_reducer(crate::storage::startup);
    let (catalog, managed) = use_aws_data();
    {
        // Autosave on every change of the scenario.
        let store = store.clone();
        use_effect_with((store.revision, store.slot.clone()), move |_| {
            crate::storage::autosave(&store);
        });
    }
    {
        // Follow other tabs' saves of the open scenario with the store as rendered now.
        let store = store.clone();
        use_effect(move || crate::storage::follow_other_tabs(&store));
    }
    // Computed in the analysis worker (on the page where there is none), each policy text's
    // validation remembered from one revision to the next.
    let findings =
        use_scenario_findings(store.revision, Rc::clone(&store.scenario), catalog.ready());
    let escalation = use_account_escalation(&store, &managed);
    let comparison = use_account_diff(&store, &catalog, &managed);
    use_keyboard_shortcuts(store.clone());
    let view = store.view;
    // Each view's code is a chunk of its own in the release build (super::lazy).
    let part = match view {
        View::Workspace => Part::Workspace,
        View::Simulate => Part::Simulator,
        View::Analysis => Part::Analysis,
        View::Compare => Part::Compare,
        View::Findings => Part::Findings,
        View::Export => Part::Export,
        View::Share => Part::Share,
        View::Examples => Part::Gallery,
    };
    let body = html! { <LazyView key={view.id()} {part} /> };
    html! {
        <ContextProvider<StoreHandle> context={store.clone()}>
        <ContextProvider<Loadable<Catalog>> context={catalog.clone()}>
        <ContextProvider<Loadable<ManagedPolicies>> context={managed.clone()}>
        <ContextProvider<ScenarioFindings> context={findings.clone()}>
        <ContextProvider<EscalationProgress> context={escalation}>
        <ContextProvider<Comparison> context={comparison}>
            <div class="shell">
                <div class="topbar">
                    <Header />
                    <div class="toolbar" role="toolbar" aria-label="Scenario">
                        <ScenarioSwitcher />
                        <UndoRedo />
                    </div>
                </div>
                <Tabs />
                <NoticeBar />
                <main id="workspace" class={classes!("workspace", format!("view-{}", view.id()))}
                    aria-label={view.label()} data-view={view.id()}>
                    { body }
                </main>
                <Footer />
                <DropImport />
            </div>
        </ContextProvider<Comparison>>
        </ContextProvider<EscalationProgress>>
        </ContextProvider<ScenarioFindings>>
        </ContextProvider<Loadable<ManagedPolicies>>>
        </ContextProvider<Loadable<Catalog>>>
        </ContextProvider<StoreHandle>>
    }
}

/// How long edits must pause before the escalation analysis and the comparison follow, in
/// milliseconds.
const ESCALATION_DEBOUNCE_MS: u32 = 300;

/// The escalation analysis of the open scenario, in the analysis worker, once the AWS-managed
/// policies are here and after a pause in editing (not in an embed, which shows no analysis):
/// the analysis view, the canvas and the Findings badge read it from a context.
#[hook]
fn use_account_escalation(
    store: &StoreHandle,
    managed: &Loadable<ManagedPolicies>,
) -> EscalationProgress {
    let shown = use_state(|| (store.revision, Rc::clone(&store.scenario)));
    {
        let shown = shown.clone();
        let scenario = Rc::clone(&store.scenario);
        use_effect_with(store.revision, move |revision| {
            let revision = *revision;
            let timeout = (shown.0 != revision).then(|| {
                Timeout::new(ESCALATION_DEBOUNCE_MS, move || {
                    shown.set((revision, scenario))
                })
            });
            move || drop(timeout)
        });
    }
    let query = match managed {
        Loadable::Ready(m) if !crate::page::is_embed() => Some(EscalationQuery {
            revision: shown.0,
            scenario: Rc::clone(&shown.1),
            managed: Some(Rc::clone(m)),
            catalog: None,
        }),
        _ => None,
    };
    use_escalation(query)
}

/// `value` once it has stayed the same for `ms` milliseconds (the first value at once).
#[hook]
fn use_settled<T: Clone + PartialEq + 'static>(value: T, ms: u32) -> T {
    let settled = use_state(|| value.clone());
    {
        let settled = settled.clone();
        use_effect_with(value, move |value| {
            let timeout = (*settled != *value).then(|| {
                let value = value.clone();
                Timeout::new(ms, move || settled.set(value))
            });
            move || drop(timeout)
        });
    }
    (*settled).clone()
}

/// The change review of the open scenario against the version the Compare view picked, in
/// the analysis worker, once the catalog and the AWS-managed policies are here and after a
/// pause in editing (only once the Compare view has been opened, and not in an embed): the
/// Compare view and the canvas's cards read it from a context.
#[hook]
fn use_account_diff(
    store: &StoreHandle,
    catalog: &Loadable<Catalog>,
    managed: &Loadable<ManagedPolicies>,
) -> Comparison {
    let query = match (store.baseline(), catalog, managed) {
        (Some(baseline), Loadable::Ready(catalog), Loadable::Ready(managed))
            if !crate::page::is_embed() =>
        {
            Some(DiffQuery {
                revision: store.revision,
                scenario: Rc::clone(&store.scenario),
                before: baseline.scenario,
                managed: Rc::clone(managed),
                catalog: Rc::clone(catalog),
            })
        }
        _ => None,
    };
    let settled = use_settled(query, ESCALATION_DEBOUNCE_MS);
    use_diff(settled)
}

/// Ctrl+Z / Cmd+Z undoes, Ctrl+Shift+Z / Ctrl+Y redoes, everywhere on the page (text fields
/// included: every edit, typing too, goes through the app's history, so the browser's own
/// field undo would disagree with it).
#[hook]
pub(crate) fn use_keyboard_shortcuts(store: StoreHandle) {
    use_effect_with((), move |_| {
        let listener = gloo::events::EventListener::new_with_options(
            &gloo::utils::document(),
            "keydown",
            gloo::events::EventListenerOptions::enable_prevent_default(),
            move |event| {
                let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if !(event.ctrl_key() || event.meta_key()) || event.alt_key() {
                    return;
                }
                let key = event.key().to_ascii_lowercase();
                let action = match (key.as_str(), event.shift_key()) {
                    ("z", false) => Action::Undo,
                    ("z", true) | ("y", false) => Action::Redo,
                    _ => return,
                };
                event.prevent_default();
                store.dispatch(action);
            },
        );
        move || drop(listener)
    });
}

/// The undo and redo buttons, named after the step they would take.
#[component]
fn UndoRedo() -> Html {
    let Some(store) = crate::store::use_store() else {
        return html! {};
    };
    let undo = {
        let store = store.clone();
        Callback::from(move |_| store.dispatch(Action::Undo))
    };
    let redo = {
        let store = store.clone();
        Callback::from(move |_| store.dispatch(Action::Redo))
    };
    let undo_title = store
        .undo_label()
        .map(|l| format!("Undo: {l} (Ctrl+Z)"))
        .unwrap_or_else(|| "Nothing to undo".to_owned());
    let redo_title = store
        .redo_label()
        .map(|l| format!("Redo: {l} (Ctrl+Shift+Z)"))
        .unwrap_or_else(|| "Nothing to redo".to_owned());
    html! {
        <div class="undo-redo">
            <button type="button" class="btn" data-action="undo" onclick={undo}
                disabled={!store.can_undo()} title={undo_title.clone()} aria-label={undo_title}>
                { "↶ Undo" }
            </button>
            <button type="button" class="btn" data-action="redo" onclick={redo}
                disabled={!store.can_redo()} title={redo_title.clone()} aria-label={redo_title}>
                { "↷ Redo" }
            </button>
        </div>
    }
}

/// The view tabs: a WAI-ARIA tab list (arrow keys move between tabs).
#[component]
fn Tabs() -> Html {
    let Some(store) = crate::store::use_store() else {
        return html! {};
    };
    // Keep the current tab visible in the scrolling tab row (phones), without moving the page.
    use_effect_with(store.view, |view| {
        if let Some(el) = gloo::utils::document().get_element_by_id(&format!("tab-{}", view.id())) {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            options.set_inline(web_sys::ScrollLogicalPosition::Nearest);
            el.scroll_into_view_with_scroll_into_view_options(&options);
        }
    });
    let ScenarioFindings {
        findings,
        updating: findings_updating,
    } = use_context::<ScenarioFindings>().unwrap_or_default();
    let findings = findings.len();
    // Paths to admin count as findings, from the worker's analysis; while it follows an edit
    // the last count is shown marked as out of date.
    let escalation = use_context::<EscalationProgress>().unwrap_or_default();
    let paths = escalation
        .result
        .as_ref()
        .map(|r| (r.paths_to_admin(), r.revision == store.revision));
    let tabs = View::ALL.iter().enumerate().map(|(i, &view)| {
        let current = store.view == view;
        let onclick = {
            let store = store.clone();
            Callback::from(move |_| store.dispatch(Action::SetView(view)))
        };
        let onkeydown = {
            let store = store.clone();
            Callback::from(move |e: KeyboardEvent| {
                let n = View::ALL.len();
                let next = match e.key().as_str() {
                    "ArrowRight" => (i + 1) % n,
                    "ArrowLeft" => (i + n - 1) % n,
                    "Home" => 0,
                    "End" => n - 1,
                    _ => return,
                };
                e.prevent_default();
                if let Some(&v) = View::ALL.get(next) {
                    store.dispatch(Action::SetView(v));
                    focus_tab(v);
                }
            })
        };
        let (path_count, paths_up_to_date) = paths.unwrap_or((0, true));
        let total = findings + path_count;
        let badge = (view == View::Findings && total > 0).then(|| {
            let mut label = crate::text::count(findings, "finding", "findings");
            if findings_updating {
                label.push_str(" (updating)");
            }
            let up_to_date = paths_up_to_date && !findings_updating;
            if path_count > 0 {
                label.push_str(&format!(
                    ", {}",
                    crate::text::count(path_count, "path to admin", "paths to admin")
                ));
                if !paths_up_to_date {
                    label.push_str(" (updating)");
                }
            }
            html! {
                <span class={classes!("badge", (!up_to_date).then_some("badge-stale"))}
                    aria-label={label.clone()} title={label} data-paths={path_count.to_string()}>{ total }</span>
            }
        });
        html! {
            <button type="button" role="tab" id={format!("tab-{}", view.id())}
                class={classes!("tab", current.then_some("current"))}
                aria-selected={if current { "true" } else { "false" }}
                aria-controls="workspace" tabindex={if current { "0" } else { "-1" }}
                data-view={view.id()} {onclick} {onkeydown}>
                { view.label() }{ badge }
            </button>
        }
    });
    html! { <nav class="tabs" role="tablist" aria-label="Views">{ for tabs }</nav> }
}

/// Moves keyboard focus to a view's tab.
fn focus_tab(view: View) {
    if let Some(el) = gloo::utils::document().get_element_by_id(&format!("tab-{}", view.id()))
        && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
    {
        let _ = el.focus();
    }
}

/// The app-wide message, with a button to dismiss it.
#[component]
fn NoticeBar() -> Html {
    let Some(store) = crate::store::use_store() else {
        return html! {};
    };
    let Some(Notice {
        level,
        text,
        details,
    }) = store.notice.clone()
    else {
        return html! {};
    };
    let (class, role) = match level {
        NoticeLevel::Info => ("notice notice-info", "status"),
        NoticeLevel::Warning => ("notice notice-warning", "status"),
        NoticeLevel::Error => ("notice notice-error", "alert"),
    };
    let dismiss = Callback::from(move |_| store.dispatch(Action::SetNotice(None)));
    html! {
        <div class={class} {role} data-notice={format!("{level:?}").to_ascii_lowercase()}>
            <div class="notice-body">
                <span class="notice-text">{ text }</span>
                if let Some(details) = details {
                    <NoticeDetailsView {details} />
                }
            </div>
            <button type="button" class="btn btn-quiet" onclick={dismiss} aria-label="Dismiss message">{ "×" }</button>
        </div>
    }
}

/// The action catalog and the AWS-managed policies, loaded after the first render (the app's
/// and an embed's).
#[hook]
pub(crate) fn use_aws_data() -> (Loadable<Catalog>, Loadable<ManagedPolicies>) {
    let catalog = use_state(Loadable::<Catalog>::default);
    let managed = use_state(Loadable::<ManagedPolicies>::default);
    {
        let catalog = catalog.clone();
        let managed = managed.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                catalog.set(load_catalog().await);
                managed.set(load_managed_policies().await);
            });
        });
    }
    ((*catalog).clone(), (*managed).clone())
}
