//! attack-pattern, course-of-action, incident, infrastructure, tool,
//! vulnerability.

use crate::kit::*;

const ATTACK_PATTERN: &str = r#"{
    "type": "attack-pattern",
    "spec_version": "2.1",
    "id": "attack-pattern--7e33a43e-e34b-40ec-89da-36c9bb2cacd5",
    "created": "2016-05-12T08:17:27.000Z",
    "modified": "2016-05-12T08:17:27.000Z",
    "name": "Spear Phishing as Practiced by Adversary X",
    "description": "A particular form of spear phishing where the attacker claims that the target had won a contest.",
    "aliases": ["Contest Phish"],
    "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}],
    "external_references": [{"source_name": "capec", "external_id": "CAPEC-163"}]
}"#;

#[test]
fn attack_pattern() {
    clean(ATTACK_PATTERN);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("name")], &["E name required-property"]),
        (&[Set("name", "42")], &["E name json-type"]),
        (&[Remove("description"), Remove("aliases"), Remove("kill_chain_phases")], &[]),
        (&[Set("aliases", "[]")], &["E aliases empty-value"]),
        (&[Set("aliases", r#""Contest Phish""#)], &["E aliases json-type"]),
        (&[Set("aliases", r#"["ok", 7]"#)], &["E aliases[1] json-type"]),
        (&[Set("kill_chain_phases", "[]")], &["E kill_chain_phases empty-value"]),
        (&[Set("kill_chain_phases", r#"[{"phase_name":"initial-access"}]"#)], &["E kill_chain_phases[0].kill_chain_name required-property"]),
        (&[Set("kill_chain_phases", r#"[{"kill_chain_name":"MITRE ATT&CK","phase_name":"initial-access"}]"#)], &["W kill_chain_phases[0].kill_chain_name kill-chain-names"]),
        // CAPEC references: source_name capec needs external_id CAPEC-n.
        (&[Set("external_references", r#"[{"source_name":"capec","external_id":"163"}]"#)], &["E external_references[0].external_id format"]),
        (&[Set("defanged", "false")], &["E defanged property-not-applicable"]),
        (&[Set("x_acme_tactic", r#""phishing""#)], &["W x_acme_tactic custom-property"]),
    ];
    for (patches, expected) in rows {
        check_patched(ATTACK_PATTERN, patches, expected);
    }
}

const COURSE_OF_ACTION: &str = r#"{
    "type": "course-of-action",
    "spec_version": "2.1",
    "id": "course-of-action--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "created": "2016-04-06T20:03:48.000Z",
    "modified": "2016-04-06T20:03:48.000Z",
    "name": "Add TCP port 80 Filter Rule to the existing Block UDP 1434 Filter",
    "description": "This is how to add a filter rule to block inbound access to TCP port 80 to the existing UDP 1434 filter ..."
}"#;

#[test]
fn course_of_action() {
    clean(COURSE_OF_ACTION);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("name")], &["E name required-property"]),
        (&[Remove("description")], &[]),
        (&[Set("description", "[]")], &["E description json-type"]),
        // `action` is RESERVED (§4.3): it must not be present at all.
        (&[Set("action", r#"{"type":"block"}"#)], &["E action reserved-property"]),
        (&[Set("action_type", r#""textual:text/plain""#)], &["W action_type custom-property"]),
    ];
    for (patches, expected) in rows {
        check_patched(COURSE_OF_ACTION, patches, expected);
    }
}

const INCIDENT: &str = r#"{
    "type": "incident",
    "spec_version": "2.1",
    "id": "incident--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "created": "2016-04-06T20:03:48.000Z",
    "modified": "2016-04-06T20:03:48.000Z",
    "name": "Incident 43",
    "description": "This incident addresses APT 28 ..."
}"#;

#[test]
fn incident() {
    clean(INCIDENT);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("name")], &["E name required-property"]),
        (&[Set("description", "1")], &["E description json-type"]),
        (&[Set("modified", r#""2016-04-06T20:03:47.999Z""#)], &["E modified timestamp-order"]),
    ];
    for (patches, expected) in rows {
        check_patched(INCIDENT, patches, expected);
    }
}

const INFRASTRUCTURE: &str = r#"{
    "type": "infrastructure",
    "spec_version": "2.1",
    "id": "infrastructure--38c47d93-d984-4fd9-b87b-d69d0841628d",
    "created": "2016-05-07T11:22:30.000Z",
    "modified": "2016-05-07T11:22:30.000Z",
    "name": "Poison Ivy C2",
    "description": "Command and control servers of the Poison Ivy family",
    "infrastructure_types": ["command-and-control"],
    "aliases": ["PIVY C2"],
    "kill_chain_phases": [{"kill_chain_name": "lockheed-martin-cyber-kill-chain", "phase_name": "command-and-control"}],
    "first_seen": "2016-05-01T00:00:00Z",
    "last_seen": "2016-05-06T12:00:00.5Z"
}"#;

#[test]
fn infrastructure() {
    clean(INFRASTRUCTURE);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("name")], &["E name required-property"]),
        (&[Set("infrastructure_types", r#"["c2"]"#)], &["W infrastructure_types[0] infrastructure-types"]),
        (&[Set("infrastructure_types", r#"["Command And Control"]"#)], &["W infrastructure_types[0] infrastructure-types", "W infrastructure_types[0] open-vocab-format"]),
        (&[Set("infrastructure_types", "[]")], &["E infrastructure_types empty-value"]),
        (&[Set("infrastructure_types", r#""botnet""#)], &["E infrastructure_types json-type"]),
        // last_seen >= first_seen: equal is fine, earlier is not.
        (&[Set("last_seen", r#""2016-05-01T00:00:00Z""#)], &[]),
        (&[Set("last_seen", r#""2016-04-30T23:59:59.999Z""#)], &["E last_seen timestamp-order"]),
        (&[Remove("first_seen"), Set("last_seen", r#""2000-01-01T00:00:00Z""#)], &[]),
        (&[Set("first_seen", r#""2016-05-01""#)], &["E first_seen timestamp"]),
    ];
    for (patches, expected) in rows {
        check_patched(INFRASTRUCTURE, patches, expected);
    }
}

const TOOL: &str = r#"{
    "type": "tool",
    "spec_version": "2.1",
    "id": "tool--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "created": "2016-04-06T20:03:48.000Z",
    "modified": "2016-04-06T20:03:48.000Z",
    "name": "VNC",
    "description": "Remote desktop software",
    "tool_types": ["remote-access"],
    "aliases": ["Virtual Network Computing"],
    "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "lateral-movement"}],
    "tool_version": "4.1.3"
}"#;

#[test]
fn tool() {
    clean(TOOL);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("name")], &["E name required-property"]),
        (&[Set("tool_types", r#"["rat"]"#)], &["W tool_types[0] tool-types"]),
        (&[Set("tool_types", r#"["remote-access", "unknown"]"#)], &[]),
        (&[Set("tool_version", "4")], &["E tool_version json-type"]),
        (&[Set("kill_chain_phases", r#"[{"kill_chain_name":"mitre-attack","phase_name":"Lateral Movement"}]"#)], &["W kill_chain_phases[0].phase_name kill-chain-names"]),
    ];
    for (patches, expected) in rows {
        check_patched(TOOL, patches, expected);
    }
}

const VULNERABILITY: &str = r#"{
    "type": "vulnerability",
    "spec_version": "2.1",
    "id": "vulnerability--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
    "created": "2016-05-12T08:17:27.000Z",
    "modified": "2016-05-12T08:17:27.000Z",
    "name": "CVE-2016-1234",
    "description": "A buffer overflow in the blogging platform",
    "external_references": [{"source_name": "cve", "external_id": "CVE-2016-1234"}]
}"#;

#[test]
fn vulnerability() {
    clean(VULNERABILITY);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("name")], &["E name required-property"]),
        // CVE references: source_name cve needs the exact CVE identifier.
        (&[Set("external_references", r#"[{"source_name":"cve","external_id":"CVE-16-1234"}]"#)], &["E external_references[0].external_id format"]),
        (&[Set("external_references", r#"[{"source_name":"cve","external_id":"cve-2016-1234"}]"#)], &["E external_references[0].external_id format"]),
        (&[Set("external_references", r#"[{"source_name":"cve","external_id":"CVE-2021-44228"},{"source_name":"nvd","url":"https://nvd.nist.gov/vuln/detail/CVE-2021-44228","hashes":{"SHA-256":"a5b1e4b1f5cfa2e50e1f1c7e1f4f2c5d9b1ab1b0e6d8f0a9c0b2a3c4d5e6f708"}}]"#)], &[]),
    ];
    for (patches, expected) in rows {
        check_patched(VULNERABILITY, patches, expected);
    }
}
