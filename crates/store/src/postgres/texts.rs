//! Texts stored once by content, as on SQLite (see its `texts`): outbox
//! payloads and signed provenance records, each under its SHA-256
//! ([`text_key`]), referred to by number.

use std::collections::{BTreeMap, HashMap};

use deadpool_postgres::GenericClient;
use liaison_core::StoreError;

use super::{error, get};
use crate::exchange::{TextTable, text_key};

/// Stores each distinct text of `texts` once (one stored already, by this
/// or an earlier transaction, is not stored again) and returns the number
/// of each, in order.
pub(super) async fn store_texts<C: GenericClient>(
    tx: &C,
    table: TextTable,
    texts: &[&str],
) -> Result<Vec<i64>, StoreError> {
    let keys: Vec<String> = texts.iter().map(|t| text_key(t)).collect();
    // In key order: two transactions storing the same texts take their
    // index entries in the same order, so they never wait on each other
    // in a cycle.
    let mut distinct: BTreeMap<&str, &str> = BTreeMap::new();
    for (key, text) in keys.iter().zip(texts) {
        distinct.entry(key.as_str()).or_insert(text);
    }
    let (new_keys, new_texts): (Vec<&str>, Vec<&str>) = distinct.into_iter().unzip();
    let stmt = tx
        .prepare_cached(&format!(
            "INSERT INTO {} (key, {}) SELECT * FROM UNNEST($1::text[], $2::text[]) ON CONFLICT (key) DO NOTHING",
            table.table(),
            table.column()
        ))
        .await
        .map_err(error)?;
    tx.execute(&stmt, &[&new_keys, &new_texts])
        .await
        .map_err(error)?;
    let stmt = tx
        .prepare_cached(&format!(
            "SELECT key, n FROM {} WHERE key = ANY($1)",
            table.table()
        ))
        .await
        .map_err(error)?;
    let mut numbers: HashMap<String, i64> = HashMap::new();
    for row in tx.query(&stmt, &[&new_keys]).await.map_err(error)? {
        numbers.insert(get(&row, 0)?, get(&row, 1)?);
    }
    keys.iter()
        .map(|key| {
            numbers
                .get(key)
                .copied()
                .ok_or_else(|| StoreError::Unavailable(format!("the text {key} was not stored")))
        })
        .collect()
}
