//! TAXII 2.1 media types and content negotiation.
//!
//! Every TAXII 2.1 response carries [`TAXII_21`]. A request's `Accept` header
//! is read as a list of RFC 7231 §5.3.2 media ranges (case-insensitive type
//! and subtype, parameters, `q` weights, optional whitespace) and the request
//! is acceptable when the most specific range matching the TAXII 2.1 media
//! type gives it a weight above zero. So `application/taxii+json`,
//! `application/taxii+json;version=2.1`, `application/*` and `*/*` are
//! acceptable (the last two are answered with TAXII, the only representation
//! there is), `application/taxii+json;version=2.0` alone is not, and
//! `application/taxii+json;q=0` refuses TAXII even next to `*/*`.
//!
//! Get Object Manifests also accepts `application/stix+json;version=2.1`
//! (with or without the version, and the deprecated alias
//! `application/vnd.oasis.stix+json`), because the TAXII 2.1 text lists it on
//! that endpoint; the answer is still TAXII.
//!
//! A request without `Accept` (or with an empty one) accepts anything
//! (RFC 7231 §5.3.2), so it is served.
//! Elements of the header that are not media ranges are skipped; if nothing
//! acceptable remains the answer is 406.

/// The TAXII 2.1 media type, sent on every response.
pub const TAXII_21: &str = "application/taxii+json;version=2.1";

/// The STIX 2.1 media type, as a value in collections and manifests.
pub const STIX_21: &str = "application/stix+json;version=2.1";

/// Which media types an endpoint answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// Every TAXII endpoint: only TAXII 2.1.
    Taxii,
    /// Get Object Manifests: TAXII 2.1, and STIX 2.1 named in `Accept`.
    Manifest,
}

/// Why a request's media types are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// 406: nothing in `Accept` admits TAXII 2.1.
    #[error(
        "the Accept header ({0:?}) admits no media type this endpoint serves; send \
         `Accept: application/taxii+json;version=2.1`"
    )]
    NotAcceptable(String),
    /// 415: the body's `Content-Type` is missing.
    #[error(
        "a Content-Type header is required on POST; send \
         `Content-Type: application/taxii+json;version=2.1`"
    )]
    MissingContentType,
    /// 415: the body's `Content-Type` is not TAXII 2.1.
    #[error(
        "the Content-Type {0:?} is not supported; the body must be \
         `application/taxii+json;version=2.1` (or without version)"
    )]
    UnsupportedContentType(String),
}

/// One parsed media range.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaRange {
    /// Lowercase type (`*` for any).
    pub kind: String,
    /// Lowercase subtype (`*` for any).
    pub subtype: String,
    /// Parameters other than `q`, names lowercase, values unquoted.
    pub params: Vec<(String, String)>,
    /// Weight from 0 to 1 (1 when absent).
    pub q: f32,
}

impl MediaRange {
    /// Parses one media range such as `application/taxii+json; version=2.1; q=0.9`.
    /// Returns `None` when it is not a media range.
    pub fn parse(text: &str) -> Option<MediaRange> {
        let mut parts = split_outside_quotes(text, b';').into_iter();
        let essence = parts.next()?.trim();
        let (kind, subtype) = essence.split_once('/')?;
        let (kind, subtype) = (kind.trim(), subtype.trim());
        if !is_token(kind) || !is_token(subtype) || (kind == "*" && subtype != "*") {
            return None;
        }
        let mut range = MediaRange {
            kind: kind.to_ascii_lowercase(),
            subtype: subtype.to_ascii_lowercase(),
            params: Vec::new(),
            q: 1.0,
        };
        for param in parts {
            let param = param.trim();
            if param.is_empty() {
                continue;
            }
            let (name, value) = param.split_once('=')?;
            let name = name.trim().to_ascii_lowercase();
            let value = unquote(value.trim())?;
            if !is_token(&name) {
                return None;
            }
            if name == "q" {
                range.q = parse_q(&value)?;
                // Accept extensions after the weight do not describe the type.
                break;
            }
            range.params.push((name, value));
        }
        Some(range)
    }

    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// How specifically this range matches `kind/subtype` with `version`:
    /// `None` when it does not match, else higher for more specific ranges.
    fn specificity(&self, kind: &str, subtype: &str, version: &str) -> Option<u8> {
        if self.kind == "*" {
            return Some(0);
        }
        if self.kind != kind {
            return None;
        }
        if self.subtype == "*" {
            return Some(1);
        }
        if self.subtype != subtype {
            return None;
        }
        match self.param("version") {
            None => Some(2),
            Some(v) if v == version => Some(3),
            Some(_) => None,
        }
    }
}

/// Parses an `Accept` header value into its media ranges, skipping
/// elements that are not media ranges.
pub fn parse_accept(header: &str) -> Vec<MediaRange> {
    split_outside_quotes(header, b',')
        .into_iter()
        .filter(|e| !e.trim().is_empty())
        .filter_map(MediaRange::parse)
        .collect()
}

/// Decides whether a request with these `Accept` header values (several
/// headers are combined, as RFC 7230 allows) may be answered with TAXII 2.1.
pub fn negotiate<'a>(
    accept: impl IntoIterator<Item = &'a str>,
    endpoint: Endpoint,
) -> Result<(), MediaError> {
    let values: Vec<&str> = accept
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .collect();
    if values.is_empty() {
        return Ok(());
    }
    let ranges: Vec<MediaRange> = values.iter().flat_map(|v| parse_accept(v)).collect();
    let mut offers: Vec<(&str, &str)> = vec![("application", "taxii+json")];
    if endpoint == Endpoint::Manifest {
        offers.push(("application", "stix+json"));
        offers.push(("application", "vnd.oasis.stix+json"));
    }
    let acceptable = offers
        .iter()
        .any(|(kind, subtype)| weight(&ranges, kind, subtype, "2.1") > 0.0);
    if acceptable {
        Ok(())
    } else {
        Err(MediaError::NotAcceptable(truncate(&values.join(", "), 200)))
    }
}

/// The weight the most specific matching range gives `kind/subtype;version=...`
/// (0 when none matches). Among equally specific ranges the highest weight wins.
fn weight(ranges: &[MediaRange], kind: &str, subtype: &str, version: &str) -> f32 {
    let mut best: Option<(u8, f32)> = None;
    for range in ranges {
        if let Some(spec) = range.specificity(kind, subtype, version) {
            best = match best {
                Some((s, q)) if s > spec || (s == spec && q >= range.q) => Some((s, q)),
                _ => Some((spec, range.q)),
            };
        }
    }
    best.map_or(0.0, |(_, q)| q)
}

/// Checks the `Content-Type` of a POST body: `application/taxii+json` with no
/// version or `version=2.1`; a `charset`, if any, must be UTF-8.
pub fn check_content_type(header: Option<&str>) -> Result<(), MediaError> {
    let Some(value) = header.filter(|v| !v.trim().is_empty()) else {
        return Err(MediaError::MissingContentType);
    };
    let refuse = || MediaError::UnsupportedContentType(truncate(value, 200));
    let range = MediaRange::parse(value).ok_or_else(refuse)?;
    if range.kind != "application" || range.subtype != "taxii+json" {
        return Err(refuse());
    }
    if range.param("version").is_some_and(|v| v != "2.1") {
        return Err(refuse());
    }
    if range
        .param("charset")
        .is_some_and(|c| !c.eq_ignore_ascii_case("utf-8"))
    {
        return Err(refuse());
    }
    Ok(())
}

/// True when a response `Content-Type` is TAXII 2.1 (or TAXII without a version).
pub fn is_taxii_content_type(value: &str) -> bool {
    MediaRange::parse(value).is_some_and(|r| {
        r.kind == "application"
            && r.subtype == "taxii+json"
            && r.param("version").is_none_or(|v| v == "2.1")
    })
}

/// RFC 7230 token characters (plus `*` for wildcards).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Splits on `sep` except inside quoted strings.
fn split_outside_quotes(text: &str, sep: u8) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, b) in text.bytes().enumerate() {
        if escaped {
            escaped = false;
        } else if quoted && b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            quoted = !quoted;
        } else if b == sep && !quoted {
            parts.push(&text[start..i]);
            start = i + 1;
        }
    }
    parts.push(&text[start..]);
    parts
}

/// A parameter value: a token, or a quoted string with escapes removed.
fn unquote(value: &str) -> Option<String> {
    if let Some(inner) = value.strip_prefix('"') {
        let inner = inner.strip_suffix('"')?;
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            out.push(if c == '\\' { chars.next()? } else { c });
        }
        Some(out)
    } else if is_token(value) {
        Some(value.to_owned())
    } else {
        None
    }
}

/// RFC 7231 `qvalue`: `0`, `0.` plus up to 3 digits, `1`, `1.` plus up to 3 zeros.
fn parse_q(value: &str) -> Option<f32> {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    let valid = match int {
        "0" => frac.len() <= 3 && frac.bytes().all(|b| b.is_ascii_digit()),
        "1" => frac.len() <= 3 && frac.bytes().all(|b| b == b'0'),
        _ => false,
    };
    if !valid {
        return None;
    }
    value.parse().ok()
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(accept: &[&str], endpoint: Endpoint, ok: bool) {
        let got = negotiate(accept.iter().copied(), endpoint);
        assert_eq!(
            got.is_ok(),
            ok,
            "Accept {accept:?} on {endpoint:?}: {got:?}"
        );
    }

    #[test]
    fn accept_ranges() {
        let taxii = Endpoint::Taxii;
        check(&[], taxii, true);
        check(&["application/taxii+json;version=2.1"], taxii, true);
        check(&["application/taxii+json"], taxii, true);
        check(&["APPLICATION/TAXII+JSON ; Version=2.1"], taxii, true);
        check(&["application/taxii+json; version=\"2.1\""], taxii, true);
        check(&["*/*"], taxii, true);
        check(&["application/*"], taxii, true);
        check(&["text/html, */*;q=0.1"], taxii, true);
        check(&["application/taxii+json;version=2.0"], taxii, false);
        check(
            &["application/taxii+json;version=2.0, application/taxii+json;version=2.1;q=0.2"],
            taxii,
            true,
        );
        check(&["application/json"], taxii, false);
        check(&["text/*"], taxii, false);
        check(&["application/taxii+json;q=0, */*"], taxii, false);
        check(
            &["application/taxii+json;version=2.1;q=0, application/taxii+json"],
            taxii,
            false,
        );
        check(&["*/*;q=0"], taxii, false);
        check(&["application/stix+json;version=2.1"], taxii, false);
        check(&["garbage", "application/taxii+json"], taxii, true);
        check(&["garbage"], taxii, false);
        check(&["application/taxii+json;q=2"], taxii, false);
        check(&["application/taxii+json;q=0.5;ext=1"], taxii, true);
        check(&["*/json"], taxii, false);
        check(&[""], taxii, true);
        check(&[" ", "application/json"], taxii, false);
    }

    #[test]
    fn manifest_accepts_stix() {
        let m = Endpoint::Manifest;
        check(
            &["application/taxii+json;version=2.1,application/stix+json;version=2.1"],
            m,
            true,
        );
        check(&["application/stix+json;version=2.1"], m, true);
        check(&["application/stix+json"], m, true);
        check(&["application/vnd.oasis.stix+json; version=2.1"], m, true);
        check(&["application/stix+json;version=2.0"], m, false);
    }

    #[test]
    fn ranges_parse() {
        let r = MediaRange::parse(" application/taxii+json ; version=2.1 ; q=0.8 ; x=y").unwrap();
        assert_eq!(
            (r.kind.as_str(), r.subtype.as_str()),
            ("application", "taxii+json")
        );
        assert_eq!(r.params, vec![("version".to_owned(), "2.1".to_owned())]);
        assert!((r.q - 0.8).abs() < 1e-6);
        assert!(MediaRange::parse("application").is_none());
        assert!(MediaRange::parse("a/b;c").is_none());
        assert!(MediaRange::parse("a/b;q=1.5").is_none());
        assert!(MediaRange::parse("*/b").is_none());
        assert_eq!(parse_accept("a/b;x=\"1,2\", c/d").len(), 2);
    }

    #[test]
    fn content_types() {
        assert!(check_content_type(Some("application/taxii+json;version=2.1")).is_ok());
        assert!(check_content_type(Some("application/taxii+json")).is_ok());
        assert!(
            check_content_type(Some("Application/TAXII+json; version=2.1; charset=UTF-8")).is_ok()
        );
        assert_eq!(
            check_content_type(None),
            Err(MediaError::MissingContentType)
        );
        assert_eq!(
            check_content_type(Some(" ")),
            Err(MediaError::MissingContentType)
        );
        for bad in [
            "application/json",
            "application/taxii+json;version=2.0",
            "application/stix+json;version=2.1",
            "application/taxii+json;charset=latin1",
            "*/*",
            "nonsense",
        ] {
            assert!(
                matches!(
                    check_content_type(Some(bad)),
                    Err(MediaError::UnsupportedContentType(_))
                ),
                "{bad}"
            );
        }
        assert!(is_taxii_content_type(TAXII_21));
        assert!(!is_taxii_content_type("application/json"));
    }
}
