//! The member card: what a member publishes about itself, and what the
//! founders exchange to draft an agreement.
//!
//! ```json
//! {"v":1,"type":"liaison-member-card","name":"cert-a","endpoint":"https://127.0.0.1:8443",
//!  "signing_key":"<b64>","tls_fingerprint":"<64 hex>","signature":"<b64>"}
//! ```
//!
//! The signature is the card's own key over the card's canonical bytes
//! without `signature`: it proves possession of the key and binds the name,
//! endpoint and TLS certificate to it.

use serde::{Deserialize, Serialize};

use super::format::{
    FormatError, check_header, check_member_name, is_lower_hex, parse_strict, signing_bytes,
};
use super::keys::{PublicKey, Signature, SigningKey};

/// The `type` of a member card.
pub const CARD_TYPE: &str = "liaison-member-card";

/// Longest endpoint URL accepted.
const MAX_ENDPOINT_LEN: usize = 2048;

/// A member card. Trust one only after [`MemberCard::verify`] (which
/// [`MemberCard::from_json`] and the agreement's checks call).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberCard {
    pub v: u32,
    #[serde(rename = "type")]
    pub record_type: String,
    pub name: String,
    /// Base URL of the member's node (`https://host[:port][/path]`).
    pub endpoint: String,
    pub signing_key: PublicKey,
    /// Lowercase hex SHA-256 of the DER TLS certificate of the node, which
    /// peers pin instead of trusting a CA.
    pub tls_fingerprint: String,
    pub signature: Signature,
}

/// Which endpoint URLs a card may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EndpointPolicy {
    /// `https://` only: the production rule.
    #[default]
    HttpsOnly,
    /// `http://` too. For tests on loopback only: without TLS the
    /// certificate fingerprint authenticates nothing.
    AllowHttp,
}

/// Why a member card is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error("member card: {0}")]
    Format(#[from] FormatError),
    #[error("the self-signature of the member card of {name} does not verify")]
    BadSignature { name: String },
}

impl MemberCard {
    /// Creates and self-signs the card of the member holding `key`.
    pub fn create(
        name: &str,
        endpoint: &str,
        tls_fingerprint: &str,
        key: &SigningKey,
        policy: EndpointPolicy,
    ) -> Result<MemberCard, CardError> {
        let mut card = MemberCard {
            v: super::FORMAT_VERSION,
            record_type: CARD_TYPE.to_owned(),
            name: name.to_owned(),
            endpoint: endpoint.to_owned(),
            signing_key: key.public_key(),
            tls_fingerprint: tls_fingerprint.to_owned(),
            signature: Signature::PLACEHOLDER,
        };
        card.check_fields(policy)?;
        card.signature = key.sign(&signing_bytes(&card, "signature")?);
        Ok(card)
    }

    /// Parses a card and verifies it.
    pub fn from_json(text: &str, policy: EndpointPolicy) -> Result<MemberCard, CardError> {
        let card: MemberCard = parse_strict(text)?;
        card.verify(policy)?;
        Ok(card)
    }

    /// Checks every field and the self-signature.
    pub fn verify(&self, policy: EndpointPolicy) -> Result<(), CardError> {
        self.check_fields(policy)?;
        let bytes = signing_bytes(self, "signature")?;
        self.signing_key
            .verify_strict(&bytes, &self.signature)
            .map_err(|_| CardError::BadSignature {
                name: self.name.clone(),
            })
    }

    fn check_fields(&self, policy: EndpointPolicy) -> Result<(), FormatError> {
        check_header(self.v, &self.record_type, CARD_TYPE)?;
        check_member_name("name", &self.name)?;
        check_endpoint(&self.endpoint, policy)
            .map_err(|rule| FormatError::invalid("endpoint", rule))?;
        if !is_lower_hex(&self.tls_fingerprint, 64) {
            return Err(FormatError::invalid(
                "tls_fingerprint",
                "must be the SHA-256 of the DER certificate as 64 lowercase hexadecimal digits",
            ));
        }
        Ok(())
    }
}

/// Checks an endpoint: `https://host[:port][/path]` (or `http://` when the
/// policy allows it), printable ASCII, no user information (credentials do
/// not belong in a published card, and `user@host` misleads readers), no
/// query or fragment (it is a base URL that paths are appended to).
fn check_endpoint(url: &str, policy: EndpointPolicy) -> Result<(), &'static str> {
    if url.len() > MAX_ENDPOINT_LEN {
        return Err("is too long");
    }
    if !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("must be printable ASCII without spaces (internationalised hosts in punycode)");
    }
    let rest = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(rest), _) => rest,
        (None, Some(rest)) if policy == EndpointPolicy::AllowHttp => rest,
        (None, Some(_)) => {
            return Err("must be an https:// URL (http:// is allowed only in tests)");
        }
        (None, None) => return Err("must be an https:// URL"),
    };
    if rest.contains(['?', '#']) {
        return Err("must not have a query or a fragment");
    }
    let (authority, _path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if authority.contains('@') {
        return Err("must not contain user information");
    }
    let (host, port) = split_host_port(authority)?;
    let host_ok = if let Some(inner) = host.strip_prefix('[') {
        inner.strip_suffix(']').is_some_and(|ip| {
            ip.contains(':')
                && ip
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        })
    } else {
        !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    };
    if !host_ok {
        return Err("must name a host (a DNS name, an IPv4 address or a bracketed IPv6 address)");
    }
    if let Some(port) = port {
        let ok = (1..=5).contains(&port.len())
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65_535).contains(&p));
        if !ok {
            return Err("must have a port between 1 and 65535 when it has one");
        }
    }
    Ok(())
}

/// Splits `host[:port]` (the host may be a bracketed IPv6 address).
fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), &'static str> {
    let host_end = if authority.starts_with('[') {
        authority.find(']').map_or(authority.len(), |i| i + 1)
    } else {
        authority.find(':').unwrap_or(authority.len())
    };
    let (host, rest) = authority.split_at(host_end);
    match rest {
        "" => Ok((host, None)),
        _ => match rest.strip_prefix(':') {
            Some(port) => Ok((host, Some(port))),
            None => {
                Err("must name a host (a DNS name, an IPv4 address or a bracketed IPv6 address)")
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::federation::testkit::{fingerprint, member};

    #[test]
    fn a_created_card_verifies_and_round_trips() {
        let (card, _key) = member("cert-a");
        assert_eq!(card.verify(EndpointPolicy::HttpsOnly), Ok(()));
        let json = serde_json::to_string_pretty(&card).unwrap();
        assert_eq!(
            MemberCard::from_json(&json, EndpointPolicy::HttpsOnly),
            Ok(card.clone())
        );
        let compact = serde_json::to_string(&card).unwrap();
        assert!(compact.starts_with(r#"{"v":1,"type":"liaison-member-card","name":"cert-a","#));
    }

    #[test]
    fn tampering_breaks_the_self_signature() {
        let (card, _) = member("cert-a");
        let mut renamed = card.clone();
        renamed.name = "cert-z".into();
        assert_eq!(
            renamed.verify(EndpointPolicy::HttpsOnly),
            Err(CardError::BadSignature {
                name: "cert-z".into()
            })
        );
        let mut moved = card.clone();
        moved.endpoint = "https://evil.example".into();
        assert!(matches!(
            moved.verify(EndpointPolicy::HttpsOnly),
            Err(CardError::BadSignature { .. })
        ));
        let mut rekeyed = card.clone();
        rekeyed.signing_key = SigningKey::generate().public_key();
        assert!(matches!(
            rekeyed.verify(EndpointPolicy::HttpsOnly),
            Err(CardError::BadSignature { .. })
        ));
        let mut recerted = card;
        recerted.tls_fingerprint = fingerprint("other");
        assert!(matches!(
            recerted.verify(EndpointPolicy::HttpsOnly),
            Err(CardError::BadSignature { .. })
        ));
    }

    #[test]
    fn a_card_signed_by_another_key_is_refused() {
        let key = SigningKey::generate();
        let thief = SigningKey::generate();
        let mut card = MemberCard::create(
            "cert-a",
            "https://a.example",
            &fingerprint("a"),
            &key,
            EndpointPolicy::HttpsOnly,
        )
        .unwrap();
        card.signature = thief.sign(&signing_bytes(&card, "signature").unwrap());
        assert!(matches!(
            card.verify(EndpointPolicy::HttpsOnly),
            Err(CardError::BadSignature { .. })
        ));
    }

    #[test]
    fn fields_are_checked() {
        let key = SigningKey::generate();
        let create = |name: &str, endpoint: &str, fp: &str| {
            MemberCard::create(name, endpoint, fp, &key, EndpointPolicy::HttpsOnly)
                .unwrap_err()
                .to_string()
        };
        let fp = fingerprint("x");
        assert_eq!(
            create("Cert-A", "https://a.example", &fp),
            "member card: name must match ^[a-z0-9][a-z0-9-]{1,62}$ and must not be 'all' (reserved for the audience of everyone)"
        );
        assert!(create("all", "https://a.example", &fp).contains("reserved"));
        assert_eq!(
            create("cert-a", "https://a.example", &fp.to_uppercase()),
            "member card: tls_fingerprint must be the SHA-256 of the DER certificate as 64 lowercase hexadecimal digits"
        );
        assert!(create("cert-a", "https://a.example", &fp[1..]).contains("tls_fingerprint"));
        assert_eq!(
            create("cert-a", "http://a.example", &fp),
            "member card: endpoint must be an https:// URL (http:// is allowed only in tests)"
        );
    }

    #[test]
    fn endpoints() {
        use EndpointPolicy::*;
        for ok in [
            "https://127.0.0.1:8443",
            "https://node.cert-a.example",
            "https://node.cert-a.example/liaison/",
            "https://[::1]:8443",
            "https://[fe80::1]",
            "https://localhost:1",
            "https://h:65535/p",
        ] {
            assert_eq!(check_endpoint(ok, HttpsOnly), Ok(()), "{ok}");
        }
        assert_eq!(check_endpoint("http://127.0.0.1:8080", AllowHttp), Ok(()));
        for bad in [
            "",
            "https://",
            "https:///path",
            "HTTPS://a.example",
            "ftp://a.example",
            "a.example",
            "http://a.example",
            "https://user:pw@a.example",
            "https://a.example?x=1",
            "https://a.example/#top",
            "https://a example",
            "https://a.example:0",
            "https://a.example:65536",
            "https://a.example:",
            "https://a.example:x",
            "https://[::1",
            "https://[::1]x",
            "https://[zz]",
            "https://a_b.example",
            "https://bücher.example",
        ] {
            assert!(check_endpoint(bad, HttpsOnly).is_err(), "{bad}");
        }
        assert!(check_endpoint(&format!("https://a/{}", "x".repeat(3000)), HttpsOnly).is_err());
    }

    #[test]
    fn unknown_fields_versions_and_types_are_refused() {
        let (card, _) = member("cert-a");
        let mut value = serde_json::to_value(&card).unwrap();
        value["extra"] = "x".into();
        assert!(matches!(
            MemberCard::from_json(&value.to_string(), EndpointPolicy::HttpsOnly),
            Err(CardError::Format(FormatError::Shape(_)))
        ));
        let mut value = serde_json::to_value(&card).unwrap();
        value["v"] = 2.into();
        assert_eq!(
            MemberCard::from_json(&value.to_string(), EndpointPolicy::HttpsOnly),
            Err(CardError::Format(FormatError::UnsupportedVersion {
                found: 2
            }))
        );
        let mut value = serde_json::to_value(&card).unwrap();
        value["type"] = "liaison-receipt".into();
        assert!(matches!(
            MemberCard::from_json(&value.to_string(), EndpointPolicy::HttpsOnly),
            Err(CardError::Format(FormatError::WrongType { .. }))
        ));
        let json = serde_json::to_string(&card).unwrap();
        let duplicated = json.replacen("{", r#"{"name":"cert-z","#, 1);
        assert!(matches!(
            MemberCard::from_json(&duplicated, EndpointPolicy::HttpsOnly),
            Err(CardError::Format(FormatError::Json(_)))
        ));
    }
}
