//! `export`: a scenario file to a CloudFormation template.
//!
//! `iam-playground export --format cfn-yaml scenario.json` prints the template that creates the
//! scenario's users, groups, roles, policies and resources in a real account (see
//! `iam_engine::export` for what is and is not included). Exit status 2 on unusable input.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use iam_engine::export::{Format, cloudformation};
use iam_engine::scenario::Scenario;

/// The template formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A CloudFormation template in YAML.
    CfnYaml,
    /// A CloudFormation template in JSON.
    CfnJson,
}

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The output format.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: ExportFormat,
    /// The scenario file (the playground's scenario JSON), or `-` for standard input.
    #[arg(value_name = "SCENARIO")]
    scenario: String,
}

fn export(args: &ExportArgs) -> Result<String, String> {
    let text = crate::read_input(&args.scenario)?;
    let scenario = Scenario::from_json(&text)
        .map_err(|e| format!("{} is not a usable scenario: {e}", args.scenario))?;
    let format = match args.format {
        ExportFormat::CfnYaml => Format::Yaml,
        ExportFormat::CfnJson => Format::Json,
    };
    cloudformation(&scenario, format).map_err(|e| format!("cannot export: {}", e.message))
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
