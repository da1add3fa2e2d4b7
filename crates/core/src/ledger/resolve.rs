//! Resolution: the membership and the decisions that a set of accepted
//! acts proves.
//!
//! # Laws of resolution
//!
//! 1. **One fold.** The state proved by a set of acts closed under parents
//!    (a whole ledger, or the causal past of an act) is the founding state
//!    — the founders in good standing, the agreement's rules — followed by
//!    every act of the set in the set's [order](super::dag) (smallest
//!    topological order by hash). Two nodes holding the same acts compute
//!    the same state, whatever order the acts arrived in. The **membership
//!    at an act** is the fold of its causal past and itself.
//! 2. **Settling withdrawals.** Before each act is applied, every
//!    withdrawal pending in the state whose notice has ended by that act's
//!    `created` time takes effect: its author becomes withdrawn. Time in
//!    the ledger is only ever the `created` time of acts, never a reader's
//!    clock, so that the fold is deterministic.
//! 3. **Proposal.** A proposal opens with the electorate and the quorum
//!    rule established when it was accepted — from its causal past alone:
//!    the members in good standing there, less the proposal's subject, and
//!    the admission rule of the rules in force there — and with its
//!    author's yes recorded as the first vote. Electorates being fixed, a
//!    later suspension never rewrites an earlier decision.
//! 4. **Vote.** A vote is recorded on its proposal (always earlier in the
//!    order: it is in the vote's causal past) under the laws of the
//!    [tally](super::proposal). "First" among one voter's votes means
//!    first in the order.
//! 5. **Decisions take effect at once.** When a recorded vote (or the
//!    proposal itself) adopts a proposal, its action takes effect right
//!    there, before the next act: adopted proposals take effect in the
//!    order of their deciding votes. Admission adds the candidate in good
//!    standing with its card (a withdrawn or expelled name may be admitted
//!    again); suspension and reinstatement toggle good standing;
//!    expulsion removes the member for good (and cancels its pending
//!    withdrawal); amendment replaces the rules (open proposals keep the
//!    rule they were opened under, pending withdrawals their notice). An
//!    action that no longer applies when it takes effect — the name was
//!    taken by a concurrent admission, the member to suspend withdrew —
//!    has no effect, and the proposal records why.
//! 6. **Withdrawal.** With a notice of 0 (the rules in force at the
//!    withdrawal) the author is withdrawn at once; otherwise the withdrawal
//!    is pending until the first later act created at or after
//!    `created + notice` (law 2). The author stays a member in good
//!    standing (or suspended) until then.
//! 7. **Key rotation.** The author's card — key, endpoint, certificate —
//!    becomes the new card for every act after it in the order; acceptance
//!    then requires the new key of every act with the rotation in its
//!    causal past. Old keys stay recorded as the member's, so no member
//!    can take them up again.
//!
//! *Limit, by construction:* acceptance depends on an act's causal past
//! only, so a member holding a key it has rotated away (or a member since
//! suspended) can still sign acts that pretend not to know of the rotation
//! (or the suspension), by naming old parents. Such acts are accepted
//! everywhere alike, and count only where the rules let them (electorates
//! are fixed at proposals). What leaves the old key powerless at once is
//! request verification, which uses the current membership.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::federation::{Agreement, MemberCard, PublicKey, Standing};

use super::act::{Act, ActHash, Action, Body};
use super::dag::Node;
use super::error::LedgerError;
use super::membership::{LedgerMember, Membership, PendingWithdrawal};
use super::proposal::{Decision, Effect, Outcome, Proposal};
use super::rules::Facts;

/// The membership part of the state: who is a member with which card and
/// standing, the rules, and what acceptance needs besides.
#[derive(Debug, Clone)]
pub(crate) struct Roll {
    pub membership: Membership,
    /// Every key any member ever had, with its member.
    keys: HashMap<PublicKey, String>,
    /// Pending withdrawals: (effective time, member).
    pending: BTreeSet<(i64, String)>,
}

impl Roll {
    /// The founders in good standing under the agreement's rules.
    pub fn founding(agreement: &Agreement) -> Roll {
        let members = agreement
            .founders
            .iter()
            .map(|card| (card.name.clone(), good(card.clone())))
            .collect();
        let keys = agreement
            .founders
            .iter()
            .map(|card| (card.signing_key, card.name.clone()))
            .collect();
        Roll {
            membership: Membership {
                members,
                rules: agreement.rules,
            },
            keys,
            pending: BTreeSet::new(),
        }
    }

    /// Law 2: withdrawals whose notice has ended by `at` take effect.
    pub fn settle(&mut self, at: i64) {
        while let Some(first) = self.pending.first() {
            if first.0 > at {
                break;
            }
            let Some((_, name)) = self.pending.pop_first() else {
                break;
            };
            if let Some(member) = self.membership.members.get_mut(&name) {
                member.withdrawal = None;
                member.standing = Standing::Withdrawn;
            }
        }
    }

    /// The member a key belongs (or belonged) to.
    pub fn key_owner(&self, key: &PublicKey) -> Option<&str> {
        self.keys.get(key).map(String::as_str)
    }

    /// The current member other than `except` whose card has this TLS
    /// certificate.
    pub fn certificate_owner(&self, fingerprint: &str, except: &str) -> Option<&str> {
        self.membership
            .members
            .values()
            .find(|m| {
                current(m.standing) && m.card.tls_fingerprint == fingerprint && m.name() != except
            })
            .map(LedgerMember::name)
    }

    /// Whether `action` applies to this membership (acceptance law 8, and
    /// resolution law 5 at the moment of effect). The admitted card's own
    /// signature is checked at acceptance only.
    pub fn check_action(&self, action: &Action) -> Result<(), LedgerError> {
        let verb = action.verb();
        let standing_of = |member: &str| {
            self.membership
                .standing(member)
                .ok_or_else(|| LedgerError::UnknownSubject {
                    member: member.to_owned(),
                })
        };
        let refuse = |member: &str, standing| {
            Err(LedgerError::SubjectStanding {
                action: verb,
                member: member.to_owned(),
                standing,
            })
        };
        match action {
            Action::Admit { card } => self.check_admission(card),
            Action::Suspend { member } => match standing_of(member)? {
                Standing::Good => Ok(()),
                standing => refuse(member, standing),
            },
            Action::Reinstate { member } => match standing_of(member)? {
                Standing::Suspended => Ok(()),
                standing => refuse(member, standing),
            },
            Action::Expel { member } => match standing_of(member)? {
                Standing::Good | Standing::Suspended => Ok(()),
                standing => refuse(member, standing),
            },
            Action::Amend { .. } => Ok(()),
        }
    }

    fn check_admission(&self, card: &MemberCard) -> Result<(), LedgerError> {
        if self.membership.standing(&card.name).is_some_and(current) {
            return Err(LedgerError::AlreadyMember {
                name: card.name.clone(),
            });
        }
        // A returning member may come back with a key that was its own.
        if let Some(owner) = self.key_owner(&card.signing_key)
            && owner != card.name
        {
            return Err(LedgerError::KeyInUse {
                owner: owner.to_owned(),
            });
        }
        if let Some(owner) = self.certificate_owner(&card.tls_fingerprint, &card.name) {
            return Err(LedgerError::CertificateInUse {
                owner: owner.to_owned(),
            });
        }
        Ok(())
    }

    /// Law 5: an adopted action takes effect, or is void.
    fn enact(&mut self, action: &Action) -> Effect {
        if let Err(reason) = self.check_action(action) {
            return Effect::Void(reason);
        }
        let members = &mut self.membership.members;
        match action {
            Action::Admit { card } => {
                self.keys.insert(card.signing_key, card.name.clone());
                members.insert(card.name.clone(), good(card.clone()));
            }
            Action::Suspend { member } => set_standing(members, member, Standing::Suspended),
            Action::Reinstate { member } => set_standing(members, member, Standing::Good),
            Action::Expel { member } => {
                if let Some(m) = members.get_mut(member) {
                    if let Some(w) = m.withdrawal.take() {
                        self.pending.remove(&(w.effective_micros, member.clone()));
                    }
                    m.standing = Standing::Expelled;
                }
            }
            Action::Amend { rules } => self.membership.rules = *rules,
        }
        Effect::Applied
    }

    /// Law 6.
    fn withdraw(&mut self, author: &str, act: ActHash, created: i64, notice_micros: i64) {
        let Some(member) = self.membership.members.get_mut(author) else {
            return;
        };
        // A concurrent withdrawal, or one by a member expelled meanwhile,
        // changes nothing.
        if !current(member.standing) || member.withdrawal.is_some() {
            return;
        }
        if notice_micros <= 0 {
            member.standing = Standing::Withdrawn;
            return;
        }
        let effective_micros = created.saturating_add(notice_micros);
        member.withdrawal = Some(PendingWithdrawal {
            act,
            effective_micros,
        });
        self.pending.insert((effective_micros, author.to_owned()));
    }

    /// Law 7.
    fn rotate(&mut self, author: &str, card: &MemberCard) {
        // A key taken by a concurrent admission stays with its admitted
        // owner; the rotation then changes nothing.
        if self
            .key_owner(&card.signing_key)
            .is_some_and(|owner| owner != author)
        {
            return;
        }
        if let Some(member) = self.membership.members.get_mut(author)
            && current(member.standing)
        {
            member.card = card.clone();
            self.keys.insert(card.signing_key, author.to_owned());
        }
    }
}

/// A member still in the commonwealth (in good standing or suspended).
fn current(standing: Standing) -> bool {
    matches!(standing, Standing::Good | Standing::Suspended)
}

fn good(card: MemberCard) -> LedgerMember {
    LedgerMember {
        card,
        standing: Standing::Good,
        withdrawal: None,
    }
}

fn set_standing(members: &mut BTreeMap<String, LedgerMember>, name: &str, standing: Standing) {
    if let Some(m) = members.get_mut(name) {
        m.standing = standing;
    }
}

/// Everything a fold proves: the roll and the proposals. Proposals are
/// shared between copies of a state (a vote copies only the proposal it
/// changes), so that keeping checkpoints of a fold is cheap.
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub roll: Roll,
    /// In the order of the fold.
    proposals: Vec<Arc<Proposal>>,
    index: HashMap<ActHash, usize>,
}

impl State {
    pub fn founding(agreement: &Agreement) -> State {
        State {
            roll: Roll::founding(agreement),
            proposals: Vec::new(),
            index: HashMap::new(),
        }
    }

    pub fn proposal(&self, hash: &ActHash) -> Option<&Proposal> {
        self.index.get(hash).map(|&i| &*self.proposals[i])
    }

    pub fn proposals(&self) -> impl ExactSizeIterator<Item = &Proposal> {
        self.proposals.iter().map(|p| &**p)
    }

    /// Applies one accepted act (laws 2 to 7).
    pub fn apply(&mut self, node: &Node) {
        self.roll.settle(node.created);
        let act: &Act = &node.act;
        match (&act.body, &node.facts) {
            (
                Body::Proposal { action, text, .. },
                Facts::Proposal {
                    electorate,
                    admission,
                    deadline,
                },
            ) => {
                let proposal = Proposal {
                    act: node.hash,
                    author: act.author.clone(),
                    action: action.clone(),
                    text: text.clone(),
                    created_micros: node.created,
                    deadline_micros: *deadline,
                    electorate: electorate.clone(),
                    admission: *admission,
                    votes: Vec::new(),
                    outcome: Outcome::Open,
                };
                self.index.insert(node.hash, self.proposals.len());
                self.proposals.push(Arc::new(proposal));
                self.vote(
                    node.hash,
                    node.hash,
                    &act.author,
                    super::Choice::Yes,
                    node.created,
                );
            }
            (Body::Vote { proposal, choice }, Facts::Vote) => {
                self.vote(*proposal, node.hash, &act.author, *choice, node.created);
            }
            (Body::Withdrawal {}, Facts::Withdrawal { notice_micros }) => {
                self.roll
                    .withdraw(&act.author, node.hash, node.created, *notice_micros);
            }
            (Body::KeyRotation { new_card }, Facts::KeyRotation) => {
                self.roll.rotate(&act.author, new_card);
            }
            // Facts always match their body (acceptance made them).
            _ => {}
        }
    }

    fn vote(
        &mut self,
        proposal: ActHash,
        act: ActHash,
        voter: &str,
        choice: super::Choice,
        created: i64,
    ) {
        let Some(&i) = self.index.get(&proposal) else {
            return;
        };
        let p = Arc::make_mut(&mut self.proposals[i]);
        if p.record(act, voter, choice, created) == Some(Decision::Adopted) {
            let effect = self.roll.enact(&p.action);
            p.outcome = Outcome::Adopted {
                decided_by: act,
                effect,
            };
        }
    }
}

/// Law 1: the founding state followed by the acts of `order` (the
/// definition, which tests check the ledger's shortcuts against).
#[cfg(test)]
pub(crate) fn fold(genesis: &State, dag: &super::dag::Dag, order: &[usize]) -> State {
    let mut state = genesis.clone();
    for &i in order {
        state.apply(dag.node(i));
    }
    state
}
