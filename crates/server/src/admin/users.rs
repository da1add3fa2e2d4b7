//! Users, their API tokens and their grants.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};

use liaison_core::admin;
use liaison_core::users::{self, Grant, Role, TokenRecord, User};
use liaison_taxii::resources::taxii_timestamp;

use super::{json, no_content};
use crate::auth::AdminUser;
use crate::error::AdminError;
use crate::extract::{AdminPath, admin_json};
use crate::state::AppState;

#[derive(Serialize)]
struct UserView {
    name: String,
    role: &'static str,
    has_password: bool,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            name: u.name.clone(),
            role: u.role.as_str(),
            has_password: u.password_hash.is_some(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewUser {
    name: String,
    role: String,
    password: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UserUpdate {
    role: Option<String>,
    password: Option<String>,
}

/// Hashes off the I/O threads: argon2 is deliberately slow.
async fn hash(password: String) -> Result<String, AdminError> {
    tokio::task::spawn_blocking(move || users::hash_password(&password))
        .await
        .map_err(|_| {
            AdminError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not hash the password",
            )
        })?
        .map_err(|e| AdminError::bad_request(e.to_string()))
}

async fn find_user(state: &AppState, name: &str) -> Result<User, AdminError> {
    state
        .store
        .user(name)
        .await?
        .ok_or_else(|| AdminError::not_found(format!("no user {name:?}")))
}

/// # `GET /admin/v1/users`
pub async fn list(_: AdminUser, State(state): State<AppState>) -> Result<Response, AdminError> {
    let users: Vec<UserView> = state
        .store
        .users()
        .await?
        .iter()
        .map(UserView::from)
        .collect();
    json(StatusCode::OK, &users)
}

/// # `POST /admin/v1/users`
///
/// Creates a user `{name, role, password?}` (no password: token-only); 409
/// when the name is taken.
pub async fn create(
    _: AdminUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AdminError> {
    let new: NewUser = admin_json(&headers, body, state.settings.max_admin_body).await?;
    let password_hash = match new.password {
        Some(p) => Some(hash(p).await?),
        None => None,
    };
    let user = admin::add_user(state.store.as_ref(), &new.name, &new.role, password_hash).await?;
    tracing::info!(user = %user.name, role = %user.role, "user created");
    json(StatusCode::CREATED, &UserView::from(&user))
}

/// # `GET /admin/v1/users/{name}`
pub async fn get(
    _: AdminUser,
    State(state): State<AppState>,
    AdminPath(name): AdminPath<String>,
) -> Result<Response, AdminError> {
    json(
        StatusCode::OK,
        &UserView::from(&find_user(&state, &name).await?),
    )
}

/// # `PATCH /admin/v1/users/{name}`
///
/// Changes a user's role and/or password. An administrator cannot take the
/// admin role from themselves (409), so the node keeps an administrator.
pub async fn update(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    AdminPath(name): AdminPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AdminError> {
    let change: UserUpdate = admin_json(&headers, body, state.settings.max_admin_body).await?;
    if name == admin.name
        && change
            .role
            .as_deref()
            .is_some_and(|r| r != Role::Admin.as_str())
    {
        return Err(AdminError::conflict(
            "you cannot take the admin role from yourself",
        ));
    }
    let password_hash = match change.password {
        Some(p) => Some(hash(p).await?),
        None => None,
    };
    let user = admin::update_user(
        state.store.as_ref(),
        &name,
        change.role.as_deref(),
        password_hash,
    )
    .await?;
    tracing::info!(user = %user.name, role = %user.role, "user updated");
    json(StatusCode::OK, &UserView::from(&user))
}

/// # `DELETE /admin/v1/users/{name}`
///
/// Deletes a user with its grants and tokens; not oneself (409).
pub async fn remove(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    AdminPath(name): AdminPath<String>,
) -> Result<Response, AdminError> {
    if name == admin.name {
        return Err(AdminError::conflict("you cannot delete yourself"));
    }
    admin::remove_user(state.store.as_ref(), &name).await?;
    tracing::info!(user = %name, "user deleted");
    Ok(no_content())
}

#[derive(Serialize)]
struct TokenView {
    id: String,
    user: String,
    label: String,
    created: String,
}

impl From<&TokenRecord> for TokenView {
    fn from(t: &TokenRecord) -> Self {
        TokenView {
            id: t.id.clone(),
            user: t.user.clone(),
            label: t.label.clone(),
            created: taxii_timestamp(t.created),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewTokenBody {
    label: String,
}

#[derive(Serialize)]
struct CreatedToken {
    #[serde(flatten)]
    view: TokenView,
    /// The secret, shown this once.
    token: String,
}

/// # `GET /admin/v1/users/{name}/tokens`
///
/// A user's tokens, without their secrets.
pub async fn tokens(
    _: AdminUser,
    State(state): State<AppState>,
    AdminPath(name): AdminPath<String>,
) -> Result<Response, AdminError> {
    find_user(&state, &name).await?;
    let tokens: Vec<TokenView> = state
        .store
        .tokens_of(&name)
        .await?
        .iter()
        .map(TokenView::from)
        .collect();
    json(StatusCode::OK, &tokens)
}

/// # `POST /admin/v1/users/{name}/tokens`
///
/// Creates an API token `{label}` for the user; the response carries the
/// token itself, which is not stored and cannot be shown again.
pub async fn create_token(
    _: AdminUser,
    State(state): State<AppState>,
    AdminPath(name): AdminPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AdminError> {
    let new: NewTokenBody = admin_json(&headers, body, state.settings.max_admin_body).await?;
    let token = admin::create_token(
        state.store.as_ref(),
        &name,
        &new.label,
        state.clock.now_micros(),
    )
    .await?;
    tracing::info!(user = %name, token_id = %token.record.id, "token created");
    json(
        StatusCode::CREATED,
        &CreatedToken {
            view: TokenView::from(&token.record),
            token: token.token,
        },
    )
}

/// # `DELETE /admin/v1/tokens/{id}`
pub async fn revoke_token(
    _: AdminUser,
    State(state): State<AppState>,
    AdminPath(id): AdminPath<String>,
) -> Result<Response, AdminError> {
    state.store.delete_token(&id).await?;
    tracing::info!(token_id = %id, "token revoked");
    Ok(no_content())
}

#[derive(Serialize)]
struct GrantView {
    user: String,
    api_root: String,
    collection: String,
    read: bool,
    write: bool,
}

impl From<&Grant> for GrantView {
    fn from(g: &Grant) -> Self {
        GrantView {
            user: g.user.clone(),
            api_root: g.api_root.clone(),
            collection: g.collection_id.clone(),
            read: g.read,
            write: g.write,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GrantBody {
    user: String,
    api_root: String,
    /// Id or alias.
    collection: String,
    read: bool,
    write: bool,
}

/// # `GET /admin/v1/users/{name}/grants`
pub async fn grants(
    _: AdminUser,
    State(state): State<AppState>,
    AdminPath(name): AdminPath<String>,
) -> Result<Response, AdminError> {
    find_user(&state, &name).await?;
    let grants: Vec<GrantView> = state
        .store
        .grants_of(&name)
        .await?
        .iter()
        .map(GrantView::from)
        .collect();
    json(StatusCode::OK, &grants)
}

/// # `PUT /admin/v1/grants`
///
/// Sets a user's rights on a collection (by id or alias); `read` and
/// `write` both false removes the grant. A role still bounds what a grant
/// gives: readers never write, administrators always read and write.
pub async fn set_grant(
    _: AdminUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AdminError> {
    let g: GrantBody = admin_json(&headers, body, state.settings.max_admin_body).await?;
    let grant = admin::set_grant(
        state.store.as_ref(),
        &g.user,
        &g.api_root,
        &g.collection,
        g.read,
        g.write,
    )
    .await?;
    tracing::info!(user = %grant.user, collection = %grant.collection_id, read = grant.read, write = grant.write, "grant set");
    json(StatusCode::OK, &GrantView::from(&grant))
}
