//! The node's background work, each unit named: a delivery worker per
//! peer in good standing (`deliver:<peer>`, see the `delivery` module), the
//! supervisor that starts and stops them as the membership changes
//! (`supervise`), `prune-nonces`, and `ledger-refresh` (acts another
//! process or the CLI stored).
//!
//! Laws:
//! - **One worker per peer in good standing.** When the membership
//!   changes (an admission, a suspension, an expulsion, a reinstatement, a
//!   withdrawal, a key rotation), the supervisor creates the exchange
//!   collections of new members, starts the workers of members now in good
//!   standing, stops those of members no longer in good standing (they are
//!   sent nothing more; what is queued for them stays queued), and
//!   restarts the worker of a member whose endpoint or certificate
//!   changed.
//! - **Clean stop.** [`Workers::stop`] lets each worker finish its current
//!   unit of work (bounded by the request timeout) and waits for all.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use liaison_core::exchange_ops::ensure_collections;
use liaison_core::federation::Standing;

use super::Federation;
use super::client::{PeerClient, PeerError};
use super::delivery::Worker;
use super::tls::NodeCertificate;
use crate::state::AppState;

/// Timing and batch sizes of the workers (every field injectable: tests
/// use short intervals, never `cfg(test)` constants).
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How often an idle worker looks at the store without a wake-up.
    pub poll_interval: Duration,
    /// The first wait after a failure.
    pub backoff_initial: Duration,
    /// The longest wait between attempts.
    pub backoff_max: Duration,
    /// Most messages in one push.
    pub batch_messages: usize,
    /// Most payload bytes in one push (at least one message is sent).
    pub batch_bytes: usize,
    /// Most messages asked for in one pull.
    pub pull_messages: usize,
    /// Longest a request to a peer may take.
    pub request_timeout: Duration,
    /// How often request nonces older than twice the allowed clock skew
    /// are forgotten (a request that old is refused as stale anyway).
    pub prune_interval: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            poll_interval: Duration::from_secs(5),
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(300),
            batch_messages: 1000,
            batch_bytes: 8 * 1024 * 1024,
            pull_messages: 1000,
            request_timeout: Duration::from_secs(60),
            prune_interval: Duration::from_secs(60),
        }
    }
}

/// The running background work of a node.
#[derive(Debug)]
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<(String, JoinHandle<()>)>,
}

impl Workers {
    /// Starts the supervisor (which starts one delivery worker per other
    /// member in good standing at once), `prune-nonces`, and, with a
    /// ledger, `ledger-refresh`. Does nothing on a node without
    /// federation.
    pub fn start(
        state: &AppState,
        own: &NodeCertificate,
        settings: WorkerSettings,
    ) -> Result<Workers, PeerError> {
        let (stop, stopped) = watch::channel(false);
        let mut tasks = Vec::new();
        if let Some(federation) = state.federation() {
            let mut supervisor = Supervisor {
                state: state.clone(),
                federation: federation.clone(),
                own: NodeCertificate {
                    chain: own.chain.clone(),
                    key: own.key.clone_key(),
                },
                settings: settings.clone(),
                running: HashMap::new(),
            };
            supervisor.start_missing()?;
            tasks.push((
                "supervise".to_owned(),
                tokio::spawn(supervisor.run(Stop(stopped.clone()))),
            ));
            let pruner = prune_nonces(state.clone(), federation.clone(), settings.prune_interval);
            tasks.push((
                "prune-nonces".to_owned(),
                tokio::spawn(pruner.run(Stop(stopped.clone()))),
            ));
            if federation.council().is_some() {
                let refresher = Refresher {
                    state: state.clone(),
                    federation: federation.clone(),
                    interval: settings.poll_interval,
                };
                tasks.push((
                    "ledger-refresh".to_owned(),
                    tokio::spawn(refresher.run(Stop(stopped.clone()))),
                ));
            }
        }
        Ok(Workers { stop, tasks })
    }

    /// The names of the node-wide tasks (delivery workers come and go with
    /// the membership: see `GET /admin/v1/federation`).
    pub fn names(&self) -> Vec<&str> {
        self.tasks.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// Asks every worker to stop and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for (name, task) in self.tasks {
            if task.await.is_err() {
                tracing::error!(worker = %name, "worker panicked");
            }
            tracing::info!(worker = %name, "worker stopped");
        }
    }
}

/// A delivery worker the supervisor runs, with what it was started for.
struct Running {
    /// The peer's endpoint and certificate when started.
    card: (String, String),
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// The `supervise` task: keeps one delivery worker per other member in
/// good standing (see the module's laws).
struct Supervisor {
    state: AppState,
    federation: Arc<Federation>,
    own: NodeCertificate,
    settings: WorkerSettings,
    running: HashMap<String, Running>,
}

impl Supervisor {
    async fn run(mut self, mut stop: Stop) {
        let changed = self.federation.membership_changed();
        while !stop.requested() {
            tokio::select! {
                () = stop.wait() => break,
                () = changed.notified() => {}
            }
            if let Err(e) = self.reconcile().await {
                tracing::error!(error = %e, "starting delivery workers failed");
            }
        }
        for (name, running) in self.running.drain() {
            let _ = running.stop.send(true);
            if running.task.await.is_err() {
                tracing::error!(worker = %format!("deliver:{name}"), "delivery worker panicked");
            }
            tracing::info!(worker = %format!("deliver:{name}"), "delivery worker stopped");
        }
    }

    /// After a change of the membership: collections, then workers.
    async fn reconcile(&mut self) -> Result<(), PeerError> {
        let members = self.federation.membership().members();
        let node = self.federation.node();
        match ensure_collections(self.state.store.as_ref(), &node, &members).await {
            Ok(created) => {
                for collection in created {
                    tracing::info!(alias = ?collection.alias, "created exchange collection");
                }
            }
            Err(e) => tracing::error!(error = %e, "creating exchange collections failed"),
        }
        let wanted: HashMap<String, (String, String)> = self
            .federation
            .peers()
            .into_iter()
            .filter(|m| m.standing == Standing::Good)
            .map(|m| (m.name, (m.endpoint, m.tls_fingerprint)))
            .collect();
        let gone: Vec<String> = self
            .running
            .iter()
            .filter(|(name, r)| wanted.get(*name) != Some(&r.card))
            .map(|(name, _)| name.clone())
            .collect();
        for name in gone {
            if let Some(running) = self.running.remove(&name) {
                let _ = running.stop.send(true);
                let _ = running.task.await;
                tracing::info!(worker = %format!("deliver:{name}"), "delivery worker stopped: the peer is no longer in good standing, or its card changed");
            }
        }
        self.start_missing()
    }

    /// Starts the workers of the members in good standing that have none.
    fn start_missing(&mut self) -> Result<(), PeerError> {
        for peer in self.federation.peers() {
            if peer.standing != Standing::Good || self.running.contains_key(&peer.name) {
                continue;
            }
            let client = PeerClient::new(&peer, &self.own, self.settings.request_timeout)?;
            let worker = Worker {
                state: self.state.clone(),
                federation: self.federation.clone(),
                client,
                settings: self.settings.clone(),
                ledger_after: 0,
            };
            let (stop, stopped) = watch::channel(false);
            self.federation
                .update_delivery(&peer.name, |d| d.running = true);
            tracing::info!(worker = %format!("deliver:{}", peer.name), endpoint = %peer.endpoint, "delivery worker started");
            let task = tokio::spawn(worker.run(Stop(stopped)));
            self.running.insert(
                peer.name.clone(),
                Running {
                    card: (peer.endpoint, peer.tls_fingerprint),
                    stop,
                    task,
                },
            );
        }
        Ok(())
    }
}

/// The `ledger-refresh` task: takes in the acts another process (or the
/// CLI, on the data directory) stored, every poll interval.
struct Refresher {
    state: AppState,
    federation: Arc<Federation>,
    interval: Duration,
}

impl Refresher {
    async fn run(self, mut stop: Stop) {
        while !stop.requested() {
            tokio::select! {
                () = stop.wait() => break,
                () = tokio::time::sleep(self.interval) => {}
            }
            let Some(council) = self.federation.council() else {
                break;
            };
            match council.refresh(self.state.store.as_ref()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(acts = n, "ledger: took in acts stored by another process"),
                Err(e) => tracing::warn!(error = %e, "ledger refresh failed"),
            }
        }
    }
}

/// Doubling waits between `initial` and `max`.
#[derive(Debug)]
pub(crate) struct Backoff {
    initial: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    pub(crate) fn new(initial: Duration, max: Duration) -> Backoff {
        Backoff {
            initial,
            max,
            next: initial,
        }
    }

    pub(crate) fn reset(&mut self) {
        self.next = self.initial;
    }

    /// The wait before the next attempt.
    pub(crate) fn fail(&mut self) -> Duration {
        let wait = self.next.min(self.max);
        self.next = (self.next * 2).min(self.max);
        wait
    }
}

/// The stop signal as a worker sees it: requested, or the [`Workers`]
/// handle is gone (dropping it stops the workers too).
#[derive(Clone)]
pub(crate) struct Stop(watch::Receiver<bool>);

impl Stop {
    pub(crate) fn requested(&self) -> bool {
        *self.0.borrow() || self.0.has_changed().is_err()
    }

    /// Resolves once a stop is requested.
    pub(crate) async fn wait(&mut self) {
        while !self.requested() {
            if self.0.changed().await.is_err() {
                return;
            }
        }
    }
}

/// The `prune-nonces` worker: its unit of work forgets the nonces no
/// request can replay any more.
struct Pruner {
    state: AppState,
    federation: Arc<Federation>,
    interval: Duration,
}

fn prune_nonces(state: AppState, federation: Arc<Federation>, interval: Duration) -> Pruner {
    Pruner {
        state,
        federation,
        interval,
    }
}

impl Pruner {
    async fn run(self, mut stop: Stop) {
        let window = i64::try_from(self.federation.node().max_skew().as_micros())
            .unwrap_or(i64::MAX / 2)
            .saturating_mul(2);
        while !stop.requested() {
            let before = self.state.clock.now_micros().saturating_sub(window);
            match self.state.store.prune_nonces(before).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(pruned = n, "request nonces pruned"),
                Err(e) => tracing::warn!(error = %e, "pruning request nonces failed"),
            }
            tokio::select! {
                () = stop.wait() => break,
                () = tokio::time::sleep(self.interval) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_resets() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(5));
        let waits: Vec<u64> = (0..5).map(|_| b.fail().as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 5, 5]);
        b.reset();
        assert_eq!(b.fail(), Duration::from_secs(1));
    }
}
