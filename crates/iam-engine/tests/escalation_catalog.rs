//! The committed privilege-escalation asset loads, holds what its header says, covers every
//! path the account analysis must find, and classifies each path into a model (or says why
//! not).

// Test helpers outside `#[test]` functions may fail loudly too.
#![allow(clippy::expect_used, clippy::panic)]

use iam_engine::catalog::escalation::{
    ActionTarget, EscalationCatalog, EscalationPath, Hop, ModelKind, Modelling, PathOrigin,
    Prerequisite,
};

const ASSET: &str = include_str!("../../../static/data/escalation-paths.txt");

fn catalog() -> EscalationCatalog {
    EscalationCatalog::parse(ASSET).expect("the committed asset loads")
}

/// The one catalog path whose required actions are exactly these (case-insensitive, any
/// order).
fn path_with<'a>(catalog: &'a EscalationCatalog, actions: &[&str]) -> &'a EscalationPath {
    let mut wanted: Vec<String> = actions.iter().map(|a| a.to_ascii_lowercase()).collect();
    wanted.sort();
    let found: Vec<&EscalationPath> = catalog
        .paths()
        .iter()
        .filter(|p| {
            let mut have: Vec<String> = p
                .required
                .iter()
                .map(|r| r.action.to_ascii_lowercase())
                .collect();
            have.sort();
            have == wanted
        })
        .collect();
    assert_eq!(found.len(), 1, "paths with exactly {actions:?}");
    found[0]
}

fn kind(path: &EscalationPath) -> &ModelKind {
    match &path.modelling {
        Modelling::Modelled(model) => &model.kind,
        Modelling::Unmodelled { reason } => panic!("{} is not modelled: {reason}", path.id),
    }
}

#[test]
fn the_asset_holds_what_its_header_says() {
    let catalog = catalog();
    let header = catalog.header();
    assert_eq!(header.source, "DataDog/pathfinding.cloud");
    assert_eq!(header.licence, "Apache-2.0");
    assert_eq!(header.source_version.len(), 40);
    assert_eq!(header.paths, 65);
    let from_catalog = catalog
        .paths()
        .iter()
        .filter(|p| p.origin == PathOrigin::Catalog)
        .count();
    assert_eq!(from_catalog, header.paths);
    for path in catalog.paths() {
        assert!(
            !path.description.is_empty(),
            "{} has a description",
            path.id
        );
        assert!(!path.required.is_empty(), "{} needs actions", path.id);
        assert!(
            path.references
                .iter()
                .all(|r| r.url.starts_with("https://")),
            "{} has web references",
            path.id
        );
    }
}

#[test]
fn a_damaged_asset_does_not_load() {
    assert!(EscalationCatalog::parse(&ASSET.replacen("R\tiam:", "R\tiAm:", 1)).is_err());
    // Truncated at a line boundary near the middle: the checksum no longer matches.
    let half = ASSET.len() / 2;
    let cut = ASSET
        .get(half..)
        .and_then(|rest| rest.find('\n'))
        .map_or(half, |i| half + i);
    assert!(EscalationCatalog::parse(ASSET.get(..cut).expect("a line boundary")).is_err());
    assert!(EscalationCatalog::parse("iam-catalog\t1\n\n").is_err());
}

#[test]
fn every_path_the_analysis_must_find_is_present_and_modelled() {
    let catalog = catalog();
    let self_edits: [&[&str]; 9] = [
        &["iam:CreatePolicyVersion"],
        &["iam:SetDefaultPolicyVersion"],
        &["iam:PutUserPolicy"],
        &["iam:AttachUserPolicy"],
        &["iam:PutGroupPolicy"],
        &["iam:AttachGroupPolicy"],
        &["iam:PutRolePolicy"],
        &["iam:AttachRolePolicy"],
        &["iam:AddUserToGroup"],
    ];
    for actions in self_edits {
        assert_eq!(kind(path_with(&catalog, actions)), &ModelKind::SelfEdit);
    }
    for actions in [
        "iam:CreateAccessKey",
        "iam:CreateLoginProfile",
        "iam:UpdateLoginProfile",
    ] {
        let path = path_with(&catalog, &[actions]);
        assert_eq!(kind(path), &ModelKind::CredentialTakeover);
        let Modelling::Modelled(model) = &path.modelling else {
            unreachable!()
        };
        assert_eq!(model.hops[0].target, ActionTarget::TargetUser);
        assert!(model.prerequisites.contains(&Prerequisite::UserExists));
    }
    let trust_edit = path_with(&catalog, &["iam:UpdateAssumeRolePolicy"]);
    assert_eq!(kind(trust_edit), &ModelKind::RoleAssumption);
    let assume = path_with(&catalog, &["sts:AssumeRole"]);
    assert_eq!(kind(assume), &ModelKind::RoleAssumption);
    let Modelling::Modelled(model) = &assume.modelling else {
        unreachable!()
    };
    // Both the caller's policies (the hop) and the trust policy (the prerequisite) must allow it.
    assert_eq!(
        model.hops,
        [Hop {
            action: "sts:AssumeRole".to_owned(),
            target: ActionTarget::TargetRole
        }]
    );
    assert!(model.prerequisites.contains(&Prerequisite::RoleTrustsActor));

    // iam:PassRole to every service the catalog lists, with the principal the role must trust.
    let pass_role = [
        (
            &["iam:PassRole", "ec2:RunInstances"][..],
            "ec2.amazonaws.com",
        ),
        (
            &[
                "iam:PassRole",
                "lambda:CreateFunction",
                "lambda:InvokeFunction",
            ][..],
            "lambda.amazonaws.com",
        ),
        (
            &["iam:PassRole", "cloudformation:CreateStack"][..],
            "cloudformation.amazonaws.com",
        ),
        (
            &["iam:PassRole", "glue:CreateDevEndpoint"][..],
            "glue.amazonaws.com",
        ),
        (
            &[
                "iam:PassRole",
                "codebuild:CreateProject",
                "codebuild:StartBuild",
            ][..],
            "codebuild.amazonaws.com",
        ),
        (
            &["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"][..],
            "ecs-tasks.amazonaws.com",
        ),
        (
            &["iam:PassRole", "sagemaker:CreateNotebookInstance"][..],
            "sagemaker.amazonaws.com",
        ),
        (
            &[
                "iam:PassRole",
                "datapipeline:CreatePipeline",
                "datapipeline:PutPipelineDefinition",
                "datapipeline:ActivatePipeline",
            ][..],
            "datapipeline.amazonaws.com",
        ),
    ];
    for (actions, principal) in pass_role {
        let path = path_with(&catalog, actions);
        let ModelKind::PassRoleToService { service_principals } = kind(path) else {
            panic!("{} is not a PassRole model", path.id);
        };
        assert!(
            service_principals.iter().any(|p| p == principal),
            "{} trusts {principal}: {service_principals:?}",
            path.id
        );
    }
    // Every PassRole path of the catalog that names a service is modelled.
    for path in catalog
        .paths()
        .iter()
        .filter(|p| p.requires("iam:PassRole"))
    {
        let named = path
            .prerequisites
            .iter()
            .any(|p| p.text.contains(".amazonaws.com"));
        assert_eq!(path.is_modelled(), named, "{}", path.id);
    }
}

#[test]
fn classification_summary() {
    let catalog = catalog();
    let modelled = catalog
        .paths()
        .iter()
        .filter(|p| p.origin == PathOrigin::Catalog && p.is_modelled())
        .count();
    println!(
        "{} catalog paths, {modelled} modelled, plus {} from the supplement",
        catalog.header().paths,
        catalog.paths().len() - catalog.header().paths
    );
    for path in catalog.paths() {
        if let Modelling::Unmodelled { reason } = &path.modelling {
            println!("unmodelled {}: {reason}", path.id);
        }
    }
    // The counts at the pinned commit; a new commit may change them (see the update script).
    assert_eq!(modelled, 47);
    assert_eq!(catalog.paths().len(), 66);
    assert_eq!(catalog.modelled().count(), 48);
}

fn model<'a>(
    catalog: &'a EscalationCatalog,
    id: &str,
) -> &'a iam_engine::catalog::escalation::Model {
    match &catalog.get(id).expect("present").modelling {
        Modelling::Modelled(model) => model,
        Modelling::Unmodelled { reason } => panic!("{id} is not modelled: {reason}"),
    }
}

#[test]
fn combined_paths_edit_the_principal_they_reach() {
    let catalog = catalog();
    // Attach a policy to a role, then assume it: the role's trust policy must allow the actor.
    let attach_then_assume = model(&catalog, "iam-014");
    assert_eq!(attach_then_assume.kind, ModelKind::RoleAssumption);
    assert!(
        attach_then_assume
            .hops
            .iter()
            .all(|h| h.target == ActionTarget::TargetRole)
    );
    assert!(
        attach_then_assume
            .prerequisites
            .contains(&Prerequisite::RoleTrustsActor)
    );
    assert!(
        attach_then_assume
            .prerequisites
            .contains(&Prerequisite::AttachablePolicyExists)
    );
    // Rewriting the trust policy instead makes the role trust the actor.
    let attach_then_rewrite_trust = model(&catalog, "iam-019");
    assert!(
        !attach_then_rewrite_trust
            .prerequisites
            .contains(&Prerequisite::RoleTrustsActor)
    );
    // Attach a policy to another user, then create its access key.
    let attach_then_take_keys = model(&catalog, "iam-015");
    assert_eq!(attach_then_take_keys.kind, ModelKind::CredentialTakeover);
    assert!(
        attach_then_take_keys
            .hops
            .iter()
            .all(|h| h.target == ActionTarget::TargetUser)
    );
    // A new version of a policy attached to the role one then assumes.
    let version_then_assume = model(&catalog, "iam-016");
    assert_eq!(
        version_then_assume.hops[0].target,
        ActionTarget::AttachedPolicy
    );
    assert!(
        version_then_assume
            .prerequisites
            .contains(&Prerequisite::PolicyAttachedToTarget)
    );
    // A group policy helps only a user in that group.
    let group = model(&catalog, "iam-010");
    assert_eq!(group.kind, ModelKind::SelfEdit);
    assert!(
        group
            .prerequisites
            .contains(&Prerequisite::ActorInTargetGroup)
    );
    assert!(group.prerequisites.contains(&Prerequisite::ActorIsUser));
}

#[test]
fn pass_role_paths_keep_what_the_scenario_cannot_check_as_assumptions() {
    let catalog = catalog();
    let ec2 = model(&catalog, "ec2-001");
    assert_eq!(
        ec2.hops.iter().map(|h| h.target).collect::<Vec<_>>(),
        [ActionTarget::PassedRole, ActionTarget::ServiceResource]
    );
    assert!(ec2.assumed.iter().any(|a| a.contains("instance profile")));
    let ecs = model(&catalog, "ecs-004");
    assert!(ecs.assumed.iter().any(|a| a.contains("ECS cluster")));
    let lambda = model(&catalog, "lambda-001");
    assert!(lambda.assumed.is_empty(), "{:?}", lambda.assumed);
    assert_eq!(
        lambda.prerequisites,
        [Prerequisite::RoleTrustingService {
            service_principals: vec!["lambda.amazonaws.com".to_owned()]
        }]
    );
    let pipeline = model(&catalog, "datapipeline-001");
    let ModelKind::PassRoleToService { service_principals } = &pipeline.kind else {
        panic!("datapipeline-001 is a PassRole path");
    };
    assert_eq!(
        service_principals,
        &[
            "datapipeline.amazonaws.com",
            "elasticmapreduce.amazonaws.com"
        ]
    );
}
