//! The external principal panel: a caller from another account and the identity policies its
//! own account gives it.

use yew::prelude::*;

use super::fields::{ActionButton, Apply, Section, TextField};
use super::sections::{InlineSection, Owner, open_document, simulate_as};
use crate::store::use_store;
use iam_engine::scenario::Target;

/// Props of [`ExternalPanel`].
#[derive(Properties, PartialEq)]
pub struct ExternalPanelProps {
    /// The principal's ARN.
    pub arn: AttrValue,
}

/// The external principal panel.
#[component]
pub fn ExternalPanel(props: &ExternalPanelProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let Some(external) = store
        .scenario
        .external_principals
        .iter()
        .find(|e| e.arn == props.arn.as_str())
        .cloned()
    else {
        return html! { <p class="muted">{ format!("There is no external principal {}.", props.arn) }</p> };
    };
    let arn = external.arn.clone();
    let change_arn = {
        let (old, external) = (arn.clone(), external.clone());
        Apply::new(move |s, new| {
            let mut next = external.clone();
            new.trim().clone_into(&mut next.arn);
            s.update_external_principal(&old, next)
        })
    };
    let follow = {
        let store = store.clone();
        Callback::from(move |new: String| {
            open_document(
                &store,
                Target::ExternalPrincipal {
                    arn: new.trim().to_owned(),
                },
                None,
            )
        })
    };
    let simulate = {
        let (store, arn) = (store.clone(), arn.clone());
        Callback::from(move |()| {
            simulate_as(&store, arn.clone());
            None
        })
    };
    let delete = {
        let (store, arn) = (store.clone(), arn.clone());
        Callback::from(move |()| {
            crate::store::edit(&store, "Remove external principal", |s| {
                s.remove_external_principal(&arn)
            })
            .err()
            .map(|e| e.message)
        })
    };
    html! {
        <div class="panel" data-panel="external">
            <header class="panel-head">
                <h2><span class="kind">{ "External principal" }</span></h2>
                <p class="arn">{ arn.clone() }</p>
                <div class="panel-actions">
                    <ActionButton label="Simulate as this principal" class="btn-primary"
                        on_click={simulate} action="simulate-as" />
                    <ActionButton label="Remove" class="btn-danger" on_click={delete} action="delete" />
                </div>
            </header>
            <Section title="Details" id="details">
                <TextField label="ARN" value={arn.clone()} apply={change_arn} after={follow}
                    undo="Change external principal ARN" field="arn"
                    hint="A user, role or role-session ARN of another account." />
            </Section>
            <Section title="Identity policies in its own account" id="policies">
                <p class="muted">{ "A cross-account request needs an allow on both sides: these policies are the caller's side." }</p>
                <InlineSection owner={Owner::External(arn)} policies={external.policies.clone()} />
            </Section>
        </div>
    }
}
