//! The exchange between real nodes: three `liaison serve` processes on
//! loopback, founded from one signed agreement by the binary itself
//! (`support::commonwealth`), sharing through `liaison share` and reading
//! what arrived through each recipient's TAXII API and store.
//!
//! - share to all reaches every member, with the originator's provenance;
//! - a bilateral share never reaches a third member (nor is it sent to it);
//! - receipts, acceptances (by whom) and reactions come back to the
//!   originator and show in `liaison status`; members do not see each
//!   other's feedback;
//! - a member that is down while others share gets everything exactly
//!   once after its restart, while the originator keeps retrying;
//! - a retraction reaches every earlier recipient and is receipted;
//! - nodes already running when their agreement is adopted join by
//!   themselves, without a restart.

mod support;

use std::collections::BTreeSet;

use liaison_core::federation::{Audience, Provenance};
use serde_json::Value;
use support::commonwealth::Commonwealth;
use support::node::{indicator, indicator_id};

const A: &str = "cert-a";
const B: &str = "cert-b";
const C: &str = "cert-c";

fn three() -> Commonwealth {
    Commonwealth::found(&[A, B, C])
}

fn sorted(ids: Vec<String>) -> Vec<String> {
    let mut ids = ids;
    ids.sort();
    ids
}

/// True when every `(recipient)` of `object_id` at `origin` is in `state`.
fn all_in_state(
    cw: &Commonwealth,
    origin: &str,
    ids: &[String],
    recipients: &[&str],
    state: &str,
) -> bool {
    ids.iter().all(|id| {
        recipients
            .iter()
            .all(|r| cw.recipient_status(origin, id, r)["state"] == state)
    })
}

/// An indicator with id `n`, version `modified`, revoked or not.
fn indicator_version(n: u64, modified: &str, revoked: bool) -> String {
    format!(
        r#"{{"type":"indicator","spec_version":"2.1","id":"{}","created":"2024-01-01T00:00:00.000Z","modified":"{modified}","name":"version {modified}","pattern":"[ipv4-addr:value = '10.9.9.{n}']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z","revoked":{revoked}}}"#,
        indicator_id(n)
    )
}

#[test]
fn sharing_with_all_reaches_every_member_with_the_originators_provenance() {
    let cw = three();
    let ids: Vec<String> = (1..=3).map(indicator_id).collect();
    let objects: Vec<String> = (1..=3).map(indicator).collect();
    let out = cw.share_ok(A, &objects, "all");
    assert!(
        out.contains("shared 3 object version(s) with cert-b, cert-c"),
        "{out}"
    );
    let origin_key = cw.card(A).signing_key;
    for member in [B, C] {
        cw.wait_until(&format!("{member} holds what {A} shared"), || {
            sorted(cw.inbound_ids(member, A)) == ids
        });
        // What arrived is what was shared, byte for byte in meaning.
        let node = cw.node(member);
        let (client, root) = (node.client(), node.api_root_url());
        let envelope = cw
            .block_on(client.get_objects(&root, "from-cert-a", &Default::default()))
            .expect("read from-cert-a");
        let got: BTreeSet<String> = envelope
            .body
            .objects
            .iter()
            .map(|raw| {
                serde_json::from_str::<Value>(raw.get())
                    .unwrap()
                    .to_string()
            })
            .collect();
        let sent: BTreeSet<String> = objects
            .iter()
            .map(|o| serde_json::from_str::<Value>(o).unwrap().to_string())
            .collect();
        assert_eq!(got, sent);
        // Each object keeps the originator's signed provenance.
        let store = cw.store(member);
        for id in &ids {
            let rows = cw.block_on(store.provenance_of(id)).unwrap();
            assert_eq!(rows.len(), 1, "{member} {id}: {rows:?}");
            assert_eq!(
                (rows[0].origin.as_str(), rows[0].recipient.as_str()),
                (A, member)
            );
            let provenance = Provenance::from_json(&rows[0].json).unwrap();
            provenance
                .verify(&origin_key)
                .expect("the provenance is signed by the originator");
            assert_eq!(provenance.commonwealth, cw.id());
            assert_eq!(provenance.object_id, *id);
            assert_eq!(provenance.audience, Audience::All);
            assert_eq!(
                cw.block_on(store.origin_of(id)).unwrap().as_deref(),
                Some(A)
            );
        }
    }
    // Each recipient's analysts can show who said what, through the API
    // and on the node's files, the record checked again.
    let text = cw.cli_ok(B, &["provenance", &ids[0]]);
    assert!(
        text.contains(&format!("shared by {A} at ")) && text.contains(" to all"),
        "{text}"
    );
    assert!(text.contains("matches the version held"), "{text}");
    assert!(
        text.contains("verifies with the originator's current key"),
        "{text}"
    );
    let run = cw.cli_local(C, &["provenance", &ids[1], "--json"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let view: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(view["versions"][0]["origin"], A, "{view}");
    assert_eq!(view["versions"][0]["signature_verifies"], true, "{view}");
    let kept = Provenance::from_json(&view["versions"][0]["record"].to_string()).unwrap();
    kept.verify(&origin_key)
        .expect("the record as shown verifies");
    let run = cw.cli(A, &["provenance", &ids[0]]);
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("was not received"), "{run:#?}");
    // Both receipts are back at the originator.
    cw.wait_until("both receipts are at the originator", || {
        all_in_state(&cw, A, &ids, &[B, C], "delivered")
    });
    let entry = cw.recipient_status(A, &ids[0], B);
    assert!(entry["delivered_at"].is_string(), "{entry}");
    // No node ever logs its signing key.
    for member in [A, B, C] {
        let seed = cw.signing_key(member).to_seed_hex();
        let logs = cw.node(member).all_logs().join("\n");
        assert!(!logs.contains(&seed), "{member} logged its signing key");
    }
    assert_eq!(
        sorted(cw.manifest(A, "to-all").into_iter().map(|r| r.id).collect()),
        ids
    );
}

#[test]
fn a_bilateral_share_never_reaches_a_third_member() {
    let cw = three();
    let id = indicator_id(10);
    let out = cw.share_ok(A, &[indicator(10)], B);
    assert!(out.contains("with cert-b;"), "{out}");
    cw.wait_until("B holds it", || cw.inbound_ids(B, A) == [id.clone()]);
    cw.wait_until("B's receipt is at A", || {
        cw.recipient_status(A, &id, B)["state"] == "delivered"
    });
    let status = cw.status(A, &id);
    let recipients = status["versions"][0]["recipients"].as_array().unwrap();
    assert_eq!(recipients.len(), 1, "{status}");
    assert_eq!(status["versions"][0]["audience"], serde_json::json!([B]));

    // B was told only about itself.
    let b_store = cw.store(B);
    let rows = cw.block_on(b_store.provenance_of(&id)).unwrap();
    let provenance = Provenance::from_json(&rows[0].json).unwrap();
    assert_eq!(provenance.audience, Audience::Members(vec![B.to_owned()]));

    // C has nothing: not through TAXII, not in its store ...
    assert!(cw.inbound_ids(C, A).is_empty());
    let c_store = cw.store(C);
    assert_eq!(cw.block_on(c_store.origin_of(&id)).unwrap(), None);
    assert!(cw.block_on(c_store.provenance_of(&id)).unwrap().is_empty());
    // ... and was sent nothing: A queued nothing for C, and C's inbox was
    // never called by A.
    let a_store = cw.store(A);
    let for_c = cw.block_on(a_store.outbox_after(C, 0, 1000)).unwrap();
    assert!(for_c.is_empty(), "A queued for C: {for_c:?}");
    assert!(
        cw.log_events(C, "federation inbox applied").is_empty(),
        "C's inbox received something"
    );

    // Nor can B pass it on: a member never forwards another's object.
    let run = cw.share(B, &[indicator(10)], C);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(
        run.stdout
            .contains("a member never forwards another member's object"),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("1 of 1 objects were not shared"),
        "{run:#?}"
    );
    assert!(
        cw.block_on(b_store.outbox_after(C, 0, 1000))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn receipts_acceptances_and_reactions_come_back_to_the_originator() {
    let cw = three();
    let id = indicator_id(20);
    cw.share_ok(A, &[indicator(20)], "all");
    for member in [B, C] {
        cw.wait_until(&format!("{member} holds it"), || {
            cw.inbound_ids(member, A) == [id.clone()]
        });
    }
    // B through its admin API, C on its data directory (the running node
    // picks the messages up from its store).
    let out = cw.cli_ok(B, &["accept", &id]);
    assert!(out.contains("as admin; queued for cert-a"), "{out}");
    let out = cw.cli_ok(
        B,
        &[
            "react",
            &id,
            "--kind",
            "seen",
            "--count",
            "3",
            "--first-seen",
            "2026-01-01T08:00:00Z",
            "--last-seen",
            "2026-01-02T08:00:00Z",
            "--note",
            "in our netflow",
        ],
    );
    assert!(out.contains("(sighting sighting--"), "{out}");
    let run = cw.cli_local(C, &["accept", &id, "--as", "analyst-c"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let run = cw.cli_local(
        C,
        &[
            "react",
            &id,
            "--kind",
            "disagree",
            "--note",
            "benign scanner",
        ],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.contains("(opinion opinion--"), "{run:#?}");

    cw.wait_until("both acceptances and reactions are at A", || {
        let b = cw.recipient_status(A, &id, B);
        let c = cw.recipient_status(A, &id, C);
        b["state"] == "accepted"
            && c["state"] == "accepted"
            && b["reactions"].as_array().is_some_and(|r| r.len() == 1)
            && c["reactions"].as_array().is_some_and(|r| r.len() == 1)
    });
    let b = cw.recipient_status(A, &id, B);
    assert_eq!(b["accepted_by"], "admin");
    assert!(
        b["delivered_at"].is_string() && b["accepted_at"].is_string(),
        "{b}"
    );
    let seen = &b["reactions"][0];
    assert_eq!(seen["kind"], "seen");
    assert_eq!(seen["count"], 3);
    assert_eq!(seen["note"], "in our netflow");
    assert_eq!(seen["first_seen"], "2026-01-01T08:00:00.000000Z");
    let c = cw.recipient_status(A, &id, C);
    assert_eq!(c["accepted_by"], "analyst-c");
    assert_eq!(c["reactions"][0]["kind"], "disagree");

    // The human table says the same.
    let table = cw.cli_ok(A, &["status", &id]);
    assert!(table.contains("  no TLP  to all  shared "), "{table}");
    let row = |member: &str| {
        table
            .lines()
            .find(|l| l.trim_start().starts_with(member))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        row(B).contains("accepted") && row(B).contains("by admin"),
        "{table}"
    );
    assert!(row(C).contains("by analyst-c"), "{table}");
    assert!(
        table.contains("reaction seen at ")
            && table.contains("count 3")
            && table.contains("note \"in our netflow\""),
        "{table}"
    );
    assert!(table.contains("reaction disagree at "), "{table}");

    // Feedback goes to the originator only: B and C know nothing of each
    // other's.
    let b_feedback = cw.block_on(cw.store(B).feedback_of(&id)).unwrap();
    assert!(b_feedback.iter().all(|f| f.member != C), "{b_feedback:?}");
    let c_feedback = cw.block_on(cw.store(C).feedback_of(&id)).unwrap();
    assert!(c_feedback.iter().all(|f| f.member != B), "{c_feedback:?}");

    // Only received objects are accepted; only shared ones have a status.
    let run = cw.cli(A, &["accept", &id]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("was not received from another member"),
        "{run:#?}"
    );
    let run = cw.cli(B, &["status", &id]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("was not shared by this node"),
        "{run:#?}"
    );

    // Clearance for TLP:RED and AMBER+STRICT reads, through the API and locally.
    let out = cw.cli_ok(B, &["user", "clearance", "admin", "red"]);
    assert_eq!(out.trim(), "admin now has clearance red");
    let run = cw.cli_local(C, &["user", "clearance", "admin", "amber-strict"]);
    assert_eq!(run.code, 0, "{run:#?}");
    let run = cw.cli(C, &["user", "clearance", "nobody", "red"]);
    assert_eq!(run.code, 1, "{run:#?}");
}

#[test]
fn a_member_that_was_down_receives_everything_exactly_once() {
    let mut cw = three();
    cw.node_mut(B).kill9();
    let ids: Vec<String> = (100..120).map(indicator_id).collect();
    for chunk in (100..120u64).collect::<Vec<_>>().chunks(10) {
        let objects: Vec<String> = chunk.iter().map(|&n| indicator(n)).collect();
        cw.share_ok(A, &objects, "all");
    }
    cw.wait_until("C holds all", || sorted(cw.inbound_ids(C, A)) == ids);
    // A keeps trying B.
    cw.wait_until("A has retried B at least twice", || {
        let federation = cw.federation(A);
        let peer = federation["peers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == B)
            .cloned()
            .unwrap();
        peer["consecutive_failures"].as_u64().unwrap_or(0) >= 2
            && peer["last_error"]
                .as_str()
                .is_some_and(|e| e.contains("cannot reach cert-b"))
            && peer["pending"] == 20
    });
    assert!(all_in_state(&cw, A, &ids[..1], &[B], "queued"));

    cw.node_mut(B).restart();
    cw.wait_until("B holds all", || cw.inbound_ids(B, A).len() >= ids.len());
    let records = cw.manifest(B, "from-cert-a");
    let held: Vec<String> = sorted(records.iter().map(|r| r.id.clone()).collect());
    assert_eq!(held, ids, "every object exactly once, one version each");
    cw.wait_until("A has B's receipts for everything", || {
        all_in_state(&cw, A, &ids, &[B], "delivered")
    });
    // Delivered again by A after B pulled: still once.
    assert_eq!(cw.manifest(B, "from-cert-a").len(), ids.len());
}

#[test]
fn a_retraction_reaches_every_earlier_recipient_and_is_receipted() {
    let cw = three();
    let id = indicator_id(30);
    let v1 = indicator_version(30, "2024-01-01T00:00:00.000Z", false);
    cw.share_ok(A, std::slice::from_ref(&v1), B);
    cw.share_ok(A, std::slice::from_ref(&v1), C);
    for member in [B, C] {
        cw.wait_until(&format!("{member} holds version 1"), || {
            cw.inbound_ids(member, A) == [id.clone()]
        });
    }
    // The revoked version, addressed to B alone, goes to C too.
    let v2 = indicator_version(30, "2024-02-01T00:00:00.000Z", true);
    let out = cw.share_ok(A, &[v2], B);
    assert!(out.contains("with cert-b, cert-c"), "{out}");
    for member in [B, C] {
        cw.wait_until(&format!("{member} holds the retraction"), || {
            cw.inbound_ids(member, A).len() == 2
        });
        let node = cw.node(member);
        let (client, root) = (node.client(), node.api_root_url());
        let latest = cw
            .block_on(client.get_object(&root, "from-cert-a", &id, &Default::default()))
            .expect("the object");
        let object: Value = serde_json::from_str(latest.body.objects[0].get()).unwrap();
        assert_eq!(object["revoked"], true, "{member}: {object}");
        assert_eq!(object["modified"], "2024-02-01T00:00:00.000Z");
    }
    cw.wait_until("both receipts of the retraction are at A", || {
        let status = cw.status(A, &id);
        let latest = &status["versions"][1];
        latest["version"] == "2024-02-01T00:00:00.000Z"
            && latest["recipients"]
                .as_array()
                .is_some_and(|r| r.len() == 2 && r.iter().all(|r| r["state"] == "delivered"))
    });
}

#[test]
fn running_nodes_join_the_commonwealth_they_adopt_without_a_restart() {
    let cw = Commonwealth::found_while_running(&[A, B]);
    for name in [A, B] {
        let started = cw
            .node(name)
            .json_logs()
            .into_iter()
            .filter(|l| {
                l["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("Liaison listening"))
            })
            .count();
        assert_eq!(started, 1, "{name} was started once, never restarted");
        assert_eq!(cw.federation(name)["commonwealth"], cw.id());
    }
    cw.share_ok(A, &[indicator(1)], B);
    cw.wait_until("B holds it", || {
        cw.inbound_ids(B, A) == vec![indicator_id(1)]
    });
    cw.wait_until("A has B's receipt", || {
        all_in_state(&cw, A, &[indicator_id(1)], &[B], "delivered")
    });
}
