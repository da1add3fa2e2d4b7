//! The storage interface. Each back end (SQLite, PostgreSQL) implements
//! [`Store`]; one conformance suite holds them to the same behaviour.
//!
//! Laws every implementation keeps:
//! - `add_objects` commits the stored versions *and* the status describing
//!   them in one transaction, and returns only after the commit is durable;
//! - within a collection, `date_added` values are unique and strictly
//!   increase in commit order, even with several processes writing;
//! - adding a version that is already present changes nothing;
//! - queries return versions in ascending `date_added` order.

use async_trait::async_trait;

use crate::exchange::{
    CommonwealthRecord, FeedbackRow, InboundBatch, MessageOutcome, OutboxMessage, OutboxRow,
    ProvenanceRow, ShareBatch, ShareOutcome, StoredAct,
};
use crate::ingest::AddRequest;
use crate::model::{ApiRoot, Collection};
use crate::objects::{DeleteRequest, JsonPage, ObjectQuery, Page, StoredObject};
use crate::status::Status;
use crate::users::{Grant, TokenRecord, User};

/// Storage failures, as the domain sees them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The named thing does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The thing exists already, or the change contradicts stored data.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database cannot be reached or refused the operation; retrying
    /// later may succeed. The message never contains credentials.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Stored data is not what this version of Liaison expects.
    #[error("storage is inconsistent: {0}")]
    Corrupt(String),
}

/// Durable state of one node.
#[async_trait]
pub trait Store: ExchangeStore + Send + Sync + std::fmt::Debug + 'static {
    /// Creates the API root, or updates its title, description and limit.
    async fn put_api_root(&self, root: &ApiRoot) -> Result<(), StoreError>;
    /// All API roots, by name.
    async fn api_roots(&self) -> Result<Vec<ApiRoot>, StoreError>;
    /// One API root.
    async fn api_root(&self, name: &str) -> Result<Option<ApiRoot>, StoreError>;

    /// Creates a collection; `Conflict` when the id or alias is taken in its API root.
    async fn create_collection(&self, collection: &Collection) -> Result<(), StoreError>;
    /// The collections of an API root, in creation order (stable across requests).
    async fn collections(&self, api_root: &str) -> Result<Vec<Collection>, StoreError>;
    /// A collection by id or alias.
    async fn collection(
        &self,
        api_root: &str,
        id_or_alias: &str,
    ) -> Result<Option<Collection>, StoreError>;

    /// Stores the valid objects of a request and its status, atomically and
    /// durably, and returns the status (see [`crate::ingest`]).
    async fn add_objects(&self, request: AddRequest) -> Result<Status, StoreError>;
    /// One page of versions matching a query.
    async fn query_objects(&self, query: &ObjectQuery) -> Result<Page<StoredObject>, StoreError>;
    /// The same page as [`Store::query_objects`], as the JSON texts of its
    /// objects only (`query.manifest_only` is ignored). Back ends read the
    /// texts straight into the page's buffer.
    async fn query_objects_json(&self, query: &ObjectQuery) -> Result<JsonPage, StoreError> {
        let mut query = query.clone();
        query.manifest_only = false;
        Ok(JsonPage::from(&self.query_objects(&query).await?))
    }
    /// True when the collection holds any version of the object.
    async fn object_exists(
        &self,
        api_root: &str,
        collection_id: &str,
        object_id: &str,
    ) -> Result<bool, StoreError>;
    /// Removes the selected versions; returns how many were removed.
    async fn delete_objects(&self, request: &DeleteRequest) -> Result<u64, StoreError>;
    /// A status resource.
    async fn status(&self, api_root: &str, id: &str) -> Result<Option<Status>, StoreError>;

    /// Creates a user; `Conflict` when the name is taken.
    async fn create_user(&self, user: &User) -> Result<(), StoreError>;
    /// Replaces a user's role, password hash and clearance; `NotFound` when absent.
    async fn update_user(&self, user: &User) -> Result<(), StoreError>;
    /// Deletes a user with its grants and tokens; `NotFound` when absent.
    async fn delete_user(&self, name: &str) -> Result<(), StoreError>;
    /// One user.
    async fn user(&self, name: &str) -> Result<Option<User>, StoreError>;
    /// All users, by name.
    async fn users(&self) -> Result<Vec<User>, StoreError>;

    /// Sets a user's rights on a collection (no rights removes the grant).
    async fn set_grant(&self, grant: &Grant) -> Result<(), StoreError>;
    /// A user's grant on one collection.
    async fn grant(
        &self,
        user: &str,
        api_root: &str,
        collection_id: &str,
    ) -> Result<Option<Grant>, StoreError>;
    /// All grants of a user.
    async fn grants_of(&self, user: &str) -> Result<Vec<Grant>, StoreError>;

    /// Stores a new API token; `NotFound` when the user does not exist.
    async fn create_token(&self, token: &TokenRecord) -> Result<(), StoreError>;
    /// A token by its public id.
    async fn token(&self, id: &str) -> Result<Option<TokenRecord>, StoreError>;
    /// All tokens of a user.
    async fn tokens_of(&self, user: &str) -> Result<Vec<TokenRecord>, StoreError>;
    /// Revokes a token; `NotFound` when absent.
    async fn delete_token(&self, id: &str) -> Result<(), StoreError>;
}

/// Storage for the exchange between member nodes (see [`crate::exchange`]).
///
/// Laws, in addition to those of [`Store`]:
/// - `share` commits the objects (exactly as [`Store::add_objects`] would,
///   status included), their provenance records and the outbox messages in
///   one transaction; messages about an object whose addition ended in a
///   conflict are not enqueued; enqueuing a message id already queued for
///   that peer changes nothing;
/// - per peer, outbox sequence numbers start at 1 and strictly increase in
///   commit order; rows stay after delivery (they are the peer's log that
///   `outbox_after` serves to pulling peers);
/// - `receive` first records the request's nonce: a nonce already recorded
///   for that origin fails the whole call with [`StoreError::Conflict`] and
///   stores nothing; then, in the same transaction, it applies each message
///   whose id it has not applied before (objects into the origin's inbound
///   collection, provenance, feedback, acts) and records the ids; a message
///   already applied changes nothing; each receipt applied, signed by the
///   origin, marks this node's message with the receipted id to the origin
///   delivered (if not already); and when the batch names a
///   [`LogSpan`](crate::exchange::LogSpan) that continues the origin's pull
///   position (`first <= position + 1`), the position becomes `last` if
///   that is further (it never moves back, and never skips a message
///   this node has not handled);
/// - `mark_delivered` stores the peer's receipts and marks the messages
///   delivered in one transaction;
/// - `record_local_feedback` stores this node's own acceptance or reaction
///   and enqueues its messages in one transaction;
/// - `record_act` stores this node's own ledger act and enqueues its
///   messages in one transaction (an act already stored is kept as it is;
///   its messages are still enqueued, once per peer and id).
#[async_trait]
pub trait ExchangeStore: Send + Sync + std::fmt::Debug + 'static {
    /// Records the adopted commonwealth; adopting the same one again changes
    /// nothing, a different one is a `Conflict`.
    async fn adopt_commonwealth(&self, record: &CommonwealthRecord) -> Result<(), StoreError>;
    /// The adopted commonwealth, if any.
    async fn commonwealth(&self) -> Result<Option<CommonwealthRecord>, StoreError>;
    /// Stores a ledger act; `false` when it was already stored.
    async fn insert_act(&self, act: &StoredAct) -> Result<bool, StoreError>;
    /// Every stored act, in the order this node stored them.
    async fn acts(&self) -> Result<Vec<StoredAct>, StoreError>;
    /// Stores this node's own act and enqueues its messages (see the laws
    /// above); returns whether the act is new, and the `(peer, seq)` of the
    /// messages enqueued now.
    async fn record_act(
        &self,
        act: &StoredAct,
        outbox: Vec<OutboxMessage>,
    ) -> Result<(bool, Vec<(String, u64)>), StoreError>;

    /// Shares objects: see the laws above.
    async fn share(&self, batch: ShareBatch) -> Result<ShareOutcome, StoreError>;
    /// Applies a verified request of a peer: see the laws above. Outcomes
    /// are in the order of `batch.messages`.
    async fn receive(&self, batch: InboundBatch) -> Result<Vec<MessageOutcome>, StoreError>;
    /// Stores this node's own feedback and enqueues its messages; returns
    /// the `(peer, seq)` of the messages enqueued now.
    async fn record_local_feedback(
        &self,
        feedback: &FeedbackRow,
        outbox: Vec<OutboxMessage>,
    ) -> Result<Vec<(String, u64)>, StoreError>;

    /// Enqueues messages that carry no record this node keeps (the receipt
    /// batches of messages it pulled), in one transaction, as `share` would
    /// (an id already queued for that peer changes nothing); returns the
    /// `(peer, seq)` of the messages enqueued now.
    async fn enqueue(&self, outbox: Vec<OutboxMessage>) -> Result<Vec<(String, u64)>, StoreError>;

    /// Undelivered messages for `peer`, in sequence order.
    async fn outbox_pending(&self, peer: &str, limit: usize) -> Result<Vec<OutboxRow>, StoreError>;
    /// How many messages for `peer` are undelivered (read from the index
    /// of undelivered messages alone, without their payloads).
    async fn outbox_pending_count(&self, peer: &str) -> Result<u64, StoreError>;
    /// Messages for `peer` after sequence number `after`, delivered or not,
    /// in sequence order (what a pulling peer receives).
    async fn outbox_after(
        &self,
        peer: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<OutboxRow>, StoreError>;
    /// Marks messages delivered and stores the receipts the peer returned.
    async fn mark_delivered(
        &self,
        peer: &str,
        seqs: &[u64],
        receipts: Vec<FeedbackRow>,
        at: i64,
    ) -> Result<(), StoreError>;
    /// The outbox position of `peer`'s log that this node has applied by pulling.
    async fn pulled_up_to(&self, peer: &str) -> Result<u64, StoreError>;
    /// Forgets nonces recorded with a request time before `before`.
    async fn prune_nonces(&self, before: i64) -> Result<u64, StoreError>;

    /// Every provenance record held for an object id (all versions).
    async fn provenance_of(&self, object_id: &str) -> Result<Vec<ProvenanceRow>, StoreError>;
    /// The member an object id was received from, if it was received (the
    /// never-forward rule needs it).
    async fn origin_of(&self, object_id: &str) -> Result<Option<String>, StoreError>;
    /// [`ExchangeStore::origin_of`] for many ids in one call: the ids that
    /// were received, each with its origin (ids not received are absent).
    async fn origins_of(
        &self,
        object_ids: &[String],
    ) -> Result<std::collections::HashMap<String, String>, StoreError>;
    /// All feedback held about an object id.
    async fn feedback_of(&self, object_id: &str) -> Result<Vec<FeedbackRow>, StoreError>;
    /// Every outbox message about an object id, for every peer.
    async fn outbox_of_object(&self, object_id: &str) -> Result<Vec<OutboxRow>, StoreError>;
}
