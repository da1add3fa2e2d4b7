//! Acts that arrived before their parents, kept until the parents come.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::act::{Act, ActHash};
use super::error::LedgerError;
use super::{Inserted, Ledger};

/// What became of an offered act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    /// Inserted; so were (or were refused) the buffered acts it released,
    /// listed in the order they were tried.
    Inserted {
        released: Vec<(ActHash, Result<Inserted, LedgerError>)>,
    },
    /// The ledger already held it.
    AlreadyKnown,
    /// Kept until these parents arrive (pull them from the sender).
    Buffered { missing: Vec<ActHash> },
}

/// Acts waiting for parents. Offer every received act through the same
/// buffer, so that an arriving parent releases its waiting children.
///
/// An act released and then refused is dropped; acts waiting for it wait
/// for ever (they can never be accepted): [`OrphanBuffer::clear`] them when
/// convenient. The buffer has no bound of its own: the caller bounds what
/// it accepts from a peer.
#[derive(Debug, Clone, Default)]
pub struct OrphanBuffer {
    acts: BTreeMap<ActHash, Act>,
    /// Missing parent → the buffered acts waiting for it.
    waiting_for: BTreeMap<ActHash, BTreeSet<ActHash>>,
}

impl OrphanBuffer {
    pub fn new() -> OrphanBuffer {
        OrphanBuffer::default()
    }

    /// The number of acts waiting.
    pub fn len(&self) -> usize {
        self.acts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.acts.is_empty()
    }

    pub fn contains(&self, hash: &ActHash) -> bool {
        self.acts.contains_key(hash)
    }

    pub fn clear(&mut self) {
        self.acts.clear();
        self.waiting_for.clear();
    }

    /// The acts waited for that neither `ledger` nor the buffer holds:
    /// what to pull.
    pub fn missing(&self, ledger: &Ledger) -> Vec<ActHash> {
        self.waiting_for
            .keys()
            .filter(|h| !self.acts.contains_key(h) && !ledger.contains(h))
            .copied()
            .collect()
    }

    /// Inserts `act` into `ledger`, or keeps it while parents are missing;
    /// an inserted act releases the acts that waited for it. An error is
    /// the offered act's refusal.
    pub fn offer(
        &mut self,
        ledger: &mut Ledger,
        act: Act,
        now_micros: i64,
        max_skew: Duration,
    ) -> Result<Offer, LedgerError> {
        let hash = act.hash()?;
        match ledger.insert(act.clone(), now_micros, max_skew) {
            Ok(Inserted::New) => Ok(Offer::Inserted {
                released: self.release(ledger, hash, now_micros, max_skew),
            }),
            Ok(Inserted::AlreadyKnown) => Ok(Offer::AlreadyKnown),
            Err(LedgerError::MissingParents { missing }) => {
                for parent in &missing {
                    self.waiting_for.entry(*parent).or_default().insert(hash);
                }
                self.acts.entry(hash).or_insert(act);
                Ok(Offer::Buffered { missing })
            }
            Err(refused) => Err(refused),
        }
    }

    /// Tries again every act whose parents are all in `ledger` now (for
    /// parents that reached the ledger without passing through the buffer).
    pub fn retry(
        &mut self,
        ledger: &mut Ledger,
        now_micros: i64,
        max_skew: Duration,
    ) -> Vec<(ActHash, Result<Inserted, LedgerError>)> {
        let parents: Vec<ActHash> = self
            .waiting_for
            .keys()
            .filter(|h| ledger.contains(h))
            .copied()
            .collect();
        let mut out = Vec::new();
        for parent in parents {
            out.extend(self.release(ledger, parent, now_micros, max_skew));
        }
        out
    }

    /// Inserts, depth first, the acts that waited for `arrived` and now
    /// have every parent.
    fn release(
        &mut self,
        ledger: &mut Ledger,
        arrived: ActHash,
        now_micros: i64,
        max_skew: Duration,
    ) -> Vec<(ActHash, Result<Inserted, LedgerError>)> {
        let mut out = Vec::new();
        let mut stack = vec![arrived];
        while let Some(parent) = stack.pop() {
            for child in self.waiting_for.remove(&parent).unwrap_or_default() {
                // Still waiting for another parent (it is listed under it).
                let ready = self
                    .acts
                    .get(&child)
                    .is_some_and(|act| ledger.missing_parents(act).is_empty());
                if !ready {
                    continue;
                }
                let Some(act) = self.acts.remove(&child) else {
                    continue;
                };
                let result = ledger.insert(act, now_micros, max_skew);
                if result == Ok(Inserted::New) {
                    stack.push(child);
                }
                out.push((child, result));
            }
        }
        out
    }
}
