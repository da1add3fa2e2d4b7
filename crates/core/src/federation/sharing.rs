//! What may be shared with whom: the audience an originator chooses, the
//! TLP of an object, the digest and version that identify what was shared,
//! and the rule that a node never forwards another member's object.
//!
//! Laws:
//! - An audience is `all` or a non-empty list of distinct member names.
//!   Only the originator decides it.
//! - `all` expands, at share time, to the members in good standing other
//!   than the originator (possibly nobody); a named list must name only
//!   members in good standing, never the originator itself.
//! - What a recipient is told of a named audience is only itself
//!   ([`Audience::disclosed_to`]): a recipient does not learn who else
//!   received an item unless the originator chooses to say, by signing the
//!   full list.
//! - The TLP of an object is the most restrictive TLP marking it carries,
//!   in `object_marking_refs` or in any `granular_markings` entry: a
//!   portion marked RED makes the object RED for every export decision.
//! - A node may share an object id only if it did not receive that id from
//!   another member (any version): nothing received is ever forwarded.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use liaison_stix::json::{Value, canonical};
use liaison_stix::tlp::{Tlp, most_restrictive};

use super::format::{FormatError, hex, is_member_name};
use super::membership::{Member, Standing};

/// Who an object is shared with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Every member in good standing at the time of sharing.
    All,
    /// These members (one: a bilateral exchange).
    Members(Vec<String>),
}

/// Why an audience is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AudienceError {
    #[error("the audience names nobody: give 'all' or member names")]
    Empty,
    #[error("{name:?} is not a member name")]
    BadName { name: String },
    #[error("{name} is named twice in the audience")]
    Duplicate { name: String },
    #[error("{name} is this node: a member does not share with itself")]
    IncludesSelf { name: String },
    #[error("{name} is not a member of this commonwealth")]
    NotAMember { name: String },
    #[error("{name} is {standing} and receives nothing")]
    NotInGoodStanding { name: String, standing: Standing },
}

impl Audience {
    /// Checks the form: a non-empty list of distinct member names.
    pub fn check_form(&self) -> Result<(), AudienceError> {
        let Audience::Members(names) = self else {
            return Ok(());
        };
        if names.is_empty() {
            return Err(AudienceError::Empty);
        }
        for (i, name) in names.iter().enumerate() {
            if !is_member_name(name) {
                return Err(AudienceError::BadName { name: name.clone() });
            }
            if names[..i].contains(name) {
                return Err(AudienceError::Duplicate { name: name.clone() });
            }
        }
        Ok(())
    }

    /// True when `name` is in the audience.
    pub fn includes(&self, name: &str) -> bool {
        match self {
            Audience::All => true,
            Audience::Members(names) => names.iter().any(|n| n == name),
        }
    }

    /// The audience as stated to `recipient`: `all` stays `all`; a named
    /// list becomes just the recipient.
    pub fn disclosed_to(&self, recipient: &str) -> Audience {
        match self {
            Audience::All => Audience::All,
            Audience::Members(_) => Audience::Members(vec![recipient.to_owned()]),
        }
    }

    /// The recipients at share time, sorted by name (see the laws).
    pub fn recipients(
        &self,
        self_name: &str,
        members: &[Member],
    ) -> Result<Vec<String>, AudienceError> {
        self.check_form()?;
        let mut names: Vec<String> = match self {
            Audience::All => members
                .iter()
                .filter(|m| m.standing == Standing::Good && m.name != self_name)
                .map(|m| m.name.clone())
                .collect(),
            Audience::Members(names) => {
                for name in names {
                    if name == self_name {
                        return Err(AudienceError::IncludesSelf { name: name.clone() });
                    }
                    let member = members
                        .iter()
                        .find(|m| &m.name == name)
                        .ok_or_else(|| AudienceError::NotAMember { name: name.clone() })?;
                    if member.standing != Standing::Good {
                        return Err(AudienceError::NotInGoodStanding {
                            name: name.clone(),
                            standing: member.standing,
                        });
                    }
                }
                names.clone()
            }
        };
        names.sort();
        Ok(names)
    }
}

impl FromStr for Audience {
    type Err = AudienceError;

    /// `all`, or member names separated by commas (`cert-b,cert-c`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim() == "all" {
            return Ok(Audience::All);
        }
        let names: Vec<String> = s
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect();
        let audience = Audience::Members(names);
        audience.check_form()?;
        Ok(audience)
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Audience::All => f.write_str("all"),
            Audience::Members(names) => f.write_str(&names.join(",")),
        }
    }
}

impl Serialize for Audience {
    /// `"all"` or `["cert-b", ...]`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Audience::All => serializer.serialize_str("all"),
            Audience::Members(names) => names.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Word(String),
            Names(Vec<String>),
        }
        let audience = match Repr::deserialize(deserializer)? {
            Repr::Word(w) if w == "all" => Audience::All,
            Repr::Word(_) => {
                return Err(serde::de::Error::custom(
                    "audience must be \"all\" or a list of member names",
                ));
            }
            Repr::Names(names) => Audience::Members(names),
        };
        audience.check_form().map_err(serde::de::Error::custom)?;
        Ok(audience)
    }
}

/// The TLP of a STIX object: the most restrictive TLP marking among its
/// `object_marking_refs` and `granular_markings[].marking_ref`; `None` when
/// it carries no TLP marking.
pub fn object_tlp(object: &Value<'_>) -> Option<Tlp> {
    let object_refs = object
        .get("object_marking_refs")
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str);
    let granular_refs = object
        .get("granular_markings")
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|g| g.get("marking_ref").and_then(Value::as_str));
    most_restrictive(object_refs.chain(granular_refs))
}

/// The name of a TLP level in federation records (`amber+strict`).
pub fn tlp_name(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "clear",
        Tlp::Green => "green",
        Tlp::Amber => "amber",
        Tlp::AmberStrict => "amber+strict",
        Tlp::Red => "red",
    }
}

/// The TLP level of a name in federation records.
pub fn tlp_from_name(name: &str) -> Option<Tlp> {
    [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ]
    .into_iter()
    .find(|t| tlp_name(*t) == name)
}

/// serde for `Option<Tlp>` as `"amber"` or `null`.
pub(crate) mod tlp_field {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(tlp: &Option<Tlp>, s: S) -> Result<S::Ok, S::Error> {
        tlp.map(tlp_name).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Tlp>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(name) => tlp_from_name(&name).map(Some).ok_or_else(|| {
                serde::de::Error::custom(
                    "tlp must be clear, green, amber, amber+strict, red or null",
                )
            }),
        }
    }
}

/// Lowercase hex SHA-256 of the object's RFC 8785 canonical JSON.
pub fn object_digest(object: &Value<'_>) -> Result<String, FormatError> {
    let text = canonical(object).map_err(|e| FormatError::NotCanonical(e.to_string()))?;
    Ok(hex(&Sha256::digest(text.as_bytes())))
}

/// The version of an object as federation records name it: `modified`,
/// else `created`, else empty (cyber-observables have one version); the
/// same rule as the store's.
pub fn object_version(object: &Value<'_>) -> String {
    object
        .get("modified")
        .or_else(|| object.get("created"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Sharing an object received from another member is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{object_id} was received from {origin}: a member never forwards another member's object")]
pub struct NeverForward {
    pub object_id: String,
    pub origin: String,
}

/// The never-forward rule. `origin_of_id` is the member the store has
/// received `object_id` from (any version), `None` when it never received
/// it; the node's own name there is allowed too.
pub fn check_may_share(
    object_id: &str,
    origin_of_id: Option<&str>,
    self_name: &str,
) -> Result<(), NeverForward> {
    match origin_of_id {
        Some(origin) if origin != self_name => Err(NeverForward {
            object_id: object_id.to_owned(),
            origin: origin.to_owned(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::federation::testkit::{indicator, member};
    use liaison_stix::json::parse;

    fn members() -> Vec<Member> {
        let mut out: Vec<Member> = ["cert-a", "cert-b", "cert-c", "cert-d"]
            .iter()
            .map(|n| Member::from_card(&member(n).0))
            .collect();
        out[3].standing = Standing::Suspended;
        out
    }

    fn names(list: &[&str]) -> Audience {
        Audience::Members(list.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn all_expands_to_the_other_members_in_good_standing() {
        assert_eq!(
            Audience::All.recipients("cert-a", &members()),
            Ok(vec!["cert-b".to_string(), "cert-c".to_string()])
        );
        let alone = &members()[..1];
        assert_eq!(Audience::All.recipients("cert-a", alone), Ok(vec![]));
    }

    #[test]
    fn named_audiences_are_validated() {
        let m = members();
        assert_eq!(
            names(&["cert-c", "cert-b"]).recipients("cert-a", &m),
            Ok(vec!["cert-b".to_string(), "cert-c".to_string()])
        );
        assert_eq!(
            names(&[]).recipients("cert-a", &m),
            Err(AudienceError::Empty)
        );
        assert_eq!(
            names(&["cert-a"])
                .recipients("cert-a", &m)
                .unwrap_err()
                .to_string(),
            "cert-a is this node: a member does not share with itself"
        );
        assert_eq!(
            names(&["cert-x"])
                .recipients("cert-a", &m)
                .unwrap_err()
                .to_string(),
            "cert-x is not a member of this commonwealth"
        );
        assert_eq!(
            names(&["cert-d"])
                .recipients("cert-a", &m)
                .unwrap_err()
                .to_string(),
            "cert-d is suspended and receives nothing"
        );
        assert_eq!(
            names(&["cert-b", "cert-b"]).recipients("cert-a", &m),
            Err(AudienceError::Duplicate {
                name: "cert-b".into()
            })
        );
        assert!(matches!(
            names(&["Cert-B"]).recipients("cert-a", &m),
            Err(AudienceError::BadName { .. })
        ));
    }

    #[test]
    fn parsing_and_printing() {
        assert_eq!("all".parse(), Ok(Audience::All));
        assert_eq!("cert-b, cert-c".parse(), Ok(names(&["cert-b", "cert-c"])));
        assert_eq!("".parse::<Audience>(), Err(AudienceError::Empty));
        assert!("cert-b,all".parse::<Audience>().is_err());
        assert_eq!(names(&["cert-b", "cert-c"]).to_string(), "cert-b,cert-c");
        assert_eq!(serde_json::to_string(&Audience::All).unwrap(), "\"all\"");
        assert_eq!(
            serde_json::to_string(&names(&["cert-b"])).unwrap(),
            "[\"cert-b\"]"
        );
        let back: Audience = serde_json::from_str("[\"cert-b\",\"cert-c\"]").unwrap();
        assert_eq!(back, names(&["cert-b", "cert-c"]));
        for bad in [
            "\"everyone\"",
            "[]",
            "[\"cert-b\",\"cert-b\"]",
            "[\"ALL\"]",
            "3",
        ] {
            assert!(serde_json::from_str::<Audience>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn disclosure_names_only_the_recipient() {
        assert_eq!(
            names(&["cert-b", "cert-c"]).disclosed_to("cert-c"),
            names(&["cert-c"])
        );
        assert_eq!(Audience::All.disclosed_to("cert-c"), Audience::All);
        assert!(Audience::All.includes("anyone"));
        assert!(!names(&["cert-b"]).includes("cert-c"));
    }

    #[test]
    fn tlp_is_the_most_restrictive_marking() {
        assert_eq!(object_tlp(&indicator(None)), None);
        assert_eq!(object_tlp(&indicator(Some(Tlp::Amber))), Some(Tlp::Amber));
        let text = format!(
            r#"{{"object_marking_refs":["{}","{}"],"granular_markings":[{{"marking_ref":"{}","selectors":["name"]}}]}}"#,
            Tlp::Green.marking_id(),
            "marking-definition--11111111-2222-4333-8444-555555555555",
            Tlp::Red.marking_id()
        );
        assert_eq!(object_tlp(&parse(&text).unwrap()), Some(Tlp::Red));
        let v1_amber = r#"{"object_marking_refs":["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]}"#;
        assert_eq!(object_tlp(&parse(v1_amber).unwrap()), Some(Tlp::Amber));
        for t in [
            Tlp::Clear,
            Tlp::Green,
            Tlp::Amber,
            Tlp::AmberStrict,
            Tlp::Red,
        ] {
            assert_eq!(tlp_from_name(tlp_name(t)), Some(t));
        }
        assert_eq!(tlp_from_name("white"), None);
    }

    #[test]
    fn digest_and_version() {
        let a = parse(r#"{"b":1,"a":[1.0,"x"],"modified":"2025-01-02T00:00:00.000Z","created":"2025-01-01T00:00:00.000Z"}"#).unwrap();
        let b = parse(r#"{"created":"2025-01-01T00:00:00.000Z","a":[1,"x"],"modified":"2025-01-02T00:00:00.000Z","b":1}"#).unwrap();
        assert_eq!(object_digest(&a), object_digest(&b), "canonical bytes");
        assert_eq!(object_digest(&a).unwrap().len(), 64);
        assert_eq!(object_version(&a), "2025-01-02T00:00:00.000Z");
        assert_eq!(
            object_version(&parse(r#"{"created":"2025-01-01T00:00:00.000Z"}"#).unwrap()),
            "2025-01-01T00:00:00.000Z"
        );
        assert_eq!(
            object_version(&parse(r#"{"type":"ipv4-addr"}"#).unwrap()),
            ""
        );
        assert!(object_digest(&parse("[1e400]").unwrap()).is_err());
    }

    #[test]
    fn never_forward() {
        let id = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
        assert_eq!(check_may_share(id, None, "cert-b"), Ok(()));
        assert_eq!(check_may_share(id, Some("cert-b"), "cert-b"), Ok(()));
        assert_eq!(
            check_may_share(id, Some("cert-a"), "cert-b")
                .unwrap_err()
                .to_string(),
            format!(
                "{id} was received from cert-a: a member never forwards another member's object"
            )
        );
    }
}
