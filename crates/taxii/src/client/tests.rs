//! Unit tests of the client's URL and request building.

use super::*;

#[test]
fn filters_become_query_parameters() {
    let mut url = Url::parse("https://x.example/api/collections/c/objects/").unwrap();
    Filter::default().apply(&mut url);
    assert_eq!(url.query(), None);
    let f = Filter {
        added_after: Some("2020-01-01T00:00:00.000000Z".into()),
        limit: Some(5),
        types: vec!["indicator".into(), "malware".into()],
        versions: vec!["all".into()],
        ..Filter::default()
    };
    f.apply(&mut url);
    let q = url.query().unwrap();
    assert!(q.contains("limit=5"), "{q}");
    assert!(q.contains("match%5Btype%5D=indicator%2Cmalware"), "{q}");
    assert!(
        q.contains("added_after=2020-01-01T00%3A00%3A00.000000Z"),
        "{q}"
    );
}

#[test]
fn urls_resolve_against_discovery() {
    let client = Client::builder("https://taxii.example/taxii2/")
        .build()
        .unwrap();
    assert_eq!(
        client.api_root_url("/api1/").unwrap().as_str(),
        "https://taxii.example/api1/"
    );
    assert_eq!(
        client.api_root_url("/api1").unwrap().as_str(),
        "https://taxii.example/api1/"
    );
    assert_eq!(
        client
            .api_root_url("https://other.example/r/")
            .unwrap()
            .as_str(),
        "https://other.example/r/"
    );
    assert!(matches!(
        client.api_root_url("http://plain.example/r/"),
        Err(ClientError::InsecureUrl(_))
    ));
    let root = client.api_root_url("/api1/").unwrap();
    let url = collection_url(&root, "a b/c", "objects/").unwrap();
    assert_eq!(
        url.as_str(),
        "https://taxii.example/api1/collections/a%20b%2Fc/objects/"
    );
}

#[test]
fn plain_http_needs_consent() {
    assert!(matches!(
        Client::builder("http://127.0.0.1:1/taxii2/").build(),
        Err(ClientError::InsecureUrl(_))
    ));
    assert!(
        Client::builder("http://127.0.0.1:1/taxii2/")
            .allow_plain_http(true)
            .build()
            .is_ok()
    );
    assert!(matches!(
        Client::builder("not a url").build(),
        Err(ClientError::Url(_))
    ));
}

#[test]
fn secrets_stay_out_of_debug() {
    let auth = Auth::Basic {
        user: "alice".into(),
        password: "hunter2hunter2".into(),
    };
    assert!(!format!("{auth:?}").contains("hunter2"));
    assert!(!format!("{:?}", Auth::Bearer("liaison_x_y".into())).contains("liaison_x_y"));
}
