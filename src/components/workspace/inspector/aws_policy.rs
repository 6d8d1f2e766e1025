//! The AWS-managed policy panel: what AWS's policy says (its default version's document,
//! read-only), which identities of the scenario use it, and a way to start a customer-managed
//! copy to edit (AWS maintains its own policies; nobody can change them).

use iam_engine::catalog::ManagedPolicies;
use iam_engine::policy::PolicyType;
use iam_engine::scenario::{DocumentRef, ManagedPolicy, PolicyRef, Target};
use yew::prelude::*;

use super::fields::{ActionButton, Section};
use super::policy::{attached_list, uses};
use super::sections::open_document;
use crate::components::editor::{PolicyEditor, highlights_in};
use crate::components::workspace::links::copy_name;
use crate::data::Loadable;
use crate::store::use_store;

/// IAM's limit on a customer-managed policy's name.
const POLICY_NAME_MAX: usize = 128;

/// Props of [`AwsPolicyPanel`].
#[derive(Properties, PartialEq)]
pub struct AwsPolicyPanelProps {
    /// The policy's ARN.
    pub arn: AttrValue,
}

/// The AWS-managed policy panel.
#[component]
pub fn AwsPolicyPanel(props: &AwsPolicyPanelProps) -> Html {
    let managed = use_context::<Loadable<ManagedPolicies>>().unwrap_or_default();
    let Some(store) = use_store() else {
        return html! {};
    };
    // The simulator's highlights, recomputed from (revision, request): never stale.
    let answer = crate::components::simulator::use_editor_answer(&store);
    let arn = props.arn.to_string();
    let me = PolicyRef::Aws(arn.clone());
    let name = me.name().to_owned();
    let used = uses(&store.scenario, &me);

    let (details, document) = match &managed {
        Loadable::Loading => (
            html! { <p class="muted" role="status">{ "Loading the AWS-managed policies…" }</p> },
            None,
        ),
        Loadable::Failed(message) => (
            html! { <p class="field-error" role="alert">{ message.clone() }</p> },
            None,
        ),
        Loadable::Ready(data) => match data.get(&arn) {
            Some(p) => (
                html! {
                    <dl class="facts">
                        <dt>{ "Path" }</dt><dd><code>{ p.path }</code></dd>
                        <dt>{ "Default version" }</dt><dd>{ p.version_id }</dd>
                        <dt>{ "Last changed by AWS" }</dt><dd>{ date_of(p.updated) }</dd>
                        <dt>{ "Data" }</dt><dd>{ format!("{} {}, {}", data.header().source, data.header().source_version, data.header().data_date) }</dd>
                    </dl>
                },
                // The data keeps documents compact; people read (and copy) them laid out.
                Some((
                    data.laid_out_document(&arn)
                        .unwrap_or(p.document)
                        .to_owned(),
                    p.version_id.to_owned(),
                    p.document.to_owned(),
                )),
            ),
            None => (
                html! {
                    <p class="field-error" role="alert">
                        { format!("The playground's copy of AWS's managed policies ({}) has no policy with this ARN, so it grants nothing here. Check the name, or attach it by another name.", data.header().data_date) }
                    </p>
                },
                None,
            ),
        },
    };

    let copy = document.as_ref().map(|(text, version, _)| {
        let (store, text, name) = (store.clone(), text.clone(), name.clone());
        let description = format!("Copy of the AWS-managed policy {name} ({version}).");
        Callback::from(move |()| {
            let copy = copy_name(&name, POLICY_NAME_MAX, |n| {
                store.scenario.policy(n).is_some()
            });
            let mut policy = ManagedPolicy::new(copy.clone(), text.clone());
            policy.description = description.clone();
            match crate::store::edit(&store, format!("Copy {name} as {copy}"), |s| {
                s.add_policy(policy)
            }) {
                Ok(()) => {
                    open_document(&store, Target::Policy { name: copy }, None);
                    None
                }
                Err(e) => Some(e.message),
            }
        })
    });

    html! {
        <div class="panel" data-panel="aws-policy">
            <header class="panel-head">
                <h2><span class="kind">{ "AWS-managed policy" }</span>{ " " }{ name.clone() }</h2>
                <p class="arn" title="ARN">{ arn.clone() }</p>
                if let Some(on_click) = copy {
                    <div class="panel-actions">
                        <ActionButton label="Copy as a customer-managed policy" {on_click} action="copy-aws-policy" />
                    </div>
                }
            </header>
            <p class="muted">
                { "AWS writes and updates this policy; nobody can edit it. To change what it allows, copy it into a customer-managed policy, edit the copy, and attach the copy instead." }
            </p>
            <Section title="Details" id="details">
                { details }
            </Section>
            if let Some((text, _, original)) = document {
                <Section title="Policy document (read-only)" id="document">
                    <PolicyEditor highlights={highlights_in(answer.highlights(),
                        &Target::AwsPolicy { arn: arn.clone() }, &DocumentRef::Managed,
                        Some((original.as_str(), text.as_str())))}
                        {text} policy_type={PolicyType::Identity} readonly=true no_validation=true
                        label={format!("Policy document of the AWS-managed policy {name}")} />
                </Section>
            }
            <Section title="Attached to" id="attached">
                { attached_list(&store, used) }
            </Section>
        </div>
    }
}

/// The date part of an ISO 8601 time, as the data gives it.
fn date_of(time: &str) -> String {
    time.split('T').next().unwrap_or(time).to_owned()
}
