//! A candidate joins: it verifies the founding agreement and the ledger a
//! member exported for it, checks that the ledger admits its own card, and
//! adopts both.
//!
//! The export (`liaison ledger export`):
//!
//! ```json
//! {"v":1,"type":"liaison-ledger","commonwealth":"<id>","acts":[act, ...]}
//! ```
//!
//! with the acts in the order of the laws (parents first). The file needs
//! no signature of its own: each act is signed by its author and judged by
//! the laws from the agreement, whose founders all signed it.

use serde::{Deserialize, Serialize};

use crate::Store;
use crate::exchange::CommonwealthRecord;
use crate::exchange_ops::{NodeIdentity, ensure_collections};
use crate::federation::{
    Agreement, EndpointPolicy, FORMAT_VERSION, FormatError, Member, MemberCard, SigningKey,
    Standing,
};
use crate::ledger::{Act, Ledger, Membership, replay};

use super::CouncilError;

/// The `type` of a ledger export.
pub const LEDGER_EXPORT_TYPE: &str = "liaison-ledger";

/// A ledger as one member exports it for a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerExport {
    pub v: u32,
    #[serde(rename = "type")]
    pub record_type: String,
    pub commonwealth: String,
    pub acts: Vec<Act>,
}

impl LedgerExport {
    /// Every act of `ledger`, in the order of the laws.
    pub fn of(ledger: &Ledger) -> LedgerExport {
        LedgerExport {
            v: FORMAT_VERSION,
            record_type: LEDGER_EXPORT_TYPE.to_owned(),
            commonwealth: ledger.commonwealth().as_str().to_owned(),
            acts: ledger.acts().map(|(_, act)| act.clone()).collect(),
        }
    }

    /// Parses an export and checks its version and type (its acts are the
    /// ledger's to judge).
    pub fn from_json(text: &str) -> Result<LedgerExport, CouncilError> {
        let export: LedgerExport =
            serde_json::from_str(text).map_err(|e| FormatError::Shape(e.to_string()))?;
        if export.v != FORMAT_VERSION {
            return Err(FormatError::UnsupportedVersion { found: export.v }.into());
        }
        if export.record_type != LEDGER_EXPORT_TYPE {
            return Err(FormatError::WrongType {
                expected: LEDGER_EXPORT_TYPE,
                found: export.record_type,
            }
            .into());
        }
        Ok(export)
    }
}

/// `liaison agreement join`: makes this node (`key`, `card`) a member of
/// the commonwealth `agreement` founds, as the acts of `export` prove it:
/// the agreement is in force, the acts replay from it, and the membership
/// they prove holds `card` (the same key) in good standing. Then stores the
/// agreement and the acts (joining the same commonwealth again adds only
/// the acts missing) and creates the exchange collections. Returns the
/// node's identity and the membership.
pub async fn join(
    store: &dyn Store,
    key: SigningKey,
    card: MemberCard,
    agreement: &Agreement,
    export: &LedgerExport,
    now_micros: i64,
    policy: EndpointPolicy,
) -> Result<(NodeIdentity, Membership), CouncilError> {
    let id = agreement
        .verify(policy)
        .map_err(|e| CouncilError::Invalid(format!("the agreement is not in force: {e}")))?;
    if export.commonwealth != id.as_str() {
        return Err(CouncilError::Invalid(format!(
            "the ledger is of commonwealth {}, the agreement founds {id}",
            export.commonwealth
        )));
    }
    card.verify(policy)?;
    if card.signing_key != key.public_key() {
        return Err(CouncilError::Identity(
            "the signing key is not the key of the member card".to_owned(),
        ));
    }
    let ledger = replay(agreement.clone(), export.acts.iter().cloned(), policy)?;
    let membership = ledger.membership().clone();
    match membership.get(&card.name) {
        Some(m) if m.card == card && m.standing == Standing::Good => {}
        Some(m) if m.card == card => {
            return Err(CouncilError::Identity(format!(
                "the ledger admits {} but it is {} now",
                card.name, m.standing
            )));
        }
        Some(_) => {
            return Err(CouncilError::Identity(format!(
                "the ledger's member {} has another card than this node's",
                card.name
            )));
        }
        None => {
            return Err(CouncilError::Identity(format!(
                "the ledger does not admit {}: no adopted proposal admits this card yet",
                card.name
            )));
        }
    }
    let record = CommonwealthRecord {
        id: id.as_str().to_owned(),
        agreement_json: serde_json::to_string(agreement)
            .map_err(|e| CouncilError::Invalid(e.to_string()))?,
        self_name: card.name.clone(),
        adopted_at: now_micros,
    };
    store.adopt_commonwealth(&record).await?;
    for (hash, act) in ledger.acts() {
        let json = serde_json::to_string(act).map_err(|e| CouncilError::Invalid(e.to_string()))?;
        store
            .insert_act(&crate::exchange::StoredAct {
                hash: hash.to_hex(),
                json,
                received_at: now_micros,
            })
            .await?;
    }
    let node = NodeIdentity::new(key, card, &record, policy)?;
    let members: Vec<Member> = membership.members().map(|m| m.to_member()).collect();
    ensure_collections(store, &node, &members).await?;
    Ok((node, membership))
}
