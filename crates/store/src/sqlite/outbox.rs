//! The per-peer outbox in SQLite. Sequence numbers come from
//! `outbox_heads`, read and advanced inside the caller's write
//! transaction: SQLite's database-wide write lock, held from `BEGIN
//! IMMEDIATE` to commit, makes the numbers strictly increase in commit
//! order across connections and processes.

use std::collections::BTreeMap;

use liaison_core::StoreError;
use liaison_core::exchange::OutboxRow;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::error;
use super::texts::Texts;
use crate::exchange::{PeerMessages, TextTable};
use crate::shared::{kind_from_str, object_key, position, row_limit, to_i64, to_u64};

/// Enqueues each peer's messages after its last sequence number, skipping
/// ids already queued for that peer; returns `(index, peer, seq)` of those
/// enqueued. `tx` must be a write transaction.
pub(super) fn enqueue(
    tx: &Connection,
    now: i64,
    peers: BTreeMap<&str, PeerMessages<'_>>,
) -> Result<Vec<(usize, String, u64)>, StoreError> {
    let mut enqueued = Vec::new();
    let mut head = tx
        .prepare_cached("SELECT last_seq FROM outbox_heads WHERE peer = ?1")
        .map_err(error)?;
    // One statement per message: an id already queued for the peer is
    // skipped by the conflict, and then takes no sequence number.
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO outbox (peer, seq, id, kind, payload_ref, object_id, version_key, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (peer, id) DO NOTHING",
        )
        .map_err(error)?;
    let mut payloads = Texts::new(tx, TextTable::OutboxPayloads)?;
    let mut advance = tx
        .prepare_cached(
            "INSERT INTO outbox_heads (peer, last_seq) VALUES (?1, ?2)
             ON CONFLICT (peer) DO UPDATE SET last_seq = excluded.last_seq",
        )
        .map_err(error)?;
    for (peer, messages) in peers {
        let mut last: i64 = head
            .query_row([peer], |r| r.get(0))
            .optional()
            .map_err(error)?
            .unwrap_or(0);
        let first = last;
        for (index, m) in messages {
            let seq = last
                .checked_add(1)
                .ok_or_else(|| StoreError::Corrupt(format!("the outbox of {peer} is full")))?;
            let (object_id, version_key) = match &m.object {
                Some(k) => (Some(k.id.as_str()), Some(k.version_key)),
                None => (None, None),
            };
            let payload = payloads.store(&m.payload)?;
            let inserted = insert
                .execute(params![
                    peer,
                    seq,
                    m.id,
                    m.kind.as_str(),
                    payload,
                    object_id,
                    version_key,
                    now
                ])
                .map_err(error)?;
            if inserted == 0 {
                continue;
            }
            last = seq;
            enqueued.push((index, peer.to_owned(), to_u64(last, "outbox seq")?));
        }
        if last != first {
            advance.execute((peer, last)).map_err(error)?;
        }
    }
    Ok(enqueued)
}

/// Messages with their payloads: the payload lives in its own table, once
/// (see [`super::texts`]), so marking a message delivered rewrites a short
/// row.
const OUTBOX_SELECT: &str = "SELECT o.peer, o.seq, o.id, o.kind, p.payload, o.object_id, o.version_key, o.created_at, o.delivered_at
     FROM outbox o JOIN outbox_payloads p ON p.n = o.payload_ref";

type Columns = (
    (String, i64, String, String, String),
    (Option<String>, Option<i64>, i64, Option<i64>),
);

fn columns(r: &Row<'_>) -> rusqlite::Result<Columns> {
    Ok((
        (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?),
        (r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?),
    ))
}

fn to_row(
    ((peer, seq, id, kind, payload), (object_id, version_key, created_at, delivered_at)): Columns,
) -> Result<OutboxRow, StoreError> {
    Ok(OutboxRow {
        peer,
        seq: to_u64(seq, "outbox seq")?,
        id,
        kind: kind_from_str(&kind)?,
        payload,
        object: object_key(object_id, version_key)?,
        created_at,
        delivered_at,
    })
}

fn select(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<OutboxRow>, StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(error)?;
    let rows = stmt.query_map(params, columns).map_err(error)?;
    rows.map(|r| r.map_err(error).and_then(to_row)).collect()
}

pub(super) fn pending(
    conn: &Connection,
    peer: &str,
    limit: usize,
) -> Result<Vec<OutboxRow>, StoreError> {
    select(
        conn,
        &format!(
            "{OUTBOX_SELECT} WHERE o.peer = ?1 AND o.delivered_at IS NULL ORDER BY o.seq LIMIT ?2"
        ),
        (peer, row_limit(limit)),
    )
}

pub(super) fn pending_count(conn: &Connection, peer: &str) -> Result<u64, StoreError> {
    let count: i64 = conn
        .prepare_cached("SELECT count(*) FROM outbox WHERE peer = ?1 AND delivered_at IS NULL")
        .and_then(|mut s| s.query_row([peer], |r| r.get(0)))
        .map_err(error)?;
    to_u64(count, "outbox count")
}

pub(super) fn after(
    conn: &Connection,
    peer: &str,
    after: u64,
    limit: usize,
) -> Result<Vec<OutboxRow>, StoreError> {
    select(
        conn,
        &format!("{OUTBOX_SELECT} WHERE o.peer = ?1 AND o.seq > ?2 ORDER BY o.seq LIMIT ?3"),
        (peer, position(after), row_limit(limit)),
    )
}

pub(super) fn of_object(conn: &Connection, object_id: &str) -> Result<Vec<OutboxRow>, StoreError> {
    select(
        conn,
        &format!("{OUTBOX_SELECT} WHERE o.object_id = ?1 ORDER BY o.peer, o.seq"),
        [object_id],
    )
}

/// Marks messages delivered at `at`; the first delivery time is kept, and
/// sequence numbers never handed out are ignored.
pub(super) fn mark(tx: &Connection, peer: &str, seqs: &[u64], at: i64) -> Result<(), StoreError> {
    let mut stmt = tx
        .prepare_cached(
            "UPDATE outbox SET delivered_at = ?3 WHERE peer = ?1 AND seq = ?2 AND delivered_at IS NULL",
        )
        .map_err(error)?;
    for &seq in seqs {
        let Ok(seq) = to_i64(seq, "outbox seq") else {
            continue;
        };
        stmt.execute((peer, seq, at)).map_err(error)?;
    }
    Ok(())
}

/// Marks the messages with these ids to `peer` delivered at `at` (those
/// delivered already keep their first time; unknown ids are ignored).
pub(super) fn mark_ids(
    tx: &Connection,
    peer: &str,
    ids: &[&str],
    at: i64,
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut stmt = tx
        .prepare_cached(
            "UPDATE outbox SET delivered_at = ?3 WHERE peer = ?1 AND id = ?2 AND delivered_at IS NULL",
        )
        .map_err(error)?;
    for id in ids {
        stmt.execute((peer, id, at)).map_err(error)?;
    }
    Ok(())
}
