//! What every federation format shares: the version and type header, the
//! bytes that are signed, strict parsing, timestamps, member names.
//!
//! # The bytes that are signed
//!
//! A record is signed over the RFC 8785 (JCS) canonical JSON of the record
//! *as this crate serialises it*, minus its signature member: serde_json
//! writes the struct, [`liaison_stix::json::parse`] reads it back, and
//! [`liaison_stix::json::canonical()`] sorts members and normalises numbers.
//! Verification recomputes those bytes from the parsed struct, so what is
//! verified is exactly what the caller then acts on; a received text that
//! differs from its re-serialisation (another member order, an omitted
//! `null`) still verifies when it means the same, and an unknown field is
//! refused at parse time rather than silently dropped.
//!
//! Every record carries its `type` inside the signed bytes, and signed
//! requests begin with `liaison-request-v1\n` (never a `{`), so a signature
//! made for one kind of message is never valid for another.

use serde::Serialize;
use serde::de::DeserializeOwned;

use liaison_stix::Timestamp;
use liaison_stix::json::{Value, canonical, parse};

/// The version of every format of this module but those signed in batches,
/// which this node writes and is the only one it reads.
pub const FORMAT_VERSION: u32 = 1;

/// The version of the records signed in batches (provenance, receipts: see
/// the `batch` module) and of the exchange's wire messages that carry them.
/// Version 1 signed each record alone; a node of this version refuses
/// version-1 provenance, receipts and messages with a clear error, and a
/// node of version 1 refuses these.
pub const BATCH_FORMAT_VERSION: u32 = 2;

/// Largest integer that RFC 8785 represents exactly (2^53 − 1): JCS writes
/// numbers as IEEE doubles, so two larger integers could share canonical
/// bytes, and with them a signature.
pub(crate) const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Why a text is not a well-formed federation record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("not valid JSON: {0}")]
    Json(String),
    /// A field is missing, unknown, of the wrong type or badly encoded.
    #[error("{0}")]
    Shape(String),
    #[error("unsupported format version {found}: this node reads version {FORMAT_VERSION}")]
    UnsupportedVersion { found: u32 },
    /// A versioned format other than [`FORMAT_VERSION`] (see
    /// [`BATCH_FORMAT_VERSION`]) in a version this node does not read.
    #[error("unsupported format version {found}: this node reads version {reads} of this format")]
    UnsupportedFormatVersion { found: u32, reads: u32 },
    #[error("wrong record type '{found}', expected '{expected}'")]
    WrongType {
        expected: &'static str,
        found: String,
    },
    /// A field is present but breaks a rule of the format.
    #[error("{field} {rule}")]
    Invalid {
        field: &'static str,
        rule: &'static str,
    },
    #[error("no canonical form: {0}")]
    NotCanonical(String),
}

impl FormatError {
    pub(crate) fn invalid(field: &'static str, rule: &'static str) -> FormatError {
        FormatError::Invalid { field, rule }
    }
}

/// The RFC 8785 canonical JSON of any serialisable value (serde_json
/// writes it, Liaison's lossless parser reads it back, JCS orders it).
pub fn canonical_json<T: Serialize + ?Sized>(value: &T) -> Result<String, FormatError> {
    let text = serde_json::to_string(value).map_err(|e| FormatError::Shape(e.to_string()))?;
    let parsed = parse(&text).map_err(|e| FormatError::Json(e.to_string()))?;
    canonical(&parsed).map_err(|e| FormatError::NotCanonical(e.to_string()))
}

/// The RFC 8785 canonical JSON of a value whose serialisation is already
/// canonical: a struct whose members are declared in sorted order and are
/// strings, nulls, small integers or lists of strings (serde_json escapes
/// strings as JCS does). Several times cheaper than [`canonical_json`],
/// for the entries and headers of batches (one per object); every use is
/// checked against [`canonical_json`] in debug builds, so tests catch a
/// struct that breaks the rule.
pub(crate) fn presorted_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, FormatError> {
    let bytes = serde_json::to_vec(value).map_err(|e| FormatError::Shape(e.to_string()))?;
    debug_assert_eq!(
        canonical_json(value).ok().map(String::into_bytes).as_ref(),
        Some(&bytes),
        "not serialised in canonical form"
    );
    Ok(bytes)
}

/// The bytes a record's signature covers: its canonical JSON without the
/// top-level member `exclude` (`signature`, or `signatures` for the
/// agreement).
pub(crate) fn signing_bytes<T: Serialize + ?Sized>(
    record: &T,
    exclude: &str,
) -> Result<Vec<u8>, FormatError> {
    let text = serde_json::to_string(record).map_err(|e| FormatError::Shape(e.to_string()))?;
    let mut parsed = parse(&text).map_err(|e| FormatError::Json(e.to_string()))?;
    if let Value::Object(members) = &mut parsed {
        members.remove(exclude);
    }
    canonical(&parsed)
        .map(String::into_bytes)
        .map_err(|e| FormatError::NotCanonical(e.to_string()))
}

/// Parses a record strictly: the text must be I-JSON as Liaison's parser
/// reads it (duplicate member names refused, which serde would resolve
/// silently for maps), then match the struct exactly.
pub(crate) fn parse_strict<T: DeserializeOwned>(text: &str) -> Result<T, FormatError> {
    parse(text).map_err(|e| FormatError::Json(e.to_string()))?;
    serde_json::from_str(text).map_err(|e| FormatError::Shape(e.to_string()))
}

/// Checks a record's `v` and `type`.
pub(crate) fn check_header(v: u32, found: &str, expected: &'static str) -> Result<(), FormatError> {
    check_versioned_header(v, FORMAT_VERSION, found, expected)
}

/// Checks a record's `v` (which must be `reads`) and `type`.
pub(crate) fn check_versioned_header(
    v: u32,
    reads: u32,
    found: &str,
    expected: &'static str,
) -> Result<(), FormatError> {
    if v != reads {
        return Err(if reads == FORMAT_VERSION {
            FormatError::UnsupportedVersion { found: v }
        } else {
            FormatError::UnsupportedFormatVersion { found: v, reads }
        });
    }
    if found != expected {
        return Err(FormatError::WrongType {
            expected,
            found: found.to_owned(),
        });
    }
    Ok(())
}

/// The TAXII form of Unix microseconds (six fractional digits, UTC), the
/// form of every timestamp in federation records.
pub fn timestamp(micros: i64) -> String {
    Timestamp::from_unix_micros(micros).to_taxii_string()
}

/// Parses a timestamp that must be in TAXII form exactly (one instant, one
/// spelling).
pub(crate) fn parse_timestamp(field: &'static str, text: &str) -> Result<Timestamp, FormatError> {
    match Timestamp::parse(text) {
        Ok(t) if t.fraction_digits() == 6 && t.to_taxii_string() == text => Ok(t),
        _ => Err(FormatError::invalid(
            field,
            "must be a UTC timestamp with six fractional digits (YYYY-MM-DDTHH:MM:SS.ssssssZ)",
        )),
    }
}

/// The rule of member names, in words.
pub const MEMBER_NAME_RULE: &str = "must match ^[a-z0-9][a-z0-9-]{1,62}$ and must not be 'all' (reserved for the audience of everyone)";

/// True when `name` may name a member: `^[a-z0-9][a-z0-9-]{1,62}$`, except
/// `all`, which an audience uses for every member (`--to all` must never
/// be ambiguous).
pub fn is_member_name(name: &str) -> bool {
    let b = name.as_bytes();
    (2..=63).contains(&b.len())
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b[1..]
            .iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && name != "all"
}

pub(crate) fn check_member_name(field: &'static str, name: &str) -> Result<(), FormatError> {
    if is_member_name(name) {
        Ok(())
    } else {
        Err(FormatError::invalid(field, MEMBER_NAME_RULE))
    }
}

/// True when `text` is `len` lowercase hexadecimal digits.
pub(crate) fn is_lower_hex(text: &str, len: usize) -> bool {
    text.len() == len
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Lowercase hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Free text in a record (titles, notes, reasons): bounded, and without
/// control characters other than newline and tab, so that it prints safely
/// in a terminal and a log.
pub(crate) fn check_text(
    field: &'static str,
    text: &str,
    max_chars: usize,
) -> Result<(), FormatError> {
    if text.trim().is_empty() {
        return Err(FormatError::invalid(field, "must not be empty"));
    }
    if text.chars().count() > max_chars {
        return Err(FormatError::invalid(field, "is too long"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(FormatError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names() {
        for ok in ["cert-a", "ab", "0x", "a-", "a--b", &"a".repeat(63)] {
            assert!(is_member_name(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "-ab",
            "Cert",
            "cert_a",
            "cert.a",
            "all",
            "cert a",
            "é1",
            &"a".repeat(64),
        ] {
            assert!(!is_member_name(bad), "{bad}");
        }
        assert!(check_member_name("name", "all").is_err());
    }

    #[test]
    fn timestamps_must_be_in_taxii_form() {
        let t = timestamp(1_700_000_000_123_456);
        assert_eq!(t, "2023-11-14T22:13:20.123456Z");
        assert!(parse_timestamp("at", &t).is_ok());
        for bad in [
            "2023-11-14T22:13:20Z",
            "2023-11-14T22:13:20.123Z",
            "2023-11-14T22:13:20.1234567Z",
            "2023-11-14 22:13:20.123456Z",
            "yesterday",
        ] {
            assert_eq!(
                parse_timestamp("at", bad).unwrap_err().to_string(),
                "at must be a UTC timestamp with six fractional digits (YYYY-MM-DDTHH:MM:SS.ssssssZ)"
            );
        }
    }

    #[test]
    fn canonical_json_sorts_and_strips() {
        #[derive(Serialize)]
        struct R {
            z: u32,
            a: &'static str,
            signature: &'static str,
        }
        let r = R {
            z: 1,
            a: "é",
            signature: "x",
        };
        assert_eq!(
            canonical_json(&r).unwrap(),
            r#"{"a":"é","signature":"x","z":1}"#
        );
        assert_eq!(
            String::from_utf8(signing_bytes(&r, "signature").unwrap()).unwrap(),
            r#"{"a":"é","z":1}"#
        );
    }

    #[test]
    fn strict_parsing_refuses_duplicate_members() {
        let dup = r#"{"a":1,"a":2}"#;
        assert!(matches!(
            parse_strict::<std::collections::BTreeMap<String, u32>>(dup),
            Err(FormatError::Json(_))
        ));
        assert!(matches!(
            parse_strict::<std::collections::BTreeMap<String, u32>>("{\"a\":\"x\"}"),
            Err(FormatError::Shape(_))
        ));
    }

    #[test]
    fn text_rules() {
        assert!(check_text("note", "line\nline\ttab", 100).is_ok());
        assert!(check_text("note", "  ", 100).is_err());
        assert!(check_text("note", "bell\u{7}", 100).is_err());
        assert!(check_text("note", "abc", 2).is_err());
        assert_eq!(hex(&[0, 0xab, 0xff]), "00abff");
        assert!(is_lower_hex("00ab", 4) && !is_lower_hex("00AB", 4) && !is_lower_hex("00a", 4));
    }
}
