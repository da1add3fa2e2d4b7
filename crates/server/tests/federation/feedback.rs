//! The loop back to the originator: receipts, acceptances and reactions in
//! the originator's status; retraction to every earlier recipient.

use liaison_core::users::Role;
use liaison_stix::tlp::Tlp;
use reqwest::Method;
use serde_json::json;

use crate::kit::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acceptance_and_reactions_reach_the_originator() {
    let nodes = commonwealth(&["cert-a", "cert-b", "cert-c"]).await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let id = indicator_id(7);
    a.share(&[indicator(7, V1, None)], json!("all")).await;
    for node in [b, c] {
        eventually("received", || async {
            node.taxii_ids("from-cert-a", &node.admin).await.len() == 1
        })
        .await;
    }
    let (status, accepted) = b
        .admin_call(Method::POST, &format!("/objects/{id}/accept"), None)
        .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["sent_to"], json!(["cert-a"]));
    assert_eq!(accepted["acceptance"]["accepted_by"], "admin");
    let (status, reacted) = c
        .admin_call(
            Method::POST,
            &format!("/objects/{id}/react"),
            Some(json!({"kind": "seen", "note": "in our netflow", "count": 3,
                        "first_seen": "2025-01-01T00:00:00Z", "last_seen": "2025-01-02T00:00:00Z"})),
        )
        .await;
    assert_eq!(status, 200, "{reacted}");
    assert_eq!(reacted["stix"]["type"], "sighting");
    assert_eq!(reacted["sent_to"], json!(["cert-a"]));
    eventually("accepted at a", || async {
        a.state_for(&id, "cert-b")
            .await
            .is_some_and(|s| s["state"] == "accepted" && s["accepted_by"] == "admin")
    })
    .await;
    eventually("reaction at a", || async {
        a.state_for(&id, "cert-c").await.is_some_and(|s| {
            s["state"] == "delivered"
                && s["reactions"][0]["kind"] == "seen"
                && s["reactions"][0]["count"] == 3
                && s["reactions"][0]["note"] == "in our netflow"
        })
    })
    .await;
    // The sighting is readable at A, with the reacting member's reaction
    // receipted by A.
    let sighting = reacted["stix"]["id"].as_str().unwrap().to_owned();
    assert_eq!(a.taxii_ids("from-cert-c", &a.admin).await, [sighting]);
    eventually("c's reaction receipted", || async {
        c.delivered_all_to("cert-a").await
    })
    .await;
    // B never hears of C's reaction, nor of C.
    assert!(b.taxii_ids("from-cert-c", &b.admin).await.is_empty());
    // Accepting what was not received is refused.
    let (status, error) = a
        .admin_call(Method::POST, &format!("/objects/{id}/accept"), None)
        .await;
    assert_eq!(status, 404, "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retraction_reaches_every_earlier_recipient() {
    let nodes = commonwealth(&["cert-a", "cert-b", "cert-c"]).await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let id = indicator_id(9);
    a.share(&[indicator(9, V1, None)], json!(["cert-b"])).await;
    eventually("b has v1", || async {
        b.taxii_ids("from-cert-a", &b.admin).await.len() == 1
    })
    .await;
    let revoked = indicator(9, V2, None).replace(r#""name""#, r#""revoked":true,"name""#);
    let report = a.share(&[revoked], json!(["cert-c"])).await;
    assert_eq!(
        report["recipients"],
        json!(["cert-b", "cert-c"]),
        "{report}"
    );
    eventually("b has the retraction", || async {
        b.taxii_ids("from-cert-a", &b.admin).await.len() == 2
    })
    .await;
    eventually("c has the retraction", || async {
        c.taxii_ids("from-cert-a", &c.admin).await.len() == 1
    })
    .await;
    eventually("receipted", || async {
        let status = a.status(&id).await;
        status["versions"][1]["recipients"]
            .as_array()
            .is_some_and(|r| r.len() == 2 && r.iter().all(|x| x["state"] == "delivered"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_federation_view_names_the_members_and_peers() {
    let nodes = commonwealth(&["cert-a", "cert-b"]).await;
    let a = &nodes[0];
    let (status, view) = a.admin_call(Method::GET, "/federation", None).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["member"]["name"], "cert-a");
    assert_eq!(view["commonwealth"], a.node.commonwealth().as_str());
    assert_eq!(view["members"].as_array().unwrap().len(), 2);
    assert_eq!(view["peers"][0]["name"], "cert-b");
    assert_eq!(view["peers"][0]["running"], true);
    // Not for analysts.
    let analyst = a.token("ana", Role::Analyst).await;
    let (status, _) = a
        .admin_call_as(&analyst, Method::GET, "/federation", None)
        .await;
    assert_eq!(status, 403);
}

/// A recipient can show who said what: the originator's signed provenance
/// of every version it received, checked again against what it holds,
/// disclosing only the audience it was told; a member that did not
/// receive the object has nothing to show, and readers may not look.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recipient_shows_the_originators_provenance_of_each_version() {
    let nodes = commonwealth(&["cert-a", "cert-b", "cert-c"]).await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let id = indicator_id(8);
    a.share(&[indicator(8, V1, None)], json!(["cert-b"])).await;
    a.share(
        &[indicator(8, V2, Some(Tlp::Red.marking_id()))],
        json!(["cert-b"]),
    )
    .await;
    eventually("both versions at b", || async {
        b.store
            .provenance_of(&id)
            .await
            .unwrap()
            .iter()
            .filter(|p| p.recipient == "cert-b")
            .count()
            == 2
    })
    .await;
    let path = format!("/objects/{id}/provenance");
    // The TLP:RED version stays hidden from a user without the clearance
    // for it, as the version itself does.
    let (status, view) = b.admin_call(Method::GET, &path, None).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["versions"].as_array().unwrap().len(), 1, "{view}");
    assert_eq!(view["versions"][0]["version"], V1);
    let (status, _) = b
        .admin_call(
            Method::PUT,
            "/users/admin/clearance",
            Some(json!({"clearance": "red"})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, view) = b.admin_call(Method::GET, &path, None).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["object_id"], id);
    let versions = view["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2, "{view}");
    for (version, expected) in versions.iter().zip([V1, V2]) {
        assert_eq!(version["version"], expected);
        assert_eq!(version["origin"], "cert-a");
        assert_eq!(version["audience"], json!(["cert-b"]));
        assert_eq!(version["digest_matches"], true, "{version}");
        assert_eq!(version["signature_verifies"], true, "{version}");
        // The record as received, verifiable by anyone with A's key.
        assert_eq!(version["record"]["origin"], "cert-a");
        assert_eq!(version["record"]["digest"], version["digest"]);
        assert!(version["record"]["signature"].is_string());
    }
    assert_eq!(versions[1]["tlp"], "red");

    // An analyst with read on from-cert-a and the standard clearance sees
    // only the version it may read ...
    let analyst = b.token("ann", Role::Analyst).await;
    b.grant("ann", "from-cert-a", true, false).await;
    let (status, seen) = b.admin_call_as(&analyst, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["versions"].as_array().unwrap().len(), 1, "{seen}");
    assert_eq!(seen["versions"][0]["version"], V1);
    // ... a reader may not look, and C, which was not told, has nothing.
    let reader = b.token("rob", Role::Reader).await;
    let (status, refused) = b.admin_call_as(&reader, Method::GET, &path, None).await;
    assert_eq!(status, 403, "{refused}");
    let (status, missing) = c.admin_call(Method::GET, &path, None).await;
    assert_eq!(status, 404, "{missing}");
    assert!(
        missing["error"]
            .as_str()
            .unwrap_or_default()
            .contains("not received"),
        "{missing}"
    );
    // Nor does the originator: it shared the object, it did not receive it.
    let (status, _) = a.admin_call(Method::GET, &path, None).await;
    assert_eq!(status, 404);
}
