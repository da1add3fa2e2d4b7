//! The embedded types and conventions every kind of object shares:
//! language tags, external references, kill chain phases, granular
//! markings whose selectors resolve, and extensions defined by an
//! extension-definition.

use liaison_stix::json::Value;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::leaf::*;
use super::syntax::*;
use super::{Member, Mix, obj};

/// Letters and digits in random case, of length `n` (`alpha`: letters only).
fn subtag(n: std::ops::RangeInclusive<usize>, alpha: bool) -> BoxedStrategy<String> {
    let chars: &'static str = if alpha { "[a-zA-Z]" } else { "[a-zA-Z0-9]" };
    vec(chars, n).prop_map(|cs| cs.concat()).boxed()
}

/// A well-formed RFC 5646 language tag, built from the ABNF of §2.1:
/// language (with extended language subtags), script, region, variants,
/// extensions with distinct singletons, private use; or a private-use or
/// grandfathered tag. Case is random: tags compare case-insensitively.
pub fn language_tag() -> BoxedStrategy<String> {
    let language = prop_oneof![
        4 => (subtag(2..=3, true), vec(subtag(3..=3, true), 0..=3)).prop_map(|(l, ext)| {
            std::iter::once(l).chain(ext).collect::<Vec<_>>().join("-")
        }),
        1 => subtag(4..=4, true),
        1 => subtag(5..=8, true),
    ];
    let script = proptest::option::of(subtag(4..=4, true));
    let region = proptest::option::of(prop_oneof![subtag(2..=2, true), "[0-9]{3}"]);
    let variant = prop_oneof![
        subtag(5..=8, false),
        ("[0-9]", subtag(3..=3, false)).prop_map(|(d, r)| d + &r)
    ];
    let extension = ("[a-wyzA-WYZ0-9]", vec(subtag(2..=8, false), 1..3));
    let private = proptest::option::of(vec(subtag(1..=8, false), 1..3));
    let langtag = (
        language,
        script,
        region,
        vec(variant, 0..3),
        vec(extension, 0..3),
        private,
    )
        .prop_map(
            |(language, script, region, variants, extensions, private)| {
                let mut parts = vec![language];
                parts.extend(script);
                parts.extend(region);
                parts.extend(variants);
                let mut singletons = Vec::new();
                for (singleton, subtags) in extensions {
                    if !singletons.contains(&singleton.to_ascii_lowercase()) {
                        singletons.push(singleton.to_ascii_lowercase());
                        parts.push(singleton);
                        parts.extend(subtags);
                    }
                }
                if let Some(private) = private {
                    parts.push("x".into());
                    parts.extend(private);
                }
                parts.join("-")
            },
        );
    prop_oneof![
        8 => langtag,
        1 => vec(subtag(1..=8, false), 1..3).prop_map(|p| format!("x-{}", p.join("-"))),
        1 => select(vec!["i-klingon", "en-GB-oed", "zh-min-nan", "art-lojban", "sgn-BE-FR"]).prop_map(String::from),
    ]
    .boxed()
}

pub fn language_tag_v() -> BoxedStrategy<V> {
    language_tag().prop_map(s).boxed()
}

/// `external-reference` (§2.5): CVE and CAPEC references with identifiers
/// of the required form, and free ones with at least one of description,
/// url and external_id.
pub fn external_reference() -> BoxedStrategy<V> {
    let cve = (
        "(199[0-9]|20[0-9]{2})",
        prop_oneof!["[0-9]{4}", "[1-9][0-9]{4,6}"],
    )
        .prop_map(|(y, n)| {
            vec![
                ("source_name".into(), s("cve")),
                ("external_id".into(), s(format!("CVE-{y}-{n}"))),
            ]
        });
    let capec = "[1-9][0-9]{0,3}".prop_map(|n| {
        vec![
            ("source_name".into(), s("capec")),
            ("external_id".into(), s(format!("CAPEC-{n}"))),
        ]
    });
    let free = (
        text(),
        proptest::option::of(text_v()),
        proptest::option::of(url_v()),
        proptest::option::of(text_v()),
    )
        .prop_map(|(name, description, url, external_id)| {
            let mut m: Vec<Member> = vec![("source_name".into(), s(name))];
            let none = description.is_none() && url.is_none() && external_id.is_none();
            m.extend(description.map(|d| ("description".into(), d)));
            m.extend(url.map(|u| ("url".into(), u)));
            m.extend(external_id.map(|e| ("external_id".into(), e)));
            if none {
                m.push(("external_id".into(), s("T1566.001")));
            }
            m
        });
    (
        prop_oneof![1 => cve, 1 => capec, 3 => free],
        proptest::option::of(hashes()),
    )
        .prop_map(|(mut m, hashes)| {
            m.extend(hashes.map(|h| ("hashes".into(), h)));
            obj(m)
        })
        .boxed()
}

/// `kill-chain-phase` (§2.8), names mostly in the SHOULD format.
pub fn kill_chain_phase() -> BoxedStrategy<V> {
    let name = prop_oneof![
        4 => select(vec!["lockheed-martin-cyber-kill-chain", "mitre-attack", "mitre-pre-attack", "acme-chain-2"])
            .prop_map(String::from),
        1 => text(),
    ];
    let phase = prop_oneof![
        4 => select(vec!["reconnaissance", "weaponization", "delivery", "exploitation", "command-and-control"])
            .prop_map(String::from),
        1 => text(),
    ];
    (name, phase)
        .prop_map(|(n, p)| {
            obj(vec![
                ("kill_chain_name".into(), s(n)),
                ("phase_name".into(), s(p)),
            ])
        })
        .boxed()
}

pub fn kill_chain_phases() -> BoxedStrategy<V> {
    list(kill_chain_phase(), 1..3)
}

/// Granular markings to add once the rest of the object is known, because
/// their selectors must point at content that exists.
#[derive(Clone, Debug)]
pub struct Granular(Vec<(Result<V, V>, usize)>);

/// Zero (mostly) or a few granular markings: each a `marking_ref` or a
/// `lang`, with a number of selectors.
pub fn granular_markings_seed() -> BoxedStrategy<Option<Granular>> {
    let marking = (
        prop_oneof![
            ref_of(&["marking-definition"]).prop_map(Ok),
            language_tag_v().prop_map(Err)
        ],
        1usize..4,
    );
    proptest::option::weighted(0.25, vec(marking, 1..3).prop_map(Granular)).boxed()
}

impl Granular {
    /// The `granular_markings` list, with selectors chosen among `members`.
    pub fn value(self, members: &[Member], mix: &mut Mix) -> V {
        let markings = self
            .0
            .into_iter()
            .map(|(marking, selectors)| {
                let selectors = (0..selectors).map(|_| s(selector(members, mix))).collect();
                let (key, value) = match marking {
                    Ok(r) => ("marking_ref", r),
                    Err(lang) => ("lang", lang),
                };
                obj(vec![
                    ("selectors".into(), V::Array(selectors)),
                    (key.into(), value),
                ])
            })
            .collect();
        V::Array(markings)
    }
}

/// A selector (§7.2.3.1) that resolves in the object: a property, an
/// index into a list, or a member of an embedded object, a few levels deep.
fn selector(members: &[Member], mix: &mut Mix) -> String {
    let (key, mut value) = {
        let (k, v) = &members[mix.below(members.len())];
        (k.clone(), v)
    };
    let mut path = key;
    for _ in 0..3 {
        if mix.below(2) == 0 {
            break;
        }
        match value {
            Value::Array(items) if !items.is_empty() => {
                let i = mix.below(items.len());
                path.push_str(&format!(".[{i}]"));
                value = &items[i];
            }
            Value::Object(o) if !o.is_empty() => {
                // A key with a dot or starting with '[' cannot be selected.
                let keys: Vec<&str> = o
                    .keys()
                    .filter(|k| !k.is_empty() && !k.contains('.') && !k.starts_with('['))
                    .collect();
                if keys.is_empty() {
                    break;
                }
                let k = keys[mix.below(keys.len())];
                path.push('.');
                path.push_str(k);
                value = o.get(k).expect("key listed");
            }
            _ => break,
        }
    }
    path
}

/// Extensions defined by an extension-definition (§7.3): a property
/// extension with its properties inside, or a top-level property extension
/// whose properties sit at the top level of the object. Returns the
/// `extensions` value and the top-level members.
pub fn defined_extensions() -> BoxedStrategy<(V, Vec<Member>)> {
    let props = vec(("[a-z][a-z0-9_]{2,12}", json_value()), 0..3);
    let property = (uuid4(), props.clone()).prop_map(|(u, props)| {
        let mut m: Vec<Member> = vec![("extension_type".into(), s("property-extension"))];
        m.extend(props);
        let key = format!("extension-definition--{u}");
        (obj(vec![(key, obj(m))]), Vec::new())
    });
    // "acme_" keeps top-level extension properties clear of the names the
    // specification defines and reserves.
    let toplevel =
        (uuid4(), vec(("acme_[a-z0-9_]{1,10}", json_value()), 1..3)).prop_map(|(u, props)| {
            let key = format!("extension-definition--{u}");
            let ext = obj(vec![(
                "extension_type".into(),
                s("toplevel-property-extension"),
            )]);
            (obj(vec![(key, ext)]), props)
        });
    prop_oneof![property, toplevel].boxed()
}
