//! The council's ledger: the append-only, replicated record of signed acts
//! (proposals, votes, withdrawals, key rotations) from which every node
//! computes, on its own, the same membership of the commonwealth.
//!
//! Pure domain logic: no storage, no HTTP, no clock (callers pass the time).
//! The laws live with the code that applies them:
//!
//! - [`act`]: the format of an act, its hash and signatures (laws of form);
//! - [`rules`]: whether an act may enter the ledger (laws of acceptance);
//! - [`resolve`]: the membership and decisions a set of acts proves (laws
//!   of resolution);
//! - [`proposal`]: quorum and tally (laws of the tally);
//! - [`dag`]: causal pasts and the deterministic order;
//! - `timeline` (private): how the order and the fold are kept up to date
//!   without refolding the whole ledger for each act.
//!
//! A [`Ledger`] starts from the founding agreement. Received acts go
//! through [`Ledger::check`] (no side effect) and then [`Ledger::apply`],
//! so a caller can commit an act to storage between the two; or through
//! [`Ledger::insert`], both at once. An act whose parents have not arrived
//! yet is refused with [`LedgerError::MissingParents`]: keep it in an
//! [`OrphanBuffer`] and pull the missing acts from the peer. [`replay`]
//! (and [`verify_all`], what `liaison ledger verify` prints) rebuilds a
//! ledger from the agreement and acts given in any order.
//!
//! Acts are made with a [`Draft`] ([`Ledger::draft`] builds on the heads).

pub mod act;
pub mod dag;
mod error;
mod membership;
mod orphans;
pub mod proposal;
pub mod resolve;
pub mod rules;
mod timeline;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod resolve_tests;
#[cfg(test)]
mod scenario_tests;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BinaryHeap};
use std::time::Duration;

use crate::federation::{Agreement, Author, CommonwealthId, EndpointPolicy};

pub use act::{
    ACT_TYPE, Act, ActHash, ActSignatures, Action, Body, Choice, Draft, MAX_PARENTS, MAX_TEXT_CHARS,
};
pub use error::{LedgerError, ReplayError};
pub use membership::{LedgerMember, Membership, PendingWithdrawal};
pub use orphans::{Offer, OrphanBuffer};
pub use proposal::{Counted, Effect, Outcome, Proposal, Status, Tally, Vote, quorum};

use act::Times;
use dag::{Dag, Node};
use resolve::State;
use rules::{Facts, VoteTarget};
use timeline::Timeline;

/// What inserting an act did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// The act was added.
    New,
    /// The ledger already held it (a replay): nothing changed.
    AlreadyKnown,
}

/// What [`Ledger::check`] found.
#[derive(Debug)]
pub enum Checked {
    /// A new act, accepted: commit it, then [`Ledger::apply`] it.
    New(Verified),
    /// The ledger already holds this act.
    AlreadyKnown,
}

/// An act that passed every law of acceptance. Its acceptance depends
/// only on its causal past, so it stays valid whatever acts are applied
/// before it.
#[derive(Debug, Clone)]
pub struct Verified {
    root: ActHash,
    hash: ActHash,
    act: Act,
    created: i64,
    facts: Facts,
}

impl Verified {
    pub fn hash(&self) -> ActHash {
        self.hash
    }

    pub fn act(&self) -> &Act {
        &self.act
    }
}

/// A commonwealth's ledger as one node holds it, in memory (a store keeps
/// the acts; [`replay`] rebuilds this from them).
///
/// Cost: an act that names every head (the usual case) is judged against
/// the current state and folded in at once; any other act costs a fold of
/// the acts between its place in the order and the nearest checkpoint.
/// Measured in a release build on the worst case (every act a proposal),
/// replaying 8,000 acts took about 0.8 s when each act named every head,
/// and about 3 s when three members acted concurrently throughout.
#[derive(Debug, Clone)]
pub struct Ledger {
    agreement: Agreement,
    commonwealth: CommonwealthId,
    policy: EndpointPolicy,
    dag: Dag,
    /// The order of every act and the fold along it.
    timeline: Timeline,
}

impl Ledger {
    /// An empty ledger on a founding agreement, which must be in force.
    /// `policy` decides which endpoints admitted cards may carry.
    pub fn new(agreement: Agreement, policy: EndpointPolicy) -> Result<Ledger, LedgerError> {
        let commonwealth = agreement.verify(policy)?;
        Ok(Ledger {
            dag: Dag::new(ActHash::root(&commonwealth)),
            timeline: Timeline::new(State::founding(&agreement)),
            agreement,
            commonwealth,
            policy,
        })
    }

    pub fn agreement(&self) -> &Agreement {
        &self.agreement
    }

    pub fn commonwealth(&self) -> &CommonwealthId {
        &self.commonwealth
    }

    /// The endpoints admitted cards may carry.
    pub fn policy(&self) -> EndpointPolicy {
        self.policy
    }

    /// The number of acts held.
    pub fn len(&self) -> usize {
        self.dag.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dag.len() == 0
    }

    pub fn contains(&self, hash: &ActHash) -> bool {
        self.dag.find(hash).is_some()
    }

    pub fn get(&self, hash: &ActHash) -> Option<&Act> {
        self.dag.find(hash).map(|i| &self.dag.node(i).act)
    }

    /// Every act with its hash, parents before children (the order of the
    /// laws): what `liaison ledger show` prints and what a joining
    /// candidate is given.
    pub fn acts(&self) -> impl Iterator<Item = (ActHash, &Act)> {
        self.timeline.order().iter().map(|&i| {
            let node = self.dag.node(i);
            (node.hash, &node.act)
        })
    }

    /// The acts nothing builds on yet, ascending (the root, the
    /// commonwealth id, when there is no act): the parents of the next act.
    pub fn heads(&self) -> Vec<ActHash> {
        self.dag.heads()
    }

    /// The parents of `act` this ledger does not hold.
    pub fn missing_parents(&self, act: &Act) -> Vec<ActHash> {
        self.dag.resolve(&act.parents).err().unwrap_or_default()
    }

    /// The membership proved by every act held.
    pub fn membership(&self) -> &Membership {
        &self.timeline.state().roll.membership
    }

    /// The membership at an act (its causal past and itself), or at the
    /// founding when `hash` is the root; `None` for an unknown act.
    pub fn membership_at(&self, hash: &ActHash) -> Option<Membership> {
        if *hash == self.dag.root() {
            return Some(self.timeline.genesis().roll.membership.clone());
        }
        // The act comes last in the order of its past and itself.
        let node = self.dag.node(self.dag.find(hash)?);
        let mut state = self.timeline.fold_past(&self.dag, &node.parents);
        state.apply(node);
        Some(state.roll.membership)
    }

    /// Every proposal, in the order of the laws, as resolved so far.
    pub fn proposals(&self) -> impl ExactSizeIterator<Item = &Proposal> {
        self.timeline.state().proposals()
    }

    pub fn proposal(&self, hash: &ActHash) -> Option<&Proposal> {
        self.timeline.state().proposal(hash)
    }

    /// A draft of an act by `author`, building on the heads, created at
    /// `now_micros`.
    pub fn draft<'a>(&self, author: Author<'a>, now_micros: i64) -> Draft<'a> {
        Draft {
            author,
            parents: self.heads(),
            created_micros: now_micros,
        }
    }

    /// Judges an act by the laws of acceptance, with no side effect. Acts
    /// created more than `max_skew` after `now_micros` are refused.
    pub fn check(
        &self,
        act: &Act,
        now_micros: i64,
        max_skew: Duration,
    ) -> Result<Checked, LedgerError> {
        self.judge(act, Some((now_micros, max_skew)))
    }

    /// Adds a checked act. Refuses only an act checked by a ledger of
    /// another commonwealth, or whose parents this ledger lacks.
    pub fn apply(&mut self, verified: Verified) -> Result<Inserted, LedgerError> {
        self.add(verified)
    }

    /// [`Ledger::check`], then [`Ledger::apply`].
    pub fn insert(
        &mut self,
        act: Act,
        now_micros: i64,
        max_skew: Duration,
    ) -> Result<Inserted, LedgerError> {
        match self.check(&act, now_micros, max_skew)? {
            Checked::New(verified) => self.apply(verified),
            Checked::AlreadyKnown => Ok(Inserted::AlreadyKnown),
        }
    }

    /// Acceptance laws 1 to 8 (see [`rules`]); without a clock, law 3 is
    /// skipped (replaying a stored ledger).
    fn judge(&self, act: &Act, clock: Option<(i64, Duration)>) -> Result<Checked, LedgerError> {
        let times = act.check_form()?;
        if act.commonwealth != self.commonwealth.as_str() {
            return Err(LedgerError::WrongCommonwealth);
        }
        if let Some((now, skew)) = clock {
            let skew_micros = i64::try_from(skew.as_micros()).unwrap_or(i64::MAX);
            if times.created > now.saturating_add(skew_micros) {
                return Err(LedgerError::FutureTime {
                    created: act.created.clone(),
                    max_skew_seconds: skew.as_secs(),
                });
            }
        }
        let hash = act.hash()?;
        if let Some(i) = self.dag.find(&hash) {
            let held = self.dag.node(i);
            // The same act with other signatures: accept the replay only if
            // they verify too (with ed25519 they are then the same bytes).
            if held.act.signatures != act.signatures {
                self.facts(act, times, &held.parents)?;
            }
            return Ok(Checked::AlreadyKnown);
        }
        let parents = self
            .dag
            .resolve(&act.parents)
            .map_err(|missing| LedgerError::MissingParents { missing })?;
        let facts = self.facts(act, times, &parents)?;
        Ok(Checked::New(Verified {
            root: self.dag.root(),
            hash,
            act: act.clone(),
            created: times.created,
            facts,
        }))
    }

    /// Acceptance laws 6 to 8, against the membership at the act's causal
    /// past (the parents' indexes).
    fn facts(&self, act: &Act, times: Times, parents: &[usize]) -> Result<Facts, LedgerError> {
        let mut roll = if self.dag.names_every_head(&act.parents) {
            self.timeline.state().roll.clone()
        } else {
            self.timeline.fold_past(&self.dag, parents).roll
        };
        #[cfg(test)]
        self.cross_check_past(parents, &roll);
        roll.settle(times.created);
        rules::check(act, times, &roll, self.policy, |target| {
            match self.dag.find(&target) {
                Some(t) if self.dag.in_past(t, parents) => {
                    if matches!(self.dag.node(t).act.body, Body::Proposal { .. }) {
                        VoteTarget::Proposal
                    } else {
                        VoteTarget::NotAProposal
                    }
                }
                _ => VoteTarget::NotInPast,
            }
        })
    }

    /// Adds an accepted act (see [`timeline`] for how the fold follows).
    fn add(&mut self, verified: Verified) -> Result<Inserted, LedgerError> {
        if verified.root != self.dag.root() {
            return Err(LedgerError::WrongCommonwealth);
        }
        if self.contains(&verified.hash) {
            return Ok(Inserted::AlreadyKnown);
        }
        let parents = self
            .dag
            .resolve(&verified.act.parents)
            .map_err(|missing| LedgerError::MissingParents { missing })?;
        let node = Node {
            hash: verified.hash,
            depth: self.dag.depth_under(&parents),
            parents,
            created: verified.created,
            act: verified.act,
            facts: verified.facts,
        };
        let i = self.dag.push(node);
        self.timeline.insert(&self.dag, i);
        #[cfg(test)]
        self.cross_check_all();
        Ok(Inserted::New)
    }

    /// Tests only: the fold from the founding state, as the laws define
    /// it, against which the shortcuts of [`timeline`] are checked (on
    /// ledgers of test size: the check costs a fold per act).
    #[cfg(test)]
    fn cross_check_past(&self, parents: &[usize], roll: &resolve::Roll) {
        if self.dag.len() <= CROSS_CHECKED {
            let mask = self.dag.past(parents);
            let order = self.dag.order(Some(&mask));
            let naive = resolve::fold(self.timeline.genesis(), &self.dag, &order);
            assert_eq!(naive.roll.membership, roll.membership, "fold of a past");
        }
    }

    #[cfg(test)]
    fn cross_check_all(&self) {
        if self.dag.len() <= CROSS_CHECKED {
            let order = self.dag.order(None);
            assert_eq!(order, self.timeline.order(), "order");
            let naive = resolve::fold(self.timeline.genesis(), &self.dag, &order);
            let state = self.timeline.state();
            assert_eq!(naive.roll.membership, state.roll.membership, "fold of all");
            assert!(naive.proposals().eq(state.proposals()), "proposals of all");
        }
    }
}

/// Tests only: the size up to which every shortcut is checked.
#[cfg(test)]
const CROSS_CHECKED: usize = 300;

/// Rebuilds a ledger from its founding agreement and acts given in any
/// order (duplicates allowed), or names the first act, in the order of
/// the laws, that breaks it. The receiver's clock is not consulted: these
/// are acts already accepted once.
pub fn replay(
    agreement: Agreement,
    acts: impl IntoIterator<Item = Act>,
    policy: EndpointPolicy,
) -> Result<Ledger, ReplayError> {
    let mut ledger =
        Ledger::new(agreement, policy).map_err(|reason| ReplayError { act: None, reason })?;
    let root = ledger.dag.root();
    let mut copies: BTreeMap<ActHash, Vec<Act>> = BTreeMap::new();
    for act in acts {
        let hash = act.hash().map_err(|e| ReplayError {
            act: None,
            reason: e.into(),
        })?;
        copies.entry(hash).or_default().push(act);
    }
    // The order of the laws over the given acts; an act whose parents are
    // not all given never becomes ready.
    let mut waiting: BTreeMap<ActHash, usize> = BTreeMap::new();
    let mut children: BTreeMap<ActHash, Vec<ActHash>> = BTreeMap::new();
    let mut ready = BinaryHeap::new();
    for (hash, acts) in &copies {
        let parents = &acts[0].parents;
        let count = parents.iter().filter(|p| **p != root).count();
        for parent in parents.iter().filter(|p| **p != root) {
            children.entry(*parent).or_default().push(*hash);
        }
        if count == 0 {
            ready.push(std::cmp::Reverse(*hash));
        }
        waiting.insert(*hash, count);
    }
    while let Some(std::cmp::Reverse(hash)) = ready.pop() {
        waiting.remove(&hash);
        for act in copies.remove(&hash).unwrap_or_default() {
            let broken = |reason| ReplayError {
                act: Some(hash),
                reason,
            };
            match ledger.judge(&act, None).map_err(broken)? {
                Checked::New(verified) => ledger.add(verified).map_err(broken)?,
                Checked::AlreadyKnown => Inserted::AlreadyKnown,
            };
        }
        for child in children.remove(&hash).unwrap_or_default() {
            if let Some(count) = waiting.get_mut(&child) {
                *count -= 1;
                if *count == 0 {
                    ready.push(std::cmp::Reverse(child));
                }
            }
        }
    }
    // What never became ready lacks a parent: report the first act that
    // names an act not given at all.
    let orphan = copies
        .iter()
        .find(|(_, acts)| {
            !ledger
                .missing_parents(&acts[0])
                .iter()
                .all(|p| copies.contains_key(p))
        })
        .or_else(|| copies.iter().next());
    match orphan {
        None => Ok(ledger),
        Some((hash, acts)) => Err(ReplayError {
            act: Some(*hash),
            reason: LedgerError::MissingParents {
                missing: ledger.missing_parents(&acts[0]),
            },
        }),
    }
}

/// [`replay`], keeping only the membership it proves: what `liaison
/// ledger verify` reports.
pub fn verify_all(
    agreement: Agreement,
    acts: impl IntoIterator<Item = Act>,
    policy: EndpointPolicy,
) -> Result<Membership, ReplayError> {
    replay(agreement, acts, policy).map(|ledger| ledger.membership().clone())
}
