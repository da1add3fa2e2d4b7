//! The STIX meta objects: `language-content`, `marking-definition` (with the
//! TLP 1.0 and TLP 2.0 markings) and `extension-definition` (STIX 2.1 §7).
//!
//! The standard TLP marking definitions are fixed objects: whoever uses one
//! of their ids must carry exactly the published content, or two different
//! objects would share an id that cannot be versioned. Their data lives in
//! [`crate::tlp`], which federation code also uses to read TLP levels.

use crate::identifier::Identifier;
use crate::json::{Object, Value};
use crate::timestamp::Timestamp;
use crate::tlp::{self, TLP2_EXTENSION_ID, TlpMarking, TlpVersion};

use super::common::is_property_name;
use super::ctx::{Ctx, code};
use super::lang::is_language_tag;
use super::types::{Def, Kind, Refs, Ty, Vocab, check_struct, opt, req, wrong_type};
use super::vocab;

/// All meta object definitions.
pub(crate) static DEFS: &[&Def] = &[
    &LANGUAGE_CONTENT,
    &MARKING_DEFINITION,
    &EXTENSION_DEFINITION,
];

/// `language-content` (§7.1).
static LANGUAGE_CONTENT: Def = Def {
    name: "language-content",
    kind: Kind::LanguageContent,
    props: &[
        req("object_ref", Ty::Ref(Refs::Any)),
        opt("object_modified", Ty::Timestamp),
        // Checked by the rules: keys are language tags, not dictionary keys.
        req("contents", Ty::Any),
    ],
    rules: Some(language_content_rules),
    id_contributing: &[],
};

fn language_content_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    let target = obj
        .get("object_ref")
        .and_then(Value::as_str)
        .and_then(|s| Identifier::parse(s).ok());
    if target.is_some_and(|id| id.object_type() == "language-content") {
        ctx.error_at(
            "object_ref",
            code::REFERENCE_TYPE,
            "must reference the object being translated, not another language-content",
        );
    }
    let Some(contents) = obj.get("contents") else {
        return;
    };
    ctx.at_key("contents", |ctx| check_contents(ctx, contents));
}

/// `contents`: a non-empty dictionary from RFC 5646 language tags to
/// non-empty dictionaries whose keys are property names of the target.
fn check_contents(ctx: &mut Ctx<'_>, contents: &Value<'_>) {
    let Some(languages) = contents.as_object() else {
        return wrong_type(ctx, contents, "a dictionary of language tags (JSON object)");
    };
    if languages.is_empty() {
        return ctx.error(code::EMPTY, "must not be an empty dictionary");
    }
    for (tag, translation) in languages.iter() {
        ctx.at_key(tag, |ctx| {
            if !is_language_tag(tag) {
                ctx.error(code::LANGUAGE, format!("'{tag}' is not an RFC 5646 language tag"));
            }
            let Some(props) = translation.as_object() else {
                return wrong_type(ctx, translation, "a dictionary of translated properties (JSON object)");
            };
            if props.is_empty() {
                ctx.error(code::EMPTY, "must not be an empty dictionary (omit the language instead)");
            }
            for name in props.keys().filter(|k| !is_property_name(k)) {
                ctx.error_at(name, code::PROPERTY_NAME, "must be a property name of the translated object (3 to 250 characters of a-z, 0-9 and _)");
            }
        });
    }
}

/// `marking-definition` (§7.2.1).
static MARKING_DEFINITION: Def = Def {
    name: "marking-definition",
    kind: Kind::MarkingDefinition,
    props: &[
        opt("name", Ty::String),
        opt(
            "definition_type",
            Ty::Vocab(&vocab::MARKING_DEFINITION_TYPE),
        ),
        // Its type depends on definition_type; checked by the rules.
        opt("definition", Ty::Any),
    ],
    rules: Some(marking_definition_rules),
    id_contributing: &[],
};

/// The statement marking object (§7.2.1.3).
static STATEMENT_MARKING: Def = Def {
    name: "statement marking",
    kind: Kind::Embedded,
    props: &[req("statement", Ty::String)],
    rules: None,
    id_contributing: &[],
};

/// The TLP levels a TLP 1.0 marking can carry (§7.2.1.4).
static TLP_LEVEL: Vocab = Vocab {
    name: "TLP 1.0 levels",
    values: &["white", "green", "amber", "red"],
    code: code::ENUM,
};

/// The TLP marking object (§7.2.1.4).
static TLP_MARKING: Def = Def {
    name: "tlp marking",
    kind: Kind::Embedded,
    props: &[req("tlp", Ty::Enum(&TLP_LEVEL))],
    rules: None,
    id_contributing: &[],
};

fn marking_definition_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    let id = obj.get("id").and_then(Value::as_str).unwrap_or_default();
    let definition_type = obj.get("definition_type").and_then(Value::as_str);
    let has_type = obj.contains_key("definition_type");
    let has_definition = obj.contains_key("definition");
    if !obj.contains_key("extensions") {
        for key in ["definition_type", "definition"] {
            if !obj.contains_key(key) {
                ctx.error_at(
                    key,
                    code::REQUIRED,
                    "is required when extensions is absent (marking-definition)",
                );
            }
        }
    } else if has_type != has_definition {
        let (present, missing) = if has_type {
            ("definition_type", "definition")
        } else {
            ("definition", "definition_type")
        };
        ctx.error_at(present, code::DEPENDENCY, format!("requires {missing}: the definition is read according to its type (marking-definition)"));
    }
    if let Some(definition) = obj.get("definition") {
        ctx.at_key("definition", |ctx| {
            match (definition.as_object(), definition_type) {
                (None, _) => wrong_type(ctx, definition, "a marking object (JSON object)"),
                (Some(d), Some("statement")) => check_struct(ctx, &STATEMENT_MARKING, d),
                (Some(d), Some("tlp")) => check_struct(ctx, &TLP_MARKING, d),
                _ => {}
            }
        });
    }
    match tlp::marking(id) {
        Some(standard) => check_standard_tlp(ctx, obj, standard),
        None => {
            if definition_type == Some("tlp") {
                ctx.error_at(
                    "definition_type",
                    code::MARKING,
                    "tlp marking definitions other than the four TLP 1.0 markings of §7.2.1.4 must not be created; reference those by id",
                );
            }
            let tlp2 = obj
                .get("extensions")
                .and_then(Value::as_object)
                .is_some_and(|e| e.contains_key(TLP2_EXTENSION_ID));
            if tlp2 {
                ctx.at_key("extensions", |ctx| {
                    ctx.error_at(TLP2_EXTENSION_ID, code::MARKING, "the TLP 2.0 extension is only used by the five published TLP 2.0 marking definitions; reference those by id")
                });
            }
        }
    }
}

/// A marking definition that uses the id of a standard TLP marking must be
/// that marking exactly. A statement (or other) marking reusing a TLP id is
/// reported once, at the id (the §C.2.1 example of STIX 2.1 does this).
fn check_standard_tlp(ctx: &mut Ctx<'_>, obj: &Object<'_>, standard: &TlpMarking) {
    let version = match standard.version {
        TlpVersion::V1 => "TLP 1.0",
        TlpVersion::V2 => "TLP 2.0",
    };
    let what = format!("the {version} marking definition {}", standard.name);
    let expected_type = (standard.version == TlpVersion::V1).then_some("tlp");
    let actual_type = obj.get("definition_type").and_then(Value::as_str);
    if let Some(other) = actual_type.filter(|t| Some(*t) != expected_type) {
        return ctx.error_at(
            "id",
            code::MARKING,
            format!("is the id of {what}; a {other} marking must have its own id"),
        );
    }
    let mut expected: Vec<&str> = vec!["type", "spec_version", "id", "created", "name"];
    match standard.version {
        TlpVersion::V1 => expected.extend(["definition_type", "definition"]),
        TlpVersion::V2 => expected.push("extensions"),
    }
    // Other missing members are already reported as required properties.
    let fixed_only: &[&str] = match standard.version {
        // Without extensions, definition_type and definition are required
        // of every marking definition anyway.
        TlpVersion::V1 if obj.contains_key("extensions") => {
            &["name", "definition_type", "definition"]
        }
        TlpVersion::V1 => &["name"],
        TlpVersion::V2 => &["name", "extensions"],
    };
    for key in fixed_only {
        if !obj.contains_key(key) {
            ctx.error_at(key, code::MARKING, format!("is required: {what} is fixed"));
        }
    }
    for key in obj.keys().filter(|k| !expected.contains(k)) {
        ctx.error_at(
            key,
            code::MARKING,
            format!("is not part of {what}, which is fixed"),
        );
    }
    let created_ok = match (
        obj.get("created").and_then(Value::as_str),
        Timestamp::parse(standard.created),
    ) {
        (Some(s), Ok(canonical)) => {
            Timestamp::parse(s).map_or(true, |t| t.same_instant(&canonical))
        }
        _ => true,
    };
    if !created_ok {
        ctx.error_at(
            "created",
            code::MARKING,
            format!("must be {} in {what}", standard.created),
        );
    }
    if obj
        .get("name")
        .is_some_and(|n| n.as_str() != Some(standard.name))
    {
        ctx.error_at(
            "name",
            code::MARKING,
            format!("must be '{}' in {what}", standard.name),
        );
    }
    match standard.version {
        TlpVersion::V1 => {
            let ok = obj
                .get("definition")
                .and_then(Value::as_object)
                .is_some_and(|d| {
                    d.len() == 1 && d.get("tlp").and_then(Value::as_str) == Some(standard.value)
                });
            if obj.contains_key("definition") && !ok {
                ctx.error_at(
                    "definition",
                    code::MARKING,
                    format!("must be {{\"tlp\": \"{}\"}} in {what}", standard.value),
                );
            }
        }
        TlpVersion::V2 => {
            let ok = obj
                .get("extensions")
                .and_then(Value::as_object)
                .is_some_and(|e| {
                    e.len() == 1
                        && e.get(TLP2_EXTENSION_ID)
                            .and_then(Value::as_object)
                            .is_some_and(|x| {
                                x.len() == 2
                                    && x.get("extension_type").and_then(Value::as_str)
                                        == Some("property-extension")
                                    && x.get("tlp_2_0").and_then(Value::as_str)
                                        == Some(standard.value)
                            })
                });
            if obj.contains_key("extensions") && !ok {
                ctx.error_at(
                    "extensions",
                    code::MARKING,
                    format!(
                        "must be exactly the TLP 2.0 extension ({TLP2_EXTENSION_ID}) with extension_type property-extension and tlp_2_0 '{}' in {what}",
                        standard.value
                    ),
                );
            }
        }
    }
}

/// `extension-definition` (§7.3).
static EXTENSION_DEFINITION: Def = Def {
    name: "extension-definition",
    kind: Kind::ExtensionDefinition,
    props: &[
        req("name", Ty::String),
        opt("description", Ty::String),
        req("schema", Ty::String),
        req("version", Ty::String),
        req(
            "extension_types",
            Ty::List(&Ty::Enum(&vocab::EXTENSION_TYPE)),
        ),
        opt("extension_properties", Ty::List(&Ty::String)),
    ],
    rules: Some(extension_definition_rules),
    id_contributing: &[],
};

fn extension_definition_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    // Only a usable list of extension types can tell whether
    // extension_properties belong (problems with the list are its own).
    let types = obj
        .get("extension_types")
        .and_then(Value::as_array)
        .filter(|t| !t.is_empty());
    let toplevel = types.is_some_and(|t| {
        t.iter()
            .any(|t| t.as_str() == Some("toplevel-property-extension"))
    });
    match (obj.get("extension_properties"), toplevel) {
        (Some(_), false) if types.is_some() => ctx.error_at(
            "extension_properties",
            code::DEPENDENCY,
            "may only be used when extension_types includes toplevel-property-extension (extension-definition)",
        ),
        (None, true) => ctx.warn_at(
            "extension_properties",
            "extension-properties",
            "should list the property names a toplevel-property-extension adds",
        ),
        _ => {}
    }
    if let Some(names) = obj.get("extension_properties").and_then(Value::as_array) {
        for (i, name) in names.iter().enumerate() {
            if name.as_str().is_some_and(|n| !is_property_name(n)) {
                ctx.at_key("extension_properties", |ctx| {
                    ctx.at_index(i, |ctx| {
                        ctx.error(code::PROPERTY_NAME, "property names must be 3 to 250 characters of lowercase a-z, 0-9 and _")
                    })
                });
            }
        }
    }
    if !obj.contains_key("description") {
        ctx.warn_at(
            "description",
            "extension-description",
            "should be present: it explains what the extension conveys and how to use it",
        );
    }
}
