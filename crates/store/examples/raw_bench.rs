//! Raw batched-insert and paginated-scan rates of each engine, through the
//! `Store` trait and through plain SQL on the same schema, so that the cost
//! of the store's bookkeeping (duplicate checks, first/last flags, status)
//! shows as a ratio to what the driver can do.
//!
//! ```text
//! cargo run --release -p liaison-store --example raw_bench -- [--rows N] [--engine sqlite|postgres|both]
//!     [--dir DIR] [--pg URL]
//! ```
//!
//! Rows are ~1.2 KB STIX indicators, written in 1,000-row transactions and
//! read in pages of 1,000 by `date_added`. SQLite uses a fresh file in DIR
//! (default: the system temp directory). PostgreSQL uses a fresh database on
//! the server given by `--pg`, else `LIAISON_BENCH_PG_URL`, else
//! `LIAISON_TEST_PG_URL`, and drops it afterwards; start the server with
//! `PG_DURABLE=1` (scripts/pg.sh) for figures with fsync on commit.
//! Output: one line per measurement, `ENGINE MEASUREMENT ROWS_PER_SECOND rows/s`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use liaison_core::Store;
use liaison_core::clock::SystemClock;
use liaison_core::ingest::{AddItem, AddRequest};
use liaison_core::model::{ApiRoot, Collection, new_uuid_v4};
use liaison_core::objects::{NewObject, ObjectQuery, VersionFilter};

const BATCH: usize = 1_000;
const PAGE: usize = 1_000;

struct Args {
    rows: usize,
    engine: String,
    dir: PathBuf,
    pg: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        rows: 20_000,
        engine: "both".into(),
        dir: std::env::temp_dir(),
        pg: ["LIAISON_BENCH_PG_URL", "LIAISON_TEST_PG_URL"]
            .iter()
            .find_map(|v| std::env::var(v).ok()),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--rows" => args.rows = value()?.parse().map_err(|e| format!("--rows: {e}"))?,
            "--engine" => args.engine = value()?,
            "--dir" => args.dir = PathBuf::from(value()?),
            "--pg" => args.pg = Some(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("raw_bench: {e}");
            std::process::exit(2);
        }
    };
    let rows = args.rows.div_ceil(BATCH) * BATCH;
    if matches!(args.engine.as_str(), "sqlite" | "both") {
        let dir = args
            .dir
            .join(format!("liaison-raw-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("cannot create the benchmark directory");
        sqlite_bench(&dir, rows).await;
        let _ = std::fs::remove_dir_all(&dir);
    }
    if matches!(args.engine.as_str(), "postgres" | "both") {
        match &args.pg {
            Some(server) => pg::bench(server, rows).await,
            None => {
                eprintln!("raw_bench: no PostgreSQL server (--pg or LIAISON_BENCH_PG_URL); skipped")
            }
        }
    }
}

/// A ~1.2 KB indicator, numbered `n`.
fn indicator(n: usize) -> NewObject {
    let id = format!("indicator--{:08x}-0000-4000-8000-{:012x}", n / 1_000_000, n);
    let modified = "2024-05-01T12:00:00.000Z";
    let padding = "x".repeat(820);
    let json = format!(
        r#"{{"type":"indicator","spec_version":"2.1","id":"{id}","created":"2024-05-01T12:00:00.000Z","modified":"{modified}","name":"Malicious address {n}","description":"Seen in campaign {n}: {padding}","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '198.51.{}.{}']","pattern_type":"stix","valid_from":"2024-05-01T12:00:00Z","labels":["benchmark"]}}"#,
        (n / 256) % 256,
        n % 256
    );
    NewObject {
        id,
        object_type: "indicator".into(),
        spec_version: "2.1".into(),
        version: modified.into(),
        version_key: 1_714_564_800_000_000,
        json,
        tlp: 0,
    }
}

fn report(engine: &str, what: &str, rows: usize, took: Duration) {
    let rate = rows as f64 / took.as_secs_f64().max(1e-9);
    println!("{engine} {what} {rate:.0} rows/s");
}

/// Opens a fresh database through the store (which creates the schema)
/// and makes one collection in it.
async fn setup(database: &str) -> (Arc<dyn Store>, Collection) {
    let store = liaison_store::open(database, Arc::new(SystemClock))
        .await
        .expect("open the database");
    let root = ApiRoot {
        name: "bench".into(),
        title: "Bench".into(),
        description: None,
        max_content_length: 1 << 30,
    };
    store.put_api_root(&root).await.expect("put_api_root");
    let c = Collection {
        id: new_uuid_v4(),
        api_root: "bench".into(),
        title: "Bench".into(),
        description: None,
        alias: None,
    };
    store
        .create_collection(&c)
        .await
        .expect("create_collection");
    (store, c)
}

/// Inserts `rows` through `Store::add_objects`, `BATCH` per request.
async fn store_insert(engine: &str, store: &dyn Store, c: &Collection, rows: usize) {
    let batches: Vec<Vec<NewObject>> = (0..rows / BATCH)
        .map(|b| (b * BATCH..(b + 1) * BATCH).map(indicator).collect())
        .collect();
    let started = Instant::now();
    for batch in batches {
        let request = AddRequest {
            api_root: c.api_root.clone(),
            collection_id: c.id.clone(),
            owner: "bench".into(),
            status_id: new_uuid_v4(),
            request_timestamp: 0,
            items: batch.into_iter().map(AddItem::Valid).collect(),
        };
        store.add_objects(request).await.expect("add_objects");
    }
    report(engine, "store_insert", rows, started.elapsed());
}

/// Pages through the collection with `added_after`, as TAXII clients do;
/// returns how many versions were read.
async fn scan(
    store: &dyn Store,
    c: &Collection,
    versions: &VersionFilter,
    manifest_only: bool,
) -> usize {
    let (mut cursor, mut seen) = (None, 0);
    loop {
        let query = ObjectQuery {
            api_root: c.api_root.clone(),
            collection_id: c.id.clone(),
            added_after: cursor,
            versions: versions.clone(),
            limit: PAGE,
            manifest_only,
            ..ObjectQuery::default()
        };
        let page = store.query_objects(&query).await.expect("query_objects");
        seen += page.items.len();
        cursor = page.items.last().map(|o| o.date_added).or(cursor);
        if !page.more {
            return seen;
        }
    }
}

/// Full scans through the store: every version, the latest versions
/// (TAXII's default), and the latest as a manifest (no JSON read). One
/// unreported scan first, so that no figure pays for a cold cache.
async fn store_scans(engine: &str, store: &dyn Store, c: &Collection) {
    scan(store, c, &VersionFilter::All, false).await;
    for (what, versions, manifest_only) in [
        ("store_scan_all", VersionFilter::All, false),
        ("store_scan_last", VersionFilter::default(), false),
        ("store_scan_manifest", VersionFilter::default(), true),
    ] {
        let started = Instant::now();
        let seen = scan(store, c, &versions, manifest_only).await;
        report(engine, what, seen, started.elapsed());
    }
}

/// The store and the raw path each write a fresh file of their own, so
/// that neither inserts into a table the other has already filled.
async fn sqlite_bench(dir: &std::path::Path, rows: usize) {
    let (store, c) = setup(&format!("sqlite:{}", dir.join("store.db").display())).await;
    store_insert("sqlite", store.as_ref(), &c, rows).await;
    store_scans("sqlite", store.as_ref(), &c).await;
    drop(store);
    let raw_path = dir.join("raw.db");
    let (store, raw) = setup(&format!("sqlite:{}", raw_path.display())).await;
    drop(store);
    tokio::task::spawn_blocking(move || sqlite_raw(&raw_path, &raw.id, rows))
        .await
        .expect("raw SQLite");
}

/// The same rows and transactions through plain rusqlite, with the store's
/// connection settings.
fn sqlite_raw(path: &std::path::Path, collection_id: &str, rows: usize) {
    let mut conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA cache_size = -65536; PRAGMA busy_timeout = 10000;",
    )
    .expect("pragmas");
    let seq: i64 = conn
        .query_row(
            "SELECT seq FROM collections WHERE id = ?1",
            [collection_id],
            |r| r.get(0),
        )
        .expect("collection");
    let started = Instant::now();
    for b in 0..rows / BATCH {
        let tx = conn.transaction().expect("begin");
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO objects (collection, date_added, id, type, spec_version, version, version_key,
                     is_first, is_last, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, 1, ?8)",
                )
                .expect("prepare");
            for n in b * BATCH..(b + 1) * BATCH {
                let o = indicator(n);
                insert
                    .execute(rusqlite::params![
                        seq,
                        n as i64 + 1,
                        o.id,
                        o.object_type,
                        o.spec_version,
                        o.version,
                        o.version_key,
                        o.json
                    ])
                    .expect("insert");
            }
        }
        tx.commit().expect("commit");
    }
    report("sqlite", "raw_insert", rows, started.elapsed());
    // One unreported pass first, as for the store scans.
    sqlite_scan(&conn, seq, RAW_COLUMNS[0].1);
    for (what, columns) in RAW_COLUMNS {
        let started = Instant::now();
        let seen = sqlite_scan(&conn, seq, columns);
        report("sqlite", what, seen, started.elapsed());
    }
}

/// The columns of a page, with and without the JSON text.
const RAW_COLUMNS: [(&str, &str); 2] = [
    ("raw_scan", "id, version, spec_version, date_added, json"),
    (
        "raw_scan_no_json",
        "id, version, spec_version, date_added, ''",
    ),
];

/// Pages through a collection by `date_added` with plain SQL.
fn sqlite_scan(conn: &rusqlite::Connection, seq: i64, columns: &str) -> usize {
    let sql = format!(
        "SELECT {columns} FROM objects WHERE collection = ?1 AND date_added > ?2 \
         ORDER BY date_added LIMIT ?3"
    );
    let (mut cursor, mut seen) = (0i64, 0usize);
    let mut stmt = conn.prepare_cached(&sql).expect("prepare");
    loop {
        let page: Vec<(String, String, String, i64, String)> = stmt
            .query_map(rusqlite::params![seq, cursor, PAGE as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        seen += page.len();
        match page.last() {
            Some(last) if page.len() == PAGE => cursor = last.3,
            _ => return seen,
        }
    }
}

mod pg {
    //! The PostgreSQL half: a fresh database, the store, and plain
    //! tokio-postgres with `UNNEST` arrays on the same schema.

    use super::*;
    use tokio_postgres::NoTls;

    async fn connect(url: &str) -> tokio_postgres::Client {
        let config: tokio_postgres::Config = url.parse().expect("a postgres:// URL");
        let (client, connection) = config.connect(NoTls).await.expect("connect to PostgreSQL");
        tokio::spawn(connection);
        client
    }

    fn with_database(server: &str, db: &str) -> String {
        let separator = if server.contains('?') { '&' } else { '?' };
        format!("{server}{separator}dbname={db}")
    }

    /// The store and the raw path each get a fresh database of their own.
    pub async fn bench(server: &str, rows: usize) {
        let names = ["store", "raw"].map(|n| format!("liaison_bench_{n}_{}", std::process::id()));
        let admin = connect(server).await;
        for name in &names {
            let create = format!("CREATE DATABASE {name}");
            admin.batch_execute(&create).await.expect("create database");
        }
        {
            let (store, c) = setup(&with_database(server, &names[0])).await;
            store_insert("postgres", store.as_ref(), &c, rows).await;
            // Statistics as autovacuum keeps them (see raw_bench).
            connect(&with_database(server, &names[0]))
                .await
                .batch_execute("ANALYZE objects")
                .await
                .expect("analyze");
            store_scans("postgres", store.as_ref(), &c).await;
        }
        {
            let url = with_database(server, &names[1]);
            let (store, raw) = setup(&url).await;
            drop(store);
            raw_bench(&url, &raw.id, rows).await;
        }
        for name in &names {
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            admin.batch_execute(&drop).await.expect("drop database");
        }
    }

    async fn raw_bench(url: &str, collection_id: &str, rows: usize) {
        let mut client = connect(url).await;
        let seq: i64 = client
            .query_one(
                "SELECT seq FROM collections WHERE id = $1",
                &[&collection_id],
            )
            .await
            .expect("collection")
            .get(0);
        let insert = client
            .prepare(
                "INSERT INTO objects (collection, date_added, id, type, spec_version, version, version_key,
                 is_first, is_last, json)
                 SELECT $1, d, i, t, s, v, k, true, true, j
                 FROM UNNEST($2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[], $8::text[])
                 AS r (d, i, t, s, v, k, j)",
            )
            .await
            .expect("prepare");
        let started = Instant::now();
        for b in 0..rows / BATCH {
            let objects: Vec<NewObject> = (b * BATCH..(b + 1) * BATCH).map(indicator).collect();
            let dates: Vec<i64> = (b * BATCH..(b + 1) * BATCH).map(|n| n as i64 + 1).collect();
            let column = |f: fn(&NewObject) -> &str| objects.iter().map(f).collect::<Vec<&str>>();
            let keys: Vec<i64> = objects.iter().map(|o| o.version_key).collect();
            let tx = client.transaction().await.expect("begin");
            tx.execute(
                &insert,
                &[
                    &seq,
                    &dates,
                    &column(|o| &o.id),
                    &column(|o| &o.object_type),
                    &column(|o| &o.spec_version),
                    &column(|o| &o.version),
                    &keys,
                    &column(|o| &o.json),
                ],
            )
            .await
            .expect("insert");
            tx.commit().await.expect("commit");
        }
        report("postgres", "raw_insert", rows, started.elapsed());
        // Statistics as autovacuum keeps them: a table never analyzed gets
        // sort-based plans for the first minute or so, not what we measure.
        client
            .batch_execute("ANALYZE objects")
            .await
            .expect("analyze");
        pg_scan(&client, seq, RAW_COLUMNS[0].1).await;
        for (what, columns) in RAW_COLUMNS {
            let started = Instant::now();
            let seen = pg_scan(&client, seq, columns).await;
            report("postgres", what, seen, started.elapsed());
        }
    }

    /// Pages through a collection by `date_added` with plain SQL.
    async fn pg_scan(client: &tokio_postgres::Client, seq: i64, columns: &str) -> usize {
        let scan = client
            .prepare(&format!(
                "SELECT {columns} FROM objects WHERE collection = $1 AND date_added > $2 \
                 ORDER BY date_added LIMIT $3"
            ))
            .await
            .expect("prepare");
        let (mut cursor, mut seen) = (0i64, 0usize);
        loop {
            let page = client
                .query(&scan, &[&seq, &cursor, &(PAGE as i64)])
                .await
                .expect("scan");
            seen += page.len();
            let values: Vec<(String, String, String, i64, String)> = page
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
                .collect();
            match values.last() {
                Some(last) if values.len() == PAGE => cursor = last.3,
                _ => return seen,
            }
        }
    }
}
