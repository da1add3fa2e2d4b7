//! Test kit: a commonwealth of in-process nodes, each a real server
//! (`liaison_server::serve` with TLS and optional client certificates) on
//! a loopback port over its own SQLite store in a temporary directory,
//! with its delivery workers; founded from one agreement signed by all.
//! A node can be stopped and started again on the same port and store.

#![allow(dead_code)]

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use liaison_core::Store;
use liaison_core::clock::{Clock, SystemClock};
use liaison_core::exchange_ops::{FEDERATION_INBOX_PATH, FoundersMembership, NodeIdentity, adopt};
use liaison_core::federation::{
    Agreement, EndpointPolicy, MemberCard, RequestSignature, Rules, SignedHeaders, SigningKey,
};
use liaison_core::users::{self, Grant, Role, User};
use liaison_server::federation::tls::{
    NodeCertificate, client_config, fingerprint, pinned_client_config, server_config,
};
use liaison_server::federation::{Federation, FederationSettings, WorkerSettings, Workers};
use liaison_server::{AppState, Settings};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const TAXII: &str = "application/taxii+json;version=2.1";

/// Short intervals: a test waits milliseconds, not the production seconds.
pub fn fast_workers() -> WorkerSettings {
    WorkerSettings {
        poll_interval: Duration::from_millis(300),
        backoff_initial: Duration::from_millis(100),
        backoff_max: Duration::from_millis(800),
        request_timeout: Duration::from_secs(10),
        ..WorkerSettings::default()
    }
}

pub fn certificate() -> NodeCertificate {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap();
    NodeCertificate {
        chain: vec![certified.cert.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            certified.signing_key.serialize_der(),
        )),
    }
}

struct Running {
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
    workers: Option<Workers>,
}

/// One member node.
pub struct Node {
    pub name: String,
    pub port: u16,
    pub url: String,
    pub store: Arc<dyn Store>,
    pub state: AppState,
    pub node: Arc<NodeIdentity>,
    pub certificate: NodeCertificate,
    /// A client for the TAXII and admin APIs (pinned, no client certificate).
    pub http: reqwest::Client,
    /// The administrator's bearer token.
    pub admin: String,
    /// The settings of the delivery workers at the next start.
    pub workers: WorkerSettings,
    /// The listener bound when the commonwealth was founded (first start).
    listener: Option<TcpListener>,
    running: Option<Running>,
    _dir: tempfile::TempDir,
}

/// Founds a commonwealth of `names` and starts every node.
pub async fn commonwealth(names: &[&str]) -> Vec<Node> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut parts = Vec::new();
    for name in names {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let key = SigningKey::generate();
        let certificate = certificate();
        let card = MemberCard::create(
            name,
            &format!("https://127.0.0.1:{port}"),
            &fingerprint(&certificate.chain[0]),
            &key,
            EndpointPolicy::HttpsOnly,
        )
        .unwrap();
        parts.push((name.to_string(), listener, key, certificate, card));
    }
    let cards = parts.iter().map(|p| p.4.clone()).collect();
    let mut agreement = Agreement::draft(
        "Test commonwealth",
        cards,
        Rules::default(),
        clock.now_micros(),
        EndpointPolicy::HttpsOnly,
    )
    .unwrap();
    for p in &parts {
        agreement.sign(&p.2, EndpointPolicy::HttpsOnly).unwrap();
    }
    let mut nodes = Vec::new();
    for (name, listener, key, certificate, card) in parts {
        let port = listener.local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("liaison.db");
        let store = liaison_store::open(db.to_str().unwrap(), clock.clone())
            .await
            .unwrap();
        let node = adopt(
            store.as_ref(),
            key,
            card,
            &agreement,
            clock.now_micros(),
            EndpointPolicy::HttpsOnly,
        )
        .await
        .unwrap();
        let node = Arc::new(node);
        let membership = Arc::new(FoundersMembership::new(node.agreement()));
        let federation = Arc::new(Federation::new(
            node.clone(),
            membership,
            FederationSettings::default(),
        ));
        let settings = Settings {
            default_api_root: Some("default".into()),
            ..Settings::default()
        };
        let state =
            AppState::new(store.clone(), clock.clone(), settings).with_federation(federation);
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(
                pinned_client_config(&fingerprint(&certificate.chain[0])).unwrap(),
            )
            .build()
            .unwrap();
        let mut node = Node {
            name,
            port,
            url: format!("https://127.0.0.1:{port}"),
            store,
            state,
            node,
            certificate,
            http,
            admin: String::new(),
            workers: fast_workers(),
            listener: Some(listener),
            running: None,
            _dir: dir,
        };
        node.admin = node.token("admin", Role::Admin).await;
        nodes.push(node);
    }
    for node in &mut nodes {
        node.start().await;
    }
    nodes
}

impl Node {
    /// Starts the server (on the node's port) and its delivery workers.
    pub async fn start(&mut self) {
        assert!(self.running.is_none(), "{} is running", self.name);
        let listener = match self.listener.take() {
            Some(listener) => listener,
            None => TcpListener::bind(("127.0.0.1", self.port)).await.unwrap(),
        };
        let tls = Arc::new(server_config(&self.certificate).unwrap());
        let (shutdown, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(liaison_server::serve(
            listener,
            Some(tls),
            self.state.clone(),
            async move {
                let _ = rx.await;
            },
        ));
        let workers =
            Some(Workers::start(&self.state, &self.certificate, self.workers.clone()).unwrap());
        self.running = Some(Running {
            shutdown,
            server,
            workers,
        });
    }

    /// Stops the workers and the server (the store stays).
    pub async fn stop(&mut self) {
        let running = self.running.take().expect("not running");
        if let Some(workers) = running.workers {
            workers.stop().await;
        }
        let _ = running.shutdown.send(());
        running.server.await.unwrap().unwrap();
    }

    /// Stops only the delivery workers.
    pub async fn stop_workers(&mut self) {
        let running = self.running.as_mut().expect("not running");
        if let Some(workers) = running.workers.take() {
            workers.stop().await;
        }
    }

    pub async fn start_workers(&mut self) {
        let running = self.running.as_mut().expect("not running");
        running.workers =
            Some(Workers::start(&self.state, &self.certificate, self.workers.clone()).unwrap());
    }

    /// A user with a bearer token.
    pub async fn token(&self, name: &str, role: Role) -> String {
        self.store
            .create_user(&User {
                name: name.into(),
                role,
                password_hash: None,
                clearance: Default::default(),
            })
            .await
            .unwrap();
        let token = users::new_token(name, "test", 0);
        self.store.create_token(&token.record).await.unwrap();
        token.token
    }

    /// Grants `user` rights on the exchange collection with `alias`.
    pub async fn grant(&self, user: &str, alias: &str, read: bool, write: bool) {
        let collection = self
            .store
            .collection("default", alias)
            .await
            .unwrap()
            .unwrap();
        self.store
            .set_grant(&Grant {
                user: user.into(),
                api_root: "default".into(),
                collection_id: collection.id,
                read,
                write,
            })
            .await
            .unwrap();
    }

    /// A request to this node with a bearer token.
    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.url))
            .header("authorization", format!("Bearer {token}"))
    }

    /// An admin API call; returns status and JSON.
    pub async fn admin_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.admin_call_as(&self.admin.clone(), method, path, body)
            .await
    }

    pub async fn admin_call_as(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.request(method, &format!("/admin/v1{path}"), token);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Shares `objects` with `to` through the admin API; asserts 200.
    pub async fn share(&self, objects: &[String], to: Value) -> Value {
        let objects: Vec<Value> = objects
            .iter()
            .map(|o| serde_json::from_str(o).unwrap())
            .collect();
        let (status, body) = self
            .admin_call(
                reqwest::Method::POST,
                "/share",
                Some(serde_json::json!({"objects": objects, "to": to})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// True when nothing of this node's outbox to `peer` waits for
    /// delivery (every message receipted).
    pub async fn delivered_all_to(&self, peer: &str) -> bool {
        self.store.outbox_pending_count(peer).await.unwrap() == 0
    }

    /// The ids of the objects in collection `alias` as `token` reads them
    /// through TAXII (all versions).
    pub async fn taxii_ids(&self, alias: &str, token: &str) -> Vec<String> {
        let response = self
            .request(
                reqwest::Method::GET,
                &format!("/default/collections/{alias}/objects/?match[version]=all"),
                token,
            )
            .header("accept", TAXII)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        let body: Value = response.json().await.unwrap();
        body["objects"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|o| o["id"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The delivery status of an object this node shared.
    pub async fn status(&self, object_id: &str) -> Value {
        let (status, body) = self
            .admin_call(
                reqwest::Method::GET,
                &format!("/objects/{object_id}/status"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// The state of `recipient` in the status of the latest version.
    pub async fn state_for(&self, object_id: &str, recipient: &str) -> Option<Value> {
        let status = self.status(object_id).await;
        let versions = status["versions"].as_array()?;
        versions
            .last()?
            .get("recipients")?
            .as_array()?
            .iter()
            .find(|r| r["recipient"] == recipient)
            .cloned()
    }

    /// A client presenting `presented`'s certificate to this node.
    pub fn peer_client(&self, presented: &NodeCertificate) -> reqwest::Client {
        let config = client_config(&fingerprint(&self.certificate.chain[0]), presented).unwrap();
        reqwest::Client::builder()
            .tls_backend_preconfigured(config)
            .build()
            .unwrap()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            running.server.abort();
        }
    }
}

/// Waits until `check` returns true, for at most 30 s.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if check().await {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A UUIDv4-shaped id for fixture number `n`.
pub fn uuid(n: u32) -> String {
    format!("{n:08x}-0000-4000-8000-{n:012x}")
}

pub fn indicator_id(n: u32) -> String {
    format!("indicator--{}", uuid(n))
}

/// A valid indicator, version `modified`, marked with `marking` (a
/// marking-definition id) if given.
pub fn indicator(n: u32, modified: &str, marking: Option<&str>) -> String {
    let markings = marking
        .map(|m| format!(r#","object_marking_refs":["{m}"]"#))
        .unwrap_or_default();
    format!(
        r#"{{"type":"indicator","spec_version":"2.1","id":"{}","created":"2016-04-06T20:03:48.000Z","modified":"{modified}","name":"indicator {n}","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"{markings}}}"#,
        indicator_id(n)
    )
}

pub const V1: &str = "2017-01-01T00:00:01.000Z";
pub const V2: &str = "2017-01-01T00:00:02.000Z";

/// A signed node-to-node request, honest or forged field by field.
pub struct Forge<'a> {
    pub origin: &'a str,
    pub destination: &'a str,
    pub key: &'a SigningKey,
    pub node: &'a NodeIdentity,
    pub time: i64,
    pub method: &'a str,
    pub path: &'a str,
}

impl Forge<'_> {
    pub fn sign(&self, body: &str) -> SignedHeaders {
        RequestSignature {
            method: self.method,
            path_and_query: self.path,
            body: body.as_bytes(),
            origin: self.origin,
            destination: self.destination,
            commonwealth: self.node.commonwealth(),
            time_micros: self.time,
        }
        .sign(self.key)
        .unwrap()
    }
}

/// What `from` signs when it sends to `to` now.
pub fn honest<'a>(from: &'a NodeIdentity, to: &'a str) -> Forge<'a> {
    Forge {
        origin: from.name(),
        destination: to,
        key: from.key(),
        node: from,
        time: SystemClock.now_micros(),
        method: "POST",
        path: FEDERATION_INBOX_PATH,
    }
}

/// Sends a signed request; the status and the TAXII JSON answer.
pub async fn send(
    client: &reqwest::Client,
    to: &Node,
    method: &str,
    path: &str,
    headers: &SignedHeaders,
    body: &str,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client
        .request(method, format!("{}{path}", to.url))
        .header("accept", TAXII);
    for (name, value) in headers.pairs() {
        request = request.header(name, value);
    }
    if !body.is_empty() {
        request = request.header("content-type", TAXII).body(body.to_owned());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, TAXII);
    (status, response.json().await.unwrap())
}
