//! `iam-playground mcp`: the playground as a Model Context Protocol server on standard input
//! and output, for AI agents (the official Rust SDK, `rmcp`).
//!
//! Every tool is a thin layer over what a subcommand does, and answers with the same JSON the
//! subcommand prints with `--json` (as structured content, and as text for clients that read
//! only text):
//!
//! | tool | like |
//! | --- | --- |
//! | `simulate_custom_policy` | `simulate-custom-policy --cli-input-json` (AWS's input shape) |
//! | `explain_decision` | one request of it, its explanation in words |
//! | `validate_policy` | `validate --json -` |
//! | `simulate_scenario` | `simulate-principal-policy` |
//! | `who_can` | `who-can --json` |
//! | `what_can` | `what-can --json` |
//! | `escalation` | `escalation --json [--fix]` |
//! | `explain_denied` | `explain-denied --json` |
//! | `diff` | `diff --json` of two scenarios |
//! | `diff_policies` | `diff --json --policy-type TYPE` of two versions of one policy document |
//!
//! A scenario (a scenario file, a CloudFormation template or authorization details, read as
//! `import` reads them) is given as its text (`scenario`) or as a path (`scenario_path`),
//! relative to the server's working directory; a path that leads outside that directory is
//! refused, so a client can only make the server read the project it was started in. Input is
//! capped as for every command (`--max-input-bytes`).
//!
//! Whatever is wrong with a request (arguments of the wrong shape, a policy that is not JSON,
//! with the line and column, a principal the scenario does not have) comes back as a tool
//! result with `isError: true` and the message, never as a protocol error or a crash.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use iam_engine::context::ContextEntry;
use iam_engine::denied::parse_denied;
use iam_engine::policy::PolicyType;
use iam_engine::scenario::{ContextValue, Scenario};
use iam_engine::simulate::{SimulateCustomPolicyInput, SimulateCustomPolicyOutput, simulate};
use iam_engine::span::LineIndex;
use iam_engine::workbench::explain::advice_from_claim;
use iam_engine::workbench::principal_policy::PrincipalPolicyInput;
use iam_engine::workbench::{CompileCache, Workbench, evaluation_words};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::validate::PolicyKind;

/// A tool's arguments, read after the call arrived: arguments of the wrong shape become the
/// tool's error (with serde's message) instead of a protocol error, and the published schema
/// is `T`'s.
#[derive(Debug)]
pub(crate) struct Args<T>(Result<T, String>);

impl<T: JsonSchema> JsonSchema for Args<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Args<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(Args(serde_json::from_value(value).map_err(|e| {
            crate::io::short(&format!("invalid arguments: {e}"))
        })))
    }
}

/// Where a scenario comes from: its text, or a file under the working directory.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScenarioSource {
    /// The scenario itself, as text: a scenario file (JSON), a CloudFormation template (YAML
    /// or JSON) or the output of `aws iam get-account-authorization-details`.
    #[serde(default)]
    scenario: Option<String>,
    /// Instead of `scenario`: the path of such a file, relative to the server's working
    /// directory (paths leading outside it are refused).
    #[serde(default)]
    scenario_path: Option<String>,
}

/// `validate_policy`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ValidateRequest {
    /// The policy document (JSON text); a CloudFormation template, authorization details or a
    /// scenario file is also accepted, and every policy inside it validated.
    policy_document: String,
    /// What kind of policy the document is (default `identity`).
    #[serde(default)]
    policy_type: Option<PolicyKind>,
}

/// `simulate_scenario`'s arguments (those of `aws iam simulate-principal-policy`, over a
/// scenario).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScenarioSimulateRequest {
    #[serde(flatten)]
    source: ScenarioSource,
    /// The ARN of the scenario's user or role to simulate (or the account's root user).
    policy_source_arn: String,
    /// The actions to simulate, e.g. `s3:GetObject`.
    action_names: Vec<String>,
    /// The resources to simulate each action on (default `*`).
    #[serde(default)]
    resource_arns: Vec<String>,
    /// Context keys and values, in AWS's `ContextEntry` shape.
    #[serde(default)]
    context_entries: Vec<ContextEntry>,
}

/// `who_can`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WhoCanRequest {
    #[serde(flatten)]
    source: ScenarioSource,
    /// The actions: an action, a wildcard pattern (`s3:Delete*`) or a service and access
    /// level (`s3:Write`, `iam:PermissionsManagement`).
    actions: Vec<String>,
    /// The resource ARN (default `*`).
    #[serde(default)]
    resource: Option<String>,
}

/// `what_can`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WhatCanRequest {
    #[serde(flatten)]
    source: ScenarioSource,
    /// The principal: `root`, `user/NAME`, `role/NAME`, or the ARN of the scenario's user or
    /// role.
    principal: String,
    /// The resource the actions are decided on (default `*`).
    #[serde(default)]
    resource: Option<String>,
    /// Context keys and values, in AWS's `ContextEntry` shape.
    #[serde(default)]
    context_entries: Vec<ContextEntry>,
}

/// `escalation`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EscalationRequest {
    #[serde(flatten)]
    source: ScenarioSource,
    /// Also find each path's smallest verified fix (slower: every candidate edit is checked
    /// with a whole analysis).
    #[serde(default)]
    fix: bool,
}

/// `explain_denied`'s arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExplainDeniedRequest {
    /// The AccessDenied message, the output of `aws sts decode-authorization-message`, or a
    /// CloudTrail event (JSON text).
    message: String,
    /// The scenario to simulate the request in (text), for the denying layer and a verified
    /// fix; without one the request and AWS's reason are explained from the message alone.
    #[serde(default)]
    scenario: Option<String>,
    /// Instead of `scenario`: a path under the server's working directory.
    #[serde(default)]
    scenario_path: Option<String>,
}

/// `diff`'s arguments: two versions of an account.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiffRequest {
    /// The version before the change (text): a scenario file, CloudFormation template or
    /// authorization details.
    #[serde(default)]
    before: Option<String>,
    /// The version after the change, of the same kinds.
    #[serde(default)]
    after: Option<String>,
    /// Instead of `before`: a path under the server's working directory.
    #[serde(default)]
    before_path: Option<String>,
    /// Instead of `after`: a path under the server's working directory.
    #[serde(default)]
    after_path: Option<String>,
}

/// `diff_policies`'s arguments: two versions of one policy document.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiffPoliciesRequest {
    /// The policy document before the change (JSON text).
    before: String,
    /// The policy document after the change (JSON text).
    after: String,
    /// What kind of policy both versions are (default `identity`); `vpc-endpoint` is not
    /// compared yet (compare two scenarios that hold the endpoint with `diff`).
    #[serde(default)]
    policy_type: Option<PolicyKind>,
}

/// A tool's answer: `value` as structured content and as its JSON text.
fn answer(value: Value) -> CallToolResult {
    CallToolResult::structured(value)
}

/// Serializes an engine answer.
fn to_value<T: serde::Serialize>(value: &T) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|e| format!("cannot write the answer: {e}"))
}

/// The errors of the input policies, one "id:line:column: message (code)" line each: AWS's
/// `SimulateCustomPolicy` refuses such a request (`MalformedPolicyDocument`), so the tools
/// answer it as an error too, with the simulation (and every diagnostic) still attached.
fn policy_errors(
    input: &SimulateCustomPolicyInput,
    output: &SimulateCustomPolicyOutput,
) -> Vec<String> {
    let mut lines = Vec::new();
    for policy in &output.policy_diagnostics {
        let index = input
            .policy_text(&policy.source_policy_id)
            .map(LineIndex::new);
        for d in policy.diagnostics.iter().filter(|d| d.is_error()) {
            let at = index.as_ref().map_or(String::new(), |i| {
                let lc = i.line_col(d.span.start);
                format!(":{}:{}", lc.line, lc.column)
            });
            lines.push(crate::io::short(&format!(
                "{}{at}: {} ({})",
                policy.source_policy_id, d.message, d.code
            )));
        }
    }
    lines
}

/// The simulation of `input`, or the tool's error: the input is unusable, or a policy is
/// malformed (then the error carries the whole answer as structured content).
fn simulate_checked(
    input: &SimulateCustomPolicyInput,
) -> Result<Result<SimulateCustomPolicyOutput, CallToolResult>, String> {
    let output = simulate(input).map_err(|e| crate::io::short(&format!("invalid input: {e}")))?;
    let errors = policy_errors(input, &output);
    if errors.is_empty() {
        return Ok(Ok(output));
    }
    let mut result = CallToolResult::structured_error(to_value(&output)?);
    let message = format!("MalformedPolicyDocument: {}", errors.join("; "));
    result.content.insert(0, ContentBlock::text(message));
    Ok(Err(result))
}

/// Reads `path`, which must lead to a file inside the working directory.
fn read_inside_cwd(path: &str) -> Result<String, String> {
    let cwd = std::env::current_dir()
        .and_then(|d| d.canonicalize())
        .map_err(|e| format!("cannot read the working directory: {e}"))?;
    let full: PathBuf = cwd.join(Path::new(path));
    let real = full
        .canonicalize()
        .map_err(|e| format!("cannot read {path}: {e}"))?;
    if !real.starts_with(&cwd) {
        return Err(format!(
            "{path} is outside the server's working directory; give the file's text instead"
        ));
    }
    // The same capped, byte-order-mark-tolerant reading as every command.
    crate::io::read_input(&real.to_string_lossy())
}

/// The text of a scenario given as `text` or `path` (exactly one), and the name errors use.
fn scenario_text(
    text: Option<String>,
    path: Option<String>,
    what: &str,
) -> Result<(String, String), String> {
    match (text, path) {
        (Some(t), None) => Ok((t, format!("<{what}>"))),
        (None, Some(p)) => Ok((read_inside_cwd(&p)?, p)),
        (Some(_), Some(_)) => Err(format!("give {what} or {what}_path, not both")),
        (None, None) => Err(format!("give {what} (the text) or {what}_path")),
    }
}

/// The scenario a tool's arguments name, read as `import` reads it.
fn load_scenario(
    text: Option<String>,
    path: Option<String>,
    what: &str,
) -> Result<(Scenario, Vec<String>), String> {
    let (text, name) = scenario_text(text, path, what)?;
    crate::analysis::load_text(&text, &name)
}

impl ScenarioSource {
    /// The scenario it gives (see [`load_scenario`]), with the import's notes.
    fn load(self) -> Result<(Scenario, Vec<String>), String> {
        load_scenario(self.scenario, self.scenario_path, "scenario")
    }
}

/// The playground's MCP server.
#[derive(Debug, Clone)]
pub(crate) struct Playground {
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl Playground {
    pub(crate) fn new() -> Self {
        Self {
            tool_router: Self::tool_router(),
        }
    }

    /// `simulate_custom_policy`.
    #[tool(
        description = "Simulate IAM policies offline, like `aws iam simulate-custom-policy`: takes AWS's request (PolicyInputList, ActionNames, ResourceArns, ContextEntries, PermissionsBoundaryPolicyInputList, ResourcePolicy, CallerArn, ...) and answers AWS's response shape (EvaluationResults with EvalDecision allowed, explicitDeny or implicitDeny), each result with the playground's Explanation."
    )]
    pub(crate) fn simulate_custom_policy(
        &self,
        Parameters(Args(input)): Parameters<Args<SimulateCustomPolicyInput>>,
    ) -> Result<CallToolResult, String> {
        let output = match simulate_checked(&input?)? {
            Ok(output) => output,
            Err(malformed) => return Ok(malformed),
        };
        Ok(answer(to_value(&output)?))
    }

    /// `explain_decision`.
    #[tool(
        description = "Explain in words why AWS would allow or deny one request: the same input as simulate_custom_policy with one action and at most one resource; answers the decision, the evaluation chain, the deciding statements and, for an implicit deny, each statement that nearly allowed it and why it did not."
    )]
    pub(crate) fn explain_decision(
        &self,
        Parameters(Args(input)): Parameters<Args<SimulateCustomPolicyInput>>,
    ) -> Result<CallToolResult, String> {
        let input = input?;
        if input.action_names.len() != 1 || input.resource_arns.len() > 1 {
            return Err(format!(
                "explain_decision explains one request: give one action and at most one resource (this request has {} actions and {} resources; simulate_custom_policy answers several)",
                input.action_names.len(),
                input.resource_arns.len()
            ));
        }
        let output = match simulate_checked(&input)? {
            Ok(output) => output,
            Err(malformed) => return Ok(malformed),
        };
        let result = output
            .evaluation_results
            .first()
            .ok_or("the simulation gave no result")?;
        let words = evaluation_words(&result.explanation);
        let value = json!({
            "EvalActionName": result.eval_action_name,
            "EvalResourceName": result.eval_resource_name,
            "EvalDecision": result.eval_decision,
            "Words": words,
            "Explanation": to_value(&result.explanation)?,
        });
        let mut result = answer(value);
        // The words first, for a reader of text; the JSON after them.
        result.content.insert(0, ContentBlock::text(words));
        Ok(result)
    }

    /// `validate_policy`.
    #[tool(
        description = "Validate an IAM policy like IAM Access Analyzer's ValidatePolicy: errors, security warnings, warnings and suggestions, each with its code, message and start and end line and column in the document."
    )]
    pub(crate) fn validate_policy(
        &self,
        Parameters(Args(request)): Parameters<Args<ValidateRequest>>,
    ) -> Result<CallToolResult, String> {
        let request = request?;
        let policy_type = PolicyType::from(request.policy_type.unwrap_or(PolicyKind::Identity));
        let (value, _) =
            crate::validate::validate_text(&request.policy_document, "<policy>", policy_type)?;
        Ok(answer(value))
    }

    /// `simulate_scenario`.
    #[tool(
        description = "Simulate a user or role of a scenario (the playground's scenario file, a CloudFormation template or `aws iam get-account-authorization-details` output) like `aws iam simulate-principal-policy`: every policy that applies to the principal (groups, managed and inline policies, boundary, SCPs, RCPs, resource policies) is evaluated; answers EvaluationResults with explanations."
    )]
    pub(crate) fn simulate_scenario(
        &self,
        Parameters(Args(request)): Parameters<Args<ScenarioSimulateRequest>>,
    ) -> Result<CallToolResult, String> {
        let request = request?;
        let (scenario, skipped) = request.source.load()?;
        let managed = crate::principal::managed_policies();
        let cache = CompileCache::new();
        let workbench = Workbench::new(&scenario, &cache).with_managed(managed.as_ref());
        let output = workbench
            .simulate_principal_policy(&PrincipalPolicyInput {
                policy_source_arn: request.policy_source_arn,
                action_names: request.action_names,
                resource_arns: request.resource_arns,
                context_entries: request.context_entries,
            })
            .map_err(|e| e.message)?;
        let mut value = to_value(&output)?;
        if let (Some(map), false) = (value.as_object_mut(), skipped.is_empty()) {
            map.insert("Skipped".to_string(), json!(skipped));
        }
        Ok(answer(value))
    }

    /// `who_can`.
    #[tool(
        description = "Every principal of a scenario allowed an action on a resource (or allowed under a condition, or denied only by an SCP, RCP or boundary), with the deciding statements and who can reach each role through trust policies, like `iam-playground who-can --json`."
    )]
    pub(crate) fn who_can(
        &self,
        Parameters(Args(request)): Parameters<Args<WhoCanRequest>>,
    ) -> Result<CallToolResult, String> {
        let request = request?;
        let (scenario, _) = request.source.load()?;
        let resource = request.resource.unwrap_or_else(|| "*".to_string());
        let answer_value = crate::analysis::who_can(&scenario, &request.actions, &resource)
            .ok_or("actions names no action")?;
        Ok(answer(to_value(&answer_value)?))
    }

    /// `what_can`.
    #[tool(
        description = "A principal's effective permissions over every action of the catalog, by service and access level, with what SCPs, RCPs and boundaries remove, the actions allowed only under conditions, and one synthesized policy with exact wildcards, like `iam-playground what-can --json`."
    )]
    pub(crate) fn what_can(
        &self,
        Parameters(Args(request)): Parameters<Args<WhatCanRequest>>,
    ) -> Result<CallToolResult, String> {
        let request = request?;
        let (scenario, _) = request.source.load()?;
        let context = (request.context_entries.into_iter())
            .map(|e| ContextValue {
                key: e.key,
                ty: e.ty,
                values: e.values,
            })
            .collect();
        let resource = request.resource.unwrap_or_else(|| "*".to_string());
        let answer_value =
            crate::analysis::what_can(&scenario, &request.principal, &resource, context)?;
        Ok(answer(to_value(&answer_value)?))
    }

    /// `escalation`.
    #[tool(
        description = "Every privilege-escalation path to admin-equivalent access in a scenario, multi-hop, each hop a decision of the simulator with the statements that allow it and the catalog's description (DataDog's pathfinding.cloud), optionally with each path's smallest verified fix, like `iam-playground escalation --json`."
    )]
    pub(crate) fn escalation(
        &self,
        Parameters(Args(request)): Parameters<Args<EscalationRequest>>,
    ) -> Result<CallToolResult, String> {
        let request = request?;
        let (scenario, _) = request.source.load()?;
        let report = crate::analysis::escalation(&scenario, request.fix)?;
        Ok(answer(to_value(&report)?))
    }

    /// `explain_denied`.
    #[tool(
        description = "Explain an AccessDenied error: rebuild the request from the message (or a CloudTrail event, or a decoded authorization message); with a scenario, simulate it, name the policy layer that denies it and propose a fix verified by simulating again, like `iam-playground explain-denied --json`."
    )]
    pub(crate) fn explain_denied(
        &self,
        Parameters(Args(request)): Parameters<Args<ExplainDeniedRequest>>,
    ) -> Result<CallToolResult, String> {
        let request = request?;
        if request.scenario.is_none() && request.scenario_path.is_none() {
            let denied = parse_denied(&request.message).map_err(|e| format!("<message>:{e}"))?;
            let advice = advice_from_claim(&denied);
            return Ok(answer(json!({"denied": denied, "advice": advice})));
        }
        let (scenario, _) = load_scenario(request.scenario, request.scenario_path, "scenario")?;
        let catalog = iam_engine::catalog::Catalog::parse(crate::CATALOG).ok();
        let managed = crate::principal::managed_policies();
        let cache = CompileCache::new();
        let bench = Workbench::new(&scenario, &cache)
            .with_catalog(catalog.as_ref())
            .with_managed(managed.as_ref());
        let explanation = bench
            .explain_denied(&request.message, &crate::explain::now_iso())
            .map_err(|e| format!("<message>:{e}"))?;
        Ok(answer(to_value(&explanation)?))
    }

    /// `diff`.
    #[tool(
        description = "What a change to an account grants or takes away: two versions (scenario files, CloudFormation templates or authorization details) compared per principal, service, access level, action and resource, each difference with a witness request decided on both sides, like `iam-playground diff --json`."
    )]
    pub(crate) fn diff(
        &self,
        Parameters(Args(request)): Parameters<Args<DiffRequest>>,
    ) -> Result<CallToolResult, String> {
        let request = request?;
        let (before, _) = load_scenario(request.before, request.before_path, "before")?;
        let (after, _) = load_scenario(request.after, request.after_path, "after")?;
        let (value, _) = crate::diff::diff_scenarios(&before, &after)?;
        Ok(answer(value))
    }

    /// `diff_policies`.
    #[tool(
        description = "What a change to one policy document grants or takes away: the two versions (JSON strings) of an identity, resource (bucket, queue, topic, key), trust, boundary, SCP, RCP or session policy, placed in an account by type and compared over the action catalog, resource regions and context regions; answers the verdict (equivalent, morePermissive, lessPermissive, incomparable) with a witness request per direction decided on both sides, and every group of differences, like `iam-playground diff --json --policy-type TYPE`."
    )]
    pub(crate) fn diff_policies(
        &self,
        Parameters(Args(request)): Parameters<Args<DiffPoliciesRequest>>,
    ) -> Result<CallToolResult, String> {
        let request = request?;
        let policy_type = PolicyType::from(request.policy_type.unwrap_or(PolicyKind::Identity));
        let catalog = iam_engine::catalog::Catalog::parse(crate::CATALOG)
            .map_err(|e| format!("the embedded action catalog is unusable ({e})"))?;
        let managed = crate::principal::managed_policies();
        let cache = CompileCache::new();
        let diff = crate::diff::compare_documents(
            [&request.before, &request.after],
            ["<before>", "<after>"],
            policy_type,
            &catalog,
            managed.as_ref(),
            &cache,
        )?;
        Ok(answer(to_value(&diff)?))
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Playground {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("iam-playground", iam_engine::VERSION))
            .with_instructions(
                "An offline AWS IAM policy simulator and validator: no credentials, nothing leaves the machine. Policies are JSON documents passed as strings, as AWS's APIs take them.",
            )
    }
}

/// Runs the server until the client closes standard input.
pub fn run() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("iam-playground: cannot start the MCP server: {e}");
            return ExitCode::from(2);
        }
    };
    let served = runtime.block_on(async {
        let service = Playground::new()
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| e.to_string())?;
        service.waiting().await.map_err(|e| e.to_string())
    });
    match served {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("iam-playground: the MCP session ended with an error: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    const ALLOW: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

    fn args<T: DeserializeOwned>(value: Value) -> Parameters<Args<T>> {
        Parameters(serde_json::from_value(value).unwrap())
    }

    fn text(result: &CallToolResult) -> String {
        result
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.clone()))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_tools_are_listed_with_object_schemas() {
        let tools = Playground::new().tool_router.list_all();
        let mut names: Vec<_> = tools.iter().map(|t| t.name.to_string()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "diff",
                "diff_policies",
                "escalation",
                "explain_decision",
                "explain_denied",
                "simulate_custom_policy",
                "simulate_scenario",
                "validate_policy",
                "what_can",
                "who_can"
            ]
        );
        let simulate = tools
            .iter()
            .find(|t| t.name == "simulate_custom_policy")
            .unwrap();
        let props = simulate.input_schema.get("properties").unwrap();
        assert!(props.get("PolicyInputList").is_some(), "{props}");
        assert!(props.get("ActionNames").is_some(), "{props}");
    }

    #[test]
    fn a_simulation_answers_aws_shape_and_a_malformed_policy_is_an_error() {
        let server = Playground::new();
        let ok = server
            .simulate_custom_policy(args(json!({
                "PolicyInputList": [ALLOW], "ActionNames": ["s3:GetObject", "s3:PutObject"]
            })))
            .unwrap();
        assert_eq!(ok.is_error, Some(false));
        let results = &ok.structured_content.unwrap()["EvaluationResults"];
        assert_eq!(results[0]["EvalDecision"], "allowed");
        assert_eq!(results[1]["EvalDecision"], "implicitDeny");

        let bad = server
            .simulate_custom_policy(args(json!({
                "PolicyInputList": [ALLOW, "{\n  \"Statement\": [}"], "ActionNames": ["s3:GetObject"]
            })))
            .unwrap();
        assert_eq!(bad.is_error, Some(true));
        assert!(
            text(&bad).contains("PolicyInputList.2:2:17: Expected `]` to close the array"),
            "{}",
            text(&bad)
        );
    }

    #[test]
    fn two_versions_of_a_policy_are_compared_and_a_broken_one_is_refused_with_its_place() {
        let server = Playground::new();
        let after = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}]}"#;
        let out = server
            .diff_policies(args(json!({"before": ALLOW, "after": after})))
            .unwrap();
        assert_eq!(out.is_error, Some(false));
        let v = out.structured_content.unwrap();
        assert_eq!(v["verdict"], "morePermissive", "{v}");
        assert_eq!(v["policyType"], "identity", "{v}");
        assert_eq!(v["morePermissiveWitness"]["action"], "s3:PutObject", "{v}");
        assert_eq!(
            v["morePermissiveWitness"]["before"]["decision"],
            "implicitDeny"
        );
        assert_eq!(v["morePermissiveWitness"]["after"]["decision"], "allowed");
        assert!(v.get("lessPermissiveWitness").is_none(), "{v}");
        // The same document read as an SCP: the other way round, less permissive.
        let out = server
            .diff_policies(args(
                json!({"before": after, "after": ALLOW, "policy_type": "scp"}),
            ))
            .unwrap();
        assert_eq!(out.structured_content.unwrap()["verdict"], "lessPermissive");

        let err = server
            .diff_policies(args(
                json!({"before": ALLOW, "after": "{\n  \"Statement\": [}"}),
            ))
            .unwrap_err();
        assert!(
            err.contains("<after>:2:17: Expected `]` to close the array"),
            "{err}"
        );
        assert!(!err.contains("<before>"), "{err}");
        let endpoint = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#;
        let err = server
            .diff_policies(args(
                json!({"before": endpoint, "after": endpoint, "policy_type": "vpc-endpoint"}),
            ))
            .unwrap_err();
        assert!(err.contains("is not supported yet"), "{err}");
        let err = server
            .diff_policies(args(json!({"before": ALLOW})))
            .unwrap_err();
        assert!(err.contains("missing field `after`"), "{err}");
    }

    #[test]
    fn arguments_of_the_wrong_shape_are_the_tools_error() {
        let server = Playground::new();
        let err = server
            .simulate_custom_policy(args(json!({"PolicyInputList": [ALLOW]})))
            .unwrap_err();
        assert!(err.contains("missing field `ActionNames`"), "{err}");
        let err = server
            .explain_decision(args(json!({
                "PolicyInputList": [ALLOW], "ActionNames": ["s3:GetObject", "s3:PutObject"]
            })))
            .unwrap_err();
        assert!(err.contains("explains one request"), "{err}");
    }

    #[test]
    fn a_scenario_comes_as_text_or_a_path_inside_the_working_directory() {
        assert!(
            scenario_text(None, Some("..".to_string()), "scenario")
                .unwrap_err()
                .contains("outside the server's working directory")
        );
        assert!(
            scenario_text(Some("{}".to_string()), Some("x".to_string()), "scenario")
                .unwrap_err()
                .contains("not both")
        );
        // The crate's own manifest is inside the working directory cargo test runs in.
        let (text, name) = scenario_text(None, Some("Cargo.toml".to_string()), "scenario").unwrap();
        assert!(text.contains("iam-playground"));
        assert_eq!(name, "Cargo.toml");
    }
}
