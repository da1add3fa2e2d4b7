//! Errors as HTTP responses: [`TaxiiError`] for the TAXII API (a TAXII
//! `error` resource with `application/taxii+json;version=2.1`) and
//! [`AdminError`] for the admin API (`{"error": "..."}` as
//! `application/json`). This is the only place where domain outcomes become
//! status codes.
//!
//! Store failures never leak their internals to clients: they are logged
//! and answered 503 (unavailable, retry later) or 500 (corrupt data).

use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use liaison_core::StoreError;
use liaison_core::access::Denial;
use liaison_taxii::media::MediaError;
use liaison_taxii::resources::ErrorResource;
use liaison_taxii::{QueryError, TAXII_21};

/// The challenges sent with every 401.
pub const CHALLENGE: &str = r#"Basic realm="liaison", charset="UTF-8", Bearer realm="liaison""#;

/// A TAXII request that cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum TaxiiError {
    /// 400: a malformed request (filters, cursor, JSON).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no or wrong credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the collection is known to the client, the right is missing.
    #[error("{0}")]
    Forbidden(String),
    /// 404: not there, or not for this client to know.
    #[error("{0}")]
    NotFound(String),
    /// 405.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// 406 or 415.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// 413: the body exceeds the API root's `max_content_length`.
    #[error("{0}")]
    TooLarge(String),
    /// 422: well-formed JSON that is not an envelope.
    #[error("{0}")]
    Unprocessable(String),
    /// 503: the store cannot be reached.
    #[error("the service is temporarily unavailable; try again later")]
    Unavailable,
    /// 500: stored data is inconsistent, or a bug.
    #[error("the server could not complete the request")]
    Internal,
}

impl TaxiiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            TaxiiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            TaxiiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            TaxiiError::Forbidden(_) => StatusCode::FORBIDDEN,
            TaxiiError::NotFound(_) => StatusCode::NOT_FOUND,
            TaxiiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            TaxiiError::Media(MediaError::NotAcceptable(_)) => StatusCode::NOT_ACCEPTABLE,
            TaxiiError::Media(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            TaxiiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            TaxiiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            TaxiiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            TaxiiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A denial of access to a collection, per the TAXII tables.
    pub fn denied(denial: Denial, what: &str) -> Self {
        match denial {
            Denial::NotFound => TaxiiError::NotFound("no such collection in this API root".into()),
            Denial::Forbidden => {
                TaxiiError::Forbidden(format!("you may not {what} in this collection"))
            }
        }
    }

    /// The error resource for this error.
    pub fn resource(&self) -> ErrorResource {
        error_resource(self.status(), self.to_string())
    }
}

/// A TAXII error resource for `status` with `description`.
pub fn error_resource(status: StatusCode, description: String) -> ErrorResource {
    ErrorResource {
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        description: Some(description),
        http_status: Some(status.as_str().to_owned()),
        ..ErrorResource::default()
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::to_string(&self.resource()).unwrap_or_default();
        let mut response = (
            status,
            [(CONTENT_TYPE, HeaderValue::from_static(TAXII_21))],
            body,
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static(CHALLENGE));
        }
        response
    }
}

impl From<QueryError> for TaxiiError {
    fn from(e: QueryError) -> Self {
        TaxiiError::BadRequest(e.to_string())
    }
}

impl From<StoreError> for TaxiiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => TaxiiError::NotFound(format!("{what} not found")),
            // TAXII has no conflict answer for its reads; writes report
            // conflicts per object in the status. Anything else is a fault.
            StoreError::Conflict(_) | StoreError::Corrupt(_) => {
                tracing::error!(error = %e, "store fault");
                TaxiiError::Internal
            }
            StoreError::Unavailable(_) => {
                tracing::warn!(error = %e, "store unavailable");
                TaxiiError::Unavailable
            }
        }
    }
}

/// An admin API request that cannot be served.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct AdminError {
    pub status: StatusCode,
    pub message: String,
}

impl AdminError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        AdminError {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        AdminError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        AdminError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        AdminError::new(StatusCode::CONFLICT, message)
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message }).to_string();
        let mut response = (
            self.status,
            [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            body,
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static(CHALLENGE));
        }
        response
    }
}

impl From<liaison_core::admin::AdminError> for AdminError {
    fn from(e: liaison_core::admin::AdminError) -> Self {
        use liaison_core::admin::AdminError as Domain;
        match e {
            Domain::Invalid(why) => AdminError::bad_request(why),
            Domain::NotFound(what) => AdminError::not_found(what),
            Domain::Conflict(why) => AdminError::conflict(why),
            Domain::Store(e) => AdminError::from(e),
        }
    }
}

impl From<StoreError> for AdminError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AdminError::not_found(format!("{what} not found")),
            StoreError::Conflict(what) => AdminError::conflict(what),
            StoreError::Unavailable(_) => {
                tracing::warn!(error = %e, "store unavailable");
                AdminError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the store is temporarily unavailable",
                )
            }
            StoreError::Corrupt(_) => {
                tracing::error!(error = %e, "store fault");
                AdminError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the server could not complete the request",
                )
            }
        }
    }
}

impl From<TaxiiError> for AdminError {
    /// Authentication failures found by the shared extractor code.
    fn from(e: TaxiiError) -> Self {
        AdminError::new(e.status(), e.to_string())
    }
}
