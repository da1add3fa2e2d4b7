//! The pure parts of the exchange: the wire format, message ids, aliases,
//! and verification of inbound envelopes (no store needed). The store-backed
//! operations are tested end to end in liaison-server's federation tests.

use liaison_stix::json::{Value, parse};

use super::*;
use crate::exchange::{CommonwealthRecord, MessageKind, OutboxRow};
use crate::federation::{
    Agreement, EndpointPolicy, Member, MemberCard, Provenance, ProvenanceEntry, Rules, SigningKey,
};

const T0: i64 = 1_750_000_000_000_000;
const INDICATOR: &str = r#"{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-02T00:00:00.000Z","name":"bad host","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z"}"#;

/// Nodes `cert-a`, `cert-b`, `cert-c` of one commonwealth.
fn nodes() -> Vec<NodeIdentity> {
    let keys: Vec<SigningKey> = (0..3).map(|_| SigningKey::generate()).collect();
    let names = ["cert-a", "cert-b", "cert-c"];
    let cards: Vec<MemberCard> = names
        .iter()
        .zip(&keys)
        .map(|(name, key)| {
            let fp = crate::users::hex_sha256(name.as_bytes());
            MemberCard::create(
                name,
                &format!("https://{name}.example"),
                &fp,
                key,
                EndpointPolicy::HttpsOnly,
            )
            .unwrap()
        })
        .collect();
    let mut agreement = Agreement::draft(
        "t",
        cards.clone(),
        Rules::default(),
        T0,
        EndpointPolicy::HttpsOnly,
    )
    .unwrap();
    for key in &keys {
        agreement.sign(key, EndpointPolicy::HttpsOnly).unwrap();
    }
    let id = agreement.commonwealth_id().unwrap();
    keys.into_iter()
        .zip(cards)
        .map(|(key, card)| {
            let record = CommonwealthRecord {
                id: id.as_str().to_owned(),
                agreement_json: serde_json::to_string(&agreement).unwrap(),
                self_name: card.name.clone(),
                adopted_at: T0,
            };
            NodeIdentity::new(key, card, &record, EndpointPolicy::HttpsOnly).unwrap()
        })
        .collect()
}

fn member(node: &NodeIdentity) -> Member {
    Member::from_card(node.card())
}

/// The outbox row `from` would send to `to` for `object` (audience `to`).
fn object_row(from: &NodeIdentity, to: &str, object: &str, seq: u64) -> OutboxRow {
    let value = parse(object).unwrap();
    let audience = crate::federation::Audience::Members(vec![to.to_owned()]);
    let p = Provenance::create(&from.author(), &value, audience, T0).unwrap();
    row_for(to, &value, &p, seq)
}

/// The outbox row to `to` at `seq` of the object message for `value` with
/// its provenance `p`.
fn row_for(to: &str, value: &Value<'_>, p: &Provenance, seq: u64) -> OutboxRow {
    let id = object_message_id(&p.object_id, &p.object_version, &p.digest);
    OutboxRow {
        peer: to.to_owned(),
        seq,
        id: id.clone(),
        kind: MessageKind::Object,
        payload: WireMessage::object(
            &id,
            serde_json::to_string(p).unwrap(),
            value.to_json_string(),
        )
        .to_json(),
        object: None,
        created_at: T0,
        delivered_at: None,
    }
}

fn prepared(at: &NodeIdentity, from: &NodeIdentity, body: &str) -> PreparedInbound {
    prepared_via(at, from, body, Route::Pushed)
}

fn prepared_via(
    at: &NodeIdentity,
    from: &NodeIdentity,
    body: &str,
    route: Route,
) -> PreparedInbound {
    let sender_member = member(from);
    let sender = Sender {
        member: &sender_member,
        nonce: "n",
        request_time: T0,
    };
    let envelope = parse_envelope(body.as_bytes()).unwrap();
    let membership = FoundersMembership::new(at.agreement());
    prepare_inbound(
        at,
        &membership,
        &sender,
        &envelope,
        "inbound-id",
        T0 + 1,
        route,
    )
}

#[test]
fn an_object_envelope_round_trips_and_verifies() {
    let n = nodes();
    let row = object_row(&n[0], "cert-b", INDICATOR, 7);
    let body = envelope_for(std::slice::from_ref(&row), false).unwrap();
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["x_liaison_messages"][0]["seq"], 7);
    assert_eq!(value["x_liaison_messages"][0]["index"], 0);
    assert_eq!(value["x_liaison_messages"][0]["kind"], "object");
    assert_eq!(
        value["objects"][0]["id"],
        "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
    );
    let p = prepared(&n[1], &n[0], &body);
    assert_eq!(p.refused(), 0, "{p:?}");
}

/// Rows `from` would send to `to` for `count` indicators shared at once
/// (one provenance batch), seqs from `first_seq`.
fn batch_rows(from: &NodeIdentity, to: &str, count: usize, first_seq: u64) -> Vec<OutboxRow> {
    let values: Vec<_> = (0..count)
        .map(|i| {
            let text = INDICATOR.replace("8e2e2d2b", &format!("{:08x}", 0x1000_0000 + i));
            parse(&text).unwrap().into_owned()
        })
        .collect();
    let entries: Vec<ProvenanceEntry> = values
        .iter()
        .map(|v| ProvenanceEntry::of(v).unwrap())
        .collect();
    let audience = crate::federation::Audience::Members(vec![to.to_owned()]);
    let refs: Vec<&ProvenanceEntry> = entries.iter().collect();
    let records = Provenance::sign_batch(&from.author(), &refs, &audience, T0).unwrap();
    values
        .iter()
        .zip(records)
        .zip(first_seq..)
        .map(|((value, p), seq)| row_for(to, value, &p, seq))
        .collect()
}

#[test]
fn a_batch_of_objects_verifies_with_one_signature_and_each_record_alone() {
    let n = nodes();
    let rows = batch_rows(&n[0], "cert-b", 70, 1);
    let p = prepared(&n[1], &n[0], &envelope_for(&rows, false).unwrap());
    assert_eq!(p.refused(), 0, "{p:?}");
    // Every record stored proves itself with the originator's key.
    let key = n[0].card().signing_key;
    for row in &rows {
        let message: WireMessage = serde_json::from_str(&row.payload).unwrap();
        let record = Provenance::from_json(message.provenance.unwrap().get()).unwrap();
        assert_eq!(record.batch.size, 70);
        assert_eq!(record.verify(&key), Ok(()));
    }
    // One object changed in transit: that message alone is refused.
    let body = envelope_for(&rows, false).unwrap();
    let tampered = body.replacen("bad host", "good host", 1);
    let p = prepared(&n[1], &n[0], &tampered);
    assert_eq!(p.refused(), 1);
    // A record moved to another object of the batch: refused.
    let mut swapped = rows.clone();
    let (a, b) = (swapped[3].payload.clone(), swapped[4].payload.clone());
    let a: serde_json::Value = serde_json::from_str(&a).unwrap();
    let mut b: serde_json::Value = serde_json::from_str(&b).unwrap();
    b["provenance"]["batch"] = a["provenance"]["batch"].clone();
    swapped[4].payload = b.to_string();
    let p = prepared(&n[1], &n[0], &envelope_for(&swapped, false).unwrap());
    assert_eq!(p.refused(), 1);
}

#[test]
fn the_log_span_of_pushes_and_pulls() {
    use crate::exchange::LogSpan;
    let n = nodes();
    let rows = batch_rows(&n[0], "cert-b", 3, 11);
    let body = envelope_for(&rows, false).unwrap();
    let pushed = prepared(&n[1], &n[0], &body);
    assert_eq!(
        pushed.log_span(),
        Some(LogSpan {
            first: 11,
            last: 13
        })
    );
    let pulled = prepared_via(&n[1], &n[0], &body, Route::Pulled { after: 7 });
    assert_eq!(pulled.log_span(), Some(LogSpan { first: 8, last: 13 }));
    // Refused messages are handled too (receipted for good).
    let row = object_row(&n[0], "cert-c", INDICATOR, 5);
    let refused = prepared(&n[1], &n[0], &envelope_for(&[row], false).unwrap());
    assert_eq!(refused.log_span(), Some(LogSpan { first: 5, last: 5 }));
}

#[test]
fn message_ids_of_object_versions_are_derived() {
    let a = object_message_id("indicator--1", "2025-01-01T00:00:00Z", "ab");
    assert_eq!(
        a,
        object_message_id("indicator--1", "2025-01-01T00:00:00Z", "ab")
    );
    assert_ne!(
        a,
        object_message_id("indicator--1", "2025-01-01T00:00:01Z", "ab")
    );
    assert!(liaison_stix::Uuid::parse(&a).is_ok());
}

#[test]
fn what_the_receiver_refuses_per_message() {
    let n = nodes();
    // Addressed to cert-c, received by cert-b.
    let row = object_row(&n[0], "cert-c", INDICATOR, 1);
    let p = prepared(&n[1], &n[0], &envelope_for(&[row], false).unwrap());
    assert_eq!(p.refused(), 1);
    // Tampered in transit.
    let row = object_row(&n[0], "cert-b", INDICATOR, 1);
    let body = envelope_for(&[row], false)
        .unwrap()
        .replace("bad host", "good host");
    let p = prepared(&n[1], &n[0], &body);
    assert_eq!(p.refused(), 1);
    // Signed by cert-a but delivered by cert-c: nothing is forwarded.
    let row = object_row(&n[0], "cert-b", INDICATOR, 1);
    let p = prepared(&n[1], &n[2], &envelope_for(&[row], false).unwrap());
    assert_eq!(p.refused(), 1);
    // Invalid STIX (but correctly signed).
    let invalid = INDICATOR.replace(r#""pattern_type":"stix","#, "");
    let row = object_row(&n[0], "cert-b", &invalid, 1);
    let p = prepared(&n[1], &n[0], &envelope_for(&[row], false).unwrap());
    assert_eq!(p.refused(), 1);
}

#[test]
fn malformed_envelopes_are_refused_whole() {
    for (body, needle) in [
        ("[]", "not a federation envelope"),
        (
            r#"{"x_liaison_messages":[{"v":2}]}"#,
            "x_liaison_messages[0]",
        ),
        (
            r#"{"x_liaison_messages":[{"v":2,"id":"0b6f9c1e-8f2a-4a43-9d1c-2b4f6e8a0c11","kind":"object","provenance":{}}]}"#,
            "index is required",
        ),
        (
            r#"{"x_liaison_messages":[{"v":2,"id":"0b6f9c1e-8f2a-4a43-9d1c-2b4f6e8a0c11","kind":"object","provenance":{},"index":0}]}"#,
            "names no object",
        ),
        (
            r#"{"x_liaison_messages":[{"v":1,"id":"0b6f9c1e-8f2a-4a43-9d1c-2b4f6e8a0c11","kind":"acceptance","acceptance":{}}]}"#,
            "unsupported message version 1: this node reads version 2",
        ),
        (
            r#"{"x_liaison_messages":[{"v":2,"id":"0B6F9C1E-8f2a-4a43-9d1c-2b4f6e8a0c11","kind":"acceptance","acceptance":{}}]}"#,
            "lowercase UUID",
        ),
        (
            r#"{"x_liaison_messages":[{"v":2,"id":"0b6f9c1e-8f2a-4a43-9d1c-2b4f6e8a0c11","kind":"acceptance","acceptance":{},"receipt":{}}]}"#,
            "receipt is not allowed",
        ),
        (
            r#"{"x_liaison_messages":[{"v":2,"id":"0b6f9c1e-8f2a-4a43-9d1c-2b4f6e8a0c11","kind":"acceptance","acceptance":{},"extra":1}]}"#,
            "unknown field",
        ),
    ] {
        let err = parse_envelope(body.as_bytes()).unwrap_err().to_string();
        assert!(err.contains(needle), "{body}: {err}");
    }
}

#[test]
fn aliases() {
    assert_eq!(
        classify_alias("to-all", "cert-a"),
        Some(ExchangeCollection::ToAll)
    );
    assert_eq!(
        classify_alias("to-cert-b", "cert-a"),
        Some(ExchangeCollection::To("cert-b".into()))
    );
    assert_eq!(
        classify_alias("from-cert-b", "cert-a"),
        Some(ExchangeCollection::From("cert-b".into()))
    );
    assert_eq!(classify_alias("from-cert-a", "cert-a"), None);
    assert_eq!(classify_alias("shared", "cert-a"), None);
    assert_eq!(classify_alias("to-X", "cert-a"), None);
    for c in [
        ExchangeCollection::ToAll,
        ExchangeCollection::From("cert-b".into()),
    ] {
        assert_eq!(classify_alias(&c.alias(), "cert-a"), Some(c));
    }
}

#[test]
fn identity_checks_its_parts() {
    let n = nodes();
    let record = CommonwealthRecord {
        id: n[0].commonwealth().as_str().to_owned(),
        agreement_json: serde_json::to_string(n[0].agreement()).unwrap(),
        self_name: "cert-a".into(),
        adopted_at: T0,
    };
    let wrong_key = NodeIdentity::new(
        SigningKey::generate(),
        n[0].card().clone(),
        &record,
        EndpointPolicy::HttpsOnly,
    );
    assert!(
        wrong_key
            .unwrap_err()
            .to_string()
            .contains("is not the key")
    );
    let seed = n[0].key().to_seed_hex();
    let card = serde_json::to_string(n[0].card()).unwrap();
    let again = NodeIdentity::from_files(&seed, &card, &record, EndpointPolicy::HttpsOnly).unwrap();
    assert_eq!(again.name(), "cert-a");
    let other = CommonwealthRecord {
        self_name: "cert-b".into(),
        ..record
    };
    assert!(NodeIdentity::from_files(&seed, &card, &other, EndpointPolicy::HttpsOnly).is_err());
}
