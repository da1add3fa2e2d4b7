//! Proposals, their votes, and the arithmetic of decisions.
//!
//! Laws of the tally (see [`resolve`](super::resolve) for when they apply):
//! - **Quorum** for an electorate of `n` under the rule in force at the
//!   proposal: unanimity needs `n` yes; two-thirds needs `⌈2n/3⌉` yes;
//!   majority needs `⌊n/2⌋ + 1` yes (more than half).
//! - Only yes counts towards the quorum: a *no* and an *abstain* are both
//!   "not yes". Under unanimity either one therefore rejects; under the
//!   other rules an abstention is a vote cast that is not a yes.
//! - A vote counts only if its author is in the electorate, it was created
//!   no later than the deadline, its author has no counted vote on the
//!   proposal yet (the proposal itself is its author's yes), and the
//!   proposal is still open. Otherwise it is kept, with why it was not
//!   counted.
//! - The proposal is **adopted** by the counted vote that brings the yes to
//!   the quorum, and **rejected** by the counted vote after which
//!   `yes + (electorate members without a counted vote) < quorum`.
//!   Whatever order counted votes come in, the final number of yes decides
//!   which of the two happens (at most one vote per voter counts), so the
//!   outcome depends only on which votes count, never on their order.
//! - **Expired** is not an outcome: it is how an open proposal whose
//!   deadline has passed at the reader's clock is shown. A vote created
//!   before the deadline may still arrive late and decide it.

use std::collections::BTreeSet;
use std::fmt;

use crate::federation::Admission;

use super::act::{ActHash, Action, Choice};
use super::error::LedgerError;

/// A proposal as the ledger has resolved it so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The proposal's act.
    pub act: ActHash,
    pub author: String,
    pub action: Action,
    pub text: String,
    pub created_micros: i64,
    pub deadline_micros: i64,
    /// The members in good standing at the proposal, less its subject;
    /// fixed once and for all.
    pub electorate: BTreeSet<String>,
    /// The rule of the rules in force at the proposal.
    pub admission: Admission,
    /// Every vote received, in the ledger's order; the first is the
    /// proposal itself (its author's yes).
    pub votes: Vec<Vote>,
    pub outcome: Outcome,
}

/// A vote on a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    /// The vote's act (the proposal's own for its author's implicit yes).
    pub act: ActHash,
    pub voter: String,
    pub choice: Choice,
    pub created_micros: i64,
    pub counted: Counted,
}

/// Whether a vote counted, and if not why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Yes,
    /// The voter was not in the electorate (admitted later, or the subject).
    NotInElectorate,
    /// Created after the deadline.
    AfterDeadline,
    /// The voter already had a counted vote on this proposal (this act).
    Repeated {
        first: ActHash,
    },
    /// The proposal was already decided.
    AfterDecision,
}

impl Counted {
    pub fn is_counted(self) -> bool {
        self == Counted::Yes
    }
}

impl fmt::Display for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Counted::Yes => f.write_str("counted"),
            Counted::NotInElectorate => {
                f.write_str("not counted: the voter is not in the proposal's electorate")
            }
            Counted::AfterDeadline => f.write_str("not counted: created after the deadline"),
            Counted::Repeated { first } => {
                write!(f, "not counted: the voter's vote {first} counted already")
            }
            Counted::AfterDecision => f.write_str("not counted: the proposal was already decided"),
        }
    }
}

/// How a proposal stands in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Open,
    /// Adopted by the vote `decided_by` (the proposal itself when its
    /// author's yes suffices).
    Adopted {
        decided_by: ActHash,
        effect: Effect,
    },
    Rejected {
        decided_by: ActHash,
    },
}

/// What an adopted proposal did when it took effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Applied,
    /// Nothing: by the time it took effect, the action no longer applied
    /// (the candidate's name was taken by a concurrent admission, the
    /// member to suspend had withdrawn, ...). The reason is what a new
    /// proposal of the same action would be refused for.
    Void(LedgerError),
}

/// What `liaison council list` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    /// Open, and the deadline has passed at the reader's clock.
    Expired,
    Adopted,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Expired => "expired",
            Status::Adopted => "adopted",
            Status::Rejected => "rejected",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Counted votes by choice, and who has yet to vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub yes: usize,
    pub no: usize,
    pub abstain: usize,
    /// Electorate members without a counted vote.
    pub outstanding: usize,
}

/// The number of yes votes that adopts a proposal with an electorate of
/// `n` under `rule`.
pub fn quorum(rule: Admission, n: usize) -> usize {
    match rule {
        Admission::Unanimity => n,
        Admission::TwoThirds => (2 * n).div_ceil(3),
        Admission::Majority => n / 2 + 1,
    }
}

/// What recording a vote decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Adopted,
    Rejected,
}

impl Proposal {
    /// The number of yes votes that adopts this proposal.
    pub fn quorum(&self) -> usize {
        quorum(self.admission, self.electorate.len())
    }

    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for vote in self.votes.iter().filter(|v| v.counted.is_counted()) {
            match vote.choice {
                Choice::Yes => tally.yes += 1,
                Choice::No => tally.no += 1,
                Choice::Abstain => tally.abstain += 1,
            }
        }
        tally.outstanding = self
            .electorate
            .len()
            .saturating_sub(tally.yes + tally.no + tally.abstain);
        tally
    }

    /// The status at `now_micros` (the reader's clock only tells an open
    /// proposal from an expired one).
    pub fn status(&self, now_micros: i64) -> Status {
        match self.outcome {
            Outcome::Adopted { .. } => Status::Adopted,
            Outcome::Rejected { .. } => Status::Rejected,
            Outcome::Open if now_micros > self.deadline_micros => Status::Expired,
            Outcome::Open => Status::Open,
        }
    }

    /// Records a vote (see the laws) and returns the decision it makes, if
    /// any. The caller sets the effect of an adoption.
    pub(crate) fn record(
        &mut self,
        act: ActHash,
        voter: &str,
        choice: Choice,
        created_micros: i64,
    ) -> Option<Decision> {
        let counted = if !self.electorate.contains(voter) {
            Counted::NotInElectorate
        } else if created_micros > self.deadline_micros {
            Counted::AfterDeadline
        } else if let Some(first) = self
            .votes
            .iter()
            .find(|v| v.voter == voter && v.counted.is_counted())
        {
            Counted::Repeated { first: first.act }
        } else if self.outcome != Outcome::Open {
            Counted::AfterDecision
        } else {
            Counted::Yes
        };
        self.votes.push(Vote {
            act,
            voter: voter.to_owned(),
            choice,
            created_micros,
            counted,
        });
        if !counted.is_counted() {
            return None;
        }
        let tally = self.tally();
        let needed = self.quorum();
        if tally.yes >= needed {
            self.outcome = Outcome::Adopted {
                decided_by: act,
                effect: Effect::Applied,
            };
            Some(Decision::Adopted)
        } else if tally.yes + tally.outstanding < needed {
            self.outcome = Outcome::Rejected { decided_by: act };
            Some(Decision::Rejected)
        } else {
            None
        }
    }
}
