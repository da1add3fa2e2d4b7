//! Get Objects and Add Objects: storage exactly as received, status
//! reporting, duplicates, headers, rights.

use serde_json::json;

use crate::kit::*;

/// An indicator with custom properties in an unusual order and number forms
/// that re-serialising through a float would change (compact, minimally
/// escaped: the form in which Liaison stores what it receives).
fn unusual(n: u32) -> String {
    format!(
        r#"{{"x_test_last":{{"b":1.50,"a":[true,null,1e2,-0.0]}},"type":"indicator","spec_version":"2.1","id":"{}","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.1234567Z","name":"café \"quoted\"","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"}}"#,
        indicator_id(n)
    )
}

#[tokio::test]
async fn objects_come_back_exactly_as_posted() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let status = server.add(&c, &[unusual(1), malware(2, &version(1))]).await;
    assert_eq!(status["status"], "complete");
    assert_eq!(
        (
            status["total_count"].clone(),
            status["success_count"].clone()
        ),
        (json!(2), json!(2))
    );
    assert_eq!(status["pending_count"], 0);
    assert_eq!(status["successes"][0]["id"], indicator_id(1));
    assert_eq!(
        status["successes"][0]["version"],
        "2016-04-06T20:03:48.1234567Z"
    );

    let resp = server.get(&objects_path(&c), &server.admin).await;
    resp.ok(200);
    assert_eq!(
        resp.body,
        envelope(&[unusual(1), malware(2, &version(1))]),
        "stored and served verbatim"
    );
    assert!(resp.json().get("more").is_none());
    let first = resp.header("x-taxii-date-added-first").unwrap();
    let last = resp.header("x-taxii-date-added-last").unwrap();
    assert!(first < last, "{first} < {last}");
    assert_eq!(
        first.len(),
        "2020-01-01T00:00:00.000000Z".len(),
        "six fractional digits: {first}"
    );
}

#[tokio::test]
async fn an_empty_collection_is_an_empty_envelope_without_date_headers() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let resp = server.get(&objects_path(&c), &server.admin).await;
    assert_eq!(resp.ok(200), json!({}));
    assert!(resp.header("x-taxii-date-added-first").is_none());
    assert!(resp.header("x-taxii-date-added-last").is_none());
}

#[tokio::test]
async fn each_object_is_judged_on_its_own() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let missing_spec_version = format!(r#"{{"type":"indicator","id":"{}"}}"#, indicator_id(9));
    let objects = [
        indicator(1, &version(1)),
        missing_spec_version,
        "7".to_owned(),
        malware(2, &version(1)),
    ];
    let resp = server.post_objects(&c, &server.admin, &objects).await;
    let status = resp.ok(202);
    assert_eq!(status["total_count"], 4);
    assert_eq!(status["success_count"], 2);
    assert_eq!(status["failure_count"], 2);
    assert_eq!(status["failures"][0]["id"], indicator_id(9));
    let message = status["failures"][0]["message"].as_str().unwrap();
    assert!(message.contains("spec_version"), "{message}");
    assert_eq!(status["failures"][1]["id"], "");
    let stored = server.get(&objects_path(&c), &server.admin).await.ids();
    assert_eq!(stored, vec![indicator_id(1), malware_id(2)]);
}

#[tokio::test]
async fn duplicates_succeed_without_a_new_record_and_conflicts_fail() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    server.add(&c, &[indicator(1, &version(1))]).await;
    let again = server.add(&c, &[indicator(1, &version(1))]).await;
    assert_eq!(again["success_count"], 1);
    assert!(
        again["successes"][0]["message"]
            .as_str()
            .unwrap()
            .contains("already"),
        "{again}"
    );
    let manifest = server.get(&manifest_path(&c), &server.admin).await.ok(200);
    assert_eq!(manifest["objects"].as_array().unwrap().len(), 1);

    let different = indicator(1, &version(1)).replace("indicator 1", "changed");
    let status = server
        .post_objects(&c, &server.admin, &[different])
        .await
        .ok(202);
    assert_eq!(status["failure_count"], 1, "{status}");
    let kept = server.get(&objects_path(&c), &server.admin).await.json();
    assert_eq!(
        kept["objects"][0]["name"], "indicator 1",
        "the first stored version is kept"
    );
}

#[tokio::test]
async fn an_empty_envelope_is_a_complete_empty_status() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    for body in ["{}", r#"{"objects":[]}"#, r#"{"more":false,"objects":[]}"#] {
        let status = server
            .req(reqwest::Method::POST, &objects_path(&c))
            .auth(&server.admin)
            .header("content-type", TAXII)
            .body(body)
            .send()
            .await
            .ok(202);
        assert_eq!(status["total_count"], 0);
        assert_eq!(status["status"], "complete");
    }
}

#[tokio::test]
async fn rights_decide_between_403_and_404() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    server.add(&c, &[indicator(1, &version(1))]).await;
    let reader = server.analyst("reader", &c, true, false).await;
    let writer = server.analyst("writer", &c, false, true).await;
    let nobody = server
        .analyst("nobody", &server.collection(None).await, true, true)
        .await;
    let one = [indicator(2, &version(1))];

    server.get(&objects_path(&c), &reader).await.ok(200);
    server
        .post_objects(&c, &reader, &one)
        .await
        .taxii_error(403);
    server
        .get(&objects_path(&c), &writer)
        .await
        .taxii_error(403);
    server
        .get(&manifest_path(&c), &writer)
        .await
        .taxii_error(403);
    server
        .get(&object_path(&c, &indicator_id(1)), &writer)
        .await
        .taxii_error(403);
    server
        .get(&versions_path(&c, &indicator_id(1)), &writer)
        .await
        .taxii_error(403);
    server.post_objects(&c, &writer, &one).await.ok(202);
    for path in [
        objects_path(&c),
        manifest_path(&c),
        object_path(&c, &indicator_id(1)),
        versions_path(&c, &indicator_id(1)),
    ] {
        server.get(&path, &nobody).await.taxii_error(404);
        server.get(&path, &Creds::None).await.taxii_error(401);
    }
    server
        .post_objects(&c, &nobody, &one)
        .await
        .taxii_error(404);
    server
        .post_objects(&c, &Creds::None, &one)
        .await
        .taxii_error(401);
}

#[tokio::test]
async fn unversioned_objects_show_a_stable_version() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let id = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd";
    let sco = format!(
        r#"{{"type":"ipv4-addr","spec_version":"2.1","id":"{id}","value":"198.51.100.3"}}"#
    );
    let status = server.add(&c, std::slice::from_ref(&sco)).await;
    let manifest = server.get(&manifest_path(&c), &server.admin).await.ok(200);
    let record = &manifest["objects"][0];
    assert_eq!(record["id"], id);
    assert_eq!(
        record["version"], record["date_added"],
        "unversioned: the date it was added"
    );
    assert_eq!(status["successes"][0]["version"], record["version"]);
    let versions = server
        .get(&versions_path(&c, id), &server.admin)
        .await
        .ok(200);
    assert_eq!(versions["versions"][0], record["version"]);
    let object = server.get(&object_path(&c, id), &server.admin).await;
    assert_eq!(object.body, envelope(std::slice::from_ref(&sco)));
    // Posting it again changes nothing.
    let again = server.add(&c, &[sco]).await;
    assert_eq!(again["success_count"], 1);
    let manifest = server.get(&manifest_path(&c), &server.admin).await.ok(200);
    assert_eq!(manifest["objects"].as_array().unwrap().len(), 1);
}

/// TAXII: `match[version]` matches the version a manifest shows, which for
/// objects with neither `modified` nor `created` is a server value (Liaison:
/// their `date_added`).
#[tokio::test]
async fn unversioned_objects_match_their_shown_version() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let id = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd";
    let sco = format!(
        r#"{{"type":"ipv4-addr","spec_version":"2.1","id":"{id}","value":"198.51.100.3"}}"#
    );
    server.add(&c, std::slice::from_ref(&sco)).await;
    let manifest = server.get(&manifest_path(&c), &server.admin).await.ok(200);
    let shown = manifest["objects"][0]["version"]
        .as_str()
        .unwrap()
        .to_owned();
    let found = server
        .get(
            &format!("{}?match[version]={shown}", object_path(&c, id)),
            &server.admin,
        )
        .await;
    assert_eq!(found.ids(), vec![id.to_owned()], "{}", found.body);
}
