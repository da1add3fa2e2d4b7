//! TAXII 2.1 query parameters (§3.4, §3.5): parsing, validation, and
//! translation into [`ObjectQuery`] and [`DeleteRequest`].
//!
//! Rules (each broken rule is a [`QueryError`] naming the parameter, which a
//! server answers with 400):
//! - `added_after`: one TAXII timestamp (any fractional precision);
//! - `limit`: one integer greater than zero; values above the server's
//!   maximum page size are lowered to it (TAXII allows a server to return
//!   fewer), so a huge value is not an error;
//! - `next`: one cursor from a previous page of the *same* query
//!   (see [`crate::cursor`]);
//! - `match[id]`, `match[type]`, `match[version]`, `match[spec_version]`:
//!   comma-separated lists (no empty elements, at most [`MAX_MATCH_VALUES`]);
//!   values are ORed, fields ANDed. `match[version]` takes `first`, `last`,
//!   `all` or exact timestamps, each at most once, and `all` alone;
//! - every parameter an endpoint uses appears at most once.
//!
//! Parameters an endpoint does not use (unknown `match[...]` fields, `limit`
//! on DELETE, `match[type]` on Get an Object, other names) are ignored
//! without being validated, as TAXII allows for unknown match fields.
//!
//! Defaults: `match[version]` absent means `last` on Get Objects, Get
//! Object Manifests and Get an Object; all versions on Get Object Versions;
//! and — Liaison's policy — all versions on Delete an Object, so that after
//! a bare DELETE the object is gone as TAXII §5.7 requires.
//! `match[spec_version]` absent means any; Liaison stores STIX 2.1 only, so
//! "any" and TAXII's "latest spec version per object" are the same set.

use liaison_core::objects::{DeleteRequest, ObjectQuery, VersionFilter};
use liaison_stix::{Identifier, Timestamp};

use crate::cursor::{Cursor, Fingerprint};

/// Most values accepted in one `match[...]` list.
pub const MAX_MATCH_VALUES: usize = 1000;

/// The endpoints that take filters; each uses a different set of parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterEndpoint {
    /// Get Objects.
    Objects,
    /// Get Object Manifests.
    Manifest,
    /// Get an Object.
    Object,
    /// Get Object Versions.
    Versions,
    /// Delete an Object.
    Delete,
}

impl FilterEndpoint {
    fn name(self) -> &'static str {
        match self {
            FilterEndpoint::Objects => "objects",
            FilterEndpoint::Manifest => "manifest",
            FilterEndpoint::Object => "object",
            FilterEndpoint::Versions => "versions",
            FilterEndpoint::Delete => "delete",
        }
    }

    fn uses(self, param: &str) -> bool {
        use FilterEndpoint::*;
        match param {
            "added_after" | "limit" | "next" => self != Delete,
            "match[id]" | "match[type]" => matches!(self, Objects | Manifest),
            "match[version]" => self != Versions,
            "match[spec_version]" => true,
            _ => false,
        }
    }

    fn default_versions(self) -> VersionFilter {
        match self {
            FilterEndpoint::Versions | FilterEndpoint::Delete => VersionFilter::All,
            _ => VersionFilter::default(),
        }
    }
}

/// A malformed query parameter: 400.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{parameter}: {rule}")]
pub struct QueryError {
    /// The parameter as named in the request (`match[version]`), or `query`.
    pub parameter: String,
    /// The rule it breaks.
    pub rule: String,
}

impl QueryError {
    fn new(parameter: &str, rule: impl Into<String>) -> Self {
        QueryError {
            parameter: parameter.to_owned(),
            rule: rule.into(),
        }
    }
}

/// What the request and path say the query is about.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub endpoint: FilterEndpoint,
    pub api_root: &'a str,
    /// The collection's id (not its alias).
    pub collection_id: &'a str,
    /// The `{object-id}` of object endpoints.
    pub object_id: Option<&'a str>,
}

/// The validated filters of one request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filters {
    /// Unix microseconds.
    pub added_after: Option<i64>,
    /// As requested, before the server's cap.
    pub limit: Option<u64>,
    /// The raw `next` value, checked against the scope by [`Filters::to_query`].
    pub next: Option<String>,
    /// Sorted, without duplicates.
    pub ids: Vec<String>,
    /// Sorted, without duplicates.
    pub types: Vec<String>,
    /// `None` when absent (the endpoint's default applies).
    pub versions: Option<VersionFilter>,
    /// Sorted, without duplicates.
    pub spec_versions: Vec<String>,
}

impl Filters {
    /// Parses a raw query string (without `?`) for `endpoint`.
    pub fn parse(raw: Option<&str>, endpoint: FilterEndpoint) -> Result<Filters, QueryError> {
        let pairs = decode_pairs(raw.unwrap_or(""))?;
        let mut seen: Vec<&str> = Vec::new();
        let mut filters = Filters::default();
        for (name, value) in &pairs {
            if !endpoint.uses(name) {
                continue;
            }
            if seen.contains(&name.as_str()) {
                return Err(QueryError::new(
                    name,
                    "may appear at most once in a request",
                ));
            }
            seen.push(name);
            match name.as_str() {
                "added_after" => filters.added_after = Some(parse_timestamp(name, value)?),
                "limit" => filters.limit = Some(parse_limit(value)?),
                "next" if value.is_empty() => {
                    return Err(QueryError::new(name, "must not be empty"));
                }
                "next" => filters.next = Some(value.clone()),
                "match[id]" => filters.ids = parse_list(name, value, check_id)?,
                "match[type]" => filters.types = parse_list(name, value, check_type)?,
                "match[version]" => filters.versions = Some(parse_versions(value)?),
                "match[spec_version]" => {
                    filters.spec_versions = parse_list(name, value, check_spec_version)?
                }
                _ => {}
            }
        }
        Ok(filters)
    }

    /// The fingerprint of these filters in `scope` (everything but `limit`
    /// and `next`).
    pub fn fingerprint(&self, scope: &Scope<'_>) -> Fingerprint {
        let added_after = self.added_after.map(|a| a.to_string()).unwrap_or_default();
        let versions = match self
            .versions
            .clone()
            .unwrap_or(scope.endpoint.default_versions())
        {
            VersionFilter::All => "all".to_owned(),
            VersionFilter::Some {
                first,
                last,
                mut exact,
            } => {
                exact.sort_unstable();
                let exact: Vec<String> = exact.iter().map(i64::to_string).collect();
                format!("first={first};last={last};{}", exact.join(","))
            }
        };
        let mut parts: Vec<&str> = vec![
            "v1",
            scope.endpoint.name(),
            scope.api_root,
            scope.collection_id,
            scope.object_id.unwrap_or(""),
            &added_after,
            &versions,
        ];
        for (label, list) in [
            ("ids", &self.ids),
            ("types", &self.types),
            ("spec", &self.spec_versions),
        ] {
            parts.push(label);
            parts.extend(list.iter().map(String::as_str));
        }
        Fingerprint::of(parts)
    }

    /// The store query for `scope`: the page size is the client's `limit`
    /// capped at `max_page_size`, and a `next` cursor (checked against the
    /// scope) moves the start past the items already returned.
    pub fn to_query(
        &self,
        scope: &Scope<'_>,
        max_page_size: usize,
    ) -> Result<ObjectQuery, QueryError> {
        let mut added_after = self.added_after;
        if let Some(next) = &self.next {
            let cursor = Cursor::decode_for(next, self.fingerprint(scope))
                .map_err(|e| QueryError::new("next", e.to_string()))?;
            added_after = Some(added_after.map_or(cursor.after, |a| a.max(cursor.after)));
        }
        let max = max_page_size.max(1);
        let limit = self
            .limit
            .map_or(max, |l| usize::try_from(l).unwrap_or(usize::MAX).min(max));
        let ids = match scope.object_id {
            Some(id) => vec![id.to_owned()],
            None => self.ids.clone(),
        };
        Ok(ObjectQuery {
            api_root: scope.api_root.to_owned(),
            collection_id: scope.collection_id.to_owned(),
            added_after,
            ids,
            types: self.types.clone(),
            versions: self
                .versions
                .clone()
                .unwrap_or(scope.endpoint.default_versions()),
            spec_versions: self.spec_versions.clone(),
            limit,
            manifest_only: matches!(
                scope.endpoint,
                FilterEndpoint::Manifest | FilterEndpoint::Versions
            ),
            max_tlp: None,
        })
    }

    /// The `next` value for a page of this query whose last item was added
    /// at `last_date_added`.
    pub fn next_cursor(&self, scope: &Scope<'_>, last_date_added: i64) -> String {
        Cursor {
            after: last_date_added,
            fingerprint: self.fingerprint(scope),
        }
        .encode()
    }

    /// The delete request for `scope`, whose `object_id` must be set.
    pub fn to_delete(&self, scope: &Scope<'_>) -> DeleteRequest {
        DeleteRequest {
            api_root: scope.api_root.to_owned(),
            collection_id: scope.collection_id.to_owned(),
            object_id: scope.object_id.unwrap_or_default().to_owned(),
            versions: self
                .versions
                .clone()
                .unwrap_or(scope.endpoint.default_versions()),
            spec_versions: self.spec_versions.clone(),
        }
    }
}

/// Splits and percent-decodes `application/x-www-form-urlencoded` pairs.
fn decode_pairs(raw: &str) -> Result<Vec<(String, String)>, QueryError> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((percent_decode(k)?, percent_decode(v)?))
        })
        .collect()
}

fn percent_decode(text: &str) -> Result<String, QueryError> {
    let bad = || {
        QueryError::new(
            "query",
            "the query string is not valid percent-encoded UTF-8",
        )
    };
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).ok_or_else(bad)?;
                let hex = std::str::from_utf8(hex).map_err(|_| bad())?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| bad())
}

fn parse_timestamp(name: &str, value: &str) -> Result<i64, QueryError> {
    Timestamp::parse(value)
        .map(|t| t.unix_micros())
        .map_err(|e| {
            QueryError::new(
                name,
                format!("{value:?} {e} (a TAXII timestamp, e.g. 2016-01-01T01:01:01.000000Z)"),
            )
        })
}

fn parse_limit(value: &str) -> Result<u64, QueryError> {
    let rule = || {
        QueryError::new(
            "limit",
            format!("{value:?} is not an integer greater than 0"),
        )
    };
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(rule());
    }
    // All digits: the only failure left is overflow, which caps like any large limit.
    let limit = value.parse::<u64>().unwrap_or(u64::MAX);
    if limit == 0 { Err(rule()) } else { Ok(limit) }
}

/// Splits a comma list, checks each element with `check`, sorts and dedups.
fn parse_list(
    name: &str,
    value: &str,
    check: fn(&str) -> Result<(), String>,
) -> Result<Vec<String>, QueryError> {
    let mut items = split_list(name, value)?;
    for item in &items {
        check(item).map_err(|rule| QueryError::new(name, rule))?;
    }
    items.sort_unstable();
    items.dedup();
    Ok(items)
}

fn split_list(name: &str, value: &str) -> Result<Vec<String>, QueryError> {
    let items: Vec<String> = value.split(',').map(|s| s.trim().to_owned()).collect();
    if items.iter().any(String::is_empty) {
        return Err(QueryError::new(
            name,
            "must be a comma-separated list without empty elements",
        ));
    }
    if items.len() > MAX_MATCH_VALUES {
        return Err(QueryError::new(
            name,
            format!("at most {MAX_MATCH_VALUES} values are accepted"),
        ));
    }
    Ok(items)
}

fn check_id(value: &str) -> Result<(), String> {
    Identifier::parse(value)
        .map(|_| ())
        .map_err(|e| format!("{value:?} is not a STIX identifier (type--UUID): {e}"))
}

fn check_type(value: &str) -> Result<(), String> {
    let ok = (1..=250).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{value:?} is not a STIX type name (1 to 250 characters of a-z, 0-9 and '-')"
        ))
    }
}

fn check_spec_version(value: &str) -> Result<(), String> {
    let ok = value.split_once('.').is_some_and(|(major, minor)| {
        [major, minor]
            .iter()
            .all(|p| (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
    });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{value:?} is not a spec version of the form n.m (e.g. 2.1)"
        ))
    }
}

fn parse_versions(value: &str) -> Result<VersionFilter, QueryError> {
    const NAME: &str = "match[version]";
    let items = split_list(NAME, value)?;
    let mut seen: Vec<&str> = Vec::new();
    for item in &items {
        if seen.contains(&item.as_str()) {
            return Err(QueryError::new(
                NAME,
                format!("{item:?} appears more than once"),
            ));
        }
        seen.push(item);
    }
    if items.iter().any(|v| v == "all") {
        if items.len() > 1 {
            return Err(QueryError::new(
                NAME,
                "\"all\" must not be combined with other values",
            ));
        }
        return Ok(VersionFilter::All);
    }
    let (mut first, mut last, mut exact) = (false, false, Vec::new());
    for item in &items {
        match item.as_str() {
            "first" => first = true,
            "last" => last = true,
            other => exact.push(
                Timestamp::parse(other)
                    .map(|t| t.unix_micros())
                    .map_err(|e| {
                        QueryError::new(
                            NAME,
                            format!(
                                "{other:?} is neither first, last, all nor a timestamp: it {e}"
                            ),
                        )
                    })?,
            ),
        }
    }
    exact.sort_unstable();
    exact.dedup();
    Ok(VersionFilter::Some { first, last, exact })
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
