//! JSON inputs: decoded authorization messages and CloudTrail events.
//!
//! `aws sts decode-authorization-message` prints `{"DecodedMessage": "<JSON text>"}`; the JSON
//! inside (or pasted alone) has `allowed`, `explicitDeny`, `matchedStatements` and a `context`
//! with the `principal` (`id`, `arn`), `action`, `resource` and `conditions`
//! (`items: [{key, values: {items: [{value}]}}]`).
//!
//! A CloudTrail event has `userIdentity` (`type`, `arn`, `accountId`, `sessionContext`),
//! `eventSource` and `eventName` (which give the action), `requestParameters` and `resources`
//! (the resource, where derivable), the context fields (`sourceIPAddress`, `awsRegion`,
//! `userAgent`, `vpcEndpointId`, `eventTime`, `tlsDetails`) and, for a refused request,
//! `errorCode` and `errorMessage`; the message, when it has AWS's wording, is read for the
//! action, resource and reason. A `{"Records": [...]}` log file or `aws cloudtrail
//! lookup-events` output (`{"Events": [{"CloudTrailEvent": "<JSON text>"}]}`) gives its first
//! denied event.

use crate::json::{self, Kind, Value};
use crate::span::Span;

use super::{
    ClaimKind, ClaimedReason, DeniedError, DeniedPrincipal, DeniedRequest, InputKind, Layer,
    PrincipalKind, add_context, looks_like_action, message,
};

/// The `errorCode` values that mean the request was refused by authorization.
const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "Client.UnauthorizedOperation",
    "UnauthorizedOperation",
    "Client.AccessDenied",
    "AuthorizationError",
    "AuthorizationErrorException",
];

/// Condition keys decoded messages carry that are the authorizer's own bookkeeping, not
/// request context a policy can test.
const INTERNAL_KEYS: &[&str] = &[
    "aws:resource",
    "aws:account",
    "aws:region",
    "aws:service",
    "aws:type",
    "aws:arn",
];

/// Where errors point: into the input, or (for JSON text inside a JSON string) at that string.
#[derive(Clone, Copy)]
struct Place<'t> {
    text: &'t str,
    /// When set, every span maps to this one (the string holding the inner JSON).
    inner_of: Option<Span>,
}

impl Place<'_> {
    fn error(&self, span: Span, message: impl Into<String>) -> DeniedError {
        DeniedError::at(self.text, self.inner_of.unwrap_or(span), message)
    }
}

/// Reads a JSON input: a decoded authorization message or a CloudTrail event.
pub fn parse_json(text: &str) -> Result<DeniedRequest, DeniedError> {
    let place = Place {
        text,
        inner_of: None,
    };
    let root = parse_value(place, text)?;
    dispatch(place, &root, 0)
}

fn parse_value(place: Place<'_>, text: &str) -> Result<Value, DeniedError> {
    let parsed = json::parse(text);
    if let Some(d) = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == crate::diagnostic::Severity::Error)
    {
        return Err(place.error(d.span, format!("The JSON is not valid: {}", d.message)));
    }
    parsed
        .value
        .ok_or_else(|| place.error(Span::point(0), "The input is empty."))
}

/// Decides what the JSON is. `depth` bounds the unwrapping of JSON inside strings.
fn dispatch(place: Place<'_>, root: &Value, depth: u8) -> Result<DeniedRequest, DeniedError> {
    if root.as_object().is_none() {
        return Err(place.error(
            root.span,
            format!("Expected a JSON object, found {}.", root.type_name()),
        ));
    }
    // `aws sts decode-authorization-message` output, and `aws cloudtrail lookup-events`
    // output: JSON text inside a string.
    for (key, what) in [("DecodedMessage", "decoded"), ("Events", "lookup")] {
        let Some(v) = get(root, key) else { continue };
        let inner = if what == "decoded" {
            v
        } else {
            let Some(first) = v.as_array().and_then(|a| a.first()) else {
                return Err(place.error(v.span, "\"Events\" holds no event."));
            };
            get(first, "CloudTrailEvent").ok_or_else(|| {
                place.error(first.span, "The event has no \"CloudTrailEvent\" text.")
            })?
        };
        let Some(inner_text) = inner.as_str() else {
            return Err(place.error(
                inner.span,
                format!("\"{key}\" should hold the JSON text as a string."),
            ));
        };
        if depth > 0 {
            return Err(place.error(inner.span, "JSON text nested in JSON text twice."));
        }
        let inner_place = Place {
            text: place.text,
            inner_of: Some(inner.span),
        };
        let value = parse_value(inner_place, inner_text)?;
        return dispatch(inner_place, &value, depth + 1);
    }
    if let Some(records) = get(root, "Records") {
        let Some(list) = records.as_array() else {
            return Err(place.error(records.span, "\"Records\" should be a list of events."));
        };
        let denied = list.iter().find(|r| {
            str_at(r, "errorCode").is_some_and(|c| DENIED_CODES.contains(&c))
                || is_failed_console_login(r)
        });
        return match denied {
            Some(event) => cloudtrail(place, event),
            None => Err(place.error(
                records.span,
                format!(
                    "None of the {} events was denied (no errorCode AccessDenied, AccessDeniedException or Client.UnauthorizedOperation).",
                    list.len()
                ),
            )),
        };
    }
    if get(root, "eventSource").is_some()
        || get(root, "eventName").is_some()
        || get(root, "userIdentity").is_some()
    {
        return cloudtrail(place, root);
    }
    if get(root, "allowed").is_some() || get(root, "context").is_some() {
        return decoded(place, root);
    }
    Err(place.error(
        root.span,
        "This JSON is neither a CloudTrail event nor a decoded authorization message.",
    )
    .with_help("A CloudTrail event has eventSource, eventName and userIdentity; a decoded message (aws sts decode-authorization-message) has allowed and context."))
}

/// A decoded authorization message.
fn decoded(place: Place<'_>, root: &Value) -> Result<DeniedRequest, DeniedError> {
    if matches!(
        get(root, "allowed").map(|v| &v.kind),
        Some(Kind::Bool(true))
    ) {
        return Err(place.error(
            root.span,
            "This decoded message says the request was allowed (\"allowed\": true).",
        ));
    }
    let explicit = matches!(
        get(root, "explicitDeny").map(|v| &v.kind),
        Some(Kind::Bool(true))
    );
    let context = get(root, "context")
        .ok_or_else(|| place.error(root.span, "The decoded message has no \"context\"."))?;
    let principal_value = get(context, "principal")
        .ok_or_else(|| place.error(context.span, "The context names no \"principal\"."))?;
    let arn = required_str(place, principal_value, "arn")?;
    let principal = DeniedPrincipal::from_arn(arn.0).ok_or_else(|| {
        place.error(
            arn.1,
            format!("\"{}\" is not a principal ARN AWS names.", arn.0),
        )
    })?;
    let action = required_str(place, context, "action")?;
    if !looks_like_action(action.0) {
        return Err(place.error(
            action.1,
            format!("\"{}\" is not an action (service:Action).", action.0),
        ));
    }
    let resource = str_at(context, "resource")
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let mut entries = Vec::new();
    let items = get(context, "conditions")
        .and_then(|c| get(c, "items"))
        .and_then(Value::as_array)
        .unwrap_or(&[]);
    for item in items {
        let Some(key) = str_at(item, "key") else {
            continue;
        };
        if INTERNAL_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
            continue;
        }
        let values: Vec<String> = get(item, "values")
            .and_then(|v| get(v, "items"))
            .and_then(Value::as_array)
            .unwrap_or(&[])
            .iter()
            .filter_map(|v| str_at(v, "value").map(str::to_string))
            .collect();
        add_context(&mut entries, key, values);
    }
    Ok(DeniedRequest {
        source: InputKind::DecodedAuthorization,
        principal,
        action: action.0.to_string(),
        resource,
        claimed: Some(ClaimedReason {
            kind: if explicit {
                ClaimKind::ExplicitDeny
            } else {
                ClaimKind::ImplicitDeny
            },
            layer: Layer::Unspecified,
        }),
        context: entries,
    })
}

fn is_failed_console_login(event: &Value) -> bool {
    str_at(event, "eventName") == Some("ConsoleLogin")
        && get(event, "responseElements")
            .and_then(|r| str_at(r, "ConsoleLogin"))
            .is_some_and(|r| r == "Failure")
}

/// A CloudTrail event.
fn cloudtrail(place: Place<'_>, event: &Value) -> Result<DeniedRequest, DeniedError> {
    let identity = get(event, "userIdentity").ok_or_else(|| {
        place.error(
            event.span,
            "The event has no \"userIdentity\": it names no principal.",
        )
    })?;
    let principal = event_principal(place, identity)?;
    if is_failed_console_login(event) {
        let why = str_at(event, "errorMessage").unwrap_or("Failed authentication");
        let span = get(event, "eventName").map_or(event.span, |v| v.span);
        return Err(place.error(
            span,
            format!(
                "This is a failed console sign-in of {} (\"{why}\"): a wrong password, MFA code or sign-in URL, not a policy decision.",
                principal.arn
            ),
        )
        .with_help("No policy denies a console sign-in; check the sign-in URL (account ID or alias), the password and the MFA device."));
    }
    let code = get(event, "errorCode");
    match code.and_then(Value::as_str) {
        Some(c) if DENIED_CODES.contains(&c) => {}
        Some(c) => {
            return Err(place.error(
                code.map_or(event.span, |v| v.span),
                format!("The event failed with {c}, which is not an authorization failure."),
            )
            .with_help("Paste an event whose errorCode is AccessDenied, AccessDeniedException or Client.UnauthorizedOperation."));
        }
        None => {
            return Err(place.error(
                event.span,
                "The event has no errorCode: the request was not denied.",
            ));
        }
    }
    let source = required_str(place, event, "eventSource")?;
    let name = required_str(place, event, "eventName")?;
    let service = service_prefix(source.0);
    let mut action = format!("{service}:{}", action_name(service, name.0));
    let mut resource = None;
    let mut claimed = None;
    // AWS's own message, when it has the documented wording, names the action it evaluated,
    // the resource and the reason.
    if let Some(text) = str_at(event, "errorMessage")
        && let Ok(said) = message::parse_message(text)
    {
        action = said.action;
        resource = said.resource;
        claimed = said.claimed;
    }
    let region = str_at(event, "awsRegion");
    let account = str_at(event, "recipientAccountId").or(principal.account.as_deref());
    if resource.is_none() {
        resource = event_resource(event, service, region, account, partition(&principal));
    }
    if !looks_like_action(&action) {
        return Err(place.error(
            name.1,
            format!("\"{action}\" is not an action (service:Action)."),
        ));
    }

    let mut context = Vec::new();
    let text = |key: &str| str_at(event, key).filter(|v| !v.is_empty());
    if let Some(ip) = text("sourceIPAddress") {
        if ip.parse::<std::net::IpAddr>().is_ok() {
            add_context(&mut context, "aws:SourceIp", vec![ip.to_string()]);
        } else if ip.ends_with(".amazonaws.com") {
            // A service made the call on the principal's behalf.
            add_context(&mut context, "aws:ViaAWSService", vec!["true".to_string()]);
        }
    }
    if let Some(r) = region {
        add_context(&mut context, "aws:RequestedRegion", vec![r.to_string()]);
    }
    let attributes = get(identity, "sessionContext").and_then(|s| get(s, "attributes"));
    if let Some(mfa) = attributes.and_then(|a| str_at(a, "mfaAuthenticated")) {
        add_context(
            &mut context,
            "aws:MultiFactorAuthPresent",
            vec![mfa.to_ascii_lowercase()],
        );
    }
    if let Some(created) = attributes.and_then(|a| str_at(a, "creationDate")) {
        add_context(
            &mut context,
            "aws:TokenIssueTime",
            vec![created.to_string()],
        );
    }
    if let Some(t) = text("eventTime") {
        add_context(&mut context, "aws:CurrentTime", vec![t.to_string()]);
    }
    if let Some(agent) = text("userAgent") {
        add_context(&mut context, "aws:UserAgent", vec![agent.to_string()]);
    }
    if let Some(vpce) = text("vpcEndpointId") {
        add_context(&mut context, "aws:SourceVpce", vec![vpce.to_string()]);
    }
    if get(event, "tlsDetails").is_some_and(|t| t.as_object().is_some()) {
        add_context(
            &mut context,
            "aws:SecureTransport",
            vec!["true".to_string()],
        );
    }
    // Tags passed with the request (session tags of an AssumeRole call, tags of a create
    // call): `[{key, value}]`.
    let tags = get(event, "requestParameters")
        .and_then(|p| get(p, "tags").or_else(|| get(p, "Tags")))
        .and_then(Value::as_array)
        .unwrap_or(&[]);
    for tag in tags {
        let key = str_at(tag, "key").or_else(|| str_at(tag, "Key"));
        let value = str_at(tag, "value").or_else(|| str_at(tag, "Value"));
        if let (Some(k), Some(v)) = (key, value) {
            add_context(
                &mut context,
                &format!("aws:RequestTag/{k}"),
                vec![v.to_string()],
            );
        }
    }
    Ok(DeniedRequest {
        source: InputKind::CloudTrailEvent,
        principal,
        action,
        resource,
        claimed,
        context,
    })
}

/// The principal of a CloudTrail `userIdentity`.
fn event_principal(place: Place<'_>, identity: &Value) -> Result<DeniedPrincipal, DeniedError> {
    let kind = str_at(identity, "type").unwrap_or("");
    let account = str_at(identity, "accountId");
    let arn = str_at(identity, "arn").filter(|a| !a.is_empty());
    let built = match (kind, arn, account) {
        (_, Some(arn), _) => Some(arn.to_string()),
        ("IAMUser", None, Some(account)) => {
            str_at(identity, "userName").map(|n| format!("arn:aws:iam::{account}:user/{n}"))
        }
        ("Root", None, Some(account)) => Some(format!("arn:aws:iam::{account}:root")),
        ("AWSService", None, _) => str_at(identity, "invokedBy").map(str::to_string),
        ("AWSAccount", None, _) => {
            return Err(place.error(
                identity.span,
                format!(
                    "The event was logged in the resource's account and names only the calling account ({}), not the principal.",
                    account.unwrap_or("unknown")
                ),
            )
            .with_help("Paste the same event from the calling account's CloudTrail, which names the user or role."));
        }
        _ => None,
    };
    let Some(arn) = built else {
        return Err(place.error(
            identity.span,
            format!(
                "The userIdentity (type {}) names no principal ARN.",
                if kind.is_empty() { "missing" } else { kind }
            ),
        ));
    };
    let mut principal = DeniedPrincipal::from_arn(&arn).ok_or_else(|| {
        place.error(
            get(identity, "arn").map_or(identity.span, |v| v.span),
            format!("\"{arn}\" is not a principal ARN the playground models."),
        )
    })?;
    // The session issuer keeps the role's path, which the assumed-role ARN drops.
    if let PrincipalKind::RoleSession { role_arn, .. } = &mut principal.kind
        && let Some(issuer) = get(identity, "sessionContext")
            .and_then(|s| get(s, "sessionIssuer"))
            .and_then(|i| str_at(i, "arn"))
            .filter(|a| a.contains(":role/"))
    {
        *role_arn = issuer.to_string();
    }
    Ok(principal)
}

fn partition(principal: &DeniedPrincipal) -> &str {
    principal
        .arn
        .strip_prefix("arn:")
        .and_then(|r| r.split(':').next())
        .unwrap_or("aws")
}

/// The IAM service prefix of an `eventSource` (`s3.amazonaws.com` → `s3`).
fn service_prefix(event_source: &str) -> &str {
    let host = event_source
        .strip_suffix(".amazonaws.com")
        .unwrap_or(event_source);
    match host {
        "monitoring" => "cloudwatch",
        "email" => "ses",
        "tagging" => "tag",
        other => other,
    }
}

/// The IAM action name for an event name: CloudTrail logs API operations, and a few
/// operations are authorized by an action of another name.
fn action_name<'a>(service: &str, event_name: &'a str) -> &'a str {
    match (service, event_name) {
        ("s3", "ListObjects" | "ListObjectsV2" | "HeadBucket") => "ListBucket",
        ("s3", "ListObjectVersions") => "ListBucketVersions",
        ("s3", "ListBuckets") => "ListAllMyBuckets",
        ("s3", "HeadObject") => "GetObject",
        (
            "s3",
            "CopyObject"
            | "CreateMultipartUpload"
            | "UploadPart"
            | "UploadPartCopy"
            | "CompleteMultipartUpload",
        ) => "PutObject",
        ("s3", "DeleteObjects") => "DeleteObject",
        ("lambda", "Invoke") => "InvokeFunction",
        // Lambda logs versioned operation names (`GetFunction20150331v2`).
        ("lambda", name) => name
            .find(|c: char| c.is_ascii_digit())
            .and_then(|i| name.get(..i))
            .unwrap_or(name),
        (_, name) => name,
    }
}

/// The resource ARN of an event, where it can be derived: the first of `resources`, else the
/// request parameters that name it.
fn event_resource(
    event: &Value,
    service: &str,
    region: Option<&str>,
    account: Option<&str>,
    partition: &str,
) -> Option<String> {
    if let Some(arn) = get(event, "resources")
        .and_then(Value::as_array)
        .and_then(|r| r.iter().find_map(|r| str_at(r, "ARN")))
    {
        return Some(arn.to_string());
    }
    let params = get(event, "requestParameters")?;
    let p = |key: &str| str_at(params, key).filter(|v| !v.is_empty());
    let regional = |rest: String| {
        Some(format!(
            "arn:{partition}:{service}:{}:{}:{rest}",
            region?, account?
        ))
    };
    match service {
        "s3" => {
            let bucket = p("bucketName")?;
            Some(match p("key") {
                Some(key) => format!("arn:{partition}:s3:::{bucket}/{key}"),
                None => format!("arn:{partition}:s3:::{bucket}"),
            })
        }
        "sts" => p("roleArn").map(str::to_string),
        "kms" => {
            let key = p("keyId").or_else(|| p("aliasName"))?;
            if key.starts_with("arn:") {
                Some(key.to_string())
            } else if key.starts_with("alias/") {
                regional(key.to_string())
            } else {
                regional(format!("key/{key}"))
            }
        }
        "iam" => {
            if let Some(arn) = p("policyArn") {
                return Some(arn.to_string());
            }
            let account = account?;
            if let Some(role) = p("roleName") {
                Some(format!("arn:{partition}:iam::{account}:role/{role}"))
            } else {
                p("userName").map(|u| format!("arn:{partition}:iam::{account}:user/{u}"))
            }
        }
        "lambda" => {
            let f = p("functionName")?;
            if f.starts_with("arn:") {
                Some(f.to_string())
            } else {
                regional(format!("function:{f}"))
            }
        }
        "dynamodb" => regional(format!("table/{}", p("tableName")?)),
        "sns" => p("topicArn").map(str::to_string),
        "secretsmanager" => p("secretId")
            .filter(|s| s.starts_with("arn:"))
            .map(str::to_string),
        "sqs" => {
            let url = p("queueUrl")?;
            let name = url.rsplit('/').next()?;
            regional(name.to_string())
        }
        _ => None,
    }
}

/// The member `key` of an object value.
fn get<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    value
        .as_object()?
        .iter()
        .find(|m| m.key == key)
        .map(|m| &m.value)
}

/// The string member `key` of an object value.
fn str_at<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    get(value, key)?.as_str()
}

/// The string member `key`, or an error pointing at the object (or at the member when it is
/// not a string).
fn required_str<'v>(
    place: Place<'_>,
    value: &'v Value,
    key: &str,
) -> Result<(&'v str, Span), DeniedError> {
    match get(value, key) {
        Some(v) => match v.as_str() {
            Some(s) if !s.is_empty() => Ok((s, v.span)),
            _ => Err(place.error(
                v.span,
                format!(
                    "\"{key}\" should be a non-empty string, found {}.",
                    v.type_name()
                ),
            )),
        },
        None => Err(place.error(value.span, format!("\"{key}\" is missing."))),
    }
}
