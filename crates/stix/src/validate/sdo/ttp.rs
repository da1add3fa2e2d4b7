//! Attack Pattern, Course of Action, Incident, Infrastructure, Tool and
//! Vulnerability (STIX 2.1 §4.1, §4.3, §4.6, §4.8, §4.18, §4.19).
//!
//! The CAPEC and CVE rules of attack-pattern and vulnerability
//! (`source_name` capec/cve with a well-formed `external_id`) hold for every
//! external reference and are checked with the common properties.

use crate::json::Object;

use super::{KILL_CHAIN_PHASES, STRINGS};
use crate::validate::common::check_order;
use crate::validate::ctx::Ctx;
use crate::validate::types::{Def, Kind, Ty, opt, req};
use crate::validate::vocab;

/// `attack-pattern` (§4.1).
pub(super) static ATTACK_PATTERN: Def = Def {
    name: "attack-pattern",
    kind: Kind::Sdo,
    props: &[
        req("name", Ty::String),
        opt("description", Ty::String),
        opt("aliases", STRINGS),
        opt("kill_chain_phases", KILL_CHAIN_PHASES),
    ],
    rules: None,
    id_contributing: &[],
};

/// `course-of-action` (§4.3). Its `action` property is RESERVED; reserved
/// names are refused for every object by the common checks, so it is not
/// listed here.
pub(super) static COURSE_OF_ACTION: Def = Def {
    name: "course-of-action",
    kind: Kind::Sdo,
    props: &[req("name", Ty::String), opt("description", Ty::String)],
    rules: None,
    id_contributing: &[],
};

/// `incident` (§4.6): a stub in STIX 2.1, extended in practice through an
/// extension definition.
pub(super) static INCIDENT: Def = Def {
    name: "incident",
    kind: Kind::Sdo,
    props: &[req("name", Ty::String), opt("description", Ty::String)],
    rules: None,
    id_contributing: &[],
};

/// `infrastructure` (§4.8).
pub(super) static INFRASTRUCTURE: Def = Def {
    name: "infrastructure",
    kind: Kind::Sdo,
    props: &[
        req("name", Ty::String),
        opt("description", Ty::String),
        opt(
            "infrastructure_types",
            Ty::List(&Ty::Vocab(&vocab::INFRASTRUCTURE_TYPE)),
        ),
        opt("aliases", STRINGS),
        opt("kill_chain_phases", KILL_CHAIN_PHASES),
        opt("first_seen", Ty::Timestamp),
        opt("last_seen", Ty::Timestamp),
    ],
    rules: Some(infrastructure_rules),
    id_contributing: &[],
};

fn infrastructure_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    check_order(ctx, obj, "first_seen", "last_seen", false, "infrastructure");
}

/// `tool` (§4.18). That a tool must not describe malware or a defensive
/// tool is a matter of meaning no validator can judge.
pub(super) static TOOL: Def = Def {
    name: "tool",
    kind: Kind::Sdo,
    props: &[
        req("name", Ty::String),
        opt("description", Ty::String),
        opt("tool_types", Ty::List(&Ty::Vocab(&vocab::TOOL_TYPE))),
        opt("aliases", STRINGS),
        opt("kill_chain_phases", KILL_CHAIN_PHASES),
        opt("tool_version", Ty::String),
    ],
    rules: None,
    id_contributing: &[],
};

/// `vulnerability` (§4.19).
pub(super) static VULNERABILITY: Def = Def {
    name: "vulnerability",
    kind: Kind::Sdo,
    props: &[req("name", Ty::String), opt("description", Ty::String)],
    rules: None,
    id_contributing: &[],
};
