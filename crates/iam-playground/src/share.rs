//! `share` and `open`: scenario files to share links and iframe snippets, and back.
//!
//! Documentation authors keep scenarios as JSON files and generate the links in their own CI:
//! `iam-playground share scenario.json --base-url https://docs.example.com/playground/` prints
//! the link, `--embed` the iframe snippet, and `iam-playground open LINK` prints the scenario.

use std::process::ExitCode;

use clap::Args;
use iam_engine::catalog::Catalog;
use iam_engine::scenario::{FORMAT_VERSION, Scenario};
use iam_engine::share::{self, EmbedOptions, SharePayload, Theme, ViewState};

use crate::CATALOG;

/// Where the playground is served when no `--base-url` is given: the local `scripts/serve.sh`.
const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8080/";

/// Arguments of `share`.
#[derive(Debug, Args)]
pub struct ShareArgs {
    /// The scenario file (the playground's scenario JSON), or `-` for standard input.
    #[arg(value_name = "SCENARIO")]
    scenario: String,
    /// The address the playground is served from.
    #[arg(long, value_name = "URL", default_value = DEFAULT_BASE_URL)]
    base_url: String,
    /// Print an `<iframe>` snippet for a documentation page instead of the link.
    #[arg(long)]
    embed: bool,
    /// The single view an embed shows: a compact one (`decision`, `try`, `tests`, `canvas`,
    /// `findings`) or a whole one (`policy`, `simulate`, `export`).
    #[arg(long, value_name = "VIEW")]
    view: Option<String>,
    /// For `--view try`: the policy text to show, named in words as the playground names it
    /// (for example "customer-managed policy ReadLogs").
    #[arg(long, value_name = "NAME")]
    policy: Option<String>,
    /// The request's principal (`user/alice`, `role/deploy`, `root`, an ARN).
    #[arg(long, value_name = "PRINCIPAL")]
    principal: Option<String>,
    /// The request's action, such as `s3:GetObject`.
    #[arg(long, value_name = "ACTION")]
    action: Option<String>,
    /// The request's resource, usually an ARN.
    #[arg(long, value_name = "RESOURCE")]
    resource: Option<String>,
    /// Make the embed read-only.
    #[arg(long)]
    readonly: bool,
    /// The embed's colour theme: auto, light or dark.
    #[arg(long, value_name = "THEME", default_value = "auto")]
    theme: String,
}

/// Arguments of `open`.
#[derive(Debug, Args)]
pub struct OpenArgs {
    /// A share link (a whole URL, or the part from `#s=`), or `-` to read it from standard input.
    #[arg(value_name = "LINK")]
    link: String,
}

/// The data version links record: the embedded catalog's data date.
fn data_version() -> String {
    Catalog::parse(CATALOG)
        .map(|c| c.header().data_date.clone())
        .unwrap_or_default()
}

/// `:LINE:COLUMN` when the position is known.
fn at(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}

/// `iam-playground share`.
pub fn run_share(args: ShareArgs) -> ExitCode {
    let theme = match args.theme.as_str() {
        "auto" => Theme::Auto,
        "light" => Theme::Light,
        "dark" => Theme::Dark,
        other => {
            eprintln!("error: --theme must be auto, light or dark, not {other:?}");
            return ExitCode::from(2);
        }
    };
    let text = match crate::read_input(&args.scenario) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    // The scenario is checked and written compactly: a link carries the scenario, not the
    // file's formatting (policy documents inside keep theirs).
    let scenario = match Scenario::from_json(&text) {
        Ok(scenario) => scenario,
        Err(err) => {
            eprintln!(
                "error: {}{}: {}",
                args.scenario,
                at(err.line, err.column),
                err.message
            );
            return ExitCode::from(2);
        }
    };
    if let Err(message) = share::EmbedView::from_param(args.view.as_deref()) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    if let Some(policy) = &args.policy
        && scenario.policy_text_named(policy).is_none()
    {
        let names: Vec<String> = scenario.policy_texts().iter().map(|p| p.name()).collect();
        eprintln!(
            "error: the scenario has no policy named {policy:?}; its policies are: {}",
            names.join("; ")
        );
        return ExitCode::from(2);
    }
    let mut payload = SharePayload::new(scenario.to_json(), FORMAT_VERSION, data_version());
    let state = ViewState {
        view: args.view.clone(),
        principal: args.principal.clone(),
        action: args.action.clone(),
        resource: args.resource.clone(),
    };
    if state != ViewState::default() {
        payload = payload.with_view(state);
    }
    let data = match share::encode(&payload) {
        Ok(data) => data,
        Err(err) => {
            eprintln!("error: {}", err.message());
            return ExitCode::from(2);
        }
    };
    if args.embed {
        let options = EmbedOptions {
            view: args.view,
            policy: args.policy,
            readonly: args.readonly,
            theme,
            ..EmbedOptions::default()
        };
        crate::io::outln(&share::embed_snippet(&args.base_url, &data, &options));
    } else {
        crate::io::outln(&share::share_url(&args.base_url, &data));
    }
    ExitCode::SUCCESS
}

/// `iam-playground open`.
pub fn run_open(args: OpenArgs) -> ExitCode {
    let link = if args.link == "-" {
        match crate::read_input("-") {
            Ok(text) => text,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
    } else {
        args.link.clone()
    };
    let payload = match share::decode(&link) {
        Ok(payload) => payload,
        Err(err) => {
            eprintln!("error: {}", err.message());
            return ExitCode::from(2);
        }
    };
    if let Some(message) = payload.compat(FORMAT_VERSION, &data_version()).message() {
        eprintln!("note: {message}");
    }
    match Scenario::from_json(&payload.scenario) {
        Ok(scenario) => {
            crate::io::outln(&scenario.to_json_pretty());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!(
                "error: the link's scenario is not usable (at{}: {})",
                at(err.line, err.column),
                err.message
            );
            ExitCode::from(2)
        }
    }
}
