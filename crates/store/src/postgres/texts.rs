//! Texts kept once per writing transaction, as on SQLite (see its
//! `texts`): outbox payloads and signed provenance records.

use std::collections::{HashMap, HashSet};

use deadpool_postgres::GenericClient;
use liaison_core::StoreError;

use super::{error, get};
use crate::exchange::TextTable;

/// Texts this transaction stored already (the caller's own texts): their
/// numbers.
pub(super) type Stored<'t> = HashMap<&'t str, i64>;

/// Stores each distinct text of `texts` that `stored` lacks, once, and
/// returns the number of each text, in order. The numbers are drawn from
/// the table's sequence first, so that each text's number is known without
/// relying on the order of an insert's returned rows.
pub(super) async fn store_texts<'t, C: GenericClient>(
    tx: &C,
    table: TextTable,
    texts: &[&'t str],
    stored: &mut Stored<'t>,
) -> Result<Vec<i64>, StoreError> {
    let mut seen: HashSet<&str> = HashSet::new();
    let fresh: Vec<&str> = texts
        .iter()
        .copied()
        .filter(|&text| !stored.contains_key(text) && seen.insert(text))
        .collect();
    if !fresh.is_empty() {
        let count = i64::try_from(fresh.len())
            .map_err(|_| StoreError::Unavailable("too many texts in one transaction".into()))?;
        let draw = tx
            .prepare_cached(&format!(
                "SELECT nextval(pg_get_serial_sequence('{}', 'n')) FROM generate_series(1, $1::int8)",
                table.table()
            ))
            .await
            .map_err(error)?;
        let numbers: Vec<i64> = tx
            .query(&draw, &[&count])
            .await
            .map_err(error)?
            .iter()
            .map(|row| get(row, 0))
            .collect::<Result<_, _>>()?;
        let insert = tx
            .prepare_cached(&format!(
                "INSERT INTO {} (n, {}) SELECT * FROM UNNEST($1::int8[], $2::text[])",
                table.table(),
                table.column()
            ))
            .await
            .map_err(error)?;
        tx.execute(&insert, &[&numbers, &fresh])
            .await
            .map_err(error)?;
        for (text, n) in fresh.into_iter().zip(numbers) {
            stored.insert(text, n);
        }
    }
    texts
        .iter()
        .map(|&text| {
            stored
                .get(text)
                .copied()
                .ok_or_else(|| StoreError::Unavailable("a text was not stored".into()))
        })
        .collect()
}
