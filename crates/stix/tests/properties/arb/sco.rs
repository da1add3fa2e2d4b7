//! Generators of the network and email cyber-observables (STIX 2.1 §6.4,
//! §6.5, §6.6, §6.8–§6.10, §6.12, §6.15) and the network-traffic extensions.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::leaf::*;
use super::syntax::*;
use super::time::*;
use super::{Kind, Members, Spec, all, at_least_one, fixed, obj, opt, req};

/// An SCO generator with its ID contributing properties (§6, each type's
/// "ID Contributing Properties").
pub fn sco(
    type_name: &'static str,
    required: &'static [&'static str],
    id_contributing: &'static [&'static str],
    members: Vec<Members>,
) -> Spec {
    Spec {
        type_name,
        kind: Kind::Sco,
        required,
        id_contributing,
        members: all(members),
    }
}

/// Both addresses' generators and the other single-value observables.
pub fn specs() -> Vec<Spec> {
    vec![
        sco(
            "ipv4-addr",
            &["value"],
            &["value"],
            vec![
                req("value", ipv4_cidr().prop_map(s)),
                opt("resolves_to_refs", refs_of(&["mac-addr"])),
                opt("belongs_to_refs", refs_of(&["autonomous-system"])),
            ],
        ),
        sco(
            "ipv6-addr",
            &["value"],
            &["value"],
            vec![
                req("value", ipv6_cidr().prop_map(s)),
                opt("resolves_to_refs", refs_of(&["mac-addr"])),
                opt("belongs_to_refs", refs_of(&["autonomous-system"])),
            ],
        ),
        sco(
            "domain-name",
            &["value"],
            &["value"],
            vec![
                req("value", domain_name().prop_map(s)),
                opt(
                    "resolves_to_refs",
                    refs_of(&["ipv4-addr", "ipv6-addr", "domain-name"]),
                ),
            ],
        ),
        sco("url", &["value"], &["value"], vec![req("value", url_v())]),
        sco(
            "mac-addr",
            &["value"],
            &["value"],
            vec![req("value", mac().prop_map(s))],
        ),
        sco(
            "email-addr",
            &["value"],
            &["value"],
            vec![
                req("value", email_address().prop_map(s)),
                opt("display_name", text_v()),
                opt("belongs_to_ref", ref_of(&["user-account"])),
            ],
        ),
        email_message(),
        network_traffic(),
    ]
}

/// `email-message` (§6.6): a multipart message has body_multipart and no
/// body, a single-part one the other way round.
fn email_message() -> Spec {
    let part = prop_oneof![
        text_v().prop_map(|b| ("body", b)),
        ref_of(&["artifact", "file"]).prop_map(|r| ("body_raw_ref", r)),
    ];
    let mime_part = (
        part,
        proptest::option::of("(text|image|application)/[a-z0-9.+-]{1,12}"),
        proptest::option::of(text()),
    )
        .prop_map(|((k, v), content_type, disposition)| {
            let mut m = vec![(k.to_owned(), v)];
            m.extend(content_type.map(|c| ("content_type".to_owned(), s(c))));
            m.extend(disposition.map(|d| ("content_disposition".to_owned(), s(d))));
            obj(m)
        });
    let body = (
        any::<bool>(),
        proptest::option::of(text_v()),
        proptest::option::of(list(mime_part, 1..3)),
    )
        .prop_map(|(multipart, body, parts)| {
            let mut m = vec![("is_multipart".to_owned(), V::Bool(multipart))];
            match multipart {
                true => m.extend(parts.map(|p| ("body_multipart".to_owned(), p))),
                false => m.extend(body.map(|b| ("body".to_owned(), b))),
            }
            m
        });
    let email_ref = || ref_of(&["email-addr"]);
    let headers = vec(("[A-Za-z][A-Za-z0-9-]{0,20}", list(text_v(), 1..3)), 1..3)
        .prop_map(|h| obj(h.into_iter().collect()));
    sco(
        "email-message",
        &["is_multipart"],
        &["from_ref", "subject", "body"],
        vec![
            body.boxed(),
            opt("date", ts(0, 9).prop_map(|t| t.value())),
            opt("content_type", text_v()),
            opt("from_ref", email_ref()),
            opt("sender_ref", email_ref()),
            opt("to_refs", list(email_ref(), 1..3)),
            opt("cc_refs", list(email_ref(), 1..3)),
            opt("bcc_refs", list(email_ref(), 1..3)),
            opt("message_id", text_v()),
            opt("subject", text_v()),
            opt("received_lines", list(text_v(), 1..3)),
            opt("additional_header_fields", headers),
            opt("raw_email_ref", ref_of(&["artifact"])),
        ],
    )
}

const PROTOCOLS: &[&str] = &[
    "ipv4", "ipv6", "tcp", "udp", "http", "https", "dns", "tls", "ssh", "icmp", "sctp",
];

/// `network-traffic` (§6.12) with its four predefined extensions.
fn network_traffic() -> Spec {
    let endpoint = || ref_of(&["ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"]);
    let endpoints = at_least_one(
        vec![opt("src_ref", endpoint()), opt("dst_ref", endpoint())],
        req("dst_ref", endpoint()),
    );
    // An active flow has no end (§6.12).
    let times = (
        ts_pair(0, false),
        proptest::option::of(any::<bool>()),
        any::<u8>(),
    )
        .prop_map(|((start, end), active, present)| {
            let mut m = Vec::new();
            if present & 1 != 0 {
                m.push(("start".to_owned(), start.value()));
            }
            if present & 2 != 0 && active != Some(true) {
                m.push(("end".to_owned(), end.value()));
            }
            m.extend(active.map(|a| ("is_active".to_owned(), V::Bool(a))));
            m
        });
    let port = || int_v(0i64..=65535);
    let ipfix = vec(
        (
            "[a-z][a-zA-Z0-9]{0,20}",
            prop_oneof![int_v(0i64..1 << 40), text_v()],
        ),
        1..4,
    )
    .prop_map(obj);
    let tcp = at_least_one(
        vec![
            opt("src_flags_hex", hex(1, 4).prop_map(s)),
            opt("dst_flags_hex", hex(1, 4).prop_map(s)),
        ],
        fixed("src_flags_hex", s("00000002")),
    )
    .prop_map(|m| ("tcp-ext", obj(m)));
    let http = all(vec![
        req("request_method", re("(get|post|head|put|options)")),
        req("request_value", text_v()),
        opt("request_version", re("http/1\\.[01]")),
        opt(
            "request_header",
            vec(("[A-Za-z][A-Za-z0-9-]{0,15}", list(text_v(), 1..3)), 1..3).prop_map(obj),
        ),
        opt("message_body_length", int_v(0i64..1 << 32)),
        opt("message_body_data_ref", ref_of(&["artifact"])),
    ])
    .prop_map(|m| ("http-request-ext", obj(m)));
    let icmp = (hex(1, 1), hex(1, 1)).prop_map(|(t, c)| {
        (
            "icmp-ext",
            obj(vec![
                ("icmp_type_hex".into(), s(t)),
                ("icmp_code_hex".into(), s(c)),
            ]),
        )
    });
    let socket = all(vec![
        req(
            "address_family",
            enum_of(&["AF_UNSPEC", "AF_INET", "AF_INET6", "AF_IRDA", "AF_BTH"]),
        ),
        opt("is_blocking", any::<bool>().prop_map(V::Bool)),
        opt("is_listening", any::<bool>().prop_map(V::Bool)),
        opt(
            "options",
            vec(("SO_[A-Z]{3,12}", int_v(-1000i64..1000)), 1..3).prop_map(obj),
        ),
        opt(
            "socket_type",
            enum_of(&[
                "SOCK_STREAM",
                "SOCK_DGRAM",
                "SOCK_RAW",
                "SOCK_RDM",
                "SOCK_SEQPACKET",
            ]),
        ),
        opt("socket_descriptor", int_v(0i64..65536)),
        opt(
            "socket_handle",
            any::<i32>().prop_map(|n| V::from(i64::from(n))),
        ),
    ])
    .prop_map(|m| ("socket-ext", obj(m)));
    let extensions = vec(prop_oneof![tcp, http, icmp, socket], 1..3)
        .prop_map(|exts| obj(exts.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()));
    sco(
        "network-traffic",
        &["protocols"],
        &[
            "start",
            "end",
            "src_ref",
            "dst_ref",
            "src_port",
            "dst_port",
            "protocols",
            "extensions",
        ],
        vec![
            times.boxed(),
            endpoints,
            opt("src_port", port()),
            opt("dst_port", port()),
            req("protocols", list(select(PROTOCOLS).prop_map(s), 1..4)),
            opt("src_byte_count", size()),
            opt("dst_byte_count", size()),
            opt("src_packets", size()),
            opt("dst_packets", size()),
            opt("ipfix", ipfix),
            opt("src_payload_ref", ref_of(&["artifact"])),
            opt("dst_payload_ref", ref_of(&["artifact"])),
            opt("encapsulates_refs", refs_of(&["network-traffic"])),
            opt("encapsulated_by_ref", ref_of(&["network-traffic"])),
            proptest::option::weighted(0.4, extensions)
                .prop_map(|e| {
                    e.map(|e| ("extensions".to_owned(), e))
                        .into_iter()
                        .collect()
                })
                .boxed(),
        ],
    )
}
