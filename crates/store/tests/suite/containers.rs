//! API roots and collections.

use std::sync::Arc;

use liaison_core::clock::ManualClock;
use liaison_core::model::{ApiRoot, Collection, new_uuid_v4};
use liaison_core::{Store, StoreError};

use super::{ROOT, collection};

fn root(name: &str, title: &str) -> ApiRoot {
    ApiRoot {
        name: name.into(),
        title: title.into(),
        description: None,
        max_content_length: 1024,
    }
}

pub async fn api_roots_round_trip(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    assert_eq!(store.api_roots().await.unwrap(), vec![]);
    store.put_api_root(&root("zeta", "Z")).await.unwrap();
    store.put_api_root(&root("alpha", "A")).await.unwrap();
    let names: Vec<String> = store
        .api_roots()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["alpha", "zeta"], "API roots come by name");

    // Putting again updates title, description and limit.
    let updated = ApiRoot {
        name: "zeta".into(),
        title: "Zeta".into(),
        description: Some("the last".into()),
        max_content_length: u64::try_from(i64::MAX).unwrap(),
    };
    store.put_api_root(&updated).await.unwrap();
    assert_eq!(store.api_root("zeta").await.unwrap(), Some(updated));
    assert_eq!(store.api_roots().await.unwrap().len(), 2);
    assert_eq!(store.api_root("missing").await.unwrap(), None);

    // Sizes beyond what a signed column holds are refused, not wrapped.
    let too_big = ApiRoot {
        max_content_length: u64::MAX,
        ..root("big", "B")
    };
    assert!(store.put_api_root(&too_big).await.is_err());
}

pub async fn collections_keep_creation_order(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let mut created = Vec::new();
    // Ids are random, so creation order is not id order.
    for i in 0..6 {
        let alias = format!("c{i}");
        created.push(collection(store.as_ref(), (i % 2 == 0).then_some(alias.as_str())).await);
    }
    let listed = store.collections(ROOT).await.unwrap();
    assert_eq!(listed, created);
    assert_eq!(
        store.collections(ROOT).await.unwrap(),
        listed,
        "the order is stable"
    );
    assert_eq!(store.collections("no-such-root").await.unwrap(), vec![]);

    let c = &created[2];
    assert_eq!(
        store.collection(ROOT, &c.id).await.unwrap().as_ref(),
        Some(c)
    );
    assert_eq!(
        store.collection(ROOT, "c2").await.unwrap().as_ref(),
        Some(c),
        "found by alias"
    );
    assert_eq!(
        store.collection(ROOT, "c1").await.unwrap(),
        None,
        "c1 was created without alias"
    );
    assert_eq!(
        store.collection("other", &c.id).await.unwrap(),
        None,
        "collections belong to one API root"
    );
}

pub async fn aliases_and_ids_are_unique_per_api_root(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let first = collection(store.as_ref(), Some("shared")).await;
    let same_alias = Collection {
        id: new_uuid_v4(),
        ..first.clone()
    };
    assert!(matches!(
        store.create_collection(&same_alias).await,
        Err(StoreError::Conflict(_))
    ));
    let same_id = Collection {
        alias: Some("other".into()),
        ..first.clone()
    };
    assert!(matches!(
        store.create_collection(&same_id).await,
        Err(StoreError::Conflict(_))
    ));
    // Collections without alias do not clash with each other.
    let (a, b) = (
        Collection {
            id: new_uuid_v4(),
            alias: None,
            ..first.clone()
        },
        Collection {
            id: new_uuid_v4(),
            alias: None,
            ..first.clone()
        },
    );
    store.create_collection(&a).await.unwrap();
    store.create_collection(&b).await.unwrap();

    // Another API root has its own namespace.
    store.put_api_root(&root("api2", "two")).await.unwrap();
    let elsewhere = Collection {
        api_root: "api2".into(),
        ..first.clone()
    };
    store.create_collection(&elsewhere).await.unwrap();
    assert_eq!(
        store.collection("api2", "shared").await.unwrap(),
        Some(elsewhere)
    );
    assert_eq!(store.collection(ROOT, "shared").await.unwrap(), Some(first));

    let orphan = Collection {
        api_root: "nowhere".into(),
        id: new_uuid_v4(),
        ..a
    };
    assert!(matches!(
        store.create_collection(&orphan).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.collections(ROOT).await.unwrap().len(),
        3,
        "failed creations leave nothing behind"
    );
}
