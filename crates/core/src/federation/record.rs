//! What the signed records (provenance, receipt, acceptance, reaction)
//! share: who signs, what an incoming record is checked against, and the
//! errors.
//!
//! Laws of every `verify_incoming` (no side effect; first failure wins):
//! 1. the record is well formed (version, type, every field's rule);
//! 2. it is of this node's commonwealth;
//! 3. its signer is the peer it came from: records travel only from their
//!    author, never through a third member;
//! 4. it is addressed to this node;
//! 5. its time is not beyond `now + skew` (records may be old: a node
//!    that was down pulls them late; the time is the signer's claim);
//! 6. it matches the STIX object it comes with, if any (id, version,
//!    digest, TLP);
//! 7. its signature verifies with the sender's current key. For the
//!    records signed in batches (provenance, receipts: see the `batch`
//!    module), that is the signature over the batch header rebuilt from
//!    the record and its proof, which the receiver may check once for all
//!    the records of one batch (`Seal`).

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::agreement::CommonwealthId;
use super::format::{
    FORMAT_VERSION, FormatError, check_versioned_header, parse_strict, parse_timestamp,
    signing_bytes,
};
use super::keys::{PublicKey, Signature, SigningKey};
use super::sharing::{Audience, AudienceError};

/// This node, as the author of the records it signs.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    pub commonwealth: &'a CommonwealthId,
    /// This node's member name.
    pub name: &'a str,
    pub key: &'a SigningKey,
}

/// What a received record is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub commonwealth: &'a CommonwealthId,
    /// The peer the record came from: the verified origin of the request
    /// that carried it, or the peer whose outbox was pulled (pinned by TLS).
    pub sender: &'a str,
    /// The sender's current signing key.
    pub sender_key: &'a PublicKey,
    /// This node's member name.
    pub self_name: &'a str,
    /// Now, from the injected clock (Unix microseconds).
    pub now_micros: i64,
    /// Usually [`DEFAULT_MAX_SKEW`](super::DEFAULT_MAX_SKEW).
    pub max_skew: Duration,
}

/// Why a signed record is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("{kind}: {source}")]
    Format {
        kind: &'static str,
        source: FormatError,
    },
    #[error("{kind}: {source}")]
    Audience {
        kind: &'static str,
        source: AudienceError,
    },
    #[error("the {kind} is for another commonwealth")]
    WrongCommonwealth { kind: &'static str },
    #[error(
        "the {kind} is signed by {signer} but came from {sender}: a member never forwards another member's records"
    )]
    NotFromSender {
        kind: &'static str,
        signer: String,
        sender: String,
    },
    #[error("the {kind} is not addressed to this node")]
    NotAddressedToSelf { kind: &'static str },
    #[error("the {kind} is dated {time}, more than {max_skew_seconds} s after this node's clock")]
    FutureTime {
        kind: &'static str,
        time: String,
        max_skew_seconds: u64,
    },
    #[error("the {kind}'s {field} does not match the STIX object it came with")]
    ObjectMismatch {
        kind: &'static str,
        field: &'static str,
    },
    #[error("signature of {signer} on the {kind} does not verify")]
    BadSignature { kind: &'static str, signer: String },
}

/// A record type: its `type`, its name in messages, its signature.
pub(crate) trait Signed: Serialize + DeserializeOwned {
    /// The `type` member (`liaison-receipt`).
    const TYPE: &'static str;
    /// The word used in errors (`receipt`).
    const KIND: &'static str;
    /// The only `v` read and written.
    const VERSION: u32 = FORMAT_VERSION;
    fn signature_mut(&mut self) -> &mut Signature;
    fn signature(&self) -> &Signature;
}

/// Implements [`Signed`] for a record whose signature is its `signature`
/// field: `signed_record!(Receipt, RECEIPT_TYPE, "receipt", version = BATCH_FORMAT_VERSION)`
/// (the version defaults to [`FORMAT_VERSION`]).
macro_rules! signed_record {
    ($record:ty, $type:expr, $kind:literal $(, version = $version:expr)?) => {
        impl $crate::federation::record::Signed for $record {
            const TYPE: &'static str = $type;
            const KIND: &'static str = $kind;
            $(const VERSION: u32 = $version;)?
            fn signature_mut(&mut self) -> &mut $crate::federation::keys::Signature {
                &mut self.signature
            }
            fn signature(&self) -> &$crate::federation::keys::Signature {
                &self.signature
            }
        }
    };
}
pub(crate) use signed_record;

pub(crate) fn format_error<R: Signed>(source: FormatError) -> RecordError {
    RecordError::Format {
        kind: R::KIND,
        source,
    }
}

/// Signs a record whose fields are set (its signature is replaced).
pub(crate) fn seal<R: Signed>(mut record: R, key: &SigningKey) -> Result<R, RecordError> {
    *record.signature_mut() = Signature::PLACEHOLDER;
    let bytes = signing_bytes(&record, "signature").map_err(format_error::<R>)?;
    *record.signature_mut() = key.sign(&bytes);
    Ok(record)
}

/// Parses a record strictly and checks its version and type.
pub(crate) fn parse_record<R: Signed>(
    text: &str,
    header: impl Fn(&R) -> (u32, &str),
) -> Result<R, RecordError> {
    let record: R = match parse_strict(text) {
        Ok(record) => record,
        // A record of another version has other fields: say which version
        // it is rather than which field does not fit.
        Err(e) => {
            #[derive(serde::Deserialize)]
            struct Version {
                v: u32,
            }
            return Err(format_error::<R>(
                match serde_json::from_str::<Version>(text) {
                    Ok(Version { v }) if v != R::VERSION => {
                        check_versioned_header(v, R::VERSION, R::TYPE, R::TYPE)
                            .err()
                            .unwrap_or(e)
                    }
                    _ => e,
                },
            ));
        }
    };
    let (v, ty) = header(&record);
    check_versioned_header(v, R::VERSION, ty, R::TYPE).map_err(format_error::<R>)?;
    Ok(record)
}

/// Checks the signature of `signer` on a record.
pub(crate) fn check_signature<R: Signed>(
    record: &R,
    signer: &str,
    key: &PublicKey,
) -> Result<(), RecordError> {
    let bytes = signing_bytes(record, "signature").map_err(format_error::<R>)?;
    key.verify_strict(&bytes, record.signature())
        .map_err(|_| RecordError::BadSignature {
            kind: R::KIND,
            signer: signer.to_owned(),
        })
}

/// Law 4 for a record with an audience.
pub(crate) fn check_audience<R: Signed>(
    audience: &Audience,
    incoming: &Incoming<'_>,
) -> Result<(), RecordError> {
    if audience.includes(incoming.self_name) {
        Ok(())
    } else {
        Err(RecordError::NotAddressedToSelf { kind: R::KIND })
    }
}

/// An audience's form, and that it does not name the record's `signer`
/// (`rule` says so in the refusal).
pub(crate) fn check_audience_form<R: Signed>(
    audience: &Audience,
    signer: &str,
    rule: &'static str,
) -> Result<(), RecordError> {
    audience
        .check_form()
        .map_err(|source| RecordError::Audience {
            kind: R::KIND,
            source,
        })?;
    if matches!(audience, Audience::Members(names) if names.iter().any(|n| n == signer)) {
        return Err(format_error::<R>(FormatError::invalid("audience", rule)));
    }
    Ok(())
}

/// Law 6 broken: the record's `field` does not match its STIX object.
pub(crate) fn object_mismatch<R: Signed>(field: &'static str) -> RecordError {
    RecordError::ObjectMismatch {
        kind: R::KIND,
        field,
    }
}

/// Laws 2, 3 and 5 (the caller checks the form first and the addressee,
/// the object and the signature after).
pub(crate) fn check_envelope<R: Signed>(
    commonwealth: &str,
    signer: &str,
    time_field: &'static str,
    time: &str,
    incoming: &Incoming<'_>,
) -> Result<(), RecordError> {
    if commonwealth != incoming.commonwealth.as_str() {
        return Err(RecordError::WrongCommonwealth { kind: R::KIND });
    }
    if signer != incoming.sender {
        return Err(RecordError::NotFromSender {
            kind: R::KIND,
            signer: signer.to_owned(),
            sender: incoming.sender.to_owned(),
        });
    }
    let at = parse_timestamp(time_field, time).map_err(format_error::<R>)?;
    let skew = i128::try_from(incoming.max_skew.as_micros()).unwrap_or(i128::MAX);
    if i128::from(at.unix_micros()) > i128::from(incoming.now_micros).saturating_add(skew) {
        return Err(RecordError::FutureTime {
            kind: R::KIND,
            time: time.to_owned(),
            max_skew_seconds: incoming.max_skew.as_secs(),
        });
    }
    Ok(())
}
