//! The account panel, shown when nothing is selected: account id, alias and Region, the
//! account's place in an organization (levels with their SCPs and RCPs), adding entities of
//! every kind, and the account's quotas (`quotas`). The organization editor is a chunk of its
//! own in the release build, fetched the first time its section is open (`OrganizationLoaded`).

use iam_engine::scenario::{
    DocumentRef, EditError, ExternalPrincipal, Group, ManagedPolicy, OrgLevel, OrgPolicy,
    Organization, QuotaMeter, Resource, ResourceKind, Role, Scenario, Target, User,
};
use iam_engine::workbench::guardrail::GuardrailRef;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::fields::{
    ActionButton, Apply, CheckField, QuotaMeters, Section, TextField, clip, next_id,
};
use super::org_policy::{OrgEditorSlot, org_editor, policies_of, with_org};
use super::quotas::AccountQuotas;
use super::sections::{NEW_POLICY_TEXT, free_name, open_document};
use crate::components::on_demand::use_on_demand;
use crate::store::{StoreHandle, use_store};

/// AWS's `FullAWSAccess` service control policy, attached to every level by default.
pub const FULL_AWS_ACCESS: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n";

/// The text a new SCP starts with: a deny statement for the user to fill.
const NEW_SCP_TEXT: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Deny\",\n      \"Action\": [],\n      \"Resource\": \"*\"\n    }\n  ]\n}\n";

/// The text a new RCP starts with (RCPs deny, and name every principal).
const NEW_RCP_TEXT: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Deny\",\n      \"Principal\": \"*\",\n      \"Action\": [],\n      \"Resource\": \"*\"\n    }\n  ]\n}\n";

/// The organization a standalone account joins: the root and the account, each with
/// `FullAWSAccess`, as AWS sets them up.
pub fn new_organization() -> Organization {
    let level = |name: &str| OrgLevel {
        name: name.to_owned(),
        scps: vec![OrgPolicy {
            name: "FullAWSAccess".to_owned(),
            document: FULL_AWS_ACCESS.to_owned(),
        }],
        rcps: Vec::new(),
    };
    Organization {
        management_account: false,
        levels: vec![level("Root"), level("This account")],
    }
}

/// A button callback that edits the organization.
fn org_action(
    store: &StoreHandle,
    label: String,
    f: impl Fn(&mut Organization) + 'static,
) -> Callback<(), Option<String>> {
    let store = store.clone();
    Callback::from(move |()| {
        crate::store::edit(&store, label.clone(), |s| with_org(s, &f))
            .err()
            .map(|e| e.message)
    })
}

/// The account panel.
#[component]
pub fn AccountPanel() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let account = store.scenario.account.clone();
    let id = Apply::new(|s, text| s.set_account_id(text.trim()));
    let alias = Apply::new(|s, text| {
        let text = text.trim();
        s.set_account_alias((!text.is_empty()).then_some(text))
    });
    let region = Apply::new(|s, text| s.set_region(text.trim()));
    let open_root = {
        let store = store.clone();
        Callback::from(move |()| {
            open_document(&store, Target::RootUser, None);
            None
        })
    };
    html! {
        <div class="panel" data-panel="account">
            <header class="panel-head">
                <h2><span class="kind">{ "Account" }</span>{ " " }{ account.alias.clone().unwrap_or_else(|| account.id.clone()) }</h2>
                <div class="panel-actions">
                    <ActionButton label="Root user" on_click={open_root} action="open-root" />
                </div>
            </header>
            <Section title="Account" id="account">
                <TextField label="Account id" value={account.id.clone()} apply={id}
                    undo="Change account id" field="account-id" hint="Exactly 12 digits." />
                <TextField label="Account alias" value={account.alias.clone().unwrap_or_default()}
                    apply={alias} undo="Change account alias" field="alias"
                    hint="Optional: 3–63 lowercase letters, digits and hyphens." />
                <TextField label="Region" value={account.region.clone()} apply={region}
                    undo="Change Region" field="region" hint="Used in the ARNs of regional resources, e.g. eu-west-1." />
            </Section>
            <Section title="Add to the account" id="add">
                <AddEntity />
            </Section>
            // A standalone account (every first visit) shows the organization folded: its
            // editor is fetched the first time the section is open.
            <Section title="Organization" id="organization"
                open={store.scenario.organization.is_some()} until_open=true>
                <OrganizationLoaded />
            </Section>
            <Section title="Quotas" id="quotas" open=false until_open=true>
                <AccountQuotas />
            </Section>
        </div>
    }
}

/// Renders the organization editor. A plain function pointer: the split build returns it from
/// the `organization` chunk.
type RenderOrganization = fn() -> Html;

fn render_organization() -> Html {
    html! { <OrganizationEditor /> }
}

crate::split::split_point!(organization: fn editor() -> RenderOrganization { render_organization });

/// The organization editor: at once when its chunk is here, else a short status.
#[component]
fn OrganizationLoaded() -> Html {
    let label = AttrValue::Static("the organization editor");
    match use_on_demand((), loaded(), load, label, "") {
        Ok(render) => render(),
        Err(status) => status,
    }
}

/// The kinds of entity the add form creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NewKind {
    User,
    Group,
    Role,
    Policy,
    Resource(ResourceKind),
    External,
}

impl NewKind {
    const ALL: [NewKind; 10] = [
        NewKind::User,
        NewKind::Group,
        NewKind::Role,
        NewKind::Policy,
        NewKind::Resource(ResourceKind::S3Bucket),
        NewKind::Resource(ResourceKind::SqsQueue),
        NewKind::Resource(ResourceKind::SnsTopic),
        NewKind::Resource(ResourceKind::KmsKey),
        NewKind::Resource(ResourceKind::VpcEndpoint),
        NewKind::External,
    ];

    fn id(self) -> &'static str {
        match self {
            NewKind::User => "user",
            NewKind::Group => "group",
            NewKind::Role => "role",
            NewKind::Policy => "policy",
            NewKind::Resource(ResourceKind::S3Bucket) => "s3",
            NewKind::Resource(ResourceKind::SqsQueue) => "sqs",
            NewKind::Resource(ResourceKind::SnsTopic) => "sns",
            NewKind::Resource(ResourceKind::KmsKey) => "kms",
            NewKind::Resource(ResourceKind::VpcEndpoint) => "vpce",
            NewKind::External => "external",
        }
    }

    fn label(self) -> &'static str {
        match self {
            NewKind::User => "IAM user",
            NewKind::Group => "IAM group",
            NewKind::Role => "IAM role",
            NewKind::Policy => "Customer-managed policy",
            NewKind::Resource(k) => k.describe(),
            NewKind::External => "Principal of another account (ARN)",
        }
    }

    /// Adds an entity of this kind named `name`, and returns its target.
    fn add(self, s: &mut Scenario, name: &str) -> Result<Target, EditError> {
        let name = name.to_owned();
        match self {
            NewKind::User => {
                s.add_user(User::new(name.clone()))?;
                Ok(Target::User { name })
            }
            NewKind::Group => {
                s.add_group(Group::new(name.clone()))?;
                Ok(Target::Group { name })
            }
            NewKind::Role => {
                let trust = format!(
                    "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Principal\": {{ \"AWS\": \"arn:aws:iam::{}:root\" }},\n      \"Action\": \"sts:AssumeRole\"\n    }}\n  ]\n}}\n",
                    s.account.id
                );
                s.add_role(Role::new(name.clone(), trust))?;
                Ok(Target::Role { name })
            }
            NewKind::Policy => {
                s.add_policy(ManagedPolicy::new(name.clone(), NEW_POLICY_TEXT))?;
                Ok(Target::Policy { name })
            }
            NewKind::Resource(kind) => {
                let resource = Resource::new_in(kind, name.clone(), &s.account);
                s.add_resource(resource)?;
                Ok(Target::Resource {
                    resource_kind: kind,
                    name,
                })
            }
            NewKind::External => {
                let arn = name.trim().to_owned();
                s.add_external_principal(ExternalPrincipal {
                    arn: arn.clone(),
                    policies: Vec::new(),
                })?;
                Ok(Target::ExternalPrincipal { arn })
            }
        }
    }
}

/// The add form: a kind, a name checked by the engine as it is typed, and a button.
#[component]
fn AddEntity() -> Html {
    let store = use_store();
    let kind = use_state(|| NewKind::User);
    let name = use_state(String::new);
    let error = use_state(|| None::<String>);
    let ids = use_memo((), |_| (next_id("add-kind"), next_id("add-name")));
    let Some(store) = store else {
        return html! {};
    };
    let check = {
        let store = store.clone();
        move |k: NewKind, text: &str| -> Option<String> {
            if text.is_empty() {
                return None;
            }
            let mut copy = (*store.scenario).clone();
            k.add(&mut copy, text).err().map(|e| clip(&e.message))
        }
    };
    let onchange = {
        let (kind, name, error, check) = (kind.clone(), name.clone(), error.clone(), check.clone());
        Callback::from(move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            let k = NewKind::ALL
                .into_iter()
                .find(|k| k.id() == id)
                .unwrap_or(NewKind::User);
            kind.set(k);
            error.set(check(k, &name));
        })
    };
    let oninput = {
        let (kind, name, error, check) = (kind.clone(), name.clone(), error.clone(), check.clone());
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            error.set(check(*kind, &text));
            name.set(text);
        })
    };
    let add = {
        let (store, kind, name, error) = (store.clone(), kind.clone(), name.clone(), error.clone());
        Callback::from(move |()| {
            let k = *kind;
            let mut added = None;
            let result = crate::store::edit(&store, format!("Add {} {}", k.label(), *name), |s| {
                added = Some(k.add(s, &name)?);
                Ok(())
            });
            match (result, added) {
                (Ok(()), Some(target)) => {
                    name.set(String::new());
                    error.set(None);
                    open_document(&store, target, None);
                }
                (Err(e), _) => error.set(Some(clip(&e.message))),
                (Ok(()), None) => {}
            }
        })
    };
    let onkeydown = {
        let add = add.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                add.emit(());
            }
        })
    };
    let onclick = add.reform(|_: MouseEvent| ());
    let (kind_id, name_id) = (*ids).clone();
    let error_id = format!("{name_id}-error");
    html! {
        <div class="add-entity">
            <div class="field">
                <label for={kind_id.clone()}>{ "Kind" }</label>
                <select id={kind_id} {onchange} data-field="add-kind">
                    { for NewKind::ALL.into_iter().map(|k| html! {
                        <option value={k.id()} selected={*kind == k}>{ k.label() }</option>
                    }) }
                </select>
            </div>
            <div class="field field-grow">
                <label for={name_id.clone()}>{ if *kind == NewKind::External { "ARN" } else { "Name" } }</label>
                <input id={name_id} type="text" value={(*name).clone()} {oninput} {onkeydown}
                    data-field="add-name" autocomplete="off" spellcheck="false"
                    aria-invalid={error.is_some().then_some("true")}
                    aria-describedby={error.is_some().then(|| error_id.clone())} />
            </div>
            <button type="button" class="btn btn-primary" data-action="add-entity" {onclick}>{ "Add" }</button>
            if let Some(message) = &*error {
                <p class="field-error" role="alert" id={error_id}>{ message.clone() }</p>
            }
        </div>
    }
}

/// The organization: join or leave, the management-account switch, and every level.
#[component]
fn OrganizationEditor() -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let Some(org) = store.scenario.organization.clone() else {
        let join = {
            let store = store.clone();
            Callback::from(move |()| {
                crate::store::edit(&store, "Place the account in an organization", |s| {
                    s.set_organization(Some(new_organization()))
                })
                .err()
                .map(|e| e.message)
            })
        };
        return html! {
            <div class="organization">
                <p class="muted">{ "This is a standalone account: no service or resource control policies apply." }</p>
                <ActionButton label="Place in an organization" on_click={join} action="join-org" />
            </div>
        };
    };
    let management = {
        let store = store.clone();
        Callback::from(move |on: bool| {
            crate::store::edit(&store, "Management account", |s| {
                with_org(s, |o| o.management_account = on)
            })
            .err()
            .map(|e| e.message)
        })
    };
    let leave = {
        let store = store.clone();
        Callback::from(move |()| {
            crate::store::edit(&store, "Leave the organization", |s| {
                s.set_organization(None)
            })
            .err()
            .map(|e| e.message)
        })
    };
    let add_ou = org_action(&store, "Add an OU".to_owned(), |o| {
        let n = o.levels.len().saturating_sub(1);
        let name = free_name("OU", |x| o.levels.iter().any(|l| l.name == x));
        o.levels.insert(
            n.max(1),
            OrgLevel {
                name,
                scps: vec![OrgPolicy {
                    name: "FullAWSAccess".to_owned(),
                    document: FULL_AWS_ACCESS.to_owned(),
                }],
                rcps: Vec::new(),
            },
        );
    });
    let count = org.levels.len();
    let levels = org.levels.iter().enumerate().map(|(i, level)| {
        let role = if i == 0 {
            "Organization root"
        } else if i + 1 == count {
            "This account"
        } else {
            "Organizational unit"
        };
        html! { <LevelEditor key={i} index={i} role={role} level={level.clone()} removable={i > 0 && i + 1 < count} /> }
    });
    html! {
        <div class="organization">
            <CheckField label="This is the management account (SCPs and RCPs do not apply to it)"
                checked={org.management_account} on_toggle={management} field="management" />
            <ol class="org-levels">{ for levels }</ol>
            <div class="row">
                <ActionButton label="Add an OU" on_click={add_ou} action="add-ou" />
                <ActionButton label="Leave the organization" class="btn-danger" on_click={leave} action="leave-org" />
            </div>
        </div>
    }
}

/// Props of [`LevelEditor`].
#[derive(Properties, PartialEq)]
struct LevelEditorProps {
    index: usize,
    role: AttrValue,
    level: OrgLevel,
    removable: bool,
}

/// One level of the organization: its name and its SCPs and RCPs.
#[component]
fn LevelEditor(props: &LevelEditorProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let i = props.index;
    let rename = Apply::new(move |s, text| {
        with_org(s, |o| {
            if let Some(l) = o.levels.get_mut(i) {
                text.clone_into(&mut l.name);
            }
        })
    });
    let remove = org_action(
        &store,
        format!("Remove OU {}", props.level.name),
        move |o| {
            if i < o.levels.len() {
                o.levels.remove(i);
            }
        },
    );
    html! {
        <li class="org-level" data-level={i.to_string()}>
            <div class="row">
                <span class="kind">{ props.role.clone() }</span>
                <TextField label="Name" value={props.level.name.clone()} apply={rename}
                    undo="Rename organization level" field="level-name" class="field-grow" />
                if props.removable {
                    <ActionButton label="Remove OU" class="btn-quiet" on_click={remove}
                        aria_label={format!("Remove OU {}", props.level.name)} />
                }
            </div>
            <OrgPolicies level={i} scp=true policies={props.level.scps.clone()} />
            <OrgPolicies level={i} scp=false policies={props.level.rcps.clone()} />
        </li>
    }
}

/// Props of [`OrgPolicies`].
#[derive(Properties, PartialEq)]
struct OrgPoliciesProps {
    level: usize,
    scp: bool,
    policies: Vec<OrgPolicy>,
}

/// The SCPs or RCPs of one level.
#[component]
fn OrgPolicies(props: &OrgPoliciesProps) -> Html {
    let Some(store) = use_store() else {
        return html! {};
    };
    let (level, scp) = (props.level, props.scp);
    let slot = use_context::<OrgEditorSlot>();
    let word = if scp { "SCP" } else { "RCP" };
    let doc = move |index: usize| {
        if scp {
            DocumentRef::Scp { level, index }
        } else {
            DocumentRef::Rcp { level, index }
        }
    };
    let open = match (&store.selection.target, &store.selection.document) {
        (Some(Target::Organization), Some(d)) => Some(d.clone()),
        _ => None,
    };
    // The engine's meters list every level's SCPs, then its RCPs, level by level.
    let meters = store.scenario.quota_meters(&Target::Organization);
    let offset = store
        .scenario
        .organization
        .as_ref()
        .map(|o| {
            let before: usize = o
                .levels
                .iter()
                .take(level)
                .map(|l| l.scps.len() + l.rcps.len())
                .sum();
            let own = if scp {
                0
            } else {
                o.levels.get(level).map_or(0, |l| l.scps.len())
            };
            before + own
        })
        .unwrap_or(0);
    let rows = props.policies.iter().enumerate().map(|(index, p)| {
        let meter: Vec<QuotaMeter> = meters.get(offset + index).cloned().into_iter().collect();
        let document = doc(index);
        let is_open = open.as_ref() == Some(&document);
        let rename = Apply::new(move |s, text| {
            with_org(s, |o| {
                if let Some(p) = policies_of(o, level, scp).and_then(|l| l.get_mut(index)) {
                    text.clone_into(&mut p.name);
                }
            })
        });
        let toggle = {
            let (store, document) = (store.clone(), document.clone());
            Callback::from(move |()| {
                open_document(&store, Target::Organization, (!is_open).then(|| document.clone()));
                None
            })
        };
        let remove = org_action(&store, format!("Remove {word} {}", p.name), move |o| {
            if let Some(l) = policies_of(o, level, scp)
                && index < l.len()
            {
                l.remove(index);
            }
        });
        let label = format!("{word} {} at level {}", p.name, level + 1);
        html! {
            <li class={classes!("inline-policy", is_open.then_some("open"))} key={index}>
                <div class="row">
                    <TextField label={format!("{word} name")} value={p.name.clone()} apply={rename}
                        undo={format!("Rename {word} {}", p.name)} field="org-policy-name" class="field-grow" />
                    <ActionButton label={if is_open { "Close editor" } else { "Edit" }} on_click={toggle}
                        aria_label={format!("{} {label}", if is_open { "Close" } else { "Edit" })} />
                    <ActionButton label="Remove" class="btn-quiet" on_click={remove}
                        aria_label={format!("Remove {label}")} />
                </div>
                <QuotaMeters meters={meter} />
                if is_open {
                    { org_editor(slot.as_ref(), GuardrailRef { scp, level, index }) }
                }
            </li>
        }
    });
    let add = org_action(&store, format!("Add {word}"), move |o| {
        if let Some(l) = policies_of(o, level, scp) {
            let name = free_name(word, |x| l.iter().any(|p| p.name == x));
            l.push(OrgPolicy {
                name,
                document: if scp { NEW_SCP_TEXT } else { NEW_RCP_TEXT }.to_owned(),
            });
        }
    });
    html! {
        <div class="org-policies">
            <h4>{ if scp { "Service control policies" } else { "Resource control policies" } }</h4>
            if props.policies.is_empty() {
                <p class="muted">{ if scp { "None: this level denies everything." } else { "Only RCPFullAWSAccess, which AWS attaches itself." } }</p>
            } else {
                <ul class="entity-list">{ for rows }</ul>
            }
            <ActionButton label={format!("Add {word}")} on_click={add}
                aria_label={format!("Add {word} at level {}", level + 1)} />
        </div>
    }
}
