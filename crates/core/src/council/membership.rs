//! [`LedgerMembership`]: the ledger a node holds in memory, rebuilt from
//! the store at start, and the membership it proves, as every part of the
//! node reads it (see the laws of the module above).

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use crate::Store;
use crate::clock::Clock;
use crate::exchange::StoredAct;
use crate::exchange_ops::{ActVerdict, Deferral, MembershipSource};
use crate::federation::{Agreement, EndpointPolicy, Member, MemberCard, Standing};
use crate::ledger::{
    Act, ActHash, Checked, Ledger, LedgerError, Membership, OrphanBuffer, Verified, replay,
};

use super::CouncilError;

/// A callback run after the membership changed.
type Listener = Box<dyn Fn() + Send + Sync>;

/// The ledger of this node's commonwealth and the membership it proves.
/// Shared (`Arc`) by the request verification, the exchange, the delivery
/// workers and the admin API; every change goes check → store → apply.
pub struct LedgerMembership {
    self_name: String,
    clock: Arc<dyn Clock>,
    max_skew: Duration,
    state: RwLock<State>,
    listeners: Mutex<Vec<Listener>>,
}

struct State {
    ledger: Ledger,
    /// The members as [`MembershipSource`] gives them, standing settled at
    /// the time it was built.
    members: Arc<[Member]>,
    /// When the next notice of withdrawal runs out (the snapshot is then
    /// rebuilt).
    next_withdrawal: Option<i64>,
}

impl std::fmt::Debug for LedgerMembership {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.read();
        f.debug_struct("LedgerMembership")
            .field("self_name", &self.self_name)
            .field("acts", &state.ledger.len())
            .field("members", &state.members.len())
            .finish_non_exhaustive()
    }
}

/// What [`LedgerMembership::ingest`] did with acts pulled from a peer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ingested {
    /// Acts stored and applied now.
    pub new: usize,
    /// Acts refused, with the reason (the peer's ledger holds acts this
    /// node's laws refuse: a bug, or a forgery, to report).
    pub refused: Vec<(String, String)>,
    /// Acts kept out because their parents are still missing, or they are
    /// dated ahead of this node's clock.
    pub pending: usize,
}

impl LedgerMembership {
    /// A membership over `ledger`, for the node of member `self_name`.
    pub fn new(
        ledger: Ledger,
        self_name: &str,
        clock: Arc<dyn Clock>,
        max_skew: Duration,
    ) -> LedgerMembership {
        let now = clock.now_micros();
        let (members, next_withdrawal) = snapshot(ledger.membership(), now);
        LedgerMembership {
            self_name: self_name.to_owned(),
            clock,
            max_skew,
            state: RwLock::new(State {
                ledger,
                members,
                next_withdrawal,
            }),
            listeners: Mutex::new(Vec::new()),
        }
    }

    /// Replays the acts in `store` from `agreement`: the ledger as this
    /// node holds it. Fails, naming the act, when the stored ledger does
    /// not replay (`liaison ledger verify` says the same).
    pub async fn load(
        store: &dyn Store,
        agreement: &Agreement,
        self_name: &str,
        policy: EndpointPolicy,
        clock: Arc<dyn Clock>,
        max_skew: Duration,
    ) -> Result<LedgerMembership, CouncilError> {
        let acts = parse_stored(store.acts().await?)?;
        let ledger = replay(agreement.clone(), acts, policy)?;
        Ok(LedgerMembership::new(ledger, self_name, clock, max_skew))
    }

    /// Checks that `card` is this node's current card in the ledger (the
    /// founding or admitted card, or the card of its latest rotation), and
    /// that this node is still a member in some standing.
    pub fn check_identity(&self, card: &MemberCard) -> Result<(), CouncilError> {
        let state = self.read();
        let Some(member) = state.ledger.membership().get(&card.name) else {
            return Err(CouncilError::Identity(format!(
                "the ledger does not know {} as a member: join the commonwealth with `liaison agreement join`",
                card.name
            )));
        };
        if member.card.signing_key != card.signing_key {
            return Err(CouncilError::Identity(format!(
                "the ledger holds another signing key for {} ({}) than this node's card ({}): \
                 was a key rotation interrupted?",
                card.name, member.card.signing_key, card.signing_key
            )));
        }
        Ok(())
    }

    /// This node's member name.
    pub fn self_name(&self) -> &str {
        &self.self_name
    }

    /// Runs `f` on the ledger as it is now (hold no lock across an await).
    pub fn with_ledger<R>(&self, f: impl FnOnce(&Ledger) -> R) -> R {
        f(&self.read().ledger)
    }

    /// The membership the ledger proves now.
    pub fn membership(&self) -> Membership {
        self.read().ledger.membership().clone()
    }

    /// Calls `listener` after every change of the membership (admission,
    /// suspension, reinstatement, expulsion, withdrawal, key rotation,
    /// amended rules). It runs on the thread that made the change, with no
    /// lock held: keep it short (wake a task).
    pub fn on_change(&self, listener: impl Fn() + Send + Sync + 'static) {
        self.listeners
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Box::new(listener));
    }

    /// Judges an own act and computes its recipients: the other members
    /// in good standing once it is applied.
    pub(crate) fn prepare_own(
        &self,
        act: &Act,
        now: i64,
    ) -> Result<(Verified, Vec<String>), CouncilError> {
        let state = self.read();
        let verified = match state.ledger.check(act, now, self.max_skew)? {
            Checked::New(verified) => verified,
            Checked::AlreadyKnown => {
                return Err(CouncilError::Invalid(
                    "the ledger already holds this act".to_owned(),
                ));
            }
        };
        let mut after = state.ledger.clone();
        drop(state);
        after.apply(verified.clone())?;
        let recipients = after
            .membership()
            .in_good_standing()
            .map(|m| m.name().to_owned())
            .filter(|name| {
                *name != self.self_name && after.membership().is_in_good_standing_at(name, now)
            })
            .collect();
        Ok((verified, recipients))
    }

    /// Applies checked acts in order (after they were committed).
    fn apply_all(&self, acts: Vec<Verified>) {
        let mut state = self.write();
        let before = state.ledger.membership().clone();
        for verified in acts {
            // Refused only for an act whose parents went missing, which a
            // committed act's never do; the next refresh repairs anything.
            let _ = state.ledger.apply(verified);
        }
        self.settle(state, &before);
    }

    /// Rebuilds the snapshot after a change and tells the listeners when
    /// the membership moved.
    fn settle(&self, mut state: RwLockWriteGuard<'_, State>, before: &Membership) {
        let now = self.clock.now_micros();
        let changed = state.ledger.membership() != before;
        if changed || state.next_withdrawal.is_some_and(|t| now >= t) {
            let (members, next) = snapshot(state.ledger.membership(), now);
            state.members = members;
            state.next_withdrawal = next;
        }
        drop(state);
        if changed {
            self.notify();
        }
    }

    fn notify(&self) {
        let listeners = self.listeners.lock().unwrap_or_else(|p| p.into_inner());
        for listener in listeners.iter() {
            listener();
        }
    }

    /// Takes in the acts another process (or the CLI) stored since this
    /// ledger was built; returns how many were new.
    pub async fn refresh(&self, store: &dyn Store) -> Result<usize, CouncilError> {
        let stored = store.acts().await?;
        let unknown: Vec<StoredAct> = {
            let state = self.read();
            stored
                .into_iter()
                .filter(|s| ActHash::parse(&s.hash).map_or(true, |h| !state.ledger.contains(&h)))
                .collect()
        };
        if unknown.is_empty() {
            return Ok(0);
        }
        let acts = parse_stored(unknown)?;
        let mut state = self.write();
        let before = state.ledger.membership().clone();
        let mut orphans = OrphanBuffer::new();
        let mut new = 0;
        for act in acts {
            // Stored acts were accepted once: the clock is not consulted.
            match orphans.offer(&mut state.ledger, act, i64::MAX, self.max_skew) {
                Ok(crate::ledger::Offer::Inserted { released }) => {
                    new += 1 + released.iter().filter(|(_, r)| r.is_ok()).count();
                }
                Ok(_) => {}
                Err(reason) => {
                    drop(state);
                    return Err(CouncilError::Refused(reason));
                }
            }
        }
        self.settle(state, &before);
        Ok(new)
    }

    /// Takes in acts pulled from a peer's ledger (in the peer's order, which
    /// puts parents first): judges each, stores the accepted ones, applies
    /// them. Acts whose parents are missing or that are dated ahead wait
    /// for the next pull.
    pub async fn ingest(
        &self,
        store: &dyn Store,
        acts: Vec<(String, Act)>,
    ) -> Result<Ingested, CouncilError> {
        let mut report = Ingested::default();
        let mut waiting = acts;
        loop {
            let mut progress = false;
            let mut still = Vec::new();
            for (json, act) in waiting {
                let now = self.clock.now_micros();
                let checked = self.read().ledger.check(&act, now, self.max_skew);
                match checked {
                    Ok(Checked::New(verified)) => {
                        let stored = StoredAct {
                            hash: verified.hash().to_hex(),
                            json,
                            received_at: now,
                        };
                        store.insert_act(&stored).await?;
                        self.apply_all(vec![verified]);
                        report.new += 1;
                        progress = true;
                    }
                    Ok(Checked::AlreadyKnown) => {}
                    Err(LedgerError::MissingParents { .. } | LedgerError::FutureTime { .. }) => {
                        still.push((json, act));
                    }
                    Err(reason) => {
                        let hash = act.hash().map(|h| h.to_hex()).unwrap_or_default();
                        report.refused.push((hash, reason.to_string()));
                    }
                }
            }
            waiting = still;
            if !progress || waiting.is_empty() {
                break;
            }
        }
        report.pending = waiting.len();
        Ok(report)
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }
}

impl MembershipSource for LedgerMembership {
    fn members(&self) -> Arc<[Member]> {
        let now = self.clock.now_micros();
        {
            let state = self.read();
            if state.next_withdrawal.is_none_or(|t| now < t) {
                return state.members.clone();
            }
        }
        // A notice of withdrawal ran out since the snapshot was built.
        let state = self.write();
        let before = state.ledger.membership().clone();
        self.settle(state, &before);
        self.notify();
        self.read().members.clone()
    }

    fn judge_acts(&self, acts: &[&str], now_micros: i64) -> Vec<ActVerdict> {
        let state = self.read();
        let parsed: Vec<Result<Act, LedgerError>> =
            acts.iter().map(|t| Act::from_json(t)).collect();
        if parsed.len() == 1 {
            let verdict = match &parsed[0] {
                Ok(act) => verdict(act, state.ledger.check(act, now_micros, self.max_skew)),
                Err(e) => ActVerdict::Refused(e.to_string()),
            };
            return vec![verdict];
        }
        // Several acts: each judged as if those before it were applied.
        let mut scratch = state.ledger.clone();
        drop(state);
        parsed
            .into_iter()
            .map(|act| match act {
                Ok(act) => {
                    let checked = scratch.check(&act, now_micros, self.max_skew);
                    if let Ok(Checked::New(verified)) = &checked {
                        let _ = scratch.apply(verified.clone());
                    }
                    verdict(&act, checked)
                }
                Err(e) => ActVerdict::Refused(e.to_string()),
            })
            .collect()
    }

    fn apply_acts(&self, acts: Vec<Verified>) {
        self.apply_all(acts);
    }
}

/// A verdict from the ledger's judgement: the laws' refusals are final,
/// except a time ahead of the clock and missing parents, which pass.
fn verdict(act: &Act, checked: Result<Checked, LedgerError>) -> ActVerdict {
    match checked {
        Ok(Checked::New(verified)) => ActVerdict::New(Box::new(verified)),
        Ok(Checked::AlreadyKnown) => match act.hash() {
            Ok(hash) => ActVerdict::Known(hash),
            Err(e) => ActVerdict::Refused(e.to_string()),
        },
        Err(LedgerError::MissingParents { missing }) => ActVerdict::Deferred(Deferral {
            reason: LedgerError::MissingParents {
                missing: missing.clone(),
            }
            .to_string(),
            missing,
        }),
        Err(e @ LedgerError::FutureTime { .. }) => ActVerdict::Deferred(Deferral {
            reason: e.to_string(),
            missing: Vec::new(),
        }),
        Err(e) => ActVerdict::Refused(e.to_string()),
    }
}

/// Acts as stored, parsed; a stored act that does not parse is named.
fn parse_stored(stored: Vec<StoredAct>) -> Result<Vec<Act>, CouncilError> {
    stored
        .into_iter()
        .map(|s| {
            Act::from_json(&s.json).map_err(|reason| {
                CouncilError::Replay(crate::ledger::ReplayError {
                    act: ActHash::parse(&s.hash).ok(),
                    reason,
                })
            })
        })
        .collect()
}

/// The members as the rest of the node sees them at `now` (a member whose
/// notice of withdrawal has run out is withdrawn), and when that next
/// changes.
fn snapshot(membership: &Membership, now: i64) -> (Arc<[Member]>, Option<i64>) {
    let mut next: BTreeSet<i64> = BTreeSet::new();
    let members = membership
        .members()
        .map(|m| {
            let mut member = m.to_member();
            if let Some(w) = m.withdrawal {
                if now >= w.effective_micros {
                    member.standing = Standing::Withdrawn;
                } else {
                    next.insert(w.effective_micros);
                }
            }
            member
        })
        .collect();
    (members, next.first().copied())
}
