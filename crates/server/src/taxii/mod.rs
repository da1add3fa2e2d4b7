//! The TAXII 2.1 API: routes, and the lookups every collection endpoint
//! shares (API root, then the collection as the user may see it).
//!
//! | Method | Path | Handler |
//! |---|---|---|
//! | GET | `/taxii2/` | [`server::discovery`] (no authentication) |
//! | GET | `/{root}/` | [`server::api_root`] |
//! | GET | `/{root}/status/{id}/` | [`server::status`] |
//! | GET | `/{root}/collections/` | [`collections::list`] |
//! | GET | `/{root}/collections/{id}/` | [`collections::get`] |
//! | GET | `/{root}/collections/{id}/manifest/` | [`objects::manifest`] |
//! | GET | `/{root}/collections/{id}/objects/` | [`objects::get_objects`] |
//! | POST | `/{root}/collections/{id}/objects/` | [`objects::add_objects`] |
//! | GET | `/{root}/collections/{id}/objects/{object-id}/` | [`object::get_object`] |
//! | DELETE | `/{root}/collections/{id}/objects/{object-id}/` | [`object::delete_object`] |
//! | GET | `/{root}/collections/{id}/objects/{object-id}/versions/` | [`object::versions`] |
//!
//! Every response, errors included, is `application/taxii+json;version=2.1`;
//! unknown paths are 404 and wrong methods 405, both with a TAXII error.

pub mod collections;
pub mod object;
pub mod objects;
pub mod server;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use liaison_core::access::{self, Access};
use liaison_core::model::{ApiRoot, Collection};
use liaison_core::users::{Role, User};
use liaison_taxii::TAXII_21;
use liaison_taxii::resources::taxii_timestamp;

use crate::error::TaxiiError;
use crate::state::AppState;

/// `X-TAXII-Date-Added-First`.
pub const DATE_ADDED_FIRST: HeaderName = HeaderName::from_static("x-taxii-date-added-first");
/// `X-TAXII-Date-Added-Last`.
pub const DATE_ADDED_LAST: HeaderName = HeaderName::from_static("x-taxii-date-added-last");

/// The TAXII routes (without state), with TAXII 404 and 405 answers.
pub fn router() -> Router<AppState> {
    let objects = "/{root}/collections/{id}/objects/";
    Router::new()
        .route("/taxii2/", get(server::discovery))
        .route("/{root}/", get(server::api_root))
        .route("/{root}/status/{id}/", get(server::status))
        .route("/{root}/collections/", get(collections::list))
        .route("/{root}/collections/{id}/", get(collections::get))
        .route("/{root}/collections/{id}/manifest/", get(objects::manifest))
        .route(
            objects,
            get(objects::get_objects).post(objects::add_objects),
        )
        .route(
            "/{root}/collections/{id}/objects/{object}/",
            get(object::get_object).delete(object::delete_object),
        )
        .route(
            "/{root}/collections/{id}/objects/{object}/versions/",
            get(object::versions),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found(uri: Uri) -> TaxiiError {
    let hint = if uri.path().ends_with('/') {
        ""
    } else {
        " (TAXII 2.1 paths end with '/')"
    };
    TaxiiError::NotFound(format!("no such resource{hint}"))
}

async fn method_not_allowed() -> TaxiiError {
    TaxiiError::MethodNotAllowed("this method is not allowed on this resource".into())
}

/// A 200 (or other) TAXII response with a JSON body.
pub fn taxii_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static(TAXII_21))],
        body,
    )
        .into_response()
}

/// A 200 TAXII response with `value` as JSON.
pub fn ok_json<T: serde::Serialize>(value: &T) -> Result<Response, TaxiiError> {
    let body = serde_json::to_string(value).map_err(|_| TaxiiError::Internal)?;
    Ok(taxii_response(StatusCode::OK, body))
}

/// Adds the `X-TAXII-Date-Added-*` headers when the page has items.
pub fn with_date_added(mut response: Response, first_last: Option<(i64, i64)>) -> Response {
    if let Some((first, last)) = first_last {
        let headers = response.headers_mut();
        for (name, micros) in [(DATE_ADDED_FIRST, first), (DATE_ADDED_LAST, last)] {
            if let Ok(value) = HeaderValue::from_str(&taxii_timestamp(micros)) {
                headers.insert(name, value);
            }
        }
    }
    response
}

/// The API root named in the path; 404 when there is none.
pub async fn api_root(state: &AppState, name: &str) -> Result<ApiRoot, TaxiiError> {
    state
        .store
        .api_root(name)
        .await?
        .ok_or_else(|| TaxiiError::NotFound(format!("no API root {name:?} on this server")))
}

/// `user`'s rights on `collection`.
pub async fn access_to(
    state: &AppState,
    user: &User,
    collection: &Collection,
) -> Result<Access, TaxiiError> {
    let grant = match user.role {
        Role::Admin => None,
        _ => {
            state
                .store
                .grant(&user.name, &collection.api_root, &collection.id)
                .await?
        }
    };
    Ok(access::collection_access(user, grant.as_ref()))
}

/// A collection as one user sees it.
pub struct Visible {
    pub root: ApiRoot,
    pub collection: Collection,
    pub access: Access,
}

/// The collection `{id}` (id or alias) of API root `{root}`, if `user` may
/// know it exists (some right on it); else 404, like an unknown one.
pub async fn visible_collection(
    state: &AppState,
    user: &User,
    root: &str,
    id: &str,
) -> Result<Visible, TaxiiError> {
    // The API root and the collection are looked up at once (API roots are
    // found by exact name, so the path names both): two store round trips
    // in parallel rather than one after the other, on every request.
    let (found_root, found_collection) =
        tokio::join!(api_root(state, root), state.store.collection(root, id));
    let root = found_root?;
    let missing = || TaxiiError::NotFound("no such collection in this API root".into());
    let collection = found_collection?.ok_or_else(missing)?;
    let access = access_to(state, user, &collection).await?;
    if access.is_none() {
        return Err(missing());
    }
    Ok(Visible {
        root,
        collection,
        access,
    })
}
