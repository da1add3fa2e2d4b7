//! Receiving a peer's request: a nonce applies once, a message applies
//! once, objects land in the collection given with their order kept, and
//! what cannot be stored is refused with a reason.

use std::sync::Arc;

use liaison_core::clock::{Clock, ManualClock};
use liaison_core::exchange::{LogSpan, MessageKind, MessageOutcome};
use liaison_core::objects::DeleteRequest;
use liaison_core::objects::NewObject;
use liaison_core::{Store, StoreError};

use super::kit::*;
use super::*;

pub async fn receive_applies_objects_provenance_feedback_and_acts(
    store: Arc<dyn Store>,
    clock: Arc<ManualClock>,
) {
    let s = store.as_ref();
    let from_b = collection(s, Some("from-cert-b")).await;
    let other = collection(s, Some("from-cert-c")).await;
    // Deliberately not in id order: the request order is the order kept.
    let objects = [indicator(9, 0), observable(2), indicator(5, 3)];
    let mut batch = inbound("cert-b", "n1", &from_b, &objects);
    let receipt = feedback(
        MessageKind::Receipt,
        "rc-1",
        "cert-b",
        Some("indicator--mine"),
        7,
    );
    let acceptance = feedback(
        MessageKind::Acceptance,
        "ac-1",
        "cert-b",
        Some("indicator--mine"),
        8,
    );
    let reaction = feedback(
        MessageKind::Reaction,
        "re-1",
        "cert-b",
        Some("indicator--mine"),
        9,
    );
    batch
        .messages
        .push(feedback_message("m-rc", receipt.clone()));
    batch
        .messages
        .push(feedback_message("m-ac", acceptance.clone()));
    batch
        .messages
        .push(feedback_message("m-re", reaction.clone()));
    batch
        .messages
        .push(act_inbound("m-act", act("act-hash", 11)));

    let outcomes = s.receive(batch.clone()).await.unwrap();
    assert_eq!(outcomes, vec![MessageOutcome::Applied; 7]);

    let stored = fetch(s, &all(&from_b)).await;
    assert_eq!(
        stored.iter().map(|o| o.json.clone()).collect::<Vec<_>>(),
        objects.iter().map(|o| o.json.clone()).collect::<Vec<_>>()
    );
    assert_increasing(&stored);
    assert_eq!(stored[0].date_added, clock.now_micros());
    assert_eq!(fetch(s, &all(&other)).await, vec![]);
    let status = s
        .status(ROOT, &batch.add.as_ref().unwrap().status_id)
        .await
        .unwrap()
        .expect("the add's status is stored");
    assert_eq!(status.successes.len(), 3);

    for o in &objects {
        assert_eq!(
            s.provenance_of(&o.id).await.unwrap(),
            vec![provenance(o, "cert-b", SELF)]
        );
        assert_eq!(s.origin_of(&o.id).await.unwrap(), Some("cert-b".into()));
    }
    assert_eq!(
        s.feedback_of("indicator--mine").await.unwrap(),
        vec![receipt, acceptance, reaction],
        "by time"
    );
    assert_eq!(s.acts().await.unwrap(), vec![act("act-hash", 11)]);
    assert_eq!(s.origin_of("indicator--unknown").await.unwrap(), None);
}

pub async fn replayed_nonces_store_nothing(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let s = store.as_ref();
    let c = collection(s, Some("from-cert-b")).await;
    s.receive(inbound("cert-b", "n1", &c, &[indicator(1, 0)]))
        .await
        .unwrap();

    // Same nonce, new content: refused whole.
    let mut replay = inbound("cert-b", "n1", &c, &[indicator(2, 0)]);
    replay.messages.push(feedback_message(
        "m-rc",
        feedback(MessageKind::Receipt, "rc", "cert-b", Some("x"), 1),
    ));
    replay.messages.push(act_inbound("m-act", act("h", 1)));
    replay.log = Some(LogSpan { first: 1, last: 10 });
    let err = s.receive(replay).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(m) if m.contains("nonce")),
        "{err:?}"
    );
    assert_eq!(fetch(s, &all(&c)).await.len(), 1);
    assert_eq!(s.feedback_of("x").await.unwrap(), vec![]);
    assert_eq!(s.acts().await.unwrap(), vec![]);
    assert_eq!(s.pulled_up_to("cert-b").await.unwrap(), 0);
    // The messages of the refused request were not recorded as applied.
    let retry = inbound("cert-b", "n2", &c, &[indicator(2, 0)]);
    assert_eq!(
        s.receive(retry).await.unwrap(),
        vec![MessageOutcome::Applied]
    );

    // Nonces are per origin.
    let from_c = collection(s, Some("from-cert-c")).await;
    assert_eq!(
        s.receive(inbound("cert-c", "n1", &from_c, &[indicator(3, 0)]))
            .await
            .unwrap(),
        vec![MessageOutcome::Applied]
    );
}

pub async fn applied_messages_are_not_applied_again(
    store: Arc<dyn Store>,
    clock: Arc<ManualClock>,
) {
    let s = store.as_ref();
    let c = collection(s, Some("from-cert-b")).await;
    let objects = [indicator(1, 0), indicator(2, 0)];
    let mut first = inbound("cert-b", "n1", &c, &objects);
    let receipt = feedback(MessageKind::Receipt, "rc", "cert-b", Some("mine"), 1);
    first
        .messages
        .push(feedback_message("m-rc", receipt.clone()));
    s.receive(first).await.unwrap();
    let before = fetch(s, &all(&c)).await;

    // The same messages in a new request (a push retried after a lost
    // answer, or a pull overlapping a push): nothing changes.
    clock.advance(1_000_000);
    let mut again = inbound("cert-b", "n2", &c, &objects);
    let changed = feedback(MessageKind::Receipt, "rc", "cert-b", Some("mine"), 2);
    again.messages.push(feedback_message("m-rc", changed));
    let status_id = again.add.as_ref().unwrap().status_id.clone();
    assert_eq!(
        s.receive(again).await.unwrap(),
        vec![MessageOutcome::AlreadyApplied; 3]
    );
    assert_eq!(fetch(s, &all(&c)).await, before);
    assert_eq!(
        s.status(ROOT, &status_id).await.unwrap(),
        None,
        "no add ran"
    );
    assert_eq!(s.feedback_of("mine").await.unwrap(), vec![receipt]);

    // An applied object deleted since is not brought back by a replay.
    s.delete_objects(&DeleteRequest {
        api_root: ROOT.into(),
        collection_id: c.id.clone(),
        object_id: objects[0].id.clone(),
        versions: VersionFilter::All,
        spec_versions: vec![],
    })
    .await
    .unwrap();
    s.receive(inbound("cert-b", "n3", &c, &objects[..1]))
        .await
        .unwrap();
    assert_eq!(fetch(s, &all(&c)).await.len(), 1);

    // Old and new together: only the new applies; a repeat of an id inside
    // one request applies once.
    let newer = indicator(3, 0);
    let mut mixed = inbound("cert-b", "n4", &c, &[objects[1].clone(), newer.clone()]);
    mixed.messages.push(mixed.messages[1].clone());
    assert_eq!(
        s.receive(mixed).await.unwrap(),
        vec![
            MessageOutcome::AlreadyApplied,
            MessageOutcome::Applied,
            MessageOutcome::AlreadyApplied
        ]
    );
    let now = fetch(s, &all(&c)).await;
    assert_eq!(now.len(), 2);
    assert_eq!(now[1].id, newer.id);
}

pub async fn conflicting_objects_are_refused_with_a_reason(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let s = store.as_ref();
    let c = collection(s, Some("from-cert-b")).await;
    let held = indicator(1, 0);
    s.receive(inbound("cert-b", "n1", &c, std::slice::from_ref(&held)))
        .await
        .unwrap();

    // Another object under the same id and version, in a new message.
    let clash = versioned("indicator", 1, 0, "2.1", " forged");
    let mut batch = inbound("cert-b", "n2", &c, std::slice::from_ref(&clash));
    batch.messages[0].id = "m-clash".into();
    batch.messages[0].provenance.as_mut().unwrap().json = "{\"other\":true}".into();
    // An object message whose object is not in the request, and records
    // missing from their messages.
    let absent = indicator(7, 0);
    let mut orphan = inbound("cert-b", "x", &c, std::slice::from_ref(&absent)).messages;
    batch.messages.append(&mut orphan);
    let mut hollow = feedback_message(
        "m-hollow",
        feedback(MessageKind::Receipt, "r", "cert-b", None, 1),
    );
    hollow.feedback = Vec::new();
    batch.messages.push(hollow);
    let outcomes = s.receive(batch.clone()).await.unwrap();
    let reasons: Vec<String> = outcomes
        .iter()
        .map(|o| match o {
            MessageOutcome::Refused(reason) => reason.clone(),
            other => panic!("expected a refusal, got {other:?}"),
        })
        .collect();
    assert!(reasons[0].contains("already held"), "{reasons:?}");
    assert!(reasons[1].contains("not among"), "{reasons:?}");
    assert!(
        reasons[2].contains("receipt message without"),
        "{reasons:?}"
    );

    let stored = fetch(s, &all(&c)).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].json, held.json, "the first is kept");
    assert_eq!(
        s.provenance_of(&held.id).await.unwrap(),
        vec![provenance(&held, "cert-b", SELF)],
        "the refused message's provenance is not stored"
    );
    assert_eq!(s.provenance_of(&absent.id).await.unwrap(), vec![]);

    // A refused message is judged again when it comes again.
    batch.nonce = "n3".into();
    batch.add.as_mut().unwrap().status_id = new_uuid_v4();
    let again = s.receive(batch).await.unwrap();
    assert!(
        again
            .iter()
            .all(|o| matches!(o, MessageOutcome::Refused(_))),
        "{again:?}"
    );
}

pub async fn pull_positions_only_advance(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let s = store.as_ref();
    let c = collection(s, Some("from-cert-b")).await;
    assert_eq!(s.pulled_up_to("cert-b").await.unwrap(), 0);
    // (first, last) of each batch's span, and the position after it.
    for (n, (first, last, expected)) in [
        (1, 5, 5),    // a pull from the start
        (1, 3, 5),    // a late, shorter pull: never back
        (6, 9, 9),    // a push that continues the position
        (5, 11, 11),  // overlapping what was applied
        (13, 20, 11), // a gap (12 not handled): left alone
    ]
    .into_iter()
    .enumerate()
    {
        let mut batch = inbound("cert-b", &format!("n{n}"), &c, &[indicator(n as u32, 0)]);
        batch.log = Some(LogSpan { first, last });
        s.receive(batch).await.unwrap();
        assert_eq!(
            s.pulled_up_to("cert-b").await.unwrap(),
            expected,
            "span {first}..={last}"
        );
    }
    // A batch without a span leaves it alone; other peers are apart.
    s.receive(inbound("cert-b", "n7", &c, &[indicator(7, 0)]))
        .await
        .unwrap();
    assert_eq!(s.pulled_up_to("cert-b").await.unwrap(), 11);
    assert_eq!(s.pulled_up_to("cert-c").await.unwrap(), 0);
    // An empty pulled page still moves the position.
    let mut empty = inbound("cert-b", "n8", &c, &[]);
    empty.add = None;
    empty.log = Some(LogSpan {
        first: 12,
        last: 12,
    });
    assert_eq!(s.receive(empty).await.unwrap(), vec![]);
    assert_eq!(s.pulled_up_to("cert-b").await.unwrap(), 12);
}

pub async fn receipts_from_the_origin_deliver_its_messages(
    store: Arc<dyn Store>,
    clock: Arc<ManualClock>,
) {
    let s = store.as_ref();
    let out = collection(s, Some("to-all")).await;
    let from_b = collection(s, Some("from-cert-b")).await;
    let objects = [indicator(1, 0), indicator(2, 0), indicator(3, 0)];
    s.share(share_batch(&out, &objects, &["cert-b", "cert-c"]))
        .await
        .unwrap();
    // cert-b receipts two of its messages (and, wrongly, one of cert-c's)
    // in one receipt message, as after pulling them.
    let receipt = |o: &NewObject, by: &str| {
        feedback(
            MessageKind::Receipt,
            &object_message_id(o),
            by,
            Some(&o.id),
            5,
        )
    };
    let mut m = feedback_message("m-rc", receipt(&objects[0], "cert-b"));
    m.feedback.push(receipt(&objects[2], "cert-b"));
    m.feedback.push(receipt(&objects[1], "cert-c"));
    let mut batch = inbound("cert-b", "n1", &from_b, &[]);
    batch.add = None;
    batch.messages.push(m);
    let at = clock.now_micros();
    assert_eq!(
        s.receive(batch).await.unwrap(),
        vec![MessageOutcome::Applied]
    );
    let pending: Vec<u64> = s
        .outbox_pending("cert-b", 10)
        .await
        .unwrap()
        .iter()
        .map(|r| r.seq)
        .collect();
    assert_eq!(pending, vec![2], "the receipted messages are delivered");
    let delivered = s.outbox_after("cert-b", 0, 10).await.unwrap();
    assert_eq!(delivered[0].delivered_at, Some(at));
    assert_eq!(s.outbox_pending("cert-c", 10).await.unwrap().len(), 3);
    assert_eq!(s.feedback_of(&objects[0].id).await.unwrap().len(), 1);
}

pub async fn nonces_are_pruned_by_request_time(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let s = store.as_ref();
    let c = collection(s, Some("from-cert-b")).await;
    for (n, time) in [(1u32, 100), (2, 200), (3, 300)] {
        let mut batch = inbound("cert-b", &format!("n{n}"), &c, &[indicator(n, 0)]);
        batch.request_time = time;
        s.receive(batch).await.unwrap();
    }
    assert_eq!(s.prune_nonces(250).await.unwrap(), 2);
    assert_eq!(s.prune_nonces(250).await.unwrap(), 0);
    let mut kept = inbound("cert-b", "n3", &c, &[]);
    kept.add = None;
    assert!(matches!(
        s.receive(kept).await,
        Err(StoreError::Conflict(_))
    ));
    // A pruned nonce is forgotten (the server's clock-skew check is what
    // refuses a request that old).
    let mut forgotten = inbound("cert-b", "n1", &c, &[]);
    forgotten.add = None;
    assert_eq!(s.receive(forgotten).await.unwrap(), vec![]);
}
