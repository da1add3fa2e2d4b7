//! STIX Relationship Objects (§5): relationship and sighting, and the
//! specification-defined relationship types.

use crate::kit::*;

const RELATIONSHIP: &str = r#"{
    "type": "relationship",
    "spec_version": "2.1",
    "id": "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad",
    "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "created": "2016-04-06T20:06:37.000Z",
    "modified": "2016-04-06T20:06:37.000Z",
    "relationship_type": "indicates",
    "description": "This indicator detects Poison Ivy droppers",
    "source_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "target_ref": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b",
    "start_time": "2016-01-01T00:00:00Z",
    "stop_time": "2016-12-31T23:59:59Z"
}"#;

#[test]
fn relationship() {
    clean(RELATIONSHIP);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("relationship_type")], &["E relationship_type required-property"]),
        (&[Remove("source_ref")], &["E source_ref required-property"]),
        (&[Remove("target_ref")], &["E target_ref required-property"]),
        (&[Remove("description"), Remove("start_time"), Remove("stop_time")], &[]),
        (&[Set("description", "5")], &["E description json-type"]),
        // relationship_type: a-z, 0-9 and '-' only.
        (&[Set("relationship_type", r#""Indicates""#)], &["E relationship_type format"]),
        (&[Set("relationship_type", r#""indicated_by""#)], &["E relationship_type format"]),
        (&[Set("relationship_type", r#""""#)], &["E relationship_type format"]),
        (&[Set("relationship_type", r#""détecte""#)], &["E relationship_type format"]),
        (&[Set("relationship_type", r#"["indicates"]"#)], &["E relationship_type json-type"]),
        // Ends: SDOs or SCOs only.
        (&[Set("source_ref", r#""relationship--16d2358f-3b0d-4c88-b047-0da2f7ed4471""#)], &["E source_ref reference-type"]),
        (&[Set("target_ref", r#""sighting--ee20065d-2555-424f-ad9e-0f8428623c75""#)], &["E target_ref reference-type"]),
        (&[Set("target_ref", r#""bundle--5d0092c5-5f74-4287-9642-33f4c354e56d""#)], &["E target_ref reference-type"]),
        (&[Set("target_ref", r#""marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9""#)], &["E target_ref reference-type"]),
        (&[Set("source_ref", r#""language-content--b86bd89f-98bb-4fa9-8cb2-9ad421da981d""#)], &["E source_ref reference-type"]),
        (&[Set("target_ref", r#""extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e""#)], &["E target_ref reference-type"]),
        (&[Set("target_ref", r#""malware-31b940d4-6f7f-459a-80ea-9c1f17b5891b""#)], &["E target_ref identifier"]),
        (&[Set("target_ref", "42")], &["E target_ref json-type"]),
        // stop_time strictly later than start_time.
        (&[Set("stop_time", r#""2016-01-01T00:00:00Z""#)], &["E stop_time timestamp-order"]),
        (&[Set("stop_time", r#""2015-12-31T23:59:59Z""#)], &["E stop_time timestamp-order"]),
        (&[Remove("start_time"), Set("stop_time", r#""1999-01-01T00:00:00Z""#)], &[]),
        (&[Set("start_time", r#""2016-13-01T00:00:00Z""#)], &["E start_time timestamp"]),
        // Relationship types SHOULD be the specification's for the pair.
        (&[Set("relationship_type", r#""detects""#)], &["W relationship_type relationship-types"]),
        (&[Set("relationship_type", r#""related-to""#)], &[]),
        (&[Set("relationship_type", r#""based-on""#)], &["W relationship_type relationship-types"]),
        (&[Set("relationship_type", r#""derived-from""#)], &["W relationship_type relationship-types"]),
        (&[Set("relationship_type", r#""duplicate-of""#), Set("target_ref", r#""indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2""#)], &[]),
        (&[Set("target_ref", r#""ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4""#)], &["W relationship_type relationship-types"]),
        // Custom types at either end are not judged.
        (&[Set("target_ref", r#""x-acme-implant--a7926a10-dc0f-4b73-8110-fc43f6045f76""#)], &[]),
        (&[Set("relationship_type", r#""x-acme-detects""#), Set("source_ref", r#""x-acme-sensor--7b0f731f-8759-440d-b9e7-0e4094a06234""#)], &[]),
    ];
    for (patches, expected) in rows {
        check_patched(RELATIONSHIP, patches, expected);
    }
}

/// A relationship of `kind` from an object of type `source` to one of
/// type `target`.
fn relationship_between(source: &str, kind: &str, target: &str) -> String {
    format!(
        r#"{{"type":"relationship","spec_version":"2.1","id":"relationship--3a81ddb5-f170-4a8a-90bc-284963b6a906",
        "created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","relationship_type":"{kind}",
        "source_ref":"{source}--42070d5a-bf6c-4451-9899-217a04cd2be6","target_ref":"{target}--3d252a18-64ea-4a60-87a5-a8e7b9ee21e1"}}"#
    )
}

/// Every relationship the specification defines between SDOs (§4, Appendix
/// B), and the common ones (§3.7), is clean; near misses are warned about.
#[test]
fn relationship_types() {
    #[rustfmt::skip]
    let defined: &[(&str, &str, &str)] = &[
        ("attack-pattern", "delivers", "malware"),
        ("attack-pattern", "targets", "identity"),
        ("attack-pattern", "targets", "location"),
        ("attack-pattern", "targets", "vulnerability"),
        ("attack-pattern", "uses", "malware"),
        ("attack-pattern", "uses", "tool"),
        ("campaign", "attributed-to", "intrusion-set"),
        ("campaign", "attributed-to", "threat-actor"),
        ("campaign", "compromises", "infrastructure"),
        ("campaign", "originates-from", "location"),
        ("campaign", "targets", "vulnerability"),
        ("campaign", "uses", "attack-pattern"),
        ("campaign", "uses", "infrastructure"),
        ("course-of-action", "investigates", "indicator"),
        ("course-of-action", "mitigates", "attack-pattern"),
        ("course-of-action", "mitigates", "indicator"),
        ("course-of-action", "mitigates", "vulnerability"),
        ("course-of-action", "remediates", "malware"),
        ("identity", "located-at", "location"),
        ("indicator", "indicates", "attack-pattern"),
        ("indicator", "indicates", "campaign"),
        ("indicator", "indicates", "infrastructure"),
        ("indicator", "indicates", "intrusion-set"),
        ("indicator", "indicates", "threat-actor"),
        ("indicator", "indicates", "tool"),
        ("indicator", "based-on", "observed-data"),
        ("infrastructure", "communicates-with", "infrastructure"),
        ("infrastructure", "communicates-with", "ipv4-addr"),
        ("infrastructure", "consists-of", "infrastructure"),
        ("infrastructure", "consists-of", "observed-data"),
        ("infrastructure", "consists-of", "ipv4-addr"),
        ("infrastructure", "controls", "malware"),
        ("infrastructure", "delivers", "malware"),
        ("infrastructure", "has", "vulnerability"),
        ("infrastructure", "hosts", "tool"),
        ("infrastructure", "located-at", "location"),
        ("infrastructure", "uses", "infrastructure"),
        ("intrusion-set", "attributed-to", "threat-actor"),
        ("intrusion-set", "compromises", "infrastructure"),
        ("intrusion-set", "hosts", "infrastructure"),
        ("intrusion-set", "owns", "infrastructure"),
        ("intrusion-set", "originates-from", "location"),
        ("intrusion-set", "targets", "identity"),
        ("intrusion-set", "uses", "tool"),
        ("malware", "authored-by", "intrusion-set"),
        ("malware", "beacons-to", "infrastructure"),
        ("malware", "exfiltrates-to", "infrastructure"),
        ("malware", "communicates-with", "ipv4-addr"),
        ("malware", "controls", "malware"),
        ("malware", "downloads", "tool"),
        ("malware", "drops", "malware"),
        ("malware", "exploits", "vulnerability"),
        ("malware", "originates-from", "location"),
        ("malware", "targets", "infrastructure"),
        ("malware", "uses", "attack-pattern"),
        ("malware", "variant-of", "malware"),
        ("malware-analysis", "characterizes", "malware"),
        ("malware-analysis", "av-analysis-of", "malware"),
        ("malware-analysis", "static-analysis-of", "malware"),
        ("malware-analysis", "dynamic-analysis-of", "malware"),
        ("threat-actor", "attributed-to", "identity"),
        ("threat-actor", "compromises", "infrastructure"),
        ("threat-actor", "hosts", "infrastructure"),
        ("threat-actor", "owns", "infrastructure"),
        ("threat-actor", "impersonates", "identity"),
        ("threat-actor", "located-at", "location"),
        ("threat-actor", "targets", "location"),
        ("threat-actor", "uses", "malware"),
        ("tool", "delivers", "malware"),
        ("tool", "drops", "malware"),
        ("tool", "has", "vulnerability"),
        ("tool", "targets", "infrastructure"),
        ("tool", "uses", "infrastructure"),
        ("domain-name", "resolves-to", "domain-name"),
        ("domain-name", "resolves-to", "ipv4-addr"),
        ("domain-name", "resolves-to", "ipv6-addr"),
        ("ipv4-addr", "belongs-to", "autonomous-system"),
        ("ipv6-addr", "resolves-to", "mac-addr"),
        ("infrastructure", "communicates-with", "url"),
        ("infrastructure", "consists-of", "x509-certificate"),
        ("malware", "communicates-with", "domain-name"),
        ("malware", "downloads", "file"),
        ("report", "related-to", "ipv4-addr"),
        ("note", "derived-from", "note"),
        ("ipv4-addr", "duplicate-of", "ipv4-addr"),
    ];
    for (source, kind, target) in defined {
        clean(&relationship_between(source, kind, target));
    }
    #[rustfmt::skip]
    let warned: &[(&str, &str, &str)] = &[
        ("identity", "uses", "malware"),
        ("location", "targets", "identity"),
        ("tool", "uses", "malware"),
        ("campaign", "targets", "malware"),
        ("attack-pattern", "delivers", "tool"),
        ("threat-actor", "authored-by", "malware"),
        ("malware", "attributed-to", "threat-actor"),
        ("infrastructure", "consists-of", "indicator"),
        ("indicator", "indicates", "ipv4-addr"),
        ("malware", "communicates-with", "mac-addr"),
        ("malware", "drops", "artifact"),
        ("domain-name", "resolves-to", "url"),
        ("mac-addr", "resolves-to", "ipv4-addr"),
        ("malware", "derived-from", "tool"),
        ("campaign", "duplicate-of", "intrusion-set"),
    ];
    for (source, kind, target) in warned {
        check(
            &relationship_between(source, kind, target),
            &["W relationship_type relationship-types"],
        );
    }
}

const SIGHTING: &str = r#"{
    "type": "sighting",
    "spec_version": "2.1",
    "id": "sighting--ee20065d-2555-424f-ad9e-0f8428623c75",
    "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "created": "2016-04-06T20:08:31.000Z",
    "modified": "2016-04-06T20:08:31.000Z",
    "description": "Seen at the perimeter of two member organisations",
    "first_seen": "2015-12-21T19:00:00Z",
    "last_seen": "2015-12-21T19:00:00Z",
    "count": 50,
    "sighting_of_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "observed_data_refs": ["observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf"],
    "where_sighted_refs": ["identity--b67d30ff-02ac-498a-92f9-32f845f448ff", "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64"],
    "summary": false
}"#;

#[test]
fn sighting() {
    clean(SIGHTING);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("sighting_of_ref")], &["E sighting_of_ref required-property"]),
        (&[Remove("description"), Remove("first_seen"), Remove("last_seen"), Remove("count"), Remove("observed_data_refs"), Remove("where_sighted_refs"), Remove("summary")], &[]),
        // sighting_of_ref: SDOs only.
        (&[Set("sighting_of_ref", r#""malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b""#)], &[]),
        (&[Set("sighting_of_ref", r#""x-acme-actor--8a692210-be1d-434b-b42a-d3c6f69f0106""#)], &[]),
        (&[Set("sighting_of_ref", r#""relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad""#)], &["E sighting_of_ref reference-type"]),
        (&[Set("sighting_of_ref", r#""ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4""#)], &["E sighting_of_ref reference-type"]),
        (&[Set("sighting_of_ref", r#""marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9""#)], &["E sighting_of_ref reference-type"]),
        // observed_data_refs: observed-data only.
        (&[Set("observed_data_refs", r#"["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]"#)], &["E observed_data_refs[0] reference-type"]),
        (&[Set("observed_data_refs", "[]")], &["E observed_data_refs empty-value"]),
        // where_sighted_refs: identity or location only.
        (&[Set("where_sighted_refs", r#"["threat-actor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]"#)], &["E where_sighted_refs[0] reference-type"]),
        // count: 0 to 999,999,999 (0: explicitly not seen).
        (&[Set("count", "0")], &[]),
        (&[Set("count", "999999999")], &[]),
        (&[Set("count", "-1")], &["E count out-of-range"]),
        (&[Set("count", "1000000000")], &["E count out-of-range"]),
        (&[Set("count", r#""50""#)], &["E count json-type"]),
        // last_seen >= first_seen.
        (&[Set("last_seen", r#""2015-12-21T18:59:59.999Z""#)], &["E last_seen timestamp-order"]),
        (&[Set("summary", r#""false""#)], &["E summary json-type"]),
        (&[Set("summary", "true")], &[]),
    ];
    for (patches, expected) in rows {
        check_patched(SIGHTING, patches, expected);
    }
}
