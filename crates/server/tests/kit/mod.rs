//! Test kit: a real server on a loopback port over a SQLite store in a
//! temporary directory, users and collections made directly in the store,
//! a small request builder, and STIX fixtures.

#![allow(dead_code)]

use std::sync::Arc;

use liaison_core::Store;
use liaison_core::clock::{Clock, SystemClock};
use liaison_core::model::{ApiRoot, Collection, DEFAULT_MAX_CONTENT_LENGTH, new_uuid_v4};
use liaison_core::users::{self, Grant, Role, User};
use liaison_server::{AppState, Settings};
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const TAXII: &str = "application/taxii+json;version=2.1";
/// The API root every test server has.
pub const ROOT: &str = "api1";

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Creds {
    None,
    Basic(String, String),
    Bearer(String),
    /// A raw `Authorization` header value.
    Raw(String),
}

/// Puts something between the server and the store.
type StoreWrapper = Box<dyn FnOnce(Arc<dyn Store>) -> Arc<dyn Store> + Send>;

/// Configures a [`TestServer`].
pub struct Builder {
    settings: Settings,
    max_content_length: u64,
    tls: Option<Arc<rustls::ServerConfig>>,
    client_tls: Option<rustls::ClientConfig>,
    clock: Arc<dyn Clock>,
    wrap: Option<StoreWrapper>,
}

impl Builder {
    /// Puts a wrapper (such as a failing store) between server and store;
    /// the kit's own fixtures still use the real store.
    pub fn wrap_store(
        mut self,
        wrap: impl FnOnce(Arc<dyn Store>) -> Arc<dyn Store> + Send + 'static,
    ) -> Self {
        self.wrap = Some(Box::new(wrap));
        self
    }

    pub fn settings(mut self, f: impl FnOnce(&mut Settings)) -> Self {
        f(&mut self.settings);
        self
    }

    pub fn max_content_length(mut self, max: u64) -> Self {
        self.max_content_length = max;
        self
    }

    /// Serves over TLS with `config`; the kit's HTTP client uses `client`.
    pub fn tls(mut self, config: Arc<rustls::ServerConfig>, client: rustls::ClientConfig) -> Self {
        self.tls = Some(config);
        self.client_tls = Some(client);
        self
    }

    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub async fn start(self) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("liaison.db");
        let store = liaison_store::open(db.to_str().unwrap(), self.clock.clone())
            .await
            .expect("open store");
        store
            .put_api_root(&ApiRoot {
                name: ROOT.into(),
                title: "API root one".into(),
                description: Some("for tests".into()),
                max_content_length: self.max_content_length,
            })
            .await
            .unwrap();
        let served = match self.wrap {
            Some(wrap) => wrap(store.clone()),
            None => store.clone(),
        };
        let state = AppState::new(served, self.clock, self.settings);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let shutdown = async move {
            let _ = rx.await;
        };
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        let task = tokio::spawn(liaison_server::serve(
            listener,
            self.tls,
            state.clone(),
            shutdown,
        ));
        let mut server = TestServer {
            url: format!("{scheme}://127.0.0.1:{}", addr.port()),
            port: addr.port(),
            state,
            store,
            http: http_client(self.client_tls),
            shutdown: Some(tx),
            task: Some(task),
            _dir: dir,
            admin: Creds::None,
        };
        server.admin = server.user("admin", Role::Admin).await;
        server
    }
}

/// A reqwest client (with the ring provider: reqwest has no default here).
pub fn http_client(tls: Option<rustls::ClientConfig>) -> reqwest::Client {
    let tls = tls.unwrap_or_else(|| {
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth()
    });
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .unwrap()
}

/// A running server.
pub struct TestServer {
    /// `http://127.0.0.1:PORT` (or https).
    pub url: String,
    pub port: u16,
    pub state: AppState,
    pub store: Arc<dyn Store>,
    pub http: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
    /// An administrator (bearer token).
    pub admin: Creds,
}

impl TestServer {
    pub fn builder() -> Builder {
        Builder {
            settings: Settings::default(),
            max_content_length: DEFAULT_MAX_CONTENT_LENGTH,
            tls: None,
            client_tls: None,
            clock: Arc::new(SystemClock),
            wrap: None,
        }
    }

    pub async fn start() -> TestServer {
        Self::builder().start().await
    }

    /// A user with a bearer token (no password hashing: fast).
    pub async fn user(&self, name: &str, role: Role) -> Creds {
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
        Creds::Bearer(token.token)
    }

    /// A user with a password, for HTTP Basic.
    pub async fn password_user(&self, name: &str, role: Role, password: &str) -> Creds {
        let hash = users::hash_password(password).unwrap();
        self.store
            .create_user(&User {
                name: name.into(),
                role,
                password_hash: Some(hash),
                clearance: Default::default(),
            })
            .await
            .unwrap();
        Creds::Basic(name.into(), password.into())
    }

    /// A new collection in [`ROOT`]; returns its id.
    pub async fn collection(&self, alias: Option<&str>) -> String {
        let id = new_uuid_v4();
        self.store
            .create_collection(&Collection {
                id: id.clone(),
                api_root: ROOT.into(),
                title: format!("collection {}", alias.unwrap_or("without alias")),
                description: None,
                alias: alias.map(str::to_owned),
            })
            .await
            .unwrap();
        id
    }

    pub async fn grant(&self, user: &str, collection: &str, read: bool, write: bool) {
        let grant = Grant {
            user: user.into(),
            api_root: ROOT.into(),
            collection_id: collection.into(),
            read,
            write,
        };
        self.store.set_grant(&grant).await.unwrap();
    }

    /// A user of role analyst with exactly these rights on `collection`.
    pub async fn analyst(&self, name: &str, collection: &str, read: bool, write: bool) -> Creds {
        let creds = self.user(name, Role::Analyst).await;
        self.grant(name, collection, read, write).await;
        creds
    }

    /// A request with `Accept: application/taxii+json;version=2.1`.
    pub fn req(&self, method: Method, path: &str) -> Req {
        let mut headers = HeaderMap::new();
        headers.insert("accept", HeaderValue::from_static(TAXII));
        Req {
            http: self.http.clone(),
            method,
            url: format!("{}{path}", self.url),
            headers,
            body: None,
        }
    }

    pub async fn get(&self, path: &str, creds: &Creds) -> Resp {
        self.req(Method::GET, path).auth(creds).send().await
    }

    pub async fn delete(&self, path: &str, creds: &Creds) -> Resp {
        self.req(Method::DELETE, path).auth(creds).send().await
    }

    /// Posts an envelope of `objects` (JSON texts) with the TAXII content type.
    pub async fn post_objects(&self, collection: &str, creds: &Creds, objects: &[String]) -> Resp {
        self.req(Method::POST, &objects_path(collection))
            .auth(creds)
            .envelope(objects)
            .send()
            .await
    }

    /// Posts objects as the administrator and checks that all succeeded.
    pub async fn add(&self, collection: &str, objects: &[String]) -> Value {
        let resp = self
            .post_objects(collection, &self.admin.clone(), objects)
            .await;
        assert_eq!(resp.status, 202, "{}", resp.body);
        let status = resp.json();
        assert_eq!(status["failure_count"], 0, "{status}");
        status
    }

    /// Stops gracefully and waits for the server to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// A request under construction.
pub struct Req {
    http: reqwest::Client,
    method: Method,
    url: String,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
}

impl Req {
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
        self
    }

    pub fn header_bytes(mut self, name: &str, value: &[u8]) -> Self {
        self.headers.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value).unwrap(),
        );
        self
    }

    pub fn without(mut self, name: &str) -> Self {
        self.headers.remove(name);
        self
    }

    pub fn auth(self, creds: &Creds) -> Self {
        use base64::Engine;
        match creds {
            Creds::None => self,
            Creds::Basic(user, password) => {
                let pair =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                self.header("authorization", &format!("Basic {pair}"))
            }
            Creds::Bearer(token) => self.header("authorization", &format!("Bearer {token}")),
            Creds::Raw(value) => self.header("authorization", value),
        }
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// A TAXII envelope body with the TAXII content type.
    pub fn envelope(self, objects: &[String]) -> Self {
        self.header("content-type", TAXII).body(envelope(objects))
    }

    /// A JSON body for the admin API.
    pub fn json(self, value: &Value) -> Self {
        self.header("content-type", "application/json")
            .body(value.to_string())
    }

    pub async fn send(self) -> Resp {
        let mut request = self
            .http
            .request(self.method, &self.url)
            .headers(self.headers);
        if let Some(body) = self.body {
            request = request.body(body);
        }
        let response = request.send().await.expect("request failed");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Resp {
            status,
            headers,
            body,
        }
    }
}

/// A response read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    /// Asserts a 2xx TAXII response with this status and returns its JSON.
    pub fn ok(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.content_type(), TAXII);
        self.json()
    }

    /// Asserts a TAXII error with this status; returns its description.
    pub fn taxii_error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "expected {status}: {}", self.body);
        assert_eq!(self.content_type(), TAXII, "error content type");
        let error = self.json();
        assert_eq!(error["http_status"], status.to_string(), "{error}");
        assert!(
            error["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{error}"
        );
        let description = error["description"].as_str().unwrap_or_default().to_owned();
        assert!(!description.is_empty(), "{error}");
        description
    }

    /// Asserts an admin API error with this status; returns its message.
    pub fn admin_error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "expected {status}: {}", self.body);
        assert_eq!(self.content_type(), "application/json");
        self.json()["error"]
            .as_str()
            .expect("error message")
            .to_owned()
    }

    /// The `id` of every object of an envelope (or record of a manifest).
    pub fn ids(&self) -> Vec<String> {
        self.json()["objects"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|o| o["id"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub fn collection_path(collection: &str) -> String {
    format!("/{ROOT}/collections/{collection}/")
}

pub fn objects_path(collection: &str) -> String {
    format!("/{ROOT}/collections/{collection}/objects/")
}

pub fn object_path(collection: &str, id: &str) -> String {
    format!("/{ROOT}/collections/{collection}/objects/{id}/")
}

pub fn manifest_path(collection: &str) -> String {
    format!("/{ROOT}/collections/{collection}/manifest/")
}

pub fn versions_path(collection: &str, id: &str) -> String {
    format!("/{ROOT}/collections/{collection}/objects/{id}/versions/")
}

/// An envelope of object texts.
pub fn envelope(objects: &[String]) -> String {
    format!("{{\"objects\":[{}]}}", objects.join(","))
}

/// A UUIDv4-shaped id for fixture number `n`.
pub fn uuid(n: u32) -> String {
    format!("{n:08x}-0000-4000-8000-{n:012x}")
}

/// `indicator--…` id number `n`.
pub fn indicator_id(n: u32) -> String {
    format!("indicator--{}", uuid(n))
}

/// `malware--…` id number `n`.
pub fn malware_id(n: u32) -> String {
    format!("malware--{}", uuid(n))
}

/// A valid STIX 2.1 indicator, version `modified`.
pub fn indicator(n: u32, modified: &str) -> String {
    format!(
        r#"{{"type":"indicator","spec_version":"2.1","id":"{}","created":"2016-04-06T20:03:48.000Z","modified":"{modified}","name":"indicator {n}","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"}}"#,
        indicator_id(n)
    )
}

/// A valid STIX 2.1 malware, version `modified`.
pub fn malware(n: u32, modified: &str) -> String {
    format!(
        r#"{{"type":"malware","spec_version":"2.1","id":"{}","created":"2016-04-06T20:03:48.000Z","modified":"{modified}","name":"malware {n}","is_family":false}}"#,
        malware_id(n)
    )
}

/// `2017-01-01T00:00:00.00Nz` style versions: `version(3)` is the third.
pub fn version(n: u32) -> String {
    format!("2017-01-01T00:00:{n:02}.000Z")
}
