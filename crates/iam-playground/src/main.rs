//! `iam-playground`: the playground's engine for people who script.
//!
//! Subcommands mirror the AWS CLI where AWS has the same command (for example
//! `simulate-custom-policy --cli-input-json`), so a request can be checked here and against a
//! real account with the same input. Exit status: 0 success, 1 a finding or decision the command
//! reports as failure, 2 unusable input.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Command-line IAM policy playground: the same engine as the web app, offline.
#[derive(Debug, Parser)]
#[command(name = "iam-playground", version = iam_engine::VERSION, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the engine and data versions.
    Version,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Version) => {
            println!("iam-playground {}", iam_engine::VERSION);
            ExitCode::SUCCESS
        }
        None => {
            // Without a subcommand, show the help rather than doing nothing silently.
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            if cmd.print_help().is_err() {
                return ExitCode::from(2);
            }
            println!();
            ExitCode::SUCCESS
        }
    }
}
