//! The admin API of the exchange (JSON, under `/admin/v1/`), for the CLI
//! (`liaison share|accept|react|status`) and operators.
//!
//! | Method | Path | Who | Does |
//! |---|---|---|---|
//! | POST | `/share` | admins; analysts with write on every target `to-*` collection | share `{objects:[...], to:"all"\|"b,c"\|["b","c"]}` |
//! | POST | `/objects/{id}/accept` | admins; analysts with read on `from-<origin>` | accept the latest received version |
//! | POST | `/objects/{id}/react` | as accept | react `{kind, note?, count?, first_seen?, last_seen?, to?}` |
//! | GET | `/objects/{id}/status` | admins and analysts | per recipient: queued, delivered, accepted, refused, reactions |
//! | PUT | `/users/{name}/clearance` | admins | set `{clearance: standard\|amber-strict\|red}` |
//! | GET | `/federation` | admins | own card, commonwealth, members, delivery state per peer |
//!
//! Without an adopted commonwealth the exchange endpoints answer 404
//! (clearance works on every node).

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value as Json, json};

use liaison_core::exchange_ops::{self, ExchangeCollection, ExchangeError, inbound_alias};
use liaison_core::federation::{Audience, Clearance, ReactionDraft, ReactionKind};
use liaison_core::users::{Role, User};
use liaison_stix::Timestamp;
use liaison_stix::json::{self as stix_json, Value};
use liaison_taxii::resources::StatusResource;

use super::Federation;
use super::taxii::clearance_limit;
use super::views::{received_view, status_view, timestamp_or_null};
use crate::auth::{AdminUser, authenticate};
use crate::error::AdminError;
use crate::extract::{AdminPath, BodyError, admin_json, read_limited};
use crate::state::AppState;

/// The routes, merged into the admin router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/share", post(share))
        .route("/objects/{id}/accept", post(accept))
        .route("/objects/{id}/react", post(react))
        .route("/objects/{id}/status", get(status))
        .route("/objects/{id}/provenance", get(provenance))
        .route("/users/{name}/clearance", put(set_clearance))
        .route("/federation", get(federation))
}

/// Any authenticated local user (the handler decides what the role allows).
pub struct LocalUser(pub User);

impl FromRequestParts<AppState> for LocalUser {
    type Rejection = AdminError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(LocalUser(authenticate(state, &parts.headers).await?))
    }
}

pub(super) fn ok(value: &Json) -> Response {
    (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

/// The federation, or 404.
pub(super) fn federated(state: &AppState) -> Result<&std::sync::Arc<Federation>, AdminError> {
    state.federation().ok_or_else(|| {
        AdminError::not_found("this node is not a member of a commonwealth (no agreement adopted)")
    })
}

/// A value of a request's field (a reaction kind, a clearance, a vote's
/// choice), or 400 with why it is not one.
pub(super) fn parse_field<T>(text: &str) -> Result<T, AdminError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|e: T::Err| AdminError::bad_request(e.to_string()))
}

fn forbidden(message: impl Into<String>) -> AdminError {
    AdminError::new(StatusCode::FORBIDDEN, message)
}

fn exchange_error(e: ExchangeError) -> AdminError {
    match e {
        ExchangeError::Audience(_)
        | ExchangeError::Invalid(_)
        | ExchangeError::Record(_)
        | ExchangeError::Wire(_) => AdminError::bad_request(e.to_string()),
        ExchangeError::NotReceived { .. } | ExchangeError::NotShared { .. } => {
            AdminError::not_found(e.to_string())
        }
        ExchangeError::TlpForbidsAudience { .. } => forbidden(e.to_string()),
        ExchangeError::Replayed => AdminError::conflict(e.to_string()),
        ExchangeError::Store(e) => e.into(),
        ExchangeError::Identity(_) => {
            tracing::error!(error = %e, "member identity");
            AdminError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the node's member identity is not usable",
            )
        }
    }
}

/// True when `user` has `write` (or `read`) on the exchange collection.
async fn may(
    state: &AppState,
    user: &User,
    which: &ExchangeCollection,
    write: bool,
) -> Result<bool, AdminError> {
    if user.role == Role::Admin {
        return Ok(true);
    }
    let root = exchange_ops::EXCHANGE_API_ROOT;
    let Some(collection) = state.store.collection(root, &which.alias()).await? else {
        return Ok(false);
    };
    let access = crate::taxii::access_to(state, user, &collection)
        .await
        .map_err(AdminError::from)?;
    Ok(if write { access.write } else { access.read })
}

/// An audience from the JSON of `to`: `"all"`, `"b,c"` or `["b","c"]`.
fn audience_of(to: Option<&Value<'_>>) -> Result<Audience, AdminError> {
    let bad = |e: String| AdminError::bad_request(format!("to: {e}"));
    match to {
        None => Err(AdminError::bad_request(
            "to is required: \"all\" or member names",
        )),
        Some(Value::String(text)) => text
            .parse()
            .map_err(|e: liaison_core::federation::AudienceError| bad(e.to_string())),
        Some(Value::Array(items)) => {
            let names: Option<Vec<String>> = items
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect();
            let audience =
                Audience::Members(names.ok_or_else(|| bad("must list member names".into()))?);
            audience.check_form().map_err(|e| bad(e.to_string()))?;
            Ok(audience)
        }
        Some(other) => Err(bad(format!(
            "must be \"all\" or a list of member names, not {}",
            other.type_name()
        ))),
    }
}

/// # `POST /admin/v1/share`
///
/// `{"objects":[...STIX...], "to":"all"|"b,c"|["b","c"]}` (JSON, up to the
/// federation's envelope limit). 200 `{"recipients":[...],"messages":N,
/// "statuses":[TAXII status, one per outbound collection]}`; each status
/// lists every object as a success or a failure with the reason (invalid
/// STIX, received from another member, conflicting version). 400 for an
/// audience naming a non-member, a suspended member or this node.
pub async fn share(
    LocalUser(user): LocalUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AdminError> {
    let federation = federated(&state)?;
    let limit = federation.settings().max_envelope_bytes;
    let essence = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .unwrap_or("");
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(AdminError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the body must be JSON, sent with Content-Type: application/json",
        ));
    }
    let bytes = read_limited(&headers, body, limit)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge => AdminError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body exceeds {limit} bytes"),
            ),
            BodyError::Broken => AdminError::bad_request("the body could not be read"),
        })?;
    let request = stix_json::parse_bytes(&bytes)
        .map_err(|e| AdminError::bad_request(format!("invalid request body: {e}")))?;
    let fields = request
        .as_object()
        .ok_or_else(|| AdminError::bad_request("the body must be a JSON object {objects, to}"))?;
    if let Some(unknown) = fields.keys().find(|k| !matches!(*k, "objects" | "to")) {
        return Err(AdminError::bad_request(format!(
            "unknown field {unknown:?}: expected objects and to"
        )));
    }
    let objects = fields
        .get("objects")
        .and_then(Value::as_array)
        .ok_or_else(|| AdminError::bad_request("objects must be a list of STIX objects"))?;
    let audience = audience_of(fields.get("to"))?;
    let targets: Vec<ExchangeCollection> = match &audience {
        Audience::All => vec![ExchangeCollection::ToAll],
        Audience::Members(names) => names.iter().cloned().map(ExchangeCollection::To).collect(),
    };
    for target in &targets {
        if !may(&state, &user, target, true).await? {
            return Err(forbidden(format!(
                "you may not share into {}",
                target.alias()
            )));
        }
    }
    let report = exchange_ops::share(
        state.store.as_ref(),
        &federation.node(),
        federation.membership().as_ref(),
        objects,
        &audience,
        &user.name,
        state.clock.now_micros(),
    )
    .await
    .map_err(exchange_error)?;
    federation.wake(&report.enqueued);
    tracing::info!(user = %user.name, audience = %audience, objects = objects.len(), messages = report.enqueued.len(), "objects shared");
    let statuses: Vec<StatusResource> = report.statuses.iter().map(StatusResource::from).collect();
    Ok(ok(&json!({
        "recipients": report.recipients,
        "messages": report.enqueued.len(),
        "statuses": statuses,
    })))
}

/// Admins, or analysts with read on the collection of what `object_id`'s
/// originator sent.
async fn check_received_access(
    state: &AppState,
    user: &User,
    object_id: &str,
) -> Result<(), AdminError> {
    if user.role == Role::Admin {
        return Ok(());
    }
    if let Some(origin) = state.store.origin_of(object_id).await? {
        let which = ExchangeCollection::From(origin);
        if user.role == Role::Analyst && may(state, user, &which, false).await? {
            return Ok(());
        }
        return Err(forbidden(format!(
            "you may not act on what is in {}",
            which.alias()
        )));
    }
    // Unknown or not received: the operation says which, to those allowed
    // to read inbound collections at all.
    Err(forbidden(
        "only administrators and analysts with read on the inbound collection may do this",
    ))
}

/// # `POST /admin/v1/objects/{id}/accept`
///
/// Accepts the latest received version of the object; the signed
/// acceptance goes to its originator. 200 `{"acceptance":{...},"sent_to":[...]}`;
/// 404 when the object was not received from another member.
pub async fn accept(
    LocalUser(user): LocalUser,
    State(state): State<AppState>,
    AdminPath(id): AdminPath<String>,
) -> Result<Response, AdminError> {
    let federation = federated(&state)?;
    check_received_access(&state, &user, &id).await?;
    let accepted = exchange_ops::accept(
        state.store.as_ref(),
        &federation.node(),
        federation.membership().as_ref(),
        &id,
        &user.name,
        state.clock.now_micros(),
    )
    .await
    .map_err(exchange_error)?;
    federation.wake(&accepted.enqueued);
    tracing::info!(user = %user.name, object = %id, "object accepted");
    let sent_to: Vec<&str> = accepted.enqueued.iter().map(|(p, _)| p.as_str()).collect();
    Ok(ok(
        &json!({ "acceptance": accepted.acceptance, "sent_to": sent_to }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReactBody {
    kind: String,
    note: Option<String>,
    count: Option<u32>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    to: Option<Json>,
}

fn timestamp(field: &str, text: Option<String>) -> Result<Option<Timestamp>, AdminError> {
    text.map(|t| Timestamp::parse(&t).map_err(|e| AdminError::bad_request(format!("{field}: {e}"))))
        .transpose()
}

/// # `POST /admin/v1/objects/{id}/react`
///
/// `{"kind":"seen"|"blocked"|"investigating"|"not-relevant"|"false-positive"|"agree"|"disagree",
/// "note"?, "count"?, "first_seen"?, "last_seen"?, "to"?}`: the signed
/// reaction with its STIX object (sighting, opinion or note) goes to the
/// originator, and to `to` if given (only for TLP:CLEAR/GREEN objects).
/// 200 `{"reaction":{...},"stix":{...},"sent_to":[...]}`.
pub async fn react(
    LocalUser(user): LocalUser,
    State(state): State<AppState>,
    AdminPath(id): AdminPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AdminError> {
    let federation = federated(&state)?;
    check_received_access(&state, &user, &id).await?;
    let body: ReactBody = admin_json(&headers, body, state.settings.max_admin_body).await?;
    let kind: ReactionKind = parse_field(&body.kind)?;
    let audience = match &body.to {
        None => None,
        Some(to) => {
            let text = to.to_string();
            let parsed =
                stix_json::parse(&text).map_err(|e| AdminError::bad_request(e.to_string()))?;
            Some(audience_of(Some(&parsed))?)
        }
    };
    let draft = ReactionDraft {
        kind,
        note: body.note,
        count: body.count,
        first_seen: timestamp("first_seen", body.first_seen)?,
        last_seen: timestamp("last_seen", body.last_seen)?,
        audience,
    };
    let reacted = exchange_ops::react(
        state.store.as_ref(),
        &federation.node(),
        federation.membership().as_ref(),
        &id,
        &draft,
        state.clock.now_micros(),
    )
    .await
    .map_err(exchange_error)?;
    federation.wake(&reacted.enqueued);
    tracing::info!(user = %user.name, object = %id, kind = %kind, "reaction recorded");
    let stix: Json = serde_json::from_str(&reacted.stix).unwrap_or(Json::Null);
    let sent_to: Vec<&str> = reacted.enqueued.iter().map(|(p, _)| p.as_str()).collect();
    Ok(ok(
        &json!({ "reaction": reacted.reaction, "stix": stix, "sent_to": sent_to }),
    ))
}

/// # `GET /admin/v1/objects/{id}/status`
///
/// Where an object this node shared stands, per version and recipient
/// (see [`status_view`] for the shape). 404 when this node did not share it.
pub async fn status(
    LocalUser(user): LocalUser,
    State(state): State<AppState>,
    AdminPath(id): AdminPath<String>,
) -> Result<Response, AdminError> {
    let federation = federated(&state)?;
    if user.role == Role::Reader {
        return Err(forbidden("readers may not see delivery status"));
    }
    let status = exchange_ops::status(state.store.as_ref(), &federation.node(), &id)
        .await
        .map_err(exchange_error)?;
    Ok(ok(&status_view(&status)))
}

/// # `GET /admin/v1/objects/{id}/provenance`
///
/// At a recipient: the originator's signed provenance of every version of
/// the object this node received, checked again (see
/// [`received_view`]). Admins, or
/// analysts with read on the inbound collection; versions above the
/// user's clearance stay hidden. 404 when the object was not received.
pub async fn provenance(
    LocalUser(user): LocalUser,
    State(state): State<AppState>,
    AdminPath(id): AdminPath<String>,
) -> Result<Response, AdminError> {
    let federation = federated(&state)?;
    check_received_access(&state, &user, &id).await?;
    let versions = exchange_ops::received(
        state.store.as_ref(),
        &federation.node(),
        federation.membership().as_ref(),
        &id,
        clearance_limit(&user),
    )
    .await
    .map_err(exchange_error)?;
    Ok(ok(&received_view(&id, &versions)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClearanceBody {
    clearance: String,
}

/// # `PUT /admin/v1/users/{name}/clearance`
///
/// `{"clearance":"standard"|"amber-strict"|"red"}`: which TLP levels the
/// user may read (TAXII reads hide objects above it). Audited in the log.
pub async fn set_clearance(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    AdminPath(name): AdminPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AdminError> {
    let body: ClearanceBody = admin_json(&headers, body, state.settings.max_admin_body).await?;
    let clearance: Clearance = parse_field(&body.clearance)?;
    let mut user = state
        .store
        .user(&name)
        .await?
        .ok_or_else(|| AdminError::not_found(format!("no user {name:?}")))?;
    let before = user.clearance;
    user.clearance = clearance;
    state.store.update_user(&user).await?;
    tracing::info!(admin = %admin.name, user = %name, from = %before, to = %clearance, "clearance changed");
    Ok(ok(
        &json!({ "name": name, "clearance": clearance.as_str() }),
    ))
}

/// # `GET /admin/v1/federation`
///
/// `{"member":<own card>,"commonwealth":id,"title":...,"members":[{name,
/// endpoint,standing,tls_fingerprint}],"peers":[{name,running,pending,
/// delivered,last_attempt_at,last_delivered_at,consecutive_failures,
/// last_error,next_attempt_at,last_pull_at,pulled_up_to}]}`.
pub async fn federation(
    AdminUser(_): AdminUser,
    State(state): State<AppState>,
) -> Result<Response, AdminError> {
    let federation = federated(&state)?;
    let node = federation.node();
    let members: Vec<Json> = federation
        .membership()
        .members()
        .iter()
        .map(|m| {
            json!({
                "name": m.name,
                "endpoint": m.endpoint,
                "standing": m.standing.as_str(),
                "tls_fingerprint": m.tls_fingerprint,
            })
        })
        .collect();
    let mut peers = Vec::new();
    for peer in federation.peers() {
        let pending = state.store.outbox_pending_count(&peer.name).await?;
        let pulled_up_to = state.store.pulled_up_to(&peer.name).await?;
        let d = federation.delivery(&peer.name);
        peers.push(json!({
            "name": peer.name,
            "standing": peer.standing.as_str(),
            "running": d.running,
            "pending": pending,
            "delivered": d.delivered,
            "last_attempt_at": timestamp_or_null(d.last_attempt_at),
            "last_delivered_at": timestamp_or_null(d.last_delivered_at),
            "consecutive_failures": d.consecutive_failures,
            "last_error": d.last_error,
            "next_attempt_at": timestamp_or_null(d.next_attempt_at),
            "last_pull_at": timestamp_or_null(d.last_pull_at),
            "pulled_up_to": pulled_up_to,
            "inbound_collection": inbound_alias(&peer.name),
        }));
    }
    Ok(ok(&json!({
        "member": node.card(),
        "commonwealth": node.commonwealth().as_str(),
        "title": node.agreement().title,
        "members": members,
        "peers": peers,
    })))
}
