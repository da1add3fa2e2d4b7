//! Pushing a peer's outbox, batch after batch, with the work around each
//! push overlapped with the peer's handling of it (see the laws of
//! [`super::delivery`], which this keeps).
//!
//! Laws:
//! - **Strict order.** A batch goes out only once the peer answered 200 to
//!   the batch before it, and holds the messages that follow that batch's
//!   last one, in sequence order.
//! - **Overlap.** While the peer handles a batch, this node reads and
//!   encodes the next one; once the peer answered, the batch's receipts
//!   are checked and stored, and its messages marked delivered, while the
//!   next batch is on its way. At most one batch is being marked at a
//!   time, and a unit of work waits for its last marking before it ends.
//! - **Nothing acknowledged early.** Messages are marked delivered only
//!   after the peer answered 200 (it committed them). A failure (a push,
//!   a read or a marking) ends the unit: what was not marked stays queued
//!   and goes again after the backoff, and the peer applies it once.
//! - **No pushing against a pull.** The messages a pull by the peer was
//!   served (up to its last position) are left to that pull for
//!   [`super::PULL_HOLD`] after it, while the peer applies them and sends
//!   their receipts: the worker pushes only what follows them. While the
//!   peer was told that more follow, it is catching up and pulls the rest
//!   page after page: the worker pushes nothing to it. Once the hold ends
//!   (the peer stopped pulling), whatever is still undelivered is pushed
//!   again.
//! - **Bounded units.** A unit pushes at most [`BATCHES_PER_UNIT`] batches,
//!   so that a long backlog does not keep the worker from its other work
//!   (ledger pulls, stop requests).

use liaison_core::exchange::OutboxRow;
use liaison_core::exchange_ops::{check_receipts, envelope_for};
use liaison_core::federation::Member;
use tokio::task::JoinHandle;

use super::delivery::{WorkError, Worker};

/// Most batches one unit of work pushes.
pub(crate) const BATCHES_PER_UNIT: usize = 16;

/// A batch ready to push: its rows, in order, and its envelope.
struct Batch {
    rows: Vec<OutboxRow>,
    body: String,
}

type Marking = JoinHandle<Result<(), WorkError>>;

impl Worker {
    /// Pushes pending messages, batch after batch (see the module's laws);
    /// `false` when there was nothing to push (or the peer is not in good
    /// standing).
    pub(super) async fn push_batches(&self) -> Result<bool, WorkError> {
        let Some(member) = self.federation.peer_in_good_standing(self.peer()) else {
            return Ok(false);
        };
        // What a pull of the peer's under way was served, it takes itself,
        // and all the rest while it catches up: pushing it too would make
        // both nodes do the work twice.
        let hold = self.federation.pull_hold(self.peer());
        if hold.is_some_and(|h| h.more) {
            return Ok(false);
        }
        let served = hold.map(|h| h.served_up_to);
        let mut next = self.read_batch(served).await?;
        let mut pushed = false;
        let mut marking: Option<Marking> = None;
        let mut outcome = Ok(());
        for _ in 0..BATCHES_PER_UNIT {
            let Some(batch) = next.take() else {
                break;
            };
            if let (Some(hold), Some(first)) =
                (self.federation.pull_hold(self.peer()), batch.rows.first())
                && (hold.more || first.seq <= hold.served_up_to)
            {
                break;
            }
            let after = batch.rows.last().map(|r| r.seq);
            let node = self.federation.node();
            let (answer, upcoming) = tokio::join!(
                self.client
                    .push(&node, self.state.clock.as_ref(), batch.body),
                self.read_batch(after),
            );
            let answer = match answer {
                Ok(answer) => answer,
                Err(e) => {
                    outcome = Err(e.into());
                    break;
                }
            };
            pushed = true;
            let mut rows = batch.rows;
            // The messages before the one put off were handled; it and the
            // rest stay queued.
            let deferred = answer.deferred.map(|d| {
                let cut = rows.iter().position(|r| r.id == d.message).unwrap_or(0);
                rows.truncate(cut);
                WorkError::Deferred {
                    message: d.message,
                    reason: d.reason,
                }
            });
            if let Err(e) = finish(marking.take()).await {
                outcome = Err(e);
                break;
            }
            if !rows.is_empty() {
                marking = Some(self.mark(member.clone(), rows, answer.receipts));
            }
            if let Some(e) = deferred {
                outcome = Err(e);
                break;
            }
            match upcoming {
                Ok(upcoming) => next = upcoming,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        let marked = finish(marking).await;
        outcome.and(marked).map(|()| pushed)
    }

    /// The next batch: the pending messages in sequence order (`after`
    /// `None`), or the undelivered ones after `after`; at most the batch
    /// size in messages, and in bytes but for a first large message.
    async fn read_batch(&self, after: Option<u64>) -> Result<Option<Batch>, WorkError> {
        let store = self.state.store.as_ref();
        let limit = self.settings.batch_messages;
        let mut rows = match after {
            None => store.outbox_pending(self.peer(), limit).await?,
            Some(after) => {
                let mut rows = store.outbox_after(self.peer(), after, limit).await?;
                rows.retain(|r| r.delivered_at.is_none());
                rows
            }
        };
        let (mut take, mut bytes) = (0, 0);
        for row in &rows {
            if take > 0 && bytes + row.payload.len() > self.settings.batch_bytes {
                break;
            }
            bytes += row.payload.len();
            take += 1;
        }
        rows.truncate(take);
        if rows.is_empty() {
            return Ok(None);
        }
        // Encoding a large batch is CPU work: off the I/O threads.
        let encoded = tokio::task::spawn_blocking(move || {
            let body = envelope_for(&rows, false);
            (rows, body)
        })
        .await
        .map_err(|_| WorkError::Other("encoding a batch panicked".into()))?;
        let (rows, body) = encoded;
        let body = body.map_err(|e| WorkError::Other(e.to_string()))?;
        Ok(Some(Batch { rows, body }))
    }

    /// Checks the receipts the peer returned for `rows` (one signature per
    /// batch, a proof per receipt: CPU work, off the I/O threads), then
    /// stores them and marks the rows delivered, in a task of its own.
    fn mark(&self, member: Member, rows: Vec<OutboxRow>, receipts: Option<String>) -> Marking {
        let store = self.state.store.clone();
        let clock = self.state.clock.clone();
        let federation = self.federation.clone();
        let peer = self.peer().to_owned();
        tokio::spawn(async move {
            let now = clock.now_micros();
            let seqs: Vec<u64> = rows.iter().map(|r| r.seq).collect();
            let node = federation.node();
            let (kept, problems) = tokio::task::spawn_blocking(move || {
                check_receipts(&node, &member, &rows, receipts.as_deref(), now)
            })
            .await
            .map_err(|_| WorkError::Other("receipt verification panicked".into()))?;
            for problem in &problems {
                tracing::warn!(peer = %peer, problem = %problem, "receipt dropped");
            }
            store.mark_delivered(&peer, &seqs, kept, now).await?;
            federation.update_delivery(&peer, |d| {
                d.last_delivered_at = Some(now);
                d.delivered += seqs.len() as u64;
                d.last_error = None;
            });
            tracing::debug!(peer = %peer, messages = seqs.len(), "delivered");
            Ok(())
        })
    }
}

/// Waits for a marking, if any.
async fn finish(marking: Option<Marking>) -> Result<(), WorkError> {
    match marking {
        None => Ok(()),
        Some(task) => task
            .await
            .map_err(|_| WorkError::Other("marking messages delivered failed".into()))?,
    }
}
