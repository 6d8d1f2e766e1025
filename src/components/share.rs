//! The share view: the share link and the embed code.
//!
//! The link carries the whole scenario, the simulator's request and the view to open, packed by
//! [`iam_engine::share::encode`] into the URL fragment, so it works without a server and the
//! browser never sends it anywhere. It records this build's versions and the AWS data date, so
//! the link is prepared once the catalog (which knows that date) has loaded.
//!
//! The embed section builds the `<iframe>` snippet for documentation pages with
//! [`iam_engine::share::embed_snippet`] and shows a live preview of it; the preview listens for
//! the height the embed posts (see [`super::embed`]) and sizes itself like a host page would.

use std::rc::Rc;

use iam_engine::catalog::Catalog;
use iam_engine::scenario::FORMAT_VERSION;
use iam_engine::share::{self, EmbedOptions, EmbedView, SharePayload, Theme, ViewState};
use iam_engine::workbench::SimulatorRequest;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::embed::request_form::RequestForm;
use super::embed_code::EmbedCode;
use crate::data::Loadable;
use crate::store::RequestState;

/// Links longer than this may be cut by some mail clients and chat apps; the view says so.
pub const LONG_LINK_CHARS: usize = 8000;

/// The tallest the live preview grows, in CSS pixels.
const PREVIEW_MAX_HEIGHT: u32 = 900;

/// The views a link can open on, as (id, label).
const LINK_VIEWS: [(&str, &str); 3] = [
    ("workspace", "Workspace"),
    ("simulate", "Simulator"),
    ("findings", "Findings"),
];

/// The widths the live preview can take, in CSS pixels: a phone, and columns of prose.
const PREVIEW_WIDTHS: [u32; 4] = [390, 640, 800, 900];

/// The preview's width until the author picks another.
const DEFAULT_PREVIEW_WIDTH: u32 = 800;

/// The page's own URL without query and fragment: the base of share and embed links.
pub fn page_base_url() -> String {
    let Some(window) = web_sys::window() else {
        return String::new();
    };
    let location = window.location();
    format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    )
}

/// The view state a link records: the chosen view and, when asked, the simulator's request.
pub fn view_state(view: &str, request: &RequestState, include_request: bool) -> ViewState {
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
    ViewState {
        view: some(view),
        principal: include_request.then(|| some(&request.principal)).flatten(),
        action: include_request.then(|| some(&request.action)).flatten(),
        resource: include_request.then(|| some(&request.resource)).flatten(),
    }
}

/// "Download the scenario file": the open scenario as a `.json` scenario file, for what a link
/// cannot carry; Import (or a drop onto the page) opens it again.
#[component]
fn ScenarioFileButton() -> Html {
    let store = crate::store::use_store();
    let status = use_state(String::new);
    let Some(store) = store else {
        return html! {};
    };
    let onclick = {
        let store = store.clone();
        let status = status.clone();
        Callback::from(move |_| {
            let text = store.scenario.to_json_pretty();
            let name = super::export::file_name(&store.scenario.title, &store.slot, "json");
            match super::export::download(&text, &name, "application/json") {
                Ok(()) => status.set(format!(
                    "Downloading {name} ({}).",
                    crate::text::megabytes(text.len() as f64)
                )),
                Err(e) => status.set(format!("Download failed: {e}.")),
            }
        })
    };
    html! {
        <div class="share-row">
            <button type="button" class="btn btn-primary share-download" {onclick}>
                { "Download the scenario file" }
            </button>
            <span class="share-status" role="status">{ (*status).clone() }</span>
        </div>
    }
}

/// The share and embed view.
#[component]
pub fn ShareView() -> Html {
    let store = crate::store::use_store();
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let has_request = store
        .as_ref()
        .is_some_and(|s| !s.request.action.trim().is_empty());
    let link_view = use_state(|| {
        if has_request {
            "simulate".to_owned()
        } else {
            "workspace".to_owned()
        }
    });
    let include_request = use_state(|| true);
    let embed_view = use_state(|| EmbedView::Decision);
    let embed_policy = use_state(String::new);
    let preview_width = use_state(|| DEFAULT_PREVIEW_WIDTH);
    let readonly = use_state(|| true);
    let theme = use_state(|| Theme::Auto);
    let height = use_state(|| share::DEFAULT_EMBED_HEIGHT);
    let link_status = use_state(String::new);
    let link_field = use_node_ref();
    let preview = use_node_ref();
    let reported_height = use_state(|| None::<u32>);

    {
        // The preview listens for the height its embed posts, exactly as a host page would.
        let preview = preview.clone();
        let reported_height = reported_height.clone();
        use_effect_with((), move |_| {
            let listener =
                gloo::events::EventListener::new(&gloo::utils::window(), "message", move |event| {
                    let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
                        return;
                    };
                    let Some(frame) = preview.cast::<web_sys::HtmlIFrameElement>() else {
                        return;
                    };
                    let from_preview = match (frame.content_window(), event.source()) {
                        (Some(w), Some(source)) => js_sys::Object::is(w.as_ref(), source.as_ref()),
                        _ => false,
                    };
                    if !from_preview {
                        return;
                    }
                    if let Some(h) = super::embed::messages::height_from_message(&event.data()) {
                        reported_height.set(Some(h));
                    }
                });
            move || drop(listener)
        });
    }

    let Some(store) = store else {
        return html! {};
    };

    let data_version = match &catalog {
        Loadable::Ready(c) => Some(c.header().data_date.clone()),
        Loadable::Failed(_) => Some("unknown".to_owned()),
        Loadable::Loading => None,
    };
    let state = view_state(&link_view, &store.request, *include_request);
    let encoded = use_memo(
        (
            store.revision,
            Rc::clone(&store.scenario),
            state,
            data_version.clone(),
        ),
        |(_, scenario, state, data_version)| {
            data_version.as_ref().map(|data| {
                share::encode(
                    &SharePayload::new(scenario.to_json(), FORMAT_VERSION, data.clone())
                        .with_view(state.clone()),
                )
            })
        },
    );
    // The embed's link always carries the request its view starts with (the simulator's, or
    // the one the simulator opens with), whatever the share link above includes.
    let embed_request = SimulatorRequest::opening(&store.scenario);
    let embed_request = if store.request.is_unset() {
        embed_request
    } else {
        store.request.clone()
    };
    let embed_state = view_state("", &embed_request, true);
    let embed_encoded = use_memo(
        (
            store.revision,
            Rc::clone(&store.scenario),
            embed_state,
            data_version.clone(),
        ),
        |(_, scenario, state, data_version)| {
            data_version.as_ref().map(|data| {
                share::encode(
                    &SharePayload::new(scenario.to_json(), FORMAT_VERSION, data.clone())
                        .with_view(state.clone()),
                )
            })
        },
    );
    let base = page_base_url();
    {
        // "Copied." speaks of the link as it was; once the link changes it would mislead.
        let link_status = link_status.clone();
        let current = (*encoded).clone().and_then(Result::ok);
        use_effect_with(current, move |_| {
            link_status.set(String::new());
        });
    }

    let link_section = match &*encoded {
        None => html! {
            <p class="muted share-pending" role="status">
                { "Preparing the link: waiting for the AWS data, whose version the link records…" }
            </p>
        },
        Some(Err(error @ share::ShareError::TooLarge { .. })) => html! {
            <div class="share-too-large">
                <p class="field-error share-error" role="alert">
                    { error.message() }
                    { " Share it as a file instead: whoever receives it opens it with Import (or drops it onto the playground)." }
                </p>
                <ScenarioFileButton />
            </div>
        },
        Some(Err(error)) => html! {
            <p class="field-error share-error" role="alert">{ error.message() }</p>
        },
        Some(Ok(data)) => {
            let url = share::share_url(&base, data);
            let chars = url.chars().count();
            let on_copy = {
                let url = url.clone();
                let field = link_field.clone();
                let status = link_status.clone();
                Callback::from(move |_| {
                    crate::clipboard::copy_text(url.clone(), field.clone(), status.clone())
                })
            };
            let long = (chars > LONG_LINK_CHARS).then(|| html! {
                <>
                    <p class="share-warning">
                        { "This link is long: some mail clients and chat apps cut long links. If it \
                           arrives cut off, the playground says so; share the scenario as a file instead." }
                    </p>
                    <ScenarioFileButton />
                </>
            });
            html! {
                <>
                    <textarea class="share-link" readonly=true ref={link_field.clone()}
                        aria-label="Share link" rows="3" value={url.clone()} />
                    <div class="share-row">
                        <button type="button" class="btn btn-primary copy-link" onclick={on_copy}>
                            { "Copy link" }
                        </button>
                        <span class="share-length" data-chars={chars.to_string()}>
                            { format!("{} characters", crate::text::thousands(chars)) }
                        </span>
                        <span class="share-status" role="status">{ (*link_status).clone() }</span>
                    </div>
                    { long }
                </>
            }
        }
    };

    let options = EmbedOptions {
        view: embed_view.param().map(str::to_owned),
        policy: (*embed_view == EmbedView::TryIt && !embed_policy.is_empty())
            .then(|| (*embed_policy).clone()),
        readonly: *readonly,
        theme: *theme,
        height: *height,
        title: share::embed_title(&store.scenario.title),
    };
    let embed_src = match &*embed_encoded {
        Some(Ok(data)) => Some(share::embed_url(&base, data, &options)),
        _ => None,
    };
    {
        // A new address is a new frame, whose height is not known yet.
        let reported_height = reported_height.clone();
        use_effect_with(embed_src.clone(), move |_| reported_height.set(None));
    }
    let embed_section = match (&*embed_encoded, embed_src) {
        (Some(Ok(data)), Some(src)) => {
            let snippet = share::embed_snippet(&base, data, &options);
            let fixed = share::embed_iframe(&base, data, &options);
            // Sized like a host page would size it, up to a height that keeps the options and
            // the code in reach; the preview scrolls beyond that.
            let preview_height = reported_height.unwrap_or(*height).min(PREVIEW_MAX_HEIGHT);
            html! {
                <>
                    <EmbedCode code={snippet} class="embed-code" label="Embed code"
                        button="Copy embed code" button_class="copy-embed" />
                    <details class="embed-fixed">
                        <summary>{ "For pages that allow no scripts" }</summary>
                        <p class="muted">
                            { "Where the page's Content-Security-Policy forbids scripts from other \
                               origins, paste the frame alone: it keeps the height chosen above and \
                               scrolls inside if the content is taller." }
                        </p>
                        <EmbedCode code={fixed} class="embed-code-fixed" label="Embed code without a script"
                            button="Copy the frame alone" button_class="copy-embed-fixed" />
                    </details>
                    <h3>{ "Preview" }</h3>
                    <p class="muted">
                        { match *reported_height {
                            Some(h) if h > PREVIEW_MAX_HEIGHT => format!("The embed reports a height of {h} px; a host page can size the frame to it (this preview stops at {PREVIEW_MAX_HEIGHT} px and scrolls)."),
                            Some(h) => format!("The embed reports a height of {h} px; the preview is sized to it, as a host page can be."),
                            None => "The preview starts at the chosen height until the embed reports its own.".to_owned(),
                        } }
                    </p>
                    <div class="embed-preview-frame">
                        // Keyed by its address: a new frame for every change, since a change of
                        // the fragment alone would not reload the embed.
                        <iframe key={src.clone()} class="embed-preview" ref={preview.clone()} src={src.clone()}
                            title={options.title.clone()} height={preview_height.to_string()}
                            width={preview_width.to_string()}
                            data-reported-height={reported_height.map(|h| h.to_string())} />
                    </div>
                </>
            }
        }
        _ => html! {},
    };

    let on_link_view = {
        let link_view = link_view.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                link_view.set(select.value());
            }
        })
    };
    let on_include = {
        let include_request = include_request.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                include_request.set(input.checked());
            }
        })
    };
    let on_embed_view = {
        let embed_view = embed_view.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let chosen = EmbedView::COMPACT
                    .into_iter()
                    .chain(EmbedView::WHOLE)
                    .find(|v| v.id() == select.value());
                if let Some(view) = chosen {
                    embed_view.set(view);
                }
            }
        })
    };
    let on_embed_policy = {
        let embed_policy = embed_policy.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                embed_policy.set(select.value());
            }
        })
    };
    // A new width or starting height keeps the frame: the embed posts its new height itself
    // when its content reflows, and the height it reported stays true until then.
    let on_preview_width = {
        let preview_width = preview_width.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>()
                && let Ok(width) = select.value().parse::<u32>()
            {
                preview_width.set(width);
            }
        })
    };
    let on_readonly = {
        let readonly = readonly.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                readonly.set(input.checked());
            }
        })
    };
    let on_theme = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                theme.set(match select.value().as_str() {
                    "light" => Theme::Light,
                    "dark" => Theme::Dark,
                    _ => Theme::Auto,
                });
            }
        })
    };
    let on_height = {
        let height = height.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>()
                && let Ok(h) = input.value().trim().parse::<u32>()
            {
                height.set(h.clamp(120, 4000));
            }
        })
    };

    let request_summary = if store.request.action.trim().is_empty() {
        "the simulator has no request yet".to_owned()
    } else {
        format!(
            "{} doing {}{}",
            if store.request.principal.is_empty() {
                "(no principal)"
            } else {
                store.request.principal.as_str()
            },
            store.request.action,
            if store.request.resource.is_empty() {
                String::new()
            } else {
                format!(" on {}", store.request.resource)
            }
        )
    };

    html! {
        <div class="share-view">
            <section class="share-section" aria-labelledby="share-link-heading">
                <h2 id="share-link-heading">{ "Share link" }</h2>
                <p class="muted">
                    { "The link holds the whole scenario. It is never sent to a server: everything \
                       after the # stays in the browser. Whoever opens it gets a copy; your own \
                       scenarios and theirs stay apart." }
                </p>
                <div class="share-options">
                    <label>
                        { "Opens on " }
                        <select class="link-view" onchange={on_link_view}>
                            { for LINK_VIEWS.iter().map(|(id, label)| html! {
                                <option value={*id} selected={*link_view == *id}>{ *label }</option>
                            }) }
                        </select>
                    </label>
                    <label class="check">
                        <input type="checkbox" class="link-request" checked={*include_request}
                            onchange={on_include} />
                        { format!("Include the simulator's request ({request_summary})") }
                    </label>
                </div>
                { link_section }
            </section>
            <section class="share-section" aria-labelledby="embed-heading">
                <h2 id="embed-heading">{ "Embed in a web page" }</h2>
                <p class="muted">
                    { "Paste the code into documentation: the playground shows without its toolbar \
                       and links back here, and the small script beside the frame (embed.js, served \
                       with the playground) sizes the frame to its content." }
                </p>
                <div class="share-options">
                    <label>
                        { "Shows " }
                        <select class="embed-view-option" onchange={on_embed_view}>
                            <optgroup label="Compact, for a column of prose">
                                { for EmbedView::COMPACT.into_iter().map(|v| html! {
                                    <option value={v.id()} selected={*embed_view == v}>{ v.label() }</option>
                                }) }
                            </optgroup>
                            <optgroup label="Whole views">
                                { for EmbedView::WHOLE.into_iter().map(|v| html! {
                                    <option value={v.id()} selected={*embed_view == v}>{ v.label() }</option>
                                }) }
                            </optgroup>
                        </select>
                    </label>
                    if *embed_view == EmbedView::TryIt {
                        <label>
                            { "Policy " }
                            <select class="embed-policy-option" onchange={on_embed_policy}>
                                <option value="" selected={embed_policy.is_empty()}>{ "The one that decides the request" }</option>
                                { for store.scenario.policy_texts().iter().map(|p| {
                                    let name = p.name();
                                    html! { <option value={name.clone()} selected={*embed_policy == name}>{ name.clone() }</option> }
                                }) }
                            </select>
                        </label>
                    }
                    <label class="check">
                        <input type="checkbox" class="embed-readonly-option" checked={*readonly}
                            onchange={on_readonly} />
                        { "Read-only" }
                    </label>
                    <label>
                        { "Theme " }
                        <select class="embed-theme-option" onchange={on_theme}>
                            <option value="auto" selected={*theme == Theme::Auto}>{ "Follow the reader's system" }</option>
                            <option value="light" selected={*theme == Theme::Light}>{ "Light" }</option>
                            <option value="dark" selected={*theme == Theme::Dark}>{ "Dark" }</option>
                        </select>
                    </label>
                    <label>
                        { "Preview width " }
                        <select class="embed-width-option" onchange={on_preview_width}>
                            { for PREVIEW_WIDTHS.into_iter().map(|w| html! {
                                <option value={w.to_string()} selected={*preview_width == w}>{ format!("{w} px") }</option>
                            }) }
                        </select>
                    </label>
                    <label>
                        { "Height (px) " }
                        <input type="number" class="embed-height-option" min="120" max="4000" step="10"
                            value={height.to_string()} onchange={on_height} />
                    </label>
                </div>
                if embed_view.has_request() {
                    <div class="embed-request-option">
                        <p class="muted">{ "The request the embed starts with (the simulator's; readers can change it, never the scenario):" }</p>
                        <RequestForm />
                    </div>
                }
                { embed_section }
            </section>
        </div>
    }
}
