//! Condition operators: parsing their names and evaluating conditions with reasons.
//!
//! A condition is one `operator → key → values` entry of a `Condition` block. Compile it once
//! with [`CompiledCondition::new`] (operator parsed, templates and typed policy values read),
//! then evaluate it against many requests: [`CompiledCondition::matches`] for the bare answer
//! (no allocation unless a variable is substituted or base64 is decoded) or [`CompiledCondition::evaluate`] for a
//! [`ConditionResult`] that says why, with the values compared. A whole block is
//! [`evaluate_block`] / [`block_matches`]. One-off helpers taking raw text are
//! [`evaluate_condition`] and [`evaluate_raw_block`].
//!
//! # Rules (IAM User Guide, `reference_policies_elements_condition.html`,
//! `…_condition_operators.html`, `reference_policies_multi-value-conditions.html`)
//!
//! - Operators in a block AND together, keys under an operator AND together, the values of
//!   one key OR together: a condition matches when a request value matches *any* policy value.
//! - Negated operators (`StringNotEquals`, `StringNotEqualsIgnoreCase`, `StringNotLike`,
//!   `NumericNotEquals`, `DateNotEquals`, `NotIpAddress`, `ArnNotEquals`, `ArnNotLike`) are
//!   NOR over the policy values: true only when the request value matches none of them.
//! - A key absent from the request: positive operators are false, negated operators true
//!   ("If the policy condition requires that the key is not matched … and the right key is
//!   not present, the condition is true").
//! - `…IfExists`: true when the key is absent, otherwise the operator decides.
//! - `Null`: `true` means the key is absent (or present with an empty list: the multivalue
//!   page says a `Null` check with `false` stops "missing context keys or context keys with
//!   empty values" from evaluating to true); `false` means the key has a value.
//! - `ForAllValues:` is true when the key is absent or empty, and otherwise when every request
//!   value matches at least one policy value. `ForAnyValue:` is false when the key is absent
//!   or empty, and otherwise true when at least one request value matches a policy value. With
//!   a negated operator the per-value test is the NOR above ("matches none of the policy
//!   values"). The qualifier settles absent and empty keys before `IfExists` is looked at, so
//!   `IfExists` adds nothing after a qualifier (AWS documents no other meaning for the pair).
//! - A key with several values under an operator without a qualifier (AWS says to use a
//!   qualifier and documents nothing else): a positive operator matches when any request value
//!   matches any policy value, and the negated operator is its exact negation (true when no
//!   request value matches any policy value). An empty list counts as absent.
//! - Context key names compare case-insensitively ([`crate::context`]).
//! - Operator names are case-sensitive: IAM rejects `stringEquals` with "MalformedPolicyDocument:
//!   Invalid Condition type : stringEquals" (recorded in
//!   ministryofjustice/modernisation-platform-environments pull request 8893). An unknown
//!   name is an [`OperatorError`]; such a condition never matches, and the result says so.
//! - Policy variables are substituted in the String, ARN and Bool families only (each
//!   family's "Policy variables – Supported" line); in Numeric, Date, Binary and IP values a
//!   `${…}` stays literal text and so cannot be read.
//! - Wildcards: `StringLike`/`StringNotLike` (case-sensitive, `*` spans anything) and the
//!   four ARN operators (per component, see [`crate::matching`]). `ArnEquals` and `ArnLike`
//!   behave alike, as the operators page documents them together. `StringEquals` and
//!   `StringEqualsIgnoreCase` compare literally.
//! - Numeric: integers and decimals, compared exactly. Date: W3C ISO 8601 forms or epoch
//!   seconds, on both sides. Bool: `true`/`false` in any case. IpAddress: IPv4 and IPv6 CIDR
//!   blocks or bare addresses in the policy, one address in the request. BinaryEquals: base64
//!   on both sides, compared byte for byte. See `values.rs` for each reader.
//!
//! # Unreadable values
//!
//! A policy or request value that cannot be read for the operator's type (a bad date, number,
//! address, boolean, base64 text, a non-ARN for an ARN operator, a broken `${` template) never
//! matches. Each comparison is true, false or *unknown*; unknown combines like SQL's NULL
//! (a true comparison still makes an OR true), and a condition whose outcome stays unknown
//! does not match — for negated operators too — and reports
//! [`ConditionReason::UnparsableValue`]. Every unreadable value met is listed in
//! [`ConditionResult::unreadable`] so a decision can say it relied on one.
//!
//! # Unresolved policy variables
//!
//! A policy value whose variable has no value and no default matches nothing (positive
//! operators do not match, negated ones do), and is listed in
//! [`ConditionResult::unresolved`] with the variable, so the evaluator can name the missing key.

mod values;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::context::{Lookup, RequestContext, eq_ignore_case, fold_key};
use crate::matching::{ArnError, ArnPattern};
use crate::policy::PolicyVersion;
use crate::span::Span;
use crate::variables::{Resolution, Template, TemplateError, UnresolvedReason};

use values::{Cidr, Decimal};

/// The type a condition operator reads its values as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ValueType {
    /// Text.
    String,
    /// An integer or decimal number.
    Numeric,
    /// An ISO 8601 date or epoch seconds.
    Date,
    /// `true` or `false`.
    Boolean,
    /// Base64 text.
    Binary,
    /// An IP address or CIDR block.
    Ip,
    /// An ARN (six colon-separated components).
    Arn,
}

impl ValueType {
    /// A phrase for messages ("a date").
    pub fn describe(self) -> &'static str {
        match self {
            ValueType::String => "text",
            ValueType::Numeric => "a number (integer or decimal)",
            ValueType::Date => "a date (ISO 8601 or epoch seconds)",
            ValueType::Boolean => "true or false",
            ValueType::Binary => "base64 text",
            ValueType::Ip => "an IP address or CIDR block",
            ValueType::Arn => "an ARN (arn:partition:service:region:account:resource)",
        }
    }
}

macro_rules! base_operators {
    ($($variant:ident),* $(,)?) => {
        /// A condition operator without its qualifier and `IfExists` suffix.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum BaseOperator {
            $(
                #[doc = concat!("`", stringify!($variant), "`.")]
                $variant,
            )*
        }

        impl BaseOperator {
            /// Every operator AWS documents.
            pub const ALL: &'static [BaseOperator] = &[$(BaseOperator::$variant),*];

            /// The operator's name as AWS spells it.
            pub fn name(self) -> &'static str {
                match self {
                    $(BaseOperator::$variant => stringify!($variant),)*
                }
            }
        }
    };
}

base_operators!(
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
);

impl BaseOperator {
    /// Reads an operator name (case-sensitive, without qualifier or suffix).
    pub fn from_name(name: &str) -> Option<BaseOperator> {
        BaseOperator::ALL
            .iter()
            .copied()
            .find(|op| op.name() == name)
    }

    /// Whether the operator is a negation (true when no policy value matches).
    pub fn is_negated(self) -> bool {
        self.positive() != self
    }

    /// The positive operator a negated one negates (itself otherwise).
    pub fn positive(self) -> BaseOperator {
        use BaseOperator::*;
        match self {
            StringNotEquals => StringEquals,
            StringNotEqualsIgnoreCase => StringEqualsIgnoreCase,
            StringNotLike => StringLike,
            NumericNotEquals => NumericEquals,
            DateNotEquals => DateEquals,
            NotIpAddress => IpAddress,
            ArnNotEquals => ArnEquals,
            ArnNotLike => ArnLike,
            other => other,
        }
    }

    /// The type the operator reads values as (`Null` reads `true`/`false`).
    pub fn value_type(self) -> ValueType {
        use BaseOperator::*;
        match self.positive() {
            StringEquals | StringEqualsIgnoreCase | StringLike => ValueType::String,
            NumericEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => ValueType::Numeric,
            DateEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => ValueType::Date,
            Bool | Null => ValueType::Boolean,
            BinaryEquals => ValueType::Binary,
            IpAddress => ValueType::Ip,
            _ => ValueType::Arn,
        }
    }

    /// Whether `${…}` policy variables are substituted in this operator's values.
    pub fn supports_variables(self) -> bool {
        matches!(
            self.value_type(),
            ValueType::String | ValueType::Arn | ValueType::Boolean
        ) && self != BaseOperator::Null
    }

    /// Whether `*` and `?` are wildcards in this operator's values.
    pub fn supports_wildcards(self) -> bool {
        matches!(self.positive(), BaseOperator::StringLike) || self.value_type() == ValueType::Arn
    }
}

/// `ForAllValues:` or `ForAnyValue:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SetQualifier {
    /// Every request value must match (true when the key is absent or empty).
    ForAllValues,
    /// Some request value must match (false when the key is absent or empty).
    ForAnyValue,
}

impl SetQualifier {
    /// The qualifier as written, without the colon.
    pub fn name(self) -> &'static str {
        match self {
            SetQualifier::ForAllValues => "ForAllValues",
            SetQualifier::ForAnyValue => "ForAnyValue",
        }
    }
}

/// A parsed condition operator, e.g. `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Operator {
    /// The set qualifier, if any.
    pub qualifier: Option<SetQualifier>,
    /// The operator proper.
    pub base: BaseOperator,
    /// Whether the name ends in `IfExists`.
    pub if_exists: bool,
}

/// Why an operator name is not an operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorError {
    /// `unknown-operator`, `null-if-exists` or `qualified-null`.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
}

impl fmt::Display for OperatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Operator {
    /// Reads an operator name, case-sensitively.
    pub fn parse(name: &str) -> Result<Operator, OperatorError> {
        let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, name)
        };
        let (if_exists, base_name) = match rest.strip_suffix("IfExists") {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let Some(base) = BaseOperator::from_name(base_name) else {
            let hint = BaseOperator::ALL
                .iter()
                .find(|op| op.name().eq_ignore_ascii_case(base_name))
                .map(|op| {
                    format!(
                        " Operator names are case-sensitive: did you mean {}?",
                        op.name()
                    )
                })
                .unwrap_or_default();
            return Err(OperatorError {
                code: "unknown-operator",
                message: format!("\"{name}\" is not a condition operator.{hint}"),
            });
        };
        if base == BaseOperator::Null && if_exists {
            return Err(OperatorError {
                code: "null-if-exists",
                message: "Null has no IfExists form: Null itself tests whether the key exists."
                    .to_string(),
            });
        }
        if base == BaseOperator::Null && qualifier.is_some() {
            return Err(OperatorError {
                code: "qualified-null",
                message: "Null takes no ForAllValues:/ForAnyValue: qualifier.".to_string(),
            });
        }
        Ok(Operator {
            qualifier,
            base,
            if_exists,
        })
    }

    /// The operator's name as written in a policy.
    pub fn name(&self) -> String {
        let mut s = String::new();
        if let Some(q) = self.qualifier {
            s.push_str(q.name());
            s.push(':');
        }
        s.push_str(self.base.name());
        if self.if_exists {
            s.push_str("IfExists");
        }
        s
    }
}

impl std::str::FromStr for Operator {
    type Err = OperatorError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Operator::parse(s)
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// Which side of a comparison a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ValueSide {
    /// The policy's condition values.
    Policy,
    /// The request context.
    Request,
}

/// A value that could not be read for the operator's type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnreadableValue {
    /// Where the value came from.
    pub side: ValueSide,
    /// The index among the policy values (policy side only).
    pub policy_value_index: Option<usize>,
    /// The value as written.
    pub value: String,
    /// What the operator expected.
    pub expected_type: ValueType,
    /// A sentence for people.
    pub message: String,
}

/// A policy variable without a value, in one policy value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnresolvedVariable {
    /// The policy value it is in.
    pub policy_value_index: usize,
    /// The context key it names.
    pub variable: String,
    /// The `${…}` text, in bytes of the policy value.
    pub span_in_value: Span,
    /// Why it has no value.
    pub reason: UnresolvedReason,
}

/// A problem with a policy value found when compiling, for the editor's diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyValueError {
    /// The policy value's index.
    pub index: usize,
    /// A stable code (`bad-number`, `bad-date`, `bad-bool`, `bad-ip`, `bad-base64`,
    /// `not-an-arn`, or a template code from [`TemplateError`]).
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
    /// The bytes of the value concerned, when narrower than the whole value.
    pub span: Option<Span>,
}

/// Why a condition matched or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ConditionReason {
    /// The operator name is not an operator: the condition never matches.
    UnknownOperator {
        /// Why.
        message: String,
    },
    /// The key is absent (or its list is empty) and that decided the result: false for
    /// positive operators and `ForAnyValue:`, true for negated operators, `…IfExists` and
    /// `ForAllValues:`.
    KeyAbsent {
        /// Whether the key was present with an empty list rather than absent.
        empty_list: bool,
    },
    /// The `Null` operator's verdict.
    Null {
        /// Whether the key is absent or empty.
        key_is_null: bool,
    },
    /// This request value matched this policy value (for a negated operator, that made the
    /// condition false).
    Matched {
        /// The policy value's index.
        policy_value_index: usize,
        /// The request value.
        request_value: String,
    },
    /// No request value matched any policy value (for a negated operator, that made the
    /// condition true).
    NoValueMatched,
    /// `ForAllValues:`: every request value passed.
    AllValuesMatched,
    /// `ForAllValues:`: this request value failed; for a negated operator, the policy value
    /// it matched.
    SetMemberFailed {
        /// The request value.
        request_value: String,
        /// The policy value it matched (negated operators only).
        policy_value_index: Option<usize>,
    },
    /// `ForAnyValue:`: this request value passed; for a positive operator, the policy value
    /// it matched.
    AnyValueMatched {
        /// The request value.
        request_value: String,
        /// The policy value it matched (positive operators only).
        policy_value_index: Option<usize>,
    },
    /// The outcome depended on a value that could not be read, so the condition does not
    /// match.
    UnparsableValue(UnreadableValue),
}

/// The result of one condition, with what was compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionResult {
    /// Whether the condition is met.
    pub matched: bool,
    /// The operator as written.
    pub operator: String,
    /// The key as written in the policy.
    pub key: String,
    /// Why.
    pub reason: ConditionReason,
    /// The request's values for the key (empty when absent).
    pub request_values: Vec<String>,
    /// The policy values after substitution, as compared (an unresolved one is `None`).
    pub policy_values: Vec<Option<String>>,
    /// Values met that could not be read.
    pub unreadable: Vec<UnreadableValue>,
    /// Policy variables met that had no value.
    pub unresolved: Vec<UnresolvedVariable>,
}

impl ConditionResult {
    /// A sentence for people, e.g. `aws:SourceIp 10.1.2.3 is not in 192.0.2.0/24.`
    pub fn describe(&self) -> String {
        let op = &self.operator;
        let key = &self.key;
        let values = || {
            let vs: Vec<&str> = self
                .policy_values
                .iter()
                .map(|v| v.as_deref().unwrap_or("(unresolved variable)"))
                .collect();
            vs.join(", ")
        };
        let parsed = Operator::parse(op).ok();
        let verb = parsed.map_or("matches", |o| verb(o.base.positive()));
        let negated = parsed.is_some_and(|o| o.base.is_negated());
        match &self.reason {
            ConditionReason::UnknownOperator { message } => {
                format!("{message} The condition is never met.")
            }
            ConditionReason::KeyAbsent { empty_list } => {
                let what = if *empty_list {
                    format!("{key} has no values in the request")
                } else {
                    format!("The request has no {key}")
                };
                let met = if self.matched { "met" } else { "not met" };
                format!("{what}, so {op} is {met}.")
            }
            ConditionReason::Null { key_is_null } => {
                let state = if *key_is_null { "absent" } else { "present" };
                let met = if self.matched { "met" } else { "not met" };
                format!("{key} is {state}, so Null {} is {met}.", values())
            }
            ConditionReason::Matched {
                policy_value_index,
                request_value,
            } => {
                let pv = self
                    .policy_values
                    .get(*policy_value_index)
                    .and_then(|v| v.as_deref())
                    .unwrap_or("");
                if negated {
                    format!("{key} {request_value} {verb} {pv}, so {op} is not met.")
                } else {
                    format!("{key} {request_value} {verb} {pv}.")
                }
            }
            ConditionReason::NoValueMatched => {
                let req = self.request_values.join(", ");
                if negated {
                    format!(
                        "{key} {req} {} {}, so {op} is met.",
                        not_verb(verb),
                        values()
                    )
                } else {
                    format!("{key} {req} {} {}.", not_verb(verb), values())
                }
            }
            ConditionReason::AllValuesMatched => {
                format!("Every value of {key} passes {op}.")
            }
            ConditionReason::SetMemberFailed { request_value, .. } => {
                format!("{key} value {request_value} fails {op}, so not every value passes.")
            }
            ConditionReason::AnyValueMatched { request_value, .. } => {
                format!("{key} value {request_value} passes {op}.")
            }
            ConditionReason::UnparsableValue(u) => {
                format!("{} The condition is not met.", u.message)
            }
        }
    }
}

fn verb(op: BaseOperator) -> &'static str {
    use BaseOperator::*;
    match op {
        StringEquals | NumericEquals | DateEquals | Bool | BinaryEquals | ArnEquals => "equals",
        StringEqualsIgnoreCase => "equals (ignoring case)",
        StringLike | ArnLike => "is like",
        NumericLessThan | DateLessThan => "is less than",
        NumericLessThanEquals | DateLessThanEquals => "is at most",
        NumericGreaterThan | DateGreaterThan => "is greater than",
        NumericGreaterThanEquals | DateGreaterThanEquals => "is at least",
        IpAddress => "is in",
        _ => "matches",
    }
}

fn not_verb(verb: &str) -> String {
    match verb.split_once(' ') {
        Some(("is", rest)) => format!("is not {rest}"),
        _ => match verb {
            "equals" => "does not equal".to_string(),
            "equals (ignoring case)" => "does not equal (ignoring case)".to_string(),
            other => format!("does not satisfy \"{other}\""),
        },
    }
}

/// The result of a whole `Condition` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockResult {
    /// Whether every condition is met (an empty block is met).
    pub matched: bool,
    /// Every condition's result, in order.
    pub results: Vec<ConditionResult>,
    /// The first condition not met, if any.
    pub first_failed: Option<usize>,
}

/// A three-valued comparison outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// A policy value, read once.
#[derive(Debug, Clone)]
enum Compiled {
    /// String and Bool families: a template (variables resolved per request).
    Template(Result<Template, TemplateError>),
    /// ARN family: the template and, when it has no variables, the ARN pattern.
    Arn(
        Result<Template, TemplateError>,
        Option<Result<Box<ArnPattern>, ArnError>>,
    ),
    /// Numeric: whether the text reads as a number (it is re-read without allocating).
    Numeric(bool),
    /// Date, in nanoseconds since the epoch.
    Date(Option<i128>),
    /// IpAddress.
    Ip(Option<Cidr>),
    /// BinaryEquals: the decoded bytes.
    Binary(Option<Vec<u8>>),
    /// Null: the boolean.
    Null(Option<bool>),
}

/// A condition compiled for evaluation.
#[derive(Debug, Clone)]
pub struct CompiledCondition {
    operator_text: String,
    operator: Result<Operator, OperatorError>,
    key: String,
    /// The key folded once, for allocation-free lookups.
    folded_key: String,
    values: Vec<String>,
    compiled: Vec<Compiled>,
}

/// What the evaluation records besides its verdict.
#[derive(Default)]
struct Notes {
    unreadable: Vec<UnreadableValue>,
    unresolved: Vec<UnresolvedVariable>,
    policy_values: Vec<Option<String>>,
}

/// The core verdict, with indices instead of text.
enum Detail {
    UnknownOperator,
    KeyAbsent {
        empty_list: bool,
    },
    Null {
        key_is_null: bool,
    },
    Matched {
        policy: usize,
        request: usize,
    },
    NoValueMatched,
    AllValuesMatched,
    SetMemberFailed {
        request: usize,
        policy: Option<usize>,
    },
    AnyValueMatched {
        request: usize,
        policy: Option<usize>,
    },
    Unknown,
}

impl CompiledCondition {
    /// Compiles a condition from the operator name, the key and the policy values.
    pub fn new<S: AsRef<str>>(
        operator: &str,
        key: &str,
        values: &[S],
        version: PolicyVersion,
    ) -> CompiledCondition {
        let op = Operator::parse(operator);
        let values: Vec<String> = values.iter().map(|v| v.as_ref().to_string()).collect();
        let compiled = match &op {
            Ok(op) => values
                .iter()
                .map(|v| compile_value(op.base, v, version))
                .collect(),
            Err(_) => Vec::new(),
        };
        CompiledCondition {
            operator_text: operator.to_string(),
            operator: op,
            key: key.to_string(),
            folded_key: fold_key(key),
            values,
            compiled,
        }
    }

    /// The parsed operator, or why the name is not one.
    pub fn operator(&self) -> Result<&Operator, &OperatorError> {
        self.operator.as_ref()
    }

    /// The operator as written.
    pub fn operator_text(&self) -> &str {
        &self.operator_text
    }

    /// The condition key as written.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The policy values as written.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// The context keys this condition reads: its own key and those named by variables.
    pub fn referenced_keys(&self) -> Vec<&str> {
        let mut keys = vec![self.key.as_str()];
        for c in &self.compiled {
            if let Compiled::Template(Ok(t)) | Compiled::Arn(Ok(t), _) = c {
                keys.extend(t.variables().map(|v| v.key.as_str()));
            }
        }
        keys
    }

    /// Problems with the policy values found when compiling (unreadable values, template
    /// syntax errors), for the editor. The operator's own error is [`Self::operator`].
    pub fn policy_value_errors(&self) -> Vec<PolicyValueError> {
        let Ok(op) = &self.operator else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (index, (c, text)) in self.compiled.iter().zip(&self.values).enumerate() {
            let bad = |code| PolicyValueError {
                index,
                code,
                message: unreadable_message(ValueSide::Policy, op.base, text),
                span: None,
            };
            match c {
                Compiled::Template(Err(e)) | Compiled::Arn(Err(e), _) => {
                    out.push(PolicyValueError {
                        index,
                        code: e.code,
                        message: e.message.clone(),
                        span: Some(e.span),
                    })
                }
                Compiled::Arn(_, Some(Err(_))) => out.push(bad("not-an-arn")),
                Compiled::Numeric(false) => out.push(bad("bad-number")),
                Compiled::Date(None) => out.push(bad("bad-date")),
                Compiled::Ip(None) => out.push(bad("bad-ip")),
                Compiled::Binary(None) => out.push(bad("bad-base64")),
                Compiled::Null(None) => out.push(bad("bad-bool")),
                Compiled::Template(Ok(t))
                    if op.base == BaseOperator::Bool && !t.has_variables() =>
                {
                    if let Resolution::Resolved(s) = t.resolve_string(&RequestContext::new())
                        && values::parse_bool(&s).is_none()
                    {
                        out.push(bad("bad-bool"));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Whether the condition is met, without building an explanation.
    pub fn matches(&self, ctx: &RequestContext) -> bool {
        self.core(ctx, None).0 == Tri::True
    }

    /// Evaluates the condition with its reasons.
    pub fn evaluate(&self, ctx: &RequestContext) -> ConditionResult {
        let mut notes = Notes {
            policy_values: vec![None; self.values.len()],
            ..Notes::default()
        };
        let (tri, detail) = self.core(ctx, Some(&mut notes));
        let request_values = ctx.lookup_folded(&self.folded_key).values();
        let rv = |i: usize| request_values.get(i).cloned().unwrap_or_default();
        let reason = match detail {
            Detail::UnknownOperator => ConditionReason::UnknownOperator {
                message: self
                    .operator
                    .as_ref()
                    .err()
                    .map_or_else(String::new, |e| e.message.clone()),
            },
            Detail::KeyAbsent { empty_list } => ConditionReason::KeyAbsent { empty_list },
            Detail::Null { key_is_null } => ConditionReason::Null { key_is_null },
            Detail::Matched { policy, request } => ConditionReason::Matched {
                policy_value_index: policy,
                request_value: rv(request),
            },
            Detail::NoValueMatched => ConditionReason::NoValueMatched,
            Detail::AllValuesMatched => ConditionReason::AllValuesMatched,
            Detail::SetMemberFailed { request, policy } => ConditionReason::SetMemberFailed {
                request_value: rv(request),
                policy_value_index: policy,
            },
            Detail::AnyValueMatched { request, policy } => ConditionReason::AnyValueMatched {
                request_value: rv(request),
                policy_value_index: policy,
            },
            Detail::Unknown => match notes.unreadable.first() {
                Some(u) => ConditionReason::UnparsableValue(u.clone()),
                None => ConditionReason::NoValueMatched,
            },
        };
        // Policy values never compared (an early decision) are still shown as written.
        for (i, (slot, text)) in notes.policy_values.iter_mut().zip(&self.values).enumerate() {
            if slot.is_none() && !notes.unresolved.iter().any(|u| u.policy_value_index == i) {
                *slot = Some(text.clone());
            }
        }
        ConditionResult {
            matched: tri == Tri::True,
            operator: self.operator_text.clone(),
            key: self.key.clone(),
            reason,
            request_values: request_values.to_vec(),
            policy_values: notes.policy_values,
            unreadable: notes.unreadable,
            unresolved: notes.unresolved,
        }
    }

    fn core(&self, ctx: &RequestContext, mut notes: Option<&mut Notes>) -> (Tri, Detail) {
        let Ok(op) = &self.operator else {
            return (Tri::False, Detail::UnknownOperator);
        };
        let lookup = ctx.lookup_folded(&self.folded_key);
        if op.base == BaseOperator::Null {
            return self.null(lookup, notes);
        }
        let negated = op.base.is_negated();
        let request: &[String] = match lookup {
            Lookup::Values(e) => &e.values,
            Lookup::Absent | Lookup::Empty(_) => {
                let empty_list = matches!(lookup, Lookup::Empty(_));
                let tri = match op.qualifier {
                    Some(SetQualifier::ForAllValues) => Tri::True,
                    Some(SetQualifier::ForAnyValue) => Tri::False,
                    None if op.if_exists || negated => Tri::True,
                    None => Tri::False,
                };
                return (tri, Detail::KeyAbsent { empty_list });
            }
        };
        match op.qualifier {
            None => {
                // Any request value matching any policy value.
                let mut saw_unknown = false;
                for (ri, r) in request.iter().enumerate() {
                    match self.any_policy_value(op.base, r, ctx, notes.as_deref_mut()) {
                        (Tri::True, Some(pi)) => {
                            let tri = if negated { Tri::False } else { Tri::True };
                            return (
                                tri,
                                Detail::Matched {
                                    policy: pi,
                                    request: ri,
                                },
                            );
                        }
                        (Tri::Unknown, _) => saw_unknown = true,
                        _ => {}
                    }
                }
                if saw_unknown {
                    (Tri::Unknown, Detail::Unknown)
                } else {
                    let tri = if negated { Tri::True } else { Tri::False };
                    (tri, Detail::NoValueMatched)
                }
            }
            Some(SetQualifier::ForAnyValue) => {
                let mut saw_unknown = false;
                for (ri, r) in request.iter().enumerate() {
                    let (hit, pi) = self.any_policy_value(op.base, r, ctx, notes.as_deref_mut());
                    let pass = if negated { hit.not() } else { hit };
                    match pass {
                        Tri::True => {
                            return (
                                Tri::True,
                                Detail::AnyValueMatched {
                                    request: ri,
                                    policy: if negated { None } else { pi },
                                },
                            );
                        }
                        Tri::Unknown => saw_unknown = true,
                        Tri::False => {}
                    }
                }
                if saw_unknown {
                    (Tri::Unknown, Detail::Unknown)
                } else {
                    (Tri::False, Detail::NoValueMatched)
                }
            }
            Some(SetQualifier::ForAllValues) => {
                let mut saw_unknown = false;
                for (ri, r) in request.iter().enumerate() {
                    let (hit, pi) = self.any_policy_value(op.base, r, ctx, notes.as_deref_mut());
                    let pass = if negated { hit.not() } else { hit };
                    match pass {
                        Tri::False => {
                            return (
                                Tri::False,
                                Detail::SetMemberFailed {
                                    request: ri,
                                    policy: if negated { pi } else { None },
                                },
                            );
                        }
                        Tri::Unknown => saw_unknown = true,
                        Tri::True => {}
                    }
                }
                if saw_unknown {
                    (Tri::Unknown, Detail::Unknown)
                } else {
                    (Tri::True, Detail::AllValuesMatched)
                }
            }
        }
    }

    fn null(&self, lookup: Lookup<'_>, mut notes: Option<&mut Notes>) -> (Tri, Detail) {
        let key_is_null = lookup.is_null();
        let mut saw_unknown = false;
        for (i, c) in self.compiled.iter().enumerate() {
            if let Some(n) = notes.as_deref_mut()
                && let Some(slot) = n.policy_values.get_mut(i)
            {
                *slot = self.values.get(i).cloned();
            }
            match c {
                Compiled::Null(Some(b)) if *b == key_is_null => {
                    return (Tri::True, Detail::Null { key_is_null });
                }
                Compiled::Null(Some(_)) => {}
                _ => {
                    saw_unknown = true;
                    self.note_policy_unreadable(BaseOperator::Null, i, notes.as_deref_mut());
                }
            }
        }
        if saw_unknown {
            (Tri::Unknown, Detail::Unknown)
        } else {
            (Tri::False, Detail::Null { key_is_null })
        }
    }

    /// OR over the policy values for one request value, in the positive sense. Returns the
    /// first matching policy value's index.
    fn any_policy_value(
        &self,
        base: BaseOperator,
        request: &str,
        ctx: &RequestContext,
        mut notes: Option<&mut Notes>,
    ) -> (Tri, Option<usize>) {
        let parsed = ParsedRequest::new(base, request);
        let mut saw_unknown = false;
        for i in 0..self.compiled.len() {
            match self.compare(base, i, request, &parsed, ctx, notes.as_deref_mut()) {
                Tri::True => return (Tri::True, Some(i)),
                Tri::Unknown => saw_unknown = true,
                Tri::False => {}
            }
        }
        if saw_unknown {
            (Tri::Unknown, None)
        } else {
            (Tri::False, None)
        }
    }

    /// Compares one request value with policy value `i`, in the positive sense.
    fn compare(
        &self,
        base: BaseOperator,
        i: usize,
        request: &str,
        parsed: &ParsedRequest<'_>,
        ctx: &RequestContext,
        mut notes: Option<&mut Notes>,
    ) -> Tri {
        use BaseOperator::*;
        let Some(c) = self.compiled.get(i) else {
            return Tri::False;
        };
        let positive = base.positive();
        let tri = |b: bool| if b { Tri::True } else { Tri::False };
        match c {
            Compiled::Template(Err(_)) | Compiled::Arn(Err(_), _) => {
                self.note_policy_unreadable(base, i, notes);
                Tri::Unknown
            }
            Compiled::Template(Ok(t)) => {
                if positive == StringLike {
                    let p = match t.resolve_pattern(ctx) {
                        Resolution::Resolved(p) => p,
                        Resolution::Unresolved(u) => {
                            self.note_unresolved(i, u, notes);
                            return Tri::False;
                        }
                    };
                    self.note_policy_value(i, || p.to_string(), notes);
                    return tri(p.matches(request, false));
                }
                let s = match t.resolve_string(ctx) {
                    Resolution::Resolved(s) => s,
                    Resolution::Unresolved(u) => {
                        self.note_unresolved(i, u, notes);
                        return Tri::False;
                    }
                };
                self.note_policy_value(i, || s.to_string(), notes.as_deref_mut());
                match positive {
                    StringEquals => tri(*s == *request),
                    StringEqualsIgnoreCase => tri(eq_ignore_case(&s, request)),
                    _ => {
                        // Bool.
                        let Some(p) = values::parse_bool(&s) else {
                            self.note_unreadable(ValueSide::Policy, base, Some(i), &s, notes);
                            return Tri::Unknown;
                        };
                        let ParsedRequest::Bool(Some(r)) = *parsed else {
                            self.note_unreadable(ValueSide::Request, base, None, request, notes);
                            return Tri::Unknown;
                        };
                        tri(p == r)
                    }
                }
            }
            Compiled::Arn(Ok(t), static_pattern) => {
                let owned;
                let pattern: &ArnPattern = match static_pattern {
                    Some(Ok(p)) => {
                        self.note_policy_value(i, || static_text(t), notes.as_deref_mut());
                        p
                    }
                    Some(Err(_)) => {
                        self.note_policy_unreadable(base, i, notes);
                        return Tri::Unknown;
                    }
                    None => {
                        let p = match t.resolve_pattern(ctx) {
                            Resolution::Resolved(p) => p,
                            Resolution::Unresolved(u) => {
                                self.note_unresolved(i, u, notes);
                                return Tri::False;
                            }
                        };
                        self.note_policy_value(i, || p.to_string(), notes.as_deref_mut());
                        match ArnPattern::new(&p) {
                            Ok(a) => {
                                owned = a;
                                &owned
                            }
                            Err(_) => {
                                let text = p.to_string();
                                self.note_unreadable(
                                    ValueSide::Policy,
                                    base,
                                    Some(i),
                                    &text,
                                    notes,
                                );
                                return Tri::Unknown;
                            }
                        }
                    }
                };
                match pattern.matches(request) {
                    Ok(b) => tri(b),
                    Err(_) => {
                        self.note_unreadable(ValueSide::Request, base, None, request, notes);
                        Tri::Unknown
                    }
                }
            }
            Compiled::Numeric(ok) => {
                let text = self.values.get(i).map_or("", String::as_str);
                self.note_policy_value(i, || text.to_string(), notes.as_deref_mut());
                let p = match (ok, values::parse_decimal(text)) {
                    (true, Some(p)) => p,
                    _ => {
                        self.note_policy_unreadable(base, i, notes);
                        return Tri::Unknown;
                    }
                };
                let ParsedRequest::Numeric(Some(r)) = parsed else {
                    self.note_unreadable(ValueSide::Request, base, None, request, notes);
                    return Tri::Unknown;
                };
                tri(ordered(positive, r.cmp(&p)))
            }
            Compiled::Date(p) => {
                self.note_policy_value(
                    i,
                    || self.values.get(i).cloned().unwrap_or_default(),
                    notes.as_deref_mut(),
                );
                let Some(p) = p else {
                    self.note_policy_unreadable(base, i, notes);
                    return Tri::Unknown;
                };
                let ParsedRequest::Date(Some(r)) = *parsed else {
                    self.note_unreadable(ValueSide::Request, base, None, request, notes);
                    return Tri::Unknown;
                };
                tri(ordered(positive, r.cmp(p)))
            }
            Compiled::Ip(p) => {
                self.note_policy_value(
                    i,
                    || self.values.get(i).cloned().unwrap_or_default(),
                    notes.as_deref_mut(),
                );
                let Some(p) = p else {
                    self.note_policy_unreadable(base, i, notes);
                    return Tri::Unknown;
                };
                let ParsedRequest::Ip(Some(r)) = *parsed else {
                    self.note_unreadable(ValueSide::Request, base, None, request, notes);
                    return Tri::Unknown;
                };
                tri(p.contains(r))
            }
            Compiled::Binary(p) => {
                self.note_policy_value(
                    i,
                    || self.values.get(i).cloned().unwrap_or_default(),
                    notes.as_deref_mut(),
                );
                let Some(p) = p else {
                    self.note_policy_unreadable(base, i, notes);
                    return Tri::Unknown;
                };
                let ParsedRequest::Binary(Some(r)) = parsed else {
                    self.note_unreadable(ValueSide::Request, base, None, request, notes);
                    return Tri::Unknown;
                };
                tri(p == r)
            }
            Compiled::Null(_) => Tri::False,
        }
    }

    fn note_policy_value(
        &self,
        i: usize,
        text: impl FnOnce() -> String,
        notes: Option<&mut Notes>,
    ) {
        if let Some(n) = notes
            && let Some(slot) = n.policy_values.get_mut(i)
            && slot.is_none()
        {
            *slot = Some(text());
        }
    }

    fn note_unresolved(
        &self,
        i: usize,
        u: crate::variables::Unresolved,
        notes: Option<&mut Notes>,
    ) {
        if let Some(n) = notes
            && !n.unresolved.iter().any(|x| x.policy_value_index == i)
        {
            n.unresolved.push(UnresolvedVariable {
                policy_value_index: i,
                variable: u.variable,
                span_in_value: u.span_in_template,
                reason: u.reason,
            });
        }
    }

    fn note_policy_unreadable(&self, base: BaseOperator, i: usize, notes: Option<&mut Notes>) {
        let text = self.values.get(i).map_or("", String::as_str);
        self.note_unreadable(ValueSide::Policy, base, Some(i), text, notes);
    }

    fn note_unreadable(
        &self,
        side: ValueSide,
        base: BaseOperator,
        index: Option<usize>,
        value: &str,
        notes: Option<&mut Notes>,
    ) {
        let Some(n) = notes else { return };
        if n.unreadable
            .iter()
            .any(|u| u.side == side && u.policy_value_index == index && u.value == value)
        {
            return;
        }
        let mut message = unreadable_message(side, base, value);
        if side == ValueSide::Policy
            && let Some(Compiled::Template(Err(e)) | Compiled::Arn(Err(e), _)) =
                index.and_then(|i| self.compiled.get(i))
        {
            message = format!(
                "The policy value \"{value}\" has a broken policy variable: {}",
                e.message
            );
        }
        if side == ValueSide::Request {
            message = format!("{} {message}", self.key);
        }
        n.unreadable.push(UnreadableValue {
            side,
            policy_value_index: index,
            value: value.to_string(),
            expected_type: base.value_type(),
            message,
        });
    }
}

/// A request value read once for the operator's type, before it meets the policy values.
enum ParsedRequest<'r> {
    /// Text, ARN and Null operators read the text itself.
    Text,
    Numeric(Option<Decimal<'r>>),
    Date(Option<i128>),
    Ip(Option<(bool, u128)>),
    Binary(Option<Vec<u8>>),
    Bool(Option<bool>),
}

impl<'r> ParsedRequest<'r> {
    fn new(base: BaseOperator, request: &'r str) -> ParsedRequest<'r> {
        match base.value_type() {
            ValueType::Numeric => ParsedRequest::Numeric(values::parse_decimal(request)),
            ValueType::Date => ParsedRequest::Date(values::parse_date(request)),
            ValueType::Ip => ParsedRequest::Ip(values::parse_ip(request)),
            ValueType::Binary => ParsedRequest::Binary(values::decode_base64(request)),
            ValueType::Boolean if base == BaseOperator::Bool => {
                ParsedRequest::Bool(values::parse_bool(request))
            }
            _ => ParsedRequest::Text,
        }
    }
}

/// The text of a template without variables (escapes applied).
fn static_text(t: &Template) -> String {
    match t.resolve_string(&RequestContext::new()) {
        Resolution::Resolved(s) => s.into_owned(),
        Resolution::Unresolved(_) => String::new(),
    }
}

/// Whether `request ⟨op⟩ policy` holds given their ordering.
fn ordered(positive: BaseOperator, ord: std::cmp::Ordering) -> bool {
    use BaseOperator::*;
    use std::cmp::Ordering::*;
    match positive {
        NumericEquals | DateEquals => ord == Equal,
        NumericLessThan | DateLessThan => ord == Less,
        NumericLessThanEquals | DateLessThanEquals => ord != Greater,
        NumericGreaterThan | DateGreaterThan => ord == Greater,
        NumericGreaterThanEquals | DateGreaterThanEquals => ord != Less,
        _ => false,
    }
}

fn unreadable_message(side: ValueSide, base: BaseOperator, value: &str) -> String {
    let whose = match side {
        ValueSide::Policy => "The policy value",
        ValueSide::Request => "value",
    };
    let mut m = format!(
        "{whose} \"{value}\" is not {} as {} needs, so it never matches.",
        base.value_type().describe(),
        base.name()
    );
    if side == ValueSide::Policy && value.contains("${") && !base.supports_variables() {
        m.push_str(&format!(
            " {} operators do not substitute policy variables.",
            base.name()
        ));
    }
    m
}

fn compile_value(base: BaseOperator, text: &str, version: PolicyVersion) -> Compiled {
    match base.value_type() {
        ValueType::String => Compiled::Template(Template::parse(text, version)),
        ValueType::Boolean if base == BaseOperator::Null => {
            Compiled::Null(values::parse_bool(text))
        }
        ValueType::Boolean => Compiled::Template(Template::parse(text, version)),
        ValueType::Arn => {
            let t = Template::parse(text, version);
            let static_pattern = match &t {
                Ok(t) if !t.has_variables() => match t.resolve_pattern(&RequestContext::new()) {
                    Resolution::Resolved(p) => Some(ArnPattern::new(&p).map(Box::new)),
                    Resolution::Unresolved(_) => None,
                },
                _ => None,
            };
            Compiled::Arn(t, static_pattern)
        }
        ValueType::Numeric => Compiled::Numeric(values::parse_decimal(text).is_some()),
        ValueType::Date => Compiled::Date(values::parse_date(text)),
        ValueType::Ip => Compiled::Ip(values::parse_cidr(text)),
        ValueType::Binary => Compiled::Binary(values::decode_base64(text)),
    }
}

/// Evaluates a whole block: every condition (so the UI can show each), `matched` when all are
/// met, and the first that is not.
pub fn evaluate_block(block: &[CompiledCondition], ctx: &RequestContext) -> BlockResult {
    let results: Vec<ConditionResult> = block.iter().map(|c| c.evaluate(ctx)).collect();
    let first_failed = results.iter().position(|r| !r.matched);
    BlockResult {
        matched: first_failed.is_none(),
        results,
        first_failed,
    }
}

/// Whether every condition of a block is met, stopping at the first that is not.
pub fn block_matches(block: &[CompiledCondition], ctx: &RequestContext) -> bool {
    block.iter().all(|c| c.matches(ctx))
}

/// Compiles and evaluates one condition given as text.
pub fn evaluate_condition<S: AsRef<str>>(
    operator: &str,
    key: &str,
    values: &[S],
    ctx: &RequestContext,
    version: PolicyVersion,
) -> ConditionResult {
    CompiledCondition::new(operator, key, values, version).evaluate(ctx)
}

/// Compiles and evaluates a block given as `(operator, key, values)` triples.
pub fn evaluate_raw_block<S: AsRef<str>>(
    block: &[(&str, &str, &[S])],
    ctx: &RequestContext,
    version: PolicyVersion,
) -> BlockResult {
    let compiled: Vec<CompiledCondition> = block
        .iter()
        .map(|(op, key, values)| CompiledCondition::new(op, key, values, version))
        .collect();
    evaluate_block(&compiled, ctx)
}

#[cfg(test)]
mod tests;
