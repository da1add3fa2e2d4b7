//! Authentication, done in extractors so that a handler only ever receives
//! a verified user: [`TaxiiUser`] for the TAXII API, [`AdminUser`] (role
//! admin) for the admin API.
//!
//! Two schemes are accepted in `Authorization`:
//! - `Basic` (RFC 7617): user name and password, verified against the
//!   stored argon2 hash. Successful verifications are remembered for a short
//!   time ([`Settings::auth_cache_ttl`](crate::Settings)) under a SHA-256 of
//!   (name, password, stored hash), so a busy client does not pay argon2 on
//!   every request, and a password change invalidates the entry at once.
//!   The cache never holds a password. Failures are never cached.
//! - `Bearer liaison_<id>_<secret>`: an API token, found by id and checked
//!   against the stored digest of its secret.
//!
//! Every failure is the same 401 with the challenges of both schemes; the
//! response does not tell which part was wrong, and an unknown user name
//! costs the same argon2 verification as a wrong password (against a dummy
//! hash), so response times do not reveal which names exist. At most
//! [`AuthCache::VERIFICATIONS_PER_CORE`] argon2 verifications per core run
//! at once (each needs ~19 MiB), so a flood of bad passwords cannot exhaust
//! memory. Credentials are never logged.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use sha2::{Digest, Sha256};

use liaison_core::users::{self, Role, User};

use crate::error::{AdminError, TaxiiError};
use crate::state::AppState;

/// Remembered successful password verifications, and the bounds on doing
/// new ones.
#[derive(Debug)]
pub struct AuthCache {
    ttl_micros: i64,
    capacity: usize,
    entries: Mutex<HashMap<[u8; 32], i64>>,
    /// Limits concurrent argon2 verifications.
    verifications: tokio::sync::Semaphore,
    /// A hash to verify against when the user does not exist.
    dummy_hash: OnceLock<String>,
}

impl AuthCache {
    /// Concurrent argon2 verifications per available core.
    pub const VERIFICATIONS_PER_CORE: usize = 2;

    /// A cache keeping entries for `ttl`, at most `capacity` of them.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        AuthCache {
            ttl_micros: i64::try_from(ttl.as_micros()).unwrap_or(i64::MAX),
            capacity,
            entries: Mutex::new(HashMap::new()),
            verifications: tokio::sync::Semaphore::new(cores * Self::VERIFICATIONS_PER_CORE),
            dummy_hash: OnceLock::new(),
        }
    }

    /// Verifies `password` against `hash` (or, without a hash, against a
    /// dummy one, to take the same time) off the I/O threads.
    async fn verify(&self, password: String, hash: Option<String>) -> bool {
        let Ok(_permit) = self.verifications.acquire().await else {
            return false;
        };
        let known = hash.is_some();
        let hash = match (hash, self.dummy_hash.get()) {
            (Some(h), _) => h,
            (None, Some(dummy)) => dummy.clone(),
            (None, None) => {
                let made = tokio::task::spawn_blocking(|| {
                    users::hash_password("a dummy password, for timing")
                })
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or_default();
                self.dummy_hash.get_or_init(|| made).clone()
            }
        };
        let verified =
            tokio::task::spawn_blocking(move || users::verify_password(&password, &hash))
                .await
                .unwrap_or(false);
        known && verified
    }

    /// The key of a verification: no password can be recovered from it.
    fn key(name: &str, password: &str, hash: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        for part in [name, password, hash] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        hasher.finalize().into()
    }

    fn contains(&self, key: &[u8; 32], now: i64) -> bool {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.get(key).is_some_and(|&expires| expires > now)
    }

    fn insert(&self, key: [u8; 32], now: i64) {
        if self.capacity == 0 || self.ttl_micros == 0 {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= self.capacity {
            entries.retain(|_, &mut expires| expires > now);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, now.saturating_add(self.ttl_micros));
    }

    /// Number of remembered verifications (tests).
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Credentials as presented.
enum Credentials {
    Basic { name: String, password: String },
    Bearer(String),
}

fn unauthorized(detail: &str) -> TaxiiError {
    TaxiiError::Unauthorized(format!(
        "{detail}; authenticate with HTTP Basic (user name and password) or `Authorization: Bearer liaison_...`"
    ))
}

fn credentials(headers: &HeaderMap) -> Result<Credentials, TaxiiError> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(unauthorized("authentication is required"));
    };
    let invalid = || unauthorized("the credentials are not valid");
    let value = value.to_str().map_err(|_| invalid())?.trim();
    let (scheme, rest) = value.split_once(' ').ok_or_else(invalid)?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("basic") {
        let engine = base64::engine::general_purpose::STANDARD;
        let decoded = engine
            .decode(rest)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(rest))
            .map_err(|_| invalid())?;
        let text = String::from_utf8(decoded).map_err(|_| invalid())?;
        let (name, password) = text.split_once(':').ok_or_else(invalid)?;
        Ok(Credentials::Basic {
            name: name.to_owned(),
            password: password.to_owned(),
        })
    } else if scheme.eq_ignore_ascii_case("bearer") {
        Ok(Credentials::Bearer(rest.to_owned()))
    } else {
        Err(unauthorized("unsupported authentication scheme"))
    }
}

/// Verifies the request's credentials and returns the user.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<User, TaxiiError> {
    let invalid = || unauthorized("the credentials are not valid");
    match credentials(headers)? {
        Credentials::Basic { name, password } => {
            let user = state.store.user(&name).await?;
            let Some((user, hash)) = user.and_then(|u| u.password_hash.clone().map(|h| (u, h)))
            else {
                // Same cost as a wrong password, so that names cannot be probed.
                state.auth_cache.verify(password, None).await;
                return Err(invalid());
            };
            let key = AuthCache::key(&name, &password, &hash);
            if state.auth_cache.contains(&key, state.clock.now_micros()) {
                return Ok(user);
            }
            if !state.auth_cache.verify(password, Some(hash)).await {
                return Err(invalid());
            }
            state.auth_cache.insert(key, state.clock.now_micros());
            Ok(user)
        }
        Credentials::Bearer(token) => {
            let (id, secret) = users::parse_token(&token).ok_or_else(invalid)?;
            let record = state.store.token(id).await?.ok_or_else(invalid)?;
            if !users::verify_token_secret(&record, secret) {
                return Err(invalid());
            }
            state.store.user(&record.user).await?.ok_or_else(invalid)
        }
    }
}

/// A user authenticated for the TAXII API.
#[derive(Debug, Clone)]
pub struct TaxiiUser(pub User);

impl FromRequestParts<AppState> for TaxiiUser {
    type Rejection = TaxiiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        authenticate(state, &parts.headers).await.map(TaxiiUser)
    }
}

/// An authenticated administrator, for the admin API.
#[derive(Debug, Clone)]
pub struct AdminUser(pub User);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = AdminError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = authenticate(state, &parts.headers).await?;
        if user.role != Role::Admin {
            return Err(AdminError::new(
                axum::http::StatusCode::FORBIDDEN,
                "the admin API is for administrators",
            ));
        }
        Ok(AdminUser(user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_expires_and_is_bounded() {
        let cache = AuthCache::new(Duration::from_secs(1), 2);
        let k = |n: &str| AuthCache::key(n, "pw", "hash");
        cache.insert(k("a"), 0);
        assert!(cache.contains(&k("a"), 999_999));
        assert!(!cache.contains(&k("a"), 1_000_000), "expired");
        assert!(!cache.contains(&k("b"), 0));
        cache.insert(k("b"), 0);
        cache.insert(k("c"), 2_000_000); // full: expired entries go first
        assert_eq!(cache.len(), 1);
        assert!(cache.contains(&k("c"), 2_000_001));
        assert_ne!(
            AuthCache::key("ab", "c", "h"),
            AuthCache::key("a", "bc", "h")
        );
        assert_ne!(
            AuthCache::key("a", "pw", "h1"),
            AuthCache::key("a", "pw", "h2")
        );
    }

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, value.parse().unwrap());
        h
    }

    #[test]
    fn credentials_parse() {
        let basic = base64::engine::general_purpose::STANDARD.encode("alice:pa:ss");
        match credentials(&headers(&format!("basic {basic}"))) {
            Ok(Credentials::Basic { name, password }) => {
                assert_eq!((name.as_str(), password.as_str()), ("alice", "pa:ss"))
            }
            _ => panic!("basic credentials expected"),
        }
        assert!(
            matches!(credentials(&headers("Bearer liaison_a_b")), Ok(Credentials::Bearer(t)) if t == "liaison_a_b")
        );
        for bad in ["Basic !!!", "Basic", "Digest x", "Basic YWxpY2U="] {
            assert!(credentials(&headers(bad)).is_err(), "{bad}");
        }
        assert!(credentials(&HeaderMap::new()).is_err());
    }
}
