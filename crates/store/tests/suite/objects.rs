//! Adding objects: outcomes, idempotency, `date_added`, statuses.

use std::sync::Arc;

use liaison_core::clock::{Clock, ManualClock};
use liaison_core::ingest::AddItem;
use liaison_core::objects::{DeleteRequest, ObjectQuery, VersionFilter};
use liaison_core::status::{StatusDetail, StatusState};
use liaison_core::{Store, StoreError};
use liaison_stix::Timestamp;

use super::*;

pub async fn added_objects_read_back_as_stored(store: Arc<dyn Store>, clock: Arc<ManualClock>) {
    let c = collection(store.as_ref(), None).await;
    let objects = vec![
        indicator(1, 0),
        versioned("malware", 2, 0, "2.1", " ünïcödé \\\"q\\\""),
        observable(3),
    ];
    let status = add(store.as_ref(), &c, objects.clone()).await;
    assert_eq!(status.state, StatusState::Complete);
    assert_eq!(
        (
            status.total_count,
            status.successes.len(),
            status.failures.len()
        ),
        (3, 3, 0)
    );
    assert_eq!(status.collection_id, c.id);
    assert_eq!(status.owner, "alice");

    let stored = fetch(store.as_ref(), &all(&c)).await;
    assert_eq!(stored.len(), 3);
    for (s, o) in stored.iter().zip(&objects) {
        assert_eq!(s.id, o.id);
        assert_eq!(s.json, o.json, "JSON is served back byte for byte");
        assert_eq!(s.spec_version, "2.1");
    }
    assert_eq!(stored[0].version, objects[0].version);
    assert_eq!(
        stored[0].date_added,
        clock.now_micros(),
        "the first date_added is now"
    );
    assert_eq!(stored[0].media_type(), "application/stix+json;version=2.1");
    // An observable's version is its (stable) date_added.
    assert_eq!(
        stored[2].version,
        Timestamp::from_unix_micros(stored[2].date_added).to_taxii_string()
    );
    assert_eq!(status.successes[2].version, stored[2].version);
    assert_increasing(&stored);

    assert!(
        store
            .object_exists(ROOT, &c.id, &objects[1].id)
            .await
            .unwrap()
    );
    assert!(
        !store
            .object_exists(ROOT, &c.id, &stix_id("indicator", 99))
            .await
            .unwrap()
    );
}

pub async fn readding_is_idempotent(store: Arc<dyn Store>, clock: Arc<ManualClock>) {
    let c = collection(store.as_ref(), None).await;
    add(store.as_ref(), &c, vec![indicator(1, 0), observable(2)]).await;
    let before = fetch(store.as_ref(), &all(&c)).await;
    clock.advance(5_000_000);
    let again = add(store.as_ref(), &c, vec![indicator(1, 0), observable(2)]).await;
    assert_eq!(again.successes.len(), 2, "an exact duplicate is a success");
    assert!(
        again
            .successes
            .iter()
            .all(|d| d.message.as_deref().is_some_and(|m| m.contains("already")))
    );
    assert_eq!(
        again.successes[1].version, before[1].version,
        "the observable keeps its version"
    );
    assert_eq!(
        fetch(store.as_ref(), &all(&c)).await,
        before,
        "nothing changed"
    );

    // The no-op consumed no date_added: with the clock standing still, the
    // next new version comes right after the last stored one.
    let c2 = collection(store.as_ref(), None).await;
    add(store.as_ref(), &c2, vec![indicator(1, 0)]).await;
    add(store.as_ref(), &c2, vec![indicator(1, 0)]).await;
    add(store.as_ref(), &c2, vec![indicator(1, 1)]).await;
    let dates: Vec<i64> = fetch(store.as_ref(), &all(&c2))
        .await
        .iter()
        .map(|o| o.date_added)
        .collect();
    assert_eq!(dates, vec![clock.now_micros(), clock.now_micros() + 1]);
}

pub async fn a_different_object_with_the_same_version_conflicts(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let c = collection(store.as_ref(), None).await;
    let original = indicator(1, 0);
    add(store.as_ref(), &c, vec![original.clone()]).await;
    let impostor = versioned("indicator", 1, 0, "2.1", " changed");
    assert_eq!(
        (impostor.id.as_str(), impostor.version_key),
        (original.id.as_str(), original.version_key)
    );
    let status = add(store.as_ref(), &c, vec![impostor, indicator(2, 0)]).await;
    assert_eq!((status.successes.len(), status.failures.len()), (1, 1));
    assert_eq!(status.failures[0].id, original.id);
    assert!(
        status.failures[0]
            .message
            .as_deref()
            .unwrap()
            .contains("kept")
    );
    let stored = fetch(store.as_ref(), &all(&c)).await;
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].json, original.json, "the stored version is kept");

    // An observable has one version: a different one with the same id conflicts.
    let mut other = observable(7);
    add(store.as_ref(), &c, vec![other.clone()]).await;
    other.json = other.json.replace("198.51.100.7", "203.0.113.7");
    let status = add(store.as_ref(), &c, vec![other]).await;
    assert_eq!(status.failures.len(), 1);
}

pub async fn duplicates_in_one_request_are_present_after_the_first(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let c = collection(store.as_ref(), None).await;
    let status = add(
        store.as_ref(),
        &c,
        vec![
            indicator(1, 0),
            indicator(1, 0),
            versioned("indicator", 1, 0, "2.1", "!"),
            observable(2),
            observable(2),
        ],
    )
    .await;
    assert_eq!((status.successes.len(), status.failures.len()), (4, 1));
    let notes: Vec<bool> = status
        .successes
        .iter()
        .map(|d| d.message.is_some())
        .collect();
    assert_eq!(
        notes,
        [false, true, false, true],
        "repeats are 'already present'"
    );
    let stored = fetch(store.as_ref(), &all(&c)).await;
    assert_eq!(keys(&stored).len(), 2);
    assert_eq!(stored[0].json, indicator(1, 0).json);
}

pub async fn invalid_items_are_reported_and_valid_ones_stored(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let c = collection(store.as_ref(), None).await;
    let bad = StatusDetail {
        id: "indicator--bad".into(),
        version: "".into(),
        message: Some("invalid".into()),
    };
    let items = vec![
        AddItem::Invalid(bad.clone()),
        AddItem::Valid(indicator(1, 0)),
        AddItem::Invalid(bad.clone()),
    ];
    let status = store.add_objects(request(&c, items)).await.unwrap();
    assert_eq!((status.total_count, status.successes.len()), (3, 1));
    assert_eq!(status.failures, vec![bad.clone(), bad]);
    assert_eq!(fetch(store.as_ref(), &all(&c)).await.len(), 1);

    // A request with nothing valid still gets its status.
    let status = store.add_objects(request(&c, vec![])).await.unwrap();
    assert_eq!(store.status(ROOT, &status.id).await.unwrap(), Some(status));
}

pub async fn date_added_increases_when_the_clock_stands_still_or_steps_back(
    store: Arc<dyn Store>,
    clock: Arc<ManualClock>,
) {
    let c = collection(store.as_ref(), None).await;
    for batch in 0..3 {
        add(
            store.as_ref(),
            &c,
            (0..5).map(|i| indicator(batch * 10 + i, 0)).collect(),
        )
        .await;
    }
    let stored = fetch(store.as_ref(), &all(&c)).await;
    assert_eq!(stored.len(), 15);
    assert_increasing(&stored);
    assert_eq!(stored[14].date_added, clock.now_micros() + 14);

    clock.advance(-60_000_000);
    add(store.as_ref(), &c, vec![indicator(100, 0)]).await;
    clock.advance(3_600_000_000);
    add(store.as_ref(), &c, vec![indicator(101, 0)]).await;
    let stored = fetch(store.as_ref(), &all(&c)).await;
    assert_increasing(&stored);
    assert_eq!(
        stored[15].date_added,
        stored[14].date_added + 1,
        "a clock stepping back does not reorder"
    );
    assert_eq!(
        stored[16].date_added,
        clock.now_micros(),
        "a clock moving on is followed"
    );
}

pub async fn status_round_trips(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let c = collection(store.as_ref(), None).await;
    add(store.as_ref(), &c, vec![indicator(1, 0)]).await;
    let bad = StatusDetail {
        id: "x--y".into(),
        version: "v".into(),
        message: Some("why \"quoted\"\n".into()),
    };
    let items = vec![
        AddItem::Valid(indicator(1, 0)),
        AddItem::Valid(versioned("indicator", 1, 0, "2.1", "?")),
        AddItem::Invalid(bad),
        AddItem::Valid(observable(4)),
    ];
    let status = store.add_objects(request(&c, items)).await.unwrap();
    assert_eq!(
        store.status(ROOT, &status.id).await.unwrap().as_ref(),
        Some(&status)
    );
    assert_eq!(store.status("other-root", &status.id).await.unwrap(), None);
    assert_eq!(store.status(ROOT, "no-such-status").await.unwrap(), None);

    // Status ids are unique: reusing one fails and stores nothing.
    let mut reused = request(&c, vec![AddItem::Valid(indicator(9, 0))]);
    reused.status_id = status.id.clone();
    assert!(matches!(
        store.add_objects(reused).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        !store
            .object_exists(ROOT, &c.id, &stix_id("indicator", 9))
            .await
            .unwrap(),
        "rolled back"
    );
}

pub async fn unknown_collections_are_not_found(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let c = collection(store.as_ref(), None).await;
    let mut missing = c.clone();
    missing.id = liaison_core::model::new_uuid_v4();
    let not_found = |r: Result<_, StoreError>| matches!(r, Err(StoreError::NotFound(_)));
    assert!(not_found(
        store
            .add_objects(request(&missing, vec![AddItem::Valid(indicator(1, 0))]))
            .await
            .map(|_| ())
    ));
    assert!(not_found(
        store.query_objects(&all(&missing)).await.map(|_| ())
    ));
    assert!(not_found(
        store
            .object_exists(ROOT, &missing.id, "x")
            .await
            .map(|_| ())
    ));
    let delete = DeleteRequest {
        api_root: ROOT.into(),
        collection_id: missing.id.clone(),
        object_id: stix_id("indicator", 1),
        versions: VersionFilter::All,
        spec_versions: vec![],
    };
    assert!(not_found(store.delete_objects(&delete).await.map(|_| ())));
    // The collection's API root matters too.
    let wrong_root = ObjectQuery {
        api_root: "other".into(),
        ..all(&c)
    };
    assert!(not_found(
        store.query_objects(&wrong_root).await.map(|_| ())
    ));
}

pub async fn collections_are_separate(store: Arc<dyn Store>, clock: Arc<ManualClock>) {
    let (a, b) = (
        collection(store.as_ref(), None).await,
        collection(store.as_ref(), None).await,
    );
    add(store.as_ref(), &a, vec![indicator(1, 0), indicator(1, 1)]).await;
    let status = add(store.as_ref(), &b, vec![indicator(1, 0)]).await;
    assert!(
        status.successes[0].message.is_none(),
        "new in b though present in a"
    );
    let (in_a, in_b) = (
        fetch(store.as_ref(), &all(&a)).await,
        fetch(store.as_ref(), &all(&b)).await,
    );
    assert_eq!((in_a.len(), in_b.len()), (2, 1));
    // Each collection allocates its own date_added.
    assert_eq!(in_b[0].date_added, clock.now_micros());
    let delete = DeleteRequest {
        api_root: ROOT.into(),
        collection_id: b.id.clone(),
        object_id: stix_id("indicator", 1),
        versions: VersionFilter::All,
        spec_versions: vec![],
    };
    assert_eq!(store.delete_objects(&delete).await.unwrap(), 1);
    assert_eq!(
        fetch(store.as_ref(), &all(&a)).await,
        in_a,
        "deleting in b leaves a alone"
    );
}
