//! The simulator's derived state as hooks: the answer and the context keys, memoized on the
//! store's revision and request, and the compile cache each component owns. A leaf module: the
//! simulator's views import it, and it imports none of them.

use std::rc::Rc;

use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::workbench::request::ContextKeyRow;
use iam_engine::workbench::{Answer, CompileCache, Workbench};
use yew::prelude::*;

use crate::data::Loadable;
use crate::store::StoreHandle;

/// The current time as ISO 8601 UTC without milliseconds, the default `aws:CurrentTime`.
pub fn current_time() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    match iso.get(..19) {
        Some(head) => format!("{head}Z"),
        None => iso,
    }
}

/// A compile cache owned by the calling component for its lifetime (the engine keeps no
/// hidden one).
#[hook]
pub fn use_compile_cache() -> Rc<CompileCache> {
    use_memo((), |_| CompileCache::new())
}

/// The context keys the simulator lists for the store's request, and the answer to it, both
/// memoized on the scenario's revision, the request, `now`, the explained row and whether the
/// catalog and the AWS-managed policies have loaded: derived, never stored, so no edit can
/// leave a stale answer or highlight.
#[hook]
pub fn use_answer(
    store: &StoreHandle,
    now: String,
    selected: usize,
) -> (Rc<Vec<ContextKeyRow>>, Rc<Answer>) {
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let cache = use_compile_cache();
    let catalog_ready = catalog.ready();
    let managed_ready = managed.ready();
    let rows = use_memo(
        (
            store.revision,
            store.request.principal.clone(),
            store.request.resource.clone(),
            now,
            catalog_ready.is_some(),
            managed_ready.is_some(),
        ),
        {
            let scenario = Rc::clone(&store.scenario);
            let catalog = catalog_ready.clone();
            let managed = managed_ready.clone();
            let cache = Rc::clone(&cache);
            move |(_, principal, resource, now, _, _)| {
                Workbench::new(&scenario, &cache)
                    .with_catalog(catalog.as_deref())
                    .with_managed(managed.as_deref())
                    .context_keys(principal, resource, now)
            }
        },
    );
    let answer = use_memo(
        (
            store.revision,
            store.request.clone(),
            rows.clone(),
            selected,
            catalog_ready.is_some(),
            managed_ready.is_some(),
        ),
        {
            let scenario = Rc::clone(&store.scenario);
            let cache = Rc::clone(&cache);
            move |(_, request, rows, selected, _, _)| {
                Workbench::new(&scenario, &cache)
                    .with_catalog(catalog_ready.as_deref())
                    .with_managed(managed_ready.as_deref())
                    .answer(request, rows, *selected)
            }
        },
    );
    (rows, answer)
}

/// The simulator's answer as a policy editor outside the simulator sees it (the first action
/// row explained, at the time the editor was opened): the same memoized computation, so its
/// highlights follow every edit.
#[hook]
pub fn use_editor_answer(store: &StoreHandle) -> Rc<Answer> {
    let now = use_state(current_time);
    use_answer(store, (*now).clone(), 0).1
}
