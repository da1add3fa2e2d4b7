//! Hostile and malformed input: never a 5xx, never a partial write.

use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::kit::*;

async fn post_raw(server: &TestServer, c: &str, body: impl Into<Vec<u8>>) -> Resp {
    server
        .req(Method::POST, &objects_path(c))
        .auth(&server.admin)
        .header("content-type", TAXII)
        .body(body)
        .send()
        .await
}

async fn assert_nothing_stored(server: &TestServer, c: &str) {
    let resp = server
        .get(
            &format!("{}?match[version]=all", objects_path(c)),
            &server.admin,
        )
        .await;
    assert_eq!(resp.ok(200), json!({}), "nothing may be stored");
}

#[tokio::test]
async fn bodies_that_are_not_json_are_400() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let valid = indicator(1, &version(1));
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"".to_vec(), "JSON"),
        (b"{".to_vec(), "JSON"),
        (format!("{{\"objects\":[{valid}]").into_bytes(), "JSON"),
        (
            format!("{{\"objects\":[{valid}]}} trailing").into_bytes(),
            "JSON",
        ),
        (
            format!("{{\"objects\":[{valid}],\"objects\":[]}}").into_bytes(),
            "duplicate",
        ),
        (
            [b"{\"objects\":[\"".as_slice(), &[0xff, 0xfe], b"\"]}"].concat(),
            "UTF-8",
        ),
        ("[".repeat(100_000).into_bytes(), "deeper"),
        (
            format!("{}{valid}{}", "{\"a\":".repeat(200), "}".repeat(200)).into_bytes(),
            "deeper",
        ),
        (b"{\"objects\":[NaN]}".to_vec(), "JSON"),
    ];
    for (body, expected) in cases {
        let description = post_raw(&server, &c, body).await.taxii_error(400);
        assert!(description.contains(expected), "{expected}: {description}");
    }
    assert_nothing_stored(&server, &c).await;
}

#[tokio::test]
async fn json_that_is_not_an_envelope_is_422() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    for body in [
        "[]",
        "\"objects\"",
        "null",
        "42",
        r#"{"objects":{}}"#,
        r#"{"objects":"x"}"#,
        r#"{"objects":null}"#,
    ] {
        let description = post_raw(&server, &c, body).await.taxii_error(422);
        assert!(
            description.contains("envelope") || description.contains("objects"),
            "{body}: {description}"
        );
    }
    assert_nothing_stored(&server, &c).await;
}

#[tokio::test]
async fn wrong_types_and_huge_strings_are_reported_per_object() {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    let huge = "x".repeat(2 * 1024 * 1024);
    let objects = [
        "1".to_owned(),
        "null".to_owned(),
        "[]".to_owned(),
        r#"{"type":7,"id":[],"spec_version":{}}"#.to_owned(),
        format!(
            r#"{{"type":"indicator","spec_version":"2.1","id":"{}","created":"2016-04-06T20:03:48.000Z","modified":1}}"#,
            indicator_id(5)
        ),
        indicator(6, &version(1))
            .replace("\"name\":\"indicator 6\"", &format!("\"name\":\"{huge}\"")),
        indicator(7, &version(1)).replace(
            "valid_from\":\"2016-01-01T00:00:00Z",
            "valid_from\":\"yesterday",
        ),
    ];
    let status = server
        .post_objects(&c, &server.admin, &objects)
        .await
        .ok(202);
    assert_eq!(status["total_count"], 7);
    assert_eq!(
        status["failure_count"].as_u64().unwrap() + status["success_count"].as_u64().unwrap(),
        7
    );
    assert!(status["failure_count"].as_u64().unwrap() >= 6, "{status}");
    let stored = server.get(&objects_path(&c), &server.admin).await.ids();
    assert!(
        stored.iter().all(|id| *id == indicator_id(6)),
        "only the valid one may be stored: {stored:?}"
    );
}

#[tokio::test]
async fn bodies_above_max_content_length_are_413_and_nothing_is_stored() {
    let server = TestServer::builder().max_content_length(2000).start().await;
    let c = server.collection(None).await;
    let many: Vec<String> = (1..=10).map(|n| indicator(n, &version(1))).collect();
    let description = server
        .post_objects(&c, &server.admin, &many)
        .await
        .taxii_error(413);
    assert!(description.contains("2000"), "{description}");
    // Small enough bodies are fine.
    server
        .post_objects(&c, &server.admin, &many[..1])
        .await
        .ok(202);

    // A chunked body without Content-Length is cut off while streaming.
    let Creds::Bearer(token) = server.admin.clone() else {
        unreachable!()
    };
    let body = envelope(&many[1..]);
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", server.port))
        .await
        .unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: {TAXII}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        objects_path(&c)
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.as_bytes().chunks(500) {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        if stream.write_all(&framed).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    let stored = server.get(&objects_path(&c), &server.admin).await.ids();
    assert_eq!(stored, vec![indicator_id(1)]);
}

#[tokio::test]
async fn strange_requests_never_get_a_5xx() {
    let server = TestServer::start().await;
    let c = server.collection(Some("alias")).await;
    server.add(&c, &[indicator(1, &version(1))]).await;
    let admin = server.admin.clone();
    let paths = [
        format!("{}?%ff=1", objects_path(&c)),
        format!("{}?match[id]=%00", objects_path(&c)),
        format!(
            "{}?added_after=9999-12-31T23:59:59.999999999Z",
            objects_path(&c)
        ),
        format!("{}?added_after=0001-01-01T00:00:00Z", objects_path(&c)),
        format!("{}?match[version]=0000-01-01T00:00:00Z", objects_path(&c)),
        format!("{}?limit=18446744073709551616", objects_path(&c)),
        format!("{}?next={}", objects_path(&c), "A".repeat(10_000)),
        format!("{}?{}", objects_path(&c), "match[type]=a&".repeat(2000)),
        "/api1/collections/%ff%fe/objects/".to_owned(),
        "/api1/collections/..%2F..%2F/objects/".to_owned(),
        format!("/api1/collections/{}/", "a".repeat(5000)),
        format!("{}%00/", objects_path(&c)),
        "/%ff/".to_owned(),
        "/api1/status/%ff/".to_owned(),
        format!(
            "/api1/collections/{c}/objects/{}/versions/",
            "x".repeat(3000)
        ),
    ];
    for path in &paths {
        for method in [Method::GET, Method::DELETE, Method::POST] {
            let resp = server
                .req(method.clone(), path)
                .auth(&admin)
                .header("content-type", TAXII)
                .body("{}")
                .send()
                .await;
            assert!(
                resp.status < 500,
                "{method} {path}: {} {}",
                resp.status,
                resp.body
            );
            assert_eq!(resp.content_type(), TAXII, "{method} {path}");
        }
    }
    for header in [
        b"Basic \xff\xfe".as_slice(),
        b"Bearer \x80",
        b"Basic",
        b"Bearer ",
        b"Basic Og==",
        b"bearer liaison__",
    ] {
        let resp = server
            .req(Method::GET, "/api1/")
            .header_bytes("authorization", header)
            .send()
            .await;
        resp.taxii_error(401);
    }
    let resp = server
        .req(Method::GET, "/api1/")
        .auth(&admin)
        .header_bytes("accept", b"\xff\xfe")
        .send()
        .await;
    assert!(resp.status < 500);
}
