//! Discovery, API root information, status, health, unknown routes.

use liaison_core::users::Role;
use reqwest::Method;

use crate::kit::*;

#[tokio::test]
async fn discovery_needs_no_authentication() {
    let server = TestServer::builder()
        .settings(|s| s.default_api_root = Some(ROOT.into()))
        .start()
        .await;
    let body = server.get("/taxii2/", &Creds::None).await.ok(200);
    assert_eq!(body["title"], "Liaison");
    assert_eq!(body["api_roots"], serde_json::json!(["/api1/"]));
    assert_eq!(body["default"], "/api1/");
}

#[tokio::test]
async fn discovery_names_a_default_only_when_it_exists() {
    let server = TestServer::builder()
        .settings(|s| s.default_api_root = Some("nowhere".into()))
        .start()
        .await;
    let body = server.get("/taxii2/", &Creds::None).await.ok(200);
    assert!(body.get("default").is_none(), "{body}");
}

#[tokio::test]
async fn api_root_information() {
    let server = TestServer::builder()
        .max_content_length(12345)
        .start()
        .await;
    let reader = server.user("rita", Role::Reader).await;
    let body = server.get("/api1/", &reader).await.ok(200);
    assert_eq!(body["title"], "API root one");
    assert_eq!(body["description"], "for tests");
    assert_eq!(body["versions"], serde_json::json!([TAXII]));
    assert_eq!(body["max_content_length"], 12345);
    server.get("/nowhere/", &reader).await.taxii_error(404);
    // Authentication comes before the API root: strangers learn nothing.
    server.get("/nowhere/", &Creds::None).await.taxii_error(401);
    server.get("/api1/", &Creds::None).await.taxii_error(401);
}

#[tokio::test]
async fn status_is_for_its_owner_and_administrators() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let alice = server.analyst("alice", &c, true, true).await;
    let bob = server.analyst("bob", &c, true, true).await;
    let posted = server
        .post_objects(&c, &alice, &[indicator(1, &version(1))])
        .await
        .ok(202);
    let id = posted["id"].as_str().unwrap();
    let path = format!("/api1/status/{id}/");
    let fetched = server.get(&path, &alice).await.ok(200);
    assert_eq!(fetched, posted);
    assert_eq!(fetched["status"], "complete");
    assert!(
        fetched["request_timestamp"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    server.get(&path, &server.admin).await.ok(200);
    server.get(&path, &bob).await.taxii_error(404);
    server.get(&path, &Creds::None).await.taxii_error(401);
    server
        .get("/api1/status/00000000-0000-4000-8000-000000000000/", &alice)
        .await
        .taxii_error(404);
    server
        .get(&format!("/nowhere/status/{id}/"), &alice)
        .await
        .taxii_error(404);
}

#[tokio::test]
async fn health_answers_without_authentication() {
    let server = TestServer::start().await;
    let resp = server
        .req(Method::GET, "/health")
        .without("accept")
        .send()
        .await;
    assert_eq!((resp.status, resp.body.as_str()), (200, "ok"));
}

#[tokio::test]
async fn unknown_routes_and_methods_are_taxii_errors() {
    let server = TestServer::start().await;
    let admin = server.admin.clone();
    server.get("/nothing/here/", &admin).await.taxii_error(404);
    server.get("/", &admin).await.taxii_error(404);
    let hint = server
        .get("/api1/collections", &admin)
        .await
        .taxii_error(404);
    assert!(hint.contains("end with '/'"), "{hint}");
    server.get("/taxii2", &Creds::None).await.taxii_error(404);

    let c = server.collection(None).await;
    let resp = server
        .req(Method::PUT, &objects_path(&c))
        .auth(&admin)
        .send()
        .await;
    resp.taxii_error(405);
    let allow = resp.header("allow").unwrap_or_default().to_owned();
    assert!(
        allow.contains("GET") && allow.contains("POST"),
        "Allow: {allow:?}"
    );
    server
        .req(Method::POST, "/taxii2/")
        .send()
        .await
        .taxii_error(405);
    server
        .req(Method::PATCH, &collection_path(&c))
        .auth(&admin)
        .send()
        .await
        .taxii_error(405);
    server
        .req(Method::DELETE, &objects_path(&c))
        .auth(&admin)
        .send()
        .await
        .taxii_error(405);
}

#[tokio::test]
async fn graceful_shutdown_lets_requests_in_flight_finish() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let Creds::Bearer(token) = server.admin.clone() else {
        unreachable!()
    };
    let body = envelope(&[indicator(1, &version(1))]);
    let (first, rest) = body.split_at(10);
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", server.port))
        .await
        .unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nAccept: {TAXII}\r\nContent-Type: {TAXII}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
        objects_path(&c),
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    // Shut down while the request is half sent, then finish sending it.
    let store = server.store.clone();
    let stopping = tokio::spawn(server.stop());
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        !stopping.is_finished(),
        "the server must wait for the request in flight"
    );
    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 202"), "{response}");
    stopping.await.unwrap();
    assert!(
        store
            .object_exists(ROOT, &c, &indicator_id(1))
            .await
            .unwrap()
    );
}
