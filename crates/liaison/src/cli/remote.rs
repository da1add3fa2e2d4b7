//! A client of a running node's admin HTTP API (`/admin/v1/`), used by the
//! administration commands with `--server URL`.

use std::path::Path;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::pin;

/// Credentials and connection to one node's admin API.
pub struct RemoteAdmin {
    base: String,
    client: reqwest::Client,
    auth: Auth,
}

enum Auth {
    Bearer(String),
    Basic { user: String, password: String },
}

impl RemoteAdmin {
    /// Connects to `url`, authenticating with `LIAISON_TOKEN`, or
    /// `LIAISON_USER` and `LIAISON_PASSWORD`. An `https` node is trusted by
    /// pinning the certificate in `ca_cert` (its `tls/cert.pem`).
    pub fn from_env(url: &str, ca_cert: Option<&Path>) -> anyhow::Result<RemoteAdmin> {
        let auth = match (
            std::env::var("LIAISON_TOKEN"),
            std::env::var("LIAISON_USER"),
            std::env::var("LIAISON_PASSWORD"),
        ) {
            (Ok(token), _, _) if !token.is_empty() => Auth::Bearer(token),
            (_, Ok(user), Ok(password)) => Auth::Basic { user, password },
            _ => bail!(
                "--server needs credentials: set LIAISON_TOKEN, or LIAISON_USER and LIAISON_PASSWORD"
            ),
        };
        let base = url.trim_end_matches('/').to_owned();
        let mut builder =
            reqwest::Client::builder().user_agent(concat!("liaison/", env!("CARGO_PKG_VERSION")));
        if base.starts_with("https://") {
            let cert = ca_cert.context("an https --server needs --ca-cert FILE: the node's certificate (tls/cert.pem in its data directory)")?;
            builder = builder.tls_backend_preconfigured(pin::client_config_for_cert_file(cert)?);
        } else if base.starts_with("http://") {
            // reqwest is built without a default TLS provider
            // (`rustls-no-provider`), and building any client, even one that
            // only speaks plain HTTP, panics without one.
            let _ = rustls::crypto::ring::default_provider().install_default();
        } else {
            bail!("--server must be an http:// or https:// URL");
        }
        let client = builder.build().context("building the HTTP client")?;
        Ok(RemoteAdmin { base, client, auth })
    }

    /// Calls `/admin/v1{path}` with an optional JSON body; returns the
    /// JSON answer (`null` when empty), or the node's error message.
    pub(crate) async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        self.call_text(method, path, body.map(|b| b.to_string()))
            .await
    }

    /// [`Self::call`] with a body that is already JSON text (sent as is, so
    /// that STIX objects keep their exact bytes).
    pub(crate) async fn call_text(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<String>,
    ) -> anyhow::Result<Value> {
        let url = format!("{}/admin/v1{path}", self.base);
        let mut request = self.client.request(method, &url);
        request = match &self.auth {
            Auth::Bearer(token) => request.bearer_auth(token),
            Auth::Basic { user, password } => request.basic_auth(user, Some(password)),
        };
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.base))?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if !status.is_success() {
            let message = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or(text);
            bail!("{status}: {message}");
        }
        if text.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).context("the node answered with malformed JSON")
    }

    pub async fn add_user(
        &self,
        name: &str,
        role: &str,
        password: Option<&str>,
    ) -> anyhow::Result<()> {
        self.call(
            reqwest::Method::POST,
            "/users",
            Some(json!({"name": name, "role": role, "password": password})),
        )
        .await
        .map(drop)
    }

    pub async fn update_user(
        &self,
        name: &str,
        role: Option<&str>,
        password: Option<&str>,
    ) -> anyhow::Result<()> {
        let mut body = serde_json::Map::new();
        if let Some(role) = role {
            body.insert("role".into(), role.into());
        }
        if let Some(password) = password {
            body.insert("password".into(), password.into());
        }
        self.call(
            reqwest::Method::PATCH,
            &format!("/users/{}", segment(name)),
            Some(Value::Object(body)),
        )
        .await
        .map(drop)
    }

    pub async fn remove_user(&self, name: &str) -> anyhow::Result<()> {
        self.call(
            reqwest::Method::DELETE,
            &format!("/users/{}", segment(name)),
            None,
        )
        .await
        .map(drop)
    }

    /// `(name, role, has_password)` of every user.
    pub async fn users(&self) -> anyhow::Result<Vec<(String, String, bool)>> {
        let list = self.call(reqwest::Method::GET, "/users", None).await?;
        Ok(items(&list)
            .map(|u| {
                (
                    field(u, "name"),
                    field(u, "role"),
                    u.get("has_password")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                )
            })
            .collect())
    }

    pub async fn create_token(&self, user: &str, label: &str) -> anyhow::Result<String> {
        let created = self
            .call(
                reqwest::Method::POST,
                &format!("/users/{}/tokens", segment(user)),
                Some(json!({"label": label})),
            )
            .await?;
        created
            .get("token")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .context("the node returned no token")
    }

    /// `(id, label, created)` of a user's tokens.
    pub async fn tokens(&self, user: &str) -> anyhow::Result<Vec<(String, String, String)>> {
        let list = self
            .call(
                reqwest::Method::GET,
                &format!("/users/{}/tokens", segment(user)),
                None,
            )
            .await?;
        Ok(items(&list)
            .map(|t| (field(t, "id"), field(t, "label"), field(t, "created")))
            .collect())
    }

    pub async fn revoke_token(&self, id: &str) -> anyhow::Result<()> {
        self.call(
            reqwest::Method::DELETE,
            &format!("/tokens/{}", segment(id)),
            None,
        )
        .await
        .map(drop)
    }

    /// Creates a collection and returns its id.
    pub async fn add_collection(
        &self,
        api_root: &str,
        title: &str,
        alias: Option<&str>,
        description: Option<&str>,
    ) -> anyhow::Result<String> {
        let body = json!({"api_root": api_root, "title": title, "alias": alias, "description": description});
        let created = self
            .call(reqwest::Method::POST, "/collections", Some(body))
            .await?;
        created
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .context("the node returned no collection id")
    }

    /// `(id, alias, title)` of the collections of an API root.
    pub async fn collections(
        &self,
        api_root: &str,
    ) -> anyhow::Result<Vec<(String, String, String)>> {
        let list = self
            .call(
                reqwest::Method::GET,
                &format!("/collections?api_root={}", segment(api_root)),
                None,
            )
            .await?;
        Ok(items(&list)
            .map(|c| (field(c, "id"), field(c, "alias"), field(c, "title")))
            .collect())
    }

    /// Sets which TLP levels `name` may read.
    pub async fn set_clearance(&self, name: &str, clearance: &str) -> anyhow::Result<()> {
        self.call(
            reqwest::Method::PUT,
            &format!("/users/{}/clearance", segment(name)),
            Some(json!({ "clearance": clearance })),
        )
        .await
        .map(drop)
    }

    pub async fn set_grant(
        &self,
        user: &str,
        api_root: &str,
        collection: &str,
        read: bool,
        write: bool,
    ) -> anyhow::Result<()> {
        let body = json!({"user": user, "api_root": api_root, "collection": collection, "read": read, "write": write});
        self.call(reqwest::Method::PUT, "/grants", Some(body))
            .await
            .map(drop)
    }
}

fn items(list: &Value) -> impl Iterator<Item = &Value> {
    list.as_array().into_iter().flatten()
}

fn field(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Percent-encodes a URL path segment.
pub(crate) fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
