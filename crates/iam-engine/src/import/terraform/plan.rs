//! `terraform show -json` of a saved plan or of the state → resources.
//!
//! A state holds every attribute's value (`values.root_module`, with `child_modules`). A plan
//! holds the values it will apply (`planned_values`), and the data sources it read while
//! planning (`prior_state`); a value AWS computes when the resource is created (a new policy's
//! `arn`) is absent there and flagged in the change's `after_unknown`. Such a value is
//! resolved through the `configuration`'s `expressions`: their `references`
//! (`aws_iam_policy.admin.arn`, `aws_iam_group.admins.name`) name another resource of the same
//! plan (in the same module), whose attribute is derived from its name as AWS derives it
//! ([`super::computed_attribute`]), or a root variable of the plan. What cannot be resolved
//! so is listed as skipped with its line.

use std::collections::{HashMap, HashSet};

use super::super::tree::{Kind, Tree};
use super::super::{DEFAULT_ACCOUNT_ID, ImportError, ImportOptions, SkipKind, Source};
use super::{Mode, Report, TfResource, computed_attribute, scalar};
use crate::scenario::DEFAULT_REGION;

/// The deepest module nesting followed.
const MAX_MODULE_DEPTH: usize = 32;

/// Attributes that hold lists of texts (a reference in them names one element).
const LIST_ATTRIBUTES: &[&str] = &["groups", "users", "roles", "managed_policy_arns"];

/// The resources of a plan or state, the source it is, and the account of the scenario.
pub(in super::super) fn resources(
    tree: &Tree,
    options: &ImportOptions,
    text: &str,
    report: &mut Report<'_>,
) -> Result<(Source, Vec<TfResource>, String), ImportError> {
    let plan = tree.get("planned_values").is_some();
    let source = if plan {
        Source::TerraformPlan
    } else {
        Source::TerraformState
    };
    let mut out = Vec::new();
    let root = if plan {
        tree.get("planned_values")
            .and_then(|p| p.get("root_module"))
    } else {
        tree.get("values").and_then(|p| p.get("root_module"))
    };
    if let Some(root) = root {
        walk(root, "", &mut out, 0);
    }
    if plan {
        // Data sources read while planning are in the prior state, not in the planned values.
        let mut seen: HashSet<String> = out.iter().map(|r| r.address.clone()).collect();
        let mut prior = Vec::new();
        if let Some(root) = tree
            .get("prior_state")
            .and_then(|p| p.get("values"))
            .and_then(|v| v.get("root_module"))
        {
            walk(root, "", &mut prior, 0);
        }
        for r in prior {
            if r.mode == Mode::Data && seen.insert(r.address.clone()) {
                out.push(r);
            }
        }
    }
    out.sort_by_key(|r| r.at);

    let account = account_of(&out, options, text, report);
    if plan {
        resolve_unknowns(tree, &mut out, &account, report);
    }
    // Every resource instance of `count` or `for_each` is its own entry already.
    Ok((source, out, account))
}

/// Collects a module's resources and its child modules' ones.
fn walk(module: &Tree, module_address: &str, out: &mut Vec<TfResource>, depth: usize) {
    if depth > MAX_MODULE_DEPTH {
        return;
    }
    for r in module
        .get("resources")
        .and_then(Tree::seq)
        .unwrap_or_default()
    {
        let text = |k: &str| r.get(k).and_then(Tree::as_str).unwrap_or("").to_string();
        let mode = if text("mode") == "data" {
            Mode::Data
        } else {
            Mode::Managed
        };
        let values = r.get("values").cloned().unwrap_or(Tree {
            kind: Kind::Map(Vec::new()),
            at: r.at,
        });
        let name = text("name");
        let ty = text("type");
        let address = match text("address") {
            a if a.is_empty() => format!("{ty}.{name}"),
            a => a,
        };
        out.push(TfResource {
            mode,
            ty,
            name,
            address,
            module: module_address.to_string(),
            file: 0,
            at: r.at,
            values,
            failed: Vec::new(),
        });
    }
    for child in module
        .get("child_modules")
        .and_then(Tree::seq)
        .unwrap_or_default()
    {
        let address = child
            .get("address")
            .and_then(Tree::as_str)
            .unwrap_or("")
            .to_string();
        walk(child, &address, out, depth + 1);
    }
}

/// The scenario's account: the one `data.aws_caller_identity` read, else the one in an IAM
/// ARN of the state (as the authorization details' import takes it from their ARNs), else the
/// options', else the default (with a note when the configuration names the account through
/// `aws_caller_identity`).
fn account_of(
    resources: &[TfResource],
    options: &ImportOptions,
    text: &str,
    report: &mut Report<'_>,
) -> String {
    let caller = resources
        .iter()
        .filter(|r| r.mode == Mode::Data && r.ty == "aws_caller_identity")
        .find_map(|r| r.get("account_id").and_then(scalar));
    if let Some(a) = caller {
        return a;
    }
    let from_arn = resources
        .iter()
        .filter(|r| r.mode == Mode::Managed && r.ty.starts_with("aws_iam_"))
        .filter_map(|r| r.get("arn").and_then(Tree::as_str))
        .find_map(|arn| {
            let id = arn.strip_prefix("arn:aws:iam::")?.split(':').next()?;
            (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())).then(|| id.to_string())
        });
    if let Some(a) = from_arn {
        return a;
    }
    if let Some(a) = &options.account_id {
        return a.clone();
    }
    if text.contains("aws_caller_identity") {
        report.notes.push(format!(
            "The plan does not say which account data.aws_caller_identity reads; the scenario uses the account {DEFAULT_ACCOUNT_ID}."
        ));
    }
    DEFAULT_ACCOUNT_ID.to_string()
}

/// A module path without instance keys (`module.a["x"].module.b` → `module.a.module.b`), as
/// the configuration names it.
fn strip_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in address.chars() {
        if quoted {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                quoted = false;
            }
            continue;
        }
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '"' if depth > 0 => quoted = true,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The configuration of each resource, by (module path, mode, type, name).
type ConfigIndex<'t> = HashMap<(String, Mode, String, String), &'t Tree>;

fn index_config<'t>(module: &'t Tree, path: &str, out: &mut ConfigIndex<'t>, depth: usize) {
    if depth > MAX_MODULE_DEPTH {
        return;
    }
    for r in module
        .get("resources")
        .and_then(Tree::seq)
        .unwrap_or_default()
    {
        let text = |k: &str| r.get(k).and_then(Tree::as_str).unwrap_or("").to_string();
        let mode = if text("mode") == "data" {
            Mode::Data
        } else {
            Mode::Managed
        };
        if let Some(e) = r.get("expressions") {
            out.entry((path.to_string(), mode, text("type"), text("name")))
                .or_insert(e);
        }
    }
    for (name, _, call) in module
        .get("module_calls")
        .and_then(Tree::map)
        .unwrap_or_default()
    {
        if let Some(m) = call.get("module") {
            let child = if path.is_empty() {
                format!("module.{name}")
            } else {
                format!("{path}.module.{name}")
            };
            index_config(m, &child, out, depth + 1);
        }
    }
}

/// What resolving references needs: the resources by (module, mode, type, name), the root
/// variables, the account.
struct Resolver<'r> {
    by_name: HashMap<(String, Mode, String, String), usize>,
    resources: &'r [TfResource],
    variables: HashMap<String, String>,
    account: String,
}

impl Resolver<'_> {
    /// The value a reference names (`aws_iam_policy.x.arn`, `data.aws_iam_policy_document.y.json`,
    /// `var.name`), when the plan knows it or it can be derived.
    fn reference(&self, module: &str, reference: &str) -> Option<String> {
        let plain = strip_keys(reference);
        let parts: Vec<&str> = plain.split('.').collect();
        let (mode, rest) = match parts.as_slice() {
            ["var", name, ..] if module.is_empty() => return self.variables.get(*name).cloned(),
            ["data", rest @ ..] => (Mode::Data, rest),
            rest => (Mode::Managed, rest),
        };
        let [ty, name, attr, ..] = rest else {
            return None;
        };
        let i = *self
            .by_name
            .get(&(module.to_string(), mode, ty.to_string(), name.to_string()))?;
        let r = self.resources.get(i)?;
        r.get(attr)
            .and_then(scalar)
            .or_else(|| computed_attribute(r, attr, &self.account, DEFAULT_REGION))
    }

    /// The values of an expression's references, one per resource named, in order.
    fn references(&self, module: &str, expression: Option<&Tree>) -> (Vec<String>, Vec<String>) {
        let refs: Vec<String> = expression
            .and_then(|e| e.get("references"))
            .and_then(Tree::seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect();
        let mut values = Vec::new();
        let mut done: HashSet<String> = HashSet::new();
        let mut names = Vec::new();
        for r in &refs {
            // Each reference comes with its containing resource (`aws_iam_policy.x.arn`,
            // then `aws_iam_policy.x`): the first resolvable one of each resource counts.
            let plain = strip_keys(r);
            let base: Vec<&str> = plain.split('.').collect();
            let key = match base.as_slice() {
                ["data", ty, name, ..] => format!("data.{ty}.{name}"),
                [a, b, ..] => format!("{a}.{b}"),
                _ => plain.clone(),
            };
            if done.contains(&key) {
                continue;
            }
            if let Some(v) = self.reference(module, r) {
                done.insert(key);
                values.push(v);
            }
            names.push(r.clone());
        }
        (values, names)
    }
}

/// Fills in the values a plan does not know yet from the configuration's references.
fn resolve_unknowns(
    tree: &Tree,
    resources: &mut [TfResource],
    account: &str,
    report: &mut Report<'_>,
) {
    let mut config = ConfigIndex::new();
    if let Some(root) = tree.get("configuration").and_then(|c| c.get("root_module")) {
        index_config(root, "", &mut config, 0);
    }
    let mut unknown: HashMap<&str, &Tree> = HashMap::new();
    for c in tree
        .get("resource_changes")
        .and_then(Tree::seq)
        .unwrap_or_default()
    {
        if let (Some(a), Some(u)) = (
            c.get("address").and_then(Tree::as_str),
            c.get("change").and_then(|c| c.get("after_unknown")),
        ) {
            unknown.insert(a, u);
        }
    }
    let variables = tree
        .get("variables")
        .and_then(Tree::map)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, _, v)| Some((k.clone(), v.get("value").and_then(scalar)?)))
        .collect();
    let mut by_name = HashMap::new();
    for (i, r) in resources.iter().enumerate() {
        by_name
            .entry((strip_keys(&r.module), r.mode, r.ty.clone(), r.name.clone()))
            .or_insert(i);
    }
    let resolver = Resolver {
        by_name,
        resources,
        variables,
        account: account.to_string(),
    };
    // The resources are read by the resolver while the changes are worked out, then changed:
    // only a resource with an unknown value it reads is copied.
    let mut changed: Vec<(usize, TfResource)> = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        let Some(u) = unknown.get(r.address.as_str()) else {
            continue;
        };
        let wanted: &[&str] = match (r.mode, r.ty.as_str()) {
            (Mode::Data, "aws_iam_policy_document") => &["json"],
            (Mode::Data, _) => &[],
            (Mode::Managed, ty) => super::build::known(ty).unwrap_or_default(),
        };
        let keys: Vec<(&String, &Tree)> = u
            .map()
            .unwrap_or_default()
            .iter()
            .filter(|(key, _, _)| {
                wanted.contains(&key.as_str()) && !super::build::COMPUTED.contains(&key.as_str())
            })
            .map(|(k, _, flag)| (k, flag))
            .collect();
        if keys.is_empty() {
            continue;
        }
        let module = strip_keys(&r.module);
        let expressions = config
            .get(&(module.clone(), r.mode, r.ty.clone(), r.name.clone()))
            .copied();
        let mut copy = r.clone();
        for (key, flag) in keys {
            let expression = expressions.and_then(|e| e.get(key));
            fill(&mut copy, key, flag, expression, &module, &resolver, report);
        }
        changed.push((i, copy));
    }
    for (i, r) in changed {
        if let Some(slot) = resources.get_mut(i) {
            *slot = r;
        }
    }
}

/// Fills in attribute `key` of `r`, which `flag` (from `after_unknown`) says is unknown
/// wholly (`true`), element by element (a list of flags), or inside nested blocks.
fn fill(
    r: &mut TfResource,
    key: &str,
    flag: &Tree,
    expression: Option<&Tree>,
    module: &str,
    resolver: &Resolver<'_>,
    report: &mut Report<'_>,
) {
    let at = r.values.get(key).map_or(r.at, |t| t.at);
    match &flag.kind {
        Kind::Bool(true) => {
            let (values, names) = resolver.references(module, expression);
            let list = LIST_ATTRIBUTES.contains(&key);
            let value = if list && !values.is_empty() {
                Some(Kind::Seq(
                    values
                        .into_iter()
                        .map(|v| Tree {
                            kind: Kind::Str(v),
                            at,
                        })
                        .collect(),
                ))
            } else if values.len() == 1 {
                values.into_iter().next().map(Kind::Str)
            } else {
                None
            };
            match value {
                Some(kind) => set(&mut r.values, key, Tree { kind, at }),
                None => {
                    let why = if names.is_empty() {
                        "its value is known only after applying, and the configuration does not say where it comes from".to_string()
                    } else {
                        format!(
                            "its value is known only after applying, and the import cannot derive it from {}",
                            names.join(", ")
                        )
                    };
                    report.skip(
                        SkipKind::Value,
                        format!("{} {key}", r.address),
                        why,
                        r.file,
                        at,
                    );
                    r.failed.push(key.to_string());
                }
            }
        }
        Kind::Seq(flags) if flags.iter().any(|f| matches!(f.kind, Kind::Map(_))) => {
            // Nested blocks (a role's `inline_policy`): each block's unknown attributes from
            // the same block of the configuration.
            let Some(Kind::Seq(blocks)) = r.values.get(key).map(|t| t.kind.clone()) else {
                return;
            };
            let mut blocks = blocks;
            for (i, (block, f)) in blocks.iter_mut().zip(flags).enumerate() {
                let e = expression.and_then(Tree::seq).and_then(|s| s.get(i));
                for (inner, _, inner_flag) in f.map().unwrap_or_default() {
                    if !matches!(inner_flag.kind, Kind::Bool(true)) {
                        continue;
                    }
                    let (values, names) = resolver.references(module, e.and_then(|e| e.get(inner)));
                    match values.as_slice() {
                        [v] => set(
                            block,
                            inner,
                            Tree {
                                kind: Kind::Str(v.clone()),
                                at: block.at,
                            },
                        ),
                        _ => {
                            r.failed.push(key.to_string());
                            report.skip(
                                SkipKind::Value,
                            format!("{} {key} {inner}", r.address),
                            format!(
                                "its value is known only after applying, and the import cannot derive it{}",
                                if names.is_empty() {
                                    String::new()
                                } else {
                                    format!(" from {}", names.join(", "))
                                }
                            ),
                            r.file,
                            block.at,
                        );
                        }
                    }
                }
            }
            set(
                &mut r.values,
                key,
                Tree {
                    kind: Kind::Seq(blocks),
                    at,
                },
            );
        }
        Kind::Seq(flags) if flags.iter().any(|f| matches!(f.kind, Kind::Bool(true))) => {
            // Some elements of a list are unknown: the known ones stay, the references fill
            // in the rest.
            let (values, names) = resolver.references(module, expression);
            let known: Vec<Tree> = r
                .values
                .get(key)
                .and_then(Tree::seq)
                .unwrap_or_default()
                .iter()
                .filter(|t| scalar(t).is_some())
                .cloned()
                .collect();
            let missing = flags
                .iter()
                .filter(|f| matches!(f.kind, Kind::Bool(true)))
                .count();
            let mut items = known.clone();
            for v in values {
                if items.len() >= known.len() + missing {
                    break;
                }
                if !known.iter().any(|k| k.as_str() == Some(v.as_str())) {
                    items.push(Tree {
                        kind: Kind::Str(v),
                        at,
                    });
                }
            }
            if items.len() < known.len() + missing {
                report.skip(
                    SkipKind::Value,
                    format!("{} {key}", r.address),
                    format!(
                        "{} of its elements are known only after applying, and the import cannot derive them{}",
                        known.len() + missing - items.len(),
                        if names.is_empty() {
                            String::new()
                        } else {
                            format!(" from {}", names.join(", "))
                        }
                    ),
                    r.file,
                    at,
                );
            }
            set(
                &mut r.values,
                key,
                Tree {
                    kind: Kind::Seq(items),
                    at,
                },
            );
        }
        _ => {}
    }
}

/// Sets a mapping's key (replacing its value, or adding it).
fn set(map: &mut Tree, key: &str, value: Tree) {
    if let Kind::Map(members) = &mut map.kind {
        if let Some(slot) = members.iter_mut().rev().find(|(k, _, _)| k == key) {
            slot.2 = value;
        } else {
            members.push((key.to_string(), value.at, value));
        }
    }
}
