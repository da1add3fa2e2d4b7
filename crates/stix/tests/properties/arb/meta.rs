//! Generators of the meta objects (STIX 2.1 §7): statement marking
//! definitions, language content and extension definitions.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use super::common::*;
use super::leaf::*;
use super::syntax::*;
use super::time::*;
use super::{Kind, Spec, all, fixed, obj, opt, req};

/// Property names a translation may carry (§7.1: names of the translated
/// object's properties).
fn property_name() -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(vec!["name", "description", "aliases", "abstract", "content", "x_acme_notes"]).prop_map(String::from),
        1 => "[a-z][a-z0-9_]{2,20}",
    ]
    .boxed()
}

/// Translated values: strings, lists of strings, or embedded objects
/// (a translated kill chain phase list, say).
fn translation() -> BoxedStrategy<V> {
    prop_oneof![
        3 => text_v(),
        1 => list(text_v(), 1..3),
        1 => vec(("[a-z_]{3,12}", text_v()), 1..3).prop_map(obj),
    ]
    .boxed()
}

/// Every meta object generator.
pub fn specs() -> Vec<Spec> {
    let contents = vec(
        (
            language_tag(),
            vec((property_name(), translation()), 1..4).prop_map(obj),
        ),
        1..4,
    )
    .prop_map(obj);
    let target = prop_oneof![
        4 => ref_of(SDO_TYPES),
        1 => ref_of(SCO_TYPES),
        1 => ref_of(&["relationship", "sighting", "marking-definition", "extension-definition"]),
    ];
    // toplevel-property-extension SHOULD list its properties; the list is
    // only allowed with that extension type.
    let types = subsequence(
        vec![
            "new-sdo",
            "new-sco",
            "new-sro",
            "property-extension",
            "toplevel-property-extension",
        ],
        1..=5,
    );
    let extension_types = (types, vec("[a-z][a-z0-9_]{2,16}", 1..4), any::<bool>()).prop_map(
        |(types, props, list)| {
            let toplevel = types.contains(&"toplevel-property-extension");
            let mut m = vec![(
                "extension_types".to_owned(),
                V::Array(types.into_iter().map(s).collect()),
            )];
            if toplevel && list {
                m.push((
                    "extension_properties".to_owned(),
                    V::Array(props.into_iter().map(s).collect()),
                ));
            }
            m
        },
    );
    vec![
        Spec {
            type_name: "marking-definition",
            kind: Kind::MarkingDefinition,
            required: &["definition_type", "definition"],
            id_contributing: &[],
            members: all(vec![
                opt("name", text_v()),
                fixed("definition_type", s("statement")),
                req(
                    "definition",
                    text_v().prop_map(|t| obj(vec![("statement".to_owned(), t)])),
                ),
            ]),
        },
        Spec {
            type_name: "language-content",
            kind: Kind::LanguageContent,
            required: &["object_ref", "contents"],
            id_contributing: &[],
            members: all(vec![
                req("object_ref", target),
                opt("object_modified", ts(0, 9).prop_map(|t| t.value())),
                req("contents", contents),
            ]),
        },
        Spec {
            type_name: "extension-definition",
            kind: Kind::ExtensionDefinition,
            required: &["name", "schema", "version", "extension_types"],
            id_contributing: &[],
            members: all(vec![
                req("name", text_v()),
                opt("description", text_v()),
                req("schema", prop_oneof![url_v(), text_v()]),
                req("version", re("[0-9]{1,2}\\.[0-9]{1,2}(\\.[0-9]{1,2})?")),
                extension_types.boxed(),
            ]),
        },
    ]
}
