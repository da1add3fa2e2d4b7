//! Fixtures for the exchange checks: shares, inbound batches and the
//! records they carry. The store never reads the JSON of signed records,
//! so these are short labelled strings that make mix-ups visible.

use liaison_core::exchange::{
    FeedbackRow, InboundBatch, InboundMessage, MessageKind, ObjectKey, OutboxMessage, OutboxRow,
    ProvenanceRow, ShareBatch, StoredAct,
};
use liaison_core::ingest::AddItem;
use liaison_core::model::Collection;
use liaison_core::objects::NewObject;

use super::request;

/// This node's member name in every check.
pub const SELF: &str = "cert-a";

/// The key of an object version.
pub fn key_of(o: &NewObject) -> ObjectKey {
    ObjectKey {
        id: o.id.clone(),
        version_key: o.version_key,
    }
}

/// The id of the message carrying `o` (the same for every peer: ids are
/// unique per peer).
pub fn object_message_id(o: &NewObject) -> String {
    format!("msg-{}-{}", o.id, o.version_key)
}

/// A provenance record of `o` by `origin` for `recipient`.
pub fn provenance(o: &NewObject, origin: &str, recipient: &str) -> ProvenanceRow {
    ProvenanceRow {
        object: key_of(o),
        origin: origin.into(),
        recipient: recipient.into(),
        json: format!(
            r#"{{"prov":"{}@{}","by":"{origin}","for":"{recipient}"}}"#,
            o.id, o.version_key
        ),
    }
}

/// The outbox message carrying `o` to `peer`.
pub fn object_message(peer: &str, o: &NewObject) -> OutboxMessage {
    OutboxMessage {
        peer: peer.into(),
        id: object_message_id(o),
        kind: MessageKind::Object,
        payload: format!(r#"{{"to":"{peer}","object":{}}}"#, o.json),
        object: Some(key_of(o)),
    }
}

/// A message about no object (a ledger act) to `peer`.
pub fn act_message(peer: &str, id: &str) -> OutboxMessage {
    OutboxMessage {
        peer: peer.into(),
        id: id.into(),
        kind: MessageKind::Act,
        payload: format!(r#"{{"act":"{id}"}}"#),
        object: None,
    }
}

/// Shares `objects` from the outbound collection `c` to `peers`: for each
/// object in order, a provenance record and a message per peer in order.
pub fn share_batch(c: &Collection, objects: &[NewObject], peers: &[&str]) -> ShareBatch {
    let mut batch = ShareBatch {
        add: request(c, objects.iter().cloned().map(AddItem::Valid).collect()),
        provenance: Vec::new(),
        outbox: Vec::new(),
    };
    for o in objects {
        for peer in peers {
            batch.provenance.push(provenance(o, SELF, peer));
            batch.outbox.push(object_message(peer, o));
        }
    }
    batch
}

/// A signed record of `kind` by `member` about `object_id`.
pub fn feedback(
    kind: MessageKind,
    id: &str,
    member: &str,
    object_id: Option<&str>,
    at: i64,
) -> FeedbackRow {
    FeedbackRow {
        kind,
        id: id.into(),
        member: member.into(),
        object_id: object_id.map(str::to_owned),
        at,
        json: format!(r#"{{"{}":"{id}","by":"{member}"}}"#, kind.as_str()),
    }
}

/// A ledger act.
pub fn act(hash: &str, received_at: i64) -> StoredAct {
    StoredAct {
        hash: hash.into(),
        json: format!(r#"{{"act":"{hash}"}}"#),
        received_at,
    }
}

/// A request from `origin` with `nonce`, adding `objects` to the inbound
/// collection `c`, one object message (with provenance for this node) per
/// object.
pub fn inbound(origin: &str, nonce: &str, c: &Collection, objects: &[NewObject]) -> InboundBatch {
    InboundBatch {
        origin: origin.into(),
        nonce: nonce.into(),
        request_time: super::START,
        add: Some(request(
            c,
            objects.iter().cloned().map(AddItem::Valid).collect(),
        )),
        messages: objects
            .iter()
            .map(|o| InboundMessage {
                id: object_message_id(o),
                kind: MessageKind::Object,
                object: Some(key_of(o)),
                provenance: Some(provenance(o, origin, SELF)),
                feedback: Vec::new(),
                act: None,
            })
            .collect(),
        log: None,
    }
}

/// A message of `kind` carrying only a signed record.
pub fn feedback_message(id: &str, record: FeedbackRow) -> InboundMessage {
    InboundMessage {
        id: id.into(),
        kind: record.kind,
        object: None,
        provenance: None,
        feedback: vec![record],
        act: None,
    }
}

/// A message carrying a ledger act.
pub fn act_inbound(id: &str, stored: StoredAct) -> InboundMessage {
    InboundMessage {
        id: id.into(),
        kind: MessageKind::Act,
        object: None,
        provenance: None,
        feedback: Vec::new(),
        act: Some(stored),
    }
}

/// `seq`s of outbox rows.
pub fn seqs(rows: &[OutboxRow]) -> Vec<u64> {
    rows.iter().map(|r| r.seq).collect()
}

/// `id`s of outbox rows.
pub fn ids(rows: &[OutboxRow]) -> Vec<String> {
    rows.iter().map(|r| r.id.clone()).collect()
}
