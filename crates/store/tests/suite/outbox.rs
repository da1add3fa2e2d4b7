//! The outbox as a per-peer log: sequence numbers per peer from 1, what is
//! pending, what a pulling peer reads, and deliveries with their receipts.

use std::sync::Arc;

use liaison_core::Store;
use liaison_core::clock::{Clock, ManualClock};
use liaison_core::exchange::MessageKind;

use super::kit::*;
use super::*;

pub async fn sequences_are_per_peer_and_start_at_one(
    store: Arc<dyn Store>,
    clock: Arc<ManualClock>,
) {
    let s = store.as_ref();
    let to_all = collection(s, Some("to-all")).await;
    let to_b = collection(s, Some("to-cert-b")).await;
    assert_eq!(s.outbox_pending("cert-b", 10).await.unwrap(), vec![]);

    let first = s
        .share(share_batch(
            &to_all,
            &[indicator(1, 0)],
            &["cert-c", "cert-b"],
        ))
        .await
        .unwrap();
    assert_eq!(
        first.enqueued,
        vec![("cert-c".to_string(), 1), ("cert-b".to_string(), 1)]
    );
    clock.advance(10);
    let second = s
        .share(share_batch(
            &to_b,
            &[indicator(2, 0), indicator(3, 0)],
            &["cert-b"],
        ))
        .await
        .unwrap();
    assert_eq!(
        second.enqueued,
        vec![("cert-b".to_string(), 2), ("cert-b".to_string(), 3)]
    );
    // Local feedback continues the same numbering.
    let accepted = feedback(MessageKind::Acceptance, "acc-1", SELF, Some("x"), 5);
    let mut message = act_message("cert-b", "acc-msg-1");
    message.kind = MessageKind::Acceptance;
    let third = s
        .record_local_feedback(&accepted, vec![message, act_message("cert-d", "acc-msg-1")])
        .await
        .unwrap();
    assert_eq!(
        third,
        vec![("cert-b".to_string(), 4), ("cert-d".to_string(), 1)]
    );
    let b = s.outbox_after("cert-b", 0, 100).await.unwrap();
    assert_eq!(seqs(&b), vec![1, 2, 3, 4]);
    assert!(b.windows(2).all(|w| w[0].created_at <= w[1].created_at));
    assert_eq!(
        seqs(&s.outbox_after("cert-c", 0, 100).await.unwrap()),
        vec![1]
    );
    assert_eq!(
        seqs(&s.outbox_after("cert-d", 0, 100).await.unwrap()),
        vec![1]
    );
}

pub async fn pending_after_and_delivered(store: Arc<dyn Store>, clock: Arc<ManualClock>) {
    let s = store.as_ref();
    let c = collection(s, Some("to-cert-b")).await;
    let objects: Vec<_> = (1..=5).map(|n| indicator(n, 0)).collect();
    s.share(share_batch(&c, &objects, &["cert-b"]))
        .await
        .unwrap();

    let page = s.outbox_pending("cert-b", 2).await.unwrap();
    assert_eq!(seqs(&page), vec![1, 2]);
    assert_eq!(s.outbox_pending("cert-b", 0).await.unwrap(), vec![]);
    assert_eq!(s.outbox_pending("cert-x", 10).await.unwrap(), vec![]);
    assert_eq!(s.outbox_pending_count("cert-b").await.unwrap(), 5);
    assert_eq!(s.outbox_pending_count("cert-x").await.unwrap(), 0);

    // Delivered with their receipts, in one call; unknown seqs are ignored.
    let delivered_at = clock.now_micros() + 1_000;
    let receipts: Vec<_> = objects[..2]
        .iter()
        .map(|o| {
            feedback(
                MessageKind::Receipt,
                &format!("r-{}", o.id),
                "cert-b",
                Some(&o.id),
                delivered_at,
            )
        })
        .collect();
    s.mark_delivered(
        "cert-b",
        &[1, 2, 99, u64::MAX],
        receipts.clone(),
        delivered_at,
    )
    .await
    .unwrap();
    assert_eq!(
        seqs(&s.outbox_pending("cert-b", 10).await.unwrap()),
        vec![3, 4, 5]
    );
    assert_eq!(s.outbox_pending_count("cert-b").await.unwrap(), 3);
    for (o, receipt) in objects.iter().zip(&receipts) {
        assert_eq!(s.feedback_of(&o.id).await.unwrap(), vec![receipt.clone()]);
    }

    // Delivering again keeps the first time and the receipts stay single.
    s.mark_delivered("cert-b", &[2, 3], receipts.clone(), delivered_at + 5)
        .await
        .unwrap();
    let log = s.outbox_after("cert-b", 0, 100).await.unwrap();
    assert_eq!(seqs(&log), vec![1, 2, 3, 4, 5], "rows stay after delivery");
    assert_eq!(
        log.iter().map(|r| r.delivered_at).collect::<Vec<_>>(),
        vec![
            Some(delivered_at),
            Some(delivered_at),
            Some(delivered_at + 5),
            None,
            None
        ]
    );
    assert_eq!(s.feedback_of(&objects[0].id).await.unwrap().len(), 1);
    assert_eq!(
        seqs(&s.outbox_pending("cert-b", 10).await.unwrap()),
        vec![4, 5]
    );

    // What a pulling peer reads: after a position, delivered or not.
    assert_eq!(
        seqs(&s.outbox_after("cert-b", 3, 100).await.unwrap()),
        vec![4, 5]
    );
    assert_eq!(
        seqs(&s.outbox_after("cert-b", 1, 2).await.unwrap()),
        vec![2, 3]
    );
    assert_eq!(s.outbox_after("cert-b", 5, 100).await.unwrap(), vec![]);
    assert_eq!(
        s.outbox_after("cert-b", u64::MAX, 100).await.unwrap(),
        vec![]
    );
    assert_eq!(s.outbox_after("cert-c", 0, 100).await.unwrap(), vec![]);
}

/// A message that goes to many peers with the same bytes (a share to
/// `all`) keeps one copy of its payload and one of its provenance record.
pub async fn a_payload_sent_to_many_peers_is_stored_once(backend: Arc<dyn Backend>) {
    let store = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
    let s = store.as_ref();
    let to_all = collection(s, Some("to-all")).await;
    let o = indicator(1, 0);
    let mut batch = share_batch(
        &to_all,
        std::slice::from_ref(&o),
        &["cert-b", "cert-c", "cert-d"],
    );
    for m in &mut batch.outbox {
        m.payload = format!(r#"{{"to":"all","object":{}}}"#, o.json);
    }
    // The one record signed for every recipient of `all`.
    for p in &mut batch.provenance {
        p.json = format!(r#"{{"prov":"{}","for":"all"}}"#, o.id);
    }
    let payload = batch.outbox[0].payload.clone();
    let shared = s.share(batch).await.unwrap();
    assert_eq!(shared.enqueued.len(), 3);
    let stored = "SELECT count(*) FROM outbox_payloads";
    assert_eq!(backend.count(stored).await, 1);
    let records = "SELECT count(*) FROM provenance_records";
    assert_eq!(backend.count(records).await, 1);
    let rows = s.provenance_of(&o.id).await.unwrap();
    assert_eq!(
        rows.iter()
            .map(|p| p.recipient.as_str())
            .collect::<Vec<_>>(),
        ["cert-b", "cert-c", "cert-d"]
    );
    assert!(rows.iter().all(|p| p.json == rows[0].json));
    // Kept once per transaction: a later call stores its own copy.
    let mut late = act_message("cert-e", "late");
    late.payload = payload.clone();
    s.enqueue(vec![late]).await.unwrap();
    assert_eq!(backend.count(stored).await, 2);
    for peer in ["cert-b", "cert-c", "cert-d", "cert-e"] {
        let rows = s.outbox_after(peer, 0, 10).await.unwrap();
        assert_eq!(rows.len(), 1, "{peer}");
        assert_eq!(rows[0].payload, payload, "{peer}");
    }
    // Different bytes are different payloads, even in one call.
    let mut other = act_message("cert-b", "other");
    other.payload = format!("{payload} ");
    s.enqueue(vec![act_message("cert-c", "third"), other])
        .await
        .unwrap();
    assert_eq!(backend.count(stored).await, 4);
    assert_eq!(
        s.outbox_after("cert-b", 1, 10).await.unwrap()[0].payload,
        format!("{payload} ")
    );
}
