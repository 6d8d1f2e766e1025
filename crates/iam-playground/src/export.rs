//! `export`: a scenario file to a CloudFormation template or a Terraform configuration.
//!
//! `iam-playground export --format cfn-yaml scenario.json` prints the template that creates the
//! scenario's users, groups, roles, policies and resources in a real account (see
//! `iam_engine::export` for what is and is not included); `--format terraform` prints the same
//! as a Terraform configuration (`main.tf`), its policies as `jsonencode` or, with
//! `--policy-style document`, as `aws_iam_policy_document` data sources. Exit status 2 on
//! unusable input.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use iam_engine::export::{Format, PolicyStyle, TerraformOptions, cloudformation, terraform};
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
    /// The scenario file (the playground's scenario JSON), or `-` for standard input.
    #[arg(value_name = "SCENARIO")]
    scenario: String,
}

fn export(args: &ExportArgs) -> Result<String, String> {
    let text = crate::read_input(&args.scenario)?;
    let scenario = Scenario::from_json(&text)
        .map_err(|e| format!("{} is not a usable scenario: {e}", args.scenario))?;
    let exported = match args.format {
        ExportFormat::CfnYaml => cloudformation(&scenario, Format::Yaml),
        ExportFormat::CfnJson => cloudformation(&scenario, Format::Json),
        ExportFormat::Terraform => {
            let policy_style = match args.policy_style {
                PolicyStyleArg::Jsonencode => PolicyStyle::JsonEncode,
                PolicyStyleArg::Document => PolicyStyle::Document,
            };
            terraform(&scenario, &TerraformOptions { policy_style })
        }
    };
    exported.map_err(|e| format!("cannot export: {}", e.message))
}

/// `iam-playground export`.
pub fn run(args: ExportArgs) -> ExitCode {
    match export(&args) {
        Ok(template) => {
            crate::io::out(&template);
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("iam-playground: {}", crate::io::short(&message));
            ExitCode::from(2)
        }
    }
}
