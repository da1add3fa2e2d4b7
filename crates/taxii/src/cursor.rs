//! The opaque `next` cursor of TAXII pagination.
//!
//! A cursor holds the `date_added` of the last item of the page it came
//! with and a fingerprint (truncated SHA-256) of the normalised query that
//! produced it: endpoint, API root, collection, object, `added_after` and
//! every `match[...]` filter, but not `limit`, which a client may change
//! between pages. The next page is the same query restricted to items added
//! after that instant. Because `date_added` is unique and strictly
//! increasing within a collection, no item is skipped or repeated.
//!
//! The server never trusts a cursor: it re-runs the whole query under the
//! client's own authorization, and the cursor can only narrow it. A cursor
//! whose fingerprint differs from the request's filters, or that does not
//! decode, is refused (400), as TAXII requires the original filters to be
//! repeated unchanged with `next`.
//!
//! Wire form: URL-safe base64 without padding of `[1, date_added (i64 BE),
//! fingerprint (16 bytes)]`.

use base64::Engine;
use sha2::{Digest, Sha256};

const FORMAT_VERSION: u8 = 1;
const FINGERPRINT_LEN: usize = 16;
const ENCODED_LEN: usize = 1 + 8 + FINGERPRINT_LEN;

/// A fingerprint of a normalised query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; FINGERPRINT_LEN]);

impl Fingerprint {
    /// Builds a fingerprint from labelled parts. Each part is length-prefixed,
    /// so different part lists never collide by concatenation.
    pub fn of<'a>(parts: impl IntoIterator<Item = &'a str>) -> Fingerprint {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        let digest = hasher.finalize();
        let mut out = [0u8; FINGERPRINT_LEN];
        out.copy_from_slice(&digest[..FINGERPRINT_LEN]);
        Fingerprint(out)
    }
}

/// A decoded cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// `date_added` (Unix microseconds) of the last item already returned.
    pub after: i64,
    /// The query the cursor belongs to.
    pub fingerprint: Fingerprint,
}

/// Why a `next` value is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    #[error("is not a cursor issued by this server (it does not decode)")]
    Malformed,
    #[error(
        "belongs to a different query: repeat the original added_after and match[...] \
         parameters unchanged together with next"
    )]
    OtherQuery,
}

impl Cursor {
    /// The wire form.
    pub fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(ENCODED_LEN);
        bytes.push(FORMAT_VERSION);
        bytes.extend_from_slice(&self.after.to_be_bytes());
        bytes.extend_from_slice(&self.fingerprint.0);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Reads the wire form.
    pub fn decode(text: &str) -> Result<Cursor, CursorError> {
        if text.len() > 64 {
            return Err(CursorError::Malformed);
        }
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| CursorError::Malformed)?;
        if bytes.len() != ENCODED_LEN || bytes[0] != FORMAT_VERSION {
            return Err(CursorError::Malformed);
        }
        let mut after = [0u8; 8];
        after.copy_from_slice(&bytes[1..9]);
        let mut fingerprint = [0u8; FINGERPRINT_LEN];
        fingerprint.copy_from_slice(&bytes[9..]);
        Ok(Cursor {
            after: i64::from_be_bytes(after),
            fingerprint: Fingerprint(fingerprint),
        })
    }

    /// Decodes `text` and checks that it belongs to the query `expected`.
    pub fn decode_for(text: &str, expected: Fingerprint) -> Result<Cursor, CursorError> {
        let cursor = Cursor::decode(text)?;
        if cursor.fingerprint != expected {
            return Err(CursorError::OtherQuery);
        }
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let fp = Fingerprint::of(["objects", "root", "c"]);
        for after in [0, 1, -5, i64::MAX, i64::MIN, 1_700_000_000_123_456] {
            let c = Cursor {
                after,
                fingerprint: fp,
            };
            let text = c.encode();
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
            assert_eq!(Cursor::decode_for(&text, fp), Ok(c));
        }
    }

    #[test]
    fn refusals() {
        let fp = Fingerprint::of(["a"]);
        let text = Cursor {
            after: 7,
            fingerprint: fp,
        }
        .encode();
        assert_eq!(
            Cursor::decode_for(&text, Fingerprint::of(["b"])),
            Err(CursorError::OtherQuery)
        );
        for bad in [
            "",
            "!!!",
            "AAAA",
            &"A".repeat(500),
            &text[1..],
            &format!("{text}AA"),
        ] {
            assert_eq!(Cursor::decode(bad), Err(CursorError::Malformed), "{bad}");
        }
        // A different format version is refused.
        let mut bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&text)
            .unwrap();
        bytes[0] = 2;
        let other = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        assert_eq!(Cursor::decode(&other), Err(CursorError::Malformed));
    }

    #[test]
    fn fingerprints_do_not_collide_by_concatenation() {
        assert_ne!(Fingerprint::of(["ab", "c"]), Fingerprint::of(["a", "bc"]));
        assert_eq!(Fingerprint::of(["ab", "c"]), Fingerprint::of(["ab", "c"]));
    }
}
