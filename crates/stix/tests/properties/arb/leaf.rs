//! Leaf values: text from every corner of Unicode, JSON numbers in every
//! spelling, arbitrary JSON for custom properties, identifiers and
//! references, vocabulary values, hashes and binary data.

use std::borrow::Cow;

use liaison_stix::Uuid;
use liaison_stix::json::{Value, parse};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::obj;

/// Generated JSON owns its text.
pub type V = Value<'static>;

/// A string value.
pub fn s(text: impl Into<String>) -> V {
    Value::String(Cow::Owned(text.into()))
}

/// A number value with exactly this source text (which must be valid JSON
/// number syntax): the only way to build floats and exponents, and the
/// point, since number text must survive unchanged.
pub fn num(text: &str) -> V {
    parse(text)
        .unwrap_or_else(|e| panic!("generator made bad number {text:?}: {e}"))
        .into_owned()
}

/// A list value of 1..n items (STIX lists are never empty).
pub fn list(
    item: impl Strategy<Value = V> + 'static,
    n: std::ops::Range<usize>,
) -> BoxedStrategy<V> {
    vec(item, n).prop_map(V::Array).boxed()
}

/// Characters from every corner that JSON handles differently: plain
/// ASCII, the controls it must escape, quote, backslash and solidus, the
/// BMP on both sides of the surrogate block, astral characters (surrogate
/// pairs in `\u` escapes), emoji with joiners, and the oddities (U+2028,
/// U+2029, a byte-order mark, noncharacters).
pub fn any_char() -> BoxedStrategy<char> {
    prop_oneof![
        10 => proptest::char::range(' ', '~'),
        2 => proptest::char::range('\0', '\u{1f}'),
        1 => Just('\u{7f}'),
        2 => select(vec!['"', '\\', '/']),
        1 => select(vec!['\u{2028}', '\u{2029}', '\u{feff}', '\u{ffff}', '\u{fffe}', '\u{85}', '\u{a0}']),
        2 => proptest::char::range('\u{a1}', '\u{d7ff}'),
        1 => proptest::char::range('\u{e000}', '\u{fffd}'),
        2 => proptest::char::range('\u{10000}', '\u{10ffff}'),
        1 => select(vec!['😀', '🦀', '👩', '\u{200d}', '💻', '\u{1f1e9}', '\u{1f1ea}', '\u{fe0f}']),
    ]
    .boxed()
}

/// Arbitrary Unicode text, possibly empty.
pub fn text() -> BoxedStrategy<String> {
    vec(any_char(), 0..20)
        .prop_map(|cs| cs.into_iter().collect())
        .boxed()
}

/// Arbitrary Unicode text as a JSON string.
pub fn text_v() -> BoxedStrategy<V> {
    text().prop_map(s).boxed()
}

/// A value from a regular expression, as a JSON string.
pub fn re(regex: &'static str) -> BoxedStrategy<V> {
    regex.prop_map(s).boxed()
}

/// JSON number text: integers (also `-0` and beyond 64 bits), decimals
/// with trailing zeros, and exponents of either case and sign, all within
/// the range of a double so that a canonical form exists.
pub fn number_text() -> BoxedStrategy<String> {
    prop_oneof![
        4 => any::<i64>().prop_map(|n| n.to_string()),
        1 => Just("-0".to_string()),
        2 => "-?[1-9][0-9]{15,39}",
        3 => "-?(0|[1-9][0-9]{0,8})\\.[0-9]{1,12}",
        3 => "-?(0|[1-9][0-9]{0,8})(\\.[0-9]{1,10})?[eE][+-]?[0-9]{1,2}",
        1 => "-?[1-9](\\.[0-9]{1,16})?[eE]\\+?[12][0-9][0-9]",
        1 => "-?[1-9](\\.[0-9]{1,16})?e-3[0-9][0-9]",
    ]
    .boxed()
}

/// An integer, usually written plainly but sometimes as `n.0`, `ne0`,
/// `mEk` or `d.dddek`: JSON numbers with the same integral value, which
/// STIX `integer` properties accept and canonical form normalises.
pub fn int_v(n: impl Strategy<Value = i64> + 'static) -> BoxedStrategy<V> {
    (n, 0u8..12)
        .prop_map(|(n, style)| num(&spell_integer(n, style)))
        .boxed()
}

fn spell_integer(n: i64, style: u8) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let digits = n.unsigned_abs().to_string();
    match style {
        8 => format!("{n}.0"),
        9 => format!("{n}e0"),
        10 if n != 0 => {
            let mantissa = digits.trim_end_matches('0');
            format!("{sign}{mantissa}E+{}", digits.len() - mantissa.len())
        }
        11 if digits.len() > 1 => format!(
            "{sign}{}.{}e{}",
            &digits[..1],
            &digits[1..],
            digits.len() - 1
        ),
        _ => n.to_string(),
    }
}

/// Any JSON value, nested up to three levels: what custom properties carry.
pub fn json_value() -> BoxedStrategy<V> {
    let leaf = prop_oneof![
        1 => Just(V::Null),
        1 => any::<bool>().prop_map(V::Bool),
        3 => number_text().prop_map(|t| num(&t)),
        3 => text_v(),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(V::Array),
            vec((text(), inner), 0..4).prop_map(obj),
        ]
    })
    .boxed()
}

/// A random UUIDv4.
pub fn uuid4() -> BoxedStrategy<Uuid> {
    any::<[u8; 16]>().prop_map(Uuid::v4_from_bytes).boxed()
}

/// An RFC 4122 UUID of any version 1 to 5: what references may carry
/// (SCOs are named by UUIDv5, others by UUIDv4, older content by others).
pub fn uuid_any() -> BoxedStrategy<Uuid> {
    (any::<[u8; 16]>(), 1u8..=5)
        .prop_map(|(mut b, version)| {
            b[6] = (b[6] & 0x0f) | (version << 4);
            b[8] = (b[8] & 0x3f) | 0x80;
            Uuid(b)
        })
        .boxed()
}

/// A reference to an object of one of `types`.
pub fn ref_of(types: &'static [&'static str]) -> BoxedStrategy<V> {
    (select(types), prop_oneof![3 => uuid4(), 1 => uuid_any()])
        .prop_map(|(t, u)| s(format!("{t}--{u}")))
        .boxed()
}

/// A non-empty list of references to objects of `types`.
pub fn refs_of(types: &'static [&'static str]) -> BoxedStrategy<V> {
    list(ref_of(types), 1..4)
}

/// The 19 SDO types.
pub const SDO_TYPES: &[&str] = &[
    "attack-pattern",
    "campaign",
    "course-of-action",
    "grouping",
    "identity",
    "incident",
    "indicator",
    "infrastructure",
    "intrusion-set",
    "location",
    "malware",
    "malware-analysis",
    "note",
    "observed-data",
    "opinion",
    "report",
    "threat-actor",
    "tool",
    "vulnerability",
];

/// The 18 SCO types.
pub const SCO_TYPES: &[&str] = &[
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
];

/// Custom object types (defined by some extension-definition elsewhere).
pub const CUSTOM_TYPES: &[&str] = &["x-acme-widget", "acme-sensor-reading"];

/// Any object type a reference may name (never `bundle`).
pub fn any_ref() -> BoxedStrategy<V> {
    prop_oneof![
        4 => ref_of(SDO_TYPES),
        3 => ref_of(SCO_TYPES),
        1 => ref_of(&["relationship", "sighting"]),
        1 => ref_of(&["marking-definition", "language-content", "extension-definition"]),
        1 => ref_of(CUSTOM_TYPES),
    ]
    .boxed()
}

/// A value outside a vocabulary: in its format (lowercase words and
/// hyphens) or anything at all. Both are allowed, with warnings.
fn other_vocab_value() -> BoxedStrategy<String> {
    prop_oneof![2 => "x-[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", 1 => text()].boxed()
}

/// A value of an open vocabulary, sometimes one outside it.
pub fn ov(values: &'static [&'static str]) -> BoxedStrategy<V> {
    prop_oneof![6 => select(values).prop_map(s), 1 => other_vocab_value().prop_map(s)].boxed()
}

/// A non-empty list of open vocabulary values.
pub fn ov_list(values: &'static [&'static str]) -> BoxedStrategy<V> {
    list(ov(values), 1..4)
}

/// A value of a closed enumeration.
pub fn enum_of(values: &'static [&'static str]) -> BoxedStrategy<V> {
    select(values).prop_map(s).boxed()
}

/// `n` random bytes as hexadecimal, in lowercase (STIX `hex` SHOULD be).
pub fn hex(min_bytes: usize, max_bytes: usize) -> BoxedStrategy<String> {
    vec(any::<u8>(), min_bytes..=max_bytes)
        .prop_map(|b| b.iter().map(|x| format!("{x:02x}")).collect())
        .boxed()
}

/// Hex digits of a hash value, in either case (hash values are not `hex`
/// properties and the specification does not fix their case).
fn hash_hex(chars: usize) -> BoxedStrategy<String> {
    (hex(chars / 2, chars / 2), any::<bool>())
        .prop_map(|(h, upper)| if upper { h.to_ascii_uppercase() } else { h })
        .boxed()
}

/// One hash: an algorithm of `hash-algorithm-ov` with a value of its form,
/// or a custom algorithm (a warning).
pub fn hash_entry() -> BoxedStrategy<(String, String)> {
    prop_oneof![
        3 => hash_hex(32).prop_map(|h| ("MD5".into(), h)),
        2 => hash_hex(40).prop_map(|h| ("SHA-1".into(), h)),
        3 => hash_hex(64).prop_map(|h| ("SHA-256".into(), h)),
        1 => hash_hex(128).prop_map(|h| ("SHA-512".into(), h)),
        1 => hash_hex(64).prop_map(|h| ("SHA3-256".into(), h)),
        1 => hash_hex(128).prop_map(|h| ("SHA3-512".into(), h)),
        1 => "[0-9]{1,5}:[A-Za-z0-9/+]{1,50}:[A-Za-z0-9/+.]{1,50}".prop_map(|h| ("SSDEEP".into(), h)),
        1 => "T1[0-9A-F]{68}".prop_map(|h| ("TLSH".into(), h)),
        1 => ("x-[a-z0-9]{1,10}", text()),
    ]
    .boxed()
}

/// A `hashes` dictionary of one to three algorithms.
pub fn hashes() -> BoxedStrategy<V> {
    vec(hash_entry(), 1..4)
        .prop_map(|entries| obj(entries.into_iter().map(|(k, v)| (k, s(v))).collect()))
        .boxed()
}

/// Padded base64 (RFC 4648) of `bytes`, written here independently.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A non-negative STIX integer (sizes and counts, at most 2^53 - 1).
pub fn size() -> BoxedStrategy<V> {
    int_v(prop_oneof![3 => 0i64..1_000_000_000, 1 => Just((1i64 << 53) - 1), 1 => Just(0)])
}
