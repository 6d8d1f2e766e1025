//! A template's conditions, evaluated before the import reads its resources, the way
//! CloudFormation would with the parameters' defaults: `Conditions` (`Fn::Equals`, `Fn::And`,
//! `Fn::Or`, `Fn::Not`, `Condition`), then `Fn::If` picks its branch, `Ref: AWS::NoValue`
//! removes the property or list item it stands for, `Fn::Select` with a known index picks
//! from its list, `Fn::FindInMap` reads `Mappings`, and a resource whose `Condition` is false
//! is left out.
//!
//! What cannot be decided without deploying (a parameter without a default, a value only the
//! stack knows) stays as written, so the reader lists it as before; nothing is guessed.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::cfn::pseudo_parameter;
use super::tree::{Kind, Tree};

/// A template with its conditions folded in, and what the folding decided.
pub(super) struct Folded<'a> {
    /// The template without `Conditions` and `Mappings`, conditional values decided: the
    /// template itself, not a copy, when it has nothing to fold (most templates).
    pub tree: Cow<'a, Tree>,
    /// Sentences for the import's notes: each condition's value, the resources left out.
    pub notes: Vec<String>,
    /// What could not be decided: (what, why, offset).
    pub undecided: Vec<(String, String, usize)>,
    /// Each condition's value (`None`: it could not be decided).
    pub decided: BTreeMap<String, Option<bool>>,
    /// Where the values copied by `Fn::FindInMap` and `Fn::Select` first went over the
    /// expansion budget, if they did; the import then stops there.
    pub exceeded: Option<usize>,
}

/// The longest chain of conditions naming conditions that is followed; a longer one is left
/// undecided rather than recursing as deep as the template is long.
const MAX_CONDITION_DEPTH: usize = 64;

struct Folder<'a> {
    params: BTreeMap<&'a str, &'a Tree>,
    /// `Mappings` by (map, top-level key, second-level key), the last of repeated keys, so
    /// each `Fn::FindInMap` is one lookup.
    mappings: HashMap<(&'a str, &'a str, &'a str), &'a Tree>,
    /// The bytes `Fn::FindInMap` and `Fn::Select` may still copy, and where they ran out.
    budget: usize,
    exceeded: Option<usize>,
    conditions: BTreeMap<&'a str, &'a Tree>,
    decided: BTreeMap<String, Option<bool>>,
    /// Conditions being evaluated, to stop a condition that names itself.
    open: Vec<String>,
    account: &'a str,
    region: &'a str,
}

/// Folds the conditions of `template` (see the module docs); `account` and `region` are what
/// `AWS::AccountId` and `AWS::Region` stand for.
pub(super) fn fold<'a>(
    template: &'a Tree,
    account: &str,
    region: &str,
    budget: usize,
) -> Folded<'a> {
    if !has_anything_to_fold(template) {
        return Folded {
            tree: Cow::Borrowed(template),
            notes: Vec::new(),
            undecided: Vec::new(),
            decided: BTreeMap::new(),
            exceeded: None,
        };
    }
    let section = |name: &str| template.get(name).and_then(Tree::map).unwrap_or_default();
    let mut f = Folder {
        params: section("Parameters")
            .iter()
            .filter_map(|(name, _, p)| p.get("Default").map(|d| (name.as_str(), d)))
            .collect(),
        mappings: mapping_index(template.get("Mappings")),
        budget,
        exceeded: None,
        conditions: section("Conditions")
            .iter()
            .map(|(name, _, c)| (name.as_str(), c))
            .collect(),
        decided: BTreeMap::new(),
        open: Vec::new(),
        account,
        region,
    };
    let mut notes = Vec::new();
    let mut undecided = Vec::new();
    for (name, at, _) in section("Conditions") {
        match f.condition(name) {
            Some(value) => notes.push(format!(
                "The condition {name} is {value} with the parameters' defaults."
            )),
            None => undecided.push((
                format!("the condition {name}"),
                "it depends on a value known only when the stack is deployed (a parameter \
                 without a default, or a resource); what it guards is imported as written"
                    .to_string(),
                *at,
            )),
        }
    }
    let Kind::Map(members) = &template.kind else {
        return Folded {
            tree: Cow::Borrowed(template),
            notes,
            undecided,
            decided: f.decided,
            exceeded: f.exceeded,
        };
    };
    let mut out = Vec::with_capacity(members.len());
    for (key, at, value) in members {
        match key.as_str() {
            "Conditions" | "Mappings" => {}
            "Resources" if value.map().is_some() => {
                let mut kept = Vec::new();
                for (id, at, r) in value.map().unwrap_or_default() {
                    if let Some(name) = r.get("Condition").and_then(Tree::as_str)
                        && f.condition(name) == Some(false)
                    {
                        notes.push(format!(
                            "{id} is left out: its condition {name} is false with the \
                             parameters' defaults."
                        ));
                        continue;
                    }
                    if let Some(r) = f.value(r) {
                        kept.push((id.clone(), *at, r));
                    }
                }
                out.push((
                    key.clone(),
                    *at,
                    Tree {
                        kind: Kind::Map(kept),
                        at: value.at,
                    },
                ));
            }
            _ => out.push((key.clone(), *at, value.clone())),
        }
    }
    Folded {
        tree: Cow::Owned(Tree {
            kind: Kind::Map(out),
            at: template.at,
        }),
        notes,
        undecided,
        decided: f.decided,
        exceeded: f.exceeded,
    }
}

/// Whether folding could change `template`: it has `Conditions` or `Mappings`, or somewhere a
/// function that folding decides (`Fn::If`, `Fn::Select`, `Fn::FindInMap`, `Ref:
/// AWS::NoValue`). A template with none of them folds to itself, so it is not copied.
fn has_anything_to_fold(template: &Tree) -> bool {
    fn decides(t: &Tree) -> bool {
        if let Some((name, arg)) = function(t)
            && (matches!(name, "Fn::If" | "Fn::Select" | "Fn::FindInMap")
                || (name == "Ref" && arg.as_str() == Some("AWS::NoValue")))
        {
            return true;
        }
        match &t.kind {
            Kind::Seq(items) => items.iter().any(decides),
            Kind::Map(members) => members.iter().any(|(_, _, v)| decides(v)),
            Kind::Null | Kind::Bool(_) | Kind::Number(_) | Kind::Str(_) => false,
        }
    }
    template.get("Conditions").is_some() || template.get("Mappings").is_some() || decides(template)
}

/// Indexes a `Mappings` section by its three levels of keys; a repeated key keeps its last
/// value, as [`Tree::get`] reads it.
fn mapping_index(mappings: Option<&Tree>) -> HashMap<(&str, &str, &str), &Tree> {
    let mut index = HashMap::new();
    for (map, _, top) in mappings.and_then(Tree::map).unwrap_or_default() {
        for (a, _, second) in top.map().unwrap_or_default() {
            for (b, _, value) in second.map().unwrap_or_default() {
                index.insert((map.as_str(), a.as_str(), b.as_str()), value);
            }
        }
    }
    index
}

/// The size of a value in bytes as the budget counts it: its texts, and one per value.
fn weight(t: &Tree) -> usize {
    match &t.kind {
        Kind::Str(s) => s.len().saturating_add(1),
        Kind::Seq(items) => items.iter().map(weight).fold(1, usize::saturating_add),
        Kind::Map(members) => members
            .iter()
            .map(|(k, _, v)| k.len().saturating_add(weight(v)))
            .fold(1, usize::saturating_add),
        Kind::Null | Kind::Bool(_) | Kind::Number(_) => 1,
    }
}

/// The one function of a `{ "Fn::X": argument }` mapping.
fn function(t: &Tree) -> Option<(&str, &Tree)> {
    match t.map()? {
        [(name, _, arg)] => Some((name.as_str(), arg)),
        _ => None,
    }
}

impl Folder<'_> {
    /// The value of a named condition, once decided.
    fn condition(&mut self, name: &str) -> Option<bool> {
        if let Some(known) = self.decided.get(name) {
            return *known;
        }
        if self.open.len() >= MAX_CONDITION_DEPTH || self.open.iter().any(|n| n == name) {
            return None;
        }
        let body = self.conditions.get(name).copied()?;
        self.open.push(name.to_string());
        let value = self.truth(body);
        self.open.pop();
        self.decided.insert(name.to_string(), value);
        value
    }

    /// A condition function's value.
    fn truth(&mut self, t: &Tree) -> Option<bool> {
        if let Kind::Bool(b) = t.kind {
            return Some(b);
        }
        let (name, arg) = function(t)?;
        let items = arg.seq().unwrap_or_default();
        match name {
            "Fn::Equals" => match items {
                [a, b] => Some(self.scalar(a)? == self.scalar(b)?),
                _ => None,
            },
            "Fn::Not" => match items {
                [a] => self.truth(a).map(|v| !v),
                _ => None,
            },
            "Fn::And" | "Fn::Or" => {
                let all = name == "Fn::And";
                let mut unknown = false;
                for item in items {
                    match self.truth(item) {
                        Some(v) if v != all => return Some(v),
                        Some(_) => {}
                        None => unknown = true,
                    }
                }
                (!unknown).then_some(all)
            }
            "Condition" => self.condition(arg.as_str()?),
            _ => None,
        }
    }

    /// Counts a copy of `value` made at `at` against the budget: `false` (and the place noted
    /// for the import's error) once the copies would exceed it.
    fn charge(&mut self, value: &Tree, at: usize) -> bool {
        let w = weight(value);
        if w > self.budget {
            self.budget = 0;
            self.exceeded.get_or_insert(at);
            return false;
        }
        self.budget -= w;
        true
    }

    /// A value as the text CloudFormation compares, when it is known before deploying.
    fn scalar(&mut self, t: &Tree) -> Option<String> {
        let t = self.value(t)?;
        match &t.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Number(n) => Some(n.to_string()),
            Kind::Bool(b) => Some(b.to_string()),
            Kind::Map(_) => match function(&t)? {
                ("Ref", name) => {
                    let name = name.as_str()?;
                    if let Some(value) = pseudo_parameter(name, self.account, self.region) {
                        return Some(value);
                    }
                    // A default is a literal in CloudFormation; anything else (a default that
                    // refers back to its own parameter, say) is not followed.
                    let default = self.params.get(name).copied()?;
                    match &default.kind {
                        Kind::Str(s) => Some(s.clone()),
                        Kind::Number(n) => Some(n.to_string()),
                        Kind::Bool(b) => Some(b.to_string()),
                        _ => None,
                    }
                }
                _ => None,
            },
            Kind::Null | Kind::Seq(_) => None,
        }
    }

    /// A value with its conditional parts decided; `None` for `Ref: AWS::NoValue` (or an
    /// `Fn::If` that chose it), which removes the property or list item.
    fn value(&mut self, t: &Tree) -> Option<Tree> {
        if let Some((name, arg)) = function(t) {
            let items = arg.seq().unwrap_or_default();
            match (name, items) {
                ("Ref", _) if arg.as_str() == Some("AWS::NoValue") => return None,
                ("Fn::If", [cond, yes, no]) => {
                    if let Some(v) = cond.as_str().and_then(|c| self.condition(c)) {
                        return self.value(if v { yes } else { no });
                    }
                }
                ("Fn::Select", [index, list]) => {
                    let index = self.scalar(index).and_then(|i| i.parse::<usize>().ok());
                    let list = self.value(list);
                    // The list is decided already, its items with it.
                    if let (Some(i), Some(list)) = (index, list)
                        && let Some(item) = list.seq().and_then(|s| s.get(i))
                        && self.charge(item, t.at)
                    {
                        return Some(item.clone());
                    }
                }
                ("Fn::FindInMap", [map, top, second]) => {
                    let keys = (self.scalar(map), self.scalar(top), self.scalar(second));
                    if let (Some(m), Some(a), Some(b)) = keys
                        && let Some(&found) =
                            self.mappings.get(&(m.as_str(), a.as_str(), b.as_str()))
                        && self.charge(found, t.at)
                    {
                        // Mapping values are literals in CloudFormation; one that is not stays
                        // as written (following it could loop: a mapping naming itself).
                        return Some(found.clone());
                    }
                }
                _ => {}
            }
        }
        let kind = match &t.kind {
            Kind::Seq(items) => Kind::Seq(items.iter().filter_map(|i| self.value(i)).collect()),
            Kind::Map(members) => Kind::Map(
                members
                    .iter()
                    .filter_map(|(k, at, v)| self.value(v).map(|v| (k.clone(), *at, v)))
                    .collect(),
            ),
            other => other.clone(),
        };
        Some(Tree { kind, at: t.at })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::import::tree::from_yaml as parse_yaml;

    fn folded(text: &str) -> Folded<'static> {
        let tree = parse_yaml(text).unwrap();
        let f = fold(&tree, "111122223333", "eu-west-1", 1 << 20);
        Folded {
            tree: Cow::Owned(f.tree.into_owned()),
            ..f
        }
    }

    fn at<'t>(t: &'t Tree, path: &[&str]) -> Option<&'t Tree> {
        path.iter().try_fold(t, |t, key| t.get(key))
    }

    const TEMPLATE: &str = "
Parameters:
  Env: {Type: String, Default: test}
  Owner: {Type: String}
Mappings:
  Sizes:
    test: {Session: 3600}
    prod: {Session: 43200}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsTest: !Not [!Condition IsProd]
  InIreland: !Equals [!Ref 'AWS::Region', eu-west-1]
  Both: !And [!Condition IsTest, !Condition InIreland]
  Either: !Or [!Condition IsProd, !Equals [!Ref Owner, me]]
  Loop: !Condition Loop
Resources:
  ProdOnly:
    Type: AWS::IAM::Group
    Condition: IsProd
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !If [IsProd, prod-role, !Select [1, [a, test-role]]]
      MaxSessionDuration: !FindInMap [Sizes, !Ref Env, Session]
      PermissionsBoundary: !If [Both, !Ref 'AWS::NoValue', arn:aws:iam::aws:policy/X]
      Tags:
        - !If [IsTest, !Ref 'AWS::NoValue', {Key: a, Value: b}]
        - {Key: env, Value: !Ref Env}
      Description: !If [Either, yes, no]
";

    #[test]
    fn conditions_decide_values_and_resources() {
        let f = folded(TEMPLATE);
        let resources = f.tree.get("Resources").unwrap();
        assert!(
            resources.get("ProdOnly").is_none(),
            "left out: IsProd is false"
        );
        assert!(f.notes.iter().any(|n| n.contains("ProdOnly is left out")));
        assert!(
            f.notes
                .iter()
                .any(|n| n == "The condition IsProd is false with the parameters' defaults.")
        );
        assert!(f.notes.iter().any(|n| n.contains("Both is true")));
        let props = at(resources, &["Role", "Properties"]).unwrap();
        assert_eq!(props.get("RoleName").unwrap().as_str(), Some("test-role"));
        assert!(matches!(
            &props.get("MaxSessionDuration").unwrap().kind,
            Kind::Number(n) if n.to_string() == "3600"
        ));
        assert!(
            props.get("PermissionsBoundary").is_none(),
            "AWS::NoValue removes it"
        );
        assert_eq!(props.get("Tags").unwrap().seq().unwrap().len(), 1);
        // Either depends on a parameter without a default: undecided, kept as written.
        let undecided: Vec<&str> = f.undecided.iter().map(|(w, _, _)| w.as_str()).collect();
        assert_eq!(undecided, ["the condition Either", "the condition Loop"]);
        assert!(function(props.get("Description").unwrap()).is_some_and(|(n, _)| n == "Fn::If"));
        // The sections that were evaluated are gone; the rest stays.
        assert!(f.tree.get("Conditions").is_none() && f.tree.get("Mappings").is_none());
        assert!(f.tree.get("Parameters").is_some());
    }

    #[test]
    fn values_that_name_themselves_end_instead_of_looping() {
        let f = folded(
            "
Parameters:
  Env: {Type: String, Default: !Ref Env}
Mappings:
  M:
    a: {b: !FindInMap [M, a, b]}
Conditions:
  Same: !Equals [!Ref Env, prod]
  Found: !Equals [!FindInMap [M, a, b], x]
Resources:
  G:
    Type: AWS::IAM::Group
    Properties: {GroupName: !If [Same, a, b], Path: !FindInMap [M, a, b]}
",
        );
        let undecided: Vec<&str> = f.undecided.iter().map(|(w, _, _)| w.as_str()).collect();
        assert_eq!(undecided, ["the condition Same", "the condition Found"]);
        let props = at(f.tree.get("Resources").unwrap(), &["G", "Properties"]).unwrap();
        assert!(function(props.get("Path").unwrap()).is_some_and(|(n, _)| n == "Fn::FindInMap"));
    }

    #[test]
    fn a_template_without_conditions_is_unchanged() {
        let text = "Resources:\n  G:\n    Type: AWS::IAM::Group\n    Properties: {GroupName: !Sub '${AWS::StackName}-g'}\n";
        let tree = parse_yaml(text).unwrap();
        let f = fold(&tree, "111122223333", "us-east-1", 1 << 20);
        assert_eq!(*f.tree, tree);
        assert!(
            matches!(f.tree, Cow::Borrowed(_)),
            "nothing to fold: the template itself, not a copy"
        );
        assert!(f.notes.is_empty() && f.undecided.is_empty());
    }
}
