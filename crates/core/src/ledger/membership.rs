//! The membership a ledger proves: every member it ever had, with its
//! current card and standing, and the rules in force.

use std::collections::BTreeMap;

use crate::federation::{Member, MemberCard, MemberDirectory, PublicKey, Rules, Standing};

use super::act::ActHash;

/// A member as the ledger knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerMember {
    /// The current card: the founding card, the admitted card, or the card
    /// of the member's latest key rotation.
    pub card: MemberCard,
    pub standing: Standing,
    /// Notice of withdrawal given and not yet in effect.
    pub withdrawal: Option<PendingWithdrawal>,
}

/// A withdrawal whose notice period is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingWithdrawal {
    /// The withdrawal act.
    pub act: ActHash,
    /// When the notice ends (Unix microseconds): the withdrawal takes
    /// effect at the first later act created at or after it.
    pub effective_micros: i64,
}

impl LedgerMember {
    pub fn name(&self) -> &str {
        &self.card.name
    }

    /// The key the member signs with now.
    pub fn key(&self) -> PublicKey {
        self.card.signing_key
    }

    /// The member as the rest of the federation code sees it.
    pub fn to_member(&self) -> Member {
        Member {
            standing: self.standing,
            ..Member::from_card(&self.card)
        }
    }
}

/// Members (by name, whatever their standing: a name stays known after
/// its member left) and the rules in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub(crate) members: BTreeMap<String, LedgerMember>,
    pub(crate) rules: Rules,
}

impl Membership {
    pub fn rules(&self) -> Rules {
        self.rules
    }

    /// The member called `name`, whatever its standing.
    pub fn get(&self, name: &str) -> Option<&LedgerMember> {
        self.members.get(name)
    }

    /// Every member the ledger ever had, by name.
    pub fn members(&self) -> impl Iterator<Item = &LedgerMember> {
        self.members.values()
    }

    /// The members in good standing, by name: who receives `all` shares
    /// and whose requests are heard.
    pub fn in_good_standing(&self) -> impl Iterator<Item = &LedgerMember> {
        self.members
            .values()
            .filter(|m| m.standing == Standing::Good)
    }

    /// Whether `name` is a member in good standing as the ledger proves
    /// it: the question request verification asks.
    pub fn is_in_good_standing(&self, name: &str) -> bool {
        self.members
            .get(name)
            .is_some_and(|m| m.standing == Standing::Good)
    }

    /// [`Membership::is_in_good_standing`], and also not past the end of a
    /// notice of withdrawal at `now_micros`. The ledger settles a
    /// withdrawal only when a later act is made; a node uses this to stop
    /// sending to and hearing a member whose notice has run out in the
    /// meantime.
    pub fn is_in_good_standing_at(&self, name: &str, now_micros: i64) -> bool {
        self.members.get(name).is_some_and(|m| {
            m.standing == Standing::Good
                && m.withdrawal.is_none_or(|w| now_micros < w.effective_micros)
        })
    }

    /// The standing of `name`, if it was ever a member.
    pub fn standing(&self, name: &str) -> Option<Standing> {
        self.members.get(name).map(|m| m.standing)
    }
}

impl MemberDirectory for Membership {
    fn member(&self, name: &str) -> Option<Member> {
        self.members.get(name).map(LedgerMember::to_member)
    }
}
