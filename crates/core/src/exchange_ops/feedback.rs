//! The loop back to the originator: accepting and reacting to received
//! objects, and checking the receipts a peer returns for what it was sent.

use std::collections::{HashMap, HashSet};

use liaison_stix::json;
use liaison_stix::tlp::Tlp;

use crate::Store;
use crate::exchange::{FeedbackRow, MessageKind, ObjectKey, OutboxMessage, OutboxRow};
use crate::federation::{
    Acceptance, Audience, Member, Provenance, Reaction, ReactionDraft, Receipt, ReceiptBatch,
    Standing, object_tlp, tlp_name,
};
use crate::objects::ObjectQuery;

use super::identity::{MembershipSource, NodeIdentity};
use super::received::origin_and_inbound;
use super::share::{check_still_heard, to_json};
use super::wire::{WireMessage, object_message_id};
use super::{EXCHANGE_API_ROOT, ExchangeError};

/// What [`accept`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub acceptance: Acceptance,
    /// `(peer, seq)` enqueued now (empty when the originator no longer
    /// receives anything).
    pub enqueued: Vec<(String, u64)>,
}

/// What [`react`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reacted {
    pub reaction: Reaction,
    /// The STIX object (sighting, opinion or note) sent with it.
    pub stix: String,
    pub enqueued: Vec<(String, u64)>,
}

/// The latest received version of `object_id`: its originator, key and JSON.
struct Received {
    origin: String,
    key: ObjectKey,
    json: String,
}

async fn received(
    store: &dyn Store,
    node: &NodeIdentity,
    object_id: &str,
) -> Result<Received, ExchangeError> {
    let not_received = || ExchangeError::NotReceived {
        object_id: object_id.to_owned(),
    };
    let (origin, inbound) = origin_and_inbound(store, node, object_id).await?;
    let query = ObjectQuery {
        api_root: EXCHANGE_API_ROOT.to_owned(),
        collection_id: inbound.id,
        ids: vec![object_id.to_owned()],
        limit: 1,
        ..ObjectQuery::default()
    };
    let latest = store
        .query_objects(&query)
        .await?
        .items
        .pop()
        .ok_or_else(not_received)?;
    let value = json::parse(&latest.json).map_err(|e| ExchangeError::Invalid(e.to_string()))?;
    let version_key = liaison_stix::Timestamp::parse(&crate::federation::object_version(&value))
        .map_or(crate::objects::UNVERSIONED, |t| t.unix_micros());
    Ok(Received {
        origin,
        key: ObjectKey {
            id: object_id.to_owned(),
            version_key,
        },
        json: latest.json,
    })
}

fn in_good_standing(membership: &dyn MembershipSource, name: &str) -> bool {
    membership
        .member(name)
        .is_some_and(|m| m.standing == Standing::Good)
}

/// Local user `user` accepts the latest received version of `object_id`:
/// the signed acceptance is stored and sent to the originator.
pub async fn accept(
    store: &dyn Store,
    node: &NodeIdentity,
    membership: &dyn MembershipSource,
    object_id: &str,
    user: &str,
    now_micros: i64,
) -> Result<Accepted, ExchangeError> {
    check_still_heard(node, membership, "accepts")?;
    let target = received(store, node, object_id).await?;
    let value = json::parse(&target.json).map_err(|e| ExchangeError::Invalid(e.to_string()))?;
    let version = crate::federation::object_version(&value);
    let acceptance = Acceptance::create(
        &node.author(),
        &target.origin,
        object_id,
        &version,
        user,
        now_micros,
    )?;
    let json = to_json(&acceptance)?;
    let row = FeedbackRow {
        kind: MessageKind::Acceptance,
        id: acceptance.id.clone(),
        member: node.name().to_owned(),
        object_id: Some(object_id.to_owned()),
        at: now_micros,
        json: json.clone(),
    };
    let mut outbox = Vec::new();
    if in_good_standing(membership, &target.origin) {
        outbox.push(OutboxMessage {
            peer: target.origin.clone(),
            id: acceptance.id.clone(),
            kind: MessageKind::Acceptance,
            payload: WireMessage::acceptance(&acceptance.id, json).to_json(),
            object: Some(target.key),
        });
    }
    let enqueued = store.record_local_feedback(&row, outbox).await?;
    Ok(Accepted {
        acceptance,
        enqueued,
    })
}

/// Reacts to the latest received version of `object_id`: the signed
/// reaction and its STIX object are stored and sent to the originator, and
/// to the wider audience of `draft` if it names one (allowed only for
/// objects marked TLP:CLEAR, TLP:GREEN or not marked).
pub async fn react(
    store: &dyn Store,
    node: &NodeIdentity,
    membership: &dyn MembershipSource,
    object_id: &str,
    draft: &ReactionDraft,
    now_micros: i64,
) -> Result<Reacted, ExchangeError> {
    check_still_heard(node, membership, "reacts to")?;
    let target = received(store, node, object_id).await?;
    let value = json::parse(&target.json).map_err(|e| ExchangeError::Invalid(e.to_string()))?;
    let mut draft = draft.clone();
    let mut recipients = vec![target.origin.clone()];
    if let Some(audience) = &mut draft.audience {
        let tlp = object_tlp(&value);
        if !matches!(tlp, None | Some(Tlp::Clear | Tlp::Green)) {
            return Err(ExchangeError::TlpForbidsAudience {
                object_id: object_id.to_owned(),
                tlp: tlp.map_or("", tlp_name).to_uppercase(),
            });
        }
        // The originator is always told, so a named audience includes it.
        if let Audience::Members(names) = audience
            && !names.contains(&target.origin)
        {
            names.push(target.origin.clone());
        }
        recipients = audience.recipients(node.name(), &membership.members())?;
    }
    let (reaction, stix) = Reaction::create(
        &node.author(),
        &target.origin,
        &value,
        &draft,
        None,
        now_micros,
    )?;
    let json = to_json(&reaction)?;
    let stix = stix.to_json_string();
    let row = FeedbackRow {
        kind: MessageKind::Reaction,
        id: reaction.id.clone(),
        member: node.name().to_owned(),
        object_id: Some(object_id.to_owned()),
        at: now_micros,
        json: json.clone(),
    };
    let payload = WireMessage::reaction(&reaction.id, json, stix.clone()).to_json();
    let outbox = recipients
        .iter()
        .filter(|peer| in_good_standing(membership, peer))
        .map(|peer| OutboxMessage {
            peer: peer.clone(),
            id: reaction.id.clone(),
            kind: MessageKind::Reaction,
            payload: payload.clone(),
            object: Some(target.key.clone()),
        })
        .collect();
    let enqueued = store.record_local_feedback(&row, outbox).await?;
    Ok(Reacted {
        reaction,
        stix,
        enqueued,
    })
}

/// The object a sent message must be receipted with: `(id, digest)`, or
/// `None` for messages without one.
fn expected_object(row: &OutboxRow) -> Option<(String, String)> {
    let message: WireMessage = serde_json::from_str(&row.payload).ok()?;
    match message.message_kind()? {
        MessageKind::Object => {
            let p = Provenance::from_json(message.provenance?.get()).ok()?;
            Some((p.object_id, p.digest))
        }
        MessageKind::Reaction => {
            let r = Reaction::from_json(message.reaction?.get()).ok()?;
            Some((r.stix_id, r.stix_digest))
        }
        _ => None,
    }
}

/// True when `receipt` names the object `row` carried. The id of an
/// object message is derived from the version's id, version and digest
/// (see [`object_message_id`]), so it is checked without reading the
/// payload; other messages are read.
fn receipt_matches(row: &OutboxRow, receipt: &Receipt) -> bool {
    if row.kind == MessageKind::Object {
        return match (&receipt.object_id, &receipt.object_version, &receipt.digest) {
            (Some(id), Some(version), Some(digest)) => {
                object_message_id(id, version, digest) == row.id
            }
            _ => false,
        };
    }
    match expected_object(row) {
        Some((id, digest)) => {
            receipt.object_id.as_deref() == Some(id.as_str())
                && receipt.digest.as_deref() == Some(digest.as_str())
        }
        None => receipt.object_id.is_none(),
    }
}

/// Verifies the receipt batch `peer` returned for `sent` (one signature)
/// and keeps the receipts that match a message sent (same message id, same
/// object id and digest), one per message, each with its proof. Returns
/// the rows to store and, for the log, why the others were dropped.
pub fn check_receipts(
    node: &NodeIdentity,
    peer: &Member,
    sent: &[OutboxRow],
    batch: Option<&str>,
    now_micros: i64,
) -> (Vec<FeedbackRow>, Vec<String>) {
    let Some(batch) = batch else {
        return (Vec::new(), Vec::new());
    };
    let incoming = node.incoming(peer, now_micros);
    let receipts = ReceiptBatch::from_json(batch)
        .and_then(|b| b.verify_incoming(&incoming).map(|()| b))
        .and_then(|b| b.receipts());
    let receipts = match receipts {
        Ok(receipts) => receipts,
        Err(e) => return (Vec::new(), vec![e.to_string()]),
    };
    let sent: HashMap<&str, &OutboxRow> = sent.iter().map(|row| (row.id.as_str(), row)).collect();
    let mut rows: Vec<FeedbackRow> = Vec::new();
    let mut seen = HashSet::new();
    let mut problems = Vec::new();
    for receipt in receipts {
        let Some(row) = sent.get(receipt.message_id.as_str()) else {
            problems.push(format!(
                "receipt for message {} that was not sent",
                receipt.message_id
            ));
            continue;
        };
        if !receipt_matches(row, &receipt) {
            problems.push(format!(
                "receipt for message {} names another object",
                receipt.message_id
            ));
            continue;
        }
        if !seen.insert(receipt.message_id.clone()) {
            continue;
        }
        let json = match to_json(&receipt) {
            Ok(json) => json,
            Err(e) => {
                problems.push(e.to_string());
                continue;
            }
        };
        rows.push(FeedbackRow {
            kind: MessageKind::Receipt,
            id: receipt.message_id,
            member: peer.name.clone(),
            object_id: receipt.object_id,
            at: liaison_stix::Timestamp::parse(&receipt.received_at)
                .map_or(now_micros, |t| t.unix_micros()),
            json,
        });
    }
    (rows, problems)
}
