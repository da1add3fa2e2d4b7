//! Turns pattern text into tokens, one at a time, on demand of the parser.
//!
//! Lexing lazily means the first error reported is the leftmost one, whether
//! it is a bad token or a bad arrangement of good tokens. The token rules are
//! those of `STIXPattern.g4` (STIX 2.1): keywords are uppercase only,
//! identifiers are ASCII, whitespace is the grammar's Unicode set, and `/* */`
//! and `//` comments are skipped.

use super::PatternError;
use super::ast::{CompareOp, Span, Value};
use super::literal;

/// A reserved word of the grammar. All are uppercase; `within` is an
/// identifier, not a keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    And,
    Or,
    Not,
    FollowedBy,
    Like,
    Matches,
    IsSuperset,
    IsSubset,
    Exists,
    Last,
    In,
    Start,
    Stop,
    Seconds,
    Within,
    Repeats,
    Times,
}

const KEYWORDS: [(&str, Keyword); 17] = [
    ("AND", Keyword::And),
    ("OR", Keyword::Or),
    ("NOT", Keyword::Not),
    ("FOLLOWEDBY", Keyword::FollowedBy),
    ("LIKE", Keyword::Like),
    ("MATCHES", Keyword::Matches),
    ("ISSUPERSET", Keyword::IsSuperset),
    ("ISSUBSET", Keyword::IsSubset),
    ("EXISTS", Keyword::Exists),
    ("LAST", Keyword::Last),
    ("IN", Keyword::In),
    ("START", Keyword::Start),
    ("STOP", Keyword::Stop),
    ("SECONDS", Keyword::Seconds),
    ("WITHIN", Keyword::Within),
    ("REPEATS", Keyword::Repeats),
    ("TIMES", Keyword::Times),
];

impl Keyword {
    /// The keyword spelled exactly `word`, if any.
    pub(crate) fn from_word(word: &str) -> Option<Keyword> {
        KEYWORDS.iter().find(|(w, _)| *w == word).map(|(_, k)| *k)
    }
}

/// What a token is; its text is the source slice at its span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TokenKind {
    LBracket,
    RBracket,
    LParen,
    RParen,
    Colon,
    Dot,
    Comma,
    Star,
    Op(CompareOp),
    Keyword(Keyword),
    /// `[a-zA-Z_][a-zA-Z0-9_-]*`; `hyphen` records a `-`, which object types
    /// may contain and property names may not.
    Ident {
        hyphen: bool,
    },
    Literal(Value),
    /// Any character no token starts with (`/`, `?`, `-` without digits...),
    /// kept as a token so the parser can say what it expected instead.
    Other(char),
    Eof,
}

/// A token and where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) kind: TokenKind,
    pub(crate) span: Span,
}

/// A lexer over one pattern.
pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        Lexer { src, pos: 0 }
    }

    /// The source text of a span.
    pub(crate) fn text(&self, span: Span) -> &'a str {
        self.src.get(span.start..span.end).unwrap_or("")
    }

    fn peek_byte(&self, ahead: usize) -> Option<u8> {
        self.src.as_bytes().get(self.pos + ahead).copied()
    }

    /// Lexes the next token; at the end, an `Eof` token (repeatedly).
    pub(crate) fn next_token(&mut self) -> Result<Token, PatternError> {
        self.skip_trivia()?;
        let start = self.pos;
        let Some(c) = self.src[start..].chars().next() else {
            return Ok(self.token(TokenKind::Eof, start));
        };
        let single = |kind| Some((kind, 1));
        let punct = match c {
            '[' => single(TokenKind::LBracket),
            ']' => single(TokenKind::RBracket),
            '(' => single(TokenKind::LParen),
            ')' => single(TokenKind::RParen),
            ':' => single(TokenKind::Colon),
            ',' => single(TokenKind::Comma),
            '*' => single(TokenKind::Star),
            '=' => Some(match self.peek_byte(1) {
                Some(b'=') => (TokenKind::Op(CompareOp::Eq), 2),
                _ => (TokenKind::Op(CompareOp::Eq), 1),
            }),
            '!' if self.peek_byte(1) == Some(b'=') => Some((TokenKind::Op(CompareOp::Ne), 2)),
            '<' => Some(match self.peek_byte(1) {
                Some(b'=') => (TokenKind::Op(CompareOp::Le), 2),
                Some(b'>') => (TokenKind::Op(CompareOp::Ne), 2),
                _ => (TokenKind::Op(CompareOp::Lt), 1),
            }),
            '>' => Some(match self.peek_byte(1) {
                Some(b'=') => (TokenKind::Op(CompareOp::Ge), 2),
                _ => (TokenKind::Op(CompareOp::Gt), 1),
            }),
            _ => None,
        };
        if let Some((kind, len)) = punct {
            self.pos += len;
            return Ok(self.token(kind, start));
        }
        match c {
            '\'' => self.string(),
            '0'..='9' => self.number(),
            '.' | '+' | '-' if self.starts_number() => self.number(),
            '.' => {
                self.pos += 1;
                Ok(self.token(TokenKind::Dot, start))
            }
            'a'..='z' | 'A'..='Z' | '_' => self.word(),
            _ => {
                self.pos += c.len_utf8();
                Ok(self.token(TokenKind::Other(c), start))
            }
        }
    }

    fn token(&self, kind: TokenKind, start: usize) -> Token {
        Token {
            kind,
            span: Span::new(start, self.pos),
        }
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> PatternError {
        PatternError::new(offset, message)
    }

    /// Skips whitespace and comments.
    fn skip_trivia(&mut self) -> Result<(), PatternError> {
        loop {
            let rest = &self.src[self.pos..];
            if let Some(c) = rest.chars().next().filter(|c| is_whitespace(*c)) {
                self.pos += c.len_utf8();
            } else if let Some(body) = rest.strip_prefix("/*") {
                let Some(end) = body.find("*/") else {
                    return Err(self.error(self.pos, "unterminated /* comment (missing */)"));
                };
                self.pos += 2 + end + 2;
            } else if rest.starts_with("//") {
                self.pos += rest.find(['\r', '\n']).unwrap_or(rest.len());
            } else {
                return Ok(());
            }
        }
    }

    /// At `+`, `-` or `.`: whether a number literal starts here.
    fn starts_number(&self) -> bool {
        let digit = |ahead| self.peek_byte(ahead).is_some_and(|b| b.is_ascii_digit());
        match self.peek_byte(0) {
            Some(b'.') => digit(1),
            Some(b'+' | b'-') => digit(1) || (self.peek_byte(1) == Some(b'.') && digit(2)),
            _ => false,
        }
    }

    fn take_digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek_byte(0).is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `[+-]? ('0' | [1-9][0-9]*)` or `[+-]? [0-9]* '.' [0-9]+`.
    fn number(&mut self) -> Result<Token, PatternError> {
        let start = self.pos;
        if matches!(self.peek_byte(0), Some(b'+' | b'-')) {
            self.pos += 1;
        }
        let int_start = self.pos;
        let int_len = self.take_digits();
        let is_float = self.peek_byte(0) == Some(b'.')
            && self.peek_byte(1).is_some_and(|b| b.is_ascii_digit());
        if is_float {
            self.pos += 1;
            self.take_digits();
        }
        let exponent = matches!(self.peek_byte(0), Some(b'e' | b'E'))
            && match self.peek_byte(1) {
                Some(b'+' | b'-') => self.peek_byte(2).is_some_and(|b| b.is_ascii_digit()),
                b => b.is_some_and(|b| b.is_ascii_digit()),
            };
        if exponent {
            return Err(self.error(start, "exponent notation is not allowed in number literals"));
        }
        let text = &self.src[start..self.pos];
        // Rust's parsers reject a leading '+' on some types; drop it.
        let unsigned = text.strip_prefix('+').unwrap_or(text);
        let value = if is_float {
            match unsigned.parse::<f64>() {
                Ok(f) if f.is_finite() => Value::Float(f),
                _ => return Err(self.error(start, "float literal out of range")),
            }
        } else {
            if int_len > 1 && self.src.as_bytes()[int_start] == b'0' {
                return Err(self.error(start, "leading zeros are not allowed in integer literals"));
            }
            match unsigned.parse::<i64>() {
                Ok(n) => Value::Int(n),
                Err(_) => return Err(self.error(start, "integer literal out of range")),
            }
        };
        Ok(self.token(TokenKind::Literal(value), start))
    }

    /// `'...'` with only `\'` and `\\` escapes.
    fn string(&mut self) -> Result<Token, PatternError> {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        let mut value = String::new();
        let mut i = start + 1;
        let mut chunk = i;
        loop {
            match bytes.get(i) {
                None => {
                    return Err(
                        self.error(start, "unterminated string literal (missing closing ')")
                    );
                }
                Some(b'\'') => break,
                Some(b'\\') => {
                    value.push_str(&self.src[chunk..i]);
                    match bytes.get(i + 1) {
                        Some(b'\'') => value.push('\''),
                        Some(b'\\') => value.push('\\'),
                        _ => {
                            let found = self.src[i + 1..]
                                .chars()
                                .next()
                                .map_or(String::new(), String::from);
                            return Err(self.error(
                                i,
                                format!(
                                    "invalid escape '\\{found}' in string literal \
                                     (only \\' and \\\\ are allowed)"
                                ),
                            ));
                        }
                    }
                    i += 2;
                    chunk = i;
                }
                Some(_) => i += 1,
            }
        }
        value.push_str(&self.src[chunk..i]);
        self.pos = i + 1;
        Ok(self.token(TokenKind::Literal(Value::String(value)), start))
    }

    /// An identifier, a keyword, a boolean, or a `b'..'`/`h'..'`/`t'..'`
    /// literal.
    fn word(&mut self) -> Result<Token, PatternError> {
        let start = self.pos;
        let mut hyphen = false;
        while let Some(b) = self.peek_byte(0) {
            match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => {}
                b'-' => hyphen = true,
                _ => break,
            }
            self.pos += 1;
        }
        let word = &self.src[start..self.pos];
        if self.peek_byte(0) == Some(b'\'') && matches!(word, "b" | "h" | "t") {
            return self.prefixed_literal(start);
        }
        let kind = match word {
            "true" => TokenKind::Literal(Value::Bool(true)),
            "false" => TokenKind::Literal(Value::Bool(false)),
            _ => match Keyword::from_word(word) {
                Some(keyword) => TokenKind::Keyword(keyword),
                None => TokenKind::Ident { hyphen },
            },
        };
        Ok(self.token(kind, start))
    }

    /// `b'...'`, `h'...'` or `t'...'`: no escapes, so the body ends at the
    /// next quote.
    fn prefixed_literal(&mut self, start: usize) -> Result<Token, PatternError> {
        let prefix = self.src.as_bytes()[start];
        let body_start = self.pos + 1;
        let name = match prefix {
            b'b' => "binary",
            b'h' => "hex",
            _ => "timestamp",
        };
        let Some(len) = self.src[body_start..].find('\'') else {
            return Err(self.error(
                start,
                format!("unterminated {name} literal (missing closing ')"),
            ));
        };
        let body = &self.src[body_start..body_start + len];
        let value = match prefix {
            b'b' => literal::decode_base64(body, start).map(Value::Binary),
            b'h' => literal::decode_hex(body, start).map(Value::Hex),
            _ => literal::parse_timestamp(body, start).map(Value::Timestamp),
        }?;
        self.pos = body_start + len + 1;
        Ok(self.token(TokenKind::Literal(value), start))
    }
}

/// The grammar's `WS` set.
fn is_whitespace(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\r'
            | '\n'
            | '\u{0B}'
            | '\u{0C}'
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

pub(crate) use literal::encode_base64;
