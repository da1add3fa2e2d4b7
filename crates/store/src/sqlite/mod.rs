//! The SQLite back end: one file in WAL mode, one writer connection behind a
//! mutex and a small pool of reader connections, all blocking work on
//! tokio's blocking threads.
//!
//! Every write runs in a `BEGIN IMMEDIATE` transaction, which takes SQLite's
//! database-wide write lock before reading anything. That lock, not the
//! mutex, is what makes writes correct when several processes (a running
//! node and a CLI command) open the same file: the mutex only saves
//! connections of one process from queueing on the file lock.

mod checkpoint;
mod exchange;
mod meta;
mod objects;
mod outbox;
mod records;
mod schema;
mod texts;
mod users;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use liaison_core::clock::Clock;
use liaison_core::ingest::AddRequest;
use liaison_core::model::{ApiRoot, Collection};
use liaison_core::objects::{DeleteRequest, JsonPage, ObjectQuery, Page, StoredObject};
use liaison_core::status::Status;
use liaison_core::users::{Grant, TokenRecord, User};
use liaison_core::{Store, StoreError};
use rusqlite::{Connection, ErrorCode};

use crate::open::OpenError;
use crate::shared::READERS;

/// A Liaison store in one SQLite file.
pub struct SqliteStore {
    path: PathBuf,
    writer: Arc<Mutex<Connection>>,
    readers: Arc<Readers>,
    checkpointer: Arc<checkpoint::Checkpointer>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// Idle reader connections, opened on demand and kept up to [`READERS`].
struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    fn take(&self) -> Result<Connection, StoreError> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(conn) => Ok(conn),
            None => {
                let conn = schema::connect(&self.path, schema::Cache::Reader).map_err(error)?;
                // Readers never write; make a slip fail loudly instead.
                conn.pragma_update(None, "query_only", true)
                    .map_err(error)?;
                Ok(conn)
            }
        }
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < READERS {
            idle.push(conn);
        }
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and migrates it.
    pub async fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<SqliteStore, OpenError> {
        let owned = path.to_path_buf();
        let now = clock.now_micros();
        let writer = tokio::task::spawn_blocking(move || schema::open_writer(&owned, now))
            .await
            .map_err(|e| OpenError::Sqlite {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })??;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            writer: Arc::new(Mutex::new(writer)),
            checkpointer: Arc::new(checkpoint::Checkpointer::start(path.to_path_buf())),
            readers: Arc::new(Readers {
                path: path.to_path_buf(),
                idle: Mutex::new(Vec::new()),
            }),
            clock,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` on the writer connection on a blocking thread.
    async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection, &dyn Clock) -> Result<T, StoreError> + Send + 'static,
    {
        self.on_writer(work, true).await
    }

    /// Runs `work` on the writer connection on a blocking thread; when
    /// `writes` and it succeeded, tells the checkpoint thread (a read, or a
    /// write rolled back, leaves it nothing to copy).
    async fn on_writer<T, F>(&self, work: F, writes: bool) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection, &dyn Clock) -> Result<T, StoreError> + Send + 'static,
    {
        let writer = Arc::clone(&self.writer);
        let clock = Arc::clone(&self.clock);
        let checkpointer = Arc::clone(&self.checkpointer);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock leaves no half-done transaction
            // behind (rusqlite rolls back on drop), so the connection is usable.
            let mut conn = writer.lock().unwrap_or_else(PoisonError::into_inner);
            let result = work(&mut conn, clock.as_ref());
            drop(conn);
            if writes && result.is_ok() {
                checkpointer.committed();
            }
            result
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("storage task failed: {e}")))?
    }

    /// Runs read-only `work` on the writer connection on a blocking
    /// thread. For reads of rows written moments ago (the outbox a share
    /// just filled, the provenance of the ids being shared): in WAL mode a
    /// reader connection drops its whole page cache whenever another
    /// connection has committed, so it would read those pages from the
    /// files again, while the writer's cache still holds them. The reads
    /// are short; they wait for the writer like any write does.
    async fn warm_read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.on_writer(move |conn, _| work(conn), false).await
    }

    /// Runs `work` on a reader connection on a blocking thread.
    async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let readers = Arc::clone(&self.readers);
        tokio::task::spawn_blocking(move || {
            let conn = readers.take()?;
            let result = work(&conn);
            // A connection left inside a transaction by a failed read would
            // pin an old snapshot; drop it instead of reusing it.
            if conn.is_autocommit() {
                readers.give_back(conn);
            }
            result
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("storage task failed: {e}")))?
    }
}

/// SQLite errors as the domain sees them.
pub(crate) fn error(e: rusqlite::Error) -> StoreError {
    use rusqlite::Error as E;
    match &e {
        E::SqliteFailure(f, _) => match f.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Unavailable(
                format!("the database is busy (locked by another connection or process): {e}"),
            ),
            ErrorCode::ConstraintViolation => StoreError::Conflict(e.to_string()),
            ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
                StoreError::Corrupt(e.to_string())
            }
            _ => StoreError::Unavailable(e.to_string()),
        },
        E::FromSqlConversionFailure(..)
        | E::IntegralValueOutOfRange(..)
        | E::InvalidColumnType(..) => StoreError::Corrupt(e.to_string()),
        _ => StoreError::Unavailable(e.to_string()),
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn put_api_root(&self, root: &ApiRoot) -> Result<(), StoreError> {
        let root = root.clone();
        self.write(move |conn, _| meta::put_api_root(conn, &root))
            .await
    }

    async fn api_roots(&self) -> Result<Vec<ApiRoot>, StoreError> {
        self.read(meta::api_roots).await
    }

    async fn api_root(&self, name: &str) -> Result<Option<ApiRoot>, StoreError> {
        let name = name.to_owned();
        self.read(move |conn| meta::api_root(conn, &name)).await
    }

    async fn create_collection(&self, collection: &Collection) -> Result<(), StoreError> {
        let collection = collection.clone();
        self.write(move |conn, _| meta::create_collection(conn, &collection))
            .await
    }

    async fn collections(&self, api_root: &str) -> Result<Vec<Collection>, StoreError> {
        let api_root = api_root.to_owned();
        self.read(move |conn| meta::collections(conn, &api_root))
            .await
    }

    async fn collection(
        &self,
        api_root: &str,
        id_or_alias: &str,
    ) -> Result<Option<Collection>, StoreError> {
        let (api_root, key) = (api_root.to_owned(), id_or_alias.to_owned());
        self.read(move |conn| meta::collection(conn, &api_root, &key))
            .await
    }

    async fn add_objects(&self, request: AddRequest) -> Result<Status, StoreError> {
        self.write(move |conn, clock| objects::add(conn, clock, &request))
            .await
    }

    async fn query_objects(&self, query: &ObjectQuery) -> Result<Page<StoredObject>, StoreError> {
        let query = query.clone();
        self.read(move |conn| objects::query(conn, &query)).await
    }

    async fn query_objects_json(&self, query: &ObjectQuery) -> Result<JsonPage, StoreError> {
        let query = query.clone();
        self.read(move |conn| objects::query_json(conn, &query))
            .await
    }

    async fn object_exists(
        &self,
        api_root: &str,
        collection_id: &str,
        object_id: &str,
    ) -> Result<bool, StoreError> {
        let (api_root, collection, object) = (
            api_root.to_owned(),
            collection_id.to_owned(),
            object_id.to_owned(),
        );
        self.read(move |conn| objects::exists(conn, &api_root, &collection, &object))
            .await
    }

    async fn delete_objects(&self, request: &DeleteRequest) -> Result<u64, StoreError> {
        let request = request.clone();
        self.write(move |conn, _| objects::delete(conn, &request))
            .await
    }

    async fn status(&self, api_root: &str, id: &str) -> Result<Option<Status>, StoreError> {
        let (api_root, id) = (api_root.to_owned(), id.to_owned());
        self.read(move |conn| objects::status(conn, &api_root, &id))
            .await
    }

    async fn create_user(&self, user: &User) -> Result<(), StoreError> {
        let user = user.clone();
        self.write(move |conn, _| users::create_user(conn, &user))
            .await
    }

    async fn update_user(&self, user: &User) -> Result<(), StoreError> {
        let user = user.clone();
        self.write(move |conn, _| users::update_user(conn, &user))
            .await
    }

    async fn delete_user(&self, name: &str) -> Result<(), StoreError> {
        let name = name.to_owned();
        self.write(move |conn, _| users::delete_user(conn, &name))
            .await
    }

    async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        let name = name.to_owned();
        self.read(move |conn| users::user(conn, &name)).await
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        self.read(users::users).await
    }

    async fn set_grant(&self, grant: &Grant) -> Result<(), StoreError> {
        let grant = grant.clone();
        self.write(move |conn, _| users::set_grant(conn, &grant))
            .await
    }

    async fn grant(
        &self,
        user: &str,
        api_root: &str,
        collection_id: &str,
    ) -> Result<Option<Grant>, StoreError> {
        let (user, api_root, collection) = (
            user.to_owned(),
            api_root.to_owned(),
            collection_id.to_owned(),
        );
        self.read(move |conn| users::grant(conn, &user, &api_root, &collection))
            .await
    }

    async fn grants_of(&self, user: &str) -> Result<Vec<Grant>, StoreError> {
        let user = user.to_owned();
        self.read(move |conn| users::grants_of(conn, &user)).await
    }

    async fn create_token(&self, token: &TokenRecord) -> Result<(), StoreError> {
        let token = token.clone();
        self.write(move |conn, _| users::create_token(conn, &token))
            .await
    }

    async fn token(&self, id: &str) -> Result<Option<TokenRecord>, StoreError> {
        let id = id.to_owned();
        self.read(move |conn| users::token(conn, &id)).await
    }

    async fn tokens_of(&self, user: &str) -> Result<Vec<TokenRecord>, StoreError> {
        let user = user.to_owned();
        self.read(move |conn| users::tokens_of(conn, &user)).await
    }

    async fn delete_token(&self, id: &str) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.write(move |conn, _| users::delete_token(conn, &id))
            .await
    }
}
