//! STIX identifiers (`object-type--UUID`) and the UUIDs inside them.
//!
//! Version and variant of the UUID matter: SCOs SHOULD carry UUIDv5 ids
//! computed from their contributing properties, other objects UUIDv4, and the
//! specification's JSON Schemas admit only RFC 4122 UUIDs of versions 1 to 5.

use std::fmt;

/// The namespace of deterministic SCO identifiers (STIX 2.1 §2.9).
pub const SCO_NAMESPACE: Uuid = Uuid([
    0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c, 0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7,
]);

/// A 128-bit UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid(pub [u8; 16]);

/// Why a string is not a STIX identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    /// Not `type--uuid`.
    #[error("must be of the form object-type--UUID")]
    Form,
    /// The UUID part is not 8-4-4-4-12 hexadecimal digits.
    #[error("the UUID part must be 8-4-4-4-12 hexadecimal digits")]
    UuidForm,
    /// The UUID is not an RFC 4122 UUID of version 1 to 5.
    #[error("the UUID part must be an RFC 4122 UUID (variant 10xx, version 1 to 5)")]
    UuidVariant,
}

/// A syntactically valid STIX identifier borrowed from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Identifier<'a> {
    text: &'a str,
    uuid: Uuid,
}

impl<'a> Identifier<'a> {
    /// Parses `type--uuid`. The type part is returned as written; whether it
    /// is a valid type name is the validator's concern.
    pub fn parse(text: &'a str) -> Result<Identifier<'a>, IdentifierError> {
        if text.len() < 36 + 3 || !text.is_char_boundary(text.len() - 36) {
            return Err(IdentifierError::Form);
        }
        let (head, uuid) = text.split_at(text.len() - 36);
        if !head.ends_with("--") || head.len() == 2 {
            return Err(IdentifierError::Form);
        }
        let uuid = Uuid::parse(uuid)?;
        if !uuid.is_rfc4122() || !(1..=5).contains(&uuid.version()) {
            return Err(IdentifierError::UuidVariant);
        }
        Ok(Identifier { text, uuid })
    }

    /// The object type part.
    pub fn object_type(&self) -> &'a str {
        &self.text[..self.text.len() - 38]
    }

    /// The UUID part.
    pub fn uuid(&self) -> Uuid {
        self.uuid
    }

    /// The identifier as written.
    pub fn as_str(&self) -> &'a str {
        self.text
    }
}

impl fmt::Display for Identifier<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

impl Uuid {
    /// Parses the hyphenated form (either case).
    pub fn parse(text: &str) -> Result<Uuid, IdentifierError> {
        let Ok(b) = <&[u8; 36]>::try_from(text.as_bytes()) else {
            return Err(IdentifierError::UuidForm);
        };
        if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
            return Err(IdentifierError::UuidForm);
        }
        // Every object and reference carries a UUID, so this is hot: the 32
        // digits are gathered without the hyphens and decoded eight at a time.
        let mut digits = [0u8; 32];
        digits[..8].copy_from_slice(&b[..8]);
        digits[8..12].copy_from_slice(&b[9..13]);
        digits[12..16].copy_from_slice(&b[14..18]);
        digits[16..20].copy_from_slice(&b[19..23]);
        digits[20..].copy_from_slice(&b[24..]);
        let mut out = [0u8; 16];
        for (bytes, chunk) in out.chunks_exact_mut(4).zip(digits.chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let decoded = decode_hex8(u64::from_le_bytes(word)).ok_or(IdentifierError::UuidForm)?;
            bytes.copy_from_slice(&decoded);
        }
        Ok(Uuid(out))
    }

    /// The version nibble.
    pub fn version(&self) -> u8 {
        self.0[6] >> 4
    }

    /// True for the RFC 4122 variant (`10xx`).
    pub fn is_rfc4122(&self) -> bool {
        self.0[8] & 0xc0 == 0x80
    }

    /// UUIDv5 (SHA-1, RFC 4122 §4.3) of `name` in `namespace`.
    pub fn new_v5(namespace: &Uuid, name: &[u8]) -> Uuid {
        let mut sha = sha1_smol::Sha1::new();
        sha.update(&namespace.0);
        sha.update(name);
        let digest = sha.digest().bytes();
        let mut out = [0u8; 16];
        out.copy_from_slice(&digest[..16]);
        out[6] = (out[6] & 0x0f) | 0x50;
        out[8] = (out[8] & 0x3f) | 0x80;
        Uuid(out)
    }

    /// A UUIDv4 from 16 random bytes supplied by the caller (this crate does
    /// no I/O, so it has no randomness of its own).
    pub fn v4_from_bytes(mut bytes: [u8; 16]) -> Uuid {
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Uuid(bytes)
    }
}

impl fmt::Display for Uuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written into a buffer first: one `write!` per byte costs more than
        // computing the deterministic id the text is usually reported for.
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [b'-'; 36];
        for (byte, at) in self.0.iter().zip(HEX_PAIRS) {
            text[at] = DIGITS[usize::from(byte >> 4)];
            text[at + 1] = DIGITS[usize::from(byte & 0x0f)];
        }
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

/// Offsets of the 16 hex digit pairs in the hyphenated form.
const HEX_PAIRS: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/// Decodes eight hex digits (either case), the first in the lowest byte of
/// `w`, into four bytes; `None` when any is not a hex digit.
///
/// All eight are checked and decoded at once, with no branch per digit:
/// digits are random, so a branch per digit (0-9 or a-f?) would be
/// mispredicted half of the time.
fn decode_hex8(w: u64) -> Option<[u8; 4]> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    // For bytes below 0x80, adding `0x80 - n` sets a byte's high bit
    // exactly when it is at least `n`, and never carries into the next byte.
    let at_least = |x: u64, n: u64| x.wrapping_add(ONES * (0x80 - n));
    let lower = w | (ONES * 0x20);
    let digit = at_least(w, u64::from(b'0')) & !at_least(w, u64::from(b'9') + 1);
    let letter = at_least(lower, u64::from(b'a')) & !at_least(lower, u64::from(b'f') + 1);
    if w & HIGH != 0 || (digit | letter) & HIGH != HIGH {
        return None;
    }
    // A digit's value is its low nibble, plus 9 for letters (bit 6 set).
    let values = (w & (ONES * 0x0f)) + ((w >> 6) & ONES) * 9;
    // Each pair of digits, the first in the lower byte, makes one byte.
    const LOW_OF_PAIR: u64 = 0x00ff_00ff_00ff_00ff;
    let pairs = ((values & LOW_OF_PAIR) << 4) | ((values >> 8) & LOW_OF_PAIR);
    let pairs = pairs.to_le_bytes();
    Some([pairs[0], pairs[2], pairs[4], pairs[6]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_identifiers() {
        let id = Identifier::parse("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f").unwrap();
        assert_eq!(id.object_type(), "indicator");
        assert_eq!(id.uuid().version(), 4);
        let id = Identifier::parse("x-custom-thing--8e2e2d2b-17d4-5cbf-938f-98ee46b3cd3f").unwrap();
        assert_eq!(id.object_type(), "x-custom-thing");
        assert_eq!(id.uuid().version(), 5);
    }

    #[test]
    fn rejects_bad_identifiers() {
        assert_eq!(
            Identifier::parse("indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
            Err(IdentifierError::Form)
        );
        assert_eq!(
            Identifier::parse("--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
            Err(IdentifierError::Form)
        );
        assert_eq!(
            Identifier::parse("indicator--8e2e2d2b17d44cbf938f98ee46b3cd3f"),
            Err(IdentifierError::Form)
        );
        assert_eq!(
            Identifier::parse("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3g"),
            Err(IdentifierError::UuidForm)
        );
        assert_eq!(
            Identifier::parse("indicator--8e2e2d2b-17d4-6cbf-938f-98ee46b3cd3f"),
            Err(IdentifierError::UuidVariant)
        );
        assert_eq!(
            Identifier::parse("indicator--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f"),
            Err(IdentifierError::UuidVariant)
        );
        assert_eq!(
            Identifier::parse("é--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3fé"),
            Err(IdentifierError::Form)
        );
    }

    #[test]
    fn uuids_parse_like_a_digit_by_digit_reading() {
        fn reference(text: &str) -> Option<[u8; 16]> {
            let b = text.as_bytes();
            if b.len() != 36 || [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
                return None;
            }
            let digits: Vec<u8> = text
                .chars()
                .enumerate()
                .filter(|(i, _)| ![8, 13, 18, 23].contains(i))
                .map(|(_, c)| c.to_digit(16).map(|d| d as u8))
                .collect::<Option<_>>()?;
            let mut out = [0u8; 16];
            for (i, pair) in digits.chunks(2).enumerate() {
                out[i] = pair[0] << 4 | pair[1];
            }
            Some(out)
        }
        let valid = "8e2e2d2b-17d4-4CBF-938f-98ee46b3cd3f";
        assert_eq!(Uuid::parse(valid).ok().map(|u| u.0), reference(valid));
        // Every ASCII character, and a few wider ones, at every position.
        let replacements = (0u8..0x80).map(char::from).chain(['é', '\u{0660}', '€']);
        for c in replacements {
            for at in 0..36 {
                let mut text: Vec<char> = valid.chars().collect();
                text[at] = c;
                let text: String = text.into_iter().collect();
                assert_eq!(
                    Uuid::parse(&text).ok().map(|u| u.0),
                    reference(&text),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn uuid_v5_matches_the_specification_examples() {
        let u = Uuid::new_v5(&SCO_NAMESPACE, br#"{"value":"198.51.100.3"}"#);
        assert_eq!(u.to_string(), "28bb3599-77cd-5a82-a950-b5bc3caf07c4");
        assert_eq!(
            SCO_NAMESPACE.to_string(),
            "00abedb4-aa42-466c-9c01-fed23315a9b7"
        );
    }
}
