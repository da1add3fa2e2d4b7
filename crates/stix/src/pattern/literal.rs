//! Decoding of the prefixed literals: `b'<base64>'`, `h'<hex>'` and
//! `t'<timestamp>'`.
//!
//! Each is held to the grammar's token rule and, for timestamps, to the
//! calendar as well (the grammar alone accepts `t'2023-02-30T00:00:00Z'`).

use super::PatternError;
use crate::timestamp::{Timestamp, TimestampError};

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_digit(b: u8) -> Option<u32> {
    BASE64.iter().position(|&c| c == b).map(|p| p as u32)
}

/// Decodes the body of `b'...'` (at `offset` in the pattern). The grammar
/// requires at least one group of four, with `=` padding only at the end.
pub(crate) fn decode_base64(body: &str, offset: usize) -> Result<Vec<u8>, PatternError> {
    let bytes = body.as_bytes();
    let invalid = |why: &str| PatternError::new(offset, format!("invalid binary literal: {why}"));
    if bytes.is_empty() {
        return Err(invalid(
            "it must hold at least one base64 group of 4 characters",
        ));
    }
    if !bytes.len().is_multiple_of(4) {
        return Err(invalid("base64 length must be a multiple of 4"));
    }
    let padding = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    if padding > 2 {
        return Err(invalid("at most two '=' padding characters are allowed"));
    }
    let data = &bytes[..bytes.len() - padding];
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in data {
        let Some(digit) = base64_digit(b) else {
            let c = char::from(b);
            let why = if b == b'=' {
                "'=' padding may only appear at the end".to_string()
            } else if b.is_ascii() {
                format!("'{c}' is not a base64 character")
            } else {
                "non-ASCII character in base64".to_string()
            };
            return Err(invalid(&why));
        };
        acc = (acc << 6) | digit;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

/// Encodes bytes as padded base64.
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes the body of `h'...'` (literal at `offset`): pairs of hex digits,
/// either case, possibly none.
pub(crate) fn decode_hex(body: &str, offset: usize) -> Result<Vec<u8>, PatternError> {
    if let Some((i, c)) = body.char_indices().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(PatternError::new(
            offset + 2 + i,
            format!("invalid hex literal: '{c}' is not a hex digit"),
        ));
    }
    if !body.len().is_multiple_of(2) {
        return Err(PatternError::new(
            offset,
            "invalid hex literal: it must have an even number of hex digits",
        ));
    }
    let digit = |b: u8| char::from(b).to_digit(16).unwrap_or(0) as u8;
    Ok(body
        .as_bytes()
        .chunks(2)
        .map(|pair| digit(pair[0]) << 4 | digit(pair[1]))
        .collect())
}

/// Parses the body of `t'...'` (literal at `offset`):
/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, a real calendar date, second 0-60.
pub(crate) fn parse_timestamp(body: &str, offset: usize) -> Result<Timestamp, PatternError> {
    Timestamp::parse(body).map_err(|e| {
        let why = match e {
            TimestampError::Format => format!(
                "'{}' is not of the form YYYY-MM-DDTHH:MM:SS[.fraction]Z",
                truncate(body, 40)
            ),
            calendar => format!("'{}' {calendar}", truncate(body, 40)),
        };
        PatternError::new(offset, format!("invalid timestamp literal: {why}"))
    })
}

/// At most `max` characters of `s`, with `...` when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for data in [&b"a"[..], b"ab", b"abc", b"abcd", b"\xff\x00\x80"] {
            let text = encode_base64(data);
            assert_eq!(decode_base64(&text, 0).unwrap(), data, "{text}");
        }
        assert_eq!(
            decode_base64("dGhpcyBpcyBhIHRlc3Q=", 0).unwrap(),
            b"this is a test"
        );
    }

    #[test]
    fn timestamps_follow_the_calendar() {
        assert!(parse_timestamp("2024-02-29T00:00:00Z", 0).is_ok());
        assert!(parse_timestamp("2000-02-29T00:00:00Z", 0).is_ok());
        assert!(parse_timestamp("1900-02-29T00:00:00Z", 0).is_err());
        assert!(parse_timestamp("2016-12-31T23:59:60.5Z", 0).is_ok());
        assert!(parse_timestamp("2016-12-31T23:59:61Z", 0).is_err());
        assert!(parse_timestamp("2016-12-31T23:59:59.Z", 0).is_err());
        assert!(parse_timestamp("2016-12-31t23:59:59Z", 0).is_err());
        assert!(parse_timestamp("2016-13-01T00:00:00Z", 0).is_err());
    }
}
