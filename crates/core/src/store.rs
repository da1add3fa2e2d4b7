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

use crate::ingest::AddRequest;
use crate::model::{ApiRoot, Collection};
use crate::objects::{DeleteRequest, ObjectQuery, Page, StoredObject};
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
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
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
    /// Replaces a user's role and password hash; `NotFound` when absent.
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
