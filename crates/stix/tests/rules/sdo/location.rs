//! location.

use crate::kit::*;

const LOCATION: &str = r#"{
    "type": "location",
    "spec_version": "2.1",
    "id": "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64",
    "created": "2016-04-06T20:03:00.000Z",
    "modified": "2016-04-06T20:03:00.000Z",
    "name": "Mae Sot",
    "description": "Border town in Tak province",
    "region": "south-eastern-asia",
    "country": "TH",
    "administrative_area": "TH-63",
    "city": "Mae Sot",
    "street_address": "1 Intharakiri Road",
    "postal_code": "63110"
}"#;

#[test]
fn location() {
    clean(LOCATION);
    #[rustfmt::skip]
    let rows: &[(&[Patch<'_>], &[&str])] = &[
        // At least one of region, country, or latitude and longitude.
        (&[Remove("region"), Remove("country")], &["E  at-least-one-of"]),
        (&[Remove("country")], &[]),
        (&[Remove("region")], &[]),
        (&[Remove("region"), Remove("country"), Set("latitude", "16.7131"), Set("longitude", "98.5747")], &[]),
        (&[Remove("region"), Remove("country"), Set("latitude", "16.7131"), Set("longitude", "98.5747"), Set("precision", "1000.0")], &[]),
        // Each coordinate requires the other; precision requires both.
        (&[Remove("region"), Remove("country"), Set("latitude", "16.7131")], &["E latitude property-dependency"]),
        (&[Set("longitude", "98.5747")], &["E longitude property-dependency"]),
        (&[Set("precision", "1000")], &["E precision property-dependency"]),
        (&[Set("latitude", "16.7131"), Set("precision", "1000")], &["E latitude property-dependency", "E precision property-dependency"]),
        // Ranges, inclusive.
        (&[Set("latitude", "-90.0"), Set("longitude", "180")], &[]),
        (&[Set("latitude", "90.0001"), Set("longitude", "0")], &["E latitude out-of-range"]),
        (&[Set("latitude", "0"), Set("longitude", "-180.5")], &["E longitude out-of-range"]),
        (&[Set("latitude", r#""48.8566""#), Set("longitude", "2.3522")], &["E latitude json-type"]),
        (&[Set("latitude", "1"), Set("longitude", "2"), Set("precision", r#""10m""#)], &["E precision json-type"]),
        // Country: ISO 3166-1 alpha-2 (SHOULD); case is not judged, as in the spec's examples.
        (&[Set("country", r#""th""#)], &[]),
        (&[Set("country", r#""XX""#)], &["W country countries"]),
        (&[Set("country", r#""UK""#)], &["W country countries"]),
        (&[Set("country", r#""Thailand""#)], &["W country countries"]),
        (&[Set("country", "66")], &["E country json-type"]),
        // Administrative area: ISO 3166-2 (SHOULD).
        (&[Set("administrative_area", r#""Tak""#)], &["W administrative_area administrative-area"]),
        (&[Set("administrative_area", r#""US-DC""#)], &[]),
        (&[Set("region", r#""north-america""#)], &["W region region"]),
        (&[Set("region", r#""northern-america""#)], &[]),
        (&[Set("postal_code", "63110")], &["E postal_code json-type"]),
    ];
    for (patches, expected) in rows {
        check_patched(LOCATION, patches, expected);
    }
}
