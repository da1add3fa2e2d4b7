//! Requests a node must refuse with a clear error and nothing stored:
//! forged signature, replay, unknown member, wrong destination, tampered
//! object or body, stale time, certificate mismatch.

use liaison_core::clock::{Clock, SystemClock};
use liaison_core::exchange::{MessageKind, OutboxRow};
use liaison_core::exchange_ops::{
    FEDERATION_INBOX_PATH, FEDERATION_OUTBOX_PATH, NodeIdentity, WireMessage, envelope_for,
    object_message_id,
};
use liaison_core::federation::{Audience, Provenance, SigningKey};
use liaison_stix::json::parse;
use serde_json::Value;

use crate::kit::*;

/// The envelope `from` would push to `to` with object `object`.
fn envelope(from: &NodeIdentity, to: &str, object: &str) -> String {
    let value = parse(object).unwrap();
    let audience = Audience::Members(vec![to.to_owned()]);
    let p = Provenance::create(&from.author(), &value, audience, SystemClock.now_micros()).unwrap();
    let id = object_message_id(&p.object_id, &p.object_version, &p.digest);
    let payload = WireMessage::object(
        &id,
        serde_json::to_string(&p).unwrap(),
        value.to_json_string(),
    );
    let row = OutboxRow {
        peer: to.to_owned(),
        seq: 1,
        id,
        kind: MessageKind::Object,
        payload: payload.to_json(),
        object: None,
        created_at: 0,
        delivered_at: None,
    };
    envelope_for(&[row], false).unwrap()
}

fn assert_refused(answer: &(u16, Value), status: u16, code: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(answer.1["error_code"], code, "{}", answer.1);
    let description = answer.1["description"].as_str().unwrap();
    assert!(
        description.starts_with(&code.replace('-', " ")),
        "{description}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_replayed_misaddressed_stale_and_mismatched_requests_are_refused() {
    let nodes = commonwealth(&["cert-a", "cert-b", "cert-c"]).await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let as_a = b.peer_client(&a.certificate);
    let mut refused_objects = Vec::new();

    // Forged signature: A's name, another key.
    let body = envelope(&a.node, "cert-b", &indicator(11, V1, None));
    let thief = SigningKey::generate();
    let headers = Forge {
        key: &thief,
        ..honest(&a.node, "cert-b")
    }
    .sign(&body);
    assert_refused(
        &send(&as_a, b, "POST", FEDERATION_INBOX_PATH, &headers, &body).await,
        401,
        "bad-signature",
    );
    refused_objects.push(11);

    // Unknown member.
    let body = envelope(&a.node, "cert-b", &indicator(12, V1, None));
    let headers = Forge {
        origin: "cert-x",
        key: &thief,
        ..honest(&a.node, "cert-b")
    }
    .sign(&body);
    assert_refused(
        &send(&as_a, b, "POST", FEDERATION_INBOX_PATH, &headers, &body).await,
        401,
        "unknown-member",
    );
    refused_objects.push(12);

    // Addressed to C, delivered to B.
    let body = envelope(&a.node, "cert-b", &indicator(13, V1, None));
    let headers = honest(&a.node, "cert-c").sign(&body);
    assert_refused(
        &send(&as_a, b, "POST", FEDERATION_INBOX_PATH, &headers, &body).await,
        403,
        "wrong-destination",
    );
    refused_objects.push(13);

    // Signed ten minutes ago.
    let body = envelope(&a.node, "cert-b", &indicator(14, V1, None));
    let stale = SystemClock.now_micros() - 600_000_000;
    let headers = Forge {
        time: stale,
        ..honest(&a.node, "cert-b")
    }
    .sign(&body);
    assert_refused(
        &send(&as_a, b, "POST", FEDERATION_INBOX_PATH, &headers, &body).await,
        401,
        "stale-or-future-time",
    );
    refused_objects.push(14);

    // The body changed after the request was signed.
    let body = envelope(&a.node, "cert-b", &indicator(15, V1, None));
    let headers = honest(&a.node, "cert-b").sign(&body);
    let altered = body.replace("indicator 15", "indicator 99");
    assert_refused(
        &send(&as_a, b, "POST", FEDERATION_INBOX_PATH, &headers, &altered).await,
        401,
        "digest-mismatch",
    );
    refused_objects.push(15);

    // A's request over a connection with C's certificate, or with none.
    let body = envelope(&a.node, "cert-b", &indicator(16, V1, None));
    let headers = honest(&a.node, "cert-b").sign(&body);
    let as_c = b.peer_client(&c.certificate);
    assert_refused(
        &send(&as_c, b, "POST", FEDERATION_INBOX_PATH, &headers, &body).await,
        401,
        "certificate-mismatch",
    );
    assert_refused(
        &send(&b.http, b, "POST", FEDERATION_INBOX_PATH, &headers, &body).await,
        401,
        "certificate-mismatch",
    );
    // A stranger's certificate: refused before the body is even read.
    let stranger = b.peer_client(&certificate());
    assert_refused(
        &send(&stranger, b, "POST", FEDERATION_INBOX_PATH, &headers, &body).await,
        401,
        "certificate-mismatch",
    );
    refused_objects.push(16);

    // A tampered object inside an honestly signed request: the request is
    // answered, the message refused with the reason, nothing stored.
    let body = envelope(&a.node, "cert-b", &indicator(17, V1, None))
        .replace("indicator 17", "indicator 71");
    let headers = honest(&a.node, "cert-b").sign(&body);
    let (status, answer) = send(&as_a, b, "POST", FEDERATION_INBOX_PATH, &headers, &body).await;
    assert_eq!(status, 200, "{answer}");
    let receipt = &answer["receipts"]["entries"][0];
    assert_eq!(receipt["outcome"], "refused", "{answer}");
    assert!(
        receipt["reason"].as_str().unwrap().contains("digest"),
        "{answer}"
    );
    refused_objects.push(17);

    // Replay: the first delivery is applied, the same request again is refused.
    let body = envelope(&a.node, "cert-b", &indicator(18, V1, None));
    let headers = honest(&a.node, "cert-b").sign(&body);
    let (status, answer) = send(&as_a, b, "POST", FEDERATION_INBOX_PATH, &headers, &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["receipts"]["entries"][0]["outcome"], "stored",
        "{answer}"
    );
    assert_refused(
        &send(&as_a, b, "POST", FEDERATION_INBOX_PATH, &headers, &body).await,
        401,
        "replayed-nonce",
    );

    for n in refused_objects {
        assert_eq!(
            b.store.origin_of(&indicator_id(n)).await.unwrap(),
            None,
            "indicator {n} was stored"
        );
    }
    assert_eq!(
        b.taxii_ids("from-cert-a", &b.admin).await,
        [indicator_id(18)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pulls_are_signed_and_cannot_be_replayed() {
    let nodes = commonwealth(&["cert-a", "cert-b"]).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let as_b = a.peer_client(&b.certificate);
    let path = format!("{FEDERATION_OUTBOX_PATH}?after=0&limit=10");
    let headers = Forge {
        method: "GET",
        path: &path,
        ..honest(&b.node, "cert-a")
    }
    .sign("");
    let (status, envelope) = send(&as_b, a, "GET", &path, &headers, "").await;
    assert_eq!(status, 200, "{envelope}");
    assert!(
        envelope["x_liaison_messages"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_refused(
        &send(&as_b, a, "GET", &path, &headers, "").await,
        401,
        "replayed-nonce",
    );
    // Signed for another query string.
    let headers = Forge {
        method: "GET",
        path: &path,
        ..honest(&b.node, "cert-a")
    }
    .sign("");
    let other = format!("{FEDERATION_OUTBOX_PATH}?after=5&limit=10");
    assert_refused(
        &send(&as_b, a, "GET", &other, &headers, "").await,
        401,
        "bad-signature",
    );
}
