//! The STIX object a reaction carries: a sighting, an opinion or a note
//! (the rules are in [`reaction`](super::reaction)'s laws). Every object
//! built here passes `liaison_stix::validate_object` without errors.

use std::borrow::Cow;

use liaison_stix::Identifier;
use liaison_stix::json::{Object, Value};

use super::format::{FormatError, timestamp};
use super::reaction::{ReactionDraft, ReactionKind};
use super::sharing::object_tlp;

/// The STIX 2.1 domain object types (§4): what `sighting_of_ref` may
/// reference. Custom object types are left out on purpose: whether they
/// are domain objects is not known, and a note is always valid.
const SDO_TYPES: [&str; 19] = [
    "attack-pattern",
    "campaign",
    "course-of-action",
    "grouping",
    "identity",
    "incident",
    "indicator",
    "infrastructure",
    "intrusion-set",
    "location",
    "malware",
    "malware-analysis",
    "note",
    "observed-data",
    "opinion",
    "report",
    "threat-actor",
    "tool",
    "vulnerability",
];

/// Builds the STIX object for `draft` about `target`.
pub(crate) fn build(
    target: &Value<'_>,
    draft: &ReactionDraft,
    created_by_ref: Option<&str>,
    now_micros: i64,
) -> Result<Value<'static>, FormatError> {
    let target_id = target
        .get("id")
        .and_then(Value::as_str)
        .ok_or(FormatError::invalid("object", "has no id"))?;
    let target_type = Identifier::parse(target_id)
        .map_err(|_| FormatError::invalid("object", "has no valid STIX id"))?
        .object_type();
    if let Some(author) = created_by_ref {
        let is_identity = Identifier::parse(author).is_ok_and(|id| id.object_type() == "identity");
        if !is_identity {
            return Err(FormatError::invalid(
                "created_by_ref",
                "must be the id of an identity (identity--uuid)",
            ));
        }
    }
    let stix_type = match draft.kind {
        ReactionKind::Seen if SDO_TYPES.contains(&target_type) => "sighting",
        ReactionKind::Agree | ReactionKind::Disagree => "opinion",
        _ => "note",
    };
    let now = timestamp(now_micros);
    let mut o = Object::new();
    o.insert("type", Value::from(stix_type));
    o.insert("spec_version", Value::from("2.1"));
    o.insert(
        "id",
        Value::from(format!("{stix_type}--{}", crate::model::new_uuid_v4())),
    );
    o.insert("created", Value::from(now.clone()));
    o.insert("modified", Value::from(now));
    if let Some(author) = created_by_ref {
        o.insert("created_by_ref", Value::from(author.to_owned()));
    }
    let target_ref = || Value::from(target_id.to_owned());
    match stix_type {
        "sighting" => {
            o.insert("sighting_of_ref", target_ref());
            if let Some(count) = draft.count {
                o.insert("count", Value::from(i64::from(count)));
            }
            if let Some(t) = draft.first_seen {
                o.insert("first_seen", Value::from(t.to_taxii_string()));
            }
            if let Some(t) = draft.last_seen {
                o.insert("last_seen", Value::from(t.to_taxii_string()));
            }
            if let Some(note) = &draft.note {
                o.insert("description", Value::from(note.clone()));
            }
        }
        "opinion" => {
            o.insert("opinion", Value::from(draft.kind.as_str()));
            o.insert("object_refs", Value::Array(vec![target_ref()]));
            if let Some(note) = &draft.note {
                o.insert("explanation", Value::from(note.clone()));
            }
        }
        _ => {
            o.insert(
                "abstract",
                Value::from(format!("Reaction: {}", draft.kind.as_str())),
            );
            o.insert("content", Value::from(note_content(draft)));
            o.insert("object_refs", Value::Array(vec![target_ref()]));
        }
    }
    // The reaction tells about the object: it is at least as sensitive.
    if let Some(tlp) = object_tlp(target) {
        o.insert(
            "object_marking_refs",
            Value::Array(vec![Value::String(Cow::Borrowed(tlp.marking_id()))]),
        );
    }
    Ok(Value::Object(o))
}

/// `kind`, the sighting details if any, then the note:
/// `seen (count 3, first seen …, last seen …): text`.
fn note_content(draft: &ReactionDraft) -> String {
    let mut details = Vec::new();
    if let Some(count) = draft.count {
        details.push(format!("count {count}"));
    }
    if let Some(t) = draft.first_seen {
        details.push(format!("first seen {}", t.to_taxii_string()));
    }
    if let Some(t) = draft.last_seen {
        details.push(format!("last seen {}", t.to_taxii_string()));
    }
    let mut content = draft.kind.as_str().to_owned();
    if !details.is_empty() {
        content.push_str(&format!(" ({})", details.join(", ")));
    }
    if let Some(note) = &draft.note {
        content.push_str(": ");
        content.push_str(note);
    }
    content
}
