//! The adversary SDOs: Campaign, Intrusion Set and Threat Actor (STIX 2.1
//! §4.2, §4.9, §4.17).

use crate::json::Object;

use super::STRINGS;
use crate::validate::common::check_order;
use crate::validate::ctx::Ctx;
use crate::validate::types::{Def, Kind, Ty, opt, req};
use crate::validate::vocab;

const RESOURCE_LEVEL: Ty = Ty::Vocab(&vocab::ATTACK_RESOURCE_LEVEL);
const MOTIVATION: Ty = Ty::Vocab(&vocab::ATTACK_MOTIVATION);
const MOTIVATIONS: Ty = Ty::List(&Ty::Vocab(&vocab::ATTACK_MOTIVATION));

/// `campaign` (§4.2).
pub(super) static CAMPAIGN: Def = Def {
    name: "campaign",
    kind: Kind::Sdo,
    props: &[
        req("name", Ty::String),
        opt("description", Ty::String),
        opt("aliases", STRINGS),
        opt("first_seen", Ty::Timestamp),
        opt("last_seen", Ty::Timestamp),
        opt("objective", Ty::String),
    ],
    rules: Some(campaign_rules),
    id_contributing: &[],
};

fn campaign_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    check_order(ctx, obj, "first_seen", "last_seen", false, "campaign");
}

/// `intrusion-set` (§4.9).
pub(super) static INTRUSION_SET: Def = Def {
    name: "intrusion-set",
    kind: Kind::Sdo,
    props: &[
        req("name", Ty::String),
        opt("description", Ty::String),
        opt("aliases", STRINGS),
        opt("first_seen", Ty::Timestamp),
        opt("last_seen", Ty::Timestamp),
        opt("goals", STRINGS),
        opt("resource_level", RESOURCE_LEVEL),
        opt("primary_motivation", MOTIVATION),
        opt("secondary_motivations", MOTIVATIONS),
    ],
    rules: Some(intrusion_set_rules),
    id_contributing: &[],
};

fn intrusion_set_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    check_order(ctx, obj, "first_seen", "last_seen", false, "intrusion-set");
}

/// `threat-actor` (§4.17).
pub(super) static THREAT_ACTOR: Def = Def {
    name: "threat-actor",
    kind: Kind::Sdo,
    props: &[
        req("name", Ty::String),
        opt("description", Ty::String),
        opt(
            "threat_actor_types",
            Ty::List(&Ty::Vocab(&vocab::THREAT_ACTOR_TYPE)),
        ),
        opt("aliases", STRINGS),
        opt("first_seen", Ty::Timestamp),
        opt("last_seen", Ty::Timestamp),
        opt("roles", Ty::List(&Ty::Vocab(&vocab::THREAT_ACTOR_ROLE))),
        opt("goals", STRINGS),
        opt(
            "sophistication",
            Ty::Vocab(&vocab::THREAT_ACTOR_SOPHISTICATION),
        ),
        opt("resource_level", RESOURCE_LEVEL),
        opt("primary_motivation", MOTIVATION),
        opt("secondary_motivations", MOTIVATIONS),
        opt("personal_motivations", MOTIVATIONS),
    ],
    rules: Some(threat_actor_rules),
    id_contributing: &[],
};

fn threat_actor_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    check_order(ctx, obj, "first_seen", "last_seen", false, "threat-actor");
}
