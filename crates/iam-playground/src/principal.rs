//! `iam-playground simulate-principal-policy`: AWS's `simulate-principal-policy` over a
//! scenario file, answered by the engine's workbench facade, and the scenario helpers the
//! scenario-reading commands share (reading the file, the AWS-managed policies).

use std::process::ExitCode;

use clap::Args;
use iam_engine::catalog::ManagedPolicies;
use iam_engine::context::{ContextEntry, ContextKeyType};
use iam_engine::scenario::Scenario;
use iam_engine::workbench::principal_policy::PrincipalPolicyInput;
use iam_engine::workbench::{CompileCache, Workbench};

/// The committed AWS-managed policies, the same file the web app fetches, embedded so a
/// scenario that attaches AWS-managed policies is simulated with them.
const MANAGED: &str = include_str!("../../../static/data/managed-policies.txt");

/// Arguments of `simulate-principal-policy`.
#[derive(Debug, Args)]
pub struct PrincipalPolicyArgs {
    /// The scenario file (JSON), or `-` for standard input.
    #[arg(long, value_name = "FILE")]
    scenario: String,
    /// The ARN of the user or role of the scenario to simulate (or the account's root user).
    #[arg(long = "policy-source-arn", value_name = "ARN")]
    policy_source_arn: String,
    /// The actions to simulate, e.g. `s3:GetObject iam:CreateUser`.
    #[arg(long = "action-names", value_name = "ACTION", num_args = 1.., required = true)]
    action_names: Vec<String>,
    /// The resources to simulate each action on (default `*`).
    #[arg(long = "resource-arns", value_name = "ARN", num_args = 1..)]
    resource_arns: Vec<String>,
    /// Context keys, in AWS's shorthand
    /// (`ContextKeyName=aws:SourceIp,ContextKeyValues=203.0.113.7,ContextKeyType=ip`, one
    /// entry per value) or as JSON (a list of `{"ContextKeyName", "ContextKeyValues",
    /// "ContextKeyType"}` objects, inline or as `file://PATH`).
    #[arg(long = "context-entries", value_name = "ENTRY", num_args = 1..)]
    context_entries: Vec<String>,
}

/// Reads a scenario file (or standard input for `-`); the error names the file and the place.
pub fn read_scenario(path: &str) -> Result<Scenario, String> {
    // The same capped, byte-order-mark-tolerant reading as every other command.
    let text = crate::io::read_input(path)?;
    Scenario::from_json(&text).map_err(|err| {
        let at = match (err.line, err.column) {
            (Some(line), Some(column)) => format!(":{line}:{column}"),
            (Some(line), None) => format!(":{line}"),
            _ => String::new(),
        };
        format!("{path}{at}: {}", err.message)
    })
}

/// The embedded AWS-managed policies (`None`, said on standard error, if the asset is
/// damaged: those policies are then left out of every evaluation, and each result says so).
pub fn managed_policies() -> Option<ManagedPolicies> {
    match ManagedPolicies::parse(MANAGED) {
        Ok(m) => Some(m),
        Err(e) => {
            eprintln!("iam-playground: the embedded AWS-managed policies are unusable ({e})");
            None
        }
    }
}

/// Reads one `--context-entries` argument: JSON (inline or `file://PATH`) or AWS's shorthand.
pub fn parse_context_entries(arg: &str) -> Result<Vec<ContextEntry>, String> {
    let arg = arg.trim();
    let json = match arg.strip_prefix("file://") {
        Some(_) => Some(crate::io::read_input(arg)?),
        None if arg.starts_with('[') || arg.starts_with('{') => Some(arg.to_string()),
        None => None,
    };
    if let Some(json) = json {
        let json = json.trim();
        return if json.starts_with('{') {
            serde_json::from_str::<ContextEntry>(json).map(|e| vec![e])
        } else {
            serde_json::from_str::<Vec<ContextEntry>>(json)
        }
        .map_err(|e| format!("invalid --context-entries JSON: {e}"));
    }
    shorthand(arg).map(|e| vec![e])
}

/// AWS's shorthand for one entry: `ContextKeyName=K,ContextKeyValues=V1,V2,ContextKeyType=T`
/// (the values may also be written `[V1,V2]`). A part without a known `Name=` continues the
/// values.
fn shorthand(arg: &str) -> Result<ContextEntry, String> {
    let mut key: Option<String> = None;
    let mut values: Vec<String> = Vec::new();
    let mut ty: Option<String> = None;
    let mut in_values = false;
    for part in arg.split(',') {
        let named = part
            .split_once('=')
            .filter(|(n, _)| {
                matches!(
                    n.trim(),
                    "ContextKeyName" | "ContextKeyValues" | "ContextKeyType"
                )
            })
            .map(|(n, v)| (n.trim(), v));
        match named {
            Some(("ContextKeyName", v)) => {
                key = Some(v.trim().to_string());
                in_values = false;
            }
            Some(("ContextKeyType", v)) => {
                ty = Some(v.trim().to_string());
                in_values = false;
            }
            Some((_, v)) => {
                in_values = true;
                values.push(v.to_string());
            }
            None if in_values => values.push(part.to_string()),
            None => {
                return Err(format!(
                    "--context-entries: \"{part}\" is not ContextKeyName=…, ContextKeyValues=… or ContextKeyType=…"
                ));
            }
        }
    }
    let key = key
        .filter(|k| !k.is_empty())
        .ok_or_else(|| format!("--context-entries: \"{arg}\" has no ContextKeyName"))?;
    let ty_name = ty.ok_or_else(|| format!("--context-entries: {key} has no ContextKeyType"))?;
    let ty = ContextKeyType::parse(&ty_name).ok_or_else(|| {
        format!("--context-entries: {key}: \"{ty_name}\" is not one of AWS's ContextKeyType names (string, stringList, numeric, boolean, ip, date, …)")
    })?;
    // `[a,b]` lists: the brackets belong to the list, not to the first and last value.
    if let Some(first) = values.first_mut()
        && let Some(rest) = first.strip_prefix('[')
    {
        *first = rest.to_string();
    }
    if let Some(last) = values.last_mut()
        && let Some(rest) = last.strip_suffix(']')
    {
        *last = rest.to_string();
    }
    Ok(ContextEntry::new(key, ty, values))
}

/// `iam-playground simulate-principal-policy`.
pub fn run(args: PrincipalPolicyArgs) -> ExitCode {
    let scenario = match read_scenario(&args.scenario) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("iam-playground: {e}");
            return ExitCode::from(2);
        }
    };
    let mut context_entries = Vec::new();
    for arg in &args.context_entries {
        match parse_context_entries(arg) {
            Ok(entries) => context_entries.extend(entries),
            Err(e) => {
                eprintln!("iam-playground: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let managed = managed_policies();
    let cache = CompileCache::new();
    let workbench = Workbench::new(&scenario, &cache).with_managed(managed.as_ref());
    let input = PrincipalPolicyInput {
        policy_source_arn: args.policy_source_arn,
        action_names: args.action_names,
        resource_arns: args.resource_arns,
        context_entries,
    };
    let output = match workbench.simulate_principal_policy(&input) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("iam-playground: {}", e.message);
            return ExitCode::from(2);
        }
    };
    match serde_json::to_string_pretty(&output) {
        Ok(json) => {
            crate::io::outln(&json);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("iam-playground: cannot write the response: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn shorthand_and_json_entries_read_alike() {
        let short = parse_context_entries(
            "ContextKeyName=aws:PrincipalTag/team,ContextKeyValues=a,b,ContextKeyType=stringList",
        )
        .unwrap();
        let bracketed = parse_context_entries(
            "ContextKeyName=aws:PrincipalTag/team,ContextKeyValues=[a,b],ContextKeyType=stringList",
        )
        .unwrap();
        let json = parse_context_entries(
            r#"[{"ContextKeyName":"aws:PrincipalTag/team","ContextKeyValues":["a","b"],"ContextKeyType":"stringList"}]"#,
        )
        .unwrap();
        assert_eq!(short, json);
        assert_eq!(bracketed, json);
        assert_eq!(json[0].values, vec!["a", "b"]);
    }

    #[test]
    fn bad_entries_say_what_is_wrong() {
        for (arg, says) in [
            (
                "ContextKeyValues=x,ContextKeyType=string",
                "no ContextKeyName",
            ),
            ("ContextKeyName=k,ContextKeyValues=x", "no ContextKeyType"),
            ("ContextKeyName=k,ContextKeyType=text", "not one of AWS's"),
            ("Key=k", "is not ContextKeyName"),
            (
                "[{\"ContextKeyName\": 1}]",
                "invalid --context-entries JSON",
            ),
        ] {
            let err = parse_context_entries(arg).unwrap_err();
            assert!(err.contains(says), "{arg}: {err}");
        }
    }
}
