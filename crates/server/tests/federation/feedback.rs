//! The loop back to the originator: receipts, acceptances and reactions in
//! the originator's status; retraction to every earlier recipient.

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
        c.store
            .outbox_pending("cert-a", 10)
            .await
            .unwrap()
            .is_empty()
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
    let analyst = a.token("ana", liaison_core::users::Role::Analyst).await;
    let (status, _) = a
        .admin_call_as(&analyst, Method::GET, "/federation", None)
        .await;
    assert_eq!(status, 403);
}
