//! Editor support: everything the policy editor needs that is not IAM evaluation.
//!
//! - [`tokens`]: a tolerant tokenizer for syntax highlighting (never fails, any input).
//! - [`complete`]: what to suggest at a cursor offset (actions with their access level,
//!   resource ARN formats for the statement's actions, condition operators and keys,
//!   element names, `Allow`/`Deny`).
//! - [`format`]: pretty printing that keeps key order and the user's string escapes.
//! - [`edit`]: span-preserving edits for the visual statement editor: each one replaces only
//!   the bytes of the JSON value it changes, so the rest of the user's formatting stays
//!   byte-identical.
//!
//! Offsets are byte offsets into the text, like every [`Span`]; browsers count text positions
//! in UTF-16 code units, so [`byte_to_utf16`] and [`utf16_to_byte`] convert at the edge.

pub mod complete;
pub mod edit;
pub mod format;
pub mod tokens;

use std::fmt;

use crate::span::Span;

/// Why an edit or a format could not be made; the text is left as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError {
    /// A stable code such as `json-invalid` or `no-such-statement`.
    pub code: &'static str,
    /// One sentence for the user.
    pub message: String,
}

impl EditError {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Self {
        EditError {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EditError {}

/// The largest char boundary of `text` at or before `offset` (clamped to the text).
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Converts a byte offset into the UTF-16 offset a browser text field uses. Offsets inside a
/// character or past the end are clamped first.
pub fn byte_to_utf16(text: &str, offset: usize) -> usize {
    let at = floor_char_boundary(text, offset);
    text.get(..at).map_or(0, |s| s.encode_utf16().count())
}

/// Converts a browser's UTF-16 offset into a byte offset. An offset between the two halves of
/// a surrogate pair is moved to the start of the character; past the end means the end.
pub fn utf16_to_byte(text: &str, offset: usize) -> usize {
    let mut units = 0;
    for (byte, c) in text.char_indices() {
        let next = units + c.len_utf16();
        if next > offset {
            return byte;
        }
        units = next;
    }
    text.len()
}

/// The UTF-16 range of a byte span, for `setSelectionRange`.
pub fn span_to_utf16(text: &str, span: Span) -> (usize, usize) {
    (
        byte_to_utf16(text, span.start),
        byte_to_utf16(text, span.end),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_round_trip_across_multibyte_text() {
        let text = "a\u{e9}\u{1f600}b";
        // a (1 byte, 1 unit), é (2 bytes, 1 unit), 😀 (4 bytes, 2 units), b.
        assert_eq!(byte_to_utf16(text, 0), 0);
        assert_eq!(byte_to_utf16(text, 1), 1);
        assert_eq!(byte_to_utf16(text, 3), 2);
        assert_eq!(byte_to_utf16(text, 7), 4);
        assert_eq!(byte_to_utf16(text, 8), 5);
        assert_eq!(byte_to_utf16(text, 2), 1, "inside é clamps to its start");
        assert_eq!(byte_to_utf16(text, 99), 5);
        assert_eq!(utf16_to_byte(text, 4), 7);
        assert_eq!(
            utf16_to_byte(text, 3),
            3,
            "inside the pair moves to its start"
        );
        assert_eq!(utf16_to_byte(text, 99), 8);
        assert_eq!(span_to_utf16(text, Span::new(1, 7)), (1, 4));
    }
}
