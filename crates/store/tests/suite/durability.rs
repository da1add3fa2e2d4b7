//! What is committed stays: across closing and reopening, and across
//! schema checks on every open.

use std::sync::Arc;

use liaison_core::StoreError;
use liaison_core::clock::ManualClock;
use liaison_core::exchange::{CommonwealthRecord, FeedbackRow, MessageKind, OutboxMessage};
use liaison_core::federation::Clearance;
use liaison_core::model::ApiRoot;
use liaison_core::users::{Grant, Role, TokenRecord, User};
use liaison_store::{OpenError, SCHEMA_VERSION};

use super::*;

pub async fn committed_data_survives_reopening(backend: Arc<dyn Backend>) {
    let store = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
    let c = collection(store.as_ref(), Some("kept")).await;
    let status = add(
        store.as_ref(),
        &c,
        (0..50)
            .map(|n| indicator(n, 0))
            .chain([observable(1)])
            .collect(),
    )
    .await;
    let user = User {
        name: "ann".into(),
        role: Role::Analyst,
        password_hash: Some("$argon2id$x".into()),
        clearance: Clearance::Red,
    };
    store.create_user(&user).await.unwrap();
    let grant = Grant {
        user: "ann".into(),
        api_root: ROOT.into(),
        collection_id: c.id.clone(),
        read: true,
        write: false,
    };
    store.set_grant(&grant).await.unwrap();
    let token = TokenRecord {
        id: "t1".into(),
        user: "ann".into(),
        label: "l".into(),
        secret_digest: "d".into(),
        created: 7,
    };
    store.create_token(&token).await.unwrap();
    let roots: Vec<ApiRoot> = store.api_roots().await.unwrap();
    let objects = fetch(store.as_ref(), &all(&c)).await;
    drop(store);

    // Reopened with a clock that is behind: the stored last date_added still rules.
    let store = open(
        backend.as_ref(),
        Arc::new(ManualClock::new(START - 3_600_000_000)),
    )
    .await;
    assert_eq!(store.api_roots().await.unwrap(), roots);
    assert_eq!(store.collections(ROOT).await.unwrap(), vec![c.clone()]);
    assert_eq!(
        store.collection(ROOT, "kept").await.unwrap(),
        Some(c.clone())
    );
    assert_eq!(fetch(store.as_ref(), &all(&c)).await, objects);
    assert_eq!(store.status(ROOT, &status.id).await.unwrap(), Some(status));
    assert_eq!(store.user("ann").await.unwrap(), Some(user));
    assert_eq!(store.grants_of("ann").await.unwrap(), vec![grant]);
    assert_eq!(store.token("t1").await.unwrap(), Some(token));
    add(store.as_ref(), &c, vec![indicator(0, 1)]).await;
    let after = fetch(store.as_ref(), &all(&c)).await;
    assert_eq!(after.len(), objects.len() + 1);
    assert_increasing(&after);
}

pub async fn reopening_migrates_nothing_and_newer_schemas_are_refused(backend: Arc<dyn Backend>) {
    let clock = Arc::new(ManualClock::new(START));
    let store = open(backend.as_ref(), clock.clone()).await;
    let c = collection(store.as_ref(), None).await;
    add(store.as_ref(), &c, vec![indicator(1, 0)]).await;
    drop(store);
    assert_eq!(
        backend.schema_versions().await,
        (1..=SCHEMA_VERSION).collect::<Vec<_>>()
    );

    for _ in 0..2 {
        let store = open(backend.as_ref(), clock.clone()).await;
        assert_eq!(fetch(store.as_ref(), &all(&c)).await.len(), 1);
    }
    assert_eq!(
        backend.schema_versions().await,
        (1..=SCHEMA_VERSION).collect::<Vec<_>>(),
        "each migration ran once"
    );

    backend.set_schema_version(SCHEMA_VERSION + 1).await;
    let err = match liaison_store::open(&backend.database(), clock).await {
        Ok(_) => panic!("a database from a newer Liaison was opened"),
        Err(e) => e,
    };
    assert!(
        matches!(&err, OpenError::TooNew { found, supported, .. } if *found == SCHEMA_VERSION + 1 && *supported == SCHEMA_VERSION),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer than this Liaison"), "{err}");
}

/// Rows that this version of Liaison would never write are reported as
/// `Corrupt`, never trusted and never a panic.
pub async fn corrupt_rows_are_reported_not_trusted(backend: Arc<dyn Backend>) {
    let store = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
    let c = collection(store.as_ref(), None).await;
    let status = add(store.as_ref(), &c, vec![indicator(1, 0)]).await;
    let user = User {
        name: "ann".into(),
        role: Role::Reader,
        password_hash: None,
        clearance: Clearance::default(),
    };
    store.create_user(&user).await.unwrap();
    let cleared = User {
        name: "cat".into(),
        ..user.clone()
    };
    store.create_user(&cleared).await.unwrap();
    store
        .adopt_commonwealth(&CommonwealthRecord {
            id: "cw".into(),
            agreement_json: "{}".into(),
            self_name: "a".into(),
            adopted_at: 1,
        })
        .await
        .unwrap();
    let m = |id: &str| OutboxMessage {
        peer: "b".into(),
        id: id.into(),
        kind: MessageKind::Act,
        payload: "{}".into(),
        object: None,
    };
    let feedback = FeedbackRow {
        kind: MessageKind::Acceptance,
        id: "f".into(),
        member: "a".into(),
        object_id: Some("x".into()),
        at: 1,
        json: "{}".into(),
    };
    store
        .record_local_feedback(&feedback, vec![m("1"), m("2")])
        .await
        .unwrap();

    backend
        .execute("UPDATE users SET clearance = 'top-secret' WHERE name = 'cat'")
        .await;
    backend
        .execute("UPDATE outbox SET kind = 'gift' WHERE id = '2'")
        .await;
    backend.execute("UPDATE feedback SET kind = 'gift'").await;
    backend
        .execute("UPDATE users SET role = 'root' WHERE name = 'ann'")
        .await;
    backend
        .execute("UPDATE statuses SET successes = '{\"not\": \"a list\"}'")
        .await;
    backend
        .execute("UPDATE api_roots SET max_content_length = -1")
        .await;
    backend
        .execute("UPDATE statuses SET state = 'sleeping' WHERE id = 'none'")
        .await;

    let corrupt = |r: Result<(), StoreError>| matches!(r, Err(StoreError::Corrupt(_)));
    assert!(corrupt(store.user("ann").await.map(|_| ())));
    assert!(corrupt(store.user("cat").await.map(|_| ())));
    assert!(corrupt(store.outbox_pending("b", 10).await.map(|_| ())));
    assert!(corrupt(store.feedback_of("x").await.map(|_| ())));
    assert_eq!(
        store.outbox_pending("b", 1).await.unwrap().len(),
        1,
        "the sound row still reads"
    );
    assert!(corrupt(store.users().await.map(|_| ())));
    assert!(corrupt(store.status(ROOT, &status.id).await.map(|_| ())));
    assert!(corrupt(store.api_roots().await.map(|_| ())));
    assert!(corrupt(store.api_root(ROOT).await.map(|_| ())));
    // What is not corrupt still reads.
    assert_eq!(fetch(store.as_ref(), &all(&c)).await.len(), 1);
}
