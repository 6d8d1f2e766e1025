//! `iam-playground`: the playground's engine for people who script.
//!
//! Subcommands mirror the AWS CLI where AWS has the same command (for example
//! `simulate-custom-policy --cli-input-json`), so a request can be checked here and against a
//! real account with the same input. Exit status: 0 success, 1 a finding or decision the command
//! reports as failure, 2 unusable input.

use std::process::ExitCode;

mod analysis;
mod diff;
mod explain;
mod export;
mod guardrail;
mod import;
mod io;
mod mcp;
mod principal;
mod saved_tests;
mod share;
mod validate;

use clap::{Parser, Subcommand};
use iam_engine::simulate::{SimulateCustomPolicyInput, simulate};

/// The committed AWS action catalog, the same file the web app fetches, embedded so the binary
/// works on its own (`validate`, `share`, `version` read it).
pub(crate) const CATALOG: &str = include_str!("../../../static/data/iam-catalog.txt");

/// Command-line IAM policy playground: the same engine as the web app, offline.
#[derive(Debug, Parser)]
#[command(name = "iam-playground", version = iam_engine::VERSION, about, long_about = None)]
struct Cli {
    /// The largest input read, in bytes (a file, standard input, or one `--batch` line);
    /// larger input is refused with a message rather than filling memory.
    #[arg(long, global = true, value_name = "BYTES", default_value_t = io::DEFAULT_MAX_INPUT_BYTES)]
    max_input_bytes: u64,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the engine and data versions.
    Version,
    /// Simulate policies like `aws iam simulate-custom-policy`, with explanations.
    ///
    /// Reads the JSON that `aws iam simulate-custom-policy --cli-input-json` takes (plus
    /// `OrderedOrganizationPolicyInputList`, `OrderedResourceControlPolicyInputList`,
    /// `SessionPolicyInputList` and `VpcEndpoint` {VpcEndpointId, PolicyDocument}) and prints
    /// AWS's response shape with an `Explanation` in each result.
    SimulateCustomPolicy {
        /// The request: a path, `file://path`, or `-` for standard input.
        #[arg(
            long = "cli-input-json",
            value_name = "FILE",
            required_unless_present = "batch"
        )]
        cli_input_json: Option<String>,
        /// Read one request per line on standard input and write one response per line.
        #[arg(long)]
        batch: bool,
    },
    /// Validate policies like IAM Access Analyzer: errors, security warnings, warnings and
    /// suggestions, with the offending line underlined (or `--format json`, `--format sarif`).
    ///
    /// Takes policy files, CloudFormation templates, authorization details, Terraform (`.tf`
    /// files, plan or state JSON) and scenario files, and directories of them, and validates
    /// every policy inside each with its own type. Exit status 0 when no finding is an error,
    /// 1 when one is, 2 when an input cannot be read.
    Validate(validate::ValidateArgs),
    /// Turn a scenario file into a share link (or, with `--embed`, an iframe snippet).
    Share(share::ShareArgs),
    /// Print the scenario a share link holds, as scenario JSON.
    Open(share::OpenArgs),
    /// Export a scenario as a CloudFormation template (YAML or JSON) or a Terraform
    /// configuration (HCL).
    Export(export::ExportArgs),
    /// Turn a CloudFormation template (YAML or JSON), the output of `aws iam
    /// get-account-authorization-details`, Terraform (`terraform show -json` of a plan or the
    /// state, or `.tf` files: a directory or several files) into a scenario file.
    ///
    /// Prints the scenario JSON on standard output; what the scenario cannot hold (and the
    /// assumptions made, such as the account id) goes to standard error, with line numbers.
    Import(import::ImportArgs),
    /// Simulate a user or role of a scenario like `aws iam simulate-principal-policy`.
    ///
    /// Prints AWS's response shape (`EvaluationResults`, one per action and resource) with an
    /// `Explanation` in each result, exactly as `simulate-custom-policy` does.
    SimulatePrincipalPolicy(principal::PrincipalPolicyArgs),
    /// Run a scenario's saved tests: one line per test (or JUnit XML with `--format junit`),
    /// exit status 1 if any fails.
    Test(saved_tests::TestArgs),
    /// Explain an AccessDenied error: rebuild the request from the message (or a CloudTrail
    /// event), name the policy layer that denies it and, with `--scenario`, propose a fix
    /// verified by simulating again.
    ExplainDenied(explain::ExplainArgs),
    /// Every principal of a scenario allowed an action on a resource, with the deciding
    /// statements, the context it depends on and the guardrails that deny it.
    WhoCan(analysis::WhoCanArgs),
    /// A principal's effective permissions over the action catalog, by service and access
    /// level, with what SCPs, RCPs and the permissions boundary remove, and one synthesized
    /// policy that allows exactly the same actions (`--policy`).
    WhatCan(analysis::WhatCanArgs),
    /// Every path by which a principal that is not admin-equivalent reaches admin-equivalent
    /// access, hop by hop (`--fail-on admin` exits 1 when there is one).
    Escalation(analysis::EscalationArgs),
    /// What a change grants or takes away: two scenarios, CloudFormation templates or
    /// authorization-details files (or, with `--policy-type`, two versions of one policy
    /// document), compared per principal, service, access level, action and resource, each
    /// difference with a witness request decided on both sides (`--fail-on` exits 1).
    Diff(diff::DiffArgs),
    /// The truth table of an SCP or RCP: the guardrail's decision alone (passes, explicit
    /// deny, not allowed) for every region of the context keys it reads, per action set, with
    /// "any" where a value does not matter.
    GuardrailTable(guardrail::GuardrailArgs),
    /// Serve the playground to AI agents over the Model Context Protocol on standard input and
    /// output: tools simulate_custom_policy, explain_decision, validate_policy,
    /// simulate_scenario, who_can, what_can, escalation, explain_denied and diff, each
    /// answering the JSON of the matching command.
    Mcp,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    io::set_max_input_bytes(cli.max_input_bytes);
    match cli.command {
        Some(Command::Version) => {
            io::outln(&format!("iam-playground {}", iam_engine::VERSION));
            // The embedded catalog's header names its source and date; a damaged asset is
            // reported rather than hidden.
            match iam_engine::catalog::Catalog::parse(CATALOG) {
                Ok(catalog) => {
                    let h = catalog.header();
                    io::outln(&format!(
                        "AWS data: {} {} of {} ({}), {} services, {} actions",
                        h.source,
                        h.source_version,
                        h.data_date,
                        h.licence,
                        h.counts.services,
                        h.counts.actions
                    ));
                }
                Err(err) => io::outln(&format!("AWS data: unusable ({err})")),
            }
            ExitCode::SUCCESS
        }
        Some(Command::SimulateCustomPolicy {
            cli_input_json,
            batch,
        }) => {
            if batch {
                run_batch()
            } else {
                run_single(cli_input_json.as_deref().unwrap_or("-"))
            }
        }
        Some(Command::Validate(args)) => validate::run(args),
        Some(Command::Share(args)) => share::run_share(args),
        Some(Command::Open(args)) => share::run_open(args),
        Some(Command::Export(args)) => export::run(args),
        Some(Command::Import(args)) => import::run(args),
        Some(Command::SimulatePrincipalPolicy(args)) => principal::run(args),
        Some(Command::Test(args)) => saved_tests::run(args),
        Some(Command::ExplainDenied(args)) => explain::run(args),
        Some(Command::WhoCan(args)) => analysis::run_who_can(args),
        Some(Command::WhatCan(args)) => analysis::run_what_can(args),
        Some(Command::Escalation(args)) => analysis::run_escalation(args),
        Some(Command::Diff(args)) => diff::run(args),
        Some(Command::GuardrailTable(args)) => guardrail::run(args),
        Some(Command::Mcp) => mcp::run(),
        None => {
            // Without a subcommand, show the help rather than doing nothing silently.
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            if cmd.print_help().is_err() {
                return ExitCode::from(2);
            }
            io::outln("");
            ExitCode::SUCCESS
        }
    }
}

/// Reads an input file: a path, `file://path` or `-`, capped and without a byte-order mark
/// (see [`io::read_input`]).
pub(crate) fn read_input(source: &str) -> Result<String, String> {
    io::read_input(source)
}

/// Parses and simulates one request, returning the response as one line of JSON.
fn simulate_text(text: &str) -> Result<String, String> {
    let input: SimulateCustomPolicyInput =
        serde_json::from_str(text).map_err(|e| io::short(&format!("invalid input JSON: {e}")))?;
    let output = simulate(&input).map_err(|e| io::short(&format!("invalid input: {e}")))?;
    serde_json::to_string(&output).map_err(|e| format!("cannot write the response: {e}"))
}

fn run_single(source: &str) -> ExitCode {
    let text = match read_input(source) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    let input: SimulateCustomPolicyInput = match serde_json::from_str(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!(
                "iam-playground: {}",
                io::short(&format!("invalid input JSON: {e}"))
            );
            return ExitCode::from(2);
        }
    };
    let output = match simulate(&input) {
        Ok(o) => o,
        Err(e) => {
            eprintln!(
                "iam-playground: {}",
                io::short(&format!("invalid input: {e}"))
            );
            return ExitCode::from(2);
        }
    };
    match serde_json::to_string_pretty(&output) {
        Ok(json) => {
            io::outln(&json);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("iam-playground: cannot write the response: {e}");
            ExitCode::from(2)
        }
    }
}

/// One request per line in, one response per line out. A bad line gets an error on stderr
/// (with its line number) and a `{"Error": ...}` line on stdout, so outputs stay aligned with
/// inputs; the exit status is 2 if any line was bad, or if there was no request at all.
fn run_batch() -> ExitCode {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut failed = false;
    let mut requests = 0usize;
    for n in 0.. {
        let line = match io::read_line(&mut input) {
            Ok(Some(l)) => l,
            Ok(None) => break,
            Err(e) => {
                eprintln!("iam-playground: line {}: {e}", n + 1);
                return ExitCode::from(2);
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        requests += 1;
        let response = match simulate_text(&line) {
            Ok(json) => json,
            Err(e) => {
                failed = true;
                eprintln!("iam-playground: line {}: {e}", n + 1);
                serde_json::json!({ "Error": e }).to_string()
            }
        };
        io::outln(&response);
        if io::stdout_closed() {
            break;
        }
    }
    if requests == 0 {
        eprintln!(
            "iam-playground: --batch read no requests: standard input held no line with a request (one JSON request per line)"
        );
        return ExitCode::from(2);
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
