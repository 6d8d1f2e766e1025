//! AWS's naming rules and quotas, as small checks shared by the editing operations and the
//! scenario's validation.
//!
//! Sources: the IAM API Reference (`CreateUser`, `CreateGroup`, `CreateRole`, `CreatePolicy`,
//! `PutUserPolicy`, `CreateAccountAlias`, `TagUser`) for name patterns and lengths, and the IAM
//! User Guide's quota page (`reference_iam-quotas.html`) for counts and sizes. AWS's `\w` is
//! ASCII (`[A-Za-z0-9_]`), so IAM names are ASCII.

use super::{ResourceKind, Tag};

/// The largest scenario file [`super::Scenario::from_json`] reads, in bytes: 64 MiB, room for
/// an imported real account (5,000 roles, 1,000 users and 2,000 policies make one of about 9 MB).
pub const MAX_SCENARIO_BYTES: usize = 64 * 1024 * 1024;
/// Access keys older than this many days are reported as stale (AWS's Trusted Advisor and
/// the IAM credential report use 90 days).
pub const STALE_ACCESS_KEY_DAYS: u32 = 90;
/// Full administrator access held by more principals than this is reported as granted
/// broadly: an account needs one or two administrators besides the root user.
pub const ADMIN_PRINCIPALS_THRESHOLD: usize = 2;

pub(crate) const USER_NAME_MAX: usize = 64;
pub(crate) const ROLE_NAME_MAX: usize = 64;
pub(crate) const GROUP_NAME_MAX: usize = 128;
pub(crate) const POLICY_NAME_MAX: usize = 128;
pub(crate) const PATH_MAX: usize = 512;
pub(crate) const DESCRIPTION_MAX: usize = 1000;
pub(crate) const GROUPS_PER_USER: usize = 10;
pub(crate) const MANAGED_PER_ENTITY: usize = 10;
pub(crate) const USER_INLINE_MAX: usize = 2048;
pub(crate) const GROUP_INLINE_MAX: usize = 5120;
pub(crate) const ROLE_INLINE_MAX: usize = 10240;
pub(crate) const MANAGED_POLICY_MAX: usize = 6144;
pub(crate) const TRUST_POLICY_MAX: usize = 2048;
pub(crate) const ORG_POLICY_MAX: usize = 5120;
pub(crate) const ORG_POLICIES_PER_LEVEL: usize = 5;
pub(crate) const ORG_OU_DEPTH_MAX: usize = 5;
pub(crate) const TAGS_MAX: usize = 50;
pub(crate) const ACCESS_KEYS_MAX: usize = 2;
pub(crate) const SESSION_MIN: u32 = 3600;
pub(crate) const SESSION_MAX: u32 = 43200;
pub(crate) const USERS_MAX: usize = 5000;
pub(crate) const GROUPS_MAX: usize = 300;
pub(crate) const ROLES_MAX: usize = 1000;
pub(crate) const POLICIES_MAX: usize = 1500;

/// The note shown beside the managed-policy quota of users and roles.
pub(crate) const RAISABLE_NOTE: &str =
    "AWS's default quota; it can be raised to 20 through Service Quotas.";

/// A problem found by a check: a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub code: &'static str,
    pub message: String,
}

pub(crate) fn problem(code: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        code,
        message: message.into(),
    }
}

/// The size AWS counts against policy quotas: characters, not counting whitespace.
pub fn policy_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)
}

/// Checks an IAM name (`[\w+=,.@-]+`, 1 to `max` characters).
pub(crate) fn check_name(kind: &str, name: &str, max: usize) -> Result<(), Problem> {
    if name.is_empty() {
        return Err(problem(
            "name-empty",
            format!("A {kind} name cannot be empty."),
        ));
    }
    let len = name.chars().count();
    if len > max {
        return Err(problem(
            "name-too-long",
            format!("The {kind} name is {len} characters long; {kind} names can be at most {max}."),
        ));
    }
    if let Some(bad) = name.chars().find(|c| !name_char(*c)) {
        return Err(problem(
            "name-invalid",
            format!(
                "The {kind} name \"{name}\" contains {bad:?}; names may contain only letters, digits and + = , . @ _ -."
            ),
        ));
    }
    Ok(())
}

/// Checks an IAM path: `/` alone, or `/…/` of printable ASCII, at most 512 characters.
/// Policy paths may not contain `*` (`CreatePolicy`).
pub(crate) fn check_path(path: &str, policy: bool) -> Result<(), Problem> {
    let bad = || {
        problem(
            "path-invalid",
            format!(
                "The path \"{path}\" is not valid: it must be \"/\" or start and end with \"/\", using printable ASCII characters without spaces."
            ),
        )
    };
    if path.len() > PATH_MAX {
        return Err(problem(
            "path-too-long",
            format!(
                "The path is {} characters long; paths can be at most {PATH_MAX}.",
                path.len()
            ),
        ));
    }
    if path == "/" {
        return Ok(());
    }
    if path.len() < 3 || !path.starts_with('/') || !path.ends_with('/') {
        return Err(bad());
    }
    if !path.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(bad());
    }
    if policy && path.contains('*') {
        return Err(problem(
            "path-invalid",
            format!("The path \"{path}\" contains \"*\", which policy paths cannot contain."),
        ));
    }
    Ok(())
}

/// Checks a 12-digit account id.
pub(crate) fn check_account_id(id: &str) -> Result<(), Problem> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(problem(
            "account-id-invalid",
            format!(
                "The account id \"{id}\" is not valid: an AWS account id is exactly 12 digits."
            ),
        ))
    }
}

/// Checks an account alias: `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`.
pub(crate) fn check_alias(alias: &str) -> Result<(), Problem> {
    let bytes = alias.as_bytes();
    let ok_char = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-';
    let valid = (3..=63).contains(&bytes.len())
        && bytes.iter().all(ok_char)
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-')
        && !alias.contains("--");
    if valid {
        Ok(())
    } else {
        Err(problem(
            "alias-invalid",
            format!(
                "The account alias \"{alias}\" is not valid: use 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, without two hyphens in a row."
            ),
        ))
    }
}

/// Checks a role or policy description: at most 1,000 characters of tab, newline, printable
/// ASCII and Latin-1.
pub(crate) fn check_description(text: &str) -> Result<(), Problem> {
    let len = text.chars().count();
    if len > DESCRIPTION_MAX {
        return Err(problem(
            "description-too-long",
            format!(
                "The description is {len} characters long; descriptions can be at most {DESCRIPTION_MAX}."
            ),
        ));
    }
    let ok = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{a1}'..='\u{ff}');
    if let Some(bad) = text.chars().find(|c| !ok(*c)) {
        return Err(problem(
            "description-invalid",
            format!("The description contains {bad:?}, which AWS does not accept in descriptions."),
        ));
    }
    Ok(())
}

fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

/// Checks a list of tags: at most 50, keys 1–128 characters and unique without regard to case,
/// values at most 256, letters, digits, spaces and `_.:/=+-@`, no `aws:` prefix.
pub(crate) fn check_tags(tags: &[Tag]) -> Result<(), Problem> {
    if tags.len() > TAGS_MAX {
        return Err(problem(
            "too-many-tags",
            format!(
                "There are {} tags; AWS allows at most {TAGS_MAX}.",
                tags.len()
            ),
        ));
    }
    for (i, tag) in tags.iter().enumerate() {
        let key_len = tag.key.chars().count();
        if key_len == 0 || key_len > 128 {
            return Err(problem(
                "tag-invalid",
                format!(
                    "The tag key \"{}\" must be 1 to 128 characters long.",
                    tag.key
                ),
            ));
        }
        if tag.value.chars().count() > 256 {
            return Err(problem(
                "tag-invalid",
                format!(
                    "The value of tag \"{}\" is longer than 256 characters.",
                    tag.key
                ),
            ));
        }
        if let Some(bad) = tag
            .key
            .chars()
            .chain(tag.value.chars())
            .find(|c| !tag_char(*c))
        {
            return Err(problem(
                "tag-invalid",
                format!(
                    "Tag \"{}\" contains {bad:?}; tags may contain letters, digits, spaces and _ . : / = + - @.",
                    tag.key
                ),
            ));
        }
        if tag.key.len() >= 4
            && tag
                .key
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
        {
            return Err(problem(
                "tag-invalid",
                format!(
                    "The tag key \"{}\" starts with \"aws:\", which AWS reserves.",
                    tag.key
                ),
            ));
        }
        let duplicate = tags
            .iter()
            .take(i)
            .any(|t| t.key.to_lowercase() == tag.key.to_lowercase());
        if duplicate {
            return Err(problem(
                "tag-duplicate",
                format!(
                    "There are two tags with the key \"{}\" (keys are compared without regard to case).",
                    tag.key
                ),
            ));
        }
    }
    Ok(())
}

/// Checks a resource name against its service's rules.
pub(crate) fn check_resource_name(kind: ResourceKind, name: &str) -> Result<(), Problem> {
    let bad = |rule: &str| {
        Err(problem(
            "resource-name-invalid",
            format!(
                "The {} name \"{name}\" is not valid: {rule}",
                kind.describe()
            ),
        ))
    };
    match kind {
        ResourceKind::S3Bucket => {
            let b = name.as_bytes();
            let chars_ok = b
                .iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-');
            let ends_ok =
                |c: Option<&u8>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
            if !(3..=63).contains(&b.len())
                || !chars_ok
                || !ends_ok(b.first())
                || !ends_ok(b.last())
                || name.contains("..")
            {
                return bad(
                    "bucket names are 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.",
                );
            }
        }
        ResourceKind::SqsQueue | ResourceKind::SnsTopic => {
            let max = if kind == ResourceKind::SqsQueue {
                80
            } else {
                256
            };
            let stem = name.strip_suffix(".fifo").unwrap_or(name);
            let ok = !stem.is_empty()
                && name.len() <= max
                && stem
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
            if !ok {
                return bad(&format!(
                    "names are 1 to {max} letters, digits, hyphens and underscores, optionally ending in \".fifo\"."
                ));
            }
        }
        ResourceKind::KmsKey => {
            let ok = (1..=256).contains(&name.len())
                && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
            if !ok {
                return bad(
                    "a key id is letters, digits and hyphens, usually a UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab.",
                );
            }
        }
        ResourceKind::VpcEndpoint => {
            if !crate::simulate::is_vpc_endpoint_id(name) {
                return bad(
                    "an endpoint id is vpce- and 8 or 17 lowercase hexadecimal digits, such as vpce-0a1b2c3d4e5f60718.",
                );
            }
        }
    }
    Ok(())
}

/// Checks a policy document's size against a quota (characters not counting whitespace, or
/// all characters when `count_whitespace`).
pub(crate) fn check_size(
    what: &str,
    text: &str,
    max: usize,
    count_whitespace: bool,
) -> Result<(), Problem> {
    let size = if count_whitespace {
        text.chars().count()
    } else {
        policy_size(text)
    };
    if size > max {
        let unit = if count_whitespace {
            "characters"
        } else {
            "characters not counting whitespace"
        };
        return Err(problem(
            "policy-too-large",
            format!("{what} is {size} {unit}; AWS allows at most {max}."),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_name("user", "alice+ops@example.com", 64).is_ok());
        assert_eq!(check_name("user", "", 64).unwrap_err().code, "name-empty");
        assert_eq!(
            check_name("user", &"a".repeat(65), 64).unwrap_err().code,
            "name-too-long"
        );
        assert!(check_name("group", &"a".repeat(128), 128).is_ok());
        assert_eq!(
            check_name("user", "a b", 64).unwrap_err().code,
            "name-invalid"
        );
        assert_eq!(
            check_name("user", "<script>", 64).unwrap_err().code,
            "name-invalid"
        );
        assert_eq!(
            check_name("user", "é", 64).unwrap_err().code,
            "name-invalid"
        );
    }

    #[test]
    fn paths() {
        assert!(check_path("/", false).is_ok());
        assert!(check_path("/division_abc/subdivision_xyz/", false).is_ok());
        assert!(check_path("/a*/", false).is_ok());
        assert!(check_path("/a*/", true).is_err());
        assert!(check_path("", false).is_err());
        assert!(check_path("//", false).is_err());
        assert!(check_path("/a", false).is_err());
        assert!(check_path("/a b/", false).is_err());
        let long = format!("/{}/", "a".repeat(511));
        assert_eq!(check_path(&long, false).unwrap_err().code, "path-too-long");
    }

    #[test]
    fn accounts_and_aliases() {
        assert!(check_account_id("111122223333").is_ok());
        assert!(check_account_id("11112222333").is_err());
        assert!(check_account_id("11112222333a").is_err());
        assert!(check_alias("example-corp").is_ok());
        assert!(check_alias("ab").is_err());
        assert!(check_alias("-abc").is_err());
        assert!(check_alias("abc-").is_err());
        assert!(check_alias("a--b").is_err());
        assert!(check_alias("Abc").is_err());
        assert!(check_alias(&"a".repeat(64)).is_err());
    }

    #[test]
    fn tags_and_descriptions() {
        let tag = |k: &str, v: &str| Tag {
            key: k.into(),
            value: v.into(),
        };
        assert!(check_tags(&[tag("team", "blue"), tag("cost center", "42")]).is_ok());
        assert_eq!(
            check_tags(&[tag("Team", "a"), tag("team", "b")])
                .unwrap_err()
                .code,
            "tag-duplicate"
        );
        assert!(check_tags(&[tag("aws:x", "a")]).is_err());
        assert!(check_tags(&[tag("", "a")]).is_err());
        assert!(check_tags(&[tag("a", "<b>")]).is_err());
        let many: Vec<Tag> = (0..51).map(|i| tag(&format!("k{i}"), "")).collect();
        assert_eq!(check_tags(&many).unwrap_err().code, "too-many-tags");
        assert!(check_description("Read-only access for auditors.").is_ok());
        assert!(check_description(&"x".repeat(1001)).is_err());
        assert!(check_description("emoji 🙂").is_err());
    }

    #[test]
    fn resource_names() {
        assert!(check_resource_name(ResourceKind::S3Bucket, "example-reports").is_ok());
        assert!(check_resource_name(ResourceKind::S3Bucket, "Example").is_err());
        assert!(check_resource_name(ResourceKind::S3Bucket, "ab").is_err());
        assert!(check_resource_name(ResourceKind::SqsQueue, "jobs.fifo").is_ok());
        assert!(check_resource_name(ResourceKind::SqsQueue, ".fifo").is_err());
        assert!(check_resource_name(ResourceKind::SnsTopic, "alerts_1").is_ok());
        assert!(
            check_resource_name(ResourceKind::KmsKey, "1234abcd-12ab-34cd-56ef-1234567890ab")
                .is_ok()
        );
        assert!(check_resource_name(ResourceKind::KmsKey, "key/1").is_err());
        assert!(check_resource_name(ResourceKind::VpcEndpoint, "vpce-0a1b2c3d").is_ok());
        assert!(check_resource_name(ResourceKind::VpcEndpoint, "vpce-0A1B2C3D").is_err());
    }

    #[test]
    fn sizes() {
        assert_eq!(policy_size("{ \"a\" :\n 1 }"), 7);
        assert!(check_size("x", &"a".repeat(10), 10, false).is_ok());
        assert!(check_size("x", &"a".repeat(11), 10, false).is_err());
        assert!(check_size("x", "a a", 2, true).is_err());
    }
}
