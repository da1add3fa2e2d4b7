//! Sharing objects with an audience (see the laws in the module above).
//!
//! One [`ExchangeStore::share`](crate::store::ExchangeStore::share) call per
//! outbound collection: `to-all` for the audience `all`, `to-<m>` for each
//! member of a named audience. Each call commits the objects, their
//! provenance and the messages of its recipients atomically; a named
//! audience of several members makes several calls, each complete on its
//! own, and repeating a share after a failure between them enqueues only
//! what is missing (message ids are derived from the object version).

use std::collections::BTreeSet;

use liaison_stix::json::Value;

use crate::Store;
use crate::exchange::{MessageKind, ObjectKey, OutboxMessage, ProvenanceRow, ShareBatch};
use crate::federation::{Audience, Member, Provenance, Standing, check_may_share, object_digest};
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
    message_id: String,
    /// The signed provenance for each recipient, by name (for `all`, the
    /// same record for every recipient, signed once).
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
/// The store is read first (never-forward, earlier recipients), then the
/// objects are validated and signed (CPU work, spread over the cores for
/// large shares), then one store call per outbound collection commits.
pub async fn share(
    store: &dyn Store,
    node: &NodeIdentity,
    membership: &dyn MembershipSource,
    objects: &[Value<'_>],
    audience: &Audience,
    user: &str,
    now_micros: i64,
) -> Result<ShareReport, ExchangeError> {
    let members = membership.members();
    // A member that left (or was suspended or expelled) is heard no more:
    // what it would enqueue could never be delivered.
    if let Some(own) = members.iter().find(|m| m.name == node.name())
        && own.standing != Standing::Good
    {
        return Err(ExchangeError::Invalid(format!(
            "this member is {}: it shares nothing more",
            own.standing
        )));
    }
    let recipients = audience.recipients(node.name(), &members)?;
    let groups: Vec<(ExchangeCollection, Vec<String>)> = match audience {
        Audience::All => vec![(ExchangeCollection::ToAll, recipients.clone())],
        Audience::Members(names) => names
            .iter()
            .map(|n| (ExchangeCollection::To(n.clone()), vec![n.clone()]))
            .collect(),
    };
    let mut lookups = Vec::with_capacity(objects.len());
    for value in objects {
        lookups.push(lookup(store, node, &members, &recipients, value).await?);
    }
    let work: Vec<(&Value<'_>, Lookup)> = objects.iter().zip(lookups).collect();
    let prepared = super::par_map(&work, |(value, lookup)| {
        prepare(node, &recipients, audience, value, lookup, now_micros)
    })
    .into_iter()
    .collect::<Result<Vec<Prepared>, ExchangeError>>()?;
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

/// The store's facts about one object: where it came from (never-forward)
/// and, for a retraction, its earlier recipients.
async fn lookup(
    store: &dyn Store,
    node: &NodeIdentity,
    members: &[Member],
    recipients: &[String],
    value: &Value<'_>,
) -> Result<Lookup, ExchangeError> {
    let Some(id) = value.get("id").and_then(Value::as_str) else {
        return Ok(Lookup {
            origin: None,
            extra: Vec::new(),
        });
    };
    let origin = store.origin_of(id).await?;
    let revoked = value.get("revoked").and_then(Value::as_bool) == Some(true);
    let extra = if revoked && origin.is_none() {
        earlier_recipients(store, node, members, recipients, id).await?
    } else {
        Vec::new()
    };
    Ok(Lookup { origin, extra })
}

/// Validates one object, applies never-forward and signs its provenance
/// for each recipient (no I/O).
fn prepare(
    node: &NodeIdentity,
    recipients: &[String],
    audience: &Audience,
    value: &Value<'_>,
    lookup: &Lookup,
    now_micros: i64,
) -> Result<Prepared, ExchangeError> {
    let object = match ingest::prepare_object(value) {
        AddItem::Valid(object) => object,
        AddItem::Invalid(detail) => return Ok(Prepared::Refused(detail)),
    };
    let refuse = |message: String| {
        Prepared::Refused(StatusDetail {
            id: object.id.clone(),
            version: object.version.clone(),
            message: Some(message),
        })
    };
    if let Err(e) = check_may_share(&object.id, lookup.origin.as_deref(), node.name()) {
        return Ok(refuse(e.to_string()));
    }
    let digest = match object_digest(value) {
        Ok(digest) => digest,
        Err(e) => return Ok(refuse(e.to_string())),
    };
    let sign = |audience: Audience| -> Result<String, ExchangeError> {
        to_json(&Provenance::create(
            &node.author(),
            value,
            audience,
            now_micros,
        )?)
    };
    let mut provenance = Vec::new();
    let for_all = match audience {
        Audience::All => Some(sign(Audience::All)?),
        Audience::Members(_) => None,
    };
    for peer in recipients.iter().chain(&lookup.extra) {
        let json = match &for_all {
            // Earlier recipients outside the audience are told of
            // themselves only, like a named audience.
            Some(json) if recipients.contains(peer) => json.clone(),
            _ => sign(Audience::Members(vec![peer.clone()]))?,
        };
        provenance.push((peer.clone(), json));
    }
    Ok(Prepared::Ready(Ready {
        message_id: object_message_id(&object.id, &object.version, &digest),
        object,
        provenance,
        extra: lookup.extra.clone(),
    }))
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
