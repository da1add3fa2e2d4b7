//! Property types and object definitions: the tables that describe STIX 2.1.
//!
//! Every object type, embedded type and predefined extension of the
//! specification is a [`Def`]: a static table of [`Prop`]s, each with a
//! [`Ty`], plus an optional function for the rules a table cannot express
//! ("at least one of", timestamp order, ...). [`check_value`] checks one value
//! against one type. Keeping the specification as data keeps each rule in one
//! place and makes the tables easy to compare with the text.

use crate::identifier::Identifier;
use crate::json::{Object, Value, same_key};
use crate::timestamp::Timestamp;

use super::ctx::{Ctx, code};
use super::{common, registry};

/// What kind of definition a [`Def`] is; decides the common properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// STIX Domain Object.
    Sdo,
    /// STIX Relationship Object.
    Sro,
    /// STIX Cyber-observable Object.
    Sco,
    /// `language-content`.
    LanguageContent,
    /// `marking-definition`.
    MarkingDefinition,
    /// `extension-definition`.
    ExtensionDefinition,
    /// A predefined extension (`*-ext`) for the listed object types.
    Extension(&'static [&'static str]),
    /// A type embedded in a property (kill-chain-phase, email-mime-part, ...).
    Embedded,
}

impl Kind {
    /// Words for messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Kind::Sdo => "domain objects",
            Kind::Sro => "relationship objects",
            Kind::Sco => "cyber-observable objects",
            Kind::LanguageContent => "language-content objects",
            Kind::MarkingDefinition => "marking definitions",
            Kind::ExtensionDefinition => "extension definitions",
            Kind::Extension(_) | Kind::Embedded => "this type",
        }
    }
}

/// Which object types a reference may point at.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Refs {
    /// Any STIX object.
    Any,
    /// Exactly these types.
    Only(&'static [&'static str]),
    /// Any domain object (custom types allowed).
    Sdo,
    /// Any cyber-observable (custom types allowed).
    Sco,
    /// Domain or cyber-observable objects (custom types allowed).
    SdoOrSco,
    /// Cyber-observables or relationships (custom types allowed).
    ScoOrSro,
}

/// An open vocabulary or a closed enumeration.
#[derive(Debug)]
pub(crate) struct Vocab {
    /// Its name in the specification, e.g. `indicator-type-ov`.
    pub name: &'static str,
    /// The values it defines.
    pub values: &'static [&'static str],
    /// Warning code when a value is outside an open vocabulary.
    pub code: &'static str,
}

impl Vocab {
    pub(crate) fn contains(&self, value: &str) -> bool {
        self.values.contains(&value)
    }
}

/// A string rule the table cannot express with the other types.
#[derive(Debug)]
pub(crate) struct StrRule {
    /// Returns true when the string is acceptable.
    pub check: fn(&str) -> bool,
    /// What a valid value looks like, completing "must be ..." (or "should
    /// be ..." for a warning).
    pub rule: &'static str,
    /// The finding code.
    pub code: &'static str,
    /// True when breaking the rule is only a warning (a SHOULD).
    pub warning: bool,
}

/// The type of a property value.
#[derive(Debug)]
pub(crate) enum Ty {
    /// Any JSON value (no rule).
    Any,
    /// A string.
    String,
    /// A string satisfying a rule.
    Str(&'static StrRule),
    /// `true` or `false`.
    Boolean,
    /// An integer within an inclusive range.
    Integer { min: i64, max: i64 },
    /// A number within an inclusive range.
    Float { min: f64, max: f64 },
    /// A timestamp, any precision.
    Timestamp,
    /// A timestamp with at least millisecond precision (`created`, `modified`).
    TimestampMillis,
    /// A timestamp precise to the second (no fraction).
    TimestampSeconds,
    /// An identifier referencing one of the given types.
    Ref(Refs),
    /// A non-empty list of values of one type.
    List(&'static Ty),
    /// A value from an open vocabulary (other values are warnings).
    Vocab(&'static Vocab),
    /// A value from a closed enumeration (other values are errors).
    Enum(&'static Vocab),
    /// A `hashes` dictionary.
    Hashes,
    /// Base64 (`_bin`).
    Binary,
    /// Hexadecimal (`_hex`).
    Hex,
    /// A non-empty dictionary with any values.
    Dict,
    /// A non-empty dictionary whose values have one type.
    DictOf(&'static Ty),
    /// An embedded type (kill-chain-phase, windows-pe-section, ...).
    Struct(&'static Def),
    /// An RFC 5646 language tag.
    Language,
}

/// A property of an object or embedded type.
#[derive(Debug)]
pub(crate) struct Prop {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
}

/// Shorthand for a required property.
pub(crate) const fn req(name: &'static str, ty: Ty) -> Prop {
    Prop {
        name,
        ty,
        required: true,
    }
}

/// Shorthand for an optional property.
pub(crate) const fn opt(name: &'static str, ty: Ty) -> Prop {
    Prop {
        name,
        ty,
        required: false,
    }
}

/// Rules a table cannot express, run after the properties were checked.
pub(crate) type RuleFn = fn(&mut Ctx<'_>, &Object<'_>);

/// The definition of an object type, embedded type or predefined extension.
#[derive(Debug)]
pub(crate) struct Def {
    /// Type name (`indicator`), embedded type name (`kill-chain-phase`) or
    /// extension key (`archive-ext`).
    pub name: &'static str,
    pub kind: Kind,
    /// Type-specific properties (common properties come from [`Kind`]).
    pub props: &'static [Prop],
    /// Further rules.
    pub rules: Option<RuleFn>,
    /// For SCOs: the ID contributing properties, in the specification's order.
    pub id_contributing: &'static [&'static str],
}

impl Def {
    pub(crate) fn prop(&self, name: &str) -> Option<&'static Prop> {
        find_prop(self.props, name)
    }
}

/// The property called `name` in a table.
pub(crate) fn find_prop(props: &'static [Prop], name: &str) -> Option<&'static Prop> {
    props.iter().find(|p| same_key(p.name, name))
}

/// Checks `value` against `ty`; findings go to the context's current path.
pub(crate) fn check_value(ctx: &mut Ctx<'_>, ty: &Ty, value: &Value<'_>) {
    match ty {
        Ty::Any => {}
        Ty::String => {
            expect_str(ctx, value, "a string");
        }
        Ty::Str(rule) => {
            if let Some(s) = expect_str(ctx, value, "a string")
                && !(rule.check)(s)
            {
                let verb = if rule.warning { "should be" } else { "must be" };
                let message = format!("{verb} {}", rule.rule);
                if rule.warning {
                    ctx.warn(rule.code, message);
                } else {
                    ctx.error(rule.code, message);
                }
            }
        }
        Ty::Boolean => {
            if value.as_bool().is_none() {
                wrong_type(ctx, value, "a boolean");
            }
        }
        Ty::Integer { min, max } => check_integer(ctx, value, *min, *max),
        Ty::Float { min, max } => match value.as_f64() {
            Some(f) if f < *min || f > *max => {
                ctx.error(code::RANGE, format!("must be between {min} and {max}"));
            }
            Some(_) => {}
            None => wrong_type(ctx, value, "a number"),
        },
        Ty::Timestamp | Ty::TimestampMillis | Ty::TimestampSeconds => {
            check_timestamp(ctx, ty, value);
        }
        Ty::Ref(refs) => check_ref(ctx, *refs, value),
        Ty::List(item) => check_list(ctx, item, value),
        Ty::Vocab(vocab) => {
            if let Some(s) = expect_str(ctx, value, "a string") {
                check_open_vocab(ctx, vocab, s);
            }
        }
        Ty::Enum(vocab) => {
            if let Some(s) = expect_str(ctx, value, "a string")
                && !vocab.contains(s)
            {
                ctx.error(
                    code::ENUM,
                    format!(
                        "'{s}' is not a value of {}: one of {}",
                        vocab.name,
                        vocab.values.join(", ")
                    ),
                );
            }
        }
        Ty::Hashes => common::check_hashes(ctx, value),
        Ty::Binary => {
            if let Some(s) = expect_str(ctx, value, "a base64 string")
                && !is_base64(s)
            {
                ctx.error(
                    code::FORMAT,
                    "must be base64 (RFC 4648) with correct padding",
                );
            }
        }
        Ty::Hex => {
            if let Some(s) = expect_str(ctx, value, "a hex string") {
                if s.is_empty() || s.len() % 2 != 0 || !all_hex_digits(s) {
                    ctx.error(code::FORMAT, "must be an even number of hexadecimal digits");
                } else if s.bytes().any(|b| b.is_ascii_uppercase()) {
                    ctx.warn(code::FORMAT, "hexadecimal digits should be lowercase");
                }
            }
        }
        Ty::Dict => {
            check_dictionary(ctx, value, &Ty::Any);
        }
        Ty::DictOf(item) => {
            check_dictionary(ctx, value, item);
        }
        Ty::Struct(def) => match value.as_object() {
            Some(obj) => check_struct(ctx, def, obj),
            None => wrong_type(ctx, value, &format!("an object ({})", def.name)),
        },
        Ty::Language => {
            if let Some(s) = expect_str(ctx, value, "a string")
                && !super::lang::is_language_tag(s)
            {
                ctx.error(
                    code::LANGUAGE,
                    format!("'{s}' is not an RFC 5646 language tag"),
                );
            }
        }
    }
}

/// The string in `value`, or an error saying it should have been one.
pub(crate) fn expect_str<'v>(
    ctx: &mut Ctx<'_>,
    value: &'v Value<'_>,
    what: &str,
) -> Option<&'v str> {
    match value.as_str() {
        Some(s) => Some(s),
        None => {
            wrong_type(ctx, value, what);
            None
        }
    }
}

/// Records "must be X, not Y".
pub(crate) fn wrong_type(ctx: &mut Ctx<'_>, value: &Value<'_>, expected: &str) {
    ctx.error(
        code::JSON_TYPE,
        format!("must be {expected}, not {}", describe(value)),
    );
}

fn describe(value: &Value<'_>) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_integral() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn check_integer(ctx: &mut Ctx<'_>, value: &Value<'_>, min: i64, max: i64) {
    let Some(n) = value.as_number() else {
        return wrong_type(ctx, value, "an integer");
    };
    if !n.is_integral() {
        return wrong_type(ctx, value, "an integer");
    }
    match n.as_i64() {
        Some(i) if i >= min && i <= max => {}
        _ => ctx.error(
            code::RANGE,
            format!("must be an integer from {min} to {max}"),
        ),
    }
}

fn check_timestamp(ctx: &mut Ctx<'_>, ty: &Ty, value: &Value<'_>) {
    let Some(s) = expect_str(ctx, value, "a timestamp string") else {
        return;
    };
    match Timestamp::parse(s) {
        Err(e) => ctx.error(code::TIMESTAMP, format!("'{s}' {e}")),
        Ok(t) => match ty {
            Ty::TimestampMillis if t.fraction_digits() < 3 => {
                ctx.error(
                    code::TIMESTAMP_PRECISION,
                    "must have at least millisecond precision (3 fractional digits)",
                );
            }
            Ty::TimestampSeconds if t.fraction_digits() > 0 => {
                ctx.error(
                    code::TIMESTAMP_PRECISION,
                    "must be precise to the second (no fractional digits)",
                );
            }
            _ => {}
        },
    }
}

/// The parsed timestamp in member `key`, if present and valid (problems are
/// reported by the property check, not here).
pub(crate) fn timestamp_of(obj: &Object<'_>, key: &str) -> Option<Timestamp> {
    obj.get(key)
        .and_then(Value::as_str)
        .and_then(|s| Timestamp::parse(s).ok())
}

pub(crate) fn check_ref(ctx: &mut Ctx<'_>, refs: Refs, value: &Value<'_>) {
    let Some(s) = expect_str(ctx, value, "an identifier string") else {
        return;
    };
    let id = match Identifier::parse(s) {
        Ok(id) => id,
        Err(e) => {
            return ctx.error(
                code::IDENTIFIER,
                format!("'{s}' is not a STIX identifier: {e}"),
            );
        }
    };
    let target = id.object_type();
    if !common::is_type_name(target) {
        return ctx.error(
            code::IDENTIFIER,
            format!("'{target}' is not a valid object type name"),
        );
    }
    if !refs_allow(refs, target) {
        ctx.error(
            code::REFERENCE_TYPE,
            format!("must reference {}, not '{target}'", describe_refs(refs)),
        );
    }
}

/// True when `refs` admits an object of type `target` (never a bundle).
pub(crate) fn refs_allow(refs: Refs, target: &str) -> bool {
    // The category is looked up only for the references that need it.
    let category = || registry::category(target);
    target != "bundle"
        && match refs {
            Refs::Any => true,
            Refs::Only(types) => types.contains(&target),
            Refs::Sdo => matches!(category(), None | Some(Kind::Sdo)),
            Refs::Sco => matches!(category(), None | Some(Kind::Sco)),
            Refs::SdoOrSco => matches!(category(), None | Some(Kind::Sdo | Kind::Sco)),
            Refs::ScoOrSro => matches!(category(), None | Some(Kind::Sco | Kind::Sro)),
        }
}

/// What `refs` admits, completing "must reference ...".
pub(crate) fn describe_refs(refs: Refs) -> String {
    match refs {
        Refs::Any => "a STIX object".into(),
        Refs::Only([one]) => format!("an object of type {one}"),
        Refs::Only(types) => format!("an object of type {}", types.join(" or ")),
        Refs::Sdo => "a domain object (SDO)".into(),
        Refs::Sco => "a cyber-observable object (SCO)".into(),
        Refs::SdoOrSco => "a domain object or cyber-observable object".into(),
        Refs::ScoOrSro => "a cyber-observable or relationship object".into(),
    }
}

fn check_list(ctx: &mut Ctx<'_>, item: &Ty, value: &Value<'_>) {
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
        ctx.at_index(i, |ctx| check_value(ctx, item, v));
    }
}

/// Open vocabulary: a value outside it is allowed but warned about, and it
/// should follow the vocabulary format (lowercase words joined by hyphens).
pub(crate) fn check_open_vocab(ctx: &mut Ctx<'_>, vocab: &Vocab, s: &str) {
    if vocab.contains(s) {
        return;
    }
    ctx.warn(
        vocab.code,
        format!("'{s}' is not a value of the open vocabulary {}", vocab.name),
    );
    if !is_vocab_format(s) {
        ctx.warn(
            code::OPEN_VOCAB_FORMAT,
            format!("'{s}' should be lowercase words separated by hyphens"),
        );
    }
}

fn is_vocab_format(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Dictionary: non-empty, keys of ASCII letters, digits, `-` and `_`, at most
/// 250 characters (STIX 2.1 §2.7).
pub(crate) fn check_dictionary(ctx: &mut Ctx<'_>, value: &Value<'_>, item: &Ty) -> bool {
    let Some(obj) = value.as_object() else {
        wrong_type(ctx, value, "a dictionary (JSON object)");
        return false;
    };
    if obj.is_empty() {
        ctx.error(
            code::EMPTY,
            "must not be an empty dictionary (omit the property instead)",
        );
        return false;
    }
    for (k, v) in obj.iter() {
        ctx.at_key(k, |ctx| {
            if !is_dictionary_key(k) {
                ctx.error(
                    code::DICTIONARY_KEY,
                    "dictionary keys must be 1 to 250 ASCII letters, digits, '-' or '_'",
                );
            }
            check_value(ctx, item, v);
        });
    }
    true
}

pub(crate) fn is_dictionary_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 250
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Checks an embedded type: known properties, required ones, custom ones,
/// then the type's own rules.
pub(crate) fn check_struct(ctx: &mut Ctx<'_>, def: &Def, obj: &Object<'_>) {
    // As in `check_members`: when every required property matched a
    // (unique) member, none is missing.
    let mut required_present = 0;
    for (name, value) in obj.iter() {
        match def.prop(name) {
            Some(prop) => {
                required_present += usize::from(prop.required);
                ctx.at_key(name, |ctx| check_value(ctx, &prop.ty, value));
            }
            None => common::custom_property(ctx, name, value, def.name),
        }
    }
    if required_present < def.props.iter().filter(|p| p.required).count() {
        require_props(ctx, def, obj);
    }
    if let Some(rules) = def.rules {
        rules(ctx, obj);
    }
}

/// Reports every required property of `def` missing from `obj`.
pub(crate) fn require_props(ctx: &mut Ctx<'_>, def: &Def, obj: &Object<'_>) {
    for prop in def.props.iter().filter(|p| p.required) {
        if !obj.contains_key(prop.name) {
            ctx.error_at(
                prop.name,
                code::REQUIRED,
                format!("is required ({})", def.name),
            );
        }
    }
}

/// True when every character of `s` is a hexadecimal digit (either case).
///
/// Hash values are long runs of hex digits in every file, hash and
/// certificate: checking them without an early exit, in arithmetic rather
/// than branches, lets the compiler check many bytes at once.
pub(crate) fn all_hex_digits(s: &str) -> bool {
    s.bytes().fold(true, |all, b| {
        all & ((b.wrapping_sub(b'0') < 10) | ((b | 0x20).wrapping_sub(b'a') < 6))
    })
}

/// RFC 4648 base64 with padding, as the specification's `binary` type.
pub(crate) fn is_base64(s: &str) -> bool {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return false;
    }
    let pad = b.iter().rev().take_while(|&&c| c == b'=').count();
    if pad > 2 {
        return false;
    }
    b[..b.len() - pad]
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
}
