//! The council's ledger on a node: the membership it proves, kept in
//! memory over the acts in the store, and the operations that add to it.
//! The [`ledger`](crate::ledger) module holds the laws (form, acceptance,
//! resolution, tally); this module decides what a node stores, sends and
//! refuses because of them, and hands each atomic step to one
//! [`ExchangeStore`](crate::store::ExchangeStore) call. No HTTP: the server
//! calls these functions from its handlers and workers, and the CLI on a
//! store it opened itself.
//!
//! | item | what |
//! | --- | --- |
//! | [`LedgerMembership`] | the ledger replayed from the store; the node's [`MembershipSource`](crate::exchange_ops::MembershipSource) |
//! | [`propose`], [`vote`], [`withdraw`], [`rotate_key`] | this node's own acts: check, store and enqueue in one transaction, apply |
//! | [`join`] | a candidate adopts the agreement and the ledger that admits it |
//! | [`LedgerMembership::ingest`] | acts pulled from a peer's ledger (catching up) |
//! | [`resend`] | what this node shared with `all` before a member's admission, sent to it |
//! | [`report`] | what `liaison council list`, `ledger show` and `ledger verify` print |
//!
//! # Laws of the node
//!
//! - **Check, commit, apply.** Every act, own or received, is judged by
//!   [`Ledger::check`](crate::ledger::Ledger::check) with no side effect,
//!   committed to the store (a received act in the same transaction as the
//!   request's nonce), and only then applied in memory. A node that stops
//!   between the two replays the store on start and loses nothing.
//! - **One membership.** Request verification, the audience `all`, the
//!   delivery workers and the exchange collections all read the membership
//!   of the ledger: a member in good standing is heard and served; a
//!   suspended, expelled or withdrawn one is refused at once and sent
//!   nothing more (what it received stays its own). A member whose notice
//!   of withdrawal has run out counts as withdrawn from that moment, even
//!   before a later act settles it in the ledger.
//! - **Replication.** An own act is enqueued, like any federation message,
//!   to every member in good standing once the act is applied (so an
//!   admitted member receives the vote that admits it, and a suspended one
//!   not the vote that suspends it). The message id derives from the act's
//!   hash: an act is sent once per peer and applied once per sender.
//! - **Catching up.** A node pulls each peer's ledger when its delivery
//!   worker starts, and when a peer sent an act whose parents it lacks
//!   (that act is put off, not refused, and the sender retries it). A
//!   candidate receives the whole ledger when it joins.
//! - **Keys.** After a rotation the node signs with its new key; a peer
//!   that has not yet received the rotation refuses it, and the node then
//!   signs with the previous key (only for requests: acts and records are
//!   always signed with the key of the moment).

mod join;
mod membership;
mod ops;
pub mod report;
mod resend;

#[cfg(test)]
mod tests;

pub use join::{LEDGER_EXPORT_TYPE, LedgerExport, join};
pub use membership::{Ingested, LedgerMembership};
pub use ops::{Committed, parse_deadline, propose, rotate_key, vote, withdraw};
pub use resend::{MAX_RESEND, resend};

use crate::StoreError;
use crate::exchange_ops::ExchangeError;
use crate::federation::{CardError, FormatError};
use crate::ledger::{LedgerError, ReplayError};

/// Why a council operation failed. Each names what was wrong; none
/// carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CouncilError {
    /// The ledger refuses the act (the reason is the law it breaks).
    #[error("the ledger refuses the act: {0}")]
    Refused(LedgerError),
    /// The stored or given ledger does not replay from the agreement.
    #[error("the ledger does not verify: {0}")]
    Replay(ReplayError),
    #[error("no proposal {0} in the ledger")]
    UnknownProposal(String),
    #[error("{text} names {count} proposals: give more of the hash")]
    AmbiguousProposal { text: String, count: usize },
    /// Bad input to a local operation (a deadline, a text, a card).
    #[error("{0}")]
    Invalid(String),
    /// The node's own card is not the one the ledger holds for it, or the
    /// node is not a member at all.
    #[error("member identity: {0}")]
    Identity(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Exchange(#[from] ExchangeError),
}

// Not `#[from]`: the reason is in the message already, not repeated as
// a source.
impl From<LedgerError> for CouncilError {
    fn from(e: LedgerError) -> Self {
        CouncilError::Refused(e)
    }
}

impl From<ReplayError> for CouncilError {
    fn from(e: ReplayError) -> Self {
        CouncilError::Replay(e)
    }
}

impl From<FormatError> for CouncilError {
    fn from(e: FormatError) -> Self {
        CouncilError::Invalid(e.to_string())
    }
}

impl From<CardError> for CouncilError {
    fn from(e: CardError) -> Self {
        CouncilError::Invalid(e.to_string())
    }
}
