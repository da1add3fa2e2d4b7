//! An independent JSON writer that varies everything RFC 8259 lets a
//! producer vary: whitespace between tokens, and for every character of
//! every string whether it is written raw, as a short escape, or as a
//! `\u` escape (surrogate pairs for astral characters, hex digits in either
//! case), plus an optional byte-order mark. Parsing its output must give
//! back exactly the value it was given.

use liaison_stix::json::Value;

use crate::arb::Mix;

/// Writes `value` as JSON text in a layout chosen by `seed`.
pub fn render(value: &Value<'_>, seed: u64) -> String {
    let mut mix = Mix(seed);
    let mut out = String::new();
    // Whitespace density and escaping eagerness vary per document.
    let style = Style {
        spaces: mix.below(4),
        escapes: mix.below(4),
    };
    if mix.below(8) == 0 {
        out.push('\u{feff}');
    }
    ws(&mut out, &mut mix, style);
    write(value, &mut out, &mut mix, style);
    ws(&mut out, &mut mix, style);
    out
}

#[derive(Clone, Copy)]
struct Style {
    /// 0: compact, 3: whitespace almost everywhere.
    spaces: usize,
    /// 0: escape only what must be, 3: escape a third of everything.
    escapes: usize,
}

fn ws(out: &mut String, mix: &mut Mix, style: Style) {
    if style.spaces == 0 || mix.below(4) >= style.spaces {
        return;
    }
    for _ in 0..=mix.below(3) {
        out.push([' ', '\n', '\t', '\r'][mix.below(4)]);
    }
}

fn write(value: &Value<'_>, out: &mut String, mix: &mut Mix, style: Style) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(n.as_str()),
        Value::String(s) => string(s, out, mix, style),
        Value::Array(items) => {
            out.push('[');
            ws(out, mix, style);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    ws(out, mix, style);
                    out.push(',');
                    ws(out, mix, style);
                }
                write(item, out, mix, style);
            }
            ws(out, mix, style);
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            ws(out, mix, style);
            for (i, (k, v)) in o.iter().enumerate() {
                if i > 0 {
                    ws(out, mix, style);
                    out.push(',');
                    ws(out, mix, style);
                }
                string(k, out, mix, style);
                ws(out, mix, style);
                out.push(':');
                ws(out, mix, style);
                write(v, out, mix, style);
            }
            ws(out, mix, style);
            out.push('}');
        }
    }
}

fn string(s: &str, out: &mut String, mix: &mut Mix, style: Style) {
    out.push('"');
    for c in s.chars() {
        let must = c == '"' || c == '\\' || c < ' ';
        let escape = must || (style.escapes > 0 && mix.below(3 * (4 - style.escapes)) == 0);
        if !escape {
            out.push(c);
            continue;
        }
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '/' => Some("\\/"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            _ => None,
        };
        match short {
            Some(e) if mix.below(2) == 0 => out.push_str(e),
            _ => {
                let upper = mix.below(2) == 0;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let hex = format!("\\u{unit:04x}");
                    out.push_str(&if upper {
                        hex.to_ascii_uppercase().replace("\\U", "\\u")
                    } else {
                        hex
                    });
                }
            }
        }
    }
    out.push('"');
}
