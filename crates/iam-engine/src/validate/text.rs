//! Small text helpers the checks share: IAM wildcard matching and `${...}` variable scanning.

/// Matches `text` against an IAM wildcard `pattern` (`*` any run, `?` one character).
///
/// Used to decide whether one policy entry covers another: a `*` or `?` in `text` is then an
/// ordinary character, which makes the test sound (it never claims coverage that is not
/// there), if not complete.
pub(crate) fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    // Policy text is mostly ASCII; bytes make the common case allocation-free, and a
    // multi-byte character then compares byte by byte, which is exact for literals and makes
    // `?` match one byte of it (the coverage test stays sound: it may only miss coverage).
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let eq = |a: u8, b: u8| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match (p.get(pi).copied(), t.get(ti).copied()) {
            (Some(b'*'), _) => {
                star = Some((pi, ti));
                pi += 1;
            }
            (Some(b'?'), Some(_)) => {
                pi += 1;
                ti += 1;
            }
            (Some(pc), Some(tc)) if eq(pc, tc) => {
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

/// Whether the policy resource `resource` can name a resource of the ARN `pattern`, also
/// accepting an empty region or account where the pattern has a placeholder: AWS-owned
/// resources (SSM documents, managed policies) leave those parts empty although the Service
/// Authorization Reference writes `${Region}` and `${Account}` for every resource.
pub(crate) fn arn_fits(pattern: &str, resource: &str) -> bool {
    if crate::catalog::arn_pattern_matches(pattern, resource) {
        return true;
    }
    let mut parts: Vec<&str> = resource.splitn(6, ':').collect();
    if parts.len() != 6 {
        return false;
    }
    let mut changed = false;
    for part in parts.iter_mut().skip(3).take(2) {
        if part.is_empty() {
            *part = "*";
            changed = true;
        }
    }
    changed && crate::catalog::arn_pattern_matches(pattern, &parts.join(":"))
}

/// Whether `s` holds an IAM wildcard.
pub(crate) fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// A `${...}` occurrence in a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Var<'a> {
    /// A well-formed variable: the text between the braces and its byte range in the string.
    Ok(&'a str),
    /// `${` without a closing `}`.
    Unclosed,
    /// `${}` or `${   }`.
    Empty,
}

/// The `${...}` variables in `s`, in order.
pub(crate) fn variables(s: &str) -> Vec<Var<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(at) = rest.find("${") {
        let after = rest.get(at + 2..).unwrap_or("");
        match after.find('}') {
            Some(end) => {
                let inner = after.get(..end).unwrap_or("");
                out.push(if inner.trim().is_empty() {
                    Var::Empty
                } else {
                    Var::Ok(inner)
                });
                rest = after.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push(Var::Unclosed);
                break;
            }
        }
    }
    out
}

/// Whether `s` contains a `${`.
pub(crate) fn has_variable(s: &str) -> bool {
    s.contains("${")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_covers_and_respects_case() {
        assert!(glob("s3:*", "s3:GetObject", true));
        assert!(glob("s3:*", "s3:Get*", true));
        assert!(!glob("s3:Get*", "s3:*", true));
        assert!(glob("S3:get?bject", "s3:GetObject", true));
        assert!(!glob("arn:aws:s3:::A*", "arn:aws:s3:::abc", false));
        assert!(glob("", "", false));
        assert!(!glob("", "x", false));
    }

    #[test]
    fn variables_are_found() {
        assert_eq!(
            variables("a${aws:username}b${}c${x"),
            vec![Var::Ok("aws:username"), Var::Empty, Var::Unclosed]
        );
        assert!(variables("plain").is_empty());
    }
}
