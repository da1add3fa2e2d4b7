//! Crash of the originator during delivery: cert-a shares 10,000 objects
//! with cert-b in one go, is killed with SIGKILL while its delivery worker
//! pushes them, and restarts; every object then reaches cert-b exactly
//! once (cert-b's TAXII manifest, every version: 10,000 records, no id
//! twice), and cert-a's outbox for cert-b drains with every receipt in.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::Value;
use support::commonwealth::{Commonwealth, wait_until};
use support::node::{indicator, indicator_id};

const A: &str = "cert-a";
const B: &str = "cert-b";
const OBJECTS: u64 = 10_000;
/// Ids of this test's objects start here.
const FIRST: u64 = 1_000_000;

/// A's delivery state for B (`GET /admin/v1/federation`).
fn peer_b(cw: &Commonwealth) -> Value {
    cw.federation(A)["peers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == B)
        .cloned()
        .expect("B is A's peer")
}

#[test]
fn killing_the_originator_during_delivery_loses_and_duplicates_nothing() {
    let mut cw = Commonwealth::found(&[A, B]);
    let objects: Vec<String> = (FIRST..FIRST + OBJECTS).map(indicator).collect();
    let file = cw.write_objects(&objects);
    let out = cw.cli_ok(A, &["share", file.to_str().unwrap(), "--to", B]);
    assert!(
        out.contains("shared 10000 object version(s) with cert-b"),
        "{out}"
    );

    // Kill A as soon as B has acknowledged part of it.
    wait_until(
        "A delivered a first batch",
        Duration::from_secs(120),
        || peer_b(&cw)["delivered"].as_u64().unwrap_or(0) > 0,
    );
    cw.node_mut(A).kill9();
    let held_at_kill = cw.inbound_ids(B, A).len() as u64;
    eprintln!("A killed with {held_at_kill} of {OBJECTS} objects at B");
    assert!(held_at_kill > 0);

    cw.node_mut(A).restart();
    wait_until("A's outbox for B drained", Duration::from_secs(300), || {
        peer_b(&cw)["pending"] == 0
    });

    let records = cw.manifest(B, "from-cert-a");
    let ids: BTreeSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), records.len(), "an object arrived twice");
    let expected: BTreeSet<String> = (FIRST..FIRST + OBJECTS).map(indicator_id).collect();
    assert_eq!(
        ids,
        expected
            .iter()
            .map(String::as_str)
            .collect::<BTreeSet<&str>>(),
        "every object exactly once"
    );
    // One message per object was queued, never more (the restart did not
    // enqueue anything again), and each is receipted.
    let a_store = cw.store(A);
    let sent = cw
        .block_on(a_store.outbox_after(B, 0, 2 * OBJECTS as usize))
        .unwrap();
    assert_eq!(sent.len() as u64, OBJECTS);
    assert!(sent.iter().all(|row| row.delivered_at.is_some()));
    for n in [FIRST, FIRST + OBJECTS / 2, FIRST + OBJECTS - 1] {
        let state = cw.recipient_status(A, &indicator_id(n), B);
        assert_eq!(state["state"], "delivered", "{state}");
    }
}
