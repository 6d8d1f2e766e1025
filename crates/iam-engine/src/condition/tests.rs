//! One test per documented rule; each names the rule it checks.

use super::*;
use crate::context::ContextKeyType as T;

const V12: PolicyVersion = PolicyVersion::V2012_10_17;
const V08: PolicyVersion = PolicyVersion::V2008_10_17;

fn ctx(entries: &[(&str, T, &[&str])]) -> RequestContext {
    let mut c = RequestContext::new();
    for (k, t, v) in entries {
        c.set(*k, *t, v.iter().copied());
    }
    c
}

fn eval(op: &str, key: &str, values: &[&str], c: &RequestContext) -> ConditionResult {
    evaluate_condition(op, key, values, c, V12)
}

fn yes(op: &str, key: &str, values: &[&str], c: &RequestContext) {
    let r = eval(op, key, values, c);
    assert!(r.matched, "{op} {key} {values:?} should match: {r:?}");
    assert!(CompiledCondition::new(op, key, values, V12).matches(c));
}

fn no(op: &str, key: &str, values: &[&str], c: &RequestContext) {
    let r = eval(op, key, values, c);
    assert!(!r.matched, "{op} {key} {values:?} should not match: {r:?}");
    assert!(!CompiledCondition::new(op, key, values, V12).matches(c));
}

fn user(name: &str) -> RequestContext {
    ctx(&[("aws:username", T::String, &[name])])
}

// ---- Operator names ----

#[test]
fn every_documented_operator_parses_with_and_without_suffix() {
    for base in BaseOperator::ALL {
        let op = Operator::parse(base.name()).unwrap();
        assert_eq!(op.base, *base);
        assert_eq!(op.name(), base.name());
        if *base != BaseOperator::Null {
            let with = format!("{}IfExists", base.name());
            let op = Operator::parse(&with).unwrap();
            assert!(op.if_exists);
            assert_eq!(op.to_string(), with);
            let q = format!("ForAnyValue:{with}");
            assert_eq!(
                Operator::parse(&q).unwrap().qualifier,
                Some(SetQualifier::ForAnyValue)
            );
            let q = format!("ForAllValues:{}", base.name());
            assert_eq!(
                Operator::parse(&q).unwrap().qualifier,
                Some(SetQualifier::ForAllValues)
            );
        }
    }
    assert_eq!(BaseOperator::ALL.len(), 27);
}

#[test]
fn operator_names_are_case_sensitive() {
    let e = Operator::parse("stringEquals").unwrap_err();
    assert_eq!(e.code, "unknown-operator");
    assert!(e.message.contains("did you mean StringEquals"));
    assert!(Operator::parse("forallvalues:StringEquals").is_err());
    assert!(Operator::parse("StringEqualsifexists").is_err());
}

#[test]
fn unknown_and_malformed_operators_are_errors() {
    assert_eq!(
        Operator::parse("StringMatches").unwrap_err().code,
        "unknown-operator"
    );
    assert_eq!(
        Operator::parse("NullIfExists").unwrap_err().code,
        "null-if-exists"
    );
    assert_eq!(
        Operator::parse("ForAllValues:Null").unwrap_err().code,
        "qualified-null"
    );
    assert!(Operator::parse("ForAllValues:").is_err());
    assert!(Operator::parse("IfExists").is_err());
    assert!(Operator::parse("").is_err());
}

#[test]
fn unknown_operator_never_matches_even_negated_looking() {
    // B11: unknown operator reported, never silently allow.
    let c = user("bob");
    let r = eval("StringNotEqualz", "aws:username", &["alice"], &c);
    assert!(!r.matched);
    assert!(matches!(r.reason, ConditionReason::UnknownOperator { .. }));
    assert!(r.describe().contains("never met"));
}

#[test]
fn negation_and_families_are_classified() {
    use BaseOperator::*;
    for op in [
        StringNotEquals,
        StringNotEqualsIgnoreCase,
        StringNotLike,
        NumericNotEquals,
        DateNotEquals,
        NotIpAddress,
        ArnNotEquals,
        ArnNotLike,
    ] {
        assert!(op.is_negated(), "{op:?}");
    }
    assert!(!Bool.is_negated() && !Null.is_negated() && !BinaryEquals.is_negated());
    assert!(StringEquals.supports_variables() && ArnLike.supports_variables());
    assert!(Bool.supports_variables());
    assert!(!NumericEquals.supports_variables() && !DateEquals.supports_variables());
    assert!(!IpAddress.supports_variables() && !BinaryEquals.supports_variables());
    assert!(StringLike.supports_wildcards() && ArnEquals.supports_wildcards());
    assert!(!StringEquals.supports_wildcards());
}

// ---- Values OR, keys/operators AND ----

#[test]
fn values_of_one_key_or_together() {
    let c = user("bob");
    yes("StringEquals", "aws:username", &["alice", "bob"], &c);
    no("StringEquals", "aws:username", &["alice", "carol"], &c);
}

#[test]
fn conditions_in_a_block_and_together() {
    let c = ctx(&[
        ("aws:username", T::String, &["bob"]),
        ("aws:SourceIp", T::Ip, &["10.1.2.3"]),
    ]);
    let one: &[&str] = &["bob"];
    let net: &[&str] = &["10.0.0.0/8"];
    let other: &[&str] = &["192.0.2.0/24"];
    let ok = evaluate_raw_block(
        &[
            ("StringEquals", "aws:username", one),
            ("IpAddress", "aws:SourceIp", net),
        ],
        &c,
        V12,
    );
    assert!(ok.matched);
    assert_eq!(ok.first_failed, None);
    let bad = evaluate_raw_block(
        &[
            ("StringEquals", "aws:username", one),
            ("IpAddress", "aws:SourceIp", other),
        ],
        &c,
        V12,
    );
    assert!(!bad.matched);
    assert_eq!(bad.first_failed, Some(1));
    assert_eq!(bad.results.len(), 2);
    let compiled = vec![
        CompiledCondition::new("StringEquals", "aws:username", one, V12),
        CompiledCondition::new("IpAddress", "aws:SourceIp", other, V12),
    ];
    assert!(!block_matches(&compiled, &c));
    assert!(block_matches(&[], &c));
    assert!(evaluate_block(&[], &c).matched);
}

// ---- Negated operators are NOR ----

#[test]
fn negated_operator_is_nor_over_policy_values() {
    let c = user("bob");
    yes("StringNotEquals", "aws:username", &["alice", "carol"], &c);
    no("StringNotEquals", "aws:username", &["alice", "bob"], &c);
    let r = eval("StringNotEquals", "aws:username", &["alice", "bob"], &c);
    assert_eq!(
        r.reason,
        ConditionReason::Matched {
            policy_value_index: 1,
            request_value: "bob".into()
        }
    );
    assert!(r.describe().contains("not met"));
}

#[test]
fn not_ip_address_is_nor() {
    let c = ctx(&[("aws:SourceIp", T::Ip, &["10.1.2.3"])]);
    yes(
        "NotIpAddress",
        "aws:SourceIp",
        &["192.0.2.0/24", "203.0.113.0/24"],
        &c,
    );
    no(
        "NotIpAddress",
        "aws:SourceIp",
        &["192.0.2.0/24", "10.0.0.0/8"],
        &c,
    );
}

// ---- Absent keys ----

#[test]
fn absent_key_positive_false_negated_true() {
    let c = RequestContext::new();
    no("StringEquals", "aws:username", &["bob"], &c);
    no("StringLike", "aws:username", &["*"], &c);
    no("IpAddress", "aws:SourceIp", &["0.0.0.0/0"], &c);
    no("Bool", "aws:SecureTransport", &["false"], &c);
    // B11: StringNotEquals with a missing key applies (in a Deny, the Deny applies).
    yes("StringNotEquals", "aws:PrincipalOrgID", &["o-123"], &c);
    yes("ArnNotLike", "aws:SourceArn", &["arn:aws:s3:::*"], &c);
    yes("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"], &c);
    let r = eval("StringEquals", "aws:username", &["bob"], &c);
    assert_eq!(r.reason, ConditionReason::KeyAbsent { empty_list: false });
    assert!(r.describe().contains("The request has no aws:username"));
}

#[test]
fn if_exists_is_true_when_absent_and_decides_when_present() {
    let absent = RequestContext::new();
    yes(
        "StringEqualsIfExists",
        "ec2:InstanceType",
        &["t3.micro"],
        &absent,
    );
    // B11: IfExists + negated in a Deny: absent → true, so the Deny applies.
    yes(
        "StringNotEqualsIfExists",
        "ec2:InstanceType",
        &["t3.micro"],
        &absent,
    );
    let c = ctx(&[("ec2:InstanceType", T::String, &["m5.large"])]);
    no(
        "StringEqualsIfExists",
        "ec2:InstanceType",
        &["t3.micro"],
        &c,
    );
    yes(
        "StringNotEqualsIfExists",
        "ec2:InstanceType",
        &["t3.micro"],
        &c,
    );
    no(
        "StringNotEqualsIfExists",
        "ec2:InstanceType",
        &["m5.large"],
        &c,
    );
}

#[test]
fn empty_list_counts_as_absent_for_single_valued_operators() {
    let c = ctx(&[("aws:SourceVpc", T::StringList, &[])]);
    no("StringEquals", "aws:SourceVpc", &["vpc-1"], &c);
    yes("StringNotEquals", "aws:SourceVpc", &["vpc-1"], &c);
    yes("StringEqualsIfExists", "aws:SourceVpc", &["vpc-1"], &c);
    let r = eval("StringEquals", "aws:SourceVpc", &["vpc-1"], &c);
    assert_eq!(r.reason, ConditionReason::KeyAbsent { empty_list: true });
}

// ---- Null ----

#[test]
fn null_true_means_absent() {
    let absent = RequestContext::new();
    let present = ctx(&[("aws:TokenIssueTime", T::Date, &["2020-01-01T00:00:00Z"])]);
    yes("Null", "aws:TokenIssueTime", &["true"], &absent);
    no("Null", "aws:TokenIssueTime", &["true"], &present);
    yes("Null", "aws:TokenIssueTime", &["false"], &present);
    no("Null", "aws:TokenIssueTime", &["false"], &absent);
    let r = eval("Null", "aws:TokenIssueTime", &["false"], &absent);
    assert_eq!(r.reason, ConditionReason::Null { key_is_null: true });
}

#[test]
fn null_treats_empty_list_as_null() {
    let c = ctx(&[("aws:TagKeys", T::StringList, &[])]);
    yes("Null", "aws:TagKeys", &["true"], &c);
    no("Null", "aws:TagKeys", &["false"], &c);
}

#[test]
fn null_with_unreadable_value_does_not_match() {
    let c = RequestContext::new();
    let r = eval("Null", "aws:TagKeys", &["yes"], &c);
    assert!(!r.matched);
    assert!(matches!(r.reason, ConditionReason::UnparsableValue(_)));
    let r = eval("Null", "aws:TagKeys", &["yes", "true"], &c);
    assert!(r.matched, "a readable true still decides");
    assert_eq!(r.unreadable.len(), 1);
}

// ---- Set qualifiers ----

#[test]
fn for_all_values_true_when_absent_or_empty() {
    // B11: ForAllValues absent → true.
    yes(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        &["Dept"],
        &RequestContext::new(),
    );
    let empty = ctx(&[("aws:TagKeys", T::StringList, &[])]);
    yes(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        &["Dept"],
        &empty,
    );
}

#[test]
fn for_all_values_requires_every_request_value() {
    let c = ctx(&[("aws:TagKeys", T::StringList, &["Dept", "Owner"])]);
    yes(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        &["Dept", "Owner", "Env"],
        &c,
    );
    no("ForAllValues:StringEquals", "aws:TagKeys", &["Dept"], &c);
    let r = eval("ForAllValues:StringEquals", "aws:TagKeys", &["Dept"], &c);
    assert_eq!(
        r.reason,
        ConditionReason::SetMemberFailed {
            request_value: "Owner".into(),
            policy_value_index: None
        }
    );
}

#[test]
fn for_any_value_false_when_absent_or_empty() {
    // B11: ForAnyValue absent → false.
    no(
        "ForAnyValue:StringEquals",
        "aws:TagKeys",
        &["Dept"],
        &RequestContext::new(),
    );
    let empty = ctx(&[("aws:TagKeys", T::StringList, &[])]);
    no("ForAnyValue:StringEquals", "aws:TagKeys", &["Dept"], &empty);
    // IfExists does not rescue a qualified operator.
    no(
        "ForAnyValue:StringEqualsIfExists",
        "aws:TagKeys",
        &["Dept"],
        &empty,
    );
}

#[test]
fn for_any_value_needs_one_match() {
    let c = ctx(&[("aws:TagKeys", T::StringList, &["Dept", "Owner"])]);
    yes(
        "ForAnyValue:StringEquals",
        "aws:TagKeys",
        &["Owner", "Env"],
        &c,
    );
    no("ForAnyValue:StringEquals", "aws:TagKeys", &["Env"], &c);
    let r = eval(
        "ForAnyValue:StringEquals",
        "aws:TagKeys",
        &["Env", "Owner"],
        &c,
    );
    assert_eq!(
        r.reason,
        ConditionReason::AnyValueMatched {
            request_value: "Owner".into(),
            policy_value_index: Some(1)
        }
    );
}

#[test]
fn qualified_negated_operators_test_each_request_value() {
    let c = ctx(&[("aws:TagKeys", T::StringList, &["Dept", "Owner"])]);
    // ForAllValues:StringNotEquals: no request value may be one of the policy values.
    yes(
        "ForAllValues:StringNotEquals",
        "aws:TagKeys",
        &["Secret"],
        &c,
    );
    no(
        "ForAllValues:StringNotEquals",
        "aws:TagKeys",
        &["Owner"],
        &c,
    );
    let r = eval(
        "ForAllValues:StringNotEquals",
        "aws:TagKeys",
        &["Owner"],
        &c,
    );
    assert_eq!(
        r.reason,
        ConditionReason::SetMemberFailed {
            request_value: "Owner".into(),
            policy_value_index: Some(0)
        }
    );
    // ForAnyValue:StringNotEquals: some request value is none of the policy values.
    yes("ForAnyValue:StringNotEquals", "aws:TagKeys", &["Owner"], &c);
    no(
        "ForAnyValue:StringNotEquals",
        "aws:TagKeys",
        &["Owner", "Dept"],
        &c,
    );
    yes("ForAllValues:StringLike", "aws:TagKeys", &["D*", "O*"], &c);
}

#[test]
fn multivalued_key_with_single_valued_operator_matches_any() {
    let c = ctx(&[("aws:TagKeys", T::StringList, &["Dept", "Owner"])]);
    yes("StringEquals", "aws:TagKeys", &["Owner"], &c);
    no("StringEquals", "aws:TagKeys", &["Env"], &c);
    // The negated operator is the exact negation.
    no("StringNotEquals", "aws:TagKeys", &["Owner"], &c);
    yes("StringNotEquals", "aws:TagKeys", &["Env"], &c);
}

// ---- String family ----

#[test]
fn string_equals_is_case_sensitive_and_literal() {
    let c = user("JohnDoe");
    no("StringEquals", "aws:username", &["johndoe"], &c);
    yes("StringEqualsIgnoreCase", "aws:username", &["johndoe"], &c);
    no(
        "StringNotEqualsIgnoreCase",
        "aws:username",
        &["JOHNDOE"],
        &c,
    );
    yes("StringNotEqualsIgnoreCase", "aws:username", &["jane"], &c);
    no("StringEquals", "aws:username", &["John*"], &c);
}

#[test]
fn string_like_globs_case_sensitively() {
    let c = ctx(&[("s3:prefix", T::String, &["home/bob/docs"])]);
    yes("StringLike", "s3:prefix", &["home/*"], &c);
    yes("StringLike", "s3:prefix", &["home/b?b/*"], &c);
    no("StringLike", "s3:prefix", &["Home/*"], &c);
    yes("StringNotLike", "s3:prefix", &["tmp/*"], &c);
    no("StringNotLike", "s3:prefix", &["tmp/*", "home/*"], &c);
}

#[test]
fn condition_key_lookup_ignores_case_including_tag_key() {
    // B11: tag-key case.
    let c = ctx(&[("aws:ResourceTag/TagKey1", T::String, &["Value1"])]);
    yes("StringEquals", "aws:resourcetag/tagkey1", &["Value1"], &c);
    yes("StringEquals", "AWS:ResourceTag/TAGKEY1", &["Value1"], &c);
    no("StringEquals", "aws:ResourceTag/TagKey1", &["value1"], &c);
}

// ---- Policy variables in conditions ----

#[test]
fn variables_in_condition_values() {
    let c = ctx(&[
        ("aws:username", T::String, &["bob"]),
        ("s3:prefix", T::String, &["home/bob/x"]),
        ("aws:PrincipalTag/team", T::String, &["blue"]),
        ("aws:ResourceTag/team", T::String, &["blue"]),
    ]);
    yes("StringLike", "s3:prefix", &["home/${aws:username}/*"], &c);
    yes(
        "StringEquals",
        "aws:ResourceTag/team",
        &["${aws:PrincipalTag/team}"],
        &c,
    );
    no("StringLike", "s3:prefix", &["home/${aws:userid}/*"], &c);
}

#[test]
fn substituted_values_stay_literal_in_string_like() {
    let c = ctx(&[
        ("aws:username", T::String, &["a*"]),
        ("s3:prefix", T::String, &["home/abc"]),
    ]);
    no("StringLike", "s3:prefix", &["home/${aws:username}"], &c);
    let c2 = ctx(&[
        ("aws:username", T::String, &["a*"]),
        ("s3:prefix", T::String, &["home/a*"]),
    ]);
    yes("StringLike", "s3:prefix", &["home/${aws:username}"], &c2);
}

#[test]
fn unresolved_variable_positive_no_negated_yes() {
    // B11: missing variable without default.
    let c = user("bob");
    no(
        "StringEquals",
        "aws:username",
        &["${aws:PrincipalTag/owner}"],
        &c,
    );
    yes(
        "StringNotEquals",
        "aws:username",
        &["${aws:PrincipalTag/owner}"],
        &c,
    );
    let r = eval(
        "StringEquals",
        "aws:username",
        &["${aws:PrincipalTag/owner}"],
        &c,
    );
    assert_eq!(r.unresolved.len(), 1);
    assert_eq!(r.unresolved[0].variable, "aws:PrincipalTag/owner");
    assert_eq!(r.unresolved[0].span_in_value, Span::new(0, 25));
    assert_eq!(r.policy_values, vec![None]);
}

#[test]
fn unresolved_variable_with_default_uses_default() {
    // B11: missing variable with default.
    let c = user("bob");
    yes(
        "StringEquals",
        "aws:username",
        &["${aws:PrincipalTag/owner, 'bob'}"],
        &c,
    );
    let r = eval(
        "StringEquals",
        "aws:username",
        &["${aws:PrincipalTag/owner, 'bob'}"],
        &c,
    );
    assert!(r.unresolved.is_empty());
    assert_eq!(r.policy_values, vec![Some("bob".to_string())]);
}

#[test]
fn version_2008_keeps_variables_literal() {
    // B11: 2008 literal.
    let c = user("bob");
    let r = evaluate_condition(
        "StringEquals",
        "aws:username",
        &["${aws:username}"],
        &c,
        V08,
    );
    assert!(!r.matched);
    let lit = user("${aws:username}");
    let r = evaluate_condition(
        "StringEquals",
        "aws:username",
        &["${aws:username}"],
        &lit,
        V08,
    );
    assert!(r.matched);
}

#[test]
fn broken_template_is_reported_and_never_matches() {
    let c = user("bob");
    let r = eval("StringEquals", "aws:username", &["${aws:username"], &c);
    assert!(!r.matched);
    assert!(matches!(r.reason, ConditionReason::UnparsableValue(_)));
    let r = eval("StringNotEquals", "aws:username", &["${aws:username"], &c);
    assert!(!r.matched, "unknown never satisfies a negation either");
    let cc = CompiledCondition::new("StringEquals", "aws:username", &["x${"], V12);
    let errs = cc.policy_value_errors();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].code, "unclosed-variable");
    assert_eq!(errs[0].span, Some(Span::new(1, 3)));
}

// ---- Numeric ----

#[test]
fn numeric_integers_and_decimals() {
    let c = ctx(&[("s3:max-keys", T::Numeric, &["10"])]);
    yes("NumericEquals", "s3:max-keys", &["10.0"], &c);
    yes("NumericLessThan", "s3:max-keys", &["10.5"], &c);
    no("NumericLessThan", "s3:max-keys", &["10"], &c);
    yes("NumericLessThanEquals", "s3:max-keys", &["10"], &c);
    yes("NumericGreaterThan", "s3:max-keys", &["9.99"], &c);
    no("NumericGreaterThan", "s3:max-keys", &["10"], &c);
    yes("NumericGreaterThanEquals", "s3:max-keys", &["10"], &c);
    yes("NumericNotEquals", "s3:max-keys", &["11", "12"], &c);
    no("NumericNotEquals", "s3:max-keys", &["11", "10"], &c);
    let neg = ctx(&[("n", T::Numeric, &["-3.5"])]);
    yes("NumericLessThan", "n", &["-3"], &neg);
}

#[test]
fn numeric_unreadable_values_are_reported() {
    let c = ctx(&[("s3:max-keys", T::Numeric, &["10"])]);
    let r = eval("NumericLessThan", "s3:max-keys", &["ten"], &c);
    assert!(!r.matched);
    match &r.reason {
        ConditionReason::UnparsableValue(u) => {
            assert_eq!(u.side, ValueSide::Policy);
            assert_eq!(u.policy_value_index, Some(0));
            assert_eq!(u.expected_type, ValueType::Numeric);
        }
        other => panic!("{other:?}"),
    }
    // A readable value that matches still decides; the bad one is listed.
    let r = eval("NumericLessThan", "s3:max-keys", &["ten", "20"], &c);
    assert!(r.matched);
    assert_eq!(r.unreadable.len(), 1);
    // A bad request value.
    let bad = ctx(&[("s3:max-keys", T::Numeric, &["lots"])]);
    let r = eval("NumericNotEquals", "s3:max-keys", &["5"], &bad);
    assert!(!r.matched);
    assert!(
        matches!(&r.reason, ConditionReason::UnparsableValue(u) if u.side == ValueSide::Request)
    );
    let cc = CompiledCondition::new("NumericEquals", "k", &["1", "x"], V12);
    assert_eq!(cc.policy_value_errors()[0].code, "bad-number");
}

#[test]
fn numeric_operators_do_not_substitute_variables() {
    let c = ctx(&[("n", T::Numeric, &["5"]), ("m", T::Numeric, &["5"])]);
    let r = eval("NumericEquals", "n", &["${m}"], &c);
    assert!(!r.matched);
    match &r.reason {
        ConditionReason::UnparsableValue(u) => {
            assert!(u.message.contains("do not substitute policy variables"))
        }
        other => panic!("{other:?}"),
    }
}

// ---- Date ----

#[test]
fn dates_compare_across_iso_and_epoch() {
    // B11: epoch vs ISO dates, both sides.
    let iso = ctx(&[("aws:CurrentTime", T::Date, &["2020-05-01T12:00:00Z"])]);
    yes(
        "DateGreaterThan",
        "aws:CurrentTime",
        &["2020-04-01T00:00:00Z"],
        &iso,
    );
    yes("DateLessThan", "aws:CurrentTime", &["1593561599"], &iso);
    no(
        "DateLessThan",
        "aws:CurrentTime",
        &["2020-05-01T12:00:00Z"],
        &iso,
    );
    yes(
        "DateLessThanEquals",
        "aws:CurrentTime",
        &["2020-05-01T12:00:00Z"],
        &iso,
    );
    yes("DateEquals", "aws:CurrentTime", &["1588334400"], &iso);
    yes("DateNotEquals", "aws:CurrentTime", &["1588334401"], &iso);
    yes(
        "DateGreaterThanEquals",
        "aws:CurrentTime",
        &["2020-05-01T14:00:00+02:00"],
        &iso,
    );
    let epoch = ctx(&[("aws:EpochTime", T::Date, &["1588334400"])]);
    yes(
        "DateEquals",
        "aws:EpochTime",
        &["2020-05-01T12:00:00Z"],
        &epoch,
    );
}

#[test]
fn unreadable_dates_never_match() {
    let c = ctx(&[("aws:CurrentTime", T::Date, &["2020-05-01T12:00:00Z"])]);
    let r = eval("DateNotEquals", "aws:CurrentTime", &["next tuesday"], &c);
    assert!(!r.matched);
    assert!(matches!(r.reason, ConditionReason::UnparsableValue(_)));
    let bad = ctx(&[("aws:CurrentTime", T::Date, &["now"])]);
    no("DateGreaterThan", "aws:CurrentTime", &["2020-01-01"], &bad);
}

// ---- Bool ----

#[test]
fn bool_ignores_case() {
    let c = ctx(&[("aws:SecureTransport", T::Boolean, &["false"])]);
    yes("Bool", "aws:SecureTransport", &["false"], &c);
    yes("Bool", "aws:SecureTransport", &["False"], &c);
    no("Bool", "aws:SecureTransport", &["true"], &c);
    let upper = ctx(&[("aws:SecureTransport", T::Boolean, &["TRUE"])]);
    yes("Bool", "aws:SecureTransport", &["true"], &upper);
}

#[test]
fn invalid_bool_is_reported() {
    // B11: invalid Bool.
    let c = ctx(&[("aws:SecureTransport", T::Boolean, &["false"])]);
    let r = eval("Bool", "aws:SecureTransport", &["yes"], &c);
    assert!(!r.matched);
    assert!(
        matches!(&r.reason, ConditionReason::UnparsableValue(u) if u.expected_type == ValueType::Boolean)
    );
    let cc = CompiledCondition::new("Bool", "aws:SecureTransport", &["yes"], V12);
    assert_eq!(cc.policy_value_errors()[0].code, "bad-bool");
    let bad_req = ctx(&[("aws:SecureTransport", T::Boolean, &["1"])]);
    no("Bool", "aws:SecureTransport", &["true"], &bad_req);
}

#[test]
fn bool_substitutes_variables() {
    let c = ctx(&[
        ("aws:MultiFactorAuthPresent", T::Boolean, &["true"]),
        ("aws:PrincipalTag/mfa", T::String, &["TRUE"]),
    ]);
    yes(
        "Bool",
        "aws:MultiFactorAuthPresent",
        &["${aws:PrincipalTag/mfa}"],
        &c,
    );
}

// ---- IpAddress ----

#[test]
fn ip_address_v4_and_v6() {
    // B11: IPv4 CIDR vs IPv6.
    let v4 = ctx(&[("aws:SourceIp", T::Ip, &["203.0.113.7"])]);
    let v6 = ctx(&[("aws:SourceIp", T::Ip, &["2001:db8:1234:5678::9"])]);
    yes("IpAddress", "aws:SourceIp", &["203.0.113.0/24"], &v4);
    yes("IpAddress", "aws:SourceIp", &["203.0.113.7"], &v4);
    no("IpAddress", "aws:SourceIp", &["203.0.113.0/24"], &v6);
    yes(
        "IpAddress",
        "aws:SourceIp",
        &["203.0.113.0/24", "2001:DB8:1234:5678::/64"],
        &v6,
    );
    yes("NotIpAddress", "aws:SourceIp", &["203.0.113.0/24"], &v6);
}

#[test]
fn ip_description_names_the_network() {
    let c = ctx(&[("aws:SourceIp", T::Ip, &["10.1.2.3"])]);
    let r = eval("IpAddress", "aws:SourceIp", &["192.0.2.0/24"], &c);
    assert_eq!(r.reason, ConditionReason::NoValueMatched);
    assert_eq!(
        r.describe(),
        "aws:SourceIp 10.1.2.3 is not in 192.0.2.0/24."
    );
    assert_eq!(r.request_values, ["10.1.2.3"]);
}

#[test]
fn bad_ip_values_are_reported() {
    let c = ctx(&[("aws:SourceIp", T::Ip, &["10.1.2.3"])]);
    let r = eval("NotIpAddress", "aws:SourceIp", &["10.0.0.0/33"], &c);
    assert!(!r.matched);
    assert_eq!(r.unreadable.len(), 1);
    let cc = CompiledCondition::new("IpAddress", "aws:SourceIp", &["nope"], V12);
    assert_eq!(cc.policy_value_errors()[0].code, "bad-ip");
}

// ---- BinaryEquals ----

#[test]
fn binary_equals_compares_decoded_bytes() {
    let c = ctx(&[("k", T::Binary, &["aGk="])]);
    yes("BinaryEquals", "k", &["aGk="], &c);
    yes("BinaryEquals", "k", &["aGk"], &c);
    no("BinaryEquals", "k", &["aGo="], &c);
    let r = eval("BinaryEquals", "k", &["!!"], &c);
    assert!(!r.matched);
    assert!(matches!(r.reason, ConditionReason::UnparsableValue(_)));
}

// ---- ARN family ----

#[test]
fn arn_like_matches_per_component() {
    // B11: ArnLike vs StringLike across colons.
    let c = ctx(&[(
        "aws:SourceArn",
        T::String,
        &["arn:aws:sns:us-east-1:111122223333:topic"],
    )]);
    yes(
        "ArnLike",
        "aws:SourceArn",
        &["arn:aws:sns:*:111122223333:*"],
        &c,
    );
    yes(
        "ArnEquals",
        "aws:SourceArn",
        &["arn:aws:sns:*:111122223333:*"],
        &c,
    );
    no(
        "ArnLike",
        "aws:SourceArn",
        &["arn:aws:sqs:*:111122223333:*"],
        &c,
    );
    yes("ArnNotLike", "aws:SourceArn", &["arn:aws:sqs:*:*:*"], &c);
    // StringLike lets `*` cross colons; ArnLike's five-part pattern is not an ARN.
    yes("StringLike", "aws:SourceArn", &["arn:aws:sns:*"], &c);
    let r = eval("ArnLike", "aws:SourceArn", &["arn:aws:sns:*"], &c);
    assert!(!r.matched);
    assert!(
        matches!(&r.reason, ConditionReason::UnparsableValue(u) if u.expected_type == ValueType::Arn)
    );
    let cc = CompiledCondition::new("ArnLike", "aws:SourceArn", &["arn:aws:sns:*"], V12);
    assert_eq!(cc.policy_value_errors()[0].code, "not-an-arn");
}

#[test]
fn arn_request_value_must_be_an_arn() {
    let c = ctx(&[("aws:SourceArn", T::String, &["not-an-arn"])]);
    let r = eval("ArnNotLike", "aws:SourceArn", &["arn:aws:s3:::*"], &c);
    assert!(!r.matched);
    assert!(
        matches!(&r.reason, ConditionReason::UnparsableValue(u) if u.side == ValueSide::Request)
    );
}

#[test]
fn arn_operators_substitute_variables() {
    let c = ctx(&[
        (
            "aws:PrincipalArn",
            T::String,
            &["arn:aws:iam::111122223333:role/app"],
        ),
        ("aws:PrincipalAccount", T::String, &["111122223333"]),
    ]);
    yes(
        "ArnLike",
        "aws:PrincipalArn",
        &["arn:aws:iam::${aws:PrincipalAccount}:role/*"],
        &c,
    );
    no(
        "ArnLike",
        "aws:PrincipalArn",
        &["arn:aws:iam::${aws:SourceAccount}:role/*"],
        &c,
    );
    yes(
        "ArnNotLike",
        "aws:PrincipalArn",
        &["arn:aws:iam::${aws:SourceAccount}:role/*"],
        &c,
    );
}

// ---- Results carry what was compared ----

#[test]
fn matched_reason_names_the_values() {
    let c = user("bob");
    let r = eval("StringEquals", "aws:username", &["alice", "bob"], &c);
    assert_eq!(
        r.reason,
        ConditionReason::Matched {
            policy_value_index: 1,
            request_value: "bob".into()
        }
    );
    assert_eq!(r.operator, "StringEquals");
    assert_eq!(r.key, "aws:username");
    assert_eq!(
        r.policy_values,
        vec![Some("alice".into()), Some("bob".into())]
    );
    assert_eq!(r.describe(), "aws:username bob equals bob.");
}

#[test]
fn results_serialize() {
    let c = user("bob");
    let r = eval("StringEquals", "aws:username", &["alice"], &c);
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"kind\":\"noValueMatched\""), "{json}");
    let back: ConditionResult = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
}

#[test]
fn referenced_keys_include_variables() {
    let cc = CompiledCondition::new(
        "StringLike",
        "s3:prefix",
        &["home/${aws:username}/*", "${aws:PrincipalTag/team, 'x'}"],
        V12,
    );
    assert_eq!(
        cc.referenced_keys(),
        ["s3:prefix", "aws:username", "aws:PrincipalTag/team"]
    );
}

#[test]
fn empty_policy_value_list() {
    let c = user("bob");
    no("StringEquals", "aws:username", &[], &c);
    yes("StringNotEquals", "aws:username", &[], &c);
}

#[test]
fn evaluation_never_panics_on_odd_input() {
    let c = ctx(&[
        ("k", T::String, &["", "${", "é", "arn:::::"]),
        ("aws:SourceIp", T::Ip, &["::"]),
    ]);
    let odd = [
        "",
        "*",
        "?",
        "${",
        "${}",
        "arn:::::",
        "9999999999999999999999",
        "é",
        "::/0",
    ];
    for base in BaseOperator::ALL {
        for q in ["", "ForAllValues:", "ForAnyValue:"] {
            for suffix in ["", "IfExists"] {
                let op = format!("{q}{}{suffix}", base.name());
                for key in ["k", "aws:SourceIp", "absent"] {
                    let r = eval(&op, key, &odd, &c);
                    let _ = r.describe();
                }
            }
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn op_strategy() -> impl Strategy<Value = String> {
        (
            prop::sample::select(BaseOperator::ALL.to_vec()),
            prop::sample::select(vec!["", "ForAllValues:", "ForAnyValue:"]),
            any::<bool>(),
        )
            .prop_map(|(b, q, ie)| format!("{q}{}{}", b.name(), if ie { "IfExists" } else { "" }))
    }

    proptest! {
        #[test]
        fn evaluation_never_panics_and_fast_path_agrees(
            op in op_strategy(),
            values in prop::collection::vec("\\PC{0,12}", 0..4),
            request in prop::collection::vec("\\PC{0,12}", 0..3),
            present in any::<bool>(),
        ) {
            let mut c = RequestContext::new();
            if present {
                c.set("k", T::StringList, request.iter().cloned());
            }
            let cc = CompiledCondition::new(&op, "k", &values, V12);
            let r = cc.evaluate(&c);
            prop_assert_eq!(r.matched, cc.matches(&c));
            let _ = r.describe();
            let _ = cc.policy_value_errors();
        }

        #[test]
        fn negated_operator_is_the_negation_for_readable_single_values(
            a in "[a-c]{0,3}", b in prop::collection::vec("[a-c]{0,3}", 0..3),
        ) {
            let c = ctx(&[("k", T::String, &[a.as_str()])]);
            let vals: Vec<&str> = b.iter().map(String::as_str).collect();
            for (pos, neg) in [("StringEquals", "StringNotEquals"), ("StringLike", "StringNotLike"),
                               ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase")] {
                prop_assert_ne!(eval(pos, "k", &vals, &c).matched, eval(neg, "k", &vals, &c).matched);
            }
        }

        #[test]
        fn numeric_comparison_agrees_with_integers(a in -1000i64..1000, b in -1000i64..1000) {
            let c = ctx(&[("n", T::Numeric, &[a.to_string().as_str()])]);
            let bs = b.to_string();
            prop_assert_eq!(eval("NumericLessThan", "n", &[&bs], &c).matched, a < b);
            prop_assert_eq!(eval("NumericGreaterThanEquals", "n", &[&bs], &c).matched, a >= b);
            prop_assert_eq!(eval("NumericEquals", "n", &[&format!("{bs}.000")], &c).matched, a == b);
        }

        #[test]
        fn epoch_and_iso_agree(secs in 0i64..4_102_444_800) {
            // The ISO text for `secs`, built independently of the parser.
            let days = secs.div_euclid(86_400);
            let rem = secs.rem_euclid(86_400);
            let (y, m, d) = civil_from_days(days);
            let iso = format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem / 60 % 60, rem % 60);
            let c = ctx(&[("aws:CurrentTime", T::Date, &[iso.as_str()])]);
            let s = secs.to_string();
            prop_assert!(eval("DateEquals", "aws:CurrentTime", &[&s], &c).matched, "{} vs {}", iso, s);
        }
    }

    /// Days since the epoch to a civil date (a different algorithm from the parser's, a plain
    /// year-by-year walk, so the two check each other).
    fn civil_from_days(mut days: i64) -> (i64, i64, i64) {
        let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let mut y = 1970;
        loop {
            let len = if leap(y) { 366 } else { 365 };
            if days < len {
                break;
            }
            days -= len;
            y += 1;
        }
        let months = [
            31,
            if leap(y) { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        let mut m = 1;
        for len in months {
            if days < len {
                break;
            }
            days -= len;
            m += 1;
        }
        (y, m, days + 1)
    }
}
