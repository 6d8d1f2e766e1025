//! `import`: a CloudFormation template, account authorization details or Terraform to a
//! scenario file.
//!
//! `iam-playground import template.yaml > scenario.json` reads a template (YAML or JSON, with
//! `!Ref`, `!Sub`, `!GetAtt`, `Fn::Join`, and conditions decided with the parameters'
//! defaults), the output of `aws iam
//! get-account-authorization-details`, `terraform show -json` of a plan or of the state, a
//! Terraform configuration file, or a scenario file, and prints the scenario JSON.
//! `iam-playground import infra/` (a directory) or `iam-playground import main.tf iam.tf`
//! reads Terraform configuration files together: the directory's `.tf` files, as Terraform
//! reads a module. What the scenario cannot hold is listed on standard error, one line each,
//! with its place, never dropped silently (see `iam_engine::import`). Exit status 2 on
//! unusable input, with the file, line and column.

use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use iam_engine::import::{
    ImportError, ImportOptions, Imported, TerraformFile, detect_and_import, import_terraform_files,
    is_terraform_file_name,
};

/// Arguments of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The account id for the scenario when the text does not name one (templates say
    /// `${AWS::AccountId}`, Terraform `data.aws_caller_identity`); default 111122223333.
    #[arg(long, value_name = "ID")]
    account_id: Option<String>,
    /// The template, authorization details, Terraform plan or state JSON, or scenario (a path,
    /// `file://path`, or `-` for standard input); or Terraform configuration: a directory, or
    /// one or more `.tf` files read together.
    #[arg(value_name = "FILE", required = true, num_args = 1..)]
    files: Vec<String>,
}

/// `iam-playground import`.
pub fn run(args: ImportArgs) -> ExitCode {
    // The CLI reads real accounts' files of tens of megabytes: the import's limit is the
    // input cap, not the page's.
    let options = ImportOptions {
        account_id: args.account_id.clone(),
        max_bytes: usize::try_from(crate::io::max_input_bytes()).ok(),
    };
    let terraform = args.files.len() > 1
        || args
            .files
            .first()
            .is_some_and(|f| Path::new(f.strip_prefix("file://").unwrap_or(f)).is_dir());
    let result = if terraform {
        match configuration_files(&args.files) {
            Ok(files) => import_terraform_files(&files, &options),
            Err(e) => {
                eprintln!("iam-playground: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        let file = args.files.first().map_or("-", String::as_str);
        let text = match crate::read_input(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("iam-playground: {e}");
                return ExitCode::from(2);
            }
        };
        if is_terraform_file_name(file) {
            let name = file.strip_prefix("file://").unwrap_or(file).to_string();
            import_terraform_files(&[TerraformFile { name, text }], &options)
        } else {
            detect_and_import(&text, &options)
        }
    };
    match result {
        Ok(imported) => {
            report(&imported);
            ExitCode::SUCCESS
        }
        Err(e) => {
            let name = match args.files.as_slice() {
                [one] if one == "-" => "<stdin>",
                [one] => one.as_str(),
                _ => "",
            };
            eprintln!("iam-playground: {}", error_text(&e, name));
            ExitCode::from(2)
        }
    }
}

/// An import error with its place: `file:line:column: message`.
fn error_text(e: &ImportError, name: &str) -> String {
    let file = e.file.as_deref().unwrap_or(name);
    match (file, e.line, e.column) {
        ("", Some(l), Some(c)) => format!("line {l}, column {c}: {}", e.message),
        (f, Some(l), Some(c)) => format!("{f}:{l}:{c}: {}", e.message),
        ("", _, _) => e.message.clone(),
        (f, _, _) => format!("{f}: {}", e.message),
    }
}

/// Prints what was read, the notes and the skipped items on standard error and the scenario
/// on standard output.
fn report(imported: &Imported) {
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
        match (&s.file, s.line, s.column) {
            (Some(f), Some(l), Some(c)) => {
                eprintln!("skipped ({f}:{l}:{c}): {}: {}", s.what, s.why)
            }
            (None, Some(l), _) => eprintln!("skipped (line {l}): {}: {}", s.what, s.why),
            _ => eprintln!("skipped: {}: {}", s.what, s.why),
        }
    }
    crate::io::outln(&imported.scenario.to_json_pretty());
}

/// The Terraform configuration files named: each directory's `.tf` files (sorted by name,
/// not its subdirectories: Terraform reads one directory as one module), and files by name,
/// each `.tf`. Their total size is capped like one input.
fn configuration_files(args: &[String]) -> Result<Vec<TerraformFile>, String> {
    let mut paths = Vec::new();
    for arg in args {
        let path = Path::new(arg.strip_prefix("file://").unwrap_or(arg));
        if path.is_dir() {
            let entries = std::fs::read_dir(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let mut found: Vec<_> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && is_terraform_file_name(&p.to_string_lossy()))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!(
                    "{} holds no Terraform configuration file (.tf)",
                    path.display()
                ));
            }
            paths.extend(found);
        } else if is_terraform_file_name(arg) {
            paths.push(path.to_path_buf());
        } else {
            return Err(format!(
                "{arg}: only Terraform configuration files (.tf) and directories of them are imported together; import other files one at a time"
            ));
        }
    }
    let max = crate::io::max_input_bytes();
    let mut total = 0u64;
    let mut files = Vec::with_capacity(paths.len());
    for p in paths {
        let name = p.display().to_string();
        let text = crate::read_input(&name)?;
        total = total.saturating_add(text.len() as u64);
        if total > max {
            return Err(format!(
                "the configuration files are larger than {max} bytes together; pass --max-input-bytes to read more"
            ));
        }
        files.push(TerraformFile { name, text });
    }
    Ok(files)
}
