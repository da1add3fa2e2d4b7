//! Sharing: the objects, their status, their provenance records and the
//! outbox messages commit together; conflicts enqueue nothing; sharing
//! again changes nothing.

use std::sync::Arc;

use liaison_core::Store;
use liaison_core::clock::{Clock, ManualClock};
use liaison_core::exchange::MessageKind;
use liaison_core::ingest::AddItem;
use liaison_core::status::StatusState;

use super::kit::*;
use super::*;

pub async fn share_commits_objects_status_provenance_and_outbox(
    store: Arc<dyn Store>,
    clock: Arc<ManualClock>,
) {
    let s = store.as_ref();
    let c = collection(s, Some("to-all")).await;
    let objects = [indicator(1, 0), indicator(2, 0), observable(3)];
    let batch = share_batch(&c, &objects, &["cert-b", "cert-c"]);
    let outcome = s.share(batch.clone()).await.unwrap();

    // The status is the one add_objects would have written, and is stored.
    assert_eq!(outcome.status.successes.len(), 3);
    assert_eq!(outcome.status.state, StatusState::Complete);
    assert!(outcome.status.counts_agree());
    assert_eq!(
        s.status(ROOT, &batch.add.status_id).await.unwrap(),
        Some(outcome.status.clone())
    );
    let stored = fetch(s, &all(&c)).await;
    assert_eq!(
        stored.iter().map(|o| o.json.clone()).collect::<Vec<_>>(),
        objects.iter().map(|o| o.json.clone()).collect::<Vec<_>>(),
        "in request order"
    );
    assert_eq!(stored[0].date_added, START);

    // Enqueued: per peer from 1, listed in batch order.
    assert_eq!(
        outcome.enqueued,
        vec![
            ("cert-b".to_string(), 1),
            ("cert-c".to_string(), 1),
            ("cert-b".to_string(), 2),
            ("cert-c".to_string(), 2),
            ("cert-b".to_string(), 3),
            ("cert-c".to_string(), 3),
        ]
    );
    for peer in ["cert-b", "cert-c"] {
        let rows = s.outbox_pending(peer, 100).await.unwrap();
        assert_eq!(seqs(&rows), vec![1, 2, 3]);
        for (row, o) in rows.iter().zip(&objects) {
            let sent = object_message(peer, o);
            assert_eq!(
                (&row.peer, &row.id, row.kind, &row.payload, &row.object),
                (&sent.peer, &sent.id, sent.kind, &sent.payload, &sent.object)
            );
            assert_eq!(
                (row.created_at, row.delivered_at),
                (clock.now_micros(), None)
            );
        }
    }

    // One provenance record per recipient; an own share has no origin.
    for o in &objects {
        assert_eq!(
            s.provenance_of(&o.id).await.unwrap(),
            vec![provenance(o, SELF, "cert-b"), provenance(o, SELF, "cert-c")]
        );
        assert_eq!(s.origin_of(&o.id).await.unwrap(), None);
        let about = s.outbox_of_object(&o.id).await.unwrap();
        assert_eq!(
            about
                .iter()
                .map(|r| (r.peer.as_str(), r.object.clone()))
                .collect::<Vec<_>>(),
            vec![("cert-b", Some(key_of(o))), ("cert-c", Some(key_of(o)))]
        );
    }
}

pub async fn conflicting_objects_enqueue_nothing(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let s = store.as_ref();
    let c = collection(s, Some("to-all")).await;
    let held = indicator(1, 0);
    add(s, &c, vec![held.clone()]).await;

    // The same id and version with other content conflicts; its neighbour
    // and a message about no object go out.
    let clash = versioned("indicator", 1, 0, "2.1", " changed");
    let fine = indicator(2, 0);
    let mut batch = share_batch(&c, &[clash.clone(), fine.clone()], &["cert-b"]);
    batch.outbox.push(act_message("cert-b", "act-1"));
    let outcome = s.share(batch).await.unwrap();
    assert_eq!(outcome.status.failures.len(), 1);
    assert_eq!(outcome.status.failures[0].id, clash.id);
    assert_eq!(outcome.status.successes.len(), 1);
    assert_eq!(
        outcome.enqueued,
        vec![("cert-b".to_string(), 1), ("cert-b".to_string(), 2)]
    );
    let rows = s.outbox_pending("cert-b", 100).await.unwrap();
    assert_eq!(
        ids(&rows),
        vec![object_message_id(&fine), "act-1".to_string()]
    );
    assert_eq!(rows[1].kind, MessageKind::Act);
    assert_eq!(rows[1].object, None);
    assert_eq!(s.provenance_of(&clash.id).await.unwrap(), vec![]);
    assert_eq!(s.outbox_of_object(&clash.id).await.unwrap(), vec![]);
    assert_eq!(s.provenance_of(&fine.id).await.unwrap().len(), 1);
    // The held version is untouched.
    let stored = fetch(s, &all(&c)).await;
    assert_eq!(stored[0].json, held.json);

    // Invalid items are reported as add_objects reports them, and a batch
    // of nothing but conflicts enqueues nothing.
    let mut batch = share_batch(&c, &[clash], &["cert-b", "cert-c"]);
    batch
        .add
        .items
        .push(AddItem::Invalid(liaison_core::status::StatusDetail {
            id: "indicator--bad".into(),
            version: String::new(),
            message: Some("bad".into()),
        }));
    let outcome = s.share(batch).await.unwrap();
    assert_eq!(outcome.enqueued, vec![]);
    assert_eq!(outcome.status.failures.len(), 2);
    assert_eq!(s.outbox_pending("cert-c", 10).await.unwrap(), vec![]);
}

pub async fn resharing_is_idempotent(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let s = store.as_ref();
    let c = collection(s, Some("to-all")).await;
    let objects = [indicator(1, 0), indicator(2, 0)];
    let first = s
        .share(share_batch(&c, &objects, &["cert-b"]))
        .await
        .unwrap();
    assert_eq!(first.enqueued.len(), 2);
    let before = s.outbox_after("cert-b", 0, 100).await.unwrap();

    // The same share again (a retry with a new status id): nothing new.
    let again = s
        .share(share_batch(&c, &objects, &["cert-b"]))
        .await
        .unwrap();
    assert_eq!(again.enqueued, vec![]);
    assert!(
        again
            .status
            .successes
            .iter()
            .all(|d| d.message.as_deref() == Some("already present; nothing changed"))
    );
    assert_eq!(s.outbox_after("cert-b", 0, 100).await.unwrap(), before);
    assert_eq!(fetch(s, &all(&c)).await.len(), 2);
    assert_eq!(s.provenance_of(&objects[0].id).await.unwrap().len(), 1);

    // Sharing what is already present with a new peer enqueues for it only;
    // a message repeated inside one batch is enqueued once.
    let mut batch = share_batch(&c, &objects[..1], &["cert-b", "cert-d"]);
    batch.outbox.push(object_message("cert-d", &objects[0]));
    let widened = s.share(batch).await.unwrap();
    assert_eq!(widened.enqueued, vec![("cert-d".to_string(), 1)]);
    assert_eq!(s.provenance_of(&objects[0].id).await.unwrap().len(), 2);

    // A new version is a new object message, after the others.
    let newer = indicator(1, 1);
    let next = s
        .share(share_batch(&c, std::slice::from_ref(&newer), &["cert-b"]))
        .await
        .unwrap();
    assert_eq!(next.enqueued, vec![("cert-b".to_string(), 3)]);
    assert_eq!(next.status.successes[0].message, None);
}
