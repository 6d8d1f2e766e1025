//! The group panel: name, path, members, managed and inline policies, and quotas.

use iam_engine::scenario::{EditError, Group, IdentityRef, Scenario, Target};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::fields::{ActionButton, Apply, QuotaMeters, Section, TextField};
use super::sections::{InlineSection, ManagedSection, Owner, open_document};
use crate::store::use_store;

/// Changes one group through the engine's whole-group update.
fn with_group(s: &mut Scenario, name: &str, f: impl FnOnce(&mut Group)) -> Result<(), EditError> {
    let mut group = s.group(name).cloned().ok_or_else(|| EditError {
        code: "unknown-group",
        message: format!("There is no group named \"{name}\"."),
    })?;
    f(&mut group);
    s.update_group(name, group)
}

/// Props of [`GroupPanel`].
#[derive(Properties, PartialEq)]
pub struct GroupPanelProps {
    /// The group's name.
    pub name: AttrValue,
}

/// The group panel.
#[component]
pub fn GroupPanel(props: &GroupPanelProps) -> Html {
    let store = use_store();
    let choice = use_state(String::new);
    let Some(store) = store else {
        return html! {};
    };
    let Some(group) = store.scenario.group(&props.name).cloned() else {
        return html! { <p class="muted">{ format!("There is no group named {}.", props.name) }</p> };
    };
    let name = group.name.clone();
    let target = Target::Group { name: name.clone() };
    let identity = IdentityRef::Group(name.clone());
    let meters = store.scenario.quota_meters(&target);
    let members: Vec<String> = store
        .scenario
        .members_of(&name)
        .map(|u| u.name.clone())
        .collect();
    let others: Vec<String> = store
        .scenario
        .users
        .iter()
        .filter(|u| !members.contains(&u.name))
        .map(|u| u.name.clone())
        .collect();

    let rename = {
        let old = name.clone();
        Apply::new(move |s, new| s.rename_group(&old, new))
    };
    let follow = {
        let store = store.clone();
        Callback::from(move |new: String| open_document(&store, Target::Group { name: new }, None))
    };
    let path = {
        let n = name.clone();
        Apply::new(move |s, text| with_group(s, &n, |g| g.path = text.to_owned()))
    };
    let delete = {
        let (store, name) = (store.clone(), name.clone());
        Callback::from(move |()| {
            crate::store::edit(&store, format!("Delete group {name}"), |s| {
                s.delete_group(&name)
            })
            .err()
            .map(|e| e.message)
        })
    };
    let rows = members.iter().map(|u| {
        let open = {
            let (store, u) = (store.clone(), u.clone());
            Callback::from(move |()| {
                open_document(&store, Target::User { name: u.clone() }, None);
                None
            })
        };
        let remove = {
            let (store, u, g) = (store.clone(), u.clone(), name.clone());
            Callback::from(move |()| {
                crate::store::edit(&store, format!("Remove {u} from group {g}"), |s| {
                    s.remove_user_from_group(&u, &g)
                })
                .err()
                .map(|e| e.message)
            })
        };
        html! {
            <li key={u.clone()}>
                <span class="entity-name">{ u.clone() }</span>
                <ActionButton label="Open" class="btn-quiet" on_click={open}
                    aria_label={format!("Open user {u}")} />
                <ActionButton label="Remove" class="btn-quiet" on_click={remove}
                    aria_label={format!("Remove user {u} from the group")} />
            </li>
        }
    });
    let onchange = {
        let choice = choice.clone();
        Callback::from(move |e: Event| {
            choice.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let add = {
        let (store, g, choice) = (store.clone(), name.clone(), choice.clone());
        let first = others.first().cloned().unwrap_or_default();
        Callback::from(move |()| {
            let u = if choice.is_empty() {
                first.clone()
            } else {
                (*choice).clone()
            };
            crate::store::edit(&store, format!("Add {u} to group {g}"), |s| {
                s.add_user_to_group(&u, &g)
            })
            .err()
            .map(|e| e.message)
        })
    };
    html! {
        <div class="panel" data-panel="group">
            <header class="panel-head">
                <h2><span class="kind">{ "Group" }</span>{ " " }{ name.clone() }</h2>
                <div class="panel-actions">
                    <ActionButton label="Delete group" class="btn-danger" on_click={delete} action="delete" />
                </div>
            </header>
            <Section title="Details" id="details">
                <TextField label="Group name" value={name.clone()} apply={rename} after={follow}
                    undo={format!("Rename group {name}")} field="name"
                    hint="1–128 letters, digits and + = , . @ _ -; unique without regard to case." />
                <TextField label="Path" value={group.path.clone()} apply={path}
                    undo={format!("Change path of group {name}")} field="path" />
            </Section>
            <Section title="Members" id="members">
                if members.is_empty() {
                    <p class="muted">{ "No members." }</p>
                } else {
                    <ul class="entity-list compact">{ for rows }</ul>
                }
                if !others.is_empty() {
                    <div class="row">
                        <label class="field">
                            <span>{ "Add a user" }</span>
                            <select {onchange} data-field="add-member">
                                { for others.iter().map(|u| html! {
                                    <option value={u.clone()} selected={*choice == *u}>{ u.clone() }</option>
                                }) }
                            </select>
                        </label>
                        <ActionButton label="Add member" on_click={add} action="add-member" />
                    </div>
                }
            </Section>
            <Section title="Permissions policies" id="policies">
                <h3>{ "Managed policies" }</h3>
                <ManagedSection identity={identity.clone()} attached={group.managed_policies.clone()} />
                <h3>{ "Inline policies" }</h3>
                <InlineSection owner={Owner::Identity(identity)} policies={group.inline_policies.clone()} />
            </Section>
            <Section title="Quotas" id="quotas">
                <QuotaMeters {meters} />
            </Section>
        </div>
    }
}
