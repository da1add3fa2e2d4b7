//! Validation of a document while it is read: each STIX object of a bundle
//! or list is checked as soon as it has been parsed, then dropped.
//!
//! The document is never held whole, so memory stays that of one object
//! whatever the size of the bundle, and each object is checked while it is
//! still in the processor's cache and freed right after, which `liaison
//! validate` measures as a few percent faster than parsing the whole tree
//! first. The findings are those of
//! [`validate_document`](super::validate_document), in the same order.

use crate::finding::Finding;
use crate::json::{self, ParseError, Streamed, Value};

use super::ctx::{Ctx, code};
use super::{EMPTY_DOCUMENT, EMPTY_OBJECTS, ObjectList, check_bundle_members};

/// What [`validate_bytes`] found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated {
    /// How many STIX objects the document holds: the items of a list, the
    /// objects of a bundle (none when it has no list of objects), or one.
    pub objects: usize,
    /// What [`validate_document`](super::validate_document) finds, in the
    /// same order.
    pub findings: Vec<Finding>,
}

/// Parses and validates a document (UTF-8 bytes, as [`json::parse_bytes`]
/// takes them) in one pass, checking each object as soon as it is read.
/// `observer(done)` is called after each object, for progress displays.
///
/// A syntax error anywhere is returned as such, without findings, exactly as
/// [`json::parse_bytes`] would report it.
pub fn validate_bytes(
    input: &[u8],
    observer: &mut dyn FnMut(usize),
) -> Result<Validated, ParseError> {
    // Room for the objects' versions is reserved up front, which spares
    // hashing every id again each time the table grows. A STIX object takes
    // a few hundred bytes of JSON, so the input's size tells roughly how
    // many there can be (bounded, so that a huge input reserves no huge
    // table before anything is read).
    let mut list = ObjectList::with_capacity((input.len() / 512).min(1 << 16));
    let mut list_findings = Vec::new();
    let mut list_ctx = Ctx::new(String::new(), &mut list_findings);
    let Streamed { document, streamed } = json::parse_streaming(input, &mut |path, item| {
        list_ctx.at_key(path, |ctx| list.check(ctx, &item));
        observer(list.len);
    })?;
    let Some(objects) = streamed else {
        // No list of objects to stream (a single object, or a bundle whose
        // type came after its objects): the usual walk over the tree.
        let findings = super::validate_document_observed(&document, &mut |done, _| observer(done));
        return Ok(Validated {
            objects: count_objects(&document),
            findings,
        });
    };
    // The findings of the document itself come first, as they do in
    // `validate_document`, then those of the objects.
    let mut findings = Vec::new();
    let mut ctx = Ctx::new(String::new(), &mut findings);
    let path = match &document {
        Value::Object(bundle) => {
            check_bundle_members(&mut ctx, bundle);
            if objects == 0 {
                ctx.error_at("objects", code::EMPTY, EMPTY_OBJECTS);
            }
            "objects"
        }
        _ => {
            if objects == 0 {
                ctx.error(code::EMPTY, EMPTY_DOCUMENT);
            }
            ""
        }
    };
    findings.append(&mut list_findings);
    Ctx::new(String::new(), &mut findings).at_key(path, |ctx| list.finish(ctx));
    Ok(Validated { objects, findings })
}

/// How many STIX objects a document holds (see [`Validated::objects`]).
fn count_objects(document: &Value<'_>) -> usize {
    match document {
        Value::Array(items) => items.len(),
        Value::Object(o) if o.get("type").and_then(Value::as_str) == Some("bundle") => o
            .get("objects")
            .and_then(Value::as_array)
            .map_or(0, <[_]>::len),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `validate_bytes` must agree with: parsing whole, then validating.
    fn whole(input: &str) -> Result<Validated, ParseError> {
        let document = json::parse(input)?;
        Ok(Validated {
            objects: count_objects(&document),
            findings: super::super::validate_document(&document),
        })
    }

    #[test]
    fn agrees_with_validating_the_parsed_document() {
        let indicator = r#"{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern":"[file:size = 1]","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z","x_note":1}"#;
        let mutex = r#"{"type":"mutex","id":"mutex--eba44954-d4e4-5d3b-814c-2b17dd8de300","name":"m\u00fctex"}"#;
        let bad = r#"{"type":"not a type","id":"nope"}"#;
        let bundle_id = "bundle--44af6c39-c09b-49c5-9de2-394224b04982";
        let documents = [
            format!("[{indicator},{mutex},{bad},{indicator},42]"),
            "[]".to_owned(),
            " \u{feff}[]".to_owned(),
            "\u{feff} []".to_owned(),
            "\u{feff}[ ]".to_owned(),
            format!(
                r#"{{"type":"bundle","id":"{bundle_id}","objects":[{indicator},{mutex},{indicator}]}}"#
            ),
            format!(r#"{{"type":"bundle","id":"{bundle_id}","objects":[]}}"#),
            format!(
                r#"{{"type":"bundle","objects":[{bad}],"spec_version":"2.0","x_custom":true,"id":"{bundle_id}"}}"#
            ),
            // The type comes after the objects: not streamed, same result.
            format!(r#"{{"objects":[{indicator}],"type":"bundle","id":"{bundle_id}"}}"#),
            format!(r#"{{"type":"bundle","id":"{bundle_id}","objects":{{"a":{indicator}}}}}"#),
            format!(r#"{{"type":"bundle","id":"{bundle_id}"}}"#),
            format!(
                r#"{{"type":"x-not-a-bundle","id":"x-not-a-bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","objects":[{indicator}]}}"#
            ),
            format!(
                r#"{{"type":"bundle","id":"{bundle_id}","objects":[{{"type":"bundle","id":"{bundle_id}","objects":[{indicator}]}}]}}"#
            ),
            indicator.to_owned(),
            "42".to_owned(),
            // Syntax errors before, inside and after the streamed objects.
            format!("[{indicator},{mutex}"),
            format!("[{indicator},]"),
            format!("[{indicator}] x"),
            format!(r#"{{"type":"bundle","id":"{bundle_id}","objects":[{indicator}],"id":1}}"#),
            format!(r#"{{"type":"bundle","objects":[{indicator}]"#),
        ];
        for document in &documents {
            let mut observed = Vec::new();
            let streamed = validate_bytes(document.as_bytes(), &mut |done| observed.push(done));
            assert_eq!(streamed, whole(document), "{document}");
            if let Ok(validated) = streamed {
                let expected: Vec<usize> = (1..=validated.objects).collect();
                assert_eq!(observed, expected, "{document}");
            }
        }
        assert_eq!(
            validate_bytes(b"[\"\xff\"]", &mut |_| {}),
            json::parse_bytes(b"[\"\xff\"]").map(|_| unreachable!())
        );
    }
}
