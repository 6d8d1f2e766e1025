//! Code splitting of the release build: what the split points share.
//!
//! In the release build of the app (`cfg(split_build)`: index.html asks Trunk for the cargo
//! feature `split`, and build.rs turns it on only for an optimised wasm32 build, which
//! `scripts/split_build.py` then splits), a few functions are split points: each is a
//! `#[wasm_split(group)]` function (crate `wasm_split_helpers`), and `wasm-split-cli` moves it,
//! with the code only that group reaches, into the group's wasm chunk, which is fetched the first
//! time one of its functions is called. The split points are the views
//! ([`crate::components::lazy`]) and, for pages without workers, the analysis, the importers
//! and the template writers ([`crate::analysis::page_split`]). Elsewhere (debug builds,
//! `trunk serve`, the tests) they are plain calls that never fail.
//!
//! A split point is an extern import and export, so the app crate denies `unsafe_code` instead
//! of forbidding it, and only the modules holding split points allow it.

/// A split point's chunk could not be fetched or started (the browser console has the cause).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadFailed;

#[cfg(split_build)]
impl From<wasm_split_helpers::SplitLoaderError> for LoadFailed {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        LoadFailed
    }
}

/// The first paint: what only follows it waits for it ([`after_first_view`]).
#[derive(Default)]
struct FirstView {
    shown: bool,
    waiting: Vec<futures_channel::oneshot::Sender<()>>,
}

thread_local! {
    static FIRST_VIEW: std::cell::RefCell<FirstView> = std::cell::RefCell::default();
}

/// The name of the performance mark set when the first view has rendered with its code.
pub const FIRST_VIEW_MARK: &str = "iam-playground:first-view";

/// Returns once the first view has rendered with its code (`components::lazy::LazyView`
/// says so): the analysis worker, its bridge and the findings' reader wait for it, so that
/// on a first visit the view the address opens has the connection to itself.
pub async fn after_first_view() {
    let waiting = FIRST_VIEW.with(|f| {
        let mut f = f.borrow_mut();
        (!f.shown).then(|| {
            let (done, wait) = futures_channel::oneshot::channel();
            f.waiting.push(done);
            wait
        })
    });
    if let Some(wait) = waiting {
        // A sender is only dropped after sending.
        let _ = wait.await;
    }
}

/// Says that a view has rendered with its code (the first time: a performance mark,
/// [`FIRST_VIEW_MARK`], and what waits in [`after_first_view`] goes on).
pub fn first_view_shown() {
    let waiting = FIRST_VIEW.with(|f| {
        let mut f = f.borrow_mut();
        if f.shown {
            return None;
        }
        f.shown = true;
        Some(std::mem::take(&mut f.waiting))
    });
    let Some(waiting) = waiting else {
        return;
    };
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(FIRST_VIEW_MARK);
    }
    for done in waiting {
        let _ = done.send(());
    }
}

/// Declares a split point that hands over a value (a renderer) from its chunk, with what its
/// module needs to use it: `mod loader` with `pub async fn <name>() -> Result<Type,
/// LoadFailed>` (in the release build, `cfg(split_build)`, a `#[wasm_split(group, fallible)]`
/// function, whose chunk is fetched on the first call; elsewhere a plain function that never
/// fails), the value once it has arrived, `loaded()`, and `load()`, which fetches it once.
/// `Type` and the value are items of the calling module.
///
/// ```ignore
/// crate::split::split_point!(card_tools: fn tools() -> Render { render });
/// ```
macro_rules! split_point {
    ($group:ident: fn $name:ident() -> $ty:ident { $value:ident }) => {
        #[cfg(not(split_build))]
        mod loader {
            /// Without the split build the code is in the one module.
            pub async fn $name() -> Result<super::$ty, $crate::split::LoadFailed> {
                Ok(super::$value)
            }
        }

        #[cfg(split_build)]
        #[allow(unsafe_code)] // A split point is an extern import and export (see crate::split).
        mod loader {
            /// The code of the split point's chunk.
            #[::wasm_split_helpers::wasm_split($group, fallible)]
            pub fn $name() -> Result<super::$ty, $crate::split::LoadFailed> {
                Ok(super::$value)
            }
        }

        thread_local! {
            static LOADED: ::std::cell::Cell<Option<$ty>> = const { ::std::cell::Cell::new(None) };
        }

        /// The split point's value, once its chunk has arrived.
        fn loaded() -> Option<$ty> {
            LOADED.with(::std::cell::Cell::get)
        }

        /// The split point's value, its chunk fetched the first time (a failed fetch is tried
        /// again on the next call).
        async fn load() -> Result<$ty, $crate::split::LoadFailed> {
            if let Some(value) = loaded() {
                return Ok(value);
            }
            let value = loader::$name().await?;
            LOADED.with(|cell| cell.set(Some(value)));
            Ok(value)
        }
    };
}
pub(crate) use split_point;
