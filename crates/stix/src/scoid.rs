//! Deterministic identifiers of cyber-observable objects (STIX 2.1 §2.9):
//! a UUIDv5 in the STIX namespace over the RFC 8785 canonical JSON of the
//! object's ID contributing properties.

use crate::identifier::{SCO_NAMESPACE, Uuid};
use crate::json::canonical::canonical_members_into;
use crate::json::{Object, Value};

/// Preference order for the single hash that contributes to an id.
const HASH_PREFERENCE: &[&str] = &["MD5", "SHA-1", "SHA-256", "SHA-512"];

/// The UUIDv5 that `obj` should carry, computed from the listed contributing
/// properties. `None` when none of them is present (the object must then use
/// a UUIDv4); `Some(Err)` when a value has no canonical form.
pub fn deterministic_uuid(
    obj: &Object<'_>,
    contributing: &[&str],
) -> Option<Result<Uuid, crate::json::canonical::NotCanonicalizable>> {
    // The members are serialised where they are rather than copied into a
    // new object: this runs for every SCO that is validated.
    let hashes = match obj.get("hashes") {
        Some(hashes) if contributing.contains(&"hashes") => Some(one_hash(hashes)?),
        _ => None,
    };
    let mut name: Vec<(&str, &Value<'_>)> = Vec::with_capacity(contributing.len());
    for &prop in contributing {
        let Some(value) = obj.get(prop) else { continue };
        let value = if prop == "hashes" {
            hashes.as_ref()?
        } else {
            value
        };
        name.push((prop, value));
    }
    if name.is_empty() {
        return None;
    }
    let mut text = String::with_capacity(256);
    Some(
        canonical_members_into(&mut name, &mut text)
            .map(|()| Uuid::new_v5(&SCO_NAMESPACE, text.as_bytes())),
    )
}

/// `hashes` contributes exactly one hash, by preference order, falling back
/// to the first one listed.
fn one_hash<'o>(hashes: &'o Value<'_>) -> Option<Value<'o>> {
    let hashes = hashes.as_object()?;
    let (alg, value) = HASH_PREFERENCE
        .iter()
        .find_map(|alg| hashes.get(alg).map(|v| (*alg, v)))
        .or_else(|| hashes.iter().next())?;
    let mut one = Object::new();
    one.insert(alg, value.clone());
    Some(Value::Object(one))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn id_of(json: &str, contributing: &[&str]) -> String {
        let v = parse(json).unwrap();
        deterministic_uuid(v.as_object().unwrap(), contributing)
            .unwrap()
            .unwrap()
            .to_string()
    }

    #[test]
    fn matches_reference_vectors() {
        assert_eq!(
            id_of(r#"{"value":"198.51.100.3"}"#, &["value"]),
            "28bb3599-77cd-5a82-a950-b5bc3caf07c4"
        );
        assert_eq!(
            id_of(r#"{"number":15139}"#, &["number"]),
            "3aa27478-50b5-5ab8-9da9-cdc12b657fff"
        );
        assert_eq!(
            id_of(
                r#"{"name":"a.exe","hashes":{"SHA-256":"effb46bba03f6c8aea5c653f9cf984f170dcdd3bbbe2ff6843c3e5da0e698766","MD5":"3773a88f65a5e780c8dff9cdc3a056f3"}}"#,
                &["hashes", "name", "extensions", "parent_directory_ref"]
            ),
            "813025ad-e822-51fb-abe4-ea63d8928de6"
        );
        assert_eq!(
            id_of(
                r#"{"name":"quêry.dll","hashes":{"SHA-256":"effb46bba03f6c8aea5c653f9cf984f170dcdd3bbbe2ff6843c3e5da0e698766"}}"#,
                &["hashes", "name", "extensions", "parent_directory_ref"]
            ),
            "af406104-9ab8-57c7-9f8e-0898240d684a"
        );
        assert_eq!(
            id_of(
                r#"{"protocols":["ipv4","tcp"],"src_ref":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","dst_port":80}"#,
                &[
                    "start",
                    "end",
                    "src_ref",
                    "dst_ref",
                    "src_port",
                    "dst_port",
                    "protocols",
                    "extensions"
                ]
            ),
            "c9361847-2b4b-5400-8b25-bbd72608abf8"
        );
        assert_eq!(
            id_of(
                r#"{"key":"HKEY_LOCAL_MACHINE\\System\\Foo\\Bar"}"#,
                &["key", "values"]
            ),
            "1884b770-b679-522a-a9c7-45fadaaec7bb"
        );
    }

    #[test]
    fn none_without_contributing_properties() {
        let v = parse(r#"{"pid":4}"#).unwrap();
        assert!(deterministic_uuid(v.as_object().unwrap(), &[]).is_none());
    }
}
