//! Registry-backed string formats: media types (`mime_type`), character set
//! names (`path_enc`, `name_enc`) and CPE 2.3 names (`software.cpe`).
//!
//! The registries themselves (IANA media types and character sets, the NVD
//! CPE dictionary) are large and change over time, and this crate does no
//! I/O. So the syntax is a MUST (an error), and membership is checked
//! against the part of each registry that is stable and common: the IANA
//! top-level media types, and the commonly used character sets with their
//! aliases. Values outside that part are warnings, not errors.

use crate::json::Object;
use crate::validate::ctx::{Ctx, code};
use crate::validate::types::StrRule;

/// `artifact.mime_type`, `file.mime_type` (§6.1, §6.7): the syntax.
pub(crate) static MEDIA_TYPE: StrRule = StrRule {
    check: is_media_type,
    rule: "a media type: type/subtype (RFC 6838), optionally followed by ; parameters",
    code: code::FORMAT,
    warning: false,
};

/// `path_enc`, `name_enc` (§6.3, §6.7): the syntax of a charset name.
pub(crate) static CHARSET_NAME: StrRule = StrRule {
    check: is_charset_name,
    rule: "a character set name (RFC 2978: 1 to 40 printable US-ASCII characters, no spaces)",
    code: code::FORMAT,
    warning: false,
};

/// `software.cpe` (§6.14).
pub(crate) static CPE_23: StrRule = StrRule {
    check: is_cpe23,
    rule: "a CPE 2.3 formatted string (cpe:2.3:part:vendor:product:version:update:edition:\
           language:sw_edition:target_sw:target_hw:other, part one of a, h, o, *, -)",
    code: code::FORMAT,
    warning: false,
};

/// The IANA top-level media types (the `Template` column always starts with
/// one of them).
const TOP_LEVEL_TYPES: &[&str] = &[
    "application",
    "audio",
    "example",
    "font",
    "haptics",
    "image",
    "message",
    "model",
    "multipart",
    "text",
    "video",
];

/// RFC 6838 §4.2 `restricted-name`.
fn is_restricted_name(s: &str) -> bool {
    (1..=127).contains(&s.len())
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
}

/// An RFC 7230 `token` (parameter names and unquoted values).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn split_media_type(s: &str) -> Option<(&str, &str, Option<&str>)> {
    let (ty, rest) = s.split_once('/')?;
    Some(match rest.split_once(';') {
        Some((sub, params)) => (ty, sub.trim_end(), Some(params)),
        None => (ty, rest, None),
    })
}

fn is_media_type(s: &str) -> bool {
    let Some((ty, sub, params)) = split_media_type(s) else {
        return false;
    };
    let params_ok = params.is_none_or(|params| {
        params.split(';').all(|p| {
            p.trim().split_once('=').is_some_and(|(k, v)| {
                is_token(k)
                    && (is_token(v) || (v.len() >= 2 && v.starts_with('"') && v.ends_with('"')))
            })
        })
    });
    is_restricted_name(ty) && is_restricted_name(sub) && params_ok
}

/// Warns when a syntactically valid `mime_type` at `key` cannot be an IANA
/// template (spec: SHOULD be one; warning code as the reference validator's
/// `mime-type` check).
pub(crate) fn check_media_type_registry(ctx: &mut Ctx<'_>, obj: &Object<'_>, key: &str) {
    let Some(value) = obj.get(key).and_then(|v| v.as_str()) else {
        return;
    };
    let Some((ty, _, params)) = split_media_type(value).filter(|_| is_media_type(value)) else {
        return;
    };
    if !TOP_LEVEL_TYPES.iter().any(|t| t.eq_ignore_ascii_case(ty)) {
        ctx.warn_at(
            key,
            "mime-type",
            format!(
                "'{ty}' is not an IANA top-level media type ({})",
                TOP_LEVEL_TYPES.join(", ")
            ),
        );
    } else if params.is_some() {
        ctx.warn_at(
            key,
            "mime-type",
            "should be an IANA media type template (type/subtype, without parameters)",
        );
    }
}

/// RFC 2978 §2.3: at most 40 printable US-ASCII characters. A few names
/// registered before RFC 2978 are longer; those listed below are accepted.
fn is_charset_name(s: &str) -> bool {
    let registered_long = || {
        CHARSETS
            .iter()
            .flat_map(|(n, others)| std::iter::once(n).chain(*others))
            .any(|n| n.eq_ignore_ascii_case(s))
    };
    s.bytes().all(|b| b.is_ascii_graphic()) && ((1..=40).contains(&s.len()) || registered_long())
}

/// Common character sets of the IANA registry: the name STIX requires
/// (the preferred MIME name where the registry defines one, its Name
/// otherwise), then the registry's other names and aliases for it.
const CHARSETS: &[(&str, &[&str])] = &[
    (
        "US-ASCII",
        &[
            "ANSI_X3.4-1968",
            "iso-ir-6",
            "ANSI_X3.4-1986",
            "ISO_646.irv:1991",
            "ISO646-US",
            "us",
            "IBM367",
            "cp367",
            "csASCII",
        ],
    ),
    (
        "ISO-8859-1",
        &[
            "ISO_8859-1:1987",
            "iso-ir-100",
            "ISO_8859-1",
            "latin1",
            "l1",
            "IBM819",
            "CP819",
            "csISOLatin1",
        ],
    ),
    (
        "ISO-8859-2",
        &[
            "ISO_8859-2:1987",
            "iso-ir-101",
            "ISO_8859-2",
            "latin2",
            "l2",
            "csISOLatin2",
        ],
    ),
    (
        "ISO-8859-3",
        &[
            "ISO_8859-3:1988",
            "iso-ir-109",
            "ISO_8859-3",
            "latin3",
            "l3",
            "csISOLatin3",
        ],
    ),
    (
        "ISO-8859-4",
        &[
            "ISO_8859-4:1988",
            "iso-ir-110",
            "ISO_8859-4",
            "latin4",
            "l4",
            "csISOLatin4",
        ],
    ),
    (
        "ISO-8859-5",
        &[
            "ISO_8859-5:1988",
            "iso-ir-144",
            "ISO_8859-5",
            "cyrillic",
            "csISOLatinCyrillic",
        ],
    ),
    (
        "ISO-8859-6",
        &[
            "ISO_8859-6:1987",
            "iso-ir-127",
            "ISO_8859-6",
            "ECMA-114",
            "ASMO-708",
            "arabic",
            "csISOLatinArabic",
        ],
    ),
    (
        "ISO-8859-7",
        &[
            "ISO_8859-7:1987",
            "iso-ir-126",
            "ISO_8859-7",
            "ELOT_928",
            "ECMA-118",
            "greek",
            "greek8",
            "csISOLatinGreek",
        ],
    ),
    (
        "ISO-8859-8",
        &[
            "ISO_8859-8:1988",
            "iso-ir-138",
            "ISO_8859-8",
            "hebrew",
            "csISOLatinHebrew",
        ],
    ),
    (
        "ISO-8859-9",
        &[
            "ISO_8859-9:1989",
            "iso-ir-148",
            "ISO_8859-9",
            "latin5",
            "l5",
            "csISOLatin5",
        ],
    ),
    (
        "ISO-8859-10",
        &[
            "iso-ir-157",
            "l6",
            "ISO_8859-10:1992",
            "csISOLatin6",
            "latin6",
        ],
    ),
    ("ISO-8859-13", &["csISO885913"]),
    (
        "ISO-8859-14",
        &[
            "iso-ir-199",
            "ISO_8859-14:1998",
            "ISO_8859-14",
            "latin8",
            "iso-celtic",
            "l8",
            "csISO885914",
        ],
    ),
    ("ISO-8859-15", &["ISO_8859-15", "Latin-9", "csISO885915"]),
    (
        "ISO-8859-16",
        &[
            "iso-ir-226",
            "ISO_8859-16:2001",
            "ISO_8859-16",
            "latin10",
            "l10",
            "csISO885916",
        ],
    ),
    ("UTF-8", &["csUTF8"]),
    ("UTF-7", &["csUTF7"]),
    ("UTF-16", &["csUTF16"]),
    ("UTF-16BE", &["csUTF16BE"]),
    ("UTF-16LE", &["csUTF16LE"]),
    ("UTF-32", &["csUTF32"]),
    ("UTF-32BE", &["csUTF32BE"]),
    ("UTF-32LE", &["csUTF32LE"]),
    ("ISO-10646-UCS-2", &["csUnicode"]),
    ("ISO-10646-UCS-4", &["csUCS4"]),
    ("windows-1250", &["cswindows1250"]),
    ("windows-1251", &["cswindows1251"]),
    ("windows-1252", &["cswindows1252"]),
    ("windows-1253", &["cswindows1253"]),
    ("windows-1254", &["cswindows1254"]),
    ("windows-1255", &["cswindows1255"]),
    ("windows-1256", &["cswindows1256"]),
    ("windows-1257", &["cswindows1257"]),
    ("windows-1258", &["cswindows1258"]),
    ("windows-874", &["cswindows874"]),
    ("Windows-31J", &["csWindows31J"]),
    ("KOI8-R", &["csKOI8R"]),
    ("KOI8-U", &["csKOI8U"]),
    ("Shift_JIS", &["MS_Kanji", "csShiftJIS"]),
    (
        "EUC-JP",
        &[
            "Extended_UNIX_Code_Packed_Format_for_Japanese",
            "csEUCPkdFmtJapanese",
        ],
    ),
    ("ISO-2022-JP", &["csISO2022JP"]),
    ("ISO-2022-JP-2", &["csISO2022JP2"]),
    ("EUC-KR", &["csEUCKR"]),
    ("ISO-2022-KR", &["csISO2022KR"]),
    (
        "KS_C_5601-1987",
        &[
            "iso-ir-149",
            "KS_C_5601-1989",
            "KSC_5601",
            "korean",
            "csKSC56011987",
        ],
    ),
    ("GB2312", &["csGB2312"]),
    ("GBK", &["CP936", "MS936", "windows-936", "csGBK"]),
    ("GB18030", &["csGB18030"]),
    ("Big5", &["csBig5"]),
    ("Big5-HKSCS", &["csBig5HKSCS"]),
    ("TIS-620", &["csTIS620"]),
    ("IBM437", &["cp437", "437", "csPC8CodePage437"]),
    ("IBM850", &["cp850", "850", "csPC850Multilingual"]),
    ("IBM852", &["cp852", "852", "csPCp852"]),
    ("IBM866", &["cp866", "866", "csIBM866"]),
    ("macintosh", &["mac", "csMacintosh"]),
];

/// Checks a syntactically valid charset name at `key` against [`CHARSETS`]:
/// another name or alias of a listed character set is an error (§6.3, §6.7:
/// the preferred MIME name, or else the Name, MUST be used); a name not
/// listed is a warning (it may be registered, but it is not common).
/// Character set names compare case-insensitively (RFC 2978 §2.3).
pub(crate) fn check_charset_registry(ctx: &mut Ctx<'_>, obj: &Object<'_>, key: &str) {
    let Some(value) = obj
        .get(key)
        .and_then(|v| v.as_str())
        .filter(|v| is_charset_name(v))
    else {
        return;
    };
    for (required, others) in CHARSETS {
        if required.eq_ignore_ascii_case(value) {
            return;
        }
        if others.iter().any(|o| o.eq_ignore_ascii_case(value)) {
            return ctx.error_at(
                key,
                "character-set",
                format!("must be '{required}': '{value}' is another IANA name for that character set, and STIX requires the preferred MIME name"),
            );
        }
    }
    ctx.warn_at(
        key,
        "character-set",
        format!("'{value}' is not a commonly registered IANA character set name"),
    );
}

/// A CPE 2.3 formatted string (NISTIR 7695 §6.2; the pattern of the NVD
/// CPE 2.3 dictionary schema): `cpe:2.3:` and eleven `:`-separated
/// components, where `\` quotes the next character.
fn is_cpe23(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("cpe:2.3:") else {
        return false;
    };
    let Some(components) = split_unquoted(rest) else {
        return false;
    };
    if components.len() != 11 {
        return false;
    }
    let part_ok = matches!(components[0], "a" | "h" | "o" | "*" | "-");
    let lang_ok = is_cpe_language(components[6]);
    let others_ok = components[1..6]
        .iter()
        .chain(&components[7..])
        .all(|c| is_avstring(c));
    part_ok && lang_ok && others_ok
}

/// Splits at `:` not preceded by a quoting `\`; `None` for a trailing `\`.
fn split_unquoted(s: &str) -> Option<Vec<&str>> {
    let b = s.as_bytes();
    let (mut out, mut start, mut i) = (Vec::new(), 0, 0);
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 >= b.len() => return None,
            b'\\' => i += 2,
            b':' => {
                out.push(&s[start..i]);
                start = i + 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    out.push(&s[start..]);
    Some(out)
}

/// `avstring`: `*` or `-` alone (ANY, NA), or one or more unreserved or
/// quoted characters, optionally led by `?`s or one `*` and ended by `?`s
/// or one `*` (unquoted wildcards only at the ends).
fn is_avstring(s: &str) -> bool {
    if s == "*" || s == "-" {
        return true;
    }
    let b = s.as_bytes();
    let lead = if b.first() == Some(&b'*') {
        1
    } else {
        b.iter().take_while(|&&c| c == b'?').count()
    };
    let mut end = b.len();
    if end > lead && b[end - 1] == b'*' && !quoted_at(b, end - 1) {
        end -= 1;
    } else {
        while end > lead && b[end - 1] == b'?' && !quoted_at(b, end - 1) {
            end -= 1;
        }
    }
    let body = &b[lead..end];
    if body.is_empty() {
        return false;
    }
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            c if c.is_ascii_alphanumeric() || c == b'-' || c == b'.' || c == b'_' => i += 1,
            b'\\' if body.get(i + 1).is_some_and(|c| c.is_ascii_punctuation()) => i += 2,
            _ => return false,
        }
    }
    true
}

/// True when `b[i]` is quoted by an odd run of backslashes before it.
fn quoted_at(b: &[u8], i: usize) -> bool {
    b[..i].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 1
}

/// The language component: `*`, `-`, or a language tag of 2-3 letters with
/// an optional 2-letter or 3-digit region.
fn is_cpe_language(s: &str) -> bool {
    if s == "*" || s == "-" {
        return true;
    }
    let (lang, region) = match s.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (s, None),
    };
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_alphabetic())
        && region.is_none_or(|r| {
            (r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()))
                || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        for ok in [
            "image/jpeg",
            "application/vnd.ms-excel",
            "application/x-dosexec",
            "text/plain; charset=UTF-8",
            "application/atom+xml",
            "x-custom/thing",
        ] {
            assert!(is_media_type(ok), "{ok}");
        }
        for bad in [
            "",
            "jpeg",
            "image/",
            "/jpeg",
            "image/jp eg",
            "image/jpeg/x",
            "image/jpeg; charset",
            ".image/jpeg",
            "text/plain;",
        ] {
            assert!(!is_media_type(bad), "{bad}");
        }
    }

    #[test]
    fn charset_names() {
        assert!(is_charset_name("UTF-8"));
        assert!(is_charset_name("ISO_8859-1:1987"));
        assert!(!is_charset_name(""));
        assert!(!is_charset_name("UTF 8"));
        assert!(!is_charset_name("ünïcode"));
        assert!(!is_charset_name(&"x".repeat(41)));
        // Every listed name is itself a valid name, and no name is listed twice.
        let mut seen = std::collections::HashSet::new();
        for (required, others) in CHARSETS {
            for name in std::iter::once(required).chain(others.iter()) {
                assert!(
                    is_charset_name(name) && name.bytes().all(|b| b.is_ascii_graphic()),
                    "{name}"
                );
                assert!(
                    seen.insert(name.to_ascii_lowercase()),
                    "{name} listed twice"
                );
            }
        }
    }

    #[test]
    fn cpe() {
        for ok in [
            "cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*",
            "cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:x64:*",
            "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
            "cpe:2.3:a:foo\\:bar:baz:1.0:*:*:en-us:*:*:*:*",
            "cpe:2.3:a:apache:http_server:2.4.*:*:*:*:*:*:*:*",
            "cpe:2.3:a:vendor:?product??:1.0:*:*:es-419:*:*:*:*",
            "cpe:2.3:*:-:-:-:-:-:-:-:-:-:-",
            "cpe:2.3:h:cisco:asa_5505:-:*:*:*:*:*:*:*",
            "cpe:2.3:a:acme:product\\!:1.0:*:*:*:*:*:*:*",
        ] {
            assert!(is_cpe23(ok), "{ok}");
        }
        for bad in [
            "cpe:/a:microsoft:word:2000",
            "cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*",
            "cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*:*",
            "cpe:2.3:x:microsoft:word:2000:*:*:*:*:*:*:*",
            "cpe:2.3:a:micro soft:word:2000:*:*:*:*:*:*:*",
            "cpe:2.3:a:microsoft:word:20*00:*:*:*:*:*:*:*",
            "cpe:2.3:a:microsoft:word::*:*:*:*:*:*:*",
            "cpe:2.3:a:microsoft:word:2000:*:*:english:*:*:*:*",
            "cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:\\",
            "cpe:2.3:a:microsoft:word:**:*:*:*:*:*:*:*",
            "CPE:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*",
            "",
        ] {
            assert!(!is_cpe23(bad), "{bad}");
        }
    }
}
