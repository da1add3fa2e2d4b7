//! Encodings both back ends share, so that they store the same things the
//! same way: status details as JSON text, enumerations (states, roles,
//! clearances, message kinds) as their names, and unsigned counts and
//! positions in signed 64-bit columns.

use liaison_core::StoreError;
use liaison_core::exchange::{MessageKind, ObjectKey};
use liaison_core::federation::Clearance;
use liaison_core::status::{StatusDetail, StatusState};
use liaison_core::users::Role;
use serde_json::{Map, Value};

/// How many connections read in parallel (SQLite readers, PostgreSQL pool
/// beyond the writer's needs); a node serves a few clients at a time.
pub(crate) const READERS: usize = 8;

/// Status details as a JSON array of `{"id", "version", "message"?}`:
/// one text column per list instead of a row per object keeps writing a
/// 1,000-object status to one insert.
pub(crate) fn details_to_json(details: &[StatusDetail]) -> String {
    let items: Vec<Value> = details
        .iter()
        .map(|d| {
            let mut m = Map::new();
            m.insert("id".into(), Value::String(d.id.clone()));
            m.insert("version".into(), Value::String(d.version.clone()));
            if let Some(message) = &d.message {
                m.insert("message".into(), Value::String(message.clone()));
            }
            Value::Object(m)
        })
        .collect();
    Value::Array(items).to_string()
}

/// The inverse of [`details_to_json`]; anything else is corrupt.
pub(crate) fn details_from_json(text: &str) -> Result<Vec<StatusDetail>, StoreError> {
    let corrupt = |why: &str| StoreError::Corrupt(format!("status details: {why}"));
    let value: Value = serde_json::from_str(text).map_err(|e| corrupt(&e.to_string()))?;
    let Value::Array(items) = value else {
        return Err(corrupt("not a JSON array"));
    };
    items
        .into_iter()
        .map(|item| {
            let text_field = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
            Ok(StatusDetail {
                id: text_field("id").ok_or_else(|| corrupt("an entry has no id"))?,
                version: text_field("version").ok_or_else(|| corrupt("an entry has no version"))?,
                message: text_field("message"),
            })
        })
        .collect()
}

pub(crate) fn state_from_str(s: &str) -> Result<StatusState, StoreError> {
    match s {
        "complete" => Ok(StatusState::Complete),
        "pending" => Ok(StatusState::Pending),
        other => Err(StoreError::Corrupt(format!(
            "unknown status state '{other}'"
        ))),
    }
}

pub(crate) fn clearance_from_str(s: &str) -> Result<Clearance, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("unknown clearance '{s}' stored")))
}

pub(crate) fn kind_from_str(s: &str) -> Result<MessageKind, StoreError> {
    MessageKind::parse(s)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown message kind '{s}' stored")))
}

/// An outbox position as a bound for a signed column: nothing is stored
/// beyond `i64::MAX`, so larger positions mean "after everything".
pub(crate) fn position(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// `LIMIT` for at most `limit` rows.
pub(crate) fn row_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// The object key of a stored message or record: both columns or neither.
pub(crate) fn object_key(
    id: Option<String>,
    version_key: Option<i64>,
) -> Result<Option<ObjectKey>, StoreError> {
    match (id, version_key) {
        (Some(id), Some(version_key)) => Ok(Some(ObjectKey { id, version_key })),
        (None, None) => Ok(None),
        _ => Err(StoreError::Corrupt(
            "an outbox row has an object id without a version, or the reverse".into(),
        )),
    }
}

pub(crate) fn role_from_str(s: &str) -> Result<Role, StoreError> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("unknown role '{s}' stored")))
}

/// A count or size for a signed column; values beyond `i64::MAX` are refused.
pub(crate) fn to_i64(value: u64, what: &str) -> Result<i64, StoreError> {
    i64::try_from(value)
        .map_err(|_| StoreError::Conflict(format!("{what} {value} is too large to store")))
}

/// A stored signed value that must not be negative.
pub(crate) fn to_u64(value: i64, what: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} is negative ({value})")))
}

/// `LIMIT` for a page of `limit` items plus the one that tells whether more follow.
pub(crate) fn fetch_limit(limit: usize) -> i64 {
    i64::try_from(limit)
        .unwrap_or(i64::MAX - 1)
        .saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_round_trip() {
        let details = vec![
            StatusDetail {
                id: "indicator--1".into(),
                version: "2020-01-01T00:00:00Z".into(),
                message: None,
            },
            StatusDetail {
                id: "".into(),
                version: "".into(),
                message: Some("bad \"quote\"".into()),
            },
        ];
        assert_eq!(
            details_from_json(&details_to_json(&details)).unwrap(),
            details
        );
        assert_eq!(details_from_json("[]").unwrap(), vec![]);
        assert!(matches!(
            details_from_json("{}"),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            details_from_json("[{\"id\":1}]"),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            details_from_json("nope"),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn conversions() {
        assert_eq!(to_i64(5, "x"), Ok(5));
        assert!(to_i64(u64::MAX, "x").is_err());
        assert!(matches!(to_u64(-1, "x"), Err(StoreError::Corrupt(_))));
        assert_eq!(fetch_limit(0), 1);
        assert_eq!(fetch_limit(usize::MAX), i64::MAX);
        assert!(state_from_str("done").is_err());
        assert!(matches!(
            clearance_from_str("root"),
            Err(StoreError::Corrupt(_))
        ));
        assert_eq!(clearance_from_str("red"), Ok(Clearance::Red));
        assert!(matches!(kind_from_str("gift"), Err(StoreError::Corrupt(_))));
        assert_eq!(position(u64::MAX), i64::MAX);
        assert_eq!(row_limit(usize::MAX), i64::MAX);
        assert!(object_key(Some("x".into()), None).is_err());
        assert_eq!(object_key(None, None), Ok(None));
    }
}
