//! Several writers at once: `date_added` must follow commit order, or a
//! client paging with `added_after` while others write would miss versions.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use liaison_core::clock::ManualClock;
use liaison_core::objects::ObjectQuery;

use super::*;

const WRITERS: u32 = 3;
const REQUESTS: u32 = 15;
const PER_REQUEST: u32 = 10;

pub async fn concurrent_writers_commit_in_date_added_order(backend: Arc<dyn Backend>) {
    let setup = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
    let c = collection(setup.as_ref(), None).await;

    // Each writer is its own handle (own connections or pool), as separate
    // processes are, with its own clock: standing still, and each behind
    // the previous one, as on machines whose clocks disagree.
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let clock = Arc::new(ManualClock::new(START - i64::from(w) * 1_000_000));
        let store = open(backend.as_ref(), clock).await;
        let c = c.clone();
        writers.push(tokio::spawn(async move {
            for r in 0..REQUESTS {
                let batch = (0..PER_REQUEST)
                    .map(|i| indicator(w * 10_000 + r * 100 + i, 0))
                    .collect();
                add(store.as_ref(), &c, batch).await;
                tokio::task::yield_now().await;
            }
        }));
    }

    // Meanwhile a client pages with added_after, as TAXII clients poll.
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let store = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
        let (c, done) = (c.clone(), done.clone());
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut cursor = None;
            loop {
                // Read the flag before querying: an empty page after all
                // writers finished means everything has been seen.
                let finished = done.load(Ordering::SeqCst);
                let query = ObjectQuery {
                    added_after: cursor,
                    limit: 13,
                    ..all(&c)
                };
                let page = store.query_objects(&query).await.unwrap();
                if page.items.is_empty() && finished {
                    return seen;
                }
                cursor = page.items.last().map(|o| o.date_added).or(cursor);
                seen.extend(page.items);
                tokio::task::yield_now().await;
            }
        })
    };
    for writer in writers {
        writer.await.unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let seen = reader.await.unwrap();

    let everything = fetch(setup.as_ref(), &all(&c)).await;
    let total = (WRITERS * REQUESTS * PER_REQUEST) as usize;
    assert_eq!(everything.len(), total);
    assert_increasing(&everything);
    let unique: HashSet<i64> = everything.iter().map(|o| o.date_added).collect();
    assert_eq!(unique.len(), total, "date_added is unique");
    assert_eq!(
        seen.len(),
        total,
        "the paging client missed or repeated versions"
    );
    assert_eq!(
        seen, everything,
        "the paging client saw everything, in order"
    );
}

const SHARERS: u32 = 3;
const SHARES: u32 = 8;
const PER_SHARE: u32 = 3;

/// Several handles (as several processes) share to the same peers at once,
/// each into its own outbound collection so that only the peers' outbox
/// counters are contended, while another records local feedback and a
/// pulling peer pages through the log. Every peer's log must number its
/// messages 1, 2, 3, … with no gap or repeat, in commit order: a reader
/// paging with `after` sees each message exactly once.
pub async fn concurrent_sharers_number_each_peer_in_commit_order(backend: Arc<dyn Backend>) {
    use super::kit::{act_message, feedback, share_batch};
    use liaison_core::exchange::MessageKind;

    let setup = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
    let mut tasks = Vec::new();
    for w in 0..SHARERS {
        let c = collection(setup.as_ref(), Some(&format!("to-{w}"))).await;
        let store = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
        tasks.push(tokio::spawn(async move {
            let mut enqueued = Vec::new();
            for r in 0..SHARES {
                let objects: Vec<_> = (0..PER_SHARE)
                    .map(|i| indicator(w * 10_000 + r * 100 + i, 0))
                    .collect();
                // Peers in either order: the store, not the caller, must
                // fix the order in which their counters are locked.
                let peers: &[&str] = if (w + r) % 2 == 0 {
                    &["cert-b", "cert-c"]
                } else {
                    &["cert-c", "cert-b"]
                };
                let outcome = store.share(share_batch(&c, &objects, peers)).await.unwrap();
                for peer in ["cert-b", "cert-c"] {
                    let mine: Vec<u64> = outcome
                        .enqueued
                        .iter()
                        .filter(|(p, _)| p == peer)
                        .map(|(_, s)| *s)
                        .collect();
                    assert_eq!(mine.len(), PER_SHARE as usize);
                    assert!(
                        mine.windows(2).all(|w| w[1] == w[0] + 1),
                        "one share's messages are consecutive: {mine:?}"
                    );
                }
                enqueued.extend(outcome.enqueued);
                tokio::task::yield_now().await;
            }
            enqueued
        }));
    }
    {
        let store = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
        tasks.push(tokio::spawn(async move {
            let mut enqueued = Vec::new();
            for i in 0..SHARES {
                let record = feedback(
                    MessageKind::Acceptance,
                    &format!("acc-{i}"),
                    "cert-a",
                    Some("x"),
                    1,
                );
                let message = act_message("cert-b", &format!("acc-msg-{i}"));
                enqueued.extend(
                    store
                        .record_local_feedback(&record, vec![message])
                        .await
                        .unwrap(),
                );
                tokio::task::yield_now().await;
            }
            enqueued
        }));
    }

    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let store = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
        let done = done.clone();
        tokio::spawn(async move {
            let (mut seen, mut cursor) = (Vec::new(), 0);
            loop {
                let finished = done.load(Ordering::SeqCst);
                let page = store.outbox_after("cert-b", cursor, 7).await.unwrap();
                if page.is_empty() && finished {
                    return seen;
                }
                cursor = page.last().map_or(cursor, |r| r.seq);
                seen.extend(page);
                tokio::task::yield_now().await;
            }
        })
    };
    let mut enqueued = Vec::new();
    for task in tasks {
        enqueued.extend(task.await.unwrap());
    }
    done.store(true, Ordering::SeqCst);
    let seen = reader.await.unwrap();

    let per_peer = (SHARERS * SHARES * PER_SHARE) as u64;
    let b = setup.outbox_after("cert-b", 0, 100_000).await.unwrap();
    let c = setup.outbox_after("cert-c", 0, 100_000).await.unwrap();
    let total_b = per_peer + u64::from(SHARES);
    assert_eq!(
        b.iter().map(|r| r.seq).collect::<Vec<_>>(),
        (1..=total_b).collect::<Vec<_>>()
    );
    assert_eq!(
        c.iter().map(|r| r.seq).collect::<Vec<_>>(),
        (1..=per_peer).collect::<Vec<_>>()
    );
    let unique: HashSet<&str> = b.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(unique.len() as u64, total_b);
    assert_eq!(seen, b, "the pulling peer saw every message once, in order");
    let mut reported: Vec<(String, u64)> = enqueued;
    reported.sort();
    let mut stored: Vec<(String, u64)> = b
        .iter()
        .chain(&c)
        .map(|r| (r.peer.clone(), r.seq))
        .collect();
    stored.sort();
    assert_eq!(
        reported, stored,
        "what the calls reported is what is stored"
    );
}

const RECEIVERS: u32 = 4;
const MESSAGES: u32 = 20;

/// Several handles apply overlapping requests of one peer at once (a push
/// retried while a pull runs, over several processes): every message is
/// applied exactly once, every object stored once, and of several requests
/// with one nonce exactly one goes through.
pub async fn concurrent_receivers_apply_each_message_once(backend: Arc<dyn Backend>) {
    use super::kit::inbound;
    use liaison_core::exchange::MessageOutcome;

    let setup = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
    let c = collection(setup.as_ref(), Some("from-cert-b")).await;
    let objects: Vec<_> = (0..MESSAGES).map(|n| indicator(n, 0)).collect();
    let mut tasks = Vec::new();
    for h in 0..RECEIVERS {
        let store = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
        let (c, mut objects) = (c.clone(), objects.clone());
        // Each handle sends the same messages from a different start, in
        // two requests: the requests overlap in every way.
        objects.rotate_left((h * 5) as usize);
        tasks.push(tokio::spawn(async move {
            let mut applied = Vec::new();
            for (part, chunk) in objects.chunks(10).enumerate() {
                let batch = inbound("cert-b", &format!("n-{h}-{part}"), &c, chunk);
                let ids: Vec<String> = batch.messages.iter().map(|m| m.id.clone()).collect();
                let outcomes = store.receive(batch).await.unwrap();
                for (id, outcome) in ids.into_iter().zip(outcomes) {
                    match outcome {
                        MessageOutcome::Applied => applied.push(id),
                        MessageOutcome::AlreadyApplied => {}
                        refused => panic!("{id}: {refused:?}"),
                    }
                }
            }
            let mut same_nonce = inbound("cert-b", "shared", &c, &[]);
            same_nonce.add = None;
            (applied, store.receive(same_nonce).await.is_ok())
        }));
    }
    let (mut applied, mut accepted) = (Vec::new(), 0);
    for task in tasks {
        let (ids, ok) = task.await.unwrap();
        applied.extend(ids);
        accepted += usize::from(ok);
    }
    applied.sort();
    let mut expected: Vec<String> = objects.iter().map(super::kit::object_message_id).collect();
    expected.sort();
    assert_eq!(applied, expected, "each message applied exactly once");
    assert_eq!(accepted, 1, "one request per nonce");

    let stored = fetch(setup.as_ref(), &all(&c)).await;
    assert_eq!(stored.len(), MESSAGES as usize);
    assert_increasing(&stored);
    for o in &objects {
        assert_eq!(setup.provenance_of(&o.id).await.unwrap().len(), 1);
    }
}

/// Many adds at once on one handle: each gets its own outcome, a failing
/// one (an unknown collection) fails alone, and every version is stored
/// once, in `date_added` order.
pub async fn concurrent_adds_each_get_their_own_outcome(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let c = collection(store.as_ref(), None).await;
    let mut tasks = Vec::new();
    for t in 0..24u32 {
        let (store, c) = (store.clone(), c.clone());
        tasks.push(tokio::spawn(async move {
            // Every third add repeats the objects of the one before it.
            let first = (t - t % 3 / 2) * 5;
            let items = (first..first + 5)
                .map(|n| AddItem::Valid(indicator(n, 0)))
                .collect();
            let mut request = request(&c, items);
            if t % 4 == 3 {
                request.collection_id = "no-such-collection".into();
            }
            (t, store.add_objects(request).await)
        }));
    }
    for task in tasks {
        let (t, outcome) = task.await.unwrap();
        if t % 4 == 3 {
            assert!(
                matches!(outcome, Err(liaison_core::StoreError::NotFound(_))),
                "add {t}: {outcome:?}"
            );
        } else {
            let status = outcome.unwrap();
            assert_eq!(
                (status.successes.len(), status.failures.len()),
                (5, 0),
                "add {t}"
            );
            assert!(status.counts_agree(), "add {t}");
        }
    }
    let stored = fetch(store.as_ref(), &all(&c)).await;
    let ids: HashSet<&str> = stored.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids.len(), stored.len(), "each version once");
    let expected: HashSet<u32> = (0..24u32)
        .filter(|t| t % 4 != 3)
        .flat_map(|t| {
            let first = (t - t % 3 / 2) * 5;
            first..first + 5
        })
        .collect();
    assert_eq!(stored.len(), expected.len());
    assert!(stored.windows(2).all(|w| w[0].date_added < w[1].date_added));
}
