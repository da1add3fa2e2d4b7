//! `email-addr` and `email-message` (§6.5, §6.6).

use super::{Row, rows};
use crate::kit::*;

const EMAIL_ADDR: &str = r#"{
    "type": "email-addr",
    "spec_version": "2.1",
    "id": "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934",
    "value": "john@example.com",
    "display_name": "John Doe",
    "belongs_to_ref": "user-account--f94d689e-707d-58c3-b803-c720bb6ed096"
}"#;

#[test]
fn email_addr() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("value")], &["E value required-property"]),
        (&[Set("value", r#""john.doe+stix@mail.example.com""#)], &[]),
        (&[Set("value", r#""\"john doe\"@example.com""#)], &[]),
        (&[Set("value", r#""John Doe <john@example.com>""#)], &["E value format"]),
        (&[Set("value", r#""<john@example.com>""#)], &["E value format"]),
        (&[Set("value", r#""john.example.com""#)], &["E value format"]),
        (&[Set("value", r#""john..doe@example.com""#)], &["E value format"]),
        (&[Set("display_name", "7")], &["E display_name json-type"]),
        (&[Set("belongs_to_ref", r#""identity--311b2d2d-f010-4473-83ec-1edf84858f4c""#)], &["E belongs_to_ref reference-type"]),
    ];
    rows(EMAIL_ADDR, &["value"], table);
}

const EMAIL_MESSAGE: &str = r#"{
    "type": "email-message",
    "spec_version": "2.1",
    "id": "email-message--5f4d3224-2e34-5ab9-96b7-727fcb108818",
    "is_multipart": false,
    "date": "1997-11-21T15:55:06.000Z",
    "content_type": "text/plain; charset=utf-8",
    "from_ref": "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934",
    "sender_ref": "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934",
    "to_refs": ["email-addr--6deb37bd-12b7-54ae-805f-5f7146f3d171"],
    "cc_refs": ["email-addr--6deb37bd-12b7-54ae-805f-5f7146f3d171"],
    "message_id": "<1234@local.machine.example>",
    "subject": "Saying Hello",
    "received_lines": ["from mail.example.com ([198.51.100.3]) by smtp.gmail.com with ESMTPSA id q23sm23309939wme.17.2016.07.19.07.20.32"],
    "additional_header_fields": {
        "Reply-To": ["steve@example.com", "jane@example.com"],
        "X-Mailer": ["Mutt/1.5.23"]
    },
    "body": "This is a message just to say hello.",
    "raw_email_ref": "artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641"
}"#;

const EMAIL_MESSAGE_IDC: &[&str] = &["from_ref", "subject", "body"];

#[test]
fn email_message() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("is_multipart")], &["E is_multipart required-property"]),
        (&[Set("is_multipart", r#""false""#)], &["E is_multipart json-type"]),
        (&[Set("is_multipart", "true")], &["E body property-dependency"]),
        (&[Set("body_multipart", r#"[{"body": "part 1"}]"#)], &["E body_multipart property-dependency"]),
        (&[Set("date", r#""Fri, 21 Nov 1997 09:55:06 -0600""#)], &["E date timestamp"]),
        (&[Set("from_ref", r#""user-account--f94d689e-707d-58c3-b803-c720bb6ed096""#)], &["E from_ref reference-type"]),
        (&[Set("sender_ref", r#""identity--311b2d2d-f010-4473-83ec-1edf84858f4c""#)], &["E sender_ref reference-type"]),
        (&[Set("to_refs", r#"["email-addr--6deb37bd-12b7-54ae-805f-5f7146f3d171", "url--47c3cf9a-5027-5bf0-997a-017c7edc7c55"]"#)], &["E to_refs[1] reference-type"]),
        (&[Set("cc_refs", r#"["domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"]"#)], &["E cc_refs[0] reference-type"]),
        (&[Set("bcc_refs", r#"["email-addr--6deb37bd-12b7-54ae-805f-5f7146f3d171"]"#)], &[]),
        (&[Set("bcc_refs", "[]")], &["E bcc_refs empty-value"]),
        (&[Set("raw_email_ref", r#""file--41582d78-96c3-56dc-875e-e5227324267b""#)], &["E raw_email_ref reference-type"]),
        (&[Set("additional_header_fields", r#"{"X-Mailer": "Mutt/1.5.23"}"#)], &["E additional_header_fields.X-Mailer json-type"]),
        (&[Set("additional_header_fields", r#"{"X-Mailer": ["Mutt", 1]}"#)], &["E additional_header_fields.X-Mailer[1] json-type"]),
        (&[Set("additional_header_fields", r#"{"X Mailer": ["Mutt"]}"#)], &["E additional_header_fields.X Mailer dictionary-key"]),
        (&[Set("received_lines", r#"[]"#)], &["E received_lines empty-value"]),
        // §6.6: RFC 2047 encoded words MUST be decoded.
        (&[Set("subject", r#""=?iso-8859-1?q?this=20is=20some=20text?=""#)], &["E subject format"]),
        (&[Set("subject", r#""Re: =?UTF-8?B?w6TDtsO8?=""#)], &["E subject format"]),
        (&[Set("subject", r#""this is some text ?= =? fine""#)], &[]),
        (&[Set("additional_header_fields", r#"{"Thread-Topic": ["ok", "=?utf-8?Q?Gr=C3=BC=C3=9Fe?="]}"#)], &["E additional_header_fields.Thread-Topic[1] format"]),
        (&[Set("received_lines", r#"["from =?utf-8?q?h=C3=B6st?= by mx"]"#)], &["E received_lines[0] format"]),
    ];
    rows(EMAIL_MESSAGE, EMAIL_MESSAGE_IDC, table);
}

/// A multipart message (the spec's "Complex MIME Email Message", §6.6).
const MULTIPART: &str = r#"{
    "type": "email-message",
    "spec_version": "2.1",
    "id": "email-message--252017b3-747a-54cf-a1cb-a5c3867ffd86",
    "is_multipart": true,
    "received_lines": ["from mail.example.com ([198.51.100.3]) by smtp.gmail.com with ESMTPSA id q23sm23309939wme.17.2016.07.19.07.20.32 (version=TLS1_2 cipher=ECDHE-RSA-AES128-GCM-SHA256 bits=128/128)"],
    "content_type": "multipart/mixed",
    "date": "2016-06-19T14:20:40.000Z",
    "from_ref": "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934",
    "to_refs": ["email-addr--6deb37bd-12b7-54ae-805f-5f7146f3d171"],
    "cc_refs": ["email-addr--6deb37bd-12b7-54ae-805f-5f7146f3d171"],
    "subject": "Check out this picture of a cat!",
    "additional_header_fields": {
        "Content-Disposition": ["inline"],
        "X-Mailer": ["Mutt/1.5.23"],
        "X-Originating-IP": ["198.51.100.3"]
    },
    "body_multipart": [
        {
            "content_type": "text/plain; charset=utf-8",
            "content_disposition": "inline",
            "body": "Cats are funny!"
        },
        {
            "content_type": "image/png",
            "content_disposition": "attachment; filename=\"tabby.png\"",
            "body_raw_ref": "artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641"
        },
        {
            "content_type": "application/zip",
            "content_disposition": "attachment; filename=\"tabby_pics.zip\"",
            "body_raw_ref": "file--41582d78-96c3-56dc-875e-e5227324267b"
        }
    ]
}"#;

#[test]
fn email_message_multipart() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Set("is_multipart", "false")], &["E body_multipart property-dependency"]),
        (&[Set("body", r#""Cats are funny!""#)], &["E body property-dependency"]),
        (&[Set("body_multipart", "[]")], &["E body_multipart empty-value"]),
        (&[Set("body_multipart", r#"[{"content_type": "text/plain"}]"#)], &["E body_multipart[0] at-least-one-of"]),
        (&[Set("body_multipart", r#"[{"body": "hi", "body_raw_ref": "artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641"}]"#)], &["E body_multipart[0].body_raw_ref mutually-exclusive"]),
        (&[Set("body_multipart", r#"[{"body_raw_ref": "url--47c3cf9a-5027-5bf0-997a-017c7edc7c55"}]"#)], &["E body_multipart[0].body_raw_ref reference-type"]),
        (&[Set("body_multipart", r#"["Cats are funny!"]"#)], &["E body_multipart[0] json-type"]),
        (&[Set("body_multipart", r#"[{"body": "hi", "content_transfer_encoding": "base64"}]"#)], &["W body_multipart[0].content_transfer_encoding custom-property"]),
    ];
    rows(MULTIPART, EMAIL_MESSAGE_IDC, table);
}
