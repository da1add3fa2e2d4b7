//! What a recipient can prove about an object it received: the
//! originator's signed provenance of each version it holds, checked again
//! now (the record's proof and signature, and the digest against the
//! version in the inbound collection), so that it can show anyone who said
//! what, and when.

use liaison_stix::json;
use liaison_stix::tlp::Tlp;

use crate::Store;
use crate::exchange::tlp_rank;
use crate::federation::{Audience, Provenance, ProvenanceEntry};
use crate::model::Collection;
use crate::objects::{ObjectQuery, VersionFilter};

use super::identity::{MembershipSource, NodeIdentity, inbound_collection};
use super::{EXCHANGE_API_ROOT, ExchangeError};

fn not_received(object_id: &str) -> ExchangeError {
    ExchangeError::NotReceived {
        object_id: object_id.to_owned(),
    }
}

/// The member `object_id` was received from, and this node's inbound
/// collection of what it sent. [`ExchangeError::NotReceived`] for an
/// object this node never received (or shared itself).
pub(super) async fn origin_and_inbound(
    store: &dyn Store,
    node: &NodeIdentity,
    object_id: &str,
) -> Result<(String, Collection), ExchangeError> {
    match store.origin_of(object_id).await? {
        Some(origin) if origin != node.name() => {
            let inbound = inbound_collection(store, &origin).await?;
            Ok((origin, inbound))
        }
        _ => Err(not_received(object_id)),
    }
}

/// One received version and its originator's provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedVersion {
    /// `modified`, else `created`, else empty, as the record states it.
    pub version: String,
    pub origin: String,
    /// The audience as the originator disclosed it to this node.
    pub audience: Audience,
    pub tlp: Option<Tlp>,
    /// When the originator shared it (TAXII timestamp, as signed).
    pub shared_at: String,
    /// SHA-256 of the RFC 8785 canonical bytes, as signed.
    pub digest: String,
    /// The version this node holds has that digest.
    pub digest_matches: bool,
    /// The record's proof and signature verify with the originator's
    /// current key (`false` also for a record signed before a key
    /// rotation: the record itself stays the proof, with the key then).
    pub signature_verifies: bool,
    /// The signed record as received: anyone with the originator's key
    /// can verify it.
    pub record: String,
}

/// The provenance of every version of `object_id` this node received,
/// oldest first, but versions marked above `max_tlp` (a TLP rank, see
/// [`tlp_rank`]; the reader's clearance): those stay hidden like the
/// versions themselves. [`ExchangeError::NotReceived`] when none is left.
pub async fn received(
    store: &dyn Store,
    node: &NodeIdentity,
    membership: &dyn MembershipSource,
    object_id: &str,
    max_tlp: Option<u8>,
) -> Result<Vec<ReceivedVersion>, ExchangeError> {
    let (origin, inbound) = origin_and_inbound(store, node, object_id).await?;
    let held = store
        .query_objects(&ObjectQuery {
            api_root: EXCHANGE_API_ROOT.to_owned(),
            collection_id: inbound.id,
            ids: vec![object_id.to_owned()],
            versions: VersionFilter::All,
            limit: 10_000,
            max_tlp,
            ..ObjectQuery::default()
        })
        .await?
        .items;
    // What each version held states of itself, worked out once.
    let held: Vec<ProvenanceEntry> = held
        .iter()
        .filter_map(|object| json::parse(&object.json).ok())
        .filter_map(|value| ProvenanceEntry::of(&value).ok())
        .collect();
    let origin_key = membership.member(&origin).map(|m| m.signing_key);
    let mut versions = Vec::new();
    for row in store.provenance_of(object_id).await? {
        if row.origin != origin || row.recipient != node.name() {
            continue;
        }
        let record = Provenance::from_json(&row.json)?;
        if max_tlp.is_some_and(|max| tlp_rank(record.tlp) > max) {
            continue;
        }
        let digest_matches = held.iter().any(|entry| {
            entry.object_version == record.object_version && entry.digest == record.digest
        });
        let signature_verifies = origin_key
            .as_ref()
            .is_some_and(|key| record.verify(key).is_ok());
        versions.push(ReceivedVersion {
            version: record.object_version.clone(),
            origin: record.origin.clone(),
            audience: record.audience.clone(),
            tlp: record.tlp,
            shared_at: record.shared_at.clone(),
            digest: record.digest.clone(),
            digest_matches,
            signature_verifies,
            record: row.json,
        });
    }
    if versions.is_empty() {
        return Err(not_received(object_id));
    }
    versions.sort_by(|a, b| {
        a.version
            .cmp(&b.version)
            .then_with(|| a.shared_at.cmp(&b.shared_at))
    });
    Ok(versions)
}
