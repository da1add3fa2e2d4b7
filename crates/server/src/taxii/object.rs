//! Object-level endpoints: Get an Object, Delete an Object, Get Object
//! Versions.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use liaison_core::access;
use liaison_core::objects::{ObjectQuery, VersionFilter};
use liaison_core::users::User;
use liaison_stix::tlp::Tlp;
use liaison_taxii::resources::{Versions, envelope_json};
use liaison_taxii::{FilterEndpoint, Filters, Scope};

use super::objects::{QueryPage, query_page};
use super::{Visible, ok_json, taxii_response, visible_collection, with_date_added};
use crate::auth::TaxiiUser;
use crate::error::TaxiiError;
use crate::extract::{AcceptTaxii, TaxiiPath};
use crate::state::AppState;

fn no_such_object() -> TaxiiError {
    TaxiiError::NotFound("no such object in this collection".into())
}

fn scope<'a>(v: &'a Visible, endpoint: FilterEndpoint, object: &'a str) -> Scope<'a> {
    Scope {
        endpoint,
        api_root: &v.root.name,
        collection_id: &v.collection.id,
        object_id: Some(object),
    }
}

/// 404 unless the collection holds some version of `object` that `user`'s
/// clearance may read: an object hidden by its TLP is answered like an
/// unknown one, so that its existence is not disclosed either.
async fn ensure_exists(
    state: &AppState,
    user: &User,
    v: &Visible,
    object: &str,
) -> Result<(), TaxiiError> {
    let limit = crate::federation::taxii::clearance_limit(user);
    let exists = if limit.is_some_and(|l| l < liaison_core::exchange::tlp_rank(Some(Tlp::Red))) {
        let query = ObjectQuery {
            api_root: v.root.name.clone(),
            collection_id: v.collection.id.clone(),
            ids: vec![object.to_owned()],
            versions: VersionFilter::All,
            limit: 1,
            manifest_only: true,
            max_tlp: limit,
            ..ObjectQuery::default()
        };
        !state.store.query_objects(&query).await?.items.is_empty()
    } else {
        state
            .store
            .object_exists(&v.root.name, &v.collection.id, object)
            .await?
    };
    if exists {
        Ok(())
    } else {
        Err(no_such_object())
    }
}

/// A page of the versions of `object` in collection `id` of API root
/// `root` that `user` may read (Get an Object, Get Object Versions): 404
/// when the collection holds no version of it (see [`ensure_exists`]).
/// Needs `can_read`.
async fn object_page(
    state: &AppState,
    user: &User,
    root: &str,
    id: &str,
    object: &str,
    endpoint: FilterEndpoint,
    query: Option<String>,
) -> Result<QueryPage, TaxiiError> {
    let v = visible_collection(state, user, root, id).await?;
    access::check_read(v.access).map_err(|d| TaxiiError::denied(d, "read objects"))?;
    let result = query_page(state, user, &scope(&v, endpoint, object), query.as_deref()).await?;
    if result.page.items.is_empty() {
        ensure_exists(state, user, &v, object).await?;
    }
    Ok(result)
}

/// # `GET /{root}/collections/{id}/objects/{object-id}/`
///
/// Get an Object: an envelope with the matching versions of one object
/// (filters `added_after`, `limit`, `next`, `match[version]` (default
/// `last`), `match[spec_version]`). 404 when the collection holds no version
/// of the object; 200 with `{}` when it does but the filters exclude them
/// all. Needs `can_read`.
pub async fn get_object(
    _: AcceptTaxii,
    TaxiiUser(user): TaxiiUser,
    State(state): State<AppState>,
    TaxiiPath((root, id, object)): TaxiiPath<(String, String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let endpoint = FilterEndpoint::Object;
    let result = object_page(&state, &user, &root, &id, &object, endpoint, query).await?;
    let objects = result.page.items.iter().map(|o| o.json.as_str());
    let body = envelope_json(result.page.more, result.next.as_deref(), objects);
    Ok(with_date_added(
        taxii_response(StatusCode::OK, body),
        result.first_last(),
    ))
}

/// # `DELETE /{root}/collections/{id}/objects/{object-id}/`
///
/// Delete an Object. Liaison's policy where TAXII leaves room: **without
/// `match[version]` every version of the object is removed**, so that a
/// later Get an Object answers 404 as TAXII §5.7 requires after a delete;
/// with `match[version]` (`first`, `last`, `all`, exact versions) and/or
/// `match[spec_version]` only the selected versions are removed. 200 with
/// no body when something was removed; 404 when no version of the object
/// matched (including an unknown object). Needs both `can_read` and
/// `can_write` (the §5.7 matrix: neither → 404, one of them → 403).
pub async fn delete_object(
    _: AcceptTaxii,
    TaxiiUser(user): TaxiiUser,
    State(state): State<AppState>,
    TaxiiPath((root, id, object)): TaxiiPath<(String, String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let v = visible_collection(&state, &user, &root, &id).await?;
    access::check_delete(v.access).map_err(|d| TaxiiError::denied(d, "delete objects"))?;
    crate::federation::taxii::check_writable(&state, &v.collection)?;
    let filters = Filters::parse(query.as_deref(), FilterEndpoint::Delete)?;
    let request = filters.to_delete(&scope(&v, FilterEndpoint::Delete, &object));
    let removed = state.store.delete_objects(&request).await?;
    if removed == 0 {
        return Err(TaxiiError::NotFound(
            "no version of this object matches in this collection".into(),
        ));
    }
    tracing::info!(collection = %v.collection.id, object = %object, removed, user = %user.name, "object versions deleted");
    Ok(taxii_response(StatusCode::OK, String::new()))
}

/// # `GET /{root}/collections/{id}/objects/{object-id}/versions/`
///
/// Get Object Versions: the version strings of one object (`modified`, else
/// `created`, else a stable server value), in `date_added` order — which
/// is ascending version order whenever versions are added in the order
/// they were made — so that `added_after`, `next` and the
/// `X-TAXII-Date-Added-*` headers page through them like every other list.
/// Filters `added_after`, `limit`, `next`, `match[spec_version]`. 404 for
/// an unknown object. Needs `can_read`.
pub async fn versions(
    _: AcceptTaxii,
    TaxiiUser(user): TaxiiUser,
    State(state): State<AppState>,
    TaxiiPath((root, id, object)): TaxiiPath<(String, String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let endpoint = FilterEndpoint::Versions;
    let result = object_page(&state, &user, &root, &id, &object, endpoint, query).await?;
    let versions = Versions {
        more: result.page.more,
        next: result.next.clone(),
        versions: result
            .page
            .items
            .iter()
            .map(|o| o.version.clone())
            .collect(),
    };
    Ok(with_date_added(ok_json(&versions)?, result.first_last()))
}
