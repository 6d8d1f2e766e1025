//! `import`: a CloudFormation template or account authorization details to a scenario file.
//!
//! `iam-playground import template.yaml > scenario.json` reads a template (YAML or JSON, with
//! `!Ref`, `!Sub`, `!GetAtt`, `Fn::Join`, and conditions decided with the parameters'
//! defaults), the output of `aws iam
//! get-account-authorization-details`, or a scenario file, and prints the scenario JSON. What
//! the scenario cannot hold is listed on standard error, one line each, never dropped silently
//! (see `iam_engine::import`). Exit status 2 on unusable input, with the line and column.

use std::process::ExitCode;

use clap::Args;
use iam_engine::import::{ImportOptions, detect_and_import};

/// Arguments of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The account id for the scenario when the text does not name one (templates say
    /// `${AWS::AccountId}`); default 111122223333.
    #[arg(long, value_name = "ID")]
    account_id: Option<String>,
    /// The template or authorization details (a path, `file://path`, or `-` for standard
    /// input).
    #[arg(value_name = "FILE")]
    file: String,
}

/// `iam-playground import`.
pub fn run(args: ImportArgs) -> ExitCode {
    let text = match crate::read_input(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    // The CLI reads real accounts' files of tens of megabytes: the import's limit is the
    // input cap, not the page's.
    let options = ImportOptions {
        account_id: args.account_id,
        max_bytes: usize::try_from(crate::io::max_input_bytes()).ok(),
    };
    let imported = match detect_and_import(&text, &options) {
        Ok(i) => i,
        Err(e) => {
            let name = if args.file == "-" {
                "<stdin>"
            } else {
                args.file.as_str()
            };
            match (e.line, e.column) {
                (Some(l), Some(c)) => eprintln!("iam-playground: {name}:{l}:{c}: {}", e.message),
                _ => eprintln!("iam-playground: {name}: {}", e.message),
            }
            return ExitCode::from(2);
        }
    };
    eprintln!("iam-playground: imported a {}", imported.source.describe());
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    if !imported.skipped.is_empty() {
        eprintln!(
            "iam-playground: left out {} item(s), by kind:",
            imported.skipped.len()
        );
        for group in iam_engine::import::summarize_skipped(&imported.skipped) {
            eprintln!("  {}", group.line());
        }
    }
    for s in &imported.skipped {
        match s.line {
            Some(l) => eprintln!("skipped (line {l}): {}: {}", s.what, s.why),
            None => eprintln!("skipped: {}: {}", s.what, s.why),
        }
    }
    crate::io::outln(&imported.scenario.to_json_pretty());
    ExitCode::SUCCESS
}
