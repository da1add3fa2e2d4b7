//! Unit tests: the laws of form and each refusal of the laws of acceptance.

use super::testkit::*;
use super::*;
use crate::federation::{Admission, EndpointPolicy, FormatError, Standing};

const ABC: [&str; 3] = ["cert-a", "cert-b", "cert-c"];

fn abc() -> Fixture {
    Fixture::new(&ABC, rules(Admission::Unanimity, 0))
}

fn suspend(member: &str) -> Action {
    Action::Suspend {
        member: member.into(),
    }
}

// ---- laws of form ----

#[test]
fn an_act_round_trips_and_its_hash_ignores_signatures_and_member_order() {
    let f = abc();
    let ledger = f.ledger();
    let act = f.draft(&ledger, "cert-a", T0).withdraw().unwrap();
    let json = serde_json::to_string(&act).unwrap();
    assert!(
        json.starts_with(r#"{"v":1,"type":"liaison-act","commonwealth":""#),
        "{json}"
    );
    assert!(json.contains(r#""body":{"kind":"withdrawal"}"#), "{json}");
    assert!(!json.contains("new_key"), "{json}");
    assert_eq!(Act::from_json(&json).unwrap(), act);
    // Another member order and pretty printing: the same act, the same hash.
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    assert_eq!(Act::from_json(&pretty).unwrap().hash(), act.hash());
    value["signatures"]["author"] =
        serde_json::Value::from(f.keys["cert-b"].sign(b"other").to_b64());
    let resigned: Act = serde_json::from_value(value).unwrap();
    assert_eq!(resigned.hash().unwrap(), act.hash().unwrap());
    assert_eq!(act.hash().unwrap().to_hex().len(), 64);
    assert_eq!(ActHash::parse(&act.hash().unwrap().to_hex()), act.hash());
    assert_eq!(ledger.heads(), vec![ActHash::root(&f.cw)]);
    assert_eq!(act.parents, vec![ActHash::root(&f.cw)]);
}

#[test]
fn malformed_acts_are_refused_by_form() {
    let f = abc();
    let ledger = f.ledger();
    let act = f.draft(&ledger, "cert-a", T0).withdraw().unwrap();
    let json = serde_json::to_value(&act).unwrap();
    let with = |path: &[&str], v: serde_json::Value| {
        let mut j = json.clone();
        let mut at = &mut j;
        for p in &path[..path.len() - 1] {
            at = &mut at[*p];
        }
        at[path[path.len() - 1]] = v;
        Act::from_json(&j.to_string()).unwrap_err()
    };
    assert!(matches!(
        with(&["extra"], 1.into()),
        LedgerError::Format(FormatError::Shape(_))
    ));
    assert!(matches!(
        with(&["body", "extra"], 1.into()),
        LedgerError::Format(FormatError::Shape(_))
    ));
    assert_eq!(
        with(&["v"], 2.into()),
        LedgerError::Format(FormatError::UnsupportedVersion { found: 2 })
    );
    assert!(matches!(
        with(&["type"], "liaison-receipt".into()),
        LedgerError::Format(FormatError::WrongType { .. })
    ));
    assert!(matches!(
        with(&["body", "kind"], "coronation".into()),
        LedgerError::Format(FormatError::Shape(_))
    ));
    assert_eq!(
        with(&["created"], "2025-06-15T15:06:40Z".into()).to_string(),
        "act: created must be a UTC timestamp with six fractional digits (YYYY-MM-DDTHH:MM:SS.ssssssZ)"
    );
    assert_eq!(
        with(&["parents"], serde_json::json!([])).to_string(),
        "act: parents must name 1 to 1000 acts"
    );
    let (lo, hi) = ("0".repeat(64), "f".repeat(64));
    assert_eq!(
        with(&["parents"], serde_json::json!([hi, lo])).to_string(),
        "act: parents must be distinct and in ascending order"
    );
    assert!(
        with(&["parents"], serde_json::json!([lo.clone(), lo]))
            .to_string()
            .contains("distinct")
    );
    assert!(matches!(
        with(&["parents"], serde_json::json!(["F".repeat(64)])),
        LedgerError::Format(FormatError::Shape(_))
    ));
    assert!(
        with(&["author"], "Cert-A".into())
            .to_string()
            .starts_with("act: author must match")
    );
    assert_eq!(
        with(
            &["signatures", "new_key"],
            act.signatures.author.to_b64().into()
        )
        .to_string(),
        "act: signatures.new_key is required on a key rotation and forbidden on any other act"
    );
    let duplicated =
        serde_json::to_string(&act)
            .unwrap()
            .replacen('{', r#"{"author":"cert-b","#, 1);
    assert!(matches!(
        Act::from_json(&duplicated),
        Err(LedgerError::Format(FormatError::Json(_)))
    ));
}

#[test]
fn proposals_need_a_later_deadline_and_printable_text() {
    let f = abc();
    let ledger = f.ledger();
    let draft = f.draft(&ledger, "cert-a", T0);
    let err = draft.propose(suspend("cert-b"), "why", T0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "act: body.deadline must be later than the act's creation"
    );
    for text in ["  ", "bell\u{7}", &"x".repeat(MAX_TEXT_CHARS + 1)] {
        assert!(
            draft.propose(suspend("cert-b"), text, T0 + HOUR).is_err(),
            "{text:?}"
        );
    }
    assert!(
        draft
            .propose(suspend("cert-b"), "line\nline", T0 + HOUR)
            .is_ok()
    );
    let notice = rules(Admission::Majority, 1 << 53);
    assert!(
        draft
            .propose(Action::Amend { rules: notice }, "t", T0 + HOUR)
            .is_err()
    );
}

// ---- laws of acceptance: refusals, in the order of the laws ----

#[test]
fn acts_of_another_commonwealth_are_refused() {
    let f = abc();
    let other = Fixture::tagged(&ABC, rules(Admission::Unanimity, 0), "other ");
    let mut ledger = f.ledger();
    let act = other
        .draft(&other.ledger(), "cert-a", T0)
        .withdraw()
        .unwrap();
    assert_eq!(
        refused(&mut ledger, act, T0),
        LedgerError::WrongCommonwealth
    );
}

#[test]
fn acts_from_the_future_are_refused_until_the_clock_catches_up() {
    let f = abc();
    let mut ledger = f.ledger();
    let late = T0 + 301 * SEC;
    let act = f.draft(&ledger, "cert-a", late).withdraw().unwrap();
    let err = refused(&mut ledger, act.clone(), T0);
    assert_eq!(
        err.to_string(),
        "the act is dated 2025-06-15T15:11:41.000000Z, more than 300 s after this node's clock"
    );
    // Within the skew (inclusive) it is fine.
    assert_eq!(ledger.insert(act, T0 + SEC, SKEW), Ok(Inserted::New));
}

#[test]
fn replays_are_idempotent_and_a_replay_with_forged_signatures_is_refused() {
    let f = abc();
    let mut ledger = f.ledger();
    let act = f.draft(&ledger, "cert-a", T0).withdraw().unwrap();
    insert_new(&mut ledger, act.clone(), T0);
    let membership = ledger.membership().clone();
    assert_eq!(
        ledger.insert(act.clone(), T0, SKEW),
        Ok(Inserted::AlreadyKnown)
    );
    let mut forged = act;
    forged.signatures.author = f.keys["cert-b"].sign(b"x");
    assert_eq!(
        ledger.insert(forged, T0, SKEW),
        Err(LedgerError::BadSignature {
            author: "cert-a".into()
        })
    );
    assert_eq!(ledger.membership(), &membership);
    assert_eq!(ledger.len(), 1);
}

#[test]
fn acts_with_unknown_parents_are_refused_naming_them() {
    let f = abc();
    let mut ledger = f.ledger();
    let mut other = f.ledger();
    let first = f.draft(&other, "cert-a", T0).withdraw().unwrap();
    let first_hash = insert_new(&mut other, first, T0);
    let child = f.draft(&other, "cert-b", T0).withdraw().unwrap();
    assert_eq!(ledger.missing_parents(&child), vec![first_hash]);
    let err = refused(&mut ledger, child, T0);
    assert_eq!(
        err,
        LedgerError::MissingParents {
            missing: vec![first_hash]
        }
    );
    assert!(err.to_string().ends_with(&first_hash.to_hex()));
}

#[test]
fn acts_by_non_members_are_refused() {
    let mut f = abc();
    f.candidate("cert-x");
    let mut ledger = f.ledger();
    let act = f.draft(&ledger, "cert-x", T0).withdraw().unwrap();
    assert_eq!(
        refused(&mut ledger, act, T0).to_string(),
        "cert-x is not a member of this commonwealth"
    );
}

#[test]
fn forged_and_tampered_acts_are_refused() {
    let mut f = abc();
    let mut ledger = f.ledger();
    // cert-a's name, an outsider's key.
    let thief = key("thief");
    f.adopt_key("cert-a", thief);
    let forged = f.draft(&ledger, "cert-a", T0).withdraw().unwrap();
    assert_eq!(
        refused(&mut ledger, forged, T0),
        LedgerError::BadSignature {
            author: "cert-a".into()
        }
    );
    // A genuine vote whose choice is changed in transit.
    let f = abc();
    let p = f.propose(&mut ledger, "cert-a", suspend("cert-c"), T0);
    let mut vote = f.draft(&ledger, "cert-b", T0).vote(p, Choice::No).unwrap();
    vote.body = Body::Vote {
        proposal: p,
        choice: Choice::Yes,
    };
    assert_eq!(
        refused(&mut ledger, vote, T0).to_string(),
        "the signature of cert-b does not verify with its key at this act"
    );
}

#[test]
fn suspended_members_may_only_withdraw_or_rotate_and_former_members_nothing() {
    let mut f = abc();
    let mut ledger = f.ledger();
    let p = f.propose(&mut ledger, "cert-a", suspend("cert-c"), T0);
    f.vote(&mut ledger, "cert-b", p, Choice::Yes, T0 + SEC);
    assert_eq!(
        ledger.membership().standing("cert-c"),
        Some(Standing::Suspended)
    );
    let at = T0 + 2 * SEC;
    let proposal = f
        .draft(&ledger, "cert-c", at)
        .propose(suspend("cert-a"), "revenge", at + HOUR)
        .unwrap();
    assert_eq!(
        refused(&mut ledger, proposal, at).to_string(),
        "cert-c is suspended and may not act in the council"
    );
    let vote = f.draft(&ledger, "cert-c", at).vote(p, Choice::No).unwrap();
    assert!(matches!(
        refused(&mut ledger, vote, at),
        LedgerError::NotInGoodStanding { .. }
    ));
    let (card, new_key) = f.next_card("cert-c");
    let rotation = f
        .draft(&ledger, "cert-c", at)
        .rotate_key(&new_key, card)
        .unwrap();
    insert_new(&mut ledger, rotation, at);
    f.adopt_key("cert-c", new_key);
    let withdrawal = f.draft(&ledger, "cert-c", at).withdraw().unwrap();
    insert_new(&mut ledger, withdrawal, at);
    assert_eq!(
        ledger.membership().standing("cert-c"),
        Some(Standing::Withdrawn)
    );
    let again = f.draft(&ledger, "cert-c", at + SEC).withdraw().unwrap();
    assert_eq!(
        refused(&mut ledger, again, at + SEC),
        LedgerError::NotInGoodStanding {
            author: "cert-c".into(),
            standing: Standing::Withdrawn
        }
    );
}

#[test]
fn votes_must_be_on_a_proposal_in_their_causal_past() {
    let f = abc();
    let mut ledger = f.ledger();
    let unknown = ActHash::parse(&"ab".repeat(32)).unwrap();
    let vote = f
        .draft(&ledger, "cert-b", T0)
        .vote(unknown, Choice::Yes)
        .unwrap();
    assert_eq!(
        refused(&mut ledger, vote, T0),
        LedgerError::ProposalNotInPast { proposal: unknown }
    );
    let p = f.propose(&mut ledger, "cert-a", suspend("cert-c"), T0);
    // Known to this node, but the vote claims to know nothing.
    let blind = f
        .draft_on(vec![ActHash::root(&f.cw)], "cert-b", T0)
        .vote(p, Choice::Yes)
        .unwrap();
    assert_eq!(
        refused(&mut ledger, blind, T0),
        LedgerError::ProposalNotInPast { proposal: p }
    );
    let w = f.withdraw(&mut ledger, "cert-c", T0);
    let wrong = f.draft(&ledger, "cert-b", T0).vote(w, Choice::Yes).unwrap();
    assert_eq!(
        refused(&mut ledger, wrong, T0).to_string(),
        format!("the vote is on {w}, which is not a proposal")
    );
}

#[test]
fn admissions_of_existing_names_keys_or_certificates_and_bad_cards_are_refused() {
    let f = abc();
    let mut ledger = f.ledger();
    let admit = |card| Action::Admit { card };
    let propose = |ledger: &mut Ledger, action| {
        let act = f
            .draft(ledger, "cert-a", T0)
            .propose(action, "t", T0 + HOUR)
            .unwrap();
        refused(ledger, act, T0)
    };
    let existing = card_with("cert-b", &key("fresh"), "fresh");
    assert_eq!(
        propose(&mut ledger, admit(existing)),
        LedgerError::AlreadyMember {
            name: "cert-b".into()
        }
    );
    let stolen_key = card_with("cert-x", &f.keys["cert-b"], "fresh");
    assert_eq!(
        propose(&mut ledger, admit(stolen_key)),
        LedgerError::KeyInUse {
            owner: "cert-b".into()
        }
    );
    let same_cert = card_with("cert-x", &key("fresh"), "cert-c");
    assert_eq!(
        propose(&mut ledger, admit(same_cert)),
        LedgerError::CertificateInUse {
            owner: "cert-c".into()
        }
    );
    let mut tampered = card_with("cert-x", &key("fresh"), "fresh");
    tampered.endpoint = "https://evil.example".into();
    assert!(matches!(
        propose(&mut ledger, admit(tampered)),
        LedgerError::Card(_)
    ));
    let plain = crate::federation::MemberCard::create(
        "cert-x",
        "http://x.example",
        &crate::users::hex_sha256(b"x"),
        &key("fresh"),
        EndpointPolicy::AllowHttp,
    )
    .unwrap();
    assert!(
        propose(&mut ledger, admit(plain))
            .to_string()
            .contains("https:// URL")
    );
}

#[test]
fn proposals_must_fit_the_subjects_standing_and_never_target_their_author() {
    let f = abc();
    let mut ledger = f.ledger();
    let attempt = |ledger: &mut Ledger, action| {
        let act = f
            .draft(ledger, "cert-a", T0)
            .propose(action, "t", T0 + HOUR)
            .unwrap();
        refused(ledger, act, T0).to_string()
    };
    assert_eq!(
        attempt(&mut ledger, suspend("cert-z")),
        "cert-z is not a member of this commonwealth"
    );
    assert_eq!(
        attempt(
            &mut ledger,
            Action::Reinstate {
                member: "cert-b".into()
            }
        ),
        "cannot reinstate cert-b: it is good"
    );
    assert_eq!(
        attempt(&mut ledger, suspend("cert-a")),
        "a member cannot propose to suspend itself"
    );
    f.withdraw(&mut ledger, "cert-c", T0);
    assert_eq!(
        attempt(
            &mut ledger,
            Action::Expel {
                member: "cert-c".into()
            }
        ),
        "cannot expel cert-c: it is withdrawn"
    );
}

#[test]
fn notice_of_withdrawal_is_given_once() {
    let f = Fixture::new(&ABC, rules(Admission::Unanimity, 60));
    let mut ledger = f.ledger();
    f.withdraw(&mut ledger, "cert-a", T0);
    let again = f.draft(&ledger, "cert-a", T0 + SEC).withdraw().unwrap();
    assert_eq!(
        refused(&mut ledger, again, T0 + SEC),
        LedgerError::AlreadyWithdrawing {
            author: "cert-a".into()
        }
    );
}

#[test]
fn key_rotations_need_the_authors_new_unused_key_and_both_signatures() {
    let mut f = abc();
    let mut ledger = f.ledger();
    let (card, new_key) = f.next_card("cert-a");
    let draft = f.draft(&ledger, "cert-a", T0);
    let others = card_with("cert-b", &new_key, "b2");
    assert_eq!(
        refused(&mut ledger, draft.rotate_key(&new_key, others).unwrap(), T0).to_string(),
        "the new card of a key rotation by cert-a is the card of cert-b"
    );
    let same = card_with("cert-a", &f.keys["cert-a"], "a2");
    let err = refused(
        &mut ledger,
        draft.rotate_key(&f.keys["cert-a"], same).unwrap(),
        T0,
    );
    assert_eq!(
        err,
        LedgerError::KeyInUse {
            owner: "cert-a".into()
        }
    );
    let bs_key = card_with("cert-a", &f.keys["cert-b"], "a2");
    assert!(matches!(
        refused(
            &mut ledger,
            draft.rotate_key(&f.keys["cert-b"], bs_key).unwrap(),
            T0
        ),
        LedgerError::KeyInUse { .. }
    ));
    let mut unsigned = draft.rotate_key(&new_key, card.clone()).unwrap();
    unsigned.signatures.new_key = Some(key("thief").sign(b"x"));
    assert_eq!(
        refused(&mut ledger, unsigned, T0),
        LedgerError::BadNewKeySignature {
            author: "cert-a".into()
        }
    );
    insert_new(&mut ledger, draft.rotate_key(&new_key, card).unwrap(), T0);
    // Rotating back to a retired key is refused.
    let old_key = std::mem::replace(f.keys.get_mut("cert-a").unwrap(), new_key);
    let back = card_with("cert-a", &old_key, "cert-a");
    let draft = f.draft(&ledger, "cert-a", T0);
    assert_eq!(
        refused(&mut ledger, draft.rotate_key(&old_key, back).unwrap(), T0),
        LedgerError::KeyInUse {
            owner: "cert-a".into()
        }
    );
}

#[test]
fn check_has_no_side_effect_and_apply_takes_what_it_verified() {
    let f = abc();
    let mut ledger = f.ledger();
    let act = f.draft(&ledger, "cert-a", T0).withdraw().unwrap();
    let Checked::New(verified) = ledger.check(&act, T0, SKEW).unwrap() else {
        panic!("new act");
    };
    assert!(ledger.is_empty());
    assert_eq!(verified.hash(), act.hash().unwrap());
    // Verified by one node's ledger, applied to another holding the parents.
    let mut twin = f.ledger();
    assert_eq!(twin.apply(verified.clone()), Ok(Inserted::New));
    assert_eq!(ledger.apply(verified.clone()), Ok(Inserted::New));
    assert_eq!(ledger.apply(verified.clone()), Ok(Inserted::AlreadyKnown));
    assert!(matches!(
        ledger.check(&act, T0, SKEW),
        Ok(Checked::AlreadyKnown)
    ));
    let mut stranger = Fixture::tagged(&ABC, rules(Admission::Unanimity, 0), "x").ledger();
    assert_eq!(
        stranger.apply(verified),
        Err(LedgerError::WrongCommonwealth)
    );
}

#[test]
fn a_ledger_starts_only_from_an_agreement_in_force() {
    let f = abc();
    let mut unsigned = f.agreement.clone();
    unsigned.signatures.remove("cert-b");
    let err = Ledger::new(unsigned.clone(), EndpointPolicy::HttpsOnly).unwrap_err();
    assert_eq!(
        err.to_string(),
        "founding agreement: founder cert-b has not signed"
    );
    let replayed = replay(unsigned, Vec::new(), EndpointPolicy::HttpsOnly).unwrap_err();
    assert_eq!(replayed.act, None);
    assert_eq!(
        replayed.to_string(),
        "founding agreement: founder cert-b has not signed"
    );
}
