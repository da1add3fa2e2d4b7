//! Validation of STIX 2.1 content against the specification: every MUST is
//! an error, every SHOULD a warning, each with the JSON path of the value and
//! a stable code.
//!
//! The specification is written down as data in [`types`] tables, one module
//! per family (`sdo`, `sro`, `sco`, `meta`); this module walks an object,
//! finds its definition and applies the common rules, the table, and the
//! type's own rules.

mod common;
mod ctx;
mod extensions;
mod lang;
mod markings;
mod meta;
mod registry;
mod sco;
mod sdo;
mod sro;
mod stream;
mod types;
mod vocab;

use std::borrow::Cow;
use std::collections::HashMap;

use crate::finding::Finding;
use crate::json::{Object, Value};

use ctx::{Ctx, code};
use types::{Def, Kind};

pub use registry::{is_sco_type, sco_property_names};
pub use stream::{Validated, validate_bytes};

/// Found in a document that is an empty list.
const EMPTY_DOCUMENT: &str = "the document is an empty list: there are no STIX objects in it";
/// Found in the `objects` of a bundle that is an empty list.
const EMPTY_OBJECTS: &str = "must not be an empty list (omit the property instead)";

/// Validates one STIX object; finding paths are relative to the object.
pub fn validate_object(value: &Value<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    check_object(&mut Ctx::new(String::new(), &mut findings), value);
    findings
}

/// Validates a document: a single object, a bundle, or a JSON array of
/// objects. Paths start at the document root (`objects[3].valid_until`).
pub fn validate_document(value: &Value<'_>) -> Vec<Finding> {
    validate_document_observed(value, &mut |_, _| {})
}

/// [`validate_document`], calling `observer(done, total)` after each object
/// so that long runs can show progress.
pub fn validate_document_observed(
    value: &Value<'_>,
    observer: &mut dyn FnMut(usize, usize),
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut ctx = Ctx::new(String::new(), &mut findings);
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                ctx.error(code::EMPTY, EMPTY_DOCUMENT);
            }
            check_objects(&mut ctx, items, observer);
        }
        Value::Object(obj) if obj.get("type").and_then(Value::as_str) == Some("bundle") => {
            check_bundle(&mut ctx, obj, observer);
        }
        other => {
            check_object(&mut ctx, other);
            observer(1, 1);
        }
    }
    findings
}

/// Checks each object of a list, then duplicate versions across them.
fn check_objects(ctx: &mut Ctx<'_>, items: &[Value<'_>], observer: &mut dyn FnMut(usize, usize)) {
    let mut list = ObjectList::with_capacity(items.len());
    for item in items {
        list.check(ctx, item);
        observer(list.len, items.len());
    }
    list.finish(ctx);
}

/// A bundle (§8): an id, and optionally a non-empty list of objects.
fn check_bundle(ctx: &mut Ctx<'_>, obj: &Object<'_>, observer: &mut dyn FnMut(usize, usize)) {
    check_bundle_members(ctx, obj);
    let Some(objects) = obj.get("objects") else {
        return;
    };
    ctx.at_key("objects", |ctx| {
        let Some(items) = objects.as_array() else {
            return types::wrong_type(ctx, objects, "a list of STIX objects");
        };
        if items.is_empty() {
            ctx.error(code::EMPTY, EMPTY_OBJECTS);
        }
        check_objects(ctx, items, observer);
    });
}

/// The members of a bundle other than its objects.
fn check_bundle_members(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    if let Some(id) = common::check_id(ctx, obj, "bundle")
        && id.uuid().version() != 4
    {
        ctx.warn_at("id", code::UUID_VERSION, "a bundle id should be a UUIDv4");
    }
    for (name, value) in obj.iter() {
        match name {
            "type" | "id" | "objects" => {}
            "spec_version" => ctx.error_at(
                name,
                code::SPEC_VERSION,
                "STIX 2.1 bundles have no spec_version (this looks like STIX 2.0)",
            ),
            _ => common::custom_property(ctx, name, value, "bundle"),
        }
    }
}

/// The objects of a list, checked one at a time as they come, and their
/// versions: two objects should not share both `id` and `modified` (best
/// practice 203). Versions are noted while each object is at hand, so that
/// no second pass over a large document is needed.
#[derive(Default)]
struct ObjectList<'a> {
    versions: HashMap<(Cow<'a, str>, Option<Cow<'a, str>>), usize>,
    /// Objects repeating the version of an earlier one, and that one.
    duplicates: Vec<(usize, usize)>,
    /// Objects checked so far.
    len: usize,
}

impl<'a> ObjectList<'a> {
    fn with_capacity(objects: usize) -> Self {
        ObjectList {
            versions: HashMap::with_capacity(objects),
            ..ObjectList::default()
        }
    }

    /// Checks the next object; the context's path is the list's.
    fn check(&mut self, ctx: &mut Ctx<'_>, item: &Value<'a>) {
        let i = self.len;
        ctx.at_index(i, |ctx| check_object(ctx, item));
        if let Some(Value::String(id)) = item.get("id") {
            let modified = match item.get("modified") {
                Some(Value::String(modified)) => Some(modified.clone()),
                _ => None,
            };
            if let Some(first) = self.versions.insert((id.clone(), modified), i) {
                self.duplicates.push((i, first));
            }
        }
        self.len += 1;
    }

    /// Reports the repeated versions, after every object's own findings.
    fn finish(self, ctx: &mut Ctx<'_>) {
        for (i, first) in self.duplicates {
            ctx.at_index(i, |ctx| {
                ctx.warn(code::DUPLICATE_ID, format!("same id and modified as item [{first}]: two objects must not share a version"))
            });
        }
    }
}

/// Validates one object at the context's current path.
fn check_object(ctx: &mut Ctx<'_>, value: &Value<'_>) {
    let Some(obj) = value.as_object() else {
        return ctx.error(code::NOT_AN_OBJECT, "must be a STIX object (a JSON object)");
    };
    let type_name = match obj.get("type") {
        Some(Value::String(s)) => s.as_ref(),
        Some(other) => return ctx.at_key("type", |ctx| types::wrong_type(ctx, other, "a string")),
        None => {
            return ctx.error_at(
                "type",
                code::REQUIRED,
                "is required (every STIX object has a type)",
            );
        }
    };
    if !common::is_type_name(type_name) {
        ctx.error_at(
            "type",
            code::TYPE_NAME,
            "type names must be 3 to 250 characters of lowercase a-z, 0-9 and single hyphens",
        );
    }
    if type_name == "bundle" {
        return ctx.error_at(
            "type",
            code::TYPE_NAME,
            "a bundle cannot be nested inside another document",
        );
    }
    let id = common::check_id(ctx, obj, type_name);
    let def = registry::lookup(type_name);
    let def = def.unwrap_or_else(|| custom_def(ctx, obj, type_name));
    common::check_members(ctx, obj, def);
    extensions::check(ctx, obj, type_name);
    markings::check_object(ctx, obj, type_name, id.map(|id| id.as_str()));
    if let Some(rules) = def.rules {
        rules(ctx, obj);
    }
    if let Some(id) = id {
        check_uuid_version(ctx, obj, def, &id);
    }
}

/// Stand-ins for object types STIX does not define: their category comes
/// from a `new-*` extension marker, or failing that from their properties.
static CUSTOM_SDO: Def = Def {
    name: "custom object",
    kind: Kind::Sdo,
    props: &[],
    rules: None,
    id_contributing: &[],
};
static CUSTOM_SRO: Def = Def {
    name: "custom object",
    kind: Kind::Sro,
    props: &[],
    rules: None,
    id_contributing: &[],
};
static CUSTOM_SCO: Def = Def {
    name: "custom object",
    kind: Kind::Sco,
    props: &[],
    rules: None,
    id_contributing: &[],
};

fn custom_def(ctx: &mut Ctx<'_>, obj: &Object<'_>, type_name: &str) -> &'static Def {
    let declared = extensions::declared_kind(obj);
    if declared.is_none() && !type_name.starts_with("x-") {
        ctx.warn_at(
            "type",
            code::CUSTOM_OBJECT,
            format!("'{type_name}' is not a STIX 2.1 type; custom objects should be defined by an extension-definition (new-sdo, new-sco or new-sro)"),
        );
    }
    match declared {
        Some(Kind::Sro) => &CUSTOM_SRO,
        Some(Kind::Sco) => &CUSTOM_SCO,
        Some(_) => &CUSTOM_SDO,
        None if obj.contains_key("created") || obj.contains_key("modified") => &CUSTOM_SDO,
        None => &CUSTOM_SCO,
    }
}

/// SCOs SHOULD use UUIDv5 ids derived from their ID contributing properties
/// and MUST use UUIDv4 when they have none; everything else SHOULD use v4.
fn check_uuid_version(
    ctx: &mut Ctx<'_>,
    obj: &Object<'_>,
    def: &Def,
    id: &crate::identifier::Identifier<'_>,
) {
    let version = id.uuid().version();
    if def.kind != Kind::Sco {
        if version != 4 {
            ctx.warn_at("id", code::UUID_VERSION, "should use a UUIDv4");
        }
        return;
    }
    if std::ptr::eq(def, &CUSTOM_SCO) {
        return;
    }
    match crate::scoid::deterministic_uuid(obj, def.id_contributing) {
        None if version != 4 => ctx.error_at(
            "id",
            code::UUID_VERSION,
            if def.id_contributing.is_empty() {
                format!("must be a UUIDv4: {} objects have no ID contributing properties, so their ids are random", def.name)
            } else {
                format!("must be a UUIDv4: this {} has none of its ID contributing properties", def.name)
            },
        ),
        None => {}
        Some(Ok(expected)) if expected != id.uuid() => ctx.warn_at(
            "id",
            code::DETERMINISTIC_ID,
            format!("should be {}--{expected}, the UUIDv5 of its ID contributing properties", def.name),
        ),
        Some(_) => {}
    }
}
