//! Decisions both back ends make the same way for the exchange between
//! member nodes, so that they cannot disagree on what a share enqueues or
//! on what an inbound batch applies (see the laws on
//! [`liaison_core::store::ExchangeStore`]). Pure: the back ends read the
//! facts, call these, and write what they return.
//!
//! Laws, beyond the trait's:
//! - an object version is *conflicted* when any of its occurrences in an
//!   add ended in [`AddOutcome::Conflict`]; a share stores no provenance
//!   and enqueues no message about a conflicted version (a signed record
//!   about an object this node did not store would be a false statement);
//! - messages are enqueued per peer in batch order; a repeated `(peer, id)`
//!   inside one batch is enqueued once; peers are visited in name order,
//!   the order in which back ends lock their counters, so two transactions
//!   never wait on each other in a cycle;
//! - an inbound message is *fresh* when its id was claimed by this call
//!   (first occurrence in the batch); any other is `AlreadyApplied`;
//! - the objects of an inbound batch that belong only to already-applied
//!   messages are not added again (no new status, no resurrection of a
//!   version deleted since); objects no message names are added;
//! - an object message is applied when its version is stored (added now or
//!   already present with the same JSON), refused otherwise; a refused
//!   message's id is released, so a retry is judged again rather than
//!   reported applied;
//! - an applied message stores every part it carries (provenance, feedback,
//!   act); a refused or already-applied one stores nothing;
//! - the receipts an applied message carries, signed by the batch's
//!   origin, name the messages of this node's outbox to the origin that
//!   become delivered ([`Parts::receipted`]);
//! - a batch's [`LogSpan`] moves the origin's pull position to its `last`
//!   only when it continues the position (`first <= position + 1`), and
//!   never back ([`advanced_position`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use liaison_core::StoreError;
use liaison_core::exchange::{
    CommonwealthRecord, FeedbackRow, InboundBatch, InboundMessage, LogSpan, MessageKind,
    MessageOutcome, ObjectKey, OutboxMessage, ProvenanceRow, StoredAct,
};
use liaison_core::ingest::{AddItem, AddRequest};
use liaison_core::objects::{AddOutcome, NewObject};

use crate::plan::valid_objects;

/// Adopting `record` when `held` is adopted: the same commonwealth as the
/// same member changes nothing; anything else is a conflict.
pub(crate) fn check_same_commonwealth(
    held: &CommonwealthRecord,
    record: &CommonwealthRecord,
) -> Result<(), StoreError> {
    if held.id == record.id && held.self_name == record.self_name {
        return Ok(());
    }
    Err(StoreError::Conflict(format!(
        "this node adopted commonwealth {} as member {}; it cannot adopt commonwealth {} as member {}",
        held.id, held.self_name, record.id, record.self_name
    )))
}

/// The error of a request whose nonce was seen before.
pub(crate) fn replayed(batch: &InboundBatch) -> StoreError {
    StoreError::Conflict(format!(
        "replayed nonce: {} already sent a request with nonce {}",
        batch.origin, batch.nonce
    ))
}

/// An object version: `(id, version_key)`.
pub(crate) type Version<'a> = (&'a str, i64);

fn version_of(key: &ObjectKey) -> Version<'_> {
    (key.id.as_str(), key.version_key)
}

/// The versions whose addition ended in a conflict (`outcomes` are in the
/// order of `objects`, as [`crate::plan::Plan::outcomes`]).
pub(crate) fn conflicted<'a>(
    objects: &[&'a NewObject],
    outcomes: &[AddOutcome],
) -> HashSet<Version<'a>> {
    objects
        .iter()
        .zip(outcomes)
        .filter(|(_, outcome)| matches!(outcome, AddOutcome::Conflict { .. }))
        .map(|(o, _)| (o.id.as_str(), o.version_key))
        .collect()
}

/// True when `message` is about none of the `conflicted` versions.
pub(crate) fn not_conflicted(
    conflicted: &HashSet<Version<'_>>,
    object: Option<&ObjectKey>,
) -> bool {
    object.is_none_or(|key| !conflicted.contains(&version_of(key)))
}

/// Messages of one peer to enqueue, with their index in the batch.
pub(crate) type PeerMessages<'a> = Vec<(usize, &'a OutboxMessage)>;

/// Where a kind of text kept once per writing transaction is stored (each
/// engine's `texts`): a table `(n, <column>)` that rows refer to by `n`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TextTable {
    /// `outbox_payloads (n, payload)`, from `outbox.payload_ref`.
    OutboxPayloads,
    /// `provenance_records (n, json)`, from `provenance.record_ref`.
    ProvenanceRecords,
}

impl TextTable {
    pub(crate) fn table(self) -> &'static str {
        match self {
            TextTable::OutboxPayloads => "outbox_payloads",
            TextTable::ProvenanceRecords => "provenance_records",
        }
    }

    pub(crate) fn column(self) -> &'static str {
        match self {
            TextTable::OutboxPayloads => "payload",
            TextTable::ProvenanceRecords => "json",
        }
    }
}

/// The messages to enqueue, by peer in name order, each peer's in batch
/// order without repeated ids; `keep` drops messages before grouping.
pub(crate) fn by_peer<'a>(
    messages: &'a [OutboxMessage],
    keep: impl Fn(&OutboxMessage) -> bool,
) -> BTreeMap<&'a str, PeerMessages<'a>> {
    let mut peers: BTreeMap<&str, PeerMessages<'a>> = BTreeMap::new();
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    for (index, message) in messages.iter().enumerate() {
        if keep(message) && seen.insert((message.peer.as_str(), message.id.as_str())) {
            peers
                .entry(message.peer.as_str())
                .or_default()
                .push((index, message));
        }
    }
    peers
}

/// `(peer, seq)` of the messages enqueued, given as `(index, peer, seq)`,
/// in batch order.
pub(crate) fn in_batch_order(mut enqueued: Vec<(usize, String, u64)>) -> Vec<(String, u64)> {
    enqueued.sort_unstable_by_key(|(index, _, _)| *index);
    enqueued
        .into_iter()
        .map(|(_, peer, seq)| (peer, seq))
        .collect()
}

/// The distinct message ids of a batch, sorted: back ends claim them in
/// this order, so concurrent claims of overlapping ids cannot deadlock.
pub(crate) fn message_ids(batch: &InboundBatch) -> Vec<&str> {
    let mut ids: Vec<&str> = batch.messages.iter().map(|m| m.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Which messages are fresh, given the ids claimed now.
pub(crate) fn fresh(batch: &InboundBatch, claimed: &HashSet<String>) -> Vec<bool> {
    let mut first = HashSet::new();
    batch
        .messages
        .iter()
        .map(|m| claimed.contains(&m.id) && first.insert(m.id.as_str()))
        .collect()
}

/// The part of the batch's add request to run, if any valid object is left
/// once the objects of already-applied messages are dropped.
pub(crate) fn objects_to_add<'a>(
    batch: &'a InboundBatch,
    fresh: &[bool],
) -> Option<Cow<'a, AddRequest>> {
    let add = batch.add.as_ref()?;
    let (mut wanted, mut stale) = (HashSet::new(), HashSet::new());
    for (message, &is_fresh) in batch.messages.iter().zip(fresh) {
        if let Some(key) = &message.object {
            if is_fresh { &mut wanted } else { &mut stale }.insert(version_of(key));
        }
    }
    let keep = |item: &AddItem| match item {
        AddItem::Valid(o) => {
            let v = (o.id.as_str(), o.version_key);
            wanted.contains(&v) || !stale.contains(&v)
        }
        AddItem::Invalid(_) => true,
    };
    let any_valid = |items: &[AddItem]| items.iter().any(|i| matches!(i, AddItem::Valid(_)));
    if add.items.iter().all(keep) {
        // Nothing replayed, the usual case: no copy of the objects.
        return any_valid(&add.items).then_some(Cow::Borrowed(add));
    }
    let items: Vec<AddItem> = add.items.iter().filter(|i| keep(i)).cloned().collect();
    any_valid(&items).then(|| {
        Cow::Owned(AddRequest {
            api_root: add.api_root.clone(),
            collection_id: add.collection_id.clone(),
            owner: add.owner.clone(),
            status_id: add.status_id.clone(),
            request_timestamp: add.request_timestamp,
            items,
        })
    })
}

/// Why an object message's version was not stored.
const CONFLICT: &str = "a different object with this id and version is already held; the one held is kept (STIX 2.1 §3.6)";
const NOT_IN_REQUEST: &str =
    "the object version this message names is not among the request's objects";

/// The outcome of every message, in batch order; `added` is the add that
/// ran (see [`objects_to_add`]) with its outcomes.
pub(crate) fn decide<'a>(
    batch: &'a InboundBatch,
    fresh: &[bool],
    added: Option<(&'a AddRequest, &'a [AddOutcome])>,
) -> Vec<MessageOutcome> {
    // Outcomes of each version's occurrences, consumed by object messages in order.
    let mut stored: HashMap<Version<'a>, VecDeque<&'a AddOutcome>> = HashMap::new();
    let mut invalid: HashMap<&'a str, &'a str> = HashMap::new();
    if let Some((request, outcomes)) = added {
        for (object, outcome) in valid_objects(request).into_iter().zip(outcomes) {
            stored
                .entry((object.id.as_str(), object.version_key))
                .or_default()
                .push_back(outcome);
        }
        for item in &request.items {
            if let AddItem::Invalid(detail) = item {
                invalid.insert(&detail.id, detail.message.as_deref().unwrap_or("invalid"));
            }
        }
    }
    let mut first: HashMap<&str, MessageOutcome> = HashMap::new();
    let mut outcomes = Vec::with_capacity(batch.messages.len());
    for (message, &is_fresh) in batch.messages.iter().zip(fresh) {
        let outcome = if is_fresh {
            let outcome = judge(message, &mut stored, &invalid);
            first.insert(&message.id, outcome.clone());
            outcome
        } else {
            // A repeat inside this batch reads like its first occurrence.
            match first.get(message.id.as_str()) {
                Some(MessageOutcome::Refused(reason)) => MessageOutcome::Refused(reason.clone()),
                _ => MessageOutcome::AlreadyApplied,
            }
        };
        outcomes.push(outcome);
    }
    outcomes
}

fn judge<'a>(
    message: &'a InboundMessage,
    stored: &mut HashMap<Version<'a>, VecDeque<&'a AddOutcome>>,
    invalid: &HashMap<&'a str, &'a str>,
) -> MessageOutcome {
    let missing = |what: &str| {
        MessageOutcome::Refused(format!("{} message without {what}", message.kind.as_str()))
    };
    match message.kind {
        MessageKind::Object => {
            let Some(key) = &message.object else {
                return missing("an object version");
            };
            match stored
                .get_mut(&version_of(key))
                .and_then(VecDeque::pop_front)
            {
                Some(AddOutcome::Added { .. } | AddOutcome::AlreadyPresent { .. }) => {
                    MessageOutcome::Applied
                }
                Some(AddOutcome::Conflict { .. }) => MessageOutcome::Refused(CONFLICT.into()),
                None => MessageOutcome::Refused(
                    invalid
                        .get(key.id.as_str())
                        .map_or(NOT_IN_REQUEST, |why| *why)
                        .to_owned(),
                ),
            }
        }
        MessageKind::Receipt | MessageKind::Acceptance | MessageKind::Reaction
            if message.feedback.is_empty() =>
        {
            missing("a signed record")
        }
        MessageKind::Act if message.act.is_none() => missing("an act"),
        _ => MessageOutcome::Applied,
    }
}

/// What to write for a decided batch.
#[derive(Debug, Default)]
pub(crate) struct Parts<'a> {
    pub provenance: Vec<&'a ProvenanceRow>,
    pub feedback: Vec<&'a FeedbackRow>,
    pub acts: Vec<&'a StoredAct>,
    /// Claimed ids to release (refused messages).
    pub release: Vec<&'a str>,
    /// Ids of this node's messages to the origin that the origin's
    /// applied receipts name, sorted and distinct: to mark delivered.
    pub receipted: Vec<&'a str>,
}

/// The parts of the applied messages, and the ids of the refused ones.
pub(crate) fn parts<'a>(batch: &'a InboundBatch, outcomes: &[MessageOutcome]) -> Parts<'a> {
    let mut parts = Parts::default();
    for (message, outcome) in batch.messages.iter().zip(outcomes) {
        match outcome {
            MessageOutcome::Applied => {
                parts.provenance.extend(&message.provenance);
                parts.feedback.extend(&message.feedback);
                parts.acts.extend(&message.act);
                parts.receipted.extend(
                    message
                        .feedback
                        .iter()
                        .filter(|f| f.kind == MessageKind::Receipt && f.member == batch.origin)
                        .map(|f| f.id.as_str()),
                );
            }
            MessageOutcome::Refused(_) => parts.release.push(&message.id),
            MessageOutcome::AlreadyApplied => {}
        }
    }
    parts.release.sort_unstable();
    parts.release.dedup();
    parts.receipted.sort_unstable();
    parts.receipted.dedup();
    parts
}

/// The origin's pull position after a batch covering `span`, given the
/// position `held` (`None`: leave it as it is).
pub(crate) fn advanced_position(held: u64, span: Option<LogSpan>) -> Option<u64> {
    let span = span?;
    (span.first <= held.saturating_add(1) && span.last > held).then_some(span.last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(id: &str, vk: i64, json: &str) -> NewObject {
        NewObject {
            id: id.into(),
            object_type: "indicator".into(),
            spec_version: "2.1".into(),
            version: vk.to_string(),
            version_key: vk,
            json: json.into(),
            tlp: 0,
        }
    }

    fn key(id: &str, vk: i64) -> Option<ObjectKey> {
        Some(ObjectKey {
            id: id.into(),
            version_key: vk,
        })
    }

    fn message(id: &str, kind: MessageKind, object: Option<ObjectKey>) -> InboundMessage {
        InboundMessage {
            id: id.into(),
            kind,
            object,
            provenance: None,
            feedback: Vec::new(),
            act: None,
        }
    }

    fn batch(items: Vec<AddItem>, messages: Vec<InboundMessage>) -> InboundBatch {
        InboundBatch {
            origin: "b".into(),
            nonce: "n".into(),
            request_time: 0,
            add: Some(AddRequest {
                api_root: "r".into(),
                collection_id: "c".into(),
                owner: "b".into(),
                status_id: "s".into(),
                request_timestamp: 0,
                items,
            }),
            messages,
            log: None,
        }
    }

    #[test]
    fn pull_positions_advance_over_continuing_spans_only() {
        let span = |first, last| Some(LogSpan { first, last });
        assert_eq!(advanced_position(0, span(1, 500)), Some(500));
        assert_eq!(advanced_position(500, span(501, 900)), Some(900));
        assert_eq!(advanced_position(500, span(300, 900)), Some(900));
        assert_eq!(advanced_position(500, span(502, 900)), None, "a gap");
        assert_eq!(advanced_position(900, span(1, 500)), None, "never back");
        assert_eq!(advanced_position(900, None), None);
    }

    #[test]
    fn applied_receipts_of_the_origin_name_messages_delivered() {
        let receipt = |id: &str, member: &str| FeedbackRow {
            kind: MessageKind::Receipt,
            id: id.into(),
            member: member.into(),
            object_id: None,
            at: 1,
            json: "{}".into(),
        };
        let mut m = message("r1", MessageKind::Receipt, None);
        m.feedback = vec![receipt("x2", "b"), receipt("x1", "b"), receipt("x9", "c")];
        let batch = batch(Vec::new(), vec![m]);
        let applied = parts(&batch, &[MessageOutcome::Applied]);
        assert_eq!(applied.receipted, vec!["x1", "x2"]);
        assert_eq!(applied.feedback.len(), 3);
        assert!(
            parts(&batch, &[MessageOutcome::AlreadyApplied])
                .receipted
                .is_empty()
        );
    }

    #[test]
    fn peers_in_name_order_without_repeats() {
        let m = |peer: &str, id: &str| OutboxMessage {
            peer: peer.into(),
            id: id.into(),
            kind: MessageKind::Object,
            payload: String::new(),
            object: None,
        };
        let messages = [
            m("c", "1"),
            m("b", "1"),
            m("c", "2"),
            m("c", "1"),
            m("b", "x"),
        ];
        let peers = by_peer(&messages, |m| m.id != "x");
        let shape: Vec<(&str, Vec<usize>)> = peers
            .iter()
            .map(|(p, ms)| (*p, ms.iter().map(|(i, _)| *i).collect()))
            .collect();
        assert_eq!(shape, vec![("b", vec![1]), ("c", vec![0, 2])]);
        assert_eq!(
            in_batch_order(vec![
                (2, "c".into(), 2),
                (0, "c".into(), 1),
                (1, "b".into(), 1)
            ]),
            vec![("c".into(), 1), ("b".into(), 1), ("c".into(), 2)]
        );
    }

    #[test]
    fn stale_objects_are_not_added_again() {
        let (a, b, loose) = (
            object("a", 1, "{a}"),
            object("b", 1, "{b}"),
            object("l", 1, "{l}"),
        );
        let batch = batch(
            vec![AddItem::Valid(a), AddItem::Valid(b), AddItem::Valid(loose)],
            vec![
                message("m1", MessageKind::Object, key("a", 1)),
                message("m2", MessageKind::Object, key("b", 1)),
            ],
        );
        let claimed: HashSet<String> = ["m2".to_string()].into();
        let fresh = fresh(&batch, &claimed);
        assert_eq!(fresh, vec![false, true]);
        let add = objects_to_add(&batch, &fresh).unwrap();
        let ids: Vec<&str> = valid_objects(&add).iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, vec!["b", "l"]);
        let outcomes = [
            AddOutcome::Added { date_added: 1 },
            AddOutcome::Added { date_added: 2 },
        ];
        assert_eq!(
            decide(&batch, &fresh, Some((&add, &outcomes))),
            vec![MessageOutcome::AlreadyApplied, MessageOutcome::Applied]
        );
        // Nothing fresh and nothing loose: no add at all.
        let only_stale = InboundBatch {
            add: batch.add.clone().map(|mut a| {
                a.items.pop();
                a
            }),
            ..batch.clone()
        };
        assert!(objects_to_add(&only_stale, &[false, false]).is_none());
    }

    #[test]
    fn conflicts_and_missing_parts_are_refused_and_released() {
        let x = object("x", 1, "{x}");
        let mut batch = batch(
            vec![
                AddItem::Valid(x.clone()),
                AddItem::Valid(object("x", 1, "{other}")),
            ],
            vec![
                message("m1", MessageKind::Object, key("x", 1)),
                message("m2", MessageKind::Object, key("x", 1)),
                message("m3", MessageKind::Object, key("y", 1)),
                message("m4", MessageKind::Receipt, None),
                message("m5", MessageKind::Act, None),
                message("m2", MessageKind::Object, key("x", 1)),
            ],
        );
        batch.messages[0].provenance = Some(ProvenanceRow {
            object: key("x", 1).unwrap(),
            origin: "b".into(),
            recipient: "a".into(),
            json: "{}".into(),
        });
        let claimed: HashSet<String> = ["m1", "m2", "m3", "m4", "m5"].map(String::from).into();
        let fresh = fresh(&batch, &claimed);
        let add = objects_to_add(&batch, &fresh).unwrap();
        assert!(matches!(add, Cow::Borrowed(_)), "nothing stale: no copy");
        let outcomes = [
            AddOutcome::Added { date_added: 1 },
            AddOutcome::Conflict { date_added: 1 },
        ];
        let decided = decide(&batch, &fresh, Some((&add, &outcomes)));
        assert_eq!(decided[0], MessageOutcome::Applied);
        assert!(matches!(&decided[1], MessageOutcome::Refused(r) if r.contains("already held")));
        assert!(matches!(&decided[2], MessageOutcome::Refused(r) if r.contains("not among")));
        assert!(
            matches!(&decided[3], MessageOutcome::Refused(r) if r.contains("receipt message without"))
        );
        assert!(
            matches!(&decided[4], MessageOutcome::Refused(r) if r.contains("act message without"))
        );
        assert_eq!(
            decided[5], decided[1],
            "a repeat reads like its first occurrence"
        );
        let parts = parts(&batch, &decided);
        assert_eq!(parts.provenance.len(), 1);
        assert_eq!(parts.release, vec!["m2", "m3", "m4", "m5"]);
        assert!(parts.receipted.is_empty());
        assert_eq!(
            conflicted(&valid_objects(&add), &outcomes),
            HashSet::from([("x", 1)])
        );
        assert!(!not_conflicted(
            &HashSet::from([("x", 1)]),
            key("x", 1).as_ref()
        ));
        assert!(not_conflicted(&HashSet::from([("x", 1)]), None));
    }
}
