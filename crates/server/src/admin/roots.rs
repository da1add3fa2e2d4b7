//! API roots and collections.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use liaison_core::admin;
use serde::{Deserialize, Serialize};

use liaison_core::model::{self, ApiRoot, Collection, DEFAULT_MAX_CONTENT_LENGTH};

use super::{RESERVED_ROOT_NAMES, json};
use crate::auth::AdminUser;
use crate::error::AdminError;
use crate::extract::admin_json;
use crate::state::AppState;

#[derive(Serialize)]
struct RootView {
    name: String,
    title: String,
    description: Option<String>,
    max_content_length: u64,
}

impl From<&ApiRoot> for RootView {
    fn from(r: &ApiRoot) -> Self {
        RootView {
            name: r.name.clone(),
            title: r.title.clone(),
            description: r.description.clone(),
            max_content_length: r.max_content_length,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewRoot {
    name: String,
    title: String,
    description: Option<String>,
    max_content_length: Option<u64>,
}

/// # `GET /admin/v1/api-roots`
pub async fn list_roots(
    _: AdminUser,
    State(state): State<AppState>,
) -> Result<Response, AdminError> {
    let roots: Vec<RootView> = state
        .store
        .api_roots()
        .await?
        .iter()
        .map(RootView::from)
        .collect();
    json(StatusCode::OK, &roots)
}

/// # `POST /admin/v1/api-roots`
///
/// Creates an API root `{name, title, description?, max_content_length?}`
/// (default 100 MiB); 409 when the name exists. Names are URL segments
/// (`a-z0-9-_`) and must not be one of the node's own paths
/// ([`RESERVED_ROOT_NAMES`]).
pub async fn create_root(
    _: AdminUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AdminError> {
    let new: NewRoot = admin_json(&headers, body, state.settings.max_admin_body).await?;
    model::check_name("name", &new.name).map_err(|e| AdminError::bad_request(e.to_string()))?;
    if RESERVED_ROOT_NAMES.contains(&new.name.as_str()) {
        return Err(AdminError::bad_request(format!(
            "{:?} is reserved; API root names must not be any of {}",
            new.name,
            RESERVED_ROOT_NAMES.join(", ")
        )));
    }
    if new.title.trim().is_empty() {
        return Err(AdminError::bad_request("title must not be empty"));
    }
    let max_content_length = new.max_content_length.unwrap_or(DEFAULT_MAX_CONTENT_LENGTH);
    if max_content_length == 0 || max_content_length > (1 << 53) - 1 {
        return Err(AdminError::bad_request(
            "max_content_length must be an integer from 1 to 2^53-1",
        ));
    }
    if state.store.api_root(&new.name).await?.is_some() {
        return Err(AdminError::conflict(format!(
            "API root {:?} exists",
            new.name
        )));
    }
    let root = ApiRoot {
        name: new.name,
        title: new.title,
        description: new.description,
        max_content_length,
    };
    state.store.put_api_root(&root).await?;
    tracing::info!(api_root = %root.name, "API root created");
    json(StatusCode::CREATED, &RootView::from(&root))
}

#[derive(Serialize)]
struct CollectionView {
    id: String,
    api_root: String,
    title: String,
    description: Option<String>,
    alias: Option<String>,
}

impl From<&Collection> for CollectionView {
    fn from(c: &Collection) -> Self {
        CollectionView {
            id: c.id.clone(),
            api_root: c.api_root.clone(),
            title: c.title.clone(),
            description: c.description.clone(),
            alias: c.alias.clone(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewCollection {
    api_root: String,
    title: String,
    description: Option<String>,
    alias: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct CollectionFilter {
    api_root: Option<String>,
}

/// # `GET /admin/v1/collections`
///
/// Every collection, by API root; `?api_root=NAME` for one API root.
pub async fn list_collections(
    _: AdminUser,
    State(state): State<AppState>,
    filter: Result<Query<CollectionFilter>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AdminError> {
    let Query(filter) = filter.map_err(|e| AdminError::bad_request(e.body_text()))?;
    let mut views = Vec::new();
    for root in state.store.api_roots().await? {
        if filter
            .api_root
            .as_ref()
            .is_some_and(|wanted| *wanted != root.name)
        {
            continue;
        }
        views.extend(
            state
                .store
                .collections(&root.name)
                .await?
                .iter()
                .map(CollectionView::from),
        );
    }
    json(StatusCode::OK, &views)
}

/// # `POST /admin/v1/collections`
///
/// Creates a collection `{api_root, title, description?, alias?}` with a
/// fresh UUIDv4 id; 409 when the alias is taken in its API root.
pub async fn create_collection(
    _: AdminUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AdminError> {
    let new: NewCollection = admin_json(&headers, body, state.settings.max_admin_body).await?;
    let collection = admin::add_collection(
        state.store.as_ref(),
        &new.api_root,
        &new.title,
        new.alias.as_deref(),
        new.description.as_deref(),
    )
    .await?;
    tracing::info!(api_root = %collection.api_root, collection = %collection.id, "collection created");
    json(StatusCode::CREATED, &CollectionView::from(&collection))
}
