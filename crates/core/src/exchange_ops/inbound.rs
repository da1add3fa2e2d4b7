//! Applying what a peer sent: verify every message with no side effect
//! ([`prepare_inbound`]), store the valid ones in one transaction with the
//! request's nonce ([`commit_inbound`]), then sign the receipts.
//!
//! Checks per message, the first failure refusing the message (it is not
//! stored; its receipt says why):
//! - **object**: the STIX object parses; the provenance is well formed, of
//!   this commonwealth, signed by the sender (the origin is the
//!   originator: nothing arrives through a third member), addresses this
//!   node, matches the object (id, version, digest of the canonical bytes,
//!   TLP) and its signature verifies; the object is valid STIX 2.1.
//!   Stored in `from-<sender>` with its provenance.
//! - **acceptance**, **receipt**: the record verifies and is addressed to
//!   this node. Stored as feedback.
//! - **reaction**: the record verifies, binds the STIX object that came
//!   with it (id and digest), and that object is valid STIX 2.1. The
//!   object is stored in `from-<sender>`, the record as feedback.
//! - **act**: the membership judges it by the laws of the ledger
//!   ([`MembershipSource::judge_acts`]; acts of one envelope in order, each
//!   as if those before it were applied). The act may come from another
//!   member than its author (it is signed by its author, and catching up
//!   relays acts). Stored with the message, then applied
//!   ([`MembershipSource::apply_acts`]) once the commit returned.
//!
//! Every message but a receipt gets a receipt; a stored receipt is signed
//! only after the commit returned.
//!
//! # Refused or put off
//!
//! A receipt is final: the sender marks the message delivered, whatever
//! the outcome. So only **permanent** reasons refuse a message (a bad
//! signature or form, another commonwealth, a record not from its author
//! or not addressed here, an object that is not valid STIX or conflicts
//! with the version held, an act that breaks a law of the ledger: an
//! unknown or suspended author, a forged signature, an out-of-rule
//! proposal, ...). A reason that passes with time **defers** the message
//! instead: a record or act dated more than the allowed skew ahead of this
//! node's clock, or an act whose parents this node has not received yet.
//! A deferred message and every message after it in the envelope are
//! neither stored nor receipted: the answer names the deferred message
//! ([`InboundOutcome::deferred`]) and the sender keeps it and what follows
//! queued, in order, and retries after its backoff. For missing parents,
//! the receiver also pulls the sender's ledger meanwhile.

use liaison_stix::Timestamp;
use liaison_stix::json::{self, Value};

use crate::Store;
use crate::StoreError;
use crate::clock::Clock;
use crate::exchange::{
    FeedbackRow, InboundBatch, InboundMessage, MessageKind, MessageOutcome, ObjectKey,
    ProvenanceRow, StoredAct,
};
use crate::federation::{
    Acceptance, Incoming, Member, ObjectRef, Provenance, Reaction, Receipt, object_version,
};
use crate::ingest::{self, AddItem, AddRequest};
use crate::model::new_uuid_v4;
use crate::objects::NewObject;

use crate::federation::RecordError;
use crate::ledger::Verified;

use super::identity::{ActVerdict, Deferral, MembershipSource, NodeIdentity, inbound_collection};
use super::share::to_json;
use super::wire::{Envelope, WireMessage, parse_envelope};
use super::{EXCHANGE_API_ROOT, ExchangeError};

/// The member a batch comes from, as the request verification found it
/// (or the peer whose outbox this node pulled, authenticated by TLS).
#[derive(Debug, Clone, Copy)]
pub struct Sender<'a> {
    pub member: &'a Member,
    /// Recorded with the batch's effects; a nonce seen before refuses the
    /// whole batch ([`ExchangeError::Replayed`]).
    pub nonce: &'a str,
    /// The request's signed time (Unix microseconds).
    pub request_time: i64,
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageReport {
    pub id: String,
    pub kind: MessageKind,
    /// The sender's outbox position, when given.
    pub seq: Option<u64>,
    /// The STIX object the message carried, as the sender named it.
    pub object: Option<ObjectRef>,
    /// `None`: stored (now, or by an earlier request); else why it was refused.
    pub refusal: Option<String>,
}

/// A message put off for a passing reason (see the module's laws).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeferredMessage {
    /// The message's id: it and every later message of the envelope were
    /// neither stored nor receipted.
    pub id: String,
    pub seq: Option<u64>,
    pub deferral: Deferral,
}

/// A verified batch, ready to commit.
#[derive(Debug)]
pub struct PreparedInbound {
    origin: String,
    batch: InboundBatch,
    /// One entry per message: its report, and its position in
    /// `batch.messages` when it is to be stored.
    plan: Vec<(MessageReport, Option<usize>)>,
    /// New ledger acts, with their position in `batch.messages`, in order.
    acts: Vec<(usize, Verified)>,
    deferred: Option<DeferredMessage>,
    more: bool,
}

impl PreparedInbound {
    /// Messages refused by verification so far.
    pub fn refused(&self) -> usize {
        self.plan.iter().filter(|(_, at)| at.is_none()).count()
    }
}

/// What [`commit_inbound`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundOutcome {
    /// Per message, in the envelope's order.
    pub messages: Vec<MessageReport>,
    /// The signed receipts (JSON texts), one per message that is not
    /// itself a receipt, in the envelope's order.
    pub receipts: Vec<String>,
    /// The envelope said more messages follow (pulls).
    pub more: bool,
    /// The highest `seq` among the messages handled (stored or refused).
    pub last_seq: Option<u64>,
    /// The message put off, if any: it and the messages after it were not
    /// handled (not in `messages`, no receipt).
    pub deferred: Option<DeferredMessage>,
}

/// One message after verification.
enum Checked {
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
    Feedback(FeedbackRow),
}

/// Verifies every message of `envelope` from `sender` (no side effect;
/// CPU work, spread over the cores for large envelopes), up to the first
/// message put off (see the module's laws). `inbound` is the id of the
/// `from-<sender>` collection; `pulled` marks a batch this node pulled
/// from the sender's outbox (the last `seq` handled is then recorded).
pub fn prepare_inbound(
    node: &NodeIdentity,
    membership: &dyn MembershipSource,
    sender: &Sender<'_>,
    envelope: &Envelope,
    inbound: &str,
    now_micros: i64,
    pulled: bool,
) -> PreparedInbound {
    let incoming = node.incoming(sender.member, now_micros);
    let checked = check_all(envelope, &incoming, membership, now_micros);
    let origin = sender.member.name.clone();
    let mut batch = InboundBatch {
        origin: origin.clone(),
        nonce: sender.nonce.to_owned(),
        request_time: sender.request_time,
        add: None,
        messages: Vec::new(),
        pulled_up_to: None,
    };
    let mut items = Vec::new();
    let mut plan = Vec::with_capacity(checked.len());
    let mut acts = Vec::new();
    let mut deferred = None;
    for (message, checked) in envelope.messages.iter().zip(checked) {
        let kind = message.message_kind().unwrap_or(MessageKind::Act);
        let mut report = MessageReport {
            id: message.id.clone(),
            kind,
            seq: message.seq,
            object: None,
            refusal: None,
        };
        let mut inbound = InboundMessage {
            id: message.id.clone(),
            kind,
            object: None,
            provenance: None,
            feedback: None,
            act: None,
        };
        match checked {
            Checked::Refused(object, reason) => {
                report.object = object;
                report.refusal = Some(reason);
                plan.push((report, None));
                continue;
            }
            Checked::Deferred(deferral) => {
                deferred = Some(DeferredMessage {
                    id: message.id.clone(),
                    seq: message.seq,
                    deferral,
                });
                break;
            }
            Checked::Act(verified, stored) => {
                if let Some(verified) = verified {
                    acts.push((batch.messages.len(), *verified));
                }
                inbound.act = Some(stored);
            }
            Checked::Object {
                object,
                reference,
                provenance,
                feedback,
            } => {
                let key = ObjectKey {
                    id: object.id.clone(),
                    version_key: object.version_key,
                };
                inbound.provenance = provenance.map(|json| ProvenanceRow {
                    object: key.clone(),
                    origin: origin.clone(),
                    recipient: node.name().to_owned(),
                    json,
                });
                inbound.object = Some(key);
                inbound.feedback = feedback;
                report.object = Some(reference);
                items.push(AddItem::Valid(object));
            }
            Checked::Feedback(row) => inbound.feedback = Some(row),
        }
        plan.push((report, Some(batch.messages.len())));
        batch.messages.push(inbound);
    }
    if !items.is_empty() {
        batch.add = Some(AddRequest {
            api_root: EXCHANGE_API_ROOT.to_owned(),
            collection_id: inbound.to_owned(),
            owner: origin.clone(),
            status_id: new_uuid_v4(),
            request_timestamp: now_micros,
            items,
        });
    }
    if pulled {
        batch.pulled_up_to = plan.iter().filter_map(|(r, _)| r.seq).max();
    }
    PreparedInbound {
        origin,
        batch,
        plan,
        acts,
        more: envelope.more && deferred.is_none(),
        deferred,
    }
}

/// Commits a verified batch, applies its new ledger acts to
/// `membership`, then signs the receipts with the time of `clock` after
/// the commit.
pub async fn commit_inbound(
    store: &dyn Store,
    node: &NodeIdentity,
    membership: &dyn MembershipSource,
    prepared: PreparedInbound,
    clock: &dyn Clock,
) -> Result<InboundOutcome, ExchangeError> {
    let last_seq = prepared.plan.iter().filter_map(|(r, _)| r.seq).max();
    let outcomes = match store.receive(prepared.batch).await {
        Ok(outcomes) => outcomes,
        Err(StoreError::Conflict(_)) => return Err(ExchangeError::Replayed),
        Err(e) => return Err(e.into()),
    };
    let committed: Vec<Verified> = prepared
        .acts
        .into_iter()
        .filter(|(at, _)| !matches!(outcomes.get(*at), Some(MessageOutcome::Refused(_)) | None))
        .map(|(_, verified)| verified)
        .collect();
    if !committed.is_empty() {
        membership.apply_acts(committed);
    }
    let received_at = clock.now_micros();
    let mut messages = Vec::with_capacity(prepared.plan.len());
    let mut receipts = Vec::new();
    for (mut report, at) in prepared.plan {
        if let Some(at) = at {
            report.refusal = match outcomes.get(at) {
                Some(MessageOutcome::Applied | MessageOutcome::AlreadyApplied) => None,
                Some(MessageOutcome::Refused(reason)) => Some(reason.clone()),
                None => Some("the store did not report on this message".to_owned()),
            };
        }
        if report.kind != MessageKind::Receipt {
            receipts.push(to_json(&receipt_for(
                node,
                &prepared.origin,
                &report,
                received_at,
            )?)?);
        }
        messages.push(report);
    }
    Ok(InboundOutcome {
        messages,
        receipts,
        more: prepared.more,
        last_seq,
        deferred: prepared.deferred,
    })
}

/// Parses, verifies and commits an envelope `body` from `sender`.
pub async fn apply_inbound(
    store: &dyn Store,
    node: &NodeIdentity,
    membership: &dyn MembershipSource,
    sender: &Sender<'_>,
    body: &[u8],
    clock: &dyn Clock,
    pulled: bool,
) -> Result<InboundOutcome, ExchangeError> {
    let envelope = parse_envelope(body)?;
    let inbound = inbound_collection(store, &sender.member.name).await?;
    let prepared = prepare_inbound(
        node,
        membership,
        sender,
        &envelope,
        &inbound.id,
        clock.now_micros(),
        pulled,
    );
    commit_inbound(store, node, membership, prepared, clock).await
}

/// The receipt of one message; without the object reference when that
/// reference is itself malformed (a receipt must always be possible).
fn receipt_for(
    node: &NodeIdentity,
    origin: &str,
    report: &MessageReport,
    at: i64,
) -> Result<Receipt, ExchangeError> {
    let author = node.author();
    let refusal = report.refusal.as_deref();
    match Receipt::create(
        &author,
        origin,
        &report.id,
        report.object.as_ref(),
        refusal,
        at,
    ) {
        Ok(receipt) => Ok(receipt),
        Err(_) => Ok(Receipt::create(
            &author, origin, &report.id, None, refusal, at,
        )?),
    }
}

/// [`check`] for every message, on several threads when there are many;
/// the acts in order, by the membership.
fn check_all(
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
    super::par_map(&envelope.messages, |m| check(envelope, m, incoming))
        .into_iter()
        .map(|checked| match checked {
            // An act: its verdict, in order.
            None => match verdicts.next() {
                Some((verdict, json)) => act_checked(verdict, json, now_micros),
                None => Checked::Refused(None, "the ledger gave no verdict on this act".into()),
            },
            Some(checked) => checked,
        })
        .collect()
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
            Ok(a) => Checked::Feedback(FeedbackRow {
                kind: MessageKind::Acceptance,
                id: a.id.clone(),
                member: a.member.clone(),
                object_id: Some(a.object_id.clone()),
                at: micros(&a.accepted_at),
                json: record.to_owned(),
            }),
            Err(e) => refused(None, e),
        },
        Some(MessageKind::Receipt) => {
            match Receipt::from_json(record).and_then(|r| r.verify_incoming(incoming).map(|()| r)) {
                Ok(r) => Checked::Feedback(FeedbackRow {
                    kind: MessageKind::Receipt,
                    id: r.message_id.clone(),
                    member: r.recipient.clone(),
                    object_id: r.object_id.clone(),
                    at: micros(&r.received_at),
                    json: record.to_owned(),
                }),
                Err(e) => refused(None, e),
            }
        }
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
    if let Err(e) = provenance.verify_incoming(&value, incoming) {
        return refused(Some(claimed), e);
    }
    match ingest::prepare_object(&value) {
        AddItem::Valid(object) => Checked::Object {
            object,
            reference: claimed,
            provenance: Some(record.to_owned()),
            feedback: None,
        },
        AddItem::Invalid(detail) => {
            Checked::Refused(Some(claimed), detail.message.unwrap_or_default())
        }
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

/// A verified record's timestamp (already checked to parse).
fn micros(text: &str) -> i64 {
    Timestamp::parse(text).map_or(0, |t| t.unix_micros())
}
