//! The PostgreSQL back end: tokio-postgres over a deadpool pool, statements
//! prepared once per connection, bulk writes as `UNNEST` arrays.
//!
//! Several Liaison processes may share one database. Writers of a
//! collection serialise on its row (`SELECT … FOR NO KEY UPDATE`, held to
//! commit), which is what keeps `date_added` unique and in commit order
//! across processes. `NO KEY UPDATE` rather than `UPDATE` because only
//! `last_date_added` changes: rows that merely reference the collection
//! (grants, new objects) need not wait for it.

mod exchange;
mod meta;
mod objects;
mod outbox;
mod records;
mod schema;
mod texts;
mod users;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Client, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use liaison_core::clock::Clock;
use liaison_core::ingest::AddRequest;
use liaison_core::model::{ApiRoot, Collection};
use liaison_core::objects::{DeleteRequest, JsonPage, ObjectQuery, Page, StoredObject};
use liaison_core::status::Status;
use liaison_core::users::{Grant, TokenRecord, User};
use liaison_core::{Store, StoreError};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::FromSqlOwned;
use tokio_postgres::{NoTls, Row};

use crate::open::{OpenError, describe_postgres, scrub};
use crate::shared::READERS;

/// Connections per process: readers plus a few writers.
const POOL_SIZE: usize = READERS + 4;

/// How long to wait for a connection (new or from the pool) before
/// reporting the database unavailable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const POOL_WAIT: Duration = Duration::from_secs(30);

/// A Liaison store in a PostgreSQL database.
pub struct PgStore {
    pool: Pool,
    clock: Arc<dyn Clock>,
    /// Where the database is, for messages (no password).
    target: String,
}

impl fmt::Debug for PgStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects, checks the schema version and migrates.
    pub async fn open(
        mut config: tokio_postgres::Config,
        clock: Arc<dyn Clock>,
    ) -> Result<PgStore, OpenError> {
        let target = describe_postgres(&config);
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("liaison");
        }
        let fail = |reason: String| OpenError::Postgres {
            target: target.clone(),
            reason: scrub(&reason, &config),
        };
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(POOL_WAIT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| fail(e.to_string()))?;
        let mut client = pool.get().await.map_err(|e| fail(pool_reason(&e)))?;
        schema::migrate(&mut client, &target, clock.now_micros())
            .await
            .map_err(|e| match e {
                OpenError::Postgres { target, reason } => OpenError::Postgres {
                    target,
                    reason: scrub(&reason, &config),
                },
                other => other,
            })?;
        Ok(PgStore {
            pool,
            clock,
            target,
        })
    }

    /// Where the database is, without the password.
    pub fn target(&self) -> &str {
        &self.target
    }

    async fn client(&self) -> Result<Client, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| StoreError::Unavailable(pool_reason(&e)))
    }
}

/// Why no connection could be had (never the connection string).
fn pool_reason(e: &deadpool_postgres::PoolError) -> String {
    use deadpool_postgres::PoolError as P;
    match e {
        P::Backend(e) => e.to_string(),
        P::Timeout(kind) => format!("timed out waiting for a database connection ({kind:?})"),
        P::Closed => "the connection pool is closed".into(),
        other => other.to_string(),
    }
}

/// PostgreSQL errors as the domain sees them.
pub(crate) fn error(e: tokio_postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        if *code == SqlState::UNIQUE_VIOLATION {
            return StoreError::Conflict(db.message().to_owned());
        }
        // A row referred to was deleted by a concurrent transaction (a user
        // or collection removed while a grant or token was being written).
        if *code == SqlState::FOREIGN_KEY_VIOLATION {
            return StoreError::NotFound(db.message().to_owned());
        }
        if *code == SqlState::DATA_CORRUPTED || *code == SqlState::INDEX_CORRUPTED {
            return StoreError::Corrupt(db.message().to_owned());
        }
        return StoreError::Unavailable(format!("{}: {}", db.code().code(), db.message()));
    }
    if e.is_closed() {
        return StoreError::Unavailable("the connection to PostgreSQL was lost".into());
    }
    StoreError::Unavailable(e.to_string())
}

/// Column `i` of a row, converted; a value of the wrong type is corrupt data.
pub(crate) fn get<T: FromSqlOwned>(row: &Row, i: usize) -> Result<T, StoreError> {
    row.try_get(i)
        .map_err(|e| StoreError::Corrupt(format!("column {i}: {e}")))
}

#[async_trait]
impl Store for PgStore {
    async fn put_api_root(&self, root: &ApiRoot) -> Result<(), StoreError> {
        meta::put_api_root(&self.client().await?, root).await
    }

    async fn api_roots(&self) -> Result<Vec<ApiRoot>, StoreError> {
        meta::api_roots(&self.client().await?).await
    }

    async fn api_root(&self, name: &str) -> Result<Option<ApiRoot>, StoreError> {
        meta::api_root(&self.client().await?, name).await
    }

    async fn create_collection(&self, collection: &Collection) -> Result<(), StoreError> {
        meta::create_collection(&mut self.client().await?, collection).await
    }

    async fn collections(&self, api_root: &str) -> Result<Vec<Collection>, StoreError> {
        meta::collections(&self.client().await?, api_root).await
    }

    async fn collection(
        &self,
        api_root: &str,
        id_or_alias: &str,
    ) -> Result<Option<Collection>, StoreError> {
        meta::collection(&self.client().await?, api_root, id_or_alias).await
    }

    async fn add_objects(&self, request: AddRequest) -> Result<Status, StoreError> {
        objects::add(&mut self.client().await?, self.clock.as_ref(), &request).await
    }

    async fn query_objects(&self, query: &ObjectQuery) -> Result<Page<StoredObject>, StoreError> {
        objects::query(&self.client().await?, query).await
    }

    async fn query_objects_json(&self, query: &ObjectQuery) -> Result<JsonPage, StoreError> {
        objects::query_json(&self.client().await?, query).await
    }

    async fn object_exists(
        &self,
        api_root: &str,
        collection_id: &str,
        object_id: &str,
    ) -> Result<bool, StoreError> {
        objects::exists(&self.client().await?, api_root, collection_id, object_id).await
    }

    async fn delete_objects(&self, request: &DeleteRequest) -> Result<u64, StoreError> {
        objects::delete(&mut self.client().await?, request).await
    }

    async fn status(&self, api_root: &str, id: &str) -> Result<Option<Status>, StoreError> {
        objects::status(&self.client().await?, api_root, id).await
    }

    async fn create_user(&self, user: &User) -> Result<(), StoreError> {
        users::create_user(&self.client().await?, user).await
    }

    async fn update_user(&self, user: &User) -> Result<(), StoreError> {
        users::update_user(&self.client().await?, user).await
    }

    async fn delete_user(&self, name: &str) -> Result<(), StoreError> {
        users::delete_user(&mut self.client().await?, name).await
    }

    async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        users::user(&self.client().await?, name).await
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        users::users(&self.client().await?).await
    }

    async fn set_grant(&self, grant: &Grant) -> Result<(), StoreError> {
        users::set_grant(&mut self.client().await?, grant).await
    }

    async fn grant(
        &self,
        user: &str,
        api_root: &str,
        collection_id: &str,
    ) -> Result<Option<Grant>, StoreError> {
        users::grant(&self.client().await?, user, api_root, collection_id).await
    }

    async fn grants_of(&self, user: &str) -> Result<Vec<Grant>, StoreError> {
        users::grants_of(&self.client().await?, user).await
    }

    async fn create_token(&self, token: &TokenRecord) -> Result<(), StoreError> {
        users::create_token(&mut self.client().await?, token).await
    }

    async fn token(&self, id: &str) -> Result<Option<TokenRecord>, StoreError> {
        users::token(&self.client().await?, id).await
    }

    async fn tokens_of(&self, user: &str) -> Result<Vec<TokenRecord>, StoreError> {
        users::tokens_of(&self.client().await?, user).await
    }

    async fn delete_token(&self, id: &str) -> Result<(), StoreError> {
        users::delete_token(&self.client().await?, id).await
    }
}
