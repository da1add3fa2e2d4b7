//! Object versions and statuses in PostgreSQL.

use deadpool_postgres::{Client, GenericClient, Transaction};
use liaison_core::StoreError;
use liaison_core::clock::Clock;
use liaison_core::ingest::{AddRequest, assemble_status};
use liaison_core::objects::{DeleteRequest, JsonPage, NewObject, ObjectQuery, Page, StoredObject};
use liaison_core::status::Status;
use tokio_postgres::types::ToSql;

use super::meta::collection_key;
use super::{error, get};
use crate::plan::{Added, Existing, Plan, Stored, first_date_added, plan, valid_objects};
use crate::shared::{
    details_from_json, details_to_json, fetch_limit, state_from_str, to_i64, to_u64,
};
use crate::sql::{Dialect, Param, Selection, delete_versions, repair_flags, select_page};

/// Stores a request's new versions and its status in one transaction.
pub(super) async fn add(
    client: &mut Client,
    clock: &dyn Clock,
    request: &AddRequest,
) -> Result<Status, StoreError> {
    let tx = client.transaction().await.map_err(error)?;
    let added = add_in(&tx, clock, request).await?;
    tx.commit().await.map_err(error)?;
    Ok(added.status)
}

/// Stores a request's new versions and its status inside `tx`: the one add
/// path that `add_objects`, `share` and `receive` all take.
pub(super) async fn add_in(
    tx: &Transaction<'_>,
    clock: &dyn Clock,
    request: &AddRequest,
) -> Result<Added, StoreError> {
    // The row lock serialises the writers of this collection until commit,
    // across processes: last_date_added read here is the latest committed.
    let (collection, last) =
        collection_key(tx, &request.api_root, &request.collection_id, true).await?;
    let objects = valid_objects(request);
    let existing = read_existing(tx, collection, &objects).await?;
    let plan = plan(
        &objects,
        &existing,
        first_date_added(clock.now_micros(), last)?,
    )?;
    apply(tx, collection, &plan).await?;
    let status = assemble_status(request, &plan.outcomes);
    insert_status(tx, &status).await?;
    Ok(Added {
        status,
        outcomes: plan.outcomes,
    })
}

/// What the collection holds of the request's ids, in two round trips.
async fn read_existing(
    tx: &Transaction<'_>,
    collection: i64,
    objects: &[&NewObject],
) -> Result<Existing, StoreError> {
    let mut existing = Existing::default();
    if objects.is_empty() {
        return Ok(existing);
    }
    let ids: Vec<&str> = objects.iter().map(|o| o.id.as_str()).collect();
    let stmt = tx
        .prepare_cached(
            "SELECT id, min(version_key), max(version_key) FROM objects
             WHERE collection = $1 AND id = ANY($2) GROUP BY id",
        )
        .await
        .map_err(error)?;
    for row in tx.query(&stmt, &[&collection, &ids]).await.map_err(error)? {
        existing
            .bounds
            .insert(get(&row, 0)?, (get(&row, 1)?, get(&row, 2)?));
    }
    // Exact versions can only be stored for ids that have any version.
    let (ids, keys): (Vec<&str>, Vec<i64>) = objects
        .iter()
        .filter(|o| existing.bounds.contains_key(&o.id))
        .map(|o| (o.id.as_str(), o.version_key))
        .unzip();
    if ids.is_empty() {
        return Ok(existing);
    }
    let stmt = tx
        .prepare_cached(
            "SELECT o.id, o.version_key, o.date_added, o.json
             FROM UNNEST($2::text[], $3::int8[]) AS r (id, version_key)
             JOIN objects o ON o.collection = $1 AND o.id = r.id AND o.version_key = r.version_key",
        )
        .await
        .map_err(error)?;
    for row in tx
        .query(&stmt, &[&collection, &ids, &keys])
        .await
        .map_err(error)?
    {
        let stored = Stored {
            date_added: get(&row, 2)?,
            json: get(&row, 3)?,
        };
        existing
            .versions
            .entry(get(&row, 0)?)
            .or_default()
            .insert(get(&row, 1)?, stored);
    }
    Ok(existing)
}

async fn apply(tx: &Transaction<'_>, collection: i64, plan: &Plan<'_>) -> Result<(), StoreError> {
    // Clear the old flags first, so that they are never set on the new rows.
    for (ids, sql) in [
        (
            &plan.unset_first,
            "UPDATE objects SET is_first = false WHERE collection = $1 AND id = ANY($2) AND is_first",
        ),
        (
            &plan.unset_last,
            "UPDATE objects SET is_last = false WHERE collection = $1 AND id = ANY($2) AND is_last",
        ),
    ] {
        if !ids.is_empty() {
            let stmt = tx.prepare_cached(sql).await.map_err(error)?;
            tx.execute(&stmt, &[&collection, ids])
                .await
                .map_err(error)?;
        }
    }
    if plan.rows.is_empty() {
        return Ok(());
    }
    let rows = &plan.rows;
    let date_added: Vec<i64> = rows.iter().map(|r| r.date_added).collect();
    let ids: Vec<&str> = rows.iter().map(|r| r.object.id.as_str()).collect();
    let types: Vec<&str> = rows.iter().map(|r| r.object.object_type.as_str()).collect();
    let spec_versions: Vec<&str> = rows
        .iter()
        .map(|r| r.object.spec_version.as_str())
        .collect();
    let versions: Vec<&str> = rows.iter().map(|r| r.object.version.as_str()).collect();
    let version_keys: Vec<i64> = rows.iter().map(|r| r.object.version_key).collect();
    let firsts: Vec<bool> = rows.iter().map(|r| r.is_first).collect();
    let lasts: Vec<bool> = rows.iter().map(|r| r.is_last).collect();
    let jsons: Vec<&str> = rows.iter().map(|r| r.object.json.as_str()).collect();
    let tlps: Vec<i16> = rows.iter().map(|r| i16::from(r.object.tlp)).collect();
    let stmt = tx
        .prepare_cached(
            "INSERT INTO objects (collection, date_added, id, type, spec_version, version, version_key,
             is_first, is_last, json, tlp)
             SELECT $1, * FROM UNNEST($2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int8[],
             $8::bool[], $9::bool[], $10::text[], $11::int2[])",
        )
        .await
        .map_err(error)?;
    tx.execute(
        &stmt,
        &[
            &collection,
            &date_added,
            &ids,
            &types,
            &spec_versions,
            &versions,
            &version_keys,
            &firsts,
            &lasts,
            &jsons,
            &tlps,
        ],
    )
    .await
    .map_err(error)?;
    let stmt = tx
        .prepare_cached("UPDATE collections SET last_date_added = $2 WHERE seq = $1")
        .await
        .map_err(error)?;
    tx.execute(&stmt, &[&collection, &date_added.last()])
        .await
        .map_err(error)?;
    Ok(())
}

async fn insert_status(tx: &Transaction<'_>, status: &Status) -> Result<(), StoreError> {
    let total = to_i64(status.total_count, "total_count")?;
    let stmt = tx
        .prepare_cached(
            "INSERT INTO statuses (api_root, id, collection_id, owner, state, request_timestamp, total_count,
             successes, failures, pendings) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
        )
        .await
        .map_err(error)?;
    let inserted = tx
        .execute(
            &stmt,
            &[
                &status.api_root,
                &status.id,
                &status.collection_id,
                &status.owner,
                &status.state.as_str(),
                &status.request_timestamp,
                &total,
                &details_to_json(&status.successes),
                &details_to_json(&status.failures),
                &details_to_json(&status.pendings),
            ],
        )
        .await
        .map_err(error)?;
    if inserted == 0 {
        return Err(StoreError::Conflict(format!(
            "status {} exists already",
            status.id
        )));
    }
    Ok(())
}

/// Binds the builder's parameters.
fn values(params: Vec<Param>) -> Vec<Box<dyn ToSql + Sync + Send>> {
    params
        .into_iter()
        .map(|p| -> Box<dyn ToSql + Sync + Send> {
            match p {
                Param::Int(i) => Box::new(i),
                Param::Text(text) => Box::new(text),
                Param::Texts(list) => Box::new(list),
                Param::Ints(list) => Box::new(list),
            }
        })
        .collect()
}

fn refs(values: &[Box<dyn ToSql + Sync + Send>]) -> Vec<&(dyn ToSql + Sync)> {
    values
        .iter()
        .map(|v| v.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

pub(super) async fn query(
    client: &Client,
    query: &ObjectQuery,
) -> Result<Page<StoredObject>, StoreError> {
    let Some(rows) = page_rows(client, query, !query.manifest_only).await? else {
        return Ok(Page {
            items: Vec::new(),
            more: false,
        });
    };
    let mut items = Vec::with_capacity(rows.len());
    for row in rows.iter().take(query.limit) {
        let (version, date_added): (String, i64) = (get(row, 1)?, get(row, 3)?);
        items.push(StoredObject {
            id: get(row, 0)?,
            version: NewObject::display_version(&version, date_added),
            spec_version: get(row, 2)?,
            date_added,
            json: get(row, 4)?,
        });
    }
    Ok(Page {
        more: rows.len() > query.limit,
        items,
    })
}

/// [`query`] as the objects' JSON texts, borrowed from the rows and copied
/// once, into the page.
pub(super) async fn query_json(
    client: &Client,
    query: &ObjectQuery,
) -> Result<JsonPage, StoreError> {
    let mut page = JsonPage::default();
    let Some(rows) = page_rows(client, query, true).await? else {
        return Ok(page);
    };
    for row in rows.iter().take(query.limit) {
        let json: &str = row
            .try_get(4)
            .map_err(|e| StoreError::Corrupt(format!("column 4: {e}")))?;
        page.push(json, get(row, 3)?, rows.len().min(query.limit));
    }
    page.more = rows.len() > query.limit;
    Ok(page)
}

/// The rows of one page of `query` (`None` when nothing can match).
async fn page_rows(
    client: &Client,
    query: &ObjectQuery,
    with_json: bool,
) -> Result<Option<Vec<tokio_postgres::Row>>, StoreError> {
    let (collection, _) =
        collection_key(client, &query.api_root, &query.collection_id, false).await?;
    let selection = Selection::of_query(collection, query);
    if !selection.can_match() {
        return Ok(None);
    }
    let sql = select_page(
        Dialect::Postgres,
        &selection,
        fetch_limit(query.limit),
        with_json,
    );
    let stmt = client.prepare_cached(&sql.text).await.map_err(error)?;
    let params = values(sql.params);
    let rows = client.query(&stmt, &refs(&params)).await.map_err(error)?;
    Ok(Some(rows))
}

pub(super) async fn exists(
    client: &Client,
    api_root: &str,
    collection_id: &str,
    id: &str,
) -> Result<bool, StoreError> {
    let (collection, _) = collection_key(client, api_root, collection_id, false).await?;
    let stmt = client
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM objects WHERE collection = $1 AND id = $2)")
        .await
        .map_err(error)?;
    let row = client
        .query_one(&stmt, &[&collection, &id])
        .await
        .map_err(error)?;
    get(&row, 0)
}

pub(super) async fn delete(
    client: &mut Client,
    request: &DeleteRequest,
) -> Result<u64, StoreError> {
    let tx = client.transaction().await.map_err(error)?;
    // Same lock as adds: flags are read and rewritten by both.
    let (collection, _) =
        collection_key(&tx, &request.api_root, &request.collection_id, true).await?;
    let ids = [request.object_id.clone()];
    let selection = Selection {
        collection,
        added_after: None,
        ids: &ids,
        types: &[],
        versions: &request.versions,
        spec_versions: &request.spec_versions,
        max_tlp: None,
    };
    if !selection.can_match() {
        return Ok(0);
    }
    let sql = delete_versions(Dialect::Postgres, &selection);
    let stmt = tx.prepare_cached(&sql.text).await.map_err(error)?;
    let params = values(sql.params);
    let removed = tx.execute(&stmt, &refs(&params)).await.map_err(error)?;
    if removed > 0 {
        let stmt = tx
            .prepare_cached(repair_flags(Dialect::Postgres))
            .await
            .map_err(error)?;
        tx.execute(&stmt, &[&collection, &request.object_id])
            .await
            .map_err(error)?;
    }
    tx.commit().await.map_err(error)?;
    Ok(removed)
}

pub(super) async fn status(
    client: &Client,
    api_root: &str,
    id: &str,
) -> Result<Option<Status>, StoreError> {
    let stmt = client
        .prepare_cached(
            "SELECT api_root, id, collection_id, owner, state, request_timestamp, total_count,
             successes, failures, pendings FROM statuses WHERE api_root = $1 AND id = $2",
        )
        .await
        .map_err(error)?;
    let Some(row) = client
        .query_opt(&stmt, &[&api_root, &id])
        .await
        .map_err(error)?
    else {
        return Ok(None);
    };
    Ok(Some(Status {
        api_root: get(&row, 0)?,
        id: get(&row, 1)?,
        collection_id: get(&row, 2)?,
        owner: get(&row, 3)?,
        state: state_from_str(&get::<String>(&row, 4)?)?,
        request_timestamp: get(&row, 5)?,
        total_count: to_u64(get(&row, 6)?, "total_count")?,
        successes: details_from_json(&get::<String>(&row, 7)?)?,
        failures: details_from_json(&get::<String>(&row, 8)?)?,
        pendings: details_from_json(&get::<String>(&row, 9)?)?,
    }))
}
