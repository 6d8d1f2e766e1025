//! AccessDenied messages in AWS's wordings.
//!
//! The IAM User Guide ("Troubleshoot access denied error messages") documents the shape `User:
//! PRINCIPAL is not authorized to perform: ACTION on resource: RESOURCE because CONTEXT`, where
//! the context is `no TYPE allows the ACTION action` for an implicit deny and `with an explicit
//! deny in a TYPE` for an explicit one; services also write `with an implicit deny in a TYPE`,
//! `due to an explicit deny in a Service Control Policy`, a bare `with an explicit deny`, and
//! older messages stop after the resource (or after the action, for actions on no resource).
//! The CLI puts `An error occurred (AccessDenied) when calling the X operation:` in front, and
//! EC2 adds `Encoded authorization failure message: …` after.
//!
//! The reading is plain scanning over an ASCII-lowercased copy (same byte offsets), one pass
//! per marker, so its time is linear in the input.

use crate::span::Span;

use super::{
    ClaimKind, ClaimedReason, DeniedError, DeniedPrincipal, DeniedRequest, InputKind, Layer,
    looks_like_action,
};

const NOT_AUTHORIZED: &str = "is not authorized to perform";

/// Where the resource ends and the reason begins.
const CLAUSES: &[&str] = &[
    " because ",
    " with an explicit deny",
    " with an implicit deny",
    " due to an explicit deny",
    " due to an implicit deny",
    ". encoded authorization failure message",
    " encoded authorization failure message",
];

/// Reads an AccessDenied message.
pub fn parse_message(text: &str) -> Result<DeniedRequest, DeniedError> {
    let lower = text.to_ascii_lowercase();
    let Some(at) = lower.find(NOT_AUTHORIZED) else {
        return Err(not_a_message(text, &lower));
    };

    // The principal: after the last "User:" before the marker.
    let Some(user) = lower.get(..at).and_then(|head| head.rfind("user:")) else {
        return Err(DeniedError::at(
            text,
            Span::point(at),
            "The message names no principal: AWS writes \"User: ARN\" before \"is not authorized\".",
        )
        .with_help("Paste the whole message, starting at \"User:\"."));
    };
    let principal_span = trimmed(text, user + "user:".len(), at);
    let principal_text = principal_span.slice(text);
    let Some(principal) = DeniedPrincipal::from_arn(principal_text) else {
        return Err(DeniedError::at(
            text,
            principal_span,
            format!(
                "\"{principal_text}\" is not a principal AWS names: expected a user, role, role session (assumed-role), federated user or root ARN."
            ),
        ));
    };

    // The action: the next word after the marker (and its colon).
    let mut pos = at + NOT_AUTHORIZED.len();
    pos = skip(text, pos, |b| b == b':' || b.is_ascii_whitespace());
    let action_end = skip(text, pos, |b| !b.is_ascii_whitespace());
    let action_span = Span::new(pos, action_end);
    let action = action_span
        .slice(text)
        .trim_end_matches(['.', ',', ';'])
        .to_string();
    if action.is_empty() {
        return Err(DeniedError::at(
            text,
            action_span,
            "The message names no action after \"is not authorized to perform:\".",
        ));
    }
    if !looks_like_action(&action) {
        return Err(DeniedError::at(
            text,
            action_span,
            format!(
                "\"{action}\" is not an action: AWS writes actions as service:Action (s3:GetObject)."
            ),
        ));
    }

    // The resource, when the message names one.
    let mut pos = skip(text, action_end, |b| b.is_ascii_whitespace());
    let mut resource = None;
    if lower
        .get(pos..)
        .is_some_and(|t| t.starts_with("on resource"))
    {
        let start = skip(text, pos + "on resource".len(), |b| {
            b == b':' || b.is_ascii_whitespace()
        });
        let tail = lower.get(start..).unwrap_or("");
        let end = CLAUSES
            .iter()
            .filter_map(|c| tail.find(c))
            .chain(tail.find('\n'))
            .min()
            .map_or(text.len(), |i| start + i);
        let span = trimmed(text, start, end);
        let value = span
            .slice(text)
            .trim_end_matches('.')
            .trim_matches(|c| c == '"' || c == '\'');
        if value.is_empty() {
            return Err(DeniedError::at(
                text,
                span,
                "The message says \"on resource:\" but names no resource.",
            ));
        }
        resource = Some(value.to_string());
        pos = end;
    }

    // The reason, when the message gives one.
    let claimed = reason(text, &lower, pos)?;

    Ok(DeniedRequest {
        source: InputKind::Message,
        principal,
        action,
        resource,
        claimed,
        context: Vec::new(),
    })
}

/// Reads the reason clause starting at `pos` (after the resource, or the action).
fn reason(text: &str, lower: &str, pos: usize) -> Result<Option<ClaimedReason>, DeniedError> {
    let pos = skip(text, pos, |b| b.is_ascii_whitespace());
    let tail = lower.get(pos..).unwrap_or("");
    if tail.is_empty()
        || tail.starts_with('.')
        || tail.starts_with("encoded authorization failure message")
    {
        return Ok(None);
    }
    let forms: [(&str, ClaimKind); 7] = [
        ("because no ", ClaimKind::NoAllow),
        ("with an explicit deny in ", ClaimKind::ExplicitDeny),
        ("with an implicit deny in ", ClaimKind::ImplicitDeny),
        ("due to an explicit deny in ", ClaimKind::ExplicitDeny),
        ("due to an implicit deny in ", ClaimKind::ImplicitDeny),
        ("with an explicit deny", ClaimKind::ExplicitDeny),
        ("with an implicit deny", ClaimKind::ImplicitDeny),
    ];
    let clause_end = tail.find('\n').unwrap_or(tail.len());
    let Some((form, kind)) = forms.iter().find(|(f, _)| tail.starts_with(f)) else {
        return Err(DeniedError::at(
            text,
            Span::new(pos, pos + clause_end),
            "This part of the message is not one of AWS's reasons.",
        )
        .with_help("AWS writes \"because no TYPE allows the ACTION action\" or \"with an explicit deny in a TYPE\"; check that the message was pasted whole."));
    };
    let words_start = pos + form.len();
    let rest = lower.get(words_start..pos + clause_end).unwrap_or("");
    let words_len = if *kind == ClaimKind::NoAllow {
        match rest.find(" allows") {
            Some(i) => i,
            None => {
                return Err(DeniedError::at(
                    text,
                    Span::new(pos, pos + clause_end),
                    "\"because no …\" is not followed by \"allows\": AWS writes \"because no TYPE allows the ACTION action\".",
                ));
            }
        }
    } else if form.ends_with(' ') {
        rest.find(['.', ';', ',']).unwrap_or(rest.len())
    } else {
        // A bare "with an explicit deny": no policy type.
        return Ok(Some(ClaimedReason {
            kind: *kind,
            layer: Layer::Unspecified,
        }));
    };
    let words_span = trimmed(text, words_start, words_start + words_len);
    let words = words_span.slice(text);
    // "in a TYPE", "in an identity-based policy", "in the TYPE".
    let lowered = words.to_ascii_lowercase();
    let bare = ["a ", "an ", "the "]
        .iter()
        .find_map(|article| lowered.strip_prefix(article))
        .unwrap_or(&lowered);
    let Some(layer) = Layer::from_words(bare) else {
        return Err(DeniedError::at(
            text,
            words_span,
            format!("\"{words}\" is not a policy type AWS names."),
        )
        .with_help("AWS names identity-based policies, resource-based policies, permissions boundaries, session policies, service control policies, resource control policies and VPC endpoint policies."));
    };
    Ok(Some(ClaimedReason { kind: *kind, layer }))
}

/// The error for text with no "is not authorized to perform".
fn not_a_message(text: &str, lower: &str) -> DeniedError {
    let whole = trimmed(text, 0, text.len());
    if let Some(i) = lower.find("encoded authorization failure message") {
        return DeniedError::at(
            text,
            Span::new(i, text.len()),
            "The message is encoded: AWS put the details in an encoded authorization failure message.",
        )
        .with_help("Decode it with `aws sts decode-authorization-message --encoded-message TEXT` (it needs sts:DecodeAuthorizationMessage) and paste the output here.");
    }
    if lower.contains("access denied") || lower.contains("accessdenied") {
        return DeniedError::at(
            text,
            whole,
            "This message says only \"Access Denied\": it names no principal, action or resource to rebuild the request from.",
        )
        .with_help("Amazon S3 and some other services give no details outside the account or organization. Find the request in CloudTrail (errorCode AccessDenied) and paste the event here.");
    }
    if lower.contains("is not authorized to access this resource") {
        return DeniedError::at(
            text,
            whole,
            "The message names no action (\"is not authorized to access this resource\").",
        )
        .with_help("Find the request in CloudTrail and paste the event here.");
    }
    DeniedError::at(
        text,
        whole,
        "This is not an AccessDenied message: it has no \"is not authorized to perform\".",
    )
    .with_help("Paste the AccessDenied message, the output of `aws sts decode-authorization-message`, or a CloudTrail event.")
}

/// The span of `text[start..end]` without surrounding whitespace.
fn trimmed(text: &str, start: usize, end: usize) -> Span {
    let slice = text.get(start..end).unwrap_or("");
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    Span::new(start + lead, end.saturating_sub(trail).max(start + lead))
}

/// The first offset at or after `pos` whose byte does not satisfy `pred` (the text's length if
/// none). The predicates used skip ASCII bytes only or stop at ASCII bytes only, so the offset
/// is always a character boundary.
fn skip(text: &str, pos: usize, pred: impl Fn(u8) -> bool) -> usize {
    text.as_bytes()
        .get(pos..)
        .and_then(|rest| rest.iter().position(|&b| !pred(b)))
        .map_or(text.len(), |i| pos + i)
}
