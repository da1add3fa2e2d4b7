//! Acts: the signed entries of the council's ledger, their hash, their
//! signatures and the rules of their form, and [`Draft`] to make them.
//!
//! ```json
//! {"v":1,"type":"liaison-act","commonwealth":"<id>","author":"cert-a",
//!  "parents":["<hash>",...],"created":"<ts>",
//!  "body":{"kind":"proposal","action":{"kind":"admit","card":{...}},"text":"...","deadline":"<ts>"},
//!  "signatures":{"author":"<b64>"}}
//! ```
//!
//! Bodies: `{"kind":"proposal","action":A,"text":T,"deadline":D}` where `A` is
//! `{"kind":"admit","card":CARD}`, `{"kind":"suspend"|"reinstate"|"expel","member":NAME}`
//! or `{"kind":"amend","rules":RULES}`; `{"kind":"vote","proposal":HASH,"choice":"yes"|"no"|"abstain"}`;
//! `{"kind":"withdrawal"}`; `{"kind":"key-rotation","new_card":CARD}`, which also carries
//! `"signatures":{"author":..,"new_key":..}`.
//!
//! Laws of form (checked without any knowledge of the ledger):
//! - The **signed bytes** of an act are the RFC 8785 canonical JSON of the
//!   act without `signatures`, as this crate serialises it (so two texts
//!   that mean the same act have the same bytes). The **hash** of an act is
//!   the lowercase hex SHA-256 of those bytes: signatures are not part of
//!   an act's identity, and ed25519 signatures are deterministic, so a
//!   replayed act has the same hash and the same signatures.
//! - `parents` are 1 to [`MAX_PARENTS`] distinct hashes in ascending order
//!   (one act, one spelling); the commonwealth id stands for the founding
//!   agreement, the root of every ledger.
//! - `created` and `deadline` are TAXII timestamps (six fractional digits,
//!   UTC); a proposal's deadline is later than its creation.
//! - A key rotation carries a `new_key` signature; no other act does.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::federation::format::{MAX_SAFE_INTEGER, check_text, parse_timestamp};
use crate::federation::{
    Author, CommonwealthId, FORMAT_VERSION, FormatError, MEMBER_NAME_RULE, MemberCard, Rules,
    Signature, SigningKey, canonical_json, hex, is_member_name, timestamp,
};

use super::error::LedgerError;

/// The `type` of an act.
pub const ACT_TYPE: &str = "liaison-act";
/// Most parents an act may name (a bound on the work an act received from
/// outside can cause; heads never outnumber the members acting at once).
pub const MAX_PARENTS: usize = 1000;
/// Longest proposal text, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;

/// The hash of an act (or the commonwealth id, for the root): 32 bytes,
/// written as 64 lowercase hexadecimal digits. Orders like its hex form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActHash([u8; 32]);

impl ActHash {
    /// Reads 64 lowercase hexadecimal digits.
    pub fn parse(text: &str) -> Result<ActHash, FormatError> {
        let bad = || FormatError::invalid("hash", "must be 64 lowercase hexadecimal digits");
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
            *byte = (lower_hex_digit(pair[0]).ok_or_else(bad)? << 4)
                | lower_hex_digit(pair[1]).ok_or_else(bad)?;
        }
        Ok(ActHash(out))
    }

    /// The root of a commonwealth's ledger: its id, read as a hash.
    pub fn root(commonwealth: &CommonwealthId) -> ActHash {
        // A `CommonwealthId` is 64 lowercase hex digits by construction.
        ActHash::parse(commonwealth.as_str()).unwrap_or(ActHash([0; 32]))
    }

    /// 64 lowercase hexadecimal digits.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    fn of_bytes(bytes: &[u8]) -> ActHash {
        ActHash(Sha256::digest(bytes).into())
    }
}

fn lower_hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

impl fmt::Display for ActHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ActHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ActHash({})", self.to_hex())
    }
}

impl Serialize for ActHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for ActHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ActHash::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A signed act of the ledger. Trust one only once a
/// [`Ledger`](super::Ledger) has accepted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Act {
    pub v: u32,
    #[serde(rename = "type")]
    pub record_type: String,
    /// The commonwealth id.
    pub commonwealth: String,
    /// The member that makes the act and signs it.
    pub author: String,
    /// The latest acts the author knew (the ledger's heads when it acted).
    pub parents: Vec<ActHash>,
    pub created: String,
    pub body: Body,
    pub signatures: ActSignatures,
}

/// What an act does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Body {
    /// A proposal to the council; it counts as its author's yes vote.
    Proposal {
        action: Action,
        text: String,
        deadline: String,
    },
    /// A vote on a proposal (its act hash).
    Vote { proposal: ActHash, choice: Choice },
    /// The author leaves the commonwealth (after the notice in the rules).
    Withdrawal {},
    /// The author's new card, with a new signing key; signed by the old and
    /// the new key.
    KeyRotation { new_card: MemberCard },
}

/// What a proposal would do if adopted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Action {
    /// Admit the member this card describes.
    Admit { card: MemberCard },
    /// Suspend a member in good standing.
    Suspend { member: String },
    /// Return a suspended member to good standing.
    Reinstate { member: String },
    /// Remove a member (in good standing or suspended) for good.
    Expel { member: String },
    /// Replace the rules.
    Amend { rules: Rules },
}

impl Action {
    /// The word used in messages (`admit`, `suspend`, ...).
    pub fn verb(&self) -> &'static str {
        match self {
            Action::Admit { .. } => "admit",
            Action::Suspend { .. } => "suspend",
            Action::Reinstate { .. } => "reinstate",
            Action::Expel { .. } => "expel",
            Action::Amend { .. } => "amend",
        }
    }

    /// The member the action is about: the candidate of an admission, the
    /// member to suspend, reinstate or expel; none for an amendment.
    pub fn subject(&self) -> Option<&str> {
        match self {
            Action::Admit { card } => Some(&card.name),
            Action::Suspend { member }
            | Action::Reinstate { member }
            | Action::Expel { member } => Some(member),
            Action::Amend { .. } => None,
        }
    }
}

/// A voter's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Choice {
    Yes,
    No,
    Abstain,
}

impl Choice {
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Yes => "yes",
            Choice::No => "no",
            Choice::Abstain => "abstain",
        }
    }
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Choice {
    type Err = FormatError;

    fn from_str(s: &str) -> Result<Choice, FormatError> {
        match s {
            "yes" => Ok(Choice::Yes),
            "no" => Ok(Choice::No),
            "abstain" => Ok(Choice::Abstain),
            _ => Err(FormatError::invalid("choice", "must be yes, no or abstain")),
        }
    }
}

/// The signatures of an act, over its signed bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActSignatures {
    /// By the author's current key (for a key rotation: the old key).
    pub author: Signature,
    /// By the new key of a key rotation; absent on every other act.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_key: Option<Signature>,
}

/// Times read from an act whose form is valid (Unix microseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Times {
    pub created: i64,
    /// A proposal's deadline.
    pub deadline: Option<i64>,
}

impl Act {
    /// Parses an act strictly (duplicate members, unknown fields and other
    /// versions refused) and checks its form.
    pub fn from_json(text: &str) -> Result<Act, LedgerError> {
        liaison_stix::json::parse(text).map_err(|e| FormatError::Json(e.to_string()))?;
        let act: Act = serde_json::from_str(text).map_err(|e| FormatError::Shape(e.to_string()))?;
        act.check_form()?;
        Ok(act)
    }

    /// The bytes every signature of the act covers.
    pub fn signed_bytes(&self) -> Result<Vec<u8>, FormatError> {
        let mut value =
            serde_json::to_value(self).map_err(|e| FormatError::Shape(e.to_string()))?;
        if let Some(members) = value.as_object_mut() {
            members.remove("signatures");
        }
        canonical_json(&value).map(String::into_bytes)
    }

    /// The act's hash: SHA-256 of its signed bytes.
    pub fn hash(&self) -> Result<ActHash, FormatError> {
        self.signed_bytes().map(|bytes| ActHash::of_bytes(&bytes))
    }

    /// Checks every law of form (see the module doc) and returns the times.
    /// Cards inside are checked by the ledger, which knows the endpoint
    /// policy.
    pub(crate) fn check_form(&self) -> Result<Times, FormatError> {
        if self.v != FORMAT_VERSION {
            return Err(FormatError::UnsupportedVersion { found: self.v });
        }
        if self.record_type != ACT_TYPE {
            return Err(FormatError::WrongType {
                expected: ACT_TYPE,
                found: self.record_type.clone(),
            });
        }
        CommonwealthId::parse(&self.commonwealth)?;
        if !is_member_name(&self.author) {
            return Err(FormatError::invalid("author", MEMBER_NAME_RULE));
        }
        if self.parents.is_empty() || self.parents.len() > MAX_PARENTS {
            return Err(FormatError::invalid("parents", "must name 1 to 1000 acts"));
        }
        if self.parents.windows(2).any(|w| w[0] >= w[1]) {
            return Err(FormatError::invalid(
                "parents",
                "must be distinct and in ascending order",
            ));
        }
        let created = parse_timestamp("created", &self.created)?.unix_micros();
        let deadline = self.body.check_form(created)?;
        let rotation = matches!(self.body, Body::KeyRotation { .. });
        if rotation != self.signatures.new_key.is_some() {
            return Err(FormatError::invalid(
                "signatures.new_key",
                "is required on a key rotation and forbidden on any other act",
            ));
        }
        Ok(Times { created, deadline })
    }
}

impl Body {
    /// The body's laws of form; returns a proposal's deadline.
    fn check_form(&self, created: i64) -> Result<Option<i64>, FormatError> {
        match self {
            Body::Proposal {
                action,
                text,
                deadline,
            } => {
                action.check_form()?;
                check_proposal_text(text)?;
                let deadline = parse_timestamp("body.deadline", deadline)?.unix_micros();
                if deadline <= created {
                    return Err(FormatError::invalid(
                        "body.deadline",
                        "must be later than the act's creation",
                    ));
                }
                Ok(Some(deadline))
            }
            Body::Vote { .. } | Body::Withdrawal {} | Body::KeyRotation { .. } => Ok(None),
        }
    }
}

impl Action {
    fn check_form(&self) -> Result<(), FormatError> {
        match self {
            Action::Admit { .. } => Ok(()),
            Action::Suspend { member }
            | Action::Reinstate { member }
            | Action::Expel { member } => {
                if is_member_name(member) {
                    Ok(())
                } else {
                    Err(FormatError::invalid("body.action.member", MEMBER_NAME_RULE))
                }
            }
            Action::Amend { rules } => {
                if rules.withdrawal_notice_seconds > MAX_SAFE_INTEGER {
                    Err(FormatError::invalid(
                        "body.action.rules.withdrawal_notice_seconds",
                        "must be at most 2^53 - 1",
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// Proposal text: not blank, bounded, printable (it is shown in terminals).
fn check_proposal_text(text: &str) -> Result<(), FormatError> {
    const FIELD: &str = "body.text";
    check_text(FIELD, text, MAX_TEXT_CHARS).map_err(|e| {
        // The ledger's refusal names the bound.
        if e == FormatError::invalid(FIELD, "is too long") {
            FormatError::invalid(FIELD, "must be at most 4000 characters")
        } else {
            e
        }
    })
}

/// An act in the making: who makes it, on what it builds, when.
/// [`Ledger::draft`](super::Ledger::draft) fills the parents with the
/// ledger's heads. Each method signs an act and checks its form; whether the
/// ledger accepts it is [`Ledger::check`](super::Ledger::check)'s answer.
#[derive(Debug, Clone)]
pub struct Draft<'a> {
    pub author: Author<'a>,
    /// Sorted and deduplicated when signing.
    pub parents: Vec<ActHash>,
    pub created_micros: i64,
}

impl Draft<'_> {
    /// A proposal, open until `deadline_micros`.
    pub fn propose(
        &self,
        action: Action,
        text: &str,
        deadline_micros: i64,
    ) -> Result<Act, LedgerError> {
        let body = Body::Proposal {
            action,
            text: text.to_owned(),
            deadline: timestamp(deadline_micros),
        };
        self.seal(body, None)
    }

    /// A vote on the proposal whose act hash is `proposal`.
    pub fn vote(&self, proposal: ActHash, choice: Choice) -> Result<Act, LedgerError> {
        self.seal(Body::Vote { proposal, choice }, None)
    }

    /// The author's withdrawal from the commonwealth.
    pub fn withdraw(&self) -> Result<Act, LedgerError> {
        self.seal(Body::Withdrawal {}, None)
    }

    /// A key rotation to `new_card`, which `new_key` must have signed
    /// ([`MemberCard::create`]); signed by the author's current key and the
    /// new one.
    pub fn rotate_key(
        &self,
        new_key: &SigningKey,
        new_card: MemberCard,
    ) -> Result<Act, LedgerError> {
        self.seal(Body::KeyRotation { new_card }, Some(new_key))
    }

    fn seal(&self, body: Body, new_key: Option<&SigningKey>) -> Result<Act, LedgerError> {
        let mut parents = self.parents.clone();
        parents.sort_unstable();
        parents.dedup();
        let mut act = Act {
            v: FORMAT_VERSION,
            record_type: ACT_TYPE.to_owned(),
            commonwealth: self.author.commonwealth.as_str().to_owned(),
            author: self.author.name.to_owned(),
            parents,
            created: timestamp(self.created_micros),
            body,
            signatures: ActSignatures {
                author: placeholder(),
                new_key: new_key.map(|_| placeholder()),
            },
        };
        act.check_form()?;
        let bytes = act.signed_bytes()?;
        act.signatures.author = self.author.key.sign(&bytes);
        act.signatures.new_key = new_key.map(|key| key.sign(&bytes));
        Ok(act)
    }
}

/// A signature to hold the place while the signed bytes (which never
/// include signatures) are computed.
fn placeholder() -> Signature {
    Signature::PLACEHOLDER
}
