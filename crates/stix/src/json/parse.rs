//! The JSON reader: strict RFC 8259 syntax, borrowed strings where no escape
//! needs decoding, numbers kept as text, duplicate keys refused, nesting
//! bounded so that hostile input cannot exhaust the stack.

use std::borrow::Cow;

use super::error::{Parsed, error_at, fail_at};
use super::keys::SeenKeys;
use super::scan::plain_run_end;
use super::{Number, Object, ParseError, ParseErrorKind, Value};

/// Deepest nesting of arrays and objects accepted. STIX content nests a few
/// levels; the bound exists so hostile input cannot overflow the stack.
pub const MAX_DEPTH: usize = 128;

/// Parses a complete JSON document from bytes (which must be UTF-8; a UTF-8
/// byte-order mark is skipped).
pub fn parse_bytes(input: &[u8]) -> Result<Value<'_>, ParseError> {
    parse(utf8(input)?)
}

/// Parses a complete JSON document (a UTF-8 byte-order mark is skipped).
pub fn parse(input: &str) -> Result<Value<'_>, ParseError> {
    Ok(Parser::new(input, None).document()?.0)
}

/// A document read by [`parse_streaming`].
pub(crate) struct Streamed<'a> {
    /// The document, where the list handed to the sink is left empty.
    pub(crate) document: Value<'a>,
    /// How many values went to the sink; `None` when the document has no
    /// list of objects to hand over.
    pub(crate) streamed: Option<usize>,
}

/// Parses like [`parse_bytes`], but hands the STIX objects of the document to
/// `sink` one at a time, as soon as each is read, instead of keeping them:
/// the items of a top-level list, or those of the `objects` list of a
/// bundle (a top-level object whose `type`, `"bundle"`, comes before its
/// `objects`, as producers write them). `sink` also gets the name of the
/// list's member (`""` for a top-level list).
///
/// A validator can then check each object while it is still in the
/// processor's cache, and drop it: a large document is never held whole.
pub(crate) fn parse_streaming<'a>(
    input: &'a [u8],
    sink: &mut dyn FnMut(&'static str, Value<'a>),
) -> Result<Streamed<'a>, ParseError> {
    let (document, streamed) = Parser::new(utf8(input)?, Some(sink)).document()?;
    Ok(Streamed { document, streamed })
}

fn utf8(input: &[u8]) -> Result<&str, ParseError> {
    std::str::from_utf8(input)
        .map_err(|e| error_at(input, e.valid_up_to(), ParseErrorKind::InvalidUtf8))
}

struct Parser<'a, 's> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Takes the objects of the document when streaming (see
    /// [`parse_streaming`]).
    sink: Option<&'s mut dyn FnMut(&'static str, Value<'a>)>,
    /// How many values went to the sink, once a list has been streamed.
    streamed: Option<usize>,
    /// Members of the objects being read, innermost object last. An object
    /// collects its members here and moves them into a vector of exactly
    /// the right size when it closes: one allocation per object instead of
    /// a vector grown (and reallocated) member by member.
    members: Vec<(Cow<'a, str>, Value<'a>)>,
    /// The same for the items of arrays.
    items: Vec<Value<'a>>,
}

impl<'a, 's> Parser<'a, 's> {
    fn new(text: &'a str, sink: Option<&'s mut dyn FnMut(&'static str, Value<'a>)>) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
            sink,
            streamed: None,
            members: Vec::new(),
            items: Vec::new(),
        }
    }

    /// Reads the whole document; also returns how many values were
    /// streamed, if any.
    fn document(mut self) -> Result<(Value<'a>, Option<usize>), ParseError> {
        self.skip_ws();
        let value = if self.sink.is_some() && self.bytes.get(self.pos) == Some(&b'[') {
            self.stream_list("", 1)
        } else {
            self.value(0)
        };
        let value = value.map_err(|e| *e)?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(*self.err(ParseErrorKind::TrailingContent));
        }
        Ok((value, self.streamed))
    }

    fn err(&self, kind: ParseErrorKind) -> Box<ParseError> {
        fail_at(self.bytes, self.pos, kind)
    }

    fn unexpected(&self, expected: &'static str) -> Box<ParseError> {
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

    fn value(&mut self, depth: usize) -> Parsed<Value<'a>> {
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

    /// A member value or an array item. Most are strings: reading those
    /// here, without the round trip through [`Parser::value`], saves
    /// copying each one through another layer of `Result`.
    #[inline]
    fn element(&mut self, depth: usize) -> Parsed<Value<'a>> {
        if self.bytes.get(self.pos) == Some(&b'"') {
            Ok(Value::String(self.string()?))
        } else {
            self.value(depth)
        }
    }

    fn literal(&mut self, word: &'static str, value: Value<'a>) -> Parsed<Value<'a>> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn object(&mut self, depth: usize) -> Parsed<Value<'a>> {
        if depth > MAX_DEPTH {
            return Err(self.err(ParseErrorKind::TooDeep));
        }
        self.pos += 1; // '{'
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(Object::new()));
        }
        let base = self.members.len();
        let mut seen = SeenKeys::default();
        // When streaming, the top-level object may be a bundle.
        let top = depth == 1 && self.sink.is_some();
        let mut bundle = false;
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.unexpected("a string key"));
            }
            let key_pos = self.pos;
            let key = self.string()?;
            if seen.repeated(&key, &self.members[base..]) {
                return Err(fail_at(
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
            let value = if bundle && key == "objects" && self.bytes.get(self.pos) == Some(&b'[') {
                self.stream_list("objects", depth + 1)?
            } else {
                self.element(depth)?
            };
            bundle |= top && key == "type" && value.as_str() == Some("bundle");
            self.members.push((key, value));
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    let members = self.members.drain(base..).collect();
                    return Ok(Value::Object(Object::from_members_unchecked(members)));
                }
                _ => return Err(self.unexpected("',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Parsed<Value<'a>> {
        if depth > MAX_DEPTH {
            return Err(self.err(ParseErrorKind::TooDeep));
        }
        self.pos += 1; // '['
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(Vec::new()));
        }
        let base = self.items.len();
        loop {
            self.skip_ws();
            let item = self.element(depth)?;
            self.items.push(item);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(self.items.drain(base..).collect()));
                }
                _ => return Err(self.unexpected("',' or ']'")),
            }
        }
    }

    /// Reads a list like [`Parser::array`], but hands each item to the sink
    /// instead of keeping it (`path` names the list); the list read is
    /// returned empty.
    fn stream_list(&mut self, path: &'static str, depth: usize) -> Parsed<Value<'a>> {
        if depth > MAX_DEPTH {
            return Err(self.err(ParseErrorKind::TooDeep));
        }
        self.pos += 1; // '['
        self.skip_ws();
        let mut count = 0;
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                let item = self.element(depth)?;
                if let Some(sink) = self.sink.as_mut() {
                    sink(path, item);
                }
                count += 1;
                self.skip_ws();
                match self.bytes.get(self.pos) {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.unexpected("',' or ']'")),
                }
            }
        }
        self.streamed = Some(count);
        Ok(Value::Array(Vec::new()))
    }

    fn number(&mut self) -> Parsed<Value<'a>> {
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
    ///
    /// Small enough to be inlined where keys and values are read: most
    /// strings have no escape and are borrowed from the input as they are.
    #[inline]
    fn string(&mut self) -> Parsed<Cow<'a, str>> {
        let start = self.pos + 1; // after the opening quote
        let end = plain_run_end(self.bytes, start);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok(Cow::Borrowed(&self.text[start..end]));
        }
        self.escaped_string(start, end)
    }

    /// The rest of a string whose plain start runs from `start` to `i`,
    /// which holds an escape (or a control character, or the end of input).
    #[cold]
    #[inline(never)]
    fn escaped_string(&mut self, start: usize, mut i: usize) -> Parsed<Cow<'a, str>> {
        let b = self.bytes;
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
                    // Copy the run of plain characters that follows at once.
                    let run = i;
                    i = plain_run_end(b, i);
                    out.push_str(&self.text[run..i]);
                }
                Some(&c) => {
                    self.pos = i;
                    return Err(self.err(ParseErrorKind::ControlCharacter(u32::from(c))));
                }
            }
        }
    }

    /// Decodes the escape at `i` (a backslash); returns the character and the
    /// number of input bytes it used.
    fn escape(&self, i: usize) -> Parsed<(char, usize)> {
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
                        return Err(fail_at(
                            b,
                            i,
                            ParseErrorKind::InvalidEscape("unpaired surrogate"),
                        ));
                    }
                    let lo = self.hex4(i + 8)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(fail_at(
                            b,
                            i,
                            ParseErrorKind::InvalidEscape("unpaired surrogate"),
                        ));
                    }
                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    let ch = char::from_u32(c).ok_or_else(|| {
                        fail_at(b, i, ParseErrorKind::InvalidEscape("bad code point"))
                    })?;
                    return Ok((ch, 12));
                }
                if (0xDC00..0xE000).contains(&hi) {
                    return Err(fail_at(
                        b,
                        i,
                        ParseErrorKind::InvalidEscape("unpaired surrogate"),
                    ));
                }
                let ch = char::from_u32(hi).ok_or_else(|| {
                    fail_at(b, i, ParseErrorKind::InvalidEscape("bad code point"))
                })?;
                return Ok((ch, 6));
            }
            None => {
                return Err(fail_at(
                    b,
                    i,
                    ParseErrorKind::UnexpectedEnd("an escape sequence"),
                ));
            }
            Some(_) => {
                return Err(fail_at(
                    b,
                    i,
                    ParseErrorKind::InvalidEscape("unknown escape"),
                ));
            }
        };
        Ok((simple, 2))
    }

    fn hex4(&self, at: usize) -> Parsed<u32> {
        let digits = self.bytes.get(at..at + 4).ok_or_else(|| {
            fail_at(
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
                    return Err(fail_at(
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
