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
        let b = text.as_bytes();
        if b.len() != 36 || b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
            return Err(IdentifierError::UuidForm);
        }
        let mut out = [0u8; 16];
        let mut n = 0;
        let mut i = 0;
        while i < 36 {
            if matches!(i, 8 | 13 | 18 | 23) {
                i += 1;
                continue;
            }
            let hi = hex_value(b[i]).ok_or(IdentifierError::UuidForm)?;
            let lo = hex_value(b[i + 1]).ok_or(IdentifierError::UuidForm)?;
            out[n] = hi << 4 | lo;
            n += 1;
            i += 2;
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
        for (i, byte) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
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
    fn uuid_v5_matches_the_specification_examples() {
        let u = Uuid::new_v5(&SCO_NAMESPACE, br#"{"value":"198.51.100.3"}"#);
        assert_eq!(u.to_string(), "28bb3599-77cd-5a82-a950-b5bc3caf07c4");
        assert_eq!(
            SCO_NAMESPACE.to_string(),
            "00abedb4-aa42-466c-9c01-fed23315a9b7"
        );
    }
}
