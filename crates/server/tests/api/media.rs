//! Media types: 406 for an unacceptable `Accept`, 415 for a wrong
//! `Content-Type`, the TAXII media type on every response, and the order
//! of checks (Accept, authentication, API root, collection, permission,
//! parameters, Content-Type, size).

use reqwest::Method;

use crate::kit::*;

#[tokio::test]
async fn acceptable_and_unacceptable_accept_headers() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let admin = server.admin.clone();
    for accept in [
        TAXII,
        "application/taxii+json",
        "application/taxii+json; version=2.1",
        "*/*",
        "application/*",
        "text/html, application/taxii+json;q=0.5",
        "application/taxii+json;version=2.0, application/taxii+json;version=2.1",
    ] {
        let resp = server
            .req(Method::GET, &objects_path(&c))
            .auth(&admin)
            .header("accept", accept)
            .send()
            .await;
        resp.ok(200);
    }
    let resp = server
        .req(Method::GET, &objects_path(&c))
        .auth(&admin)
        .without("accept")
        .send()
        .await;
    resp.ok(200);
    for accept in [
        "application/json",
        "application/taxii+json;version=2.0",
        "application/taxii+json;q=0",
        "application/stix+json;version=2.1",
        "text/html",
        "*/*;q=0",
    ] {
        for path in [
            "/taxii2/".to_owned(),
            "/api1/".to_owned(),
            objects_path(&c),
            collection_path(&c),
        ] {
            let resp = server
                .req(Method::GET, &path)
                .auth(&admin)
                .header("accept", accept)
                .send()
                .await;
            let description = resp.taxii_error(406);
            assert!(description.contains("Accept"), "{description}");
        }
    }
}

#[tokio::test]
async fn the_manifest_also_accepts_stix() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let admin = server.admin.clone();
    for accept in [
        "application/stix+json;version=2.1",
        "application/taxii+json;version=2.1,application/stix+json;version=2.1",
        "application/stix+json",
    ] {
        let resp = server
            .req(Method::GET, &manifest_path(&c))
            .auth(&admin)
            .header("accept", accept)
            .send()
            .await;
        resp.ok(200);
    }
    let resp = server
        .req(Method::GET, &manifest_path(&c))
        .auth(&admin)
        .header("accept", "application/stix+json;version=2.0")
        .send()
        .await;
    resp.taxii_error(406);
}

#[tokio::test]
async fn posts_need_the_taxii_content_type() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let body = envelope(&[indicator(1, &version(1))]);
    let post = || {
        server
            .req(Method::POST, &objects_path(&c))
            .auth(&server.admin)
            .body(body.clone())
    };
    post().header("content-type", TAXII).send().await.ok(202);
    post()
        .header("content-type", "application/taxii+json")
        .send()
        .await
        .ok(202);
    post().send().await.taxii_error(415);
    for content_type in [
        "application/json",
        "application/taxii+json;version=2.0",
        "application/stix+json;version=2.1",
        "text/plain",
        "application/taxii+json;charset=iso-8859-1",
    ] {
        let description = post()
            .header("content-type", content_type)
            .send()
            .await
            .taxii_error(415);
        assert!(description.contains("Content-Type"), "{description}");
    }
}

#[tokio::test]
async fn checks_run_in_order() {
    let server = TestServer::builder().max_content_length(100).start().await;
    let c = server.collection(None).await;
    let read_only = server.analyst("reader", &c, true, false).await;
    let big = envelope(&[indicator(1, &version(1))]);
    let post = |creds: &Creds, path: &str| {
        server
            .req(Method::POST, path)
            .auth(creds)
            .header("content-type", "text/plain")
            .body(big.clone())
    };
    // Accept before authentication.
    let resp = post(&Creds::None, &objects_path(&c))
        .header("accept", "text/html")
        .send()
        .await;
    resp.taxii_error(406);
    // Authentication before the API root and the collection.
    post(&Creds::None, "/nowhere/collections/x/objects/")
        .send()
        .await
        .taxii_error(401);
    // API root, then collection.
    post(&server.admin, "/nowhere/collections/x/objects/")
        .send()
        .await
        .taxii_error(404);
    post(&server.admin, &objects_path("no-such"))
        .send()
        .await
        .taxii_error(404);
    // Permission before Content-Type.
    post(&read_only, &objects_path(&c))
        .send()
        .await
        .taxii_error(403);
    // Content-Type before size.
    post(&server.admin, &objects_path(&c))
        .send()
        .await
        .taxii_error(415);
    let resp = server
        .req(Method::POST, &objects_path(&c))
        .auth(&server.admin)
        .envelope(&[indicator(1, &version(1))])
        .send()
        .await;
    resp.taxii_error(413);
    // Parameters before the collection's content on reads.
    let resp = server
        .get(&format!("{}?limit=0", objects_path(&c)), &read_only)
        .await;
    resp.taxii_error(400);
    let writer = server.analyst("writer", &c, false, true).await;
    server
        .get(&format!("{}?limit=0", objects_path(&c)), &writer)
        .await
        .taxii_error(403);
}

#[tokio::test]
async fn every_response_is_taxii() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let admin = server.admin.clone();
    server.add(&c, &[indicator(1, &version(1))]).await;
    let requests = [
        server.req(Method::GET, "/taxii2/"),
        server.req(Method::GET, "/api1/").auth(&admin),
        server.req(Method::GET, "/api1/collections/").auth(&admin),
        server.req(Method::GET, &objects_path(&c)).auth(&admin),
        server
            .req(Method::GET, &versions_path(&c, &indicator_id(1)))
            .auth(&admin),
        server
            .req(Method::DELETE, &object_path(&c, &indicator_id(1)))
            .auth(&admin),
        server.req(Method::GET, "/api1/"),
        server.req(Method::GET, "/unknown"),
        server.req(Method::OPTIONS, "/taxii2/"),
        server.req(Method::HEAD, "/taxii2/"),
    ];
    for request in requests {
        let resp = request.send().await;
        assert_eq!(
            resp.content_type(),
            TAXII,
            "status {}: {}",
            resp.status,
            resp.body
        );
    }
}
