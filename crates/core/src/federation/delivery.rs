//! Where a shared item stands with each recipient, as the originator's
//! `liaison status` shows it: a pure fold of the signed receipts,
//! acceptances and reactions the originator holds.
//!
//! Laws of [`delivery_status`]:
//! - There is one entry per distinct recipient, sorted by name.
//! - A record counts for a recipient only if that recipient signed it.
//!   Receipts and acceptances count only for the object version asked
//!   about; reactions count for every version of the object id (a reaction
//!   to an earlier version stays relevant).
//! - The state is `Accepted` if the recipient accepted (the earliest
//!   acceptance; an acceptance implies storage, even if its receipt has
//!   not arrived), else `Delivered` if a receipt says stored (the earliest),
//!   else `Refused` if a receipt says refused (the latest: the current
//!   reason), else `Queued`. A stored receipt overrides a refusal: a later
//!   attempt succeeded.
//! - Reactions are listed once per reaction id, by time then id.
//! - The result does not depend on the order of the records given, and
//!   giving a record twice changes nothing.

use std::collections::BTreeMap;

use liaison_stix::Timestamp;

use super::acceptance::Acceptance;
use super::reaction::{Reaction, ReactionKind};
use super::receipt::{Outcome, Receipt};

/// The state of delivery to one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryState {
    /// In the outbox, not yet receipted.
    Queued,
    /// Stored by the recipient (receipt time).
    Delivered { at: Timestamp },
    /// Taken into work by a user of the recipient.
    Accepted { at: Timestamp, by: String },
    /// Refused by the recipient.
    Refused { at: Timestamp, reason: String },
}

/// One reaction, as the status shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionSummary {
    pub id: String,
    pub kind: ReactionKind,
    pub at: Timestamp,
    pub note: Option<String>,
    pub count: Option<u32>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

/// Where an item stands with one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientStatus {
    pub recipient: String,
    pub state: DeliveryState,
    /// When it was stored, whatever happened since.
    pub delivered_at: Option<Timestamp>,
    pub reactions: Vec<ReactionSummary>,
}

/// The signed records the originator holds about an item.
#[derive(Debug, Clone, Copy, Default)]
pub struct Feedback<'a> {
    pub receipts: &'a [Receipt],
    pub acceptances: &'a [Acceptance],
    pub reactions: &'a [Reaction],
}

/// Folds `feedback` into the state of `object_id` at `object_version` for
/// each recipient (see the module's laws).
pub fn delivery_status(
    object_id: &str,
    object_version: &str,
    recipients: &[String],
    feedback: &Feedback<'_>,
) -> Vec<RecipientStatus> {
    let mut names: Vec<&str> = recipients.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| recipient_status(object_id, object_version, name, feedback))
        .collect()
}

fn recipient_status(
    object_id: &str,
    object_version: &str,
    name: &str,
    feedback: &Feedback<'_>,
) -> RecipientStatus {
    let receipts = feedback.receipts.iter().filter(|r| {
        r.recipient == name
            && r.object_id.as_deref() == Some(object_id)
            && r.object_version.as_deref() == Some(object_version)
    });
    let mut delivered_at: Option<Timestamp> = None;
    let mut refused: Option<(Timestamp, &str)> = None;
    for receipt in receipts {
        let Ok(at) = Timestamp::parse(&receipt.received_at) else {
            continue;
        };
        match (receipt.outcome, receipt.reason.as_deref()) {
            (Outcome::Stored, _) => delivered_at = Some(delivered_at.map_or(at, |d| d.min(at))),
            (Outcome::Refused, reason) => {
                let candidate = (at, reason.unwrap_or_default());
                refused = Some(refused.map_or(candidate, |r| r.max(candidate)));
            }
        }
    }
    let accepted = feedback
        .acceptances
        .iter()
        .filter(|a| {
            a.member == name && a.object_id == object_id && a.object_version == object_version
        })
        .filter_map(|a| {
            Some((
                Timestamp::parse(&a.accepted_at).ok()?,
                a.accepted_by.as_str(),
            ))
        })
        .min();
    let state = match (accepted, delivered_at, refused) {
        (Some((at, by)), _, _) => DeliveryState::Accepted {
            at,
            by: by.to_owned(),
        },
        (None, Some(at), _) => DeliveryState::Delivered { at },
        (None, None, Some((at, reason))) => DeliveryState::Refused {
            at,
            reason: reason.to_owned(),
        },
        (None, None, None) => DeliveryState::Queued,
    };
    RecipientStatus {
        recipient: name.to_owned(),
        state,
        delivered_at,
        reactions: reactions_of(object_id, name, feedback.reactions),
    }
}

type OrderKey<'a> = (
    Timestamp,
    &'static str,
    &'a Option<String>,
    Option<u32>,
    &'a Option<String>,
    &'a Option<String>,
);

fn order_key(s: &ReactionSummary) -> OrderKey<'_> {
    (
        s.at,
        s.kind.as_str(),
        &s.note,
        s.count,
        &s.first_seen,
        &s.last_seen,
    )
}

fn reactions_of(object_id: &str, name: &str, reactions: &[Reaction]) -> Vec<ReactionSummary> {
    let mut by_id: BTreeMap<&str, ReactionSummary> = BTreeMap::new();
    for r in reactions
        .iter()
        .filter(|r| r.member == name && r.object_id == object_id)
    {
        let Ok(at) = Timestamp::parse(&r.reacted_at) else {
            continue;
        };
        let summary = ReactionSummary {
            id: r.id.clone(),
            kind: r.kind,
            at,
            note: r.note.clone(),
            count: r.count,
            first_seen: r.first_seen.clone(),
            last_seen: r.last_seen.clone(),
        };
        // One id, one reaction. Should a member sign two different records
        // under one id, keep the same one whatever the order: the least.
        match by_id.get(r.id.as_str()) {
            Some(kept) if order_key(kept) <= order_key(&summary) => {}
            _ => {
                by_id.insert(&r.id, summary);
            }
        }
    }
    let mut list: Vec<ReactionSummary> = by_id.into_values().collect();
    list.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    list
}

#[cfg(test)]
#[path = "delivery_tests.rs"]
mod tests;
