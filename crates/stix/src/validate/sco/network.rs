//! Network observables: `domain-name`, `ipv4-addr`, `ipv6-addr`,
//! `mac-addr`, `url` and `network-traffic` (STIX 2.1 §6.4, §6.8–§6.10,
//! §6.12, §6.15) with the network-traffic extensions `http-request-ext`,
//! `icmp-ext`, `socket-ext` and `tcp-ext`.

use crate::json::{Object, Value};
use crate::validate::common::check_order;
use crate::validate::ctx::{Ctx, code};
use crate::validate::types::{Def, Kind, Refs, StrRule, Ty, opt, req};
use crate::validate::vocab;

use super::{INT, NON_NEGATIVE, syntax};

/// `domain-name` (§6.4).
pub(super) static DOMAIN_NAME: Def = Def {
    name: "domain-name",
    kind: Kind::Sco,
    props: &[
        req("value", Ty::Str(&syntax::DOMAIN_NAME)),
        opt(
            "resolves_to_refs",
            Ty::List(&Ty::Ref(Refs::Only(&[
                "ipv4-addr",
                "ipv6-addr",
                "domain-name",
            ]))),
        ),
    ],
    rules: None,
    id_contributing: &["value"],
};

/// `ipv4-addr` (§6.8).
pub(super) static IPV4_ADDR: Def = Def {
    name: "ipv4-addr",
    kind: Kind::Sco,
    props: &[
        req("value", Ty::Str(&syntax::IPV4)),
        opt(
            "resolves_to_refs",
            Ty::List(&Ty::Ref(Refs::Only(&["mac-addr"]))),
        ),
        opt(
            "belongs_to_refs",
            Ty::List(&Ty::Ref(Refs::Only(&["autonomous-system"]))),
        ),
    ],
    rules: None,
    id_contributing: &["value"],
};

/// `ipv6-addr` (§6.9).
pub(super) static IPV6_ADDR: Def = Def {
    name: "ipv6-addr",
    kind: Kind::Sco,
    props: &[
        req("value", Ty::Str(&syntax::IPV6)),
        opt(
            "resolves_to_refs",
            Ty::List(&Ty::Ref(Refs::Only(&["mac-addr"]))),
        ),
        opt(
            "belongs_to_refs",
            Ty::List(&Ty::Ref(Refs::Only(&["autonomous-system"]))),
        ),
    ],
    rules: None,
    id_contributing: &["value"],
};

/// `mac-addr` (§6.10).
pub(super) static MAC_ADDR: Def = Def {
    name: "mac-addr",
    kind: Kind::Sco,
    props: &[req("value", Ty::Str(&syntax::MAC_48))],
    rules: None,
    id_contributing: &["value"],
};

/// `url` (§6.15).
pub(super) static URL: Def = Def {
    name: "url",
    kind: Kind::Sco,
    props: &[req("value", Ty::Str(&syntax::URL))],
    rules: None,
    id_contributing: &["value"],
};

/// Protocol names SHOULD be IANA service names, which are lowercase (the
/// reference validator's `protocols` check).
static PROTOCOL: StrRule = StrRule {
    check: |s| !s.is_empty() && !s.chars().any(|c| c.is_uppercase() || c.is_whitespace()),
    rule: "a lowercase protocol name, as in the IANA Service Name registry (ipv4, tcp, http)",
    code: "protocols",
    warning: true,
};

const PORT: Ty = Ty::Integer { min: 0, max: 65535 };

/// What `src_ref` and `dst_ref` may reference (a domain name "for cases
/// where the IP address for a domain name is unknown").
const ENDPOINT: Ty = Ty::Ref(Refs::Only(&[
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "domain-name",
]));

/// `network-traffic` (§6.12).
pub(super) static NETWORK_TRAFFIC: Def = Def {
    name: "network-traffic",
    kind: Kind::Sco,
    props: &[
        opt("start", Ty::Timestamp),
        opt("end", Ty::Timestamp),
        opt("is_active", Ty::Boolean),
        opt("src_ref", ENDPOINT),
        opt("dst_ref", ENDPOINT),
        opt("src_port", PORT),
        opt("dst_port", PORT),
        req("protocols", Ty::List(&Ty::Str(&PROTOCOL))),
        opt("src_byte_count", NON_NEGATIVE),
        opt("dst_byte_count", NON_NEGATIVE),
        opt("src_packets", NON_NEGATIVE),
        opt("dst_packets", NON_NEGATIVE),
        opt("ipfix", Ty::Dict),
        opt("src_payload_ref", Ty::Ref(Refs::Only(&["artifact"]))),
        opt("dst_payload_ref", Ty::Ref(Refs::Only(&["artifact"]))),
        opt(
            "encapsulates_refs",
            Ty::List(&Ty::Ref(Refs::Only(&["network-traffic"]))),
        ),
        opt(
            "encapsulated_by_ref",
            Ty::Ref(Refs::Only(&["network-traffic"])),
        ),
    ],
    rules: Some(network_traffic_rules),
    id_contributing: &[
        "start",
        "end",
        "src_ref",
        "dst_ref",
        "src_port",
        "dst_port",
        "protocols",
        "extensions",
    ],
};

/// The protocol each protocol extension corresponds to (§6.12.2–§6.12.5),
/// with the secure or IPv6 variant also accepted.
const EXTENSION_PROTOCOLS: &[(&str, &[&str])] = &[
    ("http-request-ext", &["http", "https"]),
    ("icmp-ext", &["icmp", "ipv6-icmp"]),
    ("tcp-ext", &["tcp"]),
];

fn network_traffic_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    if !obj.contains_key("src_ref") && !obj.contains_key("dst_ref") {
        ctx.error(
            code::AT_LEAST_ONE,
            "must have at least one of src_ref, dst_ref (network-traffic)",
        );
    }
    check_order(ctx, obj, "start", "end", false, "network-traffic");
    if obj.get("is_active").and_then(Value::as_bool) == Some(true) && obj.contains_key("end") {
        ctx.error_at(
            "end",
            code::EXCLUSIVE,
            "must not be present when is_active is true (network-traffic)",
        );
    }
    for port in ["src_port", "dst_port"] {
        if !obj.contains_key(port) {
            ctx.warn_at(
                port,
                "network-traffic-ports",
                "should be present: network traffic should have both src_port and dst_port",
            );
        }
    }
    let protocols: Vec<&str> = obj
        .get("protocols")
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let extensions = obj.get("extensions").and_then(Value::as_object);
    for (ext, names) in EXTENSION_PROTOCOLS {
        let used = extensions.is_some_and(|e| e.contains_key(ext));
        if used
            && !protocols.is_empty()
            && !protocols
                .iter()
                .any(|p| names.iter().any(|n| n.eq_ignore_ascii_case(p)))
        {
            ctx.warn_at(
                "protocols",
                "protocols",
                format!("should include '{}' because {ext} is present", names[0]),
            );
        }
    }
    super::int_or_string_values(ctx, obj, "ipfix");
    if let Some(ipfix) = obj.get("ipfix").and_then(Value::as_object) {
        for key in ipfix.keys() {
            let camel = key.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
                && key.bytes().all(|b| b.is_ascii_alphanumeric());
            if !camel {
                ctx.at_key("ipfix", |ctx| {
                    ctx.warn_at(key, "ipfix", "should be an IPFIX information element name (lowerCamelCase, e.g. octetDeltaCount)")
                });
            }
        }
    }
}

/// HTTP request line parts are given "as a lowercase string" (§6.12.2).
static LOWERCASE: StrRule = StrRule {
    check: |s| !s.chars().any(char::is_uppercase),
    rule: "lowercase",
    code: code::FORMAT,
    warning: true,
};

/// `http-request-ext` (§6.12.2).
pub(super) static HTTP_REQUEST_EXT: Def = Def {
    name: "http-request-ext",
    kind: Kind::Extension(&["network-traffic"]),
    props: &[
        req("request_method", Ty::Str(&LOWERCASE)),
        req("request_value", Ty::String),
        opt("request_version", Ty::Str(&LOWERCASE)),
        opt("request_header", Ty::DictOf(&Ty::List(&Ty::String))),
        opt("message_body_length", INT),
        opt("message_body_data_ref", Ty::Ref(Refs::Only(&["artifact"]))),
    ],
    rules: None,
    id_contributing: &[],
};

/// `icmp-ext` (§6.12.3).
pub(super) static ICMP_EXT: Def = Def {
    name: "icmp-ext",
    kind: Kind::Extension(&["network-traffic"]),
    props: &[req("icmp_type_hex", Ty::Hex), req("icmp_code_hex", Ty::Hex)],
    rules: None,
    id_contributing: &[],
};

/// `socket-ext` (§6.12.4).
pub(super) static SOCKET_EXT: Def = Def {
    name: "socket-ext",
    kind: Kind::Extension(&["network-traffic"]),
    props: &[
        req(
            "address_family",
            Ty::Enum(&vocab::NETWORK_SOCKET_ADDRESS_FAMILY),
        ),
        opt("is_blocking", Ty::Boolean),
        opt("is_listening", Ty::Boolean),
        opt("options", Ty::DictOf(&INT)),
        opt("socket_type", Ty::Enum(&vocab::NETWORK_SOCKET_TYPE)),
        opt("socket_descriptor", NON_NEGATIVE),
        opt("socket_handle", INT),
    ],
    rules: Some(socket_rules),
    id_contributing: &[],
};

/// Option-level prefixes of socket option names (`SO_ACCEPTCONN`,
/// `TCP_NODELAY`, ...), as the reference validator's `socket-options` check.
const SOCKET_OPTION_LEVELS: &[&str] = &[
    "SO_", "ICMP_", "ICMP6_", "IP_", "IPV6_", "MCAST_", "TCP_", "IRLMP_",
];

fn socket_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    let Some(options) = obj.get("options").and_then(Value::as_object) else {
        return;
    };
    for key in options.keys() {
        let ok = SOCKET_OPTION_LEVELS
            .iter()
            .any(|p| key.len() > p.len() && key.starts_with(p))
            && key
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            ctx.at_key("options", |ctx| {
                ctx.warn_at(
                    key,
                    "socket-options",
                    "should be a socket option name such as SO_ACCEPTCONN (case preserved)",
                )
            });
        }
    }
}

/// `tcp-ext` (§6.12.5).
pub(super) static TCP_EXT: Def = Def {
    name: "tcp-ext",
    kind: Kind::Extension(&["network-traffic"]),
    props: &[opt("src_flags_hex", Ty::Hex), opt("dst_flags_hex", Ty::Hex)],
    rules: Some(|ctx, obj| super::require_any(ctx, obj, &TCP_EXT, false)),
    id_contributing: &[],
};
