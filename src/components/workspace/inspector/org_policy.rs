//! The open editor of one SCP or RCP in the account panel: its text in the policy editor and,
//! under it, its truth tables. The account panel is part of the workspace's first view; this
//! editor (with the policy editor and the engine's evaluation it brings) is the inspector's
//! chunk in the split build, fetched when a reader first opens a guardrail
//! ([`OrgEditorSlot`]).

use iam_engine::policy::PolicyType;
use iam_engine::workbench::guardrail::GuardrailRef;
use yew::prelude::*;

use super::document::DocEditor;
use super::fields::Apply;
use super::guardrail::GuardrailTables;
use crate::store::use_store;
use iam_engine::scenario::{DocumentRef, EditError, OrgPolicy, Organization, Scenario, Target};

/// How the account panel shows an open guardrail's editor ([`OrgPolicyEditor`]).
pub type OrgEditorSlot = super::slot::Slot<GuardrailRef>;

/// The editor of `guardrail` through the slot; without one (a test mounting the workspace
/// alone) the editor itself, except in the split build, where only the slot may name it.
pub(super) fn org_editor(slot: Option<&OrgEditorSlot>, guardrail: GuardrailRef) -> Html {
    match slot {
        Some(slot) => (slot.0)(&guardrail),
        #[cfg(not(split_build))]
        None => html! { <OrgPolicyEditor {guardrail} /> },
        #[cfg(split_build)]
        None => html! {},
    }
}

/// Props of [`OrgPolicyEditor`].
#[derive(Properties, PartialEq, Clone)]
pub struct OrgPolicyEditorProps {
    pub guardrail: GuardrailRef,
}

/// One SCP's or RCP's text, editable, and its truth tables.
#[component]
pub fn OrgPolicyEditor(props: &OrgPolicyEditorProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let GuardrailRef { scp, level, index } = props.guardrail;
    let Some(policy) = store
        .scenario
        .organization
        .as_ref()
        .and_then(|o| o.levels.get(level))
        .and_then(|l| if scp { &l.scps } else { &l.rcps }.get(index))
    else {
        return html! {};
    };
    let word = if scp { "SCP" } else { "RCP" };
    let document = if scp {
        DocumentRef::Scp { level, index }
    } else {
        DocumentRef::Rcp { level, index }
    };
    let put = Apply::new(move |s, text| {
        with_org(s, |o| {
            if let Some(p) = policies_of(o, level, scp).and_then(|l| l.get_mut(index)) {
                text.clone_into(&mut p.document);
            }
        })
    });
    html! {
        <>
            <DocEditor target={Target::Organization} {document} text={policy.document.clone()}
                policy_type={if scp { PolicyType::Scp } else { PolicyType::Rcp }}
                label={format!("{word} {} at level {}", policy.name, level + 1)} apply={put} />
            <GuardrailTables guardrail={props.guardrail} />
        </>
    }
}

/// Changes the organization through the engine (which checks levels, counts and sizes).
pub(super) fn with_org(
    s: &mut Scenario,
    f: impl FnOnce(&mut Organization),
) -> Result<(), EditError> {
    let mut org = s.organization.clone().ok_or_else(|| EditError {
        code: "no-organization",
        message: "This account is not in an organization.".to_owned(),
    })?;
    f(&mut org);
    s.set_organization(Some(org))
}

/// The SCP or RCP list of one level, for an edit.
pub(super) fn policies_of(
    o: &mut Organization,
    level: usize,
    scp: bool,
) -> Option<&mut Vec<OrgPolicy>> {
    let l = o.levels.get_mut(level)?;
    Some(if scp { &mut l.scps } else { &mut l.rcps })
}
