//! The `extensions` property (STIX 2.1 §3.2, §7.3, §11.3): predefined
//! extensions (`archive-ext`, `ntfs-ext`, ...) checked against their tables,
//! extensions defined by an `extension-definition` (keyed by its id, carrying
//! `extension_type`), and deprecated custom extensions.

use crate::identifier::Identifier;
use crate::json::{Object, Value};

use super::ctx::{Ctx, code};
use super::types::{Def, Kind, check_struct, wrong_type};
use super::{common, registry, vocab};

/// True when `obj` declares a `toplevel-property-extension`, under which
/// properties unknown to STIX live at the top level of the object.
pub(crate) fn declares_toplevel(obj: &Object<'_>) -> bool {
    extension_types(obj).any(|t| t == "toplevel-property-extension")
}

/// The category a custom object declares through a `new-sdo`, `new-sco` or
/// `new-sro` extension marker, if any.
pub(crate) fn declared_kind(obj: &Object<'_>) -> Option<Kind> {
    extension_types(obj).find_map(|t| match t {
        "new-sdo" => Some(Kind::Sdo),
        "new-sco" => Some(Kind::Sco),
        "new-sro" => Some(Kind::Sro),
        _ => None,
    })
}

fn extension_types<'o>(obj: &'o Object<'_>) -> impl Iterator<Item = &'o str> {
    obj.get("extensions")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|exts| exts.iter())
        .filter(|(key, _)| key.starts_with("extension-definition--"))
        .filter_map(|(_, ext)| ext.get("extension_type").and_then(Value::as_str))
}

/// Checks `obj.extensions` for an object of type `owner`.
pub(crate) fn check(ctx: &mut Ctx<'_>, obj: &Object<'_>, owner: &str) {
    let Some(value) = obj.get("extensions") else {
        return;
    };
    ctx.at_key("extensions", |ctx| {
        let Some(exts) = value.as_object() else {
            return wrong_type(ctx, value, "a dictionary of extensions (JSON object)");
        };
        if exts.is_empty() {
            return ctx.error(
                code::EMPTY,
                "must not be an empty dictionary (omit the property instead)",
            );
        }
        for (key, ext) in exts.iter() {
            ctx.at_key(key, |ctx| check_one(ctx, key, ext, owner));
        }
    });
}

fn check_one(ctx: &mut Ctx<'_>, key: &str, ext: &Value<'_>, owner: &str) {
    let Some(content) = ext.as_object() else {
        return wrong_type(ctx, ext, "an extension (JSON object)");
    };
    if key.starts_with("extension-definition--") {
        return defined_extension(ctx, key, content);
    }
    if let Some(def) = registry::extension(key) {
        return predefined_extension(ctx, def, content, owner);
    }
    custom_extension(ctx, key, content);
}

/// An extension defined through an `extension-definition` object.
fn defined_extension(ctx: &mut Ctx<'_>, key: &str, content: &Object<'_>) {
    match Identifier::parse(key) {
        Ok(id) if id.object_type() == "extension-definition" => {}
        _ => ctx.error(code::EXTENSION, "an extension key starting with extension-definition-- must be an extension-definition identifier"),
    }
    match content.get("extension_type") {
        None => ctx.error_at(
            "extension_type",
            code::REQUIRED,
            "is required in an extension defined by an extension-definition",
        ),
        Some(t) => ctx.at_key("extension_type", |ctx| {
            super::types::check_value(ctx, &super::types::Ty::Enum(&vocab::EXTENSION_TYPE), t)
        }),
    }
    let properties = content.keys().filter(|k| *k != "extension_type");
    for name in properties {
        if !common::is_property_name(name) {
            ctx.error_at(
                name,
                code::PROPERTY_NAME,
                "property names must be 3 to 250 characters of lowercase a-z, 0-9 and _",
            );
        }
    }
    let kind = content.get("extension_type").and_then(Value::as_str);
    if kind == Some("property-extension") && content.len() < 2 {
        ctx.warn(
            code::EXTENSION,
            "a property-extension should carry at least one property",
        );
    }
}

/// A predefined extension (`archive-ext`, ...), which must belong to `owner`.
fn predefined_extension(ctx: &mut Ctx<'_>, def: &Def, content: &Object<'_>, owner: &str) {
    if let Kind::Extension(applies_to) = def.kind
        && !applies_to.contains(&owner)
    {
        let targets = applies_to.join(", ");
        return ctx.error(
            code::EXTENSION,
            format!(
                "{} is a predefined extension of {targets} objects, not {owner}",
                def.name
            ),
        );
    }
    if content.contains_key("extension_type") {
        ctx.error_at(
            "extension_type",
            code::EXTENSION,
            "predefined extensions do not carry extension_type",
        );
    }
    check_struct(ctx, def, content);
}

/// A deprecated (STIX 2.0 style) custom extension.
fn custom_extension(ctx: &mut Ctx<'_>, key: &str, content: &Object<'_>) {
    let valid_name = (3..=250).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid_name {
        return ctx.error(
            code::EXTENSION,
            "custom extension names must be 3 to 250 characters of lowercase a-z, 0-9 and -",
        );
    }
    if content.is_empty() {
        ctx.error(
            code::EMPTY,
            "a custom extension must carry at least one property",
        );
    }
    ctx.warn(
        code::EXTENSION,
        format!("'{key}' is not a predefined extension; new extensions should be defined by an extension-definition"),
    );
}
