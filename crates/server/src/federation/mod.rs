//! The federation over HTTP: the node-to-node endpoints, the extractor that
//! verifies a peer's signed request before any handler runs, the delivery
//! workers, the admin API of the exchange, and the TAXII hooks (sharing by
//! posting into `to-*`, read-only `from-*`, reads limited by clearance).
//! The rules are in `liaison_core::exchange_ops`; this module converts in
//! and out.
//!
//! | Method | Path | Handler |
//! |---|---|---|
//! | POST | `/federation/v1/inbox` | [`inbox::inbox`]: a peer pushes an envelope, gets `{"receipts":{receipt batch}}` (and `"deferred"`) |
//! | GET | `/federation/v1/outbox?after=N&limit=M` | [`inbox::outbox`]: a peer pulls its messages after seq `N` |
//! | GET | `/federation/v1/ledger?after=N` | [`inbox::ledger`]: a member pulls the ledger's acts (catching up) |
//!
//! Both need a signed request ([`VerifiedPeer`]) over TLS with the
//! sender's certificate. Refusals are TAXII error resources with an
//! `error_code` naming the reason (`unknown-member`, `bad-signature`,
//! `wrong-destination`, `stale-or-future-time`, `replayed-nonce`,
//! `digest-mismatch`, `certificate-mismatch`, ...): 400 malformed, 401
//! not authenticated, 403 not allowed; nothing is stored.
//!
//! The node runs as a plain TAXII server when [`AppState::federation`] is
//! `None` (no adopted commonwealth): these paths then answer 404.

pub mod admin;
mod client;
pub mod council;
mod delivery;
mod error;
mod extract;
pub mod inbox;
pub mod member_files;
mod peers;
mod push;
pub mod taxii;
pub mod tls;
pub mod views;
pub mod worker;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::{get, post};
use tokio::sync::Notify;

use liaison_core::council::LedgerMembership;
use liaison_core::exchange_ops::{
    FEDERATION_INBOX_PATH, FEDERATION_LEDGER_PATH, FEDERATION_OUTBOX_PATH, MembershipSource,
    NodeIdentity,
};
use liaison_core::federation::{Member, Standing};

use crate::state::AppState;

pub use client::PeerError;
pub use error::FederationError;
pub use extract::VerifiedPeer;
pub use member_files::MemberFiles;
pub use peers::PeerDelivery;
pub use worker::{WorkerSettings, Workers};

/// Limits of the federation endpoints.
#[derive(Debug, Clone)]
pub struct FederationSettings {
    /// Largest envelope a peer may push, in bytes.
    pub max_envelope_bytes: u64,
    /// Most messages a pull returns (a peer's `limit` above it is lowered).
    pub max_pull_messages: usize,
}

impl Default for FederationSettings {
    fn default() -> Self {
        FederationSettings {
            max_envelope_bytes: 64 * 1024 * 1024,
            max_pull_messages: 1000,
        }
    }
}

/// The node as a member of a commonwealth: its identity, the membership,
/// and the state shared between the handlers and the delivery workers.
#[derive(Debug)]
pub struct Federation {
    /// Replaced (whole) by a key rotation.
    node: RwLock<Arc<NodeIdentity>>,
    membership: Arc<dyn MembershipSource>,
    /// The ledger, when the membership is the council's (not the
    /// founders' alone).
    council: Option<Arc<LedgerMembership>>,
    /// Where the member's key and card are kept (for key rotations).
    member_files: Option<MemberFiles>,
    settings: FederationSettings,
    wakers: Mutex<HashMap<String, Arc<Notify>>>,
    peers: Mutex<HashMap<String, PeerDelivery>>,
    /// Peers whose ledger to pull at the next unit of their worker.
    ledger_wanted: Mutex<BTreeSet<String>>,
    /// Woken when the membership changed (the workers reconcile).
    membership_changed: Arc<Notify>,
    /// Per peer: woken when a verified request came from it (it is up: its
    /// worker stops waiting out its backoff).
    heard: Mutex<HashMap<String, Arc<Notify>>>,
    /// Per peer: until when its pull of this node's outbox counts as under
    /// way (see [`Federation::pulled_by`]).
    pulling: Mutex<HashMap<String, (Instant, PullServed)>>,
}

/// A peer's pull of this node's outbox, under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullHold {
    /// How much longer the pull counts as under way.
    pub left: Duration,
    /// The last outbox position the peer was served.
    pub served_up_to: u64,
    /// The peer was told more messages follow: it is catching up and
    /// pulls the next page at once, so it takes everything itself.
    pub more: bool,
}

/// What a pull of a peer was served: up to which position, and whether it
/// was told that more follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PullServed {
    pub up_to: u64,
    pub more: bool,
}

/// How long after a peer's pull of this node's outbox its delivery worker
/// leaves what the pull served to it: a pulling peer fetches its next page
/// at once, and sends the receipts of what it pulled when it is done.
pub const PULL_HOLD: Duration = Duration::from_secs(2);

impl Federation {
    /// A federation whose membership is `membership` alone (the founders,
    /// in tests of the exchange): acts from peers are refused.
    pub fn new(
        node: Arc<NodeIdentity>,
        membership: Arc<dyn MembershipSource>,
        settings: FederationSettings,
    ) -> Federation {
        Federation {
            node: RwLock::new(node),
            membership,
            council: None,
            member_files: None,
            settings,
            wakers: Mutex::new(HashMap::new()),
            peers: Mutex::new(HashMap::new()),
            ledger_wanted: Mutex::new(BTreeSet::new()),
            membership_changed: Arc::new(Notify::new()),
            heard: Mutex::new(HashMap::new()),
            pulling: Mutex::new(HashMap::new()),
        }
    }

    /// A federation whose membership is the council's ledger; `files`,
    /// where the member's key and card live, lets it rotate its key.
    pub fn with_council(
        node: Arc<NodeIdentity>,
        council: Arc<LedgerMembership>,
        files: Option<MemberFiles>,
        settings: FederationSettings,
    ) -> Federation {
        let mut federation = Federation::new(node, council.clone(), settings);
        let changed = federation.membership_changed.clone();
        council.on_change(move || changed.notify_one());
        federation.council = Some(council);
        federation.member_files = files;
        federation
    }

    /// This node's identity now (a key rotation replaces it).
    pub fn node(&self) -> Arc<NodeIdentity> {
        self.node.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Replaces this node's identity (after a key rotation).
    pub fn set_node(&self, node: Arc<NodeIdentity>) {
        *self.node.write().unwrap_or_else(|p| p.into_inner()) = node;
    }

    /// The council's ledger, if this node keeps one.
    pub fn council(&self) -> Option<&Arc<LedgerMembership>> {
        self.council.as_ref()
    }

    pub fn member_files(&self) -> Option<&MemberFiles> {
        self.member_files.as_ref()
    }

    /// Asks `peer`'s worker to pull its ledger (an act from it lacked
    /// parents), and wakes it.
    pub fn want_ledger_from(&self, peer: &str) {
        self.ledger_wanted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(peer.to_owned());
        self.waker(peer).notify_one();
    }

    /// Whether `peer`'s ledger was asked for (the request is cleared).
    pub(crate) fn take_ledger_wanted(&self, peer: &str) -> bool {
        self.ledger_wanted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(peer)
    }

    /// Notes that a verified request came from `peer`: its worker, if
    /// waiting out a backoff, tries again at once.
    pub fn heard_from(&self, peer: &str) {
        self.heard(peer).notify_one();
    }

    /// Notes that `peer` was just served the messages of this node's
    /// outbox up to a position by a pull: for [`PULL_HOLD`] its delivery
    /// worker leaves those to the pull, and everything else too while the
    /// peer was told that more follow.
    pub(crate) fn pulled_by(&self, peer: &str, served: PullServed) {
        let mut pulling = self.pulling.lock().unwrap_or_else(|p| p.into_inner());
        pulling.insert(peer.to_owned(), (Instant::now() + PULL_HOLD, served));
    }

    /// The pull of `peer` under way, if any.
    pub fn pull_hold(&self, peer: &str) -> Option<PullHold> {
        let pulling = self.pulling.lock().unwrap_or_else(|p| p.into_inner());
        let (until, served) = *pulling.get(peer)?;
        let left = until.checked_duration_since(Instant::now())?;
        (!left.is_zero()).then_some(PullHold {
            left,
            served_up_to: served.up_to,
            more: served.more,
        })
    }

    /// The signal [`Federation::heard_from`] gives for `peer`.
    pub(crate) fn heard(&self, peer: &str) -> Arc<Notify> {
        let mut heard = self.heard.lock().unwrap_or_else(|p| p.into_inner());
        heard.entry(peer.to_owned()).or_default().clone()
    }

    /// Resolves at the next change of the membership.
    pub(crate) fn membership_changed(&self) -> Arc<Notify> {
        self.membership_changed.clone()
    }

    pub fn membership(&self) -> &Arc<dyn MembershipSource> {
        &self.membership
    }

    pub fn settings(&self) -> &FederationSettings {
        &self.settings
    }

    /// The other members, whatever their standing, by name.
    pub fn peers(&self) -> Vec<Member> {
        let own = self.node();
        let mut peers: Vec<Member> = self
            .membership
            .members()
            .iter()
            .filter(|m| m.name != own.name())
            .cloned()
            .collect();
        peers.sort_by(|a, b| a.name.cmp(&b.name));
        peers
    }

    /// The member `name` if it is in good standing now.
    pub fn peer_in_good_standing(&self, name: &str) -> Option<Member> {
        let own = self.node();
        self.membership
            .member(name)
            .filter(|m| m.standing == Standing::Good && m.name != own.name())
    }

    /// The wake-up of `peer`'s delivery worker.
    pub(crate) fn waker(&self, peer: &str) -> Arc<Notify> {
        let mut wakers = self.wakers.lock().unwrap_or_else(|p| p.into_inner());
        wakers.entry(peer.to_owned()).or_default().clone()
    }

    /// Wakes the delivery workers of the peers that messages were just
    /// enqueued for (`(peer, seq)` as the exchange operations return them).
    pub fn wake(&self, enqueued: &[(String, u64)]) {
        let mut peers: Vec<&str> = enqueued.iter().map(|(p, _)| p.as_str()).collect();
        peers.sort_unstable();
        peers.dedup();
        for peer in peers {
            self.waker(peer).notify_one();
        }
    }

    /// What the delivery worker of `peer` last reported.
    pub fn delivery(&self, peer: &str) -> PeerDelivery {
        let peers = self.peers.lock().unwrap_or_else(|p| p.into_inner());
        peers.get(peer).cloned().unwrap_or_default()
    }

    pub(crate) fn update_delivery(&self, peer: &str, update: impl FnOnce(&mut PeerDelivery)) {
        let mut peers = self.peers.lock().unwrap_or_else(|p| p.into_inner());
        update(peers.entry(peer.to_owned()).or_default());
    }
}

/// The node-to-node routes (merged at the top level, not nested, so that
/// the request target the handlers see is the one the peer signed).
pub fn router() -> Router<AppState> {
    Router::new()
        .route(FEDERATION_INBOX_PATH, post(inbox::inbox))
        .route(FEDERATION_OUTBOX_PATH, get(inbox::outbox))
        .route(FEDERATION_LEDGER_PATH, get(inbox::ledger))
}
