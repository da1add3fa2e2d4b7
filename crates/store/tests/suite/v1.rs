//! The schema of version 1 exactly as Liaison 0.1 created it, one copy
//! per engine, frozen here on purpose: the migration check builds a
//! version-1 database from these and opens it with the current code. Never
//! edit them to follow a new migration.

/// SQLite, version 1.
pub const SQLITE: &str = "
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

/// PostgreSQL, version 1.
pub const POSTGRES: &str = r#"
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
