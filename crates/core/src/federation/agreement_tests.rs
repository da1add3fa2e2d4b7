use super::*;
use crate::federation::testkit::{T0, fingerprint, founded, member};

const HTTPS: EndpointPolicy = EndpointPolicy::HttpsOnly;

#[test]
fn draft_sign_verify_adopt() {
    let (a, ka) = member("cert-a");
    let (b, kb) = member("cert-b");
    let (c, kc) = member("cert-c");
    let mut agreement = Agreement::draft(
        "Northern CERTs",
        vec![c.clone(), a.clone(), b.clone()],
        Rules::default(),
        T0,
        HTTPS,
    )
    .unwrap();
    let names: Vec<_> = agreement.founders.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["cert-a", "cert-b", "cert-c"], "listed by name");
    assert_eq!(agreement.rules.admission, Admission::Unanimity);
    assert_eq!(agreement.rules.withdrawal_notice_seconds, 0);
    assert_eq!(agreement.created, "2025-06-15T15:06:40.000000Z");
    let id = agreement.commonwealth_id().unwrap();
    assert_eq!(id.as_str().len(), 64);

    assert_eq!(
        agreement.verify(HTTPS),
        Err(AgreementError::FounderHasNotSigned {
            name: "cert-a".into()
        })
    );
    assert_eq!(agreement.sign(&kb, HTTPS), Ok("cert-b".into()));
    assert_eq!(agreement.unsigned_founders(), ["cert-a", "cert-c"]);
    assert_eq!(
        agreement.verify(HTTPS).unwrap_err().to_string(),
        "founder cert-a has not signed"
    );
    agreement.sign(&ka, HTTPS).unwrap();
    agreement.sign(&kc, HTTPS).unwrap();
    assert!(agreement.unsigned_founders().is_empty());
    assert_eq!(
        agreement.verify(HTTPS),
        Ok(id.clone()),
        "signatures do not change the id"
    );
    assert_eq!(agreement.verify_adoption(&b, HTTPS), Ok(id.clone()));

    // Through JSON, as founders pass it around.
    let json = serde_json::to_string_pretty(&agreement).unwrap();
    let back = Agreement::from_json(&json).unwrap();
    assert_eq!(back, agreement);
    assert_eq!(back.verify(HTTPS), Ok(id));
    assert_eq!(back.members().len(), 3);
}

#[test]
fn the_id_does_not_depend_on_the_order_cards_are_given_in() {
    let (a, _) = member("cert-a");
    let (b, _) = member("cert-b");
    let draft = |cards| Agreement::draft("T", cards, Rules::default(), T0, HTTPS).unwrap();
    assert_eq!(
        draft(vec![a.clone(), b.clone()]).commonwealth_id(),
        draft(vec![b, a]).commonwealth_id()
    );
}

#[test]
fn signing_twice_is_idempotent_and_strangers_cannot_sign() {
    let (mut agreement, members) = founded(&["cert-a", "cert-b"]);
    let before = agreement.clone();
    agreement.sign(&members[0].1, HTTPS).unwrap();
    assert_eq!(agreement, before);
    assert_eq!(
        agreement.sign(&SigningKey::generate(), HTTPS),
        Err(AgreementError::NotAFounder)
    );
}

#[test]
fn every_term_is_covered_by_the_signatures() {
    let (agreement, _) = founded(&["cert-a", "cert-b"]);
    let id = agreement.verify(HTTPS).unwrap();
    let bad_a = Err(AgreementError::SignatureDoesNotVerify {
        name: "cert-a".into(),
    });
    let mut tampered = agreement.clone();
    tampered.title.push('!');
    assert_eq!(tampered.verify(HTTPS), bad_a);
    assert_ne!(tampered.commonwealth_id().unwrap(), id);
    let mut tampered = agreement.clone();
    tampered.rules.admission = Admission::Majority;
    assert_eq!(tampered.verify(HTTPS), bad_a);
    let mut tampered = agreement.clone();
    tampered.rules.withdrawal_notice_seconds = 60;
    assert_eq!(tampered.verify(HTTPS), bad_a);
    let mut tampered = agreement.clone();
    tampered.created = "2025-06-15T15:06:41.000000Z".into();
    assert_eq!(tampered.verify(HTTPS), bad_a);
    let mut tampered = agreement.clone();
    tampered.founders.reverse();
    assert_eq!(
        tampered.verify(HTTPS),
        Err(AgreementError::SignatureDoesNotVerify {
            name: "cert-b".into()
        })
    );
}

#[test]
fn a_founder_swapped_for_an_impostor_is_caught() {
    let (mut agreement, _) = founded(&["cert-a", "cert-b"]);
    let (impostor, key) = member("cert-b");
    agreement.founders[1] = impostor;
    // The impostor re-signs under its own key: cert-a's signature no longer
    // covers the terms.
    agreement.sign(&key, HTTPS).unwrap();
    assert_eq!(
        agreement.verify(HTTPS).unwrap_err().to_string(),
        "signature of cert-a does not verify"
    );
}

#[test]
fn a_signature_by_the_wrong_key_does_not_verify() {
    let (mut agreement, members) = founded(&["cert-a", "cert-b"]);
    let bytes = signing_bytes(&agreement, "signatures").unwrap();
    agreement
        .signatures
        .insert("cert-b".into(), members[0].1.sign(&bytes));
    assert_eq!(
        agreement.verify(HTTPS),
        Err(AgreementError::SignatureDoesNotVerify {
            name: "cert-b".into()
        })
    );
}

#[test]
fn signatures_by_non_founders_are_refused() {
    let (mut agreement, members) = founded(&["cert-a", "cert-b"]);
    let sig = agreement.signatures["cert-a"];
    agreement.signatures.insert("cert-x".into(), sig);
    assert_eq!(
        agreement.verify(HTTPS).unwrap_err().to_string(),
        "the agreement carries a signature by \"cert-x\", who is not a founder"
    );
    let _ = members;
}

#[test]
fn drafting_rules() {
    let (a, _) = member("cert-a");
    let (b, kb) = member("cert-b");
    let draft = |title: &str, cards: Vec<MemberCard>| {
        Agreement::draft(title, cards, Rules::default(), T0, HTTPS)
    };
    assert_eq!(
        draft("T", vec![a.clone()]),
        Err(AgreementError::TooFewFounders { count: 1 })
    );
    assert_eq!(
        draft("T", vec![]).unwrap_err().to_string(),
        "an agreement needs at least 2 founders; this one has 0"
    );
    assert_eq!(
        draft("T", vec![a.clone(), a.clone()]),
        Err(AgreementError::DuplicateName {
            name: "cert-a".into()
        })
    );
    let same_key =
        MemberCard::create("cert-c", "https://c.example", &fingerprint("c"), &kb, HTTPS).unwrap();
    assert_eq!(
        draft("T", vec![b.clone(), same_key])
            .unwrap_err()
            .to_string(),
        "founders cert-b and cert-c have the same signing key"
    );
    let (mut same_cert, kc) = member("cert-c");
    same_cert.tls_fingerprint = b.tls_fingerprint.clone();
    let same_cert = MemberCard::create(
        &same_cert.name,
        &same_cert.endpoint,
        &same_cert.tls_fingerprint,
        &kc,
        HTTPS,
    )
    .unwrap();
    assert!(matches!(
        draft("T", vec![b.clone(), same_cert]),
        Err(AgreementError::DuplicateCertificate { .. })
    ));
    let mut forged = b.clone();
    forged.endpoint = "https://evil.example".into();
    assert_eq!(
        draft("T", vec![a.clone(), forged]).unwrap_err().to_string(),
        "founder \"cert-b\": the self-signature of the member card of cert-b does not verify"
    );
    assert!(draft("", vec![a.clone(), b.clone()]).is_err());
    assert!(draft("two\nlines", vec![a.clone(), b.clone()]).is_err());
    assert!(draft(&"t".repeat(201), vec![a.clone(), b.clone()]).is_err());
    let big = Rules {
        admission: Admission::TwoThirds,
        withdrawal_notice_seconds: 1 << 53,
    };
    assert!(Agreement::draft("T", vec![a, b], big, T0, HTTPS).is_err());
}

#[test]
fn http_endpoints_need_the_test_policy() {
    let (ka, kb) = (SigningKey::generate(), SigningKey::generate());
    let card = |name: &str, key: &SigningKey| {
        MemberCard::create(
            name,
            "http://127.0.0.1:9000",
            &fingerprint(name),
            key,
            EndpointPolicy::AllowHttp,
        )
        .unwrap()
    };
    let cards = vec![card("cert-a", &ka), card("cert-b", &kb)];
    let mut agreement = Agreement::draft(
        "T",
        cards.clone(),
        Rules::default(),
        T0,
        EndpointPolicy::AllowHttp,
    )
    .unwrap();
    agreement.sign(&ka, EndpointPolicy::AllowHttp).unwrap();
    agreement.sign(&kb, EndpointPolicy::AllowHttp).unwrap();
    assert!(agreement.verify(EndpointPolicy::AllowHttp).is_ok());
    assert!(matches!(
        agreement.verify(HTTPS),
        Err(AgreementError::Card { .. })
    ));
    assert!(Agreement::draft("T", cards, Rules::default(), T0, HTTPS).is_err());
}

#[test]
fn adoption_requires_the_own_card_among_the_founders() {
    let (agreement, members) = founded(&["cert-a", "cert-b"]);
    let (outsider, _) = member("cert-c");
    assert_eq!(
        agreement
            .verify_adoption(&outsider, HTTPS)
            .unwrap_err()
            .to_string(),
        "this node's member card (cert-c) is not among the founders (same name, key, endpoint and certificate)"
    );
    // Same name, another key: not the same member.
    let (namesake, _) = member("cert-a");
    assert!(agreement.verify_adoption(&namesake, HTTPS).is_err());
    assert!(agreement.verify_adoption(&members[0].0, HTTPS).is_ok());
}

#[test]
fn parsing_is_strict() {
    let (agreement, _) = founded(&["cert-a", "cert-b"]);
    let mut value = serde_json::to_value(&agreement).unwrap();
    value["rules"]["quorum"] = 3.into();
    assert!(matches!(
        Agreement::from_json(&value.to_string()),
        Err(AgreementError::Format(FormatError::Shape(_)))
    ));
    let mut value = serde_json::to_value(&agreement).unwrap();
    value["rules"]["admission"] = "dictatorship".into();
    assert!(Agreement::from_json(&value.to_string()).is_err());
    let mut value = serde_json::to_value(&agreement).unwrap();
    value["v"] = 2.into();
    assert_eq!(
        Agreement::from_json(&value.to_string()),
        Err(AgreementError::Format(FormatError::UnsupportedVersion {
            found: 2
        }))
    );
    // A duplicated signature entry must not silently replace another.
    let json = serde_json::to_string(&agreement).unwrap();
    let sig = agreement.signatures["cert-a"].to_b64();
    let doubled = json.replacen(
        "\"signatures\":{",
        &format!("\"signatures\":{{\"cert-b\":\"{sig}\","),
        1,
    );
    assert!(matches!(
        Agreement::from_json(&doubled),
        Err(AgreementError::Format(FormatError::Json(_)))
    ));
    let missing_rule = serde_json::to_string(&agreement)
        .unwrap()
        .replace(",\"withdrawal_notice_seconds\":0", "");
    assert!(Agreement::from_json(&missing_rule).is_err());
}

#[test]
fn admission_names() {
    for a in [
        Admission::Unanimity,
        Admission::TwoThirds,
        Admission::Majority,
    ] {
        assert_eq!(a.as_str().parse::<Admission>(), Ok(a));
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            format!("\"{}\"", a.as_str())
        );
    }
    assert!("all".parse::<Admission>().is_err());
    assert!(CommonwealthId::parse("ab").is_err());
    assert!(CommonwealthId::parse(&"A".repeat(64)).is_err());
}
