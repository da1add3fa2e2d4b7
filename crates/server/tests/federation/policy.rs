//! Enforcement in the server: clearance for TLP:RED and AMBER+STRICT,
//! never-forward, read-only inbound collections, who may share.

use liaison_core::exchange::MessageKind;
use liaison_core::users::Role;
use liaison_stix::tlp::Tlp;
use reqwest::Method;
use serde_json::json;

use crate::kit::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tlp_red_is_read_only_by_cleared_users() {
    let nodes = commonwealth(&["cert-a", "cert-b"]).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let red = indicator(1, V1, Some(Tlp::Red.marking_id()));
    let strict = indicator(2, V1, Some(Tlp::AmberStrict.marking_id()));
    let amber = indicator(3, V1, Some(Tlp::Amber.marking_id()));
    a.share(&[red, strict, amber], json!("all")).await;
    eventually("received", || async {
        b.store.provenance_of(&indicator_id(3)).await.unwrap().len() == 1
    })
    .await;
    eventually("received all", || async {
        b.store.origin_of(&indicator_id(1)).await.unwrap().is_some()
    })
    .await;
    let ana = b.token("ana", Role::Analyst).await;
    b.grant("ana", "from-cert-a", true, false).await;
    assert_eq!(b.taxii_ids("from-cert-a", &ana).await, [indicator_id(3)]);
    // The role gives no clearance: administrators too.
    assert_eq!(
        b.taxii_ids("from-cert-a", &b.admin).await,
        [indicator_id(3)]
    );
    // Asked for by id, a hidden object is not found (its existence is not disclosed).
    let red_path = format!(
        "/default/collections/from-cert-a/objects/{}/",
        indicator_id(1)
    );
    let get_red = |token: String| {
        b.request(Method::GET, &red_path, &token)
            .header("accept", TAXII)
            .send()
    };
    assert_eq!(get_red(ana.clone()).await.unwrap().status(), 404);
    let (status, body) = b
        .admin_call(
            Method::PUT,
            "/users/ana/clearance",
            Some(json!({"clearance": "amber-strict"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let mut ids = b.taxii_ids("from-cert-a", &ana).await;
    ids.sort();
    assert_eq!(ids, [indicator_id(2), indicator_id(3)]);
    b.admin_call(
        Method::PUT,
        "/users/ana/clearance",
        Some(json!({"clearance": "red"})),
    )
    .await;
    assert_eq!(b.taxii_ids("from-cert-a", &ana).await.len(), 3);
    assert_eq!(get_red(ana.clone()).await.unwrap().status(), 200);
    // The manifest hides what the objects endpoint hides.
    let manifest: serde_json::Value = b
        .request(
            Method::GET,
            "/default/collections/from-cert-a/manifest/",
            &b.admin,
        )
        .header("accept", TAXII)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        manifest["objects"].as_array().unwrap().len(),
        1,
        "{manifest}"
    );
    // Only administrators set clearances; bad values are refused.
    let (status, _) = b
        .admin_call_as(
            &ana,
            Method::PUT,
            "/users/ana/clearance",
            Some(json!({"clearance": "red"})),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = b
        .admin_call(
            Method::PUT,
            "/users/ana/clearance",
            Some(json!({"clearance": "top-secret"})),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_received_object_is_never_forwarded() {
    let nodes = commonwealth(&["cert-a", "cert-b", "cert-c"]).await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    a.share(&[indicator(1, V1, None)], json!(["cert-b"])).await;
    eventually("b has it", || async {
        b.taxii_ids("from-cert-a", &b.admin).await.len() == 1
    })
    .await;
    // B tries to pass A's object on, as a new version, by the admin API and by TAXII.
    let report = b.share(&[indicator(1, V2, None)], json!("all")).await;
    let status = &report["statuses"][0];
    assert_eq!(status["failure_count"], 1, "{report}");
    let message = status["failures"][0]["message"].as_str().unwrap();
    assert!(message.contains("never forwards"), "{message}");
    assert_eq!(report["messages"], 0);
    let posted = b
        .request(
            Method::POST,
            "/default/collections/to-all/objects/",
            &b.admin,
        )
        .header("accept", TAXII)
        .header("content-type", TAXII)
        .body(format!(r#"{{"objects":[{}]}}"#, indicator(1, V2, None)))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 202);
    let status: serde_json::Value = posted.json().await.unwrap();
    assert_eq!(status["failure_count"], 1, "{status}");
    // Nothing but receipts (of what B pulled from A, if it did) is queued.
    for peer in ["cert-a", "cert-c"] {
        let queued = b.store.outbox_after(peer, 0, 10).await.unwrap();
        assert!(
            queued.iter().all(|m| m.kind == MessageKind::Receipt),
            "{queued:?}"
        );
    }
    assert_eq!(c.store.origin_of(&indicator_id(1)).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbound_collections_are_read_only_and_sharing_needs_write() {
    let nodes = commonwealth(&["cert-a", "cert-b"]).await;
    let b = &nodes[1];
    let posted = b
        .request(
            Method::POST,
            "/default/collections/from-cert-a/objects/",
            &b.admin,
        )
        .header("accept", TAXII)
        .header("content-type", TAXII)
        .body(format!(r#"{{"objects":[{}]}}"#, indicator(1, V1, None)))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 403);
    let error: serde_json::Value = posted.json().await.unwrap();
    assert!(
        error["description"].as_str().unwrap().contains("read-only"),
        "{error}"
    );
    // Analysts share only into to-* collections they may write.
    let ana = b.token("ana", Role::Analyst).await;
    let body = json!({"objects": [serde_json::from_str::<serde_json::Value>(&indicator(2, V1, None)).unwrap()], "to": "all"});
    let (status, _) = b
        .admin_call_as(&ana, Method::POST, "/share", Some(body.clone()))
        .await;
    assert_eq!(status, 403);
    b.grant("ana", "to-all", false, true).await;
    let (status, report) = b
        .admin_call_as(&ana, Method::POST, "/share", Some(body))
        .await;
    assert_eq!(status, 200, "{report}");
    // An audience naming a non-member or the node itself is refused whole.
    for to in [json!(["cert-x"]), json!(["cert-b"]), json!([])] {
        let body = json!({"objects": [], "to": to});
        let (status, error) = b.admin_call(Method::POST, "/share", Some(body)).await;
        assert_eq!(status, 400, "{error}");
    }
}
