//! The liaison-taxii client against servers that behave differently from
//! Liaison: pagination without `next` (by `X-TAXII-Date-Added-Last`), a
//! pending status, a wrong media type.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use liaison_taxii::client::{Client, ClientError, Filter};
use liaison_taxii::resources::StatusResource;

use crate::kit::TAXII;

/// Serves `router` on a loopback port; returns the discovery URL.
async fn fake(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}/taxii2/")
}

fn client(discovery: &str) -> Client {
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    Client::builder(discovery)
        .tls_config(tls)
        .allow_plain_http(true)
        .build()
        .unwrap()
}

/// Ten objects with `date_added` 1..=10 seconds; pages of at most 3 with
/// `more` but never `next`, continued by `added_after`.
async fn medallion_like_page(Query(params): Query<Vec<(String, String)>>) -> impl IntoResponse {
    let after = params
        .iter()
        .find(|(k, _)| k == "added_after")
        .map(|(_, v)| v[17..19].parse::<u32>().unwrap())
        .unwrap_or(0);
    let items: Vec<u32> = (after + 1..=10).take(3).collect();
    let objects: Vec<String> = items
        .iter()
        .map(|n| format!(r#"{{"id":"x--{n}"}}"#))
        .collect();
    let more = items.last().is_some_and(|&n| n < 10);
    let stamp = |n: u32| format!("2020-01-01T00:00:{n:02}.000000Z");
    let body = format!(r#"{{"more":{more},"objects":[{}]}}"#, objects.join(","));
    let mut headers = vec![(CONTENT_TYPE.to_string(), TAXII.to_owned())];
    if let (Some(first), Some(last)) = (items.first(), items.last()) {
        headers.push(("X-TAXII-Date-Added-First".into(), stamp(*first)));
        headers.push(("X-TAXII-Date-Added-Last".into(), stamp(*last)));
    }
    let mut response = body.into_response();
    for (name, value) in headers {
        response.headers_mut().insert(
            axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    response
}

#[tokio::test]
async fn pages_without_next_continue_by_date_added() {
    let url =
        fake(Router::new().route("/api/collections/c/objects/", get(medallion_like_page))).await;
    let client = client(&url);
    let root = client.api_root_url("/api/").unwrap();
    let objects = client
        .all_objects(&root, "c", &Filter::default(), 3)
        .await
        .unwrap();
    let ids: Vec<String> = objects.iter().map(|o| o.get().to_owned()).collect();
    let want: Vec<String> = (1..=10).map(|n| format!(r#"{{"id":"x--{n}"}}"#)).collect();
    assert_eq!(ids, want);
}

fn status(state: &str, pending: u64) -> StatusResource {
    StatusResource {
        id: "00000000-0000-4000-8000-000000000001".into(),
        status: state.into(),
        request_timestamp: None,
        total_count: 1,
        success_count: 1 - pending,
        successes: vec![],
        failure_count: 0,
        failures: vec![],
        pending_count: pending,
        pendings: vec![],
    }
}

#[tokio::test]
async fn pending_statuses_are_polled_until_complete() {
    let polls = Arc::new(AtomicUsize::new(0));
    let router = Router::new()
        .route(
            "/api/status/{id}/",
            get(|State(polls): State<Arc<AtomicUsize>>| async move {
                let n = polls.fetch_add(1, Ordering::SeqCst);
                let s = if n < 2 {
                    status("pending", 1)
                } else {
                    status("complete", 0)
                };
                ([(CONTENT_TYPE, TAXII)], serde_json::to_string(&s).unwrap())
            }),
        )
        .with_state(polls.clone());
    let url = fake(router).await;
    let client = client(&url);
    let root = client.api_root_url("/api/").unwrap();
    let done = client
        .wait_for_status(
            &root,
            status("pending", 1),
            Duration::from_millis(5),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    assert!(done.is_complete());
    assert_eq!(polls.load(Ordering::SeqCst), 3);

    let never = client
        .wait_for_status(
            &root,
            status("pending", 1),
            Duration::from_millis(5),
            Duration::ZERO,
        )
        .await;
    assert!(matches!(never, Err(ClientError::StatusTimeout { .. })));
}

#[tokio::test]
async fn responses_must_be_taxii() {
    let router = Router::new().route(
        "/taxii2/",
        get(|| async {
            (
                [(CONTENT_TYPE, "application/json")],
                r#"{"title":"not taxii"}"#,
            )
        }),
    );
    let client = client(&fake(router).await);
    assert!(matches!(
        client.discovery().await,
        Err(ClientError::ContentType { .. })
    ));
    let empty = client
        .api_root(&client.api_root_url("/nothing/").unwrap())
        .await
        .unwrap_err();
    assert_eq!(empty.http_status(), Some(404));
}
