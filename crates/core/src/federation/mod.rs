//! The federation domain: member identity, the founding agreement, signed
//! node-to-node requests, provenance, receipts, acceptances and reactions,
//! audience and TLP policy, and delivery status.
//!
//! Pure logic: no storage, no HTTP, no clock of its own (time comes in as
//! Unix microseconds from the caller's injected [`Clock`](crate::clock::Clock)),
//! no randomness but the operating system's through
//! [`fill_random`](crate::users::fill_random) (keys, nonces, UUIDs).
//! The server, the store and the CLI build on this API; the rules live here,
//! written as laws in each module's documentation. The main types are
//! re-exported here:
//!
//! | module | what |
//! | --- | --- |
//! | keys | ed25519 signing keys (secret never in `Debug`), public keys, signatures |
//! | card | the self-signed member card, its field rules |
//! | agreement | drafting, signing, verifying and adopting the founding agreement; the commonwealth id |
//! | request | signing and verifying node-to-node requests, in a fixed order of checks |
//! | sharing | audiences, the TLP of an object, object digests and versions, never-forward |
//! | provenance, receipt, acceptance, reaction | the signed records and their checks on arrival |
//! | batch | signing many records with one signature (Merkle tree, per-record proofs) |
//! | clearance | which local users may read TLP:AMBER+STRICT and TLP:RED |
//! | delivery | the per-recipient status folded from receipts, acceptances and reactions |
//!
//! Every format carries `"v"` (1; 2 for the records signed in batches,
//! provenance and receipts) and a `type`, and is signed over RFC 8785
//! canonical bytes (see the `format` and `batch` modules): a signature for
//! one kind of record is never valid for another, and a record is verified
//! exactly as it will be used. Verification never has side effects (verify,
//! then apply): replay protection (request nonces, message ids) is the
//! store's, in the transaction that applies what was verified.

pub mod acceptance;
pub mod agreement;
pub mod batch;
pub mod card;
pub mod clearance;
pub mod delivery;
pub mod format;
pub mod keys;
pub mod membership;
#[cfg(test)]
mod proptests;
pub mod provenance;
pub mod reaction;
mod reaction_stix;
pub mod receipt;
pub mod record;
pub mod request;
pub mod sharing;
#[cfg(test)]
mod testkit;

pub use acceptance::{ACCEPTANCE_TYPE, Acceptance};
pub use agreement::{
    AGREEMENT_TYPE, Admission, Agreement, AgreementError, CommonwealthId, MAX_FOUNDERS,
    MIN_FOUNDERS, Rules,
};
pub use batch::{BatchProof, MAX_BATCH, Seal, verify_seals};
pub use card::{CARD_TYPE, CardError, EndpointPolicy, MemberCard};
pub use clearance::Clearance;
pub use delivery::{DeliveryState, Feedback, ReactionSummary, RecipientStatus, delivery_status};
pub use format::{
    BATCH_FORMAT_VERSION, FORMAT_VERSION, FormatError, MEMBER_NAME_RULE, canonical_json,
    is_member_name, timestamp,
};
pub use keys::{KeyError, PublicKey, Signature, SignatureMismatch, SigningKey};
pub use membership::{Member, MemberDirectory, Standing};
pub use provenance::{PROVENANCE_BATCH_TYPE, PROVENANCE_TYPE, Provenance, ProvenanceEntry};
pub use reaction::{
    MAX_COUNT, MAX_NOTE_CHARS, REACTION_TYPE, Reaction, ReactionDraft, ReactionKind,
};
pub use receipt::{
    MAX_REASON_CHARS, ObjectRef, Outcome, RECEIPT_BATCH_TYPE, RECEIPT_TYPE, Receipt, ReceiptBatch,
    ReceiptEntry,
};
pub use record::{Author, Incoming, RecordError};
pub use request::{
    DEFAULT_MAX_SKEW, REQUEST_SIGNING_PREFIX, ReceivedRequest, RequestExpectation,
    RequestRejection, RequestSignature, SignedHeaders, VerifiedRequest, headers, verify_request,
};
pub use sharing::{
    Audience, AudienceError, NeverForward, check_may_share, object_digest, object_tlp,
    object_version, tlp_from_name, tlp_name,
};

pub(crate) use format::hex;
