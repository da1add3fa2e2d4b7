//! Property tests: random councils acting on partial knowledge, then every
//! node, whatever order the acts reach it in, proves the same state.
//!
//! A scenario has 2 to 5 founders under random rules. At each step a
//! random participant (founder or admitted candidate) may first learn
//! what another participant knows, then makes a random act — a proposal
//! (admit a fresh candidate, suspend, reinstate, expel, amend), a vote on
//! a proposal it knows, a withdrawal, a key rotation, or a forgery — on the
//! heads of its own view, at a random time. Its own view accepts or
//! refuses it. Then:
//!
//! 1. every act accepted anywhere is accepted by a ledger that holds its
//!    past (merging views never refuses anything);
//! 2. feeding the accepted acts to a fresh ledger in a random order that
//!    keeps parents first, in an arbitrary order through an orphan buffer,
//!    or all at once to [`replay`], gives the same membership, proposals
//!    (outcomes, votes and why they count or not), heads and memberships
//!    at each act as the order they were made in;
//! 3. every refused act is refused for the same reason by the complete
//!    ledger (acceptance depends on the act's past alone).

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::testkit::*;
use super::*;
use crate::federation::{Admission, EndpointPolicy, Rules, Standing};

#[derive(Debug, Clone)]
struct Step {
    actor: u8,
    learn_from: Option<u8>,
    kind: u8,
    target: u8,
    choice: u8,
    /// Seconds since the previous step.
    dt: u8,
}

fn step() -> impl Strategy<Value = Step> {
    (
        any::<u8>(),
        proptest::option::weighted(0.6, any::<u8>()),
        0u8..20,
        any::<u8>(),
        any::<u8>(),
        0u8..12,
    )
        .prop_map(|(actor, learn_from, kind, target, choice, dt)| Step {
            actor,
            learn_from,
            kind,
            target,
            choice,
            dt,
        })
}

fn admission(n: u8) -> Admission {
    [
        Admission::Unanimity,
        Admission::TwoThirds,
        Admission::Majority,
    ][usize::from(n % 3)]
}

/// Xorshift: permutations from a seed, so that a failure replays.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).unwrap_or(0)
    }
}

/// What a scenario produced.
struct Run {
    f: Fixture,
    /// Accepted acts, in the order made (parents first).
    accepted: Vec<Act>,
    /// Refused acts and why (by the author's own view).
    refused: Vec<(Act, LedgerError)>,
    now: i64,
}

struct Sim {
    f: Fixture,
    views: BTreeMap<String, Ledger>,
    /// Founders and candidates, in order of appearance.
    participants: Vec<String>,
    founders: usize,
    candidates: usize,
    run_accepted: Vec<Act>,
    run_refused: Vec<(Act, LedgerError)>,
    now: i64,
}

impl Sim {
    fn new(founders: usize, rules: Rules) -> Sim {
        let names: Vec<String> = (0..founders).map(|i| format!("founder-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let f = Fixture::new(&refs, rules);
        let views = names.iter().map(|n| (n.clone(), f.ledger())).collect();
        Sim {
            f,
            views,
            participants: names,
            founders,
            candidates: 0,
            run_accepted: Vec::new(),
            run_refused: Vec::new(),
            now: T0,
        }
    }

    /// `to` learns every act `from` holds (law 1 of this file: never refused).
    fn learn(&mut self, to: &str, from: &str) {
        let acts: Vec<Act> = match self.views.get(from) {
            Some(view) => view.acts().map(|(_, a)| a.clone()).collect(),
            None => return,
        };
        let now = self.now;
        let view = self
            .views
            .entry(to.to_owned())
            .or_insert_with(|| self.f.ledger());
        for act in acts {
            let result = view.insert(act, now, SKEW);
            assert!(
                result.is_ok(),
                "merging refused an accepted act: {result:?}"
            );
        }
    }

    fn step(&mut self, s: &Step) {
        self.now += i64::from(s.dt) * SEC;
        let n = self.participants.len();
        let mut actor = self.participants[usize::from(s.actor) % n].clone();
        // Candidates not admitted (in their view) mostly stand aside, so
        // that most steps are acts by members.
        let outsider = self
            .views
            .get(&actor)
            .is_none_or(|v| v.membership().get(&actor).is_none());
        if outsider && s.learn_from.is_none() && !s.choice.is_multiple_of(4) {
            actor = self.participants[usize::from(s.actor) % self.founders].clone();
        }
        if let Some(from) = s.learn_from {
            let from = self.participants[usize::from(from) % n].clone();
            self.learn(&actor, &from);
        }
        let Some(view) = self.views.get(&actor) else {
            return; // a candidate that knows nothing yet
        };
        let Some(act) = self.make(view, &actor, s) else {
            return;
        };
        let view = self.views.get_mut(&actor).unwrap_or_else(|| unreachable!());
        match view.check(&act, self.now, SKEW) {
            Ok(Checked::New(verified)) => {
                assert_eq!(view.apply(verified), Ok(Inserted::New));
                if let Body::KeyRotation { new_card } = &act.body {
                    self.f.generation += 1;
                    let seed = format!("{} generation {}", actor, self.f.generation);
                    assert_eq!(key(&seed).public_key(), new_card.signing_key);
                    self.f.adopt_key(&actor, key(&seed));
                }
                self.run_accepted.push(act);
            }
            Ok(Checked::AlreadyKnown) => {}
            Err(e) => self.run_refused.push((act, e)),
        }
    }

    /// A random act by `actor` on its view's heads. Subjects and proposals
    /// are mostly chosen to fit (so that decisions happen), sometimes not
    /// (so that refusals happen).
    fn make(&self, view: &Ledger, actor: &str, s: &Step) -> Option<Act> {
        let membership = view.membership();
        let pick = |fits: &dyn Fn(Standing) -> bool| -> String {
            let all: Vec<&str> = membership.members().map(|m| m.name()).collect();
            let fitting: Vec<&str> = membership
                .members()
                .filter(|m| m.name() != actor && fits(m.standing))
                .map(|m| m.name())
                .collect();
            let from = if fitting.is_empty() || s.choice.is_multiple_of(8) {
                &all
            } else {
                &fitting
            };
            from[usize::from(s.target) % from.len()].to_owned()
        };
        let deadline = self.now + (i64::from(s.target % 4) + 1) * 60 * SEC;
        let draft = self.f.draft(view, actor, self.now);
        let vote = || {
            let proposals: Vec<&Proposal> = view.proposals().collect();
            let open: Vec<&Proposal> = proposals
                .iter()
                .copied()
                .filter(|p| p.outcome == Outcome::Open && p.votes.iter().all(|v| v.voter != actor))
                .collect();
            let p = if open.is_empty() || s.choice.is_multiple_of(8) {
                proposals.get(usize::from(s.target) % proposals.len().max(1))?
            } else {
                open[usize::from(s.target) % open.len()]
            };
            let choice = [
                Choice::Yes,
                Choice::Yes,
                Choice::Yes,
                Choice::No,
                Choice::Abstain,
            ][usize::from(s.choice % 5)];
            draft.vote(p.act, choice).ok()
        };
        let someone_suspended = membership
            .members()
            .any(|m| m.standing == Standing::Suspended);
        let act = match s.kind {
            1 | 3 if someone_suspended => {
                let member = pick(&|st| st == Standing::Suspended);
                draft.propose(Action::Reinstate { member }, "reinstate", deadline)
            }
            0 | 1 => {
                // Candidates are made in `run` (they need the fixture
                // mutably); here, admit the latest one.
                let name = format!("cand-{}", self.candidates.checked_sub(1)?);
                let card = self.f.keys.get(&name).map(|k| card_with(&name, k, &name))?;
                draft.propose(Action::Admit { card }, "admit", deadline)
            }
            2 => {
                let member = pick(&|st| st == Standing::Good);
                draft.propose(Action::Suspend { member }, "suspend", deadline)
            }
            3 => {
                // Nobody to reinstate: try anyway (refused).
                let member = pick(&|st| st == Standing::Suspended);
                draft.propose(Action::Reinstate { member }, "reinstate", deadline)
            }
            4 => {
                let member = pick(&|st| matches!(st, Standing::Good | Standing::Suspended));
                draft.propose(Action::Expel { member }, "expel", deadline)
            }
            5 => {
                let rules = Rules {
                    admission: admission(s.choice),
                    withdrawal_notice_seconds: u64::from(s.choice % 2) * 30,
                };
                draft.propose(Action::Amend { rules }, "amend", deadline)
            }
            16 if s.choice.is_multiple_of(3) => draft.withdraw(),
            18 | 19 if s.choice.is_multiple_of(2) => return vote(),
            6..=16 => return vote(),
            17 => {
                let seed = format!("{} generation {}", actor, self.f.generation + 1);
                let new_key = key(&seed);
                draft.rotate_key(&new_key, card_with(actor, &new_key, &seed))
            }
            18 => {
                // A forgery: signed by a key that is not the author's.
                let mut act = draft.withdraw().ok()?;
                act.signatures.author = key("forger").sign(&act.signed_bytes().ok()?);
                Ok(act)
            }
            _ => {
                // A vote on a proposal it claims not to know.
                let p = view.proposals().next()?.act;
                let blind = self
                    .f
                    .draft_on(vec![ActHash::root(&self.f.cw)], actor, self.now);
                blind.vote(p, Choice::Yes)
            }
        };
        act.ok()
    }
}

fn run(founders: usize, rules: Rules, steps: &[Step]) -> Run {
    let mut sim = Sim::new(founders, rules);
    for s in steps {
        if s.kind == 0 {
            // A fresh candidate, who may later learn a member's view.
            let name = format!("cand-{}", sim.candidates);
            sim.f.candidate(&name);
            sim.candidates += 1;
            sim.participants.push(name);
        }
        sim.step(s);
    }
    Run {
        f: sim.f,
        accepted: sim.run_accepted,
        refused: sim.run_refused,
        now: sim.now,
    }
}

/// A random order of `acts` that keeps parents before children.
fn topological_shuffle(acts: &[Act], rng: &mut Rng) -> Vec<Act> {
    let mut pending: Vec<(ActHash, Act)> = acts
        .iter()
        .map(|a| (a.hash().unwrap(), a.clone()))
        .collect();
    let mut placed = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    while !pending.is_empty() {
        let ready: Vec<usize> = (0..pending.len())
            .filter(|&i| {
                pending[i]
                    .1
                    .parents
                    .iter()
                    .all(|p| placed.contains(p) || !pending.iter().any(|(h, _)| h == p))
            })
            .collect();
        let (hash, act) = pending.remove(ready[rng.below(ready.len())]);
        placed.insert(hash);
        out.push(act);
    }
    out
}

fn assert_same(reference: &Ledger, other: &Ledger, how: &str) {
    assert_eq!(
        other.membership(),
        reference.membership(),
        "membership ({how})"
    );
    assert_eq!(proposals(other), proposals(reference), "proposals ({how})");
    assert_eq!(other.heads(), reference.heads(), "heads ({how})");
    for (hash, _) in reference.acts() {
        assert_eq!(
            other.membership_at(&hash),
            reference.membership_at(&hash),
            "at {hash} ({how})"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_order_of_the_same_acts_proves_the_same_state(
        founders in 2usize..=5,
        rule in 0u8..3,
        notice in prop_oneof![Just(0u64), Just(30u64)],
        steps in proptest::collection::vec(step(), 1..36),
        seed in any::<u64>(),
    ) {
        let rules = Rules { admission: admission(rule), withdrawal_notice_seconds: notice };
        let r = run(founders, rules, &steps);
        let mut reference = r.f.ledger();
        for act in &r.accepted {
            prop_assert_eq!(reference.insert(act.clone(), r.now, SKEW), Ok(Inserted::New));
        }
        for (act, why) in &r.refused {
            let again = reference.check(act, r.now, SKEW).err();
            prop_assert_eq!(again.as_ref(), Some(why));
        }
        let mut rng = Rng(seed | 1);
        for _ in 0..2 {
            let mut ledger = r.f.ledger();
            for act in topological_shuffle(&r.accepted, &mut rng) {
                prop_assert_eq!(ledger.insert(act, r.now, SKEW), Ok(Inserted::New));
            }
            assert_same(&reference, &ledger, "parents first");
        }
        let mut shuffled = r.accepted.clone();
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i + 1));
        }
        let mut ledger = r.f.ledger();
        let mut buffer = OrphanBuffer::new();
        for act in &shuffled {
            let offered = buffer.offer(&mut ledger, act.clone(), r.now, SKEW);
            prop_assert!(offered.is_ok(), "{:?}", offered);
        }
        prop_assert!(buffer.is_empty());
        assert_same(&reference, &ledger, "any order, buffered");
        // Duplicates included: replays change nothing.
        shuffled.extend(r.accepted.iter().take(3).cloned());
        let replayed = replay(r.f.agreement.clone(), shuffled, EndpointPolicy::HttpsOnly);
        prop_assert!(replayed.is_ok(), "{:?}", replayed.err());
        assert_same(&reference, &replayed.unwrap_or(reference.clone()), "replay");
    }
}

/// Long councils: hundreds of acts, so that the ledger's checkpoints (see
/// [`timeline`](super::timeline)) are made, dropped and used; every insert
/// is checked against the fold from the founding state (`cross_check_*`).
#[test]
fn long_councils_prove_the_same_state_in_any_order() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for round in 0..2 {
        let steps: Vec<Step> = (0..300)
            .map(|_| Step {
                actor: rng.below(256) as u8,
                learn_from: (rng.below(5) < 2).then(|| rng.below(256) as u8),
                // Few departures (expulsions, withdrawals), so that the
                // council lives long.
                kind: match rng.below(20) as u8 {
                    4 | 16 if rng.below(4) != 0 => 6,
                    kind => kind,
                },
                target: rng.below(256) as u8,
                choice: rng.below(256) as u8,
                dt: rng.below(12) as u8,
            })
            .collect();
        let rules = Rules {
            admission: admission(round),
            withdrawal_notice_seconds: 30 * u64::from(round % 2),
        };
        let r = run(5, rules, &steps);
        assert!(r.accepted.len() > 120, "{}", r.accepted.len());
        let mut reference = r.f.ledger();
        for act in &r.accepted {
            reference.insert(act.clone(), r.now, SKEW).unwrap();
        }
        let mut ledger = r.f.ledger();
        for act in topological_shuffle(&r.accepted, &mut rng) {
            assert_eq!(ledger.insert(act, r.now, SKEW), Ok(Inserted::New));
        }
        assert_same(&reference, &ledger, "long, parents first");
        let mut shuffled = r.accepted.clone();
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i + 1));
        }
        let replayed = replay(r.f.agreement.clone(), shuffled, EndpointPolicy::HttpsOnly).unwrap();
        assert_same(&reference, &replayed, "long, replay");
    }
}

/// The generator reaches the interesting cases (a guard against a
/// property that holds because nothing happens).
#[test]
fn random_scenarios_exercise_every_kind_of_act_and_outcome() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    // Adopted and applied: admit, suspend, reinstate, expel, amend; then
    // rejected, void, withdrawn, rotations, refusals, uncounted votes.
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for _ in 0..40 {
        let steps: Vec<Step> = (0..30)
            .map(|_| Step {
                actor: rng.below(256) as u8,
                learn_from: (rng.below(5) < 3).then(|| rng.below(256) as u8),
                kind: rng.below(20) as u8,
                target: rng.below(256) as u8,
                choice: rng.below(256) as u8,
                dt: rng.below(12) as u8,
            })
            .collect();
        let rules = Rules {
            admission: admission(rng.below(3) as u8),
            withdrawal_notice_seconds: 30 * (rng.below(2) as u64),
        };
        let r = run(2 + rng.below(4), rules, &steps);
        let mut ledger = r.f.ledger();
        for act in &r.accepted {
            ledger.insert(act.clone(), r.now, SKEW).unwrap();
            if matches!(act.body, Body::KeyRotation { .. }) {
                *seen.entry("rotation").or_default() += 1;
            }
        }
        *seen.entry("refused").or_default() += r.refused.len();

        for p in ledger.proposals() {
            let outcome = match &p.outcome {
                Outcome::Adopted {
                    effect: Effect::Applied,
                    ..
                } => p.action.verb(),
                Outcome::Adopted {
                    effect: Effect::Void(_),
                    ..
                } => "void",
                Outcome::Rejected { .. } => "rejected",
                Outcome::Open => "open",
            };
            *seen.entry(outcome).or_default() += 1;
            let uncounted = p.votes.iter().filter(|v| !v.counted.is_counted()).count();
            *seen.entry("uncounted").or_default() += uncounted;
        }
        for m in ledger.membership().members() {
            if m.standing == Standing::Withdrawn {
                *seen.entry("withdrawn").or_default() += 1;
            }
        }
    }
    let wanted = [
        "admit",
        "suspend",
        "reinstate",
        "expel",
        "amend",
        "rejected",
        "open",
        "withdrawn",
        "rotation",
        "refused",
        "uncounted",
    ];
    assert!(
        wanted.iter().all(|w| seen.get(w).is_some_and(|&n| n > 0)),
        "{seen:?}"
    );
}
