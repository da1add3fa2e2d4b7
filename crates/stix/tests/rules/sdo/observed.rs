//! observed-data, with the deprecated observable container.

use crate::kit::*;

const OBSERVED_DATA: &str = r#"{
    "type": "observed-data",
    "spec_version": "2.1",
    "id": "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
    "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "created": "2016-04-06T19:58:16.000Z",
    "modified": "2016-04-06T19:58:16.000Z",
    "first_observed": "2015-12-21T19:00:00Z",
    "last_observed": "2015-12-21T19:00:00Z",
    "number_observed": 50,
    "object_refs": [
        "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
        "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"
    ]
}"#;

#[test]
fn observed_data() {
    clean(OBSERVED_DATA);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("first_observed")], &["E first_observed required-property"]),
        (&[Remove("last_observed")], &["E last_observed required-property"]),
        (&[Remove("number_observed")], &["E number_observed required-property"]),
        (&[Set("last_observed", r#""2015-12-21T18:59:59Z""#)], &["E last_observed timestamp-order"]),
        (&[Set("last_observed", r#""2016-04-06T19:58:16Z""#)], &[]),
        // number_observed: 1 to 999,999,999.
        (&[Set("number_observed", "1")], &[]),
        (&[Set("number_observed", "999999999")], &[]),
        (&[Set("number_observed", "0")], &["E number_observed out-of-range"]),
        (&[Set("number_observed", "1000000000")], &["E number_observed out-of-range"]),
        (&[Set("number_observed", "2.5")], &["E number_observed json-type"]),
        // Exactly one of object_refs and objects.
        (&[Remove("object_refs")], &["E  at-least-one-of"]),
        (&[Set("object_refs", "[]")], &["E object_refs empty-value"]),
        // object_refs: SCOs and SROs, at least one SCO.
        (&[Set("object_refs", r#"["relationship--f82356ae-fe6c-437c-9c24-6b64314ae68a", "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"]"#)], &[]),
        (&[Set("object_refs", r#"["relationship--f82356ae-fe6c-437c-9c24-6b64314ae68a"]"#)], &["E object_refs reference-type"]),
        (&[Set("object_refs", r#"["indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"]"#)], &["E object_refs[0] reference-type"]),
        (&[Set("object_refs", r#"["x-acme-sensor-event--14baae24-f0df-4d9a-ad83-b6be5865b326"]"#)], &[]),
        (&[Set("objects", r#"{"0":{"type":"ipv4-addr","value":"198.51.100.3"}}"#)], &["E objects mutually-exclusive", "W objects deprecated-properties"]),
    ];
    for (patches, expected) in rows {
        check_patched(OBSERVED_DATA, patches, expected);
    }
}

/// The same observation in the deprecated observable container.
const OBSERVED_CONTAINER: &str = r#"{
    "type": "observed-data",
    "spec_version": "2.1",
    "id": "observed-data--598fff9a-d949-4f70-86a9-77d679e18892",
    "created": "2016-04-06T19:58:16.000Z",
    "modified": "2016-04-06T19:58:16.000Z",
    "first_observed": "2015-12-21T19:00:00Z",
    "last_observed": "2015-12-21T19:00:00Z",
    "number_observed": 1,
    "objects": {
        "0": {"type": "ipv4-addr", "value": "198.51.100.3", "resolves_to_refs": ["1"]},
        "1": {"type": "mac-addr", "value": "d2:fb:49:24:37:18"}
    }
}"#;

#[test]
fn observable_container() {
    check(OBSERVED_CONTAINER, &["W objects deprecated-properties"]);
    let dep = "W objects deprecated-properties";
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Set("objects", "{}")], &[dep, "E objects empty-value"]),
        (&[Set("objects", "[]")], &[dep, "E objects json-type"]),
        (&[Set("objects", r#"{"ip":{"type":"ipv4-addr","value":"198.51.100.3"}}"#)], &[dep, "W objects.ip observable-object-keys"]),
        (&[Set("objects.0", r#""198.51.100.3""#)], &[dep, "E objects.0 json-type"]),
        (&[Remove("objects.0.type")], &[dep, "E objects.0.type required-property"]),
        (&[Set("objects.0.type", r#""IPv4""#)], &[dep, "E objects.0.type type-name"]),
        // Only cyber-observable objects belong in a container.
        (&[Set("objects.1", r#"{"type":"identity","name":"ACME"}"#)], &[dep, "E objects.1.type type-name", "E objects.0.resolves_to_refs[0] reference-type"]),
        // Contained SCOs are checked against their table...
        (&[Remove("objects.0.value")], &[dep, "E objects.0.value required-property"]),
        (&[Set("objects.0.x_acme_seen", "3")], &[dep, "W objects.0.x_acme_seen custom-property"]),
        (&[Set("objects.0.id", r#""mac-addr--757b1725-9903-54f5-a855-1240691d7659""#)], &[dep, "E objects.0.id identifier"]),
        (&[Set("objects.0.id", r#""ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4""#)], &[dep]),
        // ...and their references resolve to keys of the same container.
        // (An unresolved reference relates nothing, so "1" is left unrelated.)
        (&[Set("objects.0.resolves_to_refs", r#"["2"]"#)], &[dep, "E objects.0.resolves_to_refs[0] unresolved-reference", "E objects unrelated-observables"]),
        (&[Set("objects.0.resolves_to_refs", r#"["mac-addr--757b1725-9903-54f5-a855-1240691d7659"]"#)], &[dep, "E objects.0.resolves_to_refs[0] unresolved-reference", "E objects unrelated-observables"]),
        (&[Set("objects.0.resolves_to_refs", r#"["1", "0"]"#)], &[dep, "E objects.0.resolves_to_refs[1] reference-type"]),
        (&[Set("objects.0.resolves_to_refs", "[]")], &[dep, "E objects.0.resolves_to_refs empty-value", "E objects unrelated-observables"]),
        (&[Set("objects.1.id", r#""mac-addr--757b1725-9903-54f5-a855-1240691d7659""#), Set("objects.0.resolves_to_refs", r#"["mac-addr--757b1725-9903-54f5-a855-1240691d7659"]"#)], &[dep]),
        // Custom observables are accepted as they are.
        (&[Set("objects.2", r#"{"type":"x-acme-sensor-event","x_level":"high","src_ref":"0"}"#)], &[dep]),
        // Objects unrelated to each other must not share an observed-data.
        (&[Set("objects.2", r#"{"type":"x-acme-sensor-event","x_level":"high"}"#)], &[dep, "E objects unrelated-observables"]),
        (&[Remove("objects.0.resolves_to_refs")], &[dep, "E objects unrelated-observables"]),
    ];
    for (patches, expected) in rows {
        check_patched(OBSERVED_CONTAINER, patches, expected);
    }
}

/// A 2.0-style container with references inside lists and embedded types.
const OBSERVED_EMAIL: &str = r#"{
    "type": "observed-data",
    "spec_version": "2.1",
    "id": "observed-data--bf76f82d-387e-439f-a6ae-969a0b188a8f",
    "created": "2017-01-10T08:00:00.000Z",
    "modified": "2017-01-10T08:00:00.000Z",
    "first_observed": "2017-01-09T17:55:06Z",
    "last_observed": "2017-01-09T17:55:06Z",
    "number_observed": 1,
    "objects": {
        "0": {"type": "email-addr", "value": "jdoe@example.com", "display_name": "John Doe"},
        "1": {"type": "email-addr", "value": "mary@example.com", "display_name": "Mary Smith"},
        "2": {
            "type": "email-message",
            "is_multipart": true,
            "from_ref": "0",
            "to_refs": ["1"],
            "date": "1997-11-21T15:55:06Z",
            "subject": "Saying Hello",
            "body_multipart": [
                {"content_type": "text/plain; charset=utf-8", "body": "Hello"},
                {"content_type": "application/zip", "content_disposition": "attachment; filename=report.zip", "body_raw_ref": "3"}
            ]
        },
        "3": {"type": "artifact", "mime_type": "application/zip", "payload_bin": "UEsDBAoAAAAAAA=="}
    }
}"#;

#[test]
fn observable_container_references() {
    let dep = "W objects deprecated-properties";
    check(OBSERVED_EMAIL, &[dep]);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Set("objects.2.from_ref", r#""1""#), Set("objects.2.to_refs", r#"["0"]"#)], &[dep]),
        (&[Set("objects.2.to_refs", r#"["1", "3"]"#)], &[dep, "E objects.2.to_refs[1] reference-type"]),
        (&[Set("objects.2.from_ref", r#""9""#)], &[dep, "E objects.2.from_ref unresolved-reference", "E objects unrelated-observables"]),
        // Related through the reference of an embedded type (body_raw_ref).
        (&[Set("objects.2.body_multipart", r#"[{"content_type":"text/plain","body":"Hi"}]"#)], &[dep, "E objects unrelated-observables"]),
        (&[Remove("objects.2.from_ref"), Set("objects.2.to_refs", r#"["1"]"#)], &[dep, "E objects unrelated-observables"]),
        (&[Set("objects.2.to_refs", r#"["1", "2"]"#)], &[dep, "E objects.2.to_refs[1] reference-type"]),
        (&[Set("objects.2.body_multipart", r#"[{"content_type":"application/zip","body_raw_ref":"4"}]"#)], &[dep, "E objects.2.body_multipart[0].body_raw_ref unresolved-reference", "E objects unrelated-observables"]),
        (&[Set("objects.2.body_multipart", r#"[{"content_type":"text/plain","body_raw_ref":"0"}]"#)], &[dep, "E objects.2.body_multipart[0].body_raw_ref reference-type", "E objects unrelated-observables"]),
        (&[Remove("objects.2.is_multipart")], &[dep, "E objects.2.is_multipart required-property"]),
    ];
    for (patches, expected) in rows {
        check_patched(OBSERVED_EMAIL, patches, expected);
    }
}
