//! String syntaxes of network values: IP addresses and CIDR blocks, MAC
//! addresses, domain names, email addresses and URLs (STIX 2.1 §6.4, §6.5,
//! §6.8–§6.10, §6.15).
//!
//! Each syntax is a plain `fn(&str) -> bool` wrapped in a [`StrRule`] so the
//! tables can say `Ty::Str(&IPV4)`. The checks follow the cited RFCs closely
//! but stay practical where the RFCs leave room (see each function).

use crate::validate::ctx::code;
use crate::validate::types::StrRule;

/// `ipv4-addr.value` (§6.8): one address, or a block in CIDR notation.
pub(crate) static IPV4: StrRule = StrRule {
    check: is_ipv4_cidr,
    rule: "an IPv4 address or CIDR block (dotted decimal, optional /0-32)",
    code: code::FORMAT,
    warning: false,
};

/// `ipv6-addr.value` (§6.9): one address, or a block in CIDR notation.
pub(crate) static IPV6: StrRule = StrRule {
    check: is_ipv6_cidr,
    rule: "an IPv6 address or CIDR block (RFC 4291 text form, optional /0-128)",
    code: code::FORMAT,
    warning: false,
};

/// `mac-addr.value` (§6.10).
pub(crate) static MAC_48: StrRule = StrRule {
    check: is_mac_48,
    rule: "a single colon-delimited, lowercase MAC-48 address with leading zeros (00:00:ab:cd:ef:01)",
    code: code::FORMAT,
    warning: false,
};

/// `domain-name.value` (§6.4).
pub(crate) static DOMAIN_NAME: StrRule = StrRule {
    check: is_domain_name,
    rule: "a domain name (RFC 1034, RFC 5890): dot-separated labels of 1 to 63 characters, \
           253 characters in all, no label starting or ending with '-', not an IP address",
    code: code::FORMAT,
    warning: false,
};

/// `email-addr.value` (§6.5).
pub(crate) static EMAIL_ADDRESS: StrRule = StrRule {
    check: is_addr_spec,
    rule: "an addr-spec (local-part@domain, RFC 5322 §3.4) without a display name",
    code: code::FORMAT,
    warning: false,
};

/// `url.value` (§6.15) and `artifact.url` (§6.1).
pub(crate) static URL: StrRule = StrRule {
    check: is_url,
    rule: "an absolute URL (RFC 3986): scheme ':' ..., without spaces or control characters, \
           '%' followed by two hex digits",
    code: code::FORMAT,
    warning: false,
};

/// A dotted-decimal IPv4 address: four decimal octets, no leading zeros.
pub(crate) fn is_ipv4(s: &str) -> bool {
    let mut count = 0;
    for octet in s.split('.') {
        count += 1;
        if !is_decimal(octet, 255) {
            return false;
        }
    }
    count == 4
}

/// A decimal number without leading zeros (except `0` itself) up to `max`.
fn is_decimal(s: &str, max: u32) -> bool {
    (1..=3).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'))
        && s.parse::<u32>().is_ok_and(|n| n <= max)
}

fn is_ipv4_cidr(s: &str) -> bool {
    match s.split_once('/') {
        Some((addr, prefix)) => is_ipv4(addr) && is_decimal(prefix, 32),
        None => is_ipv4(s),
    }
}

/// An IPv6 address in one of the RFC 4291 §2.2 text forms: eight groups of
/// one to four hex digits, one `::` standing for one or more zero groups,
/// and optionally an IPv4 address as the last 32 bits. Zone indices
/// (`%eth0`, RFC 4007) are not part of an address and are refused.
pub(crate) fn is_ipv6(s: &str) -> bool {
    match s.find("::") {
        None => ipv6_groups(s, true) == Some(8),
        Some(i) => {
            let (head, tail) = (&s[..i], &s[i + 2..]);
            if tail.contains("::") {
                return false;
            }
            match (ipv6_groups(head, false), ipv6_groups(tail, true)) {
                (Some(h), Some(t)) => h + t <= 7,
                _ => false,
            }
        }
    }
}

/// The number of 16-bit groups in a `:`-separated run (an embedded IPv4
/// address counts as two), or `None` when a group is malformed.
fn ipv6_groups(part: &str, ipv4_last: bool) -> Option<usize> {
    if part.is_empty() {
        return Some(0);
    }
    let pieces: Vec<&str> = part.split(':').collect();
    let mut groups = 0;
    for (i, piece) in pieces.iter().enumerate() {
        let last = i + 1 == pieces.len();
        if last && ipv4_last && piece.contains('.') {
            if !is_ipv4(piece) {
                return None;
            }
            groups += 2;
        } else if (1..=4).contains(&piece.len()) && piece.bytes().all(|b| b.is_ascii_hexdigit()) {
            groups += 1;
        } else {
            return None;
        }
    }
    Some(groups)
}

fn is_ipv6_cidr(s: &str) -> bool {
    match s.split_once('/') {
        Some((addr, prefix)) => is_ipv6(addr) && is_decimal(prefix, 128),
        None => is_ipv6(s),
    }
}

fn is_mac_48(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 17
        && b.iter().enumerate().all(|(i, &c)| {
            if i % 3 == 2 {
                c == b':'
            } else {
                c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
            }
        })
}

/// A domain name: labels of 1 to 63 characters separated by dots, at most
/// 253 characters (an absolute name may end with one dot). ASCII labels use
/// letters, digits, hyphens and underscores (underscores appear in real DNS
/// names such as `_dmarc.example.com`, RFC 8552); IDN U-labels may use any
/// non-ASCII character except spaces and controls. No label starts or ends
/// with a hyphen, and an all-numeric last label is refused (RFC 3696 §2),
/// which catches IP addresses given as domain names.
pub(crate) fn is_domain_name(s: &str) -> bool {
    let name = s.strip_suffix('.').unwrap_or(s);
    if name.is_empty() || name.chars().count() > 253 {
        return false;
    }
    let label_ok = |label: &str| {
        (1..=63).contains(&label.chars().count())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| {
                if c.is_ascii() {
                    c.is_ascii_alphanumeric() || c == '-' || c == '_'
                } else {
                    !c.is_whitespace() && !c.is_control()
                }
            })
    };
    let last_is_numeric = name
        .rsplit('.')
        .next()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()));
    name.split('.').all(label_ok) && !last_is_numeric
}

/// `atext` of RFC 5322 §3.2.3, plus non-ASCII characters (RFC 6532).
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || "!#$%&'*+-/=?^_`{|}~".contains(c)
        || (!c.is_ascii() && !c.is_control() && !c.is_whitespace())
}

/// `dot-atom-text`: runs of atext separated by single dots.
fn is_dot_atom(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|part| !part.is_empty() && part.chars().all(is_atext))
}

/// An RFC 5322 `addr-spec`: a dot-atom or quoted-string local part, `@`, and
/// a dot-atom or domain-literal domain. A display name (`Jane <j@x.org>`)
/// or surrounding angle brackets are not part of it.
pub(crate) fn is_addr_spec(s: &str) -> bool {
    let Some(at) = s.rfind('@') else { return false };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    let local_ok = if local.len() >= 2 && local.starts_with('"') && local.ends_with('"') {
        quoted_string_ok(&local[1..local.len() - 1])
    } else {
        is_dot_atom(local)
    };
    let domain_ok = if domain.starts_with('[') && domain.ends_with(']') {
        domain.len() > 2
            && domain[1..domain.len() - 1]
                .chars()
                .all(|c| c.is_ascii_graphic() && !"[]\\".contains(c))
    } else {
        is_dot_atom(domain)
    };
    local_ok && domain_ok
}

/// The inside of a quoted string: no bare quote or backslash, no controls
/// (a backslash escapes the next character).
fn quoted_string_ok(inner: &str) -> bool {
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        let bad = match c {
            '\\' => chars.next().is_none_or(char::is_control),
            '"' => true,
            c => c.is_control(),
        };
        if bad {
            return false;
        }
    }
    true
}

/// An absolute URI (RFC 3986 §3, "URL" in the sense of §1.1.3): a scheme of
/// a letter followed by letters, digits, `+`, `-` and `.`, a colon and a
/// non-empty remainder; no whitespace or control characters; every `%`
/// starts a percent-encoded octet; and schemes whose URLs name a host
/// (http, https, ftp, ws, wss) have a non-empty host. Non-ASCII characters
/// are let through, as IRIs (RFC 3987) are common in shared intelligence.
pub(crate) fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    if !scheme_ok || rest.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    if !percent_encoding_ok(s) {
        return false;
    }
    let needs_host = ["http", "https", "ftp", "ws", "wss"]
        .iter()
        .any(|h| scheme.eq_ignore_ascii_case(h));
    if needs_host {
        let Some(hier) = rest.strip_prefix("//") else {
            return false;
        };
        let authority = hier.split(['/', '?', '#']).next().unwrap_or_default();
        let host_port = authority.rsplit('@').next().unwrap_or_default();
        let host = if host_port.starts_with('[') {
            host_port
                .split(']')
                .next()
                .map(|h| &h[1..])
                .unwrap_or_default()
        } else {
            host_port.split(':').next().unwrap_or_default()
        };
        if host.is_empty() {
            return false;
        }
    }
    true
}

fn percent_encoding_ok(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter()
        .enumerate()
        .filter(|(_, c)| **c == b'%')
        .all(|(i, _)| {
            b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4() {
        for ok in [
            "198.51.100.3",
            "0.0.0.0",
            "255.255.255.255",
            "10.2.4.5/24",
            "10.0.0.0/0",
            "1.2.3.4/32",
        ] {
            assert!(is_ipv4_cidr(ok), "{ok}");
        }
        for bad in [
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.2.3.4/33",
            "1.2.3.4/",
            "1.2.3.4/08",
            " 1.2.3.4",
            "a.b.c.d",
            "",
        ] {
            assert!(!is_ipv4_cidr(bad), "{bad}");
        }
    }

    #[test]
    fn ipv6() {
        for ok in [
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            "2001:db8::1",
            "::",
            "::1",
            "1::",
            "1:2:3:4:5:6:7::",
            "::ffff:192.0.2.128",
            "64:ff9b::192.0.2.33",
            "1:2:3:4:5:6:1.2.3.4",
            "2001:DB8::/32",
            "::/0",
            "fe80::/128",
        ] {
            assert!(is_ipv6_cidr(ok), "{ok}");
        }
        for bad in [
            "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            ":::",
            ":1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8::",
            "12345::",
            "g::1",
            "::1.2.3.4:5",
            "::ffff:256.0.0.1",
            "fe80::1%eth0",
            "::/129",
            "1.2.3.4",
            "",
        ] {
            assert!(!is_ipv6_cidr(bad), "{bad}");
        }
    }

    #[test]
    fn mac() {
        assert!(is_mac_48("d2:fb:49:24:37:18"));
        assert!(is_mac_48("00:00:ab:cd:ef:01"));
        for bad in [
            "D2:FB:49:24:37:18",
            "d2-fb-49-24-37-18",
            "d2:fb:49:24:37",
            "0:0:ab:cd:ef:1",
            "d2fb.4924.3718",
            "d2:fb:49:24:37:18:00",
        ] {
            assert!(!is_mac_48(bad), "{bad}");
        }
    }

    #[test]
    fn domains() {
        let long_label = "a".repeat(63);
        let ok_long = format!("{long_label}.example.com");
        for ok in [
            "example.com",
            "example.com.",
            "a.b-c.d",
            "xn--bcher-kva.example",
            "bücher.example",
            "_dmarc.example.com",
            "localhost",
            "3com.com",
            ok_long.as_str(),
        ] {
            assert!(is_domain_name(ok), "{ok}");
        }
        let too_long_label = format!("{}a.example.com", long_label);
        let too_long_name = ["abcdefghi"; 26].join(".");
        for bad in [
            "",
            ".",
            "example..com",
            ".example.com",
            "-a.example",
            "a-.example",
            "exa mple.com",
            "a/b.com",
            "198.51.100.3",
            "*.example.com",
            too_long_label.as_str(),
            too_long_name.as_str(),
        ] {
            assert!(!is_domain_name(bad), "{bad}");
        }
    }

    #[test]
    fn email_addresses() {
        for ok in [
            "jdoe@example.com",
            "first.last+tag@sub.example.org",
            "\"john doe\"@example.com",
            "user@[192.0.2.1]",
            "jöran@exämple.de",
        ] {
            assert!(is_addr_spec(ok), "{ok}");
        }
        for bad in [
            "John Doe <jdoe@example.com>",
            "<jdoe@example.com>",
            "jdoe",
            "@example.com",
            "jdoe@",
            "j..doe@example.com",
            ".jdoe@example.com",
            "jdoe@example..com",
            "j doe@example.com",
        ] {
            assert!(!is_addr_spec(bad), "{bad}");
        }
    }

    #[test]
    fn urls() {
        for ok in [
            "https://example.com/research/index.html",
            "http://user:pw@198.51.100.3:8080/a?b=c#d",
            "http://[2001:db8::1]/",
            "ftp://ftp.example.org/pub/x.tar.gz",
            "mailto:jdoe@example.com",
            "file:///C:/Windows/evil.exe",
            "urn:isbn:0451450523",
            "https://example.com/a%20b",
            "https://bücher.example/ä",
        ] {
            assert!(is_url(ok), "{ok}");
        }
        for bad in [
            "example.com/index.html",
            "://example.com",
            "1http://example.com",
            "http://exa mple.com/",
            "http://example.com/\n",
            "http://example.com/100%",
            "http://example.com/%zz",
            "http://",
            "http:///path",
            "https:example.com",
            "http:",
        ] {
            assert!(!is_url(bad), "{bad}");
        }
    }
}
