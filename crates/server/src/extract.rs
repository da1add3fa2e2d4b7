//! Extractors and body readers shared by the handlers, each turning a
//! malformed request into the right error instead of axum's plain-text
//! rejections.
//!
//! Axum runs extractors in the order of a handler's arguments, so a TAXII
//! handler's signature spells the order of checks: `Accept` (406), then the
//! user (401), then the path.

use axum::body::Body;
use axum::extract::{FromRequestParts, Path};
use axum::http::HeaderMap;
use axum::http::header::{ACCEPT, CONTENT_LENGTH};
use axum::http::request::Parts;
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;

use liaison_taxii::media::{Endpoint, negotiate};

use crate::error::{AdminError, TaxiiError};

fn accept_values(parts: &Parts) -> impl Iterator<Item = &str> {
    parts
        .headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
}

/// The request accepts TAXII 2.1 (every TAXII endpoint but the manifest).
#[derive(Debug, Clone, Copy)]
pub struct AcceptTaxii;

impl<S: Send + Sync> FromRequestParts<S> for AcceptTaxii {
    type Rejection = TaxiiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        negotiate(accept_values(parts), Endpoint::Taxii)?;
        Ok(AcceptTaxii)
    }
}

/// The request accepts TAXII 2.1 or STIX 2.1 (Get Object Manifests).
#[derive(Debug, Clone, Copy)]
pub struct AcceptManifest;

impl<S: Send + Sync> FromRequestParts<S> for AcceptManifest {
    type Rejection = TaxiiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        negotiate(accept_values(parts), Endpoint::Manifest)?;
        Ok(AcceptManifest)
    }
}

/// Path parameters; undecodable ones are a TAXII 404.
#[derive(Debug)]
pub struct TaxiiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for TaxiiPath<T> {
    type Rejection = TaxiiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(TaxiiPath(value)),
            Err(_) => Err(TaxiiError::NotFound(
                "no such resource (the path does not decode)".into(),
            )),
        }
    }
}

/// Path parameters of the admin API; undecodable ones are a JSON 404.
#[derive(Debug)]
pub struct AdminPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for AdminPath<T> {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(AdminPath(value)),
            Err(_) => Err(AdminError::not_found(
                "no such resource (the path does not decode)",
            )),
        }
    }
}

/// Why a body could not be read whole.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Declared or streamed length above the limit.
    TooLarge,
    /// The connection failed while the body was read.
    Broken,
}

/// Reads a body of at most `limit` bytes: refused from `Content-Length`
/// before reading when it is declared larger, else while streaming.
pub async fn read_limited(
    headers: &HeaderMap,
    body: Body,
    limit: u64,
) -> Result<Vec<u8>, BodyError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(BodyError::TooLarge);
    }
    let mut body = body;
    let capacity = declared.unwrap_or(0).min(limit).min(16 * 1024 * 1024);
    let mut buffer = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Broken)?;
        if let Ok(data) = frame.into_data() {
            if (buffer.len() + data.len()) as u64 > limit {
                return Err(BodyError::TooLarge);
            }
            buffer.extend_from_slice(&data);
        }
    }
    Ok(buffer)
}

/// Reads an admin API JSON body (`Content-Type: application/json`).
pub async fn admin_json<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<T, AdminError> {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(AdminError::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the body must be JSON, sent with Content-Type: application/json",
        ));
    }
    let bytes = read_limited(headers, body, limit as u64)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge => AdminError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body exceeds {limit} bytes"),
            ),
            BodyError::Broken => AdminError::bad_request("the body could not be read"),
        })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| AdminError::bad_request(format!("invalid request body: {e}")))
}
