//! Collection-level object endpoints: Get Objects, Get Object Manifests and
//! Add Objects, plus the paged query they share with the object endpoints.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use liaison_core::access;
use liaison_core::ingest::{self, AddRequest};
use liaison_core::model::new_uuid_v4;
use liaison_core::objects::{ObjectQuery, Page, StoredObject};
use liaison_core::users::User;
use liaison_stix::json::{self, ParseError, ParseErrorKind};
use liaison_taxii::media::check_content_type;
use liaison_taxii::resources::{Manifest, ManifestRecord, StatusResource, envelope_json_joined};
use liaison_taxii::{FilterEndpoint, Filters, Scope};

use super::{taxii_response, visible_collection, with_date_added};
use crate::auth::TaxiiUser;
use crate::error::TaxiiError;
use crate::extract::{AcceptManifest, AcceptTaxii, BodyError, TaxiiPath, read_limited};
use crate::state::AppState;

/// One page of a query, with the `next` cursor when more follow.
pub struct QueryPage {
    pub page: Page<StoredObject>,
    pub next: Option<String>,
}

impl QueryPage {
    /// `date_added` of the first and last items, for the `X-TAXII-Date-Added-*` headers.
    pub fn first_last(&self) -> Option<(i64, i64)> {
        Some((
            self.page.items.first()?.date_added,
            self.page.items.last()?.date_added,
        ))
    }
}

/// Validates the filters of `raw` for `scope` (400 on any malformed one)
/// and runs the query, capped at the server's page size and limited to
/// what `user`'s clearance may read.
pub async fn query_page(
    state: &AppState,
    user: &User,
    scope: &Scope<'_>,
    raw: Option<&str>,
) -> Result<QueryPage, TaxiiError> {
    let (filters, query) = filtered_query(state, user, scope, raw)?;
    let page = state.store.query_objects(&query).await?;
    let next = next_cursor(
        &filters,
        scope,
        page.more,
        page.items.last().map(|o| o.date_added),
    );
    Ok(QueryPage { page, next })
}

/// The query of `raw`'s filters for `scope` (400 on any malformed one),
/// capped at the server's page size and limited to what `user`'s
/// clearance may read.
fn filtered_query(
    state: &AppState,
    user: &User,
    scope: &Scope<'_>,
    raw: Option<&str>,
) -> Result<(Filters, ObjectQuery), TaxiiError> {
    let filters = Filters::parse(raw, scope.endpoint)?;
    let mut query = filters.to_query(scope, state.settings.max_page_size)?;
    // TLP:AMBER+STRICT and TLP:RED only for users cleared for them, on
    // every collection (liaison_core::federation::clearance).
    query.max_tlp = crate::federation::taxii::clearance_limit(user);
    Ok((filters, query))
}

/// The `next` cursor of a page that ended at `last` (a `date_added`),
/// when more follow.
fn next_cursor(
    filters: &Filters,
    scope: &Scope<'_>,
    more: bool,
    last: Option<i64>,
) -> Option<String> {
    match (more, last) {
        (true, Some(last)) => Some(filters.next_cursor(scope, last)),
        _ => None,
    }
}

/// # `GET /{root}/collections/{id}/objects/`
///
/// Get Objects: an envelope of the matching object versions in `date_added`
/// order (filters `added_after`, `limit`, `next`, `match[id|type|version|spec_version]`),
/// with `more`/`next` when a page is full and the `X-TAXII-Date-Added-*`
/// headers when it has items; `{}` when nothing matches. Needs `can_read`.
pub async fn get_objects(
    _: AcceptTaxii,
    TaxiiUser(user): TaxiiUser,
    State(state): State<AppState>,
    TaxiiPath((root, id)): TaxiiPath<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    // Stage timings, logged at debug level (bench/taxii.sh reads them).
    let t0 = std::time::Instant::now();
    let v = visible_collection(&state, &user, &root, &id).await?;
    access::check_read(v.access).map_err(|d| TaxiiError::denied(d, "read objects"))?;
    let t_lookup = t0.elapsed();
    let scope = Scope {
        endpoint: FilterEndpoint::Objects,
        api_root: &v.root.name,
        collection_id: &v.collection.id,
        object_id: None,
    };
    // Only the objects' texts are sent: read straight into one buffer.
    let (filters, query) = filtered_query(&state, &user, &scope, query.as_deref())?;
    let page = state.store.query_objects_json(&query).await?;
    let next = next_cursor(
        &filters,
        &scope,
        page.more,
        page.first_last.map(|(_, last)| last),
    );
    let t_query = t0.elapsed();
    let body = envelope_json_joined(page.more, next.as_deref(), &page.objects);
    let t_body = t0.elapsed();
    tracing::debug!(
        lookup_us = t_lookup.as_micros() as u64,
        query_us = (t_query - t_lookup).as_micros() as u64,
        body_us = (t_body - t_query).as_micros() as u64,
        "get objects timing"
    );
    Ok(with_date_added(
        taxii_response(StatusCode::OK, body),
        page.first_last,
    ))
}

/// # `GET /{root}/collections/{id}/manifest/`
///
/// Get Object Manifests: one record per matching version (same filters and
/// paging as Get Objects). Accepts `application/stix+json;version=2.1` in
/// `Accept` besides TAXII, and answers TAXII. Needs `can_read`.
pub async fn manifest(
    _: AcceptManifest,
    TaxiiUser(user): TaxiiUser,
    State(state): State<AppState>,
    TaxiiPath((root, id)): TaxiiPath<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, TaxiiError> {
    let v = visible_collection(&state, &user, &root, &id).await?;
    access::check_read(v.access).map_err(|d| TaxiiError::denied(d, "read the manifest"))?;
    let scope = Scope {
        endpoint: FilterEndpoint::Manifest,
        api_root: &v.root.name,
        collection_id: &v.collection.id,
        object_id: None,
    };
    let result = query_page(&state, &user, &scope, query.as_deref()).await?;
    let manifest = Manifest {
        more: result.page.more,
        next: result.next.clone(),
        objects: result.page.items.iter().map(ManifestRecord::from).collect(),
    };
    let body = serde_json::to_string(&manifest).map_err(|_| TaxiiError::Internal)?;
    Ok(with_date_added(
        taxii_response(StatusCode::OK, body),
        result.first_last(),
    ))
}

/// # `POST /{root}/collections/{id}/objects/`
///
/// Add Objects: the body is an envelope; every object is validated on its
/// own against STIX 2.1, the valid ones are stored durably in one
/// transaction together with the status, and the answer is 202 with that
/// status (already `complete`), reporting each object as a success or a
/// failure with the reason. An exact duplicate of a stored version is a
/// success that changes nothing.
///
/// Checks in order after the collection and `can_write`: `Content-Type`
/// (415), size against the API root's `max_content_length` (413, from
/// `Content-Length` or while streaming), UTF-8 and JSON syntax (400), an
/// envelope shape (422). On any of them nothing is stored.
pub async fn add_objects(
    _: AcceptTaxii,
    TaxiiUser(user): TaxiiUser,
    State(state): State<AppState>,
    TaxiiPath((root, id)): TaxiiPath<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, TaxiiError> {
    // Stage timings, logged at debug level (bench/taxii.sh reads them).
    let t0 = std::time::Instant::now();
    let v = visible_collection(&state, &user, &root, &id).await?;
    access::check_write(v.access).map_err(|d| TaxiiError::denied(d, "add objects"))?;
    crate::federation::taxii::check_writable(&state, &v.collection)?;
    let t_lookup = t0.elapsed();
    let content_type = headers
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("(not visible ASCII)"));
    check_content_type(content_type)?;
    let limit = v.root.max_content_length;
    let bytes = read_limited(&headers, body, limit)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge => TaxiiError::TooLarge(format!(
                "the request body exceeds this API root's max_content_length of {limit} bytes"
            )),
            BodyError::Broken => {
                TaxiiError::BadRequest("the request body could not be read".into())
            }
        })?;
    let t_read = t0.elapsed();
    // `to-all` and `to-<member>`: adding is sharing with that audience.
    if let Some(audience) = crate::federation::taxii::outbound_audience(&state, &v.collection) {
        return crate::federation::taxii::share_posted(&state, &user, audience, &bytes).await;
    }
    let (root_name, collection_id, owner) = (v.root.name, v.collection.id, user.name);
    let (status_id, now) = (new_uuid_v4(), state.clock.now_micros());
    // Parsing and validating a large envelope is CPU work: keep it off the
    // I/O threads.
    let request = tokio::task::spawn_blocking(move || -> Result<AddRequest, TaxiiError> {
        let envelope = json::parse_bytes(&bytes).map_err(body_error)?;
        ingest::prepare(
            &root_name,
            &collection_id,
            &owner,
            status_id,
            now,
            &envelope,
        )
        .map_err(|e| TaxiiError::Unprocessable(e.to_string()))
    })
    .await
    .map_err(|_| TaxiiError::Internal)??;
    let t_prepare = t0.elapsed();
    let status = state.store.add_objects(request).await?;
    let t_store = t0.elapsed();
    let body =
        serde_json::to_string(&StatusResource::from(&status)).map_err(|_| TaxiiError::Internal)?;
    let t_status = t0.elapsed();
    tracing::debug!(
        lookup_us = t_lookup.as_micros() as u64,
        read_us = (t_read - t_lookup).as_micros() as u64,
        prepare_us = (t_prepare - t_read).as_micros() as u64,
        store_us = (t_store - t_prepare).as_micros() as u64,
        status_us = (t_status - t_store).as_micros() as u64,
        "add objects timing"
    );
    Ok(taxii_response(StatusCode::ACCEPTED, body))
}

fn body_error(e: ParseError) -> TaxiiError {
    TaxiiError::BadRequest(match e.kind {
        ParseErrorKind::InvalidUtf8 => {
            format!("the request body is not valid UTF-8 (byte {})", e.offset)
        }
        _ => format!("the request body is not valid JSON: {e}"),
    })
}
