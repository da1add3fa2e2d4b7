use super::*;
use crate::federation::keys::SigningKey;
use crate::federation::testkit::{T0, commonwealth, fingerprint, member};

struct World {
    cw: CommonwealthId,
    members: Vec<Member>,
    keys: Vec<SigningKey>,
}

fn world() -> World {
    let mut members = Vec::new();
    let mut keys = Vec::new();
    for name in ["cert-a", "cert-b", "cert-c"] {
        let (card, key) = member(name);
        members.push(Member::from_card(&card));
        keys.push(key);
    }
    World {
        cw: commonwealth(),
        members,
        keys,
    }
}

const BODY: &[u8] = br#"{"objects":[]}"#;
const PATH: &str = "/federation/v1/inbox";

impl World {
    /// A POST from cert-a to cert-b signed at `at`.
    fn signed(&self, at: i64) -> SignedHeaders {
        RequestSignature {
            method: "POST",
            path_and_query: PATH,
            body: BODY,
            origin: "cert-a",
            destination: "cert-b",
            commonwealth: &self.cw,
            time_micros: at,
        }
        .sign(&self.keys[0])
        .unwrap()
    }

    fn expect<'a>(&'a self, self_name: &'a str, now: i64) -> RequestExpectation<'a> {
        RequestExpectation {
            commonwealth: &self.cw,
            self_name,
            now_micros: now,
            max_skew: DEFAULT_MAX_SKEW,
        }
    }
}

fn pairs(h: &SignedHeaders) -> Vec<(&'static str, Vec<u8>)> {
    h.pairs()
        .iter()
        .map(|(n, v)| (*n, v.as_bytes().to_vec()))
        .collect()
}

/// Verifies `headers` as received by `self_name` at `now`, with the given
/// method/path/body and the sender's certificate.
fn check(
    w: &World,
    headers: &[(&str, Vec<u8>)],
    (method, path, body): (&str, &str, &[u8]),
    self_name: &str,
    now: i64,
    cert: Option<&str>,
) -> Result<VerifiedRequest, RequestRejection> {
    let refs: Vec<(&str, &[u8])> = headers.iter().map(|(n, v)| (*n, v.as_slice())).collect();
    let request = ReceivedRequest {
        method,
        path_and_query: path,
        body,
        headers: &refs,
        client_certificate: cert,
    };
    verify_request(&request, &w.expect(self_name, now), w.members.as_slice())
}

fn at_b(w: &World, headers: &[(&str, Vec<u8>)]) -> Result<VerifiedRequest, RequestRejection> {
    check(
        w,
        headers,
        ("POST", PATH, BODY),
        "cert-b",
        T0,
        Some(&fingerprint("cert-a")),
    )
}

fn with(h: &SignedHeaders, name: &str, value: &str) -> Vec<(&'static str, Vec<u8>)> {
    pairs(h)
        .into_iter()
        .map(|(n, v)| {
            if n == name {
                (n, value.as_bytes().to_vec())
            } else {
                (n, v)
            }
        })
        .collect()
}

#[test]
fn a_signed_request_verifies() {
    let w = world();
    let h = w.signed(T0);
    assert_eq!(h.time, "2025-06-15T15:06:40.000000Z");
    assert_eq!(h.nonce.len(), 22);
    assert!(h.digest.starts_with("sha-256="));
    let verified = at_b(&w, &pairs(&h)).unwrap();
    assert_eq!(verified.origin.name, "cert-a");
    assert_eq!(verified.nonce, h.nonce);
    assert_eq!(verified.time_micros, T0);
    assert_ne!(
        w.signed(T0).nonce,
        h.nonce,
        "every request has its own nonce"
    );
}

#[test]
fn header_names_match_in_any_case_and_certificates_in_any_case() {
    let w = world();
    let h = w.signed(T0);
    let lower: Vec<_> = pairs(&h)
        .into_iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v))
        .collect();
    let lower: Vec<(&str, Vec<u8>)> = lower.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
    assert!(at_b(&w, &lower).is_ok());
    let upper = fingerprint("cert-a").to_uppercase();
    assert!(
        check(
            &w,
            &pairs(&h),
            ("POST", PATH, BODY),
            "cert-b",
            T0,
            Some(&upper)
        )
        .is_ok()
    );
}

#[test]
fn malformed_headers() {
    let w = world();
    let h = w.signed(T0);
    let rule = |headers: &[(&str, Vec<u8>)]| match at_b(&w, headers) {
        Err(RequestRejection::Malformed { header, rule }) => format!("{header} {rule}"),
        other => panic!("expected malformed, got {other:?}"),
    };
    let mut missing = pairs(&h);
    missing.retain(|(n, _)| *n != headers::NONCE);
    assert_eq!(rule(&missing), "Liaison-Nonce is missing");
    let mut doubled = pairs(&h);
    doubled.push(("liaison-time", h.time.as_bytes().to_vec()));
    assert_eq!(rule(&doubled), "Liaison-Time must appear exactly once");
    let cases = [
        (
            headers::ORIGIN,
            "Cert-A",
            "Liaison-Origin must be a member name",
        ),
        (
            headers::ORIGIN,
            "cert-b",
            "Liaison-Destination must differ from Liaison-Origin",
        ),
        (
            headers::DESTINATION,
            "all",
            "Liaison-Destination must be a member name",
        ),
        (
            headers::ORIGIN,
            "cert a",
            "Liaison-Origin must be printable ASCII without spaces",
        ),
        (
            headers::ORIGIN,
            "",
            "Liaison-Origin must be printable ASCII without spaces",
        ),
        (
            headers::COMMONWEALTH,
            &w.cw.as_str().to_uppercase(),
            "Liaison-Commonwealth must be 64 lowercase hexadecimal digits",
        ),
        (
            headers::TIME,
            "2025-06-15T15:06:40Z",
            "Liaison-Time must be a UTC timestamp with six fractional digits",
        ),
        (
            headers::NONCE,
            "AAAAAAAAAAAAAAAAAAAAAA==",
            "Liaison-Nonce must be 16 bytes in unpadded base64url",
        ),
        (
            headers::NONCE,
            "AAAAAAAAAAAAAAAAAAAAA",
            "Liaison-Nonce must be 16 bytes in unpadded base64url",
        ),
        (
            headers::NONCE,
            "AAAAAAAAAAAAAAAAAAAAA+",
            "Liaison-Nonce must be 16 bytes in unpadded base64url",
        ),
        (
            headers::DIGEST,
            "sha-512=AAAA",
            "Liaison-Digest must be sha-256= and the standard base64 of 32 bytes",
        ),
        (
            headers::DIGEST,
            &h.digest.replace("sha-256=", "SHA-256="),
            "Liaison-Digest must be sha-256= and the standard base64 of 32 bytes",
        ),
        (
            headers::SIGNATURE,
            "AAAA",
            "Liaison-Signature must be the standard base64 of a 64-byte ed25519 signature",
        ),
    ];
    for (name, value, expected) in cases {
        assert_eq!(rule(&with(&h, name, value)), expected, "{name}: {value}");
    }
    let mut non_ascii = pairs(&h);
    non_ascii[0].1 = "cert-ä".as_bytes().to_vec();
    assert_eq!(
        rule(&non_ascii),
        "Liaison-Origin must be printable ASCII without spaces"
    );
    let bad_method = check(&w, &pairs(&h), ("post", PATH, BODY), "cert-b", T0, None);
    assert_eq!(
        bad_method.unwrap_err().to_string(),
        "malformed request: method must be an upper-case HTTP method"
    );
    for path in ["federation/v1/inbox", "/a b", "/a\nb", ""] {
        assert!(matches!(
            check(&w, &pairs(&h), ("POST", path, BODY), "cert-b", T0, None),
            Err(RequestRejection::Malformed { header: "path", .. })
        ));
    }
}

#[test]
fn the_sender_refuses_to_sign_what_the_receiver_would_refuse() {
    let w = world();
    let base = RequestSignature {
        method: "POST",
        path_and_query: PATH,
        body: BODY,
        origin: "cert-a",
        destination: "cert-b",
        commonwealth: &w.cw,
        time_micros: T0,
    };
    let key = &w.keys[0];
    assert!(
        RequestSignature {
            method: "get",
            ..base
        }
        .sign(key)
        .is_err()
    );
    assert!(
        RequestSignature {
            path_and_query: "/x\ny",
            ..base
        }
        .sign(key)
        .is_err()
    );
    assert!(
        RequestSignature {
            destination: "cert-a",
            ..base
        }
        .sign(key)
        .is_err()
    );
    assert!(
        RequestSignature {
            origin: "CERT",
            ..base
        }
        .sign(key)
        .is_err()
    );
}

#[test]
fn membership_checks() {
    let mut w = world();
    let h = w.signed(T0);
    assert_eq!(
        check(&w, &pairs(&h), ("POST", PATH, BODY), "cert-b", T0, None).map(|v| v.origin.name),
        Err(RequestRejection::CertificateMismatch {
            origin: "cert-a".into()
        })
    );
    let other_cw = CommonwealthId::parse(&fingerprint("elsewhere")).unwrap();
    assert_eq!(
        at_b(&w, &with(&h, headers::COMMONWEALTH, other_cw.as_str())),
        Err(RequestRejection::WrongCommonwealth)
    );
    w.members[0].standing = Standing::Suspended;
    assert_eq!(
        at_b(&w, &pairs(&h)).unwrap_err().to_string(),
        "not in good standing: cert-a is suspended"
    );
    w.members.remove(0);
    assert_eq!(
        at_b(&w, &pairs(&h)).unwrap_err().to_string(),
        "unknown member: cert-a is not a member of this commonwealth"
    );
}

#[test]
fn a_request_replayed_to_another_destination_is_refused() {
    let w = world();
    let h = w.signed(T0);
    let cert = Some(fingerprint("cert-a"));
    let to_c = |headers: &[(&str, Vec<u8>)]| {
        check(
            &w,
            headers,
            ("POST", PATH, BODY),
            "cert-c",
            T0,
            cert.as_deref(),
        )
    };
    assert_eq!(
        to_c(&pairs(&h)),
        Err(RequestRejection::WrongDestination {
            destination: "cert-b".into()
        })
    );
    assert_eq!(
        to_c(&with(&h, headers::DESTINATION, "cert-c")),
        Err(RequestRejection::BadSignature {
            origin: "cert-a".into()
        })
    );
}

#[test]
fn time_bounds_are_inclusive() {
    let w = world();
    let h = pairs(&w.signed(T0));
    let skew = 300_000_000;
    let at = |now| {
        check(
            &w,
            &h,
            ("POST", PATH, BODY),
            "cert-b",
            now,
            Some(&fingerprint("cert-a")),
        )
    };
    assert!(at(T0 + skew).is_ok(), "exactly skew old: accepted");
    assert!(at(T0 - skew).is_ok(), "exactly skew ahead: accepted");
    assert_eq!(
        at(T0 + skew + 1),
        Err(RequestRejection::StaleTime {
            time: "2025-06-15T15:06:40.000000Z".into(),
            max_skew_seconds: 300
        })
    );
    assert_eq!(
        at(T0 - skew - 1).unwrap_err().to_string(),
        "stale or future time: the request was signed at 2025-06-15T15:06:40.000000Z, more than 300 s after this node's clock"
    );
    // The skew is configurable.
    let refs: Vec<(&str, &[u8])> = h.iter().map(|(n, v)| (*n, v.as_slice())).collect();
    let request = ReceivedRequest {
        method: "POST",
        path_and_query: PATH,
        body: BODY,
        headers: &refs,
        client_certificate: Some(&fingerprint("cert-a")),
    };
    let narrow = |now| RequestExpectation {
        max_skew: Duration::from_secs(10),
        ..w.expect("cert-b", now)
    };
    let members = w.members.as_slice();
    assert!(verify_request(&request, &narrow(T0 + 10_000_000), members).is_ok());
    assert!(matches!(
        verify_request(&request, &narrow(T0 + 10_000_001), members),
        Err(RequestRejection::StaleTime {
            max_skew_seconds: 10,
            ..
        })
    ));
    // Extreme clocks do not overflow.
    assert!(matches!(
        at(i64::MAX),
        Err(RequestRejection::StaleTime { .. })
    ));
    assert!(matches!(
        at(i64::MIN),
        Err(RequestRejection::FutureTime { .. })
    ));
}

#[test]
fn the_body_is_bound_by_its_digest() {
    let w = world();
    let h = pairs(&w.signed(T0));
    let cert = fingerprint("cert-a");
    assert_eq!(
        check(
            &w,
            &h,
            ("POST", PATH, b"{\"objects\":[1]}"),
            "cert-b",
            T0,
            Some(&cert)
        ),
        Err(RequestRejection::DigestMismatch)
    );
    // A digest rewritten to match the new body breaks the signature.
    let forged_body = b"{}";
    let forged = with(&w.signed(T0), headers::DIGEST, &body_digest(forged_body));
    assert_eq!(
        check(
            &w,
            &forged,
            ("POST", PATH, forged_body),
            "cert-b",
            T0,
            Some(&cert)
        ),
        Err(RequestRejection::BadSignature {
            origin: "cert-a".into()
        })
    );
}

#[test]
fn every_signed_component_is_covered() {
    let w = world();
    let h = w.signed(T0);
    let cert = fingerprint("cert-a");
    let bad = Err(RequestRejection::BadSignature {
        origin: "cert-a".into(),
    });
    let run = |headers: &[(&str, Vec<u8>)], method, path| {
        check(&w, headers, (method, path, BODY), "cert-b", T0, Some(&cert)).map(|_| ())
    };
    assert_eq!(run(&pairs(&h), "PUT", PATH), bad);
    assert_eq!(run(&pairs(&h), "POST", "/federation/v1/inbox?x=1"), bad);
    assert_eq!(run(&pairs(&h), "POST", "/federation/v1/outbox"), bad);
    assert_eq!(
        run(
            &with(&h, headers::TIME, "2025-06-15T15:06:40.000001Z"),
            "POST",
            PATH
        ),
        bad
    );
    assert_eq!(
        run(
            &with(&h, headers::NONCE, "AAAAAAAAAAAAAAAAAAAAAA"),
            "POST",
            PATH
        ),
        bad
    );
    // Another member signing in cert-a's name.
    let impostor = RequestSignature {
        method: "POST",
        path_and_query: PATH,
        body: BODY,
        origin: "cert-a",
        destination: "cert-b",
        commonwealth: &w.cw,
        time_micros: T0,
    }
    .sign(&w.keys[2])
    .unwrap();
    assert_eq!(run(&pairs(&impostor), "POST", PATH), bad);
    // A flipped bit in the signature.
    let mut sig = Signature::from_b64(&h.signature).unwrap().to_bytes();
    sig[5] ^= 1;
    let flipped = Signature::from_b64(&STANDARD.encode(sig)).unwrap().to_b64();
    assert_eq!(
        run(&with(&h, headers::SIGNATURE, &flipped), "POST", PATH),
        bad
    );
}

#[test]
fn the_client_certificate_must_be_the_origins() {
    let w = world();
    let h = pairs(&w.signed(T0));
    let mismatch = Err(RequestRejection::CertificateMismatch {
        origin: "cert-a".into(),
    });
    let with_cert =
        |cert: Option<&str>| check(&w, &h, ("POST", PATH, BODY), "cert-b", T0, cert).map(|_| ());
    assert_eq!(with_cert(None), mismatch);
    assert_eq!(with_cert(Some(&fingerprint("cert-c"))), mismatch);
    assert_eq!(with_cert(Some("")), mismatch);
}

#[test]
fn checks_come_in_the_documented_order() {
    let w = world();
    let h = w.signed(T0);
    // Wrong destination and stale and tampered body: destination first.
    let r = check(
        &w,
        &pairs(&h),
        ("POST", PATH, b"x"),
        "cert-c",
        T0 + 10_000_000_000,
        None,
    );
    assert!(matches!(r, Err(RequestRejection::WrongDestination { .. })));
    // Stale and tampered body: time first.
    let r = check(
        &w,
        &pairs(&h),
        ("POST", PATH, b"x"),
        "cert-b",
        T0 + 10_000_000_000,
        None,
    );
    assert!(matches!(r, Err(RequestRejection::StaleTime { .. })));
    // Tampered body and no certificate: digest first.
    let r = check(&w, &pairs(&h), ("POST", PATH, b"x"), "cert-b", T0, None);
    assert_eq!(r, Err(RequestRejection::DigestMismatch));
    // Unknown member with a wrong commonwealth: commonwealth first.
    let other = CommonwealthId::parse(&fingerprint("x")).unwrap();
    let mut headers = with(&h, headers::COMMONWEALTH, other.as_str());
    headers[0].1 = b"cert-x".to_vec();
    assert_eq!(at_b(&w, &headers), Err(RequestRejection::WrongCommonwealth));
}

#[test]
fn codes_and_messages_name_the_reason() {
    let cases = [
        (
            RequestRejection::UnknownMember { origin: "x".into() },
            "unknown-member",
            "unknown member",
        ),
        (
            RequestRejection::BadSignature { origin: "x".into() },
            "bad-signature",
            "bad signature",
        ),
        (
            RequestRejection::WrongDestination {
                destination: "x".into(),
            },
            "wrong-destination",
            "wrong destination",
        ),
        (
            RequestRejection::DigestMismatch,
            "digest-mismatch",
            "digest mismatch",
        ),
        (
            RequestRejection::CertificateMismatch { origin: "x".into() },
            "certificate-mismatch",
            "certificate mismatch",
        ),
        (
            RequestRejection::ReplayedNonce,
            "replayed-nonce",
            "replayed nonce",
        ),
        (
            RequestRejection::WrongCommonwealth,
            "wrong-commonwealth",
            "wrong commonwealth",
        ),
    ];
    for (rejection, code, prefix) in cases {
        assert_eq!(rejection.code(), code);
        assert!(rejection.to_string().starts_with(prefix), "{rejection}");
    }
}

#[test]
fn a_closure_can_be_the_directory() {
    let w = world();
    let h = pairs(&w.signed(T0));
    let refs: Vec<(&str, &[u8])> = h.iter().map(|(n, v)| (*n, v.as_slice())).collect();
    let request = ReceivedRequest {
        method: "POST",
        path_and_query: PATH,
        body: BODY,
        headers: &refs,
        client_certificate: Some(&fingerprint("cert-a")),
    };
    let lookup = |name: &str| w.members.iter().find(|m| m.name == name).cloned();
    assert!(verify_request(&request, &w.expect("cert-b", T0), &lookup).is_ok());
}
