//! Unit tests: deadlines, and how the node's membership judges acts from
//! peers (deferred or refused) and settles notices of withdrawal.

use std::sync::Arc;

use super::*;
use crate::clock::ManualClock;
use crate::exchange_ops::{ActVerdict, MembershipSource};
use crate::federation::{Admission, Standing};
use crate::ledger::testkit::*;
use crate::ledger::{Action, Choice};

#[test]
fn deadlines_are_timestamps_or_durations_in_the_future() {
    assert_eq!(parse_deadline("7d", T0), Ok(T0 + 7 * 86_400 * SEC));
    assert_eq!(parse_deadline("12h", T0), Ok(T0 + 12 * HOUR));
    assert_eq!(parse_deadline(" 30m ", T0), Ok(T0 + 1800 * SEC));
    assert_eq!(
        parse_deadline("2025-06-16T00:00:00Z", T0),
        Ok(1_750_032_000_000_000)
    );
    for bad in [
        "",
        "7",
        "d",
        "7y",
        "-1h",
        "soon",
        "2025-06-15T00:00:00Z",
        "0s",
    ] {
        assert!(parse_deadline(bad, T0).is_err(), "{bad:?}");
    }
}

fn json(act: &crate::ledger::Act) -> String {
    serde_json::to_string(act).unwrap()
}

#[test]
fn acts_from_peers_are_judged_in_order_deferred_or_refused() {
    let f = Fixture::new(
        &["cert-a", "cert-b", "cert-c"],
        rules(Admission::Unanimity, 0),
    );
    let clock = Arc::new(ManualClock::new(T0));
    let council = LedgerMembership::new(f.ledger(), "cert-a", clock, SKEW);
    let mut scratch = f.ledger();
    let proposal = f
        .draft(&scratch, "cert-b", T0)
        .propose(
            Action::Suspend {
                member: "cert-c".into(),
            },
            "x",
            T0 + HOUR,
        )
        .unwrap();
    let p = insert_new(&mut scratch, proposal.clone(), T0);
    let vote = f
        .draft(&scratch, "cert-a", T0)
        .vote(p, Choice::Yes)
        .unwrap();
    // A vote before its proposal: put off, naming the missing parent.
    let verdicts = council.judge_acts(&[&json(&vote)], T0);
    assert!(
        matches!(&verdicts[0], ActVerdict::Deferred(d) if d.missing == vec![p]),
        "{verdicts:?}"
    );
    // Both in one envelope, in order: both new.
    let verdicts = council.judge_acts(&[&json(&proposal), &json(&vote)], T0);
    assert!(matches!(
        verdicts[..],
        [ActVerdict::New(_), ActVerdict::New(_)]
    ));
    // From the future: put off.
    let late = f
        .draft(&f.ledger(), "cert-b", T0 + HOUR)
        .withdraw()
        .unwrap();
    assert!(matches!(
        &council.judge_acts(&[&json(&late)], T0)[0],
        ActVerdict::Deferred(d) if d.missing.is_empty()
    ));
    // Forged (signed by another key): refused for good, with the reason.
    let mut forged = f.draft(&f.ledger(), "cert-b", T0).withdraw().unwrap();
    forged.signatures.author = f.keys["cert-c"].sign(&forged.signed_bytes().unwrap());
    match &council.judge_acts(&[&json(&forged)], T0)[0] {
        ActVerdict::Refused(reason) => assert!(
            reason.contains("signature of cert-b does not verify"),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        &council.judge_acts(&["{}"], T0)[0],
        ActVerdict::Refused(_)
    ));
    // Nothing was applied by judging.
    assert_eq!(council.with_ledger(|l| l.len()), 0);
}

#[test]
fn applied_acts_change_the_members_and_tell_the_listeners() {
    let f = Fixture::new(&["cert-a", "cert-b"], rules(Admission::Unanimity, 60));
    let clock = Arc::new(ManualClock::new(T0));
    let council = LedgerMembership::new(f.ledger(), "cert-a", clock.clone(), SKEW);
    let told = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = told.clone();
    council.on_change(move || {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    });
    let withdrawal = f.draft(&f.ledger(), "cert-b", T0).withdraw().unwrap();
    let verdict = council.judge_acts(&[&json(&withdrawal)], T0).remove(0);
    let ActVerdict::New(verified) = verdict else {
        panic!("{verdict:?}")
    };
    council.apply_acts(vec![*verified]);
    // Notice of 60 s: still in good standing, then withdrawn by the clock.
    let standing = |c: &LedgerMembership| c.member("cert-b").map(|m| m.standing);
    assert_eq!(standing(&council), Some(Standing::Good));
    clock.advance(61 * SEC);
    assert_eq!(standing(&council), Some(Standing::Withdrawn));
    assert!(told.load(std::sync::atomic::Ordering::SeqCst) >= 2);
}
