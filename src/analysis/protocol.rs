//! The messages between the page and the analysis worker (encoded with bincode by
//! gloo-worker).

use iam_engine::catalog::escalation::Reference;
use iam_engine::eval::Decision;
use iam_engine::export::PolicyStyle;
use iam_engine::import::{SkipKind, Skipped, Source};
use iam_engine::scenario::{ContextValue, IdentityRef, ResourceKind, Target};
use iam_engine::workbench::PolicySource;
use iam_engine::workbench::analysis::DecidedRequest;
use iam_engine::workbench::analysis::diff::{
    ChangeGroup, DiffReport, Direction, Witness, WitnessSide,
};
use iam_engine::workbench::analysis::escalation::{EscalationReport, FoundPath, Hop};
use iam_engine::workbench::analysis::fix::FixEdit;
use iam_engine::workbench::analysis::what_can::WhatCanAnswer;
use iam_engine::workbench::analysis::who_can::{Access, PrincipalKind, WhoCanEntry};
use serde::{Deserialize, Serialize};

pub use super::pieces::ScenarioPiece;

/// What the page asks of the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Compute an access matrix (the page cancels a job it no longer wants).
    Matrix(MatrixRequest),
    /// Who can do some actions on a resource.
    WhoCan(WhoCanRequest),
    /// Every path to admin, then each path's smallest fix.
    Escalation(EscalationRequest),
    /// One principal's effective permissions over the action catalog.
    WhatCan(WhatCanRequest),
    /// What changes between an earlier version of the scenario and the model's.
    Diff(DiffRequest),
    /// Import a text (a template, authorization details, Terraform or a scenario file): the
    /// scenario comes back in pieces (the page sends it to a worker of its own, which it
    /// closes once the import ends).
    Import(ImportRequest),
    /// The scenario as a CloudFormation template set or a Terraform configuration.
    Export(ExportRequest),
    /// Every finding of the model's scenario (the validation of every policy text and the
    /// account's best practices), in one step; a newer revision cancels it.
    Findings(FindingsRequest),
    /// The next part of the text of import `job` (sent after its [`Request::Import`] with
    /// [`ImportInput::Parts`]); the import is read once the `last` part is here.
    ImportPart {
        /// The import.
        job: u64,
        /// The part, whole characters.
        text: String,
        /// Whether it is the last.
        last: bool,
    },
    /// The next part of the scenario `scenario_id`'s JSON, for a scenario too large to come
    /// with its first job in one message (one message is one main-thread task on the page):
    /// the parts come in order, then the job whose [`ModelRef`] names the scenario without
    /// its JSON, which reads them.
    ScenarioPart {
        /// The page's number for the scenario.
        scenario_id: u64,
        /// The part, whole characters.
        text: String,
        /// The JSON's whole length in bytes.
        total: usize,
    },
    /// Stop the job `job` if it is still running (answered with [`Response::Cancelled`]).
    Cancel {
        /// The job to stop.
        job: u64,
    },
}

impl Request {
    /// The job a request starts (`None` for a part of a scenario's text, or a cancel).
    pub fn started_job(&self) -> Option<u64> {
        match self {
            Request::Matrix(r) => Some(r.job),
            Request::WhoCan(r) => Some(r.job),
            Request::Escalation(r) => Some(r.job),
            Request::WhatCan(r) => Some(r.job),
            Request::Diff(r) => Some(r.job),
            Request::Import(r) => Some(r.job),
            Request::Export(r) => Some(r.job),
            Request::Findings(r) => Some(r.job),
            Request::ImportPart { .. } | Request::ScenarioPart { .. } | Request::Cancel { .. } => {
                None
            }
        }
    }
}

/// What every job is computed over: the scenario and the AWS-managed policies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRef {
    /// The page's number for the scenario. The worker keeps the last scenario it was sent, so
    /// a query about the same scenario (another filter, another resource) does not send it
    /// again.
    pub scenario_id: u64,
    /// The scenario as JSON, when the worker does not have `scenario_id` yet and it is small
    /// (a large one's JSON came ahead in [`Request::ScenarioPart`]s).
    pub scenario_json: Option<String>,
    /// Where the AWS-managed policies are (an absolute URL of the page's origin), when the
    /// page has them: the worker fetches and parses its own copy once.
    pub managed_url: Option<String>,
}

/// An access-matrix query: every principal of the scenario × `actions` on `resource`, with
/// the root-only task columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixRequest {
    /// The page's number for this job; every answer carries it.
    pub job: u64,
    /// The scenario and the managed policies.
    pub model: ModelRef,
    /// Which actions the columns are.
    pub columns: MatrixColumns,
    /// The text the columns' action names must contain (in any case; empty: any).
    pub filter: String,
    /// The resource of every cell (`*` for any).
    pub resource: String,
    /// Where the action catalog is (an absolute URL of the page's origin), when the page has
    /// it: the worker fetches and parses its own copy once.
    pub catalog_url: Option<String>,
}

/// Which actions an access matrix's columns are. The job works them out (for the mentioned
/// actions it reads every policy text of the scenario, a task too long for the page in a real
/// account) and sends them first, with [`Response::Columns`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatrixColumns {
    /// The actions the scenario's policies mention, wildcards expanded.
    Mentioned,
    /// The actions of the service with this prefix, in the catalog's order.
    Service(String),
}

/// A who-can query: every principal the scenario knows that is allowed `actions` on
/// `resource` (answered an action at a time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhoCanRequest {
    /// The page's number for this job.
    pub job: u64,
    /// The scenario and the managed policies.
    pub model: ModelRef,
    /// The actions, already expanded (the page expands patterns with its catalog).
    pub actions: Vec<String>,
    /// The resource ARN (or `*`).
    pub resource: String,
}

/// An escalation query: every path to admin-equivalent access, then the smallest fix of each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationRequest {
    /// The page's number for this job.
    pub job: u64,
    /// The scenario and the managed policies.
    pub model: ModelRef,
    /// Where the escalation catalog is (an absolute URL of the page's origin): the worker
    /// fetches and parses it once.
    pub catalog_url: String,
}

/// A what-can query: one principal's effective permissions over the whole action catalog on
/// `resource`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatCanRequest {
    /// The page's number for this job.
    pub job: u64,
    /// The scenario and the managed policies.
    pub model: ModelRef,
    /// The principal as a `PrincipalRef` string (`root`, `user/NAME`, `role/NAME`).
    pub principal: String,
    /// The resource ARN (or `*`).
    pub resource: String,
    /// Where the action catalog is (an absolute URL of the page's origin): the worker fetches
    /// and parses it once, and keeps its columns from job to job.
    pub catalog_url: String,
}

/// A change review: every principal whose access differs between `before` and the model's
/// scenario (the version after), each difference with a witness request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffRequest {
    /// The page's number for this job.
    pub job: u64,
    /// The scenario after the change (the one the page edits) and the managed policies.
    pub model: ModelRef,
    /// The version before, as scenario JSON (an undo step, a saved scenario, a pasted link).
    pub before_json: String,
    /// Where the action catalog is (an absolute URL of the page's origin): the worker fetches
    /// and parses it once.
    pub catalog_url: String,
}

/// What the import reads: one text, or Terraform configuration files read together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportInput {
    /// One text, read as whatever it is.
    Text(String),
    /// `.tf` files, each with its name for the places of what is left out.
    Terraform(Vec<NamedText>),
    /// One text sent in parts after the request (`Request::ImportPart`), so that reading a
    /// real account's file is no long task of the page: each part is read from the file,
    /// decoded and posted in a task of its own. Only the worker takes it.
    Parts {
        /// The file's size in bytes (the text's length when it is UTF-8), so that the worker
        /// holds the text in one buffer of that size from the start.
        bytes: u64,
    },
}

/// A file's name and text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedText {
    /// The file's name.
    pub name: String,
    /// Its text.
    pub text: String,
}

/// An item the import left out (the engine's [`Skipped`], in a form bincode can carry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedData {
    /// Its kind.
    pub kind: SkipKind,
    /// What.
    pub what: String,
    /// Why.
    pub why: String,
    /// Its line.
    pub line: Option<usize>,
    /// Its column.
    pub column: Option<usize>,
    /// Its file.
    pub file: Option<String>,
}

impl From<&Skipped> for SkippedData {
    fn from(s: &Skipped) -> SkippedData {
        SkippedData {
            kind: s.kind,
            what: s.what.clone(),
            why: s.why.clone(),
            line: s.line,
            column: s.column,
            file: s.file.clone(),
        }
    }
}

impl From<SkippedData> for Skipped {
    fn from(s: SkippedData) -> Skipped {
        Skipped {
            kind: s.kind,
            what: s.what,
            why: s.why,
            line: s.line,
            column: s.column,
            file: s.file,
        }
    }
}

/// The import's report, without the scenario: which reader took the text, what was left out,
/// the assumptions made, and the name the new scenario's slot is based on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Which reader took the text.
    pub source: Source,
    /// What was left out, in source order.
    pub skipped: Vec<SkippedData>,
    /// The assumptions the import made.
    pub notes: Vec<String>,
    /// The name the new scenario's slot is made from ("Imported …").
    pub slot_base: String,
}

/// An import: the text (or Terraform files) the page read, read in the worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRequest {
    /// The page's number for this job.
    pub job: u64,
    /// The page's number for the imported scenario: the worker keeps it under this number, so
    /// the jobs that follow name it instead of sending it.
    pub scenario_id: u64,
    /// The account id to give the scenario when the text names none (the open scenario's).
    pub account_id: Option<String>,
    /// What to read.
    pub input: ImportInput,
}

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TemplateKind {
    /// CloudFormation in YAML (split into nested stacks over the quotas).
    CfnYaml,
    /// CloudFormation in JSON (split likewise).
    CfnJson,
    /// A Terraform configuration with policies in this style.
    Terraform(PolicyStyle),
}

/// An export of the model's scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportRequest {
    /// The page's number for this job.
    pub job: u64,
    /// The scenario.
    pub model: ModelRef,
    /// What to write.
    pub kind: TemplateKind,
    /// The files' name stem (`my-account` for `my-account.yaml`, `my-account-part-1.yaml`).
    pub stem: String,
}

/// The findings of the model's scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingsRequest {
    /// The page's number for this job.
    pub job: u64,
    /// The scenario.
    pub model: ModelRef,
    /// Where the action catalog is (an absolute URL of the page's origin), once the page has
    /// loaded its own: with it, the action and condition-key checks run too. `None`: the
    /// findings without them, as the page shows them until its catalog is here.
    pub catalog_url: Option<String>,
}

/// One file of an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFileData {
    /// Its name.
    pub name: String,
    /// Its text.
    pub text: String,
    /// How many resources it creates (a parent counts its nested stacks).
    pub resources: usize,
}

/// An export's files, with why and how a split export deploys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportData {
    /// The parent (or only) file first.
    pub files: Vec<ExportFileData>,
    /// Why the export was split, when it was ([`iam_engine::export::TemplateSet::explanation`]).
    pub explanation: Option<String>,
    /// The commands that deploy a split export.
    pub deploy_commands: Vec<String>,
}

impl ExportData {
    /// Whether the export was split into nested stacks.
    pub fn is_split(&self) -> bool {
        self.files.len() > 1
    }
}

/// Why a scenario could not be exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFailure {
    /// What is wrong.
    pub message: String,
    /// The line in the document at fault, when known.
    pub line: Option<usize>,
    /// The column, when known.
    pub column: Option<usize>,
}

/// How far an escalation search has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Searching {
    /// Principals searched from.
    pub searched: usize,
    /// Principals to search from.
    pub total: usize,
    /// Those searched that have a path to admin.
    pub with_paths: usize,
}

/// What the worker answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// The action columns of matrix `job` (before its first rows, when the job worked them
    /// out: [`MatrixColumns::Mentioned`]).
    Columns {
        /// The job.
        job: u64,
        /// The actions, at most [`super::job::MAX_MATRIX_COLUMNS`].
        actions: Vec<String>,
        /// How many actions there were before that limit.
        total: usize,
    },
    /// The next band of rows of `job`, in order.
    Rows {
        /// The job.
        job: u64,
        /// How many rows the whole matrix has.
        total: usize,
        /// The band's rows, cells and errors, as the engine computed them.
        band: Band,
    },
    /// The answers for the next actions of a who-can `job`.
    WhoCan {
        /// The job.
        job: u64,
        /// How many actions the query has.
        total: usize,
        /// How many principals each action was asked of.
        considered: usize,
        /// How many actions are answered so far, these included.
        answered: usize,
        /// The principals with an answer for these actions.
        rows: Vec<WhoCanRow>,
    },
    /// The paths to admin of an escalation `job` (their fixes follow, one [`Response::Fix`]
    /// per path, when `fixes_follow`).
    Escalation {
        /// The job.
        job: u64,
        /// The report.
        report: EscalationData,
        /// Whether each path's fix follows. A fix tries candidate edits, each checked with a
        /// whole analysis; when the analysis itself took long (a large account), the fixes are
        /// not computed (see `job::FIXES_BUDGET_MS`).
        fixes_follow: bool,
    },
    /// How far the search of an escalation `job` has got, between its steps (a real account's
    /// takes seconds; a small one's paths come in its first step, without this).
    EscalationSearching {
        /// The job.
        job: u64,
        /// How far it got.
        progress: Searching,
    },
    /// The smallest fix of one path of an escalation `job`.
    Fix {
        /// The job.
        job: u64,
        /// The path's position in the report.
        path: usize,
        /// The fix, or `None` when no candidate breaks the path.
        fix: Option<FixData>,
    },
    /// The what-can answer of `job`.
    WhatCan {
        /// The job.
        job: u64,
        /// The answer.
        answer: WhatCanData,
    },
    /// The change review of `job`.
    Diff {
        /// The job.
        job: u64,
        /// The answer.
        answer: DiffData,
    },
    /// An import `job` read its text: `total` entities follow, in pieces.
    ImportRead {
        /// The job.
        job: u64,
        /// How many entities the scenario holds.
        total: usize,
    },
    /// The next piece of an imported scenario.
    ImportPiece {
        /// The job.
        job: u64,
        /// How many entities have been sent, these included.
        received: usize,
        /// How many in all.
        total: usize,
        /// The piece.
        piece: ScenarioPiece,
    },
    /// Every piece of an import `job` has been sent: its report.
    Imported {
        /// The job.
        job: u64,
        /// The report.
        report: ImportReport,
    },
    /// The files of an export `job`, or why the scenario cannot be exported.
    Export {
        /// The job.
        job: u64,
        /// The files, or why not.
        result: Result<ExportData, ExportFailure>,
    },
    /// Findings of a findings `job`, the next of them in order: the engine's findings as JSON
    /// (their targets and fixes are internally tagged enums, which bincode cannot read back),
    /// read by `super::findings::read_findings`. A job sends as many as it takes
    /// (`super::findings::FINDINGS_PER_MESSAGE` findings each), then `Done`.
    Findings {
        /// The job.
        job: u64,
        /// Findings, a JSON array.
        json: String,
    },
    /// `job` is complete: every row has been sent.
    Done {
        /// The job.
        job: u64,
    },
    /// `job` was stopped before its end.
    Cancelled {
        /// The job.
        job: u64,
    },
    /// `job` could not run; the message says why, in words for the user.
    Failed {
        /// The job.
        job: u64,
        /// Why.
        message: String,
    },
}

impl Response {
    /// The job the answer is about.
    pub fn job(&self) -> u64 {
        match self {
            Response::Columns { job, .. }
            | Response::Rows { job, .. }
            | Response::WhoCan { job, .. }
            | Response::Escalation { job, .. }
            | Response::EscalationSearching { job, .. }
            | Response::Fix { job, .. }
            | Response::WhatCan { job, .. }
            | Response::Diff { job, .. }
            | Response::ImportRead { job, .. }
            | Response::ImportPiece { job, .. }
            | Response::Imported { job, .. }
            | Response::Export { job, .. }
            | Response::Findings { job, .. }
            | Response::Done { job }
            | Response::Cancelled { job }
            | Response::Failed { job, .. } => *job,
        }
    }
}

/// A band of consecutive matrix rows, the engine's `MatrixRows` with its decisions packed in a
/// byte each (bincode would spend four on an enum's tag).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Band {
    /// The index of the first row.
    pub first: usize,
    /// How many rows.
    pub rows: usize,
    /// Row-major decisions, one byte each (see [`decision_code`]), read as one byte string.
    #[serde(with = "serde_bytes")]
    pub cells: Vec<u8>,
    /// The conditional cells: (row, column, sentence index), rows counted in the whole
    /// matrix, in row-major order.
    pub conditional: Vec<(usize, usize, usize)>,
    /// The sentences of the conditional cells ("Allowed if …; otherwise …"), each once.
    pub sentences: Vec<String>,
    /// Rows that could not be computed, by row index, with why.
    pub errors: Vec<(usize, String)>,
}

impl From<iam_engine::workbench::matrix::MatrixRows> for Band {
    fn from(rows: iam_engine::workbench::matrix::MatrixRows) -> Band {
        Band {
            first: rows.first,
            rows: rows.rows,
            cells: rows.cells.into_iter().map(decision_code).collect(),
            conditional: rows.conditional.cells,
            sentences: rows.conditional.sentences,
            errors: rows.errors,
        }
    }
}

/// A decision as one byte.
pub fn decision_code(d: Decision) -> u8 {
    match d {
        Decision::Allowed => 0,
        Decision::ExplicitDeny => 1,
        Decision::ImplicitDeny => 2,
    }
}

/// The decision of a byte made by [`decision_code`] (an unknown byte is an implicit deny,
/// the answer when nothing allows).
pub fn decision_of(code: u8) -> Decision {
    match code {
        0 => Decision::Allowed,
        1 => Decision::ExplicitDeny,
        _ => Decision::ImplicitDeny,
    }
}

/// Where a policy or principal is shown in the workspace, for the canvas to light its card.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Place {
    /// The root user.
    Root,
    /// A user.
    User(String),
    /// A group.
    Group(String),
    /// A role.
    Role(String),
    /// A customer-managed policy.
    Policy(String),
    /// An AWS-managed policy, by ARN.
    AwsPolicy(String),
    /// A resource.
    Resource(ResourceKind, String),
    /// The organization (its SCPs and RCPs).
    Organization,
}

impl Place {
    /// The place of an entity (`None` for what the canvas has no card for).
    pub fn of_target(target: &Target) -> Option<Place> {
        Some(match target {
            Target::RootUser => Place::Root,
            Target::User { name } => Place::User(name.clone()),
            Target::Group { name } => Place::Group(name.clone()),
            Target::Role { name } => Place::Role(name.clone()),
            Target::Policy { name } => Place::Policy(name.clone()),
            Target::AwsPolicy { arn } => Place::AwsPolicy(arn.clone()),
            Target::Resource {
                resource_kind,
                name,
            } => Place::Resource(*resource_kind, name.clone()),
            Target::Organization => Place::Organization,
            _ => return None,
        })
    }

    /// The place of a principal as a `PrincipalRef` string (`root`, `user/x`, `role/x`), when
    /// it is the scenario's own.
    pub fn of_principal(principal: &str) -> Option<Place> {
        if principal == "root" {
            return Some(Place::Root);
        }
        let (kind, name) = principal.split_once('/')?;
        match kind {
            "user" => Some(Place::User(name.to_string())),
            "role" => Some(Place::Role(name.to_string())),
            _ => None,
        }
    }
}

/// A request of an analysis with the engine's decision and the statements that decided it:
/// exactly a request the simulator can be opened on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecidedRow {
    /// The principal as a `PrincipalRef` string.
    pub principal: String,
    /// The action.
    pub action: String,
    /// The resource.
    pub resource: String,
    /// The context keys the analysis set.
    pub context: Vec<ContextValue>,
    /// The engine's decision.
    pub decision: Decision,
    /// The deciding statements in words.
    pub statements: Vec<String>,
    /// Where the deciding statements' policies are shown.
    pub places: Vec<Place>,
}

impl From<&DecidedRequest> for DecidedRow {
    fn from(d: &DecidedRequest) -> DecidedRow {
        let mut places: Vec<Place> = Vec::new();
        for s in &d.deciding {
            // The identity a managed policy is attached to (a group the principal is in) is on
            // the way too, then the policy.
            let holder = match &s.source {
                PolicySource::Attached { attached_to, .. } => Some(match attached_to {
                    IdentityRef::User(n) => Place::User(n.clone()),
                    IdentityRef::Group(n) => Place::Group(n.clone()),
                    IdentityRef::Role(n) => Place::Role(n.clone()),
                }),
                _ => None,
            };
            let own = s
                .source
                .place()
                .and_then(|(target, _)| Place::of_target(&target));
            for p in holder.into_iter().chain(own) {
                if !places.contains(&p) {
                    places.push(p);
                }
            }
        }
        DecidedRow {
            principal: d.principal.clone(),
            action: d.action.clone(),
            resource: d.resource.clone(),
            context: d.context.clone(),
            decision: d.decision,
            statements: d.statements.clone(),
            places,
        }
    }
}

/// What kind of principal a who-can answer is about (the engine's `PrincipalKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WhoKind {
    /// The root user.
    Root,
    /// A user.
    User,
    /// A role's sessions.
    Role,
    /// A principal of another account.
    External,
    /// An AWS service.
    Service,
    /// Anyone (`*`).
    Anyone,
}

impl From<PrincipalKind> for WhoKind {
    fn from(k: PrincipalKind) -> WhoKind {
        match k {
            PrincipalKind::Root => WhoKind::Root,
            PrincipalKind::User => WhoKind::User,
            PrincipalKind::Role => WhoKind::Role,
            PrincipalKind::External => WhoKind::External,
            PrincipalKind::Service => WhoKind::Service,
            PrincipalKind::Anyone => WhoKind::Anyone,
        }
    }
}

/// How a who-can request is decided (the engine's `Access`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessKind {
    /// Allowed whatever the context the request does not fix.
    Allowed,
    /// Allowed depending on context keys the request does not fix.
    Conditional,
    /// Allowed by the identity or resource policies, denied by a guardrail.
    Denied,
}

impl From<Access> for AccessKind {
    fn from(a: Access) -> AccessKind {
        match a {
            Access::Allowed => AccessKind::Allowed,
            Access::Conditional => AccessKind::Conditional,
            Access::Denied => AccessKind::Denied,
        }
    }
}

/// One principal's who-can answer for one action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhoCanRow {
    /// The principal as a `PrincipalRef` string.
    pub principal: String,
    /// What kind of principal.
    pub kind: WhoKind,
    /// How it is decided.
    pub access: AccessKind,
    /// The request and its decision.
    pub request: DecidedRow,
    /// For a conditional answer, the condition in words.
    pub conditions: Vec<String>,
    /// For a denied answer, what denies it, in words.
    pub denied_by: Vec<String>,
    /// For a role, who can reach its session, each chain ending with the role.
    pub assumed_by: Vec<Vec<String>>,
}

impl From<&WhoCanEntry> for WhoCanRow {
    fn from(e: &WhoCanEntry) -> WhoCanRow {
        WhoCanRow {
            principal: e.principal.clone(),
            kind: e.kind.into(),
            access: e.access.into(),
            request: (&e.request).into(),
            conditions: e.conditions.clone(),
            denied_by: e.denied_by.clone(),
            assumed_by: e.assumed_by.clone(),
        }
    }
}

/// One hop of a path to admin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HopData {
    /// Who makes the requests.
    pub from: String,
    /// Whose access it gains.
    pub to: String,
    /// What the hop does, in words.
    pub summary: String,
    /// The catalog path's id (`lambda-001`).
    pub path_id: String,
    /// The catalog path's title.
    pub title: String,
    /// The catalog's category, as the catalog spells it.
    pub category: String,
    /// The catalog's description.
    pub description: String,
    /// The catalog's references: (title, URL).
    pub references: Vec<(String, String)>,
    /// The hop's requests, each allowed, with the statements that allow it.
    pub requests: Vec<DecidedRow>,
    /// The edit the hop makes, in words.
    pub edit: Option<String>,
    /// Requests decided after the edit.
    pub after_edit: Vec<DecidedRow>,
    /// Whether the hop ends at admin-equivalent access.
    pub reaches_admin: bool,
}

impl From<&Hop> for HopData {
    fn from(h: &Hop) -> HopData {
        HopData {
            from: h.from.clone(),
            to: h.to.clone(),
            summary: h.summary.clone(),
            path_id: h.path_id.clone(),
            title: h.title.clone(),
            category: h.category.as_str().to_string(),
            description: h.description.clone(),
            references: h
                .references
                .iter()
                .map(|Reference { title, url }| (title.clone(), url.clone()))
                .collect(),
            requests: h.requests.iter().map(DecidedRow::from).collect(),
            edit: h.edit.clone(),
            after_edit: h.after_edit.iter().map(DecidedRow::from).collect(),
            reaches_admin: h.reaches_admin,
        }
    }
}

/// A path to admin-equivalent access.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathData {
    /// The principal it starts from.
    pub principal: String,
    /// The hops, in order.
    pub hops: Vec<HopData>,
    /// Why the last hop's principal is admin-equivalent: the engine's decision on the first
    /// admin probe (`iam:CreateUser` on `*`), with the statements that allow it.
    pub admin_by: Option<DecidedRow>,
}

impl PathData {
    /// A key that names the path across analyses of edited scenarios: its start and each
    /// hop's catalog id and target.
    pub fn key(&self) -> String {
        let hops: Vec<String> = self
            .hops
            .iter()
            .map(|h| format!("{}>{}", h.path_id, h.to))
            .collect();
        format!("{}|{}", self.principal, hops.join("|"))
    }

    /// Every place the path goes through: each hop's principals and the policies of the
    /// statements that allow its requests, then the policies that make its end admin, each
    /// once, in order.
    pub fn places(&self) -> Vec<Place> {
        let mut out: Vec<Place> = Vec::new();
        let mut push = |p: Place| {
            if !out.contains(&p) {
                out.push(p);
            }
        };
        for hop in &self.hops {
            Place::of_principal(&hop.from)
                .into_iter()
                .for_each(&mut push);
            for r in hop.requests.iter().chain(&hop.after_edit) {
                r.places.iter().cloned().for_each(&mut push);
            }
            Place::of_principal(&hop.to).into_iter().for_each(&mut push);
        }
        if let Some(admin) = &self.admin_by {
            admin.places.iter().cloned().for_each(&mut push);
        }
        out
    }
}

/// The escalation analysis of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationData {
    /// The principals already admin-equivalent.
    pub admin_equivalent: Vec<String>,
    /// How many principals the search started from.
    pub principals_considered: usize,
    /// The paths listed (the shortest of each principal, a bounded number in all).
    pub paths: Vec<PathData>,
    /// How many more paths were found than are listed.
    pub unlisted_paths: usize,
    /// How many principals have a path to admin.
    pub principals_with_paths: usize,
    /// When the search stopped at its budget: from how many principals it searched.
    pub searched_only: Option<usize>,
    /// How many paths the catalog holds.
    pub catalog_paths: usize,
    /// How many of them the analysis checks.
    pub modelled_paths: usize,
    /// The catalog paths left out: (id, why).
    pub left_out: Vec<(String, String)>,
}

impl EscalationData {
    /// The page's copy of the engine's report; `admin_by` gives each path's reason its end is
    /// admin-equivalent.
    pub fn new(
        report: &EscalationReport,
        admin_by: impl Fn(&FoundPath) -> Option<DecidedRequest>,
    ) -> EscalationData {
        EscalationData {
            admin_equivalent: report.admin_equivalent.clone(),
            principals_considered: report.principals_considered,
            paths: report
                .paths
                .iter()
                .map(|p| PathData {
                    principal: p.principal.clone(),
                    hops: p.hops.iter().map(HopData::from).collect(),
                    admin_by: admin_by(p).as_ref().map(DecidedRow::from),
                })
                .collect(),
            unlisted_paths: report.unlisted_paths,
            principals_with_paths: report.principals_with_paths,
            searched_only: report.searched_only,
            catalog_paths: report.catalog_paths,
            modelled_paths: report.modelled_paths,
            left_out: report
                .left_out
                .iter()
                .map(|l| (l.id.clone(), l.reason.clone()))
                .collect(),
        }
    }
}

/// The smallest fix of a path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixData {
    /// The edit in words.
    pub summary: String,
    /// The edit, applied as one undoable step.
    pub edit: FixEdit,
    /// What else it takes away: requests allowed before and denied after.
    pub removes: Vec<DecidedRow>,
}

/// How many actions a group of the what-can answer lists (the rest are counted).
pub const GROUP_LISTED: usize = 12;

/// Actions that share the same words (a condition, or what removes them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WordsGroup {
    /// The words, as the engine gives them.
    pub words: Vec<String>,
    /// How many actions share them.
    pub count: usize,
    /// The first [`GROUP_LISTED`] of them.
    pub actions: Vec<String>,
}

/// One access level of a service in the what-can answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelRow {
    /// AWS's wording of the level.
    pub level: String,
    /// How many actions of the service have this level.
    pub total: usize,
    /// The allowed actions.
    pub allowed: Vec<String>,
    /// The conditional actions.
    pub conditional: Vec<String>,
    /// How many actions a guardrail removes.
    pub removed: usize,
}

/// One service of the what-can answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRow {
    /// The service prefix (`s3`).
    pub service: String,
    /// The service's name.
    pub name: String,
    /// How many actions the service has.
    pub total: usize,
    /// How many are allowed.
    pub allowed: usize,
    /// How many are conditional.
    pub conditional: usize,
    /// How many a guardrail removes.
    pub removed: usize,
    /// By access level, in the catalog's order of levels.
    pub levels: Vec<LevelRow>,
}

/// The page's copy of the engine's what-can answer: the removed and conditional actions are
/// grouped by their words (sent once, not once per action), and the synthesized policy is
/// JSON text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatCanData {
    /// The principal, as a `PrincipalRef` string.
    pub principal: String,
    /// The resource asked about.
    pub resource: String,
    /// How many actions of the catalog were decided.
    pub actions_considered: usize,
    /// How many are allowed.
    pub allowed: usize,
    /// How many are conditional.
    pub conditional: usize,
    /// How many a guardrail removes.
    pub removed: usize,
    /// The services with something allowed, conditional or removed, in the catalog's order.
    pub services: Vec<ServiceRow>,
    /// The conditional actions, by condition.
    pub conditional_groups: Vec<WordsGroup>,
    /// The actions guardrails remove, by what removes them.
    pub removed_groups: Vec<WordsGroup>,
    /// The synthesized policy, as indented JSON.
    pub policy: String,
}

/// Adds `action` to the group of `words` in `groups`.
fn add_to_group(groups: &mut Vec<WordsGroup>, words: &[String], action: &str) {
    let at = match groups.iter().position(|g| g.words == words) {
        Some(at) => at,
        None => {
            groups.push(WordsGroup {
                words: words.to_vec(),
                count: 0,
                actions: Vec::new(),
            });
            groups.len() - 1
        }
    };
    if let Some(g) = groups.get_mut(at) {
        g.count += 1;
        if g.actions.len() < GROUP_LISTED {
            g.actions.push(action.to_string());
        }
    }
}

impl From<&WhatCanAnswer> for WhatCanData {
    fn from(a: &WhatCanAnswer) -> WhatCanData {
        let mut conditional_groups = Vec::new();
        let mut removed_groups = Vec::new();
        let services = a
            .services
            .iter()
            .map(|s| ServiceRow {
                service: s.service.clone(),
                name: s.name.clone(),
                total: s.total,
                allowed: s.allowed,
                conditional: s.conditional,
                removed: s.removed,
                levels: s
                    .levels
                    .iter()
                    .map(|l| {
                        for c in &l.conditional {
                            add_to_group(&mut conditional_groups, &c.conditions, &c.action);
                        }
                        for r in &l.removed {
                            add_to_group(&mut removed_groups, &r.denied_by, &r.action);
                        }
                        LevelRow {
                            level: l.level.clone(),
                            total: l.total,
                            allowed: l.allowed.clone(),
                            conditional: l.conditional.iter().map(|c| c.action.clone()).collect(),
                            removed: l.removed.len(),
                        }
                    })
                    .collect(),
            })
            .collect();
        WhatCanData {
            principal: a.principal.clone(),
            resource: a.resource.clone(),
            actions_considered: a.actions_considered,
            allowed: a.allowed,
            conditional: a.conditional,
            removed: a.removed,
            services,
            conditional_groups,
            removed_groups,
            policy: serde_json::to_string_pretty(&a.policy).unwrap_or_default(),
        }
    }
}

/// One side of a witness: the decision and the engine's reasons for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WitnessSideData {
    /// The decision.
    pub decision: Decision,
    /// The reasons in words (the deciding statements, or that the principal does not exist).
    pub reasons: Vec<String>,
}

impl From<&WitnessSide> for WitnessSideData {
    fn from(s: &WitnessSide) -> WitnessSideData {
        WitnessSideData {
            decision: s.decision,
            reasons: s.reasons.clone(),
        }
    }
}

/// A request whose decision flips between the two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WitnessData {
    /// The principal, as a `PrincipalRef` string.
    pub principal: String,
    /// The action.
    pub action: String,
    /// The resource.
    pub resource: String,
    /// The context keys set.
    pub context: Vec<ContextValue>,
    /// The decision before.
    pub before: WitnessSideData,
    /// The decision after.
    pub after: WitnessSideData,
    /// Whether evaluating it again on both sides gave the flip.
    pub verified: bool,
}

impl WitnessData {
    /// The request as it is decided after the change (the scenario the page edits): what the
    /// simulator opens.
    pub fn after_request(&self) -> DecidedRow {
        DecidedRow {
            principal: self.principal.clone(),
            action: self.action.clone(),
            resource: self.resource.clone(),
            context: self.context.clone(),
            decision: self.after.decision,
            statements: self.after.reasons.clone(),
            places: Vec::new(),
        }
    }
}

impl From<&Witness> for WitnessData {
    fn from(w: &Witness) -> WitnessData {
        WitnessData {
            principal: w.principal.clone(),
            action: w.action.clone(),
            resource: w.resource.clone(),
            context: w.context.clone(),
            before: (&w.before).into(),
            after: (&w.after).into(),
            verified: w.verified,
        }
    }
}

/// A group of differences: one direction, service, access level and resource region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeGroupData {
    /// Newly allowed (else newly denied).
    pub newly_allowed: bool,
    /// The service prefix.
    pub service: String,
    /// The access level in AWS's wording (`Unknown` for actions the catalog lacks).
    pub level: String,
    /// Where: `*` for every resource region, a region's pattern, or the engine's words for
    /// the resources no policy names.
    pub resource: String,
    /// The actions that flip.
    pub actions: Vec<String>,
    /// One request that flips.
    pub witness: WitnessData,
}

impl From<&ChangeGroup> for ChangeGroupData {
    fn from(g: &ChangeGroup) -> ChangeGroupData {
        ChangeGroupData {
            newly_allowed: g.direction == Direction::NewlyAllowed,
            service: g.service.clone(),
            level: g.level.clone(),
            resource: g.resource.clone(),
            actions: g.actions.clone(),
            witness: (&g.witness).into(),
        }
    }
}

/// What changes for one principal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrincipalChangeData {
    /// The principal, as a `PrincipalRef` string.
    pub principal: String,
    /// The principal in words (`user maria`).
    pub label: String,
    /// How many actions become allowed.
    pub newly_allowed: usize,
    /// How many actions become refused.
    pub newly_denied: usize,
    /// The groups, newly allowed first.
    pub groups: Vec<ChangeGroupData>,
}

/// The page's copy of the engine's change review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffData {
    /// How many principals were compared.
    pub principals_considered: usize,
    /// How many actions.
    pub actions_considered: usize,
    /// How many resource regions.
    pub regions: usize,
    /// How many context regions per principal and resource region.
    pub contexts_considered: usize,
    /// The total of newly allowed (principal, action) pairs.
    pub newly_allowed: usize,
    /// The total of newly denied (principal, action) pairs.
    pub newly_denied: usize,
    /// The principals whose access changes.
    pub changes: Vec<PrincipalChangeData>,
    /// What the comparison does not model, in words.
    pub outside_model: Vec<String>,
    /// The summary in words, a sentence per principal.
    pub summary: Vec<String>,
}

impl From<&DiffReport> for DiffData {
    fn from(r: &DiffReport) -> DiffData {
        DiffData {
            principals_considered: r.principals_considered,
            actions_considered: r.actions_considered,
            regions: r.regions.len(),
            contexts_considered: r.contexts_considered,
            newly_allowed: r.newly_allowed,
            newly_denied: r.newly_denied,
            changes: r
                .changes
                .iter()
                .map(|c| PrincipalChangeData {
                    principal: c.principal.clone(),
                    label: c.label.clone(),
                    newly_allowed: c.newly_allowed,
                    newly_denied: c.newly_denied,
                    groups: c.groups.iter().map(ChangeGroupData::from).collect(),
                })
                .collect(),
            outside_model: r.outside_model.clone(),
            summary: r.summary.clone(),
        }
    }
}
