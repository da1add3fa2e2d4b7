//! Texts stored once by content: outbox payloads and signed provenance
//! records. A share to `all` sends every member the same message and the
//! same record; each is kept once, under its SHA-256 ([`text_key`]), and
//! rows refer to it by number.

use std::collections::HashMap;

use liaison_core::StoreError;
use rusqlite::{CachedStatement, Connection, OptionalExtension};

use super::error;
use crate::exchange::{TextTable, text_key};

/// The texts of one writing transaction: each stored once, its number
/// remembered for the next row that refers to it.
pub(super) struct Texts<'c> {
    insert: CachedStatement<'c>,
    find: CachedStatement<'c>,
    known: HashMap<String, i64>,
}

impl<'c> Texts<'c> {
    pub(super) fn new(tx: &'c Connection, table: TextTable) -> Result<Self, StoreError> {
        Ok(Texts {
            insert: tx
                .prepare_cached(&format!(
                    "INSERT INTO {} (key, {}) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING RETURNING n",
                    table.table(),
                    table.column()
                ))
                .map_err(error)?,
            find: tx
                .prepare_cached(&format!("SELECT n FROM {} WHERE key = ?1", table.table()))
                .map_err(error)?,
            known: HashMap::new(),
        })
    }

    /// The number of `text`, stored now if no row had it yet.
    pub(super) fn store(&mut self, text: &str) -> Result<i64, StoreError> {
        let key = text_key(text);
        if let Some(&n) = self.known.get(&key) {
            return Ok(n);
        }
        // Stored now (the number returned), or by an earlier row.
        let inserted: Option<i64> = self
            .insert
            .query_row((&key, text), |r| r.get(0))
            .optional()
            .map_err(error)?;
        let n = match inserted {
            Some(n) => n,
            None => self.find.query_row([&key], |r| r.get(0)).map_err(error)?,
        };
        self.known.insert(key, n);
        Ok(n)
    }
}
