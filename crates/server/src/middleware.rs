//! Cross-cutting layers: one tracing span per request, the guarantee that
//! every TAXII response carries the TAXII media type and every TAXII error
//! an error resource, whatever produced it, and `Connection: close` where
//! the connection cannot be reused.

use std::time::Instant;

use axum::extract::{ConnectInfo, Request};
use axum::http::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};
use axum::http::{HeaderMap, HeaderValue, Version};
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

/// Announces `Connection: close` on an HTTP/1 error response to a request
/// that carried a body: such requests are refused before their body is
/// read, and hyper then closes the connection (see `announce_close`).
pub async fn close_after_refused_body(request: Request, next: Next) -> Response {
    let version = request.version();
    let has_body = has_body(request.headers());
    let mut response = next.run(request).await;
    announce_close(version, has_body, &mut response);
    response
}

/// True when the request headers announce a body (`Content-Length` above 0,
/// or any `Transfer-Encoding`).
fn has_body(headers: &HeaderMap) -> bool {
    headers.contains_key(TRANSFER_ENCODING)
        || headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|length| length > 0)
}

/// Adds `Connection: close` to an HTTP/1 error response when the request
/// had a body.
///
/// Requests are refused (authentication, rights, media type, size) before
/// their body is read. hyper must then close the connection after the
/// response unless the body happened to be in its buffer already, and it
/// does so without saying it: a client that reuses the connection for its
/// next request (requests/urllib3, as taxii2-client does) gets a reset
/// connection instead of an answer. RFC 9112 §9.6: a sender SHOULD send
/// `Connection: close` when it intends to close. Error responses to
/// requests with bodies therefore always close, announced. HTTP/2 streams
/// are unaffected (and may not carry the header).
fn announce_close(version: Version, has_body: bool, response: &mut Response) {
    let status = response.status();
    let error = status.is_client_error() || status.is_server_error();
    if error && has_body && version < Version::HTTP_2 {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn close_announced(version: Version, has_body: bool, status: StatusCode) -> bool {
        let mut response = status.into_response();
        announce_close(version, has_body, &mut response);
        response.headers().get(CONNECTION).map(|v| v.as_bytes()) == Some(b"close".as_slice())
    }

    #[test]
    fn error_responses_to_requests_with_bodies_close_http1_connections() {
        let (h1, h2) = (Version::HTTP_11, Version::HTTP_2);
        assert!(close_announced(h1, true, StatusCode::UNAUTHORIZED));
        assert!(close_announced(h1, true, StatusCode::PAYLOAD_TOO_LARGE));
        assert!(close_announced(
            Version::HTTP_10,
            true,
            StatusCode::FORBIDDEN
        ));
        assert!(!close_announced(h1, false, StatusCode::UNAUTHORIZED));
        assert!(!close_announced(h1, true, StatusCode::ACCEPTED));
        assert!(!close_announced(h2, true, StatusCode::UNAUTHORIZED));
    }

    #[test]
    fn bodies_are_recognised_from_the_headers() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_static(value));
            }
            map
        };
        assert!(has_body(&headers(&[("content-length", "2")])));
        assert!(has_body(&headers(&[("transfer-encoding", "chunked")])));
        assert!(!has_body(&headers(&[("content-length", "0")])));
        assert!(!has_body(&headers(&[])));
    }
}
