//! The inspector's form widgets. Every field shows the engine's verdict as the user types (by
//! trying the edit on a copy of the scenario, so the rules and messages are the engine's own),
//! commits through [`crate::store::edit`] on Enter or when it loses focus, and reverts on
//! Escape. A refused commit leaves the scenario as it was and keeps the typed text in the field
//! with the message beside it.

use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use iam_engine::scenario::{EditError, QuotaMeter, Scenario};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::store::{StoreHandle, use_store};
/// Quota meters and sizes show numbers the way the rest of the UI does ("2,345").
use crate::text::thousands;

/// The longest message shown beside a field. Engine messages quote what was typed, and a
/// megabyte paste must not become a megabyte message.
const MESSAGE_MAX: usize = 300;

/// An engine edit that sets one value from the text of a field: applied to a copy of the
/// scenario while the user types (to check it) and for real when the field commits.
#[derive(Clone)]
pub struct Apply(pub Rc<EditFn>);

/// The function inside an [`Apply`].
pub type EditFn = dyn Fn(&mut Scenario, &str) -> Result<(), EditError>;

impl Apply {
    /// Wraps an edit.
    pub fn new(f: impl Fn(&mut Scenario, &str) -> Result<(), EditError> + 'static) -> Apply {
        Apply(Rc::new(f))
    }

    /// What the engine says about `text`, without changing anything.
    pub fn check(&self, scenario: &Scenario, text: &str) -> Option<String> {
        let mut copy = scenario.clone();
        (self.0)(&mut copy, text).err().map(|e| clip(&e.message))
    }

    /// Commits `text` as one undo step named `label`; the engine's message when it refuses.
    pub fn commit(&self, store: &StoreHandle, label: &str, text: &str) -> Option<String> {
        crate::store::edit(store, label, |s| (self.0)(s, text))
            .err()
            .map(|e| clip(&e.message))
    }
}

impl PartialEq for Apply {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Shortens a message to [`MESSAGE_MAX`] characters, marking the cut.
pub fn clip(message: &str) -> String {
    if message.chars().count() <= MESSAGE_MAX {
        return message.to_owned();
    }
    let mut out: String = message.chars().take(MESSAGE_MAX).collect();
    out.push('…');
    out
}

/// A page-unique id for associating a field with its message.
pub fn next_id(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Props of [`TextField`].
#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// The visible label.
    pub label: AttrValue,
    /// The value stored in the scenario.
    pub value: AttrValue,
    /// The edit that stores a new value.
    pub apply: Apply,
    /// The undo step's name ("Rename user alice").
    pub undo: AttrValue,
    /// Called with the committed text after the engine accepted it (to follow a rename).
    #[prop_or_default]
    pub after: Callback<String>,
    /// A short help line under the field.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// The `data-field` attribute, for tests and styling.
    #[prop_or_default]
    pub field: AttrValue,
    /// The input type (`text` by default, `number` for counts).
    #[prop_or_default]
    pub input_type: Option<AttrValue>,
    /// A several-line text (descriptions).
    #[prop_or_default]
    pub multiline: bool,
    /// Extra classes on the wrapper (`field-narrow`).
    #[prop_or_default]
    pub class: Classes,
}

/// A text field that validates as the user types and commits on Enter or blur.
#[component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let store = use_store();
    let draft = use_state(|| None::<String>);
    let error = use_state(|| None::<String>);
    let id = use_memo((), |_| next_id("field"));
    let Some(store) = store else {
        return html! {};
    };
    let shown = (*draft).clone().unwrap_or_else(|| props.value.to_string());

    let oninput = {
        let (draft, error, store, apply) = (
            draft.clone(),
            error.clone(),
            store.clone(),
            props.apply.clone(),
        );
        let value = props.value.clone();
        Callback::from(move |text: String| {
            let verdict = if text == value.as_str() {
                None
            } else {
                apply.check(&store.scenario, &text)
            };
            error.set(verdict);
            draft.set(Some(text));
        })
    };
    let commit = {
        let (draft, error, store, apply) = (
            draft.clone(),
            error.clone(),
            store.clone(),
            props.apply.clone(),
        );
        let (value, undo, after) = (props.value.clone(), props.undo.clone(), props.after.clone());
        Callback::from(move |()| {
            let Some(text) = (*draft).clone() else {
                return;
            };
            if text == value.as_str() {
                draft.set(None);
                error.set(None);
                return;
            }
            match apply.commit(&store, &undo, &text) {
                None => {
                    draft.set(None);
                    error.set(None);
                    after.emit(text);
                }
                Some(message) => error.set(Some(message)),
            }
        })
    };
    let revert = {
        let (draft, error) = (draft.clone(), error.clone());
        Callback::from(move |()| {
            draft.set(None);
            error.set(None);
        })
    };
    let multiline = props.multiline;
    let onkeydown = {
        let (commit, revert) = (commit.clone(), revert.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" if !multiline || e.ctrl_key() || e.meta_key() => {
                e.prevent_default();
                commit.emit(());
            }
            "Escape" => {
                e.prevent_default();
                revert.emit(());
            }
            _ => {}
        })
    };
    let onblur = commit.reform(|_: FocusEvent| ());
    let error_id = format!("{}-error", *id);
    let hint_id = format!("{}-hint", *id);
    let mut described = Vec::new();
    if error.is_some() {
        described.push(error_id.clone());
    }
    if props.hint.is_some() {
        described.push(hint_id.clone());
    }
    let described = (!described.is_empty()).then(|| described.join(" "));
    let invalid = error.is_some().then_some("true");
    let control = if multiline {
        let oninput = oninput
            .reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
        html! {
            <textarea id={(*id).clone()} rows="2" value={shown} {oninput} {onkeydown} {onblur}
                aria-invalid={invalid} aria-describedby={described} />
        }
    } else {
        let oninput =
            oninput.reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
        let ty = props
            .input_type
            .clone()
            .unwrap_or(AttrValue::Static("text"));
        html! {
            <input id={(*id).clone()} type={ty} value={shown} {oninput} {onkeydown} {onblur}
                spellcheck="false" autocomplete="off"
                aria-invalid={invalid} aria-describedby={described} />
        }
    };
    html! {
        <div class={classes!("field", props.class.clone())} data-field={props.field.clone()}>
            <label for={(*id).clone()}>{ props.label.clone() }</label>
            { control }
            if let Some(hint) = &props.hint {
                <p class="field-hint" id={hint_id}>{ hint.clone() }</p>
            }
            if let Some(message) = &*error {
                <p class="field-error" role="alert" id={error_id}>{ message.clone() }</p>
            }
        </div>
    }
}

/// Props of [`CheckField`].
#[derive(Properties, PartialEq)]
pub struct CheckFieldProps {
    /// The visible label.
    pub label: AttrValue,
    /// Whether it is ticked in the scenario.
    pub checked: bool,
    /// Stores the new state; the engine's message when refused.
    pub on_toggle: Callback<bool, Option<String>>,
    /// The `data-field` attribute.
    #[prop_or_default]
    pub field: AttrValue,
    /// A short help line.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// Greyed out (a dependent option whose parent is off).
    #[prop_or_default]
    pub disabled: bool,
}

/// A checkbox that commits at once.
#[component]
pub fn CheckField(props: &CheckFieldProps) -> Html {
    let error = use_state(|| None::<String>);
    let onchange = {
        let (error, on_toggle) = (error.clone(), props.on_toggle.clone());
        Callback::from(move |e: Event| {
            let checked = e.target_unchecked_into::<HtmlInputElement>().checked();
            error.set(on_toggle.emit(checked).map(|m| clip(&m)));
        })
    };
    html! {
        <div class="check-field" data-field={props.field.clone()}>
            <label>
                <input type="checkbox" checked={props.checked} disabled={props.disabled} {onchange} />
                <span>{ props.label.clone() }</span>
            </label>
            if let Some(hint) = &props.hint {
                <p class="field-hint">{ hint.clone() }</p>
            }
            if let Some(message) = &*error {
                <p class="field-error" role="alert">{ message.clone() }</p>
            }
        </div>
    }
}

/// Props of [`QuotaMeters`].
#[derive(Properties, PartialEq)]
pub struct QuotaMetersProps {
    /// The meters, from `Scenario::quota_meters`.
    pub meters: Vec<QuotaMeter>,
}

/// Quota meters: a bar per quota with the numbers in words, and over-quota said in words.
#[component]
pub fn QuotaMeters(props: &QuotaMetersProps) -> Html {
    if props.meters.is_empty() {
        return html! {};
    }
    let rows = props.meters.iter().map(|m| {
        let over = m.exceeded();
        let text = format!("{} of {}", thousands(m.used), thousands(m.limit));
        let high = (m.limit as f64 * 0.8).to_string();
        html! {
            <li class={classes!("quota", over.then_some("quota-over"))} data-quota={m.label}>
                <span class="quota-label">{ m.label }</span>
                <meter min="0" max={m.limit.to_string()} value={m.used.min(m.limit).to_string()}
                    low={high.clone()} high={high} optimum="0" aria-label={m.label}
                    aria-valuetext={text.clone()} />
                <span class="quota-text">
                    { text }
                    if over {
                        <strong class="quota-flag">{ format!(" — over the limit by {}", thousands(m.used - m.limit)) }</strong>
                    }
                </span>
                if let Some(note) = m.note {
                    <span class="quota-note">{ note }</span>
                }
            </li>
        }
    });
    html! {
        <ul class="quota-meters" aria-label="Quotas">{ for rows }</ul>
    }
}

/// Props of [`Section`].
#[derive(Properties, PartialEq)]
pub struct SectionProps {
    /// The heading.
    pub title: AttrValue,
    /// The `data-section` attribute.
    #[prop_or_default]
    pub id: AttrValue,
    /// The content.
    #[prop_or_default]
    pub children: Html,
    /// Starts open.
    #[prop_or(true)]
    pub open: bool,
    /// The content is mounted the first time the section is open, and stays (content whose
    /// code is fetched on demand: a folded section fetches nothing).
    #[prop_or_default]
    pub until_open: bool,
}

/// A collapsible section of a panel.
#[component]
pub fn Section(props: &SectionProps) -> Html {
    let shown = use_state_eq(|| props.open);
    let ontoggle = props.until_open.then(|| {
        let shown = shown.clone();
        Callback::from(move |e: Event| {
            // The `open` attribute is the state of a `<details>` element.
            if let Some(details) = e.target_dyn_into::<web_sys::Element>()
                && details.has_attribute("open")
            {
                shown.set(true);
            }
        })
    });
    let body = (!props.until_open || *shown || props.open).then(|| props.children.clone());
    html! {
        <details class="inspector-section" open={props.open} data-section={props.id.clone()} {ontoggle}>
            <summary>{ props.title.clone() }</summary>
            <div class="section-body">{ for body }</div>
        </details>
    }
}

/// Props of [`ActionButton`].
#[derive(Properties, PartialEq)]
pub struct ActionButtonProps {
    /// The button's text.
    pub label: AttrValue,
    /// Does the work; the engine's message when refused.
    pub on_click: Callback<(), Option<String>>,
    /// Extra classes (`btn-danger`, `btn-quiet`).
    #[prop_or_default]
    pub class: Classes,
    /// The `data-action` attribute.
    #[prop_or_default]
    pub action: AttrValue,
    /// An accessible name when the text alone is ambiguous.
    #[prop_or_default]
    pub aria_label: Option<AttrValue>,
    /// Disabled.
    #[prop_or_default]
    pub disabled: bool,
}

/// A button whose edit may be refused: the message appears beside it.
#[component]
pub fn ActionButton(props: &ActionButtonProps) -> Html {
    let error = use_state(|| None::<String>);
    let onclick = {
        let (error, on_click) = (error.clone(), props.on_click.clone());
        Callback::from(move |_: MouseEvent| error.set(on_click.emit(()).map(|m| clip(&m))))
    };
    html! {
        <span class="action">
            <button type="button" class={classes!("btn", props.class.clone())}
                data-action={props.action.clone()} aria-label={props.aria_label.clone()}
                disabled={props.disabled} {onclick}>
                { props.label.clone() }
            </button>
            if let Some(message) = &*error {
                <span class="field-error" role="alert">{ message.clone() }</span>
            }
        </span>
    }
}
