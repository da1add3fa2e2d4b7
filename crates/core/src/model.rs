//! API roots and collections: the containers TAXII exposes.

use liaison_stix::Uuid;

/// The media type of STIX 2.1 content in a collection.
pub const STIX_21_MEDIA_TYPE: &str = "application/stix+json;version=2.1";

/// Largest request body accepted by default (the TAXII example value, 100 MiB).
pub const DEFAULT_MAX_CONTENT_LENGTH: u64 = 100 * 1024 * 1024;

/// An API root: a named group of collections served under `/{name}/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRoot {
    /// The URL path segment (`default` → `/default/`).
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    /// Largest request body accepted, in octets.
    pub max_content_length: u64,
}

/// A TAXII collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// UUIDv4, as TAXII requires.
    pub id: String,
    /// The API root the collection belongs to.
    pub api_root: String,
    pub title: String,
    pub description: Option<String>,
    /// A human-friendly name usable in URLs instead of the id; unique within
    /// the API root.
    pub alias: Option<String>,
}

/// Why a name for an API root or a collection alias is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error(
        "{field} must be 1 to 64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit"
    )]
    Invalid { field: &'static str },
    #[error(
        "a collection alias must not have the form of a UUID, which would shadow collection ids"
    )]
    AliasLooksLikeUuid,
}

/// Checks an API root name or collection alias: URL-safe without escaping.
pub fn check_name(field: &'static str, name: &str) -> Result<(), NameError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !ok {
        return Err(NameError::Invalid { field });
    }
    if field == "alias" && Uuid::parse(name).is_ok() {
        return Err(NameError::AliasLooksLikeUuid);
    }
    Ok(())
}

/// A fresh UUIDv4 string for a collection or status id.
pub fn new_uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    crate::users::fill_random(&mut bytes);
    Uuid::v4_from_bytes(bytes).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_name("alias", "high-value_indicators").is_ok());
        assert!(check_name("alias", "").is_err());
        assert!(check_name("alias", "-x").is_err());
        assert!(check_name("alias", "Upper").is_err());
        assert!(check_name("alias", "a/b").is_err());
        assert_eq!(
            check_name("alias", &new_uuid_v4()),
            Err(NameError::AliasLooksLikeUuid)
        );
        assert_eq!(Uuid::parse(&new_uuid_v4()).unwrap().version(), 4);
    }
}
