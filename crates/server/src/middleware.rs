//! Cross-cutting layers: one tracing span per request, and the guarantee
//! that every TAXII response carries the TAXII media type and every TAXII
//! error an error resource, whatever produced it.

use std::time::Instant;

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderValue;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use liaison_taxii::TAXII_21;
use liaison_taxii::media::is_taxii_content_type;

use crate::error::error_resource;
use crate::listener::PeerInfo;

/// Wraps each request in a span with method, path (no query string, no
/// headers: credentials never reach the logs), remote address, status and
/// latency, and logs one line when the response is ready.
pub async fn trace(request: Request, next: Next) -> Response {
    let remote = request
        .extensions()
        .get::<ConnectInfo<PeerInfo>>()
        .map(|c| c.0.remote);
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        remote = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_us = tracing::field::Empty,
    );
    if let Some(remote) = remote {
        span.record("remote", tracing::field::display(remote));
    }
    let start = Instant::now();
    let response = next.run(request).instrument(span.clone()).await;
    let latency = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
    span.record("status", response.status().as_u16());
    span.record("latency_us", latency);
    span.in_scope(|| tracing::info!("request handled"));
    response
}

/// True for paths that are not TAXII (they have their own formats).
fn is_other_api(path: &str) -> bool {
    path == "/health" || path.starts_with("/admin/")
}

/// On TAXII paths: sets the TAXII media type where a response lacks it, and
/// replaces any error response that is not a TAXII error (such as one made
/// by the HTTP stack itself) by a TAXII error with the same status.
pub async fn taxii_media_type(request: Request, next: Next) -> Response {
    if is_other_api(request.uri().path()) {
        return next.run(request).await;
    }
    let mut response = next.run(request).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let is_taxii = content_type.is_some_and(is_taxii_content_type);
    if (status.is_client_error() || status.is_server_error()) && !is_taxii {
        let resource = error_resource(status, "the request could not be served".into());
        let body = serde_json::to_string(&resource).unwrap_or_default();
        let mut replaced = (status, body).into_response();
        // Keep headers such as Allow and WWW-Authenticate.
        for (name, value) in response.headers() {
            if name != CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
                replaced.headers_mut().append(name, value.clone());
            }
        }
        response = replaced;
    }
    if !is_taxii {
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(TAXII_21));
    }
    response
}
