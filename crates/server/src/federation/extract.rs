//! [`VerifiedPeer`]: a federation handler only ever receives a request
//! whose signature, origin, destination, time, digest and TLS client
//! certificate were verified (`liaison_core::federation::verify_request`),
//! with its body. The nonce is not recorded here: the handler's store call
//! records it in the transaction that applies the request.
//!
//! One check comes before the others, and before the body is read: the
//! connection must present the TLS certificate of some member (else
//! `certificate mismatch`), so a stranger cannot make the node buffer
//! envelopes; then `verify_request` runs its checks in their order.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, Request};
use axum::http::header::CONTENT_TYPE;

use liaison_core::federation::{
    Member, ReceivedRequest, RequestExpectation, RequestRejection, headers, is_member_name,
    verify_request,
};

use super::FederationError;
use crate::extract::{BodyError, read_limited};
use crate::listener::PeerInfo;
use crate::state::AppState;

/// A verified request from a member in good standing.
#[derive(Debug)]
pub struct VerifiedPeer {
    /// The sender, as the membership knows it.
    pub member: Member,
    pub nonce: String,
    /// The request's signed time (Unix microseconds).
    pub time_micros: i64,
    /// The `Content-Type` sent (not signed: checked by the handler).
    pub content_type: Option<String>,
    pub body: Bytes,
}

impl FromRequest<AppState> for VerifiedPeer {
    type Rejection = FederationError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let federation = state.federation().ok_or(FederationError::NotFederated)?;
        let (parts, body) = request.into_parts();
        let client_certificate = parts
            .extensions
            .get::<ConnectInfo<PeerInfo>>()
            .and_then(|info| info.0.client_certificates.clone())
            .and_then(|chain| chain.first().map(super::tls::fingerprint));
        let members = federation.membership().members();
        // Before reading a body of up to the envelope limit: the connection
        // must at least present the certificate of some member, so that a
        // stranger cannot make this node buffer large bodies.
        if !client_certificate
            .as_deref()
            .is_some_and(|fp| members.iter().any(|m| m.tls_fingerprint == fp))
        {
            let origin = parts
                .headers
                .get(headers::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .filter(|o| is_member_name(o))
                .unwrap_or("the sender")
                .to_owned();
            tracing::warn!(origin = %origin, "federation request without a member's certificate refused");
            return Err(RequestRejection::CertificateMismatch { origin }.into());
        }
        let limit = federation.settings().max_envelope_bytes;
        let body = read_limited(&parts.headers, body, limit)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge => FederationError::TooLarge(limit),
                BodyError::Broken => {
                    FederationError::BadRequest("the body could not be read".into())
                }
            })?;
        let header_list: Vec<(&str, &[u8])> = parts
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_bytes()))
            .collect();
        let path_and_query = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path(), |pq| pq.as_str());
        let received = ReceivedRequest {
            method: parts.method.as_str(),
            path_and_query,
            body: &body,
            headers: &header_list,
            client_certificate: client_certificate.as_deref(),
        };
        let node = federation.node();
        let expected = RequestExpectation {
            commonwealth: node.commonwealth(),
            self_name: node.name(),
            now_micros: state.clock.now_micros(),
            max_skew: node.max_skew(),
        };
        let verified = verify_request(&received, &expected, &*members).inspect_err(|e| {
            tracing::warn!(reason = %e, "federation request refused");
        })?;
        federation.heard_from(&verified.origin.name);
        let content_type = parts
            .headers
            .get(CONTENT_TYPE)
            .map(|v| v.to_str().unwrap_or("(not visible ASCII)").to_owned());
        Ok(VerifiedPeer {
            member: verified.origin,
            nonce: verified.nonce,
            time_micros: verified.time_micros,
            content_type,
            body: Bytes::from(body),
        })
    }
}
