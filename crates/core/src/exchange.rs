//! What the store keeps for the exchange between member nodes (issues 4
//! and 5): the adopted commonwealth and its ledger of acts, the durable
//! outbox per peer, the nonces and message ids that make requests and
//! messages apply once, provenance records, and the feedback (receipts,
//! acceptances, reactions) that flows back to originators.
//!
//! The rows carry signed records as JSON text exactly as signed; the store
//! never interprets them, it only indexes the fields listed here. Every
//! operation that must be atomic is one store call (see the laws on
//! [`crate::store::Store`]'s exchange methods).

use crate::ingest::AddRequest;
use crate::status::Status;

/// The commonwealth this node adopted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommonwealthRecord {
    /// Hex SHA-256 of the canonical agreement without signatures.
    pub id: String,
    /// The signed agreement, as adopted.
    pub agreement_json: String,
    /// This node's member name.
    pub self_name: String,
    /// Unix microseconds.
    pub adopted_at: i64,
}

/// A ledger act as stored (issue 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAct {
    /// Hex SHA-256 of the canonical act without signatures.
    pub hash: String,
    pub json: String,
    /// Unix microseconds, when this node first stored it.
    pub received_at: i64,
}

/// What kind of message travels between nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// A STIX object version with its provenance.
    Object,
    /// A signed receipt.
    Receipt,
    /// A signed acceptance.
    Acceptance,
    /// A signed reaction with its STIX object.
    Reaction,
    /// A ledger act.
    Act,
}

impl MessageKind {
    /// The name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Object => "object",
            MessageKind::Receipt => "receipt",
            MessageKind::Acceptance => "acceptance",
            MessageKind::Reaction => "reaction",
            MessageKind::Act => "act",
        }
    }

    /// Parses [`MessageKind::as_str`].
    pub fn parse(s: &str) -> Option<MessageKind> {
        Some(match s {
            "object" => MessageKind::Object,
            "receipt" => MessageKind::Receipt,
            "acceptance" => MessageKind::Acceptance,
            "reaction" => MessageKind::Reaction,
            "act" => MessageKind::Act,
            _ => return None,
        })
    }
}

/// An object version a message is about: `(id, version_key)` as in
/// [`crate::objects::NewObject`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectKey {
    pub id: String,
    pub version_key: i64,
}

/// A message to queue for one peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// The receiving member.
    pub peer: String,
    /// Unique per peer; enqueuing the same id again changes nothing.
    pub id: String,
    pub kind: MessageKind,
    /// The message as sent (JSON text); for objects, the STIX object and its
    /// provenance.
    pub payload: String,
    /// The object version the message carries or refers to, if any.
    pub object: Option<ObjectKey>,
}

/// A queued message as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub peer: String,
    /// Position in the peer's queue: strictly increasing per peer, from 1.
    pub seq: u64,
    pub id: String,
    pub kind: MessageKind,
    pub payload: String,
    pub object: Option<ObjectKey>,
    /// Unix microseconds.
    pub created_at: i64,
    /// When the peer acknowledged it (Unix microseconds).
    pub delivered_at: Option<i64>,
}

/// A provenance record, signed by the originator of an object version.
/// Own shares carry one record per recipient (each recipient learns only
/// about itself); received objects carry the record sent to this node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenanceRow {
    pub object: ObjectKey,
    /// The originating member.
    pub origin: String,
    /// The recipient the record was signed for.
    pub recipient: String,
    /// The signed record.
    pub json: String,
}

/// Feedback on an object version: a receipt, an acceptance or a reaction,
/// as signed by the member it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackRow {
    pub kind: MessageKind,
    /// The record's own id (unique per member).
    pub id: String,
    /// The member that signed it.
    pub member: String,
    /// The object id it is about (receipts of non-object messages: `None`).
    pub object_id: Option<String>,
    /// Unix microseconds, as signed.
    pub at: i64,
    pub json: String,
}

/// What to commit when this node shares objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareBatch {
    /// The objects, added to the outbound collection of their audience.
    pub add: AddRequest,
    pub provenance: Vec<ProvenanceRow>,
    pub outbox: Vec<OutboxMessage>,
}

/// What to commit when a peer's request is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundBatch {
    /// The sending member.
    pub origin: String,
    /// The request's nonce; a nonce seen before makes the whole batch fail
    /// with `StoreError::Conflict` and nothing is stored.
    pub nonce: String,
    /// The request's signed time (Unix microseconds), kept with the nonce.
    pub request_time: i64,
    /// Objects to add to the origin's inbound collection.
    pub add: Option<AddRequest>,
    pub messages: Vec<InboundMessage>,
    /// The part of the origin's outbox log (its sequence numbers for this
    /// node) that the batch's messages cover, when they carry them: the
    /// store advances the origin's pull position over it (see
    /// [`crate::store::ExchangeStore::receive`]).
    pub log: Option<LogSpan>,
}

/// Sequence numbers `first..=last` of a peer's outbox log for this node,
/// all handled (stored, already applied or refused for good) by a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogSpan {
    pub first: u64,
    pub last: u64,
}

/// One message of an inbound batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    /// The sender's message id; a message applied before is not applied again.
    pub id: String,
    pub kind: MessageKind,
    /// For objects: the version added through [`InboundBatch::add`].
    pub object: Option<ObjectKey>,
    pub provenance: Option<ProvenanceRow>,
    /// The signed records the message carries: an acceptance, a reaction,
    /// or one receipt per message a receipt batch names.
    pub feedback: Vec<FeedbackRow>,
    /// For acts: the act.
    pub act: Option<StoredAct>,
}

/// What happened to one inbound message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageOutcome {
    /// Stored now.
    Applied,
    /// Applied by an earlier request; nothing changed.
    AlreadyApplied,
    /// Not stored, with the reason (e.g. a different object with the same
    /// id and version is already held).
    Refused(String),
}

/// The outcome of [`crate::store::Store::share`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareOutcome {
    /// The status of the objects' addition to the outbound collection.
    pub status: Status,
    /// `(peer, seq)` of each message enqueued now (repeats are not listed).
    pub enqueued: Vec<(String, u64)>,
}

/// TLP as stored with each object version, for filtering reads by a user's
/// clearance: 0 unmarked or TLP:CLEAR, 1 GREEN, 2 AMBER, 3 AMBER+STRICT, 4 RED.
pub fn tlp_rank(tlp: Option<liaison_stix::tlp::Tlp>) -> u8 {
    use liaison_stix::tlp::Tlp;
    match tlp {
        None | Some(Tlp::Clear) => 0,
        Some(Tlp::Green) => 1,
        Some(Tlp::Amber) => 2,
        Some(Tlp::AmberStrict) => 3,
        Some(Tlp::Red) => 4,
    }
}
