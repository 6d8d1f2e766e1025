//! Conditional answers: when a request leaves condition keys open, under which of their values
//! it is allowed ("Allowed if aws:MultiFactorAuthPresent is true and aws:SourceIp is
//! 10.0.0.0 (in 10.0.0.0/8); otherwise implicitly denied"), with a witness on each side.
//!
//! # How
//!
//! Each open key's values are cut into regions by the literals the policies compare it with
//! (the same regions as the change review's, [`super::analysis::diff`]): the key absent, each
//! literal (wildcards filled), the numbers and dates just around it, an address inside each IP
//! range, `true` and `false`, and a value no policy names. Every combination is decided with
//! the simulator's evaluation ([`truth_table`]), and rows that differ only in a key whose value
//! does not matter merge into "any". The table is exact over those regions: two values in one
//! region meet every literal alike. When the combinations pass [`MAX_COMBINATIONS`], each key
//! is varied alone (the others absent) and the answer says it is not exact.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::request::may_reference_keys;
use crate::context::ContextKeyType;
use crate::eval::Decision;
use crate::policy::{PolicyType, parse_policy_document};
use crate::scenario::ContextValue;

use super::analysis::diff::{list_type, operator_type, representatives};

/// Above this many combinations of the open keys' regions, each key is varied alone.
pub const MAX_COMBINATIONS: usize = 256;

/// The value a key takes where no policy names it (strings).
const OTHER_STRING: &str = "diff-other-value";

/// The value an ARN key takes where no policy names it.
const OTHER_ARN: &str = "arn:aws:iam::000000000000:role/other-value";

/// One region of a key's values, with the value that represents it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyOption {
    /// The entry to put in the request, or `None` for the key absent.
    pub value: Option<ContextValue>,
    /// The region in words: `absent`, `true`, `10.0.0.0 (in 10.0.0.0/8)`, `a value no policy
    /// names`.
    pub label: String,
}

/// A key of the table, with its regions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyColumn {
    /// The key.
    pub key: String,
    /// Its regions, absent first.
    pub options: Vec<KeyOption>,
}

/// One row of a truth table: a region per key (`None`: any value) and the decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TruthRow {
    /// Per key (in [`TruthTable::keys`] order), the option's index, or `None` for any.
    pub cells: Vec<Option<usize>>,
    /// The decision.
    pub decision: Decision,
}

/// A decision per combination of key regions, merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TruthTable {
    /// The keys.
    pub keys: Vec<KeyColumn>,
    /// The rows, allowed ones first.
    pub rows: Vec<TruthRow>,
    /// Whether every combination was decided (otherwise each key was varied alone).
    pub exact: bool,
}

impl TruthTable {
    /// The request context of a row: each key's option (an "any" cell takes the key's first
    /// option that is a value, else absent).
    pub fn witness(&self, row: &TruthRow) -> Vec<ContextValue> {
        self.keys
            .iter()
            .zip(&row.cells)
            .filter_map(|(k, cell)| match cell {
                Some(i) => k.options.get(*i).and_then(|o| o.value.clone()),
                None => None,
            })
            .collect()
    }

    /// A row in words: "aws:MultiFactorAuthPresent is true and aws:SourceIp is absent", or
    /// "any values" when every cell is "any".
    pub fn row_words(&self, row: &TruthRow) -> String {
        let parts: Vec<String> = self
            .keys
            .iter()
            .zip(&row.cells)
            .filter_map(|(k, cell)| {
                let option = k.options.get((*cell)?)?;
                Some(if option.value.is_none() {
                    format!("{} is absent", k.key)
                } else {
                    format!("{} is {}", k.key, option.label)
                })
            })
            .collect();
        if parts.is_empty() {
            "any values".into()
        } else {
            parts.join(" and ")
        }
    }
}

/// Every combination of the keys' options (or each key alone past [`MAX_COMBINATIONS`]),
/// decided by `decide`, with rows that differ only in a key whose value does not matter merged
/// into "any".
pub fn truth_table(
    keys: Vec<KeyColumn>,
    mut decide: impl FnMut(&[ContextValue]) -> Decision,
) -> TruthTable {
    let (combos, exact) = combinations(&keys);
    let decisions: Vec<Decision> = combos
        .iter()
        .map(|cells| {
            let context: Vec<ContextValue> = keys
                .iter()
                .zip(cells)
                .filter_map(|(k, c)| k.options.get((*c)?)?.value.clone())
                .collect();
            decide(&context)
        })
        .collect();
    table_from(keys, combos, decisions, exact)
}

/// The combinations [`truth_table`] decides, in its order, and whether they are all of them
/// (each a cell per key: the option's index). When they are, the first key varies slowest and
/// the first combination is every key absent.
pub fn combinations(keys: &[KeyColumn]) -> (Vec<Vec<Option<usize>>>, bool) {
    let product = keys
        .iter()
        .try_fold(1usize, |acc, k| acc.checked_mul(k.options.len().max(1)))
        .unwrap_or(usize::MAX);
    let exact = product <= MAX_COMBINATIONS;
    let mut combos: Vec<Vec<Option<usize>>> = Vec::new();
    if exact {
        combos.push(Vec::new());
        for k in keys {
            let mut next = Vec::with_capacity(combos.len() * k.options.len());
            for base in &combos {
                for i in 0..k.options.len() {
                    let mut c = base.clone();
                    c.push(Some(i));
                    next.push(c);
                }
            }
            combos = next;
        }
    } else {
        // Every key absent, then each key through its options with the others absent.
        combos.push(vec![Some(0); keys.len()]);
        for (at, k) in keys.iter().enumerate() {
            for i in 1..k.options.len() {
                let mut c = vec![Some(0); keys.len()];
                if let Some(cell) = c.get_mut(at) {
                    *cell = Some(i);
                }
                combos.push(c);
            }
        }
    }
    (combos, exact)
}

/// The table of `combinations` (from [`combinations`]) decided as `decisions` (one per
/// combination, in order), merged when `exact`.
pub fn table_from(
    keys: Vec<KeyColumn>,
    combos: Vec<Vec<Option<usize>>>,
    decisions: Vec<Decision>,
    exact: bool,
) -> TruthTable {
    let mut rows: Vec<TruthRow> = combos
        .into_iter()
        .zip(decisions)
        .map(|(cells, decision)| TruthRow { cells, decision })
        .collect();
    if exact {
        rows = merge(&keys, rows);
    }
    rows.sort_by_key(|r| match r.decision {
        Decision::Allowed => 0,
        Decision::ExplicitDeny => 1,
        Decision::ImplicitDeny => 2,
    });
    TruthTable { keys, rows, exact }
}

/// Covers the decided combinations (every combination of the keys' options, in order, the
/// first key varying slowest) with as few rows as a greedy cover finds: a row is a cube, each
/// key one option or "any" (every option), whose combinations all have the same decision.
/// Until every combination is covered, the first uncovered one is covered by the cube through
/// it that covers the most uncovered combinations (then the larger). Rows may overlap, and then
/// agree. The cubes through a combination are at most 2^keys (at most 2^8, since each key has
/// at least two options and the combinations are at most [`MAX_COMBINATIONS`]).
fn merge(keys: &[KeyColumn], rows: Vec<TruthRow>) -> Vec<TruthRow> {
    let sizes: Vec<usize> = keys.iter().map(|k| k.options.len().max(1)).collect();
    if rows.len() != sizes.iter().product::<usize>() || keys.len() > 16 {
        return rows;
    }
    let decisions: Vec<Decision> = rows.iter().map(|r| r.decision).collect();
    let index_of = |cells: &[usize]| -> usize {
        cells
            .iter()
            .zip(&sizes)
            .fold(0usize, |acc, (c, n)| acc * n + c)
    };
    // The combinations of a cube (`None`: any option), as indexes.
    let members = |cube: &[Option<usize>]| -> Vec<usize> {
        let mut out = vec![Vec::<usize>::new()];
        for (cell, n) in cube.iter().zip(&sizes) {
            let choices: Vec<usize> = match cell {
                Some(c) => vec![*c],
                None => (0..*n).collect(),
            };
            let mut next = Vec::with_capacity(out.len() * choices.len());
            for base in &out {
                for c in &choices {
                    let mut v = base.clone();
                    v.push(*c);
                    next.push(v);
                }
            }
            out = next;
        }
        out.iter().map(|cells| index_of(cells)).collect()
    };
    let mut covered = vec![false; rows.len()];
    let mut out: Vec<TruthRow> = Vec::new();
    for (at, row) in rows.iter().enumerate() {
        if covered.get(at).copied().unwrap_or(true) {
            continue;
        }
        let cells: Vec<usize> = row.cells.iter().map(|c| c.unwrap_or(0)).collect();
        // The best cube so far: (fresh combinations, size), its cells, its combinations.
        type Cube = ((usize, usize), Vec<Option<usize>>, Vec<usize>);
        let mut best: Option<Cube> = None;
        // Every cube through this combination: per key, its option or any.
        for mask in 0u32..(1u32 << keys.len()) {
            let cube: Vec<Option<usize>> = cells
                .iter()
                .enumerate()
                .map(|(k, c)| (mask & (1 << k) == 0).then_some(*c))
                .collect();
            let m = members(&cube);
            if !m.iter().all(|i| decisions.get(*i) == Some(&row.decision)) {
                continue;
            }
            let fresh = m
                .iter()
                .filter(|i| !covered.get(**i).copied().unwrap_or(true))
                .count();
            if best
                .as_ref()
                .is_none_or(|(score, _, _)| (fresh, m.len()) > *score)
            {
                best = Some(((fresh, m.len()), cube, m));
            }
        }
        let Some((_, cube, m)) = best else {
            continue;
        };
        for i in m {
            if let Some(c) = covered.get_mut(i) {
                *c = true;
            }
        }
        out.push(TruthRow {
            cells: cube,
            decision: row.decision,
        });
    }
    out
}

/// The regions of `keys` from how `texts` compare them: per key, absent, then a value per
/// literal region (a set of one value for keys compared with a set operator, and a set of two).
pub fn key_columns(keys: &[String], texts: &[(&str, PolicyType)]) -> Vec<KeyColumn> {
    let mut entries: Vec<(String, String, Vec<String>)> = Vec::new();
    // Only the texts that may have a Condition element are parsed (most AWS-managed texts
    // have none), and without the diagnostics, which are not read.
    for (text, ty) in texts.iter().filter(|(text, _)| may_reference_keys(text)) {
        let document = parse_policy_document(text, *ty);
        for statement in &document.statements {
            for entry in &statement.condition {
                entries.push((
                    entry.key.value.clone(),
                    entry.operator.value.clone(),
                    entry.values.iter().map(|v| v.value.clone()).collect(),
                ));
            }
        }
    }
    key_columns_from(
        keys,
        entries
            .iter()
            .map(|(k, o, v)| (k.as_str(), o.as_str(), v.as_slice())),
    )
}

/// The regions of `keys` from condition entries `(key, operator, values)` (see
/// [`key_columns`]); entries over other keys are ignored.
pub fn key_columns_from<'a>(
    keys: &[String],
    entries: impl IntoIterator<Item = (&'a str, &'a str, &'a [String])>,
) -> Vec<KeyColumn> {
    struct Use {
        ty: Option<ContextKeyType>,
        set: bool,
        literals: Vec<String>,
        /// Whether some operator compares the key without wildcards (then a literal with a
        /// `*` is a value of its own).
        exact: bool,
    }
    let mut uses: Vec<Use> = keys
        .iter()
        .map(|_| Use {
            ty: None,
            set: false,
            literals: Vec::new(),
            exact: false,
        })
        .collect();
    let index: HashMap<String, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.to_ascii_lowercase(), i))
        .collect();
    for (key, operator, values) in entries {
        let Some(u) = index
            .get(&key.trim().to_ascii_lowercase())
            .and_then(|i| uses.get_mut(*i))
        else {
            continue;
        };
        let operator = operator.trim();
        let (kty, set, _) = operator_type(operator);
        if u.ty.is_none() {
            u.ty = kty;
        }
        u.set |= set;
        u.exact |= operator != "Null"
            && !crate::condition::Operator::parse(operator)
                .is_ok_and(|o| o.base.supports_wildcards());
        if operator != "Null" {
            for v in values {
                let v = v.trim().to_string();
                if !u.literals.contains(&v) {
                    u.literals.push(v);
                }
            }
        }
    }
    keys.iter()
        .zip(uses)
        .map(|(key, u)| {
            let ty = u.ty.unwrap_or(ContextKeyType::String);
            let mut reps = representatives(ty, &u.literals);
            if !u.exact {
                // Compared only with wildcards: a literal with a `*` stands for its region
                // through its filled value, not as a value of its own.
                reps.retain(|r| !(r.contains(['*', '?']) && u.literals.contains(r)));
            }
            // ARNs compared: the value no policy names is an ARN too (a string that is not an
            // ARN matches no ARN operator, not even a negated one), when one fits.
            if !u.literals.is_empty() && u.literals.iter().all(|l| l.starts_with("arn:")) {
                let arn = OTHER_ARN.to_string();
                if !u
                    .literals
                    .iter()
                    .any(|l| crate::matching::glob_match(l, &arn, true))
                    && let Some(other) = reps.iter_mut().find(|r| *r == OTHER_STRING)
                {
                    *other = arn;
                }
            }
            let mut options = vec![KeyOption {
                value: None,
                label: "absent".into(),
            }];
            let label = |v: &str| value_label(ty, v, &u.literals);
            if u.set {
                let lty = list_type(ty);
                for r in &reps {
                    options.push(KeyOption {
                        value: Some(ContextValue {
                            key: key.clone(),
                            ty: lty,
                            values: vec![r.clone()],
                        }),
                        label: format!("[{}]", label(r)),
                    });
                }
                if let (Some(first), Some(last)) = (reps.first(), reps.last())
                    && first != last
                {
                    options.push(KeyOption {
                        value: Some(ContextValue {
                            key: key.clone(),
                            ty: lty,
                            values: vec![first.clone(), last.clone()],
                        }),
                        label: format!("[{}, {}]", label(first), label(last)),
                    });
                }
            } else {
                for r in reps {
                    options.push(KeyOption {
                        label: label(&r),
                        value: Some(ContextValue {
                            key: key.clone(),
                            ty,
                            values: vec![r],
                        }),
                    });
                }
            }
            KeyColumn {
                key: key.clone(),
                options,
            }
        })
        .collect()
}

/// A representative value in words.
fn value_label(ty: ContextKeyType, value: &str, literals: &[String]) -> String {
    match ty {
        ContextKeyType::Ip | ContextKeyType::IpList => {
            match literals
                .iter()
                .find(|l| l.split('/').next() == Some(value) && l.contains('/'))
            {
                Some(range) => format!("{value} (in {range})"),
                None if literals.iter().any(|l| l == value) => value.to_string(),
                None => format!("{value} (outside the ranges named)"),
            }
        }
        _ if value == OTHER_STRING => "a value no policy names".to_string(),
        _ if value == OTHER_ARN => format!("{value} (no policy names it)"),
        _ => match literals
            .iter()
            .find(|l| l.contains(['*', '?']) && l.replace(['*', '?'], "x") == value)
        {
            Some(pattern) => format!("{value} (matches {pattern})"),
            None => value.to_string(),
        },
    }
}

/// The answer to a request whose policies read keys it did not set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionalAnswer {
    /// The decision per region of the open keys.
    pub table: TruthTable,
    /// The answer in words ("Allowed if …; otherwise implicitly denied.").
    pub sentence: String,
    /// A context that is allowed, if any.
    pub allowed_witness: Option<Vec<ContextValue>>,
    /// A context that is refused, if any.
    pub refused_witness: Option<Vec<ContextValue>>,
}

impl ConditionalAnswer {
    /// The simulator's context overrides that make the request exactly `witness`: its
    /// entries set, and every other key of the table set absent (so none is left open).
    pub fn witness_overrides(
        &self,
        witness: &[ContextValue],
    ) -> Vec<super::request::ContextOverride> {
        let mut out = super::request::overrides_from_values(witness);
        for k in &self.table.keys {
            if !witness.iter().any(|w| w.key.eq_ignore_ascii_case(&k.key)) {
                let ty = k
                    .options
                    .iter()
                    .find_map(|o| o.value.as_ref().map(|v| v.ty))
                    .unwrap_or(ContextKeyType::String);
                out.push(super::request::ContextOverride {
                    key: k.key.clone(),
                    ty,
                    setting: super::request::KeySetting::Absent,
                });
            }
        }
        out
    }

    /// Builds the answer from the table.
    pub fn new(table: TruthTable) -> ConditionalAnswer {
        let allowed: Vec<&TruthRow> = table
            .rows
            .iter()
            .filter(|r| r.decision == Decision::Allowed)
            .collect();
        let refused: Vec<&TruthRow> = table
            .rows
            .iter()
            .filter(|r| r.decision != Decision::Allowed)
            .collect();
        let otherwise = if refused.iter().all(|r| r.decision == Decision::ExplicitDeny) {
            "explicitly denied"
        } else if refused.iter().any(|r| r.decision == Decision::ExplicitDeny) {
            "denied (explicitly for some values)"
        } else {
            "implicitly denied"
        };
        let mut sentence = match (allowed.is_empty(), refused.is_empty()) {
            (true, _) => format!("Refused whatever values the open keys take ({otherwise})."),
            (false, true) => "Allowed whatever values the open keys take.".to_string(),
            (false, false) => {
                let cases: Vec<String> = allowed.iter().map(|r| table.row_words(r)).collect();
                format!(
                    "Allowed if {}; otherwise {otherwise}.",
                    cases.join(", or if ")
                )
            }
        };
        if !table.exact {
            sentence.push_str(
                " Not exact: the open keys have too many combinations, so each was varied alone with the others absent.",
            );
        }
        ConditionalAnswer {
            allowed_witness: allowed.first().map(|r| table.witness(r)),
            refused_witness: refused.first().map(|r| table.witness(r)),
            sentence,
            table,
        }
    }
}

/// The conditional answer to a prepared request whose policies read `open` keys it did not
/// set: every combination of their regions decided on the prepared policy set. `None` when no
/// key is open.
pub fn conditional_answer(
    prepared: &super::simulate::PreparedRequest,
    open: &[String],
    texts: &[(&str, PolicyType)],
) -> Option<ConditionalAnswer> {
    if open.is_empty() {
        return None;
    }
    let columns = key_columns(open, texts);
    let table = truth_table(columns, |context| {
        let mut request = prepared.request.clone();
        for c in context {
            request.context.insert(crate::context::ContextEntry::new(
                c.key.clone(),
                c.ty,
                c.values.iter().cloned(),
            ));
        }
        crate::eval::decide(&prepared.set, &request)
    });
    Some(ConditionalAnswer::new(table))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::context::RequestContext;
    use crate::eval::{Caller, CompiledPolicy, PolicySet, Request, decide};

    const ALLOW_WITH_MFA_AND_IP: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;

    fn decider(text: &str) -> impl FnMut(&[ContextValue]) -> Decision {
        let mut set = PolicySet::default();
        set.identity
            .push(CompiledPolicy::from_text("p", text, PolicyType::Identity).0);
        move |context: &[ContextValue]| {
            let mut ctx = RequestContext::new();
            for c in context {
                ctx.set(&c.key, c.ty, c.values.iter().cloned());
            }
            decide(
                &set,
                &Request {
                    caller: Caller::from_arn("arn:aws:iam::111122223333:user/alice").unwrap(),
                    action: "s3:GetObject".into(),
                    resource: "arn:aws:s3:::b/k".into(),
                    resource_account: None,
                    context: ctx,
                },
            )
        }
    }

    fn answer(text: &str, keys: &[&str]) -> ConditionalAnswer {
        let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        let columns = key_columns(&keys, &[(text, PolicyType::Identity)]);
        ConditionalAnswer::new(truth_table(columns, decider(text)))
    }

    #[test]
    fn two_conditions_give_one_allowed_row_in_words_with_witnesses() {
        let a = answer(
            ALLOW_WITH_MFA_AND_IP,
            &["aws:MultiFactorAuthPresent", "aws:SourceIp"],
        );
        assert!(a.table.exact);
        assert_eq!(
            a.sentence,
            "Allowed if aws:MultiFactorAuthPresent is true and aws:SourceIp is 10.0.0.0 (in 10.0.0.0/8); otherwise implicitly denied."
        );
        let allowed = a.allowed_witness.unwrap();
        assert_eq!(allowed.len(), 2);
        assert!(a.refused_witness.is_some());
        // Refused rows merge: an address outside the range refuses whatever MFA says.
        assert!(
            a.table
                .rows
                .iter()
                .any(|r| r.decision == Decision::ImplicitDeny && r.cells.first() == Some(&None))
        );
    }

    #[test]
    fn a_key_that_does_not_matter_merges_to_any() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}]}"#;
        let a = answer(text, &["aws:RequestedRegion", "aws:SourceVpce"]);
        // aws:SourceVpce is named by no condition: its value never matters.
        assert!(a.table.rows.iter().all(|r| r.cells.get(1) == Some(&None)));
        assert_eq!(
            a.sentence,
            "Allowed if aws:RequestedRegion is absent, or if aws:RequestedRegion is a value no policy names; otherwise explicitly denied."
        );
    }

    #[test]
    fn an_unconditional_allow_is_allowed_whatever_the_values() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
        let a = answer(text, &["aws:SourceIp"]);
        assert_eq!(a.sentence, "Allowed whatever values the open keys take.");
        assert_eq!(a.table.rows.len(), 1);
        assert!(a.refused_witness.is_none());
    }

    #[test]
    fn past_the_cap_each_key_is_varied_alone_and_the_answer_says_so() {
        let mut conditions = Vec::new();
        let mut keys = Vec::new();
        for i in 0..6 {
            conditions.push(format!(r#""aws:PrincipalTag/k{i}":["a{i}","b{i}"]"#));
            keys.push(format!("aws:PrincipalTag/k{i}"));
        }
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{{"StringEquals":{{{}}}}}}}]}}"#,
            conditions.join(",")
        );
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let a = answer(&text, &keys);
        assert!(!a.table.exact);
        assert!(a.sentence.contains("Not exact"), "{}", a.sentence);
    }
}
