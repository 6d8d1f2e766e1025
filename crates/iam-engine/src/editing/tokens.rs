//! A tolerant tokenizer for syntax highlighting.
//!
//! It never fails: every byte of the input is either whitespace or inside exactly one token,
//! and text JSON does not allow becomes [`TokenKind::Invalid`] (the validator says why). A
//! string without its closing quote ends at the end of its line, so one stray quote does not
//! colour the rest of the document as a string. It runs in one linear pass.
//!
//! [`tokenize_yaml`] does the same for the block YAML of an exported CloudFormation template,
//! line by line, and [`mark_functions`] tells intrinsic functions (`Ref`, `Fn::Sub`) from
//! other keys in either format.

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
    /// A CloudFormation intrinsic function: a `Ref` or `Fn::…` key, or a YAML tag such as
    /// `!Ref` with its argument ([`mark_functions`], [`tokenize_yaml`]).
    Function,
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
            TokenKind::Function => "fn",
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

/// Turns every key that names a CloudFormation intrinsic function (`Ref`, `Fn::…`, quoted or
/// not) into a [`TokenKind::Function`].
pub fn mark_functions(text: &str, tokens: &mut [Token]) {
    for token in tokens.iter_mut() {
        if token.kind != TokenKind::Key {
            continue;
        }
        let bare = token.span.slice(text).trim_matches(['"', '\'']);
        if bare == "Ref" || bare.starts_with("Fn::") {
            token.kind = TokenKind::Function;
        }
    }
}

/// Splits block YAML (the export's templates: mappings, `- ` sequences, plain and quoted
/// scalars, `#` comments, `!Tag` values) into tokens, line by line: the key of a line, its `:`,
/// and its value as one token. Like [`tokenize`] it never fails, covers every byte that is not
/// whitespace, and runs in one linear pass; flow collections and multi-line scalars are not
/// parsed, only coloured as values.
pub fn tokenize_yaml(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut push = |kind: TokenKind, start: usize, end: usize| {
        if start < end {
            out.push(Token {
                kind,
                span: Span::new(start, end),
                unterminated: false,
            });
        }
    };
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']).trim_end();
        let mut rest = body.trim_start();
        let mut pos = line_start + (body.len() - rest.len());
        line_start += line.len();
        if rest.starts_with('#') {
            push(TokenKind::Comment, pos, pos + rest.len());
            continue;
        }
        while let Some(after) = rest.strip_prefix('-') {
            let item = after.trim_start();
            if !(after.is_empty() || after.starts_with(' ')) {
                break;
            }
            push(TokenKind::Punctuation, pos, pos + 1);
            pos += 1 + (after.len() - item.len());
            rest = item;
        }
        if let Some(end) = yaml_key_end(rest) {
            push(TokenKind::Key, pos, pos + end);
            push(TokenKind::Punctuation, pos + end, pos + end + 1);
            let after = rest.get(end + 1..).unwrap_or("");
            let value = after.trim_start();
            pos += end + 1 + (after.len() - value.len());
            rest = value;
        }
        let kind = if rest.starts_with('!') {
            TokenKind::Function
        } else if matches!(rest, "true" | "false" | "null" | "~") {
            TokenKind::Keyword
        } else if rest.starts_with(|c: char| c.is_ascii_digit() || c == '-')
            && rest.parse::<f64>().is_ok()
        {
            TokenKind::Number
        } else {
            TokenKind::String
        };
        push(kind, pos, pos + rest.len());
    }
    mark_functions(text, &mut out);
    out
}

/// Splits HCL (the Terraform export) into tokens for colouring, in one linear pass that never
/// fails: `#` and `//` comments, quoted strings (escapes and `${…}` interpolations inside them
/// stay part of the string; an unterminated one runs to the line's end), the name before an `=`
/// as a [`TokenKind::Key`], a block type (the first word of a line followed by a label or `{`)
/// and a function name before `(` as a [`TokenKind::Function`], `true`/`false`/`null`, and
/// numbers. Other words (references such as `aws_iam_user.alice.name`) and punctuation are left
/// out, shown as they are.
pub fn tokenize_hcl(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut push = |kind: TokenKind, start: usize, end: usize, unterminated: bool| {
        if start < end {
            out.push(Token {
                kind,
                span: Span::new(start, end),
                unterminated,
            });
        }
    };
    let mut i = 0;
    // Whether only whitespace came before `i` on its line.
    let mut line_start = true;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                let end = line_end(bytes, i);
                push(TokenKind::Comment, i, end, false);
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = line_end(bytes, i);
                push(TokenKind::Comment, i, end, false);
                i = end;
            }
            b'"' => {
                let start = i;
                let mut j = i + 1;
                let mut closed = false;
                while let Some(&d) = bytes.get(j) {
                    match d {
                        // The escaped character may take several bytes.
                        b'\\' => {
                            j += 1 + text
                                .get(j + 1..)
                                .and_then(|r| r.chars().next())
                                .map_or(1, char::len_utf8);
                        }
                        b'"' => {
                            closed = true;
                            j += 1;
                            break;
                        }
                        b'\n' => break,
                        _ => j += 1,
                    }
                }
                let end = j.min(text.len());
                let kind = if next_non_space(bytes, end) == Some(b'=')
                    && bytes.get(skip_spaces(bytes, end) + 1) != Some(&b'=')
                {
                    TokenKind::Key
                } else {
                    TokenKind::String
                };
                push(kind, start, end, !closed);
                i = end;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                let mut j = i;
                while bytes.get(j).is_some_and(|b| {
                    b.is_ascii_alphanumeric()
                        || matches!(b, b'_' | b'-' | b'.' | b'*' | b'[' | b']')
                }) {
                    j += 1;
                }
                let word = text.get(start..j).unwrap_or("");
                let next = next_non_space(bytes, j);
                let kind = if matches!(word, "true" | "false" | "null") {
                    Some(TokenKind::Keyword)
                } else if next == Some(b'=') && bytes.get(skip_spaces(bytes, j) + 1) != Some(&b'=')
                {
                    Some(TokenKind::Key)
                } else if next == Some(b'(') || (line_start && matches!(next, Some(b'"' | b'{'))) {
                    Some(TokenKind::Function)
                } else {
                    None
                };
                if let Some(kind) = kind {
                    push(kind, start, j, false);
                }
                i = j;
            }
            c if c.is_ascii_digit() => {
                let start = i;
                let mut j = i;
                while bytes
                    .get(j)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'))
                {
                    j += 1;
                }
                push(TokenKind::Number, start, j, false);
                i = j;
            }
            _ => {
                // Punctuation, operators and any other character: shown as is.
                i += text
                    .get(i..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
            }
        }
        line_start = false;
    }
    out
}

/// The byte where the line holding `from` ends (its `\n`, or the text's end).
fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(bytes.len(), |n| from + n)
}

/// The first byte at or after `from` that is not a space or tab.
fn skip_spaces(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

fn next_non_space(bytes: &[u8], from: usize) -> Option<u8> {
    bytes.get(skip_spaces(bytes, from)).copied()
}

/// Where the key of a YAML line ends (the byte of its `:`), if the line has one: a quoted key
/// followed by `:` and a space or the line's end, or plain text up to its first `: ` (or a
/// final `:`).
fn yaml_key_end(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    match bytes.first() {
        Some(&quote @ (b'"' | b'\'')) => {
            let mut i = 1;
            while let Some(&c) = bytes.get(i) {
                if c == quote {
                    break;
                }
                i += if c == b'\\' && quote == b'"' { 2 } else { 1 };
            }
            // The closing quote is ASCII, so one past it is a character boundary; without
            // one, the key runs to the end of the line.
            let close = (i + 1).min(rest.len());
            let after = rest.get(close..)?;
            let colon = after.strip_prefix(':')?;
            (colon.is_empty() || colon.starts_with(' ')).then_some(close)
        }
        _ => rest
            .find(": ")
            .or_else(|| rest.strip_suffix(':').map(str::len)),
    }
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

    fn hcl_kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize_hcl(text)
            .iter()
            .map(|t| (t.kind, t.span.slice(text)))
            .collect()
    }

    #[test]
    fn hcl_blocks_keys_strings_and_comments() {
        let text = "# Exported.\nresource \"aws_iam_user\" \"a\" {\n  name = \"a\\\"${x}\"\n  tags = { \"k:1\" = \"v\" }\n  policy = jsonencode({ Version = 1.5, On = true })\n  user = aws_iam_user.a.name\n  ok = a == b\n}\n";
        assert_eq!(
            hcl_kinds(text),
            vec![
                (TokenKind::Comment, "# Exported."),
                (TokenKind::Function, "resource"),
                (TokenKind::String, "\"aws_iam_user\""),
                (TokenKind::String, "\"a\""),
                (TokenKind::Key, "name"),
                (TokenKind::String, "\"a\\\"${x}\""),
                (TokenKind::Key, "tags"),
                (TokenKind::Key, "\"k:1\""),
                (TokenKind::String, "\"v\""),
                (TokenKind::Key, "policy"),
                (TokenKind::Function, "jsonencode"),
                (TokenKind::Key, "Version"),
                (TokenKind::Number, "1.5"),
                (TokenKind::Key, "On"),
                (TokenKind::Keyword, "true"),
                (TokenKind::Key, "user"),
                (TokenKind::Key, "ok"),
            ]
        );
        // Broken text never panics: an open string runs to the line's end.
        let broken = "a = \"open\nb = ☃ \\\nc = \"\\☃\"";
        let kinds = hcl_kinds(broken);
        assert_eq!(kinds.get(1), Some(&(TokenKind::String, "\"open")));
        assert!(tokenize_hcl(broken).iter().any(|t| t.unterminated));
        for cut in 0..text.len() {
            if let Some(prefix) = text.get(..cut) {
                let _ = tokenize_hcl(prefix);
            }
        }
    }

    fn yaml_kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize_yaml(text)
            .iter()
            .map(|t| (t.kind, t.span.slice(text)))
            .collect()
    }

    #[test]
    fn yaml_keys_values_functions_and_comments() {
        let text = "# note\nResources:\n  U:\n    Ref: X\n    \"Fn::Sub\": arn:${AWS::Partition}\n    - \"2012-10-17\"\n    N: 3600\n    T: !Ref Y\n    B: true\n";
        let kinds = yaml_kinds(text);
        for expected in [
            (TokenKind::Comment, "# note"),
            (TokenKind::Key, "Resources"),
            (TokenKind::Punctuation, ":"),
            (TokenKind::Function, "Ref"),
            (TokenKind::String, "X"),
            (TokenKind::Function, "\"Fn::Sub\""),
            (TokenKind::String, "arn:${AWS::Partition}"),
            (TokenKind::Punctuation, "-"),
            (TokenKind::String, "\"2012-10-17\""),
            (TokenKind::Number, "3600"),
            (TokenKind::Function, "!Ref Y"),
            (TokenKind::Keyword, "true"),
        ] {
            assert!(kinds.contains(&expected), "{expected:?} in {kinds:?}");
        }
        // A value with a colon inside is one string; a sequence of mappings keeps its keys.
        assert_eq!(
            yaml_kinds("- Effect: Allow\n  Action: s3:GetObject"),
            [
                (TokenKind::Punctuation, "-"),
                (TokenKind::Key, "Effect"),
                (TokenKind::Punctuation, ":"),
                (TokenKind::String, "Allow"),
                (TokenKind::Key, "Action"),
                (TokenKind::Punctuation, ":"),
                (TokenKind::String, "s3:GetObject"),
            ]
        );
    }

    #[test]
    fn yaml_tokens_cover_every_byte_that_is_not_whitespace_and_never_panic() {
        for text in [
            "\"",
            "\"abc\\",
            "- ",
            "-",
            "key:",
            "'unterminated: x",
            "é: ü\n- - x",
            "\r\n:",
            "\"\\é\": 1",
            "'\\é",
            "\"\\é",
            "-x: 1",
        ] {
            let tokens = tokenize_yaml(text);
            let mut covered = vec![false; text.len()];
            let mut last = 0;
            for t in &tokens {
                assert!(t.span.start >= last && t.span.end <= text.len(), "{text:?}");
                assert!(text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end));
                last = t.span.end;
                for c in covered.iter_mut().take(t.span.end).skip(t.span.start) {
                    *c = true;
                }
            }
            for (i, b) in text.bytes().enumerate() {
                assert!(
                    b.is_ascii_whitespace() || covered.get(i) == Some(&true),
                    "byte {i} of {text:?} is in no token"
                );
            }
        }
    }

    #[test]
    fn json_keys_that_name_functions_are_marked() {
        let text = "{\"Ref\": \"X\", \"Fn::GetAtt\": [\"A\"], \"Type\": \"AWS::IAM::User\"}";
        let mut tokens = tokenize(text);
        mark_functions(text, &mut tokens);
        let kinds: Vec<_> = tokens
            .iter()
            .map(|t| (t.kind, t.span.slice(text)))
            .collect();
        assert!(kinds.contains(&(TokenKind::Function, "\"Ref\"")));
        assert!(kinds.contains(&(TokenKind::Function, "\"Fn::GetAtt\"")));
        assert!(kinds.contains(&(TokenKind::Key, "\"Type\"")));
        assert!(kinds.contains(&(TokenKind::String, "\"AWS::IAM::User\"")));
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
