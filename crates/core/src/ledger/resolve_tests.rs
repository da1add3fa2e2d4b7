//! Unit tests: the laws of resolution and of the tally.

use super::testkit::*;
use super::*;
use crate::federation::{Admission, EndpointPolicy, Standing};

const ABC: [&str; 3] = ["cert-a", "cert-b", "cert-c"];
const ABCD: [&str; 4] = ["cert-a", "cert-b", "cert-c", "cert-d"];

fn member(name: &str) -> String {
    name.to_owned()
}

fn suspend(name: &str) -> Action {
    Action::Suspend {
        member: member(name),
    }
}

fn amend(admission: Admission) -> Action {
    Action::Amend {
        rules: rules(admission, 0),
    }
}

fn counted(ledger: &Ledger, p: ActHash) -> Vec<(String, Counted)> {
    let proposal = ledger.proposal(&p).unwrap();
    proposal
        .votes
        .iter()
        .map(|v| (v.voter.clone(), v.counted))
        .collect()
}

#[test]
fn quorum_table() {
    let table = |rule| (1..=7).map(|n| quorum(rule, n)).collect::<Vec<_>>();
    assert_eq!(table(Admission::Unanimity), [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(table(Admission::TwoThirds), [1, 2, 2, 3, 4, 4, 5]);
    assert_eq!(table(Admission::Majority), [1, 2, 2, 3, 3, 4, 4]);
}

#[test]
fn the_yes_that_reaches_the_quorum_adopts_and_the_effect_follows_at_once() {
    let mut f = Fixture::new(&ABC, rules(Admission::Unanimity, 0));
    let mut ledger = f.ledger();
    let card = f.candidate("cert-d");
    let p = f.propose(
        &mut ledger,
        "cert-a",
        Action::Admit { card: card.clone() },
        T0,
    );
    let proposal = ledger.proposal(&p).unwrap();
    assert_eq!(proposal.electorate.len(), 3);
    assert_eq!(proposal.quorum(), 3);
    assert_eq!(proposal.tally().yes, 1, "the proposal is its author's yes");
    f.vote(&mut ledger, "cert-b", p, Choice::Yes, T0 + SEC);
    assert_eq!(ledger.proposal(&p).unwrap().outcome, Outcome::Open);
    assert!(ledger.membership().get("cert-d").is_none());
    let deciding = f.vote(&mut ledger, "cert-c", p, Choice::Yes, T0 + 2 * SEC);
    assert_eq!(
        ledger.proposal(&p).unwrap().outcome,
        Outcome::Adopted {
            decided_by: deciding,
            effect: Effect::Applied
        }
    );
    let d = ledger.membership().get("cert-d").unwrap();
    assert_eq!((d.standing, &d.card), (Standing::Good, &card));
    // The newcomer can act at once.
    f.propose(
        &mut ledger,
        "cert-d",
        amend(Admission::Majority),
        T0 + 3 * SEC,
    );
}

#[test]
fn under_unanimity_a_no_or_an_abstention_rejects() {
    for choice in [Choice::No, Choice::Abstain] {
        let f = Fixture::new(&ABC, rules(Admission::Unanimity, 0));
        let mut ledger = f.ledger();
        let p = f.propose(&mut ledger, "cert-a", amend(Admission::Majority), T0);
        let v = f.vote(&mut ledger, "cert-b", p, choice, T0 + SEC);
        assert_eq!(
            ledger.proposal(&p).unwrap().outcome,
            Outcome::Rejected { decided_by: v }
        );
        assert_eq!(ledger.proposal(&p).unwrap().status(T0), Status::Rejected);
        assert_eq!(ledger.membership().rules().admission, Admission::Unanimity);
    }
}

#[test]
fn majority_and_two_thirds_count_only_yes_against_the_whole_electorate() {
    // Four voters: majority and two-thirds both need 3 yes.
    for rule in [Admission::Majority, Admission::TwoThirds] {
        let f = Fixture::new(&ABCD, rules(rule, 0));
        let mut ledger = f.ledger();
        let p = f.propose(&mut ledger, "cert-a", amend(Admission::Unanimity), T0);
        f.vote(&mut ledger, "cert-b", p, Choice::Abstain, T0 + SEC);
        assert_eq!(ledger.proposal(&p).unwrap().outcome, Outcome::Open);
        let v = f.vote(&mut ledger, "cert-c", p, Choice::No, T0 + 2 * SEC);
        assert_eq!(
            ledger.proposal(&p).unwrap().outcome,
            Outcome::Rejected { decided_by: v }
        );
        let tally = ledger.proposal(&p).unwrap().tally();
        assert_eq!(
            (tally.yes, tally.no, tally.abstain, tally.outstanding),
            (1, 1, 1, 1)
        );
    }
    // Three voters: two yes suffice, the third may say no.
    let f = Fixture::new(&ABC, rules(Admission::TwoThirds, 0));
    let mut ledger = f.ledger();
    let p = f.propose(&mut ledger, "cert-a", amend(Admission::Majority), T0);
    f.vote(&mut ledger, "cert-c", p, Choice::No, T0 + SEC);
    f.vote(&mut ledger, "cert-b", p, Choice::Yes, T0 + 2 * SEC);
    assert_eq!(ledger.proposal(&p).unwrap().status(T0), Status::Adopted);
    assert_eq!(ledger.membership().rules().admission, Admission::Majority);
}

#[test]
fn the_electorate_excludes_the_subject_and_is_fixed_at_the_proposal() {
    let mut f = Fixture::new(&ABC, rules(Admission::Unanimity, 0));
    let mut ledger = f.ledger();
    // Suspending cert-c: cert-a and cert-b decide.
    let open = f.propose(&mut ledger, "cert-a", amend(Admission::Majority), T0);
    let s = f.propose(&mut ledger, "cert-a", suspend("cert-c"), T0 + SEC);
    assert_eq!(
        ledger.proposal(&s).unwrap().electorate,
        [member("cert-a"), member("cert-b")].into()
    );
    let card = f.candidate("cert-d");
    let admit = f.propose(&mut ledger, "cert-b", Action::Admit { card }, T0 + 2 * SEC);
    f.vote(&mut ledger, "cert-b", s, Choice::Yes, T0 + 3 * SEC);
    assert_eq!(
        ledger.membership().standing("cert-c"),
        Some(Standing::Suspended)
    );
    // Admission decided by the two in good standing when it was proposed?
    // No: its electorate was fixed while cert-c was still in good standing.
    f.vote(&mut ledger, "cert-a", admit, Choice::Yes, T0 + 4 * SEC);
    assert_eq!(ledger.proposal(&admit).unwrap().outcome, Outcome::Open);
    assert_eq!(ledger.proposal(&admit).unwrap().quorum(), 3);
    // A member admitted later is not in an earlier electorate.
    let f2 = Fixture::new(&["cert-a", "cert-b"], rules(Admission::Unanimity, 0));
    let mut l2 = f2.ledger();
    let mut f2 = f2;
    let card = f2.candidate("cert-d");
    let amendment = f2.propose(&mut l2, "cert-a", amend(Admission::Majority), T0);
    let p = f2.propose(&mut l2, "cert-a", Action::Admit { card }, T0 + SEC);
    f2.vote(&mut l2, "cert-b", p, Choice::Yes, T0 + 2 * SEC);
    f2.vote(&mut l2, "cert-d", amendment, Choice::Yes, T0 + 3 * SEC);
    assert_eq!(
        counted(&l2, amendment),
        [
            (member("cert-a"), Counted::Yes),
            (member("cert-d"), Counted::NotInElectorate)
        ]
    );
    let _ = open;
}

#[test]
fn a_vote_made_before_knowing_of_a_suspension_still_counts() {
    let f = Fixture::new(&ABC, rules(Admission::TwoThirds, 0));
    let mut ledger = f.ledger();
    let p = f.propose(&mut ledger, "cert-a", amend(Admission::Majority), T0);
    let before = ledger.heads();
    // cert-b votes no, cert-c votes yes while the others suspend it
    // (two-thirds of {a, b}: both).
    let s = f.propose(&mut ledger, "cert-a", suspend("cert-c"), T0 + SEC);
    f.vote(&mut ledger, "cert-b", s, Choice::Yes, T0 + 2 * SEC);
    assert_eq!(
        ledger.membership().standing("cert-c"),
        Some(Standing::Suspended)
    );
    let blind = f
        .draft_on(before, "cert-c", T0 + 3 * SEC)
        .vote(p, Choice::Yes)
        .unwrap();
    let v = insert_new(&mut ledger, blind, T0 + 3 * SEC);
    assert_eq!(
        ledger.proposal(&p).unwrap().outcome,
        Outcome::Adopted {
            decided_by: v,
            effect: Effect::Applied
        }
    );
    // Knowing of it, it may no longer vote.
    let informed = f
        .draft(&ledger, "cert-c", T0 + 4 * SEC)
        .vote(s, Choice::No)
        .unwrap();
    assert!(matches!(
        refused(&mut ledger, informed, T0 + 4 * SEC),
        LedgerError::NotInGoodStanding { .. }
    ));
}

#[test]
fn late_repeated_and_superfluous_votes_are_kept_but_not_counted() {
    let f = Fixture::new(&ABCD, rules(Admission::Majority, 0));
    let mut ledger = f.ledger();
    let p = f.propose(&mut ledger, "cert-a", amend(Admission::TwoThirds), T0);
    let first = f.vote(&mut ledger, "cert-b", p, Choice::No, T0 + SEC);
    f.vote(&mut ledger, "cert-b", p, Choice::Yes, T0 + 2 * SEC);
    f.vote(&mut ledger, "cert-a", p, Choice::Yes, T0 + 3 * SEC);
    f.vote(&mut ledger, "cert-c", p, Choice::Yes, T0 + HOUR + SEC);
    assert_eq!(ledger.proposal(&p).unwrap().outcome, Outcome::Open);
    f.vote(&mut ledger, "cert-d", p, Choice::Yes, T0 + HOUR);
    f.vote(&mut ledger, "cert-c", p, Choice::Yes, T0 + HOUR);
    f.vote(&mut ledger, "cert-c", p, Choice::No, T0 + HOUR);
    assert_eq!(
        counted(&ledger, p),
        [
            (member("cert-a"), Counted::Yes),
            (member("cert-b"), Counted::Yes),
            (member("cert-b"), Counted::Repeated { first }),
            (member("cert-a"), Counted::Repeated { first: p }),
            (member("cert-c"), Counted::AfterDeadline),
            (member("cert-d"), Counted::Yes),
            (member("cert-c"), Counted::Yes),
            (
                member("cert-c"),
                Counted::Repeated {
                    first: ledger.proposal(&p).unwrap().votes[6].act
                }
            ),
        ]
    );
    let f = Fixture::new(&ABCD, rules(Admission::Majority, 0));
    let mut ledger = f.ledger();
    let p = f.propose(&mut ledger, "cert-a", amend(Admission::TwoThirds), T0);
    f.vote(&mut ledger, "cert-b", p, Choice::Yes, T0);
    f.vote(&mut ledger, "cert-c", p, Choice::Yes, T0);
    f.vote(&mut ledger, "cert-d", p, Choice::No, T0);
    assert_eq!(
        counted(&ledger, p)[3],
        (member("cert-d"), Counted::AfterDecision)
    );
    assert!(
        Counted::AfterDecision
            .to_string()
            .contains("already decided")
    );
}

#[test]
fn expired_is_only_how_an_open_proposal_is_shown_and_a_late_vote_may_still_decide() {
    let f = Fixture::new(&ABC, rules(Admission::Unanimity, 0));
    let mut ledger = f.ledger();
    let p = f.propose(&mut ledger, "cert-a", amend(Admission::Majority), T0);
    let before_c = ledger.heads();
    f.vote(&mut ledger, "cert-b", p, Choice::Yes, T0 + SEC);
    let proposal = ledger.proposal(&p).unwrap();
    assert_eq!(proposal.status(T0 + HOUR), Status::Open);
    assert_eq!(proposal.status(T0 + HOUR + 1), Status::Expired);
    // cert-c voted in time, offline; its vote arrives two hours later.
    let late = f
        .draft_on(before_c, "cert-c", T0 + 2 * SEC)
        .vote(p, Choice::Yes)
        .unwrap();
    insert_new(&mut ledger, late, T0 + 2 * HOUR);
    assert_eq!(
        ledger.proposal(&p).unwrap().status(T0 + 2 * HOUR),
        Status::Adopted
    );
}

#[test]
fn adopted_proposals_take_effect_in_the_order_of_their_deciding_votes() {
    let mut f = Fixture::new(&["cert-a", "cert-b"], rules(Admission::Unanimity, 0));
    let mut ledger = f.ledger();
    // Two admissions of one name, with different cards, proposed at once.
    let one = f.candidate("cert-d");
    let two = card_with("cert-d", &key("second d"), "second d");
    let root = ledger.heads();
    let p1 = f
        .draft_on(root.clone(), "cert-a", T0)
        .propose(Action::Admit { card: one.clone() }, "one", T0 + HOUR)
        .unwrap();
    let p2 = f
        .draft_on(root, "cert-b", T0)
        .propose(Action::Admit { card: two.clone() }, "two", T0 + HOUR)
        .unwrap();
    let (h1, h2) = (
        insert_new(&mut ledger, p1, T0),
        insert_new(&mut ledger, p2, T0),
    );
    let heads = ledger.heads();
    let v1 = f
        .draft_on(heads.clone(), "cert-b", T0)
        .vote(h1, Choice::Yes)
        .unwrap();
    let v2 = f
        .draft_on(heads, "cert-a", T0)
        .vote(h2, Choice::Yes)
        .unwrap();
    let (d1, d2) = (
        insert_new(&mut ledger, v1, T0),
        insert_new(&mut ledger, v2, T0),
    );
    let (first, winner, loser) = if d1 < d2 {
        (h1, one, h2)
    } else {
        (h2, two, h1)
    };
    let _ = first;
    assert_eq!(ledger.membership().get("cert-d").unwrap().card, winner);
    let Outcome::Adopted { effect, .. } = &ledger.proposal(&loser).unwrap().outcome else {
        panic!("adopted");
    };
    assert_eq!(
        effect,
        &Effect::Void(LedgerError::AlreadyMember {
            name: member("cert-d")
        })
    );
}

#[test]
fn a_withdrawal_takes_effect_once_a_later_act_is_created_after_its_notice() {
    let f = Fixture::new(&ABC, rules(Admission::Unanimity, 60));
    let mut ledger = f.ledger();
    let w = f.withdraw(&mut ledger, "cert-a", T0);
    let pending = ledger
        .membership()
        .get("cert-a")
        .unwrap()
        .withdrawal
        .unwrap();
    assert_eq!((pending.act, pending.effective_micros), (w, T0 + 60 * SEC));
    assert!(ledger.membership().is_in_good_standing("cert-a"));
    assert!(
        !ledger
            .membership()
            .is_in_good_standing_at("cert-a", T0 + 60 * SEC)
    );
    // During the notice, the member still acts.
    let p = f.propose(
        &mut ledger,
        "cert-a",
        amend(Admission::Majority),
        T0 + 30 * SEC,
    );
    assert!(ledger.membership().is_in_good_standing("cert-a"));
    f.vote(&mut ledger, "cert-b", p, Choice::Yes, T0 + 60 * SEC);
    assert_eq!(
        ledger.membership().standing("cert-a"),
        Some(Standing::Withdrawn)
    );
    assert_eq!(ledger.membership().get("cert-a").unwrap().withdrawal, None);
    // Its own act after the notice is refused.
    let act = f
        .draft(&ledger, "cert-a", T0 + 61 * SEC)
        .vote(p, Choice::Yes)
        .unwrap();
    assert!(matches!(
        refused(&mut ledger, act, T0 + 61 * SEC),
        LedgerError::NotInGoodStanding {
            standing: Standing::Withdrawn,
            ..
        }
    ));
}

#[test]
fn expulsion_cancels_a_pending_withdrawal() {
    let f = Fixture::new(&ABC, rules(Admission::Unanimity, 60));
    let mut ledger = f.ledger();
    f.withdraw(&mut ledger, "cert-b", T0);
    let expel = Action::Expel {
        member: member("cert-b"),
    };
    let p = f.propose(&mut ledger, "cert-a", expel, T0 + SEC);
    f.vote(&mut ledger, "cert-c", p, Choice::Yes, T0 + 2 * SEC);
    f.propose(&mut ledger, "cert-a", amend(Admission::Majority), T0 + HOUR);
    let b = ledger.membership().get("cert-b").unwrap();
    assert_eq!((b.standing, b.withdrawal), (Standing::Expelled, None));
}

#[test]
fn amendments_apply_to_later_proposals_and_withdrawals_only() {
    let f = Fixture::new(&ABC, rules(Admission::Unanimity, 0));
    let mut ledger = f.ledger();
    let earlier = f.propose(&mut ledger, "cert-a", suspend("cert-c"), T0);
    let new_rules = rules(Admission::Majority, 3600);
    let p = f.propose(
        &mut ledger,
        "cert-b",
        Action::Amend { rules: new_rules },
        T0 + SEC,
    );
    f.vote(&mut ledger, "cert-a", p, Choice::Yes, T0 + 2 * SEC);
    f.vote(&mut ledger, "cert-c", p, Choice::Yes, T0 + 3 * SEC);
    assert_eq!(ledger.membership().rules(), new_rules);
    assert_eq!(
        ledger.proposal(&earlier).unwrap().admission,
        Admission::Unanimity
    );
    let later = f.propose(&mut ledger, "cert-a", suspend("cert-b"), T0 + 4 * SEC);
    assert_eq!(
        ledger.proposal(&later).unwrap().admission,
        Admission::Majority
    );
    f.withdraw(&mut ledger, "cert-c", T0 + 5 * SEC);
    let pending = ledger
        .membership()
        .get("cert-c")
        .unwrap()
        .withdrawal
        .unwrap();
    assert_eq!(pending.effective_micros, T0 + 5 * SEC + HOUR);
}

#[test]
fn after_a_rotation_the_new_key_signs_and_the_old_key_is_refused() {
    let mut f = Fixture::new(&ABC, rules(Admission::Unanimity, 0));
    let mut ledger = f.ledger();
    let before = ledger.heads();
    let old_key = key("cert-a");
    let (card, new_key) = f.next_card("cert-a");
    let r = f
        .draft(&ledger, "cert-a", T0)
        .rotate_key(&new_key, card.clone())
        .unwrap();
    insert_new(&mut ledger, r, T0);
    assert_eq!(ledger.membership().get("cert-a").unwrap().card, card);
    assert_eq!(
        ledger.membership().get("cert-a").unwrap().key(),
        new_key.public_key()
    );
    let stale = f.draft(&ledger, "cert-a", T0 + SEC).withdraw().unwrap();
    assert_eq!(
        refused(&mut ledger, stale, T0 + SEC),
        LedgerError::BadSignature {
            author: member("cert-a")
        }
    );
    // An act that does not know of the rotation is judged by its past.
    let concurrent = f.draft_on(before, "cert-a", T0 + SEC);
    let act = concurrent
        .propose(amend(Admission::Majority), "t", T0 + HOUR)
        .unwrap();
    insert_new(&mut ledger, act, T0 + SEC);
    f.adopt_key("cert-a", new_key);
    assert_eq!(old_key.public_key(), f.agreement.founders[0].signing_key);
    f.withdraw(&mut ledger, "cert-a", T0 + 2 * SEC);
}

#[test]
fn membership_at_an_act_is_computed_from_its_past() {
    let f = Fixture::new(&ABC, rules(Admission::Unanimity, 0));
    let mut ledger = f.ledger();
    let s = f.propose(&mut ledger, "cert-a", suspend("cert-c"), T0);
    let v = f.vote(&mut ledger, "cert-b", s, Choice::Yes, T0 + SEC);
    let root = ActHash::root(&f.cw);
    assert_eq!(
        ledger.membership_at(&root).unwrap().standing("cert-c"),
        Some(Standing::Good)
    );
    assert_eq!(
        ledger.membership_at(&s).unwrap().standing("cert-c"),
        Some(Standing::Good)
    );
    assert_eq!(
        ledger.membership_at(&v).unwrap().standing("cert-c"),
        Some(Standing::Suspended)
    );
    assert_eq!(&ledger.membership_at(&v).unwrap(), ledger.membership());
    assert_eq!(
        ledger.membership_at(&ActHash::parse(&"0".repeat(64)).unwrap()),
        None
    );
}

#[test]
fn heads_are_the_acts_nothing_builds_on() {
    let f = Fixture::new(&ABC, rules(Admission::Unanimity, 0));
    let mut ledger = f.ledger();
    let root = ledger.heads();
    let a = insert_new(
        &mut ledger,
        f.draft_on(root.clone(), "cert-a", T0).withdraw().unwrap(),
        T0,
    );
    let b = insert_new(
        &mut ledger,
        f.draft_on(root, "cert-b", T0).withdraw().unwrap(),
        T0,
    );
    let mut both = vec![a, b];
    both.sort();
    assert_eq!(ledger.heads(), both);
    let c = f.withdraw(&mut ledger, "cert-c", T0);
    assert_eq!(ledger.heads(), vec![c]);
    assert_eq!(ledger.get(&c).unwrap().parents, both);
    let order: Vec<ActHash> = ledger.acts().map(|(h, _)| h).collect();
    assert_eq!(order, [both[0], both[1], c]);
}

#[test]
fn replay_accepts_any_order_and_names_the_act_that_breaks_the_ledger() {
    let f = Fixture::new(&ABC, rules(Admission::Unanimity, 0));
    let mut ledger = f.ledger();
    let s = f.propose(&mut ledger, "cert-a", suspend("cert-c"), T0);
    f.vote(&mut ledger, "cert-b", s, Choice::Yes, T0 + SEC);
    let w = f.withdraw(&mut ledger, "cert-b", T0 + 2 * SEC);
    let mut acts: Vec<Act> = ledger.acts().map(|(_, a)| a.clone()).collect();
    acts.reverse();
    acts.push(acts[0].clone());
    let policy = EndpointPolicy::HttpsOnly;
    let replayed = replay(f.agreement.clone(), acts.clone(), policy).unwrap();
    assert_eq!(replayed.membership(), ledger.membership());
    assert_eq!(replayed.heads(), ledger.heads());
    let mut forged = ledger.get(&w).unwrap().clone();
    forged.signatures.author = key("thief").sign(b"w");
    let mut broken = acts.clone();
    broken[0] = forged;
    let err = verify_all(f.agreement.clone(), broken, policy).unwrap_err();
    assert_eq!(err.act, Some(w));
    assert_eq!(
        err.to_string(),
        format!("act {w}: the signature of cert-b does not verify with its key at this act")
    );
    let orphaned: Vec<Act> = acts
        .iter()
        .filter(|a| a.hash().unwrap() != s)
        .cloned()
        .collect();
    let err = verify_all(f.agreement.clone(), orphaned, policy).unwrap_err();
    assert_eq!(err.reason, LedgerError::MissingParents { missing: vec![s] });
}

#[test]
fn the_orphan_buffer_keeps_children_until_their_parents_arrive() {
    let f = Fixture::new(&ABC, rules(Admission::Unanimity, 0));
    let mut source = f.ledger();
    let s = f.propose(&mut source, "cert-a", suspend("cert-c"), T0);
    let v = f.vote(&mut source, "cert-b", s, Choice::Yes, T0 + SEC);
    let mut ledger = f.ledger();
    let mut buffer = OrphanBuffer::new();
    let vote = source.get(&v).unwrap().clone();
    assert_eq!(
        buffer.offer(&mut ledger, vote, T0, SKEW),
        Ok(Offer::Buffered { missing: vec![s] })
    );
    assert_eq!((buffer.len(), buffer.missing(&ledger)), (1, vec![s]));
    let proposal = source.get(&s).unwrap().clone();
    assert_eq!(
        buffer.offer(&mut ledger, proposal, T0, SKEW),
        Ok(Offer::Inserted {
            released: vec![(v, Ok(Inserted::New))]
        })
    );
    assert!(buffer.is_empty());
    assert_eq!(ledger.membership(), source.membership());
}
