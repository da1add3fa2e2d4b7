//! Pagination everywhere it applies: `limit`, `more`, `next`, and
//! `added_after` with `X-TAXII-Date-Added-Last`.

use serde_json::Value;

use crate::kit::*;

async fn seven(server: &TestServer) -> String {
    let c = server.collection(None).await;
    let objects: Vec<String> = (1..=7).map(|n| indicator(n, &version(1))).collect();
    server.add(&c, &objects[..4]).await;
    server.add(&c, &objects[4..]).await;
    c
}

fn ids(range: std::ops::RangeInclusive<u32>) -> Vec<String> {
    range.map(indicator_id).collect()
}

fn query(path: &str, params: &[(&str, &str)]) -> String {
    let mut url = reqwest::Url::parse("http://x").unwrap().join(path).unwrap();
    for (k, v) in params {
        url.query_pairs_mut().append_pair(k, v);
    }
    format!("{}?{}", url.path(), url.query().unwrap_or(""))
}

#[tokio::test]
async fn next_walks_every_page_once() {
    let server = TestServer::start().await;
    let c = seven(&server).await;
    let path = objects_path(&c);

    let first = server
        .get(&query(&path, &[("limit", "3")]), &server.admin)
        .await;
    let body = first.ok(200);
    assert_eq!(first.ids(), ids(1..=3));
    assert_eq!(body["more"], true);
    let next = body["next"].as_str().unwrap().to_owned();
    assert!(first.header("x-taxii-date-added-first").is_some());

    // A client may change limit between pages (taxii2-client does).
    let second = server
        .get(
            &query(&path, &[("limit", "2"), ("next", &next)]),
            &server.admin,
        )
        .await;
    let body = second.ok(200);
    assert_eq!(second.ids(), ids(4..=5));
    let next = body["next"].as_str().unwrap().to_owned();

    let third = server
        .get(
            &query(&path, &[("limit", "5"), ("next", &next)]),
            &server.admin,
        )
        .await;
    let body = third.ok(200);
    assert_eq!(third.ids(), ids(6..=7));
    assert!(
        body.get("more").is_none() && body.get("next").is_none(),
        "{body}"
    );
}

#[tokio::test]
async fn a_page_ending_exactly_at_the_end_has_no_more() {
    let server = TestServer::start().await;
    let c = seven(&server).await;
    let body = server
        .get(&query(&objects_path(&c), &[("limit", "7")]), &server.admin)
        .await
        .ok(200);
    assert!(body.get("more").is_none(), "{body}");
    let body = server
        .get(&query(&objects_path(&c), &[("limit", "6")]), &server.admin)
        .await
        .ok(200);
    assert_eq!(body["more"], true);
}

#[tokio::test]
async fn added_after_with_the_last_date_added_header_walks_the_same_pages() {
    let server = TestServer::start().await;
    let c = seven(&server).await;
    let mut seen = Vec::new();
    let mut added_after: Option<String> = None;
    for _ in 0..10 {
        let mut params = vec![("limit", "3")];
        if let Some(a) = &added_after {
            params.push(("added_after", a));
        }
        let resp = server
            .get(&query(&objects_path(&c), &params), &server.admin)
            .await;
        let body = resp.ok(200);
        seen.extend(resp.ids());
        if body["more"] != true {
            break;
        }
        added_after = Some(resp.header("x-taxii-date-added-last").unwrap().to_owned());
    }
    assert_eq!(seen, ids(1..=7));
}

#[tokio::test]
async fn limit_is_capped_at_the_server_maximum() {
    let server = TestServer::builder()
        .settings(|s| s.max_page_size = 2)
        .start()
        .await;
    let c = seven(&server).await;
    for params in [
        vec![("limit", "100")],
        vec![],
        vec![("limit", "99999999999999999999999")],
    ] {
        let resp = server
            .get(&query(&objects_path(&c), &params), &server.admin)
            .await;
        assert_eq!(resp.ids(), ids(1..=2), "{params:?}");
        assert_eq!(resp.json()["more"], true);
    }
}

#[tokio::test]
async fn cursors_only_continue_their_own_query() {
    let server = TestServer::start().await;
    let c = seven(&server).await;
    let other = server.collection(None).await;
    let body = server
        .get(
            &query(
                &objects_path(&c),
                &[("limit", "2"), ("match[type]", "indicator")],
            ),
            &server.admin,
        )
        .await
        .ok(200);
    let next = body["next"].as_str().unwrap();

    let same = query(
        &objects_path(&c),
        &[("match[type]", "indicator"), ("next", next)],
    );
    server.get(&same, &server.admin).await.ok(200);
    for path in [
        query(&objects_path(&c), &[("next", next)]),
        query(
            &objects_path(&c),
            &[("match[type]", "malware"), ("next", next)],
        ),
        query(
            &manifest_path(&c),
            &[("match[type]", "indicator"), ("next", next)],
        ),
        query(
            &objects_path(&other),
            &[("match[type]", "indicator"), ("next", next)],
        ),
        query(
            &objects_path(&c),
            &[("match[type]", "indicator"), ("next", &next[1..])],
        ),
    ] {
        let description = server.get(&path, &server.admin).await.taxii_error(400);
        assert!(description.starts_with("next: "), "{description}");
    }
}

/// Follows `next` through `path` with `limit`, collecting `key` items.
async fn walk(server: &TestServer, path: &str, limit: &str, key: &str) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut next: Option<String> = None;
    loop {
        let mut params = vec![("limit", limit)];
        if let Some(n) = &next {
            params.push(("next", n));
        }
        let resp = server.get(&query(path, &params), &server.admin).await;
        let body = resp.ok(200);
        pages += 1;
        let page = body[key].as_array().cloned().unwrap_or_default();
        if !page.is_empty() {
            assert!(resp.header("x-taxii-date-added-first").is_some());
            assert!(resp.header("x-taxii-date-added-last").is_some());
        }
        items.extend(page);
        match body["next"].as_str() {
            Some(n) => next = Some(n.to_owned()),
            None => return (items, pages),
        }
    }
}

#[tokio::test]
async fn manifest_versions_and_single_objects_paginate_too() {
    let server = TestServer::start().await;
    let c = seven(&server).await;
    for v in 2..=5 {
        server.add(&c, &[indicator(1, &version(v))]).await;
    }
    let (records, pages) = walk(&server, &manifest_path(&c), "3", "objects").await;
    assert_eq!(records.len(), 7);
    assert_eq!(pages, 3);

    let (versions, pages) = walk(
        &server,
        &versions_path(&c, &indicator_id(1)),
        "2",
        "versions",
    )
    .await;
    let want: Vec<Value> = (1..=5).map(|v| Value::from(version(v))).collect();
    assert_eq!(versions, want, "ascending");
    assert_eq!(pages, 3);

    let path = format!("{}?match[version]=all", object_path(&c, &indicator_id(1)));
    let mut all = Vec::new();
    let first = server
        .get(&format!("{path}&limit=3"), &server.admin)
        .await
        .ok(200);
    all.extend(
        first["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["modified"].clone()),
    );
    let next = first["next"].as_str().unwrap();
    let rest = server
        .get(&format!("{path}&limit=3&next={next}"), &server.admin)
        .await
        .ok(200);
    all.extend(
        rest["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["modified"].clone()),
    );
    assert_eq!(all, want);
    assert!(rest.get("more").is_none());
}
