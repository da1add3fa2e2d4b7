//! The founding agreement: the founders, their cards and the rules, signed
//! by every founder. Its hash identifies the commonwealth.
//!
//! ```json
//! {"v":1,"type":"liaison-agreement","title":"...","created":"<ts>","founders":[card,...],
//!  "rules":{"admission":"unanimity","withdrawal_notice_seconds":0},
//!  "signatures":{"cert-a":"<b64>",...}}
//! ```
//!
//! Laws:
//! - Every founder signs the same bytes: the canonical JSON of the
//!   agreement without `signatures`; the **commonwealth id** is the
//!   lowercase hex SHA-256 of those bytes. Adding a signature never changes
//!   the id; changing any term (a card, a rule, the title, the order of
//!   founders) does, and voids every signature made before.
//! - An agreement is in force only when it has at least two founders
//!   (a commonwealth of one exchanges nothing), their cards verify, no two
//!   founders share a name, a signing key or a TLS certificate, and every
//!   founder — and nobody else — has signed, with a signature that verifies.
//! - [`Agreement::draft`] lists the founders by name, so that founders who
//!   draft from the same cards and terms get the same commonwealth id
//!   whatever order they passed the cards in.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::card::{CardError, EndpointPolicy, MemberCard};
use super::format::{
    FormatError, MAX_SAFE_INTEGER, check_header, check_text, hex, is_lower_hex, parse_strict,
    parse_timestamp, signing_bytes, timestamp,
};
use super::keys::{Signature, SigningKey};
use super::membership::Member;

/// The `type` of an agreement.
pub const AGREEMENT_TYPE: &str = "liaison-agreement";
/// Fewest founders an agreement may have.
pub const MIN_FOUNDERS: usize = 2;
/// Most founders an agreement may have (a bound on the work of verifying
/// a document received from outside).
pub const MAX_FOUNDERS: usize = 1000;
/// Longest title, in characters.
const MAX_TITLE_CHARS: usize = 200;

/// The quorum for admitting a member (and, under issue 5, for the other
/// council decisions the rules submit to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Admission {
    /// Every member of the electorate votes yes.
    #[default]
    Unanimity,
    /// At least two thirds of the electorate vote yes.
    TwoThirds,
    /// More than half of the electorate votes yes.
    Majority,
}

impl Admission {
    /// The name used in the agreement and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Admission::Unanimity => "unanimity",
            Admission::TwoThirds => "two-thirds",
            Admission::Majority => "majority",
        }
    }
}

impl fmt::Display for Admission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Admission {
    type Err = AgreementError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "unanimity" => Ok(Admission::Unanimity),
            "two-thirds" => Ok(Admission::TwoThirds),
            "majority" => Ok(Admission::Majority),
            _ => Err(AgreementError::Format(FormatError::invalid(
                "admission",
                "must be unanimity, two-thirds or majority",
            ))),
        }
    }
}

/// The rules of the commonwealth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub admission: Admission,
    /// How long after a member's withdrawal it takes effect; 0: at once.
    pub withdrawal_notice_seconds: u64,
}

/// A founding agreement, signed or not yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    pub v: u32,
    #[serde(rename = "type")]
    pub record_type: String,
    pub title: String,
    pub created: String,
    pub founders: Vec<MemberCard>,
    pub rules: Rules,
    /// Founder name → signature over the agreement without `signatures`.
    pub signatures: BTreeMap<String, Signature>,
}

/// Identifies a commonwealth: lowercase hex SHA-256 of its agreement's
/// canonical bytes without signatures.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommonwealthId(String);

impl CommonwealthId {
    /// Reads an id (64 lowercase hexadecimal digits).
    pub fn parse(text: &str) -> Result<CommonwealthId, FormatError> {
        if is_lower_hex(text, 64) {
            Ok(CommonwealthId(text.to_owned()))
        } else {
            Err(FormatError::invalid(
                "commonwealth",
                "must be 64 lowercase hexadecimal digits",
            ))
        }
    }

    /// The 64 hexadecimal digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CommonwealthId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why an agreement cannot be drafted, signed, verified or adopted. Each
/// names exactly what failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgreementError {
    #[error("agreement: {0}")]
    Format(#[from] FormatError),
    #[error("an agreement needs at least {MIN_FOUNDERS} founders; this one has {count}")]
    TooFewFounders { count: usize },
    #[error("an agreement has at most {MAX_FOUNDERS} founders; this one has {count}")]
    TooManyFounders { count: usize },
    #[error("founder {name:?}: {source}")]
    Card { name: String, source: CardError },
    #[error("founder {name} is listed twice")]
    DuplicateName { name: String },
    #[error("founders {first} and {second} have the same signing key")]
    DuplicateKey { first: String, second: String },
    #[error("founders {first} and {second} have the same TLS certificate")]
    DuplicateCertificate { first: String, second: String },
    #[error("this signing key is not the key of any founder of the agreement")]
    NotAFounder,
    #[error("the agreement carries a signature by {name:?}, who is not a founder")]
    SignerNotAFounder { name: String },
    #[error("founder {name} has not signed")]
    FounderHasNotSigned { name: String },
    #[error("signature of {name} does not verify")]
    SignatureDoesNotVerify { name: String },
    #[error(
        "this node's member card ({name}) is not among the founders (same name, key, endpoint and certificate)"
    )]
    OwnCardNotAFounder { name: String },
}

impl Agreement {
    /// Drafts an unsigned agreement from the founders' cards (listed by
    /// name, whatever order they come in), checking every rule that does
    /// not depend on signatures.
    pub fn draft(
        title: &str,
        mut founders: Vec<MemberCard>,
        rules: Rules,
        now_micros: i64,
        policy: EndpointPolicy,
    ) -> Result<Agreement, AgreementError> {
        founders.sort_by(|a, b| a.name.cmp(&b.name));
        let agreement = Agreement {
            v: super::FORMAT_VERSION,
            record_type: AGREEMENT_TYPE.to_owned(),
            title: title.to_owned(),
            created: timestamp(now_micros),
            founders,
            rules,
            signatures: BTreeMap::new(),
        };
        agreement.check_terms(policy)?;
        Ok(agreement)
    }

    /// Parses an agreement (signed, partly signed or not at all); checking
    /// it is [`Agreement::verify`]'s work.
    pub fn from_json(text: &str) -> Result<Agreement, AgreementError> {
        let agreement: Agreement = parse_strict(text)?;
        check_header(agreement.v, &agreement.record_type, AGREEMENT_TYPE)?;
        Ok(agreement)
    }

    /// The commonwealth this agreement founds.
    pub fn commonwealth_id(&self) -> Result<CommonwealthId, AgreementError> {
        let bytes = signing_bytes(self, "signatures")?;
        Ok(CommonwealthId(hex(&Sha256::digest(bytes))))
    }

    /// Adds the signature of the founder whose key `key` is, after checking
    /// the terms (nobody signs a malformed agreement). Signing again
    /// replaces that founder's signature with the same one. Returns the
    /// founder's name.
    pub fn sign(
        &mut self,
        key: &SigningKey,
        policy: EndpointPolicy,
    ) -> Result<String, AgreementError> {
        self.check_terms(policy)?;
        let public = key.public_key();
        let name = self
            .founders
            .iter()
            .find(|f| f.signing_key == public)
            .map(|f| f.name.clone())
            .ok_or(AgreementError::NotAFounder)?;
        let signature = key.sign(&signing_bytes(self, "signatures")?);
        self.signatures.insert(name.clone(), signature);
        Ok(name)
    }

    /// Founders whose signature is missing, in the agreement's order.
    pub fn unsigned_founders(&self) -> Vec<&str> {
        self.founders
            .iter()
            .filter(|f| !self.signatures.contains_key(&f.name))
            .map(|f| f.name.as_str())
            .collect()
    }

    /// Checks that the agreement is in force (see the module's laws) and
    /// returns the commonwealth it founds. Errors come in this order: the
    /// terms, signatures by non-founders, then founder by founder (in the
    /// agreement's order) a missing or a bad signature.
    pub fn verify(&self, policy: EndpointPolicy) -> Result<CommonwealthId, AgreementError> {
        self.check_terms(policy)?;
        if let Some(name) = self
            .signatures
            .keys()
            .find(|name| !self.founders.iter().any(|f| &f.name == *name))
        {
            return Err(AgreementError::SignerNotAFounder { name: name.clone() });
        }
        let bytes = signing_bytes(self, "signatures")?;
        for founder in &self.founders {
            let signature = self.signatures.get(&founder.name).ok_or_else(|| {
                AgreementError::FounderHasNotSigned {
                    name: founder.name.clone(),
                }
            })?;
            founder
                .signing_key
                .verify_strict(&bytes, signature)
                .map_err(|_| AgreementError::SignatureDoesNotVerify {
                    name: founder.name.clone(),
                })?;
        }
        self.commonwealth_id()
    }

    /// [`Agreement::verify`], and `own` (this node's card) is one of the
    /// founders exactly: what `liaison agreement adopt` requires.
    pub fn verify_adoption(
        &self,
        own: &MemberCard,
        policy: EndpointPolicy,
    ) -> Result<CommonwealthId, AgreementError> {
        let id = self.verify(policy)?;
        let listed = self.founders.iter().any(|f| {
            f.name == own.name
                && f.signing_key == own.signing_key
                && f.endpoint == own.endpoint
                && f.tls_fingerprint == own.tls_fingerprint
        });
        if !listed {
            return Err(AgreementError::OwnCardNotAFounder {
                name: own.name.clone(),
            });
        }
        Ok(id)
    }

    /// The founding membership: every founder, in good standing.
    pub fn members(&self) -> Vec<Member> {
        self.founders.iter().map(Member::from_card).collect()
    }

    /// Everything but the signatures.
    fn check_terms(&self, policy: EndpointPolicy) -> Result<(), AgreementError> {
        check_header(self.v, &self.record_type, AGREEMENT_TYPE)?;
        check_text("title", &self.title, MAX_TITLE_CHARS)?;
        if self.title.contains('\n') {
            return Err(FormatError::invalid("title", "must be a single line").into());
        }
        parse_timestamp("created", &self.created)?;
        if self.rules.withdrawal_notice_seconds > MAX_SAFE_INTEGER {
            return Err(FormatError::invalid(
                "rules.withdrawal_notice_seconds",
                "must be at most 2^53 - 1",
            )
            .into());
        }
        let count = self.founders.len();
        if count < MIN_FOUNDERS {
            return Err(AgreementError::TooFewFounders { count });
        }
        if count > MAX_FOUNDERS {
            return Err(AgreementError::TooManyFounders { count });
        }
        for (i, card) in self.founders.iter().enumerate() {
            card.verify(policy).map_err(|source| AgreementError::Card {
                name: card.name.clone(),
                source,
            })?;
            for earlier in &self.founders[..i] {
                check_distinct(earlier, card)?;
            }
        }
        Ok(())
    }
}

fn check_distinct(a: &MemberCard, b: &MemberCard) -> Result<(), AgreementError> {
    let pair = || (a.name.clone(), b.name.clone());
    if a.name == b.name {
        return Err(AgreementError::DuplicateName {
            name: a.name.clone(),
        });
    }
    if a.signing_key == b.signing_key {
        let (first, second) = pair();
        return Err(AgreementError::DuplicateKey { first, second });
    }
    if a.tls_fingerprint == b.tls_fingerprint {
        let (first, second) = pair();
        return Err(AgreementError::DuplicateCertificate { first, second });
    }
    Ok(())
}

#[cfg(test)]
#[path = "agreement_tests.rs"]
mod tests;
