//! Collections as a user sees them: only those the user can read or write,
//! with `can_read` / `can_write` describing that user's rights.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::Response;

use liaison_core::access;
use liaison_core::users::Role;
use liaison_taxii::resources::{CollectionResource, Collections};

use super::{api_root, ok_json, visible_collection};
use crate::auth::TaxiiUser;
use crate::error::TaxiiError;
use crate::extract::{AcceptTaxii, TaxiiPath};
use crate::state::AppState;

/// # `GET /{root}/collections/`
///
/// Get Collections: the collections of the API root the user has any right
/// on, in creation order (stable across requests); `{}` when there are none.
pub async fn list(
    _: AcceptTaxii,
    TaxiiUser(user): TaxiiUser,
    State(state): State<AppState>,
    TaxiiPath(root): TaxiiPath<String>,
) -> Result<Response, TaxiiError> {
    let root = api_root(&state, &root).await?;
    let all = state.store.collections(&root.name).await?;
    let grants: HashMap<String, _> = match user.role {
        Role::Admin => HashMap::new(),
        _ => state
            .store
            .grants_of(&user.name)
            .await?
            .into_iter()
            .filter(|g| g.api_root == root.name)
            .map(|g| (g.collection_id.clone(), g))
            .collect(),
    };
    let collections = all
        .iter()
        .filter_map(|c| {
            let rights = access::collection_access(&user, grants.get(&c.id));
            (!rights.is_none()).then(|| CollectionResource::new(c, rights))
        })
        .collect();
    ok_json(&Collections { collections })
}

/// # `GET /{root}/collections/{id}/`
///
/// Get a Collection by id or alias; 404 when it does not exist or the user
/// has no right on it.
pub async fn get(
    _: AcceptTaxii,
    TaxiiUser(user): TaxiiUser,
    State(state): State<AppState>,
    TaxiiPath((root, id)): TaxiiPath<(String, String)>,
) -> Result<Response, TaxiiError> {
    let visible = visible_collection(&state, &user, &root, &id).await?;
    ok_json(&CollectionResource::new(
        &visible.collection,
        visible.access,
    ))
}
