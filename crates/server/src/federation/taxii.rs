//! The exchange seen through TAXII, called by the TAXII handlers:
//! - posting into `to-all` or `to-<member>` shares the objects with that
//!   audience ([`share_posted`]): the status reports each object, and the
//!   provenance is signed;
//! - `from-<member>` collections are read-only ([`check_writable`]), for
//!   administrators too: they hold what another member said;
//! - reads are limited by the user's clearance ([`clearance_limit`]), on
//!   every collection (the rule depends on the TLP alone).

use axum::http::StatusCode;
use axum::response::Response;

use liaison_core::exchange::tlp_rank;
use liaison_core::exchange_ops::{ExchangeCollection, ExchangeError, classify_alias, share};
use liaison_core::federation::Audience;
use liaison_core::model::Collection;
use liaison_core::users::User;
use liaison_stix::json::{self, Value};
use liaison_taxii::resources::StatusResource;

use crate::error::TaxiiError;
use crate::state::AppState;
use crate::taxii::taxii_response;

/// The exchange collection `collection` is, if this node is federated and
/// its alias names one for a known member.
fn exchange_collection(state: &AppState, collection: &Collection) -> Option<ExchangeCollection> {
    let federation = state.federation()?;
    let alias = collection.alias.as_deref()?;
    if collection.api_root != liaison_core::exchange_ops::EXCHANGE_API_ROOT {
        return None;
    }
    let which = classify_alias(alias, federation.node().name())?;
    let known = |name: &str| federation.membership().member(name).is_some();
    match &which {
        ExchangeCollection::ToAll => Some(which),
        ExchangeCollection::To(name) | ExchangeCollection::From(name) => {
            known(name).then_some(which)
        }
    }
}

/// 403 for writes (adding, deleting) into a `from-<member>` collection.
pub fn check_writable(state: &AppState, collection: &Collection) -> Result<(), TaxiiError> {
    match exchange_collection(state, collection) {
        Some(ExchangeCollection::From(name)) => Err(TaxiiError::Forbidden(format!(
            "this collection holds what {name} shared with this node and is read-only"
        ))),
        _ => Ok(()),
    }
}

/// The audience of an outbound collection (`to-all`, `to-<member>`).
pub fn outbound_audience(state: &AppState, collection: &Collection) -> Option<Audience> {
    match exchange_collection(state, collection)? {
        ExchangeCollection::ToAll => Some(Audience::All),
        ExchangeCollection::To(name) => Some(Audience::Members(vec![name])),
        ExchangeCollection::From(_) => None,
    }
}

/// The highest TLP rank `user` may read (`ObjectQuery::max_tlp`).
pub fn clearance_limit(user: &User) -> Option<u8> {
    Some(tlp_rank(Some(user.clearance.ceiling())))
}

/// Add Objects into an outbound collection: shares the envelope's objects
/// with `audience` on behalf of `user`, and answers 202 with the status.
pub async fn share_posted(
    state: &AppState,
    user: &User,
    audience: Audience,
    body: &[u8],
) -> Result<Response, TaxiiError> {
    let federation = state.federation().ok_or(TaxiiError::Internal)?;
    let envelope = json::parse_bytes(body)
        .map_err(|e| TaxiiError::BadRequest(format!("the request body is not valid JSON: {e}")))?;
    let Some(members) = envelope.as_object() else {
        return Err(TaxiiError::Unprocessable(format!(
            "the request body must be a TAXII envelope: a JSON object, not {}",
            envelope.type_name()
        )));
    };
    let objects: &[Value<'_>] = match members.get("objects") {
        None => &[],
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(TaxiiError::Unprocessable(format!(
                "the envelope's objects property must be a list, not {}",
                other.type_name()
            )));
        }
    };
    let report = share(
        state.store.as_ref(),
        &federation.node(),
        federation.membership().as_ref(),
        objects,
        &audience,
        &user.name,
        state.clock.now_micros(),
    )
    .await
    .map_err(|e| match e {
        ExchangeError::Audience(e) => TaxiiError::Forbidden(format!("cannot share: {e}")),
        ExchangeError::Store(e) => e.into(),
        other => {
            tracing::error!(error = %other, "share failed");
            TaxiiError::Internal
        }
    })?;
    federation.wake(&report.enqueued);
    tracing::info!(
        user = %user.name,
        audience = %audience,
        recipients = report.recipients.len(),
        messages = report.enqueued.len(),
        "objects shared"
    );
    let status = report.statuses.first().ok_or(TaxiiError::Internal)?;
    let body =
        serde_json::to_string(&StatusResource::from(status)).map_err(|_| TaxiiError::Internal)?;
    Ok(taxii_response(StatusCode::ACCEPTED, body))
}
