//! The STIX Relationship Objects: `relationship` and `sighting` (STIX 2.1 §5),
//! and the relationship types the specification defines (§3.7, each SDO's
//! and SCO's "Relationships" table, Appendix B).

use crate::identifier::Identifier;
use crate::json::{Object, Value};

use super::common::check_order;
use super::ctx::{Ctx, code};
use super::registry;
use super::types::{Def, Kind, Refs, StrRule, Ty, opt, req};

/// All SRO definitions.
pub(crate) static DEFS: &[&Def] = &[&RELATIONSHIP, &SIGHTING];

/// `relationship_type` "MUST be in ASCII and is limited to characters a-z
/// (lowercase ASCII), 0-9, and hyphen (-)".
static RELATIONSHIP_TYPE: StrRule = StrRule {
    check: |s| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    },
    rule: "lowercase ASCII letters, digits and hyphens only",
    code: code::FORMAT,
    warning: false,
};

/// `relationship` (§5.1). Both ends must be SDOs or SCOs: never an SRO,
/// bundle, language-content or marking-definition.
static RELATIONSHIP: Def = Def {
    name: "relationship",
    kind: Kind::Sro,
    props: &[
        req("relationship_type", Ty::Str(&RELATIONSHIP_TYPE)),
        opt("description", Ty::String),
        req("source_ref", Ty::Ref(Refs::SdoOrSco)),
        req("target_ref", Ty::Ref(Refs::SdoOrSco)),
        opt("start_time", Ty::Timestamp),
        opt("stop_time", Ty::Timestamp),
    ],
    rules: Some(relationship_rules),
    id_contributing: &[],
};

fn relationship_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    check_order(ctx, obj, "start_time", "stop_time", true, "relationship");
    check_relationship_type(ctx, obj);
}

/// `sighting` (§5.2). `summary` is a boolean (the markdown edition's
/// "string" is a typo: default false, schema and library agree).
static SIGHTING: Def = Def {
    name: "sighting",
    kind: Kind::Sro,
    props: &[
        opt("description", Ty::String),
        opt("first_seen", Ty::Timestamp),
        opt("last_seen", Ty::Timestamp),
        opt(
            "count",
            Ty::Integer {
                min: 0,
                max: 999_999_999,
            },
        ),
        req("sighting_of_ref", Ty::Ref(Refs::Sdo)),
        opt(
            "observed_data_refs",
            Ty::List(&Ty::Ref(Refs::Only(&["observed-data"]))),
        ),
        opt(
            "where_sighted_refs",
            Ty::List(&Ty::Ref(Refs::Only(&["identity", "location"]))),
        ),
        opt("summary", Ty::Boolean),
    ],
    rules: Some(sighting_rules),
    id_contributing: &[],
};

fn sighting_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    check_order(ctx, obj, "first_seen", "last_seen", false, "sighting");
}

/// Stands for "any cyber-observable type" in a target list.
const ANY_SCO: &str = "<SCO>";

/// The specification-defined relationships: sources, relationship types,
/// targets. Each row is one line of a "Relationships" table of §4 or §6
/// (Appendix B collects them). Kept one row per line, like the tables.
#[rustfmt::skip]
static DEFINED: &[(&[&str], &[&str], &[&str])] = &[
    (&["attack-pattern"], &["delivers"], &["malware"]),
    (&["attack-pattern"], &["targets"], &["identity", "location", "vulnerability"]),
    (&["attack-pattern"], &["uses"], &["malware", "tool"]),
    (&["campaign"], &["attributed-to"], &["intrusion-set", "threat-actor"]),
    (&["campaign"], &["compromises"], &["infrastructure"]),
    (&["campaign"], &["originates-from"], &["location"]),
    (&["campaign"], &["targets"], &["identity", "location", "vulnerability"]),
    (&["campaign"], &["uses"], &["attack-pattern", "infrastructure", "malware", "tool"]),
    (&["course-of-action"], &["investigates"], &["indicator"]),
    (&["course-of-action"], &["mitigates"], &["attack-pattern", "indicator", "malware", "tool", "vulnerability"]),
    (&["course-of-action"], &["remediates"], &["malware", "vulnerability"]),
    (&["domain-name"], &["resolves-to"], &["domain-name", "ipv4-addr", "ipv6-addr"]),
    (&["identity"], &["located-at"], &["location"]),
    (
        &["indicator"],
        &["indicates"],
        &["attack-pattern", "campaign", "infrastructure", "intrusion-set", "malware", "threat-actor", "tool"],
    ),
    (&["indicator"], &["based-on"], &["observed-data"]),
    (&["infrastructure"], &["communicates-with"], &["infrastructure", "ipv4-addr", "ipv6-addr", "domain-name", "url"]),
    (&["infrastructure"], &["consists-of"], &["infrastructure", "observed-data", ANY_SCO]),
    (&["infrastructure"], &["controls"], &["infrastructure", "malware"]),
    (&["infrastructure"], &["delivers"], &["malware"]),
    (&["infrastructure"], &["has"], &["vulnerability"]),
    (&["infrastructure"], &["hosts"], &["tool", "malware"]),
    (&["infrastructure"], &["located-at"], &["location"]),
    (&["infrastructure"], &["uses"], &["infrastructure"]),
    (&["intrusion-set"], &["attributed-to"], &["threat-actor"]),
    (&["intrusion-set"], &["compromises"], &["infrastructure"]),
    (&["intrusion-set"], &["hosts", "owns"], &["infrastructure"]),
    (&["intrusion-set"], &["originates-from"], &["location"]),
    (&["intrusion-set"], &["targets"], &["identity", "location", "vulnerability"]),
    (&["intrusion-set"], &["uses"], &["attack-pattern", "infrastructure", "malware", "tool"]),
    (&["ipv4-addr", "ipv6-addr"], &["belongs-to"], &["autonomous-system"]),
    (&["ipv4-addr", "ipv6-addr"], &["resolves-to"], &["mac-addr"]),
    (&["malware"], &["authored-by"], &["threat-actor", "intrusion-set"]),
    (&["malware"], &["beacons-to", "exfiltrates-to"], &["infrastructure"]),
    (&["malware"], &["communicates-with"], &["ipv4-addr", "ipv6-addr", "domain-name", "url"]),
    (&["malware"], &["controls"], &["malware"]),
    (&["malware"], &["downloads", "drops"], &["malware", "tool", "file"]),
    (&["malware"], &["exploits"], &["vulnerability"]),
    (&["malware"], &["originates-from"], &["location"]),
    (&["malware"], &["targets"], &["identity", "infrastructure", "location", "vulnerability"]),
    (&["malware"], &["uses"], &["attack-pattern", "infrastructure", "malware", "tool"]),
    (&["malware"], &["variant-of"], &["malware"]),
    (
        &["malware-analysis"],
        &["characterizes", "av-analysis-of", "static-analysis-of", "dynamic-analysis-of"],
        &["malware"],
    ),
    (&["threat-actor"], &["attributed-to"], &["identity"]),
    (&["threat-actor"], &["compromises"], &["infrastructure"]),
    (&["threat-actor"], &["hosts", "owns"], &["infrastructure"]),
    (&["threat-actor"], &["impersonates"], &["identity"]),
    (&["threat-actor"], &["located-at"], &["location"]),
    (&["threat-actor"], &["targets"], &["identity", "location", "vulnerability"]),
    (&["threat-actor"], &["uses"], &["attack-pattern", "infrastructure", "malware", "tool"]),
    (&["tool"], &["delivers", "drops"], &["malware"]),
    (&["tool"], &["has"], &["vulnerability"]),
    (&["tool"], &["targets"], &["identity", "infrastructure", "location", "vulnerability"]),
    (&["tool"], &["uses"], &["infrastructure"]),
];

/// The relationship type SHOULD be one the specification defines for the
/// source and target types (§5.1). Only judged when both ends are
/// specification-defined SDOs or SCOs: the relationships of custom types
/// are their producers' to define.
fn check_relationship_type(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    let Some(rel) = obj.get("relationship_type").and_then(Value::as_str) else {
        return;
    };
    if !(RELATIONSHIP_TYPE.check)(rel) {
        return;
    }
    let (Some(source), Some(target)) = (end_type(obj, "source_ref"), end_type(obj, "target_ref"))
    else {
        return;
    };
    let defined = |t: &str| matches!(registry::category(t), Some(Kind::Sdo | Kind::Sco));
    if !defined(source) || !defined(target) {
        return;
    }
    let message = match rel {
        "related-to" => return,
        // Common relationships (§3.7): "SDO or SCO of same type as target".
        "derived-from" | "duplicate-of" if source == target => return,
        "derived-from" | "duplicate-of" => {
            format!("{rel} should link two objects of the same type, not {source} and {target}")
        }
        _ if is_defined(source, rel, target) => return,
        _ => format!(
            "'{rel}' is not a relationship type STIX 2.1 defines from {source} to {target}; use a specification-defined type where one fits"
        ),
    };
    ctx.warn_at("relationship_type", "relationship-types", message);
}

/// The object type named by reference `key`, if it is a valid identifier.
fn end_type<'o>(obj: &'o Object<'_>, key: &str) -> Option<&'o str> {
    Identifier::parse(obj.get(key)?.as_str()?)
        .ok()
        .map(|id| id.object_type())
}

fn is_defined(source: &str, rel: &str, target: &str) -> bool {
    DEFINED.iter().any(|(sources, types, targets)| {
        sources.contains(&source)
            && types.contains(&rel)
            && (targets.contains(&target)
                || (targets.contains(&ANY_SCO) && registry::category(target) == Some(Kind::Sco)))
    })
}
