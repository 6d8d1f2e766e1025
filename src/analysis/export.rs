//! The export, run in the analysis worker (or, where there is none, on the page): a real
//! account's CloudFormation templates or Terraform configuration take hundreds of milliseconds
//! to write, so the Export view asks for them and shows them when they arrive.

use iam_engine::export::{
    ExportError, Format, TerraformOptions, cloudformation_files, terraform_files,
};
use iam_engine::scenario::Scenario;

use super::protocol::{ExportData, ExportFailure, ExportFileData, TemplateKind};

/// Writes `scenario` as `kind`, its files named after `stem`.
///
/// # Errors
/// Why the scenario cannot be exported, with the place in the document at fault.
pub fn run_export(
    scenario: &Scenario,
    kind: TemplateKind,
    stem: &str,
) -> Result<ExportData, ExportFailure> {
    let set = match kind {
        TemplateKind::CfnYaml => cloudformation_files(scenario, Format::Yaml, stem),
        TemplateKind::CfnJson => cloudformation_files(scenario, Format::Json, stem),
        TemplateKind::Terraform(policy_style) => {
            terraform_files(scenario, &TerraformOptions { policy_style })
        }
    };
    match set {
        Ok(set) => Ok(ExportData {
            explanation: set.explanation(),
            deploy_commands: set.deploy_commands(),
            files: set
                .files
                .into_iter()
                .map(|f| ExportFileData {
                    name: f.name,
                    text: f.text,
                    resources: f.resources,
                })
                .collect(),
        }),
        Err(ExportError {
            message,
            line,
            column,
            ..
        }) => Err(ExportFailure {
            message,
            line,
            column,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::protocol::{ExportRequest, ModelRef, Request, Response};
    use crate::analysis::round_trip;
    use iam_engine::export::PolicyStyle;
    use iam_engine::scenario::gallery_json;

    fn example() -> Scenario {
        Scenario::from_json(gallery_json("root-vs-admin").unwrap()).unwrap()
    }

    #[test]
    fn every_kind_writes_what_the_engine_writes() {
        let s = example();
        let yaml = run_export(&s, TemplateKind::CfnYaml, "x").unwrap();
        let engine = cloudformation_files(&s, Format::Yaml, "x").unwrap();
        assert_eq!(yaml.files.len(), engine.files.len());
        assert_eq!(yaml.files[0].text, engine.files[0].text);
        assert_eq!(yaml.files[0].name, "x.yaml");
        assert!(!yaml.is_split());
        assert_eq!(yaml.explanation, None);
        let json = run_export(&s, TemplateKind::CfnJson, "x").unwrap();
        assert!(json.files[0].text.starts_with('{'));
        for style in [PolicyStyle::JsonEncode, PolicyStyle::Document] {
            let tf = run_export(&s, TemplateKind::Terraform(style), "x").unwrap();
            assert_eq!(tf.files[0].name, "main.tf");
            let engine = iam_engine::export::terraform(
                &s,
                &TerraformOptions {
                    policy_style: style,
                },
            )
            .unwrap();
            assert_eq!(tf.files[0].text, engine);
        }
    }

    #[test]
    fn requests_and_answers_survive_bincode() {
        let request = Request::Export(ExportRequest {
            job: 4,
            model: ModelRef {
                scenario_id: 2,
                scenario_json: None,
                managed_url: None,
            },
            kind: TemplateKind::Terraform(PolicyStyle::Document),
            stem: "acct".into(),
        });
        assert_eq!(round_trip(&request), request);
        let answer = Response::Export {
            job: 4,
            result: run_export(&example(), TemplateKind::CfnYaml, "acct"),
        };
        assert_eq!(round_trip(&answer), answer);
        let failed = Response::Export {
            job: 4,
            result: Err(ExportFailure {
                message: "bad".into(),
                line: Some(2),
                column: Some(3),
            }),
        };
        assert_eq!(round_trip(&failed), failed);
    }

    #[test]
    fn a_bad_document_is_a_failure_with_its_place() {
        let mut s = example();
        if let Some(p) = s.policies.first_mut() {
            p.document = "{\"Statement\": [".into();
        } else {
            let mut user = iam_engine::scenario::User::new("u");
            user.inline_policies
                .push(iam_engine::scenario::InlinePolicy {
                    name: "p".into(),
                    document: "{\"Statement\": [".into(),
                });
            s.users.push(user);
        }
        let failure = run_export(&s, TemplateKind::CfnYaml, "x").unwrap_err();
        assert!(!failure.message.is_empty());
        assert!(failure.line.is_some());
    }
}
