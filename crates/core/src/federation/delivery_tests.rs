use super::*;
use crate::federation::keys::SigningKey;
use crate::federation::reaction::ReactionDraft;
use crate::federation::receipt::ObjectRef;
use crate::federation::record::Author;
use crate::federation::testkit::{T0, commonwealth, indicator};

const MESSAGE: &str = "0b6f9c1e-8f2a-4a43-9d1c-2b4f6e8a0c11";
const SECOND: i64 = 1_000_000;

struct Fixture {
    cw: crate::federation::CommonwealthId,
    b: SigningKey,
    c: SigningKey,
    object: liaison_stix::json::Value<'static>,
    r: ObjectRef,
}

fn fixture() -> Fixture {
    let object = indicator(None);
    Fixture {
        cw: commonwealth(),
        b: SigningKey::generate(),
        c: SigningKey::generate(),
        r: ObjectRef::of(&object).unwrap(),
        object,
    }
}

impl Fixture {
    fn author(&self, name: &'static str) -> Author<'_> {
        let key = if name == "cert-b" { &self.b } else { &self.c };
        Author {
            commonwealth: &self.cw,
            name,
            key,
        }
    }

    fn receipt(&self, by: &'static str, refusal: Option<&str>, at: i64) -> Receipt {
        Receipt::create(
            &self.author(by),
            "cert-a",
            MESSAGE,
            Some(&self.r),
            refusal,
            at,
        )
        .unwrap()
    }

    fn receipt_for(&self, by: &'static str, r: &ObjectRef, at: i64) -> Receipt {
        Receipt::create(&self.author(by), "cert-a", MESSAGE, Some(r), None, at).unwrap()
    }

    fn acceptance(&self, by: &'static str, user: &str, at: i64) -> Acceptance {
        Acceptance::create(
            &self.author(by),
            "cert-a",
            &self.r.id,
            &self.r.version,
            user,
            at,
        )
        .unwrap()
    }

    fn reaction(&self, by: &'static str, kind: ReactionKind, at: i64) -> Reaction {
        Reaction::create(
            &self.author(by),
            "cert-a",
            &self.object,
            &ReactionDraft::new(kind),
            None,
            at,
        )
        .unwrap()
        .0
    }

    fn status(&self, feedback: &Feedback<'_>) -> Vec<RecipientStatus> {
        let recipients = [
            "cert-c".to_string(),
            "cert-b".to_string(),
            "cert-b".to_string(),
        ];
        delivery_status(&self.r.id, &self.r.version, &recipients, feedback)
    }
}

fn at(micros: i64) -> Timestamp {
    Timestamp::from_unix_micros(micros)
}

#[test]
fn nothing_yet_is_queued() {
    let f = fixture();
    let status = f.status(&Feedback::default());
    assert_eq!(status.len(), 2, "one entry per distinct recipient");
    assert_eq!(status[0].recipient, "cert-b");
    assert_eq!(status[1].recipient, "cert-c");
    assert!(
        status
            .iter()
            .all(|s| s.state == DeliveryState::Queued && s.delivered_at.is_none())
    );
}

#[test]
fn receipts_deliver_and_refuse() {
    let f = fixture();
    let receipts = [
        f.receipt("cert-b", None, T0 + 2 * SECOND),
        f.receipt("cert-b", None, T0 + SECOND),
        f.receipt("cert-c", Some("too big"), T0 + SECOND),
        f.receipt("cert-c", Some("still too big"), T0 + 3 * SECOND),
    ];
    let status = f.status(&Feedback {
        receipts: &receipts,
        ..Feedback::default()
    });
    assert_eq!(
        status[0].state,
        DeliveryState::Delivered {
            at: at(T0 + SECOND)
        }
    );
    assert_eq!(status[0].delivered_at, Some(at(T0 + SECOND)));
    assert_eq!(
        status[1].state,
        DeliveryState::Refused {
            at: at(T0 + 3 * SECOND),
            reason: "still too big".into()
        }
    );
    // A later stored receipt overrides the refusal.
    let mut more = receipts.to_vec();
    more.push(f.receipt("cert-c", None, T0 + 4 * SECOND));
    let status = f.status(&Feedback {
        receipts: &more,
        ..Feedback::default()
    });
    assert_eq!(
        status[1].state,
        DeliveryState::Delivered {
            at: at(T0 + 4 * SECOND)
        }
    );
}

#[test]
fn acceptance_wins_and_implies_storage() {
    let f = fixture();
    let receipts = [f.receipt("cert-b", None, T0)];
    let acceptances = [
        f.acceptance("cert-b", "zoe", T0 + 9 * SECOND),
        f.acceptance("cert-b", "alice", T0 + 5 * SECOND),
        f.acceptance("cert-c", "carol", T0 + 7 * SECOND),
    ];
    let status = f.status(&Feedback {
        receipts: &receipts,
        acceptances: &acceptances,
        ..Feedback::default()
    });
    assert_eq!(
        status[0].state,
        DeliveryState::Accepted {
            at: at(T0 + 5 * SECOND),
            by: "alice".into()
        }
    );
    assert_eq!(status[0].delivered_at, Some(at(T0)));
    assert_eq!(
        status[1].state,
        DeliveryState::Accepted {
            at: at(T0 + 7 * SECOND),
            by: "carol".into()
        },
        "the receipt may still be on its way"
    );
    assert_eq!(status[1].delivered_at, None);
}

#[test]
fn records_about_other_versions_or_by_others_do_not_count() {
    let f = fixture();
    let other_version = ObjectRef {
        version: "2025-03-01T00:00:00.000Z".into(),
        ..f.r.clone()
    };
    let receipts = [f.receipt_for("cert-b", &other_version, T0)];
    let status = f.status(&Feedback {
        receipts: &receipts,
        ..Feedback::default()
    });
    assert_eq!(status[0].state, DeliveryState::Queued);
    // cert-c's receipt says nothing about cert-b.
    let receipts = [f.receipt("cert-c", None, T0)];
    let status = f.status(&Feedback {
        receipts: &receipts,
        ..Feedback::default()
    });
    assert_eq!(status[0].state, DeliveryState::Queued);
    assert!(matches!(status[1].state, DeliveryState::Delivered { .. }));
}

#[test]
fn reactions_are_listed_once_in_time_order() {
    let f = fixture();
    let seen = f.reaction("cert-b", ReactionKind::Seen, T0 + 2 * SECOND);
    let blocked = f.reaction("cert-b", ReactionKind::Blocked, T0 + SECOND);
    let mut earlier_version = f.reaction("cert-b", ReactionKind::Agree, T0 + 3 * SECOND);
    earlier_version.object_version = "2024-12-01T00:00:00.000Z".into();
    let by_c = f.reaction("cert-c", ReactionKind::Disagree, T0);
    let reactions = [
        seen.clone(),
        blocked.clone(),
        seen.clone(),
        earlier_version,
        by_c,
    ];
    let status = f.status(&Feedback {
        reactions: &reactions,
        ..Feedback::default()
    });
    let kinds: Vec<_> = status[0].reactions.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [
            ReactionKind::Blocked,
            ReactionKind::Seen,
            ReactionKind::Agree
        ]
    );
    assert_eq!(status[0].reactions[0].at, at(T0 + SECOND));
    assert_eq!(status[1].reactions.len(), 1);
    assert_eq!(
        status[0].state,
        DeliveryState::Queued,
        "reactions alone do not change the state"
    );
}

#[test]
fn order_and_repetition_do_not_matter() {
    let f = fixture();
    let receipts = vec![
        f.receipt("cert-b", Some("no"), T0),
        f.receipt("cert-b", None, T0 + SECOND),
        f.receipt("cert-c", Some("a"), T0 + SECOND),
        f.receipt("cert-c", Some("b"), T0 + SECOND),
    ];
    let acceptances = vec![
        f.acceptance("cert-b", "bob", T0 + 2 * SECOND),
        f.acceptance("cert-b", "amy", T0 + 2 * SECOND),
    ];
    let mut twin = f.reaction("cert-b", ReactionKind::Seen, T0);
    let reactions = vec![twin.clone(), {
        twin.note = Some("same id, other content".into());
        twin
    }];
    let forward = f.status(&Feedback {
        receipts: &receipts,
        acceptances: &acceptances,
        reactions: &reactions,
    });
    fn rev<T: Clone>(v: &[T]) -> Vec<T> {
        let mut v = v.to_vec();
        v.reverse();
        v.extend(v.clone());
        v
    }
    let (r2, a2, x2) = (rev(&receipts), rev(&acceptances), rev(&reactions));
    let backward = f.status(&Feedback {
        receipts: &r2,
        acceptances: &a2,
        reactions: &x2,
    });
    assert_eq!(forward, backward);
    assert_eq!(
        forward[0].state,
        DeliveryState::Accepted {
            at: at(T0 + 2 * SECOND),
            by: "amy".into()
        }
    );
    assert_eq!(
        forward[1].state,
        DeliveryState::Refused {
            at: at(T0 + SECOND),
            reason: "b".into()
        }
    );
    assert_eq!(forward[0].reactions.len(), 1);
}
