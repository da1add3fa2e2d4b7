//! The per-peer outbox in PostgreSQL. Sequence numbers come from the
//! peer's row in `outbox_heads`, locked by the enqueuing transaction until
//! it commits: enqueuers of one peer, in any process, take turns, so the
//! numbers are unique and strictly increase in commit order, and a reader
//! paging with `seq > after` never sees a gap fill in behind it.

use std::collections::{BTreeMap, HashSet};

use deadpool_postgres::{Client, GenericClient};
use liaison_core::StoreError;
use liaison_core::exchange::OutboxRow;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::texts::{Stored, store_texts};
use super::{error, get};
use crate::exchange::{PeerMessages, TextTable};
use crate::shared::{kind_from_str, object_key, position, row_limit, to_u64};

/// Enqueues each peer's messages after its last sequence number, skipping
/// ids already queued for that peer; returns `(index, peer, seq)` of those
/// enqueued. `tx` must be a transaction: the peers' rows stay locked until
/// it ends.
pub(super) async fn enqueue<C: GenericClient>(
    tx: &C,
    now: i64,
    peers: BTreeMap<&str, PeerMessages<'_>>,
) -> Result<Vec<(usize, String, u64)>, StoreError> {
    let mut enqueued = Vec::new();
    // A share to `all` sends every peer the same payload: stored once.
    let mut stored = Stored::new();
    for (peer, messages) in peers {
        // Creates the row or, through the no-op update, locks it; a
        // concurrent enqueuer of this peer waits here until we commit, then
        // reads the last_seq we wrote.
        let lock = tx
            .prepare_cached(
                "INSERT INTO outbox_heads (peer, last_seq) VALUES ($1, 0)
                 ON CONFLICT (peer) DO UPDATE SET last_seq = outbox_heads.last_seq RETURNING last_seq",
            )
            .await
            .map_err(error)?;
        let mut last: i64 = get(&tx.query_one(&lock, &[&peer]).await.map_err(error)?, 0)?;
        let ids: Vec<&str> = messages.iter().map(|(_, m)| m.id.as_str()).collect();
        let queued = tx
            .prepare_cached("SELECT id FROM outbox WHERE peer = $1 AND id = ANY($2)")
            .await
            .map_err(error)?;
        let present: HashSet<String> = tx
            .query(&queued, &[&peer, &ids])
            .await
            .map_err(error)?
            .iter()
            .map(|row| get(row, 0))
            .collect::<Result<_, _>>()?;
        let fresh: Vec<_> = messages
            .into_iter()
            .filter(|(_, m)| !present.contains(&m.id))
            .collect();
        if fresh.is_empty() {
            continue;
        }
        let mut seqs = Vec::with_capacity(fresh.len());
        for (index, _) in &fresh {
            last = last
                .checked_add(1)
                .ok_or_else(|| StoreError::Corrupt(format!("the outbox of {peer} is full")))?;
            seqs.push(last);
            enqueued.push((*index, peer.to_owned(), to_u64(last, "outbox seq")?));
        }
        insert(tx, peer, now, &seqs, &fresh, &mut stored).await?;
        let advance = tx
            .prepare_cached("UPDATE outbox_heads SET last_seq = $2 WHERE peer = $1")
            .await
            .map_err(error)?;
        tx.execute(&advance, &[&peer, &last]).await.map_err(error)?;
    }
    Ok(enqueued)
}

async fn insert<'a, C: GenericClient>(
    tx: &C,
    peer: &str,
    now: i64,
    seqs: &[i64],
    messages: &PeerMessages<'a>,
    stored: &mut Stored<'a>,
) -> Result<(), StoreError> {
    let ids: Vec<&str> = messages.iter().map(|(_, m)| m.id.as_str()).collect();
    let kinds: Vec<&str> = messages.iter().map(|(_, m)| m.kind.as_str()).collect();
    let payloads: Vec<&'a str> = messages.iter().map(|&(_, m)| m.payload.as_str()).collect();
    let refs = store_texts(tx, TextTable::OutboxPayloads, &payloads, stored).await?;
    let objects: Vec<Option<&str>> = messages
        .iter()
        .map(|(_, m)| m.object.as_ref().map(|k| k.id.as_str()))
        .collect();
    let keys: Vec<Option<i64>> = messages
        .iter()
        .map(|(_, m)| m.object.as_ref().map(|k| k.version_key))
        .collect();
    let stmt = tx
        .prepare_cached(
            "INSERT INTO outbox (peer, seq, id, kind, payload_ref, object_id, version_key, created_at)
             SELECT $1::text, m.*, $8::int8 FROM UNNEST($2::int8[], $3::text[], $4::text[], $5::int8[], $6::text[], $7::int8[]) AS m",
        )
        .await
        .map_err(error)?;
    let params: [&(dyn ToSql + Sync); 8] =
        [&peer, &seqs, &ids, &kinds, &refs, &objects, &keys, &now];
    tx.execute(&stmt, &params).await.map_err(error)?;
    Ok(())
}

/// Messages with their payloads. The payload lives in its own table, once
/// (see [`super::texts`]), so marking a message delivered writes a short
/// row version, not the message.
const OUTBOX_SELECT: &str = "SELECT o.peer, o.seq, o.id, o.kind, p.payload, o.object_id, o.version_key, o.created_at, o.delivered_at
     FROM outbox o JOIN outbox_payloads p ON p.n = o.payload_ref";

fn to_row(row: &Row) -> Result<OutboxRow, StoreError> {
    Ok(OutboxRow {
        peer: get(row, 0)?,
        seq: to_u64(get(row, 1)?, "outbox seq")?,
        id: get(row, 2)?,
        kind: kind_from_str(&get::<String>(row, 3)?)?,
        payload: get(row, 4)?,
        object: object_key(get(row, 5)?, get(row, 6)?)?,
        created_at: get(row, 7)?,
        delivered_at: get(row, 8)?,
    })
}

async fn select(
    client: &Client,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<OutboxRow>, StoreError> {
    let stmt = client.prepare_cached(sql).await.map_err(error)?;
    client
        .query(&stmt, params)
        .await
        .map_err(error)?
        .iter()
        .map(to_row)
        .collect()
}

pub(super) async fn pending(
    client: &Client,
    peer: &str,
    limit: usize,
) -> Result<Vec<OutboxRow>, StoreError> {
    select(
        client,
        &format!(
            "{OUTBOX_SELECT} WHERE o.peer = $1 AND o.delivered_at IS NULL ORDER BY o.seq LIMIT $2"
        ),
        &[&peer, &row_limit(limit)],
    )
    .await
}

pub(super) async fn pending_count(client: &Client, peer: &str) -> Result<u64, StoreError> {
    let row = client
        .query_one(
            "SELECT count(*) FROM outbox WHERE peer = $1 AND delivered_at IS NULL",
            &[&peer],
        )
        .await
        .map_err(error)?;
    to_u64(row.get::<_, i64>(0), "outbox count")
}

pub(super) async fn after(
    client: &Client,
    peer: &str,
    after: u64,
    limit: usize,
) -> Result<Vec<OutboxRow>, StoreError> {
    select(
        client,
        &format!("{OUTBOX_SELECT} WHERE o.peer = $1 AND o.seq > $2 ORDER BY o.seq LIMIT $3"),
        &[&peer, &position(after), &row_limit(limit)],
    )
    .await
}

pub(super) async fn of_object(
    client: &Client,
    object_id: &str,
) -> Result<Vec<OutboxRow>, StoreError> {
    select(
        client,
        &format!("{OUTBOX_SELECT} WHERE o.object_id = $1 ORDER BY o.peer, o.seq"),
        &[&object_id],
    )
    .await
}

/// Marks messages delivered at `at`; the first delivery time is kept, and
/// sequence numbers never handed out are ignored.
pub(super) async fn mark<C: GenericClient>(
    tx: &C,
    peer: &str,
    seqs: &[u64],
    at: i64,
) -> Result<(), StoreError> {
    let seqs: Vec<i64> = seqs.iter().filter_map(|&s| i64::try_from(s).ok()).collect();
    if seqs.is_empty() {
        return Ok(());
    }
    let stmt = tx
        .prepare_cached(
            "UPDATE outbox SET delivered_at = $3 WHERE peer = $1 AND seq = ANY($2) AND delivered_at IS NULL",
        )
        .await
        .map_err(error)?;
    tx.execute(&stmt, &[&peer, &seqs, &at])
        .await
        .map_err(error)?;
    Ok(())
}

/// Marks the messages with these ids to `peer` delivered at `at` (those
/// delivered already keep their first time; unknown ids are ignored).
pub(super) async fn mark_ids<C: GenericClient>(
    tx: &C,
    peer: &str,
    ids: &[&str],
    at: i64,
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let stmt = tx
        .prepare_cached(
            "UPDATE outbox SET delivered_at = $3 WHERE peer = $1 AND id = ANY($2) AND delivered_at IS NULL",
        )
        .await
        .map_err(error)?;
    tx.execute(&stmt, &[&peer, &ids, &at])
        .await
        .map_err(error)?;
    Ok(())
}
