//! The request panel: who, what action (autocomplete; wildcards expand into rows; root-only
//! tasks), on which resource (suggested), with which context keys (every key the relevant
//! policies read, typed, with the shown default, and an explicit absent / empty / set state).

use std::rc::Rc;

use iam_engine::catalog::Catalog;
use iam_engine::context::ContextKeyType;
use iam_engine::root_tasks::root_only_tasks;
use iam_engine::workbench::request::{
    ContextKeyRow, KeyOrigin, KeySetting, ROOT_TASK_PREFIX, other_principal_choice,
    principal_choices, resource_suggestions, set_override, set_through_endpoint, setting_for,
    through_endpoint, vpc_endpoint_choices,
};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::action_options::ActionOptions;
use super::root_task_search::RootTaskSearch;
use crate::components::principal_picker::{PrincipalPicker, SELECT_MAX};
use crate::data::Loadable;
use crate::store::{Action, RequestState, use_store};

/// Props of [`ContextKeys`].
#[derive(Properties, PartialEq)]
pub struct ContextKeysProps {
    /// The context keys to list.
    pub rows: Rc<Vec<ContextKeyRow>>,
    /// Sets the request time to now again.
    pub on_now: Callback<()>,
}

/// Below this page width the context keys start folded (a phone), as they do in an embed.
const FOLDED_BELOW_PX: f64 = 700.0;

/// Whether the context keys start open: on a wide page of the playground itself, where they
/// are beside the decision; folded in an embed and on a phone, where they would come between
/// the request and its decision.
fn keys_open_at_first() -> bool {
    let wide = gloo::utils::window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_none_or(|w| w >= FOLDED_BELOW_PX);
    wide && !crate::page::is_embed()
}

/// The request's context keys, in a section of their own placed after the decision (beside
/// it on a wide page): every key the relevant policies read, typed, with the shown default.
#[component]
pub fn ContextKeys(props: &ContextKeysProps) -> Html {
    let open = use_state(keys_open_at_first);
    let Some(store) = use_store() else {
        return html! {};
    };
    let request = &store.request;
    if request.action.trim().starts_with(ROOT_TASK_PREFIX) {
        return html! {};
    }
    let key_rows = props.rows.iter().map(|row| {
        html! { <KeyRow key={row.key.clone()} row={row.clone()} setting={setting_for(&request.context, &row.key)} /> }
    });
    html! {
        <section class="sim-context-panel" aria-label="Context keys">
            <details class="sim-context" open={*open}>
                <summary>{ format!("Context keys ({})", props.rows.len()) }</summary>
                <p class="muted">
                    { "Keys the policies read come first. Each is absent, empty (present with no values) or set; the default is shown. " }
                    <button type="button" class="btn btn-quiet" onclick={props.on_now.reform(|_| ())}>{ "Use the current time" }</button>
                </p>
                <table class="context-keys">
                    <thead><tr><th scope="col">{ "Key" }</th><th scope="col">{ "Type" }</th><th scope="col">{ "State" }</th><th scope="col">{ "Value" }</th></tr></thead>
                    <tbody>{ for key_rows }</tbody>
                </table>
            </details>
        </section>
    }
}

/// The request panel.
#[component]
pub fn RequestPanel() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let catalog = use_context::<Loadable<Catalog>>().unwrap_or_default();
    let catalog = catalog.ready();
    let request = store.request.clone();
    let scenario = store.scenario.clone();

    let update = {
        let store = store.clone();
        move |f: Box<dyn Fn(&mut RequestState)>| {
            let mut r = store.request.clone();
            f(&mut r);
            store.dispatch(Action::SetRequest(r));
        }
    };

    // The choices of the revision (a real account's are thousands of names, made once), and
    // the typed principal when it is none of them.
    let choices = {
        let scenario = Rc::clone(&scenario);
        use_memo(store.revision, move |_| principal_choices(&scenario, ""))
    };
    let principals = match other_principal_choice(&choices, &request.principal) {
        None => Rc::clone(&choices),
        Some(other) => {
            let mut all = (*choices).clone();
            all.push(other);
            Rc::new(all)
        }
    };
    let large = principals.len() > SELECT_MAX;

    let on_principal = {
        let update = update.clone();
        Callback::from(move |v: String| {
            update(Box::new(move |r| r.principal = v.clone()));
        })
    };
    let on_principal_text = {
        let update = update.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            update(Box::new(move |r| r.principal = v.clone()));
        })
    };
    let on_action = {
        let update = update.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            update(Box::new(move |r| r.action = v.clone()));
        })
    };
    let on_root_task = {
        let update = update.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            if !v.is_empty() {
                update(Box::new(move |r| {
                    r.action = format!("{ROOT_TASK_PREFIX}{v}")
                }));
            }
        })
    };
    let on_task_found = {
        let update = update.clone();
        Callback::from(move |id: &'static str| {
            update(Box::new(move |r| {
                r.action = format!("{ROOT_TASK_PREFIX}{id}")
            }));
        })
    };
    let on_resource = {
        let update = update.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            update(Box::new(move |r| r.resource = v.clone()));
        })
    };

    let endpoints = vpc_endpoint_choices(&scenario);
    let through = through_endpoint(&request.context).unwrap_or_default();
    let on_endpoint = {
        let update = update.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            update(Box::new(move |r| {
                set_through_endpoint(&mut r.context, Some(v.as_str()))
            }));
        })
    };

    // A select keeps the option the user last picked even when its `selected` attributes
    // change, so the chosen value is also set as a property after each render (the principal
    // picker does the same for its own).
    let task_select = use_node_ref();
    {
        let task_select = task_select.clone();
        let task = request
            .action
            .trim()
            .strip_prefix(ROOT_TASK_PREFIX)
            .unwrap_or("")
            .to_string();
        use_effect(move || {
            if let Some(el) = task_select.cast::<HtmlSelectElement>() {
                el.set_value(&task);
            }
        });
    }
    let action_text = request.action.trim();
    let root_task_options = root_only_tasks().iter().map(|t| {
        (
            format!("{ROOT_TASK_PREFIX}{}", t.id),
            // The synonyms let the browser's suggestions find the task by the words people use.
            format!("Root-only task: {} ({})", t.title, t.synonyms.join(", ")),
        )
    });
    let resources = resource_suggestions(&scenario, catalog.as_deref(), action_text);
    let current_task = action_text.strip_prefix(ROOT_TASK_PREFIX).unwrap_or("");
    let is_task = action_text.starts_with(ROOT_TASK_PREFIX);

    html! {
        <section class="sim-request" aria-labelledby="sim-request-heading">
            <h3 id="sim-request-heading">{ "Request" }</h3>
            <form class="sim-form" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <label class={classes!(large.then_some("wide"))}>
                    <span>{ if large { "Principal (a name, or any caller ARN, service principal or *)" } else { "Principal" } }</span>
                    <PrincipalPicker name="principal" value={request.principal.clone()}
                        choices={principals} on_pick={on_principal} free_text=true
                        placeholder="user/alice, role/deploy, arn:aws:iam::… or *" />
                </label>
                // A large account's picker is a text field already.
                if !large {
                    <label>
                        <span>{ "Or any caller ARN, service principal or *" }</span>
                        <input name="principal-text" type="text" spellcheck="false" autocomplete="off"
                            value={request.principal.clone()} oninput={on_principal_text} />
                    </label>
                }
                <label>
                    <span>{ "Action" }</span>
                    <input name="action" type="text" spellcheck="false" autocomplete="off"
                        list="sim-action-options" value={request.action.clone()} oninput={on_action}
                        placeholder="s3:GetObject, s3:Get* or root-task:close-account" />
                    <ActionOptions id="sim-action-options" text={request.action.clone()}>
                        { for root_task_options.clone().map(|(value, label)| html! { <option {value}>{ label }</option> }) }
                    </ActionOptions>
                </label>
                <label>
                    <span>{ "Or a root-only task" }</span>
                    <select name="root-task" onchange={on_root_task} ref={task_select}>
                        <option value="" selected={!is_task}>{ "(an IAM action)" }</option>
                        { for root_only_tasks().iter().map(|t| html! {
                            <option value={t.id} selected={t.id == current_task}>{ t.title }</option>
                        }) }
                    </select>
                </label>
                <RootTaskSearch on_pick={on_task_found} />
                <label class="wide">
                    <span>{ "Resource" }</span>
                    <input name="resource" type="text" spellcheck="false" autocomplete="off"
                        list="sim-resource-options" value={request.resource.clone()} oninput={on_resource}
                        disabled={is_task} placeholder="arn:aws:s3:::bucket/key or *" />
                    <datalist id="sim-resource-options">
                        { for resources.iter().map(|r| html! { <option value={r.clone()} /> }) }
                    </datalist>
                </label>
                if !endpoints.is_empty() {
                    <label>
                        <span>{ "Through VPC endpoint (sets aws:SourceVpce)" }</span>
                        <select name="vpc-endpoint" onchange={on_endpoint}>
                            <option value="" selected={through.is_empty()}>{ "none" }</option>
                            { for endpoints.iter().map(|(id, label)| html! {
                                <option value={id.clone()} selected={*id == through}>{ label.clone() }</option>
                            }) }
                        </select>
                    </label>
                }
            </form>
        </section>
    }
}

/// Props of [`KeyRow`].
#[derive(Properties, PartialEq)]
struct KeyRowProps {
    row: ContextKeyRow,
    setting: KeySetting,
}

/// The default's state in words.
fn default_state(row: &ContextKeyRow) -> &'static str {
    match &row.default {
        None => "absent",
        Some(v) if v.is_empty() => "empty",
        Some(_) => "set",
    }
}

/// One context key: its type, state and value, editable.
#[component]
fn KeyRow(props: &KeyRowProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let row = &props.row;
    let ty = row.ty;
    let key = row.key.clone();
    let set = {
        let store = store.clone();
        let key = key.clone();
        move |s: KeySetting| {
            let mut r = store.request.clone();
            set_override(&mut r.context, &key, ty, s);
            store.dispatch(Action::SetRequest(r));
        }
    };
    let shown: Vec<String> = match &props.setting {
        KeySetting::Default => row.default.clone().unwrap_or_default(),
        KeySetting::Set(v) => v.clone(),
        KeySetting::Absent | KeySetting::Empty => Vec::new(),
    };
    let state_value = match &props.setting {
        KeySetting::Default => "default",
        KeySetting::Absent => "absent",
        KeySetting::Empty => "empty",
        KeySetting::Set(_) => "set",
    };
    let on_state = {
        let set = set.clone();
        let shown = shown.clone();
        let default = row.default.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            set(match v.as_str() {
                "absent" => KeySetting::Absent,
                "empty" => KeySetting::Empty,
                "set" => KeySetting::Set(if shown.is_empty() {
                    default
                        .clone()
                        .filter(|d| !d.is_empty())
                        .unwrap_or_else(|| vec![String::new()])
                } else {
                    shown.clone()
                }),
                _ => KeySetting::Default,
            })
        })
    };
    let on_value = {
        let set = set.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            let values: Vec<String> = if ty.is_list() {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            } else {
                vec![v]
            };
            set(KeySetting::Set(values));
        })
    };
    let origin = match row.origin {
        KeyOrigin::Principal => "from the principal",
        KeyOrigin::Resource => "from the resource",
        KeyOrigin::Request => "from the request",
        KeyOrigin::Policy => "read by a policy",
    };
    let disabled_value = matches!(props.setting, KeySetting::Absent | KeySetting::Empty);
    let placeholder = match ty {
        ContextKeyType::Date => "2026-01-01T00:00:00Z",
        ContextKeyType::Ip => "203.0.113.10",
        ContextKeyType::Boolean => "true or false",
        ContextKeyType::Numeric => "0",
        _ if ty.is_list() => "value, value",
        _ => "value",
    };
    html! {
        <tr data-key={row.key.clone()} class={classes!(row.referenced.then_some("referenced"))}>
            <th scope="row">
                <code>{ row.key.clone() }</code>
                <div class="muted key-note">
                    { if row.referenced { "Read by a policy · " } else { "" } }{ origin }{ ". " }{ row.note.clone() }
                </div>
            </th>
            <td><code>{ ty.as_str() }</code></td>
            <td>
                <select aria-label={format!("State of {}", row.key)} onchange={on_state} data-role="state">
                    <option value="default" selected={state_value == "default"}>{ format!("default ({})", default_state(row)) }</option>
                    <option value="absent" selected={state_value == "absent"}>{ "absent" }</option>
                    <option value="empty" selected={state_value == "empty"}>{ "empty" }</option>
                    <option value="set" selected={state_value == "set"}>{ "set" }</option>
                </select>
            </td>
            <td>
                <input type="text" spellcheck="false" autocomplete="off" aria-label={format!("Value of {}", row.key)}
                    value={shown.join(", ")} oninput={on_value} disabled={disabled_value} {placeholder} />
            </td>
        </tr>
    }
}
