//! Common properties (STIX 2.1 §3.2) and the rules every object shares:
//! type and identifier, spec version, timestamps, custom property naming,
//! and the `hashes` dictionary.

use crate::identifier::Identifier;
use crate::json::{Object, Value};

use super::ctx::{Ctx, code};
use super::types::{Def, Kind, Prop, Refs, StrRule, Ty, find_prop, opt, req, timestamp_of};
use super::{extensions, markings, vocab};

/// `spec_version` of 2.1 content.
static SPEC_VERSION_21: StrRule = StrRule {
    check: |s| s == "2.1",
    rule: "'2.1' (Liaison validates STIX 2.1 content)",
    code: code::SPEC_VERSION,
    warning: false,
};

const CREATED_BY_REF: Prop = opt("created_by_ref", Ty::Ref(Refs::Only(&["identity"])));
const LABELS: Prop = opt("labels", Ty::List(&Ty::String));
const CONFIDENCE: Prop = opt("confidence", Ty::Integer { min: 0, max: 100 });
static EXTERNAL_REFERENCE_TY: Ty = Ty::Struct(&EXTERNAL_REFERENCE);
static GRANULAR_MARKING_TY: Ty = Ty::Struct(&markings::GRANULAR_MARKING);
const EXTERNAL_REFERENCES: Prop = opt("external_references", Ty::List(&EXTERNAL_REFERENCE_TY));
const OBJECT_MARKING_REFS: Prop = opt(
    "object_marking_refs",
    Ty::List(&Ty::Ref(Refs::Only(&["marking-definition"]))),
);
const GRANULAR_MARKINGS: Prop = opt("granular_markings", Ty::List(&GRANULAR_MARKING_TY));
/// `extensions` is checked by the extensions module, which knows the keys.
const EXTENSIONS: Prop = opt("extensions", Ty::Any);
const SPEC_VERSION: Prop = req("spec_version", Ty::Str(&SPEC_VERSION_21));
const CREATED: Prop = req("created", Ty::TimestampMillis);
const MODIFIED: Prop = req("modified", Ty::TimestampMillis);
const REVOKED: Prop = opt("revoked", Ty::Boolean);

/// Common properties of SDOs and SROs.
static SDO_SRO: &[Prop] = &[
    SPEC_VERSION,
    CREATED_BY_REF,
    CREATED,
    MODIFIED,
    REVOKED,
    LABELS,
    CONFIDENCE,
    opt("lang", Ty::Language),
    EXTERNAL_REFERENCES,
    OBJECT_MARKING_REFS,
    GRANULAR_MARKINGS,
    EXTENSIONS,
];

static SCO: &[Prop] = &[
    opt("spec_version", Ty::Str(&SPEC_VERSION_21)),
    OBJECT_MARKING_REFS,
    GRANULAR_MARKINGS,
    opt("defanged", Ty::Boolean),
    EXTENSIONS,
];

static LANGUAGE_CONTENT: &[Prop] = &[
    SPEC_VERSION,
    CREATED_BY_REF,
    CREATED,
    MODIFIED,
    REVOKED,
    LABELS,
    CONFIDENCE,
    EXTERNAL_REFERENCES,
    OBJECT_MARKING_REFS,
    GRANULAR_MARKINGS,
    EXTENSIONS,
];

static MARKING_DEFINITION: &[Prop] = &[
    SPEC_VERSION,
    CREATED_BY_REF,
    CREATED,
    EXTERNAL_REFERENCES,
    OBJECT_MARKING_REFS,
    GRANULAR_MARKINGS,
    EXTENSIONS,
];

static EXTENSION_DEFINITION: &[Prop] = &[
    SPEC_VERSION,
    req("created_by_ref", Ty::Ref(Refs::Only(&["identity"]))),
    CREATED,
    MODIFIED,
    REVOKED,
    LABELS,
    EXTERNAL_REFERENCES,
    OBJECT_MARKING_REFS,
    GRANULAR_MARKINGS,
];

/// Every common property name, to tell "not applicable here" from custom.
const ALL_COMMON: &[&str] = &[
    "spec_version",
    "created_by_ref",
    "created",
    "modified",
    "revoked",
    "labels",
    "confidence",
    "lang",
    "external_references",
    "object_marking_refs",
    "granular_markings",
    "defanged",
    "extensions",
];

/// Names reserved by STIX 2.1 §3.1 (and `phone_numbers`, which the official
/// JSON Schemas reserve by mistake, refused too so content stays portable).
const RESERVED: &[&str] = &[
    "severity",
    "username",
    "phone_number",
    "phone_numbers",
    "action",
];

/// The common properties of a kind of object.
pub(crate) fn common_props(kind: Kind) -> &'static [Prop] {
    match kind {
        Kind::Sdo | Kind::Sro => SDO_SRO,
        Kind::Sco => SCO,
        Kind::LanguageContent => LANGUAGE_CONTENT,
        Kind::MarkingDefinition => MARKING_DEFINITION,
        Kind::ExtensionDefinition => EXTENSION_DEFINITION,
        Kind::Extension(_) | Kind::Embedded => &[],
    }
}

/// `external-reference` (§2.5).
pub(crate) static EXTERNAL_REFERENCE: Def = Def {
    name: "external-reference",
    kind: Kind::Embedded,
    props: &[
        req("source_name", Ty::String),
        opt("description", Ty::String),
        opt("url", Ty::String),
        opt("hashes", Ty::Hashes),
        opt("external_id", Ty::String),
    ],
    rules: Some(external_reference_rules),
    id_contributing: &[],
};

fn external_reference_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    if !["description", "url", "external_id"]
        .iter()
        .any(|k| obj.contains_key(k))
    {
        ctx.error(
            code::AT_LEAST_ONE,
            "an external reference needs at least one of description, url or external_id",
        );
    }
    let source = obj.get("source_name").and_then(Value::as_str);
    let external_id = obj.get("external_id").and_then(Value::as_str);
    match (source, external_id) {
        (Some("cve"), Some(id)) if !is_cve(id) => ctx.error_at(
            "external_id",
            code::FORMAT,
            "must be a CVE identifier (CVE-YYYY-NNNN) when source_name is cve",
        ),
        (Some("capec"), Some(id)) if !is_capec(id) => ctx.error_at(
            "external_id",
            code::FORMAT,
            "must be a CAPEC identifier (CAPEC-N) when source_name is capec",
        ),
        _ => {}
    }
    if obj.contains_key("url") && !obj.contains_key("hashes") {
        ctx.warn(
            "extref-hashes",
            "external references with a url should carry hashes of its content",
        );
    }
}

/// `kill-chain-phase` (§2.8).
pub(crate) static KILL_CHAIN_PHASE: Def = Def {
    name: "kill-chain-phase",
    kind: Kind::Embedded,
    props: &[
        req("kill_chain_name", Ty::String),
        req("phase_name", Ty::String),
    ],
    rules: Some(kill_chain_phase_rules),
    id_contributing: &[],
};

fn kill_chain_phase_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    for key in ["kill_chain_name", "phase_name"] {
        if let Some(s) = obj.get(key).and_then(Value::as_str)
            && (s.is_empty()
                || !s
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
        {
            ctx.warn_at(
                key,
                "kill-chain-names",
                "should be lowercase words separated by hyphens",
            );
        }
    }
}

fn is_cve(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, num)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && num.len() >= 4
        && num.bytes().all(|b| b.is_ascii_digit())
        && (num.len() == 4 || !num.starts_with('0'))
}

fn is_capec(s: &str) -> bool {
    s.strip_prefix("CAPEC-")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A type name: 3 to 250 characters of `a-z`, `0-9` and `-`, starting with a
/// letter or digit, without `--` (STIX 2.1 §3.1, §11.1).
pub(crate) fn is_type_name(s: &str) -> bool {
    // One pass over the bytes: this runs for every object and reference.
    let mut previous = b'-'; // so that a leading hyphen counts as doubled
    (3..=250).contains(&s.len())
        && s.bytes().all(|c| {
            let ok =
                c.is_ascii_lowercase() || c.is_ascii_digit() || (c == b'-' && previous != b'-');
            previous = c;
            ok
        })
}

/// A property name: 3 to 250 characters of `a-z`, `0-9` and `_` (§3.1, §11.1).
pub(crate) fn is_property_name(s: &str) -> bool {
    (3..=250).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks `id` against the object's `type`; returns the parsed identifier.
pub(crate) fn check_id<'v>(
    ctx: &mut Ctx<'_>,
    obj: &'v Object<'_>,
    type_name: &str,
) -> Option<Identifier<'v>> {
    let Some(value) = obj.get("id") else {
        ctx.error_at("id", code::REQUIRED, format!("is required ({type_name})"));
        return None;
    };
    ctx.at_key("id", |ctx| {
        let s = super::types::expect_str(ctx, value, "an identifier string")?;
        match Identifier::parse(s) {
            Err(e) => {
                ctx.error(
                    code::IDENTIFIER,
                    format!("'{s}' is not a STIX identifier: {e}"),
                );
                None
            }
            Ok(id) if id.object_type() != type_name => {
                ctx.error(
                    code::IDENTIFIER,
                    format!("must begin with the object's type '{type_name}--'"),
                );
                None
            }
            Ok(id) => Some(id),
        }
    })
}

/// What the walk over an object's members learned.
pub(crate) struct Walked {
    /// The object declares a `toplevel-property-extension`, so unknown
    /// top-level properties are expected.
    pub toplevel_extension: bool,
}

/// Checks every member of `obj` against the common properties of `kind` and
/// the definition's own table, then required properties, then the rules
/// every object shares.
pub(crate) fn check_members(ctx: &mut Ctx<'_>, obj: &Object<'_>, def: &Def) -> Walked {
    let common = common_props(def.kind);
    let walked = Walked {
        toplevel_extension: extensions::declares_toplevel(obj),
    };
    // Members are unique, so when as many of them matched a required
    // property as there are required properties, none can be missing and
    // the tables need not be searched again for each one.
    let mut required_present = 0;
    for (name, value) in obj.iter() {
        if name == "type" || name == "id" {
            continue;
        }
        if let Some(prop) = find_prop(common, name).or_else(|| def.prop(name)) {
            required_present += usize::from(prop.required);
            ctx.at_key(name, |ctx| super::types::check_value(ctx, &prop.ty, value));
        } else if ALL_COMMON.contains(&name) {
            ctx.error_at(
                name,
                code::NOT_APPLICABLE,
                format!("is not a property of {}", def.kind.describe()),
            );
        } else if walked.toplevel_extension {
            top_level_custom_name(ctx, name);
        } else {
            custom_property(ctx, name, value, def.name);
        }
    }
    let required = common.iter().chain(def.props).filter(|p| p.required);
    if required_present < required.clone().count() {
        for prop in required {
            if !obj.contains_key(prop.name) {
                ctx.error_at(
                    prop.name,
                    code::REQUIRED,
                    format!("is required ({})", def.name),
                );
            }
        }
    }
    check_created_modified(ctx, obj);
    walked
}

/// `modified` must not precede `created` (§3.2).
fn check_created_modified(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    if let (Some(created), Some(modified)) =
        (timestamp_of(obj, "created"), timestamp_of(obj, "modified"))
        && modified < created
    {
        ctx.error_at(
            "modified",
            code::TIMESTAMP_ORDER,
            "must be later than or equal to created",
        );
    }
}

/// Requires `later` to be after `earlier` (strictly when `strict`), both optional.
pub(crate) fn check_order(
    ctx: &mut Ctx<'_>,
    obj: &Object<'_>,
    earlier: &str,
    later: &str,
    strict: bool,
    owner: &str,
) {
    if let (Some(a), Some(b)) = (timestamp_of(obj, earlier), timestamp_of(obj, later))
        && (b < a || (strict && b == a))
    {
        let relation = if strict {
            "later than"
        } else {
            "later than or equal to"
        };
        ctx.error_at(
            later,
            code::TIMESTAMP_ORDER,
            format!("must be {relation} {earlier} ({owner})"),
        );
    }
}

fn top_level_custom_name(ctx: &mut Ctx<'_>, name: &str) {
    if RESERVED.contains(&name) {
        ctx.error_at(
            name,
            code::RESERVED,
            "is a reserved property name in STIX 2.1 and must not be used",
        );
    } else if !is_property_name(name) {
        ctx.error_at(
            name,
            code::PROPERTY_NAME,
            "property names must be 3 to 250 characters of lowercase a-z, 0-9 and _",
        );
    }
}

/// A member that STIX does not define for `owner`.
pub(crate) fn custom_property(ctx: &mut Ctx<'_>, name: &str, _value: &Value<'_>, owner: &str) {
    if RESERVED.contains(&name) || !is_property_name(name) {
        return top_level_custom_name(ctx, name);
    }
    ctx.warn_at(
        name,
        code::CUSTOM_PROPERTY,
        format!(
            "is not a STIX 2.1 property of {owner}; custom properties should be defined by an extension-definition"
        ),
    );
}

/// The `hashes` type (§2.7): a non-empty dictionary of algorithm name to
/// hash value; the values of the algorithms in `hash-algorithm-ov` must have
/// their algorithm's form.
pub(crate) fn check_hashes(ctx: &mut Ctx<'_>, value: &Value<'_>) {
    let Some(obj) = value.as_object() else {
        return super::types::wrong_type(ctx, value, "a hashes dictionary (JSON object)");
    };
    if obj.is_empty() {
        return ctx.error(
            code::EMPTY,
            "must not be an empty dictionary (omit the property instead)",
        );
    }
    for (alg, v) in obj.iter() {
        ctx.at_key(alg, |ctx| {
            if !(3..=250).contains(&alg.len()) || !super::types::is_dictionary_key(alg) {
                ctx.error(
                    code::DICTIONARY_KEY,
                    "hash algorithm names must be 3 to 250 ASCII letters, digits, '-' or '_'",
                );
            }
            let Some(hash) = super::types::expect_str(ctx, v, "a string") else {
                return;
            };
            match hash_rule(alg) {
                Some((rule, check)) if !check(hash) => {
                    ctx.error(code::HASH, format!("must be {rule} for {alg}"))
                }
                Some(_) => {}
                None => {
                    let suggestion = vocab::HASH_ALGORITHM
                        .values
                        .iter()
                        .find(|known| normalise_alg(known) == normalise_alg(alg));
                    match suggestion {
                        Some(known) => ctx.warn(
                            code::HASH_ALGORITHM,
                            format!("hash algorithm '{alg}' should be written '{known}'"),
                        ),
                        None => ctx.warn(
                            code::HASH_ALGORITHM,
                            format!("'{alg}' is not in the hash-algorithm-ov vocabulary"),
                        ),
                    }
                }
            }
        });
    }
}

fn normalise_alg(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_uppercase)
        .collect()
}

type HashCheck = fn(&str) -> bool;

/// The form of a hash value for the algorithms the specification names.
pub(crate) fn hash_rule(alg: &str) -> Option<(&'static str, HashCheck)> {
    fn hex(s: &str, n: usize) -> bool {
        s.len() == n && super::types::all_hex_digits(s)
    }
    Some(match alg {
        "MD5" => ("32 hexadecimal digits", |s| hex(s, 32)),
        "SHA-1" => ("40 hexadecimal digits", |s| hex(s, 40)),
        "SHA-256" | "SHA3-256" => ("64 hexadecimal digits", |s| hex(s, 64)),
        "SHA-512" | "SHA3-512" => ("128 hexadecimal digits", |s| hex(s, 128)),
        "SSDEEP" => (
            "1 to 128 characters of a-z, A-Z, 0-9, '/', '+', ':' and '.'",
            |s| {
                (1..=128).contains(&s.len())
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"/+:.".contains(&b))
            },
        ),
        "TLSH" => ("70 letters and digits", |s| {
            s.len() == 70 && s.bytes().all(|b| b.is_ascii_alphanumeric())
        }),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_type_name("x-acme-widget"));
        assert!(!is_type_name("x--widget"));
        assert!(!is_type_name("X-widget"));
        assert!(!is_type_name("ab"));
        assert!(is_property_name("x_acme_field"));
        assert!(!is_property_name("x-acme"));
        assert!(!is_property_name("ab"));
        assert!(is_cve("CVE-2016-1234"));
        assert!(is_cve("CVE-2016-12345"));
        assert!(!is_cve("CVE-2016-01234"));
        assert!(!is_cve("CVE-16-1234"));
        assert!(is_capec("CAPEC-163"));
        assert!(!is_capec("CAPEC-"));
    }
}
