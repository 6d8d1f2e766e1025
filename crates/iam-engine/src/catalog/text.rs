//! Small ASCII case-insensitive string helpers shared by the catalog's parser and queries.
//! (Wildcard matching is [`crate::matching::Pattern`]'s.)
//!
//! AWS treats service prefixes, action names and condition key names case-insensitively, and
//! they are ASCII, so comparing bytes with `to_ascii_lowercase` is exact and allocation-free.

use std::cmp::Ordering;

/// Compares two strings as if both were ASCII-lowercased.
pub(crate) fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    // A plain loop: this comparison is the inner step of every binary search in the catalog.
    for (x, y) in a.bytes().zip(b.bytes()) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// Whether `text` starts with `prefix`, ignoring ASCII case.
pub(crate) fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Whether `text` contains `needle`, ignoring ASCII case.
pub(crate) fn contains_ignore_case(text: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    text.as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Splits `line` (which starts at byte `offset` of the whole text) on `sep`, yielding each
/// piece with its absolute byte offset.
pub(crate) fn split_with_offsets(
    line: &str,
    offset: usize,
    sep: char,
) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0usize;
    line.split(sep).map(move |piece| {
        let at = offset + start;
        start += piece.len() + sep.len_utf8();
        (at, piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_helpers() {
        assert_eq!(cmp_ignore_case("S3", "s3"), Ordering::Equal);
        assert_eq!(cmp_ignore_case("s3", "s3express"), Ordering::Less);
        assert!(starts_with_ignore_case("GetObject", "getob"));
        assert!(!starts_with_ignore_case("Get", "getob"));
        assert!(contains_ignore_case("ListAllMyBuckets", "allmy"));
        assert!(!contains_ignore_case("List", "allmy"));
    }

    #[test]
    fn split_reports_offsets() {
        let pieces: Vec<_> = split_with_offsets("a\tbc\t\td", 10, '\t').collect();
        assert_eq!(pieces, vec![(10, "a"), (12, "bc"), (15, ""), (16, "d")]);
    }
}
