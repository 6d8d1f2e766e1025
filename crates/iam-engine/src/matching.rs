//! Wildcard matching for actions, resources and string conditions, and ARN handling.
//!
//! # Patterns
//!
//! A [`Pattern`] is compiled once and matched many times. It keeps the pieces that came from
//! the policy text (where `*` is any run of characters, possibly empty, and `?` exactly one
//! character) apart from pieces that must match literally: a policy variable's value is
//! substituted as a literal, so `${aws:username}` resolving to `a*b` matches only the text
//! `a*b` (IAM User Guide, `reference_policies_variables.html`; built by
//! [`crate::variables`]).
//!
//! Matching works on Unicode scalar values (`?` is one character, not one byte), never
//! allocates, and runs in O(text × pattern) time at worst: the pattern is cut at its `*`s into
//! segments, the first anchored at the start, the last at the end, and each middle segment
//! placed at its leftmost occurrence. Leftmost placement is always safe for the segments
//! between two stars, so no backtracking beyond that scan is needed and inputs such as
//! `a*a*a*a*…b` cannot blow up. Patterns without wildcards, `*` alone and `prefix*` take
//! fast paths.
//!
//! Case-insensitive matching folds each character (ASCII lowercase, or the simple Unicode
//! lowercase when it is one character), so it never changes how many characters a `?` spans.
//!
//! # Where each kind of matching is used
//!
//! - Actions ([`action_matches`]): case-insensitive whole-string glob. IAM User Guide,
//!   `reference_policies_elements_action.html`: "The prefix and the action name are case
//!   insensitive", and wildcards `*` and `?` may appear anywhere.
//! - Resources ([`resource_matches`]): case-sensitive whole-string glob in which `*` may span
//!   colons. `reference_policies_elements_resource.html` says wildcards are used "within the
//!   individual segments of an ARN" but also that "if the `*` wildcard is the last character of
//!   a resource ARN segment, it can expand to match beyond the colon boundaries", and AWS's
//!   policy simulator lets `*` span segments (`arn:aws:s3:::my-bucket/foo/*/bar` matches
//!   `…/foo/1/2/bar`, awsdocs/iam-user-guide issue 175). `*` alone matches every resource, including the
//!   `*` that stands for "no specific resource". Whether an action can be matched by a
//!   specific ARN at all (actions whose only resource is `*`) is the evaluator's rule, not
//!   this module's.
//! - `StringLike`/`StringNotLike`: case-sensitive whole-string glob, [`Pattern::matches`]
//!   with `case_insensitive = false`.
//! - `ArnLike`/`ArnEquals` (and their negations): [`ArnPattern`], per component.
//!   `reference_policies_elements_condition_operators.html`: "Each of the six colon-delimited
//!   components of the ARN is checked separately and each can include multi-character match
//!   wildcards (`*`) or single-character match wildcards (`?`)". The first five colons cut
//!   the pattern and the value into six components; the sixth (the resource) keeps any
//!   further colons. So `*` never spans a colon in the first five components, unlike in
//!   `StringLike`. A value with fewer than six components is not an ARN: the comparison
//!   cannot be made and is reported ([`ArnError`]), never silently matched.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::context::fold_char;

/// One element of a pattern after normalisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Token {
    /// Text that must match exactly (up to case folding when asked).
    Lit(String),
    /// `*`: any run of characters, possibly empty.
    Star,
    /// `?`: exactly one character.
    One,
}

/// A run of literals and `?` between two stars: a range of token indices, so compiling
/// copies no text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Segment {
    start: usize,
    end: usize,
    /// How many characters the segment spans.
    chars: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Compiled {
    /// No wildcard at all: the text is the only token (or none).
    Exact,
    /// Only stars (or `*`): matches everything.
    Any,
    /// A literal followed by one star.
    Prefix,
    /// The general case, cut at the stars.
    General {
        segments: Vec<Segment>,
        leading_star: bool,
        trailing_star: bool,
        has_star: bool,
    },
}

/// A piece to build a [`Pattern`] from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text matched literally: `*` and `?` in it are ordinary characters.
    Literal(&'a str),
    /// Policy text in which `*` and `?` are wildcards.
    Glob(&'a str),
}

/// A compiled wildcard pattern (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pattern {
    tokens: Vec<Token>,
    compiled: Compiled,
}

/// Builds a [`Pattern`] piece by piece.
#[derive(Debug, Clone, Default)]
pub struct PatternBuilder {
    tokens: Vec<Token>,
}

impl PatternBuilder {
    /// Appends text that matches literally.
    pub fn literal(&mut self, text: &str) -> &mut Self {
        push_lit(&mut self.tokens, text);
        self
    }

    /// Appends one literal character.
    pub fn literal_char(&mut self, c: char) -> &mut Self {
        let mut buf = [0u8; 4];
        push_lit(&mut self.tokens, c.encode_utf8(&mut buf));
        self
    }

    /// Appends policy text in which `*` and `?` are wildcards.
    pub fn glob(&mut self, text: &str) -> &mut Self {
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if c == '*' || c == '?' {
                push_lit(&mut self.tokens, text.get(start..i).unwrap_or(""));
                if c == '*' {
                    if self.tokens.last() != Some(&Token::Star) {
                        self.tokens.push(Token::Star);
                    }
                } else {
                    self.tokens.push(Token::One);
                }
                start = i + 1;
            }
        }
        push_lit(&mut self.tokens, text.get(start..).unwrap_or(""));
        self
    }

    /// Compiles the pattern.
    pub fn build(&self) -> Pattern {
        Pattern::from_tokens(self.tokens.clone())
    }
}

fn push_lit(tokens: &mut Vec<Token>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Token::Lit(last)) = tokens.last_mut() {
        last.push_str(text);
    } else {
        tokens.push(Token::Lit(text.to_string()));
    }
}

impl Pattern {
    /// A pattern matching exactly `text` (no wildcards).
    pub fn literal(text: &str) -> Pattern {
        PatternBuilder::default().literal(text).build()
    }

    /// A pattern from policy text in which `*` and `?` are wildcards.
    pub fn glob(text: &str) -> Pattern {
        PatternBuilder::default().glob(text).build()
    }

    /// A pattern from pieces, in order.
    pub fn from_pieces<'a>(pieces: impl IntoIterator<Item = Piece<'a>>) -> Pattern {
        let mut b = PatternBuilder::default();
        for p in pieces {
            match p {
                Piece::Literal(s) => b.literal(s),
                Piece::Glob(s) => b.glob(s),
            };
        }
        b.build()
    }

    /// A builder for patterns made of several pieces.
    pub fn builder() -> PatternBuilder {
        PatternBuilder::default()
    }

    fn from_tokens(tokens: Vec<Token>) -> Pattern {
        let compiled = compile(&tokens);
        Pattern { tokens, compiled }
    }

    /// Whether the pattern has no wildcard (it matches one text only).
    pub fn is_literal(&self) -> bool {
        matches!(self.compiled, Compiled::Exact)
    }

    /// The text a wildcard-free pattern matches.
    pub fn as_literal(&self) -> Option<&str> {
        match &self.compiled {
            Compiled::Exact => Some(self.first_literal()),
            _ => None,
        }
    }

    /// The first token's text (empty when it is no literal).
    fn first_literal(&self) -> &str {
        match self.tokens.first() {
            Some(Token::Lit(s)) => s,
            _ => "",
        }
    }

    /// Whether the pattern matches every text (it is made of `*` only).
    pub fn matches_everything(&self) -> bool {
        matches!(self.compiled, Compiled::Any)
    }

    /// Whether `text` matches the whole pattern.
    pub fn matches(&self, text: &str, case_insensitive: bool) -> bool {
        let ci = case_insensitive;
        match &self.compiled {
            Compiled::Any => true,
            Compiled::Exact => {
                let lit = self.first_literal();
                if ci {
                    crate::context::eq_ignore_case(lit, text)
                } else {
                    lit == text
                }
            }
            Compiled::Prefix => lit_at(text, 0, self.first_literal(), ci).is_some(),
            Compiled::General {
                segments,
                leading_star,
                trailing_star,
                has_star,
            } => general_match(
                &self.tokens,
                segments,
                (*leading_star, *trailing_star, *has_star),
                text,
                ci,
            ),
        }
    }

    /// Splits the pattern at its first five colons (wildcards never contain colons), for
    /// per-component ARN matching. Returns `None` when there are fewer than five colons.
    fn split_arn(&self) -> Option<[Pattern; 6]> {
        let mut parts: Vec<Vec<Token>> = vec![Vec::new()];
        for t in &self.tokens {
            match t {
                Token::Lit(s) => {
                    let mut rest = s.as_str();
                    while parts.len() < 6 {
                        let Some(i) = rest.find(':') else { break };
                        push_lit(parts.last_mut()?, rest.get(..i)?);
                        parts.push(Vec::new());
                        rest = rest.get(i + 1..)?;
                    }
                    push_lit(parts.last_mut()?, rest);
                }
                other => parts.last_mut()?.push(other.clone()),
            }
        }
        let parts: Vec<Pattern> = parts.into_iter().map(Pattern::from_tokens).collect();
        parts.try_into().ok()
    }
}

impl fmt::Display for Pattern {
    /// Writes the pattern as policy text (literal `*` and `?` are written as-is, so the
    /// text is for people, not for re-parsing).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for t in &self.tokens {
            match t {
                Token::Lit(s) => f.write_str(s)?,
                Token::Star => f.write_str("*")?,
                Token::One => f.write_str("?")?,
            }
        }
        Ok(())
    }
}

fn compile(tokens: &[Token]) -> Compiled {
    match tokens {
        [] | [Token::Lit(_)] => return Compiled::Exact,
        [Token::Star] => return Compiled::Any,
        [Token::Lit(_), Token::Star] => return Compiled::Prefix,
        _ => {}
    }
    let mut segments = Vec::new();
    let mut start = 0;
    let mut chars = 0usize;
    let mut has_star = false;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Lit(s) => chars += s.chars().count(),
            Token::One => chars += 1,
            Token::Star => {
                has_star = true;
                if i > start {
                    segments.push(Segment {
                        start,
                        end: i,
                        chars,
                    });
                }
                chars = 0;
                start = i + 1;
            }
        }
    }
    if tokens.len() > start {
        segments.push(Segment {
            start,
            end: tokens.len(),
            chars,
        });
    }
    Compiled::General {
        segments,
        leading_star: tokens.first() == Some(&Token::Star),
        trailing_star: tokens.last() == Some(&Token::Star),
        has_star,
    }
}

/// Matches `lit` at byte `pos` of `text`; returns the end offset.
fn lit_at(text: &str, pos: usize, lit: &str, ci: bool) -> Option<usize> {
    let rest = text.get(pos..)?;
    if !ci {
        return rest.starts_with(lit).then_some(pos + lit.len());
    }
    let mut tc = rest.char_indices();
    for pc in lit.chars() {
        let (_, c) = tc.next()?;
        if c != pc && fold_char(c) != fold_char(pc) {
            return None;
        }
    }
    Some(pos + tc.offset())
}

/// Matches a segment's tokens (literals and `?` only) at byte `pos`; returns the end offset.
fn segment_at(atoms: &[Token], text: &str, mut pos: usize, ci: bool) -> Option<usize> {
    for atom in atoms {
        pos = match atom {
            Token::Lit(l) => lit_at(text, pos, l, ci)?,
            Token::One => pos + text.get(pos..)?.chars().next()?.len_utf8(),
            Token::Star => return None,
        };
    }
    Some(pos)
}

/// Finds the leftmost match of a segment at or after `from`; returns its end offset.
fn find_segment(atoms: &[Token], text: &str, from: usize, ci: bool) -> Option<usize> {
    let mut start = from;
    loop {
        if !ci && let Some(Token::Lit(l)) = atoms.first() {
            // Jump straight to the next occurrence of the segment's leading literal.
            start += text.get(start..)?.find(l.as_str())?;
        }
        if let Some(end) = segment_at(atoms, text, start, ci) {
            return Some(end);
        }
        start += text.get(start..)?.chars().next()?.len_utf8();
    }
}

fn general_match(
    tokens: &[Token],
    segments: &[Segment],
    (leading_star, trailing_star, has_star): (bool, bool, bool),
    text: &str,
    ci: bool,
) -> bool {
    let atoms = |seg: &Segment| tokens.get(seg.start..seg.end).unwrap_or(&[]);
    if !has_star {
        return match segments {
            [] => text.is_empty(),
            [only] => segment_at(atoms(only), text, 0, ci) == Some(text.len()),
            _ => false,
        };
    }
    let mut pos = 0;
    let mut middle = segments;
    if !leading_star {
        let Some((first, rest)) = middle.split_first() else {
            return true;
        };
        match segment_at(atoms(first), text, 0, ci) {
            Some(end) => pos = end,
            None => return false,
        }
        middle = rest;
    }
    let mut last = None;
    if !trailing_star {
        let Some((l, rest)) = middle.split_last() else {
            return false;
        };
        last = Some(l);
        middle = rest;
    }
    for seg in middle {
        match find_segment(atoms(seg), text, pos, ci) {
            Some(end) => pos = end,
            None => return false,
        }
    }
    match last {
        None => true,
        Some(seg) => {
            // The last segment spans a fixed number of characters, anchored at the end.
            let start = match seg.chars {
                0 => text.len(),
                n => match text.char_indices().rev().nth(n - 1) {
                    Some((i, _)) => i,
                    None => return false,
                },
            };
            start >= pos && segment_at(atoms(seg), text, start, ci) == Some(text.len())
        }
    }
}

/// Whether an `Action`/`NotAction` pattern matches an action (case-insensitive).
pub fn action_matches(pattern: &Pattern, action: &str) -> bool {
    pattern.matches(action, true)
}

/// Whether a `Resource`/`NotResource` pattern matches a resource (case-sensitive, `*` spans
/// colons; see the module docs).
pub fn resource_matches(pattern: &Pattern, resource: &str) -> bool {
    pattern.matches(resource, false)
}

/// Whether policy text holds an IAM wildcard (`*` or `?`).
pub fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// One-off glob match (compiles the pattern each call: prefer [`Pattern`] in loops). A `*` or
/// `?` in `text` is an ordinary character; the validator's coverage checks rely on that when
/// they match one policy entry against another.
pub fn glob_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    // Most one-off comparisons (the validator's entry-against-entry checks) are decided by the
    // pattern's literal head, without the compiled pattern, whose allocations would dominate
    // such calls.
    ascii_head(pattern.as_bytes(), text.as_bytes(), case_insensitive)
        .unwrap_or_else(|| Pattern::glob(pattern).matches(text, case_insensitive))
}

/// Decides a match from the pattern's literal head, compared byte by byte while both sides
/// are ASCII: `Some(false)` on a mismatch, `Some(answer)` when the whole pattern is an ASCII
/// literal, and `None` (undecided) at the first wildcard or non-ASCII byte, where Unicode case
/// folding may apply.
fn ascii_head(p: &[u8], t: &[u8], case_insensitive: bool) -> Option<bool> {
    for (i, &pc) in p.iter().enumerate() {
        if pc == b'*' || pc == b'?' || !pc.is_ascii() {
            return None;
        }
        // An ASCII pattern character needs one more character of the text.
        let Some(&tc) = t.get(i) else {
            return Some(false);
        };
        if !tc.is_ascii() {
            return None;
        }
        let same = if case_insensitive {
            pc.eq_ignore_ascii_case(&tc)
        } else {
            pc == tc
        };
        if !same {
            return Some(false);
        }
    }
    Some(t.len() == p.len())
}

/// Why a text is not an ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum ArnError {
    /// The text does not start with `arn:`.
    MissingPrefix,
    /// The text has fewer than six colon-separated components.
    TooFewComponents {
        /// How many components it has.
        found: usize,
    },
}

impl ArnError {
    /// A sentence for people.
    pub fn message(&self) -> String {
        match self {
            ArnError::MissingPrefix => "An ARN starts with \"arn:\".".to_string(),
            ArnError::TooFewComponents { found } => format!(
                "An ARN has six colon-separated components \
                 (arn:partition:service:region:account:resource); this has {found}."
            ),
        }
    }
}

impl fmt::Display for ArnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

/// An ARN split into its components, borrowing the text.
///
/// `arn:partition:service:region:account-id:resource`; the resource component keeps any
/// further colons and slashes (`arn:aws:logs:us-east-1:111122223333:log-group:g:*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: &'a str,
    /// The service namespace, e.g. `s3`.
    pub service: &'a str,
    /// The region, possibly empty (`iam`, `s3`).
    pub region: &'a str,
    /// The account id, possibly empty (`s3` buckets).
    pub account: &'a str,
    /// Everything after the fifth colon.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Splits an ARN into its components.
    pub fn parse(text: &'a str) -> Result<Arn<'a>, ArnError> {
        let mut parts = text.splitn(6, ':');
        let prefix = parts.next().unwrap_or("");
        let rest: [Option<&str>; 5] = [
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ];
        if prefix != "arn" {
            return Err(ArnError::MissingPrefix);
        }
        match rest {
            [
                Some(partition),
                Some(service),
                Some(region),
                Some(account),
                Some(resource),
            ] => Ok(Arn {
                partition,
                service,
                region,
                account,
                resource,
            }),
            _ => Err(ArnError::TooFewComponents {
                found: 1 + rest.iter().filter(|p| p.is_some()).count(),
            }),
        }
    }
}

/// A compiled `ArnLike`/`ArnEquals` value: one pattern per ARN component.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArnPattern {
    parts: [Pattern; 6],
}

impl ArnPattern {
    /// Cuts a pattern into its six components.
    pub fn new(pattern: &Pattern) -> Result<ArnPattern, ArnError> {
        match pattern.split_arn() {
            Some(parts) => Ok(ArnPattern { parts }),
            None => Err(ArnError::TooFewComponents {
                found: 1 + pattern.to_string().matches(':').count().min(5),
            }),
        }
    }

    /// Compiles policy text (wildcards active) into an ARN pattern.
    pub fn glob(text: &str) -> Result<ArnPattern, ArnError> {
        ArnPattern::new(&Pattern::glob(text))
    }

    /// Whether an ARN matches, component by component (case-sensitive). Errors when the
    /// value has fewer than six components.
    pub fn matches(&self, arn: &str) -> Result<bool, ArnError> {
        let mut parts = arn.splitn(6, ':');
        let mut found = 0;
        for pattern in &self.parts {
            let Some(component) = parts.next() else {
                return Err(ArnError::TooFewComponents { found });
            };
            found += 1;
            if !pattern.matches(component, false) {
                // Keep counting so an invalid value is reported even after a mismatch.
                let rest = parts.count();
                if found + rest < 6 {
                    return Err(ArnError::TooFewComponents {
                        found: found + rest,
                    });
                }
                return Ok(false);
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference: a plain dynamic programme over characters.
    fn reference(pattern: &[Token], text: &str, ci: bool) -> bool {
        let mut pat: Vec<Option<char>> = Vec::new(); // None = '*', Some('\0')... handled below
        let mut kinds: Vec<u8> = Vec::new(); // 0 literal char, 1 star, 2 one
        for t in pattern {
            match t {
                Token::Lit(s) => {
                    for c in s.chars() {
                        pat.push(Some(c));
                        kinds.push(0);
                    }
                }
                Token::Star => {
                    pat.push(None);
                    kinds.push(1);
                }
                Token::One => {
                    pat.push(None);
                    kinds.push(2);
                }
            }
        }
        let t: Vec<char> = text.chars().collect();
        let (m, n) = (pat.len(), t.len());
        let mut dp = vec![vec![false; n + 1]; m + 1];
        dp[0][0] = true;
        for i in 1..=m {
            for j in 0..=n {
                dp[i][j] = match kinds[i - 1] {
                    1 => dp[i - 1][j] || (j > 0 && dp[i][j - 1]),
                    2 => j > 0 && dp[i - 1][j - 1],
                    _ => {
                        j > 0 && dp[i - 1][j - 1] && {
                            let (a, b) = (pat[i - 1].unwrap(), t[j - 1]);
                            a == b || (ci && fold_char(a) == fold_char(b))
                        }
                    }
                };
            }
        }
        dp[m][n]
    }

    #[test]
    fn star_matches_any_run_including_empty() {
        let p = Pattern::glob("a*c");
        assert!(p.matches("ac", false));
        assert!(p.matches("abc", false));
        assert!(p.matches("abbbbc", false));
        assert!(!p.matches("abcd", false));
    }

    #[test]
    fn question_mark_is_exactly_one_character() {
        let p = Pattern::glob("a?c");
        assert!(p.matches("abc", false));
        assert!(!p.matches("ac", false));
        assert!(!p.matches("abbc", false));
        // One character, not one byte.
        assert!(p.matches("aéc", false));
        assert!(p.matches("a😀c", false));
    }

    #[test]
    fn literal_pieces_do_not_glob() {
        let p = Pattern::from_pieces([
            Piece::Glob("home/"),
            Piece::Literal("a*b"),
            Piece::Glob("/*"),
        ]);
        assert!(p.matches("home/a*b/x", false));
        assert!(!p.matches("home/axxb/x", false));
        let q = Pattern::literal("a?");
        assert!(q.is_literal());
        assert!(!q.matches("ab", false));
        assert!(q.matches("a?", false));
    }

    #[test]
    fn actions_are_case_insensitive() {
        let p = Pattern::glob("s3:Get*");
        assert!(action_matches(&p, "S3:GETOBJECT"));
        assert!(action_matches(&p, "s3:getobject"));
        assert!(!action_matches(&p, "s3:PutObject"));
        assert!(action_matches(
            &Pattern::glob("iam:*AccessKey?"),
            "IAM:CreateAccessKeys"
        ));
        assert!(action_matches(&Pattern::glob("*"), "ec2:RunInstances"));
    }

    #[test]
    fn resources_are_case_sensitive() {
        let p = Pattern::glob("arn:aws:iam::111122223333:user/Bob");
        assert!(resource_matches(&p, "arn:aws:iam::111122223333:user/Bob"));
        assert!(!resource_matches(&p, "arn:aws:iam::111122223333:user/bob"));
    }

    #[test]
    fn resource_star_spans_colons_and_slashes() {
        // reference_policies_elements_resource.html: a trailing `*` expands beyond colons.
        assert!(resource_matches(
            &Pattern::glob("arn:aws:s3:*"),
            "arn:aws:s3:::bucket/key"
        ));
        assert!(resource_matches(
            &Pattern::glob("arn:aws:s3:::my-bucket/foo/*/bar"),
            "arn:aws:s3:::my-bucket/foo/1/2/bar"
        ));
        assert!(resource_matches(&Pattern::glob("*"), "*"));
        assert!(resource_matches(
            &Pattern::glob("*"),
            "arn:aws:sqs:us-east-1:111122223333:q"
        ));
    }

    #[test]
    fn stringlike_spans_colons_but_arnlike_does_not() {
        // B11: ArnLike vs StringLike across colons.
        let text = "arn:aws:iam::111122223333:role/x";
        assert!(Pattern::glob("arn:aws:iam::*").matches(text, false));
        assert!(Pattern::glob("arn:aws:*:role/x").matches(text, false));
        let arn = ArnPattern::glob("arn:aws:*:role/x");
        assert_eq!(arn, Err(ArnError::TooFewComponents { found: 4 }));
        let arn = ArnPattern::glob("arn:aws:iam::*:role/*").unwrap();
        assert_eq!(arn.matches(text), Ok(true));
        // `*` in the account component cannot swallow the colon before the resource.
        let arn = ArnPattern::glob("arn:aws:iam::*:*:role/x").unwrap();
        assert_eq!(arn.matches(text), Ok(false));
    }

    #[test]
    fn arn_resource_component_keeps_colons() {
        let arn = ArnPattern::glob("arn:aws:logs:us-east-1:111122223333:log-group:*").unwrap();
        assert_eq!(
            arn.matches("arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:s"),
            Ok(true)
        );
        assert_eq!(
            arn.matches("arn:aws:logs:us-east-1:111122223333:metric:x"),
            Ok(false)
        );
    }

    #[test]
    fn arn_pattern_components_match_individually() {
        let arn = ArnPattern::glob("arn:aws:sns:us-?ast-1:*:topic").unwrap();
        assert_eq!(
            arn.matches("arn:aws:sns:us-east-1:111122223333:topic"),
            Ok(true)
        );
        assert_eq!(
            arn.matches("arn:aws:sns:eu-west-1:111122223333:topic"),
            Ok(false)
        );
        assert_eq!(
            arn.matches("arn:aws:SNS:us-east-1:111122223333:topic"),
            Ok(false)
        );
    }

    #[test]
    fn arn_request_value_must_have_six_components() {
        let arn = ArnPattern::glob("arn:aws:s3:::*").unwrap();
        assert_eq!(
            arn.matches("not-an-arn"),
            Err(ArnError::TooFewComponents { found: 1 })
        );
        assert_eq!(
            arn.matches("arn:aws:s3"),
            Err(ArnError::TooFewComponents { found: 3 })
        );
        assert_eq!(arn.matches("arn:aws:s3:::b"), Ok(true));
    }

    #[test]
    fn arn_parse_splits_six_components() {
        let a = Arn::parse("arn:aws:iam::111122223333:role/path/name").unwrap();
        assert_eq!(a.partition, "aws");
        assert_eq!(a.service, "iam");
        assert_eq!(a.region, "");
        assert_eq!(a.account, "111122223333");
        assert_eq!(a.resource, "role/path/name");
        let b = Arn::parse("arn:aws:logs:us-east-1:1:log-group:a:b").unwrap();
        assert_eq!(b.resource, "log-group:a:b");
        assert_eq!(Arn::parse("urn:aws:s3:::b"), Err(ArnError::MissingPrefix));
        assert_eq!(
            Arn::parse("arn:aws:s3"),
            Err(ArnError::TooFewComponents { found: 3 })
        );
        assert!(ArnError::MissingPrefix.message().contains("arn:"));
    }

    #[test]
    fn substituted_colons_still_cut_arn_components() {
        let p = Pattern::from_pieces([Piece::Literal("arn:aws:s3:::bucket")]);
        let arn = ArnPattern::new(&p).unwrap();
        assert_eq!(arn.matches("arn:aws:s3:::bucket"), Ok(true));
        assert_eq!(arn.matches("arn:aws:s3:::bucket2"), Ok(false));
    }

    #[test]
    fn fast_paths_agree() {
        assert!(Pattern::glob("").matches("", false));
        assert!(!Pattern::glob("").matches("a", false));
        assert!(Pattern::glob("***").matches_everything());
        assert!(Pattern::glob("abc*").matches("abcdef", false));
        assert!(Pattern::glob("ABC*").matches("abcdef", true));
        assert!(!Pattern::glob("ABC*").matches("abcdef", false));
        assert!(Pattern::glob("*def").matches("abcdef", false));
        assert!(!Pattern::glob("*def").matches("abcde", false));
    }

    #[test]
    fn adversarial_input_is_fast() {
        let pattern = format!("{}b", "a*".repeat(200));
        let text = "a".repeat(20_000);
        let p = Pattern::glob(&pattern);
        let start = std::time::Instant::now();
        assert!(!p.matches(&text, false));
        assert!(!p.matches(&text, true));
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert!(p.matches(&format!("{text}b"), false));
    }

    #[test]
    fn display_writes_policy_text() {
        let p = Pattern::from_pieces([Piece::Glob("a*?"), Piece::Literal("x")]);
        assert_eq!(p.to_string(), "a*?x");
    }

    #[test]
    fn catalog_names_match_ignoring_case() {
        // The catalog's action and service expansion (`Catalog::expand`).
        let m = |p: &str, t: &str| Pattern::glob(p).matches(t, true);
        assert!(m("Get*", "GetObject"));
        assert!(m("get*", "GetObject"));
        assert!(m("*", ""));
        assert!(m("*Object", "GetObject"));
        assert!(m("Get?bject", "GetObject"));
        assert!(m("G*t*Acl", "GetObjectAcl"));
        assert!(!m("G*t*Acl", "GetObjectAcls"));
        assert!(!m("Get?", "Get"));
        assert!(!m("Put*", "GetObject"));
        assert!(m("**a**", "cba"));
    }

    #[test]
    fn entries_match_entries_as_text() {
        // The validator's coverage checks match one policy entry against another, whose `*`
        // and `?` are then ordinary characters.
        assert!(glob_match("s3:*", "s3:GetObject", true));
        assert!(glob_match("s3:*", "s3:Get*", true));
        assert!(!glob_match("s3:Get*", "s3:*", true));
        assert!(glob_match("S3:get?bject", "s3:GetObject", true));
        assert!(!glob_match("arn:aws:s3:::A*", "arn:aws:s3:::abc", false));
        assert!(glob_match("", "", false));
        assert!(!glob_match("", "x", false));
        // `?` is one character, not one byte.
        assert!(glob_match("caf?", "café", false));
        // The byte-wise head check hands non-ASCII text to the compiled pattern, which folds
        // case by Unicode rules: the Kelvin sign lowercases to `k`.
        assert_eq!(
            glob_match("s3:k*", "s3:\u{212A}ey", true),
            Pattern::glob("s3:k*").matches("s3:\u{212A}ey", true)
        );
        assert!(!glob_match("s3:Get", "s3:GetObject", true));
        assert!(glob_match("S3:GET", "s3:get", true));
        assert!(!glob_match("S3:GET", "s3:get", false));
    }

    #[test]
    fn wildcards_are_found() {
        assert!(has_wildcard("s3:Get*"));
        assert!(has_wildcard("a?b"));
        assert!(!has_wildcard("arn:aws:s3:::bucket/${aws:username}"));
    }

    /// A second, plainly recursive reference over the policy text itself (exponential, so only
    /// for the small inputs of the property below).
    fn naive(pattern: &[char], text: &[char], ci: bool) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some(('*', rest)) => (0..=text.len()).any(|i| naive(rest, &text[i..], ci)),
            Some(('?', rest)) => !text.is_empty() && naive(rest, &text[1..], ci),
            Some((&p, rest)) => match text.split_first() {
                Some((&t, text_rest)) => {
                    (p == t || (ci && fold_char(p) == fold_char(t))) && naive(rest, text_rest, ci)
                }
                None => false,
            },
        }
    }

    #[test]
    fn one_off_glob_match() {
        assert!(glob_match("a*", "abc", false));
        assert!(!glob_match("A*", "abc", false));
        assert!(glob_match("A*", "abc", true));
    }

    fn tokens_strategy() -> impl Strategy<Value = Vec<Token>> {
        prop::collection::vec(
            prop_oneof![
                "[abAB:é]{1,3}".prop_map(Token::Lit),
                Just(Token::Star),
                Just(Token::One),
            ],
            0..8,
        )
    }

    proptest! {
        #[test]
        fn glob_agrees_with_reference(tokens in tokens_strategy(), text in "[abAB:é]{0,12}", ci in any::<bool>()) {
            let mut b = Pattern::builder();
            for t in &tokens {
                match t {
                    Token::Lit(s) => { b.literal(s); }
                    Token::Star => { b.glob("*"); }
                    Token::One => { b.glob("?"); }
                }
            }
            let p = b.build();
            prop_assert_eq!(p.matches(&text, ci), reference(&tokens, &text, ci));
        }

        #[test]
        fn glob_text_agrees_with_naive_reference(pattern in "[abA*?é]{0,10}", text in "[abAé*]{0,12}", ci in any::<bool>()) {
            let p: Vec<char> = pattern.chars().collect();
            let t: Vec<char> = text.chars().collect();
            let want = naive(&p, &t, ci);
            prop_assert_eq!(Pattern::glob(&pattern).matches(&text, ci), want);
            prop_assert_eq!(glob_match(&pattern, &text, ci), want);
        }

        #[test]
        fn matching_never_panics(pattern in "\\PC{0,20}", text in "\\PC{0,20}", ci in any::<bool>()) {
            let p = Pattern::glob(&pattern);
            let _ = p.matches(&text, ci);
            if let Ok(a) = ArnPattern::new(&p) {
                let _ = a.matches(&text);
            }
            let _ = Arn::parse(&text);
        }

        #[test]
        fn a_literal_matches_itself(text in "\\PC{0,20}") {
            prop_assert!(Pattern::literal(&text).matches(&text, false));
            prop_assert!(Pattern::glob(&text).matches(&text, false));
        }
    }
}
