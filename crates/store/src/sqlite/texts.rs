//! Texts kept once per writing transaction: outbox payloads and signed
//! provenance records. A share to `all` sends every member the same
//! message and the same record; each is stored once and the rows of every
//! recipient refer to it by number. (Only within a transaction: across
//! transactions identical texts are rare, and finding them would need an
//! index on their content, written at random on every insert.)

use std::collections::HashMap;

use liaison_core::StoreError;
use rusqlite::{CachedStatement, Connection};

use super::error;
use crate::exchange::TextTable;

/// The texts of one writing transaction, each stored once (remembered by
/// the caller's own text, which outlives the transaction's statements).
pub(super) struct Texts<'c, 't> {
    conn: &'c Connection,
    insert: CachedStatement<'c>,
    known: HashMap<&'t str, i64>,
}

impl<'c, 't> Texts<'c, 't> {
    pub(super) fn new(conn: &'c Connection, table: TextTable) -> Result<Self, StoreError> {
        let insert = conn
            .prepare_cached(&format!(
                "INSERT INTO {} ({}) VALUES (?1)",
                table.table(),
                table.column()
            ))
            .map_err(error)?;
        Ok(Texts {
            conn,
            insert,
            known: HashMap::new(),
        })
    }

    /// The number of `text`, stored now unless this transaction stored it
    /// already.
    pub(super) fn store(&mut self, text: &'t str) -> Result<i64, StoreError> {
        if let Some(&n) = self.known.get(text) {
            return Ok(n);
        }
        self.insert.execute([text]).map_err(error)?;
        let n = self.conn.last_insert_rowid();
        self.known.insert(text, n);
        Ok(n)
    }
}
