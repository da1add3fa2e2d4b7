//! Generators of the two STIX Relationship Objects (STIX 2.1 §5).

use proptest::prelude::*;
use proptest::sample::select;

use super::leaf::*;
use super::time::*;
use super::{Kind, Spec, all, opt, req};

/// Relationships the specification defines (Appendix B), as (source,
/// relationship type, target).
const DEFINED: &[(&str, &str, &str)] = &[
    ("indicator", "indicates", "malware"),
    ("indicator", "based-on", "observed-data"),
    ("malware", "uses", "attack-pattern"),
    ("malware", "communicates-with", "ipv4-addr"),
    ("malware", "drops", "file"),
    ("threat-actor", "located-at", "location"),
    ("intrusion-set", "attributed-to", "threat-actor"),
    ("campaign", "targets", "vulnerability"),
    ("course-of-action", "mitigates", "attack-pattern"),
    ("domain-name", "resolves-to", "ipv4-addr"),
    ("ipv6-addr", "belongs-to", "autonomous-system"),
    ("infrastructure", "consists-of", "url"),
    ("tool", "targets", "identity"),
    ("malware-analysis", "av-analysis-of", "malware"),
];

/// Any SDO or SCO type, or a custom one: what relationships may link.
fn end_type() -> BoxedStrategy<&'static str> {
    prop_oneof![
        4 => select(SDO_TYPES),
        3 => select(SCO_TYPES),
        1 => select(CUSTOM_TYPES),
    ]
    .boxed()
}

/// `relationship_type`, `source_ref` and `target_ref`: a defined
/// relationship, a common one (`related-to`, or `derived-from` and
/// `duplicate-of` between objects of one type), or any well-formed type
/// between any ends (a warning unless one end is custom).
fn ends() -> BoxedStrategy<Vec<(String, V)>> {
    let defined = select(DEFINED).prop_map(|(s, r, t)| (s, r.to_owned(), t));
    let common = (
        end_type(),
        end_type(),
        select(vec!["related-to", "derived-from", "duplicate-of"]),
    )
        .prop_map(|(a, b, r)| {
            if r == "related-to" {
                (a, r.to_owned(), b)
            } else {
                (a, r.to_owned(), a)
            }
        });
    let other = (
        end_type(),
        "[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}",
        end_type(),
    );
    (
        prop_oneof![3 => defined, 2 => common, 1 => other],
        uuid4(),
        uuid4(),
    )
        .prop_map(|((source, rel, target), a, b)| {
            vec![
                ("relationship_type".to_owned(), s(rel)),
                ("source_ref".to_owned(), s(format!("{source}--{a}"))),
                ("target_ref".to_owned(), s(format!("{target}--{b}"))),
            ]
        })
        .boxed()
}

/// Both SRO generators.
pub fn specs() -> Vec<Spec> {
    vec![
        Spec {
            type_name: "relationship",
            kind: Kind::Sro,
            required: &["relationship_type", "source_ref", "target_ref"],
            id_contributing: &[],
            members: all(vec![
                ends(),
                opt("description", text_v()),
                ts_pair_opt("start_time", "stop_time", true),
            ]),
        },
        Spec {
            type_name: "sighting",
            kind: Kind::Sro,
            required: &["sighting_of_ref"],
            id_contributing: &[],
            members: all(vec![
                opt("description", text_v()),
                ts_pair_opt("first_seen", "last_seen", false),
                opt(
                    "count",
                    int_v(prop_oneof![0i64..=999_999_999, Just(0), Just(999_999_999)]),
                ),
                req(
                    "sighting_of_ref",
                    prop_oneof![4 => ref_of(SDO_TYPES), 1 => ref_of(CUSTOM_TYPES)],
                ),
                opt("observed_data_refs", refs_of(&["observed-data"])),
                opt("where_sighted_refs", refs_of(&["identity", "location"])),
                opt("summary", any::<bool>().prop_map(V::Bool)),
            ]),
        },
    ]
}
