//! Formats that constants and names in a pattern must have: hash values by
//! algorithm, IP addresses and CIDR blocks, and object type names.
//!
//! These are written by hand rather than with a regex crate because each is
//! a few lines and the crate takes no dependency for them.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The expected format of a hash value, or `None` when `algorithm` is not
/// one whose format STIX defines. Names match case-insensitively with `-`
/// removed, so `sha256`, `SHA256` and `SHA-256` are all SHA-256.
pub(crate) fn hash_format(algorithm: &str) -> Option<HashFormat> {
    let normalised: String = algorithm
        .chars()
        .filter(|&c| c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let (name, rule) = match normalised.as_str() {
        "MD5" => ("MD5", Rule::Hex(32)),
        "SHA1" => ("SHA-1", Rule::Hex(40)),
        "SHA256" => ("SHA-256", Rule::Hex(64)),
        "SHA512" => ("SHA-512", Rule::Hex(128)),
        "SHA3256" => ("SHA3-256", Rule::Hex(64)),
        "SHA3512" => ("SHA3-512", Rule::Hex(128)),
        "SSDEEP" => ("SSDEEP", Rule::Ssdeep),
        "TLSH" => ("TLSH", Rule::Alphanumeric(70)),
        _ => return None,
    };
    Some(HashFormat { name, rule })
}

/// The format of one hash algorithm's values.
pub(crate) struct HashFormat {
    /// The algorithm's canonical name.
    pub(crate) name: &'static str,
    rule: Rule,
}

enum Rule {
    /// Exactly this many hex digits.
    Hex(usize),
    /// Exactly this many ASCII letters and digits.
    Alphanumeric(usize),
    /// `^[a-zA-Z0-9/+:.]{1,128}$`
    Ssdeep,
}

impl HashFormat {
    /// Whether `value` is a well-formed hash of this algorithm.
    pub(crate) fn matches(&self, value: &str) -> bool {
        let len = value.len();
        match self.rule {
            Rule::Hex(n) => len == n && value.bytes().all(|b| b.is_ascii_hexdigit()),
            Rule::Alphanumeric(n) => len == n && value.bytes().all(|b| b.is_ascii_alphanumeric()),
            Rule::Ssdeep => {
                (1..=128).contains(&len)
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"/+:.".contains(&b))
            }
        }
    }

    /// Whether a binary constant of `len` bytes can be this algorithm's
    /// digest (only for hex-digest algorithms).
    pub(crate) fn matches_bytes(&self, len: usize) -> bool {
        matches!(self.rule, Rule::Hex(n) if n == 2 * len)
    }

    /// What a value must look like, for messages.
    pub(crate) fn describe(&self) -> String {
        match self.rule {
            Rule::Hex(n) => format!("{n} hexadecimal digits"),
            Rule::Alphanumeric(n) => format!("{n} letters and digits"),
            Rule::Ssdeep => "1 to 128 characters from a-z A-Z 0-9 / + : .".to_string(),
        }
    }
}

/// Which address family a constant of `ISSUBSET`/`ISSUPERSET` must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    V4,
    V6,
    /// Either: the path reaches an address through a reference.
    Any,
}

/// Whether `text` is an address or CIDR block (`addr/prefix`) of `family`.
/// Host bits may be set (`192.168.0.1/24`), as the specification's own
/// examples do.
pub(crate) fn is_address_or_cidr(text: &str, family: Family) -> bool {
    let (addr, prefix) = match text.split_once('/') {
        Some((addr, prefix)) => (addr, Some(prefix)),
        None => (text, None),
    };
    let max_prefix = if addr.parse::<Ipv4Addr>().is_ok() && family != Family::V6 {
        32
    } else if addr.parse::<Ipv6Addr>().is_ok() && family != Family::V4 {
        128
    } else {
        return false;
    };
    match prefix {
        None => true,
        Some(p) => {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u32>().is_ok_and(|n| n <= max_prefix)
        }
    }
}

/// Whether `name` is a valid object type: `^-?[a-z0-9]+(-[a-z0-9]+)*-?$`,
/// 3 to 250 characters (the rule of the reference validator).
pub(crate) fn is_valid_object_type(name: &str) -> bool {
    if !(3..=250).contains(&name.len()) {
        return false;
    }
    let inner = name.strip_prefix('-').unwrap_or(name);
    let inner = inner.strip_suffix('-').unwrap_or(inner);
    !inner.is_empty()
        && inner.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_type_names() {
        for ok in [
            "file",
            "x-usb-device",
            "ipv4-addr",
            "-abc",
            "abc-",
            "a1b",
            "x-foo-",
        ] {
            assert!(is_valid_object_type(ok), "{ok}");
        }
        for bad in [
            "ab",
            "x_whatever",
            "File",
            "a--b",
            "--ab",
            "ab--",
            "-",
            "---",
            "",
        ] {
            assert!(!is_valid_object_type(bad), "{bad}");
        }
        assert!(!is_valid_object_type(&"a".repeat(251)));
    }

    #[test]
    fn addresses_and_blocks() {
        assert!(is_address_or_cidr("192.168.0.1/24", Family::V4));
        assert!(is_address_or_cidr("10.0.0.0", Family::V4));
        assert!(is_address_or_cidr(
            "2001:0db8:dead:beef:0000:0000:0000:0000/64",
            Family::Any
        ));
        assert!(!is_address_or_cidr("2001:db8::/64", Family::V4));
        assert!(!is_address_or_cidr("10.0.0.0/33", Family::V4));
        assert!(!is_address_or_cidr("10.0.0.0/", Family::V4));
        assert!(!is_address_or_cidr("10.0.0/8", Family::V4));
        assert!(!is_address_or_cidr("::/129", Family::V6));
        assert!(!is_address_or_cidr("example.com", Family::Any));
    }

    #[test]
    fn hash_names_normalise() {
        assert_eq!(hash_format("sha256").map(|f| f.name), Some("SHA-256"));
        assert_eq!(hash_format("Sha3-512").map(|f| f.name), Some("SHA3-512"));
        assert!(hash_format("SHA-224").is_none());
        let ssdeep = hash_format("ssdeep").unwrap();
        assert!(ssdeep.matches("3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"));
        assert!(!ssdeep.matches(""));
    }
}
