use super::*;
use crate::federation::Acceptance;
use crate::federation::keys::SigningKey;
use crate::federation::testkit::{T0, indicator, pair};

/// `r` with its fields as they are, signed alone (a batch of one) with `key`.
fn resign(r: Receipt, key: &SigningKey) -> Receipt {
    let mut batch = ReceiptBatch {
        v: r.v,
        record_type: RECEIPT_BATCH_TYPE.into(),
        commonwealth: r.commonwealth.clone(),
        recipient: r.recipient.clone(),
        origin: r.origin.clone(),
        received_at: r.received_at.clone(),
        entries: vec![r.entry()],
        signature: r.signature,
    };
    let tree = batch.tree().unwrap();
    batch.signature = batch::sign(&batch.header(&tree), key).unwrap();
    batch.receipts().unwrap().pop().unwrap()
}

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
    let forged = resign(forged, &p.keys[0]);
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

#[test]
fn a_receipt_batch_is_signed_once_and_each_receipt_verifies_alone() {
    let p = pair();
    let object = object_ref();
    let ids: Vec<String> = (0..5)
        .map(|i| format!("0b6f9c1e-8f2a-4a43-9d1c-2b4f6e8a0c1{i}"))
        .collect();
    let entries: Vec<ReceiptEntry> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let refusal = (i == 2).then_some("conflict");
            ReceiptEntry::new(id, (i % 2 == 0).then_some(&object), refusal)
        })
        .collect();
    let batch = ReceiptBatch::create(&p.author(1), "cert-a", entries, T0).unwrap();
    let at_a = p.incoming(1, 0, T0);
    assert_eq!(batch.verify_incoming(&at_a.get()), Ok(()));
    let json = serde_json::to_string(&batch).unwrap();
    assert!(
        json.starts_with(r#"{"v":2,"type":"liaison-receipt-batch","#),
        "{json}"
    );
    assert_eq!(ReceiptBatch::from_json(&json).unwrap(), batch);
    let receipts = batch.receipts().unwrap();
    assert_eq!(receipts.len(), 5);
    for (i, r) in receipts.iter().enumerate() {
        assert_eq!(r.message_id, ids[i]);
        assert_eq!(r.batch.index, i as u64);
        assert_eq!(r.verify(&p.keys[1].public_key()), Ok(()));
        assert_eq!(r.verify_incoming(&at_a.get()), Ok(()));
        let back = Receipt::from_json(&serde_json::to_string(r).unwrap()).unwrap();
        assert_eq!(&back, r);
    }
    assert_eq!(receipts[2].outcome, Outcome::Refused);
    // One entry changed after signing: the batch no longer verifies, nor
    // does a receipt that claims another entry's place.
    let mut flipped = batch.clone();
    flipped.entries[1].outcome = Outcome::Refused;
    flipped.entries[1].reason = Some("no".into());
    assert!(matches!(
        flipped.verify_incoming(&at_a.get()),
        Err(RecordError::BadSignature { .. })
    ));
    let mut moved = receipts[1].clone();
    moved.batch = receipts[0].batch.clone();
    assert!(matches!(
        moved.verify(&p.keys[1].public_key()),
        Err(RecordError::BadSignature { .. })
    ));
    // A batch names at least one message.
    assert!(ReceiptBatch::create(&p.author(1), "cert-a", Vec::new(), T0).is_err());
}

#[test]
fn version_1_receipts_are_refused_clearly() {
    let p = pair();
    let r = Receipt::create(&p.author(1), "cert-a", MESSAGE, None, None, T0).unwrap();
    let mut value = serde_json::to_value(&r).unwrap();
    value["v"] = 1.into();
    assert_eq!(
        Receipt::from_json(&value.to_string())
            .unwrap_err()
            .to_string(),
        "receipt: unsupported format version 1: this node reads version 2 of this format"
    );
}

#[test]
fn entries_and_headers_hash_their_canonical_bytes() {
    // Strings JCS and serde_json escape alike: quotes, backslashes, the
    // short escapes, other control characters, non-ASCII, U+2028.
    let entry = ReceiptEntry {
        digest: None,
        message_id: MESSAGE.into(),
        object_id: None,
        object_version: None,
        outcome: Outcome::Refused,
        reason: Some("é \" \\ \t \n \u{1} \u{1f} \u{7f} \u{2028} 😀".into()),
    };
    assert_eq!(
        crate::federation::format::presorted_json(&entry).unwrap(),
        crate::federation::canonical_json(&entry)
            .unwrap()
            .into_bytes()
    );
}
