//! Byte spans into the user's text, and their conversion to the line/column pairs people read.

use serde::{Deserialize, Serialize};

/// A half-open byte range `start..end` into the text the user typed.
///
/// Spans are byte offsets so that slicing the source is cheap and exact; the UI and the CLI turn
/// them into one-based line and column numbers with [`LineIndex`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`; the ends are swapped if given in the wrong order.
    pub fn new(start: usize, end: usize) -> Self {
        if start <= end {
            Span { start, end }
        } else {
            Span {
                start: end,
                end: start,
            }
        }
    }

    /// An empty span at `offset`, for "something is missing here".
    pub fn point(offset: usize) -> Self {
        Span {
            start: offset,
            end: offset,
        }
    }

    /// The number of bytes covered.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both `self` and `other`.
    pub fn join(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The covered text, or `""` when the span does not fit `source` (never panics).
    pub fn slice<'a>(&self, source: &'a str) -> &'a str {
        source.get(self.start..self.end).unwrap_or("")
    }
}

/// A one-based line and column, the way editors and AWS's simulator (`StartPosition`) count.
///
/// Columns count Unicode scalar values, not bytes, so a caret lines up under non-ASCII text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LineCol {
    /// One-based line number.
    pub line: usize,
    /// One-based column number, in characters.
    pub column: usize,
}

/// The block size of [`LineIndex`]'s character counts: a column is counted from the start of
/// its block, never from the start of a long line.
const BLOCK: usize = 64;

/// Precomputed line starts of a text, for converting many offsets cheaply: a line by binary
/// search, a column in constant time (at most one block of bytes counted), so many positions
/// on one very long line cost no more than positions on short ones.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
    /// The number of characters before each block of [`BLOCK`] bytes.
    block_chars: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `source`. Lines end at `\n`; a `\r` before it belongs to the line.
    pub fn new(source: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            source
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut block_chars = Vec::with_capacity(source.len() / BLOCK + 1);
        let mut chars = 0usize;
        for block in source.as_bytes().chunks(BLOCK) {
            block_chars.push(chars);
            chars += block.iter().filter(|&&b| !is_continuation(b)).count();
        }
        // The end of a text whose length is a multiple of the block size starts a block of its own.
        block_chars.push(chars);
        LineIndex {
            source,
            line_starts,
            block_chars,
        }
    }

    /// The number of characters that start before byte `offset` (at most the text's length).
    fn chars_before(&self, offset: usize) -> usize {
        let offset = offset.min(self.source.len());
        let block = offset / BLOCK;
        let before = self.block_chars.get(block).copied().unwrap_or(0);
        let in_block = self
            .source
            .as_bytes()
            .get(block * BLOCK..offset)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| !is_continuation(b))
            .count();
        before + in_block
    }

    /// The byte range of a one-based line without its line ending (`\n`, and a `\r` before it).
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.source.len()..self.source.len();
        };
        let mut end = self
            .line_starts
            .get(line)
            .map(|&s| s.saturating_sub(1))
            .unwrap_or(self.source.len());
        if end > start && self.source.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end
    }

    /// The text this index was made for.
    pub fn source(&self) -> &'a str {
        self.source
    }

    /// The line and column of a byte offset. Offsets past the end clamp to the end, and an
    /// offset inside a multi-byte character counts as that character.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.source.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let line_start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        // Characters that start in `line_start..offset`: an offset inside a multi-byte
        // character counts as that character.
        let column = self
            .chars_before(offset)
            .saturating_sub(self.chars_before(line_start))
            + 1;
        LineCol { line, column }
    }

    /// The byte offset of a one-based line and column, clamped to the text (a column past the
    /// end of its line is the line's end). Like [`LineIndex::line_col`], it looks at one block
    /// of [`BLOCK`] bytes at most, however long the line.
    pub fn offset(&self, pos: LineCol) -> usize {
        let Some(&line_start) = self.line_starts.get(pos.line.saturating_sub(1)) else {
            return self.source.len();
        };
        let line_end = self
            .line_starts
            .get(pos.line)
            .map(|&s| s.saturating_sub(1))
            .unwrap_or(self.source.len());
        // The wanted character, counted from the start of the text, starts in the last block
        // whose count of earlier characters is at most its index.
        let target = self.chars_before(line_start) + pos.column.saturating_sub(1);
        let block = self
            .block_chars
            .partition_point(|&c| c <= target)
            .saturating_sub(1);
        let mut seen = self.block_chars.get(block).copied().unwrap_or(0);
        let from = block * BLOCK;
        let bytes = self.source.as_bytes().get(from..).unwrap_or_default();
        for (i, &b) in bytes.iter().enumerate().take(BLOCK) {
            if is_continuation(b) {
                continue;
            }
            if seen == target {
                return (from + i).max(line_start).min(line_end);
            }
            seen += 1;
        }
        line_end
    }

    /// The text of a one-based line without its line ending.
    pub fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map(|&s| s.saturating_sub(1))
            .unwrap_or(self.source.len());
        self.source
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    /// The number of lines (a text without newlines has one).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// Whether a byte continues a multi-byte UTF-8 character.
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_and_in_characters() {
        let text = "{\n  \"Sid\": \"é1\"\n}";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(2), LineCol { line: 2, column: 1 });
        let after_e = text.find('1').unwrap();
        assert_eq!(
            idx.line_col(after_e),
            LineCol {
                line: 2,
                column: 12
            }
        );
        assert_eq!(idx.line_col(10_000), LineCol { line: 3, column: 2 });
    }

    #[test]
    fn offset_inverts_line_col() {
        let text = "ab\ncdé\nf";
        let idx = LineIndex::new(text);
        for offset in [0, 1, 3, 4, 5, 8, 9] {
            assert_eq!(idx.offset(idx.line_col(offset)), offset, "offset {offset}");
        }
        assert_eq!(idx.line_text(2), "cdé");
        assert_eq!(idx.line_count(), 3);
    }

    /// `offset` agrees with walking the line's characters, for every line and every column up
    /// to two past the line's end, on lines longer than several blocks with multi-byte text
    /// straddling block boundaries.
    #[test]
    fn offsets_agree_with_walking_the_line() {
        let text = "ab\n".to_string() + &"é,x🙂,".repeat(40) + "\r\n" + &"ü".repeat(70) + "\nlast";
        let idx = LineIndex::new(&text);
        let mut line_start = 0;
        for (number, line) in text.split('\n').enumerate() {
            let chars = line.chars().count();
            for column in 1..=chars + 2 {
                let walked = line
                    .char_indices()
                    .nth(column - 1)
                    .map_or(line_start + line.len(), |(i, _)| line_start + i);
                let pos = LineCol {
                    line: number + 1,
                    column,
                };
                assert_eq!(idx.offset(pos), walked, "{pos:?}");
            }
            line_start += line.len() + 1;
        }
    }

    #[test]
    fn columns_agree_with_counting_characters() {
        let text = "ab\n".to_string() + &"é,x🙂,".repeat(40) + "\r\nlast";
        // A text of exactly two blocks ends where a third would start.
        assert_eq!(LineIndex::new(&"a".repeat(128)).line_col(128).column, 129);
        let idx = LineIndex::new(&text);
        for offset in 0..=text.len() + 2 {
            let clamped = offset.min(text.len());
            let line_start = text.as_bytes()[..clamped]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let column = text
                .get(line_start..)
                .unwrap_or("")
                .char_indices()
                .take_while(|&(i, _)| line_start + i < clamped)
                .count()
                + 1;
            assert_eq!(idx.line_col(offset).column, column, "offset {offset}");
        }
        assert_eq!(idx.line_range(3), text.len() - 4..text.len());
        assert_eq!(
            idx.line_text(2),
            idx.source().get(idx.line_range(2)).unwrap()
        );
    }

    #[test]
    fn many_positions_on_one_long_line() {
        // Regression: a column was counted from the start of its line, so 100,000 positions
        // on a 200,000-character line took 45 s.
        let text = ",".repeat(200_000);
        let idx = LineIndex::new(&text);
        let sum: usize = (0..100_000).map(|i| idx.line_col(i * 2).column).sum();
        assert_eq!(sum, (0..100_000).map(|i| i * 2 + 1).sum::<usize>());
    }

    #[test]
    fn span_slice_never_panics() {
        let s = Span::new(5, 2);
        assert_eq!(s, Span { start: 2, end: 5 });
        assert_eq!(Span::new(0, 100).slice("abc"), "");
        assert_eq!(Span::new(1, 3).slice("abcd"), "bc");
    }
}
