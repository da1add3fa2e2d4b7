//! Refusals of the federation endpoints, as TAXII error resources with an
//! `error_code` naming the reason (the code of
//! [`RequestRejection::code`]), so a peer's operator reads exactly what
//! was wrong.

use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use liaison_core::StoreError;
use liaison_core::exchange_ops::ExchangeError;
use liaison_core::federation::RequestRejection;
use liaison_taxii::TAXII_21;

use crate::error::error_resource;

/// Why a federation request is refused.
#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    /// This node has adopted no commonwealth.
    #[error("this node is not a member of a commonwealth")]
    NotFederated,
    /// The signed request did not verify.
    #[error("{0}")]
    Rejected(#[from] RequestRejection),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("the envelope exceeds {0} bytes")]
    TooLarge(u64),
    #[error("the service is temporarily unavailable; try again later")]
    Unavailable,
    #[error("the server could not complete the request")]
    Internal,
}

impl FederationError {
    pub fn status(&self) -> StatusCode {
        match self {
            FederationError::NotFederated => StatusCode::NOT_FOUND,
            FederationError::Rejected(r) => match r {
                RequestRejection::Malformed { .. } => StatusCode::BAD_REQUEST,
                RequestRejection::WrongCommonwealth
                | RequestRejection::NotInGoodStanding { .. }
                | RequestRejection::WrongDestination { .. } => StatusCode::FORBIDDEN,
                _ => StatusCode::UNAUTHORIZED,
            },
            FederationError::BadRequest(_) => StatusCode::BAD_REQUEST,
            FederationError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            FederationError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            FederationError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            FederationError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable reason.
    pub fn code(&self) -> &'static str {
        match self {
            FederationError::NotFederated => "not-federated",
            FederationError::Rejected(r) => r.code(),
            FederationError::BadRequest(_) => "malformed-envelope",
            FederationError::UnsupportedMediaType(_) => "unsupported-media-type",
            FederationError::TooLarge(_) => "too-large",
            FederationError::Unavailable => "unavailable",
            FederationError::Internal => "internal",
        }
    }
}

impl IntoResponse for FederationError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut resource = error_resource(status, self.to_string());
        resource.error_code = Some(self.code().to_owned());
        let body = serde_json::to_string(&resource).unwrap_or_default();
        (
            status,
            [(CONTENT_TYPE, HeaderValue::from_static(TAXII_21))],
            body,
        )
            .into_response()
    }
}

impl From<StoreError> for FederationError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(_) => {
                tracing::warn!(error = %e, "store unavailable");
                FederationError::Unavailable
            }
            _ => {
                tracing::error!(error = %e, "store fault");
                FederationError::Internal
            }
        }
    }
}

impl From<ExchangeError> for FederationError {
    fn from(e: ExchangeError) -> Self {
        match e {
            ExchangeError::Replayed => RequestRejection::ReplayedNonce.into(),
            ExchangeError::Wire(e) => FederationError::BadRequest(e.to_string()),
            ExchangeError::Store(e) => e.into(),
            other => {
                tracing::error!(error = %other, "federation request failed");
                FederationError::Internal
            }
        }
    }
}
