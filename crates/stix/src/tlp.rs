//! Traffic Light Protocol (TLP) markings: the standard STIX marking
//! definitions and the TLP level each one stands for.
//!
//! STIX 2.1 §7.2.1.4 fixes four TLP 1.0 marking definitions (the only `tlp`
//! marking definitions that may exist), and the OASIS TLP 2.0 extension
//! (`extension-definition--60a3c5c5-…`) fixes five TLP 2.0 ones. Both sets
//! are identified by well-known ids, so the level of a marking reference can
//! be read from the id alone, without the marking object. TLP 1.0 WHITE is
//! TLP 2.0 CLEAR.

use std::fmt;

/// A TLP level, ordered from least to most restrictive
/// (`Tlp::Clear < Tlp::Red`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tlp {
    /// TLP:CLEAR (TLP 1.0: TLP:WHITE): disclosure is not limited.
    Clear,
    /// TLP:GREEN: limited disclosure, the recipient's community.
    Green,
    /// TLP:AMBER: limited disclosure, the recipient's organization and its
    /// clients.
    Amber,
    /// TLP:AMBER+STRICT: limited disclosure, the recipient's organization
    /// only (TLP 2.0).
    AmberStrict,
    /// TLP:RED: for the eyes and ears of individual recipients only.
    Red,
}

impl Tlp {
    /// The TLP 2.0 label, e.g. `TLP:AMBER+STRICT`.
    pub fn label(self) -> &'static str {
        match self {
            Tlp::Clear => "TLP:CLEAR",
            Tlp::Green => "TLP:GREEN",
            Tlp::Amber => "TLP:AMBER",
            Tlp::AmberStrict => "TLP:AMBER+STRICT",
            Tlp::Red => "TLP:RED",
        }
    }

    /// The id of the TLP 2.0 marking definition for this level, the one to
    /// reference when marking new content.
    pub fn marking_id(self) -> &'static str {
        MARKINGS
            .iter()
            .find(|m| m.version == TlpVersion::V2 && m.level == self)
            .map_or("", |m| m.id)
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The TLP version a standard marking definition belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TlpVersion {
    /// TLP 1.0, STIX 2.1 §7.2.1.4 (`definition_type: tlp`).
    V1,
    /// TLP 2.0, through the OASIS TLP 2.0 property extension.
    V2,
}

/// One of the nine standard TLP marking definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TlpMarking {
    /// `marking-definition--…`
    pub id: &'static str,
    /// `name`, e.g. `TLP:WHITE`.
    pub name: &'static str,
    /// `created`, exactly as published.
    pub created: &'static str,
    /// TLP 1.0 or 2.0.
    pub version: TlpVersion,
    /// The level it stands for (TLP 1.0 WHITE is [`Tlp::Clear`]).
    pub level: Tlp,
    /// The level as the object writes it: `definition.tlp` for TLP 1.0
    /// (`white`), the extension's `tlp_2_0` for TLP 2.0 (`amber+strict`).
    pub value: &'static str,
}

/// The extension definition through which TLP 2.0 markings are expressed.
pub const TLP2_EXTENSION_ID: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

const TLP1_CREATED: &str = "2017-01-20T00:00:00.000Z";
const TLP2_CREATED: &str = "2022-10-01T00:00:00.000Z";

const fn v1(id: &'static str, name: &'static str, level: Tlp, value: &'static str) -> TlpMarking {
    TlpMarking {
        id,
        name,
        created: TLP1_CREATED,
        version: TlpVersion::V1,
        level,
        value,
    }
}

const fn v2(id: &'static str, name: &'static str, level: Tlp, value: &'static str) -> TlpMarking {
    TlpMarking {
        id,
        name,
        created: TLP2_CREATED,
        version: TlpVersion::V2,
        level,
        value,
    }
}

/// The standard TLP marking definitions: TLP 1.0 (STIX 2.1 §7.2.1.4), then
/// TLP 2.0 (OASIS cti-stix-common-objects).
pub static MARKINGS: [TlpMarking; 9] = [
    v1(
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        "TLP:WHITE",
        Tlp::Clear,
        "white",
    ),
    v1(
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        "TLP:GREEN",
        Tlp::Green,
        "green",
    ),
    v1(
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        "TLP:AMBER",
        Tlp::Amber,
        "amber",
    ),
    v1(
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        "TLP:RED",
        Tlp::Red,
        "red",
    ),
    v2(
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "TLP:CLEAR",
        Tlp::Clear,
        "clear",
    ),
    v2(
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        "TLP:GREEN",
        Tlp::Green,
        "green",
    ),
    v2(
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "TLP:AMBER",
        Tlp::Amber,
        "amber",
    ),
    v2(
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        "TLP:AMBER+STRICT",
        Tlp::AmberStrict,
        "amber+strict",
    ),
    v2(
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        "TLP:RED",
        Tlp::Red,
        "red",
    ),
];

/// The standard TLP marking definition with this id, if it is one. UUIDs
/// compare case-insensitively (RFC 4122), so the id does too.
pub fn marking(marking_id: &str) -> Option<&'static TlpMarking> {
    MARKINGS
        .iter()
        .find(|m| m.id.eq_ignore_ascii_case(marking_id))
}

/// The TLP level of a marking-definition id; `None` when the id is not one
/// of the standard TLP 1.0 or TLP 2.0 marking definitions.
pub fn tlp_level(marking_id: &str) -> Option<Tlp> {
    marking(marking_id).map(|m| m.level)
}

/// The most restrictive TLP level among marking-definition ids (typically
/// an object's `object_marking_refs`); `None` when none is a TLP marking.
pub fn most_restrictive<'a>(marking_ids: impl IntoIterator<Item = &'a str>) -> Option<Tlp> {
    marking_ids.into_iter().filter_map(tlp_level).max()
}

impl TlpMarking {
    /// The marking definition object exactly as published, as compact JSON.
    pub fn to_json(&self) -> String {
        match self.version {
            TlpVersion::V1 => format!(
                r#"{{"type":"marking-definition","spec_version":"2.1","id":"{}","created":"{}","definition_type":"tlp","name":"{}","definition":{{"tlp":"{}"}}}}"#,
                self.id, self.created, self.name, self.value
            ),
            TlpVersion::V2 => format!(
                r#"{{"type":"marking-definition","spec_version":"2.1","id":"{}","created":"{}","name":"{}","extensions":{{"{TLP2_EXTENSION_ID}":{{"extension_type":"property-extension","tlp_2_0":"{}"}}}}}}"#,
                self.id, self.created, self.name, self.value
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;
    use crate::validate_object;

    #[test]
    fn levels_of_the_standard_ids() {
        assert_eq!(
            tlp_level("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
            Some(Tlp::Clear)
        );
        assert_eq!(
            tlp_level("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"),
            Some(Tlp::Clear)
        );
        assert_eq!(
            tlp_level("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"),
            Some(Tlp::Amber)
        );
        assert_eq!(
            tlp_level("marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"),
            Some(Tlp::AmberStrict)
        );
        assert_eq!(
            tlp_level("marking-definition--E828B379-4E03-4974-9AC4-E53A884C97C1"),
            Some(Tlp::Red)
        );
        assert_eq!(
            tlp_level("marking-definition--11111111-2222-4333-8444-555555555555"),
            None
        );
        assert_eq!(
            tlp_level("identity--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
            None
        );
        assert_eq!(tlp_level(""), None);
    }

    #[test]
    fn every_level_has_a_tlp2_marking() {
        for level in [
            Tlp::Clear,
            Tlp::Green,
            Tlp::Amber,
            Tlp::AmberStrict,
            Tlp::Red,
        ] {
            let id = level.marking_id();
            assert_eq!(
                marking(id).map(|m| (m.version, m.level, m.name)),
                Some((TlpVersion::V2, level, level.label()))
            );
        }
    }

    #[test]
    fn ordering_and_most_restrictive() {
        assert!(
            Tlp::Clear < Tlp::Green
                && Tlp::Green < Tlp::Amber
                && Tlp::Amber < Tlp::AmberStrict
                && Tlp::AmberStrict < Tlp::Red
        );
        let refs = [
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
            "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            "marking-definition--11111111-2222-4333-8444-555555555555",
        ];
        assert_eq!(most_restrictive(refs), Some(Tlp::Amber));
        assert_eq!(
            most_restrictive(["marking-definition--11111111-2222-4333-8444-555555555555"]),
            None
        );
        assert_eq!(Tlp::AmberStrict.to_string(), "TLP:AMBER+STRICT");
    }

    #[test]
    fn published_objects_are_valid() {
        for m in &MARKINGS {
            let json = m.to_json();
            let value = parse(&json).unwrap();
            assert_eq!(validate_object(&value), vec![], "{json}");
        }
    }
}
