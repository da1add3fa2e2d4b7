//! Get Collections and Get a Collection: visibility and rights per user.

use liaison_core::users::Role;
use serde_json::json;

use crate::kit::*;

#[tokio::test]
async fn each_user_sees_the_collections_they_have_rights_on() {
    let server = TestServer::start().await;
    let read_only = server.collection(Some("read-only")).await;
    let write_only = server.collection(Some("write-only")).await;
    let hidden = server.collection(None).await;
    let alice = server.analyst("alice", &read_only, true, false).await;
    server.grant("alice", &write_only, false, true).await;

    let body = server.get("/api1/collections/", &alice).await.ok(200);
    let list = body["collections"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{body}");
    assert_eq!(list[0]["id"], read_only.as_str());
    assert_eq!(list[0]["alias"], "read-only");
    assert_eq!(
        (&list[0]["can_read"], &list[0]["can_write"]),
        (&json!(true), &json!(false))
    );
    assert_eq!(
        list[0]["media_types"],
        json!(["application/stix+json;version=2.1"])
    );
    assert_eq!(
        (&list[1]["can_read"], &list[1]["can_write"]),
        (&json!(false), &json!(true))
    );

    // Administrators see everything, in creation order, with every right.
    let all = server
        .get("/api1/collections/", &server.admin)
        .await
        .ok(200);
    let ids: Vec<&str> = all["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![read_only.as_str(), write_only.as_str(), hidden.as_str()]
    );
    assert!(
        all["collections"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["can_read"] == true && c["can_write"] == true)
    );
}

#[tokio::test]
async fn no_collections_is_an_empty_object() {
    let server = TestServer::start().await;
    server.collection(None).await;
    let nobody = server.user("nobody", Role::Analyst).await;
    let body = server.get("/api1/collections/", &nobody).await.ok(200);
    assert_eq!(body, json!({}));
    server
        .get("/nowhere/collections/", &nobody)
        .await
        .taxii_error(404);
    server
        .get("/api1/collections/", &Creds::None)
        .await
        .taxii_error(401);
}

#[tokio::test]
async fn readers_never_write_whatever_they_were_granted() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let rita = server.user("rita", Role::Reader).await;
    server.grant("rita", &c, true, true).await;
    let body = server.get(&collection_path(&c), &rita).await.ok(200);
    assert_eq!(
        (&body["can_read"], &body["can_write"]),
        (&json!(true), &json!(false))
    );
    server
        .post_objects(&c, &rita, &[indicator(1, &version(1))])
        .await
        .taxii_error(403);
}

#[tokio::test]
async fn a_collection_by_id_or_alias() {
    let server = TestServer::start().await;
    let c = server.collection(Some("high-value")).await;
    let hidden = server.collection(Some("hidden")).await;
    let alice = server.analyst("alice", &c, true, true).await;
    let by_id = server.get(&collection_path(&c), &alice).await.ok(200);
    let by_alias = server
        .get(&collection_path("high-value"), &alice)
        .await
        .ok(200);
    assert_eq!(by_id, by_alias);
    assert_eq!(by_id["title"], "collection high-value");
    assert_eq!(by_id["id"], c.as_str());
    // Hidden and unknown collections look alike.
    let hidden_msg = server
        .get(&collection_path(&hidden), &alice)
        .await
        .taxii_error(404);
    let unknown_msg = server
        .get(&collection_path("no-such"), &alice)
        .await
        .taxii_error(404);
    assert_eq!(hidden_msg, unknown_msg);
    server
        .get(&collection_path("hidden"), &alice)
        .await
        .taxii_error(404);
    // Objects are reachable through the alias too.
    server.add(&c, &[indicator(1, &version(1))]).await;
    let resp = server.get(&objects_path("high-value"), &alice).await;
    assert_eq!(resp.ids(), vec![indicator_id(1)]);
}
