//! A tolerant tokenizer for syntax highlighting.
//!
//! It never fails: every byte of the input is either whitespace or inside exactly one token,
//! and text JSON does not allow becomes [`TokenKind::Invalid`] (the validator says why). A
//! string without its closing quote ends at the end of its line, so one stray quote does not
//! colour the rest of the document as a string. It runs in one linear pass.

use serde::Serialize;

use crate::span::Span;

/// What a token is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum TokenKind {
    /// `{ } [ ] : ,`.
    Punctuation,
    /// A string followed by a colon: an object key.
    Key,
    /// Any other string (quotes included).
    String,
    /// A number as written.
    Number,
    /// `true`, `false` or `null`.
    Keyword,
    /// A `//` or `/* */` comment (JSON has none; the validator reports it).
    Comment,
    /// Anything else: a bare word, a stray character.
    Invalid,
}

impl TokenKind {
    /// The CSS class name suffix the editor uses (`key`, `string`, ...).
    pub fn class(self) -> &'static str {
        match self {
            TokenKind::Punctuation => "punct",
            TokenKind::Key => "key",
            TokenKind::String => "string",
            TokenKind::Number => "number",
            TokenKind::Keyword => "keyword",
            TokenKind::Comment => "comment",
            TokenKind::Invalid => "invalid",
        }
    }
}

/// One token and its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
    /// For strings and keys: whether the closing quote is missing.
    pub unterminated: bool,
}

/// Splits `text` into tokens in source order. Never fails and never panics.
pub fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out: Vec<Token> = Vec::new();
    let mut pos = 0;
    while let Some(&b) = bytes.get(pos) {
        let start = pos;
        let mut unterminated = false;
        let kind = match b {
            b' ' | b'\t' | b'\n' | b'\r' => {
                pos += 1;
                continue;
            }
            b'{' | b'}' | b'[' | b']' | b':' | b',' => {
                pos += 1;
                TokenKind::Punctuation
            }
            b'"' => {
                pos += 1;
                unterminated = true;
                while let Some(&c) = bytes.get(pos) {
                    match c {
                        b'\\' => pos += 2,
                        b'"' => {
                            pos += 1;
                            unterminated = false;
                            break;
                        }
                        b'\n' | b'\r' => break,
                        _ => pos += 1,
                    }
                }
                pos = pos.min(bytes.len());
                TokenKind::String
            }
            b'-' | b'0'..=b'9' => {
                pos += 1;
                while matches!(
                    bytes.get(pos),
                    Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                ) {
                    pos += 1;
                }
                TokenKind::Number
            }
            b'/' if bytes.get(pos + 1) == Some(&b'/') => {
                while !matches!(bytes.get(pos), None | Some(b'\n')) {
                    pos += 1;
                }
                TokenKind::Comment
            }
            b'/' if bytes.get(pos + 1) == Some(&b'*') => {
                pos += 2;
                loop {
                    match bytes.get(pos) {
                        None => break,
                        Some(b'*') if bytes.get(pos + 1) == Some(&b'/') => {
                            pos += 2;
                            break;
                        }
                        Some(_) => pos += 1,
                    }
                }
                TokenKind::Comment
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while matches!(bytes.get(pos), Some(c) if c.is_ascii_alphanumeric() || *c == b'_') {
                    pos += 1;
                }
                match text.get(start..pos) {
                    Some("true" | "false" | "null") => TokenKind::Keyword,
                    _ => TokenKind::Invalid,
                }
            }
            _ => {
                // One whole character (never half of a multi-byte one).
                pos += 1;
                while !text.is_char_boundary(pos) && pos < bytes.len() {
                    pos += 1;
                }
                TokenKind::Invalid
            }
        };
        out.push(Token {
            kind,
            span: Span::new(start, pos),
            unterminated,
        });
    }
    mark_keys(text, &mut out);
    out
}

/// Turns every string that is followed by a colon into a key.
fn mark_keys(text: &str, tokens: &mut [Token]) {
    let mut next_is_colon = false;
    for token in tokens.iter_mut().rev() {
        if token.kind == TokenKind::String && next_is_colon {
            token.kind = TokenKind::Key;
        }
        next_is_colon = token.kind == TokenKind::Punctuation && token.span.slice(text) == ":";
    }
}

/// The decoded content of a string token up to byte `end` (exclusive), without the opening
/// quote; escapes are decoded loosely (an invalid escape keeps its character).
pub fn string_content(text: &str, token: &Token, end: usize) -> String {
    let inner_start = token.span.start + 1;
    let inner_end = if token.unterminated {
        token.span.end
    } else {
        token.span.end.saturating_sub(1)
    }
    .min(end)
    .max(inner_start);
    let raw = text.get(inner_start..inner_end).unwrap_or("");
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded) => out.push(decoded),
                    None => out.push('\u{fffd}'),
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text)
            .iter()
            .map(|t| (t.kind, t.span.slice(text)))
            .collect()
    }

    #[test]
    fn tokens_of_a_policy() {
        use TokenKind::*;
        assert_eq!(
            kinds(r#"{"Effect": "Allow", "N": [1.5e3, true, null]}"#),
            vec![
                (Punctuation, "{"),
                (Key, "\"Effect\""),
                (Punctuation, ":"),
                (String, "\"Allow\""),
                (Punctuation, ","),
                (Key, "\"N\""),
                (Punctuation, ":"),
                (Punctuation, "["),
                (Number, "1.5e3"),
                (Punctuation, ","),
                (Keyword, "true"),
                (Punctuation, ","),
                (Keyword, "null"),
                (Punctuation, "]"),
                (Punctuation, "}"),
            ]
        );
    }

    #[test]
    fn bad_text_becomes_invalid_tokens_and_strings_stop_at_line_end() {
        use TokenKind::*;
        let text = "{\"a\": \"open\n True, é // note\n}";
        let tokens = tokenize(text);
        assert_eq!(
            kinds(text),
            vec![
                (Punctuation, "{"),
                (Key, "\"a\""),
                (Punctuation, ":"),
                (String, "\"open"),
                (Invalid, "True"),
                (Punctuation, ","),
                (Invalid, "é"),
                (Comment, "// note"),
                (Punctuation, "}"),
            ]
        );
        assert!(tokens.get(3).is_some_and(|t| t.unterminated));
    }

    #[test]
    fn string_content_decodes_escapes_up_to_the_cursor() {
        let text = r#""a\"b\u00e9c""#;
        let token = tokenize(text).first().copied().unwrap_or(Token {
            kind: TokenKind::Invalid,
            span: Span::new(0, 0),
            unterminated: false,
        });
        assert_eq!(string_content(text, &token, text.len()), "a\"béc");
        assert_eq!(string_content(text, &token, 3), "a");
    }
}
