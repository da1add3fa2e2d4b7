//! API roots and collections in SQLite.

use liaison_core::StoreError;
use liaison_core::model::{ApiRoot, Collection};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior};

use super::error;
use crate::shared::{to_i64, to_u64};

pub(super) fn put_api_root(conn: &mut Connection, root: &ApiRoot) -> Result<(), StoreError> {
    let max = to_i64(root.max_content_length, "max_content_length")?;
    conn.prepare_cached(
        "INSERT INTO api_roots (name, title, description, max_content_length) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET title = excluded.title, description = excluded.description,
         max_content_length = excluded.max_content_length",
    )
    .and_then(|mut s| s.execute((&root.name, &root.title, &root.description, max)))
    .map_err(error)?;
    Ok(())
}

fn api_root_row(row: &Row<'_>) -> rusqlite::Result<(String, String, Option<String>, i64)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

fn to_api_root(
    (name, title, description, max): (String, String, Option<String>, i64),
) -> Result<ApiRoot, StoreError> {
    Ok(ApiRoot {
        name,
        title,
        description,
        max_content_length: to_u64(max, "max_content_length")?,
    })
}

pub(super) fn api_roots(conn: &Connection) -> Result<Vec<ApiRoot>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT name, title, description, max_content_length FROM api_roots ORDER BY name",
        )
        .map_err(error)?;
    let rows = stmt.query_map([], api_root_row).map_err(error)?;
    rows.map(|r| r.map_err(error).and_then(to_api_root))
        .collect()
}

pub(super) fn api_root(conn: &Connection, name: &str) -> Result<Option<ApiRoot>, StoreError> {
    conn.prepare_cached(
        "SELECT name, title, description, max_content_length FROM api_roots WHERE name = ?1",
    )
    .and_then(|mut s| s.query_row([name], api_root_row).optional())
    .map_err(error)?
    .map(to_api_root)
    .transpose()
}

pub(super) fn create_collection(conn: &mut Connection, c: &Collection) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(error)?;
    let root_exists = tx
        .query_row(
            "SELECT 1 FROM api_roots WHERE name = ?1",
            [&c.api_root],
            |_| Ok(()),
        )
        .optional()
        .map_err(error)?;
    if root_exists.is_none() {
        return Err(StoreError::NotFound(format!("API root '{}'", c.api_root)));
    }
    let taken = |column: &str, value: &str| -> Result<bool, StoreError> {
        let sql = format!("SELECT 1 FROM collections WHERE api_root = ?1 AND {column} = ?2");
        Ok(tx
            .query_row(&sql, [&c.api_root, value], |_| Ok(()))
            .optional()
            .map_err(error)?
            .is_some())
    };
    if taken("id", &c.id)? {
        return Err(StoreError::Conflict(format!(
            "collection {} exists in API root '{}'",
            c.id, c.api_root
        )));
    }
    if let Some(alias) = &c.alias
        && taken("alias", alias)?
    {
        return Err(StoreError::Conflict(format!(
            "alias '{alias}' is taken in API root '{}'",
            c.api_root
        )));
    }
    tx.execute(
        "INSERT INTO collections (api_root, id, title, description, alias) VALUES (?1, ?2, ?3, ?4, ?5)",
        (&c.api_root, &c.id, &c.title, &c.description, &c.alias),
    )
    .map_err(error)?;
    tx.commit().map_err(error)
}

const COLLECTION_COLUMNS: &str = "id, api_root, title, description, alias";

fn collection_row(row: &Row<'_>) -> rusqlite::Result<Collection> {
    Ok(Collection {
        id: row.get(0)?,
        api_root: row.get(1)?,
        title: row.get(2)?,
        description: row.get(3)?,
        alias: row.get(4)?,
    })
}

pub(super) fn collections(
    conn: &Connection,
    api_root: &str,
) -> Result<Vec<Collection>, StoreError> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLLECTION_COLUMNS} FROM collections WHERE api_root = ?1 ORDER BY seq"
        ))
        .map_err(error)?;
    let rows = stmt.query_map([api_root], collection_row).map_err(error)?;
    rows.map(|r| r.map_err(error)).collect()
}

pub(super) fn collection(
    conn: &Connection,
    api_root: &str,
    key: &str,
) -> Result<Option<Collection>, StoreError> {
    // An id wins over an alias spelled the same (aliases may not look like ids,
    // but stored data is not ours to trust).
    conn.prepare_cached(&format!(
        "SELECT {COLLECTION_COLUMNS} FROM collections WHERE api_root = ?1 AND (id = ?2 OR alias = ?2)
         ORDER BY id = ?2 DESC LIMIT 1"
    ))
    .and_then(|mut s| s.query_row([api_root, key], collection_row).optional())
    .map_err(error)
}

/// The internal key of a collection, by id.
pub(super) fn collection_key(
    conn: &Connection,
    api_root: &str,
    id: &str,
) -> Result<i64, StoreError> {
    conn.prepare_cached("SELECT seq FROM collections WHERE api_root = ?1 AND id = ?2")
        .and_then(|mut s| s.query_row([api_root, id], |row| row.get(0)).optional())
        .map_err(error)?
        .ok_or_else(|| not_found(api_root, id))
}

pub(super) fn not_found(api_root: &str, id: &str) -> StoreError {
    StoreError::NotFound(format!("collection {id} in API root '{api_root}'"))
}
