//! Why a document is not acceptable JSON, and where.

use super::parse::MAX_DEPTH;

/// Why a document is not acceptable JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at line {line} column {column} (byte {offset})")]
pub struct ParseError {
    /// What went wrong.
    pub kind: ParseErrorKind,
    /// Byte offset into the input.
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

/// The kinds of JSON syntax error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    /// The input is not UTF-8.
    #[error("input is not valid UTF-8")]
    InvalidUtf8,
    /// The input ended inside a value.
    #[error("unexpected end of input, expected {0}")]
    UnexpectedEnd(&'static str),
    /// A character that cannot start or continue the construct being read.
    #[error("unexpected character {found:?}, expected {expected}")]
    Unexpected {
        /// The character found.
        found: char,
        /// What the grammar allowed here.
        expected: &'static str,
    },
    /// A backslash escape that JSON does not define, or a bad `\u` escape.
    #[error("invalid escape sequence in string: {0}")]
    InvalidEscape(&'static str),
    /// A raw control character inside a string.
    #[error("control character U+{0:04X} must be escaped inside a string")]
    ControlCharacter(u32),
    /// Malformed number.
    #[error("invalid number: {0}")]
    InvalidNumber(&'static str),
    /// The same key twice in one object.
    #[error("duplicate key {0:?} in object")]
    DuplicateKey(String),
    /// Nesting deeper than [`MAX_DEPTH`].
    #[error("nesting deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// Something after the document.
    #[error("unexpected content after the JSON document")]
    TrailingContent,
}

/// What the reader's steps return. The error is boxed because it is rare and
/// large: a `Result` as small as a [`Value`] is cheaper to pass up and down
/// the recursion on every value read.
pub(super) type Parsed<T> = Result<T, Box<ParseError>>;

pub(super) fn fail_at(bytes: &[u8], offset: usize, kind: ParseErrorKind) -> Box<ParseError> {
    Box::new(error_at(bytes, offset, kind))
}

pub(super) fn error_at(bytes: &[u8], offset: usize, kind: ParseErrorKind) -> ParseError {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    // Count characters, not bytes: continuation bytes are 0b10xxxxxx.
    let column = before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count()
        + 1;
    ParseError {
        kind,
        offset,
        line,
        column,
    }
}
