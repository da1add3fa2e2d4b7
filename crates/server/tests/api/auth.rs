//! Authentication: HTTP Basic with the verification cache, bearer tokens,
//! and the 401 answer.

use std::sync::Arc;

use liaison_core::clock::ManualClock;
use liaison_core::users::{self, Role};
use reqwest::Method;

use crate::kit::*;

const CHALLENGE: &str = r#"Basic realm="liaison", charset="UTF-8", Bearer realm="liaison""#;

#[tokio::test]
async fn failures_are_401_with_both_challenges() {
    let server = TestServer::start().await;
    let alice = server
        .password_user("alice", Role::Analyst, "correct horse battery")
        .await;
    assert!(matches!(alice, Creds::Basic(..)));
    let failures = [
        Creds::None,
        Creds::Basic("alice".into(), "wrong horse battery".into()),
        Creds::Basic("mallory".into(), "correct horse battery".into()),
        Creds::Basic("admin".into(), "".into()), // token-only user: no password
        Creds::Bearer("liaison_nope_nope".into()),
        Creds::Bearer("not-a-liaison-token".into()),
        Creds::Raw("Digest username=alice".into()),
        Creds::Raw("Basic not-base64!".into()),
    ];
    for creds in &failures {
        let resp = server.get("/api1/", creds).await;
        resp.taxii_error(401);
        assert_eq!(
            resp.header("www-authenticate"),
            Some(CHALLENGE),
            "{creds:?}"
        );
    }
    server.get("/api1/", &alice).await.ok(200);
}

#[tokio::test]
async fn two_authorization_headers_are_refused() {
    let server = TestServer::start().await;
    let Creds::Bearer(token) = server.admin.clone() else {
        unreachable!()
    };
    let mut headers = reqwest::header::HeaderMap::new();
    headers.append("authorization", format!("Bearer {token}").parse().unwrap());
    headers.append("authorization", format!("Bearer {token}").parse().unwrap());
    let resp = server
        .http
        .get(format!("{}/api1/", server.url))
        .headers(headers)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test]
async fn basic_verifications_are_cached_and_a_password_change_invalidates_them() {
    let clock = Arc::new(ManualClock::new(1_700_000_000_000_000));
    let server = TestServer::builder().clock(clock.clone()).start().await;
    let alice = server
        .password_user("alice", Role::Analyst, "correct horse battery")
        .await;
    assert!(server.state_cache_is_empty());
    server.get("/api1/", &alice).await.ok(200);
    assert_eq!(server.state_cache_len(), 1);
    server.get("/api1/", &alice).await.ok(200);
    assert_eq!(server.state_cache_len(), 1, "served from the cache");
    // Wrong passwords are never cached.
    server
        .get(
            "/api1/",
            &Creds::Basic("alice".into(), "wrong horse battery".into()),
        )
        .await
        .taxii_error(401);
    assert_eq!(server.state_cache_len(), 1);

    // A new password: the old one stops working at once, cache or not.
    let user = server.store.user("alice").await.unwrap().unwrap();
    let hash = users::hash_password("a brand new password").unwrap();
    server
        .store
        .update_user(&liaison_core::users::User {
            password_hash: Some(hash),
            ..user
        })
        .await
        .unwrap();
    server.get("/api1/", &alice).await.taxii_error(401);
    server
        .get(
            "/api1/",
            &Creds::Basic("alice".into(), "a brand new password".into()),
        )
        .await
        .ok(200);

    // Expired entries are verified again (and still work).
    clock.advance(3_600_000_000);
    server
        .get(
            "/api1/",
            &Creds::Basic("alice".into(), "a brand new password".into()),
        )
        .await
        .ok(200);
}

#[tokio::test]
async fn tokens_stop_working_when_revoked_or_their_user_is_deleted() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let bob = server.analyst("bob", &c, true, true).await;
    server.get(&objects_path(&c), &bob).await.ok(200);
    let Creds::Bearer(token) = &bob else {
        unreachable!()
    };
    let (id, _) = users::parse_token(token).unwrap();
    // Right id, wrong secret.
    server
        .get(
            "/api1/",
            &Creds::Bearer(format!("liaison_{id}_wrongsecret")),
        )
        .await
        .taxii_error(401);
    server.store.delete_token(id).await.unwrap();
    server.get("/api1/", &bob).await.taxii_error(401);

    let carol = server.analyst("carol", &c, true, true).await;
    server.store.delete_user("carol").await.unwrap();
    server.get("/api1/", &carol).await.taxii_error(401);
}

#[tokio::test]
async fn discovery_and_health_are_the_only_open_doors() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    server.get("/taxii2/", &Creds::None).await.ok(200);
    assert_eq!(server.req(Method::GET, "/health").send().await.status, 200);
    let closed = [
        "/api1/".to_owned(),
        "/api1/collections/".to_owned(),
        collection_path(&c),
        objects_path(&c),
        manifest_path(&c),
        object_path(&c, &indicator_id(1)),
        versions_path(&c, &indicator_id(1)),
        "/api1/status/00000000-0000-4000-8000-000000000000/".to_owned(),
    ];
    for path in closed {
        server.get(&path, &Creds::None).await.taxii_error(401);
    }
    server
        .delete(&object_path(&c, &indicator_id(1)), &Creds::None)
        .await
        .taxii_error(401);
}

impl TestServer {
    fn state_cache_len(&self) -> usize {
        self.state.auth_cache_len()
    }

    fn state_cache_is_empty(&self) -> bool {
        self.state_cache_len() == 0
    }
}
