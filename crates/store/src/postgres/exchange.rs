//! [`ExchangeStore`] on PostgreSQL: the transactions that must be atomic
//! (share, receive, local feedback, delivery) and the replay guards
//! (nonces, applied message ids, pull positions). Each goes through the
//! same add path as `add_objects` ([`super::objects::add_in`]) and the
//! shared decisions of [`crate::exchange`].
//!
//! Several processes may run these at once. What keeps them correct:
//! - a nonce or a message id is claimed by inserting it (`ON CONFLICT DO
//!   NOTHING`): a second transaction inserting the same key waits for the
//!   first to end, then finds it taken, so a request or a message applies
//!   once even when two copies arrive together;
//! - locks are taken in one order, collection row first, then peers'
//!   outbox rows by name (see [`super::outbox`]), and message ids are
//!   claimed sorted, so transactions do not wait on each other in a cycle.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use deadpool_postgres::{Client, Transaction};
use liaison_core::StoreError;
use liaison_core::clock::Clock;
use liaison_core::exchange::{
    CommonwealthRecord, FeedbackRow, InboundBatch, MessageOutcome, OutboxMessage, OutboxRow,
    ProvenanceRow, ShareBatch, ShareOutcome, StoredAct,
};
use liaison_core::store::ExchangeStore;

use super::objects::add_in;
use super::{PgStore, error, get, outbox, records};
use crate::exchange::{
    by_peer, conflicted, decide, fresh, in_batch_order, message_ids, not_conflicted,
    objects_to_add, parts, replayed,
};
use crate::plan::valid_objects;
use crate::shared::{position, to_u64};

async fn share(
    client: &mut Client,
    clock: &dyn Clock,
    batch: &ShareBatch,
) -> Result<ShareOutcome, StoreError> {
    let tx = client.transaction().await.map_err(error)?;
    let added = add_in(&tx, clock, &batch.add).await?;
    let conflicted = conflicted(&valid_objects(&batch.add), &added.outcomes);
    let provenance: Vec<&ProvenanceRow> = batch
        .provenance
        .iter()
        .filter(|p| not_conflicted(&conflicted, Some(&p.object)))
        .collect();
    records::insert_provenance(&tx, &provenance, None).await?;
    let peers = by_peer(&batch.outbox, |m| {
        not_conflicted(&conflicted, m.object.as_ref())
    });
    let enqueued = outbox::enqueue(&tx, clock.now_micros(), peers).await?;
    tx.commit().await.map_err(error)?;
    Ok(ShareOutcome {
        status: added.status,
        enqueued: in_batch_order(enqueued),
    })
}

async fn receive(
    client: &mut Client,
    clock: &dyn Clock,
    batch: &InboundBatch,
) -> Result<Vec<MessageOutcome>, StoreError> {
    let tx = client.transaction().await.map_err(error)?;
    let now = clock.now_micros();
    let nonce = tx
        .prepare_cached(
            "INSERT INTO nonces (origin, nonce, request_time) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .await
        .map_err(error)?;
    let recorded = tx
        .execute(&nonce, &[&batch.origin, &batch.nonce, &batch.request_time])
        .await
        .map_err(error)?;
    if recorded == 0 {
        // Dropping `tx` rolls back: nothing of this request is stored.
        return Err(replayed(batch));
    }
    let claimed = claim(&tx, &batch.origin, &message_ids(batch), now).await?;
    let fresh = fresh(batch, &claimed);
    let add = objects_to_add(batch, &fresh);
    let added = match &add {
        Some(request) => Some(add_in(&tx, clock, request).await?),
        None => None,
    };
    let outcomes = decide(
        batch,
        &fresh,
        add.as_deref()
            .zip(added.as_ref())
            .map(|(r, a)| (r, a.outcomes.as_slice())),
    );
    let parts = parts(batch, &outcomes);
    records::insert_provenance(&tx, &parts.provenance, Some(now)).await?;
    records::insert_feedback(&tx, &parts.feedback).await?;
    for act in parts.acts {
        records::insert_act(&tx, act).await?;
    }
    if !parts.release.is_empty() {
        tx.execute(
            "DELETE FROM applied_messages WHERE origin = $1 AND message_id = ANY($2)",
            &[&batch.origin, &parts.release],
        )
        .await
        .map_err(error)?;
    }
    outbox::mark_ids(&tx, &batch.origin, &parts.receipted, now).await?;
    if let Some(span) = batch.log {
        // The condition and the update in one statement; under concurrent
        // batches of one origin a span may fail to continue a position
        // another transaction is moving: it then stays (a later pull
        // covers it), never skipping ahead and never moving back.
        tx.execute(
            "INSERT INTO pull_positions (peer, up_to)
             SELECT $1::text, $3::int8
             WHERE $2::int8 <= coalesce((SELECT up_to FROM pull_positions WHERE peer = $1), 0) + 1
             ON CONFLICT (peer) DO UPDATE SET up_to = GREATEST(pull_positions.up_to, excluded.up_to)",
            &[&batch.origin, &position(span.first), &position(span.last)],
        )
        .await
        .map_err(error)?;
    }
    tx.commit().await.map_err(error)?;
    Ok(outcomes)
}

/// Records the ids not applied before; returns those recorded now.
async fn claim(
    tx: &Transaction<'_>,
    origin: &str,
    ids: &[&str],
    now: i64,
) -> Result<HashSet<String>, StoreError> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let stmt = tx
        .prepare_cached(
            "INSERT INTO applied_messages (origin, message_id, applied_at)
             SELECT $1::text, m, $3::int8 FROM UNNEST($2::text[]) AS m
             ON CONFLICT DO NOTHING RETURNING message_id",
        )
        .await
        .map_err(error)?;
    tx.query(&stmt, &[&origin, &ids, &now])
        .await
        .map_err(error)?
        .iter()
        .map(|row| get(row, 0))
        .collect()
}

async fn enqueue(
    client: &mut Client,
    now: i64,
    messages: &[OutboxMessage],
) -> Result<Vec<(String, u64)>, StoreError> {
    let tx = client.transaction().await.map_err(error)?;
    let enqueued = outbox::enqueue(&tx, now, by_peer(messages, |_| true)).await?;
    tx.commit().await.map_err(error)?;
    Ok(in_batch_order(enqueued))
}

async fn record_local_feedback(
    client: &mut Client,
    now: i64,
    feedback: &FeedbackRow,
    messages: &[OutboxMessage],
) -> Result<Vec<(String, u64)>, StoreError> {
    let tx = client.transaction().await.map_err(error)?;
    records::insert_feedback(&tx, &[feedback]).await?;
    let enqueued = outbox::enqueue(&tx, now, by_peer(messages, |_| true)).await?;
    tx.commit().await.map_err(error)?;
    Ok(in_batch_order(enqueued))
}

async fn record_act(
    client: &mut Client,
    now: i64,
    act: &StoredAct,
    messages: &[OutboxMessage],
) -> Result<(bool, Vec<(String, u64)>), StoreError> {
    let tx = client.transaction().await.map_err(error)?;
    let new = records::insert_act(&tx, act).await?;
    let enqueued = outbox::enqueue(&tx, now, by_peer(messages, |_| true)).await?;
    tx.commit().await.map_err(error)?;
    Ok((new, in_batch_order(enqueued)))
}

async fn mark_delivered(
    client: &mut Client,
    peer: &str,
    seqs: &[u64],
    receipts: &[FeedbackRow],
    at: i64,
) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(error)?;
    outbox::mark(&tx, peer, seqs, at).await?;
    records::insert_feedback(&tx, &receipts.iter().collect::<Vec<_>>()).await?;
    tx.commit().await.map_err(error)
}

#[async_trait]
impl ExchangeStore for PgStore {
    async fn adopt_commonwealth(&self, record: &CommonwealthRecord) -> Result<(), StoreError> {
        records::adopt(&self.client().await?, record).await
    }

    async fn commonwealth(&self) -> Result<Option<CommonwealthRecord>, StoreError> {
        records::commonwealth(&self.client().await?).await
    }

    async fn insert_act(&self, act: &StoredAct) -> Result<bool, StoreError> {
        records::insert_act(&self.client().await?, act).await
    }

    async fn acts(&self) -> Result<Vec<StoredAct>, StoreError> {
        records::acts(&self.client().await?).await
    }

    async fn record_act(
        &self,
        act: &StoredAct,
        outbox: Vec<OutboxMessage>,
    ) -> Result<(bool, Vec<(String, u64)>), StoreError> {
        let now = self.clock.now_micros();
        record_act(&mut self.client().await?, now, act, &outbox).await
    }

    async fn share(&self, batch: ShareBatch) -> Result<ShareOutcome, StoreError> {
        share(&mut self.client().await?, self.clock.as_ref(), &batch).await
    }

    async fn receive(&self, batch: InboundBatch) -> Result<Vec<MessageOutcome>, StoreError> {
        receive(&mut self.client().await?, self.clock.as_ref(), &batch).await
    }

    async fn record_local_feedback(
        &self,
        feedback: &FeedbackRow,
        outbox: Vec<OutboxMessage>,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let now = self.clock.now_micros();
        record_local_feedback(&mut self.client().await?, now, feedback, &outbox).await
    }

    async fn enqueue(&self, outbox: Vec<OutboxMessage>) -> Result<Vec<(String, u64)>, StoreError> {
        let now = self.clock.now_micros();
        enqueue(&mut self.client().await?, now, &outbox).await
    }

    async fn outbox_pending(&self, peer: &str, limit: usize) -> Result<Vec<OutboxRow>, StoreError> {
        outbox::pending(&self.client().await?, peer, limit).await
    }

    async fn outbox_pending_count(&self, peer: &str) -> Result<u64, StoreError> {
        outbox::pending_count(&self.client().await?, peer).await
    }

    async fn outbox_after(
        &self,
        peer: &str,
        after: u64,
        limit: usize,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        outbox::after(&self.client().await?, peer, after, limit).await
    }

    async fn mark_delivered(
        &self,
        peer: &str,
        seqs: &[u64],
        receipts: Vec<FeedbackRow>,
        at: i64,
    ) -> Result<(), StoreError> {
        mark_delivered(&mut self.client().await?, peer, seqs, &receipts, at).await
    }

    async fn pulled_up_to(&self, peer: &str) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_opt("SELECT up_to FROM pull_positions WHERE peer = $1", &[&peer])
            .await
            .map_err(error)?;
        match row {
            Some(row) => to_u64(get(&row, 0)?, "pull position"),
            None => Ok(0),
        }
    }

    async fn prune_nonces(&self, before: i64) -> Result<u64, StoreError> {
        self.client()
            .await?
            .execute("DELETE FROM nonces WHERE request_time < $1", &[&before])
            .await
            .map_err(error)
    }

    async fn provenance_of(&self, object_id: &str) -> Result<Vec<ProvenanceRow>, StoreError> {
        records::provenance_of(&self.client().await?, object_id).await
    }

    async fn origin_of(&self, object_id: &str) -> Result<Option<String>, StoreError> {
        records::origin_of(&self.client().await?, object_id).await
    }

    async fn origins_of(
        &self,
        object_ids: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        records::origins_of(&self.client().await?, object_ids).await
    }

    async fn feedback_of(&self, object_id: &str) -> Result<Vec<FeedbackRow>, StoreError> {
        records::feedback_of(&self.client().await?, object_id).await
    }

    async fn outbox_of_object(&self, object_id: &str) -> Result<Vec<OutboxRow>, StoreError> {
        outbox::of_object(&self.client().await?, object_id).await
    }
}
