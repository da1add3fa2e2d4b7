//! Generators of valid STIX 2.1 objects.
//!
//! Every generator yields a [`Gen`]: the object as a JSON [`Value`] plus
//! what the properties need to know about it (its kind, the properties a
//! mutation may drop, the custom keys that are not STIX lists). Objects are
//! assembled from [`Members`] strategies, one per property or per group of
//! properties that constrain each other (`created`/`modified`, an ordered
//! `first_seen`/`last_seen`, an artifact's `payload_bin` *or* `url`), so
//! that each type's generator reads like its table in the specification.
//!
//! The generators are built independently of the validator's tables: the
//! vocabularies, syntaxes and ID contributing properties here are written
//! from the specification, so a disagreement shows up as a failing property
//! instead of being copied from one side to the other.

mod common;
pub mod leaf;
mod meta;
mod pattern;
mod sco;
mod sco_file;
mod sco_host;
mod sdo;
mod sro;
mod syntax;
pub mod time;
mod vocab;

use std::fmt;

use liaison_stix::Uuid;
use liaison_stix::json::{Object, Value};
use liaison_stix::scoid::deterministic_uuid;
use proptest::prelude::*;
use proptest::strategy::Union;

use leaf::{V, json_value, uuid4};

/// One member of an object under construction.
pub type Member = (String, V);

/// A strategy for zero or more members of an object.
pub type Members = BoxedStrategy<Vec<Member>>;

/// The families of objects, which decide the common properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sdo,
    Sro,
    Sco,
    LanguageContent,
    MarkingDefinition,
    ExtensionDefinition,
}

impl Kind {
    /// True when objects of this kind carry `modified` (and so the
    /// "modified before created" mutation applies).
    pub fn has_modified(self) -> bool {
        matches!(
            self,
            Kind::Sdo | Kind::Sro | Kind::LanguageContent | Kind::ExtensionDefinition
        )
    }

    /// True when objects of this kind may carry `confidence`.
    pub fn has_confidence(self) -> bool {
        matches!(self, Kind::Sdo | Kind::Sro | Kind::LanguageContent)
    }
}

/// A generated object and what the properties need to know about it.
#[derive(Clone)]
pub struct Gen {
    pub value: V,
    pub type_name: &'static str,
    pub kind: Kind,
    /// Top-level properties that MUST be present (table-required ones, not
    /// "at least one of" groups).
    pub required: Vec<&'static str>,
    /// Top-level keys holding custom content (custom properties, top-level
    /// extension properties): their arrays are not STIX lists.
    pub custom: Vec<String>,
}

impl Gen {
    pub fn object(&self) -> &Object<'static> {
        self.value.as_object().expect("generators build objects")
    }

    /// Top-level STIX lists present (every one of them MUST be non-empty).
    pub fn lists(&self) -> Vec<String> {
        self.object()
            .iter()
            .filter(|(k, v)| v.as_array().is_some() && !self.custom.iter().any(|c| c == k))
            .map(|(k, _)| k.to_owned())
            .collect()
    }
}

/// Failing cases print as JSON, which is what one needs to reproduce them.
impl fmt::Debug for Gen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.type_name, self.value.to_json_string())
    }
}

/// A required property.
pub fn req(name: &'static str, s: impl Strategy<Value = V> + 'static) -> Members {
    s.prop_map(move |v| vec![(name.to_owned(), v)]).boxed()
}

/// An optional property, present about half the time.
pub fn opt(name: &'static str, s: impl Strategy<Value = V> + 'static) -> Members {
    proptest::option::of(s)
        .prop_map(move |v| v.map(|v| (name.to_owned(), v)).into_iter().collect())
        .boxed()
}

/// All the members of several groups, in order.
pub fn all(parts: Vec<Members>) -> Members {
    parts
        .prop_map(|groups| groups.into_iter().flatten().collect())
        .boxed()
}

/// `parts`, or `fallback` when none of them came out present: for the
/// "at least one of these properties MUST be present" rules.
pub fn at_least_one(parts: Vec<Members>, fallback: Members) -> Members {
    (all(parts), fallback)
        .prop_map(|(m, f)| if m.is_empty() { f } else { m })
        .boxed()
}

/// A constant member.
pub fn fixed(name: &'static str, value: V) -> Members {
    Just(vec![(name.to_owned(), value)]).boxed()
}

/// Builds a JSON object from members (later duplicates replace earlier).
pub fn obj(members: Vec<Member>) -> V {
    let mut o = Object::new();
    for (k, v) in members {
        o.insert(k, v);
    }
    Value::Object(o)
}

/// How an object type is generated.
pub struct Spec {
    pub type_name: &'static str,
    pub kind: Kind,
    /// The table-required type-specific properties.
    pub required: &'static [&'static str],
    /// For SCOs: the ID contributing properties of the specification (§6).
    pub id_contributing: &'static [&'static str],
    pub members: Members,
}

/// SplitMix64: the small deterministic generator behind the layout choices
/// (member order, selectors) that would gain nothing from shrinking.
pub struct Mix(pub u64);

impl Mix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Builds the generator of one object type: the common properties of its
/// kind, its own members, custom properties, the id (deterministic for
/// SCOs with contributing properties), granular markings whose selectors
/// resolve, and sometimes a shuffled member order.
pub fn build(spec: Spec) -> BoxedStrategy<Gen> {
    let Spec {
        type_name,
        kind,
        required: own_required,
        id_contributing,
        members,
    } = spec;
    (
        common_members(kind),
        members,
        customs(kind),
        uuid4(),
        common::granular_markings_seed(),
        any::<u64>(),
    )
        .prop_map(
            move |(common, own, (custom, custom_keys), uuid, granular, layout)| {
                let mut members: Vec<Member> = vec![("type".into(), leaf::s(type_name))];
                members.extend(common);
                members.extend(own);
                for (key, value) in custom {
                    merge_member(&mut members, key, value);
                }
                let id = object_id(type_name, kind, id_contributing, &members, uuid);
                members.insert(1, ("id".into(), leaf::s(id)));
                let mut mix = Mix(layout);
                if let Some(markings) = granular {
                    let value = markings.value(&members, &mut mix);
                    members.push(("granular_markings".into(), value));
                }
                // Half the objects keep the conventional order, the others
                // are shuffled: order must survive serialisation either way.
                if mix.below(2) == 1 {
                    for i in (1..members.len()).rev() {
                        members.swap(i, mix.below(i + 1));
                    }
                }
                let mut required: Vec<&'static str> = vec!["type", "id"];
                required.extend(common_required(kind));
                required.extend(own_required);
                Gen {
                    value: obj(members),
                    type_name,
                    kind,
                    required,
                    custom: custom_keys,
                }
            },
        )
        .boxed()
}

/// Adds a member; a second `extensions` (a type's predefined extension
/// and a generated extension-definition one) is merged into the first.
fn merge_member(members: &mut Vec<Member>, key: String, value: V) {
    if let Some((_, existing)) = members.iter_mut().find(|(k, _)| *k == key) {
        if let (V::Object(into), V::Object(from)) = (existing, value) {
            for (k, v) in from.iter() {
                into.insert(k.to_owned(), v.clone());
            }
        }
        return;
    }
    members.push((key, value));
}

/// The id: for an SCO with ID contributing properties present, the UUIDv5
/// the specification prescribes (computed by the library, whose reference
/// vectors are unit-tested); otherwise a random UUIDv4.
fn object_id(
    type_name: &str,
    kind: Kind,
    contributing: &[&str],
    members: &[Member],
    uuid: Uuid,
) -> String {
    if kind == Kind::Sco {
        let mut object = Object::new();
        for (k, v) in members {
            object.insert(k.clone(), v.clone());
        }
        if let Some(Ok(v5)) = deterministic_uuid(&object, contributing) {
            return format!("{type_name}--{v5}");
        }
    }
    format!("{type_name}--{uuid}")
}

/// The common properties every object of `kind` MUST have.
fn common_required(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Sdo | Kind::Sro | Kind::LanguageContent => &["spec_version", "created", "modified"],
        Kind::MarkingDefinition => &["spec_version", "created"],
        Kind::ExtensionDefinition => &["spec_version", "created", "modified", "created_by_ref"],
        Kind::Sco => &[],
    }
}

/// The common properties (STIX 2.1 §3.2) of each kind.
fn common_members(kind: Kind) -> Members {
    use common::*;
    use leaf::*;
    use time::*;
    let spec_version = fixed("spec_version", s("2.1"));
    let created_modified = ts_pair(3, false)
        .prop_map(|(c, m)| {
            vec![
                ("created".into(), c.value()),
                ("modified".into(), m.value()),
            ]
        })
        .boxed();
    let created_by_ref = opt("created_by_ref", ref_of(&["identity"]));
    let revoked = opt("revoked", any::<bool>().prop_map(V::Bool));
    let labels = opt("labels", list(text_v(), 1..4));
    let confidence = opt("confidence", int_v(0i64..=100));
    let external_references = opt("external_references", list(external_reference(), 1..3));
    let object_marking_refs = opt(
        "object_marking_refs",
        list(ref_of(&["marking-definition"]), 1..3),
    );
    match kind {
        Kind::Sdo | Kind::Sro => all(vec![
            spec_version,
            created_by_ref,
            created_modified,
            revoked,
            labels,
            confidence,
            opt("lang", language_tag_v()),
            external_references,
            object_marking_refs,
        ]),
        Kind::LanguageContent => all(vec![
            spec_version,
            created_by_ref,
            created_modified,
            revoked,
            labels,
            confidence,
            external_references,
            object_marking_refs,
        ]),
        Kind::MarkingDefinition => all(vec![
            spec_version,
            created_by_ref,
            req("created", ts(3, 9).prop_map(|t| t.value())),
            external_references,
            object_marking_refs,
        ]),
        Kind::ExtensionDefinition => all(vec![
            spec_version,
            req("created_by_ref", ref_of(&["identity"])),
            created_modified,
            revoked,
            labels,
            external_references,
            object_marking_refs,
        ]),
        Kind::Sco => all(vec![
            opt("spec_version", Just(s("2.1"))),
            opt("defanged", any::<bool>().prop_map(V::Bool)),
            object_marking_refs,
        ]),
    }
}

/// Custom content: `x_` properties with arbitrary JSON values (nested
/// objects and arrays, floats, big integers, exponents) and, for objects
/// that may carry `extensions`, extensions defined by an
/// extension-definition, property or top-level. Returns the members and
/// the top-level keys that hold custom content.
fn customs(kind: Kind) -> BoxedStrategy<(Vec<Member>, Vec<String>)> {
    // Property names may have up to 250 characters (§3.1).
    let name = prop_oneof![8 => "x_[a-z0-9_]{1,12}", 1 => "x_[a-z0-9_]{240,248}"];
    let names = proptest::collection::vec((name, json_value()), 0..3);
    let extensions = match kind {
        // Extension definitions and marking definitions stay without
        // extensions: the first have no such property, the second would
        // need the extension to stand in for definition_type.
        Kind::ExtensionDefinition | Kind::MarkingDefinition => Just(None).boxed(),
        _ => proptest::option::weighted(0.3, common::defined_extensions()).boxed(),
    };
    (names, extensions)
        .prop_map(|(props, ext)| {
            let mut members: Vec<Member> = Vec::new();
            let mut keys: Vec<String> = Vec::new();
            for (name, value) in props {
                if !keys.contains(&name) {
                    keys.push(name.clone());
                    members.push((name, value));
                }
            }
            if let Some((extensions, toplevel)) = ext {
                members.push(("extensions".into(), extensions));
                for (name, value) in toplevel {
                    if !keys.contains(&name) {
                        keys.push(name.clone());
                        members.push((name, value));
                    }
                }
            }
            (members, keys)
        })
        .boxed()
}

/// Every type's generator, by type name.
pub fn registry() -> Vec<(&'static str, BoxedStrategy<Gen>)> {
    sdo::specs()
        .into_iter()
        .chain(sro::specs())
        .chain(sco::specs())
        .chain(sco_file::specs())
        .chain(sco_host::specs())
        .chain(meta::specs())
        .map(|spec| (spec.type_name, build(spec)))
        .collect()
}

/// Any object of any type.
pub fn any_object() -> BoxedStrategy<Gen> {
    Union::new(registry().into_iter().map(|(_, s)| s)).boxed()
}
