use super::*;
use crate::federation::testkit::{T0, indicator, pair};

const MESSAGE: &str = "0b6f9c1e-8f2a-4a43-9d1c-2b4f6e8a0c11";

fn object_ref() -> ObjectRef {
    ObjectRef::of(&indicator(None)).unwrap()
}

#[test]
fn stored_and_refused_receipts_verify_at_the_origin() {
    let p = pair();
    let at_a = p.incoming(1, 0, T0);
    let object = object_ref();
    let stored = Receipt::create(&p.author(1), "cert-a", MESSAGE, Some(&object), None, T0).unwrap();
    assert_eq!(stored.outcome, Outcome::Stored);
    assert_eq!(stored.reason, None);
    assert_eq!(stored.object_id.as_deref(), Some(object.id.as_str()));
    assert_eq!(stored.verify_incoming(&at_a.get()), Ok(()));
    let json = serde_json::to_string(&stored).unwrap();
    assert!(
        json.contains(r#""outcome":"stored","reason":null,"#),
        "{json}"
    );
    assert_eq!(Receipt::from_json(&json).unwrap(), stored);

    let refused = Receipt::create(
        &p.author(1),
        "cert-a",
        MESSAGE,
        Some(&object),
        Some("invalid STIX 2.1 object: \u{1b}[31mpattern\u{1b}[0m"),
        T0,
    )
    .unwrap();
    assert_eq!(refused.outcome, Outcome::Refused);
    assert_eq!(
        refused.reason.as_deref(),
        Some("invalid STIX 2.1 object:  [31mpattern [0m"),
        "control characters are not passed on"
    );
    assert_eq!(refused.verify_incoming(&at_a.get()), Ok(()));
    let long = Receipt::create(
        &p.author(1),
        "cert-a",
        MESSAGE,
        None,
        Some(&"x".repeat(5000)),
        T0,
    )
    .unwrap();
    assert_eq!(long.reason.unwrap().chars().count(), MAX_REASON_CHARS);
    let empty = Receipt::create(&p.author(1), "cert-a", MESSAGE, None, Some(" "), T0).unwrap();
    assert_eq!(empty.reason.as_deref(), Some("refused"));
}

#[test]
fn receipt_form_rules() {
    let p = pair();
    let object = object_ref();
    let r = Receipt::create(&p.author(1), "cert-a", MESSAGE, Some(&object), None, T0).unwrap();
    let key = p.keys[1].public_key();
    let rule = |r: &Receipt| match r.verify(&key) {
        Err(RecordError::Format { source, .. }) => source.to_string(),
        other => panic!("{other:?}"),
    };
    let mut x = r.clone();
    x.reason = Some("why".into());
    assert_eq!(rule(&x), "reason must be null when stored");
    let mut x = r.clone();
    x.outcome = Outcome::Refused;
    assert_eq!(rule(&x), "reason must be given when refused");
    let mut x = r.clone();
    x.digest = None;
    assert_eq!(
        rule(&x),
        "object_id object_version and digest must be all present or all null"
    );
    let mut x = r.clone();
    x.message_id = MESSAGE.to_uppercase();
    assert_eq!(rule(&x), "message_id must be a lowercase UUID");
    let mut x = r.clone();
    x.origin = "cert-b".into();
    assert_eq!(rule(&x), "origin must not be the signer");
    let mut x = r.clone();
    x.object_id = Some("not-an-id".into());
    assert_eq!(rule(&x), "object_id must be a STIX identifier (type--uuid)");
    assert!(Receipt::create(&p.author(1), "cert-a", "42", None, None, T0).is_err());
}

#[test]
fn receipt_incoming_checks() {
    let p = pair();
    let r = Receipt::create(&p.author(1), "cert-a", MESSAGE, None, None, T0).unwrap();
    // A receipt meant for cert-a presented to cert-b by cert-a.
    let mut wrong = p.incoming(1, 0, T0);
    wrong.self_name = "cert-c";
    assert_eq!(
        r.verify_incoming(&wrong.get()),
        Err(RecordError::NotAddressedToSelf { kind: "receipt" })
    );
    let relayed = p.incoming(0, 0, T0);
    assert!(matches!(
        r.verify_incoming(&relayed.get()),
        Err(RecordError::NotFromSender { .. })
    ));
    assert!(matches!(
        r.verify_incoming(&p.incoming(1, 0, T0 - 300_000_001).get()),
        Err(RecordError::FutureTime { .. })
    ));
    // cert-a forging a receipt in cert-b's name (to fake a delivery).
    let mut forged = r.clone();
    forged.recipient = "cert-b".into();
    let forged = crate::federation::record::seal(forged, &p.keys[0]).unwrap();
    assert_eq!(
        forged
            .verify_incoming(&p.incoming(1, 0, T0).get())
            .unwrap_err()
            .to_string(),
        "signature of cert-b on the receipt does not verify"
    );
    let mut flipped = r;
    flipped.outcome = Outcome::Refused;
    flipped.reason = Some("no".into());
    assert!(matches!(
        flipped.verify_incoming(&p.incoming(1, 0, T0).get()),
        Err(RecordError::BadSignature { .. })
    ));
}

#[test]
fn acceptances() {
    let p = pair();
    let object = object_ref();
    let a = Acceptance::create(
        &p.author(1),
        "cert-a",
        &object.id,
        &object.version,
        "alice@cert-b",
        T0,
    )
    .unwrap();
    assert!(Uuid::parse(&a.id).is_ok());
    assert_eq!(a.accepted_at, "2025-06-15T15:06:40.000000Z");
    let at_a = p.incoming(1, 0, T0);
    assert_eq!(a.verify_incoming(&at_a.get()), Ok(()));
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(Acceptance::from_json(&json).unwrap(), a);
    assert_eq!(a.verify(&p.keys[1].public_key()), Ok(()));
    assert!(a.verify(&p.keys[0].public_key()).is_err());

    let mut by_someone_else = a.clone();
    by_someone_else.accepted_by = "mallory".into();
    assert!(matches!(
        by_someone_else.verify_incoming(&at_a.get()),
        Err(RecordError::BadSignature { .. })
    ));
    let mut elsewhere = p.incoming(1, 0, T0);
    elsewhere.self_name = "cert-c";
    assert_eq!(
        a.verify_incoming(&elsewhere.get()),
        Err(RecordError::NotAddressedToSelf { kind: "acceptance" })
    );
    assert!(
        Acceptance::create(
            &p.author(1),
            "cert-a",
            &object.id,
            &object.version,
            "a b",
            T0
        )
        .is_err()
    );
    assert!(Acceptance::create(&p.author(1), "cert-a", "x", "", "alice", T0).is_err());
    assert!(
        Acceptance::create(&p.author(1), "cert-a", &object.id, "yesterday", "alice", T0).is_err()
    );
    let mut value = serde_json::to_value(&a).unwrap();
    value["type"] = "liaison-receipt".into();
    assert!(Acceptance::from_json(&value.to_string()).is_err());
}
