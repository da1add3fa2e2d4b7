//! The provenance record: the originator's signed statement that it shares
//! this object version with this audience.
//!
//! ```json
//! {"v":1,"type":"liaison-provenance","commonwealth":"<id>","origin":"cert-a",
//!  "object_id":"indicator--…","object_version":"<modified>","digest":"<hex sha256 of JCS(object)>",
//!  "audience":"all"|["cert-b"],"tlp":"amber"|null,"shared_at":"<ts>","signature":"<b64>"}
//! ```
//!
//! Recipients keep it with the object, so they can prove who said what. A
//! named audience is signed per recipient as [`Audience::disclosed_to`] it
//! (see the sharing laws); the originator keeps the full audience locally.

use serde::{Deserialize, Serialize};

use liaison_stix::Identifier;
use liaison_stix::json::Value;
use liaison_stix::tlp::Tlp;

use super::format::{
    FormatError, check_header, check_member_name, is_lower_hex, parse_timestamp, timestamp,
};
use super::keys::{PublicKey, Signature};
use super::record::{
    Author, Incoming, RecordError, Signed, check_envelope, check_signature, format_error,
    parse_record, seal,
};
use super::sharing::{Audience, object_digest, object_tlp, object_version, tlp_field};

/// The `type` of a provenance record.
pub const PROVENANCE_TYPE: &str = "liaison-provenance";

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
    pub signature: Signature,
}

impl Signed for Provenance {
    const TYPE: &'static str = PROVENANCE_TYPE;
    const KIND: &'static str = "provenance";
    fn signature_mut(&mut self) -> &mut Signature {
        &mut self.signature
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
}

impl Provenance {
    /// Signs the provenance of `object` as `author` shares it with
    /// `audience` (the audience as stated to the recipient).
    pub fn create(
        author: &Author<'_>,
        object: &Value<'_>,
        audience: Audience,
        now_micros: i64,
    ) -> Result<Provenance, RecordError> {
        let object_id = object
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| format_error::<Self>(FormatError::invalid("object", "has no id")))?;
        let record = Provenance {
            v: super::FORMAT_VERSION,
            record_type: PROVENANCE_TYPE.to_owned(),
            commonwealth: author.commonwealth.as_str().to_owned(),
            origin: author.name.to_owned(),
            object_id: object_id.to_owned(),
            object_version: object_version(object),
            digest: object_digest(object).map_err(format_error::<Self>)?,
            audience,
            tlp: object_tlp(object),
            shared_at: timestamp(now_micros),
            signature: Signature::PLACEHOLDER,
        };
        record.check_form()?;
        seal(record, author.key)
    }

    /// Parses a record (checking it is [`Provenance::verify_incoming`]'s work).
    pub fn from_json(text: &str) -> Result<Provenance, RecordError> {
        parse_record(text, |r: &Provenance| (r.v, r.record_type.as_str()))
    }

    /// Checks the form and the originator's signature (to re-prove a kept
    /// record).
    pub fn verify(&self, origin_key: &PublicKey) -> Result<(), RecordError> {
        self.check_form()?;
        check_signature(self, &self.origin, origin_key)
    }

    /// Checks a received record and the object it came with (see the laws
    /// in [`record`](super::record)).
    pub fn verify_incoming(
        &self,
        object: &Value<'_>,
        incoming: &Incoming<'_>,
    ) -> Result<(), RecordError> {
        self.check_form()?;
        check_envelope::<Self>(
            &self.commonwealth,
            &self.origin,
            "shared_at",
            &self.shared_at,
            incoming,
        )?;
        if !self.audience.includes(incoming.self_name) {
            return Err(RecordError::NotAddressedToSelf { kind: Self::KIND });
        }
        let mismatch = |field| RecordError::ObjectMismatch {
            kind: Self::KIND,
            field,
        };
        if object.get("id").and_then(Value::as_str) != Some(self.object_id.as_str()) {
            return Err(mismatch("object_id"));
        }
        if object_version(object) != self.object_version {
            return Err(mismatch("object_version"));
        }
        if object_digest(object).ok().as_deref() != Some(self.digest.as_str()) {
            return Err(mismatch("digest"));
        }
        if object_tlp(object) != self.tlp {
            return Err(mismatch("tlp"));
        }
        check_signature(self, &self.origin, incoming.sender_key)
    }

    fn check_form(&self) -> Result<(), RecordError> {
        let f = |e| format_error::<Self>(e);
        check_header(self.v, &self.record_type, PROVENANCE_TYPE).map_err(f)?;
        check_object_fields(&self.commonwealth, &self.object_id, &self.object_version)
            .map_err(f)?;
        check_member_name("origin", &self.origin).map_err(f)?;
        if !is_lower_hex(&self.digest, 64) {
            return Err(f(FormatError::invalid(
                "digest",
                "must be 64 lowercase hexadecimal digits",
            )));
        }
        self.audience
            .check_form()
            .map_err(|source| RecordError::Audience {
                kind: Self::KIND,
                source,
            })?;
        if matches!(&self.audience, Audience::Members(names) if names.contains(&self.origin)) {
            return Err(f(FormatError::invalid(
                "audience",
                "must not include the origin",
            )));
        }
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
