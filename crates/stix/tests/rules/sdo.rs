//! STIX Domain Objects (§4): one base object and a table of rows per type.

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
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("pattern")], &["E pattern required-property"]),
        (&[Remove("valid_from")], &["E valid_from required-property"]),
        (&[Set("valid_until", r#""2016-01-01T00:00:00Z""#)], &["E valid_until timestamp-order"]),
        (&[Set("valid_until", r#""2017-01-01T00:00:00Z""#)], &[]),
        (&[Set("indicator_types", r#"["evil"]"#)], &["W indicator_types[0] indicator-types"]),
        (&[Set("indicator_types", r#"["Evil Thing"]"#)], &["W indicator_types[0] indicator-types", "W indicator_types[0] open-vocab-format"]),
        (&[Set("kill_chain_phases", r#"[{"kill_chain_name":"lockheed-martin-cyber-kill-chain","phase_name":"delivery"}]"#)], &[]),
        (&[Set("kill_chain_phases", r#"[{"kill_chain_name":"lockheed-martin-cyber-kill-chain"}]"#)], &["E kill_chain_phases[0].phase_name required-property"]),
    ];
    for (patches, expected) in rows {
        check_patched(INDICATOR, patches, expected);
    }
}
