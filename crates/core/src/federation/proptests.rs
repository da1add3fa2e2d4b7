//! Properties of the signed formats over random contents: what is signed
//! verifies, any single-byte change to a signed record's canonical JSON is
//! refused, and the order of members in the JSON received does not matter.

use std::borrow::Cow;
use std::sync::LazyLock;

use proptest::prelude::*;

use liaison_stix::Timestamp;
use liaison_stix::json::{Value, parse};
use liaison_stix::tlp::Tlp;

use super::testkit::{T0, founded, indicator, member, pair};
use super::*;

const HTTPS: EndpointPolicy = EndpointPolicy::HttpsOnly;

fn name() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9-]{1,30}".prop_filter("reserved", |n| n != "all")
}

/// Free text: printable, not blank.
fn text() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{1,80}".prop_filter("blank", |t| !t.trim().is_empty())
}

fn kind() -> impl Strategy<Value = ReactionKind> {
    prop::sample::select(ReactionKind::ALL.to_vec())
}

fn tlp() -> impl Strategy<Value = Option<Tlp>> {
    prop::option::of(prop::sample::select(vec![
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ]))
}

/// An indicator whose name is `name`, marked `tlp`.
fn object(name: &str, tlp: Option<Tlp>) -> Value<'static> {
    let mut value = indicator(tlp);
    if let Value::Object(o) = &mut value {
        o.insert("name", Value::from(name.to_owned()));
    }
    value
}

/// Parses and verifies a record of the named kind: true when accepted.
type Check = Box<dyn Fn(&str, &str) -> bool + Send + Sync>;

/// Signed records of every kind, as JSON, and how to check each one.
struct Fixtures {
    records: Vec<(&'static str, String)>,
    check: Check,
}

static FIXTURES: LazyLock<Fixtures> = LazyLock::new(|| {
    let p = pair();
    let (card, _) = member("cert-q");
    let (agreement, _) = founded(&["cert-a", "cert-b"]);
    let stix_target = object("target", Some(Tlp::Green));
    let prov = Provenance::create(&p.author(0), &stix_target, Audience::All, T0).unwrap();
    let object_ref = ObjectRef::of(&stix_target).unwrap();
    let receipt = Receipt::create(
        &p.author(1),
        "cert-a",
        "0b6f9c1e-8f2a-4a43-9d1c-2b4f6e8a0c11",
        Some(&object_ref),
        Some("refused: ünïcode reason"),
        T0,
    )
    .unwrap();
    let acceptance = Acceptance::create(
        &p.author(1),
        "cert-a",
        &object_ref.id,
        &object_ref.version,
        "alice",
        T0,
    )
    .unwrap();
    let draft = ReactionDraft {
        note: Some("seen at the border".into()),
        count: Some(12),
        first_seen: Some(Timestamp::from_unix_micros(T0 - 1_000_000)),
        last_seen: Some(Timestamp::from_unix_micros(T0)),
        ..ReactionDraft::new(ReactionKind::Seen)
    };
    let (reaction, reaction_stix) =
        Reaction::create(&p.author(1), "cert-a", &stix_target, &draft, None, T0).unwrap();
    let json = |v: &dyn erased::Json| v.json();
    let records = vec![
        ("card", json(&card)),
        ("agreement", json(&agreement)),
        ("provenance", json(&prov)),
        ("receipt", json(&receipt)),
        ("acceptance", json(&acceptance)),
        ("reaction", json(&reaction)),
    ];
    let cw = p.cw.clone();
    let keys = [p.keys[0].public_key(), p.keys[1].public_key()];
    let check = move |kind: &str, text: &str| -> bool {
        let incoming = |from: usize, to: usize| Incoming {
            commonwealth: &cw,
            sender: testkit::NAMES[from],
            sender_key: &keys[from],
            self_name: testkit::NAMES[to],
            now_micros: T0,
            max_skew: DEFAULT_MAX_SKEW,
        };
        match kind {
            "card" => MemberCard::from_json(text, HTTPS).is_ok(),
            "agreement" => Agreement::from_json(text).is_ok_and(|a| a.verify(HTTPS).is_ok()),
            "provenance" => Provenance::from_json(text)
                .is_ok_and(|r| r.verify_incoming(&stix_target, &incoming(0, 1)).is_ok()),
            "receipt" => {
                Receipt::from_json(text).is_ok_and(|r| r.verify_incoming(&incoming(1, 0)).is_ok())
            }
            "acceptance" => Acceptance::from_json(text)
                .is_ok_and(|r| r.verify_incoming(&incoming(1, 0)).is_ok()),
            "reaction" => Reaction::from_json(text)
                .is_ok_and(|r| r.verify_incoming(&reaction_stix, &incoming(1, 0)).is_ok()),
            _ => unreachable!(),
        }
    };
    Fixtures {
        records,
        check: Box::new(check),
    }
});

/// Serialising any record as canonical JSON, behind one object-safe trait.
mod erased {
    pub(super) trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            super::canonical_json(self).unwrap()
        }
    }
}

/// Reorders the members of every object (arrays keep their order) by a
/// salted hash of their names.
fn shuffle(value: &Value<'_>, salt: u64) -> Value<'static> {
    match value {
        Value::Object(o) => {
            let mut members: Vec<(String, Value<'static>)> = o
                .iter()
                .map(|(k, v)| (k.to_owned(), shuffle(v, salt)))
                .collect();
            members.sort_by_key(|(k, _)| {
                k.bytes().fold(salt ^ 0xcbf2_9ce4_8422_2325, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
                })
            });
            Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (Cow::Owned(k), v))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| shuffle(v, salt)).collect()),
        other => other.clone().into_owned(),
    }
}

/// Every byte of every fixture, flipped in its lowest bit (which keeps
/// ASCII ASCII, so nearly every variant reaches the parser and the
/// signature check).
#[test]
fn every_byte_is_covered() {
    for (kind, text) in &FIXTURES.records {
        for at in 0..text.len() {
            let mut bytes = text.as_bytes().to_vec();
            bytes[at] ^= 1;
            if let Ok(tampered) = String::from_utf8(bytes) {
                assert!(
                    !(FIXTURES.check)(kind, &tampered),
                    "{kind} accepted: {tampered}"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn fixtures_verify(i in 0usize..6) {
        let (kind, text) = &FIXTURES.records[i];
        prop_assert!((FIXTURES.check)(kind, text), "{kind}: {text}");
    }

    #[test]
    fn any_single_byte_tamper_is_refused(
        i in 0usize..6,
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let (kind, text) = &FIXTURES.records[i];
        let mut bytes = text.as_bytes().to_vec();
        let at = at.index(bytes.len());
        prop_assume!(bytes[at] != byte);
        bytes[at] = byte;
        if let Ok(tampered) = String::from_utf8(bytes) {
            prop_assert!(!(FIXTURES.check)(kind, &tampered), "{kind} accepted: {tampered}");
        }
    }

    #[test]
    fn member_order_does_not_matter(i in 0usize..6, salt in any::<u64>()) {
        let (kind, text) = &FIXTURES.records[i];
        let shuffled = shuffle(&parse(text).unwrap(), salt).to_json_string();
        prop_assert!((FIXTURES.check)(kind, &shuffled), "{kind}: {shuffled}");
        let target = object("x", Some(Tlp::Red));
        prop_assert_eq!(object_digest(&shuffle(&target, salt)), object_digest(&target));
    }

    #[test]
    fn receipts_round_trip(
        reason in prop::option::of("\\PC{0,300}"),
        with_object in any::<bool>(),
        offset in -1_000_000_000i64..1_000_000_000,
    ) {
        let p = pair();
        let target = object("n", None);
        let object_ref = ObjectRef::of(&target).unwrap();
        let receipt = Receipt::create(
            &p.author(1),
            "cert-a",
            "0b6f9c1e-8f2a-4a43-9d1c-2b4f6e8a0c11",
            with_object.then_some(&object_ref),
            reason.as_deref(),
            T0 + offset,
        )
        .unwrap();
        let back = Receipt::from_json(&serde_json::to_string(&receipt).unwrap()).unwrap();
        prop_assert_eq!(&back, &receipt);
        let incoming = p.incoming(1, 0, T0 + offset);
        prop_assert_eq!(back.verify_incoming(&incoming.get()), Ok(()));
    }

    #[test]
    fn provenance_round_trips(
        title in text(),
        level in tlp(),
        named in prop::option::of(prop::collection::btree_set(name(), 1..5)),
    ) {
        let p = pair();
        let target = object(&title, level);
        let audience = match named {
            None => Audience::All,
            Some(names) => {
                let mut names: Vec<String> = names.into_iter().filter(|n| n != "cert-a").collect();
                names.push("cert-b".into());
                names.sort();
                names.dedup();
                Audience::Members(names)
            }
        };
        let prov = Provenance::create(&p.author(0), &target, audience, T0).unwrap();
        let back = Provenance::from_json(&serde_json::to_string(&prov).unwrap()).unwrap();
        prop_assert_eq!(back.tlp, level);
        prop_assert_eq!(back.verify_incoming(&target, &p.incoming(0, 1, T0).get()), Ok(()));
    }

    #[test]
    fn reactions_round_trip(kind in kind(), note in prop::option::of(text()), count in 0u32..=MAX_COUNT) {
        let p = pair();
        let target = object("t", None);
        let draft = ReactionDraft {
            note,
            count: (kind == ReactionKind::Seen).then_some(count),
            ..ReactionDraft::new(kind)
        };
        let (reaction, stix) =
            Reaction::create(&p.author(1), "cert-a", &target, &draft, None, T0).unwrap();
        let back = Reaction::from_json(&serde_json::to_string(&reaction).unwrap()).unwrap();
        prop_assert_eq!(back.verify_incoming(&stix, &p.incoming(1, 0, T0).get()), Ok(()));
        let stix_text = stix.to_json_string();
        let stix_back = parse(&stix_text).unwrap();
        let errors: Vec<_> = liaison_stix::validate_object(&stix_back)
            .into_iter()
            .filter(|f| f.is_error())
            .collect();
        prop_assert!(errors.is_empty(), "{:?}", errors);
    }

    #[test]
    fn cards_round_trip(name in name(), port in 1u16..) {
        let key = SigningKey::generate();
        let card = MemberCard::create(
            &name,
            &format!("https://{name}.example:{port}/liaison"),
            &testkit::fingerprint(&name),
            &key,
            HTTPS,
        )
        .unwrap();
        let text = serde_json::to_string_pretty(&card).unwrap();
        prop_assert_eq!(MemberCard::from_json(&text, HTTPS), Ok(card));
    }

    #[test]
    fn signed_requests_verify_within_the_skew(
        method in prop::sample::select(vec!["GET", "POST", "PUT", "DELETE"]),
        path in "/[a-zA-Z0-9/_.?=&%-]{0,60}",
        body in prop::collection::vec(any::<u8>(), 0..512),
        skew in -300_000_000i64..=300_000_000,
    ) {
        let (card_a, key_a) = member("cert-a");
        let (card_b, _) = member("cert-b");
        let members = [Member::from_card(&card_a), Member::from_card(&card_b)];
        let cw = testkit::commonwealth();
        let signed = RequestSignature {
            method,
            path_and_query: &path,
            body: &body,
            origin: "cert-a",
            destination: "cert-b",
            commonwealth: &cw,
            time_micros: T0,
        }
        .sign(&key_a)
        .unwrap();
        let pairs = signed.pairs();
        let headers: Vec<(&str, &[u8])> = pairs.iter().map(|(n, v)| (*n, v.as_bytes())).collect();
        let request = ReceivedRequest {
            method,
            path_and_query: &path,
            body: &body,
            headers: &headers,
            client_certificate: Some(&card_a.tls_fingerprint),
        };
        let expected = RequestExpectation {
            commonwealth: &cw,
            self_name: "cert-b",
            now_micros: T0 + skew,
            max_skew: DEFAULT_MAX_SKEW,
        };
        let verified = verify_request(&request, &expected, members.as_slice()).unwrap();
        prop_assert_eq!(verified.nonce, signed.nonce);
    }
}
