//! Signed node-to-node requests.
//!
//! Every federation request carries seven headers (`Liaison-Origin`,
//! `-Destination`, `-Commonwealth`, `-Time`, `-Nonce`, `-Digest`,
//! `-Signature`); the signature is the origin's ed25519 signature over
//!
//! ```text
//! liaison-request-v1\n{METHOD}\n{path-and-query}\n{digest}\n{origin}\n{destination}\n{commonwealth}\n{time}\n{nonce}
//! ```
//!
//! where `{digest}` is the whole `Liaison-Digest` value
//! (`sha-256=<b64 of SHA-256(body)>`), `{time}` the TAXII timestamp and
//! `{nonce}` 16 random bytes in unpadded base64url. Every component is
//! checked to be printable ASCII without spaces before it is used, so the
//! newline-separated string is unambiguous.
//!
//! # Laws of [`verify_request`]
//!
//! It has no side effect and checks in this fixed order, returning the
//! first failure:
//!
//! 1. every header is present exactly once and well formed, and so are the
//!    method and the path ([`RequestRejection::Malformed`]);
//! 2. the commonwealth is this node's;
//! 3. the origin is a member ([`UnknownMember`](RequestRejection::UnknownMember)),
//! 4. in good standing;
//! 5. the destination is this node (a request captured on its way to one
//!    member and replayed to another fails here, or at 8 if the header is
//!    rewritten);
//! 6. the time lies in `[now − skew, now + skew]`, both bounds **inclusive**
//!    (microsecond precision): earlier is stale, later is future;
//! 7. the digest matches the body;
//! 8. the signature verifies with the origin's current key;
//! 9. the TLS client certificate presented is the origin's.
//!
//! Replay within the skew window is the store's to refuse: the caller
//! records the returned nonce (with its time, prunable once older than the
//! window) in the same transaction as the request's effects, and refuses a
//! nonce already recorded with [`RequestRejection::ReplayedNonce`].

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

use super::agreement::CommonwealthId;
use super::format::{is_lower_hex, is_member_name, parse_timestamp, timestamp};
use super::keys::{Signature, SigningKey, decode_exact};
use super::membership::{Member, MemberDirectory, Standing};
use crate::users::fill_random;

/// How far a request's time may be from the receiver's clock by default.
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(300);

/// The first line of every signed request string (its domain separator).
pub const REQUEST_SIGNING_PREFIX: &str = "liaison-request-v1";

/// Header names (as sent; matched case-insensitively on receipt).
pub mod headers {
    pub const ORIGIN: &str = "Liaison-Origin";
    pub const DESTINATION: &str = "Liaison-Destination";
    pub const COMMONWEALTH: &str = "Liaison-Commonwealth";
    pub const TIME: &str = "Liaison-Time";
    pub const NONCE: &str = "Liaison-Nonce";
    pub const DIGEST: &str = "Liaison-Digest";
    pub const SIGNATURE: &str = "Liaison-Signature";
}

/// Longest path-and-query accepted.
const MAX_PATH_LEN: usize = 8192;

/// Why a request is refused. `Display` begins with the reason the lead's
/// design names (`unknown member`, `bad signature`, ...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestRejection {
    /// A header (or the method, or the path) is missing, repeated or badly
    /// formed.
    #[error("malformed request: {header} {rule}")]
    Malformed {
        header: &'static str,
        rule: &'static str,
    },
    /// Not this node's commonwealth (the id is not echoed: an outsider
    /// learns nothing).
    #[error("wrong commonwealth: the request is not for this node's commonwealth")]
    WrongCommonwealth,
    #[error("unknown member: {origin} is not a member of this commonwealth")]
    UnknownMember { origin: String },
    #[error("not in good standing: {origin} is {standing}")]
    NotInGoodStanding { origin: String, standing: Standing },
    #[error("wrong destination: the request is addressed to {destination}, not to this node")]
    WrongDestination { destination: String },
    #[error(
        "stale or future time: the request was signed at {time}, more than {max_skew_seconds} s before this node's clock"
    )]
    StaleTime { time: String, max_skew_seconds: u64 },
    #[error(
        "stale or future time: the request was signed at {time}, more than {max_skew_seconds} s after this node's clock"
    )]
    FutureTime { time: String, max_skew_seconds: u64 },
    #[error("digest mismatch: Liaison-Digest is not the SHA-256 of the body")]
    DigestMismatch,
    #[error("bad signature: the request's signature does not verify with {origin}'s current key")]
    BadSignature { origin: String },
    #[error(
        "certificate mismatch: the TLS client certificate is not the one in {origin}'s member card"
    )]
    CertificateMismatch { origin: String },
    /// Never returned by [`verify_request`]: the store's nonce check uses
    /// it, so that every refusal has one type.
    #[error("replayed nonce: this request was already received")]
    ReplayedNonce,
}

impl RequestRejection {
    /// A stable, machine-readable code for the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            RequestRejection::Malformed { .. } => "malformed-request",
            RequestRejection::WrongCommonwealth => "wrong-commonwealth",
            RequestRejection::UnknownMember { .. } => "unknown-member",
            RequestRejection::NotInGoodStanding { .. } => "not-in-good-standing",
            RequestRejection::WrongDestination { .. } => "wrong-destination",
            RequestRejection::StaleTime { .. } | RequestRejection::FutureTime { .. } => {
                "stale-or-future-time"
            }
            RequestRejection::DigestMismatch => "digest-mismatch",
            RequestRejection::BadSignature { .. } => "bad-signature",
            RequestRejection::CertificateMismatch { .. } => "certificate-mismatch",
            RequestRejection::ReplayedNonce => "replayed-nonce",
        }
    }
}

fn malformed(header: &'static str, rule: &'static str) -> RequestRejection {
    RequestRejection::Malformed { header, rule }
}

/// What a sender signs: fill every field, then [`RequestSignature::sign`].
#[derive(Debug, Clone, Copy)]
pub struct RequestSignature<'a> {
    /// Upper-case HTTP method (`POST`).
    pub method: &'a str,
    /// The request target exactly as sent: path and query (`/federation/v1/outbox?after=3`).
    pub path_and_query: &'a str,
    pub body: &'a [u8],
    /// The sending member (this node).
    pub origin: &'a str,
    /// The member the request is for.
    pub destination: &'a str,
    pub commonwealth: &'a CommonwealthId,
    /// Now, from the injected clock (Unix microseconds).
    pub time_micros: i64,
}

/// The header values of a signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub origin: String,
    pub destination: String,
    pub commonwealth: String,
    pub time: String,
    pub nonce: String,
    pub digest: String,
    pub signature: String,
}

impl SignedHeaders {
    /// `(name, value)` pairs to add to the request.
    pub fn pairs(&self) -> [(&'static str, &str); 7] {
        [
            (headers::ORIGIN, &self.origin),
            (headers::DESTINATION, &self.destination),
            (headers::COMMONWEALTH, &self.commonwealth),
            (headers::TIME, &self.time),
            (headers::NONCE, &self.nonce),
            (headers::DIGEST, &self.digest),
            (headers::SIGNATURE, &self.signature),
        ]
    }
}

impl RequestSignature<'_> {
    /// Signs with a fresh random nonce. Refuses, with the error the
    /// receiver would give, whatever the receiver would find malformed.
    pub fn sign(&self, key: &SigningKey) -> Result<SignedHeaders, RequestRejection> {
        let mut nonce = [0u8; 16];
        fill_random(&mut nonce);
        self.sign_with_nonce(key, nonce)
    }

    pub(crate) fn sign_with_nonce(
        &self,
        key: &SigningKey,
        nonce: [u8; 16],
    ) -> Result<SignedHeaders, RequestRejection> {
        check_method_and_path(self.method, self.path_and_query)?;
        check_names(self.origin, self.destination)?;
        let mut signed = SignedHeaders {
            origin: self.origin.to_owned(),
            destination: self.destination.to_owned(),
            commonwealth: self.commonwealth.as_str().to_owned(),
            time: timestamp(self.time_micros),
            nonce: URL_SAFE_NO_PAD.encode(nonce),
            digest: body_digest(self.body),
            signature: String::new(),
        };
        let message = signing_string(self.method, self.path_and_query, &signed);
        signed.signature = key.sign(message.as_bytes()).to_b64();
        Ok(signed)
    }
}

/// A request as the server received it.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    pub method: &'a str,
    /// The request target exactly as received.
    pub path_and_query: &'a str,
    pub body: &'a [u8],
    /// Every header as received: any case, repeated headers repeated.
    pub headers: &'a [(&'a str, &'a [u8])],
    /// Lowercase hex SHA-256 of the DER client certificate presented in
    /// TLS; `None` when the client presented none.
    pub client_certificate: Option<&'a str>,
}

/// What the receiving node expects.
#[derive(Debug, Clone, Copy)]
pub struct RequestExpectation<'a> {
    pub commonwealth: &'a CommonwealthId,
    /// This node's member name.
    pub self_name: &'a str,
    /// Now, from the injected clock (Unix microseconds).
    pub now_micros: i64,
    /// Usually [`DEFAULT_MAX_SKEW`].
    pub max_skew: Duration,
}

/// A request whose every check passed. The handler receives only this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRequest {
    /// The sending member as the directory knows it.
    pub origin: Member,
    /// To record (with `time_micros`) in the store's nonce table, in the
    /// transaction that applies the request.
    pub nonce: String,
    pub time_micros: i64,
}

/// Verifies a received request; see the module's laws for the order.
pub fn verify_request<D: MemberDirectory + ?Sized>(
    request: &ReceivedRequest<'_>,
    expected: &RequestExpectation<'_>,
    members: &D,
) -> Result<VerifiedRequest, RequestRejection> {
    let h = ParsedHeaders::read(request)?;
    if h.values.commonwealth != expected.commonwealth.as_str() {
        return Err(RequestRejection::WrongCommonwealth);
    }
    let origin = &h.values.origin;
    let member = members
        .member(origin)
        .ok_or_else(|| RequestRejection::UnknownMember {
            origin: origin.clone(),
        })?;
    if member.standing != Standing::Good {
        return Err(RequestRejection::NotInGoodStanding {
            origin: origin.clone(),
            standing: member.standing,
        });
    }
    if h.values.destination != expected.self_name {
        return Err(RequestRejection::WrongDestination {
            destination: h.values.destination.clone(),
        });
    }
    check_time(&h.values.time, h.time_micros, expected)?;
    if Sha256::digest(request.body).as_slice() != h.digest {
        return Err(RequestRejection::DigestMismatch);
    }
    let message = signing_string(request.method, request.path_and_query, &h.values);
    member
        .signing_key
        .verify_strict(message.as_bytes(), &h.signature)
        .map_err(|_| RequestRejection::BadSignature {
            origin: origin.clone(),
        })?;
    let presented = request.client_certificate.map(str::to_ascii_lowercase);
    if presented.as_deref() != Some(member.tls_fingerprint.as_str()) {
        return Err(RequestRejection::CertificateMismatch {
            origin: origin.clone(),
        });
    }
    Ok(VerifiedRequest {
        origin: member,
        nonce: h.values.nonce,
        time_micros: h.time_micros,
    })
}

/// Law 6: accepted iff `now − skew ≤ time ≤ now + skew`.
fn check_time(
    text: &str,
    time: i64,
    expected: &RequestExpectation<'_>,
) -> Result<(), RequestRejection> {
    let skew = i128::try_from(expected.max_skew.as_micros()).unwrap_or(i128::MAX);
    let (time, now) = (i128::from(time), i128::from(expected.now_micros));
    let max_skew_seconds = expected.max_skew.as_secs();
    if time < now.saturating_sub(skew) {
        return Err(RequestRejection::StaleTime {
            time: text.to_owned(),
            max_skew_seconds,
        });
    }
    if time > now.saturating_add(skew) {
        return Err(RequestRejection::FutureTime {
            time: text.to_owned(),
            max_skew_seconds,
        });
    }
    Ok(())
}

/// The `Liaison-Digest` value of a body.
fn body_digest(body: &[u8]) -> String {
    format!("sha-256={}", STANDARD.encode(Sha256::digest(body)))
}

fn signing_string(method: &str, path_and_query: &str, h: &SignedHeaders) -> String {
    [
        REQUEST_SIGNING_PREFIX,
        method,
        path_and_query,
        &h.digest,
        &h.origin,
        &h.destination,
        &h.commonwealth,
        &h.time,
        &h.nonce,
    ]
    .join("\n")
}

fn check_method_and_path(method: &str, path: &str) -> Result<(), RequestRejection> {
    if method.is_empty() || method.len() > 20 || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(malformed("method", "must be an upper-case HTTP method"));
    }
    if !path.starts_with('/')
        || path.len() > MAX_PATH_LEN
        || !path.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(malformed(
            "path",
            "must be an origin-form request target: '/' then printable ASCII",
        ));
    }
    Ok(())
}

fn check_names(origin: &str, destination: &str) -> Result<(), RequestRejection> {
    const RULE: &str = "must be a member name";
    if !is_member_name(origin) {
        return Err(malformed(headers::ORIGIN, RULE));
    }
    if !is_member_name(destination) {
        return Err(malformed(headers::DESTINATION, RULE));
    }
    if origin == destination {
        return Err(malformed(
            headers::DESTINATION,
            "must differ from Liaison-Origin",
        ));
    }
    Ok(())
}

/// The headers of a received request, checked for form (law 1).
struct ParsedHeaders {
    values: SignedHeaders,
    time_micros: i64,
    digest: [u8; 32],
    signature: Signature,
}

impl ParsedHeaders {
    fn read(request: &ReceivedRequest<'_>) -> Result<ParsedHeaders, RequestRejection> {
        check_method_and_path(request.method, request.path_and_query)?;
        let get = |name| single_header(request.headers, name);
        let values = SignedHeaders {
            origin: get(headers::ORIGIN)?,
            destination: get(headers::DESTINATION)?,
            commonwealth: get(headers::COMMONWEALTH)?,
            time: get(headers::TIME)?,
            nonce: get(headers::NONCE)?,
            digest: get(headers::DIGEST)?,
            signature: get(headers::SIGNATURE)?,
        };
        check_names(&values.origin, &values.destination)?;
        if !is_lower_hex(&values.commonwealth, 64) {
            return Err(malformed(
                headers::COMMONWEALTH,
                "must be 64 lowercase hexadecimal digits",
            ));
        }
        let time_micros = parse_timestamp("time", &values.time)
            .map_err(|_| {
                malformed(
                    headers::TIME,
                    "must be a UTC timestamp with six fractional digits",
                )
            })?
            .unix_micros();
        let nonce_ok = values.nonce.len() == 22
            && URL_SAFE_NO_PAD
                .decode(&values.nonce)
                .is_ok_and(|n| n.len() == 16);
        if !nonce_ok {
            return Err(malformed(
                headers::NONCE,
                "must be 16 bytes in unpadded base64url",
            ));
        }
        let digest = values
            .digest
            .strip_prefix("sha-256=")
            .and_then(|b64| decode_exact::<32>(b64).ok())
            .ok_or_else(|| {
                malformed(
                    headers::DIGEST,
                    "must be sha-256= and the standard base64 of 32 bytes",
                )
            })?;
        let signature = Signature::from_b64(&values.signature).map_err(|_| {
            malformed(
                headers::SIGNATURE,
                "must be the standard base64 of a 64-byte ed25519 signature",
            )
        })?;
        Ok(ParsedHeaders {
            values,
            time_micros,
            digest,
            signature,
        })
    }
}

/// The one value of header `name` (case-insensitive), printable ASCII.
fn single_header(all: &[(&str, &[u8])], name: &'static str) -> Result<String, RequestRejection> {
    let mut found = all.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
    let value = match (found.next(), found.next()) {
        (None, _) => return Err(malformed(name, "is missing")),
        (Some(_), Some(_)) => return Err(malformed(name, "must appear exactly once")),
        (Some((_, value)), None) => *value,
    };
    if value.is_empty() || !value.iter().all(u8::is_ascii_graphic) {
        return Err(malformed(name, "must be printable ASCII without spaces"));
    }
    // All bytes are ASCII, hence valid UTF-8.
    String::from_utf8(value.to_vec())
        .map_err(|_| malformed(name, "must be printable ASCII without spaces"))
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
