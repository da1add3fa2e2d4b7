//! Users, roles, grants and API tokens, with the secrets handled safely:
//! passwords are stored as argon2id hashes, tokens as SHA-256 digests of
//! their secret part, and neither is ever printed by `Debug`.

use std::fmt;

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use base64::Engine;
use sha2::{Digest, Sha256};

/// What a user may do on the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything, including user and collection administration.
    Admin,
    /// Reads and writes the collections granted.
    Analyst,
    /// Reads the collections granted.
    Reader,
}

impl Role {
    /// The name used in the CLI, configuration and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Reader => "reader",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = UserError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "analyst" => Ok(Role::Analyst),
            "reader" => Ok(Role::Reader),
            other => Err(UserError::UnknownRole(other.to_owned())),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A local user of the node.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// argon2id PHC string; `None` for users that authenticate by token only.
    pub password_hash: Option<String>,
    /// How much TLP-restricted content the user may read.
    pub clearance: crate::federation::Clearance,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("clearance", &self.clearance)
            .finish_non_exhaustive()
    }
}

/// A user's rights on one collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub user: String,
    pub api_root: String,
    pub collection_id: String,
    pub read: bool,
    pub write: bool,
}

/// An API token as stored: the public id, its owner, and a digest of the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Public part, used to find the record.
    pub id: String,
    pub user: String,
    /// A label for people ("SIEM connector").
    pub label: String,
    /// Hex SHA-256 of the secret part.
    pub secret_digest: String,
    /// Unix microseconds.
    pub created: i64,
}

impl fmt::Debug for TokenRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRecord")
            .field("id", &self.id)
            .field("user", &self.user)
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// Problems with user data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserError {
    #[error("unknown role '{0}': expected admin, analyst or reader")]
    UnknownRole(String),
    #[error("user names must be 1 to 64 characters of a-z, A-Z, 0-9, '.', '-', '_' and '@'")]
    BadName,
    #[error("passwords must be at least {MIN_PASSWORD_LEN} characters long")]
    PasswordTooShort,
    #[error("could not hash the password: {0}")]
    Hashing(String),
}

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;

/// Checks a user name.
pub fn check_user_name(name: &str) -> Result<(), UserError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'@'));
    if ok { Ok(()) } else { Err(UserError::BadName) }
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, UserError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(UserError::PasswordTooShort);
    }
    let mut salt = [0u8; 16];
    fill_random(&mut salt);
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h: PasswordHash| h.to_string())
        .map_err(|e| UserError::Hashing(e.to_string()))
}

/// True when `password` matches the argon2 `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Prefix that marks Liaison API tokens (so secret scanners can find them).
pub const TOKEN_PREFIX: &str = "liaison_";

/// A newly created token: the full secret (shown once) and what to store.
pub struct NewToken {
    /// `liaison_<id>_<secret>`: give this to the client, never store it.
    pub token: String,
    pub record: TokenRecord,
}

/// Creates a token for `user`.
pub fn new_token(user: &str, label: &str, now_micros: i64) -> NewToken {
    let mut id = [0u8; 9];
    let mut secret = [0u8; 32];
    fill_random(&mut id);
    fill_random(&mut secret);
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let id = b64.encode(id).replace(['-', '_'], "x");
    let secret = b64.encode(secret);
    let record = TokenRecord {
        id: id.clone(),
        user: user.to_owned(),
        label: label.to_owned(),
        secret_digest: hex_sha256(secret.as_bytes()),
        created: now_micros,
    };
    NewToken {
        token: format!("{TOKEN_PREFIX}{id}_{secret}"),
        record,
    }
}

/// Splits a presented token into its id and secret parts.
pub fn parse_token(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    (!id.is_empty() && !secret.is_empty()).then_some((id, secret))
}

/// True when `secret` matches the stored record (constant time).
pub fn verify_token_secret(record: &TokenRecord, secret: &str) -> bool {
    let presented = hex_sha256(secret.as_bytes());
    let (a, b) = (presented.as_bytes(), record.secret_digest.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Lowercase hex SHA-256.
pub fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Fills `buf` from the operating system's random source.
///
/// # Panics
/// When the operating system has no random source, which leaves nothing
/// safe to do: secrets cannot be made.
pub fn fill_random(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system's random source is unavailable");
}

/// A new random password for the first administrator.
pub fn generate_password() -> String {
    let mut bytes = [0u8; 18];
    fill_random(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("x", "not a hash"));
        assert_eq!(hash_password("short"), Err(UserError::PasswordTooShort));
    }

    #[test]
    fn tokens_round_trip() {
        let t = new_token("alice", "siem", 0);
        let (id, secret) = parse_token(&t.token).unwrap();
        assert_eq!(id, t.record.id);
        assert!(verify_token_secret(&t.record, secret));
        assert!(!verify_token_secret(&t.record, "nope"));
        assert!(parse_token("Bearer x").is_none());
        assert!(!format!("{:?}", t.record).contains(&t.record.secret_digest));
    }

    #[test]
    fn names_and_roles() {
        assert!(check_user_name("alice@cert.example").is_ok());
        assert!(check_user_name("a b").is_err());
        assert_eq!("reader".parse::<Role>(), Ok(Role::Reader));
        assert!("root".parse::<Role>().is_err());
    }
}
