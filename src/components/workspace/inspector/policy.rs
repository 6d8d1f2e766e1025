//! The customer-managed policy panel: name, path, description, document, where it is
//! attached, and its size quota.

use iam_engine::policy::PolicyType;
use iam_engine::scenario::{DocumentRef, EditError, ManagedPolicy, PolicyRef, Scenario, Target};
use yew::prelude::*;

use super::document::DocEditor;
use super::fields::{ActionButton, Apply, QuotaMeters, Section, TextField};
use super::sections::open_document;
use crate::store::{StoreHandle, use_store};

/// Changes one policy through the engine's whole-policy update.
fn with_policy(
    s: &mut Scenario,
    name: &str,
    f: impl FnOnce(&mut ManagedPolicy),
) -> Result<(), EditError> {
    let mut policy = s.policy(name).cloned().ok_or_else(|| EditError {
        code: "unknown-policy",
        message: format!("There is no customer-managed policy named \"{name}\"."),
    })?;
    f(&mut policy);
    s.update_policy(name, policy)
}

/// Where a managed policy (customer- or AWS-managed) is used: as a permissions policy or as a
/// boundary.
pub(super) fn uses(scenario: &Scenario, me: &PolicyRef) -> Vec<(Target, &'static str)> {
    let mut out = Vec::new();
    for u in &scenario.users {
        let t = Target::User {
            name: u.name.clone(),
        };
        if u.managed_policies.iter().any(|r| r.same(me)) {
            out.push((t.clone(), "permissions"));
        }
        if u.permissions_boundary.as_ref().is_some_and(|b| b.same(me)) {
            out.push((t, "boundary"));
        }
    }
    for g in &scenario.groups {
        if g.managed_policies.iter().any(|r| r.same(me)) {
            out.push((
                Target::Group {
                    name: g.name.clone(),
                },
                "permissions",
            ));
        }
    }
    for r in &scenario.roles {
        let t = Target::Role {
            name: r.name.clone(),
        };
        if r.managed_policies.iter().any(|p| p.same(me)) {
            out.push((t.clone(), "permissions"));
        }
        if r.permissions_boundary.as_ref().is_some_and(|b| b.same(me)) {
            out.push((t, "boundary"));
        }
    }
    out
}

/// The "Attached to" section's body: each identity that uses the policy, with a button that
/// opens it.
pub(super) fn attached_list(store: &StoreHandle, used: Vec<(Target, &'static str)>) -> Html {
    if used.is_empty() {
        return html! { <p class="muted">{ "Not attached to anything." }</p> };
    }
    let rows = used.into_iter().map(|(t, how)| {
        let label = t.to_string();
        let open = {
            let store = store.clone();
            Callback::from(move |()| {
                open_document(&store, t.clone(), None);
                None
            })
        };
        html! {
            <li>
                <ActionButton label={label.clone()} class="btn-quiet" on_click={open}
                    aria_label={format!("Open {label}")} />
                <span class="tag-kind">{ if how == "boundary" { "as permissions boundary" } else { "as permissions policy" } }</span>
            </li>
        }
    });
    html! { <ul class="entity-list compact">{ for rows }</ul> }
}

/// Props of [`PolicyPanel`].
#[derive(Properties, PartialEq)]
pub struct PolicyPanelProps {
    /// The policy's name.
    pub name: AttrValue,
}

/// The customer-managed policy panel.
#[component]
pub fn PolicyPanel(props: &PolicyPanelProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let Some(policy) = store.scenario.policy(&props.name).cloned() else {
        return html! { <p class="muted">{ format!("There is no policy named {}.", props.name) }</p> };
    };
    let name = policy.name.clone();
    let target = Target::Policy { name: name.clone() };
    let meters = store.scenario.quota_meters(&target);
    let arn = store.scenario.policy_arn(&policy);
    let used = uses(&store.scenario, &PolicyRef::customer(&name));

    let rename = {
        let old = name.clone();
        Apply::new(move |s, new| s.rename_policy(&old, new))
    };
    let follow = {
        let store = store.clone();
        Callback::from(move |new: String| open_document(&store, Target::Policy { name: new }, None))
    };
    let path = {
        let n = name.clone();
        Apply::new(move |s, text| with_policy(s, &n, |p| p.path = text.to_owned()))
    };
    let description = {
        let n = name.clone();
        Apply::new(move |s, text| with_policy(s, &n, |p| p.description = text.to_owned()))
    };
    let document = {
        let n = name.clone();
        Apply::new(move |s, text| s.set_policy_document(&n, text))
    };
    let delete = {
        let (store, name) = (store.clone(), name.clone());
        Callback::from(move |()| {
            crate::store::edit(&store, format!("Delete policy {name}"), |s| {
                s.delete_policy(&name)
            })
            .err()
            .map(|e| e.message)
        })
    };
    html! {
        <div class="panel" data-panel="policy">
            <header class="panel-head">
                <h2><span class="kind">{ "Policy" }</span>{ " " }{ name.clone() }</h2>
                <p class="arn" title="ARN">{ arn }</p>
                <div class="panel-actions">
                    <ActionButton label="Delete policy" class="btn-danger" on_click={delete} action="delete" />
                </div>
            </header>
            <Section title="Details" id="details">
                <TextField label="Policy name" value={name.clone()} apply={rename} after={follow}
                    undo={format!("Rename policy {name}")} field="name"
                    hint="1–128 letters, digits and + = , . @ _ -. Renaming updates every attachment." />
                <TextField label="Path" value={policy.path.clone()} apply={path}
                    undo={format!("Change path of policy {name}")} field="path" />
                <TextField label="Description" value={policy.description.clone()} apply={description}
                    undo={format!("Change description of policy {name}")} field="description"
                    multiline=true hint="At most 1,000 characters. Ctrl+Enter saves." />
            </Section>
            <Section title="Policy document" id="document">
                <DocEditor target={target.clone()} document={DocumentRef::Managed}
                    text={policy.document.clone()} policy_type={PolicyType::Identity}
                    label={format!("Policy document of {name}")} apply={document} />
            </Section>
            <Section title="Attached to" id="attached">
                { attached_list(&store, used) }
            </Section>
            <Section title="Quotas" id="quotas">
                <QuotaMeters {meters} />
            </Section>
        </div>
    }
}
