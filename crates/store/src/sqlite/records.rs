//! The exchange's records in SQLite: the adopted commonwealth, ledger
//! acts, provenance and feedback. Signed records are stored as the JSON
//! text given, never interpreted. Inserts are idempotent (`ON CONFLICT DO
//! NOTHING`): the first copy of a record is the one kept.

use std::collections::HashMap;

use liaison_core::StoreError;
use liaison_core::exchange::{
    CommonwealthRecord, FeedbackRow, ObjectKey, ProvenanceRow, StoredAct,
};
use rusqlite::{Connection, OptionalExtension, Row};

use super::error;
use super::objects::write_transaction;
use super::texts::Texts;
use crate::exchange::{TextTable, check_same_commonwealth};
use crate::shared::kind_from_str;

pub(super) fn adopt(conn: &mut Connection, record: &CommonwealthRecord) -> Result<(), StoreError> {
    let tx = write_transaction(conn)?;
    let inserted = tx
        .execute(
            "INSERT INTO commonwealth (singleton, id, agreement_json, self_name, adopted_at)
             VALUES (1, ?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            (
                &record.id,
                &record.agreement_json,
                &record.self_name,
                record.adopted_at,
            ),
        )
        .map_err(error)?;
    if inserted == 0 {
        let held = commonwealth(&tx)?
            .ok_or_else(|| StoreError::Corrupt("the commonwealth row vanished".into()))?;
        check_same_commonwealth(&held, record)?;
    }
    tx.commit().map_err(error)
}

pub(super) fn commonwealth(conn: &Connection) -> Result<Option<CommonwealthRecord>, StoreError> {
    conn.prepare_cached("SELECT id, agreement_json, self_name, adopted_at FROM commonwealth")
        .and_then(|mut s| {
            s.query_row([], |r| {
                Ok(CommonwealthRecord {
                    id: r.get(0)?,
                    agreement_json: r.get(1)?,
                    self_name: r.get(2)?,
                    adopted_at: r.get(3)?,
                })
            })
            .optional()
        })
        .map_err(error)
}

/// Stores an act after every act stored before; `false` when it was there.
pub(super) fn insert_act(conn: &Connection, act: &StoredAct) -> Result<bool, StoreError> {
    // One statement, so the seq it takes is read and written under one lock.
    // (`WHERE true` lets SQLite parse the upsert after a SELECT.)
    let inserted = conn
        .prepare_cached(
            "INSERT INTO ledger_acts (hash, seq, json, received_at)
             SELECT ?1, coalesce(max(seq), 0) + 1, ?2, ?3 FROM ledger_acts WHERE true
             ON CONFLICT (hash) DO NOTHING",
        )
        .and_then(|mut s| s.execute((&act.hash, &act.json, act.received_at)))
        .map_err(error)?;
    Ok(inserted > 0)
}

pub(super) fn acts(conn: &Connection) -> Result<Vec<StoredAct>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT hash, json, received_at FROM ledger_acts ORDER BY seq")
        .map_err(error)?;
    let rows = stmt
        .query_map([], |r| {
            Ok(StoredAct {
                hash: r.get(0)?,
                json: r.get(1)?,
                received_at: r.get(2)?,
            })
        })
        .map_err(error)?;
    rows.map(|r| r.map_err(error)).collect()
}

/// Stores provenance records; `received_at` is `None` for this node's own
/// shares and the time of arrival for received ones.
pub(super) fn insert_provenance(
    conn: &Connection,
    rows: &[&ProvenanceRow],
    received_at: Option<i64>,
) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO provenance (object_id, version_key, origin, recipient, record_ref, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        )
        .map_err(error)?;
    let mut records = Texts::new(conn, TextTable::ProvenanceRecords)?;
    for p in rows {
        let record = records.store(&p.json)?;
        stmt.execute((
            &p.object.id,
            p.object.version_key,
            &p.origin,
            &p.recipient,
            record,
            received_at,
        ))
        .map_err(error)?;
    }
    Ok(())
}

pub(super) fn provenance_of(
    conn: &Connection,
    object_id: &str,
) -> Result<Vec<ProvenanceRow>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT p.object_id, p.version_key, p.origin, p.recipient, r.json
             FROM provenance p JOIN provenance_records r ON r.n = p.record_ref
             WHERE p.object_id = ?1 ORDER BY p.version_key, p.origin, p.recipient",
        )
        .map_err(error)?;
    let rows = stmt
        .query_map([object_id], |r| {
            Ok(ProvenanceRow {
                object: ObjectKey {
                    id: r.get(0)?,
                    version_key: r.get(1)?,
                },
                origin: r.get(2)?,
                recipient: r.get(3)?,
                json: r.get(4)?,
            })
        })
        .map_err(error)?;
    rows.map(|r| r.map_err(error)).collect()
}

/// The member this node first received `object_id` from.
pub(super) fn origin_of(conn: &Connection, object_id: &str) -> Result<Option<String>, StoreError> {
    conn.prepare_cached(
        "SELECT origin FROM provenance WHERE object_id = ?1 AND received_at IS NOT NULL
         ORDER BY received_at, origin LIMIT 1",
    )
    .and_then(|mut s| s.query_row([object_id], |r| r.get(0)).optional())
    .map_err(error)
}

/// [`origin_of`] for each of `object_ids`, in one statement (the ids go
/// as a JSON array): the ids received, with their origin.
pub(super) fn origins_of(
    conn: &Connection,
    object_ids: &[String],
) -> Result<HashMap<String, String>, StoreError> {
    if object_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ids = serde_json::to_string(object_ids).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut stmt = conn
        .prepare_cached(
            "SELECT object_id, received_at, origin FROM provenance
             WHERE object_id IN (SELECT value FROM json_each(?1)) AND received_at IS NOT NULL",
        )
        .map_err(error)?;
    let rows = stmt
        .query_map([ids], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(error)?;
    // The first received, as `origin_of` orders them.
    let mut first: HashMap<String, (i64, String)> = HashMap::new();
    for row in rows {
        let (id, at, origin): (String, i64, String) = row.map_err(error)?;
        match first.get(&id) {
            Some(held) if *held <= (at, origin.clone()) => {}
            _ => {
                first.insert(id, (at, origin));
            }
        }
    }
    Ok(first
        .into_iter()
        .map(|(id, (_, origin))| (id, origin))
        .collect())
}

pub(super) fn insert_feedback(conn: &Connection, rows: &[&FeedbackRow]) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO feedback (member, kind, id, object_id, at, json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        )
        .map_err(error)?;
    for f in rows {
        stmt.execute((
            &f.member,
            f.kind.as_str(),
            &f.id,
            &f.object_id,
            f.at,
            &f.json,
        ))
        .map_err(error)?;
    }
    Ok(())
}

type FeedbackColumns = (String, String, String, Option<String>, i64, String);

fn feedback_row(r: &Row<'_>) -> rusqlite::Result<FeedbackColumns> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

pub(super) fn feedback_of(
    conn: &Connection,
    object_id: &str,
) -> Result<Vec<FeedbackRow>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT member, kind, id, object_id, at, json FROM feedback
             WHERE object_id = ?1 ORDER BY at, member, kind, id",
        )
        .map_err(error)?;
    let rows = stmt.query_map([object_id], feedback_row).map_err(error)?;
    rows.map(|r| {
        let (member, kind, id, object_id, at, json) = r.map_err(error)?;
        Ok(FeedbackRow {
            kind: kind_from_str(&kind)?,
            id,
            member,
            object_id,
            at,
            json,
        })
    })
    .collect()
}
