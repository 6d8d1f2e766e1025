//! Terraform configuration files (HCL) → resources.
//!
//! The files are parsed by `hcl-edit` (the parser under `hcl-rs`, which keeps every
//! expression's byte span) and evaluated here, lazily and once per value, by a small evaluator
//! over its expression tree: literals, strings and heredocs with `${…}` interpolations, lists
//! and objects, references (`aws_iam_group.admins.name`, `aws_iam_policy.x.arn`,
//! `data.aws_iam_policy_document.y.json`, `var.name` from its `default`, `local.name`,
//! `data.aws_caller_identity.current.account_id`, `data.aws_partition.current.partition`),
//! conditionals, `==`, `!=`, `&&`, `||`, `!`, and the functions `jsonencode`, `jsondecode`,
//! `tolist`, `toset`, `tomap`, `tostring`, `concat`, `join`, `format`, `lower`, `upper`,
//! `merge`, `replace` and `trimspace`. A `data "aws_iam_policy_document"` becomes the JSON the
//! AWS provider writes (`&{aws:username}` is the policy variable `${aws:username}`).
//!
//! What cannot be evaluated (a variable without a default, an unsupported function, `for`
//! expressions and template directives, `count` other than 0 or 1, `for_each`, `dynamic`
//! blocks, modules) is listed as skipped with its file, line and column; the rest imports.
//! Evaluation is bounded: references nest at most [`MAX_DEPTH`] deep, a cycle is an error
//! value, and the text the expressions produce counts against the import's expansion budget.

use std::collections::HashMap;

use hcl::edit::Span;
use hcl::edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl::edit::structure::{Block, Body, Structure};
use hcl::edit::template::{Element, Template};

use super::super::tree::{Kind, Tree};
use super::super::{
    DEFAULT_ACCOUNT_ID, ImportError, ImportOptions, Imported, MAX_IMPORT_BYTES, Source,
};
use super::super::{FoundPolicy, SkipKind};
use super::build::{kms_key_name, vpc_endpoint_id};
use super::{Mode, Report, TfResource, computed_attribute, scalar};
use crate::export::node::Node;
use crate::scenario::DEFAULT_REGION;

/// How deep references may chain (a local naming a local naming …) before the evaluation
/// gives up on a value.
pub const MAX_DEPTH: usize = 128;

/// One Terraform configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerraformFile {
    /// Its name, for the places of skipped items and errors (`main.tf`).
    pub name: String,
    /// Its text.
    pub text: String,
}

/// Whether a file name is a Terraform configuration file the import reads (`.tf`).
pub fn is_terraform_file_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".tf")
}

/// A statement's conditions being gathered: by operator, each key with its values.
type Conditions = Vec<(String, Vec<(String, Vec<String>)>)>;

/// A value that cannot be evaluated: why, and where (file, byte offset).
type Unresolved = (String, usize, usize);

/// A `resource` or `data` block.
struct Decl<'a> {
    mode: Mode,
    ty: String,
    name: String,
    file: usize,
    at: usize,
    body: &'a Body,
    /// `count = 1`: references may say `aws_x.y[0]`.
    counted: bool,
}

impl Decl<'_> {
    fn address(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.ty, self.name),
            Mode::Data => format!("data.{}.{}", self.ty, self.name),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Attr(usize, String),
    Local(String),
    Var(String),
}

enum Slot {
    Busy,
    Done(Result<Tree, Unresolved>, usize),
}

struct Eval<'a> {
    decls: Vec<Decl<'a>>,
    by_name: HashMap<(Mode, String, String), usize>,
    /// Variables: file, default, where declared.
    variables: HashMap<String, (usize, Option<&'a Expression>, usize)>,
    locals: HashMap<String, (usize, &'a Expression)>,
    /// Each declaration's attributes by name (the first, when a name repeats), so a reference
    /// costs one lookup however large the block.
    attributes: HashMap<(usize, &'a str), &'a Expression>,
    memo: HashMap<Key, Slot>,
    account: String,
    region: String,
    budget: usize,
    spent: usize,
    exceeded: Option<(usize, usize)>,
    depth: usize,
}

/// Reads Terraform configuration files (`.tf`, HCL) together into a scenario: references
/// between resources, `var.NAME` from its default, `local.NAME`, the `aws_iam_policy_document`,
/// `aws_caller_identity` and `aws_partition` data sources, `jsonencode` and a few string
/// functions are evaluated; what cannot be is listed as skipped with its file, line and column
/// (see [`crate::import`] and the README's "Importing Terraform").
///
/// # Errors
///
/// An `import-hcl-syntax` error with the file, line and column of the first syntax error, an
/// `import-too-large` error when the files together pass the size limit, an
/// `import-expansion-budget` error when the values expand past the budget.
pub fn import_terraform_files(
    files: &[TerraformFile],
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    terraform_policies_in(files, options).map(|(imported, _)| imported)
}

/// [`import_terraform_files`], and the policy documents the configuration holds (roles' trust
/// policies, IAM policies, inline policies, bucket, queue, topic, key and VPC endpoint
/// policies), each with the index in `files` of the file whose attribute holds it. A
/// [`FoundPolicy`] of a configuration maps every span of its document to the start of that
/// attribute (its value is evaluated, often in another file's data source), so validation
/// findings land on the policy's line.
///
/// # Errors
///
/// As [`import_terraform_files`].
pub fn terraform_policies_in(
    files: &[TerraformFile],
    options: &ImportOptions,
) -> Result<(Imported, Vec<(usize, FoundPolicy)>), ImportError> {
    let named: Vec<(Option<String>, &str)> = files
        .iter()
        .map(|f| (Some(f.name.clone()), f.text.as_str()))
        .collect();
    import(&named, options)
}

/// One text (a pasted or opened file) read as Terraform configuration, with its policies.
pub(in super::super) fn import_text(
    text: &str,
    options: &ImportOptions,
) -> Result<(Imported, Vec<FoundPolicy>), ImportError> {
    import(&[(None, text)], options)
        .map(|(imported, found)| (imported, found.into_iter().map(|(_, f)| f).collect()))
}

fn import(
    files: &[(Option<String>, &str)],
    options: &ImportOptions,
) -> Result<(Imported, Vec<(usize, FoundPolicy)>), ImportError> {
    let max = options.max_bytes.unwrap_or(MAX_IMPORT_BYTES);
    let total: usize = files.iter().map(|(_, t)| t.len()).sum();
    if total > max {
        return Err(ImportError::new(
            "import-too-large",
            format!("The files are {total} bytes; at most {max} bytes can be imported."),
        ));
    }
    let texts: Vec<(Option<String>, &str)> = files
        .iter()
        .map(|(n, t)| (n.clone(), t.strip_prefix('\u{feff}').unwrap_or(t)))
        .collect();
    let mut report = Report::new(texts.clone(), true);
    let mut bodies = Vec::with_capacity(texts.len());
    for (i, (_, text)) in texts.iter().enumerate() {
        match hcl::edit::parser::parse_body(text) {
            Ok(body) => bodies.push(body),
            Err(e) => {
                let mut err = report.error(
                    "import-hcl-syntax",
                    format!("The HCL is malformed: {}", e.message()),
                    i,
                    e.location().offset(),
                );
                err.line = Some(e.location().line());
                err.column = Some(e.location().column());
                return Err(err);
            }
        }
    }
    let account = options
        .account_id
        .clone()
        .unwrap_or_else(|| DEFAULT_ACCOUNT_ID.to_string());
    let mut ev = Eval {
        decls: Vec::new(),
        by_name: HashMap::new(),
        variables: HashMap::new(),
        locals: HashMap::new(),
        attributes: HashMap::new(),
        memo: HashMap::new(),
        account: account.clone(),
        region: DEFAULT_REGION.to_string(),
        budget: super::super::expansion_budget(total),
        spent: 0,
        exceeded: None,
        depth: 0,
    };
    for (file, body) in bodies.iter().enumerate() {
        ev.declare(file, body, &mut report);
    }
    if ev
        .decls
        .iter()
        .any(|d| d.mode == Mode::Data && d.ty == "aws_caller_identity")
    {
        report.notes.push(format!(
            "The configuration names the account as data.aws_caller_identity; the scenario uses the account {account}."
        ));
    }
    let mut resources = Vec::new();
    for i in 0..ev.decls.len() {
        if let Some(r) = ev.resource(i, &mut report) {
            resources.push(r);
        }
        if let Some((file, at)) = ev.exceeded {
            return Err(ev.over_budget(&report, file, at));
        }
    }
    let (scenario, found) = super::build::build(&resources, &account, &mut report, true)?;
    Ok((report.finish(Source::TerraformHcl, scenario), found))
}

fn start(span: Option<std::ops::Range<usize>>) -> usize {
    span.map_or(0, |s| s.start)
}

fn tree(kind: Kind, at: usize) -> Tree {
    Tree { kind, at }
}

/// The bytes of text in a value, for the expansion budget.
fn size(t: &Tree) -> usize {
    match &t.kind {
        Kind::Str(s) => s.len() + 1,
        Kind::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Kind::Map(members) => {
            1 + members
                .iter()
                .map(|(k, _, v)| k.len() + size(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

impl<'a> Eval<'a> {
    /// Records the top-level blocks of one file.
    fn declare(&mut self, file: usize, body: &'a Body, report: &mut Report<'_>) {
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => report.skip(
                    SkipKind::TemplateSection,
                    format!("the attribute {}", a.key.as_str()),
                    "Terraform takes blocks only at the top level of a file",
                    file,
                    start(a.span()),
                ),
                Structure::Block(b) => self.declare_block(file, b, report),
            }
        }
    }

    fn declare_block(&mut self, file: usize, b: &'a Block, report: &mut Report<'_>) {
        let at = start(b.span());
        let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
        match (b.ident.as_str(), labels.as_slice()) {
            ("resource" | "data", [ty, name]) => {
                let mode = if b.ident.as_str() == "data" {
                    Mode::Data
                } else {
                    Mode::Managed
                };
                let key = (mode, ty.to_string(), name.to_string());
                if self.by_name.contains_key(&key) {
                    report.skip(
                        SkipKind::TemplateSection,
                        format!("{} {ty}.{name}", b.ident.as_str()),
                        "a block of this type and name is declared before; Terraform refuses the duplicate",
                        file,
                        at,
                    );
                    return;
                }
                for a in b.body.attributes() {
                    self.attributes
                        .entry((self.decls.len(), a.key.as_str()))
                        .or_insert(&a.value);
                }
                self.by_name.insert(key, self.decls.len());
                self.decls.push(Decl {
                    mode,
                    ty: ty.to_string(),
                    name: name.to_string(),
                    file,
                    at,
                    body: &b.body,
                    counted: false,
                });
            }
            ("variable", [name]) => {
                let default = b.body.get_attribute("default").map(|a| &a.value);
                self.variables
                    .entry(name.to_string())
                    .or_insert((file, default, at));
            }
            ("locals", []) => {
                for a in b.body.attributes() {
                    self.locals
                        .entry(a.key.as_str().to_string())
                        .or_insert((file, &a.value));
                }
            }
            ("terraform" | "provider", _) => {}
            ("module", [name]) => report.skip(
                SkipKind::TemplateSection,
                format!("module {name}"),
                "modules are not followed in configuration files; import the plan (terraform show -json) to read them",
                file,
                at,
            ),
            ("output", [name]) => report.skip(
                SkipKind::TemplateSection,
                format!("output {name}"),
                "outputs create nothing in the account",
                file,
                at,
            ),
            (ident, _) => report.skip(
                SkipKind::TemplateSection,
                format!("the {ident} block"),
                "the playground reads resource, data, variable and locals blocks",
                file,
                at,
            ),
        }
    }

    /// Counts `len` bytes of produced text; over the budget, the evaluation stops.
    fn charge(&mut self, len: usize, file: usize, at: usize) -> Result<(), Unresolved> {
        self.spent = self.spent.saturating_add(len).saturating_add(1);
        if self.spent > self.budget {
            if self.exceeded.is_none() {
                self.exceeded = Some((file, at));
            }
            return Err((
                format!("the values expand to more than {} bytes", self.budget),
                file,
                at,
            ));
        }
        Ok(())
    }

    fn over_budget(&self, report: &Report<'_>, file: usize, at: usize) -> ImportError {
        report.error(
            "import-expansion-budget",
            format!(
                "The configuration's values expand to more than {} bytes ({} times the text's size, at least {} bytes); the import stops here.",
                self.budget,
                super::super::EXPANSION_FACTOR,
                super::super::MIN_EXPANSION_BUDGET
            ),
            file,
            at,
        )
    }

    /// A value computed once: a second use is a copy, a use inside its own computation a cycle.
    fn memo(
        &mut self,
        key: Key,
        what: &str,
        place: (usize, usize),
        compute: impl FnOnce(&mut Self) -> Result<Tree, Unresolved>,
    ) -> Result<Tree, Unresolved> {
        match self.memo.get(&key) {
            Some(Slot::Busy) => {
                return Err((format!("{what} refers to itself"), place.0, place.1));
            }
            Some(Slot::Done(r, n)) => {
                let (r, n) = (r.clone(), *n);
                self.charge(n, place.0, place.1)?;
                return r;
            }
            None => {}
        }
        if self.depth >= MAX_DEPTH {
            return Err((
                format!("references nest more than {MAX_DEPTH} deep"),
                place.0,
                place.1,
            ));
        }
        self.memo.insert(key.clone(), Slot::Busy);
        self.depth += 1;
        let r = compute(self);
        self.depth -= 1;
        let n = r.as_ref().map_or(0, size);
        self.memo.insert(key, Slot::Done(r.clone(), n));
        r
    }

    /// The resource (or data source) `i` with its attributes evaluated; `None` when it is not
    /// created (`count = 0`) or cannot be (`for_each`, `count` above 1).
    fn resource(&mut self, i: usize, report: &mut Report<'_>) -> Option<TfResource> {
        let d = self.decls.get(i)?;
        let (file, at, body, mode) = (d.file, d.at, d.body, d.mode);
        let (ty, name, address) = (d.ty.clone(), d.name.clone(), d.address());
        if let Some(a) = body.get_attribute("for_each") {
            report.skip(
                SkipKind::TemplateSection,
                format!("resource {address}"),
                "for_each is not expanded; import the plan (terraform show -json), which lists every instance",
                file,
                start(a.value.span()),
            );
            return None;
        }
        if let Some(a) = body.get_attribute("count") {
            let place = start(a.value.span());
            match self.eval(file, &a.value) {
                Ok(t)
                    if scalar(&t).as_deref() == Some("0")
                        || matches!(t.kind, Kind::Bool(false)) =>
                {
                    report
                        .notes
                        .push(format!("{address} has count = 0: Terraform creates none, and neither does the import."));
                    return None;
                }
                Ok(t)
                    if scalar(&t).as_deref() == Some("1") || matches!(t.kind, Kind::Bool(true)) =>
                {
                    if let Some(d) = self.decls.get_mut(i) {
                        d.counted = true;
                    }
                }
                Ok(t) => {
                    report.skip(
                        SkipKind::TemplateSection,
                        format!("resource {address}"),
                        format!(
                            "count = {} is not expanded; import the plan (terraform show -json), which lists every instance",
                            scalar(&t).unwrap_or_else(|| "?".to_string())
                        ),
                        file,
                        place,
                    );
                    return None;
                }
                Err((why, f, at)) => {
                    report.skip(
                        SkipKind::Value,
                        format!("resource {address} count"),
                        why,
                        f,
                        at,
                    );
                    return None;
                }
            }
        }
        let mut members: Vec<(String, usize, Tree)> = Vec::new();
        let mut failed = Vec::new();
        if mode == Mode::Data && ty == "aws_iam_policy_document" {
            match self.attr(i, "json", (file, at)) {
                Ok(v) => members.push(("json".to_string(), at, v)),
                Err((why, f, at)) => {
                    report.skip(
                        SkipKind::Value,
                        format!("data source {address}"),
                        why,
                        f,
                        at,
                    );
                    failed.push("json".to_string());
                }
            }
        } else {
            for s in body.iter() {
                match s {
                    Structure::Attribute(a) => {
                        let key = a.key.as_str();
                        if matches!(key, "count" | "depends_on" | "provider")
                            || (mode == Mode::Managed && super::build::unread(&ty, key))
                        {
                            continue;
                        }
                        match self.attr(i, key, (file, start(a.value.span()))) {
                            Ok(v) => members.push((key.to_string(), start(a.key.span()), v)),
                            Err((why, f, at)) => {
                                report.skip(
                                    SkipKind::Value,
                                    format!("{address} {key}"),
                                    why,
                                    f,
                                    at,
                                );
                                failed.push(key.to_string());
                            }
                        }
                    }
                    Structure::Block(b) => {
                        let ident = b.ident.as_str();
                        let at = start(b.span());
                        match ident {
                            "lifecycle" | "timeouts" | "provisioner" | "connection" => {}
                            "dynamic" => report.skip(
                                SkipKind::TemplateSection,
                                format!(
                                    "{address} dynamic block {}",
                                    b.labels.first().map_or("", |l| l.as_str())
                                ),
                                "dynamic blocks are not expanded; import the plan (terraform show -json) to read them",
                                file,
                                at,
                            ),
                            _ => {
                                let value = self.block_value(file, &b.body, &address, report);
                                match members.iter_mut().find(|(k, _, _)| k == ident) {
                                    Some((_, _, Tree { kind: Kind::Seq(items), .. })) => items.push(value),
                                    _ => members.push((ident.to_string(), at, tree(Kind::Seq(vec![value]), at))),
                                }
                            }
                        }
                    }
                }
            }
        }
        Some(TfResource {
            mode,
            ty,
            name,
            address,
            module: String::new(),
            file,
            at,
            values: tree(Kind::Map(members), at),
            failed,
        })
    }

    /// A nested block's attributes (and its own blocks) as a mapping; what cannot be evaluated
    /// is listed and left out.
    fn block_value(
        &mut self,
        file: usize,
        body: &'a Body,
        address: &str,
        report: &mut Report<'_>,
    ) -> Tree {
        let at = start(body.span());
        let mut members: Vec<(String, usize, Tree)> = Vec::new();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => match self.eval(file, &a.value) {
                    Ok(v) => members.push((a.key.as_str().to_string(), start(a.key.span()), v)),
                    Err((why, f, at)) => report.skip(
                        SkipKind::Value,
                        format!("{address} {}", a.key.as_str()),
                        why,
                        f,
                        at,
                    ),
                },
                Structure::Block(b) => {
                    let v = self.block_value(file, &b.body, address, report);
                    let ident = b.ident.as_str();
                    match members.iter_mut().find(|(k, _, _)| k == ident) {
                        Some((
                            _,
                            _,
                            Tree {
                                kind: Kind::Seq(items),
                                ..
                            },
                        )) => items.push(v),
                        _ => members.push((
                            ident.to_string(),
                            start(b.span()),
                            tree(Kind::Seq(vec![v]), at),
                        )),
                    }
                }
            }
        }
        tree(Kind::Map(members), at)
    }

    /// Attribute `attr` of declaration `i`, as a reference from `place` sees it.
    fn attr(&mut self, i: usize, attr: &str, place: (usize, usize)) -> Result<Tree, Unresolved> {
        let Some(d) = self.decls.get(i) else {
            return Err(("no such resource".to_string(), place.0, place.1));
        };
        let what = format!("{}.{attr}", d.address());
        self.memo(Key::Attr(i, attr.to_string()), &what, place, |ev| {
            ev.compute_attr(i, attr)
        })
    }

    fn compute_attr(&mut self, i: usize, attr: &str) -> Result<Tree, Unresolved> {
        let Some(d) = self.decls.get(i) else {
            return Err(("no such resource".to_string(), 0, 0));
        };
        let (file, at, body, mode) = (d.file, d.at, d.body, d.mode);
        let (ty, address) = (d.ty.clone(), d.address());
        if mode == Mode::Data && ty == "aws_iam_policy_document" && attr == "json" {
            return self.policy_document(file, body, at);
        }
        if let Some(&e) = self.attributes.get(&(i, attr)) {
            return self.eval(file, e);
        }
        let _ = body;
        // A value AWS computes: derived from the name as AWS derives it.
        let mut members = Vec::new();
        for key in ["name", "path", "bucket", "description", "tags"] {
            if let Some(&e) = self.attributes.get(&(i, key))
                && let Ok(v) = self.attr(i, key, (file, start(e.span())))
            {
                members.push((key.to_string(), at, v));
            }
        }
        let r = TfResource {
            mode,
            ty: ty.clone(),
            name: self
                .decls
                .get(i)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            address: address.clone(),
            module: String::new(),
            file,
            at,
            values: tree(Kind::Map(members), at),
            failed: Vec::new(),
        };
        let value = match (mode, ty.as_str(), attr) {
            (Mode::Managed, "aws_kms_key", "key_id" | "id") => Some(kms_key_name(&r)),
            (Mode::Managed, "aws_kms_key", "arn") => Some(format!(
                "arn:aws:kms:{}:{}:key/{}",
                self.region,
                self.account,
                kms_key_name(&r)
            )),
            (Mode::Managed, "aws_vpc_endpoint", "id") => Some(vpc_endpoint_id(&r).0),
            _ => computed_attribute(&r, attr, &self.account, &self.region),
        };
        match value {
            Some(v) => Ok(tree(Kind::Str(v), at)),
            None => Err((
                format!("{address}.{attr} is known only after applying"),
                file,
                at,
            )),
        }
    }

    /// Evaluates an expression of file `file`.
    fn eval(&mut self, file: usize, e: &'a Expression) -> Result<Tree, Unresolved> {
        let at = start(e.span());
        let unsupported =
            |what: &str| Err((format!("{what} are not evaluated by the import"), file, at));
        match e {
            Expression::Null(_) => Ok(tree(Kind::Null, at)),
            Expression::Bool(b) => Ok(tree(Kind::Bool(*b.value()), at)),
            Expression::Number(n) => {
                let n = serde_json::from_str::<serde_json::Number>(&n.value().to_string())
                    .map_err(|_| ("a number out of range".to_string(), file, at))?;
                Ok(tree(Kind::Number(n), at))
            }
            Expression::String(s) => Ok(tree(Kind::Str(s.value().clone()), at)),
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.eval(file, item)?);
                }
                Ok(tree(Kind::Seq(out), at))
            }
            Expression::Object(object) => {
                let mut members = Members::default();
                for (k, v) in object.iter() {
                    let key_at = start(k.span());
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(ke) => {
                            let kv = self.eval(file, ke)?;
                            scalar(&kv).ok_or((
                                "an object key that is not a text".to_string(),
                                file,
                                key_at,
                            ))?
                        }
                    };
                    let value = self.eval(file, v.expr())?;
                    members.set(key, key_at, value);
                }
                Ok(tree(Kind::Map(members.list), at))
            }
            Expression::StringTemplate(t) => self.template(file, t, at),
            Expression::HeredocTemplate(h) => self.template(file, &h.template, at),
            Expression::Parenthesis(p) => self.eval(file, p.inner()),
            Expression::Variable(v) => Err((
                format!(
                    "the name {} alone is not a value the import knows",
                    v.as_str()
                ),
                file,
                at,
            )),
            Expression::Conditional(c) => {
                let cond = self.eval(file, &c.cond_expr)?;
                match cond.kind {
                    Kind::Bool(true) => self.eval(file, &c.true_expr),
                    Kind::Bool(false) => self.eval(file, &c.false_expr),
                    _ => Err((
                        "a condition that is not true or false".to_string(),
                        file,
                        at,
                    )),
                }
            }
            Expression::FuncCall(f) => self.call(file, f, at),
            Expression::Traversal(t) => self.traversal(file, t, at),
            Expression::UnaryOp(op) => {
                let v = self.eval(file, &op.expr)?;
                match (op.operator.value(), v.kind) {
                    (UnaryOperator::Not, Kind::Bool(b)) => Ok(tree(Kind::Bool(!b), at)),
                    _ => unsupported("arithmetic operators"),
                }
            }
            Expression::BinaryOp(op) => {
                let l = self.eval(file, &op.lhs_expr)?;
                let r = self.eval(file, &op.rhs_expr)?;
                match (op.operator.value(), &l.kind, &r.kind) {
                    (BinaryOperator::Eq, _, _) => Ok(tree(Kind::Bool(same(&l, &r)), at)),
                    (BinaryOperator::NotEq, _, _) => Ok(tree(Kind::Bool(!same(&l, &r)), at)),
                    (BinaryOperator::And, Kind::Bool(a), Kind::Bool(b)) => {
                        Ok(tree(Kind::Bool(*a && *b), at))
                    }
                    (BinaryOperator::Or, Kind::Bool(a), Kind::Bool(b)) => {
                        Ok(tree(Kind::Bool(*a || *b), at))
                    }
                    _ => unsupported("arithmetic and comparison operators"),
                }
            }
            Expression::ForExpr(_) => unsupported("for expressions"),
        }
    }

    /// A template's text: literals, and interpolations of texts, numbers and booleans.
    fn template(&mut self, file: usize, t: &'a Template, at: usize) -> Result<Tree, Unresolved> {
        let mut out = String::new();
        for element in t.iter() {
            match element {
                Element::Literal(l) => out.push_str(l.value()),
                Element::Interpolation(i) => {
                    let v = self.eval(file, &i.expr)?;
                    match scalar(&v) {
                        Some(s) => out.push_str(&s),
                        None => {
                            return Err((
                                "an interpolation of a value that is not a text".to_string(),
                                file,
                                start(i.expr.span()),
                            ));
                        }
                    }
                }
                Element::Directive(_) => {
                    return Err((
                        "template directives (%{if}, %{for}) are not evaluated by the import"
                            .to_string(),
                        file,
                        at,
                    ));
                }
            }
        }
        self.charge(out.len(), file, at)?;
        Ok(tree(Kind::Str(out), at))
    }

    /// A reference (`var.x`, `local.y`, `aws_iam_user.a.name`, `data.t.n.attr`) and what
    /// follows it (`.key`, `[index]`).
    fn traversal(
        &mut self,
        file: usize,
        t: &'a hcl::edit::expr::Traversal,
        at: usize,
    ) -> Result<Tree, Unresolved> {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let attr_name = |op: Option<&&TraversalOperator>| match op {
            Some(TraversalOperator::GetAttr(name)) => Some(name.as_str().to_string()),
            _ => None,
        };
        let (value, rest): (Tree, &[&TraversalOperator]) = match &t.expr {
            Expression::Variable(root) => match root.as_str() {
                "var" => {
                    let name =
                        attr_name(ops.first()).ok_or(("var needs a name".to_string(), file, at))?;
                    (
                        self.variable(&name, (file, at))?,
                        ops.get(1..).unwrap_or_default(),
                    )
                }
                "local" => {
                    let name = attr_name(ops.first()).ok_or((
                        "local needs a name".to_string(),
                        file,
                        at,
                    ))?;
                    (
                        self.local(&name, (file, at))?,
                        ops.get(1..).unwrap_or_default(),
                    )
                }
                "data" => {
                    let (Some(ty), Some(name)) = (attr_name(ops.first()), attr_name(ops.get(1)))
                    else {
                        return Err(("data needs a type and a name".to_string(), file, at));
                    };
                    self.reference(
                        Mode::Data,
                        &ty,
                        &name,
                        ops.get(2..).unwrap_or_default(),
                        (file, at),
                    )?
                }
                "path" | "terraform" | "count" | "each" | "self" | "module" => {
                    return Err((
                        format!("{}.… is known only while Terraform runs", root.as_str()),
                        file,
                        at,
                    ));
                }
                ty => {
                    let Some(name) = attr_name(ops.first()) else {
                        return Err((format!("{ty} needs a name"), file, at));
                    };
                    self.reference(
                        Mode::Managed,
                        ty,
                        &name,
                        ops.get(1..).unwrap_or_default(),
                        (file, at),
                    )?
                }
            },
            other => (self.eval(file, other)?, ops.as_slice()),
        };
        let mut value = value;
        for op in rest {
            value = match op {
                TraversalOperator::GetAttr(k) => match &value.kind {
                    Kind::Map(_) => value.get(k.as_str()).cloned().ok_or((
                        format!("the object has no key {}", k.as_str()),
                        file,
                        at,
                    ))?,
                    _ => {
                        return Err((
                            format!(".{} of a value that is not an object", k.as_str()),
                            file,
                            at,
                        ));
                    }
                },
                TraversalOperator::Index(i) => {
                    let index = self.eval(file, i)?;
                    self.index(&value, &index, file, at)?
                }
                TraversalOperator::LegacyIndex(n) => {
                    let index = tree(Kind::Number(serde_json::Number::from(*n.value())), at);
                    self.index(&value, &index, file, at)?
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    return Err((
                        "splat expressions ([*]) are not evaluated by the import".to_string(),
                        file,
                        at,
                    ));
                }
            };
        }
        Ok(value)
    }

    fn index(
        &self,
        value: &Tree,
        index: &Tree,
        file: usize,
        at: usize,
    ) -> Result<Tree, Unresolved> {
        match (&value.kind, &index.kind) {
            (Kind::Seq(items), Kind::Number(n)) => n
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .and_then(|n| items.get(n))
                .cloned()
                .ok_or(("an index past the end of the list".to_string(), file, at)),
            (Kind::Map(_), _) => {
                let key = scalar(index).unwrap_or_default();
                value
                    .get(&key)
                    .cloned()
                    .ok_or((format!("the object has no key {key}"), file, at))
            }
            _ => Err((
                "an index into a value that is not a list or object".to_string(),
                file,
                at,
            )),
        }
    }

    /// `type.name.attr…` of a resource or data source.
    fn reference<'o>(
        &mut self,
        mode: Mode,
        ty: &str,
        name: &str,
        ops: &'o [&'a TraversalOperator],
        place: (usize, usize),
    ) -> Result<(Tree, &'o [&'a TraversalOperator]), Unresolved> {
        let prefix = if mode == Mode::Data { "data." } else { "" };
        let Some(&i) = self.by_name.get(&(mode, ty.to_string(), name.to_string())) else {
            return Err((
                format!("it refers to {prefix}{ty}.{name}, which is not in the configuration"),
                place.0,
                place.1,
            ));
        };
        let mut ops = ops;
        // `aws_x.y[0]` of a resource with `count = 1`.
        if let Some((TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_), rest)) =
            ops.split_first().map(|(o, r)| (*o, r))
        {
            let counted = self.decls.get(i).is_some_and(|d| d.counted)
                || self.attributes.contains_key(&(i, "count"));
            if !counted {
                return Err((
                    format!("{prefix}{ty}.{name} is not a list of instances"),
                    place.0,
                    place.1,
                ));
            }
            ops = rest;
        }
        let Some((TraversalOperator::GetAttr(attr), rest)) =
            ops.split_first().map(|(o, r)| (*o, r))
        else {
            return Err((
                format!(
                    "a reference to the whole of {prefix}{ty}.{name} is not evaluated by the import; name one of its attributes"
                ),
                place.0,
                place.1,
            ));
        };
        let value = self.attr(i, attr.as_str(), place).map_err(|(why, f, at)| {
            if (f, at) == place {
                (why, f, at)
            } else {
                (
                    format!(
                        "it refers to {prefix}{ty}.{name}.{}, which cannot be evaluated ({why})",
                        attr.as_str()
                    ),
                    place.0,
                    place.1,
                )
            }
        })?;
        Ok((value, rest))
    }

    fn variable(&mut self, name: &str, place: (usize, usize)) -> Result<Tree, Unresolved> {
        let Some(&(file, default, _)) = self.variables.get(name) else {
            return Err((
                format!("it refers to var.{name}, which is not declared"),
                place.0,
                place.1,
            ));
        };
        let Some(default) = default else {
            return Err((
                format!("var.{name} has no default, and the import has no value for it"),
                place.0,
                place.1,
            ));
        };
        self.memo(
            Key::Var(name.to_string()),
            &format!("var.{name}"),
            place,
            |ev| ev.eval(file, default),
        )
    }

    fn local(&mut self, name: &str, place: (usize, usize)) -> Result<Tree, Unresolved> {
        let Some(&(file, e)) = self.locals.get(name) else {
            return Err((
                format!("it refers to local.{name}, which is not declared"),
                place.0,
                place.1,
            ));
        };
        self.memo(
            Key::Local(name.to_string()),
            &format!("local.{name}"),
            place,
            |ev| ev.eval(file, e),
        )
        .map_err(|(why, f, at)| {
            if f == place.0 && at == place.1 {
                (why, f, at)
            } else {
                (
                    format!("it refers to local.{name}, which cannot be evaluated ({why})"),
                    place.0,
                    place.1,
                )
            }
        })
    }

    /// A function call.
    fn call(
        &mut self,
        file: usize,
        f: &'a hcl::edit::expr::FuncCall,
        at: usize,
    ) -> Result<Tree, Unresolved> {
        let name = f.name.name.as_str();
        if f.name.is_namespaced() || f.args.expand_final() {
            return Err((
                format!("the call of {name} is not evaluated by the import"),
                file,
                at,
            ));
        }
        const FUNCTIONS: &[&str] = &[
            "jsonencode",
            "jsondecode",
            "tolist",
            "toset",
            "tomap",
            "tostring",
            "tonumber",
            "tobool",
            "sensitive",
            "nonsensitive",
            "concat",
            "join",
            "format",
            "lower",
            "upper",
            "trimspace",
            "replace",
            "merge",
        ];
        if !FUNCTIONS.contains(&name) {
            return Err((
                format!("the function {name} is not evaluated by the import"),
                file,
                at,
            ));
        }
        let mut args = Vec::with_capacity(f.args.len());
        for a in f.args.iter() {
            args.push(self.eval(file, a)?);
        }
        let text = |t: &Tree| scalar(t).ok_or((format!("{name} takes texts"), file, at));
        let value = match (name, args.as_slice()) {
            ("jsonencode", [v]) => {
                let json = serde_json::to_string(&to_node(v, true)).unwrap_or_default();
                self.charge(json.len(), file, at)?;
                Kind::Str(json)
            }
            ("jsondecode", [v]) => {
                let s = text(v)?;
                let node: Node = serde_json::from_str(&s).map_err(|e| {
                    (
                        format!("jsondecode of a text that is not JSON: {e}"),
                        file,
                        at,
                    )
                })?;
                from_node(&node, at, 0).kind
            }
            (
                "tolist" | "toset" | "tomap" | "tostring" | "tonumber" | "tobool" | "sensitive"
                | "nonsensitive",
                [v],
            ) => v.kind.clone(),
            ("concat", lists) => {
                let mut out = Vec::new();
                for l in lists {
                    match &l.kind {
                        Kind::Seq(items) => out.extend(items.iter().cloned()),
                        _ => return Err(("concat takes lists".to_string(), file, at)),
                    }
                }
                Kind::Seq(out)
            }
            ("join", [sep, list]) => {
                let sep = text(sep)?;
                let items = list
                    .seq()
                    .ok_or(("join takes a list".to_string(), file, at))?;
                let parts = items.iter().map(&text).collect::<Result<Vec<_>, _>>()?;
                let joined = parts.join(&sep);
                self.charge(joined.len(), file, at)?;
                Kind::Str(joined)
            }
            ("format", [spec, rest @ ..]) => {
                let spec = text(spec)?;
                let out = format_spec(&spec, rest).ok_or((
                    "format with verbs other than %s, %d, %v and %% is not evaluated by the import"
                        .to_string(),
                    file,
                    at,
                ))?;
                self.charge(out.len(), file, at)?;
                Kind::Str(out)
            }
            ("lower", [v]) => Kind::Str(text(v)?.to_lowercase()),
            ("upper", [v]) => Kind::Str(text(v)?.to_uppercase()),
            ("trimspace", [v]) => Kind::Str(text(v)?.trim().to_string()),
            ("replace", [s, from, to]) => {
                let (s, from, to) = (text(s)?, text(from)?, text(to)?);
                if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                    return Err((
                        "replace with a regular expression is not evaluated by the import"
                            .to_string(),
                        file,
                        at,
                    ));
                }
                let out = if from.is_empty() {
                    s
                } else {
                    s.replace(&from, &to)
                };
                self.charge(out.len(), file, at)?;
                Kind::Str(out)
            }
            ("merge", maps) => {
                let mut out = Members::default();
                for m in maps {
                    for (k, kat, v) in
                        m.map()
                            .ok_or(("merge takes objects".to_string(), file, at))?
                    {
                        out.set(k.clone(), *kat, v.clone());
                    }
                }
                Kind::Map(out.list)
            }
            (
                "jsonencode" | "jsondecode" | "tolist" | "toset" | "tomap" | "tostring"
                | "tonumber" | "tobool" | "join" | "lower" | "upper" | "trimspace" | "replace"
                | "format",
                _,
            ) => {
                return Err((
                    format!("{name} is called with the wrong number of arguments"),
                    file,
                    at,
                ));
            }
            _ => {
                return Err((
                    format!("the function {name} is not evaluated by the import"),
                    file,
                    at,
                ));
            }
        };
        Ok(tree(value, at))
    }

    /// A `data "aws_iam_policy_document"`'s `json`, as the AWS provider writes it.
    fn policy_document(
        &mut self,
        file: usize,
        body: &'a Body,
        at: usize,
    ) -> Result<Tree, Unresolved> {
        for b in body.blocks() {
            if b.ident.as_str() == "dynamic" {
                return Err((
                    "its dynamic blocks are not expanded; import the plan (terraform show -json) to read the document".to_string(),
                    file,
                    start(b.span()),
                ));
            }
        }
        let text_attr =
            |ev: &mut Self, body: &'a Body, key: &str| -> Result<Option<String>, Unresolved> {
                match body.get_attribute(key) {
                    Some(a) => {
                        let v = ev.eval(file, &a.value)?;
                        match v.kind {
                            Kind::Null => Ok(None),
                            _ => scalar(&v).map(Some).ok_or((
                                format!("{key} is not a text"),
                                file,
                                start(a.value.span()),
                            )),
                        }
                    }
                    None => Ok(None),
                }
            };
        let list_attr =
            |ev: &mut Self, body: &'a Body, key: &str| -> Result<Option<Vec<String>>, Unresolved> {
                match body.get_attribute(key) {
                    Some(a) => {
                        let v = ev.eval(file, &a.value)?;
                        match &v.kind {
                            Kind::Null => Ok(None),
                            Kind::Seq(items) => items
                                .iter()
                                .map(|i| {
                                    scalar(i).ok_or((
                                        format!("{key} holds a value that is not a text"),
                                        file,
                                        i.at,
                                    ))
                                })
                                .collect::<Result<Vec<_>, _>>()
                                .map(Some),
                            _ => Err((format!("{key} is not a list"), file, start(a.value.span()))),
                        }
                    }
                    None => Ok(None),
                }
            };
        let one_or_many = |items: Vec<String>| match items.as_slice() {
            [one] => Node::str(one.clone()),
            _ => Node::Seq(items.into_iter().map(Node::Str).collect()),
        };
        let mut statements: Vec<Node> = Vec::new();
        let mut by_sid: HashMap<String, usize> = HashMap::new();
        // source_policy_documents first, then this document's statements (a statement whose
        // Sid is already there replaces it), then override_policy_documents (the same way).
        let merge = |statements: &mut Vec<Node>, by_sid: &mut HashMap<String, usize>, s: Node| {
            match sid_of(&s) {
                Some(sid) => match by_sid.get(&sid) {
                    Some(&i) => {
                        if let Some(slot) = statements.get_mut(i) {
                            *slot = s;
                        }
                    }
                    None => {
                        by_sid.insert(sid, statements.len());
                        statements.push(s);
                    }
                },
                None => statements.push(s),
            }
        };
        let docs = |ev: &mut Self, key: &str| -> Result<Vec<Node>, Unresolved> {
            let mut out = Vec::new();
            for json in list_attr(ev, body, key)?.unwrap_or_default() {
                let node: Node = serde_json::from_str(&json).map_err(|e| {
                    (
                        format!("{key} holds a text that is not JSON: {e}"),
                        file,
                        at,
                    )
                })?;
                if let Node::Map(members) = node {
                    for (k, v) in members {
                        if k == "Statement" {
                            match v {
                                Node::Seq(items) => out.extend(items),
                                other => out.push(other),
                            }
                        }
                    }
                }
            }
            Ok(out)
        };
        for s in docs(self, "source_policy_documents")? {
            merge(&mut statements, &mut by_sid, s);
        }
        for b in body.get_blocks("statement") {
            let sb = &b.body;
            let mut st = Node::map();
            if let Some(sid) = text_attr(self, sb, "sid")?.filter(|s| !s.is_empty()) {
                st.insert("Sid", Node::Str(sid));
            }
            st.insert(
                "Effect",
                Node::Str(text_attr(self, sb, "effect")?.unwrap_or_else(|| "Allow".to_string())),
            );
            for (key, json) in [
                ("actions", "Action"),
                ("not_actions", "NotAction"),
                ("resources", "Resource"),
                ("not_resources", "NotResource"),
            ] {
                if let Some(items) = list_attr(self, sb, key)?.filter(|i| !i.is_empty()) {
                    // The provider reads `&{…}` as `${…}` in resources (and principals'
                    // identifiers and condition values), not in actions.
                    let items = if key.ends_with("resources") {
                        items.iter().map(|i| and_to_dollar(i)).collect()
                    } else {
                        items
                    };
                    st.insert(json, one_or_many(items));
                }
            }
            for (key, json) in [
                ("principals", "Principal"),
                ("not_principals", "NotPrincipal"),
            ] {
                let mut principal: Vec<(String, Vec<String>)> = Vec::new();
                for p in sb.get_blocks(key) {
                    let ty = text_attr(self, &p.body, "type")?.unwrap_or_default();
                    let ids: Vec<String> = list_attr(self, &p.body, "identifiers")?
                        .unwrap_or_default()
                        .iter()
                        .map(|i| and_to_dollar(i))
                        .collect();
                    match principal.iter_mut().find(|(t, _)| *t == ty) {
                        Some((_, list)) => list.extend(ids),
                        None => principal.push((ty, ids)),
                    }
                }
                match principal.as_slice() {
                    [] => {}
                    [(ty, ids)] if ty == "*" && ids.iter().all(|i| i == "*") => {
                        st.insert(json, Node::str("*"));
                    }
                    _ => {
                        let mut map = Node::map();
                        for (ty, ids) in principal {
                            map.insert(ty, one_or_many(ids));
                        }
                        st.insert(json, map);
                    }
                }
            }
            let mut conditions: Conditions = Vec::new();
            for c in sb.get_blocks("condition") {
                let test = text_attr(self, &c.body, "test")?.unwrap_or_default();
                let variable = text_attr(self, &c.body, "variable")?.unwrap_or_default();
                let values: Vec<String> = list_attr(self, &c.body, "values")?
                    .unwrap_or_default()
                    .iter()
                    .map(|v| and_to_dollar(v))
                    .collect();
                let entry = match conditions.iter_mut().position(|(t, _)| *t == test) {
                    Some(i) => conditions.get_mut(i),
                    None => {
                        conditions.push((test, Vec::new()));
                        conditions.last_mut()
                    }
                };
                if let Some((_, vars)) = entry {
                    match vars.iter_mut().find(|(v, _)| *v == variable) {
                        Some((_, list)) => list.extend(values),
                        None => vars.push((variable, values)),
                    }
                }
            }
            if !conditions.is_empty() {
                let mut map = Node::map();
                for (test, vars) in conditions {
                    let mut inner = Node::map();
                    for (v, values) in vars {
                        inner.insert(v, one_or_many(values));
                    }
                    map.insert(test, inner);
                }
                st.insert("Condition", map);
            }
            merge(&mut statements, &mut by_sid, st);
        }
        for s in docs(self, "override_policy_documents")? {
            merge(&mut statements, &mut by_sid, s);
        }
        let mut doc = Node::map();
        doc.insert(
            "Version",
            Node::Str(
                text_attr(self, body, "version")?.unwrap_or_else(|| "2012-10-17".to_string()),
            ),
        );
        if let Some(id) = text_attr(self, body, "policy_id")? {
            doc.insert("Id", Node::Str(id));
        }
        doc.insert("Statement", Node::Seq(statements));
        let json = serde_json::to_string(&doc).unwrap_or_default();
        self.charge(json.len(), file, at)?;
        Ok(tree(Kind::Str(json), at))
    }
}

/// An object's members in order, where a repeated key keeps its first place and its last
/// value, found through a hash index so an object of many keys is built in linear time.
#[derive(Default)]
struct Members {
    list: Vec<(String, usize, Tree)>,
    index: HashMap<String, usize>,
}

impl Members {
    fn set(&mut self, key: String, at: usize, value: Tree) {
        match self.index.get(&key) {
            Some(&i) => {
                if let Some(slot) = self.list.get_mut(i) {
                    slot.2 = value;
                }
            }
            None => {
                self.index.insert(key.clone(), self.list.len());
                self.list.push((key, at, value));
            }
        }
    }
}

/// The provider's policy-document notation for a policy variable: `&{aws:username}` stands
/// for `${aws:username}` (which Terraform itself would interpolate), in resources, principals'
/// identifiers and condition values (the places the provider replaces it; a Sid, an action or
/// a condition key keeps `&{` as written).
fn and_to_dollar(s: &str) -> String {
    s.replace("&{", "${")
}

fn sid_of(statement: &Node) -> Option<String> {
    match statement {
        Node::Map(members) => members.iter().find_map(|(k, v)| match (k.as_str(), v) {
            ("Sid", Node::Str(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        }),
        _ => None,
    }
}

/// Whether two values are equal (ignoring where they are).
fn same(a: &Tree, b: &Tree) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Seq(x), Kind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Kind::Map(x), Kind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, _, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        (Kind::Number(x), Kind::Number(y)) => x.as_f64() == y.as_f64(),
        (x, y) => x == y,
    }
}

/// `format`'s `%s`, `%d`, `%v` and `%%`; `None` for any other verb or a missing argument.
fn format_spec(spec: &str, args: &[Tree]) -> Option<String> {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'd' | 'v' => out.push_str(&scalar(args.next()?)?),
            _ => return None,
        }
    }
    Some(out)
}

/// A value as JSON data; `sorted` gives objects' keys in lexical order, as Terraform's
/// `jsonencode` does.
fn to_node(t: &Tree, sorted: bool) -> Node {
    match &t.kind {
        Kind::Null => Node::Null,
        Kind::Bool(b) => Node::Bool(*b),
        Kind::Number(n) => Node::Number(n.clone()),
        Kind::Str(s) => Node::Str(s.clone()),
        Kind::Seq(items) => Node::Seq(items.iter().map(|i| to_node(i, sorted)).collect()),
        Kind::Map(members) => {
            let mut m: Vec<(String, Node)> = members
                .iter()
                .map(|(k, _, v)| (k.clone(), to_node(v, sorted)))
                .collect();
            if sorted {
                m.sort_by(|a, b| a.0.cmp(&b.0));
            }
            Node::from_members(m)
        }
    }
}

/// JSON data as a value at `at` (nesting bounded as the JSON reader bounds it).
fn from_node(n: &Node, at: usize, depth: usize) -> Tree {
    let kind = match n {
        _ if depth > 128 => Kind::Null,
        Node::Null => Kind::Null,
        Node::Bool(b) => Kind::Bool(*b),
        Node::Number(x) => Kind::Number(x.clone()),
        Node::Str(s) => Kind::Str(s.clone()),
        Node::Seq(items) => Kind::Seq(items.iter().map(|i| from_node(i, at, depth + 1)).collect()),
        Node::Map(members) => Kind::Map(
            members
                .iter()
                .map(|(k, v)| (k.clone(), at, from_node(v, at, depth + 1)))
                .collect(),
        ),
    };
    tree(kind, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The import of one text, without its policies.
    fn import_text(text: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
        super::import_text(text, options).map(|(imported, _)| imported)
    }

    /// The value of `local.v` in a configuration of one `locals` block, as text.
    fn local(expr: &str) -> Result<String, String> {
        let text = format!(
            "locals {{\n  v = {expr}\n}}\nresource \"aws_iam_user\" \"u\" {{\n  name = local.v\n}}\n"
        );
        let i = import_text(&text, &ImportOptions::default()).map_err(|e| e.to_string())?;
        match i.skipped.first() {
            Some(s) => Err(s.why.clone()),
            None => Ok(i
                .scenario
                .users
                .first()
                .map(|u| u.name.clone())
                .unwrap_or_default()),
        }
    }

    #[test]
    fn templates_and_functions_evaluate() {
        assert_eq!(
            local(r#""a-${"b"}-$${aws:username}""#).unwrap(),
            "a-b-${aws:username}"
        );
        assert_eq!(
            local(r#"join("-", concat(["a"], ["b", "c"]))"#).unwrap(),
            "a-b-c"
        );
        assert_eq!(local(r#"format("%s/%d%%", "x", 7)"#).unwrap(), "x/7%");
        assert_eq!(
            local(r#"true && !false ? upper("yes") : "no""#).unwrap(),
            "YES"
        );
        assert_eq!(local(r#"{ a = "x", b = "y" }["b"]"#).unwrap(), "y");
        assert_eq!(local(r#"["p", "q"][1]"#).unwrap(), "q");
        assert_eq!(
            local(r#"jsondecode("{\"k\": [\"v\"]}").k[0]"#).unwrap(),
            "v"
        );
        assert_eq!(
            local(r#"replace(trimspace("  a.b "), ".", "_")"#).unwrap(),
            "a_b"
        );
        // jsonencode writes object keys in lexical order, as Terraform does.
        assert_eq!(
            local(r#"jsonencode({ b = 1, a = [true, null] })"#).unwrap(),
            r#"{"a":[true,null],"b":1}"#
        );
        assert_eq!(
            local("\"x\" == \"x\" ? \"same\" : \"other\"").unwrap(),
            "same"
        );
    }

    #[test]
    fn what_is_not_evaluated_says_why() {
        assert!(
            local(r#""%{if true}x%{endif}""#)
                .unwrap_err()
                .contains("directives")
        );
        assert!(
            local(r#"[for x in ["a"] : x][0]"#)
                .unwrap_err()
                .contains("for expressions")
        );
        assert!(local(r#"timestamp()"#).unwrap_err().contains("timestamp"));
        assert!(local(r#"regex("a", "b")"#).unwrap_err().contains("regex"));
        assert!(local("1 + 2").unwrap_err().contains("arithmetic"));
        assert!(local(r#"each.key"#).unwrap_err().contains("each"));
        assert!(local(r#"["a"][*]"#).is_err());
        assert!(local(r#"["a"][3]"#).unwrap_err().contains("past the end"));
    }

    #[test]
    fn a_heredoc_policy_keeps_its_json() {
        let text = "resource \"aws_iam_policy\" \"p\" {\n  name = \"p\"\n  policy = <<EOT\n{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::b/$${aws:username}\"}]}\nEOT\n}\n";
        let i = import_text(text, &ImportOptions::default()).unwrap();
        let doc: serde_json::Value =
            serde_json::from_str(&i.scenario.policies[0].document).unwrap();
        assert_eq!(
            doc["Statement"][0]["Resource"],
            "arn:aws:s3:::b/${aws:username}"
        );
    }

    #[test]
    fn policy_documents_merge_and_collapse_like_the_provider() {
        let text = r#"
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "A"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "d" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  policy_id               = "doc"
  statement {
    sid     = "A"
    effect  = "Deny"
    actions = ["s3:*"]
    not_resources = ["arn:aws:s3:::keep", "arn:aws:s3:::keep/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalTag/team"
      values   = ["a"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/team"
      values   = ["a", "b"]
    }
  }
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.bucket
  policy = data.aws_iam_policy_document.d.json
}
"#;
        let i = import_text(text, &ImportOptions::default()).unwrap();
        assert!(i.skipped.is_empty(), "{:?}", i.skipped);
        let doc: serde_json::Value =
            serde_json::from_str(i.scenario.resources[0].policy.as_deref().unwrap()).unwrap();
        assert_eq!(
            doc,
            serde_json::json!({
                "Version": "2012-10-17",
                "Id": "doc",
                "Statement": [{
                    "Sid": "A",
                    "Effect": "Deny",
                    "Action": "s3:*",
                    "NotResource": ["arn:aws:s3:::keep", "arn:aws:s3:::keep/*"],
                    "Principal": "*",
                    "Condition": {"StringEquals": {
                        "aws:PrincipalTag/team": "a",
                        "aws:ResourceTag/team": ["a", "b"]
                    }}
                }]
            })
        );
    }

    #[test]
    fn resource_policies_attach_by_name_url_and_arn() {
        let text = r#"
variable "vpc_id" {}
resource "aws_sqs_queue" "q" {
  name = "orders"
}
resource "aws_sqs_queue_policy" "q" {
  queue_url = aws_sqs_queue.q.id
  policy    = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = aws_sqs_queue.q.arn }] })
}
resource "aws_sns_topic" "t" {
  name = "alerts"
}
resource "aws_sns_topic_policy" "t" {
  arn    = aws_sns_topic.t.arn
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = "*", Action = "sns:Publish", Resource = aws_sns_topic.t.arn }] })
}
resource "aws_kms_key" "k" {
  description = "The key app-key of the scenario."
}
resource "aws_vpc_endpoint" "vpce_0a1b2c3d" {
  vpc_id       = var.vpc_id
  service_name = "com.amazonaws.us-east-1.s3"
  policy       = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:kms:us-east-1:111122223333:key/${aws_kms_key.k.key_id}" }] })
}
"#;
        let i = import_text(text, &ImportOptions::default()).unwrap();
        // vpc_id is not modelled, so its variable without a default is not needed.
        assert!(i.skipped.is_empty(), "{:?}", i.skipped);
        let s = &i.scenario;
        let policy = |name: &str| {
            let r = s.resources.iter().find(|r| r.name == name).unwrap();
            serde_json::from_str::<serde_json::Value>(r.policy.as_deref().unwrap()).unwrap()
        };
        assert_eq!(
            policy("orders")["Statement"][0]["Resource"],
            "arn:aws:sqs:us-east-1:111122223333:orders"
        );
        assert_eq!(
            policy("alerts")["Statement"][0]["Resource"],
            "arn:aws:sns:us-east-1:111122223333:alerts"
        );
        assert_eq!(
            policy("vpce-0a1b2c3d")["Statement"][0]["Resource"],
            "arn:aws:kms:us-east-1:111122223333:key/app-key"
        );
        assert!(s.resources.iter().any(|r| r.name == "app-key"));
    }

    #[test]
    fn every_attachment_kind_attaches() {
        let text = r#"
resource "aws_iam_policy" "boundary" {
  name   = "Boundary"
  path   = "/limits/"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
resource "aws_iam_user" "a" {
  name                 = "ana"
  permissions_boundary = aws_iam_policy.boundary.arn
}
resource "aws_iam_user" "b" {
  name = "ben"
}
resource "aws_iam_group" "ops" {
  name = "ops"
}
resource "aws_iam_role" "r" {
  name                = "runner"
  assume_role_policy  = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}
resource "aws_iam_group_membership" "ops" {
  name  = "ops-members"
  group = aws_iam_group.ops.name
  users = [aws_iam_user.a.name, aws_iam_user.b.name]
}
resource "aws_iam_policy_attachment" "everyone" {
  name       = "everyone"
  policy_arn = aws_iam_policy.boundary.arn
  users      = [aws_iam_user.b.name]
  groups     = [aws_iam_group.ops.name]
  roles      = [aws_iam_role.r.name]
}
resource "aws_iam_role_policy_attachment" "again" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
resource "aws_iam_group_policy" "g" {
  name   = "ops-inline"
  group  = aws_iam_group.ops.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ec2:Describe*", Resource = "*" }] })
}
resource "aws_iam_role_policy" "r" {
  name   = "runner-inline"
  role   = aws_iam_role.r.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:ListBucket", Resource = "*" }] })
}
resource "aws_iam_user_policy_attachment" "nobody" {
  user       = "nobody"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
"#;
        let i = import_text(text, &ImportOptions::default()).unwrap();
        let s = &i.scenario;
        let boundary = crate::scenario::PolicyRef::Customer("Boundary".to_string());
        let ana = s.user("ana").unwrap();
        assert_eq!(ana.permissions_boundary, Some(boundary.clone()));
        assert_eq!(ana.groups, vec!["ops"]);
        let ben = s.user("ben").unwrap();
        assert_eq!(ben.groups, vec!["ops"]);
        assert_eq!(ben.managed_policies, vec![boundary.clone()]);
        let ops = s.group("ops").unwrap();
        assert_eq!(ops.managed_policies, vec![boundary.clone()]);
        assert_eq!(ops.inline_policies[0].name, "ops-inline");
        let runner = s.role("runner").unwrap();
        // ReadOnlyAccess from managed_policy_arns and from the attachment: once.
        assert_eq!(
            runner.managed_policies,
            vec![
                crate::scenario::PolicyRef::Aws(
                    "arn:aws:iam::aws:policy/ReadOnlyAccess".to_string()
                ),
                boundary
            ]
        );
        assert_eq!(runner.inline_policies[0].name, "runner-inline");
        assert_eq!(s.policy("Boundary").unwrap().path, "/limits/");
        // The near miss: an attachment to a user the configuration does not have.
        assert_eq!(i.skipped.len(), 1, "{:?}", i.skipped);
        assert!(
            i.skipped[0]
                .what
                .contains("aws_iam_user_policy_attachment.nobody")
        );
        assert!(i.skipped[0].why.contains("not in the configuration"));
    }

    #[test]
    fn deep_reference_chains_stop() {
        let mut text = String::from("locals {\n  l0 = \"x\"\n");
        for n in 1..400 {
            text.push_str(&format!("  l{n} = local.l{}\n", n - 1));
        }
        text.push_str("}\nresource \"aws_iam_user\" \"u\" {\n  name = local.l399\n}\n");
        let i = import_text(&text, &ImportOptions::default()).unwrap();
        assert!(
            i.skipped[0].why.contains("nest more than"),
            "{:?}",
            i.skipped
        );
        assert_eq!(i.skipped[0].line, Some(404));
    }

    #[test]
    fn policies_in_gives_every_document_with_its_type_file_and_attribute() {
        use crate::policy::PolicyType;
        let documents = "data \"aws_iam_policy_document\" \"pass\" {\n  statement {\n    actions   = [\"iam:PassRole\"]\n    resources = [\"*\"]\n  }\n}\n";
        let roles = r#"resource "aws_iam_role" "deploy" {
  name               = "deploy"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  inline_policy {
    name   = "read"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
  }
}

resource "aws_iam_policy" "pass" {
  name   = "pass"
  policy = data.aws_iam_policy_document.pass.json
}

resource "aws_s3_bucket" "b" {
  bucket = "b"
}

resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" }] })
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id       = var.vpc
  service_name = "com.amazonaws.us-east-1.s3"
  policy       = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:*", Resource = "*" }] })
}

resource "aws_iam_user_policy" "unknown" {
  name   = "unknown"
  user   = "nobody"
  policy = var.no_default
}
"#;
        let files = [
            TerraformFile {
                name: "documents.tf".to_string(),
                text: documents.to_string(),
            },
            TerraformFile {
                name: "roles.tf".to_string(),
                text: roles.to_string(),
            },
        ];
        let (_, found) = terraform_policies_in(&files, &ImportOptions::default()).unwrap();
        let got: Vec<(usize, &str, PolicyType, usize)> = found
            .iter()
            .map(|(file, f)| {
                let text = &files[*file].text;
                let line = text[..f.at].lines().count() + usize::from(text[..f.at].ends_with('\n'));
                (*file, f.what.as_str(), f.policy_type, line)
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    1,
                    "aws_iam_role.deploy assume_role_policy",
                    PolicyType::Trust,
                    3
                ),
                (
                    1,
                    "aws_iam_role.deploy inline_policy read",
                    PolicyType::Identity,
                    9
                ),
                (1, "aws_iam_policy.pass policy", PolicyType::Identity, 15),
                (1, "aws_vpc_endpoint.s3 policy", PolicyType::VpcEndpoint, 30),
                (1, "aws_s3_bucket_policy.b policy", PolicyType::Resource, 24),
            ]
        );
        // The data source's document is the policy's, evaluated in the other file.
        let pass = &found[2].1;
        assert!(pass.document.contains("iam:PassRole"), "{}", pass.document);
        // Every span of the document maps to the attribute's line.
        let span = pass.to_file(crate::span::Span::new(10, 20), roles);
        assert!(roles[span.start..span.end].starts_with("policy = data.aws_iam_policy_document"));
        // One file read alone through policies_in gives its documents too; a document whose
        // value cannot be known (the user policy's variable without a default) is not one.
        let (imported, found) =
            crate::import::policies_in(roles, &ImportOptions::default()).unwrap();
        assert_eq!(imported.source, Source::TerraformHcl);
        assert!(found.iter().all(|f| !f.what.contains("unknown")));
        assert!(
            found
                .iter()
                .any(|f| f.what == "aws_iam_role.deploy assume_role_policy")
        );
    }

    #[test]
    fn policies_in_gives_a_plans_documents_at_their_attribute() {
        use crate::policy::PolicyType;
        let plan = r#"{
  "format_version": "1.2",
  "terraform_version": "1.9.0",
  "planned_values": {
    "root_module": {
      "resources": [
        {
          "address": "aws_iam_role.deploy",
          "mode": "managed",
          "type": "aws_iam_role",
          "name": "deploy",
          "values": {
            "name": "deploy",
            "assume_role_policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"
          }
        },
        {
          "address": "aws_sqs_queue.q",
          "mode": "managed",
          "type": "aws_sqs_queue",
          "name": "q",
          "values": {
            "name": "q",
            "policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\"}]}"
          }
        }
      ]
    }
  }
}"#;
        let (imported, found) =
            crate::import::policies_in(plan, &ImportOptions::default()).unwrap();
        assert_eq!(imported.source, Source::TerraformPlan);
        let index = crate::span::LineIndex::new(plan);
        let got: Vec<(&str, PolicyType, usize)> = found
            .iter()
            .map(|f| (f.what.as_str(), f.policy_type, index.line_col(f.at).line))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "aws_iam_role.deploy assume_role_policy",
                    PolicyType::Trust,
                    14
                ),
                ("aws_sqs_queue.q policy", PolicyType::Resource, 24),
            ]
        );
    }
}
