//! Fixtures for the federation tests: members, agreements, objects.

use super::agreement::{Agreement, CommonwealthId, Rules};
use super::card::{EndpointPolicy, MemberCard};
use super::keys::SigningKey;
use crate::users::hex_sha256;

/// A fixed "now": 2025-06-15T15:06:40Z.
pub(crate) const T0: i64 = 1_750_000_000_000_000;

/// A stand-in certificate fingerprint derived from `seed`.
pub(crate) fn fingerprint(seed: &str) -> String {
    hex_sha256(seed.as_bytes())
}

/// A fresh member: its card (endpoint `https://NAME.example:8443`) and key.
pub(crate) fn member(name: &str) -> (MemberCard, SigningKey) {
    let key = SigningKey::generate();
    let card = MemberCard::create(
        name,
        &format!("https://{name}.example:8443"),
        &fingerprint(name),
        &key,
        EndpointPolicy::HttpsOnly,
    )
    .unwrap();
    (card, key)
}

/// An agreement between `names`, drafted at [`T0`], signed by every founder.
pub(crate) fn founded(names: &[&str]) -> (Agreement, Vec<(MemberCard, SigningKey)>) {
    let members: Vec<_> = names.iter().map(|n| member(n)).collect();
    let cards = members.iter().map(|(c, _)| c.clone()).collect();
    let mut agreement = Agreement::draft(
        "Test commonwealth",
        cards,
        Rules::default(),
        T0,
        EndpointPolicy::HttpsOnly,
    )
    .unwrap();
    for (_, key) in &members {
        agreement.sign(key, EndpointPolicy::HttpsOnly).unwrap();
    }
    (agreement, members)
}

/// Some commonwealth id.
pub(crate) fn commonwealth() -> CommonwealthId {
    CommonwealthId::parse(&fingerprint("commonwealth")).unwrap()
}

/// A valid indicator marked with the TLP 2.0 marking of `tlp` (if any).
pub(crate) fn indicator(tlp: Option<liaison_stix::tlp::Tlp>) -> liaison_stix::json::Value<'static> {
    let markings = match tlp {
        Some(level) => format!(r#","object_marking_refs":["{}"]"#, level.marking_id()),
        None => String::new(),
    };
    let text = format!(
        r#"{{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2025-01-01T00:00:00.000Z","modified":"2025-01-02T00:00:00.000Z","name":"bad host","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z"{markings}}}"#
    );
    liaison_stix::json::parse(&text).unwrap().into_owned()
}

/// Two members of one commonwealth: cert-a (index 0) and cert-b (index 1).
pub(crate) struct Pair {
    pub cw: CommonwealthId,
    pub keys: [SigningKey; 2],
}

pub(crate) fn pair() -> Pair {
    Pair {
        cw: commonwealth(),
        keys: [SigningKey::generate(), SigningKey::generate()],
    }
}

pub(crate) const NAMES: [&str; 2] = ["cert-a", "cert-b"];

impl Pair {
    /// Member `i` as the author of records.
    pub fn author(&self, i: usize) -> super::record::Author<'_> {
        super::record::Author {
            commonwealth: &self.cw,
            name: NAMES[i],
            key: &self.keys[i],
        }
    }

    /// What member `to` checks records from member `from` against, at `now`.
    pub fn incoming(&self, from: usize, to: usize, now: i64) -> IncomingOwned {
        IncomingOwned {
            cw: self.cw.clone(),
            sender: NAMES[from],
            key: self.keys[from].public_key(),
            self_name: NAMES[to],
            now,
        }
    }
}

/// The owned parts of an [`Incoming`](super::record::Incoming).
pub(crate) struct IncomingOwned {
    pub cw: CommonwealthId,
    pub sender: &'static str,
    pub key: super::keys::PublicKey,
    pub self_name: &'static str,
    pub now: i64,
}

impl IncomingOwned {
    pub fn get(&self) -> super::record::Incoming<'_> {
        super::record::Incoming {
            commonwealth: &self.cw,
            sender: self.sender,
            sender_key: &self.key,
            self_name: self.self_name,
            now_micros: self.now,
            max_skew: super::request::DEFAULT_MAX_SKEW,
        }
    }
}
