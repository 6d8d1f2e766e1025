//! Small text helpers the views share: counts in words and digits, capitals and sentence case. Pure
//! functions, so they are unit-tested natively and no view imports another for them.

/// `1 user`, `2 users`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `1 error`, `2 errors`: [`count`] for a word whose plural adds an `s`.
pub fn plural(n: usize, word: &str) -> String {
    count(n, word, &format!("{word}s"))
}

/// Formats a count with thousands separators, the way the UI shows numbers (22,091).
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A size in bytes the way the page shows it: `512 bytes`, `48 KB`, `2.4 MB`, `64 MB` (decimal
/// units, as browsers' download lists and operating systems' file managers show them).
pub fn megabytes(bytes: f64) -> String {
    let bytes = bytes.max(0.0);
    if bytes < 1_000.0 {
        format!("{bytes:.0} bytes")
    } else if bytes < 1_000_000.0 {
        format!("{:.0} KB", (bytes / 1_000.0).max(1.0))
    } else if bytes < 10_000_000.0 {
        format!("{:.1} MB", bytes / 1_000_000.0)
    } else {
        format!("{:.0} MB", bytes / 1_000_000.0)
    }
}

/// "user" → "User"; "AWS-managed policy" stays. For the playground's own words, which start
/// with an ASCII letter: ASCII case mapping keeps the Unicode case tables (12 KB) out of the
/// main module.
pub fn capitalise(text: &str) -> String {
    let mut out = text.to_owned();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

/// "Inline policy S3 of user alice" as it reads after "Edit ": the first letter in lower case,
/// unless the first word is an acronym ("SCP").
pub fn sentence_case(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), label.chars().nth(1)) {
        (Some(first), Some(second)) if second.is_ascii_lowercase() => {
            std::iter::once(first.to_ascii_lowercase())
                .chain(chars)
                .collect()
        }
        _ => label.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_decimal_units() {
        assert_eq!(megabytes(0.0), "0 bytes");
        assert_eq!(megabytes(999.0), "999 bytes");
        assert_eq!(megabytes(48_200.0), "48 KB");
        assert_eq!(megabytes(2_360_000.0), "2.4 MB");
        assert_eq!(megabytes(67_108_864.0), "67 MB");
    }

    #[test]
    fn counts_read_as_words() {
        assert_eq!(count(1, "user", "users"), "1 user");
        assert_eq!(count(0, "policy", "policies"), "0 policies");
        assert_eq!(plural(1, "error"), "1 error");
        assert_eq!(plural(3, "error"), "3 errors");
    }

    #[test]
    fn thousands_groups_digits_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(22091), "22,091");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn kinds_start_with_a_capital() {
        assert_eq!(capitalise("user"), "User");
        assert_eq!(capitalise("AWS-managed policy"), "AWS-managed policy");
        assert_eq!(capitalise(""), "");
    }

    #[test]
    fn undo_labels_read_as_sentences() {
        assert_eq!(
            sentence_case("Inline policy S3 of user alice"),
            "inline policy S3 of user alice"
        );
        assert_eq!(sentence_case("SCP Deny at level 1"), "SCP Deny at level 1");
        assert_eq!(sentence_case(""), "");
    }
}
