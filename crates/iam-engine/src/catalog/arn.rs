//! Matching resource ARNs (possibly with IAM wildcards) against the catalog's ARN patterns.
//!
//! AWS writes a resource type's ARN format with placeholders, for example
//! `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. A resource in a policy may itself carry
//! IAM wildcards (`arn:aws:s3:::photos/*`). The question "can this resource entry name a
//! resource of this type" is whether the two patterns share at least one concrete ARN.
//!
//! Both sides are split into the six ARN segments (the last, the resource part, may contain
//! colons). In the first five segments a placeholder stands for one or more characters other
//! than `:`; in the resource part it stands for one or more of any characters, because ids such
//! as S3 object keys and log stream names contain `/` and `:`. IAM wildcards in the resource
//! entry follow IAM's rule for the `Resource` element: they do not match across the segment
//! boundaries, and ARNs are case-sensitive.

/// Characters a placeholder may not stand for (at most two), see [`placeholder_tokens`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Excl(Option<char>, Option<char>);

impl Excl {
    fn allows(self, c: char) -> bool {
        self.0 != Some(c) && self.1 != Some(c)
    }
}

/// One token of a segment pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// A literal character.
    Lit(char),
    /// Exactly one character not in the exclusions (`?`, or the first character of a
    /// placeholder).
    One(Excl),
    /// Any run of characters not in the exclusions, possibly empty (`*`, or the rest of a
    /// placeholder).
    Star(Excl),
}

/// Tokens of an AWS ARN pattern segment: `${Name}` placeholders become "one or more".
///
/// In the resource part (`resource_part`), what a placeholder may contain is narrowed the way
/// AWS's ids are built, so that `arn:aws:s3:::photos/*` is not taken for a bucket:
/// - a placeholder followed by a literal character cannot contain that character
///   (`${BucketName}/${ObjectName}`, `log-group:${LogGroupName}:log-stream:…`);
/// - a placeholder that ends the segment can contain anything when literal text with `/` or `:`
///   comes before it (`role/${RoleNameWithPath}`, `${BucketName}/${ObjectName}`), and neither
///   `/` nor `:` when it stands alone (`${BucketName}`, `${QueueName}`).
fn placeholder_tokens(segment: &str, resource_part: bool) -> Vec<Tok> {
    // AWS writes a literal `*` in a few formats (`catalog/${CatalogName}/listing/*`) to mean
    // "any id".
    let token = |c: char| match c {
        '*' => Tok::Star(Excl::default()),
        c => Tok::Lit(c),
    };
    let mut out = Vec::with_capacity(segment.len());
    // Indexes into `out` of each placeholder's `One` token, to fix up exclusions afterwards.
    let mut placeholders = Vec::new();
    let mut rest = segment;
    while let Some(at) = rest.find("${") {
        out.extend(rest.get(..at).unwrap_or("").chars().map(token));
        let after = rest.get(at..).unwrap_or("");
        match after.find('}') {
            Some(close) => {
                placeholders.push(out.len());
                out.push(Tok::One(Excl::default()));
                out.push(Tok::Star(Excl::default()));
                rest = after.get(close + 1..).unwrap_or("");
            }
            None => {
                // An unclosed `${` is literal text.
                out.extend(after.chars().map(Tok::Lit));
                rest = "";
            }
        }
    }
    out.extend(rest.chars().map(token));
    if resource_part {
        for at in placeholders {
            let excl = match out.get(at + 2) {
                Some(Tok::Lit(next)) => Excl(Some(*next), None),
                Some(_) => Excl::default(),
                None => {
                    let delimited = out
                        .get(..at)
                        .unwrap_or(&[])
                        .iter()
                        .any(|t| matches!(t, Tok::Lit('/') | Tok::Lit(':')));
                    if delimited {
                        Excl::default()
                    } else {
                        Excl(Some('/'), Some(':'))
                    }
                }
            };
            if let Some(slot) = out.get_mut(at) {
                *slot = Tok::One(excl);
            }
            if let Some(slot) = out.get_mut(at + 1) {
                *slot = Tok::Star(excl);
            }
        }
    }
    out
}

/// Tokens of a policy resource segment: `*` and `?` are IAM wildcards.
fn wildcard_tokens(segment: &str) -> Vec<Tok> {
    segment
        .chars()
        .map(|c| match c {
            '*' => Tok::Star(Excl::default()),
            '?' => Tok::One(Excl::default()),
            c => Tok::Lit(c),
        })
        .collect()
}

/// Whether the languages of two token patterns intersect.
///
/// This walks the product of the two patterns' automata: a state `(i, j)` means "some string
/// has been consumed by both up to token `i` of `a` and token `j` of `b`". It is
/// `O(len(a) × len(b))`, small for ARNs.
fn intersects(a: &[Tok], b: &[Tok]) -> bool {
    let width = b.len() + 1;
    let mut seen = vec![false; (a.len() + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let Some(slot) = seen.get_mut(i * width + j) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        let (ta, tb) = (a.get(i).copied(), b.get(j).copied());
        if ta.is_none() && tb.is_none() {
            return true;
        }
        // A star may match the empty string and step over itself.
        if let Some(Tok::Star(_)) = ta {
            stack.push((i + 1, j));
        }
        if let Some(Tok::Star(_)) = tb {
            stack.push((i, j + 1));
        }
        // Both sides consume one character: a star stays, any other token steps on. The step
        // exists when some character satisfies both tokens; wildcards and placeholders always
        // share one, since each excludes at most two characters.
        let (Some(ta), Some(tb)) = (ta, tb) else {
            continue;
        };
        let compatible = match (ta, tb) {
            (Tok::Lit(x), Tok::Lit(y)) => x == y,
            (Tok::Lit(c), Tok::One(e) | Tok::Star(e))
            | (Tok::One(e) | Tok::Star(e), Tok::Lit(c)) => e.allows(c),
            _ => true,
        };
        if compatible {
            let next_i = if matches!(ta, Tok::Star(_)) { i } else { i + 1 };
            let next_j = if matches!(tb, Tok::Star(_)) { j } else { j + 1 };
            stack.push((next_i, next_j));
        }
    }
    false
}

/// Splits an ARN into its six segments, the last keeping any further colons.
fn segments(arn: &str) -> Option<[&str; 6]> {
    let mut parts = arn.splitn(6, ':');
    let out = [
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    ];
    Some(out)
}

/// Whether the resource entry `resource` (an ARN, possibly with IAM wildcards, or `*`) can name
/// a resource described by the AWS ARN pattern `pattern` (with `${…}` placeholders).
///
/// `*` matches every pattern. A resource that is not a six-segment ARN matches nothing.
pub fn arn_pattern_matches(pattern: &str, resource: &str) -> bool {
    if resource == "*" {
        return true;
    }
    let (Some(p), Some(r)) = (segments(pattern), segments(resource)) else {
        return false;
    };
    p.iter()
        .zip(r.iter())
        .enumerate()
        .all(|(i, (ps, rs))| intersects(&placeholder_tokens(ps, i == 5), &wildcard_tokens(rs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const ROLE: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
    const LOG_STREAM: &str = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";

    #[test]
    fn concrete_arns() {
        assert!(arn_pattern_matches(
            OBJECT,
            "arn:aws:s3:::photos/2024/cat.jpg"
        ));
        assert!(!arn_pattern_matches(
            BUCKET,
            "arn:aws:s3:::photos/2024/cat.jpg"
        ));
        assert!(arn_pattern_matches(BUCKET, "arn:aws:s3:::photos"));
        assert!(!arn_pattern_matches(OBJECT, "arn:aws:s3:::photos"));
        assert!(!arn_pattern_matches(OBJECT, "arn:aws:s3:::photos/"));
        assert!(arn_pattern_matches(
            ROLE,
            "arn:aws:iam::123456789012:role/admin"
        ));
        assert!(arn_pattern_matches(
            ROLE,
            "arn:aws:iam::123456789012:role/path/to/admin"
        ));
        assert!(!arn_pattern_matches(
            ROLE,
            "arn:aws:iam::123456789012:user/alice"
        ));
        assert!(!arn_pattern_matches(
            ROLE,
            "arn:aws:iam:us-east-1:123456789012:role/x"
        ));
        assert!(arn_pattern_matches(
            LOG_STREAM,
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:log-stream:web-1"
        ));
        assert!(arn_pattern_matches(
            "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn"
        ));
    }

    #[test]
    fn wildcard_resources() {
        assert!(arn_pattern_matches(OBJECT, "arn:aws:s3:::photos/*"));
        assert!(arn_pattern_matches(BUCKET, "arn:aws:s3:::photos*"));
        // The classic mistakes: a bucket action on objects, an object action on the bucket.
        assert!(!arn_pattern_matches(BUCKET, "arn:aws:s3:::photos/*"));
        assert!(!arn_pattern_matches(OBJECT, "arn:aws:s3:::photos"));
        assert!(arn_pattern_matches(OBJECT, "arn:aws:s3:::*"));
        assert!(arn_pattern_matches(BUCKET, "arn:aws:s3:::*"));
        assert!(arn_pattern_matches(OBJECT, "*"));
        assert!(arn_pattern_matches(ROLE, "arn:aws:iam::*:role/*"));
        assert!(!arn_pattern_matches(ROLE, "arn:aws:iam::*:user/*"));
        assert!(arn_pattern_matches(ROLE, "arn:*:iam::*:*"));
        assert!(arn_pattern_matches(
            ROLE,
            "arn:aws:iam::12345678901?:role/a"
        ));
        assert!(!arn_pattern_matches(ROLE, "arn:aws:s3:::*"));
        assert!(arn_pattern_matches(
            LOG_STREAM,
            "arn:aws:logs:*:*:log-group:app:*"
        ));
    }

    #[test]
    fn literal_stars_in_aws_formats_match_any_id() {
        let listing = "arn:${Partition}:aws-marketplace:::catalog/${CatalogName}/listing/*";
        assert!(arn_pattern_matches(
            listing,
            "arn:aws:aws-marketplace:::catalog/AWSMarketplace/listing/l-123"
        ));
        assert!(!arn_pattern_matches(
            listing,
            "arn:aws:aws-marketplace:::catalog/AWSMarketplace/offer/o-1"
        ));
    }

    #[test]
    fn arns_are_case_sensitive_and_need_six_segments() {
        assert!(!arn_pattern_matches(ROLE, "arn:aws:IAM::1:role/a"));
        assert!(!arn_pattern_matches(BUCKET, "arn:aws:s3"));
        assert!(!arn_pattern_matches(BUCKET, "photos"));
        assert!(!arn_pattern_matches(BUCKET, ""));
    }

    #[test]
    fn placeholders_do_not_cross_segments() {
        assert!(arn_pattern_matches(
            "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
            "arn:aws:sqs:us-east-1:123456789012:jobs"
        ));
        assert!(!arn_pattern_matches(
            "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
            "arn:aws:sqs::123456789012:jobs"
        ));
        // An account placeholder cannot swallow the colon before the resource part.
        assert!(!arn_pattern_matches(
            "arn:${Partition}:iam::${Account}:root",
            "arn:aws:iam::1:2:root"
        ));
    }
}
