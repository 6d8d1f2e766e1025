//! The root user panel: console password, MFA and access keys.

use iam_engine::scenario::{RootUser, Target};
use yew::prelude::*;

use super::fields::{ActionButton, CheckField, Section};
use super::sections::simulate_as;
use crate::store::{StoreHandle, use_store};

/// A checkbox callback that changes one credential of the root user.
fn toggle(
    store: &StoreHandle,
    label: &'static str,
    f: impl Fn(&mut RootUser, bool) + 'static,
) -> Callback<bool, Option<String>> {
    let store = store.clone();
    Callback::from(move |on: bool| {
        crate::store::edit(&store, format!("{label} of the root user"), |s| {
            let mut root = s.root_user;
            f(&mut root, on);
            s.set_root_user(root);
            Ok(())
        })
        .err()
        .map(|e| e.message)
    })
}

/// The root user panel.
#[component]
pub fn RootPanel() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let root = store.scenario.root_user;
    let findings: Vec<String> = store
        .scenario
        .best_practices()
        .into_iter()
        .filter(|f| f.target == Target::RootUser)
        .map(|f| f.message)
        .collect();
    let simulate = {
        let store = store.clone();
        Callback::from(move |()| {
            simulate_as(&store, "root".to_owned());
            None
        })
    };
    html! {
        <div class="panel" data-panel="root">
            <header class="panel-head">
                <h2><span class="kind">{ "Root user" }</span></h2>
                <p class="arn">{ store.scenario.root_arn() }</p>
                <div class="panel-actions">
                    <ActionButton label="Simulate as this principal" class="btn-primary"
                        on_click={simulate} action="simulate-as" />
                </div>
            </header>
            <Section title="Credentials" id="credentials">
                <CheckField label="Console password set" checked={root.password}
                    on_toggle={toggle(&store, "Password", |r, on| r.password = on)} field="password" />
                <CheckField label="MFA device assigned" checked={root.mfa}
                    on_toggle={toggle(&store, "MFA", |r, on| r.mfa = on)} field="mfa" />
                <CheckField label="Access keys exist" checked={root.access_keys}
                    on_toggle={toggle(&store, "Access keys", |r, on| r.access_keys = on)}
                    field="access-keys" hint="AWS recommends the root user has no access keys." />
                if !findings.is_empty() {
                    <ul class="panel-findings" aria-label="Best-practice findings">
                        { for findings.into_iter().map(|m| html! { <li>{ m }</li> }) }
                    </ul>
                }
            </Section>
        </div>
    }
}
