//! A lane's "Add user" (and its siblings) form.

use iam_engine::scenario::{Group, ManagedPolicy, Resource, ResourceKind, Role, User};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::ctx::{card_selector, focus_later, select};
use super::lanes::Lane;
use super::links::CardKey;
use super::options::{STARTER_POLICY, starter_trust_policy};
use crate::store::{edit, use_store};

/// Properties of a lane's add form.
#[derive(Properties, PartialEq)]
pub struct AddFormProps {
    /// The lane whose entity is added.
    pub lane: Lane,
    /// Whether the name field is open.
    pub open: bool,
    /// Opens it.
    pub on_open: Callback<()>,
    /// Closes it.
    pub on_close: Callback<()>,
    /// Says what happened in the canvas's status line.
    pub announce: Callback<String>,
}

/// "Add user" and its siblings: a button that opens a name field; Enter creates the entity
/// through the engine, whose message is shown beside the field when it refuses the name.
#[component]
pub fn AddForm(props: &AddFormProps) -> Html {
    let store = use_store();
    let text = use_state(String::new);
    let error = use_state(|| None::<String>);
    let kind = use_state(|| ResourceKind::S3Bucket);
    let input_ref = use_node_ref();
    {
        // The field takes the focus as it opens, before any further key reaches the page.
        let input_ref = input_ref.clone();
        use_effect_with(props.open, move |open| {
            if *open && let Some(el) = input_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let lane = props.lane;
    let noun = lane.noun();
    let Some(store) = store else {
        return html! {};
    };
    if !props.open {
        let onclick = {
            let on_open = props.on_open.clone();
            let error = error.clone();
            Callback::from(move |_| {
                error.set(None);
                on_open.emit(());
            })
        };
        return html! {
            <button type="button" class="btn lane-add" data-action={format!("add-{}", lane.action())} {onclick}>
                { format!("+ Add {noun}") }
            </button>
        };
    }
    let submit = {
        let store = store.clone();
        let text = text.clone();
        let error = error.clone();
        let kind = kind.clone();
        let on_close = props.on_close.clone();
        let announce = props.announce.clone();
        move || {
            let name = text.trim().to_owned();
            let account = store.scenario.account.id.clone();
            let (result, card) = match lane {
                Lane::Users => (
                    edit(&store, format!("Add user {name}"), |s| {
                        s.add_user(User::new(&name))
                    }),
                    CardKey::User(name.clone()),
                ),
                Lane::Groups => (
                    edit(&store, format!("Add group {name}"), |s| {
                        s.add_group(Group::new(&name))
                    }),
                    CardKey::Group(name.clone()),
                ),
                Lane::Roles => (
                    edit(&store, format!("Add role {name}"), |s| {
                        s.add_role(Role::new(&name, starter_trust_policy(&account)))
                    }),
                    CardKey::Role(name.clone()),
                ),
                Lane::Policies => (
                    edit(&store, format!("Add policy {name}"), |s| {
                        s.add_policy(ManagedPolicy::new(&name, STARTER_POLICY))
                    }),
                    CardKey::Policy(name.clone()),
                ),
                Lane::Resources => (
                    edit(&store, format!("Add {} {name}", kind.describe()), |s| {
                        s.add_resource(Resource::new_in(*kind, &name, &s.account))
                    }),
                    CardKey::Resource(*kind, name.clone()),
                ),
                Lane::Aws => return,
            };
            match result {
                Ok(()) => {
                    text.set(String::new());
                    error.set(None);
                    on_close.emit(());
                    select(&store, &card);
                    announce.emit(format!("Added {} {name}.", card.kind()));
                    focus_later(card_selector(&card));
                }
                Err(e) => error.set(Some(e.message)),
            }
        }
    };
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                text.set(el.value());
            }
        })
    };
    let onkeydown = {
        let submit = submit.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                submit();
            }
            "Escape" => {
                e.prevent_default();
                on_close.emit(());
                focus_later(format!("[data-lane=\"{}\"] .lane-add", lane.id()));
            }
            _ => {}
        })
    };
    let onclick = Callback::from(move |_| submit());
    let cancel = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| {
            on_close.emit(());
            focus_later(format!("[data-lane=\"{}\"] .lane-add", lane.id()));
        })
    };
    let error_id = format!("add-{}-error", lane.id());
    let kind_select = (lane == Lane::Resources).then(|| {
        let onchange = {
            let kind = kind.clone();
            Callback::from(move |e: Event| {
                if let Some(el) = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                {
                    let i = el.selected_index().max(0) as usize;
                    if let Some(k) = ResourceKind::ALL.get(i) {
                        kind.set(*k);
                    }
                }
            })
        };
        html! {
            <select class="add-kind" aria-label="Kind of resource" {onchange}>
                { for ResourceKind::ALL.iter().map(|k| html! {
                    <option selected={*k == *kind}>{ k.describe() }</option>
                }) }
            </select>
        }
    });
    html! {
        <div class="add-form">
            { kind_select }
            <input ref={input_ref} type="text" class="add-input" aria-label={format!("Name of the new {noun}")}
                placeholder={format!("New {noun} name")} value={(*text).clone()}
                aria-invalid={error.is_some().then_some("true")}
                aria-describedby={error.is_some().then(|| error_id.clone())}
                autocomplete="off" spellcheck="false" {oninput} {onkeydown} />
            <div class="add-buttons">
                <button type="button" class="btn btn-primary" data-action="add-confirm" {onclick}>{ format!("Add {noun}") }</button>
                <button type="button" class="btn btn-quiet" onclick={cancel}>{ "Cancel" }</button>
            </div>
            if let Some(message) = &*error {
                <p id={error_id} class="field-error" role="alert">{ message }</p>
            }
        </div>
    }
}
