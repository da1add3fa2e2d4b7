//! Where an object this node shared stands with each recipient: the
//! provenance records say who it was sent to, the feedback held says what
//! came back, and [`delivery_status`] folds them.

use std::collections::BTreeMap;

use liaison_stix::tlp::Tlp;

use crate::Store;
use crate::exchange::MessageKind;
use crate::federation::{
    Acceptance, Audience, Feedback, Provenance, Reaction, Receipt, RecipientStatus, delivery_status,
};

use super::ExchangeError;
use super::identity::NodeIdentity;

/// The status of every shared version of one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectStatus {
    pub object_id: String,
    /// Oldest version first.
    pub versions: Vec<VersionStatus>,
}

/// The status of one shared version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionStatus {
    /// `modified`, else `created`, else empty.
    pub version: String,
    pub tlp: Option<Tlp>,
    /// `all` when shared with everyone, else the recipients' names.
    pub audience: Audience,
    /// When it was first shared (TAXII timestamp).
    pub shared_at: String,
    /// Per recipient, by name.
    pub recipients: Vec<RecipientStatus>,
}

struct Shared {
    version_key: i64,
    tlp: Option<Tlp>,
    to_all: bool,
    shared_at: String,
    recipients: Vec<String>,
}

/// The status of `object_id` as shared by this node;
/// [`ExchangeError::NotShared`] when it never shared it.
pub async fn status(
    store: &dyn Store,
    node: &NodeIdentity,
    object_id: &str,
) -> Result<ObjectStatus, ExchangeError> {
    let (rows, feedback) = read_records(store, object_id).await?;
    let mut versions: BTreeMap<String, Shared> = BTreeMap::new();
    for row in rows.into_iter().filter(|r| r.origin == node.name()) {
        let Ok(p) = Provenance::from_json(&row.json) else {
            continue;
        };
        let entry = versions
            .entry(p.object_version.clone())
            .or_insert_with(|| Shared {
                version_key: row.object.version_key,
                tlp: p.tlp,
                to_all: false,
                shared_at: p.shared_at.clone(),
                recipients: Vec::new(),
            });
        entry.to_all |= p.audience == Audience::All;
        entry.shared_at = entry.shared_at.clone().min(p.shared_at);
        entry.recipients.push(row.recipient);
    }
    if versions.is_empty() {
        return Err(ExchangeError::NotShared {
            object_id: object_id.to_owned(),
        });
    }
    let (mut receipts, mut acceptances, mut reactions) = (Vec::new(), Vec::new(), Vec::new());
    for row in &feedback {
        match row.kind {
            MessageKind::Receipt => receipts.extend(Receipt::from_json(&row.json).ok()),
            MessageKind::Acceptance => acceptances.extend(Acceptance::from_json(&row.json).ok()),
            MessageKind::Reaction => reactions.extend(Reaction::from_json(&row.json).ok()),
            MessageKind::Object | MessageKind::Act => {}
        }
    }
    let feedback = Feedback {
        receipts: &receipts,
        acceptances: &acceptances,
        reactions: &reactions,
    };
    let mut out: Vec<(i64, VersionStatus)> = versions
        .into_iter()
        .map(|(version, mut shared)| {
            shared.recipients.sort();
            shared.recipients.dedup();
            let recipients = delivery_status(object_id, &version, &shared.recipients, &feedback);
            let audience = if shared.to_all {
                Audience::All
            } else {
                Audience::Members(shared.recipients)
            };
            let status = VersionStatus {
                version,
                tlp: shared.tlp,
                audience,
                shared_at: shared.shared_at,
                recipients,
            };
            (shared.version_key, status)
        })
        .collect();
    out.sort_by_key(|(key, _)| *key);
    Ok(ObjectStatus {
        object_id: object_id.to_owned(),
        versions: out.into_iter().map(|(_, v)| v).collect(),
    })
}

/// The provenance and feedback of an object (two reads).
async fn read_records(
    store: &dyn Store,
    object_id: &str,
) -> Result<
    (
        Vec<crate::exchange::ProvenanceRow>,
        Vec<crate::exchange::FeedbackRow>,
    ),
    ExchangeError,
> {
    let provenance = store.provenance_of(object_id).await?;
    let feedback = store.feedback_of(object_id).await?;
    Ok((provenance, feedback))
}
