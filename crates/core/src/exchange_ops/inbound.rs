//! Applying what a peer sent: verify every message with no side effect
//! ([`prepare_inbound`]), store the valid ones in one transaction with the
//! request's nonce ([`commit_inbound`]), then sign the receipts: one
//! receipt batch for the whole envelope, signed once.
//!
//! Checks per message, the first failure refusing the message (it is not
//! stored; its receipt says why):
//! - **object**: the STIX object parses; the provenance is well formed, of
//!   this commonwealth, signed by the sender (the origin is the
//!   originator: nothing arrives through a third member), addresses this
//!   node, matches the object (id, version, digest of the canonical bytes,
//!   TLP), its batch proof leads to a root and the batch signature over
//!   that root verifies (checked once per batch: every record of the batch
//!   states the same signed header); the object is valid STIX 2.1.
//!   Stored in `from-<sender>` with its provenance (the record with its
//!   proof: verifiable alone, later).
//! - **acceptance**: the record verifies and is addressed to this node.
//!   Stored as feedback.
//! - **receipt** (a receipt batch: the receipts of messages the sender
//!   pulled from this node): the batch verifies and is addressed to this
//!   node. Stored as one receipt per message it names (each with its
//!   proof), and each such message of this node's outbox to the sender is
//!   then delivered.
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
//! Every message but a receipt gets an entry in the envelope's receipt
//! batch, signed only after the commit returned.
//!
//! # The pull position
//!
//! The sequence numbers of the messages handled (stored, already applied,
//! or refused for good) are the part of the sender's outbox log this node
//! has applied ([`LogSpan`]). A pull covers its log from the position asked
//! for; a push covers its log from its first message, which the sender
//! sends only once everything before it was receipted (strict order per
//! peer). The store moves the position over a span only when the span
//! continues it, so a node restarted after pushes were applied pulls only
//! what it really lacks.
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

use crate::Store;
use crate::StoreError;
use crate::clock::Clock;
use crate::exchange::{
    InboundBatch, InboundMessage, LogSpan, MessageKind, MessageOutcome, ObjectKey, OutboxMessage,
    ProvenanceRow,
};
use crate::federation::{Member, ObjectRef, ReceiptBatch, ReceiptEntry};
use crate::ingest::{AddItem, AddRequest};
use crate::ledger::Verified;
use crate::model::new_uuid_v4;

use super::checks::{Checked, check_all};
use super::identity::{Deferral, MembershipSource, NodeIdentity, inbound_collection};
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

/// How an envelope came: pushed by its sender, or pulled by this node
/// from the sender's outbox after position `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Pushed,
    Pulled { after: u64 },
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

    /// The part of the sender's log the batch covers (see the module's laws).
    pub fn log_span(&self) -> Option<LogSpan> {
        self.batch.log
    }
}

/// What [`commit_inbound`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundOutcome {
    /// Per message, in the envelope's order.
    pub messages: Vec<MessageReport>,
    /// The signed receipt batch: one entry per message that is not itself
    /// a receipt, in the envelope's order (`None` when there is none).
    pub receipts: Option<ReceiptBatch>,
    /// The envelope said more messages follow (pulls).
    pub more: bool,
    /// The highest `seq` among the messages handled (stored or refused).
    pub last_seq: Option<u64>,
    /// The message put off, if any: it and the messages after it were not
    /// handled (not in `messages`, no receipt).
    pub deferred: Option<DeferredMessage>,
}

/// Verifies every message of `envelope` from `sender` (no side effect;
/// CPU work, spread over the cores for large envelopes), up to the first
/// message put off (see the module's laws). `inbound` is the id of the
/// `from-<sender>` collection; `route` says how the envelope came (for the
/// pull position: see the module's laws).
pub fn prepare_inbound(
    node: &NodeIdentity,
    membership: &dyn MembershipSource,
    sender: &Sender<'_>,
    envelope: &Envelope,
    inbound: &str,
    now_micros: i64,
    route: Route,
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
        log: None,
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
            feedback: Vec::new(),
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
                inbound.feedback.extend(feedback);
                report.object = Some(reference);
                items.push(AddItem::Valid(object));
            }
            Checked::Feedback(rows) => inbound.feedback = rows,
            Checked::Sealed { reference, .. } => {
                // check_all settles every seal; should one be left, refuse.
                report.object = Some(reference);
                report.refusal = Some("the signature was not checked".into());
                plan.push((report, None));
                continue;
            }
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
    batch.log = log_span(envelope, &plan, route);
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
    let mut entries = Vec::new();
    for (mut report, at) in prepared.plan {
        if let Some(at) = at {
            report.refusal = match outcomes.get(at) {
                Some(MessageOutcome::Applied | MessageOutcome::AlreadyApplied) => None,
                Some(MessageOutcome::Refused(reason)) => Some(reason.clone()),
                None => Some("the store did not report on this message".to_owned()),
            };
        }
        if report.kind != MessageKind::Receipt {
            entries.push(ReceiptEntry::new(
                &report.id,
                report.object.as_ref(),
                report.refusal.as_deref(),
            ));
        }
        messages.push(report);
    }
    let receipts = if entries.is_empty() {
        None
    } else {
        Some(ReceiptBatch::create(
            &node.author(),
            &prepared.origin,
            entries,
            received_at,
        )?)
    };
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
    route: Route,
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
        route,
    );
    commit_inbound(store, node, membership, prepared, clock).await
}

/// Sends the receipt batch of an envelope this node pulled back to its
/// sender: enqueued as a `receipt` message to it, for this node's next
/// push (its delivery worker pushes right after pulling), so the sender
/// learns of the delivery without pushing the messages again. The batch
/// was signed after the pulled messages' commit; it is enqueued in a
/// transaction of its own (should the node stop in between, the sender's
/// next push of those messages is answered with their receipts).
pub async fn return_receipts(
    store: &dyn Store,
    outcome: &InboundOutcome,
) -> Result<Vec<(String, u64)>, ExchangeError> {
    let Some(batch) = &outcome.receipts else {
        return Ok(Vec::new());
    };
    let id = new_uuid_v4();
    let message = OutboxMessage {
        peer: batch.origin.clone(),
        id: id.clone(),
        kind: MessageKind::Receipt,
        payload: WireMessage::receipt(&id, to_json(batch)?).to_json(),
        object: None,
    };
    Ok(store.enqueue(vec![message]).await?)
}

/// The part of the sender's log the handled messages cover (see the
/// module's laws): from the position asked for (pulls) or the first
/// message (pushes) to the highest `seq` handled.
fn log_span(
    envelope: &Envelope,
    plan: &[(MessageReport, Option<usize>)],
    route: Route,
) -> Option<LogSpan> {
    let last = plan.iter().filter_map(|(r, _)| r.seq).max()?;
    let first = match route {
        Route::Pulled { after } => after.checked_add(1)?,
        // Only when the first message was handled (not put off) and says
        // where it is in the log.
        Route::Pushed => plan.first().and(envelope.messages.first()?.seq)?,
    };
    (first <= last).then_some(LogSpan { first, last })
}
