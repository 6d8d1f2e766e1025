//! The request context: the condition keys of one request and their values.
//!
//! The shape mirrors the `ContextEntries` parameter of AWS's `SimulateCustomPolicy` and
//! `SimulatePrincipalPolicy` APIs: each [`ContextEntry`] has a `ContextKeyName`, a list of
//! `ContextKeyValues` (always strings, as in the API) and a `ContextKeyType`.
//!
//! # Key names are case-insensitive, tag keys included
//!
//! The IAM User Guide (`reference_policies_elements_condition.html`) says "Context key names
//! are not case-sensitive. For example, including the `aws:SourceIP` context key is equivalent
//! to testing for `AWS:SourceIp`." The same page covers keys with a key-name part such as
//! `aws:ResourceTag/tag-key`: the key name is case-insensitive, so a condition on
//! `"aws:ResourceTag/TagKey1"` matches a resource tag key named `TagKey1` or `tagkey1`. The
//! whole key, tag-key part included, is therefore looked up case-insensitively here, for
//! `aws:PrincipalTag/…`, `aws:ResourceTag/…` and `aws:RequestTag/…` alike. Tag *values* keep
//! their case: whether they compare case-sensitively depends on the condition operator.
//!
//! Case folding is per character (ASCII fast path, simple Unicode lowercase otherwise), so a
//! lookup never allocates. Inserting a key that differs from an existing one only in case
//! replaces it (IAM itself refuses two tags whose keys differ only in case).
//!
//! # Absent key versus empty list
//!
//! [`RequestContext::lookup`] tells an absent key ([`Lookup::Absent`]) from a key present with
//! no values ([`Lookup::Empty`]). AWS treats both alike for `ForAllValues:` (true) and
//! `ForAnyValue:` (false) and for the `Null` operator (both are "null"), but the difference is
//! kept so explanations can say which one the request had.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

/// The type of a context key's values, with exactly AWS's `ContextKeyType` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum ContextKeyType {
    /// `string`.
    #[serde(rename = "string")]
    String,
    /// `stringList`.
    #[serde(rename = "stringList")]
    StringList,
    /// `numeric`.
    #[serde(rename = "numeric")]
    Numeric,
    /// `numericList`.
    #[serde(rename = "numericList")]
    NumericList,
    /// `boolean`.
    #[serde(rename = "boolean")]
    Boolean,
    /// `booleanList`.
    #[serde(rename = "booleanList")]
    BooleanList,
    /// `ip`.
    #[serde(rename = "ip")]
    Ip,
    /// `ipList`.
    #[serde(rename = "ipList")]
    IpList,
    /// `binary` (values are base64 text, as in the API).
    #[serde(rename = "binary")]
    Binary,
    /// `binaryList`.
    #[serde(rename = "binaryList")]
    BinaryList,
    /// `date` (ISO 8601 or epoch seconds).
    #[serde(rename = "date")]
    Date,
    /// `dateList`.
    #[serde(rename = "dateList")]
    DateList,
}

impl ContextKeyType {
    /// Every type, in AWS's documented order.
    pub const ALL: [ContextKeyType; 12] = [
        ContextKeyType::String,
        ContextKeyType::StringList,
        ContextKeyType::Numeric,
        ContextKeyType::NumericList,
        ContextKeyType::Boolean,
        ContextKeyType::BooleanList,
        ContextKeyType::Ip,
        ContextKeyType::IpList,
        ContextKeyType::Binary,
        ContextKeyType::BinaryList,
        ContextKeyType::Date,
        ContextKeyType::DateList,
    ];

    /// Whether the key may hold several values (the `…List` types).
    pub fn is_list(self) -> bool {
        matches!(
            self,
            ContextKeyType::StringList
                | ContextKeyType::NumericList
                | ContextKeyType::BooleanList
                | ContextKeyType::IpList
                | ContextKeyType::BinaryList
                | ContextKeyType::DateList
        )
    }

    /// AWS's name for the type, e.g. `stringList`.
    pub fn as_str(self) -> &'static str {
        match self {
            ContextKeyType::String => "string",
            ContextKeyType::StringList => "stringList",
            ContextKeyType::Numeric => "numeric",
            ContextKeyType::NumericList => "numericList",
            ContextKeyType::Boolean => "boolean",
            ContextKeyType::BooleanList => "booleanList",
            ContextKeyType::Ip => "ip",
            ContextKeyType::IpList => "ipList",
            ContextKeyType::Binary => "binary",
            ContextKeyType::BinaryList => "binaryList",
            ContextKeyType::Date => "date",
            ContextKeyType::DateList => "dateList",
        }
    }

    /// Reads AWS's name for a type (exact spelling, as the API requires).
    pub fn parse(name: &str) -> Option<ContextKeyType> {
        ContextKeyType::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// One condition key of a request and its values (AWS `ContextEntry`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ContextEntry {
    /// The key's name as given, e.g. `aws:PrincipalTag/team`.
    #[serde(rename = "ContextKeyName")]
    pub key: String,
    /// The values, as text.
    #[serde(rename = "ContextKeyValues")]
    pub values: Vec<String>,
    /// The values' type.
    #[serde(rename = "ContextKeyType")]
    pub ty: ContextKeyType,
}

impl ContextEntry {
    /// An entry from a name, a type and values.
    pub fn new<I, S>(key: impl Into<String>, ty: ContextKeyType, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ContextEntry {
            key: key.into(),
            values: values.into_iter().map(Into::into).collect(),
            ty,
        }
    }
}

/// What a lookup found for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// The request has no such key.
    Absent,
    /// The key is present with an empty list of values.
    Empty(&'a ContextEntry),
    /// The key is present with at least one value.
    Values(&'a ContextEntry),
}

impl<'a> Lookup<'a> {
    /// The values found (empty when absent).
    pub fn values(&self) -> &'a [String] {
        match self {
            Lookup::Absent => &[],
            Lookup::Empty(e) | Lookup::Values(e) => e.values.as_slice(),
        }
    }

    /// Whether the key is absent or has no values, which is what AWS's `Null` operator
    /// calls "null" and what makes `ForAllValues:` true and `ForAnyValue:` false.
    pub fn is_null(&self) -> bool {
        !matches!(self, Lookup::Values(_))
    }
}

/// The condition keys of one request, looked up case-insensitively.
///
/// Serialized as a list of [`ContextEntry`], like AWS's `ContextEntries`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<ContextEntry>", into = "Vec<ContextEntry>")]
pub struct RequestContext {
    /// Sorted by case-folded key so lookups are binary searches without allocation.
    entries: Vec<ContextEntry>,
    /// The case-folded key of each entry (same order), so a lookup with a key folded
    /// beforehand ([`fold_key`], [`RequestContext::lookup_folded`]) is a plain byte search.
    folded: Vec<String>,
}

impl RequestContext {
    /// An empty context.
    pub fn new() -> Self {
        RequestContext::default()
    }

    /// Adds an entry, replacing (and returning) any entry whose key differs only in case.
    pub fn insert(&mut self, entry: ContextEntry) -> Option<ContextEntry> {
        let folded = fold_key(&entry.key);
        match self.folded.binary_search(&folded) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|slot| std::mem::replace(slot, entry)),
            Err(i) => {
                self.entries.insert(i, entry);
                self.folded.insert(i, folded);
                None
            }
        }
    }

    /// Adds a key with a type and values; a shorthand for [`RequestContext::insert`].
    pub fn set<I, S>(&mut self, key: impl Into<String>, ty: ContextKeyType, values: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.insert(ContextEntry::new(key, ty, values));
    }

    /// Removes a key, returning its entry.
    pub fn remove(&mut self, key: &str) -> Option<ContextEntry> {
        let i = self.search(key).ok()?;
        self.folded.remove(i);
        Some(self.entries.remove(i))
    }

    /// The entry for a key (case-insensitive), present even when its list is empty.
    pub fn get(&self, key: &str) -> Option<&ContextEntry> {
        let i = self.search(key).ok()?;
        self.entries.get(i)
    }

    /// Whether the key is absent, present but empty, or present with values.
    pub fn lookup(&self, key: &str) -> Lookup<'_> {
        match self.get(key) {
            None => Lookup::Absent,
            Some(e) if e.values.is_empty() => Lookup::Empty(e),
            Some(e) => Lookup::Values(e),
        }
    }

    /// The entries, ordered by case-folded key.
    pub fn iter(&self) -> std::slice::Iter<'_, ContextEntry> {
        self.entries.iter()
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the context has no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Like [`RequestContext::lookup`] with a key already passed through [`fold_key`]:
    /// the fast path for keys compiled once and looked up many times.
    pub fn lookup_folded(&self, folded_key: &str) -> Lookup<'_> {
        let found = self
            .folded
            .binary_search_by(|k| k.as_str().cmp(folded_key))
            .ok()
            .and_then(|i| self.entries.get(i));
        match found {
            None => Lookup::Absent,
            Some(e) if e.values.is_empty() => Lookup::Empty(e),
            Some(e) => Lookup::Values(e),
        }
    }

    fn search(&self, key: &str) -> Result<usize, usize> {
        self.folded.binary_search_by(|k| cmp_folded_with(k, key))
    }
}

impl From<Vec<ContextEntry>> for RequestContext {
    fn from(entries: Vec<ContextEntry>) -> Self {
        let mut ctx = RequestContext::new();
        for e in entries {
            ctx.insert(e);
        }
        ctx
    }
}

impl From<RequestContext> for Vec<ContextEntry> {
    fn from(ctx: RequestContext) -> Self {
        ctx.entries
    }
}

impl FromIterator<ContextEntry> for RequestContext {
    fn from_iter<T: IntoIterator<Item = ContextEntry>>(iter: T) -> Self {
        let mut ctx = RequestContext::new();
        for e in iter {
            ctx.insert(e);
        }
        ctx
    }
}

impl<'a> IntoIterator for &'a RequestContext {
    type Item = &'a ContextEntry;
    type IntoIter = std::slice::Iter<'a, ContextEntry>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

/// Folds a key for [`RequestContext::lookup_folded`], character by character as every
/// lookup does (ASCII lowercase, or the simple Unicode lowercase when it is one character).
pub fn fold_key(key: &str) -> String {
    if key.is_ascii() {
        key.to_ascii_lowercase()
    } else {
        key.chars().map(fold_char).collect()
    }
}

/// Compares an already folded key with a key folded on the fly, without allocating.
fn cmp_folded_with(folded: &str, key: &str) -> Ordering {
    if key.is_ascii() {
        let (a, b) = (folded.as_bytes(), key.as_bytes());
        for (x, y) in a.iter().zip(b.iter()) {
            match x.cmp(&y.to_ascii_lowercase()) {
                Ordering::Equal => {}
                other => return other,
            }
        }
        return a.len().cmp(&b.len());
    }
    folded.chars().cmp(key.chars().map(fold_char))
}

/// Folds one character for case-insensitive comparison: ASCII lowercase, or the simple
/// Unicode lowercase when it is a single character (so lengths in characters are preserved).
pub(crate) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Compares two strings by case-folded characters, without allocating.
pub(crate) fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        for (x, y) in a.iter().zip(b.iter()) {
            match x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase()) {
                Ordering::Equal => {}
                other => return other,
            }
        }
        return a.len().cmp(&b.len());
    }
    a.chars().map(fold_char).cmp(b.chars().map(fold_char))
}

/// Whether two strings are equal when case-folded per character.
pub(crate) fn eq_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    cmp_ignore_case(a, b) == Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> RequestContext {
        let mut c = RequestContext::new();
        c.set("aws:SourceIp", ContextKeyType::Ip, ["10.1.2.3"]);
        c.set("aws:PrincipalTag/Team", ContextKeyType::String, ["blue"]);
        c.set(
            "aws:TagKeys",
            ContextKeyType::StringList,
            Vec::<String>::new(),
        );
        c
    }

    #[test]
    fn key_types_serialize_with_aws_names() {
        for t in ContextKeyType::ALL {
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
            assert_eq!(ContextKeyType::parse(t.as_str()), Some(t));
        }
        assert_eq!(ContextKeyType::parse("String"), None);
    }

    #[test]
    fn list_types_are_the_list_names() {
        for t in ContextKeyType::ALL {
            assert_eq!(t.is_list(), t.as_str().ends_with("List"), "{t:?}");
        }
    }

    #[test]
    fn key_names_are_case_insensitive() {
        let c = ctx();
        assert_eq!(c.get("AWS:SOURCEIP").unwrap().values, ["10.1.2.3"]);
        assert_eq!(c.get("aws:sourceip").unwrap().key, "aws:SourceIp");
        assert!(c.get("aws:SourceVpc").is_none());
    }

    #[test]
    fn tag_key_part_is_case_insensitive_but_values_keep_case() {
        // IAM User Guide, Condition element: "aws:ResourceTag/TagKey1" matches TagKey1 or tagkey1.
        let c = ctx();
        assert_eq!(c.get("aws:PrincipalTag/team").unwrap().values, ["blue"]);
        assert_eq!(c.get("AWS:PRINCIPALTAG/TEAM").unwrap().values, ["blue"]);
        assert!(c.get("aws:PrincipalTag/teams").is_none());
    }

    #[test]
    fn absent_and_empty_are_distinguished() {
        let c = ctx();
        assert_eq!(c.lookup("aws:Nope"), Lookup::Absent);
        assert!(matches!(c.lookup("aws:tagkeys"), Lookup::Empty(_)));
        assert!(matches!(c.lookup("aws:SourceIp"), Lookup::Values(_)));
        assert!(c.lookup("aws:tagkeys").is_null());
        assert!(c.lookup("aws:Nope").is_null());
        assert!(!c.lookup("aws:SourceIp").is_null());
    }

    #[test]
    fn insert_replaces_key_differing_only_in_case() {
        let mut c = ctx();
        let old = c.insert(ContextEntry::new(
            "AWS:SourceIP",
            ContextKeyType::Ip,
            ["192.0.2.1"],
        ));
        assert_eq!(old.unwrap().values, ["10.1.2.3"]);
        assert_eq!(c.len(), 3);
        assert_eq!(c.get("aws:sourceip").unwrap().values, ["192.0.2.1"]);
    }

    #[test]
    fn serializes_like_aws_context_entries() {
        let mut c = RequestContext::new();
        c.set("aws:username", ContextKeyType::String, ["bob"]);
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(
            json,
            r#"[{"ContextKeyName":"aws:username","ContextKeyValues":["bob"],"ContextKeyType":"string"}]"#
        );
        let back: RequestContext = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn deserialized_duplicates_keep_the_last() {
        let json = r#"[{"ContextKeyName":"k","ContextKeyValues":["1"],"ContextKeyType":"string"},
                       {"ContextKeyName":"K","ContextKeyValues":["2"],"ContextKeyType":"string"}]"#;
        let c: RequestContext = serde_json::from_str(json).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(c.get("k").unwrap().values, ["2"]);
    }

    #[test]
    fn non_ascii_keys_fold() {
        let mut c = RequestContext::new();
        c.set("aws:PrincipalTag/Équipe", ContextKeyType::String, ["x"]);
        assert!(c.get("aws:principaltag/équipe").is_some());
        assert!(eq_ignore_case("ÉQUIPE", "équipe"));
        assert!(!eq_ignore_case("equipe", "équipe"));
    }

    #[test]
    fn folded_lookup_agrees_with_lookup() {
        let c = ctx();
        for k in [
            "AWS:SourceIP",
            "aws:principaltag/TEAM",
            "aws:TagKeys",
            "nope",
        ] {
            assert_eq!(c.lookup_folded(&fold_key(k)), c.lookup(k), "{k}");
        }
        assert_eq!(
            fold_key("AWS:PrincipalTag/Équipe"),
            "aws:principaltag/équipe"
        );
    }

    #[test]
    fn remove_and_iterate() {
        let mut c = ctx();
        assert!(c.remove("AWS:TAGKEYS").is_some());
        assert!(c.remove("AWS:TAGKEYS").is_none());
        let keys: Vec<&str> = c.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["aws:PrincipalTag/Team", "aws:SourceIp"]);
    }
}
