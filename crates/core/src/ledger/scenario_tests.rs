//! The scenarios of issue 5, with every node simulated by its own ledger
//! and orphan buffer, acts travelling between them explicitly.

use std::collections::BTreeMap;

use super::testkit::*;
use super::*;
use crate::federation::{
    Admission, DEFAULT_MAX_SKEW, EndpointPolicy, MemberCard, ReceivedRequest, RequestExpectation,
    RequestRejection, RequestSignature, SigningKey, Standing, verify_request,
};

/// Nodes of one commonwealth, each with what it has received.
struct Net {
    f: Fixture,
    nodes: BTreeMap<String, (Ledger, OrphanBuffer)>,
    /// Every act made, in the order made.
    log: Vec<Act>,
    now: i64,
}

impl Net {
    fn new(names: &[&str], admission: Admission) -> Net {
        let f = Fixture::new(names, rules(admission, 0));
        let nodes = names
            .iter()
            .map(|n| (n.to_string(), (f.ledger(), OrphanBuffer::new())))
            .collect();
        Net {
            f,
            nodes,
            log: Vec::new(),
            now: T0,
        }
    }

    fn ledger(&self, node: &str) -> &Ledger {
        &self.nodes[node].0
    }

    /// `by` makes an act on its own node's heads and applies it there.
    fn act(&mut self, by: &str, make: impl FnOnce(Draft<'_>) -> Act) -> ActHash {
        self.now += SEC;
        let act = make(self.f.draft(&self.nodes[by].0, by, self.now));
        let hash = insert_new(
            &mut self.nodes.get_mut(by).unwrap().0,
            act.clone(),
            self.now,
        );
        self.log.push(act);
        hash
    }

    fn propose(&mut self, by: &str, action: Action) -> ActHash {
        let deadline = self.now + HOUR;
        self.act(by, |d| d.propose(action, "scenario", deadline).unwrap())
    }

    fn vote(&mut self, by: &str, p: ActHash, choice: Choice) -> ActHash {
        self.act(by, |d| d.vote(p, choice).unwrap())
    }

    /// Offers `acts` to `to` in this order, through its orphan buffer.
    fn deliver(&mut self, to: &str, acts: &[Act]) {
        let (ledger, buffer) = self.nodes.get_mut(to).unwrap();
        for act in acts {
            buffer.offer(ledger, act.clone(), self.now, SKEW).unwrap();
        }
    }

    /// Every node but `except` receives every act made so far.
    fn sync(&mut self, except: &[&str]) {
        let names: Vec<String> = self.nodes.keys().cloned().collect();
        let log = self.log.clone();
        for name in names.iter().filter(|n| !except.contains(&n.as_str())) {
            self.deliver(name, &log);
        }
    }

    fn assert_agree(&self, names: &[&str]) {
        let first = self.ledger(names[0]);
        for name in &names[1..] {
            let other = self.ledger(name);
            assert_eq!(other.membership(), first.membership(), "{name}");
            assert_eq!(proposals(other), proposals(first), "{name}");
            assert_eq!(other.heads(), first.heads(), "{name}");
        }
    }
}

fn standing(net: &Net, node: &str, member: &str) -> Option<Standing> {
    net.ledger(node).membership().standing(member)
}

#[test]
fn three_founders_admit_a_fourth_unanimously_and_it_joins_with_the_ledger_it_is_given() {
    let mut net = Net::new(&["cert-a", "cert-b", "cert-c"], Admission::Unanimity);
    let card = net.f.candidate("cert-d");
    let p = net.propose("cert-a", Action::Admit { card: card.clone() });
    net.sync(&[]);
    net.vote("cert-b", p, Choice::Yes);
    net.vote("cert-c", p, Choice::Yes);
    net.sync(&[]);
    net.assert_agree(&["cert-a", "cert-b", "cert-c"]);
    for node in ["cert-a", "cert-b", "cert-c"] {
        assert_eq!(standing(&net, node, "cert-d"), Some(Standing::Good));
    }
    // The candidate joins: it replays the ledger it is given.
    let given: Vec<Act> = net
        .ledger("cert-b")
        .acts()
        .map(|(_, a)| a.clone())
        .collect();
    let joined = replay(net.f.agreement.clone(), given, EndpointPolicy::HttpsOnly).unwrap();
    assert_eq!(joined.membership(), net.ledger("cert-a").membership());
    assert_eq!(joined.membership().get("cert-d").unwrap().card, card);
    net.nodes
        .insert("cert-d".into(), (joined, OrphanBuffer::new()));
    // and takes part: everyone accepts its first act.
    net.propose(
        "cert-d",
        Action::Amend {
            rules: rules(Admission::TwoThirds, 0),
        },
    );
    net.sync(&[]);
    net.assert_agree(&["cert-a", "cert-b", "cert-c", "cert-d"]);
}

#[test]
fn one_no_fails_under_unanimity_and_passes_under_two_thirds() {
    for (admission, expected) in [
        (Admission::Unanimity, None),
        (Admission::TwoThirds, Some(Standing::Good)),
    ] {
        let mut net = Net::new(&["cert-a", "cert-b", "cert-c"], admission);
        let card = net.f.candidate("cert-d");
        let p = net.propose("cert-a", Action::Admit { card });
        net.sync(&[]);
        net.vote("cert-b", p, Choice::No);
        net.vote("cert-c", p, Choice::Yes);
        net.sync(&[]);
        net.assert_agree(&["cert-a", "cert-b", "cert-c"]);
        assert_eq!(standing(&net, "cert-a", "cert-d"), expected, "{admission}");
        let status = net.ledger("cert-c").proposal(&p).unwrap().status(net.now);
        let want = if expected.is_some() {
            Status::Adopted
        } else {
            Status::Rejected
        };
        assert_eq!(status, want);
    }
}

#[test]
fn a_forged_vote_and_a_vote_from_a_suspended_member_are_refused() {
    let mut net = Net::new(
        &["cert-a", "cert-b", "cert-c", "cert-d"],
        Admission::TwoThirds,
    );
    // Suspend cert-d: two-thirds of {a, b, c}.
    let s = net.propose(
        "cert-a",
        Action::Suspend {
            member: "cert-d".into(),
        },
    );
    net.sync(&[]);
    net.vote("cert-b", s, Choice::Yes);
    net.sync(&[]);
    assert_eq!(
        standing(&net, "cert-c", "cert-d"),
        Some(Standing::Suspended)
    );
    let p = net.propose(
        "cert-a",
        Action::Amend {
            rules: rules(Admission::Majority, 0),
        },
    );
    net.sync(&[]);
    // cert-d's node, suspended, still signs a vote.
    let at = net.now + SEC;
    let by_suspended = net
        .f
        .draft(net.ledger("cert-d"), "cert-d", at)
        .vote(p, Choice::Yes)
        .unwrap();
    // Someone signs a vote in cert-c's name with a key that is not cert-c's.
    let mut thief = Fixture::new(
        &["cert-a", "cert-b", "cert-c", "cert-d"],
        rules(Admission::TwoThirds, 0),
    );
    thief.adopt_key("cert-c", key("thief"));
    let forged = thief
        .draft(net.ledger("cert-c"), "cert-c", at)
        .vote(p, Choice::Yes)
        .unwrap();
    for node in ["cert-a", "cert-b", "cert-c"] {
        let ledger = &mut net.nodes.get_mut(node).unwrap().0;
        assert_eq!(
            ledger.insert(by_suspended.clone(), at, SKEW),
            Err(LedgerError::NotInGoodStanding {
                author: "cert-d".into(),
                standing: Standing::Suspended
            })
        );
        assert_eq!(
            ledger.insert(forged.clone(), at, SKEW),
            Err(LedgerError::BadSignature {
                author: "cert-c".into()
            })
        );
        assert_eq!(ledger.proposal(&p).unwrap().tally().yes, 1);
    }
    // Its requests are refused too.
    let d_key = key("cert-d");
    let card = net
        .ledger("cert-a")
        .membership()
        .get("cert-d")
        .unwrap()
        .card
        .clone();
    assert_eq!(
        request(&net, "cert-a", "cert-d", &d_key, &card),
        Err(RequestRejection::NotInGoodStanding {
            origin: "cert-d".into(),
            standing: Standing::Suspended
        })
    );
}

#[test]
fn a_withdrawn_member_is_no_longer_a_member() {
    let mut net = Net::new(&["cert-a", "cert-b", "cert-c"], Admission::Unanimity);
    net.act("cert-c", |d| d.withdraw().unwrap());
    net.sync(&[]);
    net.assert_agree(&["cert-a", "cert-b", "cert-c"]);
    let membership = net.ledger("cert-a").membership();
    assert_eq!(membership.standing("cert-c"), Some(Standing::Withdrawn));
    assert!(!membership.is_in_good_standing("cert-c"));
    let recipients: Vec<&str> = membership.in_good_standing().map(|m| m.name()).collect();
    assert_eq!(recipients, ["cert-a", "cert-b"]);
    let c_key = key("cert-c");
    let card = membership.get("cert-c").unwrap().card.clone();
    assert!(matches!(
        request(&net, "cert-a", "cert-c", &c_key, &card),
        Err(RequestRejection::NotInGoodStanding { .. })
    ));
    // A proposal's electorate no longer includes it.
    let p = net.propose(
        "cert-a",
        Action::Amend {
            rules: rules(Admission::Majority, 0),
        },
    );
    assert_eq!(
        net.ledger("cert-a").proposal(&p).unwrap().electorate.len(),
        2
    );
}

#[test]
fn a_member_offline_during_a_whole_vote_catches_up_to_the_same_membership() {
    let names = ["cert-a", "cert-b", "cert-c", "cert-d"];
    let mut net = Net::new(&names, Admission::TwoThirds);
    let card = net.f.candidate("cert-e");
    let admit = net.propose("cert-a", Action::Admit { card });
    let amend = net.propose(
        "cert-b",
        Action::Amend {
            rules: rules(Admission::Majority, 0),
        },
    );
    net.sync(&["cert-d"]);
    net.vote("cert-c", admit, Choice::Yes);
    net.vote("cert-a", amend, Choice::No);
    net.vote("cert-c", amend, Choice::Yes);
    net.sync(&["cert-d"]);
    net.vote("cert-b", admit, Choice::Yes);
    net.sync(&["cert-d"]);
    net.assert_agree(&["cert-a", "cert-b", "cert-c"]);
    assert_eq!(standing(&net, "cert-a", "cert-e"), Some(Standing::Good));
    assert_eq!(standing(&net, "cert-d", "cert-e"), None);
    // cert-d comes back and pulls everything, in several orders.
    let reference = net.ledger("cert-a").clone();
    let mut acts = net.log.clone();
    for round in 0..4 {
        acts.rotate_left(round + 1);
        if round % 2 == 1 {
            acts.reverse();
        }
        let mut ledger = net.f.ledger();
        let mut buffer = OrphanBuffer::new();
        for act in &acts {
            buffer
                .offer(&mut ledger, act.clone(), net.now, SKEW)
                .unwrap();
        }
        assert!(buffer.is_empty());
        assert_eq!(ledger.membership(), reference.membership());
        assert_eq!(proposals(&ledger), proposals(&reference));
        assert_eq!(ledger.heads(), reference.heads());
    }
    net.sync(&[]);
    net.assert_agree(&names);
}

#[test]
fn after_key_rotation_the_old_key_is_refused() {
    let mut net = Net::new(&["cert-a", "cert-b", "cert-c"], Admission::Unanimity);
    let old_key = key("cert-a");
    let (card, new_key) = net.f.next_card("cert-a");
    let card_for_rotation = card.clone();
    let rotation = {
        let f = &net.f;
        let draft = f.draft(net.ledger("cert-a"), "cert-a", net.now + SEC);
        draft.rotate_key(&new_key, card_for_rotation).unwrap()
    };
    net.log.push(rotation);
    net.sync(&[]);
    net.assert_agree(&["cert-a", "cert-b", "cert-c"]);
    let on_b = net.ledger("cert-b").membership().get("cert-a").unwrap();
    assert_eq!(on_b.key(), new_key.public_key());
    // Requests: the old key is refused, the new one heard.
    assert_eq!(
        request(&net, "cert-b", "cert-a", &old_key, &card),
        Err(RequestRejection::BadSignature {
            origin: "cert-a".into()
        })
    );
    assert!(request(&net, "cert-b", "cert-a", &new_key, &card).is_ok());
    // Ledger acts: the old key is refused on acts that know the rotation.
    let at = net.now + 2 * SEC;
    let stale = net
        .f
        .draft(net.ledger("cert-b"), "cert-a", at)
        .withdraw()
        .unwrap();
    let ledger = &mut net.nodes.get_mut("cert-b").unwrap().0;
    assert_eq!(
        ledger.insert(stale, at, SKEW),
        Err(LedgerError::BadSignature {
            author: "cert-a".into()
        })
    );
    net.f.adopt_key("cert-a", new_key);
    net.act("cert-b", |d| d.withdraw().unwrap());
    let p = net.propose(
        "cert-a",
        Action::Suspend {
            member: "cert-c".into(),
        },
    );
    assert_eq!(net.ledger("cert-a").proposal(&p).unwrap().author, "cert-a");
}

/// A federation request from `origin` to `to`, signed with `key`,
/// presenting the TLS certificate of `card`, verified against `to`'s
/// ledger membership.
fn request(
    net: &Net,
    to: &str,
    origin: &str,
    key: &SigningKey,
    card: &MemberCard,
) -> Result<(), RequestRejection> {
    let body = br#"{"objects":[]}"#;
    let path = "/federation/v1/inbox";
    let signed = RequestSignature {
        method: "POST",
        path_and_query: path,
        body,
        origin,
        destination: to,
        commonwealth: &net.f.cw,
        time_micros: net.now,
    }
    .sign(key)?;
    let pairs: Vec<(&str, &[u8])> = signed
        .pairs()
        .iter()
        .map(|(n, v)| (*n, v.as_bytes()))
        .collect();
    let received = ReceivedRequest {
        method: "POST",
        path_and_query: path,
        body,
        headers: &pairs,
        client_certificate: Some(&card.tls_fingerprint),
    };
    let expected = RequestExpectation {
        commonwealth: &net.f.cw,
        self_name: to,
        now_micros: net.now,
        max_skew: DEFAULT_MAX_SKEW,
    };
    verify_request(&received, &expected, net.ledger(to).membership()).map(|_| ())
}
