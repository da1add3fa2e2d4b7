//! `email-addr` and `email-message` with its `email-mime-part-type`
//! (STIX 2.1 §6.5, §6.6).

use crate::json::{Object, Value};
use crate::validate::ctx::{Ctx, code};
use crate::validate::types::{Def, Kind, Refs, Ty, opt, req};

use super::syntax;

/// `email-addr` (§6.5).
pub(super) static EMAIL_ADDR: Def = Def {
    name: "email-addr",
    kind: Kind::Sco,
    props: &[
        req("value", Ty::Str(&syntax::EMAIL_ADDRESS)),
        opt("display_name", Ty::String),
        opt("belongs_to_ref", Ty::Ref(Refs::Only(&["user-account"]))),
    ],
    rules: None,
    id_contributing: &["value"],
};

static MIME_PART_TY: Ty = Ty::Struct(&EMAIL_MIME_PART);

/// `email-message` (§6.6).
pub(super) static EMAIL_MESSAGE: Def = Def {
    name: "email-message",
    kind: Kind::Sco,
    props: &[
        req("is_multipart", Ty::Boolean),
        opt("date", Ty::Timestamp),
        opt("content_type", Ty::String),
        opt("from_ref", Ty::Ref(Refs::Only(&["email-addr"]))),
        opt("sender_ref", Ty::Ref(Refs::Only(&["email-addr"]))),
        opt("to_refs", Ty::List(&Ty::Ref(Refs::Only(&["email-addr"])))),
        opt("cc_refs", Ty::List(&Ty::Ref(Refs::Only(&["email-addr"])))),
        opt("bcc_refs", Ty::List(&Ty::Ref(Refs::Only(&["email-addr"])))),
        opt("message_id", Ty::String),
        opt("subject", Ty::String),
        opt("received_lines", Ty::List(&Ty::String)),
        opt(
            "additional_header_fields",
            Ty::DictOf(&Ty::List(&Ty::String)),
        ),
        opt("body", Ty::String),
        opt("body_multipart", Ty::List(&MIME_PART_TY)),
        opt("raw_email_ref", Ty::Ref(Refs::Only(&["artifact"]))),
    ],
    rules: Some(email_message_rules),
    id_contributing: &["from_ref", "subject", "body"],
};

fn email_message_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    match obj.get("is_multipart").and_then(Value::as_bool) {
        Some(true) if obj.contains_key("body") => ctx.error_at(
            "body",
            code::DEPENDENCY,
            "must not be used when is_multipart is true: use body_multipart (email-message)",
        ),
        Some(false) if obj.contains_key("body_multipart") => ctx.error_at(
            "body_multipart",
            code::DEPENDENCY,
            "must not be used when is_multipart is false: use body (email-message)",
        ),
        _ => {}
    }
    // §6.6: header values encoded as RFC 2047 encoded words MUST be decoded.
    if let Some(s) = obj.get("subject").and_then(Value::as_str) {
        encoded_word(ctx, s, |ctx, m| ctx.error_at("subject", code::FORMAT, m));
    }
    if let Some(lines) = obj.get("received_lines").and_then(Value::as_array) {
        for (i, line) in lines.iter().enumerate() {
            if let Some(s) = line.as_str() {
                encoded_word(ctx, s, |ctx, m| {
                    ctx.at_key("received_lines", |ctx| {
                        ctx.at_index(i, |ctx| ctx.error(code::FORMAT, m))
                    })
                });
            }
        }
    }
    if let Some(fields) = obj
        .get("additional_header_fields")
        .and_then(Value::as_object)
    {
        for (name, values) in fields.iter() {
            for (i, v) in values.as_array().unwrap_or_default().iter().enumerate() {
                if let Some(s) = v.as_str() {
                    encoded_word(ctx, s, |ctx, m| {
                        ctx.at_key("additional_header_fields", |ctx| {
                            ctx.at_key(name, |ctx| {
                                ctx.at_index(i, |ctx| ctx.error(code::FORMAT, m))
                            })
                        })
                    });
                }
            }
        }
    }
}

/// Reports through `report` when `s` contains an RFC 2047 encoded word.
fn encoded_word(ctx: &mut Ctx<'_>, s: &str, report: impl FnOnce(&mut Ctx<'_>, String)) {
    if let Some(word) = find_encoded_word(s) {
        report(
            ctx,
            format!(
                "contains the RFC 2047 encoded word '{word}': header values must be decoded (email-message)"
            ),
        );
    }
}

/// The first RFC 2047 encoded word in `s`:
/// `=?charset?B|Q?encoded-text?=`, without spaces or `?` inside the text.
fn find_encoded_word(s: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(start) = s[from..].find("=?").map(|i| i + from) {
        from = start + 2;
        let rest = &s[start + 2..];
        let Some((charset, rest)) = rest.split_once('?') else {
            continue;
        };
        let charset_ok = !charset.is_empty()
            && charset
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\"/[]?=".contains(&b));
        let Some(rest) = rest
            .strip_prefix(['B', 'b', 'Q', 'q'])
            .and_then(|r| r.strip_prefix('?'))
        else {
            continue;
        };
        let Some(end) = rest.find("?=") else { continue };
        let text = &rest[..end];
        if charset_ok && !text.is_empty() && !text.contains([' ', '?']) {
            let len = 2 + charset.len() + 3 + end + 2;
            return Some(&s[start..start + len]);
        }
    }
    None
}

/// `email-mime-part-type` (§6.6.2).
static EMAIL_MIME_PART: Def = Def {
    name: "email-mime-part-type",
    kind: Kind::Embedded,
    props: &[
        opt("body", Ty::String),
        opt("body_raw_ref", Ty::Ref(Refs::Only(&["artifact", "file"]))),
        opt("content_type", Ty::String),
        opt("content_disposition", Ty::String),
    ],
    rules: Some(mime_part_rules),
    id_contributing: &[],
};

fn mime_part_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    match (obj.contains_key("body"), obj.contains_key("body_raw_ref")) {
        (true, true) => ctx.error_at(
            "body_raw_ref",
            code::EXCLUSIVE,
            "must not be present together with body (email-mime-part-type)",
        ),
        (false, false) => ctx.error(
            code::AT_LEAST_ONE,
            "must have body or body_raw_ref (email-mime-part-type)",
        ),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::find_encoded_word;

    #[test]
    fn encoded_words() {
        assert_eq!(
            find_encoded_word("=?iso-8859-1?q?this=20is=20some=20text?="),
            Some("=?iso-8859-1?q?this=20is=20some=20text?=")
        );
        assert_eq!(
            find_encoded_word("Re: =?UTF-8?B?w6TDtsO8?= ok"),
            Some("=?UTF-8?B?w6TDtsO8?=")
        );
        for plain in [
            "this is some text",
            "a=?b",
            "=?utf-8?x?abc?=",
            "=??q?abc?=",
            "=?utf-8?q??=",
            "=?utf-8?q?a b?=",
            "x =? y ?= z",
        ] {
            assert_eq!(find_encoded_word(plain), None, "{plain}");
        }
    }
}
