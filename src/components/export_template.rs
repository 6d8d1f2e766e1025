//! The export view's first panel: the scenario as infrastructure as code.
//!
//! A CloudFormation template in YAML or JSON ([`iam_engine::export::cloudformation`]) or a
//! Terraform configuration ([`iam_engine::export::terraform`], its policies as `jsonencode` or
//! `aws_iam_policy_document` data sources), shown read-only and coloured by the engine's tokens,
//! with Copy and Download (`main.tf` for Terraform), and the engine's list of what it leaves out
//! ([`iam_engine::export::left_out`], [`iam_engine::export::terraform_left_out`]). The format
//! and the policy style are the panel's own view state; the text is a function of the scenario's
//! revision and them, written in the analysis worker ([`crate::analysis::export`]) while the
//! panel says so, and kept only for the revision it was written from.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use iam_engine::export::{PolicyStyle, left_out, terraform_left_out};
use iam_engine::scenario::Scenario;
use yew::prelude::*;

use crate::analysis::client::{ExportEvent, client};
use crate::analysis::protocol::{ExportData, TemplateKind};
use crate::components::export_code::{CodeLang, code_view, download, file_name};

/// What the panel exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportTarget {
    /// A CloudFormation template in YAML.
    CfnYaml,
    /// A CloudFormation template in JSON.
    CfnJson,
    /// A Terraform configuration (HCL).
    Terraform,
}

impl ExportTarget {
    const ALL: [ExportTarget; 3] = [
        ExportTarget::CfnYaml,
        ExportTarget::CfnJson,
        ExportTarget::Terraform,
    ];

    /// The button's label.
    fn label(self) -> &'static str {
        match self {
            ExportTarget::CfnYaml => "CloudFormation YAML",
            ExportTarget::CfnJson => "CloudFormation JSON",
            ExportTarget::Terraform => "Terraform",
        }
    }

    /// The `data-format` of its button and code view (`yaml`, `json`, `terraform`).
    fn key(self) -> &'static str {
        match self {
            ExportTarget::CfnYaml => "yaml",
            ExportTarget::CfnJson => "json",
            ExportTarget::Terraform => "terraform",
        }
    }

    fn lang(self) -> CodeLang {
        match self {
            ExportTarget::CfnYaml => CodeLang::Yaml,
            ExportTarget::CfnJson => CodeLang::Json,
            ExportTarget::Terraform => CodeLang::Hcl,
        }
    }
}

/// A row of toggle buttons (`aria-pressed`), one pressed; each button carries its key as
/// `data-format`, or as `data-policy-style` for the policy styles.
fn toggles<T: Copy + PartialEq + 'static>(
    label: &'static str,
    class: &'static str,
    styles: bool,
    options: &[(T, &'static str, &'static str)],
    current: T,
    on_pick: &Callback<T>,
) -> Html {
    let buttons = options
        .iter()
        .map(|&(value, text, key)| {
            let pressed = current == value;
            let onclick = on_pick.reform(move |_: MouseEvent| value);
            html! {
                <button type="button" class={classes!("btn", pressed.then_some("btn-primary"))}
                    aria-pressed={pressed.to_string()} {onclick}
                    data-format={(!styles).then_some(key)} data-policy-style={styles.then_some(key)}>
                    { text }
                </button>
            }
        })
        .collect::<Html>();
    html! { <div class={classes!("export-format", class)} role="group" aria-label={label}>{ buttons }</div> }
}

/// For an export split into nested stacks: why, and the files, each to show or download (as
/// `mime`, the format's).
fn split_files(
    set: &ExportData,
    index: usize,
    shown: &UseStateHandle<usize>,
    status: &UseStateHandle<String>,
    mime: &'static str,
) -> Html {
    let Some(why) = set.explanation.clone() else {
        return html! {};
    };
    let rows = set
        .files
        .iter()
        .enumerate()
        .map(|(i, file)| {
            let pressed = i == index;
            let on_show = {
                let shown = shown.clone();
                let status = status.clone();
                Callback::from(move |_: MouseEvent| {
                    shown.set(i);
                    status.set(String::new());
                })
            };
            let on_download = {
                let text = file.text.clone();
                let name = file.name.clone();
                let status = status.clone();
                Callback::from(move |_: MouseEvent| match download(&text, &name, mime) {
                    Ok(()) => status.set(format!("Downloading {name}.")),
                    Err(e) => status.set(format!("Download failed: {e}.")),
                })
            };
            let what = if i == 0 {
                format!("parent, {} nested stacks", file.resources)
            } else {
                format!("{} resources", file.resources)
            };
            html! {
                <li class="export-split-file" data-file={file.name.clone()}>
                    <button type="button" class={classes!("btn", "export-split-show", pressed.then_some("btn-primary"))}
                        aria-pressed={pressed.to_string()} onclick={on_show}>{ file.name.clone() }</button>
                    <span class="muted">{ format!("{what} · {} KB", file.text.len().div_ceil(1024)) }</span>
                    <button type="button" class="btn export-split-download" onclick={on_download}
                        aria-label={format!("Download {}", file.name)}>{ "Download" }</button>
                </li>
            }
        })
        .collect::<Html>();
    let commands = set.deploy_commands.join("\n");
    html! {
        <div class="export-split" role="note">
            <p>{ why }</p>
            <pre class="export-split-commands" tabindex="0" aria-label="Commands that deploy it"><code>{ commands }</code></pre>
            <ul class="export-split-files" aria-label="Template files">{ rows }</ul>
        </div>
    }
}

/// An export's outcome: the files, or why there are none, in words.
type Outcome = Result<Rc<ExportData>, String>;

/// What an export is of: the scenario's revision, the kind of files and their name stem.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ExportKey {
    revision: u64,
    kind: TemplateKind,
    stem: String,
}

/// The export of `scenario` (at `revision`) as `kind`, written in the analysis worker (on the
/// page where there is none): `None` until it arrives. The outcomes of this revision are kept
/// by key, so switching formats back and forth does not write them again; another revision's
/// are dropped, so an outcome is never shown for a revision it was not written from.
#[hook]
fn use_export(
    scenario: &Rc<Scenario>,
    revision: u64,
    kind: TemplateKind,
    stem: String,
) -> Option<Outcome> {
    let cache = use_mut_ref(HashMap::<ExportKey, Outcome>::new);
    let update = use_force_update();
    let key = ExportKey {
        revision,
        kind,
        stem,
    };
    {
        let cache: Rc<RefCell<HashMap<ExportKey, Outcome>>> = Rc::clone(&cache);
        let scenario = Rc::clone(scenario);
        use_effect_with(key.clone(), move |key| {
            cache.borrow_mut().retain(|k, _| k.revision == key.revision);
            let mut job = None;
            if !cache.borrow().contains_key(key) {
                let answered = key.clone();
                let listener = Callback::from(move |event: ExportEvent| {
                    let outcome = match event {
                        ExportEvent::Done(data) => Ok(data),
                        ExportEvent::Refused(e) => Err(format!(
                            "This scenario cannot be exported: {}{}",
                            e.message,
                            e.line
                                .map(|l| format!(" (line {l}, column {})", e.column.unwrap_or(1)))
                                .unwrap_or_default()
                        )),
                        ExportEvent::Failed(message) => {
                            Err(format!("The export could not be written: {message}"))
                        }
                    };
                    cache.borrow_mut().insert(answered.clone(), outcome);
                    update.force_update();
                });
                job = Some(client().export(&scenario, key.kind, key.stem.clone(), listener));
            }
            move || {
                if let Some(job) = job {
                    client().cancel(job);
                }
            }
        });
    }
    cache.borrow().get(&key).cloned()
}

/// Properties of [`TemplatePanel`].
#[derive(Properties, PartialEq)]
pub struct TemplatePanelProps {
    /// The scenario to export.
    pub scenario: Rc<Scenario>,
    /// Its revision: the export is recomputed when it changes.
    pub revision: u64,
    /// The slot's name, for the file name when the scenario has no title.
    pub slot: String,
}

/// The infrastructure-as-code panel.
#[component]
pub fn TemplatePanel(props: &TemplatePanelProps) -> Html {
    let target = use_state(|| ExportTarget::CfnYaml);
    let style = use_state(PolicyStyle::default);
    let status = use_state(String::new);
    let code_ref = use_node_ref();

    // Which file of a split CloudFormation export is shown (the parent first).
    let shown = use_state(|| 0usize);
    // The files are named after the scenario (`my-account.yaml`, `my-account-part-1.yaml`).
    let stem = file_name(&props.scenario.title, &props.slot, "x");
    let stem = stem.strip_suffix(".x").unwrap_or(&stem).to_owned();
    let kind = match *target {
        ExportTarget::CfnYaml => TemplateKind::CfnYaml,
        ExportTarget::CfnJson => TemplateKind::CfnJson,
        ExportTarget::Terraform => TemplateKind::Terraform(*style),
    };
    let files = use_export(&props.scenario, props.revision, kind, stem);
    let terraform_chosen = *target == ExportTarget::Terraform;

    let on_target = {
        let target = target.clone();
        let status = status.clone();
        let shown = shown.clone();
        Callback::from(move |t: ExportTarget| {
            target.set(t);
            shown.set(0);
            status.set(String::new());
        })
    };
    let on_style = {
        let style = style.clone();
        let status = status.clone();
        Callback::from(move |s: PolicyStyle| {
            style.set(s);
            status.set(String::new());
        })
    };
    let targets: Vec<(ExportTarget, &str, &str)> = ExportTarget::ALL
        .iter()
        .map(|&t| (t, t.label(), t.key()))
        .collect();
    let styles = [
        (PolicyStyle::JsonEncode, "jsonencode", "jsonencode"),
        (PolicyStyle::Document, "aws_iam_policy_document", "document"),
    ];

    let (mime, what) = match *target {
        ExportTarget::CfnYaml => ("application/yaml", "CloudFormation template (YAML)"),
        ExportTarget::CfnJson => ("application/json", "CloudFormation template (JSON)"),
        ExportTarget::Terraform => ("text/plain", "Terraform configuration (HCL)"),
    };

    let body = match files {
        None => html! {
            <p class="muted export-loading" role="status" aria-busy="true">
                { format!("Writing the {what}…") }
            </p>
        },
        Some(Err(message)) => html! {
            <p class="field-error export-error" role="alert">{ message }</p>
        },
        Some(Ok(set)) => {
            let index = (*shown).min(set.files.len().saturating_sub(1));
            let Some(current) = set.files.get(index) else {
                return html! {};
            };
            let text = &current.text;
            let file = current.name.clone();
            let split = split_files(&set, index, &shown, &status, mime);
            let on_copy = {
                let text = text.clone();
                let code = code_ref.clone();
                let status = status.clone();
                Callback::from(move |_| {
                    crate::clipboard::copy_text(text.clone(), code.clone(), status.clone())
                })
            };
            let on_download = {
                let text = text.clone();
                let file = file.clone();
                let status = status.clone();
                Callback::from(move |_| match download(&text, &file, mime) {
                    Ok(()) => status.set(format!("Downloading {file}.")),
                    Err(e) => status.set(format!("Download failed: {e}.")),
                })
            };
            let download_label = if terraform_chosen {
                "Download main.tf".to_owned()
            } else if set.is_split() {
                format!("Download {file}")
            } else {
                format!("Download .{}", target.key())
            };
            html! {
                <>
                    { split }
                    <div class="export-actions">
                        <button type="button" class="btn export-copy" onclick={on_copy}>{ "Copy" }</button>
                        <button type="button" class="btn export-download" onclick={on_download}>
                            { download_label }
                        </button>
                        <span class="export-status" role="status">{ (*status).clone() }</span>
                    </div>
                    <pre class="export-code" tabindex="0" ref={code_ref.clone()}
                        aria-label={if set.is_split() { format!("{what}: {file}") } else { what.to_owned() }}
                        data-format={if terraform_chosen { "hcl" } else { target.key() }}>
                        <code>{ code_view(text, target.lang()) }</code>
                    </pre>
                </>
            }
        }
    };

    let (items, intro) = if terraform_chosen {
        (
            terraform_left_out(&props.scenario),
            " Terraform's IAM resources create identities inside an account; a member account's configuration cannot create its root user or its organization's policies. Left out for this scenario:",
        )
    } else {
        (
            left_out(&props.scenario),
            " CloudFormation creates IAM identities inside an account; it cannot create the account's root user or its organization's policies. Left out for this scenario:",
        )
    };
    let left_out_items = items
        .into_iter()
        .map(|item| html! { <li>{ item.sentence }</li> })
        .collect::<Html>();

    html! {
        <div class="export-panel export-template">
            <h3>{ "Infrastructure as code" }</h3>
            <p class="muted">
                { "A CloudFormation template or a Terraform configuration that creates this scenario's users, groups, roles, customer-managed policies and resources in a real account. Review it before deploying." }
            </p>
            { toggles("Export format", "export-targets", false, &targets, *target, &on_target) }
            if terraform_chosen {
                <div class="export-policy-style">
                    <span class="export-option-label" aria-hidden="true">{ "Policies as" }</span>
                    { toggles("Policies as", "export-styles", true, &styles, *style, &on_style) }
                </div>
            }
            { body }
            <div class="export-note" role="note">
                <p>
                    <strong>{ if terraform_chosen { "Not in the configuration." } else { "Not in the template." } }</strong>
                    { intro }
                </p>
                <ul class="export-left-out">{ left_out_items }</ul>
            </div>
        </div>
    }
}
