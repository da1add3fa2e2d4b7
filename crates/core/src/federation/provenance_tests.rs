use super::*;
use crate::federation::keys::SigningKey;
use crate::federation::record::Incoming;
use crate::federation::testkit::{T0, indicator, pair};
use liaison_stix::json::parse;

/// `record` with its fields as they are, signed alone (a batch of one)
/// with `key`.
fn seal(record: Provenance, key: &SigningKey) -> Result<Provenance, FormatError> {
    let entry = ProvenanceEntry::new(
        record.object_id.clone(),
        record.object_version.clone(),
        record.digest.clone(),
        record.tlp,
    )?;
    let tree = Tree::new(vec![entry.leaf])?;
    let header = Header {
        audience: &record.audience,
        commonwealth: &record.commonwealth,
        origin: &record.origin,
        root: batch::root_hex(tree.root()),
        shared_at: &record.shared_at,
        size: 1,
        record_type: PROVENANCE_BATCH_TYPE,
        v: record.v,
    };
    let signature = batch::sign(&header, key)?;
    Ok(Provenance {
        batch: tree.proof(0),
        signature,
        ..record
    })
}

fn to_b(list: &[&str]) -> Audience {
    Audience::Members(list.iter().map(|s| s.to_string()).collect())
}

#[test]
fn created_provenance_verifies_at_the_recipient() {
    let p = pair();
    let object = indicator(Some(Tlp::Amber));
    let prov = Provenance::create(&p.author(0), &object, to_b(&["cert-b"]), T0).unwrap();
    assert_eq!(prov.origin, "cert-a");
    assert_eq!(
        prov.object_id,
        "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
    );
    assert_eq!(prov.object_version, "2025-01-02T00:00:00.000Z");
    assert_eq!(prov.tlp, Some(Tlp::Amber));
    assert_eq!(prov.shared_at, "2025-06-15T15:06:40.000000Z");
    let at_b = p.incoming(0, 1, T0);
    assert_eq!(prov.verify_incoming(&object, &at_b.get()), Ok(()));
    assert_eq!(prov.verify(&p.keys[0].public_key()), Ok(()));
    // Through JSON: the wire form the lead fixed.
    let json = serde_json::to_string(&prov).unwrap();
    assert!(
        json.contains(r#""audience":["cert-b"],"tlp":"amber","#),
        "{json}"
    );
    let back = Provenance::from_json(&json).unwrap();
    assert_eq!(back, prov);
    assert_eq!(back.verify_incoming(&object, &at_b.get()), Ok(()));
    // The object may arrive with its members in any order.
    let reordered_text = object.to_json_string().replacen(
        r#""type":"indicator","spec_version":"2.1","#,
        r#""spec_version":"2.1","type":"indicator","#,
        1,
    );
    let reordered = parse(&reordered_text).unwrap();
    assert_eq!(prov.verify_incoming(&reordered, &at_b.get()), Ok(()));
}

#[test]
fn all_and_null_tlp() {
    let p = pair();
    let object = indicator(None);
    let prov = Provenance::create(&p.author(0), &object, Audience::All, T0).unwrap();
    let json = serde_json::to_string(&prov).unwrap();
    assert!(json.contains(r#""audience":"all","tlp":null,"#), "{json}");
    assert_eq!(
        prov.verify_incoming(&object, &p.incoming(0, 1, T0).get()),
        Ok(())
    );
}

#[test]
fn incoming_checks() {
    let p = pair();
    let object = indicator(Some(Tlp::Green));
    let prov = Provenance::create(&p.author(0), &object, Audience::All, T0).unwrap();
    let at_b = p.incoming(0, 1, T0);
    let check = |prov: &Provenance, object: &Value<'_>, incoming: &Incoming<'_>| {
        prov.verify_incoming(object, incoming)
    };

    let mut other_cw = p.incoming(0, 1, T0);
    other_cw.cw = crate::federation::CommonwealthId::parse(&"1".repeat(64)).unwrap();
    assert_eq!(
        check(&prov, &object, &other_cw.get()),
        Err(RecordError::WrongCommonwealth { kind: "provenance" })
    );

    // cert-b forwards cert-a's object to a third member: refused there.
    let mut forwarded = p.incoming(1, 0, T0);
    forwarded.self_name = "cert-c";
    assert_eq!(
        check(&prov, &object, &forwarded.get())
            .unwrap_err()
            .to_string(),
        "the provenance is signed by cert-a but came from cert-b: a member never forwards another member's records"
    );

    let for_c = Provenance::create(&p.author(0), &object, to_b(&["cert-c"]), T0).unwrap();
    assert_eq!(
        check(&for_c, &object, &at_b.get()),
        Err(RecordError::NotAddressedToSelf { kind: "provenance" })
    );

    // Time: at most skew ahead of the receiver's clock, inclusive.
    let early = p.incoming(0, 1, T0 - 300_000_000);
    assert_eq!(check(&prov, &object, &early.get()), Ok(()));
    let too_early = p.incoming(0, 1, T0 - 300_000_001);
    assert!(matches!(
        check(&prov, &object, &too_early.get()),
        Err(RecordError::FutureTime { .. })
    ));
    let much_later = p.incoming(0, 1, T0 + 86_400_000_000 * 365);
    assert_eq!(
        check(&prov, &object, &much_later.get()),
        Ok(()),
        "old records are fine"
    );
}

#[test]
fn the_object_must_be_the_one_signed_for() {
    let p = pair();
    let object = indicator(Some(Tlp::Green));
    let prov = Provenance::create(&p.author(0), &object, Audience::All, T0).unwrap();
    let at_b = p.incoming(0, 1, T0);
    let field = |object: &Value<'_>| match prov.verify_incoming(object, &at_b.get()) {
        Err(RecordError::ObjectMismatch { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    let edit = |from: &str, to: &str| {
        let text = object.to_json_string();
        assert!(text.contains(from), "{from}");
        parse(&text.replacen(from, to, 1)).unwrap().into_owned()
    };
    assert_eq!(field(&edit("bad host", "good host")), "digest");
    assert_eq!(field(&edit("8e2e2d2b", "8e2e2d2c")), "object_id");
    assert_eq!(
        field(&edit(
            "\"modified\":\"2025-01-02",
            "\"modified\":\"2025-01-03"
        )),
        "object_version"
    );
    // An originator that signs a TLP other than the object's is refused.
    let mut lying = prov.clone();
    lying.tlp = None;
    let lying = seal(lying, &p.keys[0]).unwrap();
    assert_eq!(
        lying.verify_incoming(&object, &at_b.get()),
        Err(RecordError::ObjectMismatch {
            kind: "provenance",
            field: "tlp"
        })
    );
}

#[test]
fn forged_and_tampered_records_do_not_verify() {
    let p = pair();
    let object = indicator(None);
    let prov = Provenance::create(&p.author(0), &object, to_b(&["cert-b"]), T0).unwrap();
    let at_b = p.incoming(0, 1, T0);
    let bad = Err(RecordError::BadSignature {
        kind: "provenance",
        signer: "cert-a".into(),
    });
    // cert-b forges a record in cert-a's name.
    let mut forged = prov.clone();
    forged = seal(
        {
            forged.shared_at = "2025-06-15T15:06:41.000000Z".into();
            forged
        },
        &p.keys[1],
    )
    .unwrap();
    assert_eq!(forged.verify_incoming(&object, &at_b.get()), bad);
    let mut widened = prov.clone();
    widened.audience = Audience::All;
    assert_eq!(widened.verify_incoming(&object, &at_b.get()), bad);
    assert_eq!(prov.verify(&p.keys[1].public_key()), bad);
}

#[test]
fn form_rules() {
    let p = pair();
    let object = indicator(None);
    assert!(matches!(
        Provenance::create(&p.author(0), &object, to_b(&["cert-a"]), T0),
        Err(RecordError::Format { .. })
    ));
    assert!(matches!(
        Provenance::create(&p.author(0), &object, to_b(&[]), T0),
        Err(RecordError::Audience { .. })
    ));
    let no_id = parse(r#"{"type":"indicator"}"#).unwrap();
    assert_eq!(
        Provenance::create(&p.author(0), &no_id, Audience::All, T0)
            .unwrap_err()
            .to_string(),
        "provenance: object has no id"
    );
    let prov = Provenance::create(&p.author(0), &object, Audience::All, T0).unwrap();
    let mut value = serde_json::to_value(&prov).unwrap();
    value["note"] = "x".into();
    assert!(Provenance::from_json(&value.to_string()).is_err());
    let mut value = serde_json::to_value(&prov).unwrap();
    value["type"] = "liaison-receipt".into();
    assert!(Provenance::from_json(&value.to_string()).is_err());
    let mut value = serde_json::to_value(&prov).unwrap();
    value["tlp"] = "white".into();
    assert!(Provenance::from_json(&value.to_string()).is_err());
    let mut value = serde_json::to_value(&prov).unwrap();
    value.as_object_mut().unwrap().remove("tlp");
    assert!(
        Provenance::from_json(&value.to_string()).is_err(),
        "tlp: null is explicit"
    );
    let mut bad_digest = prov.clone();
    bad_digest.digest = bad_digest.digest.to_uppercase();
    assert!(matches!(
        bad_digest.verify(&p.keys[0].public_key()),
        Err(RecordError::Format { .. })
    ));
}

#[test]
fn a_batch_is_signed_once_and_each_record_proves_itself() {
    let p = pair();
    let objects: Vec<Value<'static>> = (0..9)
        .map(|i| {
            let text = indicator(None).to_json_string().replacen(
                "8e2e2d2b",
                &format!("{:08x}", 0x2000_0000 + i),
                1,
            );
            parse(&text).unwrap().into_owned()
        })
        .collect();
    let entries: Vec<ProvenanceEntry> = objects
        .iter()
        .map(|o| ProvenanceEntry::of(o).unwrap())
        .collect();
    let refs: Vec<&ProvenanceEntry> = entries.iter().collect();
    let records = Provenance::sign_batch(&p.author(0), &refs, &Audience::All, T0).unwrap();
    let at_b = p.incoming(0, 1, T0);
    let seals: Vec<Seal> = records
        .iter()
        .zip(&objects)
        .map(|(r, o)| r.check_incoming(o, &at_b.get()).unwrap())
        .collect();
    assert!(seals.iter().all(|s| s == &seals[0]), "one batch, one seal");
    assert_eq!(seals[0].verify(&p.keys[0].public_key()), Ok(()));
    for (record, object) in records.iter().zip(&objects) {
        // Alone, through JSON, as a recipient keeps it.
        let kept = Provenance::from_json(&serde_json::to_string(record).unwrap()).unwrap();
        assert_eq!(kept.verify(&p.keys[0].public_key()), Ok(()));
        assert_eq!(kept.verify_incoming(object, &at_b.get()), Ok(()));
    }
    // A record does not vouch for another object of its batch.
    assert_eq!(
        records[0].verify_incoming(&objects[1], &at_b.get()),
        Err(RecordError::ObjectMismatch {
            kind: "provenance",
            field: "object_id"
        })
    );
    let mut stolen = records[1].clone();
    stolen.object_id = records[0].object_id.clone();
    stolen.digest = records[0].digest.clone();
    assert!(matches!(
        stolen.verify_incoming(&objects[0], &at_b.get()),
        Err(RecordError::BadSignature { .. })
    ));
}

#[test]
fn version_1_provenance_is_refused_clearly() {
    let p = pair();
    let prov = Provenance::create(&p.author(0), &indicator(None), Audience::All, T0).unwrap();
    let mut value = serde_json::to_value(&prov).unwrap();
    value["v"] = 1.into();
    value.as_object_mut().unwrap().remove("batch");
    assert_eq!(
        Provenance::from_json(&value.to_string())
            .unwrap_err()
            .to_string(),
        "provenance: unsupported format version 1: this node reads version 2 of this format"
    );
}
