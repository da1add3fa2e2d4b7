use super::*;
use crate::federation::testkit::{T0, indicator, pair};
use liaison_stix::json::parse;
use liaison_stix::tlp::Tlp;
use liaison_stix::{Severity, validate_object};

const IDENTITY: &str = "identity--6b8a6d4c-1f5e-4f6a-9a8e-3c2b1d0e9f7a";

fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

fn assert_valid(stix: &Value<'_>) {
    let errors: Vec<_> = validate_object(stix)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?} in {stix}");
}

fn observable() -> Value<'static> {
    parse(r#"{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.1"}"#)
        .unwrap()
        .into_owned()
}

fn relationship() -> Value<'static> {
    parse(r#"{"type":"relationship","spec_version":"2.1","id":"relationship--2f9a9aa9-108a-4333-83e2-4fb25add0463","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-01T00:00:00.000Z","relationship_type":"indicates","source_ref":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","target_ref":"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"}"#)
        .unwrap()
        .into_owned()
}

fn seen_draft() -> ReactionDraft {
    ReactionDraft {
        count: Some(3),
        first_seen: Some(ts("2025-06-01T00:00:00Z")),
        last_seen: Some(ts("2025-06-14T12:00:00.5Z")),
        note: Some("on two mail relays".into()),
        ..ReactionDraft::new(ReactionKind::Seen)
    }
}

#[test]
fn seen_of_an_sdo_is_a_sighting() {
    let p = pair();
    let object = indicator(Some(Tlp::Amber));
    let (reaction, stix) = Reaction::create(
        &p.author(1),
        "cert-a",
        &object,
        &seen_draft(),
        Some(IDENTITY),
        T0,
    )
    .unwrap();
    assert_valid(&stix);
    assert_eq!(stix.get("type").and_then(Value::as_str), Some("sighting"));
    assert_eq!(
        stix.get("sighting_of_ref").and_then(Value::as_str),
        Some("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
    );
    assert_eq!(stix.get("count").and_then(Value::as_i64), Some(3));
    assert_eq!(
        stix.get("last_seen").and_then(Value::as_str),
        Some("2025-06-14T12:00:00.500000Z")
    );
    assert_eq!(
        stix.get("created_by_ref").and_then(Value::as_str),
        Some(IDENTITY)
    );
    assert_eq!(
        stix.get("created").and_then(Value::as_str),
        Some("2025-06-15T15:06:40.000000Z")
    );
    assert_eq!(
        stix.get("object_marking_refs").map(Value::to_json_string),
        Some(format!("[\"{}\"]", Tlp::Amber.marking_id())),
        "the reaction is as sensitive as the object"
    );
    assert_eq!(reaction.kind, ReactionKind::Seen);
    assert_eq!(reaction.count, Some(3));
    assert_eq!(
        reaction.first_seen.as_deref(),
        Some("2025-06-01T00:00:00.000000Z")
    );
    assert_eq!(reaction.audience, Audience::Members(vec!["cert-a".into()]));
    assert_eq!(
        reaction.stix_id,
        stix.get("id").and_then(Value::as_str).unwrap()
    );
    assert_eq!(
        reaction.verify_incoming(&stix, &p.incoming(1, 0, T0).get()),
        Ok(())
    );
    let json = serde_json::to_string(&reaction).unwrap();
    assert_eq!(Reaction::from_json(&json).unwrap(), reaction);
}

#[test]
fn every_kind_on_every_kind_of_object_builds_valid_stix() {
    let p = pair();
    let targets = [
        ("indicator", indicator(None)),
        ("observable", observable()),
        ("relationship", relationship()),
    ];
    for (what, target) in &targets {
        for kind in ReactionKind::ALL {
            let mut draft = if kind == ReactionKind::Seen {
                seen_draft()
            } else {
                ReactionDraft::new(kind)
            };
            draft.note = Some(format!("{kind} on {what}"));
            for author in [None, Some(IDENTITY)] {
                let (reaction, stix) =
                    Reaction::create(&p.author(1), "cert-a", target, &draft, author, T0).unwrap();
                assert_valid(&stix);
                let expected = match kind {
                    ReactionKind::Seen if *what == "indicator" => "sighting",
                    ReactionKind::Agree | ReactionKind::Disagree => "opinion",
                    _ => "note",
                };
                assert_eq!(
                    stix.get("type").and_then(Value::as_str),
                    Some(expected),
                    "{kind} {what}"
                );
                assert_eq!(reaction.verify(&p.keys[1].public_key()), Ok(()));
            }
        }
    }
}

#[test]
fn opinions_and_notes_say_the_kind() {
    let p = pair();
    let object = indicator(None);
    let draft = ReactionDraft {
        note: Some("matches our telemetry".into()),
        ..ReactionDraft::new(ReactionKind::Disagree)
    };
    let (_, stix) = Reaction::create(&p.author(1), "cert-a", &object, &draft, None, T0).unwrap();
    assert_eq!(
        stix.get("opinion").and_then(Value::as_str),
        Some("disagree")
    );
    assert_eq!(
        stix.get("explanation").and_then(Value::as_str),
        Some("matches our telemetry")
    );
    let (_, stix) = Reaction::create(
        &p.author(1),
        "cert-a",
        &object,
        &ReactionDraft::new(ReactionKind::FalsePositive),
        None,
        T0,
    )
    .unwrap();
    assert_eq!(
        stix.get("content").and_then(Value::as_str),
        Some("false-positive")
    );
    let (_, stix) = Reaction::create(
        &p.author(1),
        "cert-a",
        &observable(),
        &seen_draft(),
        None,
        T0,
    )
    .unwrap();
    assert_eq!(
        stix.get("content").and_then(Value::as_str),
        Some(
            "seen (count 3, first seen 2025-06-01T00:00:00.000000Z, last seen 2025-06-14T12:00:00.500000Z): on two mail relays"
        )
    );
    assert_eq!(stix.get("object_marking_refs"), None);
}

#[test]
fn draft_rules() {
    let p = pair();
    let object = indicator(None);
    let err = |draft: &ReactionDraft, author: Option<&str>| {
        Reaction::create(&p.author(1), "cert-a", &object, draft, author, T0)
            .unwrap_err()
            .to_string()
    };
    let blocked_count = ReactionDraft {
        count: Some(2),
        ..ReactionDraft::new(ReactionKind::Blocked)
    };
    assert_eq!(
        err(&blocked_count, None),
        "reaction: count first_seen and last_seen are only for the kind seen"
    );
    let too_many = ReactionDraft {
        count: Some(MAX_COUNT + 1),
        ..ReactionDraft::new(ReactionKind::Seen)
    };
    assert_eq!(
        err(&too_many, None),
        "reaction: count must be at most 999999999"
    );
    let backwards = ReactionDraft {
        first_seen: Some(ts("2025-06-02T00:00:00Z")),
        last_seen: Some(ts("2025-06-01T00:00:00Z")),
        ..ReactionDraft::new(ReactionKind::Seen)
    };
    assert_eq!(
        err(&backwards, None),
        "reaction: last_seen must not be earlier than first_seen"
    );
    let empty_note = ReactionDraft {
        note: Some("   ".into()),
        ..ReactionDraft::new(ReactionKind::Agree)
    };
    assert_eq!(err(&empty_note, None), "reaction: note must not be empty");
    assert_eq!(
        err(
            &ReactionDraft::new(ReactionKind::Agree),
            Some("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
        ),
        "reaction: created_by_ref must be the id of an identity (identity--uuid)"
    );
    let to_self = ReactionDraft {
        audience: Some(Audience::Members(vec!["cert-a".into(), "cert-b".into()])),
        ..ReactionDraft::new(ReactionKind::Agree)
    };
    assert_eq!(
        err(&to_self, None),
        "reaction: audience must not include the reacting member"
    );
    assert_eq!(
        Reaction::create(
            &p.author(1),
            "cert-b",
            &object,
            &ReactionDraft::new(ReactionKind::Seen),
            None,
            T0
        )
        .unwrap_err()
        .to_string(),
        "reaction: origin must not be the signer"
    );
    assert!(
        Reaction::create(
            &p.author(1),
            "cert-a",
            &parse("{}").unwrap(),
            &ReactionDraft::new(ReactionKind::Seen),
            None,
            T0
        )
        .is_err()
    );
    assert_eq!("not-relevant".parse(), Ok(ReactionKind::NotRelevant));
    assert!("meh".parse::<ReactionKind>().is_err());
    for kind in ReactionKind::ALL {
        assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{kind}\""));
    }
}

#[test]
fn a_wider_audience_reaches_others() {
    let p = pair();
    let object = indicator(None);
    let draft = ReactionDraft {
        audience: Some(Audience::Members(vec!["cert-a".into(), "cert-c".into()])),
        ..ReactionDraft::new(ReactionKind::Blocked)
    };
    let (reaction, stix) =
        Reaction::create(&p.author(1), "cert-a", &object, &draft, None, T0).unwrap();
    let mut at_c = p.incoming(1, 0, T0);
    at_c.self_name = "cert-c";
    assert_eq!(reaction.verify_incoming(&stix, &at_c.get()), Ok(()));
    let (to_origin, stix) = Reaction::create(
        &p.author(1),
        "cert-a",
        &object,
        &ReactionDraft::new(ReactionKind::Blocked),
        None,
        T0,
    )
    .unwrap();
    assert_eq!(
        to_origin.verify_incoming(&stix, &at_c.get()),
        Err(RecordError::NotAddressedToSelf { kind: "reaction" })
    );
}

#[test]
fn the_stix_object_is_bound_and_the_record_is_signed() {
    let p = pair();
    let object = indicator(None);
    let (reaction, stix) =
        Reaction::create(&p.author(1), "cert-a", &object, &seen_draft(), None, T0).unwrap();
    let at_a = p.incoming(1, 0, T0);
    let (_, other) =
        Reaction::create(&p.author(1), "cert-a", &object, &seen_draft(), None, T0).unwrap();
    assert_eq!(
        reaction.verify_incoming(&other, &at_a.get()),
        Err(RecordError::ObjectMismatch {
            kind: "reaction",
            field: "stix_id"
        })
    );
    let edited_text = stix
        .to_json_string()
        .replace("\"count\":3", "\"count\":300");
    let edited = parse(&edited_text).unwrap();
    assert_eq!(
        reaction.verify_incoming(&edited, &at_a.get()),
        Err(RecordError::ObjectMismatch {
            kind: "reaction",
            field: "stix_digest"
        })
    );
    let mut tampered = reaction.clone();
    tampered.kind = ReactionKind::FalsePositive;
    tampered.count = None;
    tampered.first_seen = None;
    tampered.last_seen = None;
    assert_eq!(
        tampered.verify_incoming(&stix, &at_a.get()),
        Err(RecordError::BadSignature {
            kind: "reaction",
            signer: "cert-b".into()
        })
    );
    let forged = seal(reaction.clone(), &p.keys[0]).unwrap();
    assert!(matches!(
        forged.verify_incoming(&stix, &at_a.get()),
        Err(RecordError::BadSignature { .. })
    ));
    assert!(matches!(
        reaction.verify_incoming(&stix, &p.incoming(0, 0, T0).get()),
        Err(RecordError::NotFromSender { .. })
    ));
}
