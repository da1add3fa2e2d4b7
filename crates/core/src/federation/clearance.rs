//! Who among a node's local users may read an object, given its TLP.
//!
//! TLP:RED and TLP:AMBER+STRICT content received from another member must
//! not be readable by every local user (TAXII reads included); each user
//! has a clearance, set by an administrator.
//!
//! Laws:
//! - [`Clearance::Standard`] reads unmarked, CLEAR, GREEN and AMBER;
//!   [`Clearance::AmberStrict`] adds AMBER+STRICT; [`Clearance::Red`]
//!   reads everything. Clearances are ordered, and a higher one reads
//!   everything a lower one does.
//! - The role gives no clearance: an administrator is
//!   [`Clearance::Standard`] until one is granted (least privilege: running
//!   the node is not a need to know). Granting one, to oneself included,
//!   is an administrative act the server should audit.
//! - New users start at [`Clearance::Standard`].
//! - The rule depends on the object's TLP alone (the most restrictive
//!   marking, see [`object_tlp`](super::object_tlp)), so it can be applied
//!   to every object the same way, whatever its origin.

use std::fmt;
use std::str::FromStr;

use liaison_stix::tlp::Tlp;

use super::format::FormatError;

/// How much TLP-restricted content a local user may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Clearance {
    /// Up to TLP:AMBER (and unmarked content).
    #[default]
    Standard,
    /// Up to TLP:AMBER+STRICT.
    AmberStrict,
    /// Everything, TLP:RED included.
    Red,
}

impl Clearance {
    /// The name used in the CLI, the admin API and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Clearance::Standard => "standard",
            Clearance::AmberStrict => "amber-strict",
            Clearance::Red => "red",
        }
    }

    /// The most restrictive TLP level this clearance reads.
    pub fn ceiling(self) -> Tlp {
        match self {
            Clearance::Standard => Tlp::Amber,
            Clearance::AmberStrict => Tlp::AmberStrict,
            Clearance::Red => Tlp::Red,
        }
    }

    /// May a user with this clearance read an object of TLP `tlp`
    /// (`None`: unmarked)?
    pub fn may_read(self, tlp: Option<Tlp>) -> bool {
        tlp.is_none_or(|level| level <= self.ceiling())
    }
}

impl fmt::Display for Clearance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Clearance {
    type Err = FormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "standard" => Ok(Clearance::Standard),
            "amber-strict" => Ok(Clearance::AmberStrict),
            "red" => Ok(Clearance::Red),
            _ => Err(FormatError::invalid(
                "clearance",
                "must be standard, amber-strict or red",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEVELS: [Option<Tlp>; 6] = [
        None,
        Some(Tlp::Clear),
        Some(Tlp::Green),
        Some(Tlp::Amber),
        Some(Tlp::AmberStrict),
        Some(Tlp::Red),
    ];

    #[test]
    fn the_matrix() {
        let readable = |c: Clearance| LEVELS.iter().filter(|t| c.may_read(**t)).count();
        assert_eq!(readable(Clearance::Standard), 4);
        assert_eq!(readable(Clearance::AmberStrict), 5);
        assert_eq!(readable(Clearance::Red), 6);
        assert!(!Clearance::Standard.may_read(Some(Tlp::AmberStrict)));
        assert!(!Clearance::Standard.may_read(Some(Tlp::Red)));
        assert!(!Clearance::AmberStrict.may_read(Some(Tlp::Red)));
        assert!(Clearance::AmberStrict.may_read(Some(Tlp::AmberStrict)));
        assert!(Clearance::Red.may_read(Some(Tlp::Red)));
    }

    #[test]
    fn higher_clearances_read_more() {
        let all = [Clearance::Standard, Clearance::AmberStrict, Clearance::Red];
        for low in all {
            for high in all.into_iter().filter(|h| *h >= low) {
                for tlp in LEVELS {
                    assert!(!low.may_read(tlp) || high.may_read(tlp));
                }
            }
        }
        assert_eq!(Clearance::default(), Clearance::Standard);
    }

    #[test]
    fn names() {
        for c in [Clearance::Standard, Clearance::AmberStrict, Clearance::Red] {
            assert_eq!(c.as_str().parse(), Ok(c));
        }
        assert!("admin".parse::<Clearance>().is_err());
    }
}
