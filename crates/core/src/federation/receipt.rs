//! Receipts and acceptances: the first two steps of the loop back to the
//! originator.
//!
//! A **receipt** is signed by the node that received a message, after the
//! message's effects are durably committed (a receipt means stored), or to
//! say it refused it and why:
//!
//! ```json
//! {"v":1,"type":"liaison-receipt","commonwealth":h,"recipient":"cert-b","origin":"cert-a",
//!  "message_id":"<uuid>","object_id":"…"|null,"object_version":"…"|null,"digest":"…"|null,
//!  "outcome":"stored"|"refused","reason":null|"…","received_at":ts,"signature":"…"}
//! ```
//!
//! `origin` is the sender of the receipted message (and the receipt's
//! addressee); the object fields name the STIX object the message carried
//! (an object version, or the STIX object of a reaction) and are `null`
//! for messages without one (acceptances, ledger acts). Law: `reason` is
//! present exactly when the outcome is `refused`.
//!
//! An **acceptance** says that an analyst at the recipient has read the
//! item and taken it into work:
//!
//! ```json
//! {"v":1,"type":"liaison-acceptance","commonwealth":h,"id":"<uuid>","member":"cert-b","origin":"cert-a",
//!  "object_id":"…","object_version":"…","accepted_by":"alice","accepted_at":ts,"signature":"…"}
//! ```

use serde::{Deserialize, Serialize};

use liaison_stix::Uuid;
use liaison_stix::json::Value;

use super::format::{
    FormatError, check_header, check_member_name, check_text, is_lower_hex, parse_timestamp,
    timestamp,
};
use super::keys::{PublicKey, Signature};
use super::provenance::check_object_fields;
use super::record::{
    Author, Incoming, RecordError, Signed, check_envelope, check_signature, format_error,
    parse_record, seal,
};
use super::sharing::{object_digest, object_version};

/// The `type` of a receipt.
pub const RECEIPT_TYPE: &str = "liaison-receipt";
/// The `type` of an acceptance.
pub const ACCEPTANCE_TYPE: &str = "liaison-acceptance";
/// Longest refusal reason, in characters (longer ones are cut on signing).
pub const MAX_REASON_CHARS: usize = 2000;

/// Which object version a record is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectRef {
    pub id: String,
    /// `modified`, else `created`, else empty.
    pub version: String,
    /// Lowercase hex SHA-256 of the object's canonical JSON.
    pub digest: String,
}

impl ObjectRef {
    /// The reference of a STIX object.
    pub fn of(object: &Value<'_>) -> Result<ObjectRef, FormatError> {
        let id = object
            .get("id")
            .and_then(Value::as_str)
            .ok_or(FormatError::invalid("object", "has no id"))?;
        Ok(ObjectRef {
            id: id.to_owned(),
            version: object_version(object),
            digest: object_digest(object)?,
        })
    }
}

/// What happened to a received message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Stored,
    Refused,
}

/// A signed receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub v: u32,
    #[serde(rename = "type")]
    pub record_type: String,
    pub commonwealth: String,
    /// The member that received the message, which signs.
    pub recipient: String,
    /// The member that sent the message.
    pub origin: String,
    pub message_id: String,
    pub object_id: Option<String>,
    pub object_version: Option<String>,
    pub digest: Option<String>,
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub received_at: String,
    pub signature: Signature,
}

impl Signed for Receipt {
    const TYPE: &'static str = RECEIPT_TYPE;
    const KIND: &'static str = "receipt";
    fn signature_mut(&mut self) -> &mut Signature {
        &mut self.signature
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
}

impl Receipt {
    /// Signs a receipt for message `message_id` from `origin`: stored when
    /// `refusal` is `None`, else refused for that reason (made printable
    /// and cut to [`MAX_REASON_CHARS`]: a receipt must always be possible).
    /// Sign a `stored` receipt only after the commit.
    pub fn create(
        author: &Author<'_>,
        origin: &str,
        message_id: &str,
        object: Option<&ObjectRef>,
        refusal: Option<&str>,
        now_micros: i64,
    ) -> Result<Receipt, RecordError> {
        let record = Receipt {
            v: super::FORMAT_VERSION,
            record_type: RECEIPT_TYPE.to_owned(),
            commonwealth: author.commonwealth.as_str().to_owned(),
            recipient: author.name.to_owned(),
            origin: origin.to_owned(),
            message_id: message_id.to_owned(),
            object_id: object.map(|o| o.id.clone()),
            object_version: object.map(|o| o.version.clone()),
            digest: object.map(|o| o.digest.clone()),
            outcome: match refusal {
                None => Outcome::Stored,
                Some(_) => Outcome::Refused,
            },
            reason: refusal.map(printable_reason),
            received_at: timestamp(now_micros),
            signature: Signature::PLACEHOLDER,
        };
        record.check_form()?;
        seal(record, author.key)
    }

    /// Parses a receipt (checking it is [`Receipt::verify_incoming`]'s work).
    pub fn from_json(text: &str) -> Result<Receipt, RecordError> {
        parse_record(text, |r: &Receipt| (r.v, r.record_type.as_str()))
    }

    /// Checks the form and the recipient's signature.
    pub fn verify(&self, recipient_key: &PublicKey) -> Result<(), RecordError> {
        self.check_form()?;
        check_signature(self, &self.recipient, recipient_key)
    }

    /// Checks a receipt received from its recipient (see the laws in
    /// [`record`](super::record)). Matching it against the outbox (same
    /// message, object and digest as sent) is the store's.
    pub fn verify_incoming(&self, incoming: &Incoming<'_>) -> Result<(), RecordError> {
        self.check_form()?;
        check_envelope::<Self>(
            &self.commonwealth,
            &self.recipient,
            "received_at",
            &self.received_at,
            incoming,
        )?;
        if self.origin != incoming.self_name {
            return Err(RecordError::NotAddressedToSelf { kind: Self::KIND });
        }
        check_signature(self, &self.recipient, incoming.sender_key)
    }

    fn check_form(&self) -> Result<(), RecordError> {
        let f = format_error::<Self>;
        check_header(self.v, &self.record_type, RECEIPT_TYPE).map_err(f)?;
        check_parties("recipient", &self.recipient, &self.origin).map_err(f)?;
        check_uuid("message_id", &self.message_id).map_err(f)?;
        match (&self.object_id, &self.object_version, &self.digest) {
            (None, None, None) => {
                if !is_lower_hex(&self.commonwealth, 64) {
                    return Err(f(FormatError::invalid(
                        "commonwealth",
                        "must be 64 lowercase hexadecimal digits",
                    )));
                }
            }
            (Some(id), Some(version), Some(digest)) => {
                check_object_fields(&self.commonwealth, id, version).map_err(f)?;
                if !is_lower_hex(digest, 64) {
                    return Err(f(FormatError::invalid(
                        "digest",
                        "must be 64 lowercase hexadecimal digits",
                    )));
                }
            }
            _ => {
                return Err(f(FormatError::invalid(
                    "object_id",
                    "object_version and digest must be all present or all null",
                )));
            }
        }
        match (self.outcome, &self.reason) {
            (Outcome::Stored, None) => {}
            (Outcome::Refused, Some(reason)) => {
                check_text("reason", reason, MAX_REASON_CHARS).map_err(f)?
            }
            (Outcome::Stored, Some(_)) => {
                return Err(f(FormatError::invalid(
                    "reason",
                    "must be null when stored",
                )));
            }
            (Outcome::Refused, None) => {
                return Err(f(FormatError::invalid(
                    "reason",
                    "must be given when refused",
                )));
            }
        }
        parse_timestamp("received_at", &self.received_at).map_err(f)?;
        Ok(())
    }
}

/// A refusal reason as a receipt may carry it.
fn printable_reason(reason: &str) -> String {
    let cleaned: String = reason
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        return "refused".to_owned();
    }
    if cleaned.chars().count() <= MAX_REASON_CHARS {
        return cleaned.to_owned();
    }
    let mut cut: String = cleaned.chars().take(MAX_REASON_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// A signed acceptance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    pub v: u32,
    #[serde(rename = "type")]
    pub record_type: String,
    pub commonwealth: String,
    /// UUID of this acceptance.
    pub id: String,
    /// The accepting member, which signs.
    pub member: String,
    /// The originator of the object, to which the acceptance goes.
    pub origin: String,
    pub object_id: String,
    pub object_version: String,
    /// The local user who accepted.
    pub accepted_by: String,
    pub accepted_at: String,
    pub signature: Signature,
}

impl Signed for Acceptance {
    const TYPE: &'static str = ACCEPTANCE_TYPE;
    const KIND: &'static str = "acceptance";
    fn signature_mut(&mut self) -> &mut Signature {
        &mut self.signature
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
}

impl Acceptance {
    /// Signs the acceptance of an object version received from `origin`,
    /// by local user `accepted_by`.
    pub fn create(
        author: &Author<'_>,
        origin: &str,
        object_id: &str,
        object_version: &str,
        accepted_by: &str,
        now_micros: i64,
    ) -> Result<Acceptance, RecordError> {
        let record = Acceptance {
            v: super::FORMAT_VERSION,
            record_type: ACCEPTANCE_TYPE.to_owned(),
            commonwealth: author.commonwealth.as_str().to_owned(),
            id: crate::model::new_uuid_v4(),
            member: author.name.to_owned(),
            origin: origin.to_owned(),
            object_id: object_id.to_owned(),
            object_version: object_version.to_owned(),
            accepted_by: accepted_by.to_owned(),
            accepted_at: timestamp(now_micros),
            signature: Signature::PLACEHOLDER,
        };
        record.check_form()?;
        seal(record, author.key)
    }

    /// Parses an acceptance (checking it is [`Acceptance::verify_incoming`]'s work).
    pub fn from_json(text: &str) -> Result<Acceptance, RecordError> {
        parse_record(text, |r: &Acceptance| (r.v, r.record_type.as_str()))
    }

    /// Checks the form and the accepting member's signature.
    pub fn verify(&self, member_key: &PublicKey) -> Result<(), RecordError> {
        self.check_form()?;
        check_signature(self, &self.member, member_key)
    }

    /// Checks an acceptance received from the accepting member.
    pub fn verify_incoming(&self, incoming: &Incoming<'_>) -> Result<(), RecordError> {
        self.check_form()?;
        check_envelope::<Self>(
            &self.commonwealth,
            &self.member,
            "accepted_at",
            &self.accepted_at,
            incoming,
        )?;
        if self.origin != incoming.self_name {
            return Err(RecordError::NotAddressedToSelf { kind: Self::KIND });
        }
        check_signature(self, &self.member, incoming.sender_key)
    }

    fn check_form(&self) -> Result<(), RecordError> {
        let f = format_error::<Self>;
        check_header(self.v, &self.record_type, ACCEPTANCE_TYPE).map_err(f)?;
        check_uuid("id", &self.id).map_err(f)?;
        check_parties("member", &self.member, &self.origin).map_err(f)?;
        check_object_fields(&self.commonwealth, &self.object_id, &self.object_version)
            .map_err(f)?;
        crate::users::check_user_name(&self.accepted_by).map_err(|_| {
            f(FormatError::invalid(
                "accepted_by",
                "must be a local user name (1 to 64 of a-z, A-Z, 0-9, '.', '-', '_', '@')",
            ))
        })?;
        parse_timestamp("accepted_at", &self.accepted_at).map_err(f)?;
        Ok(())
    }
}

/// The signer and the addressee: two distinct member names.
pub(crate) fn check_parties(
    signer_field: &'static str,
    signer: &str,
    origin: &str,
) -> Result<(), FormatError> {
    check_member_name(signer_field, signer)?;
    check_member_name("origin", origin)?;
    if signer == origin {
        return Err(FormatError::invalid("origin", "must not be the signer"));
    }
    Ok(())
}

pub(crate) fn check_uuid(field: &'static str, text: &str) -> Result<(), FormatError> {
    // Lowercase only: one id, one spelling.
    match Uuid::parse(text) {
        Ok(_) if !text.bytes().any(|b| b.is_ascii_uppercase()) => Ok(()),
        _ => Err(FormatError::invalid(field, "must be a lowercase UUID")),
    }
}

#[cfg(test)]
#[path = "receipt_tests.rs"]
mod tests;
