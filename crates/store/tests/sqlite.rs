//! The conformance suite on SQLite (a fresh file per test), plus what only
//! SQLite has: file paths and their errors.

mod suite;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;
use liaison_core::clock::ManualClock;
use liaison_store::OpenError;
use suite::Backend;

/// A database file in a directory of its own, removed by `cleanup`.
struct SqliteBackend {
    dir: PathBuf,
}

impl SqliteBackend {
    fn new() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!(
            "liaison-store-test-{}-{}-{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        SqliteBackend { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.join("liaison.db")
    }

    fn connection(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.path()).unwrap()
    }
}

#[async_trait]
impl Backend for SqliteBackend {
    fn database(&self) -> String {
        format!("sqlite:{}", self.path().display())
    }

    async fn set_schema_version(&self, version: i64) {
        self.connection()
            .execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?1, 0)",
                [version],
            )
            .unwrap();
    }

    async fn schema_versions(&self) -> Vec<i64> {
        let conn = self.connection();
        let mut stmt = conn
            .prepare("SELECT version FROM schema_version ORDER BY version")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    async fn count(&self, sql: &str) -> i64 {
        self.connection().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    async fn execute(&self, sql: &str) {
        self.connection().execute_batch(sql).unwrap();
    }

    fn v1_schema(&self) -> &'static str {
        suite::v1::SQLITE
    }

    async fn fail_inserts(&self, table: &str, column: &str, value: &str) {
        self.connection()
            .execute_batch(&format!(
                "CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} WHEN NEW.{column} = '{value}'
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
            ))
            .unwrap();
    }

    async fn cleanup(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn new_backend() -> Arc<dyn Backend> {
    Arc::new(SqliteBackend::new())
}

conformance_tests!();

async fn open_error(database: &str) -> OpenError {
    match liaison_store::open(database, Arc::new(ManualClock::new(0))).await {
        Ok(store) => panic!("{database} opened: {store:?}"),
        Err(e) => e,
    }
}

#[tokio::test]
async fn bare_paths_open_sqlite() {
    let backend = SqliteBackend::new();
    let store = liaison_store::open(
        &backend.path().display().to_string(),
        Arc::new(ManualClock::new(0)),
    )
    .await
    .unwrap();
    assert!(format!("{store:?}").contains("SqliteStore"));
    assert!(backend.path().exists());
    drop(store);
    backend.cleanup().await;
}

#[tokio::test]
async fn unusable_paths_are_explained() {
    let backend = SqliteBackend::new();
    let err = open_error(&backend.dir.display().to_string()).await;
    assert!(err.to_string().contains("directory"), "{err}");
    let missing = backend.dir.join("no/such/dir/x.db");
    let err = open_error(&missing.display().to_string()).await;
    assert!(err.to_string().contains("does not exist"), "{err}");

    let junk = backend.dir.join("junk.db");
    std::fs::write(&junk, vec![b'x'; 8192]).unwrap();
    let err = open_error(&junk.display().to_string()).await;
    assert!(matches!(err, OpenError::Sqlite { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&junk.display().to_string()),
        "{err}"
    );

    let foreign = backend.dir.join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let err = open_error(&foreign.display().to_string()).await;
    assert!(matches!(err, OpenError::NotLiaison { .. }), "{err:?}");
    assert!(Path::new(&foreign).exists());
    backend.cleanup().await;
}

#[tokio::test]
async fn the_file_is_in_wal_mode() {
    let backend = SqliteBackend::new();
    let _store = liaison_store::open(&backend.database(), Arc::new(ManualClock::new(0)))
        .await
        .unwrap();
    let conn = backend.connection();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    backend.cleanup().await;
}

/// Commits leave the copying of the write-ahead log into the database file
/// to the store's checkpoint thread: with the store still open (and far
/// below the writer's own backstop size), what was written reaches the
/// database file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thread_checkpoints_what_commits_wrote() {
    let backend = SqliteBackend::new();
    let clock = Arc::new(ManualClock::new(suite::START));
    let store = suite::open(&backend, clock).await;
    let c = suite::collection(store.as_ref(), None).await;
    let size = || std::fs::metadata(backend.path()).map_or(0, |m| m.len());
    let before = size();
    for batch in 0..4 {
        let objects = (0..250)
            .map(|n| suite::indicator(batch * 250 + n, 0))
            .collect();
        suite::add(store.as_ref(), &c, objects).await;
    }
    // About 300 KB of objects: in the log at once, in the file soon after.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while size() < before + 200_000 {
        assert!(
            std::time::Instant::now() < deadline,
            "nothing was checkpointed: the database file stayed at {} bytes",
            size()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    drop(store);
    backend.cleanup().await;
}
