//! Independent accounts of what the library computes, to check it
//! against: a walk over every node of a value by path, equality of JSON
//! data regardless of member order and number spelling, the key order of
//! RFC 8785, and ECMAScript's number formatting built on Rust's own
//! shortest round-trip digits.

use std::collections::HashMap;

use liaison_stix::json::Value;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// Every node of a value with its path (`/key/0/...`, keys in JSON form).
fn nodes<'v>(value: &'v Value<'static>, path: String, out: &mut Vec<(String, &'v Value<'static>)>) {
    out.push((path.clone(), value));
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                nodes(item, format!("{path}/{i}"), out);
            }
        }
        Value::Object(o) => {
            for (k, v) in o.iter() {
                nodes(v, format!("{path}/{k:?}"), out);
            }
        }
        _ => {}
    }
}

pub fn all_nodes<'v>(value: &'v Value<'static>) -> Vec<(String, &'v Value<'static>)> {
    let mut out = Vec::new();
    nodes(value, String::new(), &mut out);
    out
}

/// The nodes of a value by path.
pub fn index<'v>(value: &'v Value<'static>) -> HashMap<String, &'v Value<'static>> {
    all_nodes(value).into_iter().collect()
}

/// Equal as JSON data: objects as maps, numbers by value. What canonical
/// form must preserve.
pub fn same_data(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_data(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_data(v, w)))
        }
        _ => a == b,
    }
}

/// ECMAScript's `Number.prototype.toString` (ECMA-262 §6.1.6.1.20), built
/// on Rust's shortest round-trip digits rather than on the library's
/// formatter, to check canonical numbers against.
pub fn es6_number(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    if f < 0.0 {
        return format!("-{}", es6_number(-f));
    }
    let (digits, n) = shortest_digits(f);
    let k = digits.len() as i32;
    if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let sign = if n - 1 < 0 { '-' } else { '+' };
        let rest = if k == 1 {
            String::new()
        } else {
            format!(".{}", &digits[1..])
        };
        format!("{}{rest}e{sign}{}", &digits[..1], (n - 1).abs())
    }
}

/// The shortest digits `s` and exponent `n` with `f = 0.s × 10^n` (for
/// positive `f`). Rust finds the shortest digits; when two candidates are
/// equally close to `f`, ECMAScript takes the even one, which Rust need
/// not: a tie is when `f` is exactly halfway, which its exact decimal
/// expansion (Rust prints it in full on request) shows.
fn shortest_digits(f: f64) -> (String, i32) {
    let split = |sci: String| {
        let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        (digits, exp.parse::<i32>().expect("exponent") + 1)
    };
    let (mut digits, n) = split(format!("{f:e}"));
    let last = *digits.as_bytes().last().expect("at least one digit");
    if (last - b'0') % 2 == 1 {
        let (exact, exact_n) = split(format!("{f:.800e}"));
        let exact = exact.trim_end_matches('0');
        let prefix = digits[..digits.len() - 1].to_owned();
        for neighbour in [last - 1, last + 1].into_iter().filter(u8::is_ascii_digit) {
            let low = last.min(neighbour);
            let halfway = format!("{prefix}{}5", char::from(low));
            if exact_n == n && exact == halfway {
                digits = format!("{prefix}{}", char::from(neighbour));
            }
        }
    }
    (digits, n)
}

/// Keys in strictly increasing UTF-16 code unit order (RFC 8785 §3.2.3),
/// at every level.
pub fn check_sorted(value: &Value<'static>) -> Result<(), TestCaseError> {
    for (path, node) in all_nodes(value) {
        if let Value::Object(o) = node {
            let keys: Vec<Vec<u16>> = o.keys().map(|k| k.encode_utf16().collect()).collect();
            prop_assert!(
                keys.windows(2).all(|w| w[0] < w[1]),
                "keys not sorted at {path}: {:?}",
                o.keys().collect::<Vec<_>>()
            );
        }
    }
    Ok(())
}

#[test]
fn es6_reference_formatter_matches_rfc8785_examples_and_ties() {
    // The reference formatter used above, checked on RFC 8785 Appendix B.
    for (f, s) in [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (4.5, "4.5"),
        (0.002, "0.002"),
        (1e-7, "1e-7"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (333_333_333.333_333_3, "333333333.3333333"),
        (1e30, "1e+30"),
        (5e-324, "5e-324"),
        (1.797_693_134_862_315_7e308, "1.7976931348623157e+308"),
        (-1.5e-10, "-1.5e-10"),
        (0.000_001, "0.000001"),
        (123e-20, "1.23e-18"),
    ] {
        assert_eq!(es6_number(f), s, "{f:e}");
    }
    // A tie between two shortest forms goes to the even digit (found by
    // the round-trip property: 563000000.0000002e6 is ...000.25 exactly,
    // for which Rust's shortest digits end in 3).
    assert_eq!(
        es6_number(563_000_000_000_000.0 + 0.25),
        "563000000000000.2"
    );
    assert_eq!(
        es6_number(563_000_000_000_000.0 + 0.375),
        "563000000000000.4"
    );
}
