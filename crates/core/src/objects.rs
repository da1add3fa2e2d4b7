//! Object versions as a collection holds them, and the queries TAXII asks.
//!
//! Every stored row is one version of one object in one collection, with
//! the `date_added` at which that version entered the collection. Within a
//! collection `date_added` is unique and strictly increasing in commit order
//! (the store guarantees it, across processes), so it serves both as the
//! TAXII sort key and as the pagination cursor.

use liaison_stix::Timestamp;

/// `version_key` of objects that have neither `modified` nor `created`
/// (cyber-observables): they have exactly one version.
pub const UNVERSIONED: i64 = i64::MIN;

/// A validated object ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewObject {
    /// STIX `id`.
    pub id: String,
    /// STIX `type`.
    pub object_type: String,
    /// STIX `spec_version` (`2.1` when absent, as for SCOs).
    pub spec_version: String,
    /// The version as written: `modified`, else `created`, else empty.
    pub version: String,
    /// The version as Unix microseconds, [`UNVERSIONED`] when there is none.
    pub version_key: i64,
    /// The object, as compact JSON text, exactly as received.
    pub json: String,
    /// The object's TLP as [`crate::exchange::tlp_rank`] orders it, stored
    /// per version so that reads can be limited to a user's clearance.
    pub tlp: u8,
}

impl NewObject {
    /// The version string TAXII shows for this object given when it was
    /// added: `modified`, else `created`, else (unversioned objects) the
    /// `date_added` of the only version, which is stable for the server.
    pub fn display_version(version: &str, date_added: i64) -> String {
        if version.is_empty() {
            Timestamp::from_unix_micros(date_added).to_taxii_string()
        } else {
            version.to_owned()
        }
    }
}

/// What happened to one object of an add request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddOutcome {
    /// Stored as a new version with this `date_added`.
    Added { date_added: i64 },
    /// The identical version was already in the collection; nothing changed.
    AlreadyPresent { date_added: i64 },
    /// A different object with the same id and version is already stored.
    /// STIX leaves this undefined (§3.6); Liaison keeps the first and says so.
    Conflict { date_added: i64 },
}

/// One stored version, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub id: String,
    /// The TAXII version string (see [`NewObject::display_version`]).
    pub version: String,
    pub spec_version: String,
    pub date_added: i64,
    /// The object's JSON text as received.
    pub json: String,
}

impl StoredObject {
    /// The media type of this version, for manifests.
    pub fn media_type(&self) -> String {
        format!("application/stix+json;version={}", self.spec_version)
    }
}

/// `match[version]`: which versions of each object to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionFilter {
    /// Every version.
    All,
    /// A union of `first`, `last` and exact versions (instants, compared as
    /// Unix microseconds).
    Some {
        first: bool,
        last: bool,
        exact: Vec<i64>,
    },
}

impl Default for VersionFilter {
    /// TAXII's default is the latest version.
    fn default() -> Self {
        VersionFilter::Some {
            first: false,
            last: true,
            exact: Vec::new(),
        }
    }
}

/// A query over the versions in one collection. Filters of different kinds
/// are ANDed; values within one filter are ORed.
///
/// `first` and `last` are decided per object among its versions whose spec
/// version is acceptable, independent of `added_after` and paging, so that a
/// version's membership in "last" does not depend on which page asked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectQuery {
    pub api_root: String,
    pub collection_id: String,
    /// Only versions added strictly after this instant (Unix microseconds).
    pub added_after: Option<i64>,
    /// Only these ids (empty: any).
    pub ids: Vec<String>,
    /// Only these types (empty: any).
    pub types: Vec<String>,
    pub versions: VersionFilter,
    /// Only these spec versions (empty: any).
    pub spec_versions: Vec<String>,
    /// At most this many versions.
    pub limit: usize,
    /// Only the metadata is needed (manifests, version lists): the store
    /// may leave [`StoredObject::json`] empty instead of reading it, which
    /// makes such pages about three times faster to read.
    pub manifest_only: bool,
    /// Only versions whose TLP rank ([`crate::exchange::tlp_rank`]) is at
    /// most this (`None`: no limit). Like `added_after`, it hides versions
    /// without changing which version is first or last: an object whose
    /// latest version is above the limit shows no latest version.
    pub max_tlp: Option<u8>,
}

/// One page of a query result, in `date_added` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// True when more matching versions follow the last item.
    pub more: bool,
}

/// A page of objects as Get Objects sends them: only their JSON texts,
/// joined by commas in `date_added` order (read straight into one buffer,
/// without a string per column and row).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonPage {
    /// The objects' JSON texts, comma-separated (`""`: none).
    pub objects: String,
    /// `date_added` of the first and the last object.
    pub first_last: Option<(i64, i64)>,
    /// True when more matching versions follow the last object.
    pub more: bool,
}

/// Most bytes a page reserves up front.
const JSON_PAGE_RESERVE: usize = 16 << 20;

impl JsonPage {
    /// Appends one object's text added at `date_added`; the first one
    /// reserves room for `expected` objects of its size, so that a page
    /// of a megabyte or more is not copied again and again as it grows.
    pub fn push(&mut self, json: &str, date_added: i64, expected: usize) {
        if self.objects.is_empty() {
            let room = (json.len() + 1).saturating_mul(expected.saturating_add(expected / 4));
            self.objects.reserve(room.min(JSON_PAGE_RESERVE));
        } else {
            self.objects.push(',');
        }
        self.objects.push_str(json);
        self.first_last = Some(match self.first_last {
            Some((first, _)) => (first, date_added),
            None => (date_added, date_added),
        });
    }
}

impl From<&Page<StoredObject>> for JsonPage {
    fn from(page: &Page<StoredObject>) -> Self {
        let mut json = JsonPage {
            more: page.more,
            ..JsonPage::default()
        };
        for object in &page.items {
            json.push(&object.json, object.date_added, page.items.len());
        }
        json
    }
}

/// The ids whose versions a delete removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteRequest {
    pub api_root: String,
    pub collection_id: String,
    pub object_id: String,
    pub versions: VersionFilter,
    pub spec_versions: Vec<String>,
}
