//! Compact JSON output in the original member order, numbers as received.

use super::Value;
use super::scan::plain_run_end;

/// Appends `value` as compact JSON to `out`.
pub(super) fn write_compact(value: &Value<'_>, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(n.as_str()),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(item, out);
            }
            out.push(']');
        }
        Value::Object(object) => {
            out.push('{');
            for (i, (k, v)) in object.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_compact(v, out);
            }
            out.push('}');
        }
    }
}

/// Appends `s` as a JSON string with the minimal escaping that RFC 8785 and
/// ECMAScript's `JSON.stringify` prescribe: `"`, `\` and control characters
/// only, short forms where they exist, lowercase `\u00xx` otherwise.
pub(crate) fn write_string(s: &str, out: &mut String) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut run = 0;
    loop {
        // Most strings need no escape at all: copy plain runs whole.
        let i = plain_run_end(bytes, run);
        out.push_str(&s[run..i]);
        let Some(&b) = bytes.get(i) else { break };
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
        run = i + 1;
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use crate::json::parse;

    #[test]
    fn round_trips_compactly_in_order() {
        let text = "{ \"z\" : [1.50, true, null], \"a\": \"x\\u0001\\ny\\\"\\u00e9\" }";
        let out = parse(text).unwrap().to_json_string();
        assert_eq!(out, "{\"z\":[1.50,true,null],\"a\":\"x\\u0001\\ny\\\"é\"}");
        assert_eq!(parse(&out).unwrap(), parse(text).unwrap());
    }
}
