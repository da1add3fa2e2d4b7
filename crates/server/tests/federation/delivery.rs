//! Delivery: to all, bilaterally, to a peer that was down (by the
//! sender's retries and by the recipient's pull), exactly once.

use liaison_core::exchange_ops::FEDERATION_OUTBOX_PATH;
use liaison_server::federation::PULL_HOLD;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

use crate::kit::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_to_all_reaches_all_with_provenance_and_receipts() {
    let nodes = commonwealth(&["cert-a", "cert-b", "cert-c"]).await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let report = a.share(&[indicator(1, V1, None)], json!("all")).await;
    assert_eq!(report["recipients"], json!(["cert-b", "cert-c"]));
    assert_eq!(report["statuses"][0]["success_count"], 1, "{report}");
    let id = indicator_id(1);
    for node in [b, c] {
        eventually("delivered", || async {
            node.taxii_ids("from-cert-a", &node.admin).await == [id.clone()]
        })
        .await;
        let provenance = node.store.provenance_of(&id).await.unwrap();
        assert_eq!(provenance.len(), 1);
        assert_eq!(provenance[0].origin, "cert-a");
        assert!(
            provenance[0].json.contains(r#""audience":"all""#),
            "{}",
            provenance[0].json
        );
        assert_eq!(
            node.store.origin_of(&id).await.unwrap().as_deref(),
            Some("cert-a")
        );
    }
    for peer in ["cert-b", "cert-c"] {
        eventually("receipt at the origin", || async {
            a.state_for(&id, peer)
                .await
                .is_some_and(|s| s["state"] == "delivered" && s["delivered_at"].is_string())
        })
        .await;
    }
    // The originator's own view: what it shared is in to-all.
    assert_eq!(a.taxii_ids("to-all", &a.admin).await, [id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bilateral_share_never_reaches_a_third_member() {
    let nodes = commonwealth(&["cert-a", "cert-b", "cert-c"]).await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    a.share(&[indicator(1, V1, None)], json!(["cert-b"])).await;
    // The second way in: a TAXII client posting into to-cert-b.
    let posted = a
        .request(
            Method::POST,
            "/default/collections/to-cert-b/objects/",
            &a.admin,
        )
        .header("accept", TAXII)
        .header("content-type", TAXII)
        .body(format!(r#"{{"objects":[{}]}}"#, indicator(2, V1, None)))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 202);
    let ids = [indicator_id(1), indicator_id(2)];
    eventually("b has both", || async {
        b.taxii_ids("from-cert-a", &b.admin).await.len() == 2
    })
    .await;
    for id in &ids {
        eventually("delivered to b", || async {
            a.state_for(id, "cert-b")
                .await
                .is_some_and(|s| s["state"] == "delivered")
        })
        .await;
        // A named audience is disclosed to each recipient as itself only.
        let provenance = b.store.provenance_of(id).await.unwrap();
        assert!(
            provenance[0].json.contains(r#""audience":["cert-b"]"#),
            "{}",
            provenance[0].json
        );
        // Not in C's store, not in C's TAXII API, never sent to C.
        assert_eq!(c.store.origin_of(id).await.unwrap(), None);
        assert!(c.store.provenance_of(id).await.unwrap().is_empty());
        let sent = a.store.outbox_of_object(id).await.unwrap();
        assert!(sent.iter().all(|m| m.peer == "cert-b"), "{sent:?}");
        assert_eq!(
            a.status(id).await["versions"][0]["recipients"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
    assert!(c.taxii_ids("from-cert-a", &c.admin).await.is_empty());
    assert!(
        a.store
            .outbox_after("cert-c", 0, 100)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_was_down_receives_everything_exactly_once() {
    let mut nodes = commonwealth(&["cert-a", "cert-b", "cert-c"]).await;
    nodes[1].stop().await;
    let objects: Vec<String> = (1..=20).map(|n| indicator(n, V1, None)).collect();
    nodes[0].share(&objects, json!("all")).await;
    let (a, c) = (&nodes[0], &nodes[2]);
    eventually("c has all", || async {
        c.taxii_ids("from-cert-a", &c.admin).await.len() == 20
    })
    .await;
    eventually("a retries b", || async {
        a.state
            .federation()
            .unwrap()
            .delivery("cert-b")
            .consecutive_failures
            >= 2
    })
    .await;
    let (_, view) = a.admin_call(Method::GET, "/federation", None).await;
    let peer_b = view["peers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "cert-b")
        .unwrap()
        .clone();
    assert_eq!(peer_b["pending"], 20, "{view}");
    assert!(
        peer_b["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("cert-b")),
        "{view}"
    );
    assert_eq!(
        a.state_for(&indicator_id(1), "cert-b").await.unwrap()["state"],
        "queued"
    );

    nodes[1].start().await;
    let (a, b) = (&nodes[0], &nodes[1]);
    eventually("b has all", || async {
        b.taxii_ids("from-cert-a", &b.admin).await.len() == 20
    })
    .await;
    eventually("a has every receipt", || async {
        a.delivered_all_to("cert-b").await
    })
    .await;
    // Exactly once: one version per object, one provenance each.
    let mut ids = b.taxii_ids("from-cert-a", &b.admin).await;
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    for n in 1..=20 {
        assert_eq!(
            b.store.provenance_of(&indicator_id(n)).await.unwrap().len(),
            1
        );
        assert_eq!(
            a.state_for(&indicator_id(n), "cert-b").await.unwrap()["state"],
            "delivered"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_node_pulls_what_it_missed() {
    let mut nodes = commonwealth(&["cert-a", "cert-b"]).await;
    nodes[1].stop().await;
    // A does not push: only B's pull on start can bring the objects.
    nodes[0].stop_workers().await;
    nodes[0]
        .share(
            &[indicator(1, V1, None), indicator(2, V1, None)],
            json!(["cert-b"]),
        )
        .await;
    nodes[1].start().await;
    let b = &nodes[1];
    eventually("b pulled", || async {
        b.taxii_ids("from-cert-a", &b.admin).await.len() == 2
    })
    .await;
    assert_eq!(b.store.pulled_up_to("cert-a").await.unwrap(), 2);
    // B sends the receipts of what it pulled back at once: A learns of the
    // delivery (and marks the messages delivered) with its workers still
    // stopped, without pushing anything.
    let a = &nodes[0];
    eventually("receipts of the pulled messages at A", || async {
        a.delivered_all_to("cert-b").await
    })
    .await;
    for n in [1, 2] {
        assert_eq!(
            a.state_for(&indicator_id(n), "cert-b").await.unwrap()["state"],
            "delivered"
        );
    }
    nodes[0].start_workers().await;
    assert_eq!(
        nodes[1]
            .taxii_ids("from-cert-a", &nodes[1].admin)
            .await
            .len(),
        2
    );
}

/// A long backlog is pulled page by page, each page committed while the
/// next is fetched: every object arrives once, in order, and the position
/// ends at the last message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_backlog_is_pulled_page_by_page() {
    // Pages of two: seven messages take four pulls (2 + 2 + 2 + 1).
    let mut nodes = commonwealth(&["cert-a", "cert-b"]).await;
    nodes[1].stop().await;
    nodes[1].workers.pull_messages = 2;
    nodes[0].stop_workers().await;
    let objects: Vec<_> = (1..=7).map(|n| indicator(n, V1, None)).collect();
    nodes[0].share(&objects, json!(["cert-b"])).await;
    nodes[1].start().await;
    let b = &nodes[1];
    eventually("b pulled all seven", || async {
        b.taxii_ids("from-cert-a", &b.admin).await.len() == 7
    })
    .await;
    assert_eq!(b.store.pulled_up_to("cert-a").await.unwrap(), 7);
    let a = &nodes[0];
    eventually("receipts of every page at A", || async {
        a.delivered_all_to("cert-b").await
    })
    .await;
    // Four pages (2 + 2 + 2 + 1), each its own signed pull.
    let pulls = a
        .state
        .store
        .outbox_after("cert-b", 0, 10)
        .await
        .unwrap()
        .len();
    assert_eq!(pulls, 7);
    let mut ids = b.taxii_ids("from-cert-a", &b.admin).await;
    ids.sort();
    let mut expected: Vec<String> = (1..=7).map(indicator_id).collect();
    expected.sort();
    assert_eq!(ids, expected);
}

/// What a peer's pull was served is left to that pull for a while (the
/// peer applies it and sends the receipts): this node's worker pushes
/// only what follows, and the rest once the hold is over if no receipt
/// came.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_pull_was_served_is_not_pushed_again_at_once() {
    let mut nodes = commonwealth(&["cert-a", "cert-b"]).await;
    nodes[0].stop_workers().await;
    nodes[1].stop_workers().await;
    let hold = |nodes: &[Node]| nodes[0].state.federation().unwrap().pull_hold("cert-b");
    assert_eq!(hold(&nodes), None);
    let path = format!("{FEDERATION_OUTBOX_PATH}?after=0&limit=10");
    let as_b = nodes[0].peer_client(&nodes[1].certificate);
    let sign = || {
        Forge {
            method: "GET",
            path: &path,
            ..honest(&nodes[1].node, "cert-a")
        }
        .sign("")
    };
    // An empty pull holds nothing back.
    let (status, _) = send(&as_b, &nodes[0], "GET", &path, &sign(), "").await;
    assert_eq!(status, 200);
    assert_eq!(hold(&nodes), None);
    nodes[0]
        .share(&[indicator(1, V1, None)], json!(["cert-b"]))
        .await;
    // B pulls message 1 (and, in this test, never applies it).
    let (status, envelope) = send(&as_b, &nodes[0], "GET", &path, &sign(), "").await;
    assert_eq!(status, 200, "{envelope}");
    assert_eq!(envelope["x_liaison_messages"].as_array().unwrap().len(), 1);
    let held = hold(&nodes).expect("a hold after a pull that served messages");
    assert_eq!(held.served_up_to, 1);
    assert!(held.left <= PULL_HOLD);

    // What follows is pushed at once; message 1 is not while the hold lasts.
    nodes[0].start_workers().await;
    nodes[0]
        .share(&[indicator(2, V1, None)], json!(["cert-b"]))
        .await;
    let b = &nodes[1];
    eventually("the message after the pulled one is pushed", || async {
        b.taxii_ids("from-cert-a", &b.admin)
            .await
            .contains(&indicator_id(2))
    })
    .await;
    let received = b.taxii_ids("from-cert-a", &b.admin).await;
    // (Checked while the hold still lasts, however slow this machine is.)
    if hold(&nodes).is_some() {
        assert!(!received.contains(&indicator_id(1)), "{received:?}");
    }
    // No receipt came for message 1: once the hold is over, it is pushed.
    eventually("the pulled message is pushed after the hold", || async {
        b.taxii_ids("from-cert-a", &b.admin).await.len() == 2
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_told_that_more_follow_is_pushed_nothing_while_it_pulls() {
    let mut nodes = commonwealth(&["cert-a", "cert-b"]).await;
    nodes[0].stop_workers().await;
    nodes[1].stop_workers().await;
    let federation = nodes[0].state.federation().cloned().unwrap();
    nodes[0]
        .share(
            &[indicator(1, V1, None), indicator(2, V1, None)],
            json!(["cert-b"]),
        )
        .await;
    // B pulls one message of two: it is told that more follow.
    let path = format!("{FEDERATION_OUTBOX_PATH}?after=0&limit=1");
    let as_b = nodes[0].peer_client(&nodes[1].certificate);
    let signed = Forge {
        method: "GET",
        path: &path,
        ..honest(&nodes[1].node, "cert-a")
    }
    .sign("");
    let (status, envelope) = send(&as_b, &nodes[0], "GET", &path, &signed, "").await;
    assert_eq!(status, 200, "{envelope}");
    assert_eq!(envelope["more"], json!(true), "{envelope}");
    let held = federation.pull_hold("cert-b").expect("a hold");
    assert!(held.more);
    assert_eq!(held.served_up_to, 1);

    // A's worker runs, and a new share wakes it: while the hold lasts it
    // pushes nothing, neither message 2 nor the new message 3.
    nodes[0].start_workers().await;
    nodes[0]
        .share(&[indicator(3, V1, None)], json!(["cert-b"]))
        .await;
    let b = &nodes[1];
    eventually("A's worker has run a unit", || async {
        federation.delivery("cert-b").last_attempt_at.is_some()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received = b.taxii_ids("from-cert-a", &b.admin).await;
    // (Checked while the hold still lasts, however slow this machine is.)
    if federation.pull_hold("cert-b").is_some() {
        assert_eq!(received, Vec::<String>::new());
    }
    // B never pulled again: once the hold is over, everything is pushed.
    eventually("all three pushed after the hold", || async {
        b.taxii_ids("from-cert-a", &b.admin).await.len() == 3
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_move_the_pull_position_so_a_restart_pulls_only_what_is_new() {
    let mut nodes = commonwealth(&["cert-a", "cert-b"]).await;
    nodes[0]
        .share(
            &[indicator(1, V1, None), indicator(2, V1, None)],
            json!(["cert-b"]),
        )
        .await;
    let a = &nodes[0];
    eventually("pushed and receipted", || async {
        a.delivered_all_to("cert-b").await
    })
    .await;
    // B applied A's log up to 2 through pushes alone.
    assert_eq!(nodes[1].store.pulled_up_to("cert-a").await.unwrap(), 2);
    nodes[1].stop().await;
    nodes[0].stop_workers().await;
    nodes[0]
        .share(&[indicator(3, V1, None)], json!(["cert-b"]))
        .await;
    nodes[1].start().await;
    let b = &nodes[1];
    eventually("b pulled the new one", || async {
        b.taxii_ids("from-cert-a", &b.admin).await.len() == 3
    })
    .await;
    assert_eq!(b.store.pulled_up_to("cert-a").await.unwrap(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_share_to_named_members_reaches_each_once() {
    let nodes = commonwealth(&["cert-a", "cert-b", "cert-c"]).await;
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let objects: Vec<String> = (1..=300).map(|n| indicator(n, V1, None)).collect();
    let report = a.share(&objects, json!(["cert-b", "cert-c"])).await;
    // One status per outbound collection (to-cert-b, to-cert-c).
    assert_eq!(report["statuses"].as_array().unwrap().len(), 2, "{report}");
    assert_eq!(report["messages"], 600);
    for node in [b, c] {
        eventually("all received", || async {
            node.taxii_ids("from-cert-a", &node.admin).await.len() == 300
        })
        .await;
        let provenance = node.store.provenance_of(&indicator_id(150)).await.unwrap();
        let disclosed = format!(r#""audience":["{}"]"#, node.name);
        assert!(
            provenance[0].json.contains(&disclosed),
            "{}",
            provenance[0].json
        );
    }
    eventually("all receipted", || async {
        a.delivered_all_to("cert-b").await && a.delivered_all_to("cert-c").await
    })
    .await;
    // Sharing the same versions again enqueues nothing.
    let again = a.share(&objects[..10], json!(["cert-b"])).await;
    assert_eq!(again["messages"], 0, "{again}");
}
