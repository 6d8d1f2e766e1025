//! Small ASCII case-insensitive string helpers shared by the catalog's parser and queries.
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

/// Whether `pattern` contains an IAM wildcard (`*` or `?`).
pub(crate) fn has_wildcard(pattern: &str) -> bool {
    pattern.bytes().any(|b| b == b'*' || b == b'?')
}

/// Matches `text` against an IAM wildcard `pattern` (`*` any run, `?` one character),
/// ignoring ASCII case.
///
/// This is the classic linear-time greedy algorithm with one backtrack point, which is exact
/// for patterns made only of `*`, `?` and literals. It works on bytes because catalog names are
/// ASCII; a `?` therefore stands for one byte, which is one character in every catalog name.
pub(crate) fn glob_match_ignore_case(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match (p.get(pi), t.get(ti)) {
            (Some(b'*'), _) => {
                star = Some((pi, ti));
                pi += 1;
            }
            (Some(b'?'), Some(_)) => {
                pi += 1;
                ti += 1;
            }
            (Some(pc), Some(tc)) if pc.eq_ignore_ascii_case(tc) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == b'*'))
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
    fn glob_matches_like_iam() {
        assert!(glob_match_ignore_case("Get*", "GetObject"));
        assert!(glob_match_ignore_case("get*", "GetObject"));
        assert!(glob_match_ignore_case("*", ""));
        assert!(glob_match_ignore_case("*Object", "GetObject"));
        assert!(glob_match_ignore_case("Get?bject", "GetObject"));
        assert!(glob_match_ignore_case("G*t*Acl", "GetObjectAcl"));
        assert!(!glob_match_ignore_case("G*t*Acl", "GetObjectAcls"));
        assert!(!glob_match_ignore_case("Get?", "Get"));
        assert!(!glob_match_ignore_case("Put*", "GetObject"));
        assert!(glob_match_ignore_case("**a**", "cba"));
    }

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
