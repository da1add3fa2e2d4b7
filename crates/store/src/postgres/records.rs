//! The exchange's records in PostgreSQL: the adopted commonwealth, ledger
//! acts, provenance and feedback. Signed records are stored as the JSON
//! text given, never interpreted. Inserts are idempotent (`ON CONFLICT DO
//! NOTHING`, which also settles two processes inserting the same record at
//! once: the second waits for the first and then does nothing); bulk
//! inserts go as `UNNEST` arrays, one round trip per table.

use std::collections::HashMap;

use deadpool_postgres::{Client, GenericClient};
use liaison_core::StoreError;
use liaison_core::exchange::{
    CommonwealthRecord, FeedbackRow, ObjectKey, ProvenanceRow, StoredAct,
};
use tokio_postgres::Row;

use super::texts::{Stored, store_texts};
use super::{error, get};
use crate::exchange::{TextTable, check_same_commonwealth};
use crate::shared::kind_from_str;

pub(super) async fn adopt(client: &Client, record: &CommonwealthRecord) -> Result<(), StoreError> {
    let inserted = client
        .execute(
            "INSERT INTO commonwealth (singleton, id, agreement_json, self_name, adopted_at)
             VALUES (true, $1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[
                &record.id,
                &record.agreement_json,
                &record.self_name,
                &record.adopted_at,
            ],
        )
        .await
        .map_err(error)?;
    if inserted == 0 {
        // The row is never updated or deleted, so reading it after the
        // insert lost is as good as reading it in the same transaction.
        let held = commonwealth(client)
            .await?
            .ok_or_else(|| StoreError::Corrupt("the commonwealth row vanished".into()))?;
        check_same_commonwealth(&held, record)?;
    }
    Ok(())
}

pub(super) async fn commonwealth(
    client: &Client,
) -> Result<Option<CommonwealthRecord>, StoreError> {
    let stmt = client
        .prepare_cached("SELECT id, agreement_json, self_name, adopted_at FROM commonwealth")
        .await
        .map_err(error)?;
    let Some(row) = client.query_opt(&stmt, &[]).await.map_err(error)? else {
        return Ok(None);
    };
    Ok(Some(CommonwealthRecord {
        id: get(&row, 0)?,
        agreement_json: get(&row, 1)?,
        self_name: get(&row, 2)?,
        adopted_at: get(&row, 3)?,
    }))
}

/// Stores an act; `false` when it was there.
pub(super) async fn insert_act<C: GenericClient>(
    client: &C,
    act: &StoredAct,
) -> Result<bool, StoreError> {
    let stmt = client
        .prepare_cached(
            "INSERT INTO ledger_acts (hash, json, received_at) VALUES ($1, $2, $3)
             ON CONFLICT (hash) DO NOTHING",
        )
        .await
        .map_err(error)?;
    let inserted = client
        .execute(&stmt, &[&act.hash, &act.json, &act.received_at])
        .await
        .map_err(error)?;
    Ok(inserted > 0)
}

pub(super) async fn acts(client: &Client) -> Result<Vec<StoredAct>, StoreError> {
    let stmt = client
        .prepare_cached("SELECT hash, json, received_at FROM ledger_acts ORDER BY seq")
        .await
        .map_err(error)?;
    client
        .query(&stmt, &[])
        .await
        .map_err(error)?
        .iter()
        .map(|row| {
            Ok(StoredAct {
                hash: get(row, 0)?,
                json: get(row, 1)?,
                received_at: get(row, 2)?,
            })
        })
        .collect()
}

/// Stores provenance records; `received_at` is `None` for this node's own
/// shares and the time of arrival for received ones.
pub(super) async fn insert_provenance<C: GenericClient>(
    client: &C,
    rows: &[&ProvenanceRow],
    received_at: Option<i64>,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = rows.iter().map(|p| p.object.id.as_str()).collect();
    let keys: Vec<i64> = rows.iter().map(|p| p.object.version_key).collect();
    let origins: Vec<&str> = rows.iter().map(|p| p.origin.as_str()).collect();
    let recipients: Vec<&str> = rows.iter().map(|p| p.recipient.as_str()).collect();
    let jsons: Vec<&str> = rows.iter().map(|p| p.json.as_str()).collect();
    let records = store_texts(
        client,
        TextTable::ProvenanceRecords,
        &jsons,
        &mut Stored::new(),
    )
    .await?;
    let stmt = client
        .prepare_cached(
            "INSERT INTO provenance (object_id, version_key, origin, recipient, record_ref, received_at)
             SELECT *, $6::int8 FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::text[], $5::int8[])
             ON CONFLICT DO NOTHING",
        )
        .await
        .map_err(error)?;
    client
        .execute(
            &stmt,
            &[&ids, &keys, &origins, &recipients, &records, &received_at],
        )
        .await
        .map_err(error)?;
    Ok(())
}

pub(super) async fn provenance_of(
    client: &Client,
    object_id: &str,
) -> Result<Vec<ProvenanceRow>, StoreError> {
    let stmt = client
        .prepare_cached(
            "SELECT p.object_id, p.version_key, p.origin, p.recipient, r.json
             FROM provenance p JOIN provenance_records r ON r.n = p.record_ref
             WHERE p.object_id = $1 ORDER BY p.version_key, p.origin, p.recipient",
        )
        .await
        .map_err(error)?;
    client
        .query(&stmt, &[&object_id])
        .await
        .map_err(error)?
        .iter()
        .map(|row| {
            Ok(ProvenanceRow {
                object: ObjectKey {
                    id: get(row, 0)?,
                    version_key: get(row, 1)?,
                },
                origin: get(row, 2)?,
                recipient: get(row, 3)?,
                json: get(row, 4)?,
            })
        })
        .collect()
}

/// The member this node first received `object_id` from.
pub(super) async fn origin_of(
    client: &Client,
    object_id: &str,
) -> Result<Option<String>, StoreError> {
    let stmt = client
        .prepare_cached(
            "SELECT origin FROM provenance WHERE object_id = $1 AND received_at IS NOT NULL
             ORDER BY received_at, origin LIMIT 1",
        )
        .await
        .map_err(error)?;
    client
        .query_opt(&stmt, &[&object_id])
        .await
        .map_err(error)?
        .map(|row| get(&row, 0))
        .transpose()
}

/// [`origin_of`] for each of `object_ids`, in one query: the ids
/// received, with their origin.
pub(super) async fn origins_of(
    client: &Client,
    object_ids: &[String],
) -> Result<HashMap<String, String>, StoreError> {
    if object_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let stmt = client
        .prepare_cached(
            "SELECT DISTINCT ON (object_id) object_id, origin FROM provenance
             WHERE object_id = ANY($1) AND received_at IS NOT NULL
             ORDER BY object_id, received_at, origin",
        )
        .await
        .map_err(error)?;
    client
        .query(&stmt, &[&object_ids])
        .await
        .map_err(error)?
        .iter()
        .map(|row| Ok((get(row, 0)?, get(row, 1)?)))
        .collect()
}

pub(super) async fn insert_feedback<C: GenericClient>(
    client: &C,
    rows: &[&FeedbackRow],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let members: Vec<&str> = rows.iter().map(|f| f.member.as_str()).collect();
    let kinds: Vec<&str> = rows.iter().map(|f| f.kind.as_str()).collect();
    let ids: Vec<&str> = rows.iter().map(|f| f.id.as_str()).collect();
    let objects: Vec<Option<&str>> = rows.iter().map(|f| f.object_id.as_deref()).collect();
    let ats: Vec<i64> = rows.iter().map(|f| f.at).collect();
    let jsons: Vec<&str> = rows.iter().map(|f| f.json.as_str()).collect();
    let stmt = client
        .prepare_cached(
            "INSERT INTO feedback (member, kind, id, object_id, at, json)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::text[])
             ON CONFLICT DO NOTHING",
        )
        .await
        .map_err(error)?;
    client
        .execute(&stmt, &[&members, &kinds, &ids, &objects, &ats, &jsons])
        .await
        .map_err(error)?;
    Ok(())
}

fn feedback_row(row: &Row) -> Result<FeedbackRow, StoreError> {
    Ok(FeedbackRow {
        member: get(row, 0)?,
        kind: kind_from_str(&get::<String>(row, 1)?)?,
        id: get(row, 2)?,
        object_id: get(row, 3)?,
        at: get(row, 4)?,
        json: get(row, 5)?,
    })
}

pub(super) async fn feedback_of(
    client: &Client,
    object_id: &str,
) -> Result<Vec<FeedbackRow>, StoreError> {
    let stmt = client
        .prepare_cached(
            "SELECT member, kind, id, object_id, at, json FROM feedback
             WHERE object_id = $1 ORDER BY at, member, kind, id",
        )
        .await
        .map_err(error)?;
    client
        .query(&stmt, &[&object_id])
        .await
        .map_err(error)?
        .iter()
        .map(feedback_row)
        .collect()
}
