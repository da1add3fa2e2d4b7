//! JSON views of exchange results for the admin API (the CLI prints
//! them). Times are TAXII timestamps; absent ones are `null`.

use serde_json::{Value as Json, json};

use liaison_core::exchange_ops::{ObjectStatus, ReceivedVersion};
use liaison_core::federation::{DeliveryState, RecipientStatus, tlp_name};
use liaison_taxii::resources::taxii_timestamp;

/// A time in Unix microseconds as a TAXII timestamp, or `null`.
pub fn timestamp_or_null(micros: Option<i64>) -> Json {
    micros.map_or(Json::Null, |m| Json::String(taxii_timestamp(m)))
}

/// `{"object_id", "versions":[{"version","tlp","audience","shared_at",
/// "recipients":[{"recipient","state":"queued"|"delivered"|"accepted"|"refused",
/// "delivered_at","accepted_at","accepted_by","refused_at","reason",
/// "reactions":[{"id","kind","at","note","count","first_seen","last_seen"}]}]}]}`
pub fn status_view(status: &ObjectStatus) -> Json {
    let versions: Vec<Json> = status
        .versions
        .iter()
        .map(|v| {
            json!({
                "version": v.version,
                "tlp": v.tlp.map(tlp_name),
                "audience": v.audience,
                "shared_at": v.shared_at,
                "recipients": v.recipients.iter().map(recipient_view).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "object_id": status.object_id, "versions": versions })
}

/// The received view (`GET /admin/v1/objects/{id}/provenance`):
/// `{"object_id","versions":[{"version","origin","audience","tlp",
/// "shared_at","digest","digest_matches","signature_verifies","record"}]}`,
/// per version received, the originator's signed provenance (`record`, as
/// received), checked again.
pub fn received_view(object_id: &str, versions: &[ReceivedVersion]) -> Json {
    let versions: Vec<Json> = versions
        .iter()
        .map(|v| {
            // The record is kept as received: shown as the JSON it is.
            let record: Json = serde_json::from_str(&v.record).unwrap_or(Json::Null);
            json!({
                "version": v.version,
                "origin": v.origin,
                "audience": v.audience,
                "tlp": v.tlp.map(tlp_name),
                "shared_at": v.shared_at,
                "digest": v.digest,
                "digest_matches": v.digest_matches,
                "signature_verifies": v.signature_verifies,
                "record": record,
            })
        })
        .collect();
    json!({ "object_id": object_id, "versions": versions })
}

fn recipient_view(r: &RecipientStatus) -> Json {
    let (state, accepted_at, accepted_by, refused_at, reason) = match &r.state {
        DeliveryState::Queued => ("queued", None, None, None, None),
        DeliveryState::Delivered { .. } => ("delivered", None, None, None, None),
        DeliveryState::Accepted { at, by } => (
            "accepted",
            Some(at.to_taxii_string()),
            Some(by.clone()),
            None,
            None,
        ),
        DeliveryState::Refused { at, reason } => (
            "refused",
            None,
            None,
            Some(at.to_taxii_string()),
            Some(reason.clone()),
        ),
    };
    let reactions: Vec<Json> = r
        .reactions
        .iter()
        .map(|x| {
            json!({
                "id": x.id,
                "kind": x.kind.as_str(),
                "at": x.at.to_taxii_string(),
                "note": x.note,
                "count": x.count,
                "first_seen": x.first_seen,
                "last_seen": x.last_seen,
            })
        })
        .collect();
    json!({
        "recipient": r.recipient,
        "state": state,
        "delivered_at": r.delivered_at.map(|t| t.to_taxii_string()),
        "accepted_at": accepted_at,
        "accepted_by": accepted_by,
        "refused_at": refused_at,
        "reason": reason,
        "reactions": reactions,
    })
}
