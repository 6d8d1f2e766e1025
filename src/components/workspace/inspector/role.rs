//! The role panel: name, path, description, maximum session duration, trust policy, managed
//! and inline policies, permissions boundary, tags and quotas.

use std::rc::Rc;

use iam_engine::policy::PolicyType;
use iam_engine::scenario::{DocumentRef, EditError, IdentityRef, Role, Scenario, Target};
use yew::prelude::*;

use super::document::DocEditor;
use super::fields::{ActionButton, Apply, QuotaMeters, Section, TextField};
use super::sections::{
    BoundarySection, InlineSection, ManagedSection, Owner, TagsApply, TagsSection, open_document,
    simulate_as,
};
use crate::store::use_store;

/// Changes one role through the engine's whole-role update.
fn with_role(s: &mut Scenario, name: &str, f: impl FnOnce(&mut Role)) -> Result<(), EditError> {
    let mut role = s.role(name).cloned().ok_or_else(|| EditError {
        code: "unknown-role",
        message: format!("There is no role named \"{name}\"."),
    })?;
    f(&mut role);
    s.update_role(name, role)
}

/// Reads a session duration typed in hours ("1", "1.5", "12") as seconds.
pub fn session_seconds(text: &str) -> Result<u32, EditError> {
    let bad = || EditError {
        code: "session-duration-invalid",
        message: "Type the maximum session duration in hours, from 1 to 12 (for example 1.5)."
            .to_owned(),
    };
    let hours: f64 = text.trim().parse().map_err(|_| bad())?;
    if !(0.0..=1000.0).contains(&hours) {
        return Err(bad());
    }
    // At most 3,600,000 seconds, so the cast cannot overflow; the engine checks the range.
    Ok((hours * 3600.0).round() as u32)
}

/// Shows seconds as hours without a trailing ".0".
fn hours(seconds: u32) -> String {
    if seconds.is_multiple_of(3600) {
        (seconds / 3600).to_string()
    } else {
        format!("{}", f64::from(seconds) / 3600.0)
    }
}

/// Props of [`RolePanel`].
#[derive(Properties, PartialEq)]
pub struct RolePanelProps {
    /// The role's name.
    pub name: AttrValue,
}

/// The role panel.
#[component]
pub fn RolePanel(props: &RolePanelProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let Some(role) = store.scenario.role(&props.name).cloned() else {
        return html! { <p class="muted">{ format!("There is no role named {}.", props.name) }</p> };
    };
    let name = role.name.clone();
    let target = Target::Role { name: name.clone() };
    let identity = IdentityRef::Role(name.clone());
    let meters = store.scenario.quota_meters(&target);
    let arn = store.scenario.role_arn(&role);

    let rename = {
        let old = name.clone();
        Apply::new(move |s, new| s.rename_role(&old, new))
    };
    let follow = {
        let store = store.clone();
        Callback::from(move |new: String| open_document(&store, Target::Role { name: new }, None))
    };
    let path = {
        let n = name.clone();
        Apply::new(move |s, text| with_role(s, &n, |r| r.path = text.to_owned()))
    };
    let description = {
        let n = name.clone();
        Apply::new(move |s, text| with_role(s, &n, |r| r.description = text.to_owned()))
    };
    let session = {
        let n = name.clone();
        Apply::new(move |s, text| {
            let seconds = session_seconds(text)?;
            with_role(s, &n, |r| r.max_session_duration = seconds)
        })
    };
    let trust = {
        let n = name.clone();
        Apply::new(move |s, text| s.set_trust_policy(&n, text))
    };
    let simulate = {
        let (store, name) = (store.clone(), name.clone());
        Callback::from(move |()| {
            simulate_as(&store, format!("role/{name}"));
            None
        })
    };
    let delete = {
        let (store, name) = (store.clone(), name.clone());
        Callback::from(move |()| {
            crate::store::edit(&store, format!("Delete role {name}"), |s| {
                s.delete_role(&name)
            })
            .err()
            .map(|e| e.message)
        })
    };
    let tags = {
        let n = name.clone();
        TagsApply(Rc::new(move |s, tags| with_role(s, &n, |r| r.tags = tags)))
    };
    html! {
        <div class="panel" data-panel="role">
            <header class="panel-head">
                <h2><span class="kind">{ "Role" }</span>{ " " }{ name.clone() }</h2>
                <p class="arn" title="ARN">{ arn }</p>
                <div class="panel-actions">
                    <ActionButton label="Simulate as this principal" class="btn-primary"
                        on_click={simulate} action="simulate-as" />
                    <ActionButton label="Delete role" class="btn-danger" on_click={delete} action="delete" />
                </div>
            </header>
            <Section title="Details" id="details">
                <TextField label="Role name" value={name.clone()} apply={rename} after={follow}
                    undo={format!("Rename role {name}")} field="name"
                    hint="1–64 letters, digits and + = , . @ _ -; unique without regard to case." />
                <TextField label="Path" value={role.path.clone()} apply={path}
                    undo={format!("Change path of role {name}")} field="path" />
                <TextField label="Description" value={role.description.clone()} apply={description}
                    undo={format!("Change description of role {name}")} field="description"
                    multiline=true hint="At most 1,000 characters. Ctrl+Enter saves." />
                <TextField label="Maximum session duration (hours)"
                    value={hours(role.max_session_duration)} apply={session} input_type="number"
                    undo={format!("Change session duration of role {name}")} field="session"
                    class="field-narrow" hint="From 1 to 12 hours." />
            </Section>
            <Section title="Trust policy" id="trust">
                <p class="muted">{ "Who may assume this role." }</p>
                <DocEditor target={target.clone()} document={DocumentRef::Trust}
                    text={role.trust_policy.clone()} policy_type={PolicyType::Trust}
                    label={format!("Trust policy of role {name}")} apply={trust} />
            </Section>
            <Section title="Permissions policies" id="policies">
                <h3>{ "Managed policies" }</h3>
                <ManagedSection identity={identity.clone()} attached={role.managed_policies.clone()} />
                <h3>{ "Inline policies" }</h3>
                <InlineSection owner={Owner::Identity(identity.clone())} policies={role.inline_policies.clone()} />
            </Section>
            <Section title="Permissions boundary" id="boundary">
                <BoundarySection {identity} boundary={role.permissions_boundary.clone()} />
            </Section>
            <Section title="Tags" id="tags" open={!role.tags.is_empty()}>
                <TagsSection tags={role.tags.clone()} apply={tags} />
            </Section>
            <Section title="Quotas" id="quotas">
                <QuotaMeters {meters} />
            </Section>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_become_seconds() {
        assert_eq!(session_seconds("1").ok(), Some(3600));
        assert_eq!(session_seconds(" 1.5 ").ok(), Some(5400));
        assert_eq!(session_seconds("12").ok(), Some(43200));
        assert!(session_seconds("abc").is_err());
        assert!(session_seconds("-1").is_err());
        assert!(session_seconds("inf").is_err());
        assert_eq!(hours(5400), "1.5");
        assert_eq!(hours(7200), "2");
    }
}
