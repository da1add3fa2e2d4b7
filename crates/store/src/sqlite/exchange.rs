//! [`ExchangeStore`] on SQLite: the transactions that must be atomic
//! (share, receive, local feedback, delivery) and the replay guards
//! (nonces, applied message ids, pull positions). Each transaction begins
//! `IMMEDIATE` and goes through the same add path as `add_objects`
//! ([`super::objects::add_in`]); the decisions are the shared ones of
//! [`crate::exchange`], so the two back ends cannot disagree.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use liaison_core::StoreError;
use liaison_core::clock::Clock;
use liaison_core::exchange::{
    CommonwealthRecord, FeedbackRow, InboundBatch, MessageOutcome, OutboxMessage, OutboxRow,
    ProvenanceRow, ShareBatch, ShareOutcome, StoredAct,
};
use liaison_core::store::ExchangeStore;
use rusqlite::{Connection, OptionalExtension};

use super::objects::{add_in, write_transaction};
use super::{SqliteStore, error, outbox, records};
use crate::exchange::{
    advanced_position, by_peer, conflicted, decide, fresh, in_batch_order, message_ids,
    not_conflicted, objects_to_add, parts, replayed,
};
use crate::plan::valid_objects;
use crate::shared::{position, to_u64};

fn share(
    conn: &mut Connection,
    clock: &dyn Clock,
    batch: &ShareBatch,
) -> Result<ShareOutcome, StoreError> {
    let tx = write_transaction(conn)?;
    let added = add_in(&tx, clock, &batch.add)?;
    let conflicted = conflicted(&valid_objects(&batch.add), &added.outcomes);
    let provenance: Vec<&ProvenanceRow> = batch
        .provenance
        .iter()
        .filter(|p| not_conflicted(&conflicted, Some(&p.object)))
        .collect();
    records::insert_provenance(&tx, &provenance, None)?;
    let peers = by_peer(&batch.outbox, |m| {
        not_conflicted(&conflicted, m.object.as_ref())
    });
    let enqueued = outbox::enqueue(&tx, clock.now_micros(), peers)?;
    tx.commit().map_err(error)?;
    Ok(ShareOutcome {
        status: added.status,
        enqueued: in_batch_order(enqueued),
    })
}

fn receive(
    conn: &mut Connection,
    clock: &dyn Clock,
    batch: &InboundBatch,
) -> Result<Vec<MessageOutcome>, StoreError> {
    let tx = write_transaction(conn)?;
    let now = clock.now_micros();
    let nonce_is_new = tx
        .prepare_cached(
            "INSERT INTO nonces (origin, nonce, request_time) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        )
        .and_then(|mut s| s.execute((&batch.origin, &batch.nonce, batch.request_time)))
        .map_err(error)?
        > 0;
    if !nonce_is_new {
        // Dropping `tx` rolls back: nothing of this request is stored.
        return Err(replayed(batch));
    }
    let claimed = claim(&tx, &batch.origin, &message_ids(batch), now)?;
    let fresh = fresh(batch, &claimed);
    let add = objects_to_add(batch, &fresh);
    let added = add.as_deref().map(|r| add_in(&tx, clock, r)).transpose()?;
    let outcomes = decide(
        batch,
        &fresh,
        add.as_deref()
            .zip(added.as_ref())
            .map(|(r, a)| (r, a.outcomes.as_slice())),
    );
    let parts = parts(batch, &outcomes);
    records::insert_provenance(&tx, &parts.provenance, Some(now))?;
    records::insert_feedback(&tx, &parts.feedback)?;
    for act in parts.acts {
        records::insert_act(&tx, act)?;
    }
    let mut release = tx
        .prepare_cached("DELETE FROM applied_messages WHERE origin = ?1 AND message_id = ?2")
        .map_err(error)?;
    for id in parts.release {
        release.execute((&batch.origin, id)).map_err(error)?;
    }
    drop(release);
    outbox::mark_ids(&tx, &batch.origin, &parts.receipted, now)?;
    // The write lock is held: the position read is the one updated.
    if let Some(up_to) = advanced_position(pulled_up_to(&tx, &batch.origin)?, batch.log) {
        tx.prepare_cached(
            "INSERT INTO pull_positions (peer, up_to) VALUES (?1, ?2)
             ON CONFLICT (peer) DO UPDATE SET up_to = excluded.up_to",
        )
        .and_then(|mut s| s.execute((&batch.origin, position(up_to))))
        .map_err(error)?;
    }
    tx.commit().map_err(error)?;
    Ok(outcomes)
}

/// Records the ids not applied before; returns those recorded now.
fn claim(
    tx: &Connection,
    origin: &str,
    ids: &[&str],
    now: i64,
) -> Result<HashSet<String>, StoreError> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO applied_messages (origin, message_id, applied_at) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
        )
        .map_err(error)?;
    let mut claimed = HashSet::new();
    for &id in ids {
        if stmt.execute((origin, id, now)).map_err(error)? > 0 {
            claimed.insert(id.to_owned());
        }
    }
    Ok(claimed)
}

fn record_local_feedback(
    conn: &mut Connection,
    now: i64,
    feedback: &FeedbackRow,
    messages: &[OutboxMessage],
) -> Result<Vec<(String, u64)>, StoreError> {
    let tx = write_transaction(conn)?;
    records::insert_feedback(&tx, &[feedback])?;
    let enqueued = outbox::enqueue(&tx, now, by_peer(messages, |_| true))?;
    tx.commit().map_err(error)?;
    Ok(in_batch_order(enqueued))
}

fn enqueue(
    conn: &mut Connection,
    now: i64,
    messages: &[OutboxMessage],
) -> Result<Vec<(String, u64)>, StoreError> {
    let tx = write_transaction(conn)?;
    let enqueued = outbox::enqueue(&tx, now, by_peer(messages, |_| true))?;
    tx.commit().map_err(error)?;
    Ok(in_batch_order(enqueued))
}

fn record_act(
    conn: &mut Connection,
    now: i64,
    act: &StoredAct,
    messages: &[OutboxMessage],
) -> Result<(bool, Vec<(String, u64)>), StoreError> {
    let tx = write_transaction(conn)?;
    let new = records::insert_act(&tx, act)?;
    let enqueued = outbox::enqueue(&tx, now, by_peer(messages, |_| true))?;
    tx.commit().map_err(error)?;
    Ok((new, in_batch_order(enqueued)))
}

fn mark_delivered(
    conn: &mut Connection,
    peer: &str,
    seqs: &[u64],
    receipts: &[FeedbackRow],
    at: i64,
) -> Result<(), StoreError> {
    let tx = write_transaction(conn)?;
    outbox::mark(&tx, peer, seqs, at)?;
    records::insert_feedback(&tx, &receipts.iter().collect::<Vec<_>>())?;
    tx.commit().map_err(error)
}

fn pulled_up_to(conn: &Connection, peer: &str) -> Result<u64, StoreError> {
    let up_to: Option<i64> = conn
        .prepare_cached("SELECT up_to FROM pull_positions WHERE peer = ?1")
        .and_then(|mut s| s.query_row([peer], |r| r.get(0)).optional())
        .map_err(error)?;
    to_u64(up_to.unwrap_or(0), "pull position")
}

#[async_trait]
impl ExchangeStore for SqliteStore {
    async fn adopt_commonwealth(&self, record: &CommonwealthRecord) -> Result<(), StoreError> {
        let record = record.clone();
        self.write(move |conn, _| records::adopt(conn, &record))
            .await
    }

    async fn commonwealth(&self) -> Result<Option<CommonwealthRecord>, StoreError> {
        self.read(records::commonwealth).await
    }

    async fn insert_act(&self, act: &StoredAct) -> Result<bool, StoreError> {
        let act = act.clone();
        self.write(move |conn, _| records::insert_act(conn, &act))
            .await
    }

    async fn acts(&self) -> Result<Vec<StoredAct>, StoreError> {
        self.read(records::acts).await
    }

    async fn record_act(
        &self,
        act: &StoredAct,
        outbox: Vec<OutboxMessage>,
    ) -> Result<(bool, Vec<(String, u64)>), StoreError> {
        let act = act.clone();
        self.write(move |conn, clock| record_act(conn, clock.now_micros(), &act, &outbox))
            .await
    }

    async fn share(&self, batch: ShareBatch) -> Result<ShareOutcome, StoreError> {
        self.write(move |conn, clock| share(conn, clock, &batch))
            .await
    }

    async fn receive(&self, batch: InboundBatch) -> Result<Vec<MessageOutcome>, StoreError> {
        self.write(move |conn, clock| receive(conn, clock, &batch))
            .await
    }

    async fn record_local_feedback(
        &self,
        feedback: &FeedbackRow,
        outbox: Vec<OutboxMessage>,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let feedback = feedback.clone();
        self.write(move |conn, clock| {
            record_local_feedback(conn, clock.now_micros(), &feedback, &outbox)
        })
        .await
    }

    async fn enqueue(&self, outbox: Vec<OutboxMessage>) -> Result<Vec<(String, u64)>, StoreError> {
        self.write(move |conn, clock| enqueue(conn, clock.now_micros(), &outbox))
            .await
    }

    async fn outbox_pending(&self, peer: &str, limit: usize) -> Result<Vec<OutboxRow>, StoreError> {
        let peer = peer.to_owned();
        // On the writer: see `warm_read`.
        self.warm_read(move |conn| outbox::pending(conn, &peer, limit))
            .await
    }

    async fn outbox_pending_count(&self, peer: &str) -> Result<u64, StoreError> {
        let peer = peer.to_owned();
        self.read(move |conn| outbox::pending_count(conn, &peer))
            .await
    }

    async fn outbox_after(
        &self,
        peer: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let peer = peer.to_owned();
        self.warm_read(move |conn| outbox::after(conn, &peer, after, limit))
            .await
    }

    async fn mark_delivered(
        &self,
        peer: &str,
        seqs: &[u64],
        receipts: Vec<FeedbackRow>,
        at: i64,
    ) -> Result<(), StoreError> {
        let (peer, seqs) = (peer.to_owned(), seqs.to_vec());
        self.write(move |conn, _| mark_delivered(conn, &peer, &seqs, &receipts, at))
            .await
    }

    async fn pulled_up_to(&self, peer: &str) -> Result<u64, StoreError> {
        let peer = peer.to_owned();
        self.read(move |conn| pulled_up_to(conn, &peer)).await
    }

    async fn prune_nonces(&self, before: i64) -> Result<u64, StoreError> {
        self.write(move |conn, _| {
            let removed = conn
                .prepare_cached("DELETE FROM nonces WHERE request_time < ?1")
                .and_then(|mut s| s.execute([before]))
                .map_err(error)?;
            Ok(removed as u64)
        })
        .await
    }

    async fn provenance_of(&self, object_id: &str) -> Result<Vec<ProvenanceRow>, StoreError> {
        let id = object_id.to_owned();
        self.read(move |conn| records::provenance_of(conn, &id))
            .await
    }

    async fn origin_of(&self, object_id: &str) -> Result<Option<String>, StoreError> {
        let id = object_id.to_owned();
        self.read(move |conn| records::origin_of(conn, &id)).await
    }

    async fn origins_of(
        &self,
        object_ids: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        let ids = object_ids.to_vec();
        self.warm_read(move |conn| records::origins_of(conn, &ids))
            .await
    }

    async fn feedback_of(&self, object_id: &str) -> Result<Vec<FeedbackRow>, StoreError> {
        let id = object_id.to_owned();
        self.read(move |conn| records::feedback_of(conn, &id)).await
    }

    async fn outbox_of_object(&self, object_id: &str) -> Result<Vec<OutboxRow>, StoreError> {
        let id = object_id.to_owned();
        self.read(move |conn| outbox::of_object(conn, &id)).await
    }
}
