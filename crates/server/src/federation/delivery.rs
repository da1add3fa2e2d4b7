//! One peer's delivery worker, `deliver:<peer>`: its unit of work (catch
//! up if needed, then push the next batch of the peer's outbox), its wait
//! and its backoff. [`super::worker`] starts and stops these as the
//! membership changes.
//!
//! Laws:
//! - **Strict order per peer.** A worker sends the peer's pending messages
//!   in sequence order, one batch at a time, and marks them delivered only
//!   after the peer answered 200 (the peer committed them) — all of them,
//!   or those before the message the peer put off (see
//!   `liaison_core::exchange_ops::prepare_inbound`): that message and the
//!   rest stay queued and are retried after the backoff. Reading the next
//!   batch and marking the last one overlap the peer's work (see
//!   [`super::push`]).
//! - **No time limit.** While a peer fails, the worker retries after 1 s,
//!   2 s, 4 s ... up to 5 min (injectable), for ever; a success resets it,
//!   and so does a verified request from the peer (it is up again: the
//!   worker tries at once).
//! - **Catching up.** On start, and after every failure, the worker first
//!   pulls the peer's ledger (the acts it lacks) and then the peer's
//!   outbox (`after` the position last applied) until caught up, so a node
//!   that was down gets what it missed without waiting for the peer's
//!   backoff. Applying a message twice (pushed and pulled) stores nothing
//!   twice. It also pulls the peer's ledger when the peer sent an act
//!   whose parents this node lacks.
//! - **Receipts count only if they verify** and match what was sent; the
//!   others are logged and dropped (the messages are still delivered: the
//!   peer committed them). A receipt batch is verified once.
//! - **Pulled messages are receipted too.** The receipt batch of a pulled
//!   page is enqueued back to the peer once the page is committed, and
//!   pushed while the pull goes on, so the peer learns of the delivery at
//!   once (and marks those messages delivered) instead of pushing them
//!   again after its backoff. Pages are fetched, verified and committed in
//!   overlapping steps (see `pull_until_caught_up`).

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::sync::mpsc;

use liaison_core::exchange::MessageKind;
use liaison_core::exchange_ops::{
    InboundOutcome, PreparedInbound, Route, Sender, commit_inbound, inbound_collection,
    parse_envelope, prepare_inbound, return_receipts,
};
use liaison_core::federation::Member;
use liaison_core::ledger::Act;
use liaison_core::users::fill_random;

use super::Federation;
use super::client::{PeerClient, PeerError};
use super::worker::{Backoff, Stop, WorkerSettings};
use crate::state::AppState;

/// Why a unit of work failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WorkError {
    #[error(transparent)]
    Peer(#[from] PeerError),
    #[error(transparent)]
    Exchange(#[from] liaison_core::exchange_ops::ExchangeError),
    #[error(transparent)]
    Council(#[from] liaison_core::council::CouncilError),
    #[error(transparent)]
    Store(#[from] liaison_core::StoreError),
    #[error("the peer put off message {message}: {reason}")]
    Deferred { message: String, reason: String },
    #[error("{0}")]
    Other(String),
}

/// The answer to a ledger pull.
#[derive(Deserialize)]
struct LedgerAnswer {
    acts: Vec<Box<RawValue>>,
    next: usize,
}

pub(crate) struct Worker {
    pub state: AppState,
    pub federation: Arc<Federation>,
    pub client: PeerClient,
    pub settings: WorkerSettings,
    /// The position in the peer's ledger pulled up to (this run).
    pub ledger_after: usize,
}

impl Worker {
    pub(super) fn peer(&self) -> &str {
        &self.client.peer().name
    }

    pub async fn run(mut self, mut stop: Stop) {
        let waker = self.federation.waker(self.peer());
        let heard = self.federation.heard(self.peer());
        let mut backoff = Backoff::new(self.settings.backoff_initial, self.settings.backoff_max);
        let mut needs_pull = true;
        while !stop.requested() {
            let now = self.state.clock.now_micros();
            self.federation
                .update_delivery(self.peer(), |d| d.last_attempt_at = Some(now));
            // Stopping abandons a unit of work in flight: safe, since the
            // peer applies a message once however often it arrives, and
            // the outbox is only marked once the peer has committed.
            let outcome = tokio::select! {
                biased;
                () = stop.wait() => break,
                outcome = self.unit(&mut needs_pull) => outcome,
            };
            match outcome {
                Err(error) => {
                    needs_pull = true;
                    let wait = backoff.fail();
                    self.report_failure(&error, wait);
                    // A request from the peer shows it is up again.
                    tokio::select! {
                        () = stop.wait() => break,
                        () = tokio::time::sleep(wait) => {}
                        () = heard.notified() => backoff.reset(),
                    }
                }
                Ok(pushed) => {
                    backoff.reset();
                    self.federation.update_delivery(self.peer(), |d| {
                        d.consecutive_failures = 0;
                        d.next_attempt_at = None;
                    });
                    if !pushed {
                        // A pull hold ends without a signal: look again then.
                        let wait = self
                            .federation
                            .pull_hold(self.peer())
                            .map_or(self.settings.poll_interval, |h| {
                                h.left.min(self.settings.poll_interval)
                            });
                        tokio::select! {
                            () = stop.wait() => break,
                            () = waker.notified() => {}
                            () = tokio::time::sleep(wait) => {}
                        }
                    }
                }
            }
        }
        self.federation
            .update_delivery(self.peer(), |d| d.running = false);
    }

    /// One unit of work: catch up if needed, then push the next batch.
    /// `Ok(true)` when a batch was pushed.
    async fn unit(&mut self, needs_pull: &mut bool) -> Result<bool, WorkError> {
        let mut failure = None;
        let ledger_wanted = self.federation.take_ledger_wanted(self.peer());
        if *needs_pull || ledger_wanted {
            let caught_up = match self.sync_ledger().await {
                Ok(()) if *needs_pull => self.pull_returning_receipts().await,
                other => other,
            };
            match caught_up {
                Ok(()) => *needs_pull = false,
                // Pushing does not depend on pulling: try it anyway.
                Err(e) => failure = Some(e),
            }
        }
        let pushed = self.push_batches().await;
        match failure {
            Some(e) => Err(e),
            None => pushed,
        }
    }

    fn report_failure(&self, error: &WorkError, wait: Duration) {
        let now = self.state.clock.now_micros();
        let wait_micros = i64::try_from(wait.as_micros()).unwrap_or(i64::MAX);
        let message = error.to_string();
        self.federation.update_delivery(self.peer(), |d| {
            d.consecutive_failures += 1;
            d.last_error = Some(message.clone());
            d.next_attempt_at = Some(now.saturating_add(wait_micros));
        });
        tracing::warn!(
            worker = %format!("deliver:{}", self.peer()),
            error = %message,
            retry_in_ms = wait.as_millis() as u64,
            "delivery failed; will retry"
        );
    }

    /// Pulls the acts of the peer's ledger this node has not pulled yet in
    /// this run, and takes in those it lacks.
    async fn sync_ledger(&mut self) -> Result<(), WorkError> {
        let Some(council) = self.federation.council().cloned() else {
            return Ok(());
        };
        if self.federation.peer_in_good_standing(self.peer()).is_none() {
            return Ok(());
        }
        let node = self.federation.node();
        let body = self
            .client
            .ledger(&node, self.state.clock.as_ref(), self.ledger_after)
            .await?;
        let answer: LedgerAnswer = serde_json::from_slice(&body)
            .map_err(|e| WorkError::Other(format!("the peer's ledger is not readable: {e}")))?;
        let mut acts = Vec::with_capacity(answer.acts.len());
        for raw in answer.acts {
            match Act::from_json(raw.get()) {
                Ok(act) => acts.push((raw.get().to_owned(), act)),
                Err(e) => {
                    tracing::warn!(peer = %self.peer(), reason = %e, "malformed act in the peer's ledger")
                }
            }
        }
        let report = council.ingest(self.state.store.as_ref(), acts).await?;
        for (hash, reason) in &report.refused {
            tracing::warn!(peer = %self.peer(), act = %hash, reason = %reason, "act from the peer's ledger refused");
        }
        if report.new > 0 {
            tracing::info!(peer = %self.peer(), acts = report.new, "ledger caught up");
        }
        if report.pending == 0 {
            self.ledger_after = answer.next;
        }
        Ok(())
    }

    /// Pulls until caught up (see [`Self::pull_until_caught_up`]) and,
    /// meanwhile, pushes what each committed page queued back to the peer
    /// (its receipts), so that the peer takes them in while this node
    /// pulls instead of after. A failed push ends the pushing, not the
    /// pull; it is reported once the pull is done.
    async fn pull_returning_receipts(&self) -> Result<(), WorkError> {
        let (receipted, mut pages) = mpsc::channel(1);
        let pull = async move { self.pull_until_caught_up(&receipted).await };
        let push = async {
            while pages.recv().await.is_some() {
                self.push_batches().await?;
            }
            Ok(())
        };
        let (pulled, pushed) = tokio::join!(pull, push);
        pulled.and(pushed)
    }

    /// Pulls the peer's outbox from the position last applied until it
    /// says nothing more follows, in three overlapping steps: while one
    /// page is committed, the next one is fetched, parsed and verified
    /// (from the last position of the page in hand). A page that fails or
    /// is put off discards the one prepared after it, so pages are still
    /// applied in order, each once. A page that carries ledger acts is
    /// committed before the next one is verified, since the acts may
    /// change who may sign what. After each commit, `receipted` is
    /// signalled: the page's receipts are queued back to the peer.
    async fn pull_until_caught_up(&self, receipted: &mpsc::Sender<()>) -> Result<(), WorkError> {
        let Some(member) = self.federation.peer_in_good_standing(self.peer()) else {
            return Ok(());
        };
        let store = self.state.store.clone();
        let inbound = inbound_collection(store.as_ref(), self.peer()).await?.id;
        let mut after = store.pulled_up_to(self.peer()).await?;
        let mut page = self.fetch_page(&member, &inbound, after).await?;
        while let Some(current) = page.take() {
            // A peer that says "more" without moving forward would keep
            // this loop going: stop at the first page that does not advance.
            let next = current.last.filter(|&last| current.more && last > after);
            let ahead = next.filter(|_| !current.acts);
            let (committed, upcoming) = tokio::join!(self.commit_page(current.prepared), async {
                match ahead {
                    Some(next) => Some(self.fetch_page(&member, &inbound, next).await),
                    None => None,
                }
            });
            let outcome = committed?;
            // The receipt pusher may be gone (it failed): the receipts stay
            // queued for the next push.
            let _ = receipted.try_send(());
            if let Some(d) = &outcome.deferred {
                // The peer's push delivers it later; fetch what it lacks.
                if !d.deferral.missing.is_empty() {
                    self.federation.want_ledger_from(self.peer());
                }
                break;
            }
            let Some(next) = next.filter(|&next| outcome.last_seq == Some(next)) else {
                break;
            };
            after = next;
            page = match upcoming {
                Some(upcoming) => upcoming?,
                None => self.fetch_page(&member, &inbound, next).await?,
            };
        }
        let now = self.state.clock.now_micros();
        self.federation
            .update_delivery(self.peer(), |d| d.last_pull_at = Some(now));
        Ok(())
    }

    /// One signed pull of the peer's outbox after position `after`,
    /// parsed and verified (no side effect); `None` when it holds no
    /// message.
    async fn fetch_page(
        &self,
        member: &Member,
        inbound: &str,
        after: u64,
    ) -> Result<Option<PulledPage>, WorkError> {
        let node = self.federation.node();
        let body = self
            .client
            .pull(
                &node,
                self.state.clock.as_ref(),
                after,
                self.settings.pull_messages,
            )
            .await?;
        let now = self.state.clock.now_micros();
        let membership = self.federation.membership().clone();
        let (member, inbound) = (member.clone(), inbound.to_owned());
        tokio::task::spawn_blocking(move || {
            let envelope = parse_envelope(&body).map_err(|e| WorkError::Other(e.to_string()))?;
            if envelope.messages.is_empty() {
                return Ok(None);
            }
            // The pulled records are authenticated by TLS (pinned to the
            // peer) and their own signatures; the nonce only keeps this
            // batch apart in the nonce table.
            let nonce = random_nonce();
            let sender = Sender {
                member: &member,
                nonce: &nonce,
                request_time: now,
            };
            let prepared = prepare_inbound(
                &node,
                membership.as_ref(),
                &sender,
                &envelope,
                &inbound,
                now,
                Route::Pulled { after },
            );
            Ok(Some(PulledPage {
                prepared,
                last: envelope.messages.iter().filter_map(|m| m.seq).max(),
                more: envelope.more,
                acts: envelope.messages.iter().any(|m| {
                    !matches!(
                        m.message_kind(),
                        Some(
                            MessageKind::Object
                                | MessageKind::Receipt
                                | MessageKind::Acceptance
                                | MessageKind::Reaction
                        )
                    )
                }),
            }))
        })
        .await
        .map_err(|_| WorkError::Other("pull verification panicked".into()))?
    }

    /// Commits one verified page and queues its receipts back to the peer
    /// (see the module's laws).
    async fn commit_page(&self, prepared: PreparedInbound) -> Result<InboundOutcome, WorkError> {
        let store = self.state.store.clone();
        let outcome = commit_inbound(
            store.as_ref(),
            &self.federation.node(),
            self.federation.membership().as_ref(),
            prepared,
            self.state.clock.as_ref(),
        )
        .await?;
        tracing::info!(peer = %self.peer(), messages = outcome.messages.len(), "pulled");
        return_receipts(store.as_ref(), &outcome).await?;
        Ok(outcome)
    }
}

/// A pulled page, verified and ready to commit.
struct PulledPage {
    prepared: PreparedInbound,
    /// The highest outbox position among its messages.
    last: Option<u64>,
    /// The peer said more messages follow.
    more: bool,
    /// It carries ledger acts (or messages of a kind this node does not
    /// know, judged as acts).
    acts: bool,
}

/// 16 random bytes in unpadded base64url, the form of request nonces.
fn random_nonce() -> String {
    let mut bytes = [0u8; 16];
    fill_random(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
