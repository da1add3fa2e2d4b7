//! What the council commands show, as data: the membership a ledger
//! proves (`liaison ledger verify`), its acts (`liaison ledger show`) and
//! its proposals with their votes (`liaison council list`). The admin API
//! sends these as JSON and the CLI prints them, read back from that JSON or
//! computed on a local store, so both paths show the same thing.
//!
//! Times are TAXII timestamps. Nothing here depends on the reader's node
//! but [`ProposalReport::status`] (an open proposal past its deadline at
//! the reader's clock shows as `expired`): the membership report of two
//! nodes holding the same acts is the same, byte for byte.

use serde::{Deserialize, Serialize};

use crate::federation::timestamp;
use crate::ledger::{Action, Body, Effect, Ledger, Outcome, Proposal};

/// The membership a ledger proves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipReport {
    pub commonwealth: String,
    /// The number of acts it was proved from.
    pub acts: usize,
    pub rules: RulesReport,
    /// Every member the ledger ever had, by name.
    pub members: Vec<MemberReport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesReport {
    pub admission: String,
    pub withdrawal_notice_seconds: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberReport {
    pub name: String,
    /// `good`, `suspended`, `withdrawn` or `expelled`, as the ledger proves.
    pub standing: String,
    pub endpoint: String,
    /// The current signing key (base64).
    pub signing_key: String,
    pub tls_fingerprint: String,
    /// When a pending withdrawal takes effect.
    pub withdrawal_effective: Option<String>,
}

/// One act, summed up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActReport {
    pub hash: String,
    pub author: String,
    pub created: String,
    /// `proposal`, `vote`, `withdrawal` or `key-rotation`.
    pub kind: String,
    /// One line: `admit cert-d`, `yes on 3f2a…`, ...
    pub summary: String,
}

/// A proposal with its votes, as resolved so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalReport {
    pub proposal: String,
    pub author: String,
    pub action: Action,
    /// `admit cert-d`, `suspend cert-c`, `amend: admission two-thirds, ...`
    pub summary: String,
    pub text: String,
    pub created: String,
    pub deadline: String,
    /// `open`, `expired` (open, deadline passed), `adopted` or `rejected`.
    pub status: String,
    /// The act that decided it.
    pub decided_by: Option<String>,
    /// For an adopted proposal: `applied`, or why it had no effect.
    pub effect: Option<String>,
    /// The quorum rule in force at the proposal.
    pub rule: String,
    /// The members whose votes count, fixed at the proposal.
    pub electorate: Vec<String>,
    /// Yes votes needed.
    pub quorum: usize,
    pub yes: usize,
    pub no: usize,
    pub abstain: usize,
    /// Electorate members without a counted vote.
    pub outstanding: usize,
    /// Every vote received, the proposal itself (its author's yes) first.
    pub votes: Vec<VoteReport>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteReport {
    pub act: String,
    pub voter: String,
    pub choice: String,
    pub created: String,
    pub counted: bool,
    /// `counted`, or why not.
    pub why: String,
}

/// The membership `ledger` proves.
pub fn membership_report(ledger: &Ledger) -> MembershipReport {
    let membership = ledger.membership();
    let rules = membership.rules();
    MembershipReport {
        commonwealth: ledger.commonwealth().as_str().to_owned(),
        acts: ledger.len(),
        rules: RulesReport {
            admission: rules.admission.as_str().to_owned(),
            withdrawal_notice_seconds: rules.withdrawal_notice_seconds,
        },
        members: membership
            .members()
            .map(|m| MemberReport {
                name: m.name().to_owned(),
                standing: m.standing.as_str().to_owned(),
                endpoint: m.card.endpoint.clone(),
                signing_key: m.card.signing_key.to_b64(),
                tls_fingerprint: m.card.tls_fingerprint.clone(),
                withdrawal_effective: m.withdrawal.map(|w| timestamp(w.effective_micros)),
            })
            .collect(),
    }
}

/// Every act of `ledger`, in the order of the laws.
pub fn acts_report(ledger: &Ledger) -> Vec<ActReport> {
    ledger
        .acts()
        .map(|(hash, act)| {
            let (kind, summary) = match &act.body {
                Body::Proposal { action, .. } => ("proposal", summarise(action)),
                Body::Vote { proposal, choice } => ("vote", format!("{choice} on {proposal}")),
                Body::Withdrawal {} => ("withdrawal", format!("{} withdraws", act.author)),
                Body::KeyRotation { new_card } => (
                    "key-rotation",
                    format!("{} rotates its key to {}", act.author, new_card.signing_key),
                ),
            };
            ActReport {
                hash: hash.to_hex(),
                author: act.author.clone(),
                created: act.created.clone(),
                kind: kind.to_owned(),
                summary,
            }
        })
        .collect()
}

/// Every proposal of `ledger`, in the order of the laws, as seen at
/// `now_micros`.
pub fn proposals_report(ledger: &Ledger, now_micros: i64) -> Vec<ProposalReport> {
    ledger
        .proposals()
        .map(|p| proposal_report(p, now_micros))
        .collect()
}

fn proposal_report(p: &Proposal, now_micros: i64) -> ProposalReport {
    let tally = p.tally();
    let (decided_by, effect) = match &p.outcome {
        Outcome::Open => (None, None),
        Outcome::Adopted { decided_by, effect } => (
            Some(decided_by.to_hex()),
            Some(match effect {
                Effect::Applied => "applied".to_owned(),
                Effect::Void(reason) => format!("no effect: {reason}"),
            }),
        ),
        Outcome::Rejected { decided_by } => (Some(decided_by.to_hex()), None),
    };
    ProposalReport {
        proposal: p.act.to_hex(),
        author: p.author.clone(),
        action: p.action.clone(),
        summary: summarise(&p.action),
        text: p.text.clone(),
        created: timestamp(p.created_micros),
        deadline: timestamp(p.deadline_micros),
        status: p.status(now_micros).as_str().to_owned(),
        decided_by,
        effect,
        rule: p.admission.as_str().to_owned(),
        electorate: p.electorate.iter().cloned().collect(),
        quorum: p.quorum(),
        yes: tally.yes,
        no: tally.no,
        abstain: tally.abstain,
        outstanding: tally.outstanding,
        votes: p
            .votes
            .iter()
            .map(|v| VoteReport {
                act: v.act.to_hex(),
                voter: v.voter.clone(),
                choice: v.choice.as_str().to_owned(),
                created: timestamp(v.created_micros),
                counted: v.counted.is_counted(),
                why: v.counted.to_string(),
            })
            .collect(),
    }
}

/// One line for an action: `admit cert-d (https://...)`, `suspend cert-c`,
/// `amend: admission two-thirds, withdrawal notice 0 s`.
pub fn summarise(action: &Action) -> String {
    match action {
        Action::Admit { card } => format!("admit {} ({})", card.name, card.endpoint),
        Action::Suspend { member } | Action::Reinstate { member } | Action::Expel { member } => {
            format!("{} {member}", action.verb())
        }
        Action::Amend { rules } => format!(
            "amend: admission {}, withdrawal notice {} s",
            rules.admission, rules.withdrawal_notice_seconds
        ),
    }
}
