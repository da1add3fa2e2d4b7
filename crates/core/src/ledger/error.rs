//! Why an act is refused, or why an adopted proposal had no effect.

use std::fmt;

use crate::federation::{AgreementError, CardError, FormatError, Standing};

use super::act::ActHash;

/// Why the ledger refuses an act (or the agreement it starts from). Each
/// variant names exactly what failed; `Display` is the reason shown to
/// operators and sent back to peers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// The act is not well formed (version, type, a field's rule).
    #[error("act: {0}")]
    Format(#[from] FormatError),
    /// The founding agreement the ledger starts from is not in force.
    #[error("founding agreement: {0}")]
    Agreement(#[from] AgreementError),
    /// A card inside the act (admission, key rotation) does not verify.
    #[error("member card in the act: {0}")]
    Card(#[from] CardError),
    #[error("the act is for another commonwealth")]
    WrongCommonwealth,
    #[error("the act is dated {created}, more than {max_skew_seconds} s after this node's clock")]
    FutureTime {
        created: String,
        max_skew_seconds: u64,
    },
    /// Not an error of the act: the caller keeps it until these arrive
    /// (pull them from the peer that sent it).
    #[error(
        "the act builds on acts this node does not have yet: {}",
        HashList(missing)
    )]
    MissingParents { missing: Vec<ActHash> },
    #[error("{author} is not a member of this commonwealth")]
    UnknownAuthor { author: String },
    #[error("{author} is {standing} and may not act in the council")]
    NotInGoodStanding { author: String, standing: Standing },
    /// Forged, tampered with, or signed with a key the author no longer
    /// holds (after a rotation the author knew of).
    #[error("the signature of {author} does not verify with its key at this act")]
    BadSignature { author: String },
    #[error("the new key's signature on the key rotation of {author} does not verify")]
    BadNewKeySignature { author: String },
    /// The vote's proposal is unknown, or not among the acts the vote
    /// builds on (a voter must have seen what it votes on).
    #[error("the vote is on {proposal}, which is not in the vote's causal past")]
    ProposalNotInPast { proposal: ActHash },
    #[error("the vote is on {act}, which is not a proposal")]
    NotAProposal { act: ActHash },
    #[error("{name} is already a member")]
    AlreadyMember { name: String },
    #[error("this signing key is already {owner}'s")]
    KeyInUse { owner: String },
    #[error("this TLS certificate is already {owner}'s")]
    CertificateInUse { owner: String },
    #[error("{member} is not a member of this commonwealth")]
    UnknownSubject { member: String },
    #[error("cannot {action} {member}: it is {standing}")]
    SubjectStanding {
        action: &'static str,
        member: String,
        standing: Standing,
    },
    #[error("a member cannot propose to {action} itself")]
    SelfSubject { action: &'static str },
    #[error("{author} has already given notice of withdrawal")]
    AlreadyWithdrawing { author: String },
    #[error("the new card of a key rotation by {author} is the card of {name}")]
    RotationOfAnotherMember { author: String, name: String },
}

/// Hashes separated by commas.
struct HashList<'a>(&'a [ActHash]);

impl fmt::Display for HashList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, hash) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{hash}")?;
        }
        Ok(())
    }
}

/// What went wrong replaying a whole ledger: the act that breaks it and
/// why. No act is named when the founding agreement is not in force, or
/// an act is so malformed that it has no hash (the reason says which).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{reason}", match act { Some(hash) => format!("act {hash}: "), None => String::new() })]
pub struct ReplayError {
    pub act: Option<ActHash>,
    pub reason: LedgerError,
}
