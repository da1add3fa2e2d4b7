//! The JSON reader: strict RFC 8259 syntax, borrowed strings where no escape
//! needs decoding, numbers kept as text, duplicate keys refused, nesting
//! bounded so that hostile input cannot exhaust the stack.

use std::borrow::Cow;
use std::collections::HashSet;

use super::{Number, Object, Value};

/// Deepest nesting of arrays and objects accepted. STIX content nests a few
/// levels; the bound exists so hostile input cannot overflow the stack.
pub const MAX_DEPTH: usize = 128;

/// Objects with more members than this check duplicates with a hash set
/// instead of a linear scan, so a huge object cannot cost quadratic time.
const LINEAR_DUPLICATE_SCAN: usize = 16;

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

/// Parses a complete JSON document from bytes (which must be UTF-8; a UTF-8
/// byte-order mark is skipped).
pub fn parse_bytes(input: &[u8]) -> Result<Value<'_>, ParseError> {
    match std::str::from_utf8(input) {
        Ok(text) => parse(text),
        Err(e) => Err(error_at(
            input,
            e.valid_up_to(),
            ParseErrorKind::InvalidUtf8,
        )),
    }
}

/// Parses a complete JSON document (a UTF-8 byte-order mark is skipped).
pub fn parse(input: &str) -> Result<Value<'_>, ParseError> {
    let start = if input.starts_with('\u{feff}') { 3 } else { 0 };
    let mut p = Parser {
        text: input,
        bytes: input.as_bytes(),
        pos: start,
    };
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.err(ParseErrorKind::TrailingContent));
    }
    Ok(value)
}

fn error_at(bytes: &[u8], offset: usize, kind: ParseErrorKind) -> ParseError {
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

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn err(&self, kind: ParseErrorKind) -> ParseError {
        error_at(self.bytes, self.pos, kind)
    }

    fn unexpected(&self, expected: &'static str) -> ParseError {
        match self.text[self.pos..].chars().next() {
            Some(found) => self.err(ParseErrorKind::Unexpected { found, expected }),
            None => self.err(ParseErrorKind::UnexpectedEnd(expected)),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            _ => Err(self.unexpected("a JSON value")),
        }
    }

    fn literal(&mut self, word: &'static str, value: Value<'a>) -> Result<Value<'a>, ParseError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err(ParseErrorKind::TooDeep));
        }
        self.pos += 1; // '{'
        let mut members: Vec<(Cow<'a, str>, Value<'a>)> = Vec::new();
        let mut seen: Option<HashSet<Cow<'a, str>>> = None;
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(Object::from_members_unchecked(members)));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.unexpected("a string key"));
            }
            let key_pos = self.pos;
            let key = self.string()?;
            let duplicate = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None => {
                    let dup = members.iter().any(|(k, _)| *k == key);
                    if members.len() >= LINEAR_DUPLICATE_SCAN {
                        seen = Some(
                            members
                                .iter()
                                .map(|(k, _)| k.clone())
                                .chain([key.clone()])
                                .collect(),
                        );
                    }
                    dup
                }
            };
            if duplicate {
                return Err(error_at(
                    self.bytes,
                    key_pos,
                    ParseErrorKind::DuplicateKey(key.into_owned()),
                ));
            }
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.unexpected("':'"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(Object::from_members_unchecked(members)));
                }
                _ => return Err(self.unexpected("',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err(ParseErrorKind::TooDeep));
        }
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.unexpected("',' or ']'")),
            }
        }
    }

    fn number(&mut self) -> Result<Value<'a>, ParseError> {
        let start = self.pos;
        let b = self.bytes;
        let mut i = self.pos;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => {
                i += 1;
                if matches!(b.get(i), Some(b'0'..=b'9')) {
                    self.pos = i;
                    return Err(self.err(ParseErrorKind::InvalidNumber("leading zero")));
                }
            }
            Some(b'1'..=b'9') => {
                while matches!(b.get(i), Some(b'0'..=b'9')) {
                    i += 1;
                }
            }
            _ => {
                self.pos = i;
                return Err(self.err(ParseErrorKind::InvalidNumber("expected a digit")));
            }
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            let digits = i;
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
            if i == digits {
                self.pos = i;
                return Err(self.err(ParseErrorKind::InvalidNumber("expected a digit after '.'")));
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let digits = i;
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
            if i == digits {
                self.pos = i;
                return Err(self.err(ParseErrorKind::InvalidNumber(
                    "expected a digit in the exponent",
                )));
            }
        }
        self.pos = i;
        Ok(Value::Number(Number::from_text(Cow::Borrowed(
            &self.text[start..i],
        ))))
    }

    /// Reads a string starting at the opening quote.
    fn string(&mut self) -> Result<Cow<'a, str>, ParseError> {
        self.pos += 1; // opening quote
        let start = self.pos;
        let b = self.bytes;
        let mut i = start;
        // Fast path: no escapes, borrow the input.
        loop {
            match b.get(i) {
                None => {
                    self.pos = i;
                    return Err(self.err(ParseErrorKind::UnexpectedEnd("'\"' to close the string")));
                }
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Borrowed(&self.text[start..i]));
                }
                Some(b'\\') => break,
                Some(&c) if c < 0x20 => {
                    self.pos = i;
                    return Err(self.err(ParseErrorKind::ControlCharacter(u32::from(c))));
                }
                Some(_) => i += 1,
            }
        }
        let mut out = String::with_capacity(i - start + 16);
        out.push_str(&self.text[start..i]);
        loop {
            match b.get(i) {
                None => {
                    self.pos = i;
                    return Err(self.err(ParseErrorKind::UnexpectedEnd("'\"' to close the string")));
                }
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.pos = i;
                    let (ch, len) = self.escape(i)?;
                    out.push(ch);
                    i += len;
                }
                Some(&c) if c < 0x20 => {
                    self.pos = i;
                    return Err(self.err(ParseErrorKind::ControlCharacter(u32::from(c))));
                }
                Some(_) => {
                    // Copy a run of plain characters at once.
                    let run = i;
                    while let Some(&c) = b.get(i) {
                        if c == b'"' || c == b'\\' || c < 0x20 {
                            break;
                        }
                        i += 1;
                    }
                    out.push_str(&self.text[run..i]);
                }
            }
        }
    }

    /// Decodes the escape at `i` (a backslash); returns the character and the
    /// number of input bytes it used.
    fn escape(&self, i: usize) -> Result<(char, usize), ParseError> {
        let b = self.bytes;
        let simple = match b.get(i + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let hi = self.hex4(i + 2)?;
                if (0xD800..0xDC00).contains(&hi) {
                    if b.get(i + 6) != Some(&b'\\') || b.get(i + 7) != Some(&b'u') {
                        return Err(error_at(
                            b,
                            i,
                            ParseErrorKind::InvalidEscape("unpaired surrogate"),
                        ));
                    }
                    let lo = self.hex4(i + 8)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(error_at(
                            b,
                            i,
                            ParseErrorKind::InvalidEscape("unpaired surrogate"),
                        ));
                    }
                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    let ch = char::from_u32(c).ok_or_else(|| {
                        error_at(b, i, ParseErrorKind::InvalidEscape("bad code point"))
                    })?;
                    return Ok((ch, 12));
                }
                if (0xDC00..0xE000).contains(&hi) {
                    return Err(error_at(
                        b,
                        i,
                        ParseErrorKind::InvalidEscape("unpaired surrogate"),
                    ));
                }
                let ch = char::from_u32(hi).ok_or_else(|| {
                    error_at(b, i, ParseErrorKind::InvalidEscape("bad code point"))
                })?;
                return Ok((ch, 6));
            }
            None => {
                return Err(error_at(
                    b,
                    i,
                    ParseErrorKind::UnexpectedEnd("an escape sequence"),
                ));
            }
            Some(_) => {
                return Err(error_at(
                    b,
                    i,
                    ParseErrorKind::InvalidEscape("unknown escape"),
                ));
            }
        };
        Ok((simple, 2))
    }

    fn hex4(&self, at: usize) -> Result<u32, ParseError> {
        let digits = self.bytes.get(at..at + 4).ok_or_else(|| {
            error_at(
                self.bytes,
                at,
                ParseErrorKind::InvalidEscape("\\u needs four hex digits"),
            )
        })?;
        let mut v = 0u32;
        for &d in digits {
            let n = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => {
                    return Err(error_at(
                        self.bytes,
                        at,
                        ParseErrorKind::InvalidEscape("\\u needs four hex digits"),
                    ));
                }
            };
            v = v * 16 + u32::from(n);
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &str) -> ParseError {
        parse(input).expect_err(input)
    }

    #[test]
    fn borrows_plain_strings_and_decodes_escapes() {
        let v = parse(r#"{"a":"plain","b":"tab\tquote\"\u00e9\ud83d\ude00"}"#).unwrap();
        let o = v.as_object().unwrap();
        assert!(matches!(
            o.get("a"),
            Some(Value::String(Cow::Borrowed("plain")))
        ));
        assert_eq!(o.get("b").unwrap().as_str(), Some("tab\tquote\"é😀"));
    }

    #[test]
    fn numbers_keep_their_text() {
        let v = parse("[1.50, -0, 1e400, 12345678901234567890]").unwrap();
        let texts: Vec<_> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_number().unwrap().as_str())
            .collect();
        assert_eq!(texts, ["1.50", "-0", "1e400", "12345678901234567890"]);
    }

    #[test]
    fn rejects_bad_syntax_with_position() {
        let e = err("{\n  \"a\": 01}");
        assert_eq!((e.line, e.column), (2, 9));
        assert!(matches!(e.kind, ParseErrorKind::InvalidNumber(_)));
        assert!(matches!(
            err("[1,]").kind,
            ParseErrorKind::Unexpected { found: ']', .. }
        ));
        assert!(
            matches!(err("{\"a\":1,\"a\":2}").kind, ParseErrorKind::DuplicateKey(k) if k == "a")
        );
        assert!(matches!(
            err("\"a\u{1}\"").kind,
            ParseErrorKind::ControlCharacter(1)
        ));
        assert!(matches!(
            err("\"\\ud800\"").kind,
            ParseErrorKind::InvalidEscape(_)
        ));
        assert!(matches!(
            err("\"\\x\"").kind,
            ParseErrorKind::InvalidEscape(_)
        ));
        assert!(matches!(err("[1] 2").kind, ParseErrorKind::TrailingContent));
        assert!(matches!(err("").kind, ParseErrorKind::UnexpectedEnd(_)));
        assert!(matches!(err("[1.]").kind, ParseErrorKind::InvalidNumber(_)));
        assert!(matches!(
            err("tru").kind,
            ParseErrorKind::Unexpected { .. } | ParseErrorKind::UnexpectedEnd(_)
        ));
        assert!(matches!(
            parse_bytes(b"\"\xff\"").unwrap_err().kind,
            ParseErrorKind::InvalidUtf8
        ));
    }

    #[test]
    fn bounds_nesting() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(matches!(err(&deep).kind, ParseErrorKind::TooDeep));
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn duplicate_keys_found_in_large_objects() {
        let mut text = String::from("{");
        for i in 0..100 {
            text.push_str(&format!("\"k{i}\":{i},"));
        }
        text.push_str("\"k50\":0}");
        assert!(matches!(err(&text).kind, ParseErrorKind::DuplicateKey(k) if k == "k50"));
    }

    #[test]
    fn skips_byte_order_mark() {
        assert_eq!(parse("\u{feff}{}").unwrap(), Value::Object(Object::new()));
    }
}
