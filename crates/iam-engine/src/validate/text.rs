//! Small text helpers the checks share: ARN fitting and `${...}` variable scanning. (Wildcard
//! matching is [`crate::matching::Pattern`]'s.)

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
    fn variables_are_found() {
        assert_eq!(
            variables("a${aws:username}b${}c${x"),
            vec![Var::Ok("aws:username"), Var::Empty, Var::Unclosed]
        );
        assert!(variables("plain").is_empty());
    }
}
