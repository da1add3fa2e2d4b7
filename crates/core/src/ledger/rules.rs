//! Acceptance: whether an act may enter the ledger.
//!
//! # Laws of acceptance
//!
//! An act is judged against the **membership at its causal past**: the
//! membership that [`resolve`](super::resolve) computes from the acts its
//! parents reach, after settling the withdrawals whose notice has ended by
//! the act's `created` time. Nothing else enters the judgement (not the
//! order of arrival, not acts the author could not have seen), so every
//! node accepts or refuses the same act alike. The only exception is the
//! receiver's clock (law 3), whose refusal is temporary: the same act is
//! accepted once the clock has caught up.
//!
//! Checked in this order, the first failure is the reason:
//!
//! 1. the act is well formed ([`Act`]'s laws of form);
//! 2. it is of this commonwealth;
//! 3. it is not created more than the allowed skew after the receiver's
//!    clock;
//! 4. an act already held (same hash) is accepted again without effect,
//!    if its signatures are the held ones or verify;
//! 5. every parent is held (or is the root); otherwise the caller keeps
//!    the act until they arrive ([`LedgerError::MissingParents`]);
//! 6. the author is a member, and its signature verifies with the key it
//!    has at the act: after a key rotation in an act's causal past, the
//!    old key is refused;
//! 7. the author is in good standing; a suspended member may still
//!    withdraw (leaving is every member's right) and rotate its key (a
//!    suspended member's key may be the very reason to rotate it); a
//!    withdrawn or expelled member may do nothing;
//! 8. by kind:
//!    - a **proposal**'s action applies to the membership: an admitted card
//!      verifies, its name is not that of a member in good standing or
//!      suspended, its key has never been another member's and its TLS
//!      certificate is no current member's; a suspended member is in good
//!      standing, a reinstated one suspended, an expelled one either; a
//!      member never proposes to suspend, reinstate or expel itself;
//!    - a **vote**'s proposal is a proposal in the vote's causal past (a
//!      voter must have seen what it votes on). Whether the vote *counts*
//!      is the tally's question, not acceptance's: late votes and votes of
//!      members outside the electorate are kept, not refused, so that the
//!      acts built on them stay acceptable;
//!    - a **withdrawal**'s author has not already given notice;
//!    - a **key rotation**'s new card is the author's, verifies, has a key
//!      that no member ever had (the author's old keys included) and a TLS
//!      certificate no other current member has, and the new key's
//!      signature verifies too.

use std::collections::BTreeSet;

use crate::federation::{Admission, EndpointPolicy, MemberCard, PublicKey, Signature, Standing};

use super::act::{Act, ActHash, Action, Body, Times};
use super::error::LedgerError;
use super::resolve::Roll;

/// What accepting an act established, from its causal past, for the
/// resolution to use whatever other acts a node holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Facts {
    Proposal {
        electorate: BTreeSet<String>,
        admission: Admission,
        deadline: i64,
    },
    Vote,
    /// The notice of the rules in force at the withdrawal.
    Withdrawal {
        notice_micros: i64,
    },
    KeyRotation,
}

/// What a vote's proposal hash designates, seen from the vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VoteTarget {
    /// A proposal in the vote's causal past.
    Proposal,
    /// An act in the past that is not a proposal.
    NotAProposal,
    /// Nothing in the vote's causal past.
    NotInPast,
}

/// Laws 6 to 8, against `roll`: the membership at the act's causal past,
/// settled at its creation. `target` answers law 8 for votes.
pub(crate) fn check(
    act: &Act,
    times: Times,
    roll: &Roll,
    policy: EndpointPolicy,
    target: impl FnOnce(ActHash) -> VoteTarget,
) -> Result<Facts, LedgerError> {
    let author = act.author.as_str();
    let member = roll
        .membership
        .get(author)
        .ok_or_else(|| LedgerError::UnknownAuthor {
            author: author.to_owned(),
        })?;
    let bytes = act.signed_bytes()?;
    verify(&member.key(), &bytes, &act.signatures.author).map_err(|()| {
        LedgerError::BadSignature {
            author: author.to_owned(),
        }
    })?;
    let may_act = matches!(
        (&act.body, member.standing),
        (_, Standing::Good)
            | (
                Body::Withdrawal {} | Body::KeyRotation { .. },
                Standing::Suspended
            )
    );
    if !may_act {
        return Err(LedgerError::NotInGoodStanding {
            author: author.to_owned(),
            standing: member.standing,
        });
    }
    match &act.body {
        Body::Proposal { action, .. } => check_proposal(act, action, times, roll, policy),
        Body::Vote { proposal, .. } => match target(*proposal) {
            VoteTarget::Proposal => Ok(Facts::Vote),
            VoteTarget::NotAProposal => Err(LedgerError::NotAProposal { act: *proposal }),
            VoteTarget::NotInPast => Err(LedgerError::ProposalNotInPast {
                proposal: *proposal,
            }),
        },
        Body::Withdrawal {} => {
            if member.withdrawal.is_some() {
                return Err(LedgerError::AlreadyWithdrawing {
                    author: author.to_owned(),
                });
            }
            let seconds = roll.membership.rules.withdrawal_notice_seconds;
            let notice_micros = i64::try_from(seconds)
                .unwrap_or(i64::MAX)
                .saturating_mul(1_000_000);
            Ok(Facts::Withdrawal { notice_micros })
        }
        Body::KeyRotation { new_card } => {
            check_rotation(act, new_card, &bytes, roll, policy)?;
            Ok(Facts::KeyRotation)
        }
    }
}

fn verify(key: &PublicKey, bytes: &[u8], signature: &Signature) -> Result<(), ()> {
    key.verify_strict(bytes, signature).map_err(|_| ())
}

fn check_proposal(
    act: &Act,
    action: &Action,
    times: Times,
    roll: &Roll,
    policy: EndpointPolicy,
) -> Result<Facts, LedgerError> {
    if let Action::Admit { card } = action {
        card.verify(policy)?;
    }
    let subject = match action {
        Action::Suspend { member } | Action::Reinstate { member } | Action::Expel { member } => {
            Some(member.as_str())
        }
        Action::Admit { .. } | Action::Amend { .. } => None,
    };
    if subject == Some(act.author.as_str()) {
        return Err(LedgerError::SelfSubject {
            action: action.verb(),
        });
    }
    roll.check_action(action)?;
    let electorate = roll
        .membership
        .in_good_standing()
        .map(|m| m.name())
        .filter(|name| Some(*name) != subject)
        .map(str::to_owned)
        .collect();
    Ok(Facts::Proposal {
        electorate,
        admission: roll.membership.rules.admission,
        // Present on every proposal whose form was checked.
        deadline: times.deadline.unwrap_or(times.created),
    })
}

fn check_rotation(
    act: &Act,
    new_card: &MemberCard,
    bytes: &[u8],
    roll: &Roll,
    policy: EndpointPolicy,
) -> Result<(), LedgerError> {
    if new_card.name != act.author {
        return Err(LedgerError::RotationOfAnotherMember {
            author: act.author.clone(),
            name: new_card.name.clone(),
        });
    }
    new_card.verify(policy)?;
    if let Some(owner) = roll.key_owner(&new_card.signing_key) {
        return Err(LedgerError::KeyInUse {
            owner: owner.to_owned(),
        });
    }
    if let Some(owner) = roll.certificate_owner(&new_card.tls_fingerprint, &act.author) {
        return Err(LedgerError::CertificateInUse {
            owner: owner.to_owned(),
        });
    }
    let signature = act.signatures.new_key.unwrap_or(Signature::PLACEHOLDER);
    verify(&new_card.signing_key, bytes, &signature).map_err(|()| LedgerError::BadNewKeySignature {
        author: act.author.clone(),
    })
}
