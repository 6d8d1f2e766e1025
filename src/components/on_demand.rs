//! Code loaded on demand, as a component shows it: the loaded value, or meanwhile a
//! "Loading …" status, or a message with a button to try again when its chunk cannot be
//! fetched (see [`crate::split`]). The views ([`super::lazy::LazyView`]), the canvas's
//! tools (`workspace::card::tools`, `aws_finder`, `path_banner`) the organization editor
//! (`workspace::inspector::account`) and a notice's details (`notice_details`) use it.

use yew::prelude::*;

use crate::split::LoadFailed;

/// What code loaded on demand gives its component: the loaded value (a renderer), or the
/// status to show meanwhile (from [`use_on_demand`]).
pub type OnDemand<R> = Result<R, Html>;

/// Code loaded on demand, for a component that shows it: `loaded` is the value when its chunk
/// is already here; otherwise `load` fetches it (an effect, run again when `key` changes or,
/// after a failure, when the reader asks), and meanwhile the component shows the returned
/// status: "Loading {label} …",
/// or, when the chunk cannot be fetched, a message with a button to try again. `class` is
/// added to the status's own.
#[hook]
pub fn use_on_demand<K, R, F, L>(
    key: K,
    loaded: Option<R>,
    load: L,
    label: AttrValue,
    class: &'static str,
) -> OnDemand<R>
where
    K: PartialEq + 'static,
    R: 'static,
    F: std::future::Future<Output = Result<R, LoadFailed>> + 'static,
    L: FnOnce() -> F + 'static,
{
    let update = use_force_update();
    let failed = use_state(|| false);
    let attempt = use_state(|| 0_u32);
    {
        let failed = failed.clone();
        use_effect_with((key, loaded.is_some(), *attempt), move |&(_, ready, _)| {
            if !ready {
                wasm_bindgen_futures::spawn_local(async move {
                    match load().await {
                        Ok(_) => update.force_update(),
                        Err(LoadFailed) => failed.set(true),
                    }
                });
            }
        });
    }
    if let Some(value) = loaded {
        return Ok(value);
    }
    if *failed {
        let retry = Callback::from(move |e: MouseEvent| {
            // A click inside a card would select it too.
            e.stop_propagation();
            failed.set(false);
            attempt.set(*attempt + 1);
        });
        return Err(html! {
            <div class={classes!("lazy-status", "lazy-failed", class)} role="alert">
                <p>{ format!("Could not load {label}. Check the connection and try again.") }</p>
                <button type="button" class="btn" onclick={retry}>{ "Try again" }</button>
            </div>
        });
    }
    Err(html! {
        <p class={classes!("lazy-status", "lazy-loading", class)} role="status" aria-live="polite">
            { format!("Loading {label} …") }
        </p>
    })
}
