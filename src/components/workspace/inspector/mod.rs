//! The inspector: the panel beside the workspace canvas that edits the selected entity. It
//! reads `Store.selection`; with nothing selected it shows the account. Each kind of entity
//! has its own panel file; the widgets they share are in `fields`, `document` and `sections`.
//!
//! Every change goes through the engine's edit operations via [`crate::store::edit`], so the
//! engine's naming rules and quotas decide, and its messages appear beside the field that
//! caused them. A selection with a document opens that policy text in the editor and passes
//! the selection's span as the editor's `jump` (how a finding leads to its place).

mod account;
mod aws_policy;
mod document;
mod external;
mod fields;
mod group;
mod guardrail;
mod org_policy;
mod policy;
mod quotas;
mod resource;
mod role;
mod root;
mod sections;
mod slot;
mod test_case;
mod user;

use iam_engine::scenario::Target;
use yew::prelude::*;

use crate::store::{Action, Selection, use_store};

pub use org_policy::{OrgEditorSlot, OrgPolicyEditor};
pub use slot::Slot;

/// The inspector of the selected entity.
#[component]
pub fn Inspector() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let target = store.selection.target.clone().unwrap_or(Target::Account);
    let slot = use_context::<EntityPanelSlot>();
    let body = match &target {
        Target::Account | Target::Organization => html! { <account::AccountPanel /> },
        // The other panels are a chunk of the split build (crate::split), fetched on the
        // first selection: the app's first visit shows the account.
        other => entity_panel(slot.as_ref(), other),
    };
    let showing_account = matches!(target, Target::Account | Target::Organization);
    let back = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| {
            store.dispatch(Action::Select {
                selection: Selection::default(),
                show: false,
            })
        })
    };
    html! {
        <aside class="inspector" aria-label="Inspector" data-target={target.to_string()}>
            if !showing_account {
                <button type="button" class="btn btn-quiet inspector-back" onclick={back}>
                    { "← Account" }
                </button>
            }
            { body }
        </aside>
    }
}

/// How the inspector shows a selected entity's panel ([`EntityPanel`]).
pub type EntityPanelSlot = Slot<Target>;

/// The panel of `target` through the slot; without one (a test mounting the workspace alone) the
/// panel itself, except in the split build, where only the slot may name the panels.
fn entity_panel(slot: Option<&EntityPanelSlot>, target: &Target) -> Html {
    match slot {
        Some(slot) => (slot.0)(target),
        #[cfg(not(split_build))]
        None => html! { <EntityPanel target={target.clone()} /> },
        #[cfg(split_build)]
        None => html! {},
    }
}

/// Props of [`EntityPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct EntityPanelProps {
    pub target: Target,
}

/// The panel of a selected entity other than the account.
#[component]
pub fn EntityPanel(props: &EntityPanelProps) -> Html {
    match &props.target {
        Target::Account | Target::Organization => html! { <account::AccountPanel /> },
        Target::RootUser => html! { <root::RootPanel /> },
        Target::User { name } => {
            html! { <user::UserPanel key={format!("user/{name}")} name={name.clone()} /> }
        }
        Target::Group { name } => {
            html! { <group::GroupPanel key={format!("group/{name}")} name={name.clone()} /> }
        }
        Target::Role { name } => {
            html! { <role::RolePanel key={format!("role/{name}")} name={name.clone()} /> }
        }
        Target::Policy { name } => {
            html! { <policy::PolicyPanel key={format!("policy/{name}")} name={name.clone()} /> }
        }
        Target::AwsPolicy { arn } => {
            html! { <aws_policy::AwsPolicyPanel key={format!("aws/{arn}")} arn={arn.clone()} /> }
        }
        Target::Resource {
            resource_kind,
            name,
        } => html! {
            <resource::ResourcePanel key={format!("resource/{resource_kind:?}/{name}")}
                kind={*resource_kind} name={name.clone()} />
        },
        Target::ExternalPrincipal { arn } => {
            html! { <external::ExternalPanel key={format!("external/{arn}")} arn={arn.clone()} /> }
        }
        Target::Test { index } => {
            html! { <test_case::TestPanel key={format!("test/{index}")} index={*index} /> }
        }
    }
}
