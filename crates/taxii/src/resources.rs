//! TAXII 2.1 resources (§4–§5 bodies) as serde types, shared by the server
//! and the client, with conversions from the domain types of liaison-core.
//!
//! Optional properties are omitted when absent, lists when empty (TAXII
//! forbids empty lists), `more` when false; so an empty result serialises as
//! `{}`. Unknown (custom) properties in received resources are ignored.
//!
//! STIX objects travel as raw JSON text ([`RawValue`]): the server splices
//! the stored text into an envelope with [`envelope_json`] without parsing
//! or re-serialising it, and the client hands objects back exactly as sent.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use liaison_core::access::Access;
use liaison_core::model::{ApiRoot, Collection, STIX_21_MEDIA_TYPE};
use liaison_core::objects::StoredObject;
use liaison_core::status::{Status, StatusDetail};
use liaison_stix::Timestamp;

use crate::media::TAXII_21;

fn is_false(b: &bool) -> bool {
    !*b
}

/// A TAXII timestamp (six fractional digits) from Unix microseconds.
pub fn taxii_timestamp(micros: i64) -> String {
    Timestamp::from_unix_micros(micros).to_taxii_string()
}

/// `discovery` (§4.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_roots: Vec<String>,
}

/// `api-root` (§4.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiRootResource {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub versions: Vec<String>,
    pub max_content_length: u64,
}

impl From<&ApiRoot> for ApiRootResource {
    fn from(root: &ApiRoot) -> Self {
        ApiRootResource {
            title: root.title.clone(),
            description: root.description.clone(),
            versions: vec![TAXII_21.to_owned()],
            max_content_length: root.max_content_length,
        }
    }
}

/// `collections` (§5.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Collections {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collections: Vec<CollectionResource>,
}

/// `collection` (§5.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionResource {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    pub can_read: bool,
    pub can_write: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_types: Vec<String>,
}

impl CollectionResource {
    /// The collection as seen by a user with `access`.
    pub fn new(collection: &Collection, access: Access) -> Self {
        CollectionResource {
            id: collection.id.clone(),
            title: collection.title.clone(),
            description: collection.description.clone(),
            alias: collection.alias.clone(),
            can_read: access.read,
            can_write: access.write,
            media_types: vec![STIX_21_MEDIA_TYPE.to_owned()],
        }
    }
}

/// `manifest` (§5.3.1), with `next` as on every paginated endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(default, skip_serializing_if = "is_false")]
    pub more: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<ManifestRecord>,
}

/// `manifest-record` (§5.3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestRecord {
    pub id: String,
    pub date_added: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

impl From<&StoredObject> for ManifestRecord {
    fn from(object: &StoredObject) -> Self {
        ManifestRecord {
            id: object.id.clone(),
            date_added: taxii_timestamp(object.date_added),
            version: object.version.clone(),
            media_type: Some(object.media_type()),
        }
    }
}

/// `envelope` (§3.7) as received by a client or posted by one.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Envelope {
    #[serde(default, skip_serializing_if = "is_false")]
    pub more: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<Box<RawValue>>,
}

/// Writes an envelope whose objects are JSON texts the caller vouches for
/// (stored objects), spliced in as they are.
pub fn envelope_json<'a>(
    more: bool,
    next: Option<&str>,
    objects: impl IntoIterator<Item = &'a str>,
) -> String {
    let objects: Vec<&str> = objects.into_iter().collect();
    let size = objects.iter().map(|o| o.len() + 1).sum::<usize>();
    envelope_with(more, next, size, !objects.is_empty(), |out| {
        for (i, object) in objects.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(object);
        }
    })
}

/// [`envelope_json`] for objects already joined by commas (`""`: none).
pub fn envelope_json_joined(more: bool, next: Option<&str>, joined: &str) -> String {
    envelope_with(more, next, joined.len(), !joined.is_empty(), |out| {
        out.push_str(joined);
    })
}

/// The envelope around objects that `write` appends (`size` bytes).
fn envelope_with(
    more: bool,
    next: Option<&str>,
    size: usize,
    has_objects: bool,
    write: impl FnOnce(&mut String),
) -> String {
    // A string always serialises.
    let next = next.map(|n| serde_json::to_string(n).unwrap_or_default());
    // Sized up front: a page of 1,000 stored objects is over a megabyte,
    // and growing the buffer by doubling would copy it again and again.
    let capacity = 40 + next.as_ref().map_or(0, String::len) + size;
    let mut out = String::with_capacity(capacity);
    out.push('{');
    let mut comma = false;
    if more {
        out.push_str("\"more\":true");
        comma = true;
    }
    if let Some(next) = next {
        if comma {
            out.push(',');
        }
        out.push_str("\"next\":");
        out.push_str(&next);
        comma = true;
    }
    if has_objects {
        if comma {
            out.push(',');
        }
        out.push_str("\"objects\":[");
        write(&mut out);
        out.push(']');
    }
    out.push('}');
    out
}

/// `versions` (§5.6.1), with `next` as on every paginated endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Versions {
    #[serde(default, skip_serializing_if = "is_false")]
    pub more: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}

/// `status` (§4.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusResource {
    pub id: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_timestamp: Option<String>,
    pub total_count: u64,
    pub success_count: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub successes: Vec<StatusDetails>,
    pub failure_count: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<StatusDetails>,
    pub pending_count: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pendings: Vec<StatusDetails>,
}

impl StatusResource {
    /// True when processing has finished.
    pub fn is_complete(&self) -> bool {
        self.status == "complete"
    }

    /// The invariants TAXII clients check: the counts add up to the total
    /// and each list present has its count's length.
    pub fn is_consistent(&self) -> bool {
        let list_ok =
            |list: &[StatusDetails], count: u64| list.is_empty() || list.len() as u64 == count;
        self.success_count + self.failure_count + self.pending_count == self.total_count
            && list_ok(&self.successes, self.success_count)
            && list_ok(&self.failures, self.failure_count)
            && list_ok(&self.pendings, self.pending_count)
    }
}

impl From<&Status> for StatusResource {
    fn from(status: &Status) -> Self {
        let details =
            |list: &[StatusDetail]| list.iter().map(StatusDetails::from).collect::<Vec<_>>();
        StatusResource {
            id: status.id.clone(),
            status: status.state.as_str().to_owned(),
            request_timestamp: Some(taxii_timestamp(status.request_timestamp)),
            total_count: status.total_count,
            success_count: status.successes.len() as u64,
            successes: details(&status.successes),
            failure_count: status.failures.len() as u64,
            failures: details(&status.failures),
            pending_count: status.pendings.len() as u64,
            pendings: details(&status.pendings),
        }
    }
}

/// `status-details` (§4.3.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusDetails {
    pub id: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl From<&StatusDetail> for StatusDetails {
    fn from(detail: &StatusDetail) -> Self {
        StatusDetails {
            id: detail.id.clone(),
            version: detail.version.clone(),
            message: detail.message.clone(),
        }
    }
}

/// `error` (§3.6.1).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErrorResource {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The HTTP status code as a string, as TAXII defines it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_details: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use liaison_core::status::StatusState;

    #[test]
    fn empty_resources_are_empty_objects() {
        assert_eq!(serde_json::to_string(&Manifest::default()).unwrap(), "{}");
        assert_eq!(serde_json::to_string(&Versions::default()).unwrap(), "{}");
        assert_eq!(
            serde_json::to_string(&Collections::default()).unwrap(),
            "{}"
        );
        assert_eq!(serde_json::to_string(&Envelope::default()).unwrap(), "{}");
        assert_eq!(envelope_json(false, None, []), "{}");
    }

    #[test]
    fn envelopes_splice_objects_verbatim() {
        let objects = [r#"{"id":"x--1","n":1.50}"#, r#"{"b":2,"a":1}"#];
        let text = envelope_json(true, Some("abc\""), objects);
        assert_eq!(
            text,
            r#"{"more":true,"next":"abc\"","objects":[{"id":"x--1","n":1.50},{"b":2,"a":1}]}"#
        );
        let back: Envelope = serde_json::from_str(&text).unwrap();
        assert!(back.more);
        assert_eq!(back.objects[0].get(), objects[0]);
        assert_eq!(
            envelope_json(false, None, [objects[1]]),
            r#"{"objects":[{"b":2,"a":1}]}"#
        );
    }

    #[test]
    fn status_from_domain() {
        let detail = |id: &str| StatusDetail {
            id: id.into(),
            version: "v".into(),
            message: None,
        };
        let status = Status {
            id: "s".into(),
            api_root: "r".into(),
            collection_id: "c".into(),
            owner: "alice".into(),
            state: StatusState::Complete,
            request_timestamp: 1_500_000_000_000_000,
            total_count: 3,
            successes: vec![detail("a"), detail("b")],
            failures: vec![detail("c")],
            pendings: vec![],
        };
        let r = StatusResource::from(&status);
        assert!(r.is_consistent() && r.is_complete());
        assert_eq!(
            r.request_timestamp.as_deref(),
            Some("2017-07-14T02:40:00.000000Z")
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["success_count"], 2);
        assert!(json.get("pendings").is_none(), "empty lists are omitted");
        assert!(
            json.get("owner").is_none(),
            "the owner is not part of the resource"
        );
    }

    #[test]
    fn error_resource_and_custom_properties() {
        let e = ErrorResource {
            title: "Not Found".into(),
            http_status: Some("404".into()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"title":"Not Found","http_status":"404"}"#
        );
        let d: Discovery =
            serde_json::from_str(r#"{"title":"t","api_roots":["/a/"],"x_example_com_custom":1}"#)
                .unwrap();
        assert_eq!(d.api_roots, vec!["/a/".to_owned()]);
    }
}
