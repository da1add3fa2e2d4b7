//! First start of a node: the default API root, a default read-write
//! collection and the first administrator, created only when missing so that
//! every later start leaves the operator's choices alone. Several processes
//! may start at once on one new PostgreSQL database: whichever creates a
//! default first wins, and the others take it as found.

use liaison_core::model::{ApiRoot, Collection};
use liaison_core::users::{Role, User, generate_password, hash_password};
use liaison_core::{Store, StoreError};

/// The API root every node has.
pub const DEFAULT_API_ROOT: &str = "default";

/// Alias of the collection created on first start.
pub const DEFAULT_COLLECTION_ALIAS: &str = "shared";

/// Name of the first administrator.
pub const ADMIN_USER: &str = "admin";

/// Environment variable that sets the first administrator's password.
pub const ADMIN_PASSWORD_ENV: &str = "LIAISON_ADMIN_PASSWORD";

/// What the first start created.
#[derive(Debug, Default)]
pub struct Created {
    /// The generated admin password, to be shown once; `None` when the
    /// password came from the environment or the admin already existed.
    pub generated_admin_password: Option<String>,
    pub admin_created: bool,
    pub collection_created: Option<Collection>,
}

/// Ensures the default API root, collection and administrator exist.
pub async fn ensure_defaults(
    store: &dyn Store,
    max_content_length: u64,
    admin_password: Option<String>,
) -> anyhow::Result<Created> {
    let mut created = Created::default();
    let root = ApiRoot {
        name: DEFAULT_API_ROOT.to_owned(),
        title: "Default API root".to_owned(),
        description: Some("Threat intelligence held by this Liaison node".to_owned()),
        max_content_length,
    };
    store.put_api_root(&root).await?;
    if store.collections(DEFAULT_API_ROOT).await?.is_empty() {
        let collection = Collection {
            id: liaison_core::model::new_uuid_v4(),
            api_root: DEFAULT_API_ROOT.to_owned(),
            title: "Shared intelligence".to_owned(),
            description: Some("The node's default read-write collection".to_owned()),
            alias: Some(DEFAULT_COLLECTION_ALIAS.to_owned()),
        };
        match store.create_collection(&collection).await {
            Ok(()) => created.collection_created = Some(collection),
            // Another process starting on the same database made it first.
            Err(StoreError::Conflict(_))
                if !store.collections(DEFAULT_API_ROOT).await?.is_empty() => {}
            Err(e) => return Err(e.into()),
        }
    }
    if store.user(ADMIN_USER).await?.is_none() && !has_admin(store).await? {
        let (password, generated) = match admin_password {
            Some(p) => (p, false),
            None => (generate_password(), true),
        };
        let hash =
            hash_password(&password).map_err(|e| anyhow::anyhow!("{ADMIN_PASSWORD_ENV}: {e}"))?;
        let user = User {
            name: ADMIN_USER.to_owned(),
            role: Role::Admin,
            password_hash: Some(hash),
            clearance: liaison_core::federation::Clearance::default(),
        };
        match store.create_user(&user).await {
            Ok(()) => {
                created.admin_created = true;
                if generated {
                    created.generated_admin_password = Some(password);
                }
            }
            // Another process starting on the same database made it first;
            // its password holds, and this one is never shown.
            Err(StoreError::Conflict(_)) if store.user(ADMIN_USER).await?.is_some() => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(created)
}

async fn has_admin(store: &dyn Store) -> anyhow::Result<bool> {
    Ok(store.users().await?.iter().any(|u| u.role == Role::Admin))
}
