//! The visual statement editor: the same policy as forms, one card per statement (Sid,
//! Effect, actions, resources, conditions).
//!
//! It reads the statements with [`iam_engine::policy::parse_policy`] and writes every change
//! through [`iam_engine::editing::edit`], which replaces only the JSON value that changed, so
//! the user's formatting of everything else survives a round trip through this view. Text
//! fields commit on `change` (Enter or leaving the field), not on every keystroke.

use std::rc::Rc;
use std::sync::atomic::Ordering;

use iam_engine::catalog::{AccessLevel, Catalog};
use iam_engine::editing::EditError;
use iam_engine::editing::complete::{condition_key_items, operator_names, resource_formats};
use iam_engine::editing::edit::{
    ConditionRow, ListKind, add_statement, remove_statement, set_condition, set_effect, set_list,
    set_sid,
};
use iam_engine::policy::{Effect, ListElement, PolicyType, Statement, parse_policy};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::highlights::{EditorHighlight, highlight_class, highlight_word};
use super::textarea::NEXT_ID;
use crate::data::Loadable;

/// Props of [`VisualEditor`].
#[derive(Properties, PartialEq)]
pub struct VisualEditorProps {
    /// The policy text (the editor's local copy).
    pub text: AttrValue,
    /// The grammar the statements are read with.
    pub policy_type: PolicyType,
    /// Called with the whole new text after each edit.
    pub on_change: Callback<String>,
    /// The simulator's marks; a statement they overlap says so in its heading.
    #[prop_or_default]
    pub highlights: Vec<EditorHighlight>,
}

/// The visual statement editor.
#[component]
pub fn VisualEditor(props: &VisualEditorProps) -> Html {
    let catalog = match use_context::<Loadable<Catalog>>().unwrap_or_default() {
        Loadable::Ready(c) => Some(c),
        _ => None,
    };
    let error = use_state(|| None::<String>);
    let parsed = use_memo(
        (props.text.clone(), props.policy_type),
        |(text, policy_type)| {
            let parsed = parse_policy(text, *policy_type);
            let json_broken = parsed
                .diagnostics
                .iter()
                .any(|d| d.is_error() && d.code.starts_with("json-"));
            (parsed.document.statements, json_broken)
        },
    );
    // Every edit lands here: a new text for the caller, or a message beside the form.
    let apply = {
        let on_change = props.on_change.clone();
        let error = error.clone();
        Callback::from(move |result: Result<String, EditError>| match result {
            Ok(text) => {
                error.set(None);
                on_change.emit(text);
            }
            Err(e) => error.set(Some(e.message)),
        })
    };
    let (statements, json_broken) = &*parsed;
    if *json_broken {
        return html! {
            <div class="visual-editor">
                <p class="ve-blocked" role="status">
                    { "The text has JSON errors. Fix them in the JSON view (the problems are listed there) to edit visually." }
                </p>
            </div>
        };
    }
    let on_add = {
        let apply = apply.clone();
        let text = props.text.clone();
        Callback::from(move |_: MouseEvent| apply.emit(add_statement(&text).map(|(t, _)| t)))
    };
    html! {
        <div class="visual-editor">
            if let Some(message) = &*error {
                <p class="field-error" role="alert">{ message.clone() }</p>
            }
            if statements.is_empty() {
                <p class="muted">{ "No statements yet." }</p>
            }
            { for statements.iter().map(|s| {
                let marks: Vec<EditorHighlight> = props
                    .highlights
                    .iter()
                    .filter(|h| h.span.start < s.span.end && s.span.start < h.span.end)
                    .cloned()
                    .collect();
                html! {
                    <StatementCard key={s.index} statement={Rc::new(s.clone())} text={props.text.clone()}
                        catalog={catalog.clone()} apply={apply.clone()} {marks} />
                }
            }) }
            <button type="button" class="btn" onclick={on_add}>{ "Add statement" }</button>
        </div>
    }
}

#[derive(Properties)]
struct CardProps {
    statement: Rc<Statement>,
    text: AttrValue,
    catalog: Option<Rc<Catalog>>,
    apply: Callback<Result<String, EditError>>,
    marks: Vec<EditorHighlight>,
}

impl PartialEq for CardProps {
    fn eq(&self, other: &Self) -> bool {
        // The callbacks capture the text they edit, so a new one must re-render.
        self.statement == other.statement
            && self.text == other.text
            && self.apply == other.apply
            && self.marks == other.marks
            && match (&self.catalog, &other.catalog) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

fn items(list: Option<&ListElement>) -> Vec<String> {
    list.map(|l| l.items.iter().map(|i| i.value.clone()).collect())
        .unwrap_or_default()
}

#[component]
fn StatementCard(props: &CardProps) -> Html {
    let id = use_state(|| NEXT_ID.fetch_add(1, Ordering::Relaxed));
    let s = &props.statement;
    let index = s.index;
    let prefix = format!("ve{}", *id);
    let actions = items(s.action.as_ref());
    let action_negated = s.action.as_ref().is_some_and(|a| a.negated);
    let resources = items(s.resource.as_ref());
    let resource_negated = s.resource.as_ref().is_some_and(|r| r.negated);

    let on_sid = {
        let apply = props.apply.clone();
        let text = props.text.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            apply.emit(set_sid(&text, index, input.value().trim()));
        })
    };
    let on_effect = {
        let apply = props.apply.clone();
        let text = props.text.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let effect = if select.value() == "Deny" {
                Effect::Deny
            } else {
                Effect::Allow
            };
            apply.emit(set_effect(&text, index, effect));
        })
    };
    let on_remove = {
        let apply = props.apply.clone();
        let text = props.text.clone();
        Callback::from(move |_: MouseEvent| apply.emit(remove_statement(&text, index)))
    };
    let set_actions = {
        let apply = props.apply.clone();
        let text = props.text.clone();
        Callback::from(move |(negated, list): (bool, Vec<String>)| {
            apply.emit(set_list(&text, index, ListKind::Action, negated, &list));
        })
    };
    let set_resources = {
        let apply = props.apply.clone();
        let text = props.text.clone();
        Callback::from(move |(negated, list): (bool, Vec<String>)| {
            apply.emit(set_list(&text, index, ListKind::Resource, negated, &list));
        })
    };
    let set_rows = {
        let apply = props.apply.clone();
        let text = props.text.clone();
        Callback::from(move |rows: Vec<ConditionRow>| {
            apply.emit(set_condition(&text, index, &rows));
        })
    };
    let rows: Vec<ConditionRow> = s
        .condition
        .iter()
        .map(|c| ConditionRow {
            operator: c.operator.value.clone(),
            key: c.key.value.clone(),
            values: c.values.iter().map(|v| v.value.clone()).collect(),
        })
        .collect();
    let effect = s.effect.as_ref().map(|e| e.value);
    let title = format!("Statement {}: {}", index + 1, s.label());
    // The suggestions depend only on the actions (and the catalog): computing them expands
    // wildcards, so they are kept between renders.
    let suggestions = {
        let catalog = props.catalog.clone();
        use_memo(
            (
                actions.clone(),
                action_negated,
                props.catalog.as_ref().map(|c| Rc::as_ptr(c) as usize),
            ),
            move |(actions, negated, _)| {
                let Some(c) = catalog.as_deref() else {
                    return (Vec::new(), Vec::new());
                };
                let for_actions: &[String] = if *negated { &[] } else { actions };
                let formats: Vec<String> = resource_formats(c, for_actions)
                    .into_iter()
                    .map(|f| f.arn)
                    .collect();
                let keys: Vec<String> = condition_key_items(c, for_actions)
                    .into_iter()
                    .map(|i| i.label)
                    .collect();
                (formats, keys)
            },
        )
    };
    let (formats, keys) = (suggestions.0.clone(), suggestions.1.clone());

    html! {
        <section class="ve-stmt" aria-label={title.clone()}>
            <div class="ve-head">
                <h4>
                    { title }
                    { for props.marks.iter().map(|m| html! {
                        <span class={classes!("ve-mark", highlight_class(m.kind))} title={m.label.clone()}>
                            { highlight_word(m.kind) }
                        </span>
                    }) }
                </h4>
                <button type="button" class="btn btn-quiet" onclick={on_remove}
                    aria-label={format!("Remove statement {}", index + 1)}>{ "Remove" }</button>
            </div>
            <div class="ve-row">
                <label for={format!("{prefix}-sid")}>{ "Sid" }</label>
                <input id={format!("{prefix}-sid")} type="text" class="ve-input"
                    value={s.sid.as_ref().map(|x| x.value.clone()).unwrap_or_default()}
                    onchange={on_sid} placeholder="Optional, letters and digits" />
            </div>
            <div class="ve-row">
                <label for={format!("{prefix}-effect")}>{ "Effect" }</label>
                <select id={format!("{prefix}-effect")} class="ve-input" onchange={on_effect}>
                    if effect.is_none() {
                        <option value="" selected=true disabled=true>{ "Choose…" }</option>
                    }
                    <option value="Allow" selected={effect == Some(Effect::Allow)}>{ "Allow" }</option>
                    <option value="Deny" selected={effect == Some(Effect::Deny)}>{ "Deny" }</option>
                </select>
            </div>
            if let Some(principal) = &s.principal {
                <p class="ve-row muted">
                    { format!("{} is edited in the JSON view.", if principal.negated { "NotPrincipal" } else { "Principal" }) }
                </p>
            }
            <ListEditor prefix={format!("{prefix}-act")} kind={ListKindProp::Action} negated={action_negated}
                items={actions.clone()} on_set={set_actions} catalog={props.catalog.clone()} suggestions={Vec::<String>::new()} />
            <ListEditor prefix={format!("{prefix}-res")} kind={ListKindProp::Resource} negated={resource_negated}
                items={resources} on_set={set_resources} catalog={None::<Rc<Catalog>>} suggestions={formats} />
            <ConditionEditor prefix={format!("{prefix}-cond")} rows={rows} on_set={set_rows} keys={keys} />
        </section>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum ListKindProp {
    Action,
    Resource,
}

#[derive(Properties)]
struct ListProps {
    prefix: String,
    kind: ListKindProp,
    negated: bool,
    items: Vec<String>,
    on_set: Callback<(bool, Vec<String>)>,
    catalog: Option<Rc<Catalog>>,
    suggestions: Vec<String>,
}

impl PartialEq for ListProps {
    fn eq(&self, other: &Self) -> bool {
        self.prefix == other.prefix
            && self.kind == other.kind
            && self.negated == other.negated
            && self.items == other.items
            && self.suggestions == other.suggestions
            && self.on_set == other.on_set
            && match (&self.catalog, &other.catalog) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

/// The access levels in the order the console lists them.
const LEVELS: [AccessLevel; 5] = [
    AccessLevel::List,
    AccessLevel::Read,
    AccessLevel::Write,
    AccessLevel::PermissionsManagement,
    AccessLevel::Tagging,
];

/// An `Action` or `Resource` list: the entries as removable chips, a field to add one, and
/// suggestions (catalog search for actions, ARN formats for resources).
#[component]
fn ListEditor(props: &ListProps) -> Html {
    let query = use_state(String::new);
    let (name, not_name, noun) = match props.kind {
        ListKindProp::Action => ("Action", "NotAction", "action"),
        ListKindProp::Resource => ("Resource", "NotResource", "resource"),
    };
    let add = {
        let on_set = props.on_set.clone();
        let items = props.items.clone();
        let negated = props.negated;
        let query = query.clone();
        Callback::from(move |value: String| {
            let value = value.trim().to_string();
            if value.is_empty() || items.contains(&value) {
                return;
            }
            let mut next = items.clone();
            next.push(value);
            query.set(String::new());
            on_set.emit((negated, next));
        })
    };
    let on_negate = {
        let on_set = props.on_set.clone();
        let items = props.items.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            on_set.emit((select.value().starts_with("Not"), items.clone()));
        })
    };
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            query.set(input.value());
        })
    };
    let onkeydown = {
        let add = add.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                let input: HtmlInputElement = e.target_unchecked_into();
                add.emit(input.value());
            }
        })
    };
    let on_add_typed = {
        let add = add.clone();
        let query = query.clone();
        Callback::from(move |_: MouseEvent| add.emit((*query).clone()))
    };
    let field_id = format!("{}-field", props.prefix);
    let chips = props.items.iter().map(|item| {
        let on_set = props.on_set.clone();
        let rest: Vec<String> = props.items.iter().filter(|i| *i != item).cloned().collect();
        let negated = props.negated;
        let onclick = Callback::from(move |_: MouseEvent| on_set.emit((negated, rest.clone())));
        html! {
            <li class="ve-chip">
                <code>{ item.clone() }</code>
                <button type="button" class="ve-chip-remove" {onclick}
                    aria-label={format!("Remove {noun} {item}")} title="Remove">{ "×" }</button>
            </li>
        }
    });

    let suggestions = match props.kind {
        ListKindProp::Action => {
            action_results(props.catalog.as_deref(), &query, &props.items, &add)
        }
        ListKindProp::Resource => {
            let q = query.to_ascii_lowercase();
            let shown: Vec<&String> = props
                .suggestions
                .iter()
                .filter(|f| !props.items.contains(f) && f.to_ascii_lowercase().contains(&q))
                .take(12)
                .collect();
            if shown.is_empty() {
                Html::default()
            } else {
                html! {
                    <div class="ve-suggest">
                        <p class="ve-suggest-title">{ "ARN formats of the statement's actions (replace the ${…} parts):" }</p>
                        <ul class="ve-formats">
                            { for shown.into_iter().map(|f| {
                                let query = query.clone();
                                let value = f.clone();
                                let field_id = field_id.clone();
                                let onclick = Callback::from(move |_: MouseEvent| {
                                    query.set(value.clone());
                                    if let Some(el) = gloo::utils::document().get_element_by_id(&field_id)
                                        && let Ok(input) = wasm_bindgen::JsCast::dyn_into::<HtmlInputElement>(el)
                                    {
                                        input.set_value(&value);
                                        let _ = input.focus();
                                    }
                                });
                                html! { <li><button type="button" class="btn btn-quiet ve-format" {onclick}><code>{ f.clone() }</code></button></li> }
                            }) }
                        </ul>
                    </div>
                }
            }
        }
    };

    html! {
        <div class="ve-list">
            <div class="ve-row">
                <select class="ve-input ve-negate" aria-label={format!("{name} or {not_name}")} onchange={on_negate}>
                    <option value={name} selected={!props.negated}>{ name }</option>
                    <option value={not_name} selected={props.negated}>{ not_name }</option>
                </select>
                if props.items.is_empty() {
                    <span class="muted">{ format!("No {noun}s yet.") }</span>
                }
            </div>
            <ul class="ve-chips" aria-label={format!("{name} entries")}>{ for chips }</ul>
            <div class="ve-row">
                <label for={field_id.clone()} class="ve-sub">
                    { match props.kind { ListKindProp::Action => "Find or type an action", ListKindProp::Resource => "Add a resource ARN" } }
                </label>
                <input id={field_id.clone()} type="text" class="ve-input ve-grow" value={(*query).clone()}
                    {oninput} {onkeydown} spellcheck="false" autocomplete="off"
                    placeholder={match props.kind { ListKindProp::Action => "s3:Get, getobject, ec2:*", ListKindProp::Resource => "arn:aws:s3:::bucket/*" }} />
                <button type="button" class="btn" onclick={on_add_typed} disabled={query.trim().is_empty()}>{ "Add" }</button>
            </div>
            { suggestions }
        </div>
    }
}

/// The catalog's answers for an action query, grouped by service and access level.
fn action_results(
    catalog: Option<&Catalog>,
    query: &str,
    chosen: &[String],
    add: &Callback<String>,
) -> Html {
    if query.trim().is_empty() {
        return Html::default();
    }
    let Some(catalog) = catalog else {
        return html! { <p class="muted">{ "The action catalog is still loading; type a full action name and press Enter." }</p> };
    };
    let found = catalog.search_actions(query, 60);
    if found.is_empty() {
        return html! { <p class="muted">{ "No action matches. Press Enter to add it as typed." }</p> };
    }
    let mut services: Vec<(String, String)> = Vec::new();
    for a in &found {
        let s = a.service();
        if !services.iter().any(|(p, _)| p == s.prefix()) {
            services.push((s.prefix().to_string(), s.name().to_string()));
        }
    }
    html! {
        <div class="ve-suggest" role="group" aria-label="Matching actions">
            { for services.iter().map(|(prefix, service_name)| html! {
                <div class="ve-group">
                    <p class="ve-group-title"><code>{ prefix.clone() }</code>{ format!(" · {service_name}") }</p>
                    { for LEVELS.iter().filter_map(|level| {
                        let in_level: Vec<String> = found
                            .iter()
                            .filter(|a| a.service().prefix() == prefix && a.access_level() == *level)
                            .map(|a| a.full_name())
                            .collect();
                        (!in_level.is_empty()).then(|| html! {
                            <div class="ve-level">
                                <span class="ve-level-name">{ level.as_str() }</span>
                                <ul class="ve-actions">
                                    { for in_level.into_iter().map(|full| {
                                        let add = add.clone();
                                        let taken = chosen.contains(&full);
                                        let value = full.clone();
                                        let onclick = Callback::from(move |_: MouseEvent| add.emit(value.clone()));
                                        let short = full.split_once(':').map_or(full.clone(), |(_, n)| n.to_string());
                                        html! {
                                            <li><button type="button" class="btn btn-quiet ve-action" {onclick} disabled={taken}
                                                aria-label={format!("Add {full} ({})", level.as_str())}>{ short }</button></li>
                                        }
                                    }) }
                                </ul>
                            </div>
                        })
                    }) }
                </div>
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ConditionProps {
    prefix: String,
    rows: Vec<ConditionRow>,
    on_set: Callback<Vec<ConditionRow>>,
    keys: Vec<String>,
}

/// The condition rows: operator, key and values (comma-separated) each editable, a row to add.
#[component]
fn ConditionEditor(props: &ConditionProps) -> Html {
    // The new row as typed: operator, key, and the values field's raw text.
    let draft = use_state(|| ("StringEquals".to_string(), String::new(), String::new()));
    let ops_id = format!("{}-ops", props.prefix);
    let keys_id = format!("{}-keys", props.prefix);
    let rows = props.rows.iter().enumerate().map(|(i, row)| {
        let change = |field: u8| {
            let on_set = props.on_set.clone();
            let rows = props.rows.clone();
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                let mut next = rows.clone();
                if let Some(r) = next.get_mut(i) {
                    match field {
                        0 => r.operator = input.value().trim().to_string(),
                        1 => r.key = input.value().trim().to_string(),
                        _ => r.values = split_values(&input.value()),
                    }
                }
                on_set.emit(next);
            })
        };
        let on_remove = {
            let on_set = props.on_set.clone();
            let mut rest = props.rows.clone();
            if i < rest.len() {
                rest.remove(i);
            }
            Callback::from(move |_: MouseEvent| on_set.emit(rest.clone()))
        };
        let n = i + 1;
        html! {
            <li class="ve-cond">
                <input type="text" class="ve-input" list={ops_id.clone()} value={row.operator.clone()}
                    aria-label={format!("Condition {n} operator")} onchange={change(0)} spellcheck="false" />
                <input type="text" class="ve-input" list={keys_id.clone()} value={row.key.clone()}
                    aria-label={format!("Condition {n} key")} onchange={change(1)} spellcheck="false" />
                <input type="text" class="ve-input" value={row.values.join(", ")}
                    aria-label={format!("Condition {n} values, separated by commas")} onchange={change(2)} spellcheck="false" />
                <button type="button" class="btn btn-quiet" onclick={on_remove}
                    aria-label={format!("Remove condition {n}")}>{ "Remove" }</button>
            </li>
        }
    });
    let draft_input = |field: u8| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = (*draft).clone();
            match field {
                0 => next.0 = input.value(),
                1 => next.1 = input.value(),
                _ => next.2 = input.value(),
            }
            draft.set(next);
        })
    };
    let can_add = !draft.0.trim().is_empty() && !draft.1.trim().is_empty();
    let on_add = {
        let on_set = props.on_set.clone();
        let rows = props.rows.clone();
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = rows.clone();
            next.push(ConditionRow {
                operator: draft.0.trim().to_string(),
                key: draft.1.trim().to_string(),
                values: split_values(&draft.2),
            });
            draft.set((draft.0.clone(), String::new(), String::new()));
            on_set.emit(next);
        })
    };
    html! {
        <div class="ve-conditions">
            <p class="ve-sub">{ "Conditions" }</p>
            <datalist id={ops_id.clone()}>
                { for operator_names().into_iter().map(|o| html! { <option value={o} /> }) }
            </datalist>
            <datalist id={keys_id.clone()}>
                { for props.keys.iter().take(400).map(|k| html! { <option value={k.clone()} /> }) }
            </datalist>
            <ul class="ve-cond-list">{ for rows }</ul>
            <div class="ve-cond ve-cond-new">
                <input type="text" class="ve-input" list={ops_id} value={draft.0.clone()}
                    aria-label="New condition operator" oninput={draft_input(0)} spellcheck="false" />
                <input type="text" class="ve-input" list={keys_id} value={draft.1.clone()}
                    aria-label="New condition key" placeholder="aws:PrincipalTag/team" oninput={draft_input(1)} spellcheck="false" />
                <input type="text" class="ve-input" value={draft.2.clone()}
                    aria-label="New condition values, separated by commas" placeholder="value, value" oninput={draft_input(2)} spellcheck="false" />
                <button type="button" class="btn" onclick={on_add} disabled={!can_add}>{ "Add condition" }</button>
            </div>
        </div>
    }
}

/// Splits a comma-separated field into trimmed, non-empty values.
fn split_values(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}
