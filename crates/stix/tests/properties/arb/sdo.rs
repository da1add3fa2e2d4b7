//! Generators of the 19 STIX Domain Objects (STIX 2.1 §4), each written
//! from its properties table, with the rules between properties (ordered
//! timestamps, "at least one of", "name when is_family") built in.

use proptest::prelude::*;
use proptest::sample::select;

use super::common::*;
use super::leaf::*;
use super::syntax::*;
use super::time::*;
use super::vocab::*;
use super::{Kind, Members, Spec, all, at_least_one, fixed, obj, opt, req};

fn strings() -> BoxedStrategy<V> {
    list(text_v(), 1..4)
}

fn sdo(type_name: &'static str, required: &'static [&'static str], members: Vec<Members>) -> Spec {
    Spec {
        type_name,
        kind: Kind::Sdo,
        required,
        id_contributing: &[],
        members: all(members),
    }
}

/// Every SDO generator.
pub fn specs() -> Vec<Spec> {
    vec![
        sdo(
            "attack-pattern",
            &["name"],
            vec![
                req("name", text_v()),
                opt("description", text_v()),
                opt("aliases", strings()),
                opt("kill_chain_phases", kill_chain_phases()),
            ],
        ),
        sdo(
            "campaign",
            &["name"],
            vec![
                req("name", text_v()),
                opt("description", text_v()),
                opt("aliases", strings()),
                ts_pair_opt("first_seen", "last_seen", false),
                opt("objective", text_v()),
            ],
        ),
        sdo(
            "course-of-action",
            &["name"],
            vec![req("name", text_v()), opt("description", text_v())],
        ),
        sdo(
            "grouping",
            &["context", "object_refs"],
            vec![
                opt("name", text_v()),
                opt("description", text_v()),
                req("context", ov(GROUPING_CONTEXT)),
                req("object_refs", list(any_ref(), 1..5)),
            ],
        ),
        sdo(
            "identity",
            &["name"],
            vec![
                req("name", text_v()),
                opt("description", text_v()),
                opt("roles", strings()),
                opt("identity_class", ov(IDENTITY_CLASS)),
                opt("sectors", ov_list(SECTOR)),
                opt("contact_information", text_v()),
            ],
        ),
        sdo(
            "incident",
            &["name"],
            vec![req("name", text_v()), opt("description", text_v())],
        ),
        indicator(),
        sdo(
            "infrastructure",
            &["name"],
            vec![
                req("name", text_v()),
                opt("description", text_v()),
                opt("infrastructure_types", ov_list(INFRASTRUCTURE_TYPE)),
                opt("aliases", strings()),
                opt("kill_chain_phases", kill_chain_phases()),
                ts_pair_opt("first_seen", "last_seen", false),
            ],
        ),
        sdo(
            "intrusion-set",
            &["name"],
            vec![
                req("name", text_v()),
                opt("description", text_v()),
                opt("aliases", strings()),
                ts_pair_opt("first_seen", "last_seen", false),
                opt("goals", strings()),
                opt("resource_level", ov(RESOURCE_LEVEL)),
                opt("primary_motivation", ov(MOTIVATION)),
                opt("secondary_motivations", ov_list(MOTIVATION)),
            ],
        ),
        location(),
        malware(),
        malware_analysis(),
        sdo(
            "note",
            &["content", "object_refs"],
            vec![
                opt("abstract", text_v()),
                req("content", text_v()),
                opt("authors", strings()),
                req("object_refs", list(any_ref(), 1..4)),
            ],
        ),
        observed_data(),
        sdo(
            "opinion",
            &["opinion", "object_refs"],
            vec![
                opt("explanation", text_v()),
                opt("authors", strings()),
                req("opinion", enum_of(OPINION)),
                req("object_refs", list(any_ref(), 1..4)),
            ],
        ),
        sdo(
            "report",
            &["name", "published", "object_refs"],
            vec![
                req("name", text_v()),
                opt("description", text_v()),
                opt("report_types", ov_list(REPORT_TYPE)),
                req("published", ts(0, 9).prop_map(|t| t.value())),
                req("object_refs", list(any_ref(), 1..5)),
            ],
        ),
        sdo(
            "threat-actor",
            &["name"],
            vec![
                req("name", text_v()),
                opt("description", text_v()),
                opt("threat_actor_types", ov_list(THREAT_ACTOR_TYPE)),
                opt("aliases", strings()),
                ts_pair_opt("first_seen", "last_seen", false),
                opt("roles", ov_list(THREAT_ACTOR_ROLE)),
                opt("goals", strings()),
                opt("sophistication", ov(SOPHISTICATION)),
                opt("resource_level", ov(RESOURCE_LEVEL)),
                opt("primary_motivation", ov(MOTIVATION)),
                opt("secondary_motivations", ov_list(MOTIVATION)),
                opt("personal_motivations", ov_list(MOTIVATION)),
            ],
        ),
        sdo(
            "tool",
            &["name"],
            vec![
                req("name", text_v()),
                opt("description", text_v()),
                opt("tool_types", ov_list(TOOL_TYPE)),
                opt("aliases", strings()),
                opt("kill_chain_phases", kill_chain_phases()),
                opt("tool_version", text_v()),
            ],
        ),
        sdo(
            "vulnerability",
            &["name"],
            vec![req("name", text_v()), opt("description", text_v())],
        ),
    ]
}

/// `indicator` (§4.7): a STIX pattern built from generated comparisons
/// most of the time, otherwise another pattern language (free text, not
/// ours to judge) or a pattern type outside the vocabulary.
fn indicator() -> Spec {
    let stix = super::pattern::pattern().prop_map(|p| {
        vec![
            ("pattern".to_owned(), s(p)),
            ("pattern_type".to_owned(), s("stix")),
            ("pattern_version".to_owned(), s("2.1")),
        ]
    });
    let other = (
        prop_oneof![
            select(vec!["pcre", "sigma", "snort", "suricata", "yara"]).prop_map(String::from),
            "x-[a-z]{1,8}",
        ],
        text(),
        proptest::option::of(text()),
    )
        .prop_map(|(kind, pattern, version)| {
            let mut m = vec![
                ("pattern".to_owned(), s(pattern)),
                ("pattern_type".to_owned(), s(kind)),
            ];
            m.extend(version.map(|v| ("pattern_version".to_owned(), s(v))));
            m
        });
    let valid = (ts_pair(0, true), any::<bool>()).prop_map(|((from, until), with_until)| {
        let mut m = vec![("valid_from".to_owned(), from.value())];
        if with_until {
            m.push(("valid_until".to_owned(), until.value()));
        }
        m
    });
    sdo(
        "indicator",
        &["pattern", "pattern_type", "valid_from"],
        vec![
            opt("name", text_v()),
            opt("description", text_v()),
            opt("indicator_types", ov_list(INDICATOR_TYPE)),
            prop_oneof![4 => stix, 1 => other].boxed(),
            valid.boxed(),
            opt("kill_chain_phases", kill_chain_phases()),
        ],
    )
}

/// Latitudes as written in the wild: integers, decimals, exponents.
fn latitude() -> BoxedStrategy<V> {
    prop_oneof![
        (-90i64..=90).prop_map(|n| n.to_string()),
        "-?[1-8]?[0-9]\\.[0-9]{1,8}",
        "-?[1-8]\\.[0-9]{1,6}[eE]\\+?1",
        "-?[1-9]\\.[0-9]{1,4}e-[1-3]",
        select(vec!["90.0", "-90", "9e1", "-9E+1", "-0.0", "0"]).prop_map(String::from),
    ]
    .prop_map(|t| num(&t))
    .boxed()
}

fn longitude() -> BoxedStrategy<V> {
    prop_oneof![
        (-180i64..=180).prop_map(|n| n.to_string()),
        "-?(1[0-7][0-9]|[1-9]?[0-9])\\.[0-9]{1,8}",
        "-?1\\.[0-7][0-9]{0,5}[eE]2",
        select(vec!["180.000", "-180", "1.8e2", "-0"]).prop_map(String::from),
    ]
    .prop_map(|t| num(&t))
    .boxed()
}

/// `location` (§4.10): at least one of region, country, or latitude with
/// longitude; precision only with both coordinates.
fn location() -> Spec {
    let country = select(vec![
        "DE", "US", "th", "us", "FR", "GB", "JP", "BR", "ng", "Ch",
    ])
    .prop_map(s);
    let area = select(vec!["US-DC", "FR-75", "GB-ENG", "DE-BY", "us-ny"]).prop_map(s);
    let coordinates =
        proptest::option::of((latitude(), longitude(), proptest::option::of(number_text())));
    let place = (
        proptest::option::of(ov(REGION)),
        proptest::option::of(country),
        coordinates,
    )
        .prop_map(|(region, country, coordinates)| {
            let mut m = Vec::new();
            let none = region.is_none() && country.is_none() && coordinates.is_none();
            m.extend(region.map(|r| ("region".to_owned(), r)));
            m.extend(country.map(|c| ("country".to_owned(), c)));
            if let Some((lat, long, precision)) = coordinates {
                m.push(("latitude".to_owned(), lat));
                m.push(("longitude".to_owned(), long));
                m.extend(precision.map(|p| ("precision".to_owned(), num(&p))));
            }
            if none {
                m.push(("region".to_owned(), s("europe")));
            }
            m
        });
    sdo(
        "location",
        &[],
        vec![
            opt("name", text_v()),
            opt("description", text_v()),
            place.boxed(),
            opt("administrative_area", area),
            opt("city", text_v()),
            opt("street_address", text_v()),
            opt("postal_code", text_v()),
        ],
    )
}

/// `malware` (§4.11): a family MUST have a name.
fn malware() -> Spec {
    let family = (any::<bool>(), proptest::option::of(text_v())).prop_map(|(is_family, name)| {
        let mut m = vec![("is_family".to_owned(), V::Bool(is_family))];
        match (is_family, name) {
            (_, Some(name)) => m.push(("name".to_owned(), name)),
            (true, None) => m.push(("name".to_owned(), s("Poison Ivy"))),
            (false, None) => {}
        }
        m
    });
    sdo(
        "malware",
        &["is_family"],
        vec![
            family.boxed(),
            opt("description", text_v()),
            opt("malware_types", ov_list(MALWARE_TYPE)),
            opt("aliases", strings()),
            opt("kill_chain_phases", kill_chain_phases()),
            ts_pair_opt("first_seen", "last_seen", false),
            opt("operating_system_refs", refs_of(&["software"])),
            opt("architecture_execution_envs", ov_list(ARCHITECTURE)),
            opt("implementation_languages", ov_list(IMPLEMENTATION_LANGUAGE)),
            opt("capabilities", ov_list(MALWARE_CAPABILITIES)),
            opt("sample_refs", refs_of(&["file", "artifact"])),
        ],
    )
}

/// `malware-analysis` (§4.12): result or analysis_sco_refs (or both).
fn malware_analysis() -> Spec {
    let product = prop_oneof![4 => re("[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,2}"), 1 => text_v()];
    let outcome = at_least_one(
        vec![
            opt("result", ov(MALWARE_RESULT)),
            opt("analysis_sco_refs", refs_of(super::leaf::SCO_TYPES)),
        ],
        fixed("result", s("malicious")),
    );
    let times = (ts(0, 9), ts(0, 9), ts(0, 9), any::<u8>()).prop_map(|(a, b, c, present)| {
        let mut sorted = [a, b, c];
        sorted.sort();
        ["submitted", "analysis_started", "analysis_ended"]
            .iter()
            .zip(sorted)
            .enumerate()
            .filter(|(i, _)| present & (1 << i) != 0)
            .map(|(_, (k, t))| ((*k).to_owned(), t.value()))
            .collect::<Vec<_>>()
    });
    sdo(
        "malware-analysis",
        &["product"],
        vec![
            req("product", product),
            opt("version", text_v()),
            opt("host_vm_ref", ref_of(&["software"])),
            opt("operating_system_ref", ref_of(&["software"])),
            opt("installed_software_refs", refs_of(&["software"])),
            opt("configuration_version", text_v()),
            opt("modules", strings()),
            opt("analysis_engine_version", text_v()),
            opt("analysis_definition_version", text_v()),
            times.boxed(),
            opt("result_name", text_v()),
            outcome,
            opt(
                "sample_ref",
                ref_of(&["file", "network-traffic", "artifact"]),
            ),
        ],
    )
}

/// The deprecated observable container (§2.13, STIX 2.0 style): objects
/// without ids under keys "0", "1", ..., related through references to
/// the keys, as they must be (unrelated observations need separate
/// observed-data objects).
fn container() -> BoxedStrategy<V> {
    let address = ipv4().prop_map(|a| {
        obj(vec![
            ("type".into(), s("ipv4-addr")),
            ("value".into(), s(a)),
        ])
    });
    let flow = (select(vec!["tcp", "udp"]), 1i64..65536).prop_map(|(p, port)| {
        obj(vec![
            ("type".into(), s("network-traffic")),
            ("src_ref".into(), s("0")),
            ("dst_port".into(), V::from(port)),
            ("protocols".into(), V::Array(vec![s("ipv4"), s(p)])),
        ])
    });
    let domain = domain_name().prop_map(|d| {
        obj(vec![
            ("type".into(), s("domain-name")),
            ("value".into(), s(d)),
            ("resolves_to_refs".into(), V::Array(vec![s("0")])),
        ])
    });
    (
        address,
        proptest::option::of(flow),
        proptest::option::of(domain),
    )
        .prop_map(|(address, flow, domain)| {
            let mut members = vec![("0".to_owned(), address)];
            for value in [flow, domain].into_iter().flatten() {
                members.push((members.len().to_string(), value));
            }
            obj(members)
        })
        .boxed()
}

/// `observed-data` (§4.14): object_refs with at least one SCO (custom
/// observables count), possibly relationships between them too; or,
/// now and then, the deprecated container instead.
fn observed_data() -> Spec {
    let refs = (
        proptest::collection::vec(ref_of(super::leaf::SCO_TYPES), 1..4),
        proptest::collection::vec(ref_of(&["relationship"]), 0..2),
        proptest::option::of(ref_of(CUSTOM_TYPES)),
    )
        .prop_map(|(mut scos, sros, custom)| {
            scos.extend(sros);
            scos.extend(custom);
            V::Array(scos)
        });
    let observed = ts_pair(0, false).prop_map(|(first, last)| {
        vec![
            ("first_observed".to_owned(), first.value()),
            ("last_observed".to_owned(), last.value()),
        ]
    });
    sdo(
        "observed-data",
        &["first_observed", "last_observed", "number_observed"],
        vec![
            observed.boxed(),
            req(
                "number_observed",
                int_v(prop_oneof![1i64..=999_999_999, Just(1), Just(999_999_999)]),
            ),
            prop_oneof![
                6 => refs.prop_map(|r| vec![("object_refs".to_owned(), r)]),
                1 => container().prop_map(|c| vec![("objects".to_owned(), c)]),
            ]
            .boxed(),
        ],
    )
}
