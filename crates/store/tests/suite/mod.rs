//! The conformance suite: one set of checks that every back end must pass,
//! run by `tests/sqlite.rs` and `tests/postgres.rs` through
//! [`conformance_tests!`], so that the two cannot drift apart.
//!
//! Most checks take a fresh store (`Arc<dyn Store>`) and the `ManualClock`
//! it was opened with; the few that must close and reopen a database, or
//! open several handles on it, take the [`Backend`] instead.

#![allow(dead_code)] // each test binary uses the suite through the macro

pub mod atomicity;
pub mod clearance;
pub mod concurrency;
pub mod containers;
pub mod deletes;
pub mod durability;
pub mod filters;
pub mod inbound;
pub mod kit;
pub mod migration;
pub mod objects;
pub mod outbox;
pub mod records;
pub mod sharing;
pub mod users;
pub mod v1;

use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use liaison_core::Store;
use liaison_core::clock::ManualClock;
use liaison_core::ingest::{AddItem, AddRequest};
use liaison_core::model::{ApiRoot, Collection, new_uuid_v4};
use liaison_core::objects::{NewObject, ObjectQuery, StoredObject, UNVERSIONED, VersionFilter};
use liaison_core::status::Status;
use liaison_stix::Timestamp;

/// A database that the suite can open, reopen and tamper with.
#[async_trait]
pub trait Backend: Send + Sync + 'static {
    /// The string to give [`liaison_store::open`].
    fn database(&self) -> String;
    /// Records `version` as the newest applied schema version, as a newer
    /// Liaison would.
    async fn set_schema_version(&self, version: i64);
    /// The versions recorded in `schema_version`, ascending.
    async fn schema_versions(&self) -> Vec<i64>;
    /// Runs SQL on the database behind the store's back (to corrupt it).
    async fn execute(&self, sql: &str);
    /// The number a `SELECT count(*) ...` query gives, behind the store's
    /// back (to see how it stores things).
    async fn count(&self, sql: &str) -> i64;
    /// The schema of version 1, as Liaison 0.1 created it, in this engine's
    /// dialect (to test migrations from it).
    fn v1_schema(&self) -> &'static str;
    /// Makes every insert into `table` whose `column` equals `value` fail,
    /// as a full disk or a lost connection would halfway through a
    /// transaction.
    async fn fail_inserts(&self, table: &str, column: &str, value: &str);
    /// Removes the database.
    async fn cleanup(&self);
}

/// Where every store's clock starts: 2024-01-01T00:00:00Z.
pub const START: i64 = 1_704_067_200_000_000;

/// The API root every check uses.
pub const ROOT: &str = "api1";

/// Opens `backend` with `clock`, failing the test with the error.
pub async fn open(backend: &dyn Backend, clock: Arc<ManualClock>) -> Arc<dyn Store> {
    match liaison_store::open(&backend.database(), clock).await {
        Ok(store) => store,
        Err(e) => panic!("cannot open the store under test: {e}"),
    }
}

/// Runs a check on a fresh store, then removes the database even when the
/// check failed.
pub async fn run_store_test<F, Fut>(backend: Arc<dyn Backend>, check: F)
where
    F: FnOnce(Arc<dyn Store>, Arc<ManualClock>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let clock = Arc::new(ManualClock::new(START));
    let store = open(backend.as_ref(), clock.clone()).await;
    let outcome = tokio::spawn(check(store, clock)).await;
    backend.cleanup().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Runs a check that opens the backend itself, then removes the database.
pub async fn run_backend_test<F, Fut>(backend: Arc<dyn Backend>, check: F)
where
    F: FnOnce(Arc<dyn Backend>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let outcome = tokio::spawn(check(backend.clone())).await;
    backend.cleanup().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// One `#[tokio::test]` per check, each on a fresh database from
/// `new_backend().await` (a function the including test file defines).
/// Listing the checks once here is what makes every back end run all of them.
#[macro_export]
macro_rules! conformance_tests {
    () => {
        $crate::conformance_tests!(@store
            containers::api_roots_round_trip,
            containers::collections_keep_creation_order,
            containers::aliases_and_ids_are_unique_per_api_root,
            objects::added_objects_read_back_as_stored,
            objects::readding_is_idempotent,
            objects::a_different_object_with_the_same_version_conflicts,
            objects::duplicates_in_one_request_are_present_after_the_first,
            objects::invalid_items_are_reported_and_valid_ones_stored,
            objects::date_added_increases_when_the_clock_stands_still_or_steps_back,
            objects::status_round_trips,
            objects::unknown_collections_are_not_found,
            objects::collections_are_separate,
            filters::type_id_spec_version_and_added_after,
            filters::first_last_all_and_exact_versions,
            filters::first_and_last_among_acceptable_spec_versions,
            filters::unversioned_objects_have_one_version,
            filters::pagination_by_added_after_has_no_gaps,
            filters::pagination_of_latest_versions,
            filters::manifest_only_queries_return_the_same_metadata,
            filters::json_pages_are_the_object_pages_texts,
            concurrency::concurrent_adds_each_get_their_own_outcome,
            deletes::delete_repairs_first_and_last,
            deletes::delete_by_spec_version_and_exact_version,
            users::users_round_trip,
            users::grants_round_trip,
            users::tokens_round_trip,
            users::deleting_a_user_cascades,
            users::clearances_round_trip,
            clearance::tlp_ceilings_hide_versions,
            clearance::shared_and_received_versions_keep_their_tlp,
            clearance::prepared_objects_store_the_tlp_of_their_markings,
            sharing::share_commits_objects_status_provenance_and_outbox,
            sharing::conflicting_objects_enqueue_nothing,
            sharing::resharing_is_idempotent,
            outbox::sequences_are_per_peer_and_start_at_one,
            outbox::pending_after_and_delivered,
            inbound::receive_applies_objects_provenance_feedback_and_acts,
            inbound::replayed_nonces_store_nothing,
            inbound::applied_messages_are_not_applied_again,
            inbound::conflicting_objects_are_refused_with_a_reason,
            inbound::pull_positions_only_advance,
            inbound::receipts_from_the_origin_deliver_its_messages,
            inbound::nonces_are_pruned_by_request_time,
            records::commonwealth_adoption_is_idempotent,
            records::acts_are_stored_once_in_arrival_order,
            records::own_acts_are_stored_and_enqueued_at_once,
            records::local_feedback_is_stored_and_enqueued,
            records::lookups_by_object,
            records::origins_of_many_ids_in_one_call,
            records::messages_are_enqueued_alone_once_per_peer_and_id,
        );
        $crate::conformance_tests!(@backend
            concurrency::concurrent_writers_commit_in_date_added_order,
            durability::committed_data_survives_reopening,
            durability::reopening_migrates_nothing_and_newer_schemas_are_refused,
            durability::corrupt_rows_are_reported_not_trusted,
            concurrency::concurrent_sharers_number_each_peer_in_commit_order,
            concurrency::concurrent_receivers_apply_each_message_once,
            atomicity::a_failed_share_stores_nothing,
            atomicity::a_failed_receive_stores_nothing_not_even_the_nonce,
            atomicity::failed_local_feedback_and_deliveries_store_nothing,
            migration::version_1_databases_keep_their_data,
            migration::version_2_outboxes_and_provenance_keep_what_they_hold,
            outbox::a_payload_sent_to_many_peers_is_stored_once,
        );
    };
    (@store $($module:ident :: $check:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $check() {
            suite::run_store_test(new_backend().await, suite::$module::$check).await;
        }
    )*};
    (@backend $($module:ident :: $check:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $check() {
            suite::run_backend_test(new_backend().await, suite::$module::$check).await;
        }
    )*};
}

// ----- fixtures -------------------------------------------------------------

/// Creates the API root (if needed) and a new collection in it.
pub async fn collection(store: &dyn Store, alias: Option<&str>) -> Collection {
    store
        .put_api_root(&ApiRoot {
            name: ROOT.into(),
            title: "API root one".into(),
            description: None,
            max_content_length: 1 << 20,
        })
        .await
        .unwrap();
    let c = Collection {
        id: new_uuid_v4(),
        api_root: ROOT.into(),
        title: "Indicators".into(),
        description: Some("test collection".into()),
        alias: alias.map(str::to_owned),
    };
    store.create_collection(&c).await.unwrap();
    c
}

/// A STIX id numbered `n` of `kind`.
pub fn stix_id(kind: &str, n: u32) -> String {
    format!("{kind}--00000000-0000-4000-8000-{n:012}")
}

/// The version (`modified`) `v` seconds after 2020-01-01.
pub fn version_key(v: i64) -> i64 {
    1_577_836_800_000_000 + v * 1_000_000
}

/// Version `v` of indicator `n`, in spec version 2.1.
pub fn indicator(n: u32, v: i64) -> NewObject {
    versioned("indicator", n, v, "2.1", "")
}

/// Version `v` of object `n` of `kind` in `spec`; `extra` changes the JSON
/// without changing the version.
pub fn versioned(kind: &str, n: u32, v: i64, spec: &str, extra: &str) -> NewObject {
    let id = stix_id(kind, n);
    let version = Timestamp::from_unix_micros(version_key(v)).to_taxii_string();
    NewObject {
        json: format!(
            r#"{{"type":"{kind}","spec_version":"{spec}","id":"{id}","created":"2020-01-01T00:00:00.000000Z","modified":"{version}","name":"n{n} v{v}{extra}"}}"#
        ),
        id,
        object_type: kind.into(),
        spec_version: spec.into(),
        version,
        version_key: version_key(v),
        tlp: 0,
    }
}

/// An unversioned cyber-observable.
pub fn observable(n: u32) -> NewObject {
    let id = stix_id("ipv4-addr", n);
    NewObject {
        json: format!(r#"{{"type":"ipv4-addr","id":"{id}","value":"198.51.100.{n}"}}"#),
        id,
        object_type: "ipv4-addr".into(),
        spec_version: "2.1".into(),
        version: String::new(),
        version_key: UNVERSIONED,
        tlp: 0,
    }
}

/// An add request for `objects` in `c`.
pub fn request(c: &Collection, items: Vec<AddItem>) -> AddRequest {
    AddRequest {
        api_root: c.api_root.clone(),
        collection_id: c.id.clone(),
        owner: "alice".into(),
        status_id: new_uuid_v4(),
        request_timestamp: START,
        items,
    }
}

/// Adds valid objects and returns the status.
pub async fn add(store: &dyn Store, c: &Collection, objects: Vec<NewObject>) -> Status {
    let status = store
        .add_objects(request(
            c,
            objects.into_iter().map(AddItem::Valid).collect(),
        ))
        .await
        .unwrap();
    assert!(status.counts_agree(), "{status:?}");
    status
}

/// A query for every version in `c`.
pub fn all(c: &Collection) -> ObjectQuery {
    ObjectQuery {
        api_root: c.api_root.clone(),
        collection_id: c.id.clone(),
        versions: VersionFilter::All,
        limit: 100_000,
        ..ObjectQuery::default()
    }
}

/// Every version matching `query`, in one page.
pub async fn fetch(store: &dyn Store, query: &ObjectQuery) -> Vec<StoredObject> {
    let page = store.query_objects(query).await.unwrap();
    assert!(!page.more, "the query was expected to fit in one page");
    page.items
}

/// `(id, version)` pairs, for compact assertions.
pub fn keys(items: &[StoredObject]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|o| (o.id.clone(), o.version.clone()))
        .collect()
}

/// Asserts that `date_added` strictly increases along `items`.
pub fn assert_increasing(items: &[StoredObject]) {
    for pair in items.windows(2) {
        assert!(
            pair[0].date_added < pair[1].date_added,
            "date_added not increasing: {pair:?}"
        );
    }
}
