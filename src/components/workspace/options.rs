//! What the canvas offers to add: the options of its pickers (the scenario's own policies, then
//! AWS-managed ones, found in the loaded list or taken as typed while it loads) and the texts new
//! roles and policies start with. Plain data, tested natively.

use iam_engine::catalog::ManagedPolicies;
use iam_engine::scenario::{PolicyRef, Scenario};

use super::links::aws_in_use;
use super::picker::PickOption;
use crate::data::Loadable;

/// The trust policy a new role starts with: only principals of this same account may assume
/// it, the narrowest trust that still lets the role be tried in the simulator.
pub fn starter_trust_policy(account_id: &str) -> String {
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"Allow\",\n      \"Principal\": {{ \"AWS\": \"arn:aws:iam::{account_id}:root\" }},\n      \"Action\": \"sts:AssumeRole\"\n    }}\n  ]\n}}"
    )
}

/// The document a new customer-managed policy starts with: one harmless read-only statement to
/// edit, since AWS refuses a policy without statements.
pub const STARTER_POLICY: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:ListAllMyBuckets\",\n      \"Resource\": \"*\"\n    }\n  ]\n}";

/// AWS-managed policies offered before the user types anything: the ones the seed guides use
/// most (name, path).
const SUGGESTED_AWS: [(&str, &str); 6] = [
    ("AdministratorAccess", "/"),
    ("IAMUserChangePassword", "/"),
    ("ReadOnlyAccess", "/"),
    ("PowerUserAccess", "/"),
    ("ViewOnlyAccess", "/job-function/"),
    ("SecurityAudit", "/"),
];

/// How many options a picker lists at most.
const PICK_LIMIT: usize = 30;

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack
        .to_ascii_lowercase()
        .contains(&needle.trim().to_ascii_lowercase())
}

/// The AWS-managed policies a picker offers for `query`, leaving out those in `exclude`. While
/// the list of AWS-managed policies is loading (or failed), the typed name itself is offered,
/// unchecked, so attaching never waits for the download.
pub fn aws_options(
    managed: &Loadable<ManagedPolicies>,
    query: &str,
    exclude: &[PolicyRef],
    in_use: &[String],
) -> Vec<PickOption> {
    let q = query.trim();
    let excluded = |arn: &str| {
        exclude
            .iter()
            .any(|r| r.same(&PolicyRef::Aws(arn.to_owned())))
    };
    let mut out: Vec<PickOption> = Vec::new();
    let mut push = |arn: String, hint: String| {
        if !excluded(&arn) && !out.iter().any(|o| o.value == arn) {
            let label = arn.rsplit('/').next().unwrap_or(&arn).to_owned();
            out.push(PickOption {
                value: arn,
                label,
                hint,
            });
        }
    };
    let hint = |path: &str| {
        if path == "/" {
            "AWS managed".to_owned()
        } else {
            format!("AWS managed, {path}")
        }
    };
    match managed {
        Loadable::Ready(list) => {
            if q.is_empty() {
                for arn in in_use {
                    push(arn.clone(), "AWS managed, in use".to_owned());
                }
                for (name, _) in SUGGESTED_AWS {
                    if let Some(p) = list.get(name) {
                        push(p.arn.to_owned(), hint(p.path));
                    }
                }
            } else {
                for p in list.search(q, PICK_LIMIT) {
                    push(p.arn.to_owned(), hint(p.path));
                }
            }
        }
        Loadable::Loading | Loadable::Failed(_) => {
            let note = if matches!(managed, Loadable::Loading) {
                "AWS managed; name not checked while the list loads"
            } else {
                "AWS managed; name not checked (the list could not be loaded)"
            };
            for arn in in_use {
                if contains_ignore_case(arn.rsplit('/').next().unwrap_or(arn), q) {
                    push(arn.clone(), "AWS managed, in use".to_owned());
                }
            }
            for (name, path) in SUGGESTED_AWS {
                if contains_ignore_case(name, q) {
                    let reference =
                        PolicyRef::aws(&format!("{}{name}", path.trim_start_matches('/')));
                    push(reference.as_str().to_owned(), hint(path));
                }
            }
            let typed_ok = !q.is_empty()
                && q.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b));
            if typed_ok {
                push(PolicyRef::aws(q).as_str().to_owned(), note.to_owned());
            }
        }
    }
    out.truncate(PICK_LIMIT);
    out
}

/// The managed policies a picker offers to attach to an identity: the scenario's own
/// customer-managed policies first, then AWS-managed ones; `attached` are left out.
pub fn policy_options(
    scenario: &Scenario,
    managed: &Loadable<ManagedPolicies>,
    attached: &[PolicyRef],
    query: &str,
) -> Vec<PickOption> {
    let mut out: Vec<PickOption> = scenario
        .policies
        .iter()
        .filter(|p| contains_ignore_case(&p.name, query))
        .filter(|p| {
            !attached
                .iter()
                .any(|r| r.same(&PolicyRef::customer(&p.name)))
        })
        .map(|p| PickOption {
            value: p.name.clone(),
            label: p.name.clone(),
            hint: "Customer managed".to_owned(),
        })
        .collect();
    out.extend(aws_options(managed, query, attached, &aws_in_use(scenario)));
    out.truncate(PICK_LIMIT);
    out
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use iam_engine::catalog::fnv1a64;
    use iam_engine::scenario::{ManagedPolicy, Role};

    const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

    fn managed() -> Loadable<ManagedPolicies> {
        let body = "P\tAdministratorAccess\tarn:aws:iam::aws:policy/AdministratorAccess\tv1\t2015-02-06T18:39:46.000Z\t2015-02-06T18:39:46.000Z\t{}\n\
                    P\tIAMUserChangePassword\tarn:aws:iam::aws:policy/IAMUserChangePassword\tv2\t2016-11-15T00:25:16.000Z\t2016-11-15T00:25:16.000Z\t{}\n\
                    P\tViewOnlyAccess\tarn:aws:iam::aws:policy/job-function/ViewOnlyAccess\tv2\t2020-01-01T00:00:00Z\t2020-01-01T00:00:00Z\t{}\n";
        let text = format!(
            "iam-managed-policies\t1\nsource\tt\nversion\t1\ndate\t2026-01-01\nlicence\tMIT\ncounts\tpolicies=3\nchecksum\tfnv1a64:{:016x}\n\n{body}",
            fnv1a64(body.as_bytes())
        );
        Loadable::Ready(Rc::new(
            ManagedPolicies::parse(&text).expect("the test asset parses"),
        ))
    }

    fn values(options: &[PickOption]) -> Vec<&str> {
        options.iter().map(|o| o.value.as_str()).collect()
    }

    #[test]
    fn while_loading_the_typed_name_is_offered_unchecked() {
        let options = aws_options(&Loadable::Loading, "IAMUserChangePassword", &[], &[]);
        assert_eq!(
            values(&options),
            ["arn:aws:iam::aws:policy/IAMUserChangePassword"]
        );
        let options = aws_options(&Loadable::Loading, "AmazonS3ReadOnlyAccess", &[], &[]);
        assert_eq!(
            values(&options),
            ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
        );
        assert!(options[0].hint.contains("not checked"));
        // A suggestion keeps its path; a name with characters ARNs refuse is not offered.
        let options = aws_options(&Loadable::Loading, "ViewOnly", &[], &[]);
        assert_eq!(
            values(&options).first(),
            Some(&"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")
        );
        assert!(aws_options(&Loadable::Loading, "no spaces", &[], &[]).is_empty());
    }

    #[test]
    fn the_loaded_list_is_searched_and_attached_policies_are_left_out() {
        let list = managed();
        assert_eq!(values(&aws_options(&list, "admin", &[], &[])), [ADMIN]);
        assert!(
            aws_options(
                &list,
                "admin",
                &[PolicyRef::aws("AdministratorAccess")],
                &[]
            )
            .is_empty()
        );
        assert!(aws_options(&list, "NoSuchPolicy", &[], &[]).is_empty());
        let suggested = aws_options(&list, "", &[], &[]);
        assert_eq!(
            values(&suggested),
            [
                ADMIN,
                "arn:aws:iam::aws:policy/IAMUserChangePassword",
                "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
            ]
        );
        assert_eq!(suggested[2].hint, "AWS managed, /job-function/");
    }

    #[test]
    fn customer_policies_come_first_in_the_attach_picker() {
        let mut s = Scenario::new("123456789012");
        s.policies
            .push(ManagedPolicy::new("AdminHelpers", STARTER_POLICY));
        s.policies
            .push(ManagedPolicy::new("ReadLogs", STARTER_POLICY));
        let options = policy_options(&s, &managed(), &[], "admin");
        assert_eq!(values(&options), ["AdminHelpers", ADMIN]);
        let options = policy_options(
            &s,
            &managed(),
            &[PolicyRef::customer("adminhelpers")],
            "admin",
        );
        assert_eq!(values(&options), [ADMIN]);
    }

    #[test]
    fn new_entities_start_valid() {
        let mut s = Scenario::new("123456789012");
        s.add_role(Role::new("deploy", starter_trust_policy("123456789012")))
            .expect("the starter trust policy is accepted");
        s.add_policy(ManagedPolicy::new("p", STARTER_POLICY))
            .expect("the starter policy is accepted");
        let errors: Vec<_> = s
            .findings()
            .into_iter()
            .filter(|f| format!("{:?}", f.severity).to_lowercase().contains("error"))
            .map(|f| f.message)
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
}
