//! Member keys: ed25519 signing keys, their public halves and signatures.
//!
//! A member's signing key is its identity in the commonwealth; the secret
//! never appears in `Debug` output or in an error message, and is wiped
//! from memory when dropped (ed25519-dalek's `zeroize`). On disk it is the
//! 32-byte seed in hexadecimal (the key file, `member/signing.key`).
//!
//! Public keys and signatures travel as standard base64 with padding, and
//! are decoded strictly: one value has exactly one accepted encoding, so
//! nothing signed can be re-encoded into a "different" but equally valid
//! form.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::users::fill_random;

/// Length of a seed in hexadecimal.
const SEED_HEX_LEN: usize = 64;

/// Why a key or signature could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key file does not hold a seed. The content is never quoted: it
    /// may be a secret.
    #[error("a signing key must be 64 hexadecimal characters (an ed25519 seed)")]
    BadSeed,
    #[error("a public key must be the standard base64 (with padding) of 32 bytes: {0}")]
    PublicKeyEncoding(&'static str),
    #[error("the public key is not a point of the ed25519 curve in canonical encoding")]
    NotAPoint,
    /// Small-order keys verify signatures on many messages; no honest
    /// member has one.
    #[error("the public key is a weak (small-order) ed25519 key")]
    WeakKey,
    #[error("a signature must be the standard base64 (with padding) of 64 bytes: {0}")]
    SignatureEncoding(&'static str),
}

/// A signature did not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the signature does not verify")]
pub struct SignatureMismatch;

/// A member's ed25519 signing key. Not `Clone`: share it behind an `Arc`
/// rather than copying the secret around.
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// A new key from 32 bytes of the operating system's random source.
    pub fn generate() -> SigningKey {
        let mut seed = [0u8; 32];
        fill_random(&mut seed);
        let key = SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed));
        seed.fill(0);
        key
    }

    /// Reads the key file's content: 64 hexadecimal digits (either case),
    /// surrounding whitespace ignored (files end with a newline).
    pub fn from_seed_hex(text: &str) -> Result<SigningKey, KeyError> {
        let text = text.trim_ascii();
        if text.len() != SEED_HEX_LEN {
            return Err(KeyError::BadSeed);
        }
        let mut seed = [0u8; 32];
        for (byte, pair) in seed.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
            match (hex_digit(pair[0]), hex_digit(pair[1])) {
                (Some(hi), Some(lo)) => *byte = hi << 4 | lo,
                _ => {
                    seed.fill(0);
                    return Err(KeyError::BadSeed);
                }
            }
        }
        let key = SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed));
        seed.fill(0);
        Ok(key)
    }

    /// The seed as 64 lowercase hexadecimal digits, for the key file (mode
    /// 0600). The caller must never log it.
    pub fn to_seed_hex(&self) -> String {
        crate::federation::hex(self.0.as_bytes())
    }

    /// The public half, which the member card publishes.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs `message` (deterministic: the same message gives the same
    /// signature).
    pub fn sign(&self, message: &[u8]) -> Signature {
        use ed25519_dalek::Signer;
        Signature(self.0.sign(message).to_bytes())
    }
}

impl fmt::Debug for SigningKey {
    /// Shows the public key only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public_key", &self.public_key().to_b64())
            .finish_non_exhaustive()
    }
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// An ed25519 public key, as a member card publishes it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    /// Decodes a public key, refusing anything but the canonical encoding
    /// of a curve point that is not of small order.
    pub fn from_b64(text: &str) -> Result<PublicKey, KeyError> {
        let bytes: [u8; 32] = decode_exact(text).map_err(KeyError::PublicKeyEncoding)?;
        let key =
            ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::NotAPoint)?;
        // Decompression accepts a few non-canonical encodings (y ≥ p); one
        // key must have one spelling, so that "distinct keys" means it.
        if key.to_edwards().compress().to_bytes() != bytes {
            return Err(KeyError::NotAPoint);
        }
        if key.is_weak() {
            return Err(KeyError::WeakKey);
        }
        Ok(PublicKey(key))
    }

    /// Standard base64 with padding (44 characters).
    pub fn to_b64(&self) -> String {
        STANDARD.encode(self.0.as_bytes())
    }

    /// Verifies with ed25519-dalek's `verify_strict`: besides the equation,
    /// it refuses small-order `R` components and non-canonical `S`, so a
    /// signature cannot be altered into another valid one.
    pub fn verify_strict(
        &self,
        message: &[u8],
        signature: &Signature,
    ) -> Result<(), SignatureMismatch> {
        let signature = ed25519_dalek::Signature::from_bytes(&signature.0);
        self.0
            .verify_strict(message, &signature)
            .map_err(|_| SignatureMismatch)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_b64())
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_b64())
    }
}

impl Serialize for PublicKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_b64())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PublicKey::from_b64(&text).map_err(serde::de::Error::custom)
    }
}

/// An ed25519 signature (64 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 64]);

impl Signature {
    /// Decodes standard base64 with padding of exactly 64 bytes.
    pub fn from_b64(text: &str) -> Result<Signature, KeyError> {
        decode_exact(text)
            .map(Signature)
            .map_err(KeyError::SignatureEncoding)
    }

    /// Standard base64 with padding (88 characters).
    pub fn to_b64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// The raw bytes.
    pub fn to_bytes(&self) -> [u8; 64] {
        self.0
    }

    /// A placeholder used while the bytes to sign are computed (they never
    /// include the signature itself).
    pub(crate) const PLACEHOLDER: Signature = Signature([0; 64]);
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.to_b64())
    }
}

impl Serialize for Signature {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_b64())
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Signature::from_b64(&text).map_err(serde::de::Error::custom)
    }
}

/// Strict standard base64 (padding required, no trailing bits) of exactly
/// `N` bytes.
pub(crate) fn decode_exact<const N: usize>(text: &str) -> Result<[u8; N], &'static str> {
    let bytes = STANDARD
        .decode(text)
        .map_err(|_| "not standard base64 with padding")?;
    bytes.try_into().map_err(|_| "wrong length")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_hex_round_trips_and_debug_hides_the_secret() {
        let key = SigningKey::generate();
        let hex = key.to_seed_hex();
        assert_eq!(hex.len(), 64);
        assert!(
            hex.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        let again = SigningKey::from_seed_hex(&format!("  {}\n", hex.to_uppercase())).unwrap();
        assert_eq!(again.public_key(), key.public_key());
        let debug = format!("{key:?}");
        assert!(
            !debug.contains(&hex) && !debug.contains(&hex[..16]),
            "{debug}"
        );
        assert!(debug.contains(&key.public_key().to_b64()));
    }

    #[test]
    fn bad_seeds_are_refused_without_quoting_them() {
        for bad in ["", "00", &"g".repeat(64), &"0".repeat(63), &"0".repeat(65)] {
            let err = SigningKey::from_seed_hex(bad).unwrap_err();
            assert_eq!(err, KeyError::BadSeed);
        }
        let secretish = format!("{}zz", "ab".repeat(31));
        assert!(
            !SigningKey::from_seed_hex(&secretish)
                .unwrap_err()
                .to_string()
                .contains("abab")
        );
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(
            SigningKey::generate().public_key(),
            SigningKey::generate().public_key()
        );
    }

    #[test]
    fn sign_and_verify_strict() {
        let key = SigningKey::generate();
        let sig = key.sign(b"hello");
        assert_eq!(sig, key.sign(b"hello"), "ed25519 is deterministic");
        let public = key.public_key();
        assert_eq!(public.verify_strict(b"hello", &sig), Ok(()));
        assert_eq!(public.verify_strict(b"hellO", &sig), Err(SignatureMismatch));
        let other = SigningKey::generate().public_key();
        assert_eq!(other.verify_strict(b"hello", &sig), Err(SignatureMismatch));
        let mut bytes = sig.to_bytes();
        bytes[63] ^= 0x10;
        assert!(public.verify_strict(b"hello", &Signature(bytes)).is_err());
    }

    #[test]
    fn public_keys_and_signatures_decode_strictly() {
        let key = SigningKey::generate();
        let b64 = key.public_key().to_b64();
        assert_eq!(PublicKey::from_b64(&b64), Ok(key.public_key()));
        assert!(matches!(
            PublicKey::from_b64(b64.trim_end_matches('=')),
            Err(KeyError::PublicKeyEncoding(_))
        ));
        assert!(matches!(
            PublicKey::from_b64(&STANDARD.encode([1u8; 31])),
            Err(KeyError::PublicKeyEncoding(_))
        ));
        // The identity point (y = 1) has small order.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(
            PublicKey::from_b64(&STANDARD.encode(identity)),
            Err(KeyError::WeakKey)
        );
        // y = p + 1 (≥ p) is a non-canonical spelling of the identity.
        let mut non_canonical = [0xffu8; 32];
        non_canonical[0] = 0xee;
        non_canonical[31] = 0x7f;
        assert_eq!(
            PublicKey::from_b64(&STANDARD.encode(non_canonical)),
            Err(KeyError::NotAPoint)
        );
        let sig = key.sign(b"x");
        assert_eq!(Signature::from_b64(&sig.to_b64()), Ok(sig));
        assert!(Signature::from_b64("AAAA").is_err());
        // Non-zero trailing bits in the last character before the padding
        // are refused, so a signature has one spelling.
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut text = sig.to_b64().into_bytes();
        let at = text.len() - 3;
        let six_bits = ALPHABET.iter().position(|&c| c == text[at]).unwrap();
        text[at] = ALPHABET[six_bits ^ 1];
        let respelled = String::from_utf8(text).unwrap();
        assert!(matches!(
            Signature::from_b64(&respelled),
            Err(KeyError::SignatureEncoding(_))
        ));
    }

    #[test]
    fn serde_uses_base64_strings() {
        let key = SigningKey::generate();
        let json = serde_json::to_string(&key.public_key()).unwrap();
        assert_eq!(json, format!("\"{}\"", key.public_key().to_b64()));
        let back: PublicKey = serde_json::from_str(&json).unwrap();
        assert_eq!(back, key.public_key());
        assert!(serde_json::from_str::<PublicKey>("\"nope\"").is_err());
        let sig = key.sign(b"m");
        let back: Signature = serde_json::from_str(&serde_json::to_string(&sig).unwrap()).unwrap();
        assert_eq!(back, sig);
    }
}
