//! API roots and collections in PostgreSQL.

use deadpool_postgres::{Client, GenericClient};
use liaison_core::StoreError;
use liaison_core::model::{ApiRoot, Collection};
use tokio_postgres::Row;

use super::{error, get};
use crate::shared::{to_i64, to_u64};

pub(super) async fn put_api_root(client: &Client, root: &ApiRoot) -> Result<(), StoreError> {
    let max = to_i64(root.max_content_length, "max_content_length")?;
    let stmt = client
        .prepare_cached(
            "INSERT INTO api_roots (name, title, description, max_content_length) VALUES ($1, $2, $3, $4)
             ON CONFLICT (name) DO UPDATE SET title = excluded.title, description = excluded.description,
             max_content_length = excluded.max_content_length",
        )
        .await
        .map_err(error)?;
    client
        .execute(&stmt, &[&root.name, &root.title, &root.description, &max])
        .await
        .map_err(error)?;
    Ok(())
}

fn api_root_row(row: &Row) -> Result<ApiRoot, StoreError> {
    Ok(ApiRoot {
        name: get(row, 0)?,
        title: get(row, 1)?,
        description: get(row, 2)?,
        max_content_length: to_u64(get(row, 3)?, "max_content_length")?,
    })
}

pub(super) async fn api_roots(client: &Client) -> Result<Vec<ApiRoot>, StoreError> {
    let stmt = client
        .prepare_cached(
            "SELECT name, title, description, max_content_length FROM api_roots ORDER BY name",
        )
        .await
        .map_err(error)?;
    client
        .query(&stmt, &[])
        .await
        .map_err(error)?
        .iter()
        .map(api_root_row)
        .collect()
}

pub(super) async fn api_root(client: &Client, name: &str) -> Result<Option<ApiRoot>, StoreError> {
    let stmt = client
        .prepare_cached(
            "SELECT name, title, description, max_content_length FROM api_roots WHERE name = $1",
        )
        .await
        .map_err(error)?;
    client
        .query_opt(&stmt, &[&name])
        .await
        .map_err(error)?
        .as_ref()
        .map(api_root_row)
        .transpose()
}

pub(super) async fn create_collection(
    client: &mut Client,
    c: &Collection,
) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(error)?;
    // Lock the API root row so that two creators of the same alias cannot
    // both pass the checks below (the unique constraint would still stop
    // the second, with a less helpful message).
    let root = tx
        .query_opt(
            "SELECT 1 FROM api_roots WHERE name = $1 FOR UPDATE",
            &[&c.api_root],
        )
        .await
        .map_err(error)?;
    if root.is_none() {
        return Err(StoreError::NotFound(format!("API root '{}'", c.api_root)));
    }
    let id_taken = tx
        .query_opt(
            "SELECT 1 FROM collections WHERE api_root = $1 AND id = $2",
            &[&c.api_root, &c.id],
        )
        .await
        .map_err(error)?;
    if id_taken.is_some() {
        return Err(StoreError::Conflict(format!(
            "collection {} exists in API root '{}'",
            c.id, c.api_root
        )));
    }
    if let Some(alias) = &c.alias {
        let alias_taken = tx
            .query_opt(
                "SELECT 1 FROM collections WHERE api_root = $1 AND alias = $2",
                &[&c.api_root, alias],
            )
            .await
            .map_err(error)?;
        if alias_taken.is_some() {
            return Err(StoreError::Conflict(format!(
                "alias '{alias}' is taken in API root '{}'",
                c.api_root
            )));
        }
    }
    tx.execute(
        "INSERT INTO collections (api_root, id, title, description, alias) VALUES ($1, $2, $3, $4, $5)",
        &[&c.api_root, &c.id, &c.title, &c.description, &c.alias],
    )
    .await
    .map_err(error)?;
    tx.commit().await.map_err(error)
}

const COLLECTION_COLUMNS: &str = "id, api_root, title, description, alias";

fn collection_row(row: &Row) -> Result<Collection, StoreError> {
    Ok(Collection {
        id: get(row, 0)?,
        api_root: get(row, 1)?,
        title: get(row, 2)?,
        description: get(row, 3)?,
        alias: get(row, 4)?,
    })
}

pub(super) async fn collections(
    client: &Client,
    api_root: &str,
) -> Result<Vec<Collection>, StoreError> {
    let stmt = client
        .prepare_cached(&format!(
            "SELECT {COLLECTION_COLUMNS} FROM collections WHERE api_root = $1 ORDER BY seq"
        ))
        .await
        .map_err(error)?;
    client
        .query(&stmt, &[&api_root])
        .await
        .map_err(error)?
        .iter()
        .map(collection_row)
        .collect()
}

pub(super) async fn collection(
    client: &Client,
    api_root: &str,
    key: &str,
) -> Result<Option<Collection>, StoreError> {
    // An id wins over an alias spelled the same.
    let stmt = client
        .prepare_cached(&format!(
            "SELECT {COLLECTION_COLUMNS} FROM collections WHERE api_root = $1 AND (id = $2 OR alias = $2)
             ORDER BY id = $2 DESC LIMIT 1"
        ))
        .await
        .map_err(error)?;
    client
        .query_opt(&stmt, &[&api_root, &key])
        .await
        .map_err(error)?
        .as_ref()
        .map(collection_row)
        .transpose()
}

/// The internal key of a collection, by id; `lock` takes the writers' lock
/// on its row until the end of the transaction.
pub(super) async fn collection_key<C: GenericClient>(
    client: &C,
    api_root: &str,
    id: &str,
    lock: bool,
) -> Result<(i64, i64), StoreError> {
    let sql = if lock {
        "SELECT seq, last_date_added FROM collections WHERE api_root = $1 AND id = $2 FOR NO KEY UPDATE"
    } else {
        "SELECT seq, last_date_added FROM collections WHERE api_root = $1 AND id = $2"
    };
    let stmt = client.prepare_cached(sql).await.map_err(error)?;
    let row = client
        .query_opt(&stmt, &[&api_root, &id])
        .await
        .map_err(error)?;
    let row = row.ok_or_else(|| not_found(api_root, id))?;
    Ok((get(&row, 0)?, get(&row, 1)?))
}

pub(super) fn not_found(api_root: &str, id: &str) -> StoreError {
    StoreError::NotFound(format!("collection {id} in API root '{api_root}'"))
}
