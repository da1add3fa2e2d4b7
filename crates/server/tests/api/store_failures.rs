//! Store failures: 503 when the store is unavailable, 500 when its data is
//! corrupt, and never a word of the store's own message to the client.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use liaison_core::exchange::{
    CommonwealthRecord, FeedbackRow, InboundBatch, MessageOutcome, OutboxMessage, OutboxRow,
    ProvenanceRow, ShareBatch, ShareOutcome, StoredAct,
};
use liaison_core::ingest::AddRequest;
use liaison_core::model::{ApiRoot, Collection};
use liaison_core::objects::{DeleteRequest, ObjectQuery, Page, StoredObject};
use liaison_core::status::Status;
use liaison_core::store::ExchangeStore;
use liaison_core::users::{Grant, TokenRecord, User};
use liaison_core::{Store, StoreError};
use reqwest::Method;

use crate::kit::*;

const SECRET: &str = "connection to db.internal:5432 refused";

/// A store that fails every call with a chosen error once told to.
#[derive(Debug)]
struct Breakable {
    inner: Arc<dyn Store>,
    failure: Arc<Mutex<Option<StoreError>>>,
}

impl Breakable {
    fn check(&self) -> Result<(), StoreError> {
        match self.failure.lock().unwrap().clone() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

#[async_trait]
impl Store for Breakable {
    async fn put_api_root(&self, root: &ApiRoot) -> Result<(), StoreError> {
        self.check()?;
        self.inner.put_api_root(root).await
    }
    async fn api_roots(&self) -> Result<Vec<ApiRoot>, StoreError> {
        self.check()?;
        self.inner.api_roots().await
    }
    async fn api_root(&self, name: &str) -> Result<Option<ApiRoot>, StoreError> {
        self.check()?;
        self.inner.api_root(name).await
    }
    async fn create_collection(&self, collection: &Collection) -> Result<(), StoreError> {
        self.check()?;
        self.inner.create_collection(collection).await
    }
    async fn collections(&self, api_root: &str) -> Result<Vec<Collection>, StoreError> {
        self.check()?;
        self.inner.collections(api_root).await
    }
    async fn collection(&self, api_root: &str, id: &str) -> Result<Option<Collection>, StoreError> {
        self.check()?;
        self.inner.collection(api_root, id).await
    }
    async fn add_objects(&self, request: AddRequest) -> Result<Status, StoreError> {
        self.check()?;
        self.inner.add_objects(request).await
    }
    async fn query_objects(&self, query: &ObjectQuery) -> Result<Page<StoredObject>, StoreError> {
        self.check()?;
        self.inner.query_objects(query).await
    }
    async fn object_exists(
        &self,
        root: &str,
        collection: &str,
        object: &str,
    ) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.object_exists(root, collection, object).await
    }
    async fn delete_objects(&self, request: &DeleteRequest) -> Result<u64, StoreError> {
        self.check()?;
        self.inner.delete_objects(request).await
    }
    async fn status(&self, api_root: &str, id: &str) -> Result<Option<Status>, StoreError> {
        self.check()?;
        self.inner.status(api_root, id).await
    }
    async fn create_user(&self, user: &User) -> Result<(), StoreError> {
        self.check()?;
        self.inner.create_user(user).await
    }
    async fn update_user(&self, user: &User) -> Result<(), StoreError> {
        self.check()?;
        self.inner.update_user(user).await
    }
    async fn delete_user(&self, name: &str) -> Result<(), StoreError> {
        self.check()?;
        self.inner.delete_user(name).await
    }
    async fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        self.check()?;
        self.inner.user(name).await
    }
    async fn users(&self) -> Result<Vec<User>, StoreError> {
        self.check()?;
        self.inner.users().await
    }
    async fn set_grant(&self, grant: &Grant) -> Result<(), StoreError> {
        self.check()?;
        self.inner.set_grant(grant).await
    }
    async fn grant(
        &self,
        user: &str,
        root: &str,
        collection: &str,
    ) -> Result<Option<Grant>, StoreError> {
        self.check()?;
        self.inner.grant(user, root, collection).await
    }
    async fn grants_of(&self, user: &str) -> Result<Vec<Grant>, StoreError> {
        self.check()?;
        self.inner.grants_of(user).await
    }
    async fn create_token(&self, token: &TokenRecord) -> Result<(), StoreError> {
        self.check()?;
        self.inner.create_token(token).await
    }
    async fn token(&self, id: &str) -> Result<Option<TokenRecord>, StoreError> {
        self.check()?;
        self.inner.token(id).await
    }
    async fn tokens_of(&self, user: &str) -> Result<Vec<TokenRecord>, StoreError> {
        self.check()?;
        self.inner.tokens_of(user).await
    }
    async fn delete_token(&self, id: &str) -> Result<(), StoreError> {
        self.check()?;
        self.inner.delete_token(id).await
    }
}

#[async_trait]
impl ExchangeStore for Breakable {
    async fn adopt_commonwealth(&self, record: &CommonwealthRecord) -> Result<(), StoreError> {
        self.check()?;
        self.inner.adopt_commonwealth(record).await
    }
    async fn commonwealth(&self) -> Result<Option<CommonwealthRecord>, StoreError> {
        self.check()?;
        self.inner.commonwealth().await
    }
    async fn insert_act(&self, act: &StoredAct) -> Result<bool, StoreError> {
        self.check()?;
        self.inner.insert_act(act).await
    }
    async fn acts(&self) -> Result<Vec<StoredAct>, StoreError> {
        self.check()?;
        self.inner.acts().await
    }
    async fn record_act(
        &self,
        act: &StoredAct,
        outbox: Vec<OutboxMessage>,
    ) -> Result<(bool, Vec<(String, u64)>), StoreError> {
        self.check()?;
        self.inner.record_act(act, outbox).await
    }
    async fn share(&self, batch: ShareBatch) -> Result<ShareOutcome, StoreError> {
        self.check()?;
        self.inner.share(batch).await
    }
    async fn receive(&self, batch: InboundBatch) -> Result<Vec<MessageOutcome>, StoreError> {
        self.check()?;
        self.inner.receive(batch).await
    }
    async fn record_local_feedback(
        &self,
        feedback: &FeedbackRow,
        outbox: Vec<OutboxMessage>,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        self.check()?;
        self.inner.record_local_feedback(feedback, outbox).await
    }
    async fn enqueue(&self, outbox: Vec<OutboxMessage>) -> Result<Vec<(String, u64)>, StoreError> {
        self.check()?;
        self.inner.enqueue(outbox).await
    }
    async fn outbox_pending(&self, peer: &str, limit: usize) -> Result<Vec<OutboxRow>, StoreError> {
        self.check()?;
        self.inner.outbox_pending(peer, limit).await
    }
    async fn outbox_pending_count(&self, peer: &str) -> Result<u64, StoreError> {
        self.check()?;
        self.inner.outbox_pending_count(peer).await
    }
    async fn outbox_after(
        &self,
        peer: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        self.check()?;
        self.inner.outbox_after(peer, after, limit).await
    }
    async fn mark_delivered(
        &self,
        peer: &str,
        seqs: &[u64],
        receipts: Vec<FeedbackRow>,
        at: i64,
    ) -> Result<(), StoreError> {
        self.check()?;
        self.inner.mark_delivered(peer, seqs, receipts, at).await
    }
    async fn pulled_up_to(&self, peer: &str) -> Result<u64, StoreError> {
        self.check()?;
        self.inner.pulled_up_to(peer).await
    }
    async fn prune_nonces(&self, before: i64) -> Result<u64, StoreError> {
        self.check()?;
        self.inner.prune_nonces(before).await
    }
    async fn provenance_of(&self, object_id: &str) -> Result<Vec<ProvenanceRow>, StoreError> {
        self.check()?;
        self.inner.provenance_of(object_id).await
    }
    async fn origin_of(&self, object_id: &str) -> Result<Option<String>, StoreError> {
        self.check()?;
        self.inner.origin_of(object_id).await
    }
    async fn origins_of(
        &self,
        object_ids: &[String],
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        self.check()?;
        self.inner.origins_of(object_ids).await
    }
    async fn feedback_of(&self, object_id: &str) -> Result<Vec<FeedbackRow>, StoreError> {
        self.check()?;
        self.inner.feedback_of(object_id).await
    }
    async fn outbox_of_object(&self, object_id: &str) -> Result<Vec<OutboxRow>, StoreError> {
        self.check()?;
        self.inner.outbox_of_object(object_id).await
    }
}

async fn breakable() -> (TestServer, Arc<Mutex<Option<StoreError>>>, String) {
    let failure = Arc::new(Mutex::new(None));
    let switch = failure.clone();
    let server = TestServer::builder()
        .wrap_store(move |inner| {
            Arc::new(Breakable {
                inner,
                failure: switch,
            })
        })
        .start()
        .await;
    let c = server.collection(None).await;
    (server, failure, c)
}

#[tokio::test]
async fn an_unavailable_store_is_503_without_details() {
    let (server, failure, c) = breakable().await;
    server.get(&objects_path(&c), &server.admin).await.ok(200);
    *failure.lock().unwrap() = Some(StoreError::Unavailable(SECRET.into()));
    let requests = [
        server.req(Method::GET, "/taxii2/"),
        server
            .req(Method::GET, &objects_path(&c))
            .auth(&server.admin),
        server
            .req(Method::POST, &objects_path(&c))
            .auth(&server.admin)
            .envelope(&[indicator(1, &version(1))]),
    ];
    for request in requests {
        let resp = request.send().await;
        resp.taxii_error(503);
        assert!(!resp.body.contains("5432"), "{}", resp.body);
    }
    let resp = server
        .req(Method::GET, "/admin/v1/users")
        .auth(&server.admin)
        .send()
        .await;
    let message = resp.admin_error(503);
    assert!(!message.contains("5432"));
    let health = server.req(Method::GET, "/health").send().await;
    assert_eq!((health.status, health.body.as_str()), (503, "unavailable"));

    *failure.lock().unwrap() = None;
    server.get(&objects_path(&c), &server.admin).await.ok(200);
    assert_eq!(server.req(Method::GET, "/health").send().await.status, 200);
}

#[tokio::test]
async fn a_corrupt_store_is_500_without_details() {
    let (server, failure, c) = breakable().await;
    server.get(&objects_path(&c), &server.admin).await.ok(200);
    *failure.lock().unwrap() = Some(StoreError::Corrupt(SECRET.into()));
    let resp = server.get(&objects_path(&c), &server.admin).await;
    resp.taxii_error(500);
    assert!(!resp.body.contains("5432"));
    let resp = server
        .req(Method::GET, "/admin/v1/users")
        .auth(&server.admin)
        .send()
        .await;
    assert!(!resp.admin_error(500).contains("5432"));
}
