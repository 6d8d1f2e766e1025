//! The access matrix: principals × actions as a heatmap of the three decisions (with letters
//! and a legend, not colour alone), each cell a button that loads its request into the panel
//! and explains it (one listener on the table serves every cell). A cell whose decision
//! depends on context keys the request leaves open (MFA, source address, Region, …) is
//! conditional (`C`), with the engine's "Allowed if …" sentence in its title and accessible
//! name. The root user's row also shows the root-only tasks no IAM principal can do.
//!
//! The matrix follows edits after a short pause in typing (a debounce). Its cells are computed
//! off the main thread, in the analysis worker (`crate::analysis`): rows appear a band at a
//! time, with progress and a Cancel button, and a newer query stops the running one.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use iam_engine::catalog::{Catalog, ManagedPolicies};
use iam_engine::eval::Decision;
use iam_engine::root_tasks::root_only_tasks;
use iam_engine::scenario::PrincipalRef;
use iam_engine::workbench::request::ROOT_TASK_PREFIX;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::result::decision_label;
use super::tests_panel::focus_result;
use crate::analysis::client::{JobStatus, MatrixQuery, MatrixRow, use_matrix, uses_worker};
use crate::analysis::protocol::MatrixColumns;
use crate::components::after_frame::Deferred;
use crate::data::Loadable;
use crate::store::{Action, RequestState, use_store};
use crate::text::thousands;

/// How many principals' rows are rendered at first, and how many more each "Show more" adds:
/// about what the matrix's scrolling box (70% of the window's height) shows. A row is up to 300
/// buttons; a table of every principal of a real account is hundreds of thousands of elements,
/// whose layout alone held the page for seconds, and each band of rows added to the table
/// costs a layout of all the rows shown.
pub const ROWS_PER_PAGE: usize = 25;

/// How many cells one frame adds to the table at most, in whole rows (one row at least, five
/// at most): a band of 25 rows of the window's columns is about 1,500 buttons, whose building
/// and layout in one frame held the page for over 100 ms, and five rows of a wide window
/// (300 cells) still made frames of 50 ms on a real account.
const CELLS_PER_FRAME: usize = 150;

/// The most rows one frame adds (a narrow window's).
const ROWS_PER_FRAME: usize = 5;

/// How many rows a frame adds when each row has `columns` cells.
fn rows_per_frame(columns: usize) -> usize {
    (CELLS_PER_FRAME / columns.max(1)).clamp(1, ROWS_PER_FRAME)
}

/// The width of an action column before one has been measured, in CSS pixels (a cell is at
/// least 1.6rem wide).
const COLUMN_PX: f64 = 27.0;

/// How many columns beyond each edge of the scrolling box are rendered, so that a scroll of
/// less than this shows cells at once.
const OVERSCAN: usize = 10;

/// The rendered columns move in steps of this many, so most scroll events render nothing.
const COLUMN_STEP: usize = 10;

/// The columns to render for a box scrolled `left` pixels and `width` wide, out of `total`
/// columns `column` pixels wide: those in view, [`OVERSCAN`] more on each side, with the start
/// rounded down and the end rounded up to [`COLUMN_STEP`].
fn column_window(left: f64, width: f64, column: f64, total: usize) -> (usize, usize) {
    let column = if column > 1.0 { column } else { COLUMN_PX };
    // Pixels to whole columns: the values are small and non-negative.
    let first = (left.max(0.0) / column).floor() as usize;
    let shown = (width.max(0.0) / column).ceil() as usize;
    let start = first.saturating_sub(OVERSCAN) / COLUMN_STEP * COLUMN_STEP;
    let end = (first + shown + OVERSCAN).div_ceil(COLUMN_STEP) * COLUMN_STEP;
    (start.min(total), end.min(total))
}

/// The matrix cell that has the keyboard focus: its row's principal and its column.
fn focused_cell() -> Option<(String, String)> {
    let active = gloo::utils::document().active_element()?;
    active
        .closest(".sim-matrix .matrix-scroll")
        .ok()
        .flatten()?;
    cell_of(&active)
}

/// The principal of a cell's row and the cell's column (its `data-col`), for a cell's button.
fn cell_of(button: &web_sys::Element) -> Option<(String, String)> {
    let column = button.get_attribute("data-col")?;
    let row = button
        .closest("tr")
        .ok()
        .flatten()?
        .get_attribute("data-principal")?;
    Some((row, column))
}

/// Gives the keyboard focus back to a cell that lost it when the rendered columns changed (a
/// re-render of the row can take the focus from the cell's element).
fn refocus(scroll: &web_sys::Element, cell: &(String, String)) {
    let active = gloo::utils::document().active_element();
    let lost = active.is_none_or(|a| {
        a.closest(".sim-matrix .matrix-scroll")
            .ok()
            .flatten()
            .is_none()
    });
    if !lost {
        return;
    }
    let selector = format!(
        "tr[data-principal=\"{}\"] button[data-col=\"{}\"]",
        cell.0.replace('\\', "\\\\").replace('"', "\\\""),
        cell.1
    );
    if let Ok(Some(el)) = scroll.query_selector(&selector)
        && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
    {
        let _ = el.focus();
    }
}

/// The cell a click on the table was for: its row's principal (as the request names it) and
/// its column.
fn clicked_cell(e: &MouseEvent) -> Option<(String, usize)> {
    let target: web_sys::Element = e.target()?.dyn_into().ok()?;
    let button = target.closest("button[data-col]").ok().flatten()?;
    let (principal, column) = cell_of(&button)?;
    Some((principal, column.parse().ok()?))
}

/// The action of column `column`: one of `actions`, then the root-only tasks.
fn column_action(actions: &[String], column: usize) -> Option<String> {
    match actions.get(column) {
        Some(a) => Some(a.clone()),
        None => root_only_tasks()
            .get(column - actions.len())
            .map(|t| format!("{ROOT_TASK_PREFIX}{}", t.id)),
    }
}

/// How long typing must pause before the matrix follows, in milliseconds.
const DEBOUNCE_MS: u32 = 150;

/// A decision as one letter for a cell (the legend spells them out).
fn letter(d: Decision) -> &'static str {
    match d {
        Decision::Allowed => "A",
        Decision::ExplicitDeny => "E",
        Decision::ImplicitDeny => "I",
    }
}

fn cell_class(d: Decision) -> &'static str {
    match d {
        Decision::Allowed => "cell cell-allowed",
        Decision::ExplicitDeny => "cell cell-explicit",
        Decision::ImplicitDeny => "cell cell-implicit",
    }
}

/// A principal in words.
fn principal_label(p: &PrincipalRef) -> String {
    match p {
        PrincipalRef::Root => "Root user".to_string(),
        PrincipalRef::User(n) => format!("User {n}"),
        PrincipalRef::Role(n) => format!("Role {n}"),
        PrincipalRef::Other(t) => t.clone(),
    }
}

/// The matrix panel. It is built in a task of its own once the browser has drawn the rest of
/// the Simulator: laying out the first rows was most of one long task when the view opened,
/// and built in a zero timeout, its first measure of a column laid out the whole view (50 ms
/// on a real account).
#[component]
pub fn MatrixPanel() -> Html {
    let preparing = html! {
        <section class="sim-matrix" aria-labelledby="sim-matrix-heading" aria-busy="true">
            <h3 id="sim-matrix-heading">{ "Access matrix" }</h3>
            <p class="muted">{ "Preparing the matrix…" }</p>
        </section>
    };
    html! {
        <Deferred fallback={preparing}>
            <MatrixBody />
        </Deferred>
    }
}

/// The matrix itself: its controls, legend, progress and table.
#[component]
fn MatrixBody() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let catalog = catalog.ready();
    let managed = managed.ready();
    // "" = the actions the policies mention; otherwise a service prefix.
    let source = use_state(String::new);
    let filter = use_state(String::new);
    let resource = use_state(|| "*".to_string());
    // How many rows are rendered (the legend counts every computed row).
    let rows_shown = use_state(|| ROWS_PER_PAGE);
    // How many rows are in the table: they follow `rows_shown` (and the rows computed)
    // a few at a time ([`rows_per_frame`]), one step per animation frame.
    let rendered = use_state(|| 0usize);
    // The action columns rendered, [start, end): a real account's matrix is 300 columns, and
    // 25 rows of them were 15,000 elements built at once. The others are spacers whose width
    // follows the scrolling box (set through the style object: the page's content security
    // policy refuses style attributes).
    let window = use_state(|| column_window(0.0, 1000.0, COLUMN_PX, usize::MAX));
    let column_px = use_mut_ref(|| COLUMN_PX);
    // The columns' shape (how many, whether known, the focused row) the box was last measured
    // for: a render that only moved the window measures nothing.
    let measured_for = use_mut_ref(|| None::<(usize, bool, Option<String>)>);
    // The focused cell when the rendered columns last moved, to give the focus back to.
    let refocus_cell = use_mut_ref(|| None::<(String, String)>);
    // The row of the cell with the keyboard focus: it has every column, so that Tab walks the
    // whole row (moving the rendered columns as each cell scrolls into view would take the
    // focus from the cell). The other rows keep the window, with spacers spanning the columns
    // left out, so that the columns stay aligned.
    let focus_row = use_state(|| None::<String>);
    let scroll_ref = use_node_ref();
    let before_ref = use_node_ref();
    let after_ref = use_node_ref();
    // The scenario the matrix shows, following the store after a pause in typing.
    let shown = use_state(|| (store.revision, Rc::clone(&store.scenario)));
    {
        let shown = shown.clone();
        let scenario = Rc::clone(&store.scenario);
        use_effect_with(store.revision, move |revision| {
            let revision = *revision;
            let timeout = (shown.0 != revision)
                .then(|| Timeout::new(DEBOUNCE_MS, move || shown.set((revision, scenario))));
            move || drop(timeout)
        });
    }
    // The columns (every action the policies mention, in a real account a read of thousands
    // of policy texts) and the cells, a row per principal, are worked out in the analysis
    // worker (see crate::analysis), which sends the columns first and then the rows a band at
    // a time.
    let (progress, cancel) = use_matrix(MatrixQuery {
        scenario: Rc::clone(&shown.1),
        managed: managed.clone(),
        catalog: catalog.clone(),
        columns: if source.is_empty() {
            MatrixColumns::Mentioned
        } else {
            MatrixColumns::Service((*source).clone())
        },
        filter: (*filter).clone(),
        resource: if resource.trim().is_empty() {
            "*".to_string()
        } else {
            resource.trim().to_string()
        },
    });
    let wanted = (*rows_shown).min(progress.rows.len());
    {
        // The cells of a row: the columns of the window.
        let columns = progress.actions.as_ref().map_or(0, |a| a.len()) + root_only_tasks().len();
        let step = rows_per_frame(window.1.min(columns).saturating_sub(window.0.min(columns)));
        let rendered = rendered.clone();
        use_effect_with((wanted, *rendered), move |&(wanted, now)| {
            let frame = if now < wanted {
                Some(gloo::render::request_animation_frame(move |_| {
                    rendered.set((now + step).min(wanted));
                }))
            } else {
                if now > wanted {
                    // Fewer rows (a new query's arrive afresh): they fill in a step at a time
                    // again.
                    rendered.set(wanted);
                }
                None
            };
            move || drop(frame)
        });
    }
    let columns_known = progress.actions.is_some();
    let actions: Rc<[String]> = progress.actions.clone().unwrap_or_else(|| Rc::from([]));
    let total = progress.actions_total;
    let root_tasks = root_only_tasks();

    let on_source = {
        let source = source.clone();
        Callback::from(move |e: Event| {
            source.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_resource = {
        let resource = resource.clone();
        Callback::from(move |e: InputEvent| {
            resource.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let services: Vec<(String, String)> = catalog
        .as_deref()
        .map(|c| {
            c.services()
                .map(|s| (s.prefix().to_string(), s.name().to_string()))
                .collect()
        })
        .unwrap_or_default();

    // One listener for every cell, on the table: a cell's button names its column and its
    // row the principal. A listener per cell was a closure and an event registration for each
    // of the thousands of buttons a band of rows adds.
    let on_table_click = {
        let store = store.clone();
        let actions = Rc::clone(&actions);
        let resource = (*resource).clone();
        Callback::from(move |e: MouseEvent| {
            let Some((principal, column)) = clicked_cell(&e) else {
                return;
            };
            let Some(action) = column_action(&actions, column) else {
                return;
            };
            let res = if action.starts_with(ROOT_TASK_PREFIX) || resource.trim().is_empty() {
                "*".to_string()
            } else {
                resource.trim().to_string()
            };
            store.dispatch(Action::SetRequest(RequestState {
                principal,
                action,
                resource: res,
                context: Vec::new(),
            }));
            focus_result();
        })
    };

    let columns_total = actions.len() + root_tasks.len();
    let (start, end) = (window.0.min(columns_total), window.1.min(columns_total));
    // While a row has the keyboard focus the header has every column too, so that each cell
    // the keyboard reaches has its action above it.
    let (head_start, head_end) = if focus_row.is_some() {
        (0, columns_total)
    } else {
        (start, end)
    };
    let on_scroll = {
        let window = window.clone();
        let column_px = column_px.clone();
        Callback::from(move |e: Event| {
            // While a cell has the keyboard focus the window stays (see focus_row).
            if focused_cell().is_some() {
                return;
            }
            let el: web_sys::Element = e.target_unchecked_into();
            let next = column_window(
                f64::from(el.scroll_left()),
                f64::from(el.client_width()),
                *column_px.borrow(),
                usize::MAX,
            );
            if next != *window {
                window.set(next);
            }
        })
    };
    let on_focus_in = {
        let focus_row = focus_row.clone();
        let refocus_cell = refocus_cell.clone();
        Callback::from(move |_: FocusEvent| {
            let cell = focused_cell();
            let row = cell.as_ref().map(|(row, _)| row.clone());
            if row.is_some() && *focus_row != row {
                *refocus_cell.borrow_mut() = cell;
                focus_row.set(row);
            }
        })
    };
    let on_focus_out = {
        let focus_row = focus_row.clone();
        Callback::from(move |e: FocusEvent| {
            // Leaving the matrix (not for another of its cells) gives the row back the window.
            let inside = e
                .related_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest(".sim-matrix .matrix-scroll").ok().flatten())
                .is_some();
            if !inside && focus_row.is_some() {
                focus_row.set(None);
            }
        })
    };
    {
        // After a render that changed the columns (their window, their number, the focused
        // row's): size the spacers, and, unless only the window moved (a scroll, whose handler
        // read the box's place itself), measure a column and widen the window to the box's
        // width. Not after the renders that only add rows, nor a scroll's: each read here lays
        // the page out, and the table would then be laid out twice, once here and once by the
        // frame.
        let (scroll_ref, before_ref, after_ref) =
            (scroll_ref.clone(), before_ref.clone(), after_ref.clone());
        let column_px = column_px.clone();
        let window = window.clone();
        let refocus_cell = refocus_cell.clone();
        let measured_for = measured_for.clone();
        let shape = (columns_total, columns_known, (*focus_row).clone());
        use_effect_with((head_start, head_end, shape), move |(_, _, shape)| {
            let Some(scroll) = scroll_ref.cast::<web_sys::Element>() else {
                return;
            };
            if let Some(cell) = refocus_cell.borrow_mut().take() {
                refocus(&scroll, &cell);
            }
            let measure = measured_for.borrow().as_ref() != Some(shape);
            let next = measure.then(|| {
                *measured_for.borrow_mut() = Some(shape.clone());
                if let Ok(Some(th)) = scroll.query_selector("thead th.col-action") {
                    let w = th.get_bounding_client_rect().width();
                    if w > 1.0 {
                        *column_px.borrow_mut() = w;
                    }
                }
                // Every read of the layout before the writes below: a read after a write
                // makes the browser lay the page out again. A box that does not scroll (no
                // style sheet: a test, a host page's own styles) has no view to follow: every
                // column is rendered.
                let scrolls = gloo::utils::window()
                    .get_computed_style(&scroll)
                    .ok()
                    .flatten()
                    .and_then(|style| style.get_property_value("overflow-x").ok())
                    .is_none_or(|overflow| overflow != "visible");
                if scrolls {
                    column_window(
                        f64::from(scroll.scroll_left()),
                        f64::from(scroll.client_width()),
                        *column_px.borrow(),
                        usize::MAX,
                    )
                } else {
                    (0, usize::MAX)
                }
            });
            let px = *column_px.borrow();
            let size = |node: &NodeRef, columns: usize| {
                if let Some(el) = node.cast::<web_sys::HtmlElement>() {
                    let width = format!("{}px", (columns as f64 * px).round());
                    let style = el.style();
                    if style.get_property_value("width").ok().as_deref() != Some(width.as_str()) {
                        let _ = style.set_property("min-width", &width);
                        let _ = style.set_property("width", &width);
                    }
                }
            };
            size(&before_ref, head_start);
            size(&after_ref, columns_total.saturating_sub(head_end));
            if let Some(next) = next
                && next != *window
                && focused_cell().is_none()
            {
                window.set(next);
            }
        });
    }
    let header_actions = actions
        .iter()
        .enumerate()
        .skip(head_start)
        .take(head_end.saturating_sub(head_start))
        .map(|(c, a)| html! { <th key={c} scope="col" class="col-action"><span>{ a.clone() }</span></th> });
    let header_tasks = root_tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (actions.len() + i, t))
        .filter(|(c, _)| (head_start..head_end).contains(c))
        .map(|(c, t)| html! {
            <th key={c} scope="col" class="col-action col-task"><span>{ format!("Root-only: {}", t.title) }</span></th>
        });
    let hidden = progress.total.saturating_sub(*rows_shown);
    let show_more = (hidden > 0).then(|| {
        let rows_shown = rows_shown.clone();
        let more = hidden.min(ROWS_PER_PAGE);
        html! {
            <p class="matrix-more">
                <button type="button" class="matrix-show-more"
                    onclick={Callback::from(move |_| rows_shown.set(*rows_shown + ROWS_PER_PAGE))}>
                    { format!("Show {} more principals", thousands(more)) }
                </button>
                { format!(" ({} not shown)", thousands(hidden)) }
            </p>
        }
    });
    let body = progress
        .rows
        .iter()
        .take((*rendered).min(wanted))
        .map(|row| {
            let id = String::from(row.principal.clone());
            let columns = if focus_row.as_deref() == Some(id.as_str()) {
                (0, columns_total)
            } else {
                (start, end)
            };
            html! {
                <MatrixRowView key={id} row={Rc::clone(row)} actions={Rc::clone(&actions)}
                    {columns} total={columns_total} />
            }
        });
    let (a, e, i) = progress.counts;
    let c = progress.conditional;
    let note = if !columns_known {
        "Working out the action columns\u{2026}".to_string()
    } else if actions.is_empty() {
        if source.is_empty() {
            "No policy of the scenario mentions an action yet (a bare * is not expanded). Pick a service instead.".to_string()
        } else if catalog.is_none() {
            "The action catalog is loading.".to_string()
        } else {
            "No action matches.".to_string()
        }
    } else if total > actions.len() {
        format!(
            "Showing {} of {total} actions; type a filter to narrow them.",
            actions.len()
        )
    } else {
        format!("{} actions.", actions.len())
    };
    let done = thousands(progress.rows.len());
    let of = thousands(progress.total);
    let status = match &progress.status {
        JobStatus::Running => html! {
            <p class="matrix-progress" role="status" data-state="running">
                <progress max={progress.total.to_string()} value={progress.rows.len().to_string()} />
                { format!(" Computing {done} of {of} principals\u{2026} ") }
                <button type="button" class="matrix-cancel" onclick={cancel.reform(|_| ())}>{ "Cancel" }</button>
            </p>
        },
        JobStatus::Done => html! {
            <p class="matrix-progress" role="status" data-state="done">
                { format!(
                    "{of} principals, computed in {:.0} ms{}.",
                    progress.elapsed_ms,
                    if uses_worker() { " in the background" } else { "" }
                ) }
            </p>
        },
        JobStatus::Cancelled => html! {
            <p class="matrix-progress" role="status" data-state="cancelled">
                { format!("Cancelled after {done} of {of} principals; change the query to compute it again.") }
            </p>
        },
        JobStatus::Failed(message) => html! {
            <p class="matrix-progress status-error" role="status" data-state="failed">{ message.clone() }</p>
        },
    };
    html! {
        <section class="sim-matrix" aria-labelledby="sim-matrix-heading">
            <h3 id="sim-matrix-heading">{ "Access matrix" }</h3>
            <form class="matrix-controls" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <label>
                    <span>{ "Actions" }</span>
                    <select name="matrix-source" onchange={on_source}>
                        <option value="" selected={source.is_empty()}>{ "The actions the policies mention" }</option>
                        { for services.iter().map(|(prefix, name)| html! {
                            <option value={prefix.clone()} selected={*prefix == *source}>{ format!("{prefix} ({name})") }</option>
                        }) }
                    </select>
                </label>
                <label>
                    <span>{ "Filter" }</span>
                    <input type="text" name="matrix-filter" value={(*filter).clone()} oninput={on_filter} placeholder="e.g. Delete" />
                </label>
                <label>
                    <span>{ "Resource" }</span>
                    <input type="text" name="matrix-resource" value={(*resource).clone()} oninput={on_resource} spellcheck="false" />
                </label>
            </form>
            <p class="matrix-legend">
                <span class="cell cell-allowed">{ "A" }</span>{ format!(" allowed ({a}) · ") }
                <span class="cell cell-explicit">{ "E" }</span>{ format!(" explicit deny ({e}) · ") }
                <span class="cell cell-implicit">{ "I" }</span>{ format!(" implicit deny ({i}) · ") }
                <span class="cell cell-conditional">{ "C" }</span>{ format!(" conditional: depends on context the request leaves open ({c}) · ") }
                { note }
                { " Select a cell to see why." }
            </p>
            { status }
            <div class="matrix-scroll" tabindex="0" role="region" aria-label="Access matrix, scrolls sideways"
                ref={scroll_ref} onscroll={on_scroll} onfocusin={on_focus_in} onfocusout={on_focus_out}>
                <table class="matrix" onclick={on_table_click}>
                    <thead><tr>
                        <th scope="col">{ "Principal" }</th>
                        if head_start > 0 {
                            <th class="matrix-spacer" aria-hidden="true" colspan={head_start.to_string()} ref={before_ref}></th>
                        }
                        // A fragment of keyed cells only, so that a move of the window keeps
                        // the cells still in it (a list of keyed and unkeyed nodes is
                        // reconciled by position, and every cell was made again).
                        <>{ for header_actions }{ for header_tasks }</>
                        if head_end < columns_total {
                            <th class="matrix-spacer" aria-hidden="true" colspan={(columns_total - head_end).to_string()} ref={after_ref}></th>
                        }
                    </tr></thead>
                    <tbody>{ for body }</tbody>
                </table>
            </div>
            { show_more }
        </section>
    }
}

/// The properties of one row of the matrix.
#[derive(Properties, PartialEq)]
struct MatrixRowProps {
    row: Rc<MatrixRow>,
    actions: Rc<[String]>,
    /// The columns rendered, [start, end) (the others are spacers).
    columns: (usize, usize),
    /// How many columns there are.
    total: usize,
}

/// One principal's row. A component of its own so that, as bands arrive, the rows already
/// shown are left alone (their properties are equal).
#[component]
fn MatrixRowView(props: &MatrixRowProps) -> Html {
    let row = &props.row;
    let p = &row.principal;
    let label = principal_label(p);
    let tasks = root_only_tasks();
    let (start, end) = props.columns;
    let cells = row
        .cells
        .iter()
        .enumerate()
        .skip(start)
        .take(end.saturating_sub(start))
        .map(|(c, &d)| {
            let column = match props.actions.get(c) {
                Some(a) => a.clone(),
                None => tasks
                    .get(c - props.actions.len())
                    .map(|t| format!("root-only task \"{}\"", t.title))
                    .unwrap_or_default(),
            };
            let conditional = row.conditional(c);
            let text = match conditional {
                Some(sentence) => format!("{label}, {column}: conditional. {sentence}"),
                None => format!("{label}, {column}: {}", decision_label(d)),
            };
            let (class, glyph) = match conditional {
                Some(_) => ("cell cell-conditional", "C"),
                None => (cell_class(d), letter(d)),
            };
            html! {
                // Keyed by column, so a cell keeps its element (and the keyboard focus) when
                // scrolling moves the rendered columns.
                // The sentence of a conditional cell is its title too; the others' names
                // say no more than the letter, the row and the column.
                <td key={c}><button type="button" {class} aria-label={text}
                    title={conditional.map(|s| s.to_string())}
                    data-decision={d.as_aws_str()} data-conditional={conditional.map(|_| "true")}
                    data-col={c.to_string()}>{ glyph }</button></td>
            }
        });
    html! {
        <tr data-principal={String::from(p.clone())}>
            <th scope="row">{ label.clone() }{ row.error.clone().map(|e| html! { <span class="status-error">{ format!(" ({e})") }</span> }).unwrap_or_default() }</th>
            if start > 0 {
                <td class="matrix-spacer" aria-hidden="true" colspan={start.to_string()}></td>
            }
            // Keyed cells only (see the header).
            <>{ for cells }</>
            if end < props.total {
                <td class="matrix-spacer" aria-hidden="true" colspan={(props.total - end).to_string()}></td>
            }
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_adds_rows_of_at_most_its_share_of_cells() {
        // A narrow window (the iam service on a phone): the most rows a frame adds.
        assert_eq!(rows_per_frame(20), ROWS_PER_FRAME);
        assert_eq!(rows_per_frame(30), ROWS_PER_FRAME);
        // A laptop's window of 60 columns: two rows, 120 cells.
        assert_eq!(rows_per_frame(60), 2);
        assert_eq!(rows_per_frame(76), 1);
        // A row wider than the share (the focused row's every column) still enters alone.
        assert_eq!(rows_per_frame(2_000), 1);
        // No columns known yet: nothing to build, the most rows.
        assert_eq!(rows_per_frame(0), ROWS_PER_FRAME);
    }

    #[test]
    fn the_window_is_the_columns_in_view_with_overscan() {
        // 1,000 px of 27 px columns from the left: 38 in view and 10 beyond the right edge,
        // in steps of ten.
        let (start, end) = column_window(0.0, 1000.0, COLUMN_PX, usize::MAX);
        assert_eq!(start, 0);
        assert!(end >= 38 + OVERSCAN, "{end}");
        assert!(end <= 38 + OVERSCAN + COLUMN_STEP, "{end}");
        // Scrolled, the window starts OVERSCAN columns before the first in view, on a step.
        let (start, _) = column_window(2700.0, 1000.0, COLUMN_PX, usize::MAX);
        assert!(
            start <= 100 - OVERSCAN && start % COLUMN_STEP == 0,
            "{start}"
        );
        // Never past the columns there are.
        assert_eq!(column_window(0.0, 1000.0, COLUMN_PX, 12), (0, 12));
    }
}
