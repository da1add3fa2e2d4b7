//! Observed Data (STIX 2.1 §4.14), with the deprecated observable container
//! (§2.13) of its `objects` property.
//!
//! Objects in a container have no identifiers of their own: their `*_ref`
//! properties name other keys of the same container. So the container is
//! walked with the SCO tables, resolving references locally instead of
//! parsing them as identifiers.

use crate::identifier::Identifier;
use crate::json::{Object, Value};
use crate::validate::common::{self, check_order};
use crate::validate::ctx::{Ctx, code};
use crate::validate::registry;
use crate::validate::types::{
    Def, Kind, Refs, Ty, check_value, describe_refs, expect_str, opt, refs_allow, req,
    require_props, wrong_type,
};

/// `observed-data` (§4.14).
pub(super) static OBSERVED_DATA: Def = Def {
    name: "observed-data",
    kind: Kind::Sdo,
    props: &[
        req("first_observed", Ty::Timestamp),
        req("last_observed", Ty::Timestamp),
        req(
            "number_observed",
            Ty::Integer {
                min: 1,
                max: 999_999_999,
            },
        ),
        // The observable container needs the container-wide walk below.
        opt("objects", Ty::Any),
        opt("object_refs", Ty::List(&Ty::Ref(Refs::ScoOrSro))),
    ],
    rules: Some(observed_data_rules),
    id_contributing: &[],
};

fn observed_data_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    check_order(
        ctx,
        obj,
        "first_observed",
        "last_observed",
        false,
        "observed-data",
    );
    match (obj.get("object_refs"), obj.get("objects")) {
        (None, None) => ctx.error(
            code::AT_LEAST_ONE,
            "requires object_refs (or the deprecated objects) (observed-data)",
        ),
        (Some(_), Some(_)) => ctx.error_at(
            "objects",
            code::EXCLUSIVE,
            "must not be present together with object_refs (observed-data)",
        ),
        _ => {}
    }
    if let Some(refs) = obj.get("object_refs").and_then(Value::as_array) {
        check_some_sco(ctx, refs);
    }
    if let Some(container) = obj.get("objects") {
        ctx.at_key("objects", |ctx| check_container(ctx, container));
    }
}

/// `object_refs` "MUST contain at least one SCO reference". Custom types
/// may be SCOs, so they count; a list that names no SRO either has already
/// been reported reference by reference.
fn check_some_sco(ctx: &mut Ctx<'_>, refs: &[Value<'_>]) {
    let kinds: Vec<Option<Kind>> = refs
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|s| Identifier::parse(s).ok())
        .map(|id| registry::category(id.object_type()))
        .collect();
    let has_sco = kinds.iter().any(|k| matches!(k, None | Some(Kind::Sco)));
    let has_sro = kinds.contains(&Some(Kind::Sro));
    if has_sro && !has_sco {
        ctx.error_at(
            "object_refs",
            code::REFERENCE_TYPE,
            "must reference at least one cyber-observable object, not only relationships (observed-data)",
        );
    }
}

/// The deprecated observable container: a non-empty dictionary of
/// cyber-observable objects whose references resolve within it.
fn check_container(ctx: &mut Ctx<'_>, value: &Value<'_>) {
    ctx.warn(
        "deprecated-properties",
        "is deprecated: reference the SCOs with object_refs instead (observed-data)",
    );
    let Some(container) = value.as_object() else {
        return wrong_type(
            ctx,
            value,
            "an observable container (a JSON object of cyber-observable objects)",
        );
    };
    if container.is_empty() {
        return ctx.error(
            code::EMPTY,
            "must contain at least one cyber-observable object",
        );
    }
    for (key, item) in container.iter() {
        ctx.at_key(key, |ctx| {
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_digit()) {
                ctx.warn(
                    "observable-object-keys",
                    "observable container keys should be non-negative integers (\"0\", \"1\", ...)",
                );
            }
            check_contained(ctx, container, item);
        });
    }
    check_related(ctx, container);
}

/// "Multiple objects not related to each other via cyber observable
/// Relationships MUST NOT be contained within the same Observed Data
/// instance" (§4.14): the references between the objects of a container,
/// followed either way, must connect them all.
fn check_related(ctx: &mut Ctx<'_>, container: &Object<'_>) {
    let entries: Vec<(&str, &Value<'_>)> = container.iter().collect();
    // Malformed entries were reported already and relate nothing.
    if entries.len() < 2 || entries.iter().any(|(_, v)| v.as_object().is_none()) {
        return;
    }
    let position = |reference: &str| {
        entries
            .iter()
            .position(|(k, _)| *k == reference)
            .or_else(|| {
                entries
                    .iter()
                    .position(|(_, v)| v.get("id").and_then(Value::as_str) == Some(reference))
            })
    };
    // Union-find over the entries, joined by every reference that resolves.
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut parent: Vec<usize> = (0..entries.len()).collect();
    for (i, (_, value)) in entries.iter().enumerate() {
        let mut references = Vec::new();
        collect_references(value, &mut references);
        for j in references.into_iter().filter_map(position) {
            let (a, b) = (root(&mut parent, i), root(&mut parent, j));
            parent[a] = b;
        }
    }
    // The groups of related objects, in the order of their first key.
    let mut groups: Vec<(usize, Vec<&str>)> = Vec::new();
    for (i, (key, _)) in entries.iter().enumerate() {
        let r = root(&mut parent, i);
        match groups.iter_mut().find(|(root, _)| *root == r) {
            Some((_, keys)) => keys.push(key),
            None => groups.push((r, vec![key])),
        }
    }
    if groups.len() > 1 {
        let listed: Vec<String> = groups
            .iter()
            .map(|(_, keys)| format!("[{}]", keys.join(", ")))
            .collect();
        let message = format!(
            "holds objects unrelated to each other ({}): unrelated observations belong in separate observed-data objects",
            listed.join(", ")
        );
        ctx.error(code::UNRELATED_OBSERVABLES, message);
    }
}

/// The values of every `*_ref` and `*_refs` member at any depth of `value`
/// (extensions and embedded types included).
fn collect_references<'v>(value: &'v Value<'_>, out: &mut Vec<&'v str>) {
    match value {
        Value::Object(obj) => {
            for (key, member) in obj.iter() {
                if key.ends_with("_ref") {
                    out.extend(member.as_str());
                } else if key.ends_with("_refs") {
                    let items = member.as_array().unwrap_or_default();
                    out.extend(items.iter().filter_map(Value::as_str));
                }
                collect_references(member, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_references(item, out)),
        _ => {}
    }
}

/// One object of a container: a cyber-observable object, without an id
/// (STIX 2.0 style) or with one.
fn check_contained(ctx: &mut Ctx<'_>, container: &Object<'_>, value: &Value<'_>) {
    let Some(obj) = value.as_object() else {
        return wrong_type(ctx, value, "a cyber-observable object (a JSON object)");
    };
    let type_name = match obj.get("type") {
        Some(Value::String(s)) => s.as_ref(),
        Some(other) => return ctx.at_key("type", |ctx| wrong_type(ctx, other, "a string")),
        None => {
            return ctx.error_at(
                "type",
                code::REQUIRED,
                "is required (every cyber-observable object has a type)",
            );
        }
    };
    if !common::is_type_name(type_name) {
        return ctx.error_at(
            "type",
            code::TYPE_NAME,
            "type names must be 3 to 250 characters of lowercase a-z, 0-9 and single hyphens",
        );
    }
    if obj.contains_key("id") {
        common::check_id(ctx, obj, type_name);
    }
    match registry::lookup(type_name) {
        Some(def) if def.kind == Kind::Sco => check_contained_sco(ctx, container, obj, def),
        Some(_) => ctx.error_at(
            "type",
            code::TYPE_NAME,
            format!("'{type_name}' is not a cyber-observable type: an observable container holds only cyber-observable objects"),
        ),
        // A custom observable: its properties are its producer's business.
        None => {}
    }
}

fn check_contained_sco(ctx: &mut Ctx<'_>, container: &Object<'_>, obj: &Object<'_>, def: &Def) {
    let common_props = common::common_props(Kind::Sco);
    for (name, value) in obj.iter() {
        if name == "type" || name == "id" {
            continue;
        }
        if let Some(prop) = def.prop(name) {
            ctx.at_key(name, |ctx| check_local(ctx, &prop.ty, value, container));
        } else if let Some(prop) = common_props.iter().find(|p| p.name == name) {
            ctx.at_key(name, |ctx| check_value(ctx, &prop.ty, value));
        } else {
            common::custom_property(ctx, name, value, def.name);
        }
    }
    require_props(ctx, def, obj);
    if let Some(rules) = def.rules {
        rules(ctx, obj);
    }
}

/// [`check_value`], except that references (also inside lists and embedded
/// types) are keys of `container`.
fn check_local(ctx: &mut Ctx<'_>, ty: &Ty, value: &Value<'_>, container: &Object<'_>) {
    match ty {
        Ty::Ref(refs) => check_local_ref(ctx, *refs, value, container),
        Ty::List(item) => {
            let Some(items) = value.as_array() else {
                return wrong_type(ctx, value, "a list");
            };
            if items.is_empty() {
                return ctx.error(
                    code::EMPTY,
                    "must not be an empty list (omit the property instead)",
                );
            }
            for (i, v) in items.iter().enumerate() {
                ctx.at_index(i, |ctx| check_local(ctx, item, v, container));
            }
        }
        Ty::Struct(def) => {
            let Some(obj) = value.as_object() else {
                return wrong_type(ctx, value, &format!("an object ({})", def.name));
            };
            for (name, v) in obj.iter() {
                match def.prop(name) {
                    Some(prop) => ctx.at_key(name, |ctx| check_local(ctx, &prop.ty, v, container)),
                    None => common::custom_property(ctx, name, v, def.name),
                }
            }
            require_props(ctx, def, obj);
            if let Some(rules) = def.rules {
                rules(ctx, obj);
            }
        }
        _ => check_value(ctx, ty, value),
    }
}

/// A reference inside a container names another key of it (§2.13); an
/// identifier is accepted when a contained object carries it as its `id`.
fn check_local_ref(ctx: &mut Ctx<'_>, refs: Refs, value: &Value<'_>, container: &Object<'_>) {
    let Some(key) = expect_str(ctx, value, "a key of this observable container") else {
        return;
    };
    let target = container.get(key).or_else(|| {
        container
            .iter()
            .map(|(_, v)| v)
            .find(|v| v.get("id").and_then(Value::as_str) == Some(key))
    });
    let Some(target) = target else {
        return ctx.error(
            code::UNRESOLVED_REFERENCE,
            format!("'{key}' is not a key of this observable container: references must resolve within it"),
        );
    };
    if let Some(target_type) = target.get("type").and_then(Value::as_str)
        && !refs_allow(refs, target_type)
    {
        let message = format!(
            "must reference {}, not '{target_type}'",
            describe_refs(refs)
        );
        ctx.error(code::REFERENCE_TYPE, message);
    }
}
