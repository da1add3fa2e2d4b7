//! This node's own acts: a proposal, a vote, its withdrawal, its key
//! rotation. Each is drafted on the ledger's heads, judged by the ledger,
//! stored with its messages to the other members in good standing in one
//! transaction, and then applied (see the laws of the module above).

use crate::Store;
use crate::exchange::{MessageKind, OutboxMessage, StoredAct};
use crate::exchange_ops::{MembershipSource, NodeIdentity, WireMessage, act_message_id};
use crate::federation::{EndpointPolicy, MemberCard, SigningKey};
use crate::ledger::{Act, ActHash, Action, Choice, Draft};

use super::{CouncilError, LedgerMembership};

/// An own act, stored and applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub hash: ActHash,
    pub act: Act,
    /// The members it is sent to.
    pub recipients: Vec<String>,
    /// `(peer, seq)` of the messages enqueued now (the workers to wake).
    pub enqueued: Vec<(String, u64)>,
}

/// Proposes `action` to the council, open until `deadline_micros`. The
/// proposal counts as this node's yes.
pub async fn propose(
    store: &dyn Store,
    node: &NodeIdentity,
    council: &LedgerMembership,
    action: Action,
    text: &str,
    deadline_micros: i64,
    now_micros: i64,
) -> Result<Committed, CouncilError> {
    council.refresh(store).await?;
    let act = draft(node, council, now_micros).propose(action, text, deadline_micros)?;
    commit(store, council, act, now_micros).await
}

/// Votes on the proposal named by `proposal` (its hash, or a prefix of at
/// least 6 digits naming one proposal).
pub async fn vote(
    store: &dyn Store,
    node: &NodeIdentity,
    council: &LedgerMembership,
    proposal: &str,
    choice: Choice,
    now_micros: i64,
) -> Result<Committed, CouncilError> {
    council.refresh(store).await?;
    let target = resolve_proposal(council, proposal)?;
    let act = draft(node, council, now_micros).vote(target, choice)?;
    commit(store, council, act, now_micros).await
}

/// This node's withdrawal from the commonwealth (effective after the
/// notice in the rules; at once by default). Nothing more is sent to it
/// once the withdrawal takes effect, and its requests are refused.
pub async fn withdraw(
    store: &dyn Store,
    node: &NodeIdentity,
    council: &LedgerMembership,
    now_micros: i64,
) -> Result<Committed, CouncilError> {
    council.refresh(store).await?;
    let act = draft(node, council, now_micros).withdraw()?;
    commit(store, council, act, now_micros).await
}

/// Rotates this node's signing key to `new_key`: the new card keeps the
/// node's name, endpoint and TLS certificate. The act is signed by the old
/// and the new key. Returns the act and the new card; the caller then
/// signs with `new_key` (and keeps the new card and key in its files).
pub async fn rotate_key(
    store: &dyn Store,
    node: &NodeIdentity,
    council: &LedgerMembership,
    new_key: &SigningKey,
    policy: EndpointPolicy,
    now_micros: i64,
) -> Result<(Committed, MemberCard), CouncilError> {
    council.refresh(store).await?;
    let card = node.card();
    let new_card = MemberCard::create(
        &card.name,
        &card.endpoint,
        &card.tls_fingerprint,
        new_key,
        policy,
    )?;
    let act = draft(node, council, now_micros).rotate_key(new_key, new_card.clone())?;
    Ok((commit(store, council, act, now_micros).await?, new_card))
}

fn draft<'a>(node: &'a NodeIdentity, council: &LedgerMembership, now: i64) -> Draft<'a> {
    Draft {
        author: node.author(),
        parents: council.with_ledger(|l| l.heads()),
        created_micros: now,
    }
}

/// Judges, stores with its messages, applies.
async fn commit(
    store: &dyn Store,
    council: &LedgerMembership,
    act: Act,
    now: i64,
) -> Result<Committed, CouncilError> {
    let (verified, recipients) = council.prepare_own(&act, now)?;
    let hash = verified.hash();
    let json = serde_json::to_string(&act).map_err(|e| CouncilError::Invalid(e.to_string()))?;
    let id = act_message_id(&hash.to_hex());
    let payload = WireMessage::act(&id, json.clone()).to_json();
    let outbox = recipients
        .iter()
        .map(|peer| OutboxMessage {
            peer: peer.clone(),
            id: id.clone(),
            kind: MessageKind::Act,
            payload: payload.clone(),
            object: None,
        })
        .collect();
    let stored = StoredAct {
        hash: hash.to_hex(),
        json,
        received_at: now,
    };
    let (_, enqueued) = store.record_act(&stored, outbox).await?;
    council.apply_acts(vec![verified]);
    Ok(Committed {
        hash,
        act,
        recipients,
        enqueued,
    })
}

/// The proposal `text` names: a whole hash, or a prefix of at least 6
/// hexadecimal digits matching exactly one proposal.
fn resolve_proposal(council: &LedgerMembership, text: &str) -> Result<ActHash, CouncilError> {
    let text = text.trim();
    if let Ok(hash) = ActHash::parse(text) {
        return Ok(hash);
    }
    if text.len() < 6 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(CouncilError::Invalid(format!(
            "{text:?} is not a proposal: give its hash (64 hexadecimal digits) or at least its first 6"
        )));
    }
    let text = text.to_ascii_lowercase();
    let found: Vec<ActHash> = council.with_ledger(|ledger| {
        ledger
            .proposals()
            .map(|p| p.act)
            .filter(|h| h.to_hex().starts_with(&text))
            .collect()
    });
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(CouncilError::UnknownProposal(text)),
        many => Err(CouncilError::AmbiguousProposal {
            text,
            count: many.len(),
        }),
    }
}

/// A voting deadline: an RFC 3339 timestamp in UTC
/// (`2026-12-01T12:00:00Z`), or a duration from `now_micros`: a number
/// followed by `s`, `m`, `h`, `d` or `w` (`7d`, `12h`). It must be in the
/// future.
pub fn parse_deadline(text: &str, now_micros: i64) -> Result<i64, CouncilError> {
    let text = text.trim();
    let bad = || {
        CouncilError::Invalid(format!(
            "deadline {text:?}: expected an RFC 3339 UTC timestamp (2026-12-01T12:00:00Z) or a duration such as 7d, 12h, 30m"
        ))
    };
    let deadline = match liaison_stix::Timestamp::parse(text) {
        Ok(t) => t.unix_micros(),
        Err(_) => {
            let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
            let (number, unit) = text.split_at(split);
            let n: i64 = number.parse().map_err(|_| bad())?;
            let seconds = match unit {
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86_400,
                "w" => 7 * 86_400,
                _ => return Err(bad()),
            };
            n.checked_mul(seconds)
                .and_then(|s| s.checked_mul(1_000_000))
                .and_then(|d| now_micros.checked_add(d))
                .ok_or_else(bad)?
        }
    };
    if deadline <= now_micros {
        return Err(CouncilError::Invalid(format!(
            "deadline {text:?} is not in the future"
        )));
    }
    Ok(deadline)
}
