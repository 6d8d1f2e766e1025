//! The windowing hook: a list mounts only the rows in or near the viewport (the page scrolls,
//! not the list), and spacers stand for the rest (`windowing` computes which). After each
//! render it measures the rows it shows, reading the layout and never writing to it (their
//! heights are kept by row key, so a row measured once keeps its height when it leaves), and
//! moves the window; scrolling, resizing and a change of the page's height (content above the
//! list came or went) move it too.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

use super::windowing::{Piece, SMALL_LIST, pieces, visible_range};

/// The height assumed for a row not yet measured.
const ESTIMATE_PX: f64 = 110.0;
/// How far beyond the viewport rows are mounted, above and below.
const OVERSCAN_PX: f64 = 480.0;
/// How many rows of a long list the first render mounts, before the list's place in the page
/// is known: none. The rows in view are mounted by the task that measures the list, just after
/// (see `use_window`), so opening a real account's workspace is two tasks, its lanes and then
/// their cards, instead of one long one (68 ms for the L account's).
const FIRST_ROWS: usize = 0;
/// The space between two rows when no two neighbours have been measured yet.
const GAP_PX: f64 = 12.0;

/// What the hook keeps between renders.
struct Kept {
    /// The rows' keys, in order (the latest render's).
    keys: Rc<Vec<String>>,
    /// Measured heights (row plus the gap under it) by row key.
    measured: HashMap<String, f64>,
    /// The space between rows, as last measured.
    gap: f64,
}

impl Kept {
    fn heights(&self) -> Vec<f64> {
        let estimate = if self.measured.is_empty() {
            ESTIMATE_PX + self.gap
        } else {
            self.measured.values().sum::<f64>() / self.measured.len() as f64
        };
        self.keys
            .iter()
            .map(|k| self.measured.get(k).copied().unwrap_or(estimate))
            .collect()
    }
}

/// Windows a list of rows with these keys: returns the list element's ref (put it on the
/// element whose children are the rows and spacers) and the pieces to render in order. Each
/// rendered row must carry `data-row="<index>"`, and each gap is rendered by [`spacer`]; `pinned` rows stay mounted wherever they are. `on_moved` is called after the
/// mounted rows changed (the canvas draws links between mounted cards only).
#[hook]
pub fn use_window(
    keys: Rc<Vec<String>>,
    pinned: Vec<usize>,
    on_moved: Callback<()>,
) -> (NodeRef, Vec<Piece>) {
    let list = use_node_ref();
    let redraw = use_force_update();
    let range = use_state_eq(|| (0, FIRST_ROWS));
    let kept = use_mut_ref(|| Kept {
        keys: Rc::new(Vec::new()),
        measured: HashMap::new(),
        gap: GAP_PX,
    });
    let n = keys.len();
    kept.borrow_mut().keys = keys;
    let heights = kept.borrow().heights();
    // A short list is whole at once (also in its first render and right after it grew).
    let shown = if n <= SMALL_LIST { (0, n) } else { *range };
    let out = pieces(&heights, shown, &pinned);
    let mounted: Vec<usize> = out
        .iter()
        .filter_map(|p| match p {
            Piece::Row(i) => Some(*i),
            Piece::Gap { .. } => None,
        })
        .collect();
    // Measuring waits for the browser's own layout of this render (a zero timeout runs after
    // the frame), so that mounting a view never lays the page out inside its task; the last
    // render's measurement replaces an earlier one not run yet.
    let pending = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
    {
        let list = list.clone();
        let kept = Rc::clone(&kept);
        let range = range.clone();
        let pending = Rc::clone(&pending);
        use_effect(move || {
            let task = gloo::timers::callback::Timeout::new(0, move || {
                if let Some(el) = list.cast::<web_sys::HtmlElement>() {
                    let changed = measure_rows(&el, &kept);
                    // The state compares with its latest value: an equal window renders nothing.
                    range.set(window_of(&el, &kept));
                    if changed {
                        // New heights: the spacers are drawn again with them.
                        redraw.force_update();
                    }
                }
            });
            *pending.borrow_mut() = Some(task);
        });
    }
    // The canvas hears about the rows this list mounts once they are in the page.
    use_effect_with(mounted, move |_| on_moved.emit(()));
    {
        let list = list.clone();
        let kept = Rc::clone(&kept);
        let range = range.clone();
        use_effect_with((), move |_| {
            let window = gloo::utils::window();
            let on_view_change = move || {
                if let Some(el) = list.cast::<web_sys::HtmlElement>() {
                    range.set(window_of(&el, &kept));
                }
            };
            // gloo's listeners are passive: they never hold up scrolling.
            let scroll = gloo::events::EventListener::new(&window, "scroll", {
                let f = on_view_change.clone();
                move |_| f()
            });
            let resize = gloo::events::EventListener::new(&window, "resize", {
                let f = on_view_change.clone();
                move |_| f()
            });
            // Content above the list that appears or goes (a dismissed notice, the search
            // tools) moves the list without a scroll: the page's height changes with it.
            let moved = Closure::<dyn FnMut()>::new(on_view_change);
            let observer = web_sys::ResizeObserver::new(moved.as_ref().unchecked_ref()).ok();
            if let (Some(observer), Some(body)) = (&observer, gloo::utils::document().body()) {
                observer.observe(&body);
            }
            move || {
                if let Some(observer) = observer {
                    observer.disconnect();
                }
                drop((scroll, resize, moved));
            }
        });
    }
    (list, out)
}

/// A spacer standing for rows not mounted: an empty SVG box, whose `height` attribute sizes it
/// in the render itself (the page's Content-Security-Policy refuses inline `style` attributes,
/// and sizing it afterwards would make every lane lay the page out again). `n` is its place
/// among the list's pieces, its key.
pub fn spacer(n: usize, rows: usize, height: f64) -> Html {
    html! {
        <svg key={format!("gap:{n}")} class="window-spacer" aria-hidden="true" focusable="false"
            width="1" height={format!("{height:.0}")} data-rows={rows.to_string()} />
    }
}

/// The rows of `[start, end)` the list's position in the viewport asks for.
fn window_of(list: &web_sys::HtmlElement, kept: &Rc<RefCell<Kept>>) -> (usize, usize) {
    let top = list.get_bounding_client_rect().top();
    let viewport = gloo::utils::window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(800.0);
    let heights = kept.borrow().heights();
    visible_range(&heights, -top, viewport - top, OVERSCAN_PX)
}

/// Records the height of every mounted row (from its top to the next row's top, or its own
/// height plus the gap for the last of a run); says whether a height changed by a pixel or more.
fn measure_rows(list: &web_sys::HtmlElement, kept: &Rc<RefCell<Kept>>) -> bool {
    let rows: Vec<(usize, f64, f64)> = children(list)
        .into_iter()
        .filter_map(|c| {
            let i = c.get_attribute("data-row")?.parse::<usize>().ok()?;
            let el = c.dyn_into::<web_sys::HtmlElement>().ok()?;
            Some((i, f64::from(el.offset_top()), f64::from(el.offset_height())))
        })
        .collect();
    let mut kept = kept.borrow_mut();
    let kept = &mut *kept;
    for pair in rows.windows(2) {
        if let [(i, top, h), (j, next, _)] = pair
            && *j == i + 1
        {
            kept.gap = (next - top - h).max(0.0);
            break;
        }
    }
    let gap = kept.gap;
    let mut changed = false;
    for (n, (i, top, h)) in rows.iter().enumerate() {
        let height = match rows.get(n + 1) {
            Some((j, next, _)) if *j == i + 1 => next - top,
            _ => h + gap,
        };
        if *h > 0.0
            && let Some(key) = kept.keys.get(*i).cloned()
        {
            let before = kept.measured.insert(key, height);
            changed |= before.is_none_or(|b| (b - height).abs() >= 1.0);
        }
    }
    changed
}

fn children(list: &web_sys::HtmlElement) -> Vec<web_sys::Element> {
    let all = list.children();
    (0..all.length()).filter_map(|i| all.item(i)).collect()
}
