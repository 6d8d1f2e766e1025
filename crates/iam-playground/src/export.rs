//! `export`: a scenario file to a CloudFormation template or a Terraform configuration.
//!
//! `iam-playground export --format cfn-yaml scenario.json` prints the template that creates the
//! scenario's users, groups, roles, policies and resources in a real account (see
//! `iam_engine::export` for what is and is not included); `--format terraform` prints the same
//! as a Terraform configuration (`main.tf`), its policies as `jsonencode` or, with
//! `--policy-style document`, as `aws_iam_policy_document` data sources. A scenario over
//! CloudFormation's quotas (500 resources per stack, 1 MB of template) needs `--out-dir DIR`: the
//! export is then a parent template and its nested stacks, written there as files. Exit status 2
//! on unusable input.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use iam_engine::export::{
    Format, PolicyStyle, TemplateSet, TerraformOptions, cloudformation_files, terraform_files,
};
use iam_engine::scenario::Scenario;

/// The template formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A CloudFormation template in YAML.
    CfnYaml,
    /// A CloudFormation template in JSON.
    CfnJson,
    /// A Terraform configuration in HCL (one main.tf) for the AWS provider 5.0 or later.
    Terraform,
}

/// How the Terraform configuration writes policy documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyStyleArg {
    /// `policy = jsonencode({...})`: the document as an HCL object.
    Jsonencode,
    /// `data "aws_iam_policy_document"` blocks; a document the data source cannot write
    /// exactly stays in jsonencode, with the reason in a comment.
    Document,
}

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The output format.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: ExportFormat,
    /// With `--format terraform`: how policy documents are written.
    #[arg(long, value_enum, value_name = "STYLE", default_value = "jsonencode")]
    policy_style: PolicyStyleArg,
    /// Write the files into this folder instead of printing the export: the only way to export
    /// a scenario that CloudFormation needs split into nested stacks.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<std::path::PathBuf>,
    /// The scenario file (the playground's scenario JSON), or `-` for standard input.
    #[arg(value_name = "SCENARIO")]
    scenario: String,
}

/// The files of the export: one, or a CloudFormation parent template and its parts.
fn files(args: &ExportArgs) -> Result<TemplateSet, String> {
    let text = crate::read_input(&args.scenario)?;
    let scenario = Scenario::from_json(&text)
        .map_err(|e| format!("{} is not a usable scenario: {e}", args.scenario))?;
    // The files are named after the scenario file (`account.json` → `account.yaml`).
    let base = std::path::Path::new(&args.scenario)
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| *s != "-" && !s.is_empty())
        .unwrap_or("template");
    let format = match args.format {
        ExportFormat::CfnYaml => Format::Yaml,
        ExportFormat::CfnJson => Format::Json,
        ExportFormat::Terraform => {
            let policy_style = match args.policy_style {
                PolicyStyleArg::Jsonencode => PolicyStyle::JsonEncode,
                PolicyStyleArg::Document => PolicyStyle::Document,
            };
            return terraform_files(&scenario, &TerraformOptions { policy_style })
                .map_err(|e| format!("cannot export: {}", e.message));
        }
    };
    cloudformation_files(&scenario, format, base)
        .map_err(|e| format!("cannot export: {}", e.message))
}

/// What `export` printed: the export itself, or the files written and, when split, how to
/// deploy them.
fn export(args: &ExportArgs) -> Result<String, String> {
    let set = files(args)?;
    let Some(dir) = &args.out_dir else {
        return match set.explanation() {
            Some(why) => Err(format!(
                "{why} Pass --out-dir DIR to write the {} files.",
                set.files.len()
            )),
            None => Ok(set
                .files
                .into_iter()
                .next()
                .map(|f| f.text)
                .unwrap_or_default()),
        };
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut report = String::new();
    for file in &set.files {
        let path = dir.join(&file.name);
        std::fs::write(&path, &file.text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        report.push_str(&format!(
            "wrote {} ({} bytes",
            path.display(),
            file.text.len()
        ));
        if file.resources > 0 {
            report.push_str(&format!(", {} resources", file.resources));
        }
        report.push_str(")\n");
    }
    if let Some(why) = set.explanation() {
        report.push_str(&why);
        report.push('\n');
        for command in set.deploy_commands() {
            report.push_str("  ");
            report.push_str(&command);
            report.push('\n');
        }
    }
    Ok(report)
}

/// `iam-playground export`.
pub fn run(args: ExportArgs) -> ExitCode {
    match export(&args) {
        Ok(text) => {
            crate::io::out(&text);
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("iam-playground: {}", crate::io::short(&message));
            ExitCode::from(2)
        }
    }
}
