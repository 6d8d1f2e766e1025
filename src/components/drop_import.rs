//! Files dropped anywhere on the page are imported: while a file is dragged over the page an
//! overlay says what dropping it does, and a drop takes the same path as the Export and import
//! view's file picker ([`super::export::import_files`]), which keyboard users keep. Drags that
//! carry no file (the workspace's own drag and drop) are left alone. It also shows a large
//! import's progress, wherever it was started ([`super::import_progress`]). The importing
//! itself is the export view's chunk in the split build, fetched by the first drop.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::export::FileImport;
use super::import_progress::ImportProgressBar;
use crate::split::LoadFailed;
use crate::store::{Action, Notice, NoticeLevel, StoreHandle};

/// Imports dropped files ([`super::export::import_files`]).
type Importer = fn(StoreHandle, Vec<web_sys::File>, Callback<FileImport>);

#[cfg(not(split_build))]
mod loader {
    use super::*;

    /// Without the split build the importer is in the one module.
    pub async fn importer() -> Result<Importer, LoadFailed> {
        Ok(crate::components::export::import_files)
    }
}

#[cfg(split_build)]
#[allow(unsafe_code)] // A split point is an extern import and export (see crate::split).
mod loader {
    use wasm_split_helpers::wasm_split;

    use super::*;

    /// The importer, with the export view's chunk.
    #[wasm_split(export, fallible)]
    pub fn importer() -> Result<Importer, LoadFailed> {
        Ok(crate::components::export::import_files)
    }
}

/// Whether a drag carries files from outside the page.
fn carries_files(event: &web_sys::DragEvent) -> bool {
    event
        .data_transfer()
        .is_some_and(|t| t.types().includes(&"Files".into(), 0))
}

/// The overlay shown while a file is dragged over the page, and the window's drag listeners.
#[component]
pub fn DropImport() -> Html {
    let store = crate::store::use_store();
    let active = use_state_eq(|| false);
    {
        let active = active.clone();
        let store = store.clone();
        use_effect_with((), move |_| {
            let window = gloo::utils::window();
            let options = gloo::events::EventListenerOptions::enable_prevent_default();
            let over = {
                let active = active.clone();
                move |event: &web_sys::Event| {
                    let Some(event) = event.dyn_ref::<web_sys::DragEvent>() else {
                        return;
                    };
                    if carries_files(event) {
                        // Without this the browser would open the file in place of the page.
                        event.prevent_default();
                        if let Some(t) = event.data_transfer() {
                            t.set_drop_effect("copy");
                        }
                        active.set(true);
                    }
                }
            };
            let listeners = vec![
                gloo::events::EventListener::new_with_options(
                    &window,
                    "dragenter",
                    options,
                    over.clone(),
                ),
                gloo::events::EventListener::new_with_options(&window, "dragover", options, over),
                {
                    let active = active.clone();
                    gloo::events::EventListener::new(&window, "dragleave", move |event| {
                        // Leaving the window: no element is entered next.
                        let left = event
                            .dyn_ref::<web_sys::DragEvent>()
                            .is_some_and(|e| e.related_target().is_none());
                        if left {
                            active.set(false);
                        }
                    })
                },
                {
                    let active = active.clone();
                    gloo::events::EventListener::new_with_options(
                        &window,
                        "drop",
                        options,
                        move |event| {
                            let Some(event) = event.dyn_ref::<web_sys::DragEvent>() else {
                                return;
                            };
                            if !carries_files(event) {
                                return;
                            }
                            event.prevent_default();
                            active.set(false);
                            let files: Vec<web_sys::File> = event
                                .data_transfer()
                                .and_then(|t| t.files())
                                .map(|list| {
                                    (0..list.length()).filter_map(|i| list.get(i)).collect()
                                })
                                .unwrap_or_default();
                            let Some(store) = store.clone() else {
                                return;
                            };
                            let notices = store.clone();
                            let failed = move |message: &str| {
                                notices.dispatch(Action::SetNotice(Some(Notice {
                                    level: NoticeLevel::Error,
                                    text: format!(
                                        "Nothing was imported: {message} Your open scenario is unchanged."
                                    ),
                                    details: None,
                                })));
                            };
                            wasm_bindgen_futures::spawn_local(async move {
                                match loader::importer().await {
                                    Ok(import_files) => import_files(
                                        store,
                                        files,
                                        Callback::from(move |outcome| {
                                            if let FileImport::Failed { message, .. } = outcome {
                                                failed(&message);
                                            }
                                        }),
                                    ),
                                    Err(LoadFailed) => failed(
                                        "the importer could not be loaded (check the connection and try again).",
                                    ),
                                }
                            });
                        },
                    )
                },
            ];
            move || drop(listeners)
        });
    }
    if !*active {
        return html! { <ImportProgressBar /> };
    }
    html! {
        <>
        <ImportProgressBar />
        <div class="drop-overlay" role="status" aria-live="polite">
            <div class="drop-overlay-card">
                <strong>{ "Drop the file to import it" }</strong>
                <span>{ format!(
                    "A CloudFormation template, authorization details or a scenario file, up to {} MiB. It opens as a new scenario; your current one stays saved.",
                    iam_engine::import::MAX_IMPORT_BYTES >> 20
                ) }</span>
            </div>
        </div>
        </>
    }
}
