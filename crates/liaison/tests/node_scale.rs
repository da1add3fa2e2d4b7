//! Scale-out end to end: several `liaison serve` processes over one
//! PostgreSQL database serve one node consistently. Writers spread over the
//! processes post at once while a reader pages along; afterwards every
//! process pages through the same collection (by `next` and by
//! `added_after` + `X-TAXII-Date-Added-Last`) and returns the same sequence:
//! every object exactly once, `date_added` strictly increasing.

mod support;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use liaison_taxii::client::{Client, Filter};
use liaison_taxii::resources::ManifestRecord;
use reqwest::Url;
use serde_json::Value;
use support::node::{
    DEFAULT_COLLECTION, Database, PgDatabase, TestNode, envelope, indicator, indicator_id,
};

/// Processes over the one database.
const PROCESSES: usize = 3;
/// Writers per process.
const WRITERS_PER_PROCESS: usize = 2;
/// Envelopes each writer posts.
const ENVELOPES_PER_WRITER: usize = 15;
/// Objects per envelope.
const PER_ENVELOPE: usize = 20;
/// Page size of every paging client.
const PAGE: u64 = 100;

/// Object `n` of envelope `e` of writer `w`: distinct for every triple.
fn object_number(w: usize, e: usize, n: usize) -> u64 {
    ((w * ENVELOPES_PER_WRITER + e) * PER_ENVELOPE + n) as u64
}

fn all_ids() -> BTreeSet<String> {
    let writers = PROCESSES * WRITERS_PER_PROCESS;
    (0..writers)
        .flat_map(|w| {
            (0..ENVELOPES_PER_WRITER)
                .flat_map(move |e| (0..PER_ENVELOPE).map(move |n| object_number(w, e, n)))
        })
        .map(indicator_id)
        .collect()
}

/// A TAXII timestamp with six fractional digits: such strings order as
/// the times they name.
fn check_timestamp(t: &str) {
    assert!(
        t.len() == 27 && t.ends_with('Z') && t.as_bytes()[19] == b'.',
        "not a TAXII timestamp with microseconds: {t:?}"
    );
}

/// The processes' clients, each with its API root URL.
fn clients(nodes: &[TestNode]) -> Vec<(Client, Url)> {
    nodes
        .iter()
        .map(|n| (n.client(), n.api_root_url()))
        .collect()
}

#[derive(Clone, Copy, Debug)]
enum Paging {
    /// Follow `next`.
    Next,
    /// `added_after` = the previous page's `X-TAXII-Date-Added-Last`.
    AddedAfter,
}

/// The whole manifest, page by page; page `i` is asked of `clients[i % len]`
/// (so with several clients, one process's `next` is followed on another's).
async fn page_manifest(clients: &[(Client, Url)], paging: Paging) -> Vec<ManifestRecord> {
    let mut records = Vec::new();
    let mut filter = Filter {
        limit: Some(PAGE),
        ..Filter::default()
    };
    for i in 0.. {
        let (client, root) = &clients[i % clients.len()];
        let page = client
            .manifest(root, DEFAULT_COLLECTION, &filter)
            .await
            .expect("a manifest page");
        let count = page.body.objects.len();
        assert!(count as u64 <= PAGE);
        if let Some(last) = page.body.objects.last() {
            assert_eq!(
                page.date_added_last.as_deref(),
                Some(last.date_added.as_str())
            );
            assert_eq!(
                page.date_added_first.as_deref(),
                Some(page.body.objects[0].date_added.as_str())
            );
        }
        records.extend(page.body.objects);
        if !page.body.more {
            break;
        }
        assert!(count > 0, "more, yet an empty page");
        match paging {
            Paging::Next => {
                filter.next = Some(page.body.next.expect("more without next"));
            }
            Paging::AddedAfter => filter.added_after = page.date_added_last,
        }
    }
    records
}

/// The ids of every object, page by page (as [`page_manifest`]).
async fn page_object_ids(clients: &[(Client, Url)], paging: Paging) -> Vec<String> {
    let mut ids = Vec::new();
    let mut filter = Filter {
        limit: Some(PAGE),
        ..Filter::default()
    };
    for i in 0.. {
        let (client, root) = &clients[i % clients.len()];
        let page = client
            .get_objects(root, DEFAULT_COLLECTION, &filter)
            .await
            .expect("an objects page");
        for raw in &page.body.objects {
            let value: Value = serde_json::from_str(raw.get()).unwrap();
            ids.push(value["id"].as_str().unwrap().to_owned());
        }
        if !page.body.more {
            break;
        }
        match paging {
            Paging::Next => filter.next = Some(page.body.next.expect("more without next")),
            Paging::AddedAfter => filter.added_after = page.date_added_last,
        }
    }
    ids
}

/// Every object exactly once, in strictly increasing `date_added`.
fn check_sequence(what: &str, records: &[ManifestRecord], expected: &BTreeSet<String>) {
    let mut seen = BTreeSet::new();
    for pair in records.windows(2) {
        assert!(
            pair[0].date_added < pair[1].date_added,
            "{what}: date_added not strictly increasing: {:?} then {:?}",
            pair[0],
            pair[1]
        );
    }
    for record in records {
        check_timestamp(&record.date_added);
        assert!(seen.insert(&record.id), "{what}: {} twice", record.id);
    }
    assert_eq!(
        records.len(),
        expected.len(),
        "{what}: wrong number of objects"
    );
    assert!(
        records.iter().all(|r| expected.contains(&r.id)),
        "{what}: unknown objects"
    );
}

/// One page the concurrent reader got, with what was acknowledged before
/// it was asked for.
struct ReaderPage {
    /// `added_after` of the request (`None` for the first).
    after: Option<String>,
    records: Vec<ManifestRecord>,
    more: bool,
    /// How many entries of the acknowledgement log existed when the
    /// request was sent.
    acknowledged_before: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_over_one_database_serve_one_consistent_collection() {
    let database = Database::Postgres(PgDatabase::create());
    let first = TestNode::builder().database(database).start();
    let mut nodes = vec![first.sibling(), first.sibling()];
    nodes.insert(0, first);
    let clients = clients(&nodes);

    // Writers, spread over the processes; each acknowledged envelope goes
    // into the log with its object ids.
    let log: Arc<Mutex<Vec<Vec<String>>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..PROCESSES * WRITERS_PER_PROCESS {
        let (client, root) = clients[w % PROCESSES].clone();
        let log = log.clone();
        writers.push(tokio::spawn(async move {
            for e in 0..ENVELOPES_PER_WRITER {
                let numbers: Vec<u64> = (0..PER_ENVELOPE).map(|n| object_number(w, e, n)).collect();
                let objects: Vec<String> = numbers.iter().copied().map(indicator).collect();
                let status = client
                    .add_envelope(&root, DEFAULT_COLLECTION, envelope(&objects).into_bytes())
                    .await
                    .unwrap_or_else(|err| panic!("writer {w}, envelope {e}: {err}"));
                assert!(status.is_complete(), "{status:?}");
                assert_eq!(status.success_count, PER_ENVELOPE as u64, "{status:?}");
                log.lock()
                    .unwrap()
                    .push(numbers.into_iter().map(indicator_id).collect());
            }
        }));
    }

    // A reader paging by added_after while they write, each page from the
    // next process, until it has caught up after the writers finished.
    let writers_done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (clients, log, writers_done) = (clients.clone(), log.clone(), writers_done.clone());
        tokio::spawn(async move {
            let mut pages = Vec::new();
            let mut after: Option<String> = None;
            let deadline = tokio::time::Instant::now() + Duration::from_secs(300);
            for i in 0.. {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "the reader never caught up"
                );
                let finished = writers_done.load(Ordering::SeqCst);
                let acknowledged_before = log.lock().unwrap().len();
                let (client, root) = &clients[i % clients.len()];
                let filter = Filter {
                    limit: Some(PAGE),
                    added_after: after.clone(),
                    ..Filter::default()
                };
                let page = client
                    .manifest(root, DEFAULT_COLLECTION, &filter)
                    .await
                    .expect("a manifest page");
                let records = page.body.objects;
                let more = page.body.more;
                if let Some(last) = records.last() {
                    assert_eq!(
                        page.date_added_last.as_deref(),
                        Some(last.date_added.as_str())
                    );
                }
                let next_after = records.last().map(|r| r.date_added.clone());
                let empty = records.is_empty();
                pages.push(ReaderPage {
                    after: after.clone(),
                    records,
                    more,
                    acknowledged_before,
                });
                if let Some(next_after) = next_after {
                    after = Some(next_after);
                }
                if finished && !more {
                    return pages;
                }
                if empty {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
            unreachable!()
        })
    };
    for writer in writers {
        writer.await.expect("a writer failed");
    }
    writers_done.store(true, Ordering::SeqCst);
    let pages = reader.await.expect("the reader failed");

    let expected = all_ids();
    let log = log.lock().unwrap().clone();
    assert_eq!(log.iter().map(Vec::len).sum::<usize>(), expected.len());

    // Every process pages through the same sequence, by next and by
    // added_after, one process alone or all in turn.
    let reference = page_manifest(&clients[..1], Paging::Next).await;
    check_sequence("process 0 by next", &reference, &expected);
    let reference_ids: Vec<String> = reference.iter().map(|r| r.id.clone()).collect();
    for (i, one) in clients.iter().enumerate() {
        let one = std::slice::from_ref(one);
        for paging in [Paging::Next, Paging::AddedAfter] {
            let what = format!("process {i}, manifest by {paging:?}");
            let records = page_manifest(one, paging).await;
            check_sequence(&what, &records, &expected);
            assert_eq!(records, reference, "{what} differs from process 0");
            let ids = page_object_ids(one, paging).await;
            assert_eq!(ids, reference_ids, "process {i}, objects by {paging:?}");
        }
    }
    for paging in [Paging::Next, Paging::AddedAfter] {
        let records = page_manifest(&clients, paging).await;
        assert_eq!(
            records, reference,
            "pages from the processes in turn, {paging:?}"
        );
    }

    // The concurrent reader: strictly increasing, nothing twice, nothing
    // missed; every object acknowledged before a page was asked for is in
    // that page when the page covers its date_added.
    let date_added: std::collections::BTreeMap<&str, &str> = reference
        .iter()
        .map(|r| (r.id.as_str(), r.date_added.as_str()))
        .collect();
    let mut seen = BTreeSet::new();
    let mut last: Option<&str> = None;
    let mut checked = 0;
    for (p, page) in pages.iter().enumerate() {
        for record in &page.records {
            if let Some(last) = last {
                assert!(
                    last < record.date_added.as_str(),
                    "reader page {p}: {record:?} is not after {last}"
                );
            }
            last = Some(&record.date_added);
            assert!(
                seen.insert(record.id.as_str()),
                "reader saw {} twice",
                record.id
            );
            assert_eq!(date_added[record.id.as_str()], record.date_added);
        }
        let returned: BTreeSet<&str> = page.records.iter().map(|r| r.id.as_str()).collect();
        let covered = page.records.last().map(|r| r.date_added.as_str());
        for id in log[..page.acknowledged_before].iter().flatten() {
            let added = date_added[id.as_str()];
            let after_cursor = page.after.as_deref().is_none_or(|a| added > a);
            let within = !page.more || covered.is_some_and(|c| added <= c);
            checked += usize::from(after_cursor && within);
            assert!(
                !(after_cursor && within) || returned.contains(id.as_str()),
                "reader page {p} (added_after {:?}, more {}) missed {id} (date_added {added}), \
                 acknowledged before the page was asked for",
                page.after,
                page.more
            );
        }
    }
    let during = pages
        .iter()
        .filter(|p| p.acknowledged_before < log.len())
        .count();
    println!(
        "reader: {} pages, {during} while writers wrote; {checked} acknowledged-before-page checks",
        pages.len()
    );
    let union: BTreeSet<String> = seen.into_iter().map(str::to_owned).collect();
    assert_eq!(
        union, expected,
        "the reader's pages do not add up to the collection"
    );
}

#[test]
fn processes_started_together_on_a_fresh_database_all_come_up() {
    let database = Database::Postgres(PgDatabase::create());
    let password = "together-admin-password";
    let starters: Vec<_> = (0..PROCESSES)
        .map(|_| {
            let builder = TestNode::builder()
                .database(database.clone())
                .insecure_http()
                .admin_password(password);
            std::thread::spawn(move || builder.try_start())
        })
        .collect();
    let mut nodes = Vec::new();
    for starter in starters {
        match starter.join().unwrap() {
            Ok(node) => nodes.push(node),
            Err(failure) => panic!("a process did not come up: {failure}"),
        }
    }
    // One default collection and one administrator, whoever created them.
    let mut node = nodes.pop().unwrap();
    let collections = node.cli_ok(&["collection", "list"]);
    assert_eq!(
        collections
            .lines()
            .filter(|l| l.contains("\tshared\t"))
            .count(),
        1,
        "{collections}"
    );
    let users = node.cli_ok(&["user", "list"]);
    assert_eq!(users.lines().count(), 1, "{users}");
}
