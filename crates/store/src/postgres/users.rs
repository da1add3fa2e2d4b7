//! Users, grants and API tokens in PostgreSQL.

use deadpool_postgres::{Client, GenericClient};
use liaison_core::StoreError;
use liaison_core::users::{Grant, TokenRecord, User};
use tokio_postgres::Row;

use super::meta::collection_key;
use super::{error, get};
use crate::shared::{clearance_from_str, role_from_str};

const USER_SELECT: &str = "SELECT name, role, password_hash, clearance FROM users";

fn user_missing(name: &str) -> StoreError {
    StoreError::NotFound(format!("user '{name}'"))
}

pub(super) async fn create_user(client: &Client, user: &User) -> Result<(), StoreError> {
    let stmt = client
        .prepare_cached(
            "INSERT INTO users (name, role, password_hash, clearance) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .await
        .map_err(error)?;
    let inserted = client
        .execute(
            &stmt,
            &[
                &user.name,
                &user.role.as_str(),
                &user.password_hash,
                &user.clearance.as_str(),
            ],
        )
        .await
        .map_err(error)?;
    if inserted == 0 {
        return Err(StoreError::Conflict(format!(
            "user '{}' exists already",
            user.name
        )));
    }
    Ok(())
}

pub(super) async fn update_user(client: &Client, user: &User) -> Result<(), StoreError> {
    let stmt = client
        .prepare_cached(
            "UPDATE users SET role = $2, password_hash = $3, clearance = $4 WHERE name = $1",
        )
        .await
        .map_err(error)?;
    let updated = client
        .execute(
            &stmt,
            &[
                &user.name,
                &user.role.as_str(),
                &user.password_hash,
                &user.clearance.as_str(),
            ],
        )
        .await
        .map_err(error)?;
    if updated == 0 {
        return Err(user_missing(&user.name));
    }
    Ok(())
}

pub(super) async fn delete_user(client: &mut Client, name: &str) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(error)?;
    // Explicit as well as ON DELETE CASCADE, to read the same as SQLite's.
    tx.execute("DELETE FROM grants WHERE user_name = $1", &[&name])
        .await
        .map_err(error)?;
    tx.execute("DELETE FROM tokens WHERE user_name = $1", &[&name])
        .await
        .map_err(error)?;
    let deleted = tx
        .execute("DELETE FROM users WHERE name = $1", &[&name])
        .await
        .map_err(error)?;
    if deleted == 0 {
        return Err(user_missing(name));
    }
    tx.commit().await.map_err(error)
}

fn user_row(row: &Row) -> Result<User, StoreError> {
    Ok(User {
        name: get(row, 0)?,
        role: role_from_str(&get::<String>(row, 1)?)?,
        password_hash: get(row, 2)?,
        clearance: clearance_from_str(&get::<String>(row, 3)?)?,
    })
}

pub(super) async fn user(client: &Client, name: &str) -> Result<Option<User>, StoreError> {
    let stmt = client
        .prepare_cached(&format!("{USER_SELECT} WHERE name = $1"))
        .await
        .map_err(error)?;
    client
        .query_opt(&stmt, &[&name])
        .await
        .map_err(error)?
        .as_ref()
        .map(user_row)
        .transpose()
}

pub(super) async fn users(client: &Client) -> Result<Vec<User>, StoreError> {
    let stmt = client
        .prepare_cached(&format!("{USER_SELECT} ORDER BY name"))
        .await
        .map_err(error)?;
    client
        .query(&stmt, &[])
        .await
        .map_err(error)?
        .iter()
        .map(user_row)
        .collect()
}

async fn user_exists<C: GenericClient>(client: &C, name: &str) -> Result<bool, StoreError> {
    let stmt = client
        .prepare_cached("SELECT 1 FROM users WHERE name = $1")
        .await
        .map_err(error)?;
    Ok(client
        .query_opt(&stmt, &[&name])
        .await
        .map_err(error)?
        .is_some())
}

pub(super) async fn set_grant(client: &mut Client, grant: &Grant) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(error)?;
    if !user_exists(&tx, &grant.user).await? {
        return Err(user_missing(&grant.user));
    }
    let (collection, _) = collection_key(&tx, &grant.api_root, &grant.collection_id, false).await?;
    if grant.read || grant.write {
        tx.execute(
            "INSERT INTO grants (user_name, collection, can_read, can_write) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_name, collection) DO UPDATE SET can_read = excluded.can_read, can_write = excluded.can_write",
            &[&grant.user, &collection, &grant.read, &grant.write],
        )
        .await
    } else {
        tx.execute("DELETE FROM grants WHERE user_name = $1 AND collection = $2", &[&grant.user, &collection]).await
    }
    .map_err(error)?;
    tx.commit().await.map_err(error)
}

const GRANT_SELECT: &str = "SELECT g.user_name, c.api_root, c.id, g.can_read, g.can_write
     FROM grants g JOIN collections c ON c.seq = g.collection";

fn grant_row(row: &Row) -> Result<Grant, StoreError> {
    Ok(Grant {
        user: get(row, 0)?,
        api_root: get(row, 1)?,
        collection_id: get(row, 2)?,
        read: get(row, 3)?,
        write: get(row, 4)?,
    })
}

pub(super) async fn grant(
    client: &Client,
    user: &str,
    api_root: &str,
    id: &str,
) -> Result<Option<Grant>, StoreError> {
    let stmt = client
        .prepare_cached(&format!(
            "{GRANT_SELECT} WHERE g.user_name = $1 AND c.api_root = $2 AND c.id = $3"
        ))
        .await
        .map_err(error)?;
    client
        .query_opt(&stmt, &[&user, &api_root, &id])
        .await
        .map_err(error)?
        .as_ref()
        .map(grant_row)
        .transpose()
}

pub(super) async fn grants_of(client: &Client, user: &str) -> Result<Vec<Grant>, StoreError> {
    let stmt = client
        .prepare_cached(&format!(
            "{GRANT_SELECT} WHERE g.user_name = $1 ORDER BY c.seq"
        ))
        .await
        .map_err(error)?;
    client
        .query(&stmt, &[&user])
        .await
        .map_err(error)?
        .iter()
        .map(grant_row)
        .collect()
}

pub(super) async fn create_token(
    client: &mut Client,
    token: &TokenRecord,
) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(error)?;
    // Lock the user row: a concurrent delete_user must not leave this token behind.
    let owner = tx
        .query_opt(
            "SELECT 1 FROM users WHERE name = $1 FOR KEY SHARE",
            &[&token.user],
        )
        .await
        .map_err(error)?;
    if owner.is_none() {
        return Err(user_missing(&token.user));
    }
    let inserted = tx
        .execute(
            "INSERT INTO tokens (id, user_name, label, secret_digest, created) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING",
            &[&token.id, &token.user, &token.label, &token.secret_digest, &token.created],
        )
        .await
        .map_err(error)?;
    if inserted == 0 {
        return Err(StoreError::Conflict(format!(
            "token {} exists already",
            token.id
        )));
    }
    tx.commit().await.map_err(error)
}

const TOKEN_SELECT: &str = "SELECT id, user_name, label, secret_digest, created FROM tokens";

fn token_row(row: &Row) -> Result<TokenRecord, StoreError> {
    Ok(TokenRecord {
        id: get(row, 0)?,
        user: get(row, 1)?,
        label: get(row, 2)?,
        secret_digest: get(row, 3)?,
        created: get(row, 4)?,
    })
}

pub(super) async fn token(client: &Client, id: &str) -> Result<Option<TokenRecord>, StoreError> {
    let stmt = client
        .prepare_cached(&format!("{TOKEN_SELECT} WHERE id = $1"))
        .await
        .map_err(error)?;
    client
        .query_opt(&stmt, &[&id])
        .await
        .map_err(error)?
        .as_ref()
        .map(token_row)
        .transpose()
}

pub(super) async fn tokens_of(client: &Client, user: &str) -> Result<Vec<TokenRecord>, StoreError> {
    let stmt = client
        .prepare_cached(&format!(
            "{TOKEN_SELECT} WHERE user_name = $1 ORDER BY created, id"
        ))
        .await
        .map_err(error)?;
    client
        .query(&stmt, &[&user])
        .await
        .map_err(error)?
        .iter()
        .map(token_row)
        .collect()
}

pub(super) async fn delete_token(client: &Client, id: &str) -> Result<(), StoreError> {
    let stmt = client
        .prepare_cached("DELETE FROM tokens WHERE id = $1")
        .await
        .map_err(error)?;
    if client.execute(&stmt, &[&id]).await.map_err(error)? == 0 {
        return Err(StoreError::NotFound(format!("token {id}")));
    }
    Ok(())
}
