//! indicator, and the checks of its STIX pattern.

use crate::kit::*;

const INDICATOR: &str = r#"{
    "type": "indicator",
    "spec_version": "2.1",
    "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "created": "2016-04-06T20:03:48.000Z",
    "modified": "2016-04-06T20:03:48.000Z",
    "name": "Poison Ivy Malware",
    "description": "This file is part of Poison Ivy",
    "indicator_types": ["malicious-activity"],
    "pattern": "[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c']",
    "pattern_type": "stix",
    "valid_from": "2016-01-01T00:00:00Z"
}"#;

#[test]
fn indicator() {
    clean(INDICATOR);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("pattern")], &["E pattern required-property"]),
        (&[Remove("pattern_type")], &["E pattern_type required-property"]),
        (&[Remove("valid_from")], &["E valid_from required-property"]),
        // valid_until must be strictly later than valid_from.
        (&[Set("valid_until", r#""2016-01-01T00:00:00Z""#)], &["E valid_until timestamp-order"]),
        (&[Set("valid_until", r#""2016-01-01T00:00:00.000001Z""#)], &[]),
        (&[Set("valid_until", r#""2017-01-01T00:00:00Z""#)], &[]),
        (&[Set("indicator_types", r#"["evil"]"#)], &["W indicator_types[0] indicator-types"]),
        (&[Set("indicator_types", r#"["Evil Thing"]"#)], &["W indicator_types[0] indicator-types", "W indicator_types[0] open-vocab-format"]),
        (&[Set("kill_chain_phases", r#"[{"kill_chain_name":"lockheed-martin-cyber-kill-chain","phase_name":"delivery"}]"#)], &[]),
        (&[Set("kill_chain_phases", r#"[{"kill_chain_name":"lockheed-martin-cyber-kill-chain"}]"#)], &["E kill_chain_phases[0].phase_name required-property"]),
        (&[Set("pattern_type", r#""kql""#)], &["W pattern_type indicator-pattern-types"]),
        (&[Set("pattern_version", "2.1")], &["E pattern_version json-type"]),
        (&[Set("pattern_version", r#""2.1""#)], &[]),
        // SHOULD provide name and description (stix2-validator 303).
        (&[Remove("name")], &["W name indicator-properties"]),
        (&[Remove("name"), Remove("description")], &["W name indicator-properties", "W description indicator-properties"]),
    ];
    for (patches, expected) in rows {
        check_patched(INDICATOR, patches, expected);
    }
}

#[test]
fn indicator_pattern() {
    let p = "E pattern pattern";
    #[rustfmt::skip]
    let rows: &[(&str, &[&str])] = &[
        // The specification's own patterns (§4.7, §9.8).
        ("[ file:hashes.'SHA-256' = '4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877' ]", &[]),
        ("[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']", &[]),
        ("[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128']", &[]),
        ("[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS", &[]),
        ("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]", &[]),
        ("[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']", &[]),
        ("[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']", &[]),
        // Syntax errors, and semantic errors of the pattern module.
        ("file:name = 'a.exe'", &[p]),
        ("[file:name = 'a.exe'] within 5 seconds", &[p]),
        ("[file:size = 1] WITHIN 0 SECONDS", &[p]),
        ("[file:hashes.MD5 = '3773a88f65a5e780c8dff9cdc3a056']", &[p]),
        ("[File:name = 'a.exe']", &[p]),
        ("", &[p]),
        // Object types: SCOs or custom types, never other STIX objects.
        ("[indicator:name = 'Poison Ivy']", &[p]),
        ("[x-acme-widget:x_color = 'red']", &[]),
        ("[x-acme-widget:id = 'x-acme-widget--f3eb7fc7-645d-4793-b0cf-d853385c1b68']", &[]),
        // First properties: the SCO's own, or valid custom names.
        ("[file:x_acme_tag = 'a']", &[]),
        ("[file:Name = 'a.exe']", &[p]),
        ("[file:nm = 'a.exe']", &[p]),
        ("[file:name = 'a.exe' AND file:Size > 10 AND file:x = 'y']", &[p, p]),
        ("[x-acme-widget:ID = 'a']", &[p]),
    ];
    for (pattern, expected) in rows {
        // Debug formatting quotes and escapes like JSON for these ASCII patterns.
        let value = format!("{pattern:?}");
        check_patched(INDICATOR, &[Set("pattern", &value)], expected);
    }
    // Only `stix` patterns are parsed.
    check_patched(
        INDICATOR,
        &[
            Set("pattern_type", r#""yara""#),
            Set("pattern", r#""rule poison_ivy { condition: true }""#),
        ],
        &[],
    );
    check_patched(
        INDICATOR,
        &[
            Set("pattern_type", r#""snort""#),
            Set("pattern", r#""[file:name = ""#),
        ],
        &[],
    );
    check_patched(INDICATOR, &[Set("pattern", "42")], &["E pattern json-type"]);
}

/// Pattern findings say where in the pattern the problem is.
#[test]
fn indicator_pattern_messages() {
    let json = patched(
        INDICATOR,
        &[Set("pattern", r#""[file:size = 1] WITHIN 0 SECONDS""#)],
    );
    let value = liaison_stix::json::parse(&json).unwrap();
    let messages: Vec<String> = liaison_stix::validate_document(&value)
        .iter()
        .map(|f| f.to_string())
        .collect();
    assert_eq!(
        messages,
        [
            "pattern: invalid STIX pattern at byte 23: WITHIN needs a positive number of seconds, found 0"
        ]
    );

    let json = patched(
        INDICATOR,
        &[Set(
            "pattern",
            r#""[file:name = 'a' OR indicator:Name = 'b']""#,
        )],
    );
    let value = liaison_stix::json::parse(&json).unwrap();
    let messages: Vec<String> = liaison_stix::validate_document(&value)
        .iter()
        .map(|f| f.to_string())
        .collect();
    assert_eq!(
        messages,
        [
            "pattern: invalid STIX pattern at byte 20: 'indicator' is not a cyber-observable type: patterns match cyber-observable objects"
        ]
    );

    let json = patched(INDICATOR, &[Set("pattern", r#""[file:Name = 'a']""#)]);
    let value = liaison_stix::json::parse(&json).unwrap();
    let messages: Vec<String> = liaison_stix::validate_document(&value)
        .iter()
        .map(|f| f.to_string())
        .collect();
    assert_eq!(
        messages,
        [
            "pattern: invalid STIX pattern at byte 6: 'Name' is neither a property of file nor a valid custom property name (3 to 250 characters of a-z, 0-9 and _)"
        ]
    );
}
