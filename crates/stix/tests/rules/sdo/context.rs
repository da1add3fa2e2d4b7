//! grouping, identity, note, opinion, report.

use crate::kit::*;

const GROUPING: &str = r#"{
    "type": "grouping",
    "spec_version": "2.1",
    "id": "grouping--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
    "created_by_ref": "identity--a463ffb3-1bd9-4d94-b02d-74e4f1658283",
    "created": "2015-12-21T19:59:11.000Z",
    "modified": "2015-12-21T19:59:11.000Z",
    "name": "The Black Vine Cyberespionage Group",
    "description": "A simple collection of Black Vine Cyberespionage Group attributed intel",
    "context": "suspicious-activity",
    "object_refs": [
        "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",
        "campaign--83422c77-904c-4dc1-aff5-5c38f3a2c55c",
        "relationship--f82356ae-fe6c-437c-9c24-6b64314ae68a",
        "file--0203b5c8-f8b6-4ddb-9ad0-527d727f968b"
    ]
}"#;

#[test]
fn grouping() {
    clean(GROUPING);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("context")], &["E context required-property"]),
        (&[Remove("object_refs")], &["E object_refs required-property"]),
        // name is optional (OASIS Standard, schemas; the markdown says required).
        (&[Remove("name")], &[]),
        (&[Set("context", r#""investigation""#)], &["W context grouping-context"]),
        (&[Set("context", r#""Malware Analysis""#)], &["W context grouping-context", "W context open-vocab-format"]),
        (&[Set("object_refs", "[]")], &["E object_refs empty-value"]),
        (&[Set("object_refs", r#"["bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"]"#)], &["E object_refs[0] reference-type"]),
        (&[Set("object_refs", r#"["campaign-83422c77-904c-4dc1-aff5-5c38f3a2c55c"]"#)], &["E object_refs[0] identifier"]),
        (&[Set("object_refs", r#"["x-acme-widget--83422c77-904c-4dc1-aff5-5c38f3a2c55c"]"#)], &[]),
    ];
    for (patches, expected) in rows {
        check_patched(GROUPING, patches, expected);
    }
}

const IDENTITY: &str = r#"{
    "type": "identity",
    "spec_version": "2.1",
    "id": "identity--e5f1b90a-d9b6-40ab-81a9-8a29df4b6b65",
    "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "created": "2016-04-06T20:03:00.000Z",
    "modified": "2016-04-06T20:03:00.000Z",
    "name": "ACME Widget, Inc.",
    "description": "Maker of widgets",
    "roles": ["Retailer"],
    "identity_class": "organization",
    "sectors": ["manufacturing", "retail"],
    "contact_information": "security@acme.example"
}"#;

#[test]
fn identity() {
    clean(IDENTITY);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("name")], &["E name required-property"]),
        (&[Set("identity_class", r#""company""#)], &["W identity_class identity-class"]),
        (&[Set("sectors", r#"["banking"]"#)], &["W sectors[0] industry-sector"]),
        (&[Set("sectors", r#"["legal"]"#)], &[]),
        (&[Set("sectors", r#""retail""#)], &["E sectors json-type"]),
        (&[Set("roles", "[]")], &["E roles empty-value"]),
        (&[Set("contact_information", r#"{"email":"a@b.example"}"#)], &["E contact_information json-type"]),
        (&[Set("phone_number", r#""+1 555 0100""#)], &["E phone_number reserved-property"]),
    ];
    for (patches, expected) in rows {
        check_patched(IDENTITY, patches, expected);
    }
}

const NOTE: &str = r#"{
    "type": "note",
    "spec_version": "2.1",
    "id": "note--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
    "created": "2016-05-12T08:17:27.000Z",
    "modified": "2016-05-12T08:17:27.000Z",
    "external_references": [{"source_name": "job-tracker", "external_id": "job-id-1234"}],
    "abstract": "Tracking Team Note#1",
    "content": "This note indicates the various steps taken by the threat analyst team to investigate this specific campaign.",
    "authors": ["John Doe"],
    "object_refs": ["campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]
}"#;

#[test]
fn note() {
    clean(NOTE);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("content")], &["E content required-property"]),
        (&[Remove("object_refs")], &["E object_refs required-property"]),
        (&[Remove("abstract"), Remove("authors")], &[]),
        (&[Set("authors", r#""John Doe""#)], &["E authors json-type"]),
        (&[Set("object_refs", r#"["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad"]"#)], &[]),
    ];
    for (patches, expected) in rows {
        check_patched(NOTE, patches, expected);
    }
}

const OPINION: &str = r#"{
    "type": "opinion",
    "spec_version": "2.1",
    "id": "opinion--b01efc25-77b4-4003-b18b-f6e24b5cd9f7",
    "created": "2016-05-12T08:17:27.000Z",
    "modified": "2016-05-12T08:17:27.000Z",
    "object_refs": ["relationship--16d2358f-3b0d-4c88-b047-0da2f7ed4471"],
    "opinion": "strongly-disagree",
    "explanation": "This doesn't seem like it is feasible.",
    "authors": ["Jane Roe"]
}"#;

#[test]
fn opinion() {
    clean(OPINION);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("opinion")], &["E opinion required-property"]),
        (&[Remove("object_refs")], &["E object_refs required-property"]),
        // opinion-enum is closed: anything else is an error, case included.
        (&[Set("opinion", r#""agree""#)], &[]),
        (&[Set("opinion", r#""mostly-agree""#)], &["E opinion enum-value"]),
        (&[Set("opinion", r#""Agree""#)], &["E opinion enum-value"]),
        (&[Set("opinion", "4")], &["E opinion json-type"]),
        (&[Set("explanation", "true")], &["E explanation json-type"]),
    ];
    for (patches, expected) in rows {
        check_patched(OPINION, patches, expected);
    }
}

const REPORT: &str = r#"{
    "type": "report",
    "spec_version": "2.1",
    "id": "report--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3",
    "created_by_ref": "identity--a463ffb3-1bd9-4d94-b02d-74e4f1658283",
    "created": "2015-12-21T19:59:11.000Z",
    "modified": "2015-12-21T19:59:11.000Z",
    "name": "The Black Vine Cyberespionage Group",
    "description": "A simple report with an indicator and campaign",
    "published": "2016-01-20T17:00:00.000Z",
    "report_types": ["campaign"],
    "object_refs": [
        "indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2",
        "campaign--83422c77-904c-4dc1-aff5-5c38f3a2c55c",
        "relationship--f82356ae-fe6c-437c-9c24-6b64314ae68a"
    ]
}"#;

#[test]
fn report() {
    clean(REPORT);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("name")], &["E name required-property"]),
        (&[Remove("published")], &["E published required-property"]),
        (&[Remove("object_refs")], &["E object_refs required-property"]),
        (&[Set("published", r#""2016-01-20""#)], &["E published timestamp"]),
        (&[Set("published", r#""2016-01-20T17:00:00Z""#)], &[]),
        (&[Set("report_types", r#"["apt-report"]"#)], &["W report_types[0] report-types"]),
        (&[Set("report_types", r#"["incident"]"#)], &[]),
        (&[Set("object_refs", r#"["campaign--83422c77-904c-4dc1-aff5-5c38f3a2c55c", 7]"#)], &["E object_refs[1] json-type"]),
    ];
    for (patches, expected) in rows {
        check_patched(REPORT, patches, expected);
    }
}
