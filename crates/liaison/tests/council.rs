//! The council with real node processes: admission by vote and joining,
//! quorum rules, suspension, forged and out-of-standing votes, withdrawal,
//! catching up after a whole vote offline, key rotation — each through the
//! `liaison` binary, and `liaison ledger verify` proving the same
//! membership on every node.

#[path = "council/kit.rs"]
mod kit;
mod support;

use kit::*;
use liaison_core::clock::{Clock, SystemClock};
use liaison_core::federation::CommonwealthId;
use serde_json::{Value, json};
use support::commonwealth::{Commonwealth, wait_until};
use support::node::{indicator, indicator_id};

const B: &str = "cert-b";
const C: &str = "cert-c";
const D: &str = "cert-d";

#[test]
fn three_founders_admit_a_fourth_by_vote_and_then_one_withdraws() {
    let cw = Commonwealth::found(&[A, B, C]);
    let mut d = Candidate::init(&cw, D);
    // Shared before D is a member.
    cw.share_ok(A, &[indicator(100)], "all");

    // A proposes; B and C vote yes: unanimity of A, B, C.
    let card = path(&d.card);
    let out = cw.cli_ok(
        A,
        &[
            "council",
            "propose",
            "admit",
            "--card",
            &card,
            "--text",
            "Admit D",
            "--deadline",
            "1h",
        ],
    );
    let p = first_hash(&out, "proposal");
    assert!(out.contains("admit cert-d"), "{out}");
    for voter in [B, C] {
        wait_for_proposal(&cw, voter, &p);
        cw.cli_ok(voter, &["council", "vote", &p[..8], "yes"]);
    }
    for name in [A, B, C] {
        wait_until(
            &format!("{name} sees the admission adopted"),
            timeout(),
            || proposal(&cw, name, &p)["status"] == "adopted",
        );
    }
    let listed = proposal(&cw, A, &p);
    assert_eq!(listed["electorate"], json!([A, B, C]));
    assert_eq!(
        (listed["quorum"].as_u64(), listed["yes"].as_u64()),
        (Some(3), Some(3))
    );

    // A exports the ledger; D joins with it and starts.
    let ledger = cw.dir().join("ledger.json");
    cw.cli_ok(A, &["ledger", "export", "--out", &path(&ledger)]);
    let node = d.join_and_start(cw.agreement_path(), &ledger);
    assert_eq!(standing_at(&cw, A, D), "good");

    // New shares to all reach D, as the others.
    cw.share_ok(A, &[indicator(1)], "all");
    wait_until("D receives A's share", timeout(), || {
        inbound_ids(&cw, &node, A).contains(&indicator_id(1))
    });
    wait_until("B and C receive it", timeout(), || {
        [B, C]
            .iter()
            .all(|n| cw.inbound_ids(n, A).contains(&indicator_id(1)))
    });

    // C withdraws: the others learn it; C gets nothing new.
    let out = cw.cli_ok(C, &["member", "withdraw"]);
    assert!(out.starts_with("withdrawal "), "{out}");
    for name in [A, B] {
        wait_until(&format!("{name} sees C withdrawn"), timeout(), || {
            standing_at(&cw, name, C) == "withdrawn"
        });
    }
    cw.share_ok(A, &[indicator(2)], "all");
    wait_until("B and D receive the next share", timeout(), || {
        cw.inbound_ids(B, A).contains(&indicator_id(2))
            && inbound_ids(&cw, &node, A).contains(&indicator_id(2))
    });
    let status = cw.status(A, &indicator_id(2));
    let recipients: Vec<&str> = status["versions"][0]["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["recipient"].as_str().unwrap())
        .collect();
    assert_eq!(recipients, [B, D], "{status}");
    assert!(!cw.inbound_ids(C, A).contains(&indicator_id(2)));
    // What C already received stays its own.
    assert!(cw.inbound_ids(C, A).contains(&indicator_id(1)));

    // C's node shares nothing more, and its requests are refused.
    let run = cw.share(C, &[indicator(3)], "all");
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("this member is withdrawn"), "{run:#?}");
    // Nor does it accept or react to what it holds: nobody would hear it.
    let run = cw.cli(C, &["accept", &indicator_id(1)]);
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(
        run.stderr
            .contains("this member is withdrawn: it accepts nothing more"),
        "{run:#?}"
    );
    let run = cw.cli(C, &["react", &indicator_id(1), "--kind", "blocked"]);
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("it reacts to nothing more"), "{run:#?}");
    let (status, answer) = push(&cw, C, A, &cw.signing_key(C), &envelope(&[]));
    assert_eq!(status, 403, "{answer}");
    assert_eq!(answer["error_code"], "not-in-good-standing");
    assert!(
        answer["description"]
            .as_str()
            .unwrap()
            .contains("cert-c is withdrawn")
    );

    // Every node proves the same membership.
    let proofs: Vec<String> = [A, B, C]
        .iter()
        .map(|n| verify(cw.node(n)))
        .chain([verify(&node)])
        .collect();
    assert!(proofs.iter().all(|p| *p == proofs[0]), "{proofs:#?}");
    assert!(proofs[0].contains("cert-d"), "{}", proofs[0]);
}

#[test]
fn one_no_rejects_under_unanimity_passes_under_two_thirds_and_a_suspended_member_is_not_heard() {
    let cw = Commonwealth::found(&[A, B, C, D]);

    // Unanimity (the default): B's "no" rejects at once.
    let suspend_d = [
        "council",
        "propose",
        "suspend",
        D,
        "--text",
        "Suspend D",
        "--deadline",
        "1h",
    ];
    let p1 = first_hash(&cw.cli_ok(A, &suspend_d), "proposal");
    wait_for_proposal(&cw, B, &p1);
    cw.cli_ok(B, &["council", "vote", &p1, "no"]);
    wait_until("A sees it rejected", timeout(), || {
        proposal(&cw, A, &p1)["status"] == "rejected"
    });

    // Amend the rules to two-thirds, unanimously.
    let p2 = first_hash(
        &cw.cli_ok(
            A,
            &[
                "council",
                "propose",
                "amend",
                "--admission",
                "two-thirds",
                "--text",
                "2/3",
            ],
        ),
        "proposal",
    );
    for voter in [B, C, D] {
        wait_for_proposal(&cw, voter, &p2);
        cw.cli_ok(voter, &["council", "vote", &p2, "yes"]);
    }
    wait_until("the amendment is adopted at A", timeout(), || {
        proposal(&cw, A, &p2)["status"] == "adopted"
    });

    // Two-thirds: the same proposal with B's "no" passes (A, C of A, B, C).
    let p3 = first_hash(&cw.cli_ok(A, &suspend_d), "proposal");
    assert_eq!(proposal(&cw, A, &p3)["rule"], "two-thirds");
    for (voter, choice) in [(B, "no"), (C, "yes")] {
        wait_for_proposal(&cw, voter, &p3);
        cw.cli_ok(voter, &["council", "vote", &p3, choice]);
    }
    for name in [A, B, C] {
        wait_until(&format!("{name} sees D suspended"), timeout(), || {
            standing_at(&cw, name, D) == "suspended"
        });
    }
    let listed = proposal(&cw, A, &p3);
    assert_eq!(
        (listed["yes"].as_u64(), listed["no"].as_u64()),
        (Some(2), Some(1))
    );

    // A vote by D (its own key, knowing of its suspension), relayed by B:
    // refused with the reason.
    let id = CommonwealthId::parse(cw.id()).unwrap();
    let heads = heads_now(&cw, A);
    let d_key = cw.signing_key(D);
    let vote = act_vote(&id, D, &d_key, heads.clone(), &p2);
    let reason = refused_act(&cw, B, A, &vote);
    assert!(
        reason.contains("cert-d is suspended and may not act in the council"),
        "{reason}"
    );
    // A forged vote: C's name, B's key.
    let forged = act_vote(&id, C, &cw.signing_key(B), heads, &p2);
    let reason = refused_act(&cw, B, A, &forged);
    assert!(
        reason.contains("signature of cert-c does not verify"),
        "{reason}"
    );
    // D's own requests are refused before anything is read.
    let (status, answer) = push(&cw, D, A, &d_key, &envelope(&[]));
    assert_eq!(
        (status, &answer["error_code"]),
        (403, &json!("not-in-good-standing"))
    );
    assert!(
        answer["description"]
            .as_str()
            .unwrap()
            .contains("cert-d is suspended")
    );

    // Refusals for reasons that pass are no receipts: an act and an object
    // dated ten minutes ahead of A's clock are put off (B will retry them),
    // and nothing of them is stored.
    let ahead = SystemClock.now_micros() + 600_000_000;
    let future_vote = act_vote_at(&id, B, &cw.signing_key(B), heads_now(&cw, A), &p2, ahead);
    let (status, answer) = push(&cw, B, A, &cw.signing_key(B), &envelope(&[&future_vote]));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["receipts"], json!(null), "{answer}");
    let reason = answer["deferred"]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("after this node's clock"), "{answer}");
    let body = object_envelope(&cw, B, A, &indicator(30), ahead);
    let (status, answer) = push(&cw, B, A, &cw.signing_key(B), &body);
    assert_eq!(
        (status, &answer["receipts"]),
        (200, &json!(null)),
        "{answer}"
    );
    assert!(answer["deferred"]["message"].is_string(), "{answer}");
    let store = cw.store(A);
    assert_eq!(
        cw.block_on(store.origin_of(&indicator_id(30))).unwrap(),
        None
    );
    let acts = cw.block_on(store.acts()).unwrap();
    assert!(!acts.iter().any(|a| a.json == future_vote));

    // Shares to all no longer reach D.
    cw.share_ok(A, &[indicator(3)], "all");
    wait_until("B and C receive it", timeout(), || {
        [B, C]
            .iter()
            .all(|n| cw.inbound_ids(n, A).contains(&indicator_id(3)))
    });
    assert!(!cw.inbound_ids(D, A).contains(&indicator_id(3)));

    // A, B and C prove the same membership (D's ledger lacks the vote
    // that suspended it: it is sent nothing more).
    let proofs: Vec<String> = [A, B, C].iter().map(|n| verify(cw.node(n))).collect();
    assert!(proofs.iter().all(|p| *p == proofs[0]), "{proofs:#?}");
    assert!(proofs[0].contains("admission two-thirds"), "{}", proofs[0]);
    assert!(!verify(cw.node(D)).contains("suspended"));

    // Reinstated, D is sent the deciding vote; it builds on acts D lacks,
    // so D puts it off, pulls the ledger, and takes it on the retry.
    let args = [
        "council",
        "propose",
        "reinstate",
        D,
        "--text",
        "Back",
        "--deadline",
        "1h",
    ];
    let p4 = first_hash(&cw.cli_ok(A, &args), "proposal");
    wait_for_proposal(&cw, C, &p4);
    cw.cli_ok(C, &["council", "vote", &p4, "yes"]);
    wait_until("D catches up", timeout(), || {
        standing_at(&cw, D, D) == "good" && proposal(&cw, D, &p4)["status"] == "adopted"
    });
    let proofs: Vec<String> = [A, B, C, D].iter().map(|n| verify(cw.node(n))).collect();
    assert!(proofs.iter().all(|p| *p == proofs[0]), "{proofs:#?}");
    cw.share_ok(A, &[indicator(4)], "all");
    wait_until("D receives shares again", timeout(), || {
        cw.inbound_ids(D, A).contains(&indicator_id(4))
    });
}

#[test]
fn a_node_offline_during_a_whole_vote_catches_up_and_a_rotated_key_is_refused() {
    let mut cw = Commonwealth::found(&[A, B, C]);
    let p1 = amend(&cw, "two-thirds", "0");
    for voter in [B, C] {
        wait_for_proposal(&cw, voter, &p1);
        cw.cli_ok(voter, &["council", "vote", &p1, "yes"]);
    }
    for name in [A, B, C] {
        wait_until(&format!("{name} adopts two-thirds"), timeout(), || {
            proposal(&cw, name, &p1)["status"] == "adopted"
        });
    }

    // C is down for the whole of the next vote (A and B suffice).
    cw.node_mut(C).terminate();
    let p2 = amend(&cw, "majority", "60");
    wait_for_proposal(&cw, B, &p2);
    cw.cli_ok(B, &["council", "vote", &p2, "yes"]);
    wait_until("A adopts it", timeout(), || {
        proposal(&cw, A, &p2)["status"] == "adopted"
    });
    cw.node_mut(C).restart();
    wait_until("C catches up", timeout(), || {
        proposal(&cw, C, &p2)["status"] == "adopted"
    });
    let proofs: Vec<String> = [A, B, C].iter().map(|n| verify(cw.node(n))).collect();
    assert!(proofs.iter().all(|p| *p == proofs[0]), "{proofs:#?}");
    assert!(proofs[0].contains("admission majority, withdrawal notice 60 s"));
    // What A and B then push to C it holds already: stored, not refused.
    wait_until("A's queue to C drains", timeout(), || {
        cw.federation(A)["peers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["pending"] == 0)
    });
    assert_eq!(cw.log_events(C, "message refused"), Vec::<Value>::new());

    // B rotates its key; once A has the rotation, B's old key is refused.
    let old_key = cw.signing_key(B);
    let out = cw.cli_ok(B, &["member", "rotate-key"]);
    assert!(out.starts_with("key-rotation "), "{out}");
    let new_key = cw.card(B).signing_key.to_b64();
    assert_ne!(new_key, old_key.public_key().to_b64());
    for name in [A, C] {
        wait_until(&format!("{name} knows B's new key"), timeout(), || {
            member_at(&cw, name, B)["signing_key"] == new_key.as_str()
        });
    }
    let (status, answer) = push(&cw, B, A, &old_key, &envelope(&[]));
    assert_eq!(
        (status, &answer["error_code"]),
        (401, &json!("bad-signature")),
        "{answer}"
    );
    // ... and the new one is heard: B's next share reaches A and C.
    cw.share_ok(B, &[indicator(5)], "all");
    wait_until("A and C receive B's share", timeout(), || {
        [A, C]
            .iter()
            .all(|n| cw.inbound_ids(n, B).contains(&indicator_id(5)))
    });
    let proofs: Vec<String> = [A, B, C].iter().map(|n| verify(cw.node(n))).collect();
    assert!(proofs.iter().all(|p| *p == proofs[0]), "{proofs:#?}");
    assert!(proofs[0].contains(&new_key));
}
