//! Value syntaxes of observables, written from their RFCs: IPv4 and IPv6
//! addresses and CIDR blocks, MAC addresses, domain names (with IDN
//! labels), email addresses (`addr-spec`) and URLs.

use proptest::char::range;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::leaf::*;

/// A dotted-decimal IPv4 address.
pub fn ipv4() -> BoxedStrategy<String> {
    any::<[u8; 4]>()
        .prop_map(|[a, b, c, d]| format!("{a}.{b}.{c}.{d}"))
        .boxed()
}

pub fn ipv4_cidr() -> BoxedStrategy<String> {
    (ipv4(), proptest::option::of(0u8..=32))
        .prop_map(|(a, p)| match p {
            Some(p) => format!("{a}/{p}"),
            None => a,
        })
        .boxed()
}

/// An IPv6 address in the RFC 4291 §2.2 text forms: full (with or without
/// leading zeros, either case), with one run of zero groups compressed to
/// `::`, or with an IPv4 address as the last 32 bits.
pub fn ipv6() -> BoxedStrategy<String> {
    (
        any::<[u16; 8]>(),
        0usize..8,
        1usize..=8,
        0u8..5,
        any::<bool>(),
        any::<u8>(),
        ipv4(),
    )
        .prop_map(|(mut g, start, len, form, upper, pad, v4)| {
            let group = |i: usize, x: u16| {
                let t = if pad & (1 << i) != 0 {
                    format!("{x:04x}")
                } else {
                    format!("{x:x}")
                };
                if upper { t.to_ascii_uppercase() } else { t }
            };
            let groups = |from: usize, to: usize, g: &[u16; 8]| {
                (from..to)
                    .map(|i| group(i, g[i]))
                    .collect::<Vec<_>>()
                    .join(":")
            };
            match form {
                0 => groups(0, 8, &g),
                1 | 2 => {
                    let end = (start + len).min(8);
                    g[start..end].iter_mut().for_each(|x| *x = 0);
                    format!("{}::{}", groups(0, start, &g), groups(end, 8, &g))
                }
                3 if pad & 1 == 0 => format!("::ffff:{v4}"),
                3 => format!("{}:{v4}", groups(0, 6, &g)),
                // Compressed, then an IPv4 address (`64:ff9b::192.0.2.33`).
                _ => format!("{}::{v4}", groups(0, start.min(5), &g)),
            }
        })
        .boxed()
}

pub fn ipv6_cidr() -> BoxedStrategy<String> {
    (ipv6(), proptest::option::of(0u8..=128))
        .prop_map(|(a, p)| match p {
            Some(p) => format!("{a}/{p}"),
            None => a,
        })
        .boxed()
}

/// Characters of internationalised labels: Latin, Cyrillic, CJK.
pub fn idn_char() -> BoxedStrategy<char> {
    prop_oneof![
        range('\u{e0}', '\u{24f}'),
        range('\u{430}', '\u{44f}'),
        range('\u{4e00}', '\u{9fff}')
    ]
    .boxed()
}

/// A domain name (§6.4): ASCII labels (letters, digits, inner hyphens and
/// underscores, either case), U-labels, an optional `_service` label, a
/// top-level label that is not numeric, sometimes a trailing dot.
pub fn domain_name() -> BoxedStrategy<String> {
    domain(true)
}

pub fn domain(trailing_dot: bool) -> BoxedStrategy<String> {
    let ascii = "[a-zA-Z0-9]([a-zA-Z0-9_-]{0,14}[a-zA-Z0-9])?".boxed();
    let unicode = vec(
        prop_oneof![2 => idn_char(), 1 => "[a-z0-9]".prop_map(|s| s.chars().next().unwrap())],
        1..8,
    )
    .prop_map(|cs| cs.into_iter().collect::<String>())
    .boxed();
    let label = prop_oneof![3 => ascii, 1 => unicode];
    let top = prop_oneof![
        4 => "[a-zA-Z]{2,6}".boxed(),
        1 => "xn--[a-z0-9]{2,10}".boxed(),
        1 => (idn_char(), vec(idn_char(), 0..4)).prop_map(|(c, cs)| std::iter::once(c).chain(cs).collect()).boxed(),
    ];
    let service = proptest::option::of("_[a-z]{2,8}");
    (service, vec(label, 1..4), top, any::<bool>())
        .prop_map(move |(service, labels, top, dot)| {
            let mut parts: Vec<String> = service.into_iter().collect();
            parts.extend(labels);
            parts.push(top);
            let mut name = parts.join(".");
            if trailing_dot && dot {
                name.push('.');
            }
            name
        })
        .boxed()
}

/// An `addr-spec` (RFC 5322 §3.4): a dot-atom local part (ASCII `atext`
/// and UTF-8, RFC 6532) or a quoted string with escapes, `@`, and a
/// domain name or an IPv4 domain literal.
pub fn email_address() -> BoxedStrategy<String> {
    let atext = prop_oneof![
        6 => "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]".prop_map(|s| s.chars().next().unwrap()),
        1 => idn_char(),
    ];
    let atom = vec(atext, 1..8).prop_map(|cs| cs.into_iter().collect::<String>());
    let dot_atom = vec(atom, 1..3).prop_map(|a| a.join("."));
    let quoted = vec(
        prop_oneof![4 => "[ !#-\\[\\]-~]", 1 => "\\\\[\"\\\\ a-z]"],
        0..8,
    )
    .prop_map(|parts| format!("\"{}\"", parts.concat()));
    let domain = prop_oneof![4 => domain(false), 1 => ipv4().prop_map(|a| format!("[{a}]"))];
    (prop_oneof![4 => dot_atom, 1 => quoted], domain)
        .prop_map(|(l, d)| format!("{l}@{d}"))
        .boxed()
}

/// A lowercase, colon-delimited MAC-48 address.
pub fn mac() -> BoxedStrategy<String> {
    any::<[u8; 6]>()
        .prop_map(|b| {
            b.iter()
                .map(|x| format!("{x:02x}"))
                .collect::<Vec<_>>()
                .join(":")
        })
        .boxed()
}

/// A URL (§6.15): a scheme, and for hierarchical schemes a host (domain,
/// IPv4 or bracketed IPv6 literal) with optional user info and port, a
/// path of unreserved, percent-encoded and non-ASCII (IRI) characters, a
/// query and a fragment.
pub fn url() -> BoxedStrategy<String> {
    let host = prop_oneof![
        3 => domain_name(),
        1 => ipv4(),
        1 => ipv6().prop_map(|a| format!("[{a}]")),
    ];
    let segment = vec(
        prop_oneof![
            6 => "[A-Za-z0-9._~!$&'()*+,;=:@-]".prop_map(String::from),
            1 => "%[0-9A-Fa-f]{2}".prop_map(String::from),
            1 => proptest::char::range('\u{e0}', '\u{24f}').prop_map(String::from),
            1 => proptest::char::range('\u{4e00}', '\u{9fff}').prop_map(String::from),
        ],
        0..8,
    )
    .prop_map(|cs| cs.concat());
    let hierarchical = (
        select(vec![
            "http", "https", "HTTPS", "ftp", "ws", "wss", "hxxp", "svn+ssh",
        ]),
        proptest::option::of("[a-z]{1,8}(:[a-z0-9]{1,8})?"),
        host,
        proptest::option::of(0u16..=65535),
        vec(segment, 0..4),
        proptest::option::of("[a-z0-9=&]{0,12}"),
        proptest::option::of("[a-z0-9]{0,8}"),
    )
        .prop_map(|(scheme, user, host, port, path, query, fragment)| {
            let mut u = format!("{scheme}://");
            if let Some(user) = user {
                u.push_str(&user);
                u.push('@');
            }
            u.push_str(&host);
            if let Some(port) = port {
                u.push_str(&format!(":{port}"));
            }
            for seg in path {
                u.push('/');
                u.push_str(&seg);
            }
            if let Some(q) = query {
                u.push('?');
                u.push_str(&q);
            }
            if let Some(f) = fragment {
                u.push('#');
                u.push_str(&f);
            }
            u
        });
    let opaque = prop_oneof![
        "mailto:[a-z]{1,8}@example\\.(com|org)",
        "urn:isbn:[0-9]{10}",
        "file:///[A-Za-z]:/[A-Za-z0-9]{1,8}/[a-z]{1,8}\\.exe",
        "data:text/plain;base64,[A-Za-z0-9+/]{4,16}",
    ];
    prop_oneof![4 => hierarchical, 1 => opaque].boxed()
}

pub fn url_v() -> BoxedStrategy<V> {
    url().prop_map(s).boxed()
}
