//! RFC 8785 JSON Canonicalization Scheme (JCS).
//!
//! The canonical form is what Liaison signs and what deterministic SCO
//! identifiers hash: members sorted by the UTF-16 code units of their keys, no
//! insignificant whitespace, numbers in ECMAScript's shortest round-trip form,
//! strings with minimal escaping.

use std::cmp::Ordering;

use super::write::write_string;
use super::{Number, Value};

/// Why a value has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("number {0} is outside the range of an IEEE 754 double and has no canonical form")]
pub struct NotCanonicalizable(pub String);

/// The RFC 8785 canonical JSON text of `value`.
pub fn canonical(value: &Value<'_>) -> Result<String, NotCanonicalizable> {
    let mut out = String::new();
    canonical_into(value, &mut out)?;
    Ok(out)
}

/// Appends the RFC 8785 canonical JSON text of `value` to `out`.
pub fn canonical_into(value: &Value<'_>, out: &mut String) -> Result<(), NotCanonicalizable> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out)?,
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_into(item, out)?;
            }
            out.push(']');
        }
        Value::Object(object) => {
            let mut members: Vec<_> = object.iter().collect();
            canonical_members_into(&mut members, out)?;
        }
    }
    Ok(())
}

/// Appends the canonical text of the object made of `members` (whose keys
/// must be unique), sorting them in place. Callers that pick members out of
/// other objects can serialise them without first copying them into one.
pub(crate) fn canonical_members_into(
    members: &mut [(&str, &Value<'_>)],
    out: &mut String,
) -> Result<(), NotCanonicalizable> {
    members.sort_by(|(a, _), (b, _)| utf16_cmp(a, b));
    out.push('{');
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(k, out);
        out.push(':');
        canonical_into(v, out)?;
    }
    out.push('}');
    Ok(())
}

/// Orders keys by UTF-16 code units, as RFC 8785 §3.2.3 requires.
fn utf16_cmp(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

fn write_number(n: &Number<'_>, out: &mut String) -> Result<(), NotCanonicalizable> {
    // Plain integers that a double holds exactly print as themselves; this
    // skips float formatting for the common case.
    if n.is_integer_syntax() && n.as_str().len() <= 15 {
        let text = n.as_str();
        if text == "-0" {
            out.push('0');
        } else {
            out.push_str(text);
        }
        return Ok(());
    }
    if write_es6_number(n.as_f64(), out) {
        Ok(())
    } else {
        Err(NotCanonicalizable(n.as_str().to_owned()))
    }
}

/// Appends `f` formatted as ECMAScript's `Number.prototype.toString` does;
/// returns false (appending nothing) for infinities and NaN, which JSON
/// cannot carry.
pub fn write_es6_number(f: f64, out: &mut String) -> bool {
    if !f.is_finite() {
        return false;
    }
    if f == 0.0 {
        out.push('0');
        return true;
    }
    let mut buffer = ryu_js::Buffer::new();
    out.push_str(buffer.format_finite(f));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn jcs(text: &str) -> String {
        canonical(&parse(text).unwrap()).unwrap()
    }

    #[test]
    fn sorts_keys_by_utf16_code_units() {
        // RFC 8785 §3.2.3 example: U+20AC, U+1F600 (surrogates D83D DE00), U+00E9 ...
        let text = "{\"\u{20ac}\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\",\"1\":\"One\",\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{80}\":\"Control\",\"\u{f6}\":\"Latin Small Letter O With Diaeresis\"}";
        let out = jcs(text);
        let keys: Vec<String> = [
            "\\r",
            "1",
            "\u{80}",
            "\u{f6}",
            "\u{20ac}",
            "\u{1f600}",
            "\u{fb33}",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut last = 0;
        for k in keys {
            let at = out.find(&format!("\"{k}\"")).unwrap();
            assert!(at >= last, "{k} out of order in {out}");
            last = at;
        }
    }

    #[test]
    fn formats_numbers_like_ecmascript() {
        // Vectors from RFC 8785 Appendix B.
        let cases = [
            ("0", "0"),
            ("-0", "0"),
            ("0.0", "0"),
            ("1.0", "1"),
            ("4.50", "4.5"),
            ("2e-3", "0.002"),
            ("0.000001", "0.000001"),
            ("1e-7", "1e-7"),
            ("1e21", "1e+21"),
            ("1e20", "100000000000000000000"),
            ("9007199254740992", "9007199254740992"),
            ("-1.5e-10", "-1.5e-10"),
            ("333333333.33333329", "333333333.3333333"),
            ("1E30", "1e+30"),
            ("5e-324", "5e-324"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
        ];
        for (input, expected) in cases {
            assert_eq!(jcs(input), expected, "{input}");
        }
        assert!(canonical(&parse("1e400").unwrap()).is_err());
    }

    #[test]
    fn rfc8785_example() {
        let input = r#"{
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#;
        assert_eq!(
            jcs(input),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }
}
