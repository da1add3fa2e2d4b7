//! The checks of each inbound message (see the list in the `inbound`
//! module): pure, and run on several threads for large envelopes. Batch
//! signatures (provenance) are not checked here but stated as a [`Seal`],
//! which [`check_all`] verifies once per batch; the message's fate then
//! depends on it ([`Checked::Sealed`]), so a bad signature still refuses
//! before anything else is said of the message.

use std::collections::{HashMap, HashSet};

use liaison_stix::Timestamp;
use liaison_stix::json::{self, Value};

use crate::exchange::{FeedbackRow, MessageKind, StoredAct};
use crate::federation::{
    Acceptance, Incoming, ObjectRef, Provenance, Reaction, ReceiptBatch, RecordError, Seal,
    object_version,
};
use crate::ingest::{self, AddItem};
use crate::ledger::Verified;
use crate::objects::NewObject;

use super::identity::{ActVerdict, Deferral, MembershipSource};
use super::share::to_json;
use super::wire::{Envelope, WireMessage};

/// One message after verification.
pub(super) enum Checked {
    Refused(Option<ObjectRef>, String),
    /// Not now (see the module's laws).
    Deferred(Deferral),
    /// A ledger act, to store (again: storing is idempotent) and, when
    /// new, to apply.
    Act(Option<Box<Verified>>, StoredAct),
    /// An object version or a reaction's STIX object, to store.
    Object {
        object: NewObject,
        reference: ObjectRef,
        provenance: Option<String>,
        feedback: Option<FeedbackRow>,
    },
    /// Signed records to store: an acceptance, or the receipts of a batch.
    Feedback(Vec<FeedbackRow>),
    /// `then` if the batch signature verifies, else refused (naming the
    /// object the message claims).
    Sealed {
        seal: Seal,
        reference: ObjectRef,
        then: Box<Checked>,
    },
}

/// [`check`] for every message, on several threads when there are many,
/// then each distinct batch signature verified once; the acts in order, by
/// the membership.
pub(super) fn check_all(
    envelope: &Envelope,
    incoming: &Incoming<'_>,
    membership: &dyn MembershipSource,
    now_micros: i64,
) -> Vec<Checked> {
    let acts: Vec<&str> = envelope
        .messages
        .iter()
        .filter(|m| m.message_kind() == Some(MessageKind::Act))
        .map(|m| m.record().map_or("null", |r| r.get()))
        .collect();
    let mut verdicts = if acts.is_empty() {
        Vec::new()
    } else {
        membership.judge_acts(&acts, now_micros)
    }
    .into_iter()
    .zip(acts);
    let checked = crate::parallel::par_map(&envelope.messages, |m| check(envelope, m, incoming));
    let seals = verify_seals(&checked, incoming);
    checked
        .into_iter()
        .map(|checked| match checked {
            // An act: its verdict, in order.
            None => match verdicts.next() {
                Some((verdict, json)) => act_checked(verdict, json, now_micros),
                None => Checked::Refused(None, "the ledger gave no verdict on this act".into()),
            },
            Some(Checked::Sealed {
                seal,
                reference,
                then,
            }) => match seals.get(&seal) {
                Some(Ok(())) => *then,
                Some(Err(e)) => Checked::Refused(Some(reference), e.to_string()),
                None => Checked::Refused(Some(reference), "the signature was not checked".into()),
            },
            Some(checked) => checked,
        })
        .collect()
}

/// The verdict on each distinct seal (on several threads when many).
fn verify_seals(
    checked: &[Option<Checked>],
    incoming: &Incoming<'_>,
) -> HashMap<Seal, Result<(), RecordError>> {
    let mut seen = HashSet::new();
    let distinct: Vec<&Seal> = checked
        .iter()
        .filter_map(|c| match c {
            Some(Checked::Sealed { seal, .. }) => Some(seal),
            _ => None,
        })
        .filter(|seal| seen.insert(*seal))
        .collect();
    let verdicts = crate::parallel::par_map(&distinct, |seal| seal.verify(incoming.sender_key));
    distinct.into_iter().cloned().zip(verdicts).collect()
}

fn act_checked(verdict: ActVerdict, json: &str, now_micros: i64) -> Checked {
    let stored = |hash: String| StoredAct {
        hash,
        json: json.to_owned(),
        received_at: now_micros,
    };
    match verdict {
        ActVerdict::New(verified) => {
            let stored = stored(verified.hash().to_hex());
            Checked::Act(Some(verified), stored)
        }
        ActVerdict::Known(hash) => Checked::Act(None, stored(hash.to_hex())),
        ActVerdict::Deferred(deferral) => Checked::Deferred(deferral),
        ActVerdict::Refused(reason) => Checked::Refused(None, reason),
    }
}

/// A record's refusal, or its deferral when the reason passes with time
/// (a time ahead of this node's clock).
fn refused(object: Option<ObjectRef>, error: RecordError) -> Checked {
    match error {
        RecordError::FutureTime { .. } => Checked::Deferred(Deferral {
            reason: error.to_string(),
            missing: Vec::new(),
        }),
        other => Checked::Refused(object, other.to_string()),
    }
}

/// Verifies one message (see the module's list); `None` for an act,
/// which the membership judges.
fn check(envelope: &Envelope, message: &WireMessage, incoming: &Incoming<'_>) -> Option<Checked> {
    let record = message.record().map(|r| r.get()).unwrap_or("null");
    let stix = message
        .index
        .and_then(|i| envelope.objects.get(i))
        .map(|raw| json::parse(raw.get()));
    Some(match message.message_kind() {
        Some(MessageKind::Object) => check_object(record, stix, incoming),
        Some(MessageKind::Reaction) => check_reaction(record, stix, incoming),
        Some(MessageKind::Acceptance) => match Acceptance::from_json(record)
            .and_then(|a| a.verify_incoming(incoming).map(|()| a))
        {
            Ok(a) => Checked::Feedback(vec![FeedbackRow {
                kind: MessageKind::Acceptance,
                id: a.id.clone(),
                member: a.member.clone(),
                object_id: Some(a.object_id.clone()),
                at: micros(&a.accepted_at),
                json: record.to_owned(),
            }]),
            Err(e) => refused(None, e),
        },
        Some(MessageKind::Receipt) => check_receipts(record, incoming),
        Some(MessageKind::Act) => return None,
        None => Checked::Refused(None, format!("unknown message kind {:?}", message.kind)),
    })
}

type Parsed<'a> = Option<Result<Value<'a>, json::ParseError>>;

fn check_object(record: &str, stix: Parsed<'_>, incoming: &Incoming<'_>) -> Checked {
    let provenance = match Provenance::from_json(record) {
        Ok(p) => p,
        Err(e) => return refused(None, e),
    };
    // What the sender will match the receipt against: what it signed.
    let claimed = ObjectRef {
        id: provenance.object_id.clone(),
        version: provenance.object_version.clone(),
        digest: provenance.digest.clone(),
    };
    let value = match stix {
        Some(Ok(value)) => value,
        Some(Err(e)) => {
            return Checked::Refused(
                Some(claimed),
                format!("the STIX object is not valid JSON: {e}"),
            );
        }
        None => return Checked::Refused(Some(claimed), "the STIX object is missing".into()),
    };
    let seal = match provenance.check_incoming(&value, incoming) {
        Ok(seal) => seal,
        Err(e) => return refused(Some(claimed), e),
    };
    let then = match ingest::prepare_object(&value) {
        AddItem::Valid(object) => Checked::Object {
            object,
            reference: claimed.clone(),
            provenance: Some(record.to_owned()),
            feedback: None,
        },
        AddItem::Invalid(detail) => {
            Checked::Refused(Some(claimed.clone()), detail.message.unwrap_or_default())
        }
    };
    Checked::Sealed {
        seal,
        reference: claimed,
        then: Box::new(then),
    }
}

fn check_reaction(record: &str, stix: Parsed<'_>, incoming: &Incoming<'_>) -> Checked {
    let reaction = match Reaction::from_json(record) {
        Ok(r) => r,
        Err(e) => return refused(None, e),
    };
    let value = match stix {
        Some(Ok(value)) => value,
        Some(Err(e)) => {
            return Checked::Refused(None, format!("the STIX object is not valid JSON: {e}"));
        }
        None => return Checked::Refused(None, "the STIX object is missing".into()),
    };
    let reference = ObjectRef {
        id: reaction.stix_id.clone(),
        version: object_version(&value),
        digest: reaction.stix_digest.clone(),
    };
    if let Err(e) = reaction.verify_incoming(&value, incoming) {
        return refused(Some(reference), e);
    }
    match ingest::prepare_object(&value) {
        AddItem::Valid(object) => Checked::Object {
            object,
            reference,
            provenance: None,
            feedback: Some(FeedbackRow {
                kind: MessageKind::Reaction,
                id: reaction.id.clone(),
                member: reaction.member.clone(),
                object_id: Some(reaction.object_id.clone()),
                at: micros(&reaction.reacted_at),
                json: record.to_owned(),
            }),
        },
        AddItem::Invalid(detail) => {
            Checked::Refused(Some(reference), detail.message.unwrap_or_default())
        }
    }
}

/// A receipt batch (the receipts of messages this node's peer pulled):
/// verified once, kept as one receipt per message.
fn check_receipts(record: &str, incoming: &Incoming<'_>) -> Checked {
    let receipts = ReceiptBatch::from_json(record)
        .and_then(|b| b.verify_incoming(incoming).map(|()| b))
        .and_then(|b| b.receipts());
    let receipts = match receipts {
        Ok(receipts) => receipts,
        Err(e) => return refused(None, e),
    };
    let mut rows = Vec::with_capacity(receipts.len());
    for r in receipts {
        let json = match to_json(&r) {
            Ok(json) => json,
            Err(e) => return Checked::Refused(None, e.to_string()),
        };
        rows.push(FeedbackRow {
            kind: MessageKind::Receipt,
            id: r.message_id,
            member: r.recipient,
            object_id: r.object_id,
            at: micros(&r.received_at),
            json,
        });
    }
    Checked::Feedback(rows)
}

/// A verified record's timestamp (already checked to parse).
pub(super) fn micros(text: &str) -> i64 {
    Timestamp::parse(text).map_or(0, |t| t.unix_micros())
}
