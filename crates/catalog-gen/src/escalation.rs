//! Builds the escalation-path asset from a checkout of the `DataDog/pathfinding.cloud`
//! repository (Apache-2.0): one YAML file per path under `data/paths/`, described by the
//! repository's `SCHEMA.md`.
//!
//! The asset keeps, per path, what the account analysis and its explanations need: id, name,
//! category, parent, services, required actions with their resource notes, the stated
//! prerequisites, the description, the recommendation and the references. It leaves out the
//! exploitation commands, the attack diagrams, the detection rules and tools, the learning
//! environments and the attribution (the NOTICE credits the source as a whole).

use crate::{GenError, assemble, date_of, gen_err, read};
use iam_engine::catalog::escalation::{
    CatalogCategory, ESCALATION_FORMAT_VERSION, ESCALATION_MAGIC, EscalationCatalog, escape_text,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
struct PathYaml {
    id: String,
    name: String,
    category: String,
    services: Vec<String>,
    permissions: PermissionsYaml,
    description: String,
    #[serde(default)]
    prerequisites: Option<PrerequisitesYaml>,
    #[serde(default)]
    recommendation: Option<String>,
    #[serde(default)]
    references: Vec<ReferenceYaml>,
    #[serde(default)]
    parent: Option<ParentYaml>,
}

#[derive(Debug, Deserialize)]
struct PermissionsYaml {
    required: Vec<PermissionYaml>,
}

#[derive(Debug, Deserialize)]
struct PermissionYaml {
    permission: String,
    #[serde(rename = "resourceConstraints", default)]
    resource_constraints: Option<String>,
}

/// The schema's two forms of prerequisites: split by outcome (current) or one list (older
/// files), whose items are sentences or `{condition, type}` objects.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PrerequisitesYaml {
    Split {
        #[serde(default)]
        admin: Vec<String>,
        #[serde(default)]
        lateral: Vec<String>,
    },
    List(Vec<PrerequisiteItemYaml>),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum PrerequisiteItemYaml {
    Text(String),
    Object { condition: String },
}

#[derive(Debug, Deserialize)]
struct ReferenceYaml {
    title: String,
    url: String,
}

#[derive(Debug, Deserialize)]
struct ParentYaml {
    id: String,
}

/// Every `.yaml` file under `dir`, recursively, in a stable order.
fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), GenError> {
    let entries =
        fs::read_dir(dir).map_err(|e| gen_err(format!("cannot list {}: {e}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(|e| gen_err(format!("cannot list {}: {e}", dir.display())))?;
    paths.sort();
    for path in paths {
        if path.is_dir() {
            yaml_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

/// One line of free text: escaped, and trimmed of the trailing newline YAML block scalars keep.
fn text(value: &str) -> String {
    escape_text(value.trim())
}

/// A field that goes into the asset as is: no tab or newline, not empty.
fn token<'a>(value: &'a str, what: &str, file: &Path) -> Result<&'a str, GenError> {
    if value.is_empty() || value.contains(['\t', '\n', '\r', ',']) {
        return Err(gen_err(format!(
            "{}: {what} `{value}` is empty or holds a tab, newline or comma",
            file.display()
        )));
    }
    Ok(value)
}

/// The SPDX name of the licence in the repository's `LICENSE` file.
fn licence_of(source_dir: &Path) -> Result<String, GenError> {
    let licence = read(&source_dir.join("LICENSE"))?;
    if licence.contains("Apache License") && licence.contains("Version 2.0") {
        Ok("Apache-2.0".to_owned())
    } else {
        Err(gen_err(
            "LICENSE is not the Apache License 2.0: check the new licence before using the data",
        ))
    }
}

/// Builds the escalation-path asset from a checkout of `DataDog/pathfinding.cloud` at
/// `commit`, made on `commit_date` (ISO 8601; the date part is kept).
pub fn generate_escalation_paths(
    source_dir: &Path,
    commit: &str,
    commit_date: &str,
) -> Result<String, GenError> {
    if commit.len() != 40 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(gen_err(format!("`{commit}` is not a 40-digit commit hash")));
    }
    let licence = licence_of(source_dir)?;
    let mut files = Vec::new();
    yaml_files(&source_dir.join("data/paths"), &mut files)?;
    let mut records: BTreeMap<String, String> = BTreeMap::new();
    for file in &files {
        let yaml = read(file)?;
        // Some upstream files repeat a key the asset does not keep (such as
        // `learningEnvironments`); like the upstream site generator (PyYAML), the last one wins.
        let options = serde_saphyr::options! {
            duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::LastWins,
        };
        let path: PathYaml = serde_saphyr::from_str_with_options(&yaml, options)
            .map_err(|e| gen_err(format!("cannot parse {}: {e}", file.display())))?;
        let id = token(&path.id, "id", file)?;
        if file.file_stem().and_then(|s| s.to_str()) != Some(id) {
            return Err(gen_err(format!(
                "{}: the id `{id}` does not match the file name",
                file.display()
            )));
        }
        if CatalogCategory::from_source(&path.category).is_none() {
            return Err(gen_err(format!(
                "{}: unknown category `{}`",
                file.display(),
                path.category
            )));
        }
        if path.name.contains(['\t', '\n']) {
            return Err(gen_err(format!("{}: the name holds a tab", file.display())));
        }
        let services = path
            .services
            .iter()
            .map(|s| token(s, "service", file))
            .collect::<Result<Vec<_>, _>>()?
            .join(",");
        let parent = match &path.parent {
            Some(parent) => token(&parent.id, "parent id", file)?,
            None => "",
        };
        let mut out = format!(
            "P\t{id}\t{}\t{}\t{parent}\t{services}\n",
            path.category,
            path.name.trim()
        );
        if path.permissions.required.is_empty() {
            return Err(gen_err(format!(
                "{}: no required permission",
                file.display()
            )));
        }
        for permission in &path.permissions.required {
            let action = token(permission.permission.trim(), "permission", file)?;
            if !action.contains(':') {
                return Err(gen_err(format!(
                    "{}: `{action}` is not an action",
                    file.display()
                )));
            }
            let note = permission.resource_constraints.as_deref().unwrap_or("");
            out.push_str(&format!("R\t{action}\t{}\n", text(note)));
        }
        match &path.prerequisites {
            Some(PrerequisitesYaml::Split { admin, lateral }) => {
                for item in admin {
                    out.push_str(&format!("A\t{}\n", text(item)));
                }
                for item in lateral {
                    out.push_str(&format!("L\t{}\n", text(item)));
                }
            }
            Some(PrerequisitesYaml::List(items)) => {
                for item in items {
                    let sentence = match item {
                        PrerequisiteItemYaml::Text(t) => t,
                        PrerequisiteItemYaml::Object { condition } => condition,
                    };
                    out.push_str(&format!("Q\t{}\n", text(sentence)));
                }
            }
            None => {}
        }
        out.push_str(&format!("D\t{}\n", text(&path.description)));
        if let Some(recommendation) = &path.recommendation {
            out.push_str(&format!("M\t{}\n", text(recommendation)));
        }
        for reference in &path.references {
            let url = token(reference.url.trim(), "reference URL", file)?;
            out.push_str(&format!("F\t{}\t{url}\n", text(&reference.title)));
        }
        if records.insert(id.to_owned(), out).is_some() {
            return Err(gen_err(format!("the id `{id}` appears twice")));
        }
    }
    if records.is_empty() {
        return Err(gen_err(format!(
            "{}: no path files under data/paths",
            source_dir.display()
        )));
    }
    let body: String = records.values().map(String::as_str).collect();
    let fields = [
        ("source", "DataDog/pathfinding.cloud".to_owned()),
        ("version", commit.to_ascii_lowercase()),
        ("date", date_of(commit_date)?),
        ("licence", licence),
        ("counts", format!("paths={}", records.len())),
    ];
    let text = assemble(ESCALATION_MAGIC, ESCALATION_FORMAT_VERSION, &fields, &body);
    EscalationCatalog::parse(&text)
        .map_err(|e| gen_err(format!("the generated escalation asset does not load: {e}")))?;
    Ok(text)
}
