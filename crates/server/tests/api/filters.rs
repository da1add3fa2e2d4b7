//! Every filter of Get Objects and Get Object Manifests, alone and combined,
//! and a 400 naming the parameter for each malformed one.

use serde_json::Value;

use crate::kit::*;

/// A collection holding, in this order of `date_added`:
/// indicator 1 v1, indicator 2 v1, malware 3 v1, indicator 1 v2, malware 3 v2, indicator 1 v3.
async fn fixture() -> (TestServer, String) {
    let server = TestServer::start().await;
    let c = server.collection(None).await;
    server
        .add(
            &c,
            &[
                indicator(1, &version(1)),
                indicator(2, &version(1)),
                malware(3, &version(1)),
            ],
        )
        .await;
    server
        .add(&c, &[indicator(1, &version(2)), malware(3, &version(2))])
        .await;
    server.add(&c, &[indicator(1, &version(3))]).await;
    (server, c)
}

const I1: u32 = 1;
const I2: u32 = 2;
const M3: u32 = 3;

fn id(n: u32) -> String {
    if n == M3 {
        malware_id(n)
    } else {
        indicator_id(n)
    }
}

/// (object number, version number) pairs.
fn expected(pairs: &[(u32, u32)]) -> Vec<(String, String)> {
    pairs.iter().map(|&(n, v)| (id(n), version(v))).collect()
}

/// (id, version) of every object of an envelope.
fn objects(body: &Value) -> Vec<(String, String)> {
    body["objects"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| {
                    (
                        o["id"].as_str().unwrap().to_owned(),
                        o["modified"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// (id, version) of every record of a manifest.
fn records(body: &Value) -> Vec<(String, String)> {
    body["objects"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| {
                    (
                        o["id"].as_str().unwrap().to_owned(),
                        o["version"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `query` on Get Objects and Get Object Manifests; both must list `want`.
async fn check(server: &TestServer, c: &str, query: &str, want: &[(u32, u32)]) {
    let got = server
        .get(&format!("{}?{query}", objects_path(c)), &server.admin)
        .await
        .ok(200);
    assert_eq!(objects(&got), expected(want), "objects ?{query}");
    let manifest = server
        .get(&format!("{}?{query}", manifest_path(c)), &server.admin)
        .await
        .ok(200);
    assert_eq!(records(&manifest), expected(want), "manifest ?{query}");
}

#[tokio::test]
async fn versions_first_last_all_and_exact() {
    let (server, c) = fixture().await;
    check(&server, &c, "", &[(I2, 1), (M3, 2), (I1, 3)]).await;
    check(
        &server,
        &c,
        "match[version]=last",
        &[(I2, 1), (M3, 2), (I1, 3)],
    )
    .await;
    check(
        &server,
        &c,
        "match[version]=first",
        &[(I1, 1), (I2, 1), (M3, 1)],
    )
    .await;
    check(
        &server,
        &c,
        "match[version]=all",
        &[(I1, 1), (I2, 1), (M3, 1), (I1, 2), (M3, 2), (I1, 3)],
    )
    .await;
    check(
        &server,
        &c,
        "match[version]=first,last",
        &[(I1, 1), (I2, 1), (M3, 1), (M3, 2), (I1, 3)],
    )
    .await;
    check(
        &server,
        &c,
        &format!("match[version]={}", version(2)),
        &[(I1, 2), (M3, 2)],
    )
    .await;
    check(
        &server,
        &c,
        &format!("match[version]={},{}", version(2), version(3)),
        &[(I1, 2), (M3, 2), (I1, 3)],
    )
    .await;
    check(
        &server,
        &c,
        &format!("match[version]=first,{}", version(2)),
        &[(I1, 1), (I2, 1), (M3, 1), (I1, 2), (M3, 2)],
    )
    .await;
    // An exact version is an instant: another spelling of it matches.
    check(
        &server,
        &c,
        "match[version]=2017-01-01T00:00:02Z",
        &[(I1, 2), (M3, 2)],
    )
    .await;
    check(&server, &c, "match[version]=2030-01-01T00:00:00Z", &[]).await;
}

#[tokio::test]
async fn type_id_and_spec_version() {
    let (server, c) = fixture().await;
    check(&server, &c, "match[type]=malware", &[(M3, 2)]).await;
    check(
        &server,
        &c,
        "match[type]=malware,indicator",
        &[(I2, 1), (M3, 2), (I1, 3)],
    )
    .await;
    check(&server, &c, "match[type]=campaign", &[]).await;
    check(&server, &c, &format!("match[id]={}", id(I1)), &[(I1, 3)]).await;
    check(
        &server,
        &c,
        &format!("match[id]={},{}", id(I1), id(M3)),
        &[(M3, 2), (I1, 3)],
    )
    .await;
    check(&server, &c, &format!("match[id]={}", malware_id(99)), &[]).await;
    check(
        &server,
        &c,
        "match[spec_version]=2.1",
        &[(I2, 1), (M3, 2), (I1, 3)],
    )
    .await;
    check(
        &server,
        &c,
        "match[spec_version]=2.0,2.1",
        &[(I2, 1), (M3, 2), (I1, 3)],
    )
    .await;
    check(&server, &c, "match[spec_version]=2.0", &[]).await;
    // Percent-encoded brackets are the same parameter.
    check(&server, &c, "match%5Btype%5D=malware", &[(M3, 2)]).await;
}

#[tokio::test]
async fn added_after_and_combinations() {
    let (server, c) = fixture().await;
    let all = server
        .get(
            &format!("{}?match[version]=all", manifest_path(&c)),
            &server.admin,
        )
        .await
        .ok(200);
    let date_added: Vec<String> = all["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["date_added"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(date_added.len(), 6);
    assert!(
        date_added.windows(2).all(|w| w[0] < w[1]),
        "ascending: {date_added:?}"
    );
    let after_third = &date_added[2];

    check(
        &server,
        &c,
        &format!("added_after={after_third}&match[version]=all"),
        &[(I1, 2), (M3, 2), (I1, 3)],
    )
    .await;
    check(
        &server,
        &c,
        &format!("added_after={after_third}"),
        &[(M3, 2), (I1, 3)],
    )
    .await;
    check(&server, &c, &format!("added_after={}", date_added[5]), &[]).await;
    check(
        &server,
        &c,
        "added_after=2000-01-01T00:00:00Z",
        &[(I2, 1), (M3, 2), (I1, 3)],
    )
    .await;
    check(
        &server,
        &c,
        &format!("added_after={after_third}&match[type]=indicator&match[version]=all"),
        &[(I1, 2), (I1, 3)],
    )
    .await;
    check(
        &server,
        &c,
        "match[type]=indicator&match[version]=first",
        &[(I1, 1), (I2, 1)],
    )
    .await;
    check(
        &server,
        &c,
        &format!(
            "match[type]=indicator&match[id]={}&match[version]=all&match[spec_version]=2.1",
            id(I1)
        ),
        &[(I1, 1), (I1, 2), (I1, 3)],
    )
    .await;
    check(
        &server,
        &c,
        &format!("match[type]=malware&match[id]={}", id(I1)),
        &[],
    )
    .await;
    // Unknown match fields and other parameters are ignored.
    check(
        &server,
        &c,
        "match[color]=blue&foo=bar",
        &[(I2, 1), (M3, 2), (I1, 3)],
    )
    .await;
}

#[tokio::test]
async fn manifest_records_describe_each_version() {
    let (server, c) = fixture().await;
    let resp = server
        .get(
            &format!(
                "{}?match[id]={}&match[version]=all",
                manifest_path(&c),
                id(M3)
            ),
            &server.admin,
        )
        .await;
    let body = resp.ok(200);
    let list = body["objects"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    for (record, v) in list.iter().zip([1, 2]) {
        assert_eq!(record["id"], id(M3));
        assert_eq!(record["version"], version(v));
        assert_eq!(record["media_type"], "application/stix+json;version=2.1");
        assert_eq!(record["date_added"].as_str().unwrap().len(), 27, "{record}");
    }
    assert_eq!(
        resp.header("x-taxii-date-added-first"),
        list[0]["date_added"].as_str()
    );
    assert_eq!(
        resp.header("x-taxii-date-added-last"),
        list[1]["date_added"].as_str()
    );
}

#[tokio::test]
async fn malformed_filters_are_400_naming_the_parameter() {
    let (server, c) = fixture().await;
    let cases = [
        ("added_after=yesterday", "added_after"),
        ("added_after=2016-02-30T00:00:00Z", "added_after"),
        ("limit=0", "limit"),
        ("limit=-5", "limit"),
        ("limit=ten", "limit"),
        ("limit=1&limit=2", "limit"),
        ("next=", "next"),
        ("next=not-a-cursor", "next"),
        ("match[id]=indicator", "match[id]"),
        ("match[type]=Indicator", "match[type]"),
        ("match[type]=indicator,", "match[type]"),
        ("match[version]=all,last", "match[version]"),
        ("match[version]=latest", "match[version]"),
        ("match[version]=first,first", "match[version]"),
        ("match[spec_version]=21", "match[spec_version]"),
        ("match[type]=a&match[type]=b", "match[type]"),
        ("added_after=%E0%A4%A", "query"),
    ];
    for (query, parameter) in cases {
        for path in [objects_path(&c), manifest_path(&c)] {
            let description = server
                .get(&format!("{path}?{query}"), &server.admin)
                .await
                .taxii_error(400);
            assert!(
                description.starts_with(&format!("{parameter}: ")),
                "?{query}: {description}"
            );
        }
    }
    // Object endpoints validate what they use.
    let object = object_path(&c, &id(I1));
    server
        .get(&format!("{object}?match[version]=bogus"), &server.admin)
        .await
        .taxii_error(400);
    server
        .get(
            &format!("{}?match[spec_version]=x", versions_path(&c, &id(I1))),
            &server.admin,
        )
        .await
        .taxii_error(400);
    server
        .get(&format!("{object}?limit=0"), &server.admin)
        .await
        .taxii_error(400);
}
