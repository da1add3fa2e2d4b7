//! The admin API: JSON (`application/json`) under `/admin/v1/`, for
//! authenticated administrators only (same credentials as TAXII).
//! Errors are `{"error": "..."}` with a 4xx status; request bodies must be
//! sent as `Content-Type: application/json` (which also keeps browsers from
//! posting forms to it).
//!
//! | Method | Path | Does |
//! |---|---|---|
//! | GET, POST | `/admin/v1/users` | list users; create `{name, role, password?}` |
//! | GET, PATCH, DELETE | `/admin/v1/users/{name}` | get; update `{role?, password?}`; delete |
//! | GET, POST | `/admin/v1/users/{name}/tokens` | list tokens (no secrets); create `{label}` (the token is shown once) |
//! | DELETE | `/admin/v1/tokens/{id}` | revoke a token |
//! | GET | `/admin/v1/users/{name}/grants` | a user's grants |
//! | PUT | `/admin/v1/grants` | set `{user, api_root, collection, read, write}` |
//! | GET, POST | `/admin/v1/api-roots` | list; create `{name, title, description?, max_content_length?}` |
//! | GET, POST | `/admin/v1/collections` | list (`?api_root=` to narrow); create `{api_root, title, description?, alias?}` |

mod roots;
mod users;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, put};
use serde::Serialize;

use crate::error::AdminError;
use crate::state::AppState;

/// API root names that would shadow the node's own paths.
pub const RESERVED_ROOT_NAMES: [&str; 6] =
    ["taxii2", "admin", "health", "metrics", "ui", "federation"];

/// The admin routes, to be nested under `/admin/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(users::list).post(users::create))
        .route(
            "/users/{name}",
            get(users::get).patch(users::update).delete(users::remove),
        )
        .route(
            "/users/{name}/tokens",
            get(users::tokens).post(users::create_token),
        )
        .route("/users/{name}/grants", get(users::grants))
        .route("/tokens/{id}", delete(users::revoke_token))
        .route("/grants", put(users::set_grant))
        .route(
            "/api-roots",
            get(roots::list_roots).post(roots::create_root),
        )
        .route(
            "/collections",
            get(roots::list_collections).post(roots::create_collection),
        )
        .fallback(|| async { AdminError::not_found("no such admin resource") })
        .method_not_allowed_fallback(|| async {
            AdminError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "this method is not allowed on this resource",
            )
        })
}

/// A JSON response.
fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<Response, AdminError> {
    let body = serde_json::to_string(value).map_err(|_| {
        AdminError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not encode the response",
        )
    })?;
    Ok((
        status,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response())
}

/// 204 with no body.
fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
