//! Valid STIX patterns (STIX 2.1 §9) built from generated comparison
//! expressions: object paths of cyber-observable types (and a custom one),
//! literals of every kind with string literals quoted as the grammar
//! demands (`\'` and `\\`), observation operators and qualifiers.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::leaf::{base64, hex, text};
use super::syntax::{domain_name, ipv4, ipv6, mac};
use super::time::{ts, ts_pair};

/// A string literal: the text with `\` and `'` escaped.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn quoted() -> BoxedStrategy<String> {
    text().prop_map(|t| quote(&t)).boxed()
}

fn int() -> BoxedStrategy<String> {
    prop_oneof![
        (0i64..100_000).prop_map(|n| n.to_string()),
        (-1000i64..0).prop_map(|n| n.to_string())
    ]
    .boxed()
}

fn order() -> BoxedStrategy<&'static str> {
    select(vec![
        "=", "!=", "<", "<=", ">", ">=", "NOT =", "NOT >", "==", "<>",
    ])
    .boxed()
}

/// Regular expressions that are valid PCRE, quoted for the pattern.
fn regex() -> BoxedStrategy<String> {
    select(vec![
        "^evil\\.exe$",
        ".+\\@example\\.com$",
        "(?i)^[a-z]{2,}\\d+$",
        "^C:\\\\Windows\\\\",
        "a|b|c",
    ])
    .prop_map(quote)
    .boxed()
}

fn timestamp() -> BoxedStrategy<String> {
    ts(0, 9).prop_map(|t| format!("t'{}'", t.text())).boxed()
}

/// Comparisons on one object type; `{t}` is the type in the templates.
fn comparisons(object_type: &'static str) -> BoxedStrategy<String> {
    let t = object_type;
    match object_type {
        "file" => prop_oneof![
            quoted().prop_map(|q| format!("file:name = {q}")),
            quoted().prop_map(|q| format!("file:name LIKE {q}")),
            regex().prop_map(|r| format!("file:name MATCHES {r}")),
            (order(), int()).prop_map(|(o, n)| format!("file:size {o} {n}")),
            hex(32, 32).prop_map(|h| format!("file:hashes.'SHA-256' = '{h}'")),
            hex(16, 16).prop_map(|h| format!("file:hashes.MD5 = '{h}'")),
            hex(16, 16).prop_map(|h| format!("file:hashes.MD5 = h'{h}'")),
            (hex(20, 20), hex(20, 20))
                .prop_map(|(a, b)| format!("file:hashes.'SHA-1' IN ('{a}', '{b}')")),
            hex(1, 4).prop_map(|h| format!("file:magic_number_hex = h'{h}'")),
            timestamp().prop_map(|ts| format!("file:ctime > {ts}")),
            quoted().prop_map(|q| format!("file:parent_directory_ref.path = {q}")),
            Just("EXISTS file:name".to_string()),
            Just("file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0".to_string()),
            (quoted(), quoted()).prop_map(|(a, b)| format!("file:name NOT IN ({a}, {b})")),
        ]
        .boxed(),
        "ipv4-addr" => prop_oneof![
            ipv4().prop_map(|a| format!("ipv4-addr:value = '{a}'")),
            (ipv4(), 0u8..=32).prop_map(|(a, p)| format!("ipv4-addr:value ISSUBSET '{a}/{p}'")),
            ipv4().prop_map(|a| format!("ipv4-addr:value NOT ISSUPERSET '{a}'")),
        ]
        .boxed(),
        "ipv6-addr" => prop_oneof![
            ipv6().prop_map(|a| format!("ipv6-addr:value = '{a}'")),
            (ipv6(), 0u8..=128).prop_map(|(a, p)| format!("ipv6-addr:value ISSUBSET '{a}/{p}'")),
        ]
        .boxed(),
        "domain-name" => prop_oneof![
            domain_name().prop_map(|d| format!("domain-name:value = {}", quote(&d))),
            ipv4().prop_map(|a| format!("domain-name:resolves_to_refs[*].value = '{a}'")),
        ]
        .boxed(),
        "url" => quoted().prop_map(|q| format!("url:value = {q}")).boxed(),
        "mac-addr" => mac()
            .prop_map(|m| format!("mac-addr:value = '{m}'"))
            .boxed(),
        "email-message" => prop_oneof![
            regex().prop_map(|r| format!("email-message:from_ref.value MATCHES {r}")),
            quoted().prop_map(|q| format!("email-message:subject = {q}")),
            any::<bool>().prop_map(|b| format!("email-message:is_multipart = {b}")),
            quoted().prop_map(|q| format!(
                "email-message:body_multipart[0].body_raw_ref.name LIKE {q}"
            )),
        ]
        .boxed(),
        "network-traffic" => prop_oneof![
            vec(0u16..=65535, 1..4).prop_map(|ps| {
                let ps: Vec<String> = ps.iter().map(u16::to_string).collect();
                format!("network-traffic:dst_port IN ({})", ps.join(", "))
            }),
            (ipv4(), 0u8..=32)
                .prop_map(|(a, p)| format!("network-traffic:dst_ref.value ISSUBSET '{a}/{p}'")),
            select(vec!["tcp", "udp", "http"])
                .prop_map(|p| format!("network-traffic:protocols[*] = '{p}'")),
            (order(), int()).prop_map(|(o, n)| format!("network-traffic:src_packets {o} {n}")),
        ]
        .boxed(),
        "process" => prop_oneof![
            int().prop_map(|n| format!("process:pid = {n}")),
            quoted().prop_map(|q| format!("process:command_line LIKE {q}")),
            any::<bool>().prop_map(|b| format!("process:is_hidden != {b}")),
        ]
        .boxed(),
        "windows-registry-key" => quoted()
            .prop_map(|q| format!("windows-registry-key:key = {q}"))
            .boxed(),
        "artifact" => prop_oneof![
            vec(any::<u8>(), 1..24)
                .prop_map(|b| format!("artifact:payload_bin = b'{}'", base64(&b))),
            quoted().prop_map(|q| format!("artifact:mime_type = {q}")),
        ]
        .boxed(),
        "user-account" => prop_oneof![
            quoted().prop_map(|q| format!("user-account:user_id = {q}")),
            Just("user-account:account_type = 'unix'".to_string()),
        ]
        .boxed(),
        "x509-certificate" => quoted()
            .prop_map(|q| format!("x509-certificate:serial_number = {q}"))
            .boxed(),
        "autonomous-system" => (order(), int())
            .prop_map(|(o, n)| format!("autonomous-system:number {o} {n}"))
            .boxed(),
        // A custom observable with custom properties.
        _ => prop_oneof![
            quoted().prop_map(move |q| format!("{t}:x_serial = {q}")),
            "-?[0-9]{1,4}\\.[0-9]{1,3}".prop_map(move |f| format!("{t}:x_reading >= {f}")),
            Just(format!("EXISTS {t}:x_owner.'display name'")),
        ]
        .boxed(),
    }
}

const OBJECT_TYPES: &[&str] = &[
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "domain-name",
    "url",
    "mac-addr",
    "email-message",
    "network-traffic",
    "process",
    "windows-registry-key",
    "artifact",
    "user-account",
    "x509-certificate",
    "autonomous-system",
    "x-acme-sensor",
];

/// One observation: 1 to 3 comparisons on one object type, joined by AND
/// or OR (AND may only join comparisons on one type, §9.2), sometimes
/// grouped in parentheses.
fn observation() -> BoxedStrategy<String> {
    select(OBJECT_TYPES)
        .prop_flat_map(|t| {
            vec(
                (comparisons(t), select(vec![" AND ", " OR "]), any::<bool>()),
                1..4,
            )
        })
        .prop_map(|parts| {
            let mut out = String::new();
            for (i, (cmp, op, group)) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(op);
                }
                if *group {
                    out.push_str(&format!("({cmp})"));
                } else {
                    out.push_str(cmp);
                }
            }
            format!("[{out}]")
        })
        .boxed()
}

/// A qualifier; each kind at most once per expression.
fn qualifier() -> BoxedStrategy<String> {
    prop_oneof![
        prop_oneof![
            (1u32..100_000).prop_map(|n| n.to_string()),
            "[0-9]{1,3}\\.[0-9]{0,2}[1-9]"
        ]
        .prop_map(|n| format!(" WITHIN {n} SECONDS")),
        (1u32..1000).prop_map(|n| format!(" REPEATS {n} TIMES")),
        ts_pair(0, true).prop_map(|(a, b)| format!(" START t'{}' STOP t'{}'", a.text(), b.text())),
    ]
    .boxed()
}

/// A pattern: observations joined by AND, OR or FOLLOWEDBY, optionally
/// parenthesised and qualified.
pub fn pattern() -> BoxedStrategy<String> {
    let joined = vec(
        (observation(), select(vec![" AND ", " OR ", " FOLLOWEDBY "])),
        1..4,
    )
    .prop_map(|parts| {
        let mut out = String::new();
        for (i, (obs, op)) in parts.iter().enumerate() {
            if i > 0 {
                out.push_str(op);
            }
            out.push_str(obs);
        }
        out
    });
    (joined, proptest::option::of(qualifier()), any::<bool>())
        .prop_map(|(expr, qualifier, parens)| match (qualifier, parens) {
            (Some(q), _) => format!("({expr}){q}"),
            (None, true) => format!("({expr})"),
            (None, false) => expr,
        })
        .boxed()
}
