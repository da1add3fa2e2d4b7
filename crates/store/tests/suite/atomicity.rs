//! All or nothing: a share, a receive, local feedback or a delivery that
//! fails at its last write leaves no trace of its earlier writes. The
//! failure is injected with a trigger on the table written last.

use std::sync::Arc;

use liaison_core::clock::ManualClock;
use liaison_core::exchange::{LogSpan, MessageKind, MessageOutcome};

use super::kit::*;
use super::*;

pub async fn a_failed_share_stores_nothing(backend: Arc<dyn Backend>) {
    let store = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
    let s = store.as_ref();
    let c = collection(s, Some("to-all")).await;
    backend.fail_inserts("outbox", "id", "poison").await;

    // The outbox is written after the objects, their status and their
    // provenance; the poisoned message is the last of all.
    let objects = [indicator(1, 0), indicator(2, 0)];
    let mut batch = share_batch(&c, &objects, &["cert-b", "cert-c"]);
    batch.outbox.push(act_message("cert-c", "poison"));
    assert!(s.share(batch.clone()).await.is_err());
    assert_eq!(fetch(s, &all(&c)).await, vec![]);
    assert_eq!(s.status(ROOT, &batch.add.status_id).await.unwrap(), None);
    for o in &objects {
        assert_eq!(s.provenance_of(&o.id).await.unwrap(), vec![]);
    }
    for peer in ["cert-b", "cert-c"] {
        assert_eq!(s.outbox_after(peer, 0, 10).await.unwrap(), vec![]);
    }

    // Without the poisoned message the same share succeeds, numbered from 1
    // as if the failed one never happened.
    batch.outbox.pop();
    let outcome = s.share(batch).await.unwrap();
    assert_eq!(outcome.enqueued.len(), 4);
    assert_eq!(
        seqs(&s.outbox_after("cert-c", 0, 10).await.unwrap()),
        vec![1, 2]
    );
    assert_eq!(fetch(s, &all(&c)).await.len(), 2);
}

pub async fn a_failed_receive_stores_nothing_not_even_the_nonce(backend: Arc<dyn Backend>) {
    let store = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
    let s = store.as_ref();
    let c = collection(s, Some("from-cert-b")).await;
    backend.fail_inserts("ledger_acts", "hash", "poison").await;

    let objects = [indicator(1, 0)];
    let mut batch = inbound("cert-b", "n1", &c, &objects);
    batch.messages.push(feedback_message(
        "m-rc",
        feedback(MessageKind::Receipt, "rc", "cert-b", Some("mine"), 1),
    ));
    batch.messages.push(act_inbound("m-act", act("poison", 1)));
    batch.log = Some(LogSpan { first: 1, last: 4 });
    assert!(s.receive(batch.clone()).await.is_err());
    assert_eq!(fetch(s, &all(&c)).await, vec![]);
    assert_eq!(s.provenance_of(&objects[0].id).await.unwrap(), vec![]);
    assert_eq!(s.feedback_of("mine").await.unwrap(), vec![]);
    assert_eq!(s.pulled_up_to("cert-b").await.unwrap(), 0);

    // Neither the nonce nor the message ids were kept: the same request,
    // once it can be stored, applies in full.
    batch.messages.pop();
    assert_eq!(
        s.receive(batch).await.unwrap(),
        vec![MessageOutcome::Applied, MessageOutcome::Applied]
    );
    assert_eq!(fetch(s, &all(&c)).await.len(), 1);
    assert_eq!(s.pulled_up_to("cert-b").await.unwrap(), 4);
}

pub async fn failed_local_feedback_and_deliveries_store_nothing(backend: Arc<dyn Backend>) {
    let store = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
    let s = store.as_ref();
    let c = collection(s, Some("to-all")).await;
    s.share(share_batch(&c, &[indicator(1, 0)], &["cert-b"]))
        .await
        .unwrap();
    backend.fail_inserts("outbox", "id", "poison").await;
    backend.fail_inserts("feedback", "id", "poison").await;

    // Local feedback: the record is written before its messages.
    let accepted = feedback(MessageKind::Acceptance, "acc", SELF, Some("x"), 1);
    let messages = vec![
        act_message("cert-b", "fine"),
        act_message("cert-c", "poison"),
    ];
    assert!(s.record_local_feedback(&accepted, messages).await.is_err());
    assert_eq!(s.feedback_of("x").await.unwrap(), vec![]);
    assert_eq!(
        seqs(&s.outbox_after("cert-b", 0, 10).await.unwrap()),
        vec![1]
    );

    // A delivery: the seqs are marked before the receipts are written.
    let receipts = vec![
        feedback(MessageKind::Receipt, "ok", "cert-b", Some("x"), 2),
        feedback(MessageKind::Receipt, "poison", "cert-b", Some("x"), 2),
    ];
    assert!(s.mark_delivered("cert-b", &[1], receipts, 2).await.is_err());
    assert_eq!(
        seqs(&s.outbox_pending("cert-b", 10).await.unwrap()),
        vec![1]
    );
    assert_eq!(s.feedback_of("x").await.unwrap(), vec![]);
}
