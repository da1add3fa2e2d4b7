//! Server-level TAXII endpoints: discovery, API root information, status.

use axum::extract::State;
use axum::response::Response;

use liaison_core::users::Role;
use liaison_taxii::resources::{ApiRootResource, Discovery, StatusResource};

use super::{api_root as find_root, ok_json as json};
use crate::auth::TaxiiUser;
use crate::error::TaxiiError;
use crate::extract::{AcceptTaxii, TaxiiPath};
use crate::state::AppState;

/// # `GET /taxii2/`
///
/// Server Discovery: the title and the API roots (server-relative URLs).
/// The only TAXII endpoint that needs no authentication, so that clients
/// can find the API roots before they log in.
pub async fn discovery(
    _: AcceptTaxii,
    State(state): State<AppState>,
) -> Result<Response, TaxiiError> {
    let roots = state.store.api_roots().await?;
    let api_roots: Vec<String> = roots.iter().map(|r| format!("/{}/", r.name)).collect();
    let default = state
        .settings
        .default_api_root
        .as_ref()
        .filter(|name| roots.iter().any(|r| &r.name == *name))
        .map(|name| format!("/{name}/"));
    json(&Discovery {
        title: state.settings.title.clone(),
        description: state.settings.description.clone(),
        contact: state.settings.contact.clone(),
        default,
        api_roots,
    })
}

/// # `GET /{root}/`
///
/// Get API Root Information, for any authenticated user.
pub async fn api_root(
    _: AcceptTaxii,
    _: TaxiiUser,
    State(state): State<AppState>,
    TaxiiPath(root): TaxiiPath<String>,
) -> Result<Response, TaxiiError> {
    let root = find_root(&state, &root).await?;
    json(&ApiRootResource::from(&root))
}

/// # `GET /{root}/status/{id}/`
///
/// Get Status of an add-objects request. Only the user who made the request
/// and administrators may read it; to anyone else it does not exist (404).
pub async fn status(
    _: AcceptTaxii,
    TaxiiUser(user): TaxiiUser,
    State(state): State<AppState>,
    TaxiiPath((root, id)): TaxiiPath<(String, String)>,
) -> Result<Response, TaxiiError> {
    let root = find_root(&state, &root).await?;
    let missing = || TaxiiError::NotFound("no such status in this API root".into());
    let status = state
        .store
        .status(&root.name, &id)
        .await?
        .ok_or_else(missing)?;
    if status.owner != user.name && user.role != Role::Admin {
        return Err(missing());
    }
    json(&StatusResource::from(&status))
}
