//! The admin API: users, tokens, API roots, collections and grants.

use liaison_core::users::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::kit::*;

async fn call(server: &TestServer, method: Method, path: &str, body: Option<Value>) -> Resp {
    let mut req = server
        .req(method, &format!("/admin/v1{path}"))
        .without("accept")
        .auth(&server.admin);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await
}

fn ok(resp: &Resp, status: u16) -> Value {
    assert_eq!(resp.status, status, "{}", resp.body);
    assert_eq!(resp.content_type(), "application/json");
    resp.json()
}

#[tokio::test]
async fn only_administrators_may_use_it() {
    let server = TestServer::start().await;
    let analyst = server.user("alice", Role::Analyst).await;
    let resp = server
        .req(Method::GET, "/admin/v1/users")
        .auth(&analyst)
        .send()
        .await;
    resp.admin_error(403);
    let resp = server.req(Method::GET, "/admin/v1/users").send().await;
    resp.admin_error(401);
    assert!(
        resp.header("www-authenticate")
            .unwrap()
            .contains("Basic realm=\"liaison\"")
    );
    call(&server, Method::GET, "/nothing", None)
        .await
        .admin_error(404);
    call(&server, Method::DELETE, "/users", None)
        .await
        .admin_error(405);
}

#[tokio::test]
async fn users_lifecycle() {
    let server = TestServer::start().await;
    let created = ok(
        &call(
            &server,
            Method::POST,
            "/users",
            Some(json!({"name": "bob", "role": "analyst", "password": "a long enough secret"})),
        )
        .await,
        201,
    );
    assert_eq!(
        created,
        json!({"name": "bob", "role": "analyst", "has_password": true})
    );
    assert!(!created.to_string().contains("secret"));
    call(
        &server,
        Method::POST,
        "/users",
        Some(json!({"name": "bob", "role": "reader"})),
    )
    .await
    .admin_error(409);
    call(
        &server,
        Method::POST,
        "/users",
        Some(json!({"name": "b o b", "role": "reader"})),
    )
    .await
    .admin_error(400);
    call(
        &server,
        Method::POST,
        "/users",
        Some(json!({"name": "carl", "role": "root"})),
    )
    .await
    .admin_error(400);
    call(
        &server,
        Method::POST,
        "/users",
        Some(json!({"name": "carl", "role": "reader", "password": "short"})),
    )
    .await
    .admin_error(400);
    call(
        &server,
        Method::POST,
        "/users",
        Some(json!({"name": "carl", "role": "reader", "extra": 1})),
    )
    .await
    .admin_error(400);
    call(
        &server,
        Method::POST,
        "/users",
        Some(json!({"name": "carl"})),
    )
    .await
    .admin_error(400);
    let token_only = ok(
        &call(
            &server,
            Method::POST,
            "/users",
            Some(json!({"name": "svc", "role": "reader"})),
        )
        .await,
        201,
    );
    assert_eq!(token_only["has_password"], false);

    let list = ok(&call(&server, Method::GET, "/users", None).await, 200);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["admin", "bob", "svc"]);
    assert_eq!(
        ok(&call(&server, Method::GET, "/users/bob", None).await, 200)["role"],
        "analyst"
    );
    call(&server, Method::GET, "/users/nobody", None)
        .await
        .admin_error(404);

    // Basic login works, then a new password replaces the old one.
    server
        .get(
            "/api1/",
            &Creds::Basic("bob".into(), "a long enough secret".into()),
        )
        .await
        .ok(200);
    let updated = ok(
        &call(
            &server,
            Method::PATCH,
            "/users/bob",
            Some(json!({"role": "reader", "password": "another long secret"})),
        )
        .await,
        200,
    );
    assert_eq!(updated["role"], "reader");
    server
        .get(
            "/api1/",
            &Creds::Basic("bob".into(), "a long enough secret".into()),
        )
        .await
        .taxii_error(401);
    server
        .get(
            "/api1/",
            &Creds::Basic("bob".into(), "another long secret".into()),
        )
        .await
        .ok(200);
    call(
        &server,
        Method::PATCH,
        "/users/nobody",
        Some(json!({"role": "reader"})),
    )
    .await
    .admin_error(404);

    // An administrator cannot lock themselves out.
    call(
        &server,
        Method::PATCH,
        "/users/admin",
        Some(json!({"role": "reader"})),
    )
    .await
    .admin_error(409);
    call(&server, Method::DELETE, "/users/admin", None)
        .await
        .admin_error(409);

    assert_eq!(
        call(&server, Method::DELETE, "/users/bob", None)
            .await
            .status,
        204
    );
    call(&server, Method::GET, "/users/bob", None)
        .await
        .admin_error(404);
    call(&server, Method::DELETE, "/users/bob", None)
        .await
        .admin_error(404);
}

#[tokio::test]
async fn tokens_are_shown_once_and_can_be_revoked() {
    let server = TestServer::start().await;
    call(
        &server,
        Method::POST,
        "/users",
        Some(json!({"name": "siem", "role": "reader"})),
    )
    .await;
    let created = ok(
        &call(
            &server,
            Method::POST,
            "/users/siem/tokens",
            Some(json!({"label": "SIEM connector"})),
        )
        .await,
        201,
    );
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("liaison_"));
    assert_eq!(created["label"], "SIEM connector");
    assert_eq!(created["user"], "siem");
    server
        .get("/api1/", &Creds::Bearer(token.clone()))
        .await
        .ok(200);

    let list = ok(
        &call(&server, Method::GET, "/users/siem/tokens", None).await,
        200,
    );
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(list[0].get("token").is_none());
    assert!(
        !list.to_string().contains(&token[20..]),
        "no secrets in listings"
    );
    let id = list[0]["id"].as_str().unwrap();

    call(
        &server,
        Method::POST,
        "/users/siem/tokens",
        Some(json!({"label": ""})),
    )
    .await
    .admin_error(400);
    call(
        &server,
        Method::POST,
        "/users/nobody/tokens",
        Some(json!({"label": "x"})),
    )
    .await
    .admin_error(404);
    call(&server, Method::GET, "/users/nobody/tokens", None)
        .await
        .admin_error(404);
    assert_eq!(
        call(&server, Method::DELETE, &format!("/tokens/{id}"), None)
            .await
            .status,
        204
    );
    server
        .get("/api1/", &Creds::Bearer(token))
        .await
        .taxii_error(401);
    call(&server, Method::DELETE, &format!("/tokens/{id}"), None)
        .await
        .admin_error(404);
}

#[tokio::test]
async fn api_roots_and_collections() {
    let server = TestServer::start().await;
    let root = ok(
        &call(
            &server,
            Method::POST,
            "/api-roots",
            Some(
                json!({"name": "trust-group", "title": "Trust group", "max_content_length": 1000}),
            ),
        )
        .await,
        201,
    );
    assert_eq!(root["max_content_length"], 1000);
    call(
        &server,
        Method::POST,
        "/api-roots",
        Some(json!({"name": "trust-group", "title": "again"})),
    )
    .await
    .admin_error(409);
    for reserved in ["taxii2", "admin", "health", "metrics", "ui", "federation"] {
        let message = call(
            &server,
            Method::POST,
            "/api-roots",
            Some(json!({"name": reserved, "title": "x"})),
        )
        .await
        .admin_error(400);
        assert!(message.contains("reserved"), "{message}");
    }
    call(
        &server,
        Method::POST,
        "/api-roots",
        Some(json!({"name": "Bad Name", "title": "x"})),
    )
    .await
    .admin_error(400);
    call(
        &server,
        Method::POST,
        "/api-roots",
        Some(json!({"name": "zero", "title": "x", "max_content_length": 0})),
    )
    .await
    .admin_error(400);
    let roots = ok(&call(&server, Method::GET, "/api-roots", None).await, 200);
    let names: Vec<&str> = roots
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["api1", "trust-group"]);
    let discovery = server.get("/taxii2/", &Creds::None).await.ok(200);
    assert_eq!(discovery["api_roots"], json!(["/api1/", "/trust-group/"]));

    let coll = ok(&call(&server, Method::POST, "/collections", Some(json!({"api_root": "trust-group", "title": "Indicators", "description": "high value", "alias": "hvi"}))).await, 201);
    let id = coll["id"].as_str().unwrap().to_owned();
    assert_eq!(liaison_stix::Uuid::parse(&id).unwrap().version(), 4);
    call(
        &server,
        Method::POST,
        "/collections",
        Some(json!({"api_root": "trust-group", "title": "again", "alias": "hvi"})),
    )
    .await
    .admin_error(409);
    call(
        &server,
        Method::POST,
        "/collections",
        Some(json!({"api_root": "nowhere", "title": "x"})),
    )
    .await
    .admin_error(404);
    call(
        &server,
        Method::POST,
        "/collections",
        Some(json!({"api_root": "trust-group", "title": "x", "alias": "Not OK"})),
    )
    .await
    .admin_error(400);
    call(
        &server,
        Method::POST,
        "/collections",
        Some(json!({"api_root": "trust-group", "title": ""})),
    )
    .await
    .admin_error(400);
    server.collection(Some("other")).await;
    let all = ok(&call(&server, Method::GET, "/collections", None).await, 200);
    assert_eq!(all.as_array().unwrap().len(), 2);
    let narrowed = ok(
        &call(
            &server,
            Method::GET,
            "/collections?api_root=trust-group",
            None,
        )
        .await,
        200,
    );
    assert_eq!(
        narrowed,
        json!([{"id": id, "api_root": "trust-group", "title": "Indicators", "description": "high value", "alias": "hvi"}])
    );
    let taxii = server
        .get("/trust-group/collections/hvi/", &server.admin)
        .await
        .ok(200);
    assert_eq!(taxii["id"], id);
}

#[tokio::test]
async fn grants_give_rights_in_taxii() {
    let server = TestServer::start().await;
    let c = server.collection(Some("shared")).await;
    let dave = server.user("dave", Role::Analyst).await;
    server
        .get(&collection_path(&c), &dave)
        .await
        .taxii_error(404);

    let grant = json!({"user": "dave", "api_root": "api1", "collection": "shared", "read": true, "write": false});
    let set = ok(
        &call(&server, Method::PUT, "/grants", Some(grant)).await,
        200,
    );
    assert_eq!(set["collection"], c.as_str());
    let body = server.get(&collection_path(&c), &dave).await.ok(200);
    assert_eq!(
        (body["can_read"].clone(), body["can_write"].clone()),
        (json!(true), json!(false))
    );
    let grants = ok(
        &call(&server, Method::GET, "/users/dave/grants", None).await,
        200,
    );
    assert_eq!(
        grants,
        json!([{"user": "dave", "api_root": "api1", "collection": c, "read": true, "write": false}])
    );

    // Both false removes the grant.
    let none =
        json!({"user": "dave", "api_root": "api1", "collection": c, "read": false, "write": false});
    ok(
        &call(&server, Method::PUT, "/grants", Some(none)).await,
        200,
    );
    server
        .get(&collection_path(&c), &dave)
        .await
        .taxii_error(404);
    assert_eq!(
        ok(
            &call(&server, Method::GET, "/users/dave/grants", None).await,
            200
        ),
        json!([])
    );

    let bad_user =
        json!({"user": "nobody", "api_root": "api1", "collection": c, "read": true, "write": true});
    call(&server, Method::PUT, "/grants", Some(bad_user))
        .await
        .admin_error(404);
    let bad_collection = json!({"user": "dave", "api_root": "api1", "collection": "missing", "read": true, "write": true});
    call(&server, Method::PUT, "/grants", Some(bad_collection))
        .await
        .admin_error(404);
    call(
        &server,
        Method::PUT,
        "/grants",
        Some(json!({"user": "dave"})),
    )
    .await
    .admin_error(400);
    call(&server, Method::GET, "/users/nobody/grants", None)
        .await
        .admin_error(404);
}

#[tokio::test]
async fn bodies_must_be_json() {
    let server = TestServer::start().await;
    let post = |content_type: &str, body: &str| {
        server
            .req(Method::POST, "/admin/v1/users")
            .without("accept")
            .auth(&server.admin)
            .header("content-type", content_type)
            .body(body.to_owned())
    };
    post("text/plain", r#"{"name":"x","role":"reader"}"#)
        .send()
        .await
        .admin_error(415);
    post("application/x-www-form-urlencoded", "name=x&role=reader")
        .send()
        .await
        .admin_error(415);
    post("application/json", "{").send().await.admin_error(400);
    post("application/json", "[]").send().await.admin_error(400);
    post(
        "application/json",
        &format!(r#"{{"name":"{}","role":"reader"}}"#, "x".repeat(70_000)),
    )
    .send()
    .await
    .admin_error(413);
    post(
        "application/json; charset=utf-8",
        r#"{"name":"x","role":"reader"}"#,
    )
    .send()
    .await;
    assert_eq!(
        call(&server, Method::GET, "/users/x", None).await.status,
        200
    );
}
