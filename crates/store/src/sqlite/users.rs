//! Users, grants and API tokens in SQLite.

use liaison_core::StoreError;
use liaison_core::users::{Grant, TokenRecord, User};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior};

use super::error;
use super::meta::collection_key;
use crate::shared::{clearance_from_str, role_from_str};

fn user_missing(name: &str) -> StoreError {
    StoreError::NotFound(format!("user '{name}'"))
}

pub(super) fn create_user(conn: &mut Connection, user: &User) -> Result<(), StoreError> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO users (name, role, password_hash, clearance) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        )
        .and_then(|mut s| {
            s.execute((
                &user.name,
                user.role.as_str(),
                &user.password_hash,
                user.clearance.as_str(),
            ))
        })
        .map_err(error)?;
    if inserted == 0 {
        return Err(StoreError::Conflict(format!(
            "user '{}' exists already",
            user.name
        )));
    }
    Ok(())
}

pub(super) fn update_user(conn: &mut Connection, user: &User) -> Result<(), StoreError> {
    let updated = conn
        .prepare_cached(
            "UPDATE users SET role = ?2, password_hash = ?3, clearance = ?4 WHERE name = ?1",
        )
        .and_then(|mut s| {
            s.execute((
                &user.name,
                user.role.as_str(),
                &user.password_hash,
                user.clearance.as_str(),
            ))
        })
        .map_err(error)?;
    if updated == 0 {
        return Err(user_missing(&user.name));
    }
    Ok(())
}

pub(super) fn delete_user(conn: &mut Connection, name: &str) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(error)?;
    // Explicit, not only ON DELETE CASCADE: a connection opened by another
    // tool may have foreign keys off, and a token must never outlive its user.
    tx.execute("DELETE FROM grants WHERE user_name = ?1", [name])
        .map_err(error)?;
    tx.execute("DELETE FROM tokens WHERE user_name = ?1", [name])
        .map_err(error)?;
    let deleted = tx
        .execute("DELETE FROM users WHERE name = ?1", [name])
        .map_err(error)?;
    if deleted == 0 {
        return Err(user_missing(name));
    }
    tx.commit().map_err(error)
}

type UserRow = (String, String, Option<String>, String);

const USER_SELECT: &str = "SELECT name, role, password_hash, clearance FROM users";

fn user_row(row: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

fn to_user((name, role, password_hash, clearance): UserRow) -> Result<User, StoreError> {
    Ok(User {
        name,
        role: role_from_str(&role)?,
        password_hash,
        clearance: clearance_from_str(&clearance)?,
    })
}

pub(super) fn user(conn: &Connection, name: &str) -> Result<Option<User>, StoreError> {
    conn.prepare_cached(&format!("{USER_SELECT} WHERE name = ?1"))
        .and_then(|mut s| s.query_row([name], user_row).optional())
        .map_err(error)?
        .map(to_user)
        .transpose()
}

pub(super) fn users(conn: &Connection) -> Result<Vec<User>, StoreError> {
    let mut stmt = conn
        .prepare_cached(&format!("{USER_SELECT} ORDER BY name"))
        .map_err(error)?;
    let rows = stmt.query_map([], user_row).map_err(error)?;
    rows.map(|r| r.map_err(error).and_then(to_user)).collect()
}

fn user_exists(conn: &Connection, name: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM users WHERE name = ?1")
        .and_then(|mut s| s.query_row([name], |_| Ok(())).optional())
        .map_err(error)?
        .is_some())
}

pub(super) fn set_grant(conn: &mut Connection, grant: &Grant) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(error)?;
    if !user_exists(&tx, &grant.user)? {
        return Err(user_missing(&grant.user));
    }
    let collection = collection_key(&tx, &grant.api_root, &grant.collection_id)?;
    if grant.read || grant.write {
        tx.execute(
            "INSERT INTO grants (user_name, collection, can_read, can_write) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (user_name, collection) DO UPDATE SET can_read = excluded.can_read, can_write = excluded.can_write",
            (&grant.user, collection, grant.read, grant.write),
        )
    } else {
        tx.execute("DELETE FROM grants WHERE user_name = ?1 AND collection = ?2", (&grant.user, collection))
    }
    .map_err(error)?;
    tx.commit().map_err(error)
}

const GRANT_SELECT: &str = "SELECT g.user_name, c.api_root, c.id, g.can_read, g.can_write
     FROM grants g JOIN collections c ON c.seq = g.collection";

fn grant_row(row: &Row<'_>) -> rusqlite::Result<Grant> {
    Ok(Grant {
        user: row.get(0)?,
        api_root: row.get(1)?,
        collection_id: row.get(2)?,
        read: row.get(3)?,
        write: row.get(4)?,
    })
}

pub(super) fn grant(
    conn: &Connection,
    user: &str,
    api_root: &str,
    collection: &str,
) -> Result<Option<Grant>, StoreError> {
    conn.prepare_cached(&format!(
        "{GRANT_SELECT} WHERE g.user_name = ?1 AND c.api_root = ?2 AND c.id = ?3"
    ))
    .and_then(|mut s| {
        s.query_row([user, api_root, collection], grant_row)
            .optional()
    })
    .map_err(error)
}

pub(super) fn grants_of(conn: &Connection, user: &str) -> Result<Vec<Grant>, StoreError> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "{GRANT_SELECT} WHERE g.user_name = ?1 ORDER BY c.seq"
        ))
        .map_err(error)?;
    let rows = stmt.query_map([user], grant_row).map_err(error)?;
    rows.map(|r| r.map_err(error)).collect()
}

pub(super) fn create_token(conn: &mut Connection, token: &TokenRecord) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(error)?;
    if !user_exists(&tx, &token.user)? {
        return Err(user_missing(&token.user));
    }
    let inserted = tx
        .execute(
            "INSERT INTO tokens (id, user_name, label, secret_digest, created) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT DO NOTHING",
            (&token.id, &token.user, &token.label, &token.secret_digest, token.created),
        )
        .map_err(error)?;
    if inserted == 0 {
        return Err(StoreError::Conflict(format!(
            "token {} exists already",
            token.id
        )));
    }
    tx.commit().map_err(error)
}

const TOKEN_SELECT: &str = "SELECT id, user_name, label, secret_digest, created FROM tokens";

fn token_row(row: &Row<'_>) -> rusqlite::Result<TokenRecord> {
    Ok(TokenRecord {
        id: row.get(0)?,
        user: row.get(1)?,
        label: row.get(2)?,
        secret_digest: row.get(3)?,
        created: row.get(4)?,
    })
}

pub(super) fn token(conn: &Connection, id: &str) -> Result<Option<TokenRecord>, StoreError> {
    conn.prepare_cached(&format!("{TOKEN_SELECT} WHERE id = ?1"))
        .and_then(|mut s| s.query_row([id], token_row).optional())
        .map_err(error)
}

pub(super) fn tokens_of(conn: &Connection, user: &str) -> Result<Vec<TokenRecord>, StoreError> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "{TOKEN_SELECT} WHERE user_name = ?1 ORDER BY created, id"
        ))
        .map_err(error)?;
    let rows = stmt.query_map([user], token_row).map_err(error)?;
    rows.map(|r| r.map_err(error)).collect()
}

pub(super) fn delete_token(conn: &mut Connection, id: &str) -> Result<(), StoreError> {
    let deleted = conn
        .prepare_cached("DELETE FROM tokens WHERE id = ?1")
        .and_then(|mut s| s.execute([id]))
        .map_err(error)?;
    if deleted == 0 {
        return Err(StoreError::NotFound(format!("token {id}")));
    }
    Ok(())
}
