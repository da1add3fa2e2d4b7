//! The test kit for rule tables.
//!
//! A row names a base object, a patch, and the exact findings expected, each
//! written `E path code` (error) or `W path code` (warning). Comparing exact
//! sets keeps every row honest: a rule that stops firing, or starts firing
//! where it should not, fails the table.

use liaison_stix::json::{Object, Value, parse};
use liaison_stix::{Severity, validate_document};

/// Findings of `json` as `E path code` / `W path code` lines, sorted.
pub fn findings(json: &str) -> Vec<String> {
    let value = parse(json).unwrap_or_else(|e| panic!("fixture is not JSON: {e}\n{json}"));
    let mut out: Vec<String> = validate_document(&value)
        .into_iter()
        .map(|f| {
            let s = if f.severity == Severity::Error {
                "E"
            } else {
                "W"
            };
            format!("{s} {} {}", f.path, f.code)
        })
        .collect();
    out.sort();
    out
}

/// Asserts that `json` produces exactly `expected` (order does not matter).
#[track_caller]
pub fn check(json: &str, expected: &[&str]) {
    let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    expected.sort();
    let actual = findings(json);
    if actual != expected {
        let value = parse(json).unwrap();
        let details: Vec<String> = validate_document(&value)
            .iter()
            .map(|f| format!("  {} [{}] {f}", f.severity, f.code))
            .collect();
        panic!(
            "findings differ\n  expected: {expected:?}\n  actual:   {actual:?}\n{}\nfor: {json}",
            details.join("\n")
        );
    }
}

/// Asserts that `json` is valid without a single finding.
#[track_caller]
pub fn clean(json: &str) {
    check(json, &[]);
}

/// A change to a base object: set a member to a JSON value, or remove it.
pub enum Patch<'a> {
    Set(&'a str, &'a str),
    Remove(&'a str),
}

pub use Patch::{Remove, Set};

/// Applies patches to the base object `json` (top-level members; a key
/// with dots, `a.b`, reaches into nested objects).
pub fn patched(json: &str, patches: &[Patch<'_>]) -> String {
    let mut value = parse(json).unwrap().into_owned();
    for patch in patches {
        let (key, new) = match patch {
            Set(k, v) => (
                *k,
                Some(
                    parse(v)
                        .unwrap_or_else(|e| panic!("patch value {v}: {e}"))
                        .into_owned(),
                ),
            ),
            Remove(k) => (*k, None),
        };
        let mut parts: Vec<&str> = key.split('.').collect();
        let last = parts.pop().unwrap();
        let mut target = value.as_object_mut().unwrap();
        for part in parts {
            target = target
                .get_mut(part)
                .and_then(Value::as_object_mut)
                .unwrap_or_else(|| panic!("no object at {key}"));
        }
        match new {
            Some(v) => {
                target.insert(last.to_owned(), v);
            }
            None => {
                target.remove(last);
            }
        }
    }
    value.to_json_string()
}

/// Checks the base object changed by `patches`.
#[track_caller]
pub fn check_patched(base: &str, patches: &[Patch<'_>], expected: &[&str]) {
    check(&patched(base, patches), expected);
}

/// Wraps objects in a bundle.
pub fn bundle(objects: &[&str]) -> String {
    format!(
        r#"{{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[{}]}}"#,
        objects.join(",")
    )
}

#[allow(dead_code)]
fn _object_is_used(_: Object<'_>) {}
