//! Administration of a node: users, tokens, collections and grants. The
//! same operations serve the command line (against the store directly) and
//! the admin HTTP API, so both enforce the same rules.

use crate::model::{Collection, check_name, new_uuid_v4};
use crate::store::{Store, StoreError};
use crate::users::{Grant, NewToken, Role, User, check_user_name, new_token};

/// Why an administrative operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminError {
    /// The request itself is wrong (bad name, bad role, ...).
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AdminError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AdminError::NotFound(format!("{what} not found")),
            StoreError::Conflict(why) => AdminError::Conflict(why),
            other => AdminError::Store(other),
        }
    }
}

fn invalid(e: impl ToString) -> AdminError {
    AdminError::Invalid(e.to_string())
}

/// Creates a user. `password_hash` comes from
/// [`crate::users::hash_password`] (slow on purpose: callers on an async
/// runtime hash on a blocking thread).
pub async fn add_user(
    store: &dyn Store,
    name: &str,
    role: &str,
    password_hash: Option<String>,
) -> Result<User, AdminError> {
    check_user_name(name).map_err(invalid)?;
    let role: Role = role.parse().map_err(invalid)?;
    let user = User {
        name: name.to_owned(),
        role,
        password_hash,
        clearance: crate::federation::Clearance::default(),
    };
    match store.create_user(&user).await {
        Err(StoreError::Conflict(_)) => Err(AdminError::Conflict(format!(
            "user {name:?} already exists"
        ))),
        other => other.map(|()| user).map_err(AdminError::from),
    }
}

/// Changes a user's role and/or password hash.
pub async fn update_user(
    store: &dyn Store,
    name: &str,
    role: Option<&str>,
    password_hash: Option<String>,
) -> Result<User, AdminError> {
    let mut user = find_user(store, name).await?;
    if let Some(role) = role {
        user.role = role.parse().map_err(invalid)?;
    }
    if password_hash.is_some() {
        user.password_hash = password_hash;
    }
    store.update_user(&user).await?;
    Ok(user)
}

/// Deletes a user with its tokens and grants.
pub async fn remove_user(store: &dyn Store, name: &str) -> Result<(), AdminError> {
    find_user(store, name).await?;
    store.delete_user(name).await.map_err(AdminError::from)
}

/// Issues an API token for `user`; the returned secret is shown once.
pub async fn create_token(
    store: &dyn Store,
    user: &str,
    label: &str,
    now_micros: i64,
) -> Result<NewToken, AdminError> {
    find_user(store, user).await?;
    if label.trim().is_empty() || label.chars().count() > 200 {
        return Err(AdminError::Invalid(
            "label must be 1 to 200 characters".into(),
        ));
    }
    let token = new_token(user, label, now_micros);
    store.create_token(&token.record).await?;
    Ok(token)
}

/// Creates a collection in an existing API root.
pub async fn add_collection(
    store: &dyn Store,
    api_root: &str,
    title: &str,
    alias: Option<&str>,
    description: Option<&str>,
) -> Result<Collection, AdminError> {
    if store.api_root(api_root).await?.is_none() {
        return Err(AdminError::NotFound(format!(
            "API root {api_root:?} not found"
        )));
    }
    if title.trim().is_empty() {
        return Err(AdminError::Invalid("a collection needs a title".into()));
    }
    if let Some(alias) = alias {
        check_name("alias", alias).map_err(invalid)?;
    }
    let collection = Collection {
        id: new_uuid_v4(),
        api_root: api_root.to_owned(),
        title: title.to_owned(),
        description: description.map(str::to_owned),
        alias: alias.map(str::to_owned),
    };
    match store.create_collection(&collection).await {
        Err(StoreError::Conflict(_)) => Err(AdminError::Conflict(format!(
            "a collection with alias {:?} already exists in API root {api_root:?}",
            alias.unwrap_or_default()
        ))),
        other => other.map(|()| collection).map_err(AdminError::from),
    }
}

/// Sets a user's rights on a collection (given by id or alias). Readers can
/// only be granted read; administrators need no grants.
pub async fn set_grant(
    store: &dyn Store,
    user: &str,
    api_root: &str,
    collection: &str,
    read: bool,
    write: bool,
) -> Result<Grant, AdminError> {
    let account = find_user(store, user).await?;
    if account.role == Role::Reader && write {
        return Err(AdminError::Invalid(format!(
            "{user:?} is a reader: readers cannot be granted write (change the role to analyst first)"
        )));
    }
    let collection = store
        .collection(api_root, collection)
        .await?
        .ok_or_else(|| {
            AdminError::NotFound(format!(
                "collection {collection:?} not found in API root {api_root:?}"
            ))
        })?;
    let grant = Grant {
        user: user.to_owned(),
        api_root: api_root.to_owned(),
        collection_id: collection.id,
        read,
        write,
    };
    store.set_grant(&grant).await?;
    Ok(grant)
}

/// Parses the rights words of the command line and the API:
/// `read`, `write`, `read-write` or `none`.
pub fn parse_rights(rights: &str) -> Result<(bool, bool), AdminError> {
    match rights {
        "read" => Ok((true, false)),
        "write" => Ok((false, true)),
        "read-write" | "readwrite" | "rw" => Ok((true, true)),
        "none" => Ok((false, false)),
        other => Err(AdminError::Invalid(format!(
            "unknown rights {other:?}: expected read, write, read-write or none"
        ))),
    }
}

async fn find_user(store: &dyn Store, name: &str) -> Result<User, AdminError> {
    store
        .user(name)
        .await?
        .ok_or_else(|| AdminError::NotFound(format!("user {name:?} not found")))
}
