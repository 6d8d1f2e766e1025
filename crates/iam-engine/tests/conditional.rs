//! Conditional answers: for random policies with conditions, every row of the truth table and
//! every witness the answer gives decide as stated when the request is simulated with them.

// Test helpers may panic on broken fixtures: that is how they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use iam_engine::context::RequestContext;
use iam_engine::eval::{Caller, CompiledPolicy, Decision, PolicySet, Request, decide};
use iam_engine::policy::PolicyType;
use iam_engine::scenario::ContextValue;
use iam_engine::workbench::conditional::{ConditionalAnswer, key_columns, truth_table};
use proptest::prelude::*;

/// The keys the random conditions read.
const KEYS: [&str; 4] = [
    "aws:MultiFactorAuthPresent",
    "aws:SourceIp",
    "aws:RequestedRegion",
    "aws:TagKeys",
];

/// One condition entry over one of [`KEYS`], as JSON (`"Operator": {"key": values}`).
fn conditions() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        r#""Bool":{"aws:MultiFactorAuthPresent":"true"}"#,
        r#""BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}"#,
        r#""Null":{"aws:MultiFactorAuthPresent":"true"}"#,
        r#""IpAddress":{"aws:SourceIp":"10.0.0.0/8"}"#,
        r#""NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}"#,
        r#""StringEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}"#,
        r#""StringNotLikeIfExists":{"aws:RequestedRegion":"eu-*"}"#,
        r#""ForAnyValue:StringEquals":{"aws:TagKeys":"team"}"#,
        r#""ForAllValues:StringLike":{"aws:TagKeys":["team","cost-*"]}"#,
    ])
    .prop_map(str::to_string)
}

/// A statement: effect and up to two conditions.
fn statements() -> impl Strategy<Value = String> {
    (prop::bool::ANY, prop::collection::vec(conditions(), 0..=2)).prop_map(|(allow, conds)| {
        let effect = if allow { "Allow" } else { "Deny" };
        format!(
            r#"{{"Effect":"{effect}","Action":"s3:GetObject","Resource":"*","Condition":{{{}}}}}"#,
            conds.join(",")
        )
    })
}

fn policy() -> impl Strategy<Value = String> {
    prop::collection::vec(statements(), 1..=3).prop_map(|s| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            s.join(",")
        )
    })
}

fn decide_with(set: &PolicySet, context: &[ContextValue]) -> Decision {
    let mut ctx = RequestContext::new();
    for c in context {
        ctx.set(&c.key, c.ty, c.values.iter().cloned());
    }
    decide(
        set,
        &Request {
            caller: Caller::from_arn("arn:aws:iam::111122223333:user/alice").unwrap(),
            action: "s3:GetObject".into(),
            resource: "arn:aws:s3:::b/k".into(),
            resource_account: None,
            context: ctx,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_row_and_witness_decides_as_stated(text in policy()) {
        let mut set = PolicySet::default();
        set.identity.push(CompiledPolicy::from_text("p", &text, PolicyType::Identity).0);
        // The open keys are those the policy's conditions read, as in the simulator.
        let keys: Vec<String> = KEYS
            .iter()
            .filter(|k| text.contains(&format!("\"{k}\"")))
            .map(|k| k.to_string())
            .collect();
        let columns = key_columns(&keys, &[(text.as_str(), PolicyType::Identity)]);
        let table = truth_table(columns, |context| decide_with(&set, context));
        // Every row, with each "any" cell expanded over all of that key's options, decides as
        // the row says; and the rows cover every combination (rows may overlap, and then
        // agree, since each decides as it says).
        let mut covered = std::collections::HashSet::new();
        for row in &table.rows {
            let mut combos: Vec<Vec<usize>> = vec![Vec::new()];
            for (k, cell) in table.keys.iter().zip(&row.cells) {
                let options: Vec<usize> = match cell {
                    Some(i) => vec![*i],
                    None => (0..k.options.len()).collect(),
                };
                let mut next = Vec::new();
                for base in &combos {
                    for i in &options {
                        let mut c = base.clone();
                        c.push(*i);
                        next.push(c);
                    }
                }
                combos = next;
            }
            for combo in combos {
                let context: Vec<ContextValue> = table
                    .keys
                    .iter()
                    .zip(&combo)
                    .filter_map(|(k, i)| k.options[*i].value.clone())
                    .collect();
                prop_assert_eq!(decide_with(&set, &context), row.decision, "{} {:?}", text, context);
                covered.insert(combo);
            }
        }
        if table.exact {
            let product: usize = table.keys.iter().map(|k| k.options.len()).product();
            prop_assert_eq!(covered.len(), product);
        }
        let answer = ConditionalAnswer::new(table);
        if let Some(w) = &answer.allowed_witness {
            prop_assert_eq!(decide_with(&set, w), Decision::Allowed, "{}", answer.sentence);
        }
        if let Some(w) = &answer.refused_witness {
            prop_assert_ne!(decide_with(&set, w), Decision::Allowed, "{}", answer.sentence);
        }
    }
}
