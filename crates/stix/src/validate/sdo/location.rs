//! Location (STIX 2.1 §4.10) and the ISO 3166 checks of its `country` and
//! `administrative_area`.

use crate::json::Object;
use crate::validate::ctx::{Ctx, code};
use crate::validate::types::{Def, Kind, StrRule, Ty, opt};
use crate::validate::vocab;

/// `location` (§4.10). Nothing is required by the table; the rules require
/// at least one of region, country, or latitude with longitude.
pub(super) static LOCATION: Def = Def {
    name: "location",
    kind: Kind::Sdo,
    props: &[
        opt("name", Ty::String),
        opt("description", Ty::String),
        opt(
            "latitude",
            Ty::Float {
                min: -90.0,
                max: 90.0,
            },
        ),
        opt(
            "longitude",
            Ty::Float {
                min: -180.0,
                max: 180.0,
            },
        ),
        // Metres; the specification sets no range.
        opt(
            "precision",
            Ty::Float {
                min: f64::NEG_INFINITY,
                max: f64::INFINITY,
            },
        ),
        opt("region", Ty::Vocab(&vocab::REGION)),
        opt("country", Ty::Str(&COUNTRY)),
        opt("administrative_area", Ty::Str(&ADMINISTRATIVE_AREA)),
        opt("city", Ty::String),
        opt("street_address", Ty::String),
        opt("postal_code", Ty::String),
    ],
    rules: Some(location_rules),
    id_contributing: &[],
};

fn location_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    let latitude = obj.contains_key("latitude");
    let longitude = obj.contains_key("longitude");
    // A lone latitude or longitude is reported by the pairing rule below,
    // which names the fix; "at least one of" is for a location with none.
    if !obj.contains_key("region") && !obj.contains_key("country") && !latitude && !longitude {
        ctx.error(
            code::AT_LEAST_ONE,
            "requires at least one of region, country, or latitude and longitude (location)",
        );
    }
    if latitude && !longitude {
        ctx.error_at(
            "latitude",
            code::DEPENDENCY,
            "requires longitude (location)",
        );
    }
    if longitude && !latitude {
        ctx.error_at(
            "longitude",
            code::DEPENDENCY,
            "requires latitude (location)",
        );
    }
    if obj.contains_key("precision") && !(latitude && longitude) {
        ctx.error_at(
            "precision",
            code::DEPENDENCY,
            "requires latitude and longitude (location)",
        );
    }
}

/// `country` SHOULD be an ISO 3166-1 alpha-2 code. Letter case is not
/// judged: the specification's own examples write `th` and `us`.
static COUNTRY: StrRule = StrRule {
    check: is_country,
    rule: "an ISO 3166-1 alpha-2 country code (e.g. 'DE', 'US')",
    code: "countries",
    warning: true,
};

/// `administrative_area` SHOULD be an ISO 3166-2 subdivision code: a
/// country code, a hyphen and one to three letters or digits (`US-DC`).
static ADMINISTRATIVE_AREA: StrRule = StrRule {
    check: is_subdivision,
    rule: "an ISO 3166-2 subdivision code (e.g. 'US-DC', 'FR-75')",
    code: "administrative-area",
    warning: true,
};

fn is_country(s: &str) -> bool {
    s.len() == 2
        && COUNTRY_CODES
            .binary_search(&s.to_ascii_uppercase().as_str())
            .is_ok()
}

fn is_subdivision(s: &str) -> bool {
    match s.split_once('-') {
        Some((country, sub)) => {
            is_country(country)
                && (1..=3).contains(&sub.len())
                && sub.bytes().all(|b| b.is_ascii_alphanumeric())
        }
        None => false,
    }
}

/// The 249 officially assigned ISO 3166-1 alpha-2 codes, sorted (checked
/// against the tz database's iso3166.tab). Reserved codes such as `UK` and
/// `EU` are not country codes and are warned about.
static COUNTRY_CODES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes() {
        assert_eq!(COUNTRY_CODES.len(), 249);
        assert!(
            COUNTRY_CODES.windows(2).all(|w| w[0] < w[1]),
            "sorted, for binary search"
        );
        assert!(is_country("DE") && is_country("th") && is_country("GB"));
        assert!(!is_country("UK") && !is_country("EU") && !is_country("USA") && !is_country("é"));
        assert!(is_subdivision("US-DC") && is_subdivision("FR-75") && is_subdivision("GB-ENG"));
        assert!(
            !is_subdivision("Tak")
                && !is_subdivision("XX-1")
                && !is_subdivision("US-")
                && !is_subdivision("US-ABCD")
        );
    }
}
