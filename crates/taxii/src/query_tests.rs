//! Tests of query parameter parsing, defaults and cursors.

use super::*;

const ID: &str = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
const ID2: &str = "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b";

fn scope(endpoint: FilterEndpoint) -> Scope<'static> {
    Scope {
        endpoint,
        api_root: "root",
        collection_id: "c1",
        object_id: None,
    }
}

fn parse(raw: &str, endpoint: FilterEndpoint) -> Result<Filters, QueryError> {
    Filters::parse(Some(raw), endpoint)
}

/// Parses `raw` for Get Objects and expects an error naming `parameter`.
fn check_err(raw: &str, parameter: &str) {
    match parse(raw, FilterEndpoint::Objects) {
        Err(e) => assert_eq!(e.parameter, parameter, "{raw}: {e}"),
        Ok(f) => panic!("{raw} should fail, got {f:?}"),
    }
}

fn micros(ts: &str) -> i64 {
    Timestamp::parse(ts).unwrap().unix_micros()
}

#[test]
fn defaults() {
    let f = Filters::parse(None, FilterEndpoint::Objects).unwrap();
    assert_eq!(f, Filters::default());
    let q = f.to_query(&scope(FilterEndpoint::Objects), 1000).unwrap();
    assert_eq!(q.limit, 1000);
    assert_eq!(q.versions, VersionFilter::default());
    assert!(q.ids.is_empty() && q.types.is_empty() && q.spec_versions.is_empty());
    let versions = f.to_query(&scope(FilterEndpoint::Versions), 10).unwrap();
    assert_eq!(versions.versions, VersionFilter::All);
    let s = Scope {
        object_id: Some(ID),
        ..scope(FilterEndpoint::Delete)
    };
    let delete = Filters::default().to_delete(&s);
    assert_eq!(delete.versions, VersionFilter::All);
    assert_eq!(delete.object_id, ID);
}

#[test]
fn every_filter() {
    let raw = format!(
        "added_after=2016-01-01T01:01:01.5Z&limit=5&match%5Bid%5D={ID2},{ID}&match[type]=malware,indicator,malware\
         &match[version]=first,2018-03-02T01:01:01.123Z,last&match[spec_version]=2.1,2.0&match[color]=red&other=1"
    );
    let f = parse(&raw, FilterEndpoint::Objects).unwrap();
    assert_eq!(f.added_after, Some(micros("2016-01-01T01:01:01.500000Z")));
    assert_eq!(f.limit, Some(5));
    assert_eq!(f.ids, vec![ID.to_owned(), ID2.to_owned()]);
    assert_eq!(f.types, vec!["indicator".to_owned(), "malware".to_owned()]);
    assert_eq!(
        f.versions,
        Some(VersionFilter::Some {
            first: true,
            last: true,
            exact: vec![micros("2018-03-02T01:01:01.123Z")]
        })
    );
    assert_eq!(f.spec_versions, vec!["2.0".to_owned(), "2.1".to_owned()]);
    let q = f.to_query(&scope(FilterEndpoint::Objects), 3).unwrap();
    assert_eq!(q.limit, 3, "limit is capped at the server maximum");
    assert_eq!(q.added_after, f.added_after);
    assert_eq!(q.api_root, "root");
    assert_eq!(q.collection_id, "c1");
}

#[test]
fn version_keywords() {
    let v = |raw: &str| {
        parse(&format!("match[version]={raw}"), FilterEndpoint::Objects).map(|f| f.versions)
    };
    assert_eq!(v("all").unwrap(), Some(VersionFilter::All));
    assert_eq!(
        v("first").unwrap(),
        Some(VersionFilter::Some {
            first: true,
            last: false,
            exact: vec![]
        })
    );
    assert_eq!(v("last").unwrap(), Some(VersionFilter::default()));
    assert!(v("all,last").is_err());
    assert!(v("last,all").is_err());
    assert!(v("last,last").is_err());
    assert!(v("newest").is_err());
    assert!(v("2016-13-01T00:00:00Z").is_err());
    assert!(v("").is_err());
}

#[test]
fn malformed_values_name_their_parameter() {
    check_err("added_after=yesterday", "added_after");
    check_err("added_after=", "added_after");
    check_err("added_after=2016-01-01", "added_after");
    check_err("limit=0", "limit");
    check_err("limit=-1", "limit");
    check_err("limit=1.5", "limit");
    check_err("limit=abc", "limit");
    check_err("limit=", "limit");
    check_err("limit=+3", "limit");
    check_err("next=", "next");
    check_err("match[id]=not-an-id", "match[id]");
    check_err(&format!("match[id]={ID},"), "match[id]");
    check_err("match[type]=Indicator", "match[type]");
    check_err("match[type]=", "match[type]");
    check_err("match[type]=a,,b", "match[type]");
    check_err("match[spec_version]=2", "match[spec_version]");
    check_err("match[spec_version]=two.one", "match[spec_version]");
    check_err("match[version]=all,first", "match[version]");
    check_err("limit=1&limit=2", "limit");
    check_err("match[type]=a&match%5Btype%5D=b", "match[type]");
    check_err("added_after=%ZZ", "query");
    check_err("added_after=%ff", "query");
    check_err("added_after=%2", "query");
    let many = vec!["indicator"; MAX_MATCH_VALUES + 1].join(",");
    check_err(&format!("match[type]={many}"), "match[type]");
}

#[test]
fn huge_limit_is_capped_not_refused() {
    let f = parse("limit=99999999999999999999999999", FilterEndpoint::Objects).unwrap();
    assert_eq!(f.limit, Some(u64::MAX));
    assert_eq!(
        f.to_query(&scope(FilterEndpoint::Objects), 50)
            .unwrap()
            .limit,
        50
    );
}

#[test]
fn parameters_an_endpoint_does_not_use_are_ignored() {
    // Get an Object uses version and spec_version, not id or type.
    let f = parse(
        "match[type]=x,,y&match[id]=bad&match[version]=all",
        FilterEndpoint::Object,
    )
    .unwrap();
    assert!(f.types.is_empty() && f.ids.is_empty());
    let s = Scope {
        object_id: Some(ID),
        ..scope(FilterEndpoint::Object)
    };
    let q = f.to_query(&s, 10).unwrap();
    assert_eq!(q.ids, vec![ID.to_owned()]);
    assert_eq!(q.versions, VersionFilter::All);
    // Versions ignores match[version]; Delete ignores paging.
    assert_eq!(
        parse("match[version]=bogus", FilterEndpoint::Versions)
            .unwrap()
            .versions,
        None
    );
    assert_eq!(
        parse("limit=0&next=x&added_after=no", FilterEndpoint::Delete).unwrap(),
        Filters::default()
    );
    // Repeated parameters the endpoint ignores are not an error either.
    assert!(parse("match[color]=a&match[color]=b", FilterEndpoint::Objects).is_ok());
}

#[test]
fn cursors_continue_the_same_query_only() {
    let s = scope(FilterEndpoint::Objects);
    let f = parse(
        "match[type]=indicator,malware&added_after=2020-01-01T00:00:00Z",
        FilterEndpoint::Objects,
    )
    .unwrap();
    let next = f.next_cursor(&s, 1_700_000_000_000_000);

    // Same filters in another order, another limit: accepted, starts after the cursor.
    let again = parse(
        &format!(
            "limit=7&added_after=2020-01-01T00:00:00.000Z&match[type]=malware,indicator&next={next}"
        ),
        FilterEndpoint::Objects,
    )
    .unwrap();
    let q = again.to_query(&s, 100).unwrap();
    assert_eq!(q.added_after, Some(1_700_000_000_000_000));
    assert_eq!(q.limit, 7);

    // Different filters, endpoint, collection or object: refused.
    let other = parse(
        &format!("match[type]=indicator&next={next}"),
        FilterEndpoint::Objects,
    )
    .unwrap();
    assert_eq!(other.to_query(&s, 100).unwrap_err().parameter, "next");
    let manifest = parse(
        &format!("match[type]=indicator,malware&added_after=2020-01-01T00:00:00Z&next={next}"),
        FilterEndpoint::Manifest,
    )
    .unwrap();
    assert!(
        manifest
            .to_query(&scope(FilterEndpoint::Manifest), 100)
            .is_err()
    );
    let elsewhere = Scope {
        collection_id: "c2",
        ..s
    };
    assert!(again.to_query(&elsewhere, 100).is_err());

    // Garbage: refused with a clear message.
    let garbage = parse("next=hello", FilterEndpoint::Objects).unwrap();
    let err = garbage.to_query(&s, 100).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("next: is not a cursor issued by this server"),
        "{err}"
    );
}

#[test]
fn explicit_last_and_default_share_cursors() {
    let s = scope(FilterEndpoint::Objects);
    let next = Filters::default().next_cursor(&s, 5);
    let f = parse(
        &format!("match[version]=last&next={next}"),
        FilterEndpoint::Objects,
    )
    .unwrap();
    assert_eq!(f.to_query(&s, 10).unwrap().added_after, Some(5));
}
