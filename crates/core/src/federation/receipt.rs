//! Receipts: the first step of the loop back to the originator.
//!
//! A node that received messages signs, after their effects are durably
//! committed (a receipt means stored), **one receipt batch per answer**,
//! listing every message it handled, stored or refused and why:
//!
//! ```json
//! {"v":2,"type":"liaison-receipt-batch","commonwealth":h,"recipient":"cert-b","origin":"cert-a",
//!  "received_at":ts,"entries":[{"message_id":"<uuid>","object_id":"…"|null,"object_version":"…"|null,
//!  "digest":"…"|null,"outcome":"stored"|"refused","reason":null|"…"},…],"signature":"…"}
//! ```
//!
//! The signature covers the batch with its `entries` replaced by their
//! number and Merkle root (see the `batch` module): the header
//! `{"v":2,"type":"liaison-receipt-batch","commonwealth","recipient","origin",
//! "received_at","size","root"}`. The originator verifies it once, then
//! keeps one **receipt** per message, verifiable alone:
//!
//! ```json
//! {"v":2,"type":"liaison-receipt","commonwealth":h,"recipient":"cert-b","origin":"cert-a",
//!  "received_at":ts,"message_id":"<uuid>","object_id":"…"|null,"object_version":"…"|null,
//!  "digest":"…"|null,"outcome":"stored"|"refused","reason":null|"…",
//!  "batch":{"size":n,"index":i,"path":[…]},"signature":"…"}
//! ```
//!
//! `origin` is the sender of the receipted messages (and the receipts'
//! addressee); the object fields name the STIX object a message carried
//! (an object version, or the STIX object of a reaction) and are `null`
//! for messages without one (acceptances, ledger acts). Laws: `reason` is
//! present exactly when the outcome is `refused`; a batch lists at least
//! one entry.

use serde::{Deserialize, Serialize};

use liaison_stix::Uuid;
use liaison_stix::json::Value;

use super::batch::{self, BatchProof, NodeHash, Seal, Tree};
use super::format::{
    BATCH_FORMAT_VERSION, FormatError, check_member_name, check_text, check_versioned_header,
    is_lower_hex, parse_timestamp, timestamp,
};
use super::keys::{PublicKey, Signature};
use super::provenance::check_object_ref;
use super::record::{
    Author, Incoming, RecordError, Signed, check_envelope, format_error, parse_record,
    signed_record,
};
use super::sharing::{object_digest, object_version};

/// The `type` of a receipt (one message, with its proof).
pub const RECEIPT_TYPE: &str = "liaison-receipt";
/// The `type` of a receipt batch (and of the header its signature covers).
pub const RECEIPT_BATCH_TYPE: &str = "liaison-receipt-batch";
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

/// What a receipt says of one message: a leaf of a receipt batch.
/// Members in sorted order (the leaf hashes their canonical JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptEntry {
    pub digest: Option<String>,
    pub message_id: String,
    pub object_id: Option<String>,
    pub object_version: Option<String>,
    pub outcome: Outcome,
    pub reason: Option<String>,
}

impl ReceiptEntry {
    /// The entry of message `message_id`: stored when `refusal` is `None`,
    /// else refused for that reason (made printable and cut to
    /// [`MAX_REASON_CHARS`]: a receipt must always be possible). An object
    /// reference that breaks the form is left out rather than refusing the
    /// receipt.
    pub fn new(message_id: &str, object: Option<&ObjectRef>, refusal: Option<&str>) -> Self {
        let mut entry = ReceiptEntry {
            digest: object.map(|o| o.digest.clone()),
            message_id: message_id.to_owned(),
            object_id: object.map(|o| o.id.clone()),
            object_version: object.map(|o| o.version.clone()),
            outcome: match refusal {
                None => Outcome::Stored,
                Some(_) => Outcome::Refused,
            },
            reason: refusal.map(printable_reason),
        };
        if entry.check_object().is_err() {
            (entry.object_id, entry.object_version, entry.digest) = (None, None, None);
        }
        entry
    }

    fn check_form(&self) -> Result<(), FormatError> {
        check_uuid("message_id", &self.message_id)?;
        self.check_object()?;
        match (self.outcome, &self.reason) {
            (Outcome::Stored, None) => Ok(()),
            (Outcome::Refused, Some(reason)) => check_text("reason", reason, MAX_REASON_CHARS),
            (Outcome::Stored, Some(_)) => {
                Err(FormatError::invalid("reason", "must be null when stored"))
            }
            (Outcome::Refused, None) => {
                Err(FormatError::invalid("reason", "must be given when refused"))
            }
        }
    }

    fn check_object(&self) -> Result<(), FormatError> {
        match (&self.object_id, &self.object_version, &self.digest) {
            (None, None, None) => Ok(()),
            (Some(id), Some(version), Some(digest)) => {
                check_object_ref(id, version)?;
                if is_lower_hex(digest, 64) {
                    Ok(())
                } else {
                    Err(FormatError::invalid(
                        "digest",
                        "must be 64 lowercase hexadecimal digits",
                    ))
                }
            }
            _ => Err(FormatError::invalid(
                "object_id",
                "object_version and digest must be all present or all null",
            )),
        }
    }
}

/// The header a receipt batch's signature covers: the fields its records
/// share, with the tree's size and root (members in sorted order).
#[derive(Serialize)]
struct Header<'a> {
    commonwealth: &'a str,
    origin: &'a str,
    received_at: &'a str,
    recipient: &'a str,
    root: String,
    size: u64,
    #[serde(rename = "type")]
    record_type: &'static str,
    v: u32,
}

/// The header of a batch with these common fields and tree.
fn header<'a>(
    v: u32,
    commonwealth: &'a str,
    recipient: &'a str,
    origin: &'a str,
    received_at: &'a str,
    size: u64,
    root: NodeHash,
) -> Header<'a> {
    Header {
        commonwealth,
        origin,
        received_at,
        recipient,
        root: batch::root_hex(root),
        size,
        record_type: RECEIPT_BATCH_TYPE,
        v,
    }
}

/// Checks the fields a batch's records share.
fn check_common(
    commonwealth: &str,
    recipient: &str,
    origin: &str,
    received_at: &str,
) -> Result<(), FormatError> {
    if !is_lower_hex(commonwealth, 64) {
        return Err(FormatError::invalid(
            "commonwealth",
            "must be 64 lowercase hexadecimal digits",
        ));
    }
    check_parties("recipient", recipient, origin)?;
    parse_timestamp("received_at", received_at)?;
    Ok(())
}

/// A signed receipt batch, as a recipient answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptBatch {
    pub v: u32,
    #[serde(rename = "type")]
    pub record_type: String,
    pub commonwealth: String,
    /// The member that received the messages, which signs.
    pub recipient: String,
    /// The member that sent them.
    pub origin: String,
    pub received_at: String,
    pub entries: Vec<ReceiptEntry>,
    pub signature: Signature,
}

signed_record!(
    ReceiptBatch,
    RECEIPT_BATCH_TYPE,
    "receipt batch",
    version = BATCH_FORMAT_VERSION
);

impl ReceiptBatch {
    /// Signs, once, the receipts of `entries` (at least one), messages
    /// received from `origin`. Sign stored entries only after the commit.
    pub fn create(
        author: &Author<'_>,
        origin: &str,
        entries: Vec<ReceiptEntry>,
        now_micros: i64,
    ) -> Result<ReceiptBatch, RecordError> {
        let mut batch = ReceiptBatch {
            v: BATCH_FORMAT_VERSION,
            record_type: RECEIPT_BATCH_TYPE.to_owned(),
            commonwealth: author.commonwealth.as_str().to_owned(),
            recipient: author.name.to_owned(),
            origin: origin.to_owned(),
            received_at: timestamp(now_micros),
            entries,
            signature: Signature::PLACEHOLDER,
        };
        let tree = batch.check_form()?;
        batch.signature =
            batch::sign(&batch.header(&tree), author.key).map_err(format_error::<Self>)?;
        Ok(batch)
    }

    /// Parses a batch (checking it is [`ReceiptBatch::verify_incoming`]'s work).
    pub fn from_json(text: &str) -> Result<ReceiptBatch, RecordError> {
        parse_record(text, |r: &ReceiptBatch| (r.v, r.record_type.as_str()))
    }

    /// Checks the form and the recipient's signature.
    pub fn verify(&self, recipient_key: &PublicKey) -> Result<(), RecordError> {
        let tree = self.check_form()?;
        self.seal(&tree)?.verify(recipient_key)
    }

    /// Checks a batch received from its recipient (see the laws in
    /// [`record`](super::record)). Matching each entry against what was
    /// sent (same message, object and digest) is the caller's.
    pub fn verify_incoming(&self, incoming: &Incoming<'_>) -> Result<(), RecordError> {
        let tree = self.check_form()?;
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
        self.seal(&tree)?.verify(incoming.sender_key)
    }

    /// One receipt per entry, in order, each with its proof: what the
    /// originator keeps (verify the batch first).
    pub fn receipts(&self) -> Result<Vec<Receipt>, RecordError> {
        let tree = self.tree()?;
        Ok(self
            .entries
            .iter()
            .enumerate()
            .map(|(index, e)| Receipt {
                v: self.v,
                record_type: RECEIPT_TYPE.to_owned(),
                commonwealth: self.commonwealth.clone(),
                recipient: self.recipient.clone(),
                origin: self.origin.clone(),
                received_at: self.received_at.clone(),
                message_id: e.message_id.clone(),
                object_id: e.object_id.clone(),
                object_version: e.object_version.clone(),
                digest: e.digest.clone(),
                outcome: e.outcome,
                reason: e.reason.clone(),
                batch: tree.proof(index),
                signature: self.signature,
            })
            .collect())
    }

    fn header(&self, tree: &Tree) -> Header<'_> {
        header(
            self.v,
            &self.commonwealth,
            &self.recipient,
            &self.origin,
            &self.received_at,
            tree.size(),
            tree.root(),
        )
    }

    fn tree(&self) -> Result<Tree, RecordError> {
        let f = format_error::<Self>;
        let leaves = self
            .entries
            .iter()
            .map(batch::leaf)
            .collect::<Result<Vec<NodeHash>, FormatError>>()
            .map_err(f)?;
        Tree::new(leaves).map_err(f)
    }

    fn seal(&self, tree: &Tree) -> Result<Seal, RecordError> {
        let bytes = batch::header_bytes(&self.header(tree)).map_err(format_error::<Self>)?;
        Ok(Seal::new(
            Self::KIND,
            &self.recipient,
            bytes,
            self.signature,
        ))
    }

    /// Checks the form; the tree of the entries.
    fn check_form(&self) -> Result<Tree, RecordError> {
        let f = format_error::<Self>;
        check_versioned_header(
            self.v,
            BATCH_FORMAT_VERSION,
            &self.record_type,
            RECEIPT_BATCH_TYPE,
        )
        .map_err(f)?;
        check_common(
            &self.commonwealth,
            &self.recipient,
            &self.origin,
            &self.received_at,
        )
        .map_err(f)?;
        for entry in &self.entries {
            entry.check_form().map_err(f)?;
        }
        self.tree()
    }
}

/// A signed receipt of one message, with its place in its batch.
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
    pub received_at: String,
    pub message_id: String,
    pub object_id: Option<String>,
    pub object_version: Option<String>,
    pub digest: Option<String>,
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub batch: BatchProof,
    pub signature: Signature,
}

signed_record!(
    Receipt,
    RECEIPT_TYPE,
    "receipt",
    version = BATCH_FORMAT_VERSION
);

impl Receipt {
    /// Signs the receipt of one message (a batch of one): see
    /// [`ReceiptEntry::new`] and [`ReceiptBatch::create`].
    pub fn create(
        author: &Author<'_>,
        origin: &str,
        message_id: &str,
        object: Option<&ObjectRef>,
        refusal: Option<&str>,
        now_micros: i64,
    ) -> Result<Receipt, RecordError> {
        let entry = ReceiptEntry::new(message_id, object, refusal);
        // The entry's form (the message id) is the batch's to refuse.
        if let Err(e) = entry.check_form() {
            return Err(format_error::<Self>(e));
        }
        let batch = ReceiptBatch::create(author, origin, vec![entry], now_micros)?;
        batch
            .receipts()?
            .pop()
            .ok_or_else(|| format_error::<Self>(FormatError::invalid("batch", "is empty")))
    }

    /// Parses a receipt (checking it is [`Receipt::verify`]'s work).
    pub fn from_json(text: &str) -> Result<Receipt, RecordError> {
        parse_record(text, |r: &Receipt| (r.v, r.record_type.as_str()))
    }

    /// Checks the form, the proof and the recipient's signature.
    pub fn verify(&self, recipient_key: &PublicKey) -> Result<(), RecordError> {
        self.seal()?.verify(recipient_key)
    }

    /// Checks a receipt received from its recipient (see the laws in
    /// [`record`](super::record)).
    pub fn verify_incoming(&self, incoming: &Incoming<'_>) -> Result<(), RecordError> {
        let seal = self.seal()?;
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
        seal.verify(incoming.sender_key)
    }

    /// The entry this receipt states.
    pub fn entry(&self) -> ReceiptEntry {
        ReceiptEntry {
            digest: self.digest.clone(),
            message_id: self.message_id.clone(),
            object_id: self.object_id.clone(),
            object_version: self.object_version.clone(),
            outcome: self.outcome,
            reason: self.reason.clone(),
        }
    }

    /// Checks the form; the batch signature this receipt claims.
    fn seal(&self) -> Result<Seal, RecordError> {
        let f = format_error::<Self>;
        check_versioned_header(
            self.v,
            BATCH_FORMAT_VERSION,
            &self.record_type,
            RECEIPT_TYPE,
        )
        .map_err(f)?;
        check_common(
            &self.commonwealth,
            &self.recipient,
            &self.origin,
            &self.received_at,
        )
        .map_err(f)?;
        let entry = self.entry();
        entry.check_form().map_err(f)?;
        let root = self
            .batch
            .root(batch::leaf(&entry).map_err(f)?)
            .map_err(f)?;
        let header = header(
            self.v,
            &self.commonwealth,
            &self.recipient,
            &self.origin,
            &self.received_at,
            self.batch.size,
            root,
        );
        let bytes = batch::header_bytes(&header).map_err(f)?;
        Ok(Seal::new(
            Self::KIND,
            &self.recipient,
            bytes,
            self.signature,
        ))
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
