//! The node-to-node endpoints. Thin: the extractor has verified the
//! request; `liaison_core::exchange_ops` verifies and applies the messages.

use axum::extract::{RawQuery, State};
use axum::http::HeaderValue;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use liaison_core::StoreError;
use liaison_core::exchange::InboundBatch;
use liaison_core::exchange_ops::{
    PreparedInbound, Route, Sender, commit_inbound, envelope_for, inbound_collection,
    parse_envelope, prepare_inbound,
};
use liaison_core::federation::RequestRejection;
use liaison_taxii::TAXII_21;
use liaison_taxii::media::check_content_type;

use super::{FederationError, VerifiedPeer};
use crate::state::AppState;

fn taxii_ok(body: String) -> Response {
    (
        StatusCode::OK,
        [(CONTENT_TYPE, HeaderValue::from_static(TAXII_21))],
        body,
    )
        .into_response()
}

/// # `POST /federation/v1/inbox`
///
/// A peer pushes an envelope (`application/taxii+json;version=2.1`,
/// `{"objects":[...],"x_liaison_messages":[...]}`). Every message is
/// verified, the valid ones are committed with the request's nonce in one
/// transaction, and the answer is 200 `{"receipts":{...}}`: one signed
/// receipt batch with an entry per message (receipts excepted), stored or
/// refused with the reason (`null` when no message calls for one). A message refused for a reason that passes (dated ahead of
/// this node's clock, an act whose parents have not arrived) is put off
/// instead: it and the messages after it get no receipt, and the answer
/// names it, `"deferred":{"message":id,"seq":n,"reason":...}`, for the
/// sender to retry (meanwhile this node pulls the sender's ledger when
/// parents are missing). A malformed envelope is 400 and a replayed
/// request 401, with nothing stored.
pub async fn inbox(
    State(state): State<AppState>,
    peer: VerifiedPeer,
) -> Result<Response, FederationError> {
    let federation = state
        .federation()
        .cloned()
        .ok_or(FederationError::NotFederated)?;
    check_content_type(peer.content_type.as_deref())
        .map_err(|e| FederationError::UnsupportedMediaType(e.to_string()))?;
    let inbound = inbound_collection(state.store.as_ref(), &peer.member.name).await?;
    let node = federation.node();
    let membership = federation.membership().clone();
    let now = state.clock.now_micros();
    let origin = peer.member.name.clone();
    // Parsing, signature checks and STIX validation are CPU work: off the
    // I/O threads.
    let prepared =
        tokio::task::spawn_blocking(move || -> Result<PreparedInbound, FederationError> {
            let envelope = parse_envelope(&peer.body)
                .map_err(|e| FederationError::BadRequest(e.to_string()))?;
            let sender = Sender {
                member: &peer.member,
                nonce: &peer.nonce,
                request_time: peer.time_micros,
            };
            Ok(prepare_inbound(
                &node,
                membership.as_ref(),
                &sender,
                &envelope,
                &inbound.id,
                now,
                Route::Pushed,
            ))
        })
        .await
        .map_err(|_| FederationError::Internal)??;
    let outcome = commit_inbound(
        state.store.as_ref(),
        &federation.node(),
        federation.membership().as_ref(),
        prepared,
        state.clock.as_ref(),
    )
    .await?;
    let refused = outcome
        .messages
        .iter()
        .filter(|m| m.refusal.is_some())
        .count();
    tracing::info!(
        origin = %origin,
        messages = outcome.messages.len(),
        refused,
        "federation inbox applied"
    );
    for message in outcome.messages.iter().filter(|m| m.refusal.is_some()) {
        tracing::warn!(origin = %origin, message = %message.id, reason = message.refusal.as_deref().unwrap_or(""), "message refused");
    }
    let deferred = match &outcome.deferred {
        None => String::new(),
        Some(d) => {
            tracing::info!(origin = %origin, message = %d.id, reason = %d.deferral.reason, "message put off; the sender retries");
            if !d.deferral.missing.is_empty() {
                federation.want_ledger_from(&origin);
            }
            let view = json!({"message": d.id, "seq": d.seq, "reason": d.deferral.reason});
            format!(r#","deferred":{view}"#)
        }
    };
    let receipts = match &outcome.receipts {
        None => "null".to_owned(),
        Some(batch) => serde_json::to_string(batch).map_err(|e| {
            tracing::error!(error = %e, "receipt batch not serialisable");
            FederationError::Internal
        })?,
    };
    let body = format!(r#"{{"receipts":{receipts}{deferred}}}"#);
    Ok(taxii_ok(body))
}

/// # `GET /federation/v1/outbox?after=N&limit=M`
///
/// A peer pulls the messages this node queued for it after its outbox
/// position `N` (default 0), at most `M` (default and cap: the
/// configured `max_pull_messages`), delivered or not, as an envelope with
/// `"more":true` when more follow. The request's nonce is recorded first.
pub async fn outbox(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    peer: VerifiedPeer,
) -> Result<Response, FederationError> {
    let federation = state
        .federation()
        .cloned()
        .ok_or(FederationError::NotFederated)?;
    let cap = federation.settings().max_pull_messages.max(1);
    let (after, limit) = pull_query(query.as_deref(), cap)?;
    // A pull changes nothing here but the nonce table: record the nonce
    // so the request cannot be replayed.
    record_nonce(&state, &peer).await?;
    let mut rows = state
        .store
        .outbox_after(&peer.member.name, after, limit + 1)
        .await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    if let Some(last) = rows.last() {
        let served = super::PullServed {
            up_to: last.seq,
            more,
        };
        federation.pulled_by(&peer.member.name, served);
    }
    let body = envelope_for(&rows, more).map_err(|e| {
        tracing::error!(error = %e, "outbox damaged");
        FederationError::Internal
    })?;
    Ok(taxii_ok(body))
}

/// # `GET /federation/v1/ledger?after=N`
///
/// A member pulls this node's ledger: `{"acts":[...],"next":M}`, the acts
/// after the first `N` this node stored (default 0), in the order it
/// stored them (parents first), and the position to ask from next time.
/// Every act is signed by its author and judged by the receiver, so the
/// acts of any member may be served. The request's nonce is recorded
/// first.
pub async fn ledger(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    peer: VerifiedPeer,
) -> Result<Response, FederationError> {
    state.federation().ok_or(FederationError::NotFederated)?;
    let (after, _) = pull_query(query.as_deref(), usize::MAX)?;
    record_nonce(&state, &peer).await?;
    let acts = state.store.acts().await?;
    let after = usize::try_from(after).unwrap_or(usize::MAX).min(acts.len());
    let texts: Vec<&str> = acts[after..].iter().map(|a| a.json.as_str()).collect();
    let body = format!(r#"{{"acts":[{}],"next":{}}}"#, texts.join(","), acts.len());
    Ok(taxii_ok(body))
}

/// Records a read request's nonce (an empty batch), so that it cannot be
/// replayed.
async fn record_nonce(state: &AppState, peer: &VerifiedPeer) -> Result<(), FederationError> {
    let batch = InboundBatch {
        origin: peer.member.name.clone(),
        nonce: peer.nonce.clone(),
        request_time: peer.time_micros,
        add: None,
        messages: Vec::new(),
        log: None,
    };
    match state.store.receive(batch).await {
        Ok(_) => Ok(()),
        Err(StoreError::Conflict(_)) => Err(RequestRejection::ReplayedNonce.into()),
        Err(e) => Err(e.into()),
    }
}

/// `after` and `limit` from the query string.
fn pull_query(query: Option<&str>, cap: usize) -> Result<(u64, usize), FederationError> {
    let (mut after, mut limit) = (0u64, cap);
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let bad = || FederationError::BadRequest(format!("{name} must be a non-negative integer"));
        match name {
            "after" => after = value.parse().map_err(|_| bad())?,
            "limit" => limit = value.parse::<usize>().map_err(|_| bad())?.clamp(1, cap),
            other => {
                return Err(FederationError::BadRequest(format!(
                    "unknown parameter {other:?}: expected after and limit"
                )));
            }
        }
    }
    Ok((after, limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_parameters() {
        assert_eq!(pull_query(None, 100).unwrap(), (0, 100));
        assert_eq!(pull_query(Some("after=5&limit=7"), 100).unwrap(), (5, 7));
        assert_eq!(pull_query(Some("limit=700"), 100).unwrap(), (0, 100));
        assert!(pull_query(Some("after=-1"), 100).is_err());
        assert!(pull_query(Some("since=3"), 100).is_err());
    }
}
