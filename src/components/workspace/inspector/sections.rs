//! Sections shared by the user, group, role and external-principal panels: inline policies,
//! attached managed policies, the permissions boundary, tags, and the panel's header buttons.

use std::rc::Rc;

use iam_engine::catalog::ManagedPolicies;
use iam_engine::policy::PolicyType;
use iam_engine::scenario::{
    AWS_MANAGED_PREFIX, DocumentRef, EditError, IdentityRef, InlinePolicy, PolicyRef, Scenario,
    Tag, Target, policy_size,
};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::document::DocEditor;
use super::fields::{ActionButton, Apply, TextField, next_id};
use crate::data::Loadable;
use crate::store::{Action, RequestState, Selection, StoreHandle, View, use_store};
use crate::text::thousands;

/// The text a new inline policy starts with: an empty allow statement for the user to fill.
pub const NEW_POLICY_TEXT: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [],\n      \"Resource\": \"*\"\n    }\n  ]\n}\n";

/// What holds inline policies: a user, group or role, or a principal of another account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// A user, group or role of the account.
    Identity(IdentityRef),
    /// An external principal, by ARN.
    External(String),
}

impl Owner {
    /// The entity as a selection target.
    pub fn target(&self) -> Target {
        match self {
            Owner::Identity(IdentityRef::User(name)) => Target::User { name: name.clone() },
            Owner::Identity(IdentityRef::Group(name)) => Target::Group { name: name.clone() },
            Owner::Identity(IdentityRef::Role(name)) => Target::Role { name: name.clone() },
            Owner::External(arn) => Target::ExternalPrincipal { arn: arn.clone() },
        }
    }

    /// The entity in words ("user alice").
    pub fn describe(&self) -> String {
        self.target().to_string()
    }

    /// Changes the entity's inline policy list through the engine's whole-entity update, which
    /// checks names, duplicates and sizes.
    pub fn update_inline(
        &self,
        s: &mut Scenario,
        f: impl FnOnce(&mut Vec<InlinePolicy>),
    ) -> Result<(), EditError> {
        let missing = || EditError {
            code: "unknown-entity",
            message: format!("There is no {}.", self.describe()),
        };
        match self {
            Owner::Identity(IdentityRef::User(name)) => {
                let mut u = s.user(name).cloned().ok_or_else(missing)?;
                f(&mut u.inline_policies);
                s.update_user(name, u)
            }
            Owner::Identity(IdentityRef::Group(name)) => {
                let mut g = s.group(name).cloned().ok_or_else(missing)?;
                f(&mut g.inline_policies);
                s.update_group(name, g)
            }
            Owner::Identity(IdentityRef::Role(name)) => {
                let mut r = s.role(name).cloned().ok_or_else(missing)?;
                f(&mut r.inline_policies);
                s.update_role(name, r)
            }
            Owner::External(arn) => {
                let mut e = s
                    .external_principals
                    .iter()
                    .find(|e| &e.arn == arn)
                    .cloned()
                    .ok_or_else(missing)?;
                f(&mut e.policies);
                s.update_external_principal(arn, e)
            }
        }
    }

    /// Adds or replaces an inline policy's text (the engine checks the size quota).
    pub fn put(&self, s: &mut Scenario, name: &str, text: &str) -> Result<(), EditError> {
        match self {
            Owner::Identity(identity) => s.put_inline_policy(identity, name, text),
            Owner::External(_) => self.update_inline(s, |list| {
                match list.iter_mut().find(|p| p.name.eq_ignore_ascii_case(name)) {
                    Some(p) => p.document = text.to_owned(),
                    None => list.push(InlinePolicy {
                        name: name.to_owned(),
                        document: text.to_owned(),
                    }),
                }
            }),
        }
    }

    /// Deletes an inline policy.
    pub fn delete(&self, s: &mut Scenario, name: &str) -> Result<(), EditError> {
        match self {
            Owner::Identity(identity) => s.delete_inline_policy(identity, name),
            Owner::External(_) => self.update_inline(s, |list| list.retain(|p| p.name != name)),
        }
    }
}

/// Selects a policy text of an entity (opening it in the editor) without leaving the view.
pub fn open_document(store: &StoreHandle, target: Target, document: Option<DocumentRef>) {
    store.dispatch(Action::Select {
        selection: Selection {
            target: Some(target),
            document,
            span: None,
        },
        show: false,
    });
}

/// Makes `principal` the simulator's caller and opens the simulator.
pub fn simulate_as(store: &StoreHandle, principal: String) {
    store.dispatch(Action::SetRequest(RequestState {
        principal,
        ..store.request.clone()
    }));
    store.dispatch(Action::SetView(View::Simulate));
}

/// The first name `PREFIXn` that `taken` does not hold (compared without regard to case).
pub fn free_name(prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|n| format!("{prefix}{n}"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| prefix.to_owned())
}

/// Props of [`InlineSection`].
#[derive(Properties, PartialEq)]
pub struct InlineSectionProps {
    /// Whose policies.
    pub owner: Owner,
    /// The policies.
    pub policies: Vec<InlinePolicy>,
}

/// The inline policies of an entity: rename, delete, open one in the editor, add a new one.
#[component]
pub fn InlineSection(props: &InlineSectionProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let target = props.owner.target();
    let open = match (&store.selection.target, &store.selection.document) {
        (Some(t), Some(DocumentRef::Inline { name })) if *t == target => Some(name.clone()),
        _ => None,
    };
    let rows = props.policies.iter().map(|p| {
        let is_open = open
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(&p.name));
        let rename = {
            let (owner, old) = (props.owner.clone(), p.name.clone());
            Apply::new(move |s, new| {
                owner.update_inline(s, |list| {
                    if let Some(q) = list.iter_mut().find(|q| q.name == old) {
                        q.name = new.to_owned();
                    }
                })
            })
        };
        let after = {
            let (store, target) = (store.clone(), target.clone());
            Callback::from(move |new: String| {
                if is_open {
                    open_document(&store, target.clone(), Some(DocumentRef::Inline { name: new }));
                }
            })
        };
        let toggle = {
            let (store, target, name) = (store.clone(), target.clone(), p.name.clone());
            Callback::from(move |()| {
                let document = (!is_open).then(|| DocumentRef::Inline { name: name.clone() });
                open_document(&store, target.clone(), document);
                None
            })
        };
        let delete = {
            let (store, owner, name) = (store.clone(), props.owner.clone(), p.name.clone());
            Callback::from(move |()| {
                crate::store::edit(&store, format!("Delete inline policy {name}"), |s| {
                    owner.delete(s, &name)
                })
                .err()
                .map(|e| e.message)
            })
        };
        let put = {
            let (owner, name) = (props.owner.clone(), p.name.clone());
            Apply::new(move |s, text| owner.put(s, &name, text))
        };
        let label = format!("Inline policy {} of {}", p.name, props.owner.describe());
        html! {
            <li class={classes!("inline-policy", is_open.then_some("open"))} key={p.name.clone()}
                data-policy={p.name.clone()}>
                <div class="row">
                    <TextField label="Name" value={p.name.clone()} apply={rename} {after}
                        undo={format!("Rename inline policy {}", p.name)} field="inline-name"
                        class="field-grow" />
                    <span class="muted size">{ format!("{} characters", thousands(policy_size(&p.document))) }</span>
                    <ActionButton label={if is_open { "Close editor" } else { "Edit" }}
                        on_click={toggle} action="toggle-inline"
                        aria_label={format!("{} {}", if is_open { "Close" } else { "Edit" }, label)} />
                    <ActionButton label="Delete" class="btn-danger" on_click={delete}
                        action="delete-inline" aria_label={format!("Delete {label}")} />
                </div>
                if is_open {
                    <DocEditor target={target.clone()}
                        document={DocumentRef::Inline { name: p.name.clone() }}
                        text={p.document.clone()} policy_type={PolicyType::Identity}
                        label={label.clone()} apply={put} />
                }
            </li>
        }
    });
    let add = {
        let (store, owner, target) = (store.clone(), props.owner.clone(), target.clone());
        let taken: Vec<String> = props.policies.iter().map(|p| p.name.clone()).collect();
        Callback::from(move |()| {
            let name = free_name("Policy", |n| {
                taken.iter().any(|t| t.eq_ignore_ascii_case(n))
            });
            let result = crate::store::edit(&store, format!("Add inline policy {name}"), |s| {
                owner.put(s, &name, NEW_POLICY_TEXT)
            });
            match result {
                Ok(()) => {
                    open_document(&store, target.clone(), Some(DocumentRef::Inline { name }));
                    None
                }
                Err(e) => Some(e.message),
            }
        })
    };
    html! {
        <div class="inline-policies">
            if props.policies.is_empty() {
                <p class="muted">{ "No inline policies." }</p>
            } else {
                <ul class="entity-list">{ for rows }</ul>
            }
            <ActionButton label="Add inline policy" on_click={add} action="add-inline" />
        </div>
    }
}

/// Reads a policy the user named: a customer-managed policy of the scenario, an AWS-managed
/// policy by name or ARN, or an error in words.
pub fn resolve_policy(
    text: &str,
    scenario: &Scenario,
    managed: &Loadable<ManagedPolicies>,
) -> Result<PolicyRef, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("Type the name of a policy.".to_owned());
    }
    if let Some(p) = scenario.policy(t) {
        return Ok(PolicyRef::customer(&p.name));
    }
    if t.starts_with(AWS_MANAGED_PREFIX) {
        return Ok(PolicyRef::Aws(t.to_owned()));
    }
    match managed {
        Loadable::Ready(list) => list
            .get(t)
            .map(|p| PolicyRef::Aws(p.arn.to_owned()))
            .ok_or_else(|| {
                format!(
                    "There is no customer-managed policy and no AWS-managed policy named \"{t}\"."
                )
            }),
        // Without the list, the engine checks the ARN's form and the findings report an
        // unknown name once the list arrives.
        _ => Ok(PolicyRef::aws(t)),
    }
}

/// Props of [`PolicyPicker`].
#[derive(Properties, PartialEq)]
pub struct PolicyPickerProps {
    /// The input's label.
    pub label: AttrValue,
    /// The button's text.
    pub button: AttrValue,
    /// Does the work with the chosen policy; the engine's message when refused.
    pub on_pick: Callback<PolicyRef, Option<String>>,
    /// The `data-field` attribute.
    #[prop_or_default]
    pub field: AttrValue,
}

/// A policy name input with suggestions (customer-managed and AWS-managed) and a button.
#[component]
pub fn PolicyPicker(props: &PolicyPickerProps) -> Html {
    let store = use_store();
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let text = use_state(String::new);
    let error = use_state(|| None::<String>);
    let id = use_memo((), |_| next_id("picker"));
    let Some(store) = store else {
        return html! {};
    };
    let list_id = format!("{}-list", *id);
    let mut options: Vec<String> = store
        .scenario
        .policies
        .iter()
        .filter(|p| {
            let q = text.trim().to_ascii_lowercase();
            q.is_empty() || p.name.to_ascii_lowercase().contains(&q)
        })
        .take(20)
        .map(|p| p.name.clone())
        .collect();
    if let Loadable::Ready(list) = &managed {
        options.extend(
            list.search(&text, 20)
                .into_iter()
                .map(|p| p.name.to_owned()),
        );
    }
    let oninput = {
        let (text, error) = (text.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlInputElement>().value());
            error.set(None);
        })
    };
    let pick = {
        let (text, error, store, on_pick) = (
            text.clone(),
            error.clone(),
            store.clone(),
            props.on_pick.clone(),
        );
        Callback::from(
            move |()| match resolve_policy(&text, &store.scenario, &managed) {
                Ok(policy) => match on_pick.emit(policy) {
                    None => {
                        text.set(String::new());
                        error.set(None);
                    }
                    Some(message) => error.set(Some(super::fields::clip(&message))),
                },
                Err(message) => error.set(Some(super::fields::clip(&message))),
            },
        )
    };
    let onkeydown = {
        let pick = pick.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                pick.emit(());
            }
        })
    };
    let onclick = pick.reform(|_: MouseEvent| ());
    let invalid = error.is_some().then_some("true");
    html! {
        <div class="field policy-picker" data-field={props.field.clone()}>
            <label for={(*id).clone()}>{ props.label.clone() }</label>
            <div class="row">
                <input id={(*id).clone()} type="text" list={list_id.clone()} value={(*text).clone()}
                    {oninput} {onkeydown} autocomplete="off" spellcheck="false" aria-invalid={invalid}
                    placeholder="Name or ARN" />
                <button type="button" class="btn" {onclick}>{ props.button.clone() }</button>
            </div>
            <datalist id={list_id}>
                { for options.into_iter().map(|o| html! { <option value={o} /> }) }
            </datalist>
            if let Some(message) = &*error {
                <p class="field-error" role="alert">{ message.clone() }</p>
            }
        </div>
    }
}

/// Props of [`ManagedSection`].
#[derive(Properties, PartialEq)]
pub struct ManagedSectionProps {
    /// The user, group or role.
    pub identity: IdentityRef,
    /// What is attached.
    pub attached: Vec<PolicyRef>,
}

/// Attached managed policies: open a customer-managed one, detach, attach another.
#[component]
pub fn ManagedSection(props: &ManagedSectionProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let rows = props.attached.iter().map(|r| {
        let detach = {
            let (store, identity, r) = (store.clone(), props.identity.clone(), r.clone());
            Callback::from(move |()| {
                crate::store::edit(&store, format!("Detach {}", r.name()), |s| {
                    s.detach_policy(&identity, &r)
                })
                .err()
                .map(|e| e.message)
            })
        };
        let (kind, target) = match r {
            PolicyRef::Aws(arn) => ("AWS managed", Target::AwsPolicy { arn: arn.clone() }),
            PolicyRef::Customer(name) => {
                ("Customer managed", Target::Policy { name: name.clone() })
            }
        };
        let open = {
            let store = store.clone();
            Callback::from(move |()| {
                open_document(&store, target.clone(), None);
                None
            })
        };
        html! {
            <li key={r.as_str().to_owned()} data-policy={r.name().to_owned()}>
                <span class="entity-name" title={r.as_str().to_owned()}>{ r.name() }</span>
                <span class="tag-kind">{ kind }</span>
                <ActionButton label="Open" class="btn-quiet" on_click={open}
                    aria_label={format!("Open policy {}", r.name())} />
                <ActionButton label="Detach" class="btn-quiet" on_click={detach}
                    action="detach" aria_label={format!("Detach {}", r.name())} />
            </li>
        }
    });
    let attach = {
        let (store, identity) = (store.clone(), props.identity.clone());
        Callback::from(move |policy: PolicyRef| {
            crate::store::edit(&store, format!("Attach {}", policy.name()), |s| {
                s.attach_policy(&identity, policy)
            })
            .err()
            .map(|e| e.message)
        })
    };
    html! {
        <div class="managed-policies">
            if props.attached.is_empty() {
                <p class="muted">{ "No managed policies attached." }</p>
            } else {
                <ul class="entity-list compact">{ for rows }</ul>
            }
            <PolicyPicker label="Attach a managed policy" button="Attach" on_pick={attach}
                field="attach-policy" />
        </div>
    }
}

/// Props of [`BoundarySection`].
#[derive(Properties, PartialEq)]
pub struct BoundarySectionProps {
    /// The user or role.
    pub identity: IdentityRef,
    /// The boundary, if any.
    pub boundary: Option<PolicyRef>,
}

/// The permissions boundary of a user or role.
#[component]
pub fn BoundarySection(props: &BoundarySectionProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let set = {
        let (store, identity) = (store.clone(), props.identity.clone());
        Callback::from(move |policy: PolicyRef| {
            crate::store::edit(&store, format!("Set boundary {}", policy.name()), |s| {
                s.set_permissions_boundary(&identity, Some(policy))
            })
            .err()
            .map(|e| e.message)
        })
    };
    let remove = {
        let (store, identity) = (store.clone(), props.identity.clone());
        Callback::from(move |()| {
            crate::store::edit(&store, "Remove permissions boundary", |s| {
                s.set_permissions_boundary(&identity, None)
            })
            .err()
            .map(|e| e.message)
        })
    };
    html! {
        <div class="boundary">
            <p>
                { "Permissions boundary: " }
                if let Some(b) = &props.boundary {
                    <strong title={b.as_str().to_owned()}>{ b.name() }</strong>
                    { " " }
                    <ActionButton label="Remove" class="btn-quiet" on_click={remove}
                        action="remove-boundary" aria_label="Remove permissions boundary" />
                } else {
                    <span class="muted">{ "none (permissions are not capped)" }</span>
                }
            </p>
            <PolicyPicker label={if props.boundary.is_some() { "Replace the boundary" } else { "Set a boundary" }}
                button="Set boundary" on_pick={set} field="boundary" />
        </div>
    }
}

/// An edit that replaces an entity's whole tag list.
#[derive(Clone)]
pub struct TagsApply(pub Rc<TagsFn>);

/// The function inside a [`TagsApply`].
pub type TagsFn = dyn Fn(&mut Scenario, Vec<Tag>) -> Result<(), EditError>;

impl PartialEq for TagsApply {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Props of [`TagsSection`].
#[derive(Properties, PartialEq)]
pub struct TagsSectionProps {
    /// The tags.
    pub tags: Vec<Tag>,
    /// Stores a new tag list (the engine checks AWS's tag rules).
    pub apply: TagsApply,
}

/// Tags: edit keys and values in place, remove, add.
#[component]
pub fn TagsSection(props: &TagsSectionProps) -> Html {
    let store = use_store();
    let key = use_state(String::new);
    let value = use_state(String::new);
    let Some(store) = store else {
        return html! {};
    };
    let rows = props.tags.iter().enumerate().map(|(i, tag)| {
        let tags = props.tags.clone();
        let set = move |key_field: bool| {
            let (tags, apply) = (tags.clone(), props.apply.clone());
            Apply::new(move |s, text| {
                let mut tags = tags.clone();
                if let Some(t) = tags.get_mut(i) {
                    if key_field {
                        t.key = text.to_owned();
                    } else {
                        t.value = text.to_owned();
                    }
                }
                (apply.0)(s, tags)
            })
        };
        let remove = {
            let (store, tags, apply, k) = (
                store.clone(),
                props.tags.clone(),
                props.apply.clone(),
                tag.key.clone(),
            );
            Callback::from(move |()| {
                let mut tags = tags.clone();
                if i < tags.len() {
                    tags.remove(i);
                }
                crate::store::edit(&store, format!("Remove tag {k}"), |s| (apply.0)(s, tags))
                    .err()
                    .map(|e| e.message)
            })
        };
        html! {
            <li class="tag-row" key={format!("{i}/{}", tag.key)}>
                <TextField label="Key" value={tag.key.clone()} apply={set(true)}
                    undo={format!("Edit tag {}", tag.key)} field="tag-key" />
                <TextField label="Value" value={tag.value.clone()} apply={set(false)}
                    undo={format!("Edit tag {}", tag.key)} field="tag-value" />
                <ActionButton label="Remove" class="btn-quiet" on_click={remove}
                    aria_label={format!("Remove tag {}", tag.key)} />
            </li>
        }
    });
    let add = {
        let (store, tags, apply) = (store.clone(), props.tags.clone(), props.apply.clone());
        let (key, value) = (key.clone(), value.clone());
        Callback::from(move |()| {
            let mut next = tags.clone();
            next.push(Tag {
                key: (*key).clone(),
                value: (*value).clone(),
            });
            let result =
                crate::store::edit(&store, format!("Add tag {}", *key), |s| (apply.0)(s, next));
            match result {
                Ok(()) => {
                    key.set(String::new());
                    value.set(String::new());
                    None
                }
                Err(e) => Some(e.message),
            }
        })
    };
    let key_input = {
        let key = key.clone();
        Callback::from(move |e: InputEvent| {
            key.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let value_input = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| {
            value.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <div class="tags">
            if !props.tags.is_empty() {
                <ul class="entity-list">{ for rows }</ul>
            }
            <div class="row add-tag">
                <label class="field">
                    <span>{ "New tag key" }</span>
                    <input type="text" value={(*key).clone()} oninput={key_input} data-field="new-tag-key" />
                </label>
                <label class="field">
                    <span>{ "Value" }</span>
                    <input type="text" value={(*value).clone()} oninput={value_input} data-field="new-tag-value" />
                </label>
                <ActionButton label="Add tag" on_click={add} action="add-tag" />
            </div>
        </div>
    }
}
