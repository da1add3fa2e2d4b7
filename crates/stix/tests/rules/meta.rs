//! STIX meta objects (§7): language-content, marking-definition (with the
//! real TLP 1.0 and TLP 2.0 marking definitions) and extension-definition.

use liaison_stix::tlp::{self, TlpVersion};

use crate::kit::*;

type Row<'a> = (&'a [Patch<'a>], &'a [&'a str]);

#[track_caller]
fn rows(base: &str, rows: &[Row<'_>]) {
    clean(base);
    for (patches, expected) in rows {
        check_patched(base, patches, expected);
    }
}

/// The spec's example (§7.1): a German and a French translation of a
/// campaign.
const LANGUAGE_CONTENT: &str = r#"{
    "type": "language-content",
    "id": "language-content--b86bd89f-98bb-4fa9-8cb2-9ad421da981d",
    "spec_version": "2.1",
    "created": "2017-02-08T21:31:22.007Z",
    "modified": "2017-02-08T21:31:22.007Z",
    "object_ref": "campaign--12a111f0-b824-4baf-a224-83b80237a094",
    "object_modified": "2017-02-08T21:31:22.007Z",
    "contents": {
        "de": {
            "name": "Bank Angriff 1",
            "description": "Weitere Informationen über Banküberfall"
        },
        "fr": {
            "name": "Attaque Bank 1",
            "description": "Plus d'informations sur la crise bancaire",
            "aliases": ["", "Attaque Bancaire"]
        }
    }
}"#;

#[test]
fn language_content() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("object_ref")], &["E object_ref required-property"]),
        (&[Remove("contents")], &["E contents required-property"]),
        (&[Remove("object_modified")], &[]),
        (&[Set("object_ref", r#""file--41582d78-96c3-56dc-875e-e5227324267b""#)], &[]),
        (&[Set("object_ref", r#""marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da""#)], &[]),
        (&[Set("object_ref", r#""bundle--5d0092c5-5f74-4287-9642-33f4c354e56d""#)], &["E object_ref reference-type"]),
        (&[Set("object_ref", r#""language-content--0bb0c5d0-5f3a-4e6f-a0f1-7f4b5a3c1d2e""#)], &["E object_ref reference-type"]),
        (&[Set("object_ref", r#""campaign-12a111f0""#)], &["E object_ref identifier"]),
        (&[Set("object_modified", r#""2017-02-08""#)], &["E object_modified timestamp"]),
        (&[Set("contents", "{}")], &["E contents empty-value"]),
        (&[Set("contents", r#"["de"]"#)], &["E contents json-type"]),
        (&[Set("contents.de-CH", r#"{"name": "Bankangriff 1"}"#)], &[]),
        (&[Set("contents.de_DE", r#"{"name": "Bank Angriff 1"}"#)], &["E contents.de_DE language"]),
        (&[Set("contents.de", r#""Bank Angriff 1""#)], &["E contents.de json-type"]),
        (&[Set("contents.de", "{}")], &["E contents.de empty-value"]),
        (&[Set("contents.de.Name", r#""Bank Angriff""#)], &["E contents.de.Name property-name"]),
        (&[Set("lang", r#""de""#)], &["E lang property-not-applicable"]),
        (&[Set("confidence", "50")], &[]),
        (&[Set("modified", r#""2017-02-08T21:31:22.006Z""#)], &["E modified timestamp-order"]),
    ];
    rows(LANGUAGE_CONTENT, table);
}

/// A statement marking (§7.2.1.3) with a fresh id.
const STATEMENT: &str = r#"{
    "type": "marking-definition",
    "spec_version": "2.1",
    "id": "marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f",
    "created": "2016-08-01T00:00:00.000Z",
    "created_by_ref": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
    "name": "Copyright ACME",
    "definition_type": "statement",
    "definition": {"statement": "Copyright 2016, Example Corp"}
}"#;

#[test]
fn statement_marking() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("name")], &[]),
        (&[Remove("created")], &["E created required-property"]),
        (&[Remove("definition_type")], &["E definition_type required-property"]),
        (&[Remove("definition")], &["E definition required-property"]),
        (&[Remove("definition_type"), Remove("definition")], &["E definition_type required-property", "E definition required-property"]),
        (&[Set("definition", r#"{"text": "Copyright 2016"}"#)], &["E definition.statement required-property", "W definition.text custom-property"]),
        (&[Set("definition", r#"{"statement": 2016}"#)], &["E definition.statement json-type"]),
        (&[Set("definition", r#""Copyright 2016, Example Corp""#)], &["E definition json-type"]),
        (&[Set("definition_type", r#""iep""#)], &["W definition_type marking-definition-type"]),
        (&[Set("definition_type", r#""tlp""#)], &["E definition.tlp required-property", "W definition.statement custom-property", "E definition_type marking"]),
        (&[Set("modified", r#""2016-08-01T00:00:00.000Z""#)], &["E modified property-not-applicable"]),
        (&[Set("revoked", "true")], &["E revoked property-not-applicable"]),
        (&[Set("object_marking_refs", r#"["marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f"]"#)], &["E object_marking_refs marking"]),
        // §C.2.1 of STIX 2.1 shows a statement reusing the TLP:GREEN id;
        // a statement must never use a TLP id (1.0 or 2.0).
        (&[Set("id", r#""marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da""#)], &["E id marking"]),
        (&[Set("id", r#""marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb""#)], &["E id marking"]),
    ];
    rows(STATEMENT, table);
}

/// A marking defined through an extension (no definition_type/definition).
const EXTENSION_MARKING: &str = r#"{
    "type": "marking-definition",
    "spec_version": "2.1",
    "id": "marking-definition--3cd55916-d34b-4747-a8e0-dedec14b711b",
    "created": "2022-06-01T00:00:00.000Z",
    "name": "ACME handling: internal",
    "extensions": {
        "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e": {
            "extension_type": "property-extension",
            "handling": "internal"
        }
    }
}"#;

#[test]
fn extension_marking() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("extensions")], &["E definition_type required-property", "E definition required-property"]),
        (&[Set("definition_type", r#""statement""#)], &["E definition_type property-dependency"]),
        (&[Set("definition", r#"{"statement": "internal"}"#)], &["E definition property-dependency"]),
        (&[Set("definition_type", r#""statement""#), Set("definition", r#"{"statement": "internal"}"#)], &[]),
        // The TLP 2.0 extension belongs to the five TLP 2.0 markings only.
        (&[Set("extensions", r#"{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"extension_type": "property-extension", "tlp_2_0": "green"}}"#)], &["E extensions.extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d marking"]),
    ];
    rows(EXTENSION_MARKING, table);
}

const TLP1_AMBER: &str = r#"{
    "type": "marking-definition",
    "spec_version": "2.1",
    "id": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "created": "2017-01-20T00:00:00.000Z",
    "definition_type": "tlp",
    "name": "TLP:AMBER",
    "definition": {"tlp": "amber"}
}"#;

#[test]
fn tlp1_markings() {
    for m in tlp::MARKINGS.iter().filter(|m| m.version == TlpVersion::V1) {
        clean(&m.to_json());
    }
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Set("name", r#""TLP:GREEN""#)], &["E name marking"]),
        (&[Remove("name")], &["E name marking"]),
        (&[Set("created", r#""2017-01-20T00:00:00.001Z""#)], &["E created marking"]),
        (&[Set("created", r#""2017-01-20T00:00:00Z""#)], &["E created timestamp-precision"]),
        (&[Set("definition", r#"{"tlp": "red"}"#)], &["E definition marking"]),
        (&[Set("definition", r#"{"tlp": "purple"}"#)], &["E definition.tlp enum-value", "E definition marking"]),
        (&[Set("definition", r#"{"tlp": "amber", "note": "x"}"#)], &["W definition.note custom-property", "E definition marking"]),
        (&[Set("definition", "{}")], &["E definition.tlp required-property", "E definition marking"]),
        (&[Remove("definition")], &["E definition required-property"]),
        (&[Set("definition_type", r#""statement""#)], &["E id marking", "E definition.statement required-property", "W definition.tlp custom-property"]),
        (&[Set("created_by_ref", r#""identity--311b2d2d-f010-4473-83ec-1edf84858f4c""#)], &["E created_by_ref marking"]),
        (&[Set("external_references", r#"[{"source_name":"first","url":"https://www.first.org/tlp/","hashes":{"SHA-256":"6f1c3b1d9bb19ed2a9b8b2f1c70ba5ad5e4e7c3e0aa6e7ff1ba5c4a51c8b1d2e"}}]"#)], &["E external_references marking"]),
        (&[Set("spec_version", r#""2.0""#)], &["E spec_version spec-version"]),
        (&[Remove("definition_type"), Remove("definition"), Set("extensions", r#"{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"extension_type": "property-extension", "tlp_2_0": "amber"}}"#)], &["E definition_type marking", "E definition marking", "E extensions marking"]),
        // An uppercase UUID names the same marking definition.
        (&[Set("id", r#""marking-definition--F88D31F6-486F-44DA-B317-01333BDE0B82""#)], &[]),
    ];
    rows(TLP1_AMBER, table);
    // No other tlp marking definition may be created (§7.2.1.4).
    check_patched(
        TLP1_AMBER,
        &[Set(
            "id",
            r#""marking-definition--0dd8c5b5-bb9d-4c4b-9e8e-c5c8a5e1b2f3""#,
        )],
        &["E definition_type marking"],
    );
}

const TLP2_AMBER_STRICT: &str = r#"{
    "type": "marking-definition",
    "spec_version": "2.1",
    "id": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "created": "2022-10-01T00:00:00.000Z",
    "name": "TLP:AMBER+STRICT",
    "extensions": {
        "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
            "extension_type": "property-extension",
            "tlp_2_0": "amber+strict"
        }
    }
}"#;

#[test]
fn tlp2_markings() {
    for m in tlp::MARKINGS.iter().filter(|m| m.version == TlpVersion::V2) {
        clean(&m.to_json());
    }
    let ext = "extensions.extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
    let tlp_2_0 = format!("{ext}.tlp_2_0");
    let extension_type = format!("{ext}.extension_type");
    let ext_extra = format!("{ext}.note");
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Set("name", r#""TLP:AMBER""#)], &["E name marking"]),
        (&[Remove("name")], &["E name marking"]),
        (&[Set("created", r#""2022-10-01T00:00:01.000Z""#)], &["E created marking"]),
        (&[Set(&tlp_2_0, r#""amber""#)], &["E extensions marking"]),
        (&[Set(&extension_type, r#""toplevel-property-extension""#)], &["E extensions marking"]),
        (&[Set(&ext_extra, r#""x""#)], &["E extensions marking"]),
        (&[Remove("extensions")], &["E extensions marking", "E definition_type required-property", "E definition required-property"]),
        (&[Set("definition_type", r#""tlp""#), Set("definition", r#"{"tlp": "amber"}"#)], &["E id marking"]),
        (&[Set("granular_markings", r#"[{"selectors":["name"],"lang":"en"}]"#)], &["E granular_markings marking"]),
    ];
    rows(TLP2_AMBER_STRICT, table);
}

const EXTENSION_DEFINITION: &str = r#"{
    "type": "extension-definition",
    "spec_version": "2.1",
    "id": "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e",
    "created_by_ref": "identity--11b76a96-5d2b-45e0-8a5a-f6994f370731",
    "created": "2014-02-20T09:16:08.989Z",
    "modified": "2014-02-20T09:16:08.989Z",
    "name": "Extension Foo 1",
    "description": "This schema adds two properties to a STIX object at the toplevel",
    "schema": "https://www.example.com/schema-foo-1/v1/",
    "version": "1.2.1",
    "extension_types": ["toplevel-property-extension"],
    "extension_properties": ["toxicity", "rank"]
}"#;

#[test]
fn extension_definition() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("created_by_ref")], &["E created_by_ref required-property"]),
        (&[Remove("name")], &["E name required-property"]),
        (&[Remove("schema")], &["E schema required-property"]),
        (&[Remove("version")], &["E version required-property"]),
        (&[Remove("extension_types")], &["E extension_types required-property"]),
        (&[Set("extension_types", "[]")], &["E extension_types empty-value"]),
        (&[Set("extension_types", r#"["new-sdo", "new-thing"]"#)], &["E extension_types[1] enum-value", "E extension_properties property-dependency"]),
        (&[Set("extension_types", r#"["property-extension"]"#)], &["E extension_properties property-dependency"]),
        (&[Set("extension_types", r#"["property-extension"]"#), Remove("extension_properties")], &[]),
        (&[Set("extension_types", r#"["new-sco", "toplevel-property-extension"]"#)], &[]),
        (&[Remove("extension_properties")], &["W extension_properties extension-properties"]),
        (&[Set("extension_properties", r#"["Toxicity"]"#)], &["E extension_properties[0] property-name"]),
        (&[Set("extension_properties", "[]")], &["E extension_properties empty-value"]),
        (&[Remove("description")], &["W description extension-description"]),
        (&[Set("extensions", r#"{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":{"extension_type":"property-extension","rank":1}}"#)], &["E extensions property-not-applicable"]),
        (&[Set("confidence", "50")], &["E confidence property-not-applicable"]),
        (&[Set("id", r#""extension-definition--d83fce45-ef58-5c6c-a3f4-1fbc32e98c6e""#)], &["W id uuid-version"]),
    ];
    rows(EXTENSION_DEFINITION, table);
}

/// Marking definitions in use: a TLP 2.0 marking and a statement marking
/// referenced from an indicator, all in one bundle.
#[test]
fn markings_in_a_bundle() {
    let indicator = r#"{
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": "2016-04-06T20:03:48.000Z",
        "modified": "2016-04-06T20:03:48.000Z",
        "name": "Poison Ivy Malware",
        "description": "This file is part of Poison Ivy",
        "indicator_types": ["malicious-activity"],
        "pattern": "[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c']",
        "pattern_type": "stix",
        "valid_from": "2016-01-01T00:00:00Z",
        "object_marking_refs": ["marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f"]
    }"#;
    check(&bundle(&[TLP2_AMBER_STRICT, STATEMENT, indicator]), &[]);
}
