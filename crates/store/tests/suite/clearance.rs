//! TLP per version: stored with every version however it arrived, and a
//! ceiling on reads (`ObjectQuery::max_tlp`) that hides versions above it
//! without changing which version is first or last.

use std::sync::Arc;

use liaison_core::Store;
use liaison_core::clock::ManualClock;
use liaison_core::ingest::AddItem;
use liaison_core::objects::{NewObject, ObjectQuery, VersionFilter};

use super::kit::*;
use super::*;

/// Version `v` of indicator `n` with TLP rank `tlp`.
fn marked(n: u32, v: i64, tlp: u8) -> NewObject {
    NewObject {
        tlp,
        ..indicator(n, v)
    }
}

fn ids_of(items: &[StoredObject]) -> Vec<String> {
    items.iter().map(|o| o.id.clone()).collect()
}

pub async fn tlp_ceilings_hide_versions(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let s = store.as_ref();
    let c = collection(s, None).await;
    // Indicators 0..=4 at ranks 0..=4; indicator 9 goes from GREEN to RED.
    let mut objects: Vec<NewObject> = (0..=4).map(|n| marked(n, 0, n as u8)).collect();
    objects.push(marked(9, 0, 1));
    objects.push(marked(9, 1, 4));
    add(s, &c, objects).await;

    let read = |max_tlp: Option<u8>, versions: VersionFilter, manifest_only: bool| ObjectQuery {
        max_tlp,
        versions,
        manifest_only,
        ..all(&c)
    };
    assert_eq!(
        fetch(s, &read(None, VersionFilter::All, false)).await.len(),
        7
    );
    for manifest_only in [false, true] {
        let standard = fetch(s, &read(Some(2), VersionFilter::All, manifest_only)).await;
        assert_eq!(
            ids_of(&standard),
            vec![
                stix_id("indicator", 0),
                stix_id("indicator", 1),
                stix_id("indicator", 2),
                stix_id("indicator", 9)
            ],
            "manifest_only={manifest_only}"
        );
        let clear = fetch(s, &read(Some(0), VersionFilter::All, manifest_only)).await;
        assert_eq!(ids_of(&clear), vec![stix_id("indicator", 0)]);
        assert_eq!(
            fetch(s, &read(Some(4), VersionFilter::All, manifest_only))
                .await
                .len(),
            7
        );
    }

    // The latest version of indicator 9 is RED: below that ceiling it has
    // no latest version (an older one is not passed off as current).
    let latest = fetch(s, &read(Some(3), VersionFilter::default(), false)).await;
    assert_eq!(
        ids_of(&latest),
        (0..=3).map(|n| stix_id("indicator", n)).collect::<Vec<_>>()
    );
    let first = VersionFilter::Some {
        first: true,
        last: false,
        exact: vec![],
    };
    let firsts = fetch(s, &read(Some(3), first, false)).await;
    assert!(ids_of(&firsts).contains(&stix_id("indicator", 9)));

    // Combined with the other filters.
    let by_id = ObjectQuery {
        ids: vec![stix_id("indicator", 9)],
        ..read(Some(1), VersionFilter::All, false)
    };
    let only_green = fetch(s, &by_id).await;
    assert_eq!(only_green.len(), 1);
    assert_eq!(only_green[0].version, indicator(9, 0).version);
}

pub async fn shared_and_received_versions_keep_their_tlp(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    let s = store.as_ref();
    let out = collection(s, Some("to-all")).await;
    let inbound_c = collection(s, Some("from-cert-b")).await;
    s.share(share_batch(
        &out,
        &[marked(1, 0, 0), marked(2, 0, 3)],
        &["cert-b"],
    ))
    .await
    .unwrap();
    s.receive(inbound(
        "cert-b",
        "n1",
        &inbound_c,
        &[marked(3, 0, 4), marked(4, 0, 2)],
    ))
    .await
    .unwrap();
    let standard = |c: &Collection| ObjectQuery {
        max_tlp: Some(2),
        ..all(c)
    };
    assert_eq!(
        ids_of(&fetch(s, &standard(&out)).await),
        vec![stix_id("indicator", 1)]
    );
    assert_eq!(
        ids_of(&fetch(s, &standard(&inbound_c)).await),
        vec![stix_id("indicator", 4)]
    );
}

/// Objects prepared from a posted envelope carry the TLP of their markings
/// (the most restrictive one, granular markings included) into storage.
pub async fn prepared_objects_store_the_tlp_of_their_markings(
    store: Arc<dyn Store>,
    _clock: Arc<ManualClock>,
) {
    use liaison_core::ingest::prepare;
    use liaison_stix::tlp::Tlp;

    let s = store.as_ref();
    let c = collection(s, None).await;
    let object = |n: u32, markings: &str| {
        format!(
            r#"{{"type":"indicator","spec_version":"2.1","id":"{}","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.{n}']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"{markings}}}"#,
            stix_id("indicator", n)
        )
    };
    let refs = |levels: &[Tlp]| {
        let ids: Vec<String> = levels
            .iter()
            .map(|l| format!("\"{}\"", l.marking_id()))
            .collect();
        format!(r#","object_marking_refs":[{}]"#, ids.join(","))
    };
    let envelope = format!(
        r#"{{"objects":[{},{},{},{}]}}"#,
        object(1, ""),
        object(2, &refs(&[Tlp::Green])),
        object(3, &refs(&[Tlp::Green, Tlp::Red])),
        object(
            4,
            &format!(
                r#","granular_markings":[{{"marking_ref":"{}","selectors":["pattern"]}}]"#,
                Tlp::AmberStrict.marking_id()
            )
        ),
    );
    let parsed = liaison_stix::json::parse(&envelope).unwrap();
    let request = prepare(ROOT, &c.id, "alice", new_uuid_v4(), START, &parsed).unwrap();
    let ranks: Vec<u8> = request
        .items
        .iter()
        .map(|item| match item {
            AddItem::Valid(o) => o.tlp,
            AddItem::Invalid(d) => panic!("invalid fixture: {d:?}"),
        })
        .collect();
    assert_eq!(ranks, vec![0, 1, 4, 3]);
    s.add_objects(request).await.unwrap();
    let readable = |max_tlp| ObjectQuery {
        max_tlp: Some(max_tlp),
        ..all(&c)
    };
    assert_eq!(fetch(s, &readable(2)).await.len(), 2);
    assert_eq!(fetch(s, &readable(3)).await.len(), 3);
}
