//! The compile cache: compiled policies remembered by (type, text), owned by the caller.
//!
//! The access matrix prepares every principal's policies, and principals share most of them
//! (an AWS-managed policy of 100 KB takes milliseconds to parse and compile); the saved tests
//! and the simulator prepare the same texts again on every keystroke. The cache is a value the
//! caller creates and keeps (the app in a ref for the page's lifetime, the CLI for one run, a
//! worker for its own), never hidden global state, so two callers never share or clear each
//! other's entries and a test sees exactly the cache it made.

use std::cell::RefCell;
use std::collections::HashMap;

use rustc_hash::FxHashMap;

use super::request::{ReferencedKey, keys_of_document, may_reference_keys};
use crate::eval::CompiledPolicy;
use crate::policy::{PolicyType, parse_policy_document};

/// How many compiled policies a [`CompileCache`] keeps, and how many bytes of policy text
/// (a scenario's texts plus the AWS-managed policies it attaches fit many times over; typing
/// adds a text per keystroke, so the cache starts afresh when it is full).
pub const COMPILED_CACHE_LIMIT: usize = 256;
/// See [`COMPILED_CACHE_LIMIT`].
pub const COMPILED_CACHE_BYTES: usize = 8 << 20;
/// The bytes of policy text a [`CompileCache::for_analysis`] keeps: a scenario's largest size
/// ([`crate::scenario::MAX_SCENARIO_BYTES`]), so every text of any scenario stays compiled for
/// the whole analysis. Each entry counts [`ANALYSIS_ENTRY_BYTES`] on top of its text, which
/// bounds the number of entries too.
pub const ANALYSIS_CACHE_BYTES: usize = crate::scenario::MAX_SCENARIO_BYTES;
/// See [`ANALYSIS_CACHE_BYTES`].
pub const ANALYSIS_ENTRY_BYTES: usize = 64;

/// Compiled policies by (type, text), with the bytes of text they hold.
#[derive(Debug, Default)]
struct Entries {
    /// By type, then by text (looked up with the borrowed text: a hit copies nothing but the
    /// compiled policy). The texts are hashed with Fx, not SipHash: every lookup hashes the
    /// whole text (an AWS-managed policy is up to 100 KB, looked up once per principal that
    /// attaches it), and a map of at most [`COMPILED_CACHE_LIMIT`] entries has nothing to fear
    /// from colliding keys.
    by_text: HashMap<PolicyType, FxHashMap<String, Entry>>,
    entries: usize,
    bytes: usize,
}

/// A remembered text: its compiled policy and, once asked for, the keys it reads.
#[derive(Debug)]
struct Entry {
    compiled: CompiledPolicy,
    keys: Option<Vec<ReferencedKey>>,
}

/// Compiled policies remembered by text and type, bounded by [`COMPILED_CACHE_LIMIT`] entries
/// and [`COMPILED_CACHE_BYTES`] bytes of text. Shared by reference: compiling through it
/// needs only `&self` (the entries sit in a `RefCell`), so one cache serves every use case of
/// a [`super::Workbench`].
#[derive(Debug)]
pub struct CompileCache {
    inner: RefCell<Entries>,
    /// At most this many entries ...
    max_entries: usize,
    /// ... and this many bytes (texts, and `entry_bytes` per entry).
    max_bytes: usize,
    entry_bytes: usize,
}

impl Default for CompileCache {
    fn default() -> CompileCache {
        CompileCache {
            inner: RefCell::default(),
            max_entries: COMPILED_CACHE_LIMIT,
            max_bytes: COMPILED_CACHE_BYTES,
            entry_bytes: 0,
        }
    }
}

impl CompileCache {
    /// An empty cache, for the page's editors and simulator: bounded by
    /// [`COMPILED_CACHE_LIMIT`] entries and [`COMPILED_CACHE_BYTES`] bytes of text.
    pub fn new() -> CompileCache {
        CompileCache::default()
    }

    /// An empty cache for one analysis over a whole account (who-can, the matrix, what-can,
    /// the change review, the escalation paths), made for it and dropped with it: it keeps
    /// every text of the scenario compiled ([`ANALYSIS_CACHE_BYTES`]). The page's cache
    /// starts afresh at [`COMPILED_CACHE_LIMIT`] entries, so an analysis that prepares each of
    /// thousands of principals in turn, over thousands of policies, would compile nearly every
    /// policy again for each principal that attaches it.
    pub fn for_analysis() -> CompileCache {
        CompileCache {
            inner: RefCell::default(),
            max_entries: usize::MAX,
            max_bytes: ANALYSIS_CACHE_BYTES,
            entry_bytes: ANALYSIS_ENTRY_BYTES,
        }
    }

    /// [`CompiledPolicy::from_text`] without its diagnostics, remembered by text and type: the
    /// result depends on nothing else (the id is set on the copy), so a remembered one is
    /// exactly a fresh one.
    pub fn compile(&self, id: String, text: &str, t: PolicyType) -> CompiledPolicy {
        let hit = self.inner.try_borrow().ok().and_then(|c| {
            c.by_text
                .get(&t)
                .and_then(|m| m.get(text))
                .map(|e| e.compiled.clone())
        });
        if let Some(mut hit) = hit {
            hit.source.id = id;
            return hit;
        }
        let compiled = CompiledPolicy::compile(id, &parse_policy_document(text, t));
        self.remember(text, t, Some(compiled.clone()), None);
        compiled
    }

    /// [`super::request::referenced_keys`] of a text, remembered with its compilation: a text
    /// is parsed once for both (the simulator lists the keys of the policies it then
    /// evaluates).
    pub fn referenced_keys(&self, text: &str, t: PolicyType) -> Vec<ReferencedKey> {
        if !may_reference_keys(text) {
            return Vec::new();
        }
        // Whether the text is compiled already, and its keys when they are known.
        let hit = self.inner.try_borrow().ok().and_then(|c| {
            c.by_text
                .get(&t)
                .and_then(|m| m.get(text))
                .map(|e| e.keys.clone())
        });
        if let Some(Some(keys)) = hit {
            return keys;
        }
        let document = parse_policy_document(text, t);
        let keys = keys_of_document(&document);
        // A text compiled earlier keeps its compilation: only its keys are added.
        let compiled = hit
            .is_none()
            .then(|| CompiledPolicy::compile(String::new(), &document));
        self.remember(text, t, compiled, Some(keys.clone()));
        keys
    }

    /// Keeps a text's compilation (and its keys), within the cache's bounds; for a text it
    /// holds already, `compiled` may be `None` (its keys are added).
    fn remember(
        &self,
        text: &str,
        t: PolicyType,
        compiled: Option<CompiledPolicy>,
        keys: Option<Vec<ReferencedKey>>,
    ) {
        let bytes = text.len() + self.entry_bytes;
        if bytes > self.max_bytes / 8 {
            return;
        }
        let Ok(mut cache) = self.inner.try_borrow_mut() else {
            return;
        };
        if let Some(entry) = cache.by_text.get_mut(&t).and_then(|m| m.get_mut(text)) {
            if let Some(compiled) = compiled {
                entry.compiled = compiled;
            }
            entry.keys = keys.or(entry.keys.take());
            return;
        }
        // Not held (the cache started afresh meanwhile): kept only with its compilation.
        let Some(compiled) = compiled else {
            return;
        };
        if cache.entries >= self.max_entries || cache.bytes + bytes > self.max_bytes {
            *cache = Entries::default();
        }
        cache.entries += 1;
        cache.bytes += bytes;
        cache
            .by_text
            .entry(t)
            .or_default()
            .insert(text.to_string(), Entry { compiled, keys });
    }

    /// How many compiled policies the cache holds.
    pub fn len(&self) -> usize {
        self.inner.try_borrow().map_or(0, |c| c.entries)
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn a_remembered_compile_is_a_fresh_one_with_its_own_id() {
        let cache = CompileCache::new();
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:Get*","Resource":"*"},{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
        let first = cache.compile("one".into(), text, PolicyType::Identity);
        let second = cache.compile("two".into(), text, PolicyType::Identity);
        let fresh = CompiledPolicy::from_text("two", text, PolicyType::Identity).0;
        assert_eq!(first.source.id, "one");
        assert_eq!(second.source.id, "two");
        assert_eq!(format!("{second:?}"), format!("{fresh:?}"));
        assert_eq!(cache.len(), 1);
        // The type is part of the key: the same text as a boundary is its own entry.
        let boundary = cache.compile("b".into(), text, PolicyType::PermissionsBoundary);
        assert_eq!(boundary.source.policy_type, PolicyType::PermissionsBoundary);
        assert_eq!(cache.len(), 2);
        // Past the limits the cache starts afresh and keeps answering correctly.
        for i in 0..(COMPILED_CACHE_LIMIT + 10) {
            let t = text.replace("s3:Get*", &format!("s3:Get{i}"));
            let c = cache.compile(format!("p{i}"), &t, PolicyType::Identity);
            assert_eq!(c.source.id, format!("p{i}"));
        }
        {
            let entries = cache.inner.borrow();
            let held: usize = entries.by_text.values().map(|m| m.len()).sum();
            assert_eq!(held, entries.entries);
            assert!(entries.entries <= COMPILED_CACHE_LIMIT);
        }
        let again = cache.compile("two".into(), text, PolicyType::Identity);
        assert_eq!(format!("{again:?}"), format!("{fresh:?}"));
    }

    /// The page's cache starts afresh past [`COMPILED_CACHE_LIMIT`] entries; an analysis's
    /// keeps every text of an account.
    #[test]
    fn an_analysis_cache_keeps_a_whole_account() {
        let text = |i: usize| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:Get{i}","Resource":"*"}}]}}"#
            )
        };
        let n = COMPILED_CACHE_LIMIT * 4;
        let analysis = CompileCache::for_analysis();
        let page = CompileCache::new();
        for i in 0..n {
            analysis.compile(format!("p{i}"), &text(i), PolicyType::Identity);
            page.compile(format!("p{i}"), &text(i), PolicyType::Identity);
        }
        assert_eq!(analysis.len(), n);
        assert!(page.len() <= COMPILED_CACHE_LIMIT);
        // A remembered compile is still a fresh one.
        let again = analysis.compile("x".into(), &text(7), PolicyType::Identity);
        let fresh = CompiledPolicy::from_text("x", &text(7), PolicyType::Identity).0;
        assert_eq!(format!("{again:?}"), format!("{fresh:?}"));
    }

    #[test]
    fn the_keys_a_text_reads_come_with_its_compilation() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#;
        let cache = CompileCache::new();
        let keys = cache.referenced_keys(text, PolicyType::Identity);
        assert_eq!(
            keys,
            super::super::request::referenced_keys(text, PolicyType::Identity)
        );
        assert_eq!(
            keys.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["aws:MultiFactorAuthPresent", "aws:username"]
        );
        // The text was compiled with the same parse: the compile that follows is remembered.
        assert_eq!(cache.len(), 1);
        let compiled = cache.compile("p".into(), text, PolicyType::Identity);
        let fresh = CompiledPolicy::from_text("p", text, PolicyType::Identity).0;
        assert_eq!(format!("{compiled:?}"), format!("{fresh:?}"));
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.referenced_keys(text, PolicyType::Identity), keys);
        // A text compiled first gets its keys when asked, in the same entry.
        let other = CompileCache::new();
        other.compile("p".into(), text, PolicyType::Identity);
        assert_eq!(other.referenced_keys(text, PolicyType::Identity), keys);
        assert_eq!(other.len(), 1);
    }

    #[test]
    fn a_text_that_reads_no_key_is_not_parsed_for_its_keys() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let cache = CompileCache::new();
        assert!(cache.referenced_keys(text, PolicyType::Identity).is_empty());
        assert!(cache.is_empty());
    }

    #[test]
    fn two_caches_do_not_share_entries() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let a = CompileCache::new();
        let b = CompileCache::new();
        a.compile("x".into(), text, PolicyType::Identity);
        assert_eq!(a.len(), 1);
        assert!(b.is_empty());
    }

    #[test]
    fn a_text_larger_than_an_eighth_of_the_budget_is_compiled_but_not_kept() {
        let cache = CompileCache::new();
        let big = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}","Effect":"Allow","Action":"s3:*","Resource":"*"}}]}}"#,
            "A".repeat(COMPILED_CACHE_BYTES / 8)
        );
        let c = cache.compile("big".into(), &big, PolicyType::Identity);
        assert_eq!(c.source.id, "big");
        assert!(cache.is_empty());
    }
}
