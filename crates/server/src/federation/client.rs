//! Signed requests to one peer: HTTPS pinned to the certificate in its
//! member card, this node's certificate as the client certificate, and the
//! `Liaison-*` signature headers over method, path, body digest, origin,
//! destination, commonwealth, time and a fresh nonce.

use std::time::Duration;

use liaison_core::clock::Clock;
use liaison_core::exchange_ops::{
    FEDERATION_INBOX_PATH, FEDERATION_LEDGER_PATH, FEDERATION_OUTBOX_PATH, NodeIdentity,
};
use liaison_core::federation::{Member, RequestSignature, SigningKey};
use liaison_taxii::TAXII_21;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::tls::{NodeCertificate, client_config};

/// Why a request to a peer failed. Never holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum PeerError {
    #[error("cannot reach {peer}: {detail}")]
    Transport { peer: String, detail: String },
    #[error("{peer} answered {status}: {detail}")]
    Refused {
        peer: String,
        status: u16,
        detail: String,
    },
    #[error("{peer} answered with a body this node cannot read: {detail}")]
    BadAnswer { peer: String, detail: String },
    #[error("cannot sign the request: {0}")]
    Signing(String),
    #[error("TLS set-up for {peer}: {detail}")]
    Tls { peer: String, detail: String },
}

/// A client for one peer.
#[derive(Debug, Clone)]
pub struct PeerClient {
    peer: Member,
    http: reqwest::Client,
    /// The endpoint without a trailing `/`.
    base: String,
    /// The path part of the endpoint (`/liaison` or empty), prefixed to
    /// the signed path.
    base_path: String,
}

#[derive(Deserialize)]
struct InboxAnswer {
    /// The receipt batch (`null` when no message called for a receipt).
    receipts: Option<Box<RawValue>>,
    #[serde(default)]
    deferred: Option<Deferred>,
}

/// A message the peer put off (it and the messages after it were not
/// handled): retry later.
#[derive(Debug, Clone, Deserialize)]
pub struct Deferred {
    /// The message's id.
    pub message: String,
    pub reason: String,
}

/// What the peer answered to a push.
#[derive(Debug, Clone)]
pub struct Pushed {
    /// The receipt batch (JSON text), if any.
    pub receipts: Option<String>,
    pub deferred: Option<Deferred>,
}

impl PeerClient {
    pub fn new(
        peer: &Member,
        own: &NodeCertificate,
        timeout: Duration,
    ) -> Result<PeerClient, PeerError> {
        let tls_error = |detail: String| PeerError::Tls {
            peer: peer.name.clone(),
            detail,
        };
        let tls =
            client_config(&peer.tls_fingerprint, own).map_err(|e| tls_error(e.to_string()))?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| tls_error(e.to_string()))?;
        let base = peer.endpoint.trim_end_matches('/').to_owned();
        let base_path = base
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
            .unwrap_or_default();
        Ok(PeerClient {
            peer: peer.clone(),
            http,
            base,
            base_path,
        })
    }

    pub fn peer(&self) -> &Member {
        &self.peer
    }

    /// Pushes an envelope; returns the receipts and what was put off.
    pub async fn push(
        &self,
        node: &NodeIdentity,
        clock: &dyn Clock,
        body: String,
    ) -> Result<Pushed, PeerError> {
        let answer = self
            .send(
                node,
                clock,
                reqwest::Method::POST,
                FEDERATION_INBOX_PATH.to_owned(),
                body.into_bytes(),
            )
            .await?;
        let answer: InboxAnswer =
            serde_json::from_slice(&answer).map_err(|e| PeerError::BadAnswer {
                peer: self.peer.name.clone(),
                detail: e.to_string(),
            })?;
        Ok(Pushed {
            receipts: answer.receipts.map(|r| r.get().to_owned()),
            deferred: answer.deferred,
        })
    }

    /// Pulls the acts of the peer's ledger after the first `after` it
    /// stored.
    pub async fn ledger(
        &self,
        node: &NodeIdentity,
        clock: &dyn Clock,
        after: usize,
    ) -> Result<Vec<u8>, PeerError> {
        let path = format!("{FEDERATION_LEDGER_PATH}?after={after}");
        self.send(node, clock, reqwest::Method::GET, path, Vec::new())
            .await
    }

    /// Pulls the messages queued for this node after `after`.
    pub async fn pull(
        &self,
        node: &NodeIdentity,
        clock: &dyn Clock,
        after: u64,
        limit: usize,
    ) -> Result<Vec<u8>, PeerError> {
        let path = format!("{FEDERATION_OUTBOX_PATH}?after={after}&limit={limit}");
        self.send(node, clock, reqwest::Method::GET, path, Vec::new())
            .await
    }

    /// Sends a signed request with the current key; when the peer refuses
    /// that signature and this node rotated its key, once more with the
    /// previous key (the peer has not received the rotation yet).
    async fn send(
        &self,
        node: &NodeIdentity,
        clock: &dyn Clock,
        method: reqwest::Method,
        path: String,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, PeerError> {
        let result = self
            .send_with(node, node.key(), clock, method.clone(), &path, &body)
            .await;
        match (result, node.previous_key()) {
            (
                Err(PeerError::Refused {
                    status: 401,
                    detail,
                    ..
                }),
                Some(previous),
            ) if detail.ends_with("(bad-signature)") => {
                self.send_with(node, previous, clock, method, &path, &body)
                    .await
            }
            (result, _) => result,
        }
    }

    async fn send_with(
        &self,
        node: &NodeIdentity,
        key: &SigningKey,
        clock: &dyn Clock,
        method: reqwest::Method,
        path: &str,
        body: &[u8],
    ) -> Result<Vec<u8>, PeerError> {
        let signed_path = format!("{}{path}", self.base_path);
        let signed = RequestSignature {
            method: method.as_str(),
            path_and_query: &signed_path,
            body,
            origin: node.name(),
            destination: &self.peer.name,
            commonwealth: node.commonwealth(),
            time_micros: clock.now_micros(),
        }
        .sign(key)
        .map_err(|e| PeerError::Signing(e.to_string()))?;
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("accept", TAXII_21);
        for (name, value) in signed.pairs() {
            request = request.header(name, value);
        }
        if !body.is_empty() {
            request = request.header("content-type", TAXII_21).body(body.to_vec());
        }
        let transport = |e: reqwest::Error| PeerError::Transport {
            peer: self.peer.name.clone(),
            detail: error_chain(&e),
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(transport)?;
        if !status.is_success() {
            return Err(PeerError::Refused {
                peer: self.peer.name.clone(),
                status: status.as_u16(),
                detail: refusal_detail(&bytes),
            });
        }
        Ok(bytes.to_vec())
    }
}

/// The description (and code) of a TAXII error body, else its start.
fn refusal_detail(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Error {
        description: Option<String>,
        error_code: Option<String>,
    }
    match serde_json::from_slice::<Error>(body) {
        Ok(Error {
            description: Some(d),
            error_code: Some(c),
        }) => format!("{d} ({c})"),
        Ok(Error {
            description: Some(d),
            ..
        }) => d,
        _ => String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
    }
}

/// An error with its causes (reqwest hides the TLS reason in a source).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
