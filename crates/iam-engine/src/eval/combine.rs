//! The combination of policy types into one decision (see the module docs of [`crate::eval`]).

use crate::policy::{Effect, PolicyType};
use crate::root_tasks;

use super::compile::{CompiledPolicy, Cx, Explain, LowerAction, Named, Scan};
use super::request::{CallerKind, PolicySet, Request, ResourcePolicyKind};
use super::result::{Decision, Evaluation, Step, StepKind, Verdict};
use super::service_rules::{aws_refusal, is_kms_key_arn, needs_no_permission};

/// The bare decision for a request, without explanations and without allocating.
pub fn decide(set: &PolicySet, request: &Request) -> Decision {
    run(set, request, None)
}

/// The decision for a request with its reasons.
pub fn evaluate(set: &PolicySet, request: &Request) -> Evaluation {
    let mut ex = Explain::default();
    let decision = run(set, request, Some(&mut ex));
    ex.finish(decision)
}

/// Adds a step to the explanation, if one is being built.
///
/// The detail is a closure so the bare decision never formats text it would throw away.
fn step(
    ex: &mut Option<&mut Explain>,
    kind: StepKind,
    verdict: Verdict,
    detail: impl FnOnce() -> String,
) {
    if let Some(ex) = ex.as_deref_mut() {
        ex.steps.push(Step {
            kind,
            verdict,
            detail: detail(),
        });
    }
}

fn run(set: &PolicySet, request: &Request, mut ex: Option<&mut Explain>) -> Decision {
    let lower = LowerAction::new(&request.action);
    let cx = Cx::new(request, lower.as_str(), set.permissions_boundary.is_some());
    let caller = &request.caller;
    let iam = caller.is_iam_principal();
    let resource_account = request.resource_account();
    let cross_account = request.is_cross_account();
    let in_management = |account: &str| set.management_account.as_deref() == Some(account);
    let scps_apply = (iam || caller.kind == CallerKind::Root)
        && !set.scp_levels.is_empty()
        && !in_management(&caller.account);
    let rcps_apply = !set.rcp_levels.is_empty() && !in_management(resource_account);
    let has_session_policies = !set.session.is_empty()
        && matches!(
            caller.kind,
            CallerKind::RoleSession | CallerKind::FederatedUser
        );

    // Requests AWS refuses whatever the policies say: noted beside the policy decision, which
    // the rest of the evaluation computes unchanged (the bare decision skips the note).
    if let Some(ex) = ex.as_deref_mut() {
        ex.refused_by_aws = aws_refusal(
            lower.as_str(),
            &request.resource,
            caller.kind == CallerKind::Root,
        );
    }

    // `sts:GetCallerIdentity` needs no permission: AWS answers every signed-in caller, even
    // one whose policies deny it explicitly. Unsigned (anonymous) requests are not answered,
    // and services do not call it as themselves, so they are evaluated as usual.
    if needs_no_permission(lower.as_str()) && (iam || caller.kind == CallerKind::Root) {
        step(&mut ex, StepKind::DenyCheck, Verdict::Allow, || {
            format!(
                "{} needs no permission: AWS answers it for every signed-in caller, and not even an explicit deny stops it.",
                request.action
            )
        });
        return Decision::Allowed;
    }

    // A KMS key policy governs requests on its key only. Actions on no key (`kms:ListKeys`,
    // `kms:CreateKey` on `*`) and requests on an alias ARN (the alias part of
    // `kms:CreateAlias`) are authorized by IAM policies alone, so the key policy neither
    // grants, denies nor is required for them.
    let key_policy_skipped = set.resource_policy_kind == ResourcePolicyKind::KmsKey
        && !is_kms_key_arn(&request.resource);
    let resource_policy = if key_policy_skipped {
        None
    } else {
        set.resource_policy.as_ref()
    };
    let resource_policy_kind = if key_policy_skipped {
        ResourcePolicyKind::Ordinary
    } else {
        set.resource_policy_kind
    };

    // Root-only tasks: no IAM principal may do them, whatever its policies say.
    let root_task = root_tasks::root_only_task_for_action(&request.action);
    let root_only_refusal = match root_task {
        Some(task) if caller.kind != CallerKind::Root && task.needs_context.is_none() => {
            if let Some(ex) = ex.as_deref_mut() {
                ex.root_only_task = Some(task.id.to_string());
            }
            step(&mut ex, StepKind::RootUser, Verdict::NoAllow, || {
                format!(
                    "{} is a task only the account root user can do (\"{}\"); no policy can grant it to another principal.",
                    request.action, task.title
                )
            });
            true
        }
        Some(task) => {
            if let Some(ex) = ex.as_deref_mut() {
                ex.root_only_task = Some(task.id.to_string());
            }
            let detail = match task.needs_context {
                Some(ctx) if caller.kind != CallerKind::Root => format!(
                    "{} is root-only when {ctx}; this evaluation assumes the request is not that case.",
                    request.action
                ),
                _ => format!(
                    "{} is a root-only task (\"{}\") and the caller is the root user.",
                    request.action, task.title
                ),
            };
            step(&mut ex, StepKind::RootUser, Verdict::NotApplicable, || {
                detail
            });
            false
        }
        None => false,
    };

    // 1. Explicit deny anywhere.
    let mut deny = false;
    {
        // Chained rather than collected, so the bare decision allocates nothing.
        let none: &[CompiledPolicy] = &[];
        let deniers = (if iam { set.identity.as_slice() } else { none })
            .iter()
            .chain(set.permissions_boundary.iter().filter(|_| iam))
            .chain(
                (if has_session_policies {
                    set.session.as_slice()
                } else {
                    none
                })
                .iter(),
            )
            .chain(set.scp_levels.iter().filter(|_| scps_apply).flatten())
            .chain(set.rcp_levels.iter().filter(|_| rcps_apply).flatten())
            .chain(resource_policy)
            .chain(set.vpc_endpoint.iter());
        let s = scan_all(deniers, &cx, Effect::Deny, &mut ex);
        deny = deny || s.matched;
        step(
            &mut ex,
            StepKind::DenyCheck,
            if deny {
                Verdict::Deny
            } else {
                Verdict::NotApplicable
            },
            || {
                if deny {
                    "A Deny statement applies to the request.".to_string()
                } else {
                    "No Deny statement applies.".to_string()
                }
            },
        );
    }
    if deny {
        if let Some(ex) = ex.as_deref_mut() {
            ex.promote_denies();
        }
        return Decision::ExplicitDeny;
    }
    if root_only_refusal {
        return Decision::ImplicitDeny;
    }

    // 2. RCPs: every level of the resource's account must allow.
    if rcps_apply {
        for (level, policies) in set.rcp_levels.iter().enumerate() {
            let s = scan_all(policies.iter(), &cx, Effect::Allow, &mut ex);
            if !s.matched {
                step(&mut ex, StepKind::Rcp, Verdict::NoAllow, || {
                    format!("No resource control policy at level {level} allows the request.")
                });
                return Decision::ImplicitDeny;
            }
        }
        step(&mut ex, StepKind::Rcp, Verdict::Allow, || {
            "Every level of resource control policies allows the request.".to_string()
        });
    } else {
        let detail = if set.rcp_levels.is_empty() {
            "No resource control policies apply."
        } else {
            "The resource is in the management account, which RCPs do not affect."
        };
        step(&mut ex, StepKind::Rcp, Verdict::NotApplicable, || {
            detail.to_string()
        });
    }

    // 3. SCPs: every level of the principal's account must allow.
    if scps_apply {
        for (level, policies) in set.scp_levels.iter().enumerate() {
            let s = scan_all(policies.iter(), &cx, Effect::Allow, &mut ex);
            if !s.matched {
                if let Some(ex) = ex.as_deref_mut() {
                    ex.allowed_by_organizations = Some(false);
                }
                step(&mut ex, StepKind::Scp, Verdict::NoAllow, || {
                    format!("No service control policy at level {level} allows the request.")
                });
                return Decision::ImplicitDeny;
            }
        }
        if let Some(ex) = ex.as_deref_mut() {
            ex.allowed_by_organizations = Some(true);
        }
        step(&mut ex, StepKind::Scp, Verdict::Allow, || {
            "Every level of service control policies allows the request.".to_string()
        });
    } else {
        let detail = if set.scp_levels.is_empty() {
            "No service control policies apply."
        } else if iam || caller.kind == CallerKind::Root {
            "The principal is in the management account, which SCPs do not affect."
        } else {
            "SCPs do not apply to this kind of principal."
        };
        step(&mut ex, StepKind::Scp, Verdict::NotApplicable, || {
            detail.to_string()
        });
    }

    // 3b. The VPC endpoint the request goes through: its policy must allow the request too.
    // It only filters (the Amazon VPC guide: an endpoint policy "does not override or replace
    // identity-based policies or resource-based policies"), so an allow here grants nothing.
    if let Some(endpoint) = &set.vpc_endpoint {
        let ok = endpoint.scan(&cx, Effect::Allow, ex.as_deref_mut()).matched;
        step(
            &mut ex,
            StepKind::VpcEndpoint,
            if ok { Verdict::Allow } else { Verdict::NoAllow },
            || {
                if ok {
                    "The VPC endpoint policy allows the request through the endpoint.".to_string()
                } else {
                    "The VPC endpoint policy does not allow the request: a request through a VPC endpoint needs the endpoint's policy to allow it too.".to_string()
                }
            },
        );
        if !ok {
            return Decision::ImplicitDeny;
        }
    }

    // 4. The resource-based policy.
    let explicit_needed = matches!(
        resource_policy_kind,
        ResourcePolicyKind::RoleTrust | ResourcePolicyKind::KmsKey
    );
    let resource = match resource_policy {
        Some(p) => p.scan(&cx, Effect::Allow, ex.as_deref_mut()),
        None => Scan::default(),
    };
    let named = resource.named;
    step(
        &mut ex,
        StepKind::ResourcePolicy,
        match (resource_policy, resource.matched) {
            (None, _) => Verdict::NotApplicable,
            (Some(_), true) => Verdict::Allow,
            (Some(_), false) => Verdict::NoAllow,
        },
        || {
            match (resource_policy, named) {
            (None, _) if key_policy_skipped => format!(
                "A KMS key policy governs requests on its key only; {} is not a KMS key, so IAM policies alone authorize {}.",
                request.resource, request.action
            ),
            (None, _) => "The resource has no resource-based policy.".to_string(),
            (Some(_), Named::Nothing) => {
                "The resource-based policy does not allow the request.".to_string()
            }
            (Some(_), Named::Account) => {
                "The resource-based policy allows the caller's account, which delegates to the account's identity-based policies.".to_string()
            }
            (Some(_), Named::Role) => {
                "The resource-based policy allows the session's role.".to_string()
            }
            (Some(_), Named::Direct) => {
                "The resource-based policy allows the caller by name.".to_string()
            }
        }
        },
    );

    // Callers without identity policies: services and anonymous callers depend on the
    // resource policy alone.
    if matches!(caller.kind, CallerKind::Service | CallerKind::Anonymous) {
        return if resource.matched {
            if let Some(ex) = ex.as_deref_mut() {
                ex.promote_allows(&[PolicyType::Resource, PolicyType::Trust]);
            }
            Decision::Allowed
        } else {
            step(&mut ex, StepKind::Identity, Verdict::NotApplicable, || {
                "This caller has no identity-based policies; only a resource-based policy can allow it.".to_string()
            });
            Decision::ImplicitDeny
        };
    }

    // The root user in its own account. This is the only branch that allows without an
    // applying statement: `ReachSet::known_decision` relies on that.
    if caller.kind == CallerKind::Root && !cross_account {
        if resource_policy_kind == ResourcePolicyKind::KmsKey && !resource.matched {
            step(&mut ex, StepKind::RootUser, Verdict::NoAllow, || {
                "A KMS key policy must allow even the account root user.".to_string()
            });
            return Decision::ImplicitDeny;
        }
        step(&mut ex, StepKind::RootUser, Verdict::Allow, || {
            "The account root user may do anything in its own account that no SCP or explicit deny stops.".to_string()
        });
        return Decision::Allowed;
    }

    // Same-account grants by the resource policy alone.
    if !cross_account && resource.matched {
        match named {
            // A role trust policy is the exception: the IAM User Guide ("Update a role trust
            // policy") says a user named in it still needs its permissions boundary to allow
            // `sts:AssumeRole`.
            Named::Direct
                if resource_policy_kind == ResourcePolicyKind::RoleTrust
                    && !boundary_allows(set, &cx, &mut ex) =>
            {
                return Decision::ImplicitDeny;
            }
            Named::Direct => {
                step(&mut ex, StepKind::Identity, Verdict::NotApplicable, || {
                    "A same-account resource-based policy naming the caller grants on its own; identity policies, the boundary and session policies do not limit it.".to_string()
                });
                if let Some(ex) = ex.as_deref_mut() {
                    ex.promote_allows(&[PolicyType::Resource, PolicyType::Trust]);
                }
                return Decision::Allowed;
            }
            Named::Role => {
                let boundary_ok = boundary_allows(set, &cx, &mut ex);
                let session_ok = session_allows(set, &cx, has_session_policies, &mut ex);
                if boundary_ok && session_ok {
                    if let Some(ex) = ex.as_deref_mut() {
                        ex.promote_allows(&[PolicyType::Resource, PolicyType::Trust]);
                    }
                    return Decision::Allowed;
                }
                return Decision::ImplicitDeny;
            }
            Named::Account | Named::Nothing => {}
        }
    }

    // 5. Identity-based policies, then boundary, then session policies.
    let identity = if caller.kind == CallerKind::Root {
        // The root user has no identity policies; in another account it is treated as
        // having full permissions in its own account.
        true
    } else {
        scan_all(set.identity.iter(), &cx, Effect::Allow, &mut ex).matched
    };
    step(
        &mut ex,
        StepKind::Identity,
        if identity {
            Verdict::Allow
        } else {
            Verdict::NoAllow
        },
        || {
            if caller.kind == CallerKind::Root {
                "The root user's own permissions cover the request on its side.".to_string()
            } else if identity {
                "An identity-based policy allows the request.".to_string()
            } else {
                "No identity-based policy allows the request.".to_string()
            }
        },
    );
    let resource_side_ok = if cross_account || explicit_needed {
        resource.matched
    } else {
        true
    };
    if !resource_side_ok {
        let detail = if cross_account {
            "A cross-account request also needs the resource's account to allow it in the resource-based policy."
        } else if resource_policy_kind == ResourcePolicyKind::RoleTrust {
            "A role's trust policy must allow the request explicitly."
        } else {
            "A KMS key policy must allow the request explicitly."
        };
        step(&mut ex, StepKind::ResourcePolicy, Verdict::NoAllow, || {
            detail.to_string()
        });
    }
    if !identity {
        return Decision::ImplicitDeny;
    }
    let boundary_ok = caller.kind == CallerKind::Root || boundary_allows(set, &cx, &mut ex);
    let session_ok = session_allows(set, &cx, has_session_policies, &mut ex);
    if resource_side_ok && boundary_ok && session_ok {
        if let Some(ex) = ex {
            ex.promote_allows(&[
                PolicyType::Identity,
                PolicyType::Resource,
                PolicyType::Trust,
            ]);
        }
        Decision::Allowed
    } else {
        Decision::ImplicitDeny
    }
}

/// Scans several policies for statements of one effect that apply.
fn scan_all<'p>(
    policies: impl Iterator<Item = &'p CompiledPolicy>,
    cx: &Cx<'_>,
    want: Effect,
    ex: &mut Option<&mut Explain>,
) -> Scan {
    let mut total = Scan::default();
    for p in policies {
        total.merge(p.scan(cx, want, ex.as_deref_mut()));
    }
    total
}

fn boundary_allows(set: &PolicySet, cx: &Cx<'_>, ex: &mut Option<&mut Explain>) -> bool {
    let Some(boundary) = &set.permissions_boundary else {
        step(
            ex,
            StepKind::PermissionsBoundary,
            Verdict::NotApplicable,
            || "The principal has no permissions boundary.".to_string(),
        );
        return true;
    };
    let ok = boundary.scan(cx, Effect::Allow, ex.as_deref_mut()).matched;
    if let Some(ex) = ex.as_deref_mut() {
        ex.allowed_by_permissions_boundary = Some(ok);
    }
    step(
        ex,
        StepKind::PermissionsBoundary,
        if ok { Verdict::Allow } else { Verdict::NoAllow },
        || {
            if ok {
                "The permissions boundary allows the request.".to_string()
            } else {
                "The permissions boundary does not allow the request.".to_string()
            }
        },
    );
    ok
}

fn session_allows(
    set: &PolicySet,
    cx: &Cx<'_>,
    applies: bool,
    ex: &mut Option<&mut Explain>,
) -> bool {
    if !applies {
        step(ex, StepKind::Session, Verdict::NotApplicable, || {
            "No session policies apply.".to_string()
        });
        return true;
    }
    let ok = scan_all(set.session.iter(), cx, Effect::Allow, ex).matched;
    step(
        ex,
        StepKind::Session,
        if ok { Verdict::Allow } else { Verdict::NoAllow },
        || {
            if ok {
                "A session policy allows the request.".to_string()
            } else {
                "No session policy allows the request.".to_string()
            }
        },
    );
    ok
}
