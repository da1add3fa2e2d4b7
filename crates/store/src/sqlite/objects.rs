//! Object versions and statuses in SQLite.

use liaison_core::StoreError;
use liaison_core::clock::Clock;
use liaison_core::ingest::{AddRequest, assemble_status};
use liaison_core::objects::{DeleteRequest, JsonPage, NewObject, ObjectQuery, Page, StoredObject};
use liaison_core::status::Status;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params_from_iter};

use super::error;
use super::meta::{collection_key, not_found};
use crate::plan::{Added, Existing, Plan, Stored, first_date_added, plan, valid_objects};
use crate::shared::{
    details_from_json, details_to_json, fetch_limit, state_from_str, to_i64, to_u64,
};
use crate::sql::{Dialect, Param, Selection, Sql, delete_versions, repair_flags, select_page};

/// Stores a request's new versions and its status in one transaction.
pub(super) fn add(
    conn: &mut Connection,
    clock: &dyn Clock,
    request: &AddRequest,
) -> Result<Status, StoreError> {
    let tx = write_transaction(conn)?;
    let added = add_in(&tx, clock, request)?;
    tx.commit().map_err(error)?;
    Ok(added.status)
}

/// Begins a write transaction. IMMEDIATE takes the database write lock
/// now: no other connection or process can commit between our reads (a
/// collection's last date_added, a peer's last outbox seq) and our commit,
/// which is what keeps date_added and outbox sequence numbers in commit
/// order.
pub(super) fn write_transaction(conn: &mut Connection) -> Result<Transaction<'_>, StoreError> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(error)
}

/// Stores a request's new versions and its status inside `tx` (a write
/// transaction): the one add path that `add_objects`, `share` and
/// `receive` all take.
pub(super) fn add_in(
    tx: &Transaction<'_>,
    clock: &dyn Clock,
    request: &AddRequest,
) -> Result<Added, StoreError> {
    let (collection, last): (i64, i64) = tx
        .prepare_cached(
            "SELECT seq, last_date_added FROM collections WHERE api_root = ?1 AND id = ?2",
        )
        .and_then(|mut s| {
            s.query_row([&request.api_root, &request.collection_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
        })
        .map_err(error)?
        .ok_or_else(|| not_found(&request.api_root, &request.collection_id))?;
    let objects = valid_objects(request);
    let existing = read_existing(tx, collection, &objects)?;
    let plan = plan(
        &objects,
        &existing,
        first_date_added(clock.now_micros(), last)?,
    )?;
    apply(tx, collection, &plan)?;
    let status = assemble_status(request, &plan.outcomes);
    insert_status(tx, &status)?;
    Ok(Added {
        status,
        outcomes: plan.outcomes,
    })
}

/// What the collection holds of the request's ids.
fn read_existing(
    tx: &Transaction<'_>,
    collection: i64,
    objects: &[&NewObject],
) -> Result<Existing, StoreError> {
    let mut existing = Existing::default();
    let mut exact = tx
        .prepare_cached("SELECT date_added, json FROM objects WHERE collection = ?1 AND id = ?2 AND version_key = ?3")
        .map_err(error)?;
    let mut bounds = tx
        .prepare_cached("SELECT min(version_key), max(version_key) FROM objects WHERE collection = ?1 AND id = ?2")
        .map_err(error)?;
    for object in objects {
        if !existing.bounds.contains_key(&object.id) {
            let (lo, hi): (Option<i64>, Option<i64>) = bounds
                .query_row((collection, &object.id), |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(error)?;
            match (lo, hi) {
                (Some(lo), Some(hi)) => existing.bounds.insert(object.id.clone(), (lo, hi)),
                // No version yet: nothing to look up for this id.
                _ => continue,
            };
        }
        let stored = exact
            .query_row((collection, &object.id, object.version_key), |r| {
                Ok(Stored {
                    date_added: r.get(0)?,
                    json: r.get(1)?,
                })
            })
            .optional()
            .map_err(error)?;
        if let Some(stored) = stored {
            existing
                .versions
                .entry(object.id.clone())
                .or_default()
                .insert(object.version_key, stored);
        }
    }
    Ok(existing)
}

fn apply(tx: &Transaction<'_>, collection: i64, plan: &Plan<'_>) -> Result<(), StoreError> {
    // Clear the old flags first, so that they are never set on the new rows.
    for (ids, sql) in [
        (
            &plan.unset_first,
            "UPDATE objects SET is_first = 0 WHERE collection = ?1 AND id = ?2 AND is_first",
        ),
        (
            &plan.unset_last,
            "UPDATE objects SET is_last = 0 WHERE collection = ?1 AND id = ?2 AND is_last",
        ),
    ] {
        let mut stmt = tx.prepare_cached(sql).map_err(error)?;
        for id in ids {
            stmt.execute((collection, id)).map_err(error)?;
        }
    }
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO objects (collection, date_added, id, type, spec_version, version, version_key,
             is_first, is_last, json, tlp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )
        .map_err(error)?;
    for row in &plan.rows {
        let o = row.object;
        insert
            .execute(rusqlite::params![
                collection,
                row.date_added,
                o.id,
                o.object_type,
                o.spec_version,
                o.version,
                o.version_key,
                row.is_first,
                row.is_last,
                o.json,
                o.tlp,
            ])
            .map_err(error)?;
    }
    if let Some(last) = plan.last_date_added() {
        tx.prepare_cached("UPDATE collections SET last_date_added = ?2 WHERE seq = ?1")
            .and_then(|mut s| s.execute((collection, last)))
            .map_err(error)?;
    }
    Ok(())
}

fn insert_status(tx: &Transaction<'_>, status: &Status) -> Result<(), StoreError> {
    let total = to_i64(status.total_count, "total_count")?;
    let inserted = tx
        .prepare_cached(
            "INSERT INTO statuses (api_root, id, collection_id, owner, state, request_timestamp, total_count,
             successes, failures, pendings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
        )
        .and_then(|mut s| {
            s.execute(rusqlite::params![
                status.api_root,
                status.id,
                status.collection_id,
                status.owner,
                status.state.as_str(),
                status.request_timestamp,
                total,
                details_to_json(&status.successes),
                details_to_json(&status.failures),
                details_to_json(&status.pendings),
            ])
        })
        .map_err(error)?;
    if inserted == 0 {
        return Err(StoreError::Conflict(format!(
            "status {} exists already",
            status.id
        )));
    }
    Ok(())
}

/// Binds the builder's parameters: lists as JSON arrays for `json_each`.
fn values(params: Vec<Param>) -> Vec<Value> {
    params
        .into_iter()
        .map(|p| match p {
            Param::Int(i) => Value::Integer(i),
            Param::Text(text) => Value::Text(text),
            Param::Texts(list) => Value::Text(serde_json::Value::from(list).to_string()),
            Param::Ints(list) => Value::Text(serde_json::Value::from(list).to_string()),
        })
        .collect()
}

pub(super) fn query(
    conn: &Connection,
    query: &ObjectQuery,
) -> Result<Page<StoredObject>, StoreError> {
    let Some(sql) = page_sql(conn, query, !query.manifest_only)? else {
        return Ok(Page {
            items: Vec::new(),
            more: false,
        });
    };
    let mut stmt = conn.prepare_cached(&sql.text).map_err(error)?;
    let rows = stmt
        .query_map(params_from_iter(values(sql.params)), |r| {
            let (version, date_added): (String, i64) = (r.get(1)?, r.get(3)?);
            Ok(StoredObject {
                id: r.get(0)?,
                version: NewObject::display_version(&version, date_added),
                spec_version: r.get(2)?,
                date_added,
                json: r.get(4)?,
            })
        })
        .map_err(error)?;
    let mut items = rows.collect::<Result<Vec<_>, _>>().map_err(error)?;
    let more = items.len() > query.limit;
    items.truncate(query.limit);
    Ok(Page { items, more })
}

/// [`query`] as the objects' JSON texts, copied from SQLite's row buffers
/// straight into the page.
pub(super) fn query_json(conn: &Connection, query: &ObjectQuery) -> Result<JsonPage, StoreError> {
    let mut page = JsonPage::default();
    let Some(sql) = page_sql(conn, query, true)? else {
        return Ok(page);
    };
    let mut stmt = conn.prepare_cached(&sql.text).map_err(error)?;
    let mut rows = stmt
        .query(params_from_iter(values(sql.params)))
        .map_err(error)?;
    let mut count = 0;
    while let Some(row) = rows.next().map_err(error)? {
        if count == query.limit {
            page.more = true;
            break;
        }
        let json = row
            .get_ref(4)
            .and_then(|v| Ok(v.as_str()?))
            .map_err(error)?;
        page.push(json, row.get(3).map_err(error)?, query.limit);
        count += 1;
    }
    Ok(page)
}

/// The SQL of one page of `query` (`None` when nothing can match).
fn page_sql(
    conn: &Connection,
    query: &ObjectQuery,
    with_json: bool,
) -> Result<Option<Sql>, StoreError> {
    let collection = collection_key(conn, &query.api_root, &query.collection_id)?;
    let selection = Selection::of_query(collection, query);
    Ok(selection.can_match().then(|| {
        select_page(
            Dialect::Sqlite,
            &selection,
            fetch_limit(query.limit),
            with_json,
        )
    }))
}

pub(super) fn exists(
    conn: &Connection,
    api_root: &str,
    collection_id: &str,
    id: &str,
) -> Result<bool, StoreError> {
    let collection = collection_key(conn, api_root, collection_id)?;
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM objects WHERE collection = ?1 AND id = ?2)")
        .and_then(|mut s| s.query_row((collection, id), |r| r.get(0)))
        .map_err(error)
}

pub(super) fn delete(conn: &mut Connection, request: &DeleteRequest) -> Result<u64, StoreError> {
    let tx = write_transaction(conn)?;
    let collection = collection_key(&tx, &request.api_root, &request.collection_id)?;
    let ids = [request.object_id.clone()];
    let selection = Selection {
        collection,
        added_after: None,
        ids: &ids,
        types: &[],
        versions: &request.versions,
        spec_versions: &request.spec_versions,
        max_tlp: None,
    };
    if !selection.can_match() {
        return Ok(0);
    }
    let sql = delete_versions(Dialect::Sqlite, &selection);
    let removed = tx
        .prepare_cached(&sql.text)
        .and_then(|mut s| s.execute(params_from_iter(values(sql.params))))
        .map_err(error)?;
    if removed > 0 {
        tx.prepare_cached(repair_flags(Dialect::Sqlite))
            .and_then(|mut s| s.execute((collection, &request.object_id)))
            .map_err(error)?;
    }
    tx.commit().map_err(error)?;
    Ok(removed as u64)
}

pub(super) fn status(
    conn: &Connection,
    api_root: &str,
    id: &str,
) -> Result<Option<Status>, StoreError> {
    type Row = (
        (String, String, String, String),
        (String, i64, i64),
        (String, String, String),
    );
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT api_root, id, collection_id, owner, state, request_timestamp, total_count,
             successes, failures, pendings FROM statuses WHERE api_root = ?1 AND id = ?2",
        )
        .and_then(|mut s| {
            s.query_row([api_root, id], |r| {
                Ok((
                    (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?),
                    (r.get(4)?, r.get(5)?, r.get(6)?),
                    (r.get(7)?, r.get(8)?, r.get(9)?),
                ))
            })
            .optional()
        })
        .map_err(error)?;
    let Some((
        (api_root, id, collection_id, owner),
        (state, request_timestamp, total),
        (successes, failures, pendings),
    )) = row
    else {
        return Ok(None);
    };
    Ok(Some(Status {
        id,
        api_root,
        collection_id,
        owner,
        state: state_from_str(&state)?,
        request_timestamp,
        total_count: to_u64(total, "total_count")?,
        successes: details_from_json(&successes)?,
        failures: details_from_json(&failures)?,
        pendings: details_from_json(&pendings)?,
    }))
}
