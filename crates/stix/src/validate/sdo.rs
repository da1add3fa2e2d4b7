//! The 19 STIX Domain Objects (STIX 2.1 §4).

use crate::json::Object;

use super::common::check_order;
use super::ctx::Ctx;
use super::types::{opt, req, Def, Kind, Ty};
use super::vocab;

/// All SDO definitions.
pub(crate) static DEFS: &[&Def] = &[&IDENTITY, &INDICATOR];

static KILL_CHAIN_PHASE: Ty = Ty::Struct(&super::common::KILL_CHAIN_PHASE);
const KILL_CHAIN_PHASES: Ty = Ty::List(&KILL_CHAIN_PHASE);

/// `indicator` (§4.7).
static INDICATOR: Def = Def {
    name: "indicator",
    kind: Kind::Sdo,
    props: &[
        opt("name", Ty::String),
        opt("description", Ty::String),
        opt("indicator_types", Ty::List(&Ty::Vocab(&vocab::INDICATOR_TYPE))),
        req("pattern", Ty::String),
        req("pattern_type", Ty::Vocab(&vocab::PATTERN_TYPE)),
        opt("pattern_version", Ty::String),
        req("valid_from", Ty::Timestamp),
        opt("valid_until", Ty::Timestamp),
        opt("kill_chain_phases", KILL_CHAIN_PHASES),
    ],
    rules: Some(indicator_rules),
    id_contributing: &[],
};

fn indicator_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    check_order(ctx, obj, "valid_from", "valid_until", true, "indicator");
}

/// `identity` (§4.5).
static IDENTITY: Def = Def {
    name: "identity",
    kind: Kind::Sdo,
    props: &[
        req("name", Ty::String),
        opt("description", Ty::String),
        opt("roles", Ty::List(&Ty::String)),
        opt("identity_class", Ty::Vocab(&vocab::IDENTITY_CLASS)),
        opt("sectors", Ty::List(&Ty::Vocab(&vocab::INDUSTRY_SECTOR))),
        opt("contact_information", Ty::String),
    ],
    rules: None,
    id_contributing: &[],
};
