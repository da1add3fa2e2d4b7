//! End-to-end durability of the real binary: what a node acknowledges
//! survives a SIGKILL at any moment, exactly once, on SQLite and on
//! PostgreSQL; and SIGTERM lets a request in flight finish before the node
//! exits cleanly.
//!
//! The crash point is "random-ish": after K acknowledged envelopes, K drawn
//! from the clock (printed; `LIAISON_TEST_KILL_AFTER=K` replays one). Nothing
//! here is timed: waits poll with deadlines, assertions are about content.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use liaison_taxii::client::{Client, Filter};
use serde_json::Value;
use support::node::{
    DEFAULT_COLLECTION, NodeBuilder, TAXII, TestNode, envelope, indicator, indicator_id,
};

/// Envelopes posted by the crash test.
const ENVELOPES: usize = 200;
/// Objects per envelope.
const PER_ENVELOPE: usize = 50;
/// Concurrent writers.
const WRITERS: usize = 4;

/// Object `n` of envelope `e`: distinct for every (e, n).
fn object_number(e: usize, n: usize) -> u64 {
    (e * PER_ENVELOPE + n) as u64
}

fn envelope_body(e: usize) -> String {
    let objects: Vec<String> = (0..PER_ENVELOPE)
        .map(|n| indicator(object_number(e, n)))
        .collect();
    envelope(&objects)
}

fn envelope_ids(e: usize) -> impl Iterator<Item = String> {
    (0..PER_ENVELOPE).map(move |n| indicator_id(object_number(e, n)))
}

/// After how many acknowledged envelopes to kill the node.
fn kill_point() -> usize {
    let k = std::env::var("LIAISON_TEST_KILL_AFTER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos() as usize);
            10 + nanos % 110
        });
    println!("killing after {k} acknowledged envelopes (LIAISON_TEST_KILL_AFTER={k} replays)");
    k
}

/// What the writers learnt.
#[derive(Default)]
struct Outcome {
    acknowledged: BTreeSet<usize>,
    unacknowledged: BTreeSet<usize>,
}

/// Posts every envelope from `WRITERS` tasks as fast as the node takes
/// them; kills the node (SIGKILL) once `kill_after` are acknowledged.
async fn post_until_killed(node: &mut TestNode, kill_after: usize) -> Outcome {
    let client = node.client();
    let root = node.api_root_url();
    let next = Arc::new(AtomicUsize::new(0));
    let acked = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let outcome = Arc::new(Mutex::new(Outcome::default()));
    let mut writers = Vec::new();
    for _ in 0..WRITERS {
        let (client, root, next, acked, killed, outcome) = (
            client.clone(),
            root.clone(),
            next.clone(),
            acked.clone(),
            killed.clone(),
            outcome.clone(),
        );
        writers.push(tokio::spawn(async move {
            loop {
                let e = next.fetch_add(1, Ordering::SeqCst);
                if e >= ENVELOPES {
                    return;
                }
                let result = client
                    .add_envelope(&root, DEFAULT_COLLECTION, envelope_body(e).into_bytes())
                    .await;
                match result {
                    Ok(status) => {
                        // An answer is an acknowledgement only when it says so.
                        assert!(status.is_consistent(), "{status:?}");
                        if status.is_complete() && status.success_count == PER_ENVELOPE as u64 {
                            outcome.lock().unwrap().acknowledged.insert(e);
                            acked.fetch_add(1, Ordering::SeqCst);
                        } else {
                            panic!("envelope {e}: not a full success: {status:?}");
                        }
                    }
                    Err(error) => {
                        assert!(
                            killed.load(Ordering::SeqCst),
                            "envelope {e} failed before the kill: {error}"
                        );
                        outcome.lock().unwrap().unacknowledged.insert(e);
                    }
                }
            }
        }));
    }
    // Poll (not a timed assertion): wait for the kill point.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(300);
    while acked.load(Ordering::SeqCst) < kill_after {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the writers stalled at {} acknowledgements",
            acked.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    killed.store(true, Ordering::SeqCst);
    node.kill9();
    for writer in writers {
        writer.await.expect("a writer panicked");
    }
    Arc::try_unwrap(outcome)
        .ok()
        .expect("writers are done")
        .into_inner()
        .unwrap()
}

/// Every manifest record of the default collection, by id: (count, versions).
async fn manifest_by_id(client: &Client, node: &TestNode) -> BTreeMap<String, Vec<String>> {
    let records = client
        .all_manifest(
            &node.api_root_url(),
            DEFAULT_COLLECTION,
            &Filter::default(),
            1000,
        )
        .await
        .expect("the manifest");
    let mut by_id: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for record in records {
        by_id.entry(record.id).or_default().push(record.version);
    }
    by_id
}

async fn crash_and_recover(builder: NodeBuilder) {
    let mut node = builder.start();
    let kill_after = kill_point();
    let outcome = post_until_killed(&mut node, kill_after).await;
    assert!(outcome.acknowledged.len() >= kill_after);
    assert_eq!(
        outcome.acknowledged.len() + outcome.unacknowledged.len(),
        ENVELOPES,
        "every envelope was either acknowledged or not"
    );

    node.restart();
    let client = node.client();
    let stored = manifest_by_id(&client, &node).await;
    // Exactly once: one manifest record (one version) per id.
    for (id, versions) in &stored {
        assert_eq!(versions.len(), 1, "{id} is stored {} times", versions.len());
    }
    // Every acknowledged object is there.
    for &e in &outcome.acknowledged {
        for id in envelope_ids(e) {
            assert!(
                stored.contains_key(&id),
                "{id} of acknowledged envelope {e} is lost"
            );
        }
    }
    // What was not acknowledged is all there or not at all (one transaction).
    for &e in &outcome.unacknowledged {
        let present = envelope_ids(e).filter(|id| stored.contains_key(id)).count();
        assert!(
            present == 0 || present == PER_ENVELOPE,
            "envelope {e} is half written: {present} of {PER_ENVELOPE} objects"
        );
    }
    let landed = outcome
        .unacknowledged
        .iter()
        .filter(|&&e| envelope_ids(e).any(|id| stored.contains_key(&id)))
        .count();
    println!(
        "{} envelopes acknowledged, {} not, of which {landed} were committed all the same",
        outcome.acknowledged.len(),
        outcome.unacknowledged.len()
    );
    // Nothing that was never posted.
    let posted: BTreeSet<String> = (0..ENVELOPES).flat_map(envelope_ids).collect();
    assert!(stored.keys().all(|id| posted.contains(id)));

    // The stored objects are the posted ones, as JSON values.
    let objects = client
        .all_objects(
            &node.api_root_url(),
            DEFAULT_COLLECTION,
            &Filter::default(),
            1000,
        )
        .await
        .expect("the objects");
    let mut by_id = BTreeMap::new();
    for raw in objects {
        let value: Value = serde_json::from_str(raw.get()).unwrap();
        let id = value["id"].as_str().unwrap().to_owned();
        assert!(by_id.insert(id.clone(), value).is_none(), "{id} twice");
    }
    assert_eq!(by_id.len(), stored.len(), "objects and manifest disagree");
    for &e in &outcome.acknowledged {
        for n in 0..PER_ENVELOPE {
            let number = object_number(e, n);
            let expected: Value = serde_json::from_str(&indicator(number)).unwrap();
            assert_eq!(
                by_id.get(&indicator_id(number)),
                Some(&expected),
                "object {number} came back changed"
            );
        }
    }
    // The versions endpoint agrees, for a few acknowledged objects.
    for &e in outcome.acknowledged.iter().step_by(17) {
        let id = indicator_id(object_number(e, e % PER_ENVELOPE));
        let versions = client
            .versions(
                &node.api_root_url(),
                DEFAULT_COLLECTION,
                &id,
                &Filter::default(),
            )
            .await
            .unwrap();
        assert_eq!(
            versions.body.versions,
            vec!["2024-01-01T00:00:00.000Z".to_owned()]
        );
    }

    // Posting the rest again completes cleanly (idempotent where it landed).
    for &e in &outcome.unacknowledged {
        let status = client
            .add_envelope(
                &node.api_root_url(),
                DEFAULT_COLLECTION,
                envelope_body(e).into_bytes(),
            )
            .await
            .unwrap_or_else(|err| panic!("re-posting envelope {e}: {err}"));
        assert!(status.is_complete(), "{status:?}");
        assert_eq!(status.success_count, PER_ENVELOPE as u64, "{status:?}");
    }
    let stored = manifest_by_id(&client, &node).await;
    assert_eq!(stored.len(), ENVELOPES * PER_ENVELOPE);
    assert!(stored.values().all(|v| v.len() == 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_objects_survive_kill9_exactly_once_on_sqlite() {
    crash_and_recover(TestNode::builder()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_objects_survive_kill9_exactly_once_on_postgres() {
    crash_and_recover(TestNode::builder().postgres()).await;
}

/// Reads one HTTP/1.1 response head from `stream`: (status, headers).
fn read_head(reader: &mut impl BufRead) -> (u16, Vec<String>) {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("a status line");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP status line: {status_line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a header line");
        if line.trim_end().is_empty() {
            return (status, headers);
        }
        headers.push(line.trim_end().to_owned());
    }
}

#[tokio::test]
async fn sigterm_lets_a_post_in_flight_finish_then_exits_0() {
    const OBJECTS: usize = 2000;
    let mut node = TestNode::start();
    let objects: Vec<String> = (0..OBJECTS as u64)
        .map(|n| indicator(1_000_000 + n))
        .collect();
    let body = envelope(&objects);
    let (user, password) = node.admin();
    let credentials =
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));

    // A raw HTTP/1.1 request over TLS, so that the test decides when each
    // part of it is sent.
    let config = Arc::new(node.tls_config());
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let connection = rustls::ClientConnection::new(config, name).unwrap();
    let tcp = TcpStream::connect(node.addr()).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let mut stream = rustls::StreamOwned::new(connection, tcp);
    let head = format!(
        "POST /default/collections/{DEFAULT_COLLECTION}/objects/ HTTP/1.1\r\n\
         Host: {addr}\r\n\
         Authorization: Basic {credentials}\r\n\
         Accept: {TAXII}\r\n\
         Content-Type: {TAXII}\r\n\
         Content-Length: {length}\r\n\
         Expect: 100-continue\r\n\
         Connection: close\r\n\r\n",
        addr = node.addr(),
        length = body.len(),
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.flush().unwrap();
    // "100 Continue" comes once the handler reads the body: the request is
    // in flight.
    let mut reader = BufReader::new(stream);
    let (status, _) = read_head(&mut reader);
    assert_eq!(status, 100, "expected 100 Continue");
    let half = body.len() / 2;
    reader
        .get_mut()
        .write_all(&body.as_bytes()[..half])
        .unwrap();
    reader.get_mut().flush().unwrap();

    node.send_sigterm();
    node.wait_for_log(|l| l.contains("shutting down"), Duration::from_secs(60));
    // New connections are refused from now on (poll until the listener is closed).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(node.addr()).is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "still accepting connections"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    reader
        .get_mut()
        .write_all(&body.as_bytes()[half..])
        .unwrap();
    reader.get_mut().flush().unwrap();
    let (status, headers) = read_head(&mut reader);
    let mut response = Vec::new();
    let _ = reader.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response);
    assert_eq!(status, 202, "{headers:?} {response}");
    let status: Value = serde_json::from_str(response.trim()).unwrap_or_else(|e| {
        panic!("the status resource ({e}): {response}");
    });
    assert_eq!(status["status"], "complete", "{status}");
    assert_eq!(status["success_count"], OBJECTS, "{status}");

    let exit = node.wait_exit(Duration::from_secs(60));
    assert!(exit.success(), "exit status {exit}");
    assert!(
        node.logs().iter().any(|l| l.contains("Liaison stopped")),
        "{:#?}",
        node.logs()
    );

    // The objects are there after a restart.
    node.restart();
    let stored = manifest_by_id(&node.client(), &node).await;
    assert_eq!(stored.len(), OBJECTS);
}

/// SIGTERM at the earliest moment a test kit can send it: right after the
/// "listening" line. The handler must be in place by then; otherwise the
/// default action kills the node (exit by signal 15, not 0).
#[test]
fn sigterm_right_after_listening_shuts_down_gracefully() {
    let mut node = TestNode::builder().insecure_http().start();
    for round in 0..3 {
        if round > 0 {
            node.restart();
        }
        let status = node.terminate();
        assert!(status.success(), "round {round}: {status}");
        assert!(
            node.logs().iter().any(|l| l.contains("Liaison stopped")),
            "round {round}: {:#?}",
            node.logs()
        );
    }
}
