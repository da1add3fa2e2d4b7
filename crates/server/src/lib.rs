//! # liaison-server
//!
//! The HTTP application of a Liaison node: the TAXII 2.1 API ([`taxii`]),
//! the admin API ([`admin`]), the node-to-node endpoints and delivery
//! workers of the [`federation`], and `GET /health`, over axum, on plain
//! TCP or TLS (with optional client certificates for federation peers). Handlers are thin: they convert the request in (liaison-taxii),
//! call the domain (liaison-core and the [`Store`](liaison_core::Store)),
//! and convert the result out. Authentication happens in extractors
//! ([`auth`]) before any handler code runs.
//!
//! *Invariant:* this is the only crate that knows axum, and the only one
//! that turns domain outcomes into HTTP status codes and TAXII error
//! bodies ([`error`]).
//!
//! Entry point: [`serve`] takes an already-bound listener, so tests start
//! servers on port 0 and several nodes can run in one process.

pub mod admin;
pub mod auth;
pub mod error;
pub mod extract;
pub mod federation;
pub mod listener;
pub mod middleware;
pub mod state;
pub mod taxii;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;

pub use listener::{PeerInfo, TlsListener};
pub use state::{AppState, Settings};

/// The whole application: TAXII, `/federation/v1/`, `/admin/v1/`, `/health`.
pub fn app(state: AppState) -> Router {
    taxii::router()
        .merge(federation::router())
        .nest(
            "/admin/v1",
            admin::router()
                .merge(federation::admin::router())
                .merge(federation::council::router()),
        )
        .route("/health", get(health))
        .layer(axum::middleware::from_fn(middleware::taxii_media_type))
        .layer(axum::middleware::from_fn(
            middleware::close_after_refused_body,
        ))
        .layer(axum::middleware::from_fn(middleware::trace))
        .with_state(state)
}

/// # `GET /health`
///
/// No authentication: 200 `ok` once the store answers, 503 otherwise. For
/// load balancers and test kits.
async fn health(State(state): State<AppState>) -> Response {
    let text = [(CONTENT_TYPE, "text/plain; charset=utf-8")];
    match state.store.api_roots().await {
        Ok(_) => (StatusCode::OK, text, "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: store unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, text, "unavailable").into_response()
        }
    }
}

/// Serves the application on `listener` (with TLS when `tls` is given)
/// until `shutdown` completes; then stops accepting connections and returns
/// once the requests in flight have finished.
pub async fn serve(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = app(state).into_make_service_with_connect_info::<PeerInfo>();
    match tls {
        None => {
            axum::serve(listener, service)
                .with_graceful_shutdown(shutdown)
                .await
        }
        Some(config) => {
            let listener = TlsListener::new(listener, config)?;
            axum::serve(listener, service)
                .with_graceful_shutdown(shutdown)
                .await
        }
    }
}
