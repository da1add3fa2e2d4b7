//! What each delivery worker reports about its peer, for
//! `GET /admin/v1/federation` and the logs.

/// The delivery state of one peer (times in Unix microseconds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerDelivery {
    /// A worker is running for this peer.
    pub running: bool,
    pub last_attempt_at: Option<i64>,
    /// The last push the peer acknowledged.
    pub last_delivered_at: Option<i64>,
    /// Messages acknowledged since the worker started.
    pub delivered: u64,
    /// Failed attempts since the last success (0: healthy).
    pub consecutive_failures: u32,
    /// Why the last attempt failed (no secrets: transport and HTTP errors).
    pub last_error: Option<String>,
    /// When the worker tries again after a failure.
    pub next_attempt_at: Option<i64>,
    /// The last time this node caught up by pulling the peer's outbox.
    pub last_pull_at: Option<i64>,
}
