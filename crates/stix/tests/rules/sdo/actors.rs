//! campaign, intrusion-set, threat-actor.

use crate::kit::*;

const CAMPAIGN: &str = r#"{
    "type": "campaign",
    "spec_version": "2.1",
    "id": "campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "created": "2016-04-06T20:03:00.000Z",
    "modified": "2016-04-06T20:03:00.000Z",
    "name": "Green Group Attacks Against Finance",
    "description": "Campaign by Green Group against a series of targets in the financial services sector.",
    "aliases": ["Operation Green"],
    "first_seen": "2016-01-08T12:50:40.123Z",
    "last_seen": "2016-03-30T08:00:00Z",
    "objective": "Steal payment card data"
}"#;

#[test]
fn campaign() {
    clean(CAMPAIGN);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("name")], &["E name required-property"]),
        (&[Set("last_seen", r#""2016-01-08T12:50:40.123Z""#)], &[]),
        (&[Set("last_seen", r#""2016-01-08T12:50:40.122Z""#)], &["E last_seen timestamp-order"]),
        (&[Remove("last_seen")], &[]),
        (&[Set("objective", r#"["steal"]"#)], &["E objective json-type"]),
        (&[Set("aliases", "[]")], &["E aliases empty-value"]),
        (&[Set("first_seen", r#""2016-01-08T12:50:40+01:00""#)], &["E first_seen timestamp"]),
    ];
    for (patches, expected) in rows {
        check_patched(CAMPAIGN, patches, expected);
    }
}

const INTRUSION_SET: &str = r#"{
    "type": "intrusion-set",
    "spec_version": "2.1",
    "id": "intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29",
    "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "created": "2016-04-06T20:03:48.000Z",
    "modified": "2016-04-06T20:03:48.000Z",
    "name": "Bobcat Breakin",
    "description": "Incidents usually feature a shared TTP of a bobcat being released within the building containing network access.",
    "aliases": ["Zookeeper"],
    "first_seen": "2015-06-01T00:00:00Z",
    "last_seen": "2016-04-01T00:00:00Z",
    "goals": ["acquisition-theft", "harassment", "damage"],
    "resource_level": "organization",
    "primary_motivation": "organizational-gain",
    "secondary_motivations": ["personal-gain"]
}"#;

#[test]
fn intrusion_set() {
    clean(INTRUSION_SET);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("name")], &["E name required-property"]),
        (&[Set("last_seen", r#""2015-05-31T23:59:59Z""#)], &["E last_seen timestamp-order"]),
        (&[Set("goals", "[]")], &["E goals empty-value"]),
        (&[Set("goals", r#""damage""#)], &["E goals json-type"]),
        (&[Set("resource_level", r#""nation""#)], &["W resource_level attack-resource-level"]),
        (&[Set("resource_level", r#"["team"]"#)], &["E resource_level json-type"]),
        (&[Set("primary_motivation", r#""money""#)], &["W primary_motivation attack-motivation"]),
        (&[Set("secondary_motivations", r#"["ideology", "Money"]"#)], &["W secondary_motivations[1] attack-motivation", "W secondary_motivations[1] open-vocab-format"]),
        (&[Set("secondary_motivations", r#""ideology""#)], &["E secondary_motivations json-type"]),
    ];
    for (patches, expected) in rows {
        check_patched(INTRUSION_SET, patches, expected);
    }
}

const THREAT_ACTOR: &str = r#"{
    "type": "threat-actor",
    "spec_version": "2.1",
    "id": "threat-actor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "created": "2016-04-06T20:03:48.000Z",
    "modified": "2016-04-06T20:03:48.000Z",
    "threat_actor_types": ["crime-syndicate"],
    "name": "Evil Org",
    "description": "The Evil Org threat actor group",
    "aliases": ["Syndicate 1", "Evil Syndicate 99"],
    "first_seen": "2014-01-01T00:00:00Z",
    "last_seen": "2016-04-01T00:00:00Z",
    "roles": ["director"],
    "goals": ["Steal bank money", "Steal credit cards"],
    "sophistication": "advanced",
    "resource_level": "team",
    "primary_motivation": "organizational-gain",
    "secondary_motivations": ["dominance"],
    "personal_motivations": ["personal-gain"]
}"#;

#[test]
fn threat_actor() {
    clean(THREAT_ACTOR);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        (&[Remove("name")], &["E name required-property"]),
        (&[Set("last_seen", r#""2013-12-31T23:59:59Z""#)], &["E last_seen timestamp-order"]),
        (&[Set("threat_actor_types", r#"["apt"]"#)], &["W threat_actor_types[0] threat-actor-types"]),
        (&[Set("threat_actor_types", r#"["private-sector"]"#)], &[]),
        (&[Set("roles", r#"["boss"]"#)], &["W roles[0] threat-actor-role"]),
        (&[Set("sophistication", r#""elite""#)], &["W sophistication threat-actor-sophistication"]),
        (&[Set("sophistication", r#"["advanced"]"#)], &["E sophistication json-type"]),
        (&[Set("resource_level", r#""state""#)], &["W resource_level attack-resource-level"]),
        (&[Set("primary_motivation", r#""fame""#)], &["W primary_motivation attack-motivation"]),
        (&[Set("secondary_motivations", r#"["fame"]"#)], &["W secondary_motivations[0] attack-motivation"]),
        (&[Set("personal_motivations", r#"["fame"]"#)], &["W personal_motivations[0] attack-motivation"]),
        (&[Set("personal_motivations", "[]")], &["E personal_motivations empty-value"]),
        (&[Set("goals", r#"[1]"#)], &["E goals[0] json-type"]),
    ];
    for (patches, expected) in rows {
        check_patched(THREAT_ACTOR, patches, expected);
    }
}
