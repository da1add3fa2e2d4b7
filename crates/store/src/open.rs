//! Choosing and opening a back end from one database string.
//!
//! Accepted forms:
//! - a file path, or `sqlite:PATH` (also `sqlite://PATH`): SQLite;
//! - `postgres://…` or `postgresql://…` URLs, unix sockets included
//!   (`postgresql://liaison@/liaison?host=/run/postgresql`, or the socket
//!   directory percent-encoded as the host);
//! - `postgres:` followed by libpq key=value pairs
//!   (`postgres:host=/run/postgresql user=liaison dbname=liaison`).
//!
//! Errors name what is wrong and how to fix it, and never repeat a password.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use liaison_core::Store;
use liaison_core::clock::Clock;
use tokio_postgres::config::Host;

/// Why a database could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("no database given: expected a file path, sqlite:PATH or postgres://…")]
    Empty,
    #[error(
        "unsupported database scheme '{scheme}': expected a file path, sqlite:PATH, \
         postgres://… or postgresql://…"
    )]
    UnsupportedScheme { scheme: String },
    #[error(
        "in-memory SQLite databases are not supported (each connection would see its own): give a file path"
    )]
    InMemory,
    #[error("invalid PostgreSQL connection string: {reason}")]
    PostgresConfig { reason: String },
    #[error(
        "the PostgreSQL connection string names no host: add a host name, or a socket \
         directory (postgresql://user@/db?host=/run/postgresql)"
    )]
    NoPostgresHost,
    #[error("cannot open SQLite database {}: {reason}", path.display())]
    Sqlite { path: PathBuf, reason: String },
    #[error("cannot use PostgreSQL {target}: {reason}")]
    Postgres { target: String, reason: String },
    #[error("{location} is not a Liaison database: {reason}")]
    NotLiaison { location: String, reason: String },
    #[error(
        "{location} has schema version {found}, newer than this Liaison understands \
         ({supported}): run a newer Liaison, or restore a backup made for this version"
    )]
    TooNew {
        location: String,
        found: i64,
        supported: i64,
    },
    #[error("migrating {location} to schema version {version} failed: {reason}")]
    Migration {
        location: String,
        version: i64,
        reason: String,
    },
}

/// A parsed database string: which engine, and where.
#[derive(Clone)]
pub enum Engine {
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL database (the password, if any, stays inside the config,
    /// whose `Debug` redacts it).
    Postgres(Box<tokio_postgres::Config>),
}

impl Engine {
    /// Opens the database, creating or migrating its schema as needed.
    pub async fn open(&self, clock: Arc<dyn Clock>) -> Result<Arc<dyn Store>, OpenError> {
        match self {
            Engine::Sqlite(path) => Ok(Arc::new(
                crate::sqlite::SqliteStore::open(path, clock).await?,
            )),
            Engine::Postgres(config) => Ok(Arc::new(
                crate::postgres::PgStore::open((**config).clone(), clock).await?,
            )),
        }
    }
}

impl FromStr for Engine {
    type Err = OpenError;

    fn from_str(database: &str) -> Result<Self, Self::Err> {
        let database = database.trim();
        if database.is_empty() {
            return Err(OpenError::Empty);
        }
        if database.starts_with("postgres://") || database.starts_with("postgresql://") {
            return postgres_config(database);
        }
        if let Some(pairs) = database
            .strip_prefix("postgres:")
            .or_else(|| database.strip_prefix("postgresql:"))
        {
            return postgres_config(pairs);
        }
        if let Some(rest) = database.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            return sqlite_path(path);
        }
        if let Some(scheme) = url_scheme(database) {
            return Err(OpenError::UnsupportedScheme {
                scheme: scheme.to_owned(),
            });
        }
        sqlite_path(database)
    }
}

impl fmt::Display for Engine {
    /// A description safe to log: never the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Engine::Sqlite(path) => write!(f, "SQLite database {}", path.display()),
            Engine::Postgres(config) => f.write_str(&describe_postgres(config)),
        }
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Engine({self})")
    }
}

/// Opens the database named by `database` (see the module docs for the
/// accepted forms), creating or migrating its schema as needed.
pub async fn open(database: &str, clock: Arc<dyn Clock>) -> Result<Arc<dyn Store>, OpenError> {
    database.parse::<Engine>()?.open(clock).await
}

/// `scheme` of `scheme://…`, if the string has that shape.
fn url_scheme(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once("://")?;
    let mut bytes = scheme.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
    let rest_ok = bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    (first_ok && rest_ok).then_some(scheme)
}

fn sqlite_path(path: &str) -> Result<Engine, OpenError> {
    if path.is_empty() {
        return Err(OpenError::Empty);
    }
    if path == ":memory:" || path.starts_with("file::memory:") {
        return Err(OpenError::InMemory);
    }
    Ok(Engine::Sqlite(Path::new(path).to_path_buf()))
}

fn postgres_config(text: &str) -> Result<Engine, OpenError> {
    // tokio-postgres names the offending option in its errors, never its value,
    // so the message is safe to show even when the string holds a password.
    let config = tokio_postgres::Config::from_str(text).map_err(|e| OpenError::PostgresConfig {
        reason: e.to_string(),
    })?;
    if config.get_hosts().is_empty() {
        return Err(OpenError::NoPostgresHost);
    }
    Ok(Engine::Postgres(Box::new(config)))
}

/// "PostgreSQL database `liaison` on /run/postgresql as user `liaison`":
/// where the database is, without the password.
pub(crate) fn describe_postgres(config: &tokio_postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(dir) => dir.display().to_string(),
        })
        .collect();
    let mut text = String::from("PostgreSQL database");
    if let Some(db) = config.get_dbname() {
        text.push_str(&format!(" '{db}'"));
    }
    text.push_str(&format!(" on {}", hosts.join(",")));
    if let Some(port) = config.get_ports().first() {
        text.push_str(&format!(" port {port}"));
    }
    if let Some(user) = config.get_user() {
        text.push_str(&format!(" as user '{user}'"));
    }
    text
}

/// Removes a password from a message that might echo it (connection errors
/// from a server or a proxy are not ours to trust).
pub(crate) fn scrub(message: &str, config: &tokio_postgres::Config) -> String {
    match config
        .get_password()
        .and_then(|p| std::str::from_utf8(p).ok())
    {
        Some(password) if !password.is_empty() => message.replace(password, "***"),
        _ => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(s: &str) -> Result<Engine, OpenError> {
        s.parse()
    }

    #[test]
    fn sqlite_forms() {
        assert!(
            matches!(engine("liaison.db"), Ok(Engine::Sqlite(p)) if p == Path::new("liaison.db"))
        );
        assert!(
            matches!(engine("sqlite:/var/lib/l.db"), Ok(Engine::Sqlite(p)) if p == Path::new("/var/lib/l.db"))
        );
        assert!(
            matches!(engine("sqlite:///var/lib/l.db"), Ok(Engine::Sqlite(p)) if p == Path::new("/var/lib/l.db"))
        );
        assert!(
            matches!(engine("sqlite://rel.db"), Ok(Engine::Sqlite(p)) if p == Path::new("rel.db"))
        );
        assert_eq!(engine("").unwrap_err(), OpenError::Empty);
        assert_eq!(engine("sqlite:").unwrap_err(), OpenError::Empty);
        assert_eq!(engine(":memory:").unwrap_err(), OpenError::InMemory);
    }

    #[test]
    fn unknown_schemes_are_named() {
        let err = engine("mysql://root:pw@localhost/x").unwrap_err();
        assert_eq!(
            err,
            OpenError::UnsupportedScheme {
                scheme: "mysql".into()
            }
        );
        assert!(!err.to_string().contains("pw"));
    }

    #[test]
    fn postgres_forms() {
        for s in [
            "postgres://liaison:s3cret-pw@db.example:5433/liaison",
            "postgresql://liaison@/liaison?host=/run/postgresql",
            "postgresql://liaison@%2Frun%2Fpostgresql/liaison",
            "postgres:host=/run/postgresql user=liaison dbname=liaison password=s3cret-pw",
        ] {
            let e = engine(s).unwrap();
            let shown = format!("{e} {e:?}");
            assert!(shown.contains("'liaison'"), "{shown}");
            assert!(!shown.contains("s3cret"), "{shown}");
        }
        assert!(
            engine("postgresql://liaison@%2Frun%2Fpostgresql/liaison")
                .unwrap()
                .to_string()
                .contains("/run/postgresql")
        );
        assert_eq!(
            engine("postgres:///liaison").unwrap_err(),
            OpenError::NoPostgresHost
        );
        let err = engine("postgres://u:s3cret-pw@h/db?bogus=1").unwrap_err();
        assert!(matches!(err, OpenError::PostgresConfig { .. }), "{err:?}");
        assert!(!err.to_string().contains("s3cret"), "{err}");
    }

    #[test]
    fn scrub_removes_passwords() {
        let config: tokio_postgres::Config = "postgres://u:hunter22@h/db".parse().unwrap();
        assert_eq!(
            scrub("bad password hunter22 for u", &config),
            "bad password *** for u"
        );
    }
}
