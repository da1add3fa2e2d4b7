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
