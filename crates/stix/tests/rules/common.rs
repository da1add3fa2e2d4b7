//! Rules shared by all objects: type, id, spec_version, created/modified,
//! common properties, custom properties, markings, extensions, bundles.

use crate::kit::*;

/// A minimal valid SDO to hang common-property rows on.
const BASE: &str = r#"{
    "type": "identity",
    "spec_version": "2.1",
    "id": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
    "created": "2015-12-21T19:59:11.000Z",
    "modified": "2015-12-21T19:59:11.000Z",
    "name": "ACME CERT"
}"#;

#[test]
fn base_is_clean() {
    clean(BASE);
}

#[test]
fn common_property_rows() {
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("id")], &["E id required-property"]),
        (
            &[Set(
                "id",
                r#""indicator--311b2d2d-f010-4473-83ec-1edf84858f4c""#,
            )],
            &["E id identifier"],
        ),
        (
            &[Set(
                "id",
                r#""identity--311b2d2d-f010-6473-83ec-1edf84858f4c""#,
            )],
            &["E id identifier"],
        ),
        (
            &[Set(
                "id",
                r#""identity--311b2d2d-f010-5473-83ec-1edf84858f4c""#,
            )],
            &["W id uuid-version"],
        ),
        (
            &[Remove("spec_version")],
            &["E spec_version required-property"],
        ),
        (
            &[Set("spec_version", r#""2.0""#)],
            &["E spec_version spec-version"],
        ),
        (&[Remove("created")], &["E created required-property"]),
        (
            &[Set("created", r#""2015-12-21T19:59:11Z""#)],
            &["E created timestamp-precision"],
        ),
        (
            &[Set("created", r#""2015-12-21T19:59:11.00Z""#)],
            &["E created timestamp-precision"],
        ),
        (
            &[Set("created", r#""2015-02-30T19:59:11.000Z""#)],
            &["E created timestamp"],
        ),
        (
            &[Set("modified", r#""2015-12-21T19:59:10.999Z""#)],
            &["E modified timestamp-order"],
        ),
        (
            &[Set("modified", r#""2015-12-21T19:59:11.000000001Z""#)],
            &[],
        ),
        (&[Set("confidence", "101")], &["E confidence out-of-range"]),
        (&[Set("confidence", "-1")], &["E confidence out-of-range"]),
        (&[Set("confidence", "50.5")], &["E confidence json-type"]),
        (&[Set("confidence", "50.0")], &[]),
        (&[Set("labels", "[]")], &["E labels empty-value"]),
        (&[Set("labels", r#"["a", 1]"#)], &["E labels[1] json-type"]),
        (&[Set("lang", r#""en-US""#)], &[]),
        (&[Set("lang", r#""english_US""#)], &["E lang language"]),
        (&[Set("revoked", r#""yes""#)], &["E revoked json-type"]),
        (
            &[Set(
                "created_by_ref",
                r#""indicator--311b2d2d-f010-4473-83ec-1edf84858f4c""#,
            )],
            &["E created_by_ref reference-type"],
        ),
        (
            &[Set("created_by_ref", r#""identity--nope""#)],
            &["E created_by_ref identifier"],
        ),
        (
            &[Set(
                "object_marking_refs",
                r#"["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"]"#,
            )],
            &[],
        ),
        (
            &[Set(
                "object_marking_refs",
                r#"["identity--311b2d2d-f010-4473-83ec-1edf84858f4c"]"#,
            )],
            &["E object_marking_refs[0] reference-type"],
        ),
        (
            &[Set("defanged", "true")],
            &["E defanged property-not-applicable"],
        ),
        (
            &[Set("x_acme_score", "3")],
            &["W x_acme_score custom-property"],
        ),
        (&[Set("Bad-Name", "3")], &["E Bad-Name property-name"]),
        (
            &[Set("severity", r#""high""#)],
            &["E severity reserved-property"],
        ),
        (
            &[Set(
                "external_references",
                r#"[{"source_name":"cve","external_id":"CVE-2021-44228"}]"#,
            )],
            &[],
        ),
        (
            &[Set(
                "external_references",
                r#"[{"source_name":"cve","external_id":"CVE-21-44228"}]"#,
            )],
            &["E external_references[0].external_id format"],
        ),
        (
            &[Set("external_references", r#"[{"source_name":"acme"}]"#)],
            &["E external_references[0] at-least-one-of"],
        ),
        (
            &[Set(
                "external_references",
                r#"[{"source_name":"acme","url":"https://a.example/x"}]"#,
            )],
            &["W external_references[0] extref-hashes"],
        ),
        (
            &[Set(
                "external_references",
                r#"[{"source_name":"acme","url":"https://a.example/x","hashes":{"SHA-256":"abc"}}]"#,
            )],
            &["E external_references[0].hashes.SHA-256 hash-value"],
        ),
        (
            &[Set(
                "granular_markings",
                r#"[{"selectors":["name"],"marking_ref":"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"}]"#,
            )],
            &[],
        ),
        (
            &[Set(
                "granular_markings",
                r#"[{"selectors":["name"],"lang":"de"}]"#,
            )],
            &[],
        ),
        (
            &[Set(
                "granular_markings",
                r#"[{"selectors":["description"],"lang":"de"}]"#,
            )],
            &["E granular_markings[0].selectors[0] marking-selector"],
        ),
        (
            &[Set("granular_markings", r#"[{"selectors":["name"]}]"#)],
            &["E granular_markings[0] at-least-one-of"],
        ),
        (&[Set("extensions", "{}")], &["E extensions empty-value"]),
        (
            &[Set(
                "extensions",
                r#"{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":{"extension_type":"property-extension","rank":5}}"#,
            )],
            &[],
        ),
        (
            &[Set(
                "extensions",
                r#"{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":{"rank":5}}"#,
            )],
            &[
                "E extensions.extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e.extension_type required-property",
            ],
        ),
        (
            &[
                Set(
                    "extensions",
                    r#"{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":{"extension_type":"toplevel-property-extension"}}"#,
                ),
                Set("rank", "5"),
            ],
            &[],
        ),
    ];
    for (patches, expected) in rows {
        check_patched(BASE, patches, expected);
    }
}

#[test]
fn documents() {
    check(&bundle(&[BASE]), &[]);
    check(&format!("[{BASE},{BASE}]"), &["W [1] duplicate-ids"]);
    check(
        r#"{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[]}"#,
        &["E objects empty-value"],
    );
    check(
        r#"{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","spec_version":"2.0"}"#,
        &["E spec_version spec-version"],
    );
    check(&bundle(&["42"]), &["E objects[0] not-an-object"]);
    check(r#"{"id":"x"}"#, &["E type required-property"]);
}
