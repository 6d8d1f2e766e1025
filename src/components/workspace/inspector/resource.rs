//! The resource panel: kind, name, Region, tags and the resource-based policy.

use std::rc::Rc;

use iam_engine::scenario::{DocumentRef, EditError, Resource, ResourceKind, Scenario, Target};
use yew::prelude::*;

use super::document::DocEditor;
use super::fields::{ActionButton, Apply, Section, TextField};
use super::sections::{TagsApply, TagsSection, open_document};
use crate::store::use_store;

/// Changes one resource through the engine's whole-resource update.
fn with_resource(
    s: &mut Scenario,
    kind: ResourceKind,
    name: &str,
    f: impl FnOnce(&mut Resource),
) -> Result<(), EditError> {
    let mut resource = s.resource(kind, name).cloned().ok_or_else(|| EditError {
        code: "unknown-resource",
        message: format!("There is no {} named \"{name}\".", kind.describe()),
    })?;
    f(&mut resource);
    s.update_resource(kind, name, resource)
}

/// The policy a new resource-based policy starts with: this account may use the resource.
pub fn starter_policy(scenario: &Scenario, resource: &Resource) -> String {
    let resource_is_endpoint = resource.kind == ResourceKind::VpcEndpoint;
    let arn = resource.arn(&scenario.account);
    let arn = match resource.kind {
        ResourceKind::S3Bucket => format!("{arn}/*"),
        _ => arn,
    };
    let action = match resource.kind {
        ResourceKind::S3Bucket => "s3:GetObject",
        ResourceKind::SqsQueue => "sqs:SendMessage",
        ResourceKind::SnsTopic => "sns:Publish",
        ResourceKind::KmsKey => "kms:Decrypt",
        ResourceKind::VpcEndpoint => "*",
    };
    let resource = match resource.kind {
        ResourceKind::KmsKey | ResourceKind::VpcEndpoint => "*".to_owned(),
        _ => arn,
    };
    if resource_is_endpoint {
        // An endpoint policy filters what goes through the endpoint: this account's
        // principals, anything.
        return format!(
            "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Principal\": \"*\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\",\n      \"Condition\": {{ \"StringEquals\": {{ \"aws:PrincipalAccount\": \"{}\" }} }}\n    }}\n  ]\n}}\n",
            scenario.account.id
        );
    }
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Principal\": {{ \"AWS\": \"arn:aws:iam::{}:root\" }},\n      \"Action\": \"{action}\",\n      \"Resource\": \"{resource}\"\n    }}\n  ]\n}}\n",
        scenario.account.id
    )
}

/// Props of [`ResourcePanel`].
#[derive(Properties, PartialEq)]
pub struct ResourcePanelProps {
    /// The kind.
    pub kind: ResourceKind,
    /// The name.
    pub name: AttrValue,
}

/// The resource panel.
#[component]
pub fn ResourcePanel(props: &ResourcePanelProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let kind = props.kind;
    let Some(resource) = store.scenario.resource(kind, &props.name).cloned() else {
        return html! { <p class="muted">{ format!("There is no {} named {}.", kind.describe(), props.name) }</p> };
    };
    let name = resource.name.clone();
    let target = Target::Resource {
        resource_kind: kind,
        name: name.clone(),
    };
    let arn = resource.arn(&store.scenario.account);
    let rename = {
        let old = name.clone();
        Apply::new(move |s, new| s.rename_resource(kind, &old, new))
    };
    let follow = {
        let store = store.clone();
        Callback::from(move |new: String| {
            open_document(
                &store,
                Target::Resource {
                    resource_kind: kind,
                    name: new,
                },
                None,
            )
        })
    };
    let service = {
        let n = name.clone();
        Apply::new(move |s, text| {
            let text = text.trim();
            with_resource(s, kind, &n, |r| {
                r.service_name = (!text.is_empty()).then(|| text.to_owned());
            })
        })
    };
    let region = {
        let n = name.clone();
        Apply::new(move |s, text| {
            let text = text.trim();
            with_resource(s, kind, &n, |r| {
                r.region = (!text.is_empty()).then(|| text.to_owned());
            })
        })
    };
    let policy = {
        let n = name.clone();
        Apply::new(move |s, text| s.set_resource_policy(kind, &n, Some(text)))
    };
    let add_policy = {
        let (store, resource) = (store.clone(), resource.clone());
        Callback::from(move |()| {
            let text = starter_policy(&store.scenario, &resource);
            crate::store::edit(&store, format!("Add a policy to {}", resource.name), |s| {
                s.set_resource_policy(kind, &resource.name, Some(&text))
            })
            .err()
            .map(|e| e.message)
        })
    };
    let remove_policy = {
        let (store, n) = (store.clone(), name.clone());
        Callback::from(move |()| {
            crate::store::edit(&store, format!("Remove the policy of {n}"), |s| {
                s.set_resource_policy(kind, &n, None)
            })
            .err()
            .map(|e| e.message)
        })
    };
    let delete = {
        let (store, n) = (store.clone(), name.clone());
        Callback::from(move |()| {
            crate::store::edit(&store, format!("Delete {} {n}", kind.describe()), |s| {
                s.delete_resource(kind, &n)
            })
            .err()
            .map(|e| e.message)
        })
    };
    let tags = {
        let n = name.clone();
        TagsApply(Rc::new(move |s, tags| {
            with_resource(s, kind, &n, |r| r.tags = tags)
        }))
    };
    let policy_word = match kind {
        ResourceKind::KmsKey => "Key policy",
        ResourceKind::VpcEndpoint => "Endpoint policy",
        _ => "Resource-based policy",
    };
    let name_hint = match kind {
        ResourceKind::S3Bucket => "3–63 lowercase letters, digits, dots and hyphens.",
        ResourceKind::SqsQueue => "1–80 letters, digits, - and _, optionally ending in .fifo.",
        ResourceKind::SnsTopic => "1–256 letters, digits, - and _.",
        ResourceKind::KmsKey => "The key id: 1–256 letters, digits and hyphens (usually a UUID).",
        ResourceKind::VpcEndpoint => {
            "The endpoint id: vpce- and 8 or 17 lowercase hexadecimal digits."
        }
    };
    html! {
        <div class="panel" data-panel="resource">
            <header class="panel-head">
                <h2><span class="kind">{ kind.describe() }</span>{ " " }{ name.clone() }</h2>
                <p class="arn" title="ARN">{ arn }</p>
                <div class="panel-actions">
                    <ActionButton label="Delete resource" class="btn-danger" on_click={delete} action="delete" />
                </div>
            </header>
            <Section title="Details" id="details">
                <TextField label="Name" value={name.clone()} apply={rename} after={follow}
                    undo={format!("Rename {} {name}", kind.describe())} field="name" hint={name_hint} />
                if kind != ResourceKind::S3Bucket {
                    <TextField label="Region (empty: the account's)"
                        value={resource.region.clone().unwrap_or_default()} apply={region}
                        undo={format!("Change Region of {name}")} field="region" />
                }
                if kind == ResourceKind::VpcEndpoint {
                    <TextField label="Service name"
                        value={resource.service_name.clone().unwrap_or_default()} apply={service}
                        undo={format!("Change service of {name}")} field="service-name"
                        hint="The service the endpoint reaches, such as com.amazonaws.us-east-1.s3." />
                    <p class="muted">{ "A request goes through this endpoint when its aws:SourceVpce is the endpoint's id (pick it in the simulator's request); the endpoint policy must then allow it too, and grants nothing on its own." }</p>
                }
            </Section>
            <Section title={policy_word} id="policy">
                if let Some(text) = &resource.policy {
                    <DocEditor target={target.clone()} document={DocumentRef::ResourcePolicy}
                        text={text.clone()} policy_type={kind.policy_type()}
                        label={format!("{policy_word} of {} {name}", kind.describe())} apply={policy} />
                    <ActionButton label="Remove the policy" class="btn-danger" on_click={remove_policy}
                        action="remove-policy" />
                } else {
                    if kind == ResourceKind::VpcEndpoint {
                        <p class="muted">{ "This VPC endpoint has AWS's default endpoint policy: full access through the endpoint." }</p>
                    } else {
                        <p class="muted">{ format!("This {} has no {}.", kind.describe(), policy_word.to_lowercase()) }</p>
                    }
                    <ActionButton label="Add a policy" on_click={add_policy} action="add-policy" />
                }
            </Section>
            <Section title="Tags" id="tags" open={!resource.tags.is_empty()}>
                <TagsSection tags={resource.tags.clone()} apply={tags} />
            </Section>
        </div>
    }
}
