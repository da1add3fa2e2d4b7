//! Get an Object, Get Object Versions and Delete an Object, with the
//! delete permission matrix of TAXII §5.7.

use liaison_core::users::Role;
use serde_json::json;

use crate::kit::*;

/// indicator 1 in versions 1..=3, malware 2 in version 1.
async fn fixture() -> (TestServer, String) {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    server
        .add(
            &c,
            &[
                indicator(1, &version(1)),
                indicator(1, &version(2)),
                malware(2, &version(1)),
            ],
        )
        .await;
    server.add(&c, &[indicator(1, &version(3))]).await;
    (server, c)
}

fn modified(body: &serde_json::Value) -> Vec<String> {
    body["objects"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| o["modified"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn get_an_object_and_its_versions() {
    let (server, c) = fixture().await;
    let path = object_path(&c, &indicator_id(1));
    let resp = server.get(&path, &server.admin).await;
    assert_eq!(
        modified(&resp.ok(200)),
        vec![version(3)],
        "latest by default"
    );
    assert!(resp.header("x-taxii-date-added-first").is_some());
    let all = server
        .get(&format!("{path}?match[version]=all"), &server.admin)
        .await
        .ok(200);
    assert_eq!(modified(&all), vec![version(1), version(2), version(3)]);
    let first = server
        .get(&format!("{path}?match[version]=first"), &server.admin)
        .await
        .ok(200);
    assert_eq!(modified(&first), vec![version(1)]);
    let exact = server
        .get(
            &format!("{path}?match[version]={}", version(2)),
            &server.admin,
        )
        .await
        .ok(200);
    assert_eq!(modified(&exact), vec![version(2)]);
    // Parameters this endpoint does not use are ignored.
    let ignored = server
        .get(&format!("{path}?match[type]=malware"), &server.admin)
        .await
        .ok(200);
    assert_eq!(modified(&ignored), vec![version(3)]);

    let resp = server
        .get(&versions_path(&c, &indicator_id(1)), &server.admin)
        .await;
    assert_eq!(
        resp.ok(200),
        json!({ "versions": [version(1), version(2), version(3)] })
    );
    assert!(resp.header("x-taxii-date-added-last").is_some());
}

#[tokio::test]
async fn unknown_objects_are_404_and_excluded_versions_are_empty() {
    let (server, c) = fixture().await;
    server
        .get(&object_path(&c, &indicator_id(9)), &server.admin)
        .await
        .taxii_error(404);
    server
        .get(&object_path(&c, "not-even-an-id"), &server.admin)
        .await
        .taxii_error(404);
    server
        .get(&versions_path(&c, &indicator_id(9)), &server.admin)
        .await
        .taxii_error(404);
    let path = object_path(&c, &indicator_id(1));
    let resp = server
        .get(
            &format!("{path}?match[version]=2030-01-01T00:00:00Z"),
            &server.admin,
        )
        .await;
    assert_eq!(resp.ok(200), json!({}));
    assert!(resp.header("x-taxii-date-added-first").is_none());
    assert_eq!(
        server
            .get(&format!("{path}?match[spec_version]=2.0"), &server.admin)
            .await
            .ok(200),
        json!({})
    );
    let versions = server
        .get(
            &format!(
                "{}?match[spec_version]=2.0",
                versions_path(&c, &indicator_id(1))
            ),
            &server.admin,
        )
        .await;
    assert_eq!(versions.ok(200), json!({}));
    // The object lives in one collection only.
    let other = server.collection(None).await;
    server
        .get(&object_path(&other, &indicator_id(1)), &server.admin)
        .await
        .taxii_error(404);
}

#[tokio::test]
async fn a_bare_delete_removes_every_version() {
    let (server, c) = fixture().await;
    let path = object_path(&c, &indicator_id(1));
    let resp = server.delete(&path, &server.admin).await;
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.content_type(), TAXII);
    assert!(resp.body.is_empty());
    server.get(&path, &server.admin).await.taxii_error(404);
    server
        .get(&format!("{path}?match[version]=all"), &server.admin)
        .await
        .taxii_error(404);
    let manifest = server
        .get(
            &format!("{}?match[version]=all", manifest_path(&c)),
            &server.admin,
        )
        .await;
    assert_eq!(manifest.ids(), vec![malware_id(2)]);
    server.delete(&path, &server.admin).await.taxii_error(404);
}

#[tokio::test]
async fn delete_with_filters_removes_only_the_selected_versions() {
    let (server, c) = fixture().await;
    let path = object_path(&c, &indicator_id(1));
    server
        .delete(&format!("{path}?match[version]=first"), &server.admin)
        .await
        .ok_empty();
    let left = server
        .get(&format!("{path}?match[version]=all"), &server.admin)
        .await
        .ok(200);
    assert_eq!(modified(&left), vec![version(2), version(3)]);
    server
        .delete(
            &format!("{path}?match[version]={}", version(3)),
            &server.admin,
        )
        .await
        .ok_empty();
    let left = server
        .get(&format!("{path}?match[version]=all"), &server.admin)
        .await
        .ok(200);
    assert_eq!(modified(&left), vec![version(2)]);
    // Nothing matches: 404, and nothing changes.
    server
        .delete(
            &format!("{path}?match[version]=2030-01-01T00:00:00Z"),
            &server.admin,
        )
        .await
        .taxii_error(404);
    server
        .delete(&format!("{path}?match[spec_version]=2.0"), &server.admin)
        .await
        .taxii_error(404);
    server
        .delete(&format!("{path}?match[version]=nonsense"), &server.admin)
        .await
        .taxii_error(400);
    server
        .delete(
            &format!("{path}?match[version]=last&match[spec_version]=2.1"),
            &server.admin,
        )
        .await
        .ok_empty();
    server.get(&path, &server.admin).await.taxii_error(404);
}

#[tokio::test]
async fn the_delete_matrix() {
    let (server, c) = fixture().await;
    let path = object_path(&c, &indicator_id(1));
    let neither = server.analyst("neither", &c, false, false).await;
    let read_only = server.analyst("read-only", &c, true, false).await;
    let write_only = server.analyst("write-only", &c, false, true).await;
    let both = server.analyst("both", &c, true, true).await;
    let reader = server.user("reader", Role::Reader).await;
    server.grant("reader", &c, true, true).await;

    server.delete(&path, &neither).await.taxii_error(404);
    server.delete(&path, &read_only).await.taxii_error(403);
    server.delete(&path, &write_only).await.taxii_error(403);
    server.delete(&path, &reader).await.taxii_error(403);
    server.delete(&path, &Creds::None).await.taxii_error(401);
    server.get(&path, &both).await.ok(200);
    server.delete(&path, &both).await.ok_empty();
    server.get(&path, &both).await.taxii_error(404);
}

impl Resp {
    fn ok_empty(&self) {
        assert_eq!(self.status, 200, "{}", self.body);
        assert_eq!(self.content_type(), TAXII);
        assert!(self.body.is_empty());
    }
}
