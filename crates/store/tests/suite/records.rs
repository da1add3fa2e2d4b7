//! The commonwealth, the ledger of acts, this node's own feedback, and the
//! lookups by object id.

use std::sync::Arc;

use liaison_core::clock::ManualClock;
use liaison_core::exchange::{CommonwealthRecord, MessageKind, MessageOutcome};
use liaison_core::{Store, StoreError};

use super::kit::*;
use super::*;

fn agreement(id: &str, self_name: &str, adopted_at: i64) -> CommonwealthRecord {
    CommonwealthRecord {
        id: id.into(),
        agreement_json: format!(r#"{{"agreement":"{id}","at":{adopted_at}}}"#),
        self_name: self_name.into(),
        adopted_at,
    }
}

pub async fn commonwealth_adoption_is_idempotent(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let s = store.as_ref();
    assert_eq!(s.commonwealth().await.unwrap(), None);
    let adopted = agreement("cw-1", SELF, 10);
    s.adopt_commonwealth(&adopted).await.unwrap();
    assert_eq!(s.commonwealth().await.unwrap(), Some(adopted.clone()));

    // The same commonwealth as the same member: nothing changes, the first
    // adoption's record is kept.
    s.adopt_commonwealth(&agreement("cw-1", SELF, 99))
        .await
        .unwrap();
    assert_eq!(s.commonwealth().await.unwrap(), Some(adopted.clone()));

    for other in [agreement("cw-2", SELF, 11), agreement("cw-1", "cert-z", 11)] {
        let err = s.adopt_commonwealth(&other).await.unwrap_err();
        assert!(
            matches!(&err, StoreError::Conflict(m) if m.contains("cw-1")),
            "{err:?}"
        );
    }
    assert_eq!(s.commonwealth().await.unwrap(), Some(adopted));
}

pub async fn acts_are_stored_once_in_arrival_order(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let s = store.as_ref();
    assert_eq!(s.acts().await.unwrap(), vec![]);
    // Hashes out of alphabetical order: the order kept is arrival.
    for (hash, at) in [("c3", 1), ("a1", 2), ("b2", 3)] {
        assert!(s.insert_act(&act(hash, at)).await.unwrap());
    }
    assert!(!s.insert_act(&act("a1", 50)).await.unwrap());

    // Acts received from a peer join the same ledger, once.
    let c = collection(s, Some("from-cert-b")).await;
    let mut batch = inbound("cert-b", "n1", &c, &[]);
    batch.add = None;
    batch.messages = vec![
        act_inbound("m1", act("a1", 60)),
        act_inbound("m2", act("d4", 61)),
    ];
    assert_eq!(
        s.receive(batch).await.unwrap(),
        vec![MessageOutcome::Applied, MessageOutcome::Applied]
    );
    assert_eq!(
        s.acts().await.unwrap(),
        vec![act("c3", 1), act("a1", 2), act("b2", 3), act("d4", 61)]
    );
}

pub async fn own_acts_are_stored_and_enqueued_at_once(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let s = store.as_ref();
    let messages = vec![act_message("cert-c", "m-a1"), act_message("cert-b", "m-a1")];
    let (new, enqueued) = s.record_act(&act("a1", 5), messages.clone()).await.unwrap();
    assert!(new);
    // Peers in name order, each its own sequence.
    assert_eq!(
        enqueued,
        vec![("cert-c".to_string(), 1), ("cert-b".to_string(), 1)]
    );
    assert_eq!(s.acts().await.unwrap(), vec![act("a1", 5)]);
    assert_eq!(
        ids(&s.outbox_pending("cert-b", 10).await.unwrap()),
        ["m-a1"]
    );
    // Again: the act is kept as it was and nothing is enqueued twice.
    let (new, enqueued) = s.record_act(&act("a1", 9), messages).await.unwrap();
    assert!(!new);
    assert_eq!(enqueued, vec![]);
    assert_eq!(s.acts().await.unwrap(), vec![act("a1", 5)]);
}

pub async fn local_feedback_is_stored_and_enqueued(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let s = store.as_ref();
    let accepted = feedback(
        MessageKind::Acceptance,
        "acc-1",
        SELF,
        Some("indicator--x"),
        5,
    );
    let mut message = act_message("cert-b", "m-acc-1");
    message.kind = MessageKind::Acceptance;
    assert_eq!(
        s.record_local_feedback(&accepted, vec![message.clone()])
            .await
            .unwrap(),
        vec![("cert-b".to_string(), 1)]
    );
    assert_eq!(
        s.feedback_of("indicator--x").await.unwrap(),
        vec![accepted.clone()]
    );
    let queued = s.outbox_pending("cert-b", 10).await.unwrap();
    assert_eq!(ids(&queued), vec!["m-acc-1".to_string()]);
    assert_eq!(queued[0].kind, MessageKind::Acceptance);

    // Recording it again changes nothing.
    assert_eq!(
        s.record_local_feedback(&accepted, vec![message])
            .await
            .unwrap(),
        vec![]
    );
    assert_eq!(s.feedback_of("indicator--x").await.unwrap().len(), 1);
    assert_eq!(s.outbox_pending("cert-b", 10).await.unwrap().len(), 1);

    // Feedback sent to nobody is still kept.
    let reaction = feedback(MessageKind::Reaction, "re-1", SELF, Some("indicator--x"), 6);
    assert_eq!(
        s.record_local_feedback(&reaction, vec![]).await.unwrap(),
        vec![]
    );
    assert_eq!(
        s.feedback_of("indicator--x").await.unwrap(),
        vec![accepted, reaction]
    );
}

pub async fn lookups_by_object(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let s = store.as_ref();
    let out = collection(s, Some("to-all")).await;
    let (v0, v1, other) = (indicator(1, 0), indicator(1, 1), indicator(2, 0));
    // Newer version first: provenance is listed by version all the same.
    s.share(share_batch(
        &out,
        std::slice::from_ref(&v1),
        &["cert-c", "cert-b"],
    ))
    .await
    .unwrap();
    s.share(share_batch(&out, &[v0.clone(), other.clone()], &["cert-b"]))
        .await
        .unwrap();
    assert_eq!(
        s.provenance_of(&v0.id).await.unwrap(),
        vec![
            provenance(&v0, SELF, "cert-b"),
            provenance(&v1, SELF, "cert-b"),
            provenance(&v1, SELF, "cert-c"),
        ]
    );
    let about: Vec<(String, u64)> = s
        .outbox_of_object(&v0.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.peer, r.seq))
        .collect();
    assert_eq!(
        about,
        vec![
            ("cert-b".into(), 1),
            ("cert-b".into(), 2),
            ("cert-c".into(), 1)
        ],
        "by peer, then sequence"
    );
    assert_eq!(s.outbox_of_object("indicator--none").await.unwrap(), vec![]);
    assert_eq!(s.provenance_of("indicator--none").await.unwrap(), vec![]);
    assert_eq!(s.feedback_of("indicator--none").await.unwrap(), vec![]);

    // Feedback by time, whoever sent it and however it came.
    let late = feedback(MessageKind::Reaction, "re", "cert-c", Some(&v0.id), 30);
    let early = feedback(MessageKind::Receipt, "rc", "cert-b", Some(&v0.id), 10);
    let own = feedback(MessageKind::Acceptance, "ac", SELF, Some(&v0.id), 20);
    let unrelated = feedback(MessageKind::Receipt, "rc2", "cert-b", None, 5);
    s.mark_delivered("cert-c", &[1], vec![late.clone()], 30)
        .await
        .unwrap();
    s.mark_delivered("cert-b", &[1], vec![early.clone(), unrelated], 10)
        .await
        .unwrap();
    s.record_local_feedback(&own, vec![]).await.unwrap();
    assert_eq!(s.feedback_of(&v0.id).await.unwrap(), vec![early, own, late]);
    assert_eq!(s.feedback_of(&other.id).await.unwrap(), vec![]);
}

pub async fn origins_of_many_ids_in_one_call(store: Arc<dyn Store>, clock: Arc<ManualClock>) {
    let s = store.as_ref();
    let from_b = collection(s, Some("from-cert-b")).await;
    let from_c = collection(s, Some("from-cert-c")).await;
    let out = collection(s, Some("to-all")).await;
    let (x, y, mine) = (indicator(1, 0), indicator(2, 0), indicator(3, 0));
    s.receive(inbound("cert-b", "n1", &from_b, std::slice::from_ref(&x)))
        .await
        .unwrap();
    clock.advance(10);
    // The same id from another member later: the first origin counts.
    s.receive(inbound("cert-c", "n2", &from_c, &[x.clone(), y.clone()]))
        .await
        .unwrap();
    s.share(share_batch(&out, std::slice::from_ref(&mine), &["cert-b"]))
        .await
        .unwrap();
    let ids: Vec<String> = [&x.id, &y.id, &mine.id, &x.id, &"indicator--none".to_owned()]
        .into_iter()
        .cloned()
        .collect();
    let origins = s.origins_of(&ids).await.unwrap();
    let expected: std::collections::HashMap<String, String> = [
        (x.id.clone(), "cert-b".to_owned()),
        (y.id.clone(), "cert-c".to_owned()),
    ]
    .into();
    assert_eq!(origins, expected, "own shares and unknown ids are absent");
    for id in &ids {
        assert_eq!(s.origin_of(id).await.unwrap().as_ref(), origins.get(id));
    }
    assert!(s.origins_of(&[]).await.unwrap().is_empty());
}

pub async fn messages_are_enqueued_alone_once_per_peer_and_id(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let s = store.as_ref();
    let out = collection(s, Some("to-all")).await;
    s.share(share_batch(&out, &[indicator(1, 0)], &["cert-b"]))
        .await
        .unwrap();
    let enqueued = s
        .enqueue(vec![
            act_message("cert-b", "rc-1"),
            act_message("cert-c", "rc-1"),
            act_message("cert-b", "rc-1"),
        ])
        .await
        .unwrap();
    assert_eq!(enqueued, vec![("cert-b".into(), 2), ("cert-c".into(), 1)]);
    assert_eq!(
        s.enqueue(vec![act_message("cert-b", "rc-1")])
            .await
            .unwrap(),
        vec![],
        "an id already queued for the peer"
    );
    assert_eq!(s.outbox_pending("cert-b", 10).await.unwrap().len(), 2);
}
