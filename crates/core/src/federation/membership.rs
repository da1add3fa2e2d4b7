//! The members a node knows, as the verification of requests and the
//! choice of recipients need them.
//!
//! The membership itself comes from the founding agreement and, later, the
//! council's ledger (issue 5); this module only names what a member is to
//! the rest of the federation code, and how code asks for one.

use super::card::MemberCard;
use super::keys::PublicKey;

/// Where a member stands in the commonwealth.
///
/// Law: only a member in [`Standing::Good`] receives anything or is heard;
/// the others keep what they already received and nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    /// A full member.
    Good,
    /// Suspended by the council; may be reinstated.
    Suspended,
    /// Left of its own accord.
    Withdrawn,
    /// Expelled by the council.
    Expelled,
}

impl Standing {
    /// The name used in storage and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Good => "good",
            Standing::Suspended => "suspended",
            Standing::Withdrawn => "withdrawn",
            Standing::Expelled => "expelled",
        }
    }
}

impl std::fmt::Display for Standing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A member as this node currently knows it: its current key (keys rotate,
/// the name does not), TLS certificate and standing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub name: String,
    pub endpoint: String,
    pub signing_key: PublicKey,
    /// Lowercase hex SHA-256 of the DER TLS certificate.
    pub tls_fingerprint: String,
    pub standing: Standing,
}

impl Member {
    /// A member in good standing as its (verified) card describes it.
    pub fn from_card(card: &MemberCard) -> Member {
        Member {
            name: card.name.clone(),
            endpoint: card.endpoint.clone(),
            signing_key: card.signing_key,
            tls_fingerprint: card.tls_fingerprint.clone(),
            standing: Standing::Good,
        }
    }
}

/// Finds members by name: the store's membership table, a slice, or a
/// closure.
pub trait MemberDirectory {
    /// The member called `name`, whatever its standing; `None` when no
    /// member has that name.
    fn member(&self, name: &str) -> Option<Member>;
}

impl<F: Fn(&str) -> Option<Member>> MemberDirectory for F {
    fn member(&self, name: &str) -> Option<Member> {
        self(name)
    }
}

impl MemberDirectory for [Member] {
    fn member(&self, name: &str) -> Option<Member> {
        self.iter().find(|m| m.name == name).cloned()
    }
}
