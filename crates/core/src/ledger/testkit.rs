//! Fixtures for the ledger's tests: deterministic keys and cards, a
//! commonwealth, and short ways to make acts.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::federation::{
    Admission, Agreement, Author, CommonwealthId, EndpointPolicy, MemberCard, Rules, SigningKey,
};
use crate::users::hex_sha256;

use super::{Act, ActHash, Action, Choice, Draft, Inserted, Ledger, LedgerError};

/// A fixed "now": 2025-06-15T15:06:40Z.
pub(crate) const T0: i64 = 1_750_000_000_000_000;
/// One second, in microseconds.
pub(crate) const SEC: i64 = 1_000_000;
/// The skew every test allows.
pub(crate) const SKEW: Duration = Duration::from_secs(300);
/// An hour, the default voting period of the fixtures.
pub(crate) const HOUR: i64 = 3600 * SEC;

/// A key derived from `seed` (deterministic: property tests must replay).
pub(crate) fn key(seed: &str) -> SigningKey {
    SigningKey::from_seed_hex(&hex_sha256(seed.as_bytes())).unwrap()
}

/// The card of `name` with `key`, certificate derived from `cert_seed`.
pub(crate) fn card_with(name: &str, key: &SigningKey, cert_seed: &str) -> MemberCard {
    MemberCard::create(
        name,
        &format!("https://{name}.example:8443"),
        &hex_sha256(cert_seed.as_bytes()),
        key,
        EndpointPolicy::HttpsOnly,
    )
    .unwrap()
}

pub(crate) fn rules(admission: Admission, notice_seconds: u64) -> Rules {
    Rules {
        admission,
        withdrawal_notice_seconds: notice_seconds,
    }
}

/// A commonwealth of founders, and every key handed out so far.
pub(crate) struct Fixture {
    pub agreement: Agreement,
    pub cw: CommonwealthId,
    /// Member name → its current key.
    pub keys: BTreeMap<String, SigningKey>,
    /// Rotations made so far (for fresh seeds).
    pub generation: u32,
}

impl Fixture {
    /// Founders `names`, keys seeded by their names and `tag`.
    pub fn new(names: &[&str], rules: Rules) -> Fixture {
        Fixture::tagged(names, rules, "")
    }

    pub fn tagged(names: &[&str], rules: Rules, tag: &str) -> Fixture {
        let keys: BTreeMap<String, SigningKey> = names
            .iter()
            .map(|n| (n.to_string(), key(&format!("{tag}{n}"))))
            .collect();
        let cards = keys
            .iter()
            .map(|(n, k)| card_with(n, k, &format!("{tag}{n}")))
            .collect();
        let mut agreement =
            Agreement::draft("Council test", cards, rules, T0, EndpointPolicy::HttpsOnly).unwrap();
        for key in keys.values() {
            agreement.sign(key, EndpointPolicy::HttpsOnly).unwrap();
        }
        let cw = agreement.commonwealth_id().unwrap();
        Fixture {
            agreement,
            cw,
            keys,
            generation: 0,
        }
    }

    pub fn ledger(&self) -> Ledger {
        Ledger::new(self.agreement.clone(), EndpointPolicy::HttpsOnly).unwrap()
    }

    pub fn author(&self, name: &str) -> Author<'_> {
        Author {
            commonwealth: &self.cw,
            name: self.keys.get_key_value(name).unwrap().0,
            key: &self.keys[name],
        }
    }

    /// A draft by `name` on `ledger`'s heads at `at`.
    pub fn draft<'a>(&'a self, ledger: &Ledger, name: &str, at: i64) -> Draft<'a> {
        ledger.draft(self.author(name), at)
    }

    /// A draft by `name` on explicit parents.
    pub fn draft_on(&self, parents: Vec<ActHash>, name: &str, at: i64) -> Draft<'_> {
        Draft {
            author: self.author(name),
            parents,
            created_micros: at,
        }
    }

    /// A fresh candidate's card (its key is recorded under its name).
    pub fn candidate(&mut self, name: &str) -> MemberCard {
        let k = key(&format!("candidate {name}"));
        let card = card_with(name, &k, &format!("candidate {name}"));
        self.keys.insert(name.to_owned(), k);
        card
    }

    /// A new key and card for `name`; the fixture keeps the old key until
    /// [`Fixture::adopt_key`].
    pub fn next_card(&mut self, name: &str) -> (MemberCard, SigningKey) {
        self.generation += 1;
        let seed = format!("{name} generation {}", self.generation);
        let k = key(&seed);
        (card_with(name, &k, &seed), k)
    }

    pub fn adopt_key(&mut self, name: &str, key: SigningKey) {
        self.keys.insert(name.to_owned(), key);
    }

    /// Proposes on the ledger's heads, inserts, returns the hash.
    pub fn propose(&self, ledger: &mut Ledger, by: &str, action: Action, at: i64) -> ActHash {
        let act = self
            .draft(ledger, by, at)
            .propose(action, "proposal", at + HOUR)
            .unwrap();
        insert_new(ledger, act, at)
    }

    /// Withdraws on the ledger's heads, inserts, returns the hash.
    pub fn withdraw(&self, ledger: &mut Ledger, by: &str, at: i64) -> ActHash {
        let act = self.draft(ledger, by, at).withdraw().unwrap();
        insert_new(ledger, act, at)
    }

    /// Votes on the ledger's heads, inserts, returns the hash.
    pub fn vote(
        &self,
        ledger: &mut Ledger,
        by: &str,
        proposal: ActHash,
        choice: Choice,
        at: i64,
    ) -> ActHash {
        let act = self.draft(ledger, by, at).vote(proposal, choice).unwrap();
        insert_new(ledger, act, at)
    }
}

/// The proposals of a ledger, to compare.
pub(crate) fn proposals(ledger: &Ledger) -> Vec<super::Proposal> {
    ledger.proposals().cloned().collect()
}

/// Inserts an act that must be new and accepted.
pub(crate) fn insert_new(ledger: &mut Ledger, act: Act, now: i64) -> ActHash {
    let hash = act.hash().unwrap();
    assert_eq!(ledger.insert(act, now, SKEW), Ok(Inserted::New));
    hash
}

/// Inserts an act that must be refused, and returns why.
pub(crate) fn refused(ledger: &mut Ledger, act: Act, now: i64) -> LedgerError {
    let before = ledger.len();
    let err = ledger.insert(act, now, SKEW).unwrap_err();
    assert_eq!(ledger.len(), before, "a refused act changes nothing");
    err
}
