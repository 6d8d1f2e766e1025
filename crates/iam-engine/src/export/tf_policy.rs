//! Policy documents in Terraform: `jsonencode({...})` of the document as an HCL object, or a
//! `data "aws_iam_policy_document"` block, with ARNs of the scenario's partition and account
//! written as interpolations of `data.aws_partition.current` and
//! `data.aws_caller_identity.current`.
//!
//! The data source writes only what its arguments say, so a document it cannot write exactly
//! falls back to `jsonencode`, with the reason in a comment ([`document_block`] says which):
//! no `Version` (the data source always writes one, and IAM reads `${…}` differently with and
//! without it), a `Version` other than `2008-10-17` and `2012-10-17`, an element the data source
//! has no argument for, an `Effect` other than `Allow` or `Deny` (the data source writes `Allow`
//! for a missing one), an empty list or an empty condition, a value that is not a string (the
//! data source writes every value as a string), two statements with the same `Sid` (the data
//! source refuses them), and text holding `&{` (the data source turns `&{` into `${`).
//!
//! Policy variables: in `jsonencode`, `${aws:username}` is written `$${aws:username}` (HCL's
//! escape). In the data source it is written `&{aws:username}` where the data source turns `&{`
//! back into `${`: resources, principals' identifiers and condition values (not in version
//! 2008-10-17, where the data source refuses `&{`); everywhere else (Sids, actions, condition
//! keys) a `${` is written with HCL's escape `$${`.

use std::collections::HashSet;

use super::hcl::{Block, Expr, Template};
use super::node::Node;

/// The interpolation of the configuration's partition.
pub(crate) const PARTITION: &str = "data.aws_partition.current.partition";
/// The interpolation of the configuration's account id.
pub(crate) const ACCOUNT: &str = "data.aws_caller_identity.current.account_id";

/// How policy variables are written in strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strings {
    /// In `jsonencode`: `${` is escaped as `$${` by the writer.
    Json,
    /// In the data source: `${` is written `&{`.
    Document,
}

/// A string of a policy as a template: an ARN of the `aws` partition gets the partition (and,
/// for the scenario's own account, the account id) as interpolations; policy variables are kept
/// for IAM.
pub(crate) fn string(text: &str, account_id: &str, strings: Strings) -> Template {
    let literal = |t: &str| match strings {
        Strings::Json => t.to_owned(),
        Strings::Document => t.replace("${", "&{"),
    };
    let Some(rest) = text.strip_prefix("arn:aws:") else {
        return Template::lit(literal(text));
    };
    let mut t = Template::lit("arn:");
    t.push_interp(PARTITION);
    // The account is the third field after `arn:aws:` (service, region, account, resource).
    let fields: Vec<&str> = rest.splitn(4, ':').collect();
    match fields.as_slice() {
        [service, region, account, resource] if *account == account_id => {
            t.push_lit(&literal(&format!(":{service}:{region}:")));
            t.push_interp(ACCOUNT);
            t.push_lit(&literal(&format!(":{resource}")));
        }
        _ => t.push_lit(&literal(&format!(":{rest}"))),
    }
    t
}

/// The document as the argument of `jsonencode`: an HCL object in the document's key order.
pub(crate) fn json_expr(node: &Node, account_id: &str) -> Expr {
    match node {
        Node::Null => Expr::Null,
        Node::Bool(b) => Expr::Bool(*b),
        Node::Number(n) => Expr::Number(n.to_string()),
        Node::Str(s) => Expr::Str(string(s, account_id, Strings::Json)),
        Node::Seq(items) => Expr::List(items.iter().map(|n| json_expr(n, account_id)).collect()),
        Node::Map(members) => Expr::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), json_expr(v, account_id)))
                .collect(),
        ),
    }
}

/// `jsonencode({...})` of the document.
pub(crate) fn jsonencode(node: &Node, account_id: &str) -> Expr {
    Expr::Call("jsonencode", Box::new(json_expr(node, account_id)))
}

/// The document as the body of a `data "aws_iam_policy_document"` block with this label, or why
/// the data source cannot write it exactly.
pub(crate) fn document_block(node: &Node, label: &str, account_id: &str) -> Result<Block, String> {
    let Node::Map(members) = node else {
        return Err("the document is not a JSON object".into());
    };
    let mut block = Block::new("data", &["aws_iam_policy_document", label]);
    let mut version = None;
    let mut statements: Vec<&Node> = Vec::new();
    let mut has_statement = false;
    // The data source turns `&{` back into `${` only in resources, principals' identifiers and
    // condition values; the policy id, Sids, actions, condition operators and keys are written
    // as they are (a `${` in them escaped as HCL's `$${`).
    let s = |text: &str| Expr::Str(string(text, account_id, Strings::Json));
    for (key, value) in members {
        match key.as_str() {
            "Version" => match value {
                Node::Str(v) if v == "2012-10-17" || v == "2008-10-17" => version = Some(v),
                _ => {
                    return Err(
                        "its Version is neither 2012-10-17 nor 2008-10-17, the only ones the data source writes".into(),
                    );
                }
            },
            "Id" => {
                let Node::Str(id) = value else {
                    return Err("its Id is not a string".into());
                };
                block.attr("policy_id", s(id.as_str()));
            }
            "Statement" => {
                has_statement = true;
                match value {
                    Node::Seq(items) => statements.extend(items.iter()),
                    Node::Map(_) => statements.push(value),
                    _ => return Err("its Statement is not a list or an object".into()),
                }
            }
            other => {
                return Err(format!(
                    "the data source has no argument for the element {other:?}"
                ));
            }
        }
    }
    let Some(version) = version else {
        return Err("it has no Version, and the data source always writes one (IAM reads ${…} policy variables only in version 2012-10-17)".into());
    };
    if !has_statement || statements.is_empty() {
        return Err("it has no statements".into());
    }
    block.body.insert(
        0,
        super::hcl::BodyItem::Attr("version".into(), Expr::str(version)),
    );
    let mut sids = HashSet::new();
    for statement in statements {
        block.block(statement_block(statement, account_id, version, &mut sids)?);
    }
    if contains_ampersand_brace(node) {
        return Err("its text holds \"&{\", which the data source would turn into \"${\"".into());
    }
    Ok(block)
}

fn statement_block(
    node: &Node,
    account_id: &str,
    version: &str,
    sids: &mut HashSet<String>,
) -> Result<Block, String> {
    let Node::Map(members) = node else {
        return Err("a statement is not a JSON object".into());
    };
    let mut block = Block::new("statement", &[]);
    let s = |text: &str| Expr::Str(string(text, account_id, Strings::Json));
    // Where the data source replaces `&{` (and refuses it in version 2008-10-17, where IAM
    // has no policy variables: there `${` is written as HCL's escape `$${`).
    let vars = if version == "2008-10-17" {
        Strings::Json
    } else {
        Strings::Document
    };
    let v = |text: &str| Expr::Str(string(text, account_id, vars));
    let mut effect = None;
    let mut sid = None;
    let mut lists = Vec::new();
    let mut principals = Vec::new();
    let mut conditions = Vec::new();
    for (key, value) in members {
        match key.as_str() {
            "Sid" => {
                let Node::Str(text) = value else {
                    return Err("a Sid is not a string".into());
                };
                if !text.is_empty() && !sids.insert(text.clone()) {
                    return Err(format!(
                        "two statements have the Sid {text:?}, which the data source refuses"
                    ));
                }
                sid = Some(text);
            }
            "Effect" => match value {
                Node::Str(e) if e == "Allow" || e == "Deny" => effect = Some(e),
                _ => {
                    return Err("a statement's Effect is neither Allow nor Deny".into());
                }
            },
            "Action" | "NotAction" | "Resource" | "NotResource" => {
                let name = match key.as_str() {
                    "Action" => "actions",
                    "NotAction" => "not_actions",
                    "Resource" => "resources",
                    _ => "not_resources",
                };
                lists.push((name, key.ends_with("Resource"), strings(value, key)?));
            }
            "Principal" | "NotPrincipal" => {
                let name = if key == "Principal" {
                    "principals"
                } else {
                    "not_principals"
                };
                match value {
                    Node::Str(star) if star == "*" => {
                        principals.push((name, "*".to_owned(), vec!["*"]));
                    }
                    Node::Map(types) if !types.is_empty() => {
                        for (ty, ids) in types {
                            principals.push((name, ty.clone(), strings(ids, key)?));
                        }
                    }
                    _ => {
                        return Err(format!(
                            "a {key} is neither \"*\" nor an object of principal types"
                        ));
                    }
                }
            }
            "Condition" => {
                let Node::Map(operators) = value else {
                    return Err("a Condition is not an object".into());
                };
                if operators.is_empty() {
                    return Err("a Condition is empty".into());
                }
                for (operator, keys) in operators {
                    let Node::Map(keys) = keys else {
                        return Err(format!("the condition {operator:?} is not an object"));
                    };
                    if keys.is_empty() {
                        return Err(format!("the condition {operator:?} is empty"));
                    }
                    for (key, values) in keys {
                        conditions.push((operator, key, strings(values, "Condition")?));
                    }
                }
            }
            other => {
                return Err(format!(
                    "the data source has no argument for the statement element {other:?}"
                ));
            }
        }
    }
    let Some(effect) = effect else {
        return Err("a statement has no Effect (the data source would write Allow)".into());
    };
    if let Some(sid) = sid {
        block.attr("sid", s(sid.as_str()));
    }
    block.attr("effect", Expr::str(effect.as_str()));
    for (name, resources, values) in lists {
        let list = if resources {
            values.iter().map(|x| v(x)).collect()
        } else {
            values.iter().map(|x| s(x)).collect()
        };
        block.attr(name, Expr::List(list));
    }
    for (name, ty, ids) in principals {
        let mut p = Block::new(name, &[]);
        p.attr("type", s(ty.as_str()));
        p.attr(
            "identifiers",
            Expr::List(ids.iter().map(|x| v(x)).collect()),
        );
        block.block(p);
    }
    for (operator, key, values) in conditions {
        let mut c = Block::new("condition", &[]);
        c.attr("test", s(operator.as_str()));
        c.attr("variable", s(key.as_str()));
        c.attr("values", Expr::List(values.iter().map(|x| v(x)).collect()));
        block.block(c);
    }
    Ok(block)
}

/// A string or a non-empty list of strings, as a list.
fn strings<'a>(node: &'a Node, element: &str) -> Result<Vec<&'a str>, String> {
    let out: Option<Vec<&str>> = match node {
        Node::Str(s) => Some(vec![s.as_str()]),
        Node::Seq(items) if !items.is_empty() => items
            .iter()
            .map(|n| match n {
                Node::Str(s) => Some(s.as_str()),
                _ => None,
            })
            .collect(),
        _ => None,
    };
    out.ok_or_else(|| {
        format!(
            "a {element} value is not a string or a non-empty list of strings (the data source writes strings only)"
        )
    })
}

fn contains_ampersand_brace(node: &Node) -> bool {
    match node {
        Node::Str(s) => s.contains("&{"),
        Node::Seq(items) => items.iter().any(contains_ampersand_brace),
        Node::Map(members) => members
            .iter()
            .any(|(k, v)| k.contains("&{") || contains_ampersand_brace(v)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Node {
        serde_json::from_str(text).unwrap_or(Node::Null)
    }

    fn written(t: &Template) -> String {
        let mut b = Block::new("x", &[]);
        b.attr("v", Expr::Str(t.clone()));
        super::super::hcl::write_file(&[], &[b])
    }

    #[test]
    fn arns_of_the_own_account_and_partition_become_interpolations() {
        let t = string(
            "arn:aws:iam::111122223333:role/r",
            "111122223333",
            Strings::Json,
        );
        assert!(written(&t).contains(
            r#""arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/r""#
        ));
        let t = string(
            "arn:aws:s3:::b/home/${aws:username}/*",
            "111122223333",
            Strings::Json,
        );
        assert!(written(&t).contains(
            r#""arn:${data.aws_partition.current.partition}:s3:::b/home/$${aws:username}/*""#
        ));
        let t = string(
            "arn:aws:s3:::b/home/${aws:username}/*",
            "111122223333",
            Strings::Document,
        );
        assert!(written(&t).contains(
            r#""arn:${data.aws_partition.current.partition}:s3:::b/home/&{aws:username}/*""#
        ));
        // Another account stays literal; other partitions and plain strings stay as they are.
        let t = string(
            "arn:aws:iam::444455556666:root",
            "111122223333",
            Strings::Json,
        );
        assert!(written(&t).contains(":iam::444455556666:root\""));
        let t = string("arn:aws-cn:s3:::b", "111122223333", Strings::Json);
        assert_eq!(t, Template::lit("arn:aws-cn:s3:::b"));
    }

    #[test]
    fn a_faithful_document_becomes_a_data_source() {
        let node = parse(
            r#"{"Version":"2012-10-17","Id":"p1","Statement":[
                {"Sid":"A","Effect":"Deny","Principal":"*","NotAction":"s3:Get*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
                 "Condition":{"Bool":{"aws:SecureTransport":"false"},"StringEquals":{"aws:PrincipalTag/team":["a","b"]}}},
                {"Effect":"Allow","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:root"],"Service":"s3.amazonaws.com"},"Action":"s3:*","NotResource":"*"}]}"#,
        );
        let block = document_block(&node, "p", "111122223333").unwrap_or_default();
        let text = super::super::hcl::write_file(&[], &[block]);
        for expected in [
            "data \"aws_iam_policy_document\" \"p\" {",
            "version   = \"2012-10-17\"",
            "policy_id = \"p1\"",
            "sid         = \"A\"",
            "effect      = \"Deny\"",
            "not_actions = [\"s3:Get*\"]",
            "principals {\n      type        = \"*\"\n      identifiers = [\"*\"]",
            "not_principals {\n      type        = \"Service\"",
            "test     = \"StringEquals\"",
            "variable = \"aws:PrincipalTag/team\"",
            "not_resources = [\"*\"]",
        ] {
            assert!(text.contains(expected), "{expected:?} not in\n{text}");
        }
    }

    #[test]
    fn ampersand_braces_only_where_the_data_source_replaces_them() {
        let node = parse(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"${a}","Effect":"Allow","Action":"s3:${b}","Resource":"arn:aws:s3:::x/${aws:username}",
                "Condition":{"StringEquals":{"aws:PrincipalTag/${c}":"${aws:userid}"}}}]}"#,
        );
        let block = document_block(&node, "p", "1").unwrap_or_default();
        let text = super::super::hcl::write_file(&[], &[block]);
        for expected in [
            "\"$${a}\"",
            "\"s3:$${b}\"",
            ":s3:::x/&{aws:username}\"",
            "\"aws:PrincipalTag/$${c}\"",
            "[\"&{aws:userid}\"]",
        ] {
            assert!(text.contains(expected), "{expected:?} not in\n{text}");
        }
        let node = parse(
            r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::x/${aws:username}"}]}"#,
        );
        let block = document_block(&node, "p", "1").unwrap_or_default();
        let text = super::super::hcl::write_file(&[], &[block]);
        assert!(text.contains(":s3:::x/$${aws:username}\""), "{text}");
    }

    #[test]
    fn documents_the_data_source_cannot_write_exactly_fall_back_with_a_reason() {
        let cases = [
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
                "no Version",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Other":1}]}"#,
                "\"Other\"",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Action":"s3:*","Resource":"*"}]}"#,
                "no Effect",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}"#,
                "non-empty list",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}}]}"#,
                "strings only",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Action":"a:b","Resource":"*"},{"Sid":"S","Effect":"Deny","Action":"a:b","Resource":"*"}]}"#,
                "Sid \"S\"",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/&{x}"}]}"#,
                "&{",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"someone","Action":"s3:*"}]}"#,
                "neither \"*\"",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[]}"#,
                "no statements",
            ),
        ];
        for (text, reason) in cases {
            match document_block(&parse(text), "p", "111122223333") {
                Ok(_) => panic!("{text} was written as a data source"),
                Err(why) => assert!(why.contains(reason), "{why:?} lacks {reason:?}"),
            }
        }
    }

    #[test]
    fn jsonencode_keeps_types_and_order() {
        let node = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":true}}}}"#,
        );
        let mut b = Block::new("x", &[]);
        b.attr("policy", jsonencode(&node, "1"));
        let text = super::super::hcl::write_file(&[], &[b]);
        assert!(text.contains("\"s3:max-keys\" = 10"), "{text}");
        assert!(text.contains("\"aws:SecureTransport\" = true"), "{text}");
        assert!(text.find("Version").unwrap_or(0) < text.find("Statement").unwrap_or(0));
    }
}
