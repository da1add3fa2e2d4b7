//! Deciding what an add request does, once the collection is locked and
//! what it holds of the request's objects has been read. Both back ends
//! read the same facts ([`Existing`]) and apply the same [`Plan`], so they
//! cannot disagree on outcomes, `date_added` or first/last flags.
//!
//! Laws:
//! - a version already stored (same id and `version_key`) is
//!   `AlreadyPresent` when its JSON is byte-identical, else `Conflict`; the
//!   stored one is kept either way and nothing is written for it;
//! - a version repeated inside the request is judged against its first
//!   occurrence in the same way;
//! - new versions get `date_added` values `first, first + 1, …` in request
//!   order, where `first = max(now, last_date_added + 1)`;
//! - after the plan is applied, exactly the lowest `version_key` of each id
//!   is flagged first and the highest last.

use std::collections::HashMap;

use liaison_core::StoreError;
use liaison_core::ingest::{AddItem, AddRequest};
use liaison_core::objects::{AddOutcome, NewObject};

/// A stored version that the request names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stored {
    pub date_added: i64,
    pub json: String,
}

/// What the locked collection holds of the ids in a request.
#[derive(Debug, Default)]
pub(crate) struct Existing {
    /// Stored versions with the same id and `version_key` as a request item.
    pub versions: HashMap<String, HashMap<i64, Stored>>,
    /// Lowest and highest stored `version_key` of each id in the request
    /// that has any version stored.
    pub bounds: HashMap<String, (i64, i64)>,
}

/// One version to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewRow<'a> {
    pub object: &'a NewObject,
    pub date_added: i64,
    pub is_first: bool,
    pub is_last: bool,
}

/// What to write.
#[derive(Debug, Default)]
pub(crate) struct Plan<'a> {
    /// One per valid item, in request order.
    pub outcomes: Vec<AddOutcome>,
    /// New versions, in `date_added` order.
    pub rows: Vec<NewRow<'a>>,
    /// Ids whose stored first version stops being first (clear before inserting).
    pub unset_first: Vec<&'a str>,
    /// Ids whose stored last version stops being last (clear before inserting).
    pub unset_last: Vec<&'a str>,
}

/// What an add did, inside the transaction that did it: the status to
/// report, and the outcome of each valid item in request order (share and
/// receive decide their messages from these).
#[derive(Debug)]
pub(crate) struct Added {
    pub status: liaison_core::status::Status,
    pub outcomes: Vec<AddOutcome>,
}

impl Plan<'_> {
    /// The collection's new `last_date_added`, when anything is inserted.
    pub fn last_date_added(&self) -> Option<i64> {
        self.rows.last().map(|r| r.date_added)
    }
}

/// The valid objects of a request, in order.
pub(crate) fn valid_objects(request: &AddRequest) -> Vec<&NewObject> {
    request
        .items
        .iter()
        .filter_map(|item| match item {
            AddItem::Valid(object) => Some(object),
            AddItem::Invalid(_) => None,
        })
        .collect()
}

/// The first `date_added` to hand out: never before now, always after the
/// last one given in this collection (a clock that stands still or steps
/// back must not break the order).
pub(crate) fn first_date_added(now: i64, last: i64) -> Result<i64, StoreError> {
    let after_last = last.checked_add(1).ok_or_else(overflow)?;
    Ok(now.max(after_last))
}

fn overflow() -> StoreError {
    StoreError::Corrupt("the collection's last date_added is at the end of time".into())
}

/// Decides the outcome of every object (see the module laws).
pub(crate) fn plan<'a>(
    objects: &[&'a NewObject],
    existing: &Existing,
    first: i64,
) -> Result<Plan<'a>, StoreError> {
    let mut plan = Plan {
        outcomes: Vec::with_capacity(objects.len()),
        ..Plan::default()
    };
    // Versions inserted by this request: (id, version_key) → (date_added, json).
    let mut added: HashMap<(&'a str, i64), (i64, &'a str)> = HashMap::new();
    // Lowest and highest new version_key per id.
    let mut new_bounds: HashMap<&'a str, (i64, i64)> = HashMap::new();
    let mut next = first;
    for &object in objects {
        let key = (object.id.as_str(), object.version_key);
        let stored = existing
            .versions
            .get(object.id.as_str())
            .and_then(|v| v.get(&object.version_key));
        let earlier = match stored {
            Some(s) => Some((s.date_added, s.json.as_str())),
            None => added.get(&key).copied(),
        };
        if let Some((date_added, json)) = earlier {
            plan.outcomes.push(if json == object.json {
                AddOutcome::AlreadyPresent { date_added }
            } else {
                AddOutcome::Conflict { date_added }
            });
            continue;
        }
        let date_added = next;
        next = next.checked_add(1).ok_or_else(overflow)?;
        added.insert(key, (date_added, object.json.as_str()));
        let bounds = new_bounds.entry(key.0).or_insert((key.1, key.1));
        *bounds = (bounds.0.min(key.1), bounds.1.max(key.1));
        plan.outcomes.push(AddOutcome::Added { date_added });
        plan.rows.push(NewRow {
            object,
            date_added,
            is_first: false,
            is_last: false,
        });
    }
    for row in &mut plan.rows {
        let id = row.object.id.as_str();
        let key = row.object.version_key;
        // Every new row's id has new bounds; the fallback is never taken.
        let (new_min, new_max) = new_bounds.get(id).copied().unwrap_or((key, key));
        let (min, max) = match existing.bounds.get(id) {
            Some(&(lo, hi)) => (lo.min(new_min), hi.max(new_max)),
            None => (new_min, new_max),
        };
        row.is_first = key == min;
        row.is_last = key == max;
    }
    let mut moved: Vec<(&'a str, (i64, i64))> = new_bounds.into_iter().collect();
    moved.sort_unstable();
    for (id, (new_min, new_max)) in moved {
        let Some(&(lo, hi)) = existing.bounds.get(id) else {
            continue;
        };
        if new_min < lo {
            plan.unset_first.push(id);
        }
        if new_max > hi {
            plan.unset_last.push(id);
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(id: &str, vk: i64, json: &str) -> NewObject {
        NewObject {
            id: id.into(),
            object_type: "indicator".into(),
            spec_version: "2.1".into(),
            version: vk.to_string(),
            version_key: vk,
            json: json.into(),
            tlp: 0,
        }
    }

    #[test]
    fn duplicates_inside_a_request_are_present_after_the_first() {
        let (a, b, c) = (
            obj("x", 1, "{a}"),
            obj("x", 1, "{a}"),
            obj("x", 1, "{other}"),
        );
        let plan = plan(&[&a, &b, &c], &Existing::default(), 100).unwrap();
        assert_eq!(
            plan.outcomes,
            vec![
                AddOutcome::Added { date_added: 100 },
                AddOutcome::AlreadyPresent { date_added: 100 },
                AddOutcome::Conflict { date_added: 100 },
            ]
        );
        assert_eq!(plan.rows.len(), 1);
        assert!(plan.rows[0].is_first && plan.rows[0].is_last);
    }

    #[test]
    fn stored_versions_win_and_flags_move() {
        let mut existing = Existing::default();
        existing.versions.entry("x".into()).or_default().insert(
            5,
            Stored {
                date_added: 7,
                json: "{5}".into(),
            },
        );
        existing.bounds.insert("x".into(), (5, 5));
        let (older, newer, same, clash) = (
            obj("x", 3, "{3}"),
            obj("x", 9, "{9}"),
            obj("x", 5, "{5}"),
            obj("x", 5, "{!}"),
        );
        let plan = plan(&[&newer, &older, &same, &clash], &existing, 50).unwrap();
        assert_eq!(
            plan.outcomes,
            vec![
                AddOutcome::Added { date_added: 50 },
                AddOutcome::Added { date_added: 51 },
                AddOutcome::AlreadyPresent { date_added: 7 },
                AddOutcome::Conflict { date_added: 7 },
            ]
        );
        let flags: Vec<_> = plan
            .rows
            .iter()
            .map(|r| (r.object.version_key, r.is_first, r.is_last))
            .collect();
        assert_eq!(flags, vec![(9, false, true), (3, true, false)]);
        assert_eq!(plan.last_date_added(), Some(51));
        assert_eq!((plan.unset_first, plan.unset_last), (vec!["x"], vec!["x"]));
    }

    #[test]
    fn a_middle_version_moves_no_flag() {
        let mut existing = Existing::default();
        existing.bounds.insert("x".into(), (1, 9));
        let mid = obj("x", 5, "{5}");
        let plan = plan(&[&mid], &existing, 1).unwrap();
        assert!(!plan.rows[0].is_first && !plan.rows[0].is_last);
        assert!(plan.unset_first.is_empty() && plan.unset_last.is_empty());
    }

    #[test]
    fn date_added_never_goes_back() {
        assert_eq!(first_date_added(10, 3), Ok(10));
        assert_eq!(first_date_added(10, 30), Ok(31));
        assert!(first_date_added(0, i64::MAX).is_err());
    }
}
