//! RFC 5646 language tags (`lang`, `language-content` keys, software
//! `languages`): well-formedness per the RFC's ABNF, case-insensitively.

/// Grandfathered tags (RFC 5646 §2.1), compared case-insensitively.
const GRANDFATHERED: &[&str] = &[
    "en-gb-oed",
    "i-ami",
    "i-bnn",
    "i-default",
    "i-enochian",
    "i-hak",
    "i-klingon",
    "i-lux",
    "i-mingo",
    "i-navajo",
    "i-pwn",
    "i-tao",
    "i-tay",
    "i-tsu",
    "sgn-be-fr",
    "sgn-be-nl",
    "sgn-ch-de",
    "art-lojban",
    "cel-gaulish",
    "no-bok",
    "no-nyn",
    "zh-guoyu",
    "zh-hakka",
    "zh-min",
    "zh-min-nan",
    "zh-xiang",
];

/// True when `tag` is a well-formed RFC 5646 language tag.
pub(crate) fn is_language_tag(tag: &str) -> bool {
    if is_plain_language_tag(tag) {
        return true;
    }
    if tag.is_empty() || !tag.is_ascii() {
        return false;
    }
    let lower = tag.to_ascii_lowercase();
    if GRANDFATHERED.contains(&lower.as_str()) {
        return true;
    }
    let subtags: Vec<&str> = lower.split('-').collect();
    if subtags
        .iter()
        .any(|s| s.is_empty() || s.len() > 8 || !s.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return false;
    }
    if subtags[0] == "x" {
        return private_use(&subtags[1..]);
    }
    langtag(&subtags)
}

/// The forms nearly every object uses (`en`, `en-US`, `es-419`: a two- or
/// three-letter language and maybe a region), recognised without the
/// allocations of the general parser. No grandfathered tag has this form,
/// so the general parser accepts exactly these too.
fn is_plain_language_tag(tag: &str) -> bool {
    let (language, region) = match tag.split_once('-') {
        Some((language, region)) => (language, Some(region)),
        None => (tag, None),
    };
    (2..=3).contains(&language.len())
        && alpha(language)
        && region.is_none_or(|r| (r.len() == 2 && alpha(r)) || (r.len() == 3 && digit(r)))
}

fn alpha(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphabetic())
}

fn digit(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

fn private_use(rest: &[&str]) -> bool {
    !rest.is_empty()
}

fn langtag(s: &[&str]) -> bool {
    let mut i = 0;
    let language = s[0];
    if !alpha(language) || language.len() < 2 {
        return false;
    }
    i += 1;
    // Up to three extended language subtags after a 2-3 letter language.
    if language.len() <= 3 {
        let mut extlangs = 0;
        while i < s.len() && extlangs < 3 && s[i].len() == 3 && alpha(s[i]) {
            i += 1;
            extlangs += 1;
        }
    }
    if i < s.len() && s[i].len() == 4 && alpha(s[i]) {
        i += 1; // script
    }
    if i < s.len() && ((s[i].len() == 2 && alpha(s[i])) || (s[i].len() == 3 && digit(s[i]))) {
        i += 1; // region
    }
    while i < s.len() && is_variant(s[i]) {
        i += 1;
    }
    let mut singletons = Vec::new();
    while i < s.len() && s[i].len() == 1 && s[i] != "x" {
        if singletons.contains(&s[i]) {
            return false; // each extension singleton at most once
        }
        singletons.push(s[i]);
        i += 1;
        let start = i;
        while i < s.len() && s[i].len() >= 2 {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if i < s.len() && s[i] == "x" {
        return private_use(&s[i + 1..]);
    }
    i == s.len()
}

fn is_variant(s: &str) -> bool {
    (5..=8).contains(&s.len()) || (s.len() == 4 && s.as_bytes()[0].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::is_language_tag;

    #[test]
    fn well_formed_tags() {
        for tag in [
            "en",
            "de",
            "en-US",
            "zh-Hant-TW",
            "sr-Latn-RS",
            "es-419",
            "de-CH-1901",
            "sl-rozaj-biske",
            "en-a-bbb-x-a-ccc",
            "x-whatever",
            "i-klingon",
            "zh-yue-HK",
            "hy-Latn-IT-arevela",
            "fil",
        ] {
            assert!(is_language_tag(tag), "{tag}");
        }
    }

    #[test]
    fn malformed_tags() {
        for tag in [
            "",
            "e",
            "en_US",
            "en--US",
            "en-",
            "123",
            "de-419-DE",
            "a-DE",
            "en-a-b",
            "en-a-bb-a-cc",
            "é",
        ] {
            assert!(!is_language_tag(tag), "{tag}");
        }
    }
}
