//! The provenance record: the originator's signed statement that it shares
//! this object version with this audience.
//!
//! ```json
//! {"v":2,"type":"liaison-provenance","commonwealth":"<id>","origin":"cert-a",
//!  "object_id":"indicator--…","object_version":"<modified>","digest":"<hex sha256 of JCS(object)>",
//!  "audience":"all"|["cert-b"],"tlp":"amber"|null,"shared_at":"<ts>",
//!  "batch":{"size":1000,"index":17,"path":["<b64 sha256>",…]},"signature":"<b64>"}
//! ```
//!
//! Signed in batches (see the `batch` module): the originator signs once
//! per share and disclosed audience. The leaf of a record is its entry
//! `{"object_id","object_version","digest","tlp"}`; the signature covers
//! the header `{"v":2,"type":"liaison-provenance-batch","commonwealth",
//! "origin","audience","shared_at","size","root"}`. Each record carries its
//! own proof, so it verifies alone: recipients keep it with the object and
//! can prove who said what, object by object.
//!
//! A named audience is signed per recipient as [`Audience::disclosed_to`]
//! it (see the sharing laws): a batch lists only what its recipients all
//! receive; the originator keeps the full audience locally.

use serde::{Deserialize, Serialize};

use liaison_stix::Identifier;
use liaison_stix::json::Value;
use liaison_stix::tlp::Tlp;

use super::batch::{self, BatchProof, NodeHash, Seal, Tree};
use super::format::{
    BATCH_FORMAT_VERSION, FormatError, check_member_name, check_versioned_header, is_lower_hex,
    parse_timestamp, timestamp,
};
use super::keys::{PublicKey, Signature};
use super::record::{
    Author, Incoming, RecordError, Signed, check_audience, check_audience_form, check_envelope,
    format_error, object_mismatch, parse_record, signed_record,
};
use super::sharing::{Audience, object_digest, object_tlp, object_version, tlp_field};

/// The `type` of a provenance record.
pub const PROVENANCE_TYPE: &str = "liaison-provenance";
/// The `type` of the header a provenance batch's signature covers.
pub const PROVENANCE_BATCH_TYPE: &str = "liaison-provenance-batch";

/// A signed provenance record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    pub v: u32,
    #[serde(rename = "type")]
    pub record_type: String,
    pub commonwealth: String,
    /// The originating member, which signs.
    pub origin: String,
    pub object_id: String,
    /// `modified`, else `created`, else empty (see [`object_version`]).
    pub object_version: String,
    /// Lowercase hex SHA-256 of the object's canonical JSON.
    pub digest: String,
    pub audience: Audience,
    #[serde(with = "tlp_field")]
    pub tlp: Option<Tlp>,
    pub shared_at: String,
    /// Where this record's entry sits in the signed batch.
    pub batch: BatchProof,
    /// The originator's signature over the batch header.
    pub signature: Signature,
}

signed_record!(
    Provenance,
    PROVENANCE_TYPE,
    "provenance",
    version = BATCH_FORMAT_VERSION
);

/// What the originator states about one object version: a leaf of a
/// provenance batch. Members in sorted order (the leaf hashes their
/// canonical JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvenanceEntry {
    pub digest: String,
    pub object_id: String,
    pub object_version: String,
    #[serde(with = "tlp_field")]
    pub tlp: Option<Tlp>,
    /// The leaf hash of the four fields above.
    #[serde(skip)]
    leaf: NodeHash,
}

impl ProvenanceEntry {
    /// The entry of a STIX object (its digest is CPU work: compute entries
    /// on several threads for large shares).
    pub fn of(object: &Value<'_>) -> Result<ProvenanceEntry, FormatError> {
        let object_id = object
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| FormatError::invalid("object", "has no id"))?;
        ProvenanceEntry::new(
            object_id.to_owned(),
            object_version(object),
            object_digest(object)?,
            object_tlp(object),
        )
    }

    fn new(
        object_id: String,
        object_version: String,
        digest: String,
        tlp: Option<Tlp>,
    ) -> Result<ProvenanceEntry, FormatError> {
        let mut entry = ProvenanceEntry {
            digest,
            object_id,
            object_version,
            tlp,
            leaf: NodeHash([0; 32]),
        };
        entry.leaf = batch::leaf(&entry)?;
        Ok(entry)
    }
}

/// The header a provenance batch's signature covers: the fields its
/// records share, with the tree's size and root (members in sorted order).
#[derive(Serialize)]
struct Header<'a> {
    audience: &'a Audience,
    commonwealth: &'a str,
    origin: &'a str,
    root: String,
    shared_at: &'a str,
    size: u64,
    #[serde(rename = "type")]
    record_type: &'static str,
    v: u32,
}

impl Provenance {
    /// Signs, once, the provenance of `entries` as `author` shares them
    /// with `audience` (the audience as stated to the recipients); one
    /// record per entry, in order.
    pub fn sign_batch(
        author: &Author<'_>,
        entries: &[&ProvenanceEntry],
        audience: &Audience,
        now_micros: i64,
    ) -> Result<Vec<Provenance>, RecordError> {
        let f = format_error::<Self>;
        let shared_at = timestamp(now_micros);
        let tree = Tree::new(entries.iter().map(|e| e.leaf).collect()).map_err(f)?;
        let header = Header {
            audience,
            commonwealth: author.commonwealth.as_str(),
            origin: author.name,
            root: batch::root_hex(tree.root()),
            shared_at: &shared_at,
            size: tree.size(),
            record_type: PROVENANCE_BATCH_TYPE,
            v: BATCH_FORMAT_VERSION,
        };
        let signature = batch::sign(&header, author.key).map_err(f)?;
        entries
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let record = Provenance {
                    v: BATCH_FORMAT_VERSION,
                    record_type: PROVENANCE_TYPE.to_owned(),
                    commonwealth: header.commonwealth.to_owned(),
                    origin: author.name.to_owned(),
                    object_id: entry.object_id.clone(),
                    object_version: entry.object_version.clone(),
                    digest: entry.digest.clone(),
                    audience: audience.clone(),
                    tlp: entry.tlp,
                    shared_at: shared_at.clone(),
                    batch: tree.proof(index),
                    signature,
                };
                record.check_form()?;
                Ok(record)
            })
            .collect()
    }

    /// Signs the provenance of one object (a batch of one).
    pub fn create(
        author: &Author<'_>,
        object: &Value<'_>,
        audience: Audience,
        now_micros: i64,
    ) -> Result<Provenance, RecordError> {
        let entry = ProvenanceEntry::of(object).map_err(format_error::<Self>)?;
        let mut records = Provenance::sign_batch(author, &[&entry], &audience, now_micros)?;
        records
            .pop()
            .ok_or_else(|| format_error::<Self>(FormatError::invalid("batch", "is empty")))
    }

    /// Parses a record (checking it is [`Provenance::verify_incoming`]'s work).
    pub fn from_json(text: &str) -> Result<Provenance, RecordError> {
        parse_record(text, |r: &Provenance| (r.v, r.record_type.as_str()))
    }

    /// Checks the form, the proof and the originator's signature (to
    /// re-prove a kept record).
    pub fn verify(&self, origin_key: &PublicKey) -> Result<(), RecordError> {
        self.check_form()?;
        self.seal()?.verify(origin_key)
    }

    /// Checks a received record and the object it came with (see the laws
    /// in [`record`](super::record)).
    pub fn verify_incoming(
        &self,
        object: &Value<'_>,
        incoming: &Incoming<'_>,
    ) -> Result<(), RecordError> {
        self.check_incoming(object, incoming)?
            .verify(incoming.sender_key)
    }

    /// Every check of [`Provenance::verify_incoming`] but the signature's,
    /// which the returned seal states: records of one batch share it, so
    /// that a large envelope costs one verification per batch.
    pub fn check_incoming(
        &self,
        object: &Value<'_>,
        incoming: &Incoming<'_>,
    ) -> Result<Seal, RecordError> {
        self.check_form()?;
        check_envelope::<Self>(
            &self.commonwealth,
            &self.origin,
            "shared_at",
            &self.shared_at,
            incoming,
        )?;
        check_audience::<Self>(&self.audience, incoming)?;
        if object.get("id").and_then(Value::as_str) != Some(self.object_id.as_str()) {
            return Err(object_mismatch::<Self>("object_id"));
        }
        if object_version(object) != self.object_version {
            return Err(object_mismatch::<Self>("object_version"));
        }
        if object_digest(object).ok().as_deref() != Some(self.digest.as_str()) {
            return Err(object_mismatch::<Self>("digest"));
        }
        if object_tlp(object) != self.tlp {
            return Err(object_mismatch::<Self>("tlp"));
        }
        self.seal()
    }

    /// The batch signature this record claims: its header rebuilt with
    /// the root its entry and proof lead to.
    pub fn seal(&self) -> Result<Seal, RecordError> {
        let f = format_error::<Self>;
        let entry = ProvenanceEntry::new(
            self.object_id.clone(),
            self.object_version.clone(),
            self.digest.clone(),
            self.tlp,
        )
        .map_err(f)?;
        let root = self.batch.root(entry.leaf).map_err(f)?;
        let header = Header {
            audience: &self.audience,
            commonwealth: &self.commonwealth,
            origin: &self.origin,
            root: batch::root_hex(root),
            shared_at: &self.shared_at,
            size: self.batch.size,
            record_type: PROVENANCE_BATCH_TYPE,
            v: self.v,
        };
        let bytes = batch::header_bytes(&header).map_err(f)?;
        Ok(Seal::new(Self::KIND, &self.origin, bytes, self.signature))
    }

    fn check_form(&self) -> Result<(), RecordError> {
        let f = |e| format_error::<Self>(e);
        check_versioned_header(
            self.v,
            BATCH_FORMAT_VERSION,
            &self.record_type,
            PROVENANCE_TYPE,
        )
        .map_err(f)?;
        check_object_fields(&self.commonwealth, &self.object_id, &self.object_version)
            .map_err(f)?;
        check_member_name("origin", &self.origin).map_err(f)?;
        if !is_lower_hex(&self.digest, 64) {
            return Err(f(FormatError::invalid(
                "digest",
                "must be 64 lowercase hexadecimal digits",
            )));
        }
        check_audience_form::<Self>(&self.audience, &self.origin, "must not include the origin")?;
        parse_timestamp("shared_at", &self.shared_at).map_err(f)?;
        Ok(())
    }
}

/// Fields every object-related record has: the commonwealth id, a STIX
/// identifier and a version that is empty or a STIX timestamp.
pub(crate) fn check_object_fields(
    commonwealth: &str,
    object_id: &str,
    object_version: &str,
) -> Result<(), FormatError> {
    if !is_lower_hex(commonwealth, 64) {
        return Err(FormatError::invalid(
            "commonwealth",
            "must be 64 lowercase hexadecimal digits",
        ));
    }
    check_object_ref(object_id, object_version)
}

/// A STIX identifier and a version that is empty or a STIX timestamp.
pub(crate) fn check_object_ref(object_id: &str, object_version: &str) -> Result<(), FormatError> {
    if Identifier::parse(object_id).is_err() {
        return Err(FormatError::invalid(
            "object_id",
            "must be a STIX identifier (type--uuid)",
        ));
    }
    if !object_version.is_empty() && liaison_stix::Timestamp::parse(object_version).is_err() {
        return Err(FormatError::invalid(
            "object_version",
            "must be empty or a STIX timestamp",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "provenance_tests.rs"]
mod tests;
