//! Indicator (STIX 2.1 §4.7), with the checks of its STIX pattern (§9).

use crate::json::{Object, Value};
use crate::pattern::{self, ObjectPath};
use crate::validate::common::{self, check_order};
use crate::validate::ctx::{Ctx, code};
use crate::validate::registry;
use crate::validate::types::{Def, Kind, Ty, opt, req};
use crate::validate::vocab;

use super::KILL_CHAIN_PHASES;

/// `indicator` (§4.7).
pub(super) static INDICATOR: Def = Def {
    name: "indicator",
    kind: Kind::Sdo,
    props: &[
        opt("name", Ty::String),
        opt("description", Ty::String),
        opt(
            "indicator_types",
            Ty::List(&Ty::Vocab(&vocab::INDICATOR_TYPE)),
        ),
        req("pattern", Ty::String),
        req("pattern_type", Ty::Vocab(&vocab::PATTERN_TYPE)),
        opt("pattern_version", Ty::String),
        req("valid_from", Ty::Timestamp),
        opt("valid_until", Ty::Timestamp),
        opt("kill_chain_phases", KILL_CHAIN_PHASES),
    ],
    rules: Some(indicator_rules),
    id_contributing: &[],
};

fn indicator_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    check_order(ctx, obj, "valid_from", "valid_until", true, "indicator");
    // "Producers SHOULD provide this property to help products and analysts
    // understand what this Indicator actually does" (name and description).
    for key in ["name", "description"] {
        if !obj.contains_key(key) {
            ctx.warn_at(
                key,
                "indicator-properties",
                "should be provided, so that products and analysts understand what the indicator detects",
            );
        }
    }
    check_pattern(ctx, obj);
}

/// A `stix` pattern must parse and pass the semantic checks of §9, and its
/// object paths must name cyber-observable types and their properties (or
/// valid custom names). Other pattern languages are not ours to judge.
fn check_pattern(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    if obj.get("pattern_type").and_then(Value::as_str) != Some("stix") {
        return;
    }
    let Some(text) = obj.get("pattern").and_then(Value::as_str) else {
        return;
    };
    ctx.at_key("pattern", |ctx| {
        let parsed = match pattern::parse(text) {
            Ok(parsed) => parsed,
            Err(e) => return invalid(ctx, e.offset, &e.message),
        };
        for e in parsed.semantic_errors() {
            invalid(ctx, e.offset, &e.message);
        }
        for path in parsed.object_paths() {
            check_object_path(ctx, path);
        }
    });
}

fn invalid(ctx: &mut Ctx<'_>, offset: usize, message: &str) {
    ctx.error(
        code::PATTERN,
        format!("invalid STIX pattern at byte {offset}: {message}"),
    );
}

/// The object type of a path must be an SCO type or a custom one (its
/// syntax is checked by the pattern module), and the first property a
/// property of that SCO or a valid custom property name.
fn check_object_path(ctx: &mut Ctx<'_>, path: &ObjectPath) {
    let object_type = path.object_type.as_str();
    let property = path.property.as_str();
    let known = match registry::category(object_type) {
        Some(Kind::Sco) => registry::sco_property_names(object_type)
            .is_some_and(|mut names| names.any(|n| n == property)),
        Some(_) => {
            let message = format!(
                "'{object_type}' is not a cyber-observable type: patterns match cyber-observable objects"
            );
            return invalid(ctx, path.span.start, &message);
        }
        // A custom observable has at least the properties common to SCOs.
        None => {
            ["type", "id"].contains(&property)
                || common::common_props(Kind::Sco)
                    .iter()
                    .any(|p| p.name == property)
        }
    };
    if !known && !common::is_property_name(property) {
        // The property starts right after `type:`.
        let offset = path.span.start + object_type.len() + 1;
        let message = format!(
            "'{property}' is neither a property of {object_type} nor a valid custom property name (3 to 250 characters of a-z, 0-9 and _)"
        );
        invalid(ctx, offset, &message);
    }
}
