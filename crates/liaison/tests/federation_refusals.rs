//! Requests a real node refuses, with a clear error and nothing stored:
//! forged signature, replayed request, unknown member, wrong destination,
//! tampered object — and stale time, digest and certificate mismatches.
//! The test plays member cert-a (its key and certificate, read from its
//! data directory) and an outsider with a key of its own, and talks to
//! cert-b's `liaison serve` over mutual TLS, crafting each request with the
//! core's signing API.

mod support;

use liaison_core::clock::{Clock, SystemClock};
use liaison_core::exchange::{MessageKind, OutboxRow};
use liaison_core::exchange_ops::{
    FEDERATION_INBOX_PATH, NodeIdentity, WireMessage, envelope_for, object_message_id,
};
use liaison_core::federation::{
    Audience, CommonwealthId, Provenance, RequestSignature, SignedHeaders, SigningKey,
};
use liaison_stix::json::parse;
use serde_json::Value;
use support::commonwealth::Commonwealth;
use support::node::{TAXII, indicator, indicator_id};

const A: &str = "cert-a";
const B: &str = "cert-b";
const C: &str = "cert-c";

/// The envelope `from` pushes to `to` with `object` (as its worker would).
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

/// Signs a POST to the inbox of `destination` as `origin` with `key`, at
/// `time`.
fn sign(
    commonwealth: &CommonwealthId,
    origin: &str,
    destination: &str,
    key: &SigningKey,
    time_micros: i64,
    body: &str,
) -> SignedHeaders {
    RequestSignature {
        method: "POST",
        path_and_query: FEDERATION_INBOX_PATH,
        body: body.as_bytes(),
        origin,
        destination,
        commonwealth,
        time_micros,
    }
    .sign(key)
    .unwrap()
}

/// POSTs `body` with `headers` to B's inbox through `client`; returns the
/// status and the JSON answer.
fn post(
    cw: &Commonwealth,
    client: &reqwest::Client,
    headers: &SignedHeaders,
    body: &str,
) -> (u16, Value) {
    let mut request = client
        .post(format!("{}{FEDERATION_INBOX_PATH}", cw.node(B).url()))
        .header("accept", TAXII)
        .header("content-type", TAXII)
        .body(body.to_owned());
    for (name, value) in headers.pairs() {
        request = request.header(name, value);
    }
    cw.block_on(async move {
        let response = request.send().await.expect("B answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON answer"))
    })
}

/// Checks a refusal: HTTP status, `error_code`, and a description that
/// begins with the reason in words.
fn assert_refused(answer: &(u16, Value), status: u16, code: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(answer.1["error_code"], code, "{}", answer.1);
    let description = answer.1["description"].as_str().unwrap_or_default();
    assert!(
        description.starts_with(&code.replace('-', " ")),
        "the error says why: {description}"
    );
}

#[test]
fn forged_replayed_misaddressed_and_tampered_requests_are_refused_and_nothing_is_stored() {
    let cw = Commonwealth::found(&[A, B, C]);
    let a = cw.identity(A);
    let commonwealth = a.commonwealth().clone();
    let as_a = cw.peer_client(A, B);
    let now = || SystemClock.now_micros();
    let outsider = SigningKey::generate();

    // Forged signature: A's name, another key.
    let body = envelope(&a, B, &indicator(41));
    let headers = sign(&commonwealth, A, B, &outsider, now(), &body);
    assert_refused(&post(&cw, &as_a, &headers, &body), 401, "bad-signature");

    // Unknown member: a name and key no founder has.
    let body = envelope(&a, B, &indicator(42));
    let headers = sign(&commonwealth, "cert-x", B, &outsider, now(), &body);
    let answer = post(&cw, &as_a, &headers, &body);
    assert_refused(&answer, 401, "unknown-member");
    assert!(
        answer.1["description"].as_str().unwrap().contains("cert-x"),
        "{}",
        answer.1
    );

    // Wrong destination: a request A signed for C, delivered to B.
    let body = envelope(&a, B, &indicator(43));
    let headers = sign(&commonwealth, A, C, a.key(), now(), &body);
    assert_refused(&post(&cw, &as_a, &headers, &body), 403, "wrong-destination");

    // Stale: signed ten minutes ago (the window is five).
    let body = envelope(&a, B, &indicator(44));
    let headers = sign(&commonwealth, A, B, a.key(), now() - 600_000_000, &body);
    assert_refused(
        &post(&cw, &as_a, &headers, &body),
        401,
        "stale-or-future-time",
    );

    // Body changed after signing.
    let body = envelope(&a, B, &indicator(45));
    let headers = sign(&commonwealth, A, B, a.key(), now(), &body);
    let other = envelope(&a, B, &indicator(46));
    assert_refused(&post(&cw, &as_a, &headers, &other), 401, "digest-mismatch");

    // A's signature, C's certificate.
    let body = envelope(&a, B, &indicator(47));
    let headers = sign(&commonwealth, A, B, a.key(), now(), &body);
    let as_c = cw.peer_client(C, B);
    assert_refused(
        &post(&cw, &as_c, &headers, &body),
        401,
        "certificate-mismatch",
    );

    // Tampered object: the request is A's, but the object is not the one
    // A's provenance signed. B answers with a refused receipt naming why.
    let body = envelope(&a, B, &indicator(48));
    let tampered = body.replace("e2e indicator 48", "e2e indicator 48 (changed)");
    assert_ne!(tampered, body);
    let headers = sign(&commonwealth, A, B, a.key(), now(), &tampered);
    let (status, answer) = post(&cw, &as_a, &headers, &tampered);
    assert_eq!(status, 200, "{answer}");
    let receipt = &answer["receipts"]["entries"][0];
    assert_eq!(receipt["outcome"], "refused", "{answer}");
    assert_eq!(answer["receipts"]["recipient"], B);
    let reason = receipt["reason"].as_str().unwrap();
    assert!(reason.contains("digest does not match"), "{reason}");

    // Replayed: an honest request goes through once; the same request
    // again is refused.
    let body = envelope(&a, B, &indicator(49));
    let headers = sign(&commonwealth, A, B, a.key(), now(), &body);
    let (status, answer) = post(&cw, &as_a, &headers, &body);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["receipts"]["entries"][0]["outcome"], "stored",
        "{answer}"
    );
    assert_refused(&post(&cw, &as_a, &headers, &body), 401, "replayed-nonce");

    // B holds the honest object once, and nothing of the others.
    assert_eq!(cw.inbound_ids(B, A), [indicator_id(49)]);
    let store = cw.store(B);
    for n in 41..=48 {
        let id = indicator_id(n);
        assert_eq!(
            cw.block_on(store.origin_of(&id)).unwrap(),
            None,
            "{id} stored"
        );
        assert!(
            cw.block_on(store.provenance_of(&id)).unwrap().is_empty(),
            "{id}"
        );
    }
    // B is still on speaking terms with A: a real share goes through.
    cw.share_ok(A, &[indicator(50)], B);
    cw.wait_until("the real share arrives", || cw.inbound_ids(B, A).len() == 2);
}
