//! The conformance suite on PostgreSQL: each test creates its own database
//! on the server named by `LIAISON_TEST_PG_URL` and drops it afterwards.
//! Without that variable the tests fail: they never pass silently.
//! `source scripts/pg.sh; pg_start /tmp/lpg` starts a throwaway server.

mod suite;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;
use liaison_core::clock::ManualClock;
use liaison_store::OpenError;
use suite::Backend;
use tokio_postgres::NoTls;

const URL_VARIABLE: &str = "LIAISON_TEST_PG_URL";

/// The server to test against.
fn server() -> String {
    match std::env::var(URL_VARIABLE) {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "{URL_VARIABLE} is not set: the PostgreSQL tests need a server. Start a throwaway one with \
             `source scripts/pg.sh; pg_start /tmp/lpg` (it exports {URL_VARIABLE}), then run the tests again."
        ),
    }
}

/// `server` with its database replaced by `db`, in the form `open` accepts.
fn with_database(server: &str, db: &str) -> String {
    if server.starts_with("postgres://") || server.starts_with("postgresql://") {
        // Query parameters are read after the path, so dbname= wins.
        let separator = if server.contains('?') { '&' } else { '?' };
        format!("{server}{separator}dbname={db}")
    } else {
        let pairs = server.strip_prefix("postgres:").unwrap_or(server);
        format!("postgres:{pairs} dbname={db}")
    }
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let config: tokio_postgres::Config = url
        .strip_prefix("postgres:")
        .filter(|s| !s.starts_with("//"))
        .unwrap_or(url)
        .parse()
        .unwrap_or_else(|e| panic!("{URL_VARIABLE} is not a valid connection string: {e}"));
    let (client, connection) = config
        .connect(NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the server in {URL_VARIABLE}: {e}"));
    tokio::spawn(connection);
    client
}

/// A database of its own on the test server.
struct PgBackend {
    server: String,
    name: String,
}

impl PgBackend {
    async fn create() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let server = server();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "liaison_test_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        connect(&server)
            .await
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        PgBackend { server, name }
    }
}

#[async_trait]
impl Backend for PgBackend {
    fn database(&self) -> String {
        with_database(&self.server, &self.name)
    }

    async fn set_schema_version(&self, version: i64) {
        connect(&self.database())
            .await
            .execute(
                "INSERT INTO schema_version (version, applied_at) VALUES ($1, 0)",
                &[&version],
            )
            .await
            .unwrap();
    }

    async fn schema_versions(&self) -> Vec<i64> {
        let rows = connect(&self.database())
            .await
            .query("SELECT version FROM schema_version ORDER BY version", &[])
            .await
            .unwrap();
        rows.iter().map(|r| r.get(0)).collect()
    }

    async fn count(&self, sql: &str) -> i64 {
        connect(&self.database())
            .await
            .query_one(sql, &[])
            .await
            .unwrap()
            .get(0)
    }

    async fn execute(&self, sql: &str) {
        connect(&self.database())
            .await
            .batch_execute(sql)
            .await
            .unwrap();
    }

    fn v1_schema(&self) -> &'static str {
        suite::v1::POSTGRES
    }

    async fn fail_inserts(&self, table: &str, column: &str, value: &str) {
        self.execute(&format!(
            "CREATE FUNCTION fail_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF NEW.{column} = '{value}' THEN RAISE EXCEPTION 'injected failure'; END IF;
                 RETURN NEW;
             END $$;
             CREATE TRIGGER fail_{table} BEFORE INSERT ON {table}
                 FOR EACH ROW EXECUTE FUNCTION fail_{table}();"
        ))
        .await;
    }

    async fn cleanup(&self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(e) = connect(&self.server).await.batch_execute(&sql).await {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}

async fn new_backend() -> Arc<dyn Backend> {
    Arc::new(PgBackend::create().await)
}

conformance_tests!();

#[tokio::test]
async fn connection_errors_name_the_target_not_the_password() {
    let server = server();
    let bad = with_database(&server, "no_such_database_here");
    let with_password = bad.replacen("postgres@", "postgres:hunter2secret@", 1);
    let err = match liaison_store::open(&with_password, Arc::new(ManualClock::new(0))).await {
        Ok(_) => panic!("a missing database opened"),
        Err(e) => e,
    };
    assert!(matches!(err, OpenError::Postgres { .. }), "{err:?}");
    let text = format!("{err} {err:?}");
    assert!(text.contains("no_such_database_here"), "{text}");
    assert!(!text.contains("hunter2secret"), "{text}");
}

#[tokio::test]
async fn the_url_forms_reach_the_same_database() {
    let backend = PgBackend::create().await;
    let store = liaison_store::open(&backend.database(), Arc::new(ManualClock::new(0)))
        .await
        .unwrap();
    assert!(format!("{store:?}").contains(&backend.name), "{store:?}");
    drop(store);
    backend.cleanup().await;
}
