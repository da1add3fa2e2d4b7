//! Reactions: what a recipient's analysts make of an item (seen in our
//! networks, blocked, ...), signed and sent back to the originator, with a
//! STIX object that says the same in STIX terms.
//!
//! ```json
//! {"v":1,"type":"liaison-reaction","commonwealth":h,"id":"<uuid>","member":"cert-b","origin":"cert-a",
//!  "object_id":"…","object_version":"…","kind":"seen","note":null|"…","count":null|n,
//!  "first_seen":null|ts,"last_seen":null|ts,"audience":["cert-a"],
//!  "stix_id":"sighting--…","stix_digest":"<hex sha256 of JCS(stix object)>","reacted_at":ts,"signature":"…"}
//! ```
//!
//! Laws:
//! - The record binds its STIX object by id and digest: the object cannot
//!   be swapped in transit.
//! - `count`, `first_seen` and `last_seen` belong to `seen` only;
//!   `count` ≤ 999 999 999 (the STIX sighting bound), `first_seen` ≤
//!   `last_seen`.
//! - The audience is the originator alone unless the reacting member
//!   chooses a wider one; it never includes the reacting member. Like a
//!   provenance, a reaction may be signed per recipient with the audience
//!   [disclosed](super::Audience::disclosed_to) to it.
//! - The STIX object is a sighting for `seen` of a STIX domain object
//!   (`sighting_of_ref` must reference an SDO, §5.2), an opinion for
//!   `agree`/`disagree`, and a note otherwise, including `seen` of an
//!   object that is not an SDO (an observable, a relationship, a custom
//!   object): the count and times then go into the note's content.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use liaison_stix::Timestamp;
use liaison_stix::json::Value;

use super::format::{
    FormatError, check_header, check_text, is_lower_hex, parse_timestamp, timestamp,
};
use super::keys::{PublicKey, Signature};
use super::provenance::check_object_fields;
use super::receipt::{check_parties, check_uuid};
use super::record::{
    Author, Incoming, RecordError, check_audience, check_audience_form, check_envelope,
    check_signature, format_error, object_mismatch, parse_record, seal, signed_record,
};
use super::sharing::{Audience, object_digest, object_version};

/// The `type` of a reaction.
pub const REACTION_TYPE: &str = "liaison-reaction";
/// Largest sighting count (STIX 2.1 §5.2).
pub const MAX_COUNT: u32 = 999_999_999;
/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;

/// What a recipient makes of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReactionKind {
    Seen,
    Blocked,
    Investigating,
    NotRelevant,
    FalsePositive,
    Agree,
    Disagree,
}

impl ReactionKind {
    /// Every kind, in the CLI's order.
    pub const ALL: [ReactionKind; 7] = [
        ReactionKind::Seen,
        ReactionKind::Blocked,
        ReactionKind::Investigating,
        ReactionKind::NotRelevant,
        ReactionKind::FalsePositive,
        ReactionKind::Agree,
        ReactionKind::Disagree,
    ];

    /// The name in records and the CLI (`not-relevant`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReactionKind::Seen => "seen",
            ReactionKind::Blocked => "blocked",
            ReactionKind::Investigating => "investigating",
            ReactionKind::NotRelevant => "not-relevant",
            ReactionKind::FalsePositive => "false-positive",
            ReactionKind::Agree => "agree",
            ReactionKind::Disagree => "disagree",
        }
    }
}

impl fmt::Display for ReactionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReactionKind {
    type Err = FormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReactionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(FormatError::invalid(
                "kind",
                "must be seen, blocked, investigating, not-relevant, false-positive, agree or disagree",
            ))
    }
}

/// What the analyst says (the CLI's `liaison react` options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionDraft {
    pub kind: ReactionKind,
    pub note: Option<String>,
    pub count: Option<u32>,
    pub first_seen: Option<Timestamp>,
    pub last_seen: Option<Timestamp>,
    /// `None`: the originator only.
    pub audience: Option<Audience>,
}

impl ReactionDraft {
    /// A reaction of `kind` with nothing else said.
    pub fn new(kind: ReactionKind) -> ReactionDraft {
        ReactionDraft {
            kind,
            note: None,
            count: None,
            first_seen: None,
            last_seen: None,
            audience: None,
        }
    }
}

/// A signed reaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reaction {
    pub v: u32,
    #[serde(rename = "type")]
    pub record_type: String,
    pub commonwealth: String,
    /// UUID of this reaction.
    pub id: String,
    /// The reacting member, which signs.
    pub member: String,
    /// The originator of the object reacted to.
    pub origin: String,
    pub object_id: String,
    pub object_version: String,
    pub kind: ReactionKind,
    pub note: Option<String>,
    pub count: Option<u32>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub audience: Audience,
    /// The id of the STIX object carried with the reaction.
    pub stix_id: String,
    /// Lowercase hex SHA-256 of that object's canonical JSON.
    pub stix_digest: String,
    pub reacted_at: String,
    pub signature: Signature,
}

signed_record!(Reaction, REACTION_TYPE, "reaction");

impl Reaction {
    /// Signs a reaction to `object` (received from `origin`) and builds
    /// its STIX object (ids from the OS random source, `created` and
    /// `modified` now, `created_by_ref` the reacting member's identity if
    /// given, the object's TLP marking carried over).
    pub fn create(
        author: &Author<'_>,
        origin: &str,
        object: &Value<'_>,
        draft: &ReactionDraft,
        created_by_ref: Option<&str>,
        now_micros: i64,
    ) -> Result<(Reaction, Value<'static>), RecordError> {
        let f = format_error::<Self>;
        let object_id = object
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| f(FormatError::invalid("object", "has no id")))?;
        let stix =
            super::reaction_stix::build(object, draft, created_by_ref, now_micros).map_err(f)?;
        let stix_id = stix.get("id").and_then(Value::as_str).unwrap_or_default();
        let record = Reaction {
            v: super::FORMAT_VERSION,
            record_type: REACTION_TYPE.to_owned(),
            commonwealth: author.commonwealth.as_str().to_owned(),
            id: crate::model::new_uuid_v4(),
            member: author.name.to_owned(),
            origin: origin.to_owned(),
            object_id: object_id.to_owned(),
            object_version: object_version(object),
            kind: draft.kind,
            note: draft.note.clone(),
            count: draft.count,
            first_seen: draft.first_seen.map(|t| t.to_taxii_string()),
            last_seen: draft.last_seen.map(|t| t.to_taxii_string()),
            audience: draft
                .audience
                .clone()
                .unwrap_or_else(|| Audience::Members(vec![origin.to_owned()])),
            stix_id: stix_id.to_owned(),
            stix_digest: object_digest(&stix).map_err(f)?,
            reacted_at: timestamp(now_micros),
            signature: Signature::PLACEHOLDER,
        };
        record.check_form()?;
        Ok((seal(record, author.key)?, stix))
    }

    /// Parses a reaction (checking it is [`Reaction::verify_incoming`]'s work).
    pub fn from_json(text: &str) -> Result<Reaction, RecordError> {
        parse_record(text, |r: &Reaction| (r.v, r.record_type.as_str()))
    }

    /// Checks the form and the reacting member's signature.
    pub fn verify(&self, member_key: &PublicKey) -> Result<(), RecordError> {
        self.check_form()?;
        check_signature(self, &self.member, member_key)
    }

    /// Checks a reaction received from the reacting member, with the STIX
    /// object it came with.
    pub fn verify_incoming(
        &self,
        stix: &Value<'_>,
        incoming: &Incoming<'_>,
    ) -> Result<(), RecordError> {
        self.check_form()?;
        check_envelope::<Self>(
            &self.commonwealth,
            &self.member,
            "reacted_at",
            &self.reacted_at,
            incoming,
        )?;
        check_audience::<Self>(&self.audience, incoming)?;
        if stix.get("id").and_then(Value::as_str) != Some(self.stix_id.as_str()) {
            return Err(object_mismatch::<Self>("stix_id"));
        }
        if object_digest(stix).ok().as_deref() != Some(self.stix_digest.as_str()) {
            return Err(object_mismatch::<Self>("stix_digest"));
        }
        check_signature(self, &self.member, incoming.sender_key)
    }

    fn check_form(&self) -> Result<(), RecordError> {
        let f = format_error::<Self>;
        check_header(self.v, &self.record_type, REACTION_TYPE).map_err(f)?;
        check_uuid("id", &self.id).map_err(f)?;
        check_parties("member", &self.member, &self.origin).map_err(f)?;
        check_object_fields(&self.commonwealth, &self.object_id, &self.object_version)
            .map_err(f)?;
        if let Some(note) = &self.note {
            check_text("note", note, MAX_NOTE_CHARS).map_err(f)?;
        }
        self.check_sighting_fields().map_err(f)?;
        check_audience_form::<Self>(
            &self.audience,
            &self.member,
            "must not include the reacting member",
        )?;
        if liaison_stix::Identifier::parse(&self.stix_id).is_err() {
            return Err(f(FormatError::invalid(
                "stix_id",
                "must be a STIX identifier (type--uuid)",
            )));
        }
        if !is_lower_hex(&self.stix_digest, 64) {
            return Err(f(FormatError::invalid(
                "stix_digest",
                "must be 64 lowercase hexadecimal digits",
            )));
        }
        parse_timestamp("reacted_at", &self.reacted_at).map_err(f)?;
        Ok(())
    }

    /// The second law.
    fn check_sighting_fields(&self) -> Result<(), FormatError> {
        let has_any = self.count.is_some() || self.first_seen.is_some() || self.last_seen.is_some();
        if has_any && self.kind != ReactionKind::Seen {
            return Err(FormatError::invalid(
                "count",
                "first_seen and last_seen are only for the kind seen",
            ));
        }
        if self.count.is_some_and(|c| c > MAX_COUNT) {
            return Err(FormatError::invalid("count", "must be at most 999999999"));
        }
        let first = self
            .first_seen
            .as_deref()
            .map(|t| parse_timestamp("first_seen", t))
            .transpose()?;
        let last = self
            .last_seen
            .as_deref()
            .map(|t| parse_timestamp("last_seen", t))
            .transpose()?;
        if let (Some(first), Some(last)) = (first, last)
            && first > last
        {
            return Err(FormatError::invalid(
                "last_seen",
                "must not be earlier than first_seen",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "reaction_tests.rs"]
mod tests;
