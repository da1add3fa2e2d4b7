//! The exchange between member nodes as operations over the [`Store`]:
//! sharing, applying what a peer sent, accepting, reacting, and the status
//! of what this node shared. The [`federation`](crate::federation) module
//! holds the records and their checks; this module decides what to sign,
//! what to store and what to send, and hands each atomic step to one
//! [`ExchangeStore`](crate::store::ExchangeStore) call. No HTTP: the server
//! calls these functions from its handlers and delivery workers, and the
//! CLI can call them on a store it opened itself.
//!
//! | function | what |
//! | --- | --- |
//! | [`adopt`], [`NodeIdentity::load`] | adopt an agreement (store it, create the exchange collections); load the node's identity |
//! | [`share`] | validate, check never-forward, sign provenance (once per batch), add to the outbound collection, enqueue per recipient |
//! | [`prepare_inbound`] then [`commit_inbound`] (or [`apply_inbound`]) | verify every message of a peer's envelope (each batch signature once), then store the valid ones in one transaction, then sign one receipt batch |
//! | [`accept`], [`react`] | sign, store locally, enqueue to the originator (reactions: or a wider audience) |
//! | [`status`] | per recipient: queued, delivered, accepted, refused, reactions |
//! | [`received`] | at a recipient: the originator's provenance of each version received, checked again |
//! | [`check_receipts`] | the receipt batch a peer returned, verified once and matched to what was sent |
//! | [`return_receipts`] | the receipt batch of a pulled envelope, enqueued back to its sender |
//! | [`envelope_for`] | the wire envelope for outbox rows (push and pull) |
//!
//! Laws:
//! - **Never forward.** [`share`] refuses (as a failure in the status) every
//!   object id this node received from another member.
//! - **Audience.** Recipients are the audience at share time
//!   ([`Audience::recipients`](crate::federation::Audience::recipients)); a
//!   retraction (a version with `revoked: true`) also goes to every earlier
//!   recipient of the id that is still in good standing.
//! - **Disclosure.** A recipient of a named audience is told only about
//!   itself: the provenance of a share is signed once per recipient (for
//!   `all`, once for every recipient), as a batch (see
//!   [`federation::batch`](crate::federation::batch)): one signature per
//!   share and disclosed audience, one record with its proof per object.
//! - **Verify, then apply.** [`prepare_inbound`] has no side effect; a
//!   message that fails any check is not stored and gets a refused receipt
//!   naming the reason, unless the reason passes with time (then it is put
//!   off unreceipted: see the laws of `prepare_inbound`'s module); [`commit_inbound`] stores the rest, with the
//!   request's nonce, in one transaction, and only then signs the stored
//!   receipts.
//! - **Idempotence.** The message id of an object version is derived from
//!   its id, version and digest, so sharing the same version twice
//!   enqueues nothing new, and applying a message twice stores nothing new.
//! - **Heard only in good standing.** A member that withdrew (or is
//!   suspended or expelled) shares, accepts and reacts no more: what it
//!   would enqueue could never be delivered.
//! - **Loop back to the originator only.** Acceptances go to the
//!   originator; reactions too unless the reacting member names a wider
//!   audience, which is allowed only for objects marked TLP:CLEAR or
//!   TLP:GREEN (or not marked): TLP:AMBER and stricter may not be told to
//!   other members.

mod checks;
mod feedback;
mod identity;
mod inbound;
mod received;
mod share;
mod status;
mod wire;

#[cfg(test)]
mod tests;

pub use feedback::{Accepted, Reacted, accept, check_receipts, react};
pub use identity::{
    ActVerdict, CARD_FILE, Deferral, EXCHANGE_API_ROOT, ExchangeCollection, FoundersMembership,
    MembershipSource, NodeIdentity, SIGNING_KEY_FILE, adopt, classify_alias, ensure_collections,
    inbound_alias, inbound_collection, outbound_alias,
};
pub use inbound::{
    DeferredMessage, InboundOutcome, MessageReport, PreparedInbound, Route, Sender, apply_inbound,
    commit_inbound, prepare_inbound, return_receipts,
};
pub use received::{ReceivedVersion, received};
pub use share::{ShareReport, share};
pub use status::{ObjectStatus, VersionStatus, status};
pub use wire::{
    Envelope, FEDERATION_INBOX_PATH, FEDERATION_LEDGER_PATH, FEDERATION_OUTBOX_PATH,
    MESSAGES_MEMBER, WireError, WireMessage, act_message_id, envelope_for, object_message_id,
    parse_envelope,
};

use crate::StoreError;
use crate::federation::{
    AgreementError, AudienceError, CardError, FormatError, KeyError, RecordError,
};

/// Why an exchange operation failed. Each names what was wrong; none
/// carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeError {
    /// The audience is not one this node may share with.
    #[error("audience: {0}")]
    Audience(#[from] AudienceError),
    /// The object was never received from another member (accept, react).
    #[error(
        "{object_id} was not received from another member: only received objects have an originator's provenance, and are accepted or reacted to"
    )]
    NotReceived { object_id: String },
    /// This node never shared the object (status).
    #[error("{object_id} was not shared by this node")]
    NotShared { object_id: String },
    /// A wider audience for a reaction to an object whose TLP forbids it.
    #[error("{object_id} is marked TLP:{tlp}: a reaction to it goes to its originator only")]
    TlpForbidsAudience { object_id: String, tlp: String },
    /// A member did not send a well-formed federation envelope.
    #[error("{0}")]
    Wire(#[from] WireError),
    /// The request's nonce was seen before: nothing was stored.
    #[error("replayed nonce: this request was already received")]
    Replayed,
    /// A record could not be signed or read (a bug or bad local data).
    #[error("{0}")]
    Record(#[from] RecordError),
    /// Bad input to a local operation (reaction fields, ...).
    #[error("{0}")]
    Invalid(String),
    /// The node's own member files or adopted agreement are not usable.
    #[error("member identity: {0}")]
    Identity(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<FormatError> for ExchangeError {
    fn from(e: FormatError) -> Self {
        ExchangeError::Invalid(e.to_string())
    }
}

impl From<KeyError> for ExchangeError {
    fn from(e: KeyError) -> Self {
        ExchangeError::Identity(e.to_string())
    }
}

impl From<CardError> for ExchangeError {
    fn from(e: CardError) -> Self {
        ExchangeError::Identity(e.to_string())
    }
}

impl From<AgreementError> for ExchangeError {
    fn from(e: AgreementError) -> Self {
        ExchangeError::Identity(e.to_string())
    }
}
