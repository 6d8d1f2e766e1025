//! The bodies of the fuzz targets, one per input surface, and their seed corpora.
//!
//! The coverage-guided fuzzers live in `fuzz/` (cargo-fuzz and libFuzzer, built on the stable
//! toolchain with `--sanitizer none`; `scripts/fuzz.sh` runs them). They call [`Target::run`],
//! and so does this crate's replay test (`tests/replay.rs`), which runs every seed and every
//! past finding (`regressions/TARGET/`) under plain `cargo test`. A target fails by panicking:
//! the engine must never panic on any text, and the checks below (spans inside the text, round
//! trips that must hold) assert what else must be true of every input.
//!
//! The seeds are not copied into the repository: [`Target::seeds`] derives them from the
//! engine's fixtures, golden files and gallery examples, so a new fixture seeds the fuzzers too.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use iam_engine::catalog::Catalog;
use iam_engine::diagnostic::Diagnostic;
use iam_engine::export::{Format, PolicyStyle, TerraformOptions, cloudformation, terraform};
use iam_engine::import::{ImportOptions, TerraformFile, detect_and_import, import_terraform_files};
use iam_engine::policy::PolicyType;
use iam_engine::scenario::{FORMAT_VERSION, Scenario};
use iam_engine::share::{self, SharePayload, ViewState};
use iam_engine::span::{LineIndex, Span};
use iam_engine::validate::files::{FileKind, detect, validate_file};
use iam_engine::validate::{ValidateOptions, validate_with};

/// The heap one input may use, in bytes. Inputs are at most a few tens of kilobytes (the fuzz
/// script's `-max_len`), so an input that needs more than this has found a blow-up. The fuzz
/// binaries and the replay test install a global allocator with this limit; an allocation past
/// it aborts the process, which the fuzzer records as a finding.
pub const HEAP_CAP: usize = 512 << 20;

/// The AWS action catalog the web app fetches, embedded as the CLI embeds it.
const CATALOG: &str = include_str!("../../../static/data/iam-catalog.txt");

/// The catalog, parsed once per process (`None` only if the embedded asset were broken, which
/// the replay test rules out).
pub fn catalog() -> Option<&'static Catalog> {
    static PARSED: OnceLock<Option<Catalog>> = OnceLock::new();
    PARSED.get_or_init(|| Catalog::parse(CATALOG).ok()).as_ref()
}

/// Every policy type, one of which each policy input is validated as.
const POLICY_TYPES: [PolicyType; 8] = [
    PolicyType::Identity,
    PolicyType::Resource,
    PolicyType::Trust,
    PolicyType::PermissionsBoundary,
    PolicyType::Scp,
    PolicyType::Rcp,
    PolicyType::Session,
    PolicyType::VpcEndpoint,
];

/// One input surface of the playground.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A policy's JSON: the JSON front end, the policy parse, every validation check with the
    /// catalog, the diagnostic renderer and line/column lookup.
    PolicyJson,
    /// The scenario format: load, save and load again, findings, export to both template
    /// formats and import of the export, and the share link of the scenario.
    Scenario,
    /// CloudFormation import, YAML and JSON.
    CfnImport,
    /// `aws iam get-account-authorization-details` import.
    AuthorizationDetails,
    /// Opening a share link.
    ShareOpen,
    /// Terraform import: plan and state JSON (`terraform show -json`) and HCL configuration.
    TerraformImport,
}

/// One seed input, named after where it came from.
#[derive(Debug, Clone)]
pub struct Seed {
    /// A file name for the seed: its source file, and a suffix when one file gives several.
    pub name: String,
    /// The input.
    pub data: Vec<u8>,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 6] = [
        Target::PolicyJson,
        Target::Scenario,
        Target::CfnImport,
        Target::AuthorizationDetails,
        Target::ShareOpen,
        Target::TerraformImport,
    ];

    /// The target's name: its fuzz binary and its corpus and regression folders.
    pub fn name(self) -> &'static str {
        match self {
            Target::PolicyJson => "policy_json",
            Target::Scenario => "scenario",
            Target::CfnImport => "cfn_import",
            Target::AuthorizationDetails => "authorization_details",
            Target::ShareOpen => "share_open",
            Target::TerraformImport => "terraform_import",
        }
    }

    /// The target of this name.
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Runs one input. Bytes that are not UTF-8 are read lossily: every surface takes text,
    /// and a fuzzer's mutations should not be wasted on inputs no surface can be given.
    ///
    /// # Panics
    /// When the engine panics, or when one of the invariants checked here does not hold: that
    /// is what a fuzzer reports.
    pub fn run(self, data: &[u8]) {
        let text = String::from_utf8_lossy(data);
        match self {
            Target::PolicyJson => policy_json(&text),
            Target::Scenario => scenario(&text),
            Target::CfnImport | Target::AuthorizationDetails => import(&text),
            Target::ShareOpen => share_open(&text),
            Target::TerraformImport => terraform_import(&text),
        }
    }

    /// The seed corpus, derived from the engine's fixtures, golden files and gallery examples.
    ///
    /// # Errors
    /// When a fixture folder cannot be read: the seeds must not silently go missing.
    pub fn seeds(self) -> Result<Vec<Seed>, String> {
        let engine = engine_dir();
        match self {
            Target::PolicyJson => policy_seeds(&engine),
            Target::Scenario => scenario_seeds(&engine),
            Target::CfnImport => {
                let mut seeds = files(&engine.join("tests/golden/cfn"), &["yaml", "json"])?;
                seeds.extend(files(&engine.join("tests/import"), &["yaml"])?);
                Ok(seeds)
            }
            Target::AuthorizationDetails => {
                let seeds = files(&engine.join("tests/import"), &["json"])?;
                // Each list alone, so that mutations start from small documents too.
                let mut parts = Vec::new();
                for seed in &seeds {
                    let Ok(serde_json::Value::Object(map)) =
                        serde_json::from_slice::<serde_json::Value>(&seed.data)
                    else {
                        continue;
                    };
                    for (key, value) in map {
                        let one = serde_json::json!({ key.clone(): value });
                        parts.push(Seed {
                            name: format!("{}-{key}", seed.name),
                            data: one.to_string().into_bytes(),
                        });
                    }
                }
                Ok(seeds.into_iter().chain(parts).collect())
            }
            Target::ShareOpen => share_seeds(&engine),
            Target::TerraformImport => {
                files(&engine.join("tests/import/terraform"), &["tf", "json"])
            }
        }
    }

    /// The past findings of this target, kept as inputs that must now pass.
    ///
    /// # Errors
    /// When the target's regression folder cannot be read.
    pub fn regressions(self) -> Result<Vec<Seed>, String> {
        files(&regressions_dir().join(self.name()), &[])
    }
}

/// The folder of every target's past findings (`regressions/TARGET/`).
pub fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions")
}

fn engine_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../iam-engine")
}

// ---- target bodies ------------------------------------------------------------------------------

/// A span must lie inside the text, on character boundaries, start before its end, and its
/// line/column must convert back to it.
fn check_span(text: &str, index: &LineIndex<'_>, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: span {span:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} inside a character"
    );
    for offset in [span.start, span.end] {
        let at = index.line_col(offset);
        assert_eq!(
            index.offset(at),
            offset,
            "{what}: line/column {at:?} does not convert back"
        );
    }
}

fn check_diagnostics(text: &str, index: &LineIndex<'_>, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        check_span(text, index, d.span, &d.code);
        for related in &d.related {
            check_span(text, index, related.span, &d.code);
        }
    }
}

fn policy_json(text: &str) {
    let index = LineIndex::new(text);
    let parsed = iam_engine::json::parse(text);
    check_diagnostics(text, &index, &parsed.diagnostics);
    // The policy type varies with the input, so every grammar is reached from every seed.
    let policy_type = POLICY_TYPES
        .get(text.len() % POLICY_TYPES.len())
        .copied()
        .unwrap_or(PolicyType::Identity);
    let findings = validate_with(text, &ValidateOptions::new(policy_type, catalog()));
    for finding in &findings {
        let diagnostic = finding.to_diagnostic();
        check_diagnostics(text, &index, std::slice::from_ref(&diagnostic));
    }
    // Rendered as `iam-playground validate` prints them: one line index for all findings,
    // at most 50 of each code. (`Finding::render` alone indexes the text for every finding,
    // which thousands of findings turn into seconds.)
    std::hint::black_box(iam_engine::validate::render_findings(
        &findings,
        text,
        "policy.json",
    ));
}

/// `iam-playground validate` of a whole file read as `kind`: every finding, about a policy
/// inside it included, has a span inside the file on character boundaries.
fn validate_whole_file(text: &str, kind: FileKind) {
    let index = LineIndex::new(text);
    let report = validate_file(
        text,
        kind,
        &ValidateOptions::new(PolicyType::Identity, catalog()),
    );
    for finding in &report.findings {
        check_diagnostics(text, &index, std::slice::from_ref(&finding.to_diagnostic()));
    }
}

fn scenario(text: &str) {
    validate_whole_file(text, FileKind::Scenario);
    let Ok(scenario) = Scenario::from_json(text) else {
        return;
    };
    // Saving and loading again gives the same scenario.
    let saved = scenario.to_json();
    assert_eq!(
        Scenario::from_json(&saved).as_ref(),
        Ok(&scenario),
        "a saved scenario loads differently"
    );
    std::hint::black_box(scenario.findings_with_catalog(catalog()));
    // An exported template imports again.
    for format in [Format::Yaml, Format::Json] {
        if let Ok(template) = cloudformation(&scenario, format) {
            let imported = detect_and_import(&template, &ImportOptions::default());
            assert!(
                imported.is_ok(),
                "the {format:?} export does not import: {imported:?}"
            );
        }
    }
    // The Terraform export never panics, in either policy style, and fails only as the template
    // does (the same documents are parsed).
    for policy_style in [PolicyStyle::JsonEncode, PolicyStyle::Document] {
        let hcl = terraform(&scenario, &TerraformOptions { policy_style });
        assert_eq!(
            hcl.is_ok(),
            cloudformation(&scenario, Format::Json).is_ok(),
            "the Terraform export fails where the template does not, or the other way: {:?}",
            hcl.as_ref().err()
        );
        // What the export writes, the Terraform import reads (hcl-rs parses it; every value
        // evaluates or is listed), into a scenario that loads.
        if let Ok(text) = hcl {
            let file = TerraformFile {
                name: "main.tf".to_string(),
                text,
            };
            let options = ImportOptions {
                account_id: Some(scenario.account.id.clone()),
                max_bytes: Some(usize::MAX),
            };
            let imported = import_terraform_files(&[file], &options);
            assert!(
                imported.is_ok(),
                "the Terraform export does not import: {:?}",
                imported.as_ref().err()
            );
            if let Ok(imported) = imported {
                assert!(
                    Scenario::from_json(&imported.scenario.to_json()).is_ok(),
                    "an imported Terraform export does not load"
                );
            }
        }
    }
    // A share link of the scenario opens to the same text.
    let payload = SharePayload::new(saved.clone(), FORMAT_VERSION, "fuzz");
    if let Ok(link) = share::encode(&payload) {
        let opened = share::decode(&link).map(|p| p.scenario);
        assert_eq!(
            opened.as_ref(),
            Ok(&saved),
            "a share link opens differently"
        );
    }
}

fn import(text: &str) {
    // Validated as `validate` reads the file: as what it looks like, else as a template.
    validate_whole_file(text, detect(text).unwrap_or(FileKind::CloudFormation));
    let Ok(imported) = detect_and_import(text, &ImportOptions::default()) else {
        return;
    };
    // What an import gives is a scenario the playground can save and load.
    let saved = imported.scenario.to_json();
    let loaded = Scenario::from_json(&saved);
    assert!(
        loaded.is_ok(),
        "an imported scenario does not load: {loaded:?}"
    );
}

fn terraform_import(text: &str) {
    import(text);
    // The same text as one configuration file: every skipped item's place is in the text.
    let file = TerraformFile {
        name: "main.tf".to_string(),
        text: text.to_string(),
    };
    let Ok(imported) = import_terraform_files(&[file], &ImportOptions::default()) else {
        return;
    };
    let lines = text.split('\n').count();
    for s in &imported.skipped {
        assert!(
            s.line.is_some_and(|l| l >= 1 && l <= lines),
            "a skipped item's line is outside the text: {s:?}"
        );
    }
    let saved = imported.scenario.to_json();
    assert!(
        Scenario::from_json(&saved).is_ok(),
        "an imported configuration does not load"
    );
}

fn share_open(text: &str) {
    let Ok(payload) = share::decode(text) else {
        return;
    };
    std::hint::black_box(payload.compat(FORMAT_VERSION, "fuzz").message());
    if let Ok(scenario) = Scenario::from_json(&payload.scenario) {
        std::hint::black_box(scenario.to_json_pretty());
    }
}

// ---- seeds --------------------------------------------------------------------------------------

/// The files of `dir` (sorted) whose extension is one of `extensions` (any file when empty).
fn files(dir: &Path, extensions: &[&str]) -> Result<Vec<Seed>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        // Dot files (`.keep`, which holds an empty folder in git) are not inputs.
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .filter(|p| {
            extensions.is_empty()
                || p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| extensions.contains(&e))
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let data =
                std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(Seed { name, data })
        })
        .collect()
}

/// The files of `dir` and its subfolders with one of `extensions`, named by their path inside
/// `dir`.
fn files_deep(dir: &Path, extensions: &[&str]) -> Result<Vec<Seed>, String> {
    let mut seeds = files(dir, extensions)?;
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut subdirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    subdirs.sort();
    for sub in subdirs {
        let prefix = sub
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for seed in files_deep(&sub, extensions)? {
            seeds.push(Seed {
                name: format!("{prefix}-{}", seed.name),
                data: seed.data,
            });
        }
    }
    Ok(seeds)
}

/// Every policy document inside a JSON value: objects with a `Statement`, and strings holding
/// one (a scenario keeps its documents as text, as typed).
fn policies_in(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if map.contains_key("Statement") {
                out.push(serde_json::to_string_pretty(value).unwrap_or_default());
            } else {
                map.values().for_each(|v| policies_in(v, out));
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| policies_in(v, out)),
        serde_json::Value::String(s) if s.contains("\"Statement\"") => out.push(s.clone()),
        _ => {}
    }
}

fn policy_seeds(engine: &Path) -> Result<Vec<Seed>, String> {
    let fixtures = engine.join("tests/fixtures");
    // The diagnostics snapshots' inputs, as they are.
    let mut seeds = files(&fixtures.join("diagnostics"), &["json"])?;
    // The validation fixtures: each `=== name` section is a policy.
    for file in files(&fixtures.join("validate"), &["txt"])? {
        let text = String::from_utf8_lossy(&file.data);
        for (i, section) in text.split("\n=== ").skip(1).enumerate() {
            let body = section.split_once('\n').map_or("", |(_, body)| body);
            seeds.push(Seed {
                name: format!("{}-{i}", file.name),
                data: body.as_bytes().to_vec(),
            });
        }
    }
    // The policies of the evaluation fixtures and of the gallery examples.
    let mut documents = files_deep(&fixtures.join("eval"), &["json"])?;
    documents.extend(files(&engine.join("examples-data"), &["json"])?);
    for file in documents {
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(&file.data) else {
            continue;
        };
        let mut found = Vec::new();
        policies_in(&value, &mut found);
        for (i, policy) in found.into_iter().enumerate() {
            seeds.push(Seed {
                name: format!("{}-{i}", file.name),
                data: policy.into_bytes(),
            });
        }
    }
    Ok(seeds)
}

fn scenario_seeds(engine: &Path) -> Result<Vec<Seed>, String> {
    let mut seeds = files(&engine.join("examples-data"), &["json"])?;
    seeds.extend(files(
        &engine.join("tests/golden/cfn/scenarios"),
        &["json"],
    )?);
    Ok(seeds)
}

/// Links to every scenario seed, in the forms people paste them: bare data, a whole URL, a
/// URL wrapped in `<>` or quotes by a mail client, broken over lines, percent-escaped.
fn share_seeds(engine: &Path) -> Result<Vec<Seed>, String> {
    let data_version = catalog()
        .map(|c| c.header().data_date.clone())
        .unwrap_or_default();
    let mut seeds = Vec::new();
    for scenario in scenario_seeds(engine)? {
        let Ok(loaded) = Scenario::from_json(&String::from_utf8_lossy(&scenario.data)) else {
            continue;
        };
        let payload = SharePayload::new(loaded.to_json(), FORMAT_VERSION, data_version.clone())
            .with_view(ViewState {
                view: Some("simulate".to_string()),
                ..ViewState::default()
            });
        let Ok(data) = share::encode(&payload) else {
            continue;
        };
        let url = share::share_url("https://docs.example.com/playground/", &data);
        let broken: String = url
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("\n");
        let forms = [
            ("data", data.clone()),
            ("url", url.clone()),
            ("angle", format!("<{url}>")),
            ("quoted", format!("\"{url}\"")),
            ("mail", broken),
            ("escaped", url.replace("#s=", "%23s%3D")),
        ];
        for (form, text) in forms {
            seeds.push(Seed {
                name: format!("{}-{form}", scenario.name),
                data: text.into_bytes(),
            });
        }
    }
    Ok(seeds)
}
