//! The versioned PostgreSQL schema.
//!
//! Migrations chain like SQLite's (same version numbers, same meaning) and
//! each runs in one transaction together with the update of
//! `schema_version`, under an advisory lock, so several Liaison processes
//! starting at once over a fresh database migrate it exactly once.

use deadpool_postgres::Client;

use crate::SCHEMA_VERSION;
use crate::open::OpenError;

/// Advisory lock key held while migrating ("Liaison" in ASCII).
const MIGRATION_LOCK: i64 = 0x004c_6961_6973_6f6e;

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

/// Version 1: the same tables as SQLite's version 1. Names and ids use the
/// "C" collation so that "ordered by name" means byte order, as on SQLite,
/// whatever the database's locale.
const V1: &str = r#"
CREATE TABLE schema_version (
    version BIGINT PRIMARY KEY,
    applied_at BIGINT NOT NULL
);
CREATE TABLE api_roots (
    name TEXT COLLATE "C" PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT,
    max_content_length BIGINT NOT NULL
);
CREATE TABLE collections (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    api_root TEXT COLLATE "C" NOT NULL REFERENCES api_roots (name) ON DELETE CASCADE,
    id TEXT COLLATE "C" NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    alias TEXT COLLATE "C",
    last_date_added BIGINT NOT NULL DEFAULT 0,
    UNIQUE (api_root, id),
    UNIQUE (api_root, alias)
);
CREATE TABLE objects (
    collection BIGINT NOT NULL REFERENCES collections (seq) ON DELETE CASCADE,
    date_added BIGINT NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    type TEXT COLLATE "C" NOT NULL,
    spec_version TEXT COLLATE "C" NOT NULL,
    version TEXT NOT NULL,
    version_key BIGINT NOT NULL,
    is_first BOOLEAN NOT NULL,
    is_last BOOLEAN NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (collection, date_added)
);
CREATE UNIQUE INDEX objects_by_id ON objects (collection, id, version_key);
CREATE INDEX objects_by_type ON objects (collection, type, date_added);
CREATE TABLE statuses (
    api_root TEXT COLLATE "C" NOT NULL REFERENCES api_roots (name) ON DELETE CASCADE,
    id TEXT COLLATE "C" NOT NULL,
    collection_id TEXT COLLATE "C" NOT NULL,
    owner TEXT COLLATE "C" NOT NULL,
    state TEXT NOT NULL,
    request_timestamp BIGINT NOT NULL,
    total_count BIGINT NOT NULL,
    successes TEXT NOT NULL,
    failures TEXT NOT NULL,
    pendings TEXT NOT NULL,
    PRIMARY KEY (api_root, id)
);
CREATE TABLE users (
    name TEXT COLLATE "C" PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT
);
CREATE TABLE grants (
    user_name TEXT COLLATE "C" NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    collection BIGINT NOT NULL REFERENCES collections (seq) ON DELETE CASCADE,
    can_read BOOLEAN NOT NULL,
    can_write BOOLEAN NOT NULL,
    PRIMARY KEY (user_name, collection)
);
CREATE INDEX grants_by_collection ON grants (collection);
CREATE TABLE tokens (
    id TEXT COLLATE "C" PRIMARY KEY,
    user_name TEXT COLLATE "C" NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    label TEXT NOT NULL,
    secret_digest TEXT NOT NULL,
    created BIGINT NOT NULL
);
CREATE INDEX tokens_by_user ON tokens (user_name, created);
"#;

/// Version 2: the same tables and columns as SQLite's version 2 (see
/// there for what each holds). Adding a column with a constant default
/// rewrites no rows, so migrating a large `objects` table is instant.
/// `ledger_acts.seq` is an identity: it orders acts as they were stored.
const V2: &str = r#"
ALTER TABLE objects ADD COLUMN tlp SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN clearance TEXT NOT NULL DEFAULT 'standard';
CREATE TABLE commonwealth (
    singleton BOOLEAN PRIMARY KEY CHECK (singleton),
    id TEXT COLLATE "C" NOT NULL,
    agreement_json TEXT NOT NULL,
    self_name TEXT COLLATE "C" NOT NULL,
    adopted_at BIGINT NOT NULL
);
CREATE TABLE ledger_acts (
    hash TEXT COLLATE "C" PRIMARY KEY,
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    json TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE TABLE outbox_heads (
    peer TEXT COLLATE "C" PRIMARY KEY,
    last_seq BIGINT NOT NULL
);
CREATE TABLE outbox (
    peer TEXT COLLATE "C" NOT NULL,
    seq BIGINT NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    payload TEXT NOT NULL,
    object_id TEXT COLLATE "C",
    version_key BIGINT,
    created_at BIGINT NOT NULL,
    delivered_at BIGINT,
    PRIMARY KEY (peer, seq),
    UNIQUE (peer, id)
);
CREATE INDEX outbox_undelivered ON outbox (peer, seq) WHERE delivered_at IS NULL;
CREATE INDEX outbox_by_object ON outbox (object_id) WHERE object_id IS NOT NULL;
CREATE TABLE nonces (
    origin TEXT COLLATE "C" NOT NULL,
    nonce TEXT COLLATE "C" NOT NULL,
    request_time BIGINT NOT NULL,
    PRIMARY KEY (origin, nonce)
);
CREATE INDEX nonces_by_time ON nonces (request_time);
CREATE TABLE applied_messages (
    origin TEXT COLLATE "C" NOT NULL,
    message_id TEXT COLLATE "C" NOT NULL,
    applied_at BIGINT NOT NULL,
    PRIMARY KEY (origin, message_id)
);
CREATE TABLE provenance (
    object_id TEXT COLLATE "C" NOT NULL,
    version_key BIGINT NOT NULL,
    origin TEXT COLLATE "C" NOT NULL,
    recipient TEXT COLLATE "C" NOT NULL,
    json TEXT NOT NULL,
    received_at BIGINT,
    PRIMARY KEY (object_id, version_key, origin, recipient)
);
CREATE TABLE feedback (
    member TEXT COLLATE "C" NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    object_id TEXT COLLATE "C",
    at BIGINT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (member, kind, id)
);
CREATE INDEX feedback_by_object ON feedback (object_id, at) WHERE object_id IS NOT NULL;
CREATE TABLE pull_positions (
    peer TEXT COLLATE "C" PRIMARY KEY,
    up_to BIGINT NOT NULL
);
"#;

/// Version 3: outbox payloads and provenance records in tables of their
/// own, referred to by number and stored once per transaction, as on
/// SQLite (see its version 3). Numbers come from each table's sequence
/// (`texts` draws them before inserting).
const V3: &str = r#"
CREATE TABLE outbox_payloads (
    n BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    payload TEXT NOT NULL
);
ALTER TABLE outbox ADD COLUMN payload_ref BIGINT NOT NULL DEFAULT 0;
WITH numbered AS (SELECT peer, seq, row_number() OVER (ORDER BY peer, seq) AS n FROM outbox)
UPDATE outbox SET payload_ref = numbered.n
    FROM numbered WHERE numbered.peer = outbox.peer AND numbered.seq = outbox.seq;
INSERT INTO outbox_payloads (n, payload) SELECT payload_ref, payload FROM outbox;
SELECT setval(pg_get_serial_sequence('outbox_payloads', 'n'),
    (SELECT coalesce(max(n), 0) + 1 FROM outbox_payloads), false);
ALTER TABLE outbox ALTER COLUMN payload_ref DROP DEFAULT;
ALTER TABLE outbox DROP COLUMN payload;
CREATE TABLE provenance_records (
    n BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    json TEXT NOT NULL
);
ALTER TABLE provenance ADD COLUMN record_ref BIGINT NOT NULL DEFAULT 0;
WITH numbered AS (
    SELECT object_id, version_key, origin, recipient,
        row_number() OVER (ORDER BY object_id, version_key, origin, recipient) AS n
    FROM provenance
)
UPDATE provenance SET record_ref = numbered.n
    FROM numbered WHERE numbered.object_id = provenance.object_id
        AND numbered.version_key = provenance.version_key
        AND numbered.origin = provenance.origin AND numbered.recipient = provenance.recipient;
INSERT INTO provenance_records (n, json) SELECT record_ref, json FROM provenance;
SELECT setval(pg_get_serial_sequence('provenance_records', 'n'),
    (SELECT coalesce(max(n), 0) + 1 FROM provenance_records), false);
ALTER TABLE provenance ALTER COLUMN record_ref DROP DEFAULT;
ALTER TABLE provenance DROP COLUMN json;
"#;

/// Brings the schema to [`SCHEMA_VERSION`].
pub(super) async fn migrate(
    client: &mut Client,
    location: &str,
    now: i64,
) -> Result<(), OpenError> {
    let fail = |e: tokio_postgres::Error| OpenError::Postgres {
        target: location.to_owned(),
        reason: e.to_string(),
    };
    let tx = client.transaction().await.map_err(fail)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(fail)?;
    let has_table = tx
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])
        .await
        .and_then(|row| row.try_get::<_, bool>(0))
        .map_err(fail)?;
    let current: i64 = if has_table {
        tx.query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])
            .await
            .and_then(|row| row.try_get(0))
            .map_err(fail)?
    } else {
        let tables: i64 = tx
            .query_one(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()",
                &[],
            )
            .await
            .and_then(|row| row.try_get(0))
            .map_err(fail)?;
        if tables > 0 {
            return Err(OpenError::NotLiaison {
                location: location.to_owned(),
                reason: format!("its schema holds {tables} tables but no schema_version table"),
            });
        }
        0
    };
    if current > SCHEMA_VERSION {
        return Err(OpenError::TooNew {
            location: location.to_owned(),
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        let step = |e: tokio_postgres::Error| OpenError::Migration {
            location: location.to_owned(),
            version: migration.version,
            reason: e.to_string(),
        };
        tx.batch_execute(migration.sql).await.map_err(step)?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
            &[&migration.version, &now],
        )
        .await
        .map_err(step)?;
    }
    tx.commit().await.map_err(fail)
}
