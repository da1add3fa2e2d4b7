//! Sharing objects with an audience (see the laws in the module above).
//!
//! One [`ExchangeStore::share`](crate::store::ExchangeStore::share) call per
//! outbound collection: `to-all` for the audience `all`, `to-<m>` for each
//! member of a named audience. Each call commits the objects, their
//! provenance and the messages of its recipients atomically; a named
//! audience of several members makes several calls, each complete on its
//! own, and repeating a share after a failure between them enqueues only
//! what is missing (message ids are derived from the object version).

use std::collections::{BTreeMap, BTreeSet};

use liaison_stix::json::Value;

use crate::Store;
use crate::exchange::{MessageKind, ObjectKey, OutboxMessage, ProvenanceRow, ShareBatch};
use crate::federation::{Audience, Member, Provenance, ProvenanceEntry, Standing, check_may_share};
use crate::ingest::{self, AddItem, AddRequest};
use crate::model::new_uuid_v4;
use crate::objects::NewObject;
use crate::status::{Status, StatusDetail};

use super::identity::{ExchangeCollection, MembershipSource, NodeIdentity, exchange_collection};
use super::wire::{WireMessage, object_message_id};
use super::{EXCHANGE_API_ROOT, ExchangeError};

/// What [`share`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareReport {
    /// One status per outbound collection the objects went to (`to-all`,
    /// or `to-<m>` for each named member, in the audience's order). Each
    /// lists every object: successes, and failures with the reason
    /// (invalid STIX, never-forward, conflicting version).
    pub statuses: Vec<Status>,
    /// Every member messaged, by name.
    pub recipients: Vec<String>,
    /// `(peer, seq)` of the messages enqueued now (the delivery workers to wake).
    pub enqueued: Vec<(String, u64)>,
}

/// One object, checked once for every collection it goes to.
enum Prepared {
    Refused(StatusDetail),
    Ready(Ready),
}

struct Ready {
    object: NewObject,
    /// What the provenance states about the object (a leaf of each batch).
    entry: ProvenanceEntry,
    message_id: String,
    /// The signed provenance for each recipient, by name (for `all`, the
    /// same record for every recipient).
    provenance: Vec<(String, String)>,
    /// Earlier recipients of a retracted id not in the audience.
    extra: Vec<String>,
}

/// What the store says about one object before it is shared.
struct Lookup {
    origin: Option<String>,
    extra: Vec<String>,
}

/// Shares `objects` (as posted) with `audience`, on behalf of local user
/// `user`. Invalid objects and objects received from another member are
/// failures in the statuses; an audience naming no member in good standing
/// (or this node) is an error and changes nothing.
///
/// The store is read first, in one call for the whole share
/// (never-forward; earlier recipients of retractions, rare, one call
/// each), then the objects are validated and their digests computed (CPU
/// work, spread over the cores for large shares), then the provenance is
/// signed once per disclosed audience (see [`Provenance::sign_batch`]),
/// then one store call per outbound collection commits.
pub async fn share(
    store: &dyn Store,
    node: &NodeIdentity,
    membership: &dyn MembershipSource,
    objects: &[Value<'_>],
    audience: &Audience,
    user: &str,
    now_micros: i64,
) -> Result<ShareReport, ExchangeError> {
    check_still_heard(node, membership, "shares")?;
    let members = membership.members();
    let recipients = audience.recipients(node.name(), &members)?;
    let groups: Vec<(ExchangeCollection, Vec<String>)> = match audience {
        Audience::All => vec![(ExchangeCollection::ToAll, recipients.clone())],
        Audience::Members(names) => names
            .iter()
            .map(|n| (ExchangeCollection::To(n.clone()), vec![n.clone()]))
            .collect(),
    };
    let lookups = lookup(store, node, &members, &recipients, objects).await?;
    let work: Vec<(&Value<'_>, Lookup)> = objects.iter().zip(lookups).collect();
    let mut prepared =
        crate::parallel::par_map(&work, |(value, lookup)| prepare(node, value, lookup));
    sign_provenance(node, audience, &recipients, &mut prepared, now_micros)?;
    let mut report = ShareReport {
        statuses: Vec::new(),
        recipients: recipients.clone(),
        enqueued: Vec::new(),
    };
    for (i, (which, group)) in groups.iter().enumerate() {
        let collection = exchange_collection(store, which).await?.0;
        let mut batch = ShareBatch {
            add: AddRequest {
                api_root: EXCHANGE_API_ROOT.to_owned(),
                collection_id: collection.id,
                owner: user.to_owned(),
                status_id: new_uuid_v4(),
                request_timestamp: now_micros,
                items: Vec::with_capacity(prepared.len()),
            },
            provenance: Vec::new(),
            outbox: Vec::new(),
        };
        for item in &prepared {
            match item {
                Prepared::Refused(detail) => batch.add.items.push(AddItem::Invalid(detail.clone())),
                Prepared::Ready(ready) => {
                    batch.add.items.push(AddItem::Valid(ready.object.clone()));
                    // Earlier recipients of a retraction go with the first
                    // collection's commit.
                    let extra = if i == 0 { &ready.extra[..] } else { &[][..] };
                    for peer in group.iter().chain(extra) {
                        enqueue(&mut batch, node, ready, peer);
                    }
                }
            }
        }
        let outcome = store.share(batch).await?;
        report.statuses.push(outcome.status);
        report.enqueued.extend(outcome.enqueued);
    }
    for item in &prepared {
        if let Prepared::Ready(ready) = item {
            report.recipients.extend(ready.extra.iter().cloned());
        }
    }
    report.recipients.sort();
    report.recipients.dedup();
    Ok(report)
}

/// A member that left (or was suspended or expelled) is heard no more:
/// what it would enqueue could never be delivered, so it `does` nothing
/// more (an error saying so).
pub(super) fn check_still_heard(
    node: &NodeIdentity,
    membership: &dyn MembershipSource,
    does: &str,
) -> Result<(), ExchangeError> {
    match membership.member(node.name()) {
        Some(own) if own.standing != Standing::Good => Err(ExchangeError::Invalid(format!(
            "this member is {}: it {does} nothing more",
            own.standing
        ))),
        _ => Ok(()),
    }
}

/// The store's facts about each object: where it came from
/// (never-forward, one call for all) and, for a retraction, its earlier
/// recipients.
async fn lookup(
    store: &dyn Store,
    node: &NodeIdentity,
    members: &[Member],
    recipients: &[String],
    objects: &[Value<'_>],
) -> Result<Vec<Lookup>, ExchangeError> {
    let id_of = |value: &Value<'_>| value.get("id").and_then(Value::as_str).map(str::to_owned);
    let ids: Vec<String> = objects.iter().filter_map(id_of).collect();
    let origins = store.origins_of(&ids).await?;
    let mut lookups = Vec::with_capacity(objects.len());
    for value in objects {
        let Some(id) = id_of(value) else {
            lookups.push(Lookup {
                origin: None,
                extra: Vec::new(),
            });
            continue;
        };
        let origin = origins.get(&id).cloned();
        let revoked = value.get("revoked").and_then(Value::as_bool) == Some(true);
        let extra = if revoked && origin.is_none() {
            earlier_recipients(store, node, members, recipients, &id).await?
        } else {
            Vec::new()
        };
        lookups.push(Lookup { origin, extra });
    }
    Ok(lookups)
}

/// Validates one object, applies never-forward and states its provenance
/// entry (no I/O; the signatures come after, per batch).
fn prepare(node: &NodeIdentity, value: &Value<'_>, lookup: &Lookup) -> Prepared {
    let object = match ingest::prepare_object(value) {
        AddItem::Valid(object) => object,
        AddItem::Invalid(detail) => return Prepared::Refused(detail),
    };
    let refuse = |message: String| {
        Prepared::Refused(StatusDetail {
            id: object.id.clone(),
            version: object.version.clone(),
            message: Some(message),
        })
    };
    if let Err(e) = check_may_share(&object.id, lookup.origin.as_deref(), node.name()) {
        return refuse(e.to_string());
    }
    let entry = match ProvenanceEntry::of(value) {
        Ok(entry) => entry,
        Err(e) => return refuse(e.to_string()),
    };
    Prepared::Ready(Ready {
        message_id: object_message_id(&object.id, &object.version, &entry.digest),
        object,
        entry,
        provenance: Vec::new(),
        extra: lookup.extra.clone(),
    })
}

/// Signs the provenance of the ready objects, one batch per disclosed
/// audience: `all` once for every recipient; a named audience once per
/// recipient, told only of itself; an earlier recipient of a retraction
/// outside the audience, like a named one, over the retractions it gets.
/// Fills each object's `provenance`.
fn sign_provenance(
    node: &NodeIdentity,
    audience: &Audience,
    recipients: &[String],
    prepared: &mut [Prepared],
    now_micros: i64,
) -> Result<(), ExchangeError> {
    // Disclosed audience → (the peers it is signed for, the objects).
    let mut batches: BTreeMap<String, (Audience, Vec<String>, Vec<usize>)> = BTreeMap::new();
    for (i, item) in prepared.iter().enumerate() {
        let Prepared::Ready(ready) = item else {
            continue;
        };
        let named = match audience {
            Audience::All => {
                batches
                    .entry(String::new())
                    .or_insert_with(|| (Audience::All, recipients.to_vec(), Vec::new()))
                    .2
                    .push(i);
                &[][..]
            }
            Audience::Members(_) => recipients,
        };
        for peer in named.iter().chain(&ready.extra) {
            batches
                .entry(peer.clone())
                .or_insert_with(|| (audience_of(peer), vec![peer.clone()], Vec::new()))
                .2
                .push(i);
        }
    }
    for (disclosed, peers, indices) in batches.into_values() {
        let entries: Vec<&ProvenanceEntry> = indices
            .iter()
            .filter_map(|&i| match &prepared[i] {
                Prepared::Ready(ready) => Some(&ready.entry),
                Prepared::Refused(_) => None,
            })
            .collect();
        let records = Provenance::sign_batch(&node.author(), &entries, &disclosed, now_micros)?;
        let texts = crate::parallel::par_map(&records, to_json)
            .into_iter()
            .collect::<Result<Vec<String>, ExchangeError>>()?;
        for (&i, text) in indices.iter().zip(texts) {
            if let Prepared::Ready(ready) = &mut prepared[i] {
                for peer in &peers {
                    ready.provenance.push((peer.clone(), text.clone()));
                }
            }
        }
    }
    Ok(())
}

/// The audience disclosed to one named recipient.
fn audience_of(peer: &str) -> Audience {
    Audience::Members(vec![peer.to_owned()])
}

/// Every member this node sent a version of `object_id` to, in good
/// standing now and not among `recipients`.
async fn earlier_recipients(
    store: &dyn Store,
    node: &NodeIdentity,
    members: &[Member],
    recipients: &[String],
    object_id: &str,
) -> Result<Vec<String>, ExchangeError> {
    let earlier: BTreeSet<String> = store
        .provenance_of(object_id)
        .await?
        .into_iter()
        .filter(|row| row.origin == node.name())
        .map(|row| row.recipient)
        .collect();
    Ok(earlier
        .into_iter()
        .filter(|name| !recipients.contains(name) && name != node.name())
        .filter(|name| {
            members
                .iter()
                .any(|m| &m.name == name && m.standing == Standing::Good)
        })
        .collect())
}

/// Adds the provenance and the message of one object for one recipient.
fn enqueue(batch: &mut ShareBatch, node: &NodeIdentity, ready: &Ready, peer: &str) {
    let Some((_, provenance)) = ready.provenance.iter().find(|(p, _)| p == peer) else {
        return;
    };
    let key = ObjectKey {
        id: ready.object.id.clone(),
        version_key: ready.object.version_key,
    };
    let payload = WireMessage::object(
        &ready.message_id,
        provenance.clone(),
        ready.object.json.clone(),
    );
    batch.provenance.push(ProvenanceRow {
        object: key.clone(),
        origin: node.name().to_owned(),
        recipient: peer.to_owned(),
        json: provenance.clone(),
    });
    batch.outbox.push(OutboxMessage {
        peer: peer.to_owned(),
        id: ready.message_id.clone(),
        kind: MessageKind::Object,
        payload: payload.to_json(),
        object: Some(key),
    });
}

pub(super) fn to_json<T: serde::Serialize>(record: &T) -> Result<String, ExchangeError> {
    serde_json::to_string(record).map_err(|e| ExchangeError::Invalid(e.to_string()))
}
