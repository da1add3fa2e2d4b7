//! A database written by Liaison 0.1 (schema version 1) opens with this
//! version: everything in it is kept, the new columns take their defaults
//! (unmarked versions, `standard` clearance), and the new tables work.

use std::sync::Arc;

use liaison_core::clock::ManualClock;
use liaison_core::federation::Clearance;
use liaison_core::objects::{ObjectQuery, VersionFilter};
use liaison_core::users::{Grant, Role, TokenRecord, User};
use liaison_store::SCHEMA_VERSION;

use super::kit::*;
use super::*;

const OLD_COLLECTION: &str = "11111111-1111-4111-8111-111111111111";

/// Rows as version 1 wrote them (the same SQL on both engines).
fn v1_rows(old: &NewObject) -> String {
    format!(
        "INSERT INTO schema_version (version, applied_at) VALUES (1, 0);
         INSERT INTO api_roots (name, title, description, max_content_length) VALUES ('{ROOT}', 'Old root', NULL, 1048576);
         INSERT INTO collections (api_root, id, title, description, alias)
             VALUES ('{ROOT}', '{OLD_COLLECTION}', 'Old', 'kept', 'old');
         INSERT INTO objects (collection, date_added, id, type, spec_version, version, version_key, is_first, is_last, json)
             SELECT seq, {START}, '{id}', 'indicator', '2.1', '{version}', {key}, true, true, '{json}'
             FROM collections WHERE alias = 'old';
         UPDATE collections SET last_date_added = {START};
         INSERT INTO users (name, role, password_hash) VALUES ('ann', 'analyst', '$argon2id$old');
         INSERT INTO grants (user_name, collection, can_read, can_write)
             SELECT 'ann', seq, true, false FROM collections WHERE alias = 'old';
         INSERT INTO tokens (id, user_name, label, secret_digest, created) VALUES ('t1', 'ann', 'siem', 'digest', 7);",
        id = old.id,
        version = old.version,
        key = old.version_key,
        json = old.json,
    )
}

pub async fn version_1_databases_keep_their_data(backend: Arc<dyn Backend>) {
    let old = indicator(1, 0);
    backend.execute(backend.v1_schema()).await;
    backend.execute(&v1_rows(&old)).await;
    assert_eq!(backend.schema_versions().await, vec![1]);

    let clock = Arc::new(ManualClock::new(START + 1_000_000));
    let store = open(backend.as_ref(), clock).await;
    let s = store.as_ref();
    assert_eq!(
        backend.schema_versions().await,
        (1..=SCHEMA_VERSION).collect::<Vec<_>>()
    );

    // Everything version 1 held.
    assert_eq!(s.api_roots().await.unwrap()[0].title, "Old root");
    let c = s
        .collection(ROOT, "old")
        .await
        .unwrap()
        .expect("the old collection");
    assert_eq!(
        (c.id.as_str(), c.description.as_deref()),
        (OLD_COLLECTION, Some("kept"))
    );
    let stored = fetch(s, &all(&c)).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (stored[0].json.as_str(), stored[0].date_added),
        (old.json.as_str(), START)
    );
    assert_eq!(
        s.user("ann").await.unwrap(),
        Some(User {
            name: "ann".into(),
            role: Role::Analyst,
            password_hash: Some("$argon2id$old".into()),
            clearance: Clearance::Standard,
        })
    );
    assert_eq!(
        s.grants_of("ann").await.unwrap(),
        vec![Grant {
            user: "ann".into(),
            api_root: ROOT.into(),
            collection_id: OLD_COLLECTION.into(),
            read: true,
            write: false,
        }]
    );
    assert_eq!(
        s.token("t1").await.unwrap(),
        Some(TokenRecord {
            id: "t1".into(),
            user: "ann".into(),
            label: "siem".into(),
            secret_digest: "digest".into(),
            created: 7,
        })
    );

    // Old versions are unmarked: the lowest ceiling reads them.
    let clear_only = ObjectQuery {
        max_tlp: Some(0),
        ..all(&c)
    };
    assert_eq!(fetch(s, &clear_only).await.len(), 1);

    // The old data goes on working with the new code: a newer version
    // takes over "last", and the exchange tables are there.
    let newer = indicator(1, 1);
    let shared = s
        .share(share_batch(&c, std::slice::from_ref(&newer), &["cert-b"]))
        .await
        .unwrap();
    assert_eq!(shared.enqueued, vec![("cert-b".to_string(), 1)]);
    let latest = fetch(
        s,
        &ObjectQuery {
            versions: VersionFilter::default(),
            ..all(&c)
        },
    )
    .await;
    assert_eq!(latest.len(), 1);
    assert_eq!(latest[0].version, newer.version);
    assert!(latest[0].date_added > START);
    assert_eq!(s.commonwealth().await.unwrap(), None);
    assert_eq!(s.acts().await.unwrap(), vec![]);
    drop(store);

    // Reopening migrates nothing more.
    let _again = open(backend.as_ref(), Arc::new(ManualClock::new(START))).await;
    assert_eq!(
        backend.schema_versions().await,
        (1..=SCHEMA_VERSION).collect::<Vec<_>>()
    );
}

/// Turns the outbox and the provenance back into their version 2 layout
/// (the payload a column of `outbox`, the record one of `provenance`),
/// keeping what they hold (the same SQL on both engines).
const EXCHANGE_AS_VERSION_2: &str = "
ALTER TABLE outbox ADD COLUMN payload TEXT NOT NULL DEFAULT '';
UPDATE outbox SET payload = (SELECT p.payload FROM outbox_payloads p WHERE p.n = outbox.payload_ref);
ALTER TABLE outbox DROP COLUMN payload_ref;
DROP TABLE outbox_payloads;
ALTER TABLE provenance ADD COLUMN json TEXT NOT NULL DEFAULT '';
UPDATE provenance SET json = (SELECT r.json FROM provenance_records r WHERE r.n = provenance.record_ref);
ALTER TABLE provenance DROP COLUMN record_ref;
DROP TABLE provenance_records;
DELETE FROM schema_version WHERE version = 3;";

pub async fn version_2_outboxes_and_provenance_keep_what_they_hold(backend: Arc<dyn Backend>) {
    let clock = Arc::new(ManualClock::new(START));
    let store = open(backend.as_ref(), Arc::clone(&clock)).await;
    let c = collection(store.as_ref(), Some("to-all")).await;
    let objects = [indicator(1, 0), indicator(2, 0)];
    store
        .share(share_batch(&c, &objects, &["cert-b", "cert-c"]))
        .await
        .unwrap();
    store
        .mark_delivered("cert-b", &[1], Vec::new(), START + 5)
        .await
        .unwrap();
    let before_b = store.outbox_after("cert-b", 0, 10).await.unwrap();
    let before_c = store.outbox_after("cert-c", 0, 10).await.unwrap();
    let provenance = store.provenance_of(&objects[0].id).await.unwrap();
    assert_eq!(provenance.len(), 2);
    drop(store);
    backend.execute(EXCHANGE_AS_VERSION_2).await;
    assert_eq!(backend.schema_versions().await, vec![1, 2]);

    let store = open(backend.as_ref(), clock).await;
    let s = store.as_ref();
    assert_eq!(
        backend.schema_versions().await,
        (1..=SCHEMA_VERSION).collect::<Vec<_>>()
    );
    // Every message, its payload and its delivery are kept.
    assert_eq!(s.outbox_after("cert-b", 0, 10).await.unwrap(), before_b);
    assert_eq!(s.outbox_after("cert-c", 0, 10).await.unwrap(), before_c);
    assert_eq!(before_b.len(), 2);
    assert!(before_b[0].payload.contains(&objects[0].id));
    assert_eq!(
        seqs(&s.outbox_pending("cert-b", 10).await.unwrap()),
        vec![2]
    );
    assert_eq!(s.provenance_of(&objects[0].id).await.unwrap(), provenance);
    // And the outbox goes on from where it was.
    let more = s
        .share(share_batch(&c, &[indicator(3, 0)], &["cert-b"]))
        .await
        .unwrap();
    assert_eq!(more.enqueued, vec![("cert-b".to_string(), 3)]);
}
