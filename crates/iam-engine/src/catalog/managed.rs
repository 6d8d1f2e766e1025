//! The AWS-managed policies asset: each policy's name, ARN, path, default version and document.
//!
//! # Format (version 1)
//!
//! Fields are separated by a tab (shown below as two spaces). The same header as the catalog (magic `iam-managed-policies`, `source`, `version`, `date`,
//! `licence`, `counts  policies=N`, `checksum`), a blank line, then one line per policy,
//! sorted case-insensitively by name:
//!
//! ```text
//! P  <name>  <arn>  <default version id>  <version created>  <policy last updated>  <document>
//! ```
//!
//! The document is the default version's JSON text on one line, with the whitespace outside
//! strings removed and the keys in AWS's order, so the editor can show it as AWS does.

use super::CatalogError;
use super::parse::{check_checksum, header_field, parse_header};
use super::text::{
    cmp_ignore_case, contains_ignore_case, split_with_offsets, starts_with_ignore_case,
};
use crate::editing::format::format_document;
use crate::span::Span;
use serde::Serialize;
use std::fmt;
use std::sync::OnceLock;

/// The first line of a managed-policy asset, before the format version.
pub const MANAGED_POLICIES_MAGIC: &str = "iam-managed-policies";
/// The managed-policy format version this engine reads.
pub const MANAGED_POLICIES_FORMAT_VERSION: u32 = 1;

/// What the managed-policy asset says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManagedPoliciesHeader {
    /// The format version.
    pub format_version: u32,
    /// The upstream data set.
    pub source: String,
    /// The upstream data set's version.
    pub source_version: String,
    /// The date of the upstream data (`YYYY-MM-DD`).
    pub data_date: String,
    /// The upstream data set's licence.
    pub licence: String,
    /// How many policies the body holds.
    pub policies: usize,
    /// The FNV-1a 64-bit checksum of the body.
    pub checksum: u64,
}

/// One AWS-managed policy, borrowed from the parsed asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ManagedPolicy<'a> {
    /// The policy name, such as `ReadOnlyAccess`.
    pub name: &'a str,
    /// The policy ARN, such as `arn:aws:iam::aws:policy/job-function/ViewOnlyAccess`.
    pub arn: &'a str,
    /// The IAM path, such as `/` or `/job-function/`.
    pub path: &'a str,
    /// The default version's id, such as `v188`.
    pub version_id: &'a str,
    /// When the default version was created (ISO 8601).
    pub version_created: &'a str,
    /// When the policy last changed (ISO 8601).
    pub updated: &'a str,
    /// The default version's policy document (JSON text).
    pub document: &'a str,
}

#[derive(Debug, Clone, Copy)]
struct Field {
    start: u32,
    len: u32,
}

#[derive(Debug, Clone, Copy)]
struct PolicyRec {
    fields: [Field; 7],
}

/// The AWS-managed policies, parsed from their asset.
pub struct ManagedPolicies {
    text: String,
    header: ManagedPoliciesHeader,
    policies: Vec<PolicyRec>,
    /// Each policy's document laid out for reading, made on first request (the asset keeps
    /// documents compact; a view shows the same one on every render).
    laid_out: Vec<OnceLock<String>>,
}

impl fmt::Debug for ManagedPolicies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagedPolicies")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

fn err(code: &'static str, message: impl Into<String>, start: usize, len: usize) -> CatalogError {
    CatalogError::new(code, message, Span::new(start, start + len))
}

fn field(start: usize, len: usize) -> Result<Field, CatalogError> {
    let too_large = || err("catalog-too-large", "the asset is too large", start, 0);
    Ok(Field {
        start: u32::try_from(start).map_err(|_| too_large())?,
        len: u32::try_from(len).map_err(|_| too_large())?,
    })
}

impl ManagedPolicies {
    /// Parses a managed-policy asset, checking its header, checksum, record syntax, order and
    /// count.
    pub fn parse(text: &str) -> Result<ManagedPolicies, CatalogError> {
        let (fields, body_start) = parse_header(
            text,
            MANAGED_POLICIES_MAGIC,
            MANAGED_POLICIES_FORMAT_VERSION,
        )?;
        let body = text.get(body_start..).unwrap_or("");
        let checksum = check_checksum(&fields, body.as_bytes())?;
        let value = |name: &str| header_field(&fields, name).map(|(_, v)| v.to_owned());
        let (counts_at, counts) = header_field(&fields, "counts")?;
        let stated: usize = counts
            .strip_prefix("policies=")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| {
                err(
                    "catalog-header",
                    "the counts line must be `policies=<number>`",
                    counts_at,
                    counts.len(),
                )
            })?;

        let mut policies: Vec<PolicyRec> = Vec::with_capacity(stated);
        let mut last_name: Option<&str> = None;
        let mut offset = body_start;
        for line in body.split('\n') {
            let line_at = offset;
            offset += line.len() + 1;
            if line.is_empty() {
                continue;
            }
            let parts: Vec<(usize, &str)> = split_with_offsets(line, line_at, '\t').collect();
            let [(_, "P"), name, arn, version, created, updated, document] = parts.as_slice()
            else {
                return Err(err(
                    "catalog-record",
                    "a policy line must be `P` and six tab-separated fields",
                    line_at,
                    line.len(),
                ));
            };
            if name.1.is_empty() || !arn.1.ends_with(name.1) {
                return Err(err(
                    "catalog-record",
                    format!("the ARN `{}` does not end with the name", arn.1),
                    arn.0,
                    arn.1.len(),
                ));
            }
            if let Some(last) = last_name
                && cmp_ignore_case(last, name.1) != std::cmp::Ordering::Less
            {
                return Err(err(
                    "catalog-order",
                    format!("policy `{}` is out of order or repeated", name.1),
                    name.0,
                    name.1.len(),
                ));
            }
            last_name = Some(name.1);
            let mut rec = [Field { start: 0, len: 0 }; 7];
            for (slot, (at, text)) in rec
                .iter_mut()
                .zip([name, arn, version, created, updated, document, arn])
            {
                *slot = field(*at, text.len())?;
            }
            // The path is the part of the ARN between `:policy` and the name.
            let path = arn
                .1
                .find(":policy/")
                .map(|i| {
                    (
                        arn.0 + i + ":policy".len(),
                        arn.1.len() - i - ":policy".len() - name.1.len(),
                    )
                })
                .ok_or_else(|| {
                    err(
                        "catalog-record",
                        "a managed policy ARN must contain `:policy/`",
                        arn.0,
                        arn.1.len(),
                    )
                })?;
            rec[6] = field(path.0, path.1)?;
            policies.push(PolicyRec { fields: rec });
        }
        if policies.len() != stated {
            return Err(err(
                "catalog-counts",
                format!(
                    "the header says {stated} policies but the body has {}",
                    policies.len()
                ),
                counts_at,
                counts.len(),
            ));
        }
        let header = ManagedPoliciesHeader {
            format_version: MANAGED_POLICIES_FORMAT_VERSION,
            source: value("source")?,
            source_version: value("version")?,
            data_date: value("date")?,
            licence: value("licence")?,
            policies: stated,
            checksum,
        };
        let laid_out = policies.iter().map(|_| OnceLock::new()).collect();
        Ok(ManagedPolicies {
            text: text.to_owned(),
            header,
            policies,
            laid_out,
        })
    }

    /// What the asset says about itself.
    pub fn header(&self) -> &ManagedPoliciesHeader {
        &self.header
    }

    /// The number of policies.
    pub fn len(&self) -> usize {
        self.policies.len()
    }

    /// Whether the asset holds no policy.
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    fn view(&self, rec: &PolicyRec) -> ManagedPolicy<'_> {
        let s = |f: Field| {
            let start = f.start as usize;
            self.text.get(start..start + f.len as usize).unwrap_or("")
        };
        let [
            name,
            arn,
            version_id,
            version_created,
            updated,
            document,
            path,
        ] = rec.fields;
        ManagedPolicy {
            name: s(name),
            arn: s(arn),
            path: s(path),
            version_id: s(version_id),
            version_created: s(version_created),
            updated: s(updated),
            document: s(document),
        }
    }

    /// Every policy, sorted case-insensitively by name.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = ManagedPolicy<'_>> {
        self.policies.iter().map(|rec| self.view(rec))
    }

    /// The policy with this name (case-insensitive, as IAM names are) or this exact ARN.
    pub fn get(&self, name_or_arn: &str) -> Option<ManagedPolicy<'_>> {
        self.index_of(name_or_arn)
            .and_then(|i| self.policies.get(i))
            .map(|rec| self.view(rec))
    }

    /// The position of the policy [`ManagedPolicies::get`] finds.
    fn index_of(&self, name_or_arn: &str) -> Option<usize> {
        let key = name_or_arn.trim();
        if key.starts_with("arn:") {
            let name = key.rsplit('/').next().unwrap_or("");
            let index = self.index_of(name)?;
            let rec = self.policies.get(index)?;
            return (self.view(rec).arn == key).then_some(index);
        }
        self.policies
            .binary_search_by(|rec| cmp_ignore_case(self.view(rec).name, key))
            .ok()
    }

    /// The document of the policy [`ManagedPolicies::get`] finds, laid out for reading
    /// ([`format_document`]), made once per policy. The evaluation reads the compact
    /// [`ManagedPolicy::document`]; [`crate::editing::format::carry_spans`] moves its spans here.
    pub fn laid_out_document(&self, name_or_arn: &str) -> Option<&str> {
        let index = self.index_of(name_or_arn)?;
        let compact = self.view(self.policies.get(index)?).document;
        let cell = self.laid_out.get(index)?;
        Some(cell.get_or_init(|| format_document(compact).unwrap_or_else(|_| compact.to_owned())))
    }

    /// Autocomplete over policy names, best first, at most `limit`: the exact name, then
    /// names starting with the query, then names containing it, each tier by name.
    pub fn search(&self, query: &str, limit: usize) -> Vec<ManagedPolicy<'_>> {
        let q = query.trim();
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut hits: Vec<(u8, ManagedPolicy<'_>)> = self
            .iter()
            .filter_map(|p| {
                let tier = if p.name.eq_ignore_ascii_case(q) {
                    0
                } else if starts_with_ignore_case(p.name, q) {
                    1
                } else if contains_ignore_case(p.name, q) {
                    2
                } else {
                    return None;
                };
                Some((tier, p))
            })
            .collect();
        hits.sort_by_key(|&(tier, _)| tier);
        hits.into_iter().take(limit).map(|(_, p)| p).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::fnv1a64;

    fn asset(body: &str, count: usize) -> String {
        format!(
            "iam-managed-policies\t1\nsource\tt\nversion\t1\ndate\t2026-01-01\nlicence\tMIT\ncounts\tpolicies={count}\nchecksum\tfnv1a64:{:016x}\n\n{body}",
            fnv1a64(body.as_bytes())
        )
    }

    const BODY: &str = "P\tAdministratorAccess\tarn:aws:iam::aws:policy/AdministratorAccess\tv1\t2015-02-06T18:39:46.000Z\t2015-02-06T18:39:46.000Z\t{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}\nP\tViewOnlyAccess\tarn:aws:iam::aws:policy/job-function/ViewOnlyAccess\tv2\t2020-01-01T00:00:00Z\t2020-01-01T00:00:00Z\t{}\n";

    #[test]
    fn parses_and_looks_up() {
        let policies = ManagedPolicies::parse(&asset(BODY, 2)).expect("parses");
        assert_eq!(policies.len(), 2);
        let admin = policies.get("administratoraccess").expect("by name");
        assert_eq!(admin.path, "/");
        assert!(admin.document.contains("\"Action\":\"*\""));
        let view = policies
            .get("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")
            .expect("by ARN");
        assert_eq!(view.path, "/job-function/");
        assert_eq!(view.version_id, "v2");
        assert_eq!(policies.get("arn:aws:iam::aws:policy/ViewOnlyAccess"), None);
        assert_eq!(policies.get("Nope"), None);
    }

    #[test]
    fn search_ranks_prefix_before_substring() {
        let policies = ManagedPolicies::parse(&asset(BODY, 2)).expect("parses");
        let names: Vec<_> = policies
            .search("access", 10)
            .iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, vec!["AdministratorAccess", "ViewOnlyAccess"]);
        let names: Vec<_> = policies.search("view", 10).iter().map(|p| p.name).collect();
        assert_eq!(names, vec!["ViewOnlyAccess"]);
    }

    #[test]
    fn rejects_bad_assets() {
        let text = asset(BODY, 2).replace("\tv1\t", "\tv9\t");
        assert_eq!(
            ManagedPolicies::parse(&text).map(|_| ()).unwrap_err().code,
            "catalog-checksum"
        );
        assert_eq!(
            ManagedPolicies::parse(&asset(BODY, 3))
                .map(|_| ())
                .unwrap_err()
                .code,
            "catalog-counts"
        );
        assert_eq!(
            ManagedPolicies::parse(&asset("P\tx\n", 1))
                .map(|_| ())
                .unwrap_err()
                .code,
            "catalog-record"
        );
        let swapped = BODY.lines().rev().collect::<Vec<_>>().join("\n");
        assert_eq!(
            ManagedPolicies::parse(&asset(&swapped, 2))
                .map(|_| ())
                .unwrap_err()
                .code,
            "catalog-order"
        );
    }
}
