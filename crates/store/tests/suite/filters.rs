//! Queries: every filter and their combinations, version semantics and
//! pagination.

use std::sync::Arc;

use liaison_core::Store;
use liaison_core::clock::ManualClock;
use liaison_core::objects::{DeleteRequest, JsonPage, ObjectQuery, StoredObject, VersionFilter};

use super::*;

pub(super) fn ids(items: &[StoredObject]) -> Vec<String> {
    items.iter().map(|o| o.id.clone()).collect()
}

fn stix_ids(kind: &str, ns: &[u32]) -> Vec<String> {
    ns.iter().map(|&n| stix_id(kind, n)).collect()
}

pub(super) fn some(first: bool, last: bool, exact: &[i64]) -> VersionFilter {
    VersionFilter::Some {
        first,
        last,
        exact: exact.iter().map(|&v| version_key(v)).collect(),
    }
}

/// The versions of `id` selected by `versions` (and `spec`), as `v` numbers.
pub(super) async fn versions_of(
    store: &dyn Store,
    c: &Collection,
    id: &str,
    versions: VersionFilter,
    spec: &[&str],
) -> Vec<i64> {
    let query = ObjectQuery {
        ids: vec![id.to_owned()],
        versions,
        spec_versions: spec.iter().map(|s| s.to_string()).collect(),
        ..all(c)
    };
    fetch(store, &query)
        .await
        .iter()
        .map(|o| (Timestamp::parse(&o.version).unwrap().unix_micros() - version_key(0)) / 1_000_000)
        .collect()
}

pub async fn type_id_spec_version_and_added_after(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let c = collection(store.as_ref(), None).await;
    let mut objects: Vec<_> = (1..=4).map(|n| indicator(n, 0)).collect();
    objects.extend([
        versioned("malware", 5, 0, "2.1", ""),
        versioned("malware", 6, 0, "2.1", ""),
    ]);
    objects.extend([observable(7), versioned("indicator", 8, 0, "2.0", "")]);
    add(store.as_ref(), &c, objects).await;
    let everything = fetch(store.as_ref(), &all(&c)).await;
    let q = |f: fn(&mut ObjectQuery)| {
        let mut query = all(&c);
        f(&mut query);
        query
    };
    let run = |query: ObjectQuery| {
        let store = store.clone();
        async move { ids(&fetch(store.as_ref(), &query).await) }
    };

    let mut expected = stix_ids("indicator", &[1, 2, 3, 4]);
    expected.push(stix_id("indicator", 8));
    assert_eq!(
        run(q(|q| q.types = vec!["indicator".into()])).await,
        expected
    );
    let mut expected = stix_ids("malware", &[5, 6]);
    expected.push(stix_id("ipv4-addr", 7));
    assert_eq!(
        run(q(|q| q.types = vec!["malware".into(), "ipv4-addr".into()])).await,
        expected
    );
    assert_eq!(
        run(q(|q| q.types = vec!["campaign".into()])).await,
        Vec::<String>::new()
    );

    let wanted = vec![
        stix_id("malware", 5),
        stix_id("indicator", 2),
        stix_id("indicator", 99),
    ];
    let found = run(ObjectQuery {
        ids: wanted,
        ..all(&c)
    })
    .await;
    assert_eq!(
        found,
        vec![stix_id("indicator", 2), stix_id("malware", 5)],
        "in date_added order"
    );

    assert_eq!(
        run(q(|q| q.spec_versions = vec!["2.0".into()])).await,
        vec![stix_id("indicator", 8)]
    );
    assert_eq!(
        run(q(|q| q.spec_versions = vec!["2.1".into()])).await.len(),
        7
    );
    assert_eq!(
        run(q(|q| q.spec_versions = vec!["2.0".into(), "2.1".into()]))
            .await
            .len(),
        8
    );

    // added_after is strict.
    let after = everything[2].date_added;
    assert_eq!(
        run(ObjectQuery {
            added_after: Some(after),
            ..all(&c)
        })
        .await,
        ids(&everything[3..])
    );
    assert_eq!(
        run(ObjectQuery {
            added_after: Some(after - 1),
            ..all(&c)
        })
        .await,
        ids(&everything[2..])
    );
    let last = everything[7].date_added;
    let page = store
        .query_objects(&ObjectQuery {
            added_after: Some(last),
            ..all(&c)
        })
        .await
        .unwrap();
    assert!(page.items.is_empty() && !page.more);

    // Everything together: filters of different kinds are ANDed.
    let combined = ObjectQuery {
        added_after: Some(everything[1].date_added),
        ids: [
            stix_ids("indicator", &[1, 3, 4, 8]),
            vec![stix_id("malware", 5)],
        ]
        .concat(),
        types: vec!["indicator".into()],
        spec_versions: vec!["2.1".into()],
        versions: VersionFilter::default(),
        ..all(&c)
    };
    assert_eq!(run(combined).await, stix_ids("indicator", &[3, 4]));
}

pub async fn first_last_all_and_exact_versions(store: Arc<dyn Store>, clock: Arc<ManualClock>) {
    let c = collection(store.as_ref(), None).await;
    let x = stix_id("indicator", 1);
    // Versions arrive out of order, some in one request.
    add(store.as_ref(), &c, vec![indicator(1, 2)]).await;
    add(store.as_ref(), &c, vec![indicator(1, 3), indicator(2, 0)]).await;
    clock.advance(1_000);
    add(store.as_ref(), &c, vec![indicator(1, 1)]).await;
    add(store.as_ref(), &c, vec![indicator(1, 5), indicator(1, 4)]).await;
    let s = store.as_ref();

    assert_eq!(
        versions_of(s, &c, &x, VersionFilter::All, &[]).await,
        [2, 3, 1, 5, 4]
    );
    assert_eq!(
        versions_of(s, &c, &x, VersionFilter::default(), &[]).await,
        [5],
        "last is the default"
    );
    assert_eq!(
        versions_of(s, &c, &x, some(true, false, &[]), &[]).await,
        [1]
    );
    assert_eq!(
        versions_of(s, &c, &x, some(true, true, &[]), &[]).await,
        [1, 5]
    );
    assert_eq!(
        versions_of(s, &c, &x, some(false, false, &[3]), &[]).await,
        [3]
    );
    assert_eq!(
        versions_of(s, &c, &x, some(false, false, &[4, 2, 99]), &[]).await,
        [2, 4]
    );
    assert_eq!(
        versions_of(s, &c, &x, some(true, false, &[4]), &[]).await,
        [1, 4]
    );
    assert_eq!(
        versions_of(s, &c, &x, some(false, true, &[5]), &[]).await,
        [5],
        "a union, not a sum"
    );
    assert_eq!(
        versions_of(s, &c, &x, some(false, false, &[]), &[]).await,
        Vec::<i64>::new()
    );

    // Across objects: one version per object for first / last.
    let latest = fetch(
        s,
        &ObjectQuery {
            versions: VersionFilter::default(),
            ..all(&c)
        },
    )
    .await;
    assert_eq!(
        keys(&latest),
        vec![
            (stix_id("indicator", 2), indicator(2, 0).version),
            (x.clone(), indicator(1, 5).version),
        ]
    );
    let earliest = fetch(
        s,
        &ObjectQuery {
            versions: some(true, false, &[]),
            ..all(&c)
        },
    )
    .await;
    assert_eq!(ids(&earliest), vec![stix_id("indicator", 2), x.clone()]);
    let exact = fetch(
        s,
        &ObjectQuery {
            versions: some(false, false, &[0, 3]),
            ..all(&c)
        },
    )
    .await;
    assert_eq!(
        keys(&exact),
        vec![
            (x, indicator(1, 3).version),
            (stix_id("indicator", 2), indicator(2, 0).version)
        ]
    );
}

pub async fn first_and_last_among_acceptable_spec_versions(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let c = collection(store.as_ref(), None).await;
    let z = stix_id("indicator", 3);
    add(
        store.as_ref(),
        &c,
        vec![
            versioned("indicator", 3, 1, "2.0", ""),
            versioned("indicator", 3, 2, "2.1", ""),
            versioned("indicator", 3, 3, "2.0", ""),
        ],
    )
    .await;
    let s = store.as_ref();
    assert_eq!(
        versions_of(s, &c, &z, some(false, true, &[]), &[]).await,
        [3]
    );
    assert_eq!(
        versions_of(s, &c, &z, some(false, true, &[]), &["2.1"]).await,
        [2]
    );
    assert_eq!(
        versions_of(s, &c, &z, some(true, false, &[]), &["2.1"]).await,
        [2]
    );
    assert_eq!(
        versions_of(s, &c, &z, some(true, false, &[]), &["2.0"]).await,
        [1]
    );
    assert_eq!(
        versions_of(s, &c, &z, some(false, true, &[]), &["2.0"]).await,
        [3]
    );
    assert_eq!(
        versions_of(s, &c, &z, some(true, true, &[]), &["2.0", "2.1"]).await,
        [1, 3]
    );
    assert_eq!(
        versions_of(s, &c, &z, VersionFilter::All, &["2.1"]).await,
        [2]
    );
    assert_eq!(
        versions_of(s, &c, &z, some(false, false, &[1]), &["2.1"]).await,
        Vec::<i64>::new()
    );
}

pub async fn unversioned_objects_have_one_version(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let c = collection(store.as_ref(), None).await;
    add(store.as_ref(), &c, vec![observable(1)]).await;
    add(store.as_ref(), &c, vec![observable(1)]).await;
    let id = stix_id("ipv4-addr", 1);
    for versions in [
        VersionFilter::All,
        some(true, false, &[]),
        some(false, true, &[]),
    ] {
        let found = fetch(
            store.as_ref(),
            &ObjectQuery {
                ids: vec![id.clone()],
                versions,
                ..all(&c)
            },
        )
        .await;
        assert_eq!(found.len(), 1);
    }
    // Their shown version is their date_added, and an exact match finds it.
    let shown = fetch(
        store.as_ref(),
        &ObjectQuery {
            ids: vec![id.clone()],
            ..all(&c)
        },
    )
    .await[0]
        .date_added;
    let by_version = |exact: i64| ObjectQuery {
        ids: vec![id.clone()],
        versions: VersionFilter::Some {
            first: false,
            last: false,
            exact: vec![exact],
        },
        ..all(&c)
    };
    assert_eq!(fetch(store.as_ref(), &by_version(shown)).await.len(), 1);
    assert_eq!(fetch(store.as_ref(), &by_version(shown + 1)).await.len(), 0);
    let delete = DeleteRequest {
        api_root: ROOT.into(),
        collection_id: c.id.clone(),
        object_id: id.clone(),
        versions: VersionFilter::default(),
        spec_versions: vec![],
    };
    assert_eq!(store.delete_objects(&delete).await.unwrap(), 1);
    assert!(!store.object_exists(ROOT, &c.id, &id).await.unwrap());
}

/// Pages through `query` with `added_after` set to the last `date_added`
/// seen, as TAXII clients without `next` do; returns the pages.
async fn pages(store: &dyn Store, query: &ObjectQuery, limit: usize) -> Vec<Vec<StoredObject>> {
    let mut cursor = None;
    let mut pages = Vec::new();
    loop {
        let page = store
            .query_objects(&ObjectQuery {
                added_after: cursor,
                limit,
                ..query.clone()
            })
            .await
            .unwrap();
        assert!(page.items.len() <= limit);
        let more = page.more;
        cursor = page.items.last().map(|o| o.date_added).or(cursor);
        pages.push(page.items);
        if !more {
            return pages;
        }
        assert_eq!(
            pages.last().map(Vec::len),
            Some(limit),
            "a page with more to come is full"
        );
    }
}

pub async fn pagination_by_added_after_has_no_gaps(store: Arc<dyn Store>, clock: Arc<ManualClock>) {
    let c = collection(store.as_ref(), None).await;
    // 63 versions: some objects in several versions, some observables.
    for round in 0..7 {
        let mut batch: Vec<_> = (0..6).map(|n| indicator(n, round)).collect();
        batch.extend((0..3).map(|n| observable(round as u32 * 3 + n)));
        add(store.as_ref(), &c, batch).await;
        if round % 2 == 0 {
            clock.advance(2);
        }
    }
    let everything = fetch(store.as_ref(), &all(&c)).await;
    assert_eq!(everything.len(), 63);
    let paged = pages(store.as_ref(), &all(&c), 7).await;
    assert_eq!(
        paged.len(),
        9,
        "63 = 9 × 7: the last full page says no more"
    );
    assert_eq!(
        paged.concat(),
        everything,
        "no gaps, no duplicates, same order"
    );
    let paged = pages(store.as_ref(), &all(&c), 10).await;
    assert_eq!(paged.last().map(Vec::len), Some(3));
    assert_eq!(paged.concat(), everything);
    // A limit of one still walks everything.
    assert_eq!(
        pages(store.as_ref(), &all(&c), 1).await.concat(),
        everything
    );
}

pub async fn pagination_of_latest_versions(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let c = collection(store.as_ref(), None).await;
    for round in 0..3 {
        add(
            store.as_ref(),
            &c,
            (0..10).map(|n| indicator(n, round)).collect(),
        )
        .await;
    }
    let latest = ObjectQuery {
        versions: VersionFilter::default(),
        ..all(&c)
    };
    let expected = fetch(store.as_ref(), &latest).await;
    assert_eq!(expected.len(), 10);
    assert_eq!(pages(store.as_ref(), &latest, 4).await.concat(), expected);

    // A version added between two pages shows up after the cursor.
    let first = store
        .query_objects(&ObjectQuery {
            limit: 5,
            ..latest.clone()
        })
        .await
        .unwrap();
    add(store.as_ref(), &c, vec![indicator(0, 9)]).await;
    let cursor = first.items.last().map(|o| o.date_added);
    let rest = store
        .query_objects(&ObjectQuery {
            added_after: cursor,
            limit: 100,
            ..latest.clone()
        })
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 6);
    assert_eq!(
        rest.items.last().map(|o| o.version.clone()),
        Some(indicator(0, 9).version)
    );
}

pub async fn manifest_only_queries_return_the_same_metadata(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let c = collection(store.as_ref(), None).await;
    add(
        store.as_ref(),
        &c,
        vec![
            indicator(1, 0),
            indicator(1, 1),
            observable(2),
            indicator(3, 0),
        ],
    )
    .await;
    for versions in [VersionFilter::All, VersionFilter::default()] {
        let full = fetch(
            store.as_ref(),
            &ObjectQuery {
                versions: versions.clone(),
                ..all(&c)
            },
        )
        .await;
        let manifest = ObjectQuery {
            versions,
            manifest_only: true,
            limit: 2,
            ..all(&c)
        };
        let page = store.query_objects(&manifest).await.unwrap();
        assert!(page.more);
        let rest = store
            .query_objects(&ObjectQuery {
                added_after: page.items.last().map(|o| o.date_added),
                limit: 10,
                ..manifest
            })
            .await
            .unwrap();
        let metadata: Vec<StoredObject> = page.items.into_iter().chain(rest.items).collect();
        let without_json: Vec<StoredObject> = full
            .into_iter()
            .map(|o| StoredObject {
                json: String::new(),
                ..o
            })
            .collect();
        assert_eq!(metadata, without_json);
    }
}

pub async fn json_pages_are_the_object_pages_texts(store: Arc<dyn Store>, clock: Arc<ManualClock>) {
    let c = collection(store.as_ref(), None).await;
    for round in 0..3 {
        let mut batch: Vec<_> = (0..4).map(|n| indicator(n, round)).collect();
        batch.push(observable(round as u32));
        add(store.as_ref(), &c, batch).await;
        clock.advance(3);
    }
    let queries = [
        all(&c),
        ObjectQuery {
            versions: VersionFilter::default(),
            ..all(&c)
        },
        ObjectQuery {
            limit: 4,
            ..all(&c)
        },
        ObjectQuery {
            types: vec!["indicator".into()],
            limit: 5,
            ..all(&c)
        },
        ObjectQuery {
            ids: vec!["indicator--no-such-object".into()],
            ..all(&c)
        },
        // A manifest flag is ignored: the texts are what is asked for.
        ObjectQuery {
            manifest_only: true,
            limit: 3,
            ..all(&c)
        },
    ];
    for query in queries {
        let objects = store
            .query_objects(&ObjectQuery {
                manifest_only: false,
                ..query.clone()
            })
            .await
            .unwrap();
        let json = store.query_objects_json(&query).await.unwrap();
        assert_eq!(json, JsonPage::from(&objects), "{query:?}");
        let texts: Vec<&str> = objects.items.iter().map(|o| o.json.as_str()).collect();
        assert_eq!(json.objects, texts.join(","));
    }
    // Page after page, the texts walk everything once.
    let mut query = ObjectQuery {
        limit: 4,
        ..all(&c)
    };
    let mut texts = Vec::new();
    loop {
        let page = store.query_objects_json(&query).await.unwrap();
        texts.push(page.objects.clone());
        if !page.more {
            break;
        }
        query.added_after = page.first_last.map(|(_, last)| last);
    }
    let everything = fetch(store.as_ref(), &all(&c)).await;
    let all_texts: Vec<&str> = everything.iter().map(|o| o.json.as_str()).collect();
    assert_eq!(texts.join(","), all_texts.join(","));
    assert_eq!(texts.len(), 4, "15 versions in pages of 4");
}
