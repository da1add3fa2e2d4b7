//! Deletes: selected versions go, first/last flags of the rest are repaired.

use std::sync::Arc;

use liaison_core::Store;
use liaison_core::clock::ManualClock;
use liaison_core::objects::{DeleteRequest, VersionFilter};

use super::filters::{ids, some, versions_of};
use super::*;

fn delete_request(
    c: &Collection,
    id: &str,
    versions: VersionFilter,
    spec: &[&str],
) -> DeleteRequest {
    DeleteRequest {
        api_root: c.api_root.clone(),
        collection_id: c.id.clone(),
        object_id: id.to_owned(),
        versions,
        spec_versions: spec.iter().map(|s| s.to_string()).collect(),
    }
}

pub async fn delete_repairs_first_and_last(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let c = collection(store.as_ref(), None).await;
    let (s, x) = (store.as_ref(), stix_id("indicator", 1));
    add(
        s,
        &c,
        vec![
            indicator(1, 2),
            indicator(1, 1),
            indicator(1, 3),
            indicator(2, 0),
        ],
    )
    .await;

    assert_eq!(
        s.delete_objects(&delete_request(&c, &x, VersionFilter::default(), &[]))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        versions_of(s, &c, &x, VersionFilter::All, &[]).await,
        [2, 1]
    );
    assert_eq!(
        versions_of(s, &c, &x, some(false, true, &[]), &[]).await,
        [2],
        "the new last"
    );
    assert_eq!(
        versions_of(s, &c, &x, some(true, false, &[]), &[]).await,
        [1]
    );

    assert_eq!(
        s.delete_objects(&delete_request(&c, &x, some(true, false, &[]), &[]))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        versions_of(s, &c, &x, some(true, false, &[]), &[]).await,
        [2],
        "the new first"
    );
    assert_eq!(
        versions_of(s, &c, &x, some(false, true, &[]), &[]).await,
        [2]
    );

    // Versions added after deletes get correct flags too.
    add(s, &c, vec![indicator(1, 3), indicator(1, 1)]).await;
    assert_eq!(
        versions_of(s, &c, &x, some(true, true, &[]), &[]).await,
        [3, 1]
    );
    assert_eq!(
        versions_of(s, &c, &x, some(false, true, &[]), &[]).await,
        [3]
    );

    assert_eq!(
        s.delete_objects(&delete_request(&c, &x, some(false, false, &[]), &[]))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        s.delete_objects(&delete_request(&c, &x, VersionFilter::All, &[]))
            .await
            .unwrap(),
        3
    );
    assert!(!s.object_exists(ROOT, &c.id, &x).await.unwrap());
    assert_eq!(
        s.delete_objects(&delete_request(&c, &x, VersionFilter::All, &[]))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        ids(&fetch(s, &all(&c)).await),
        vec![stix_id("indicator", 2)],
        "other objects stay"
    );
}

pub async fn delete_by_spec_version_and_exact_version(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let c = collection(store.as_ref(), None).await;
    let (s, z) = (store.as_ref(), stix_id("indicator", 3));
    add(
        s,
        &c,
        vec![
            versioned("indicator", 3, 1, "2.0", ""),
            versioned("indicator", 3, 2, "2.1", ""),
            versioned("indicator", 3, 3, "2.0", ""),
        ],
    )
    .await;
    assert_eq!(
        s.delete_objects(&delete_request(&c, &z, some(false, false, &[2]), &[]))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        versions_of(s, &c, &z, some(true, true, &[]), &[]).await,
        [1, 3]
    );
    let last_21 = delete_request(&c, &z, VersionFilter::default(), &["2.1"]);
    assert_eq!(
        s.delete_objects(&last_21).await.unwrap(),
        0,
        "no 2.1 version is left"
    );
    let last_20 = delete_request(&c, &z, VersionFilter::default(), &["2.0"]);
    assert_eq!(s.delete_objects(&last_20).await.unwrap(), 1);
    assert_eq!(
        versions_of(s, &c, &z, VersionFilter::default(), &[]).await,
        [1]
    );
    assert_eq!(
        s.delete_objects(&delete_request(&c, &z, VersionFilter::All, &["2.0"]))
            .await
            .unwrap(),
        1
    );
    assert!(!s.object_exists(ROOT, &c.id, &z).await.unwrap());
}
