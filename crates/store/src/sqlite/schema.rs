//! SQLite connections and the versioned schema.
//!
//! Migrations chain: migration `n` takes a database from version `n - 1` to
//! `n`, and each runs in the same write transaction as the update of
//! `schema_version`, under SQLite's write lock, so two processes opening a
//! fresh file at once migrate it exactly once.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use super::checkpoint;
use crate::SCHEMA_VERSION;
use crate::open::OpenError;

/// How long a statement waits for another connection's (or process's) lock
/// before giving up with "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Page cache of each kind of connection, in KiB. The writer's cache is
/// kept across transactions and holds the indexes every insert walks. A
/// reader's cache is dropped whenever another connection commits (WAL mode
/// revalidates by discarding it), so a large one only costs memory under
/// writes; it still holds a page of results being read. The checkpoint
/// connection copies pages without caching them.
#[derive(Debug, Clone, Copy)]
pub(super) enum Cache {
    Writer = 32 * 1024,
    Reader = 8 * 1024,
    Checkpoint = 1024,
}

/// Prepared statements kept per connection; query shapes are few.
const STATEMENT_CACHE: usize = 64;

/// One step of the schema.
struct Migration {
    version: i64,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: V1,
    },
    Migration {
        version: 2,
        sql: V2,
    },
    Migration {
        version: 3,
        sql: V3,
    },
];

/// Version 1. Times and version keys are Unix microseconds; `version_key`
/// is `i64::MIN` for objects without versions (one version per id).
/// `is_first`/`is_last` flag the lowest and highest `version_key` of each
/// object so that TAXII's default `match[version]=last` needs no subquery.
const V1: &str = "
CREATE TABLE schema_version (
    version INTEGER PRIMARY KEY,
    applied_at INTEGER NOT NULL
);
CREATE TABLE api_roots (
    name TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT,
    max_content_length INTEGER NOT NULL
);
CREATE TABLE collections (
    seq INTEGER PRIMARY KEY,
    api_root TEXT NOT NULL REFERENCES api_roots (name) ON DELETE CASCADE,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    alias TEXT,
    last_date_added INTEGER NOT NULL DEFAULT 0,
    UNIQUE (api_root, id),
    UNIQUE (api_root, alias)
);
CREATE TABLE objects (
    collection INTEGER NOT NULL REFERENCES collections (seq) ON DELETE CASCADE,
    date_added INTEGER NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    version TEXT NOT NULL,
    version_key INTEGER NOT NULL,
    is_first INTEGER NOT NULL,
    is_last INTEGER NOT NULL,
    json TEXT NOT NULL
);
CREATE UNIQUE INDEX objects_by_date ON objects (collection, date_added);
CREATE UNIQUE INDEX objects_by_id ON objects (collection, id, version_key);
CREATE INDEX objects_by_type ON objects (collection, type, date_added);
CREATE TABLE statuses (
    api_root TEXT NOT NULL REFERENCES api_roots (name) ON DELETE CASCADE,
    id TEXT NOT NULL,
    collection_id TEXT NOT NULL,
    owner TEXT NOT NULL,
    state TEXT NOT NULL,
    request_timestamp INTEGER NOT NULL,
    total_count INTEGER NOT NULL,
    successes TEXT NOT NULL,
    failures TEXT NOT NULL,
    pendings TEXT NOT NULL,
    PRIMARY KEY (api_root, id)
);
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT
);
CREATE TABLE grants (
    user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    collection INTEGER NOT NULL REFERENCES collections (seq) ON DELETE CASCADE,
    can_read INTEGER NOT NULL,
    can_write INTEGER NOT NULL,
    PRIMARY KEY (user_name, collection)
);
CREATE INDEX grants_by_collection ON grants (collection);
CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    label TEXT NOT NULL,
    secret_digest TEXT NOT NULL,
    created INTEGER NOT NULL
);
CREATE INDEX tokens_by_user ON tokens (user_name, created);
";

/// Version 2: the exchange between member nodes (see
/// `liaison_core::exchange`), the TLP rank of each object version and each
/// user's clearance. Existing versions are unmarked (0) until rewritten and
/// existing users are `standard`, the clearance every new user starts with.
///
/// - `commonwealth`: the adopted agreement, one row at most;
/// - `ledger_acts`: acts by hash, `seq` keeping the order they were stored;
/// - `outbox_heads`: the last sequence number handed out per peer, the row
///   that serialises enqueuers of one peer; `outbox`: the per-peer log,
///   kept after delivery;
/// - `nonces`: request nonces per origin, pruned after the skew window;
///   `applied_messages`: message ids per origin, kept for good;
/// - `provenance`: signed records per object version, origin and recipient
///   (`received_at` is null for this node's own shares);
/// - `feedback`: receipts, acceptances and reactions, by member, kind, id;
/// - `pull_positions`: how far each peer's log has been applied by pulling.
const V2: &str = "
ALTER TABLE objects ADD COLUMN tlp INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN clearance TEXT NOT NULL DEFAULT 'standard';
CREATE TABLE commonwealth (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    id TEXT NOT NULL,
    agreement_json TEXT NOT NULL,
    self_name TEXT NOT NULL,
    adopted_at INTEGER NOT NULL
);
CREATE TABLE ledger_acts (
    hash TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    json TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE TABLE outbox_heads (
    peer TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL
);
CREATE TABLE outbox (
    peer TEXT NOT NULL,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    object_id TEXT,
    version_key INTEGER,
    created_at INTEGER NOT NULL,
    delivered_at INTEGER,
    PRIMARY KEY (peer, seq),
    UNIQUE (peer, id)
);
CREATE INDEX outbox_undelivered ON outbox (peer, seq) WHERE delivered_at IS NULL;
CREATE INDEX outbox_by_object ON outbox (object_id) WHERE object_id IS NOT NULL;
CREATE TABLE nonces (
    origin TEXT NOT NULL,
    nonce TEXT NOT NULL,
    request_time INTEGER NOT NULL,
    PRIMARY KEY (origin, nonce)
);
CREATE INDEX nonces_by_time ON nonces (request_time);
CREATE TABLE applied_messages (
    origin TEXT NOT NULL,
    message_id TEXT NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (origin, message_id)
);
CREATE TABLE provenance (
    object_id TEXT NOT NULL,
    version_key INTEGER NOT NULL,
    origin TEXT NOT NULL,
    recipient TEXT NOT NULL,
    json TEXT NOT NULL,
    received_at INTEGER,
    PRIMARY KEY (object_id, version_key, origin, recipient)
);
CREATE TABLE feedback (
    member TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    object_id TEXT,
    at INTEGER NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (member, kind, id)
);
CREATE INDEX feedback_by_object ON feedback (object_id, at) WHERE object_id IS NOT NULL;
CREATE TABLE pull_positions (
    peer TEXT PRIMARY KEY,
    up_to INTEGER NOT NULL
);
";

/// Version 3: outbox payloads and provenance records in tables of their
/// own, referred to by number (`outbox.payload_ref`,
/// `provenance.record_ref`) and stored once per transaction (see `texts`):
/// a share to `all` keeps one copy of each message and record, and marking
/// a message delivered (an update of its row) rewrites a short row.
const V3: &str = "
CREATE TABLE outbox_payloads (
    n INTEGER PRIMARY KEY,
    payload TEXT NOT NULL
);
INSERT INTO outbox_payloads (n, payload) SELECT rowid, payload FROM outbox;
ALTER TABLE outbox ADD COLUMN payload_ref INTEGER NOT NULL DEFAULT 0;
UPDATE outbox SET payload_ref = rowid;
ALTER TABLE outbox DROP COLUMN payload;
CREATE TABLE provenance_records (
    n INTEGER PRIMARY KEY,
    json TEXT NOT NULL
);
INSERT INTO provenance_records (n, json) SELECT rowid, json FROM provenance;
ALTER TABLE provenance ADD COLUMN record_ref INTEGER NOT NULL DEFAULT 0;
UPDATE provenance SET record_ref = rowid;
ALTER TABLE provenance DROP COLUMN json;
";
/// Opens one connection with the settings every connection needs (these
/// pragmas are per connection, not stored in the file).
pub(super) fn connect(path: &Path, cache: Cache) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // An acknowledged write must survive a power cut: fsync the WAL on commit.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Negative: the size in KiB rather than in pages.
    conn.pragma_update(None, "cache_size", -(cache as i64))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// Opens the writer connection of `path`: switches the file to WAL (stored
/// in the file, so every process sees it) and migrates the schema.
pub(super) fn open_writer(path: &Path, now: i64) -> Result<Connection, OpenError> {
    let fail = |reason: String| OpenError::Sqlite {
        path: path.to_path_buf(),
        reason,
    };
    check_path(path).map_err(fail)?;
    let mut conn = connect(path, Cache::Writer).map_err(|e| fail(e.to_string()))?;
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(|e| fail(e.to_string()))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(fail(format!(
            "the file system refused write-ahead logging (journal mode is {mode})"
        )));
    }
    // Checkpoints run on their own thread (see `checkpoint`); the writer's
    // automatic one is only a backstop.
    conn.pragma_update(None, "wal_autocheckpoint", checkpoint::BACKSTOP_PAGES)
        .map_err(|e| fail(e.to_string()))?;
    migrate(&mut conn, path, now)?;
    Ok(conn)
}

/// Helpful errors for paths SQLite would only call "unable to open".
fn check_path(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err("this is a directory; give the path of a database file in it".into());
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(format!("the directory {} does not exist", parent.display()));
    }
    Ok(())
}

/// Brings the schema to [`SCHEMA_VERSION`].
fn migrate(conn: &mut Connection, path: &Path, now: i64) -> Result<(), OpenError> {
    let location = format!("SQLite database {}", path.display());
    let fail = |reason: rusqlite::Error| OpenError::Sqlite {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    // IMMEDIATE: take the write lock before reading the version, so that a
    // concurrent opener waits and then sees the migrated schema.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(fail)?;
    let current = current_version(&tx, &location).map_err(|e| match e {
        VersionError::Db(e) => fail(e),
        VersionError::Open(e) => e,
    })?;
    if current > SCHEMA_VERSION {
        return Err(OpenError::TooNew {
            location,
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        let step = |e: rusqlite::Error| OpenError::Migration {
            location: location.clone(),
            version: migration.version,
            reason: e.to_string(),
        };
        tx.execute_batch(migration.sql).map_err(step)?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)",
            (migration.version, now),
        )
        .map_err(step)?;
    }
    tx.commit().map_err(fail)
}

enum VersionError {
    Db(rusqlite::Error),
    Open(OpenError),
}

impl From<rusqlite::Error> for VersionError {
    fn from(e: rusqlite::Error) -> Self {
        VersionError::Db(e)
    }
}

/// The schema version of the file: 0 when empty; an error when it holds
/// tables but is not a Liaison database.
fn current_version(conn: &Connection, location: &str) -> Result<i64, VersionError> {
    let has_table = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
            [],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if !has_table {
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |row| row.get(0),
        )?;
        if tables > 0 {
            return Err(VersionError::Open(OpenError::NotLiaison {
                location: location.to_owned(),
                reason: format!("it holds {tables} tables but no schema_version table"),
            }));
        }
        return Ok(0);
    }
    Ok(conn.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_version",
        [],
        |row| row.get(0),
    )?)
}
