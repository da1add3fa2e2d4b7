//! The 19 STIX Domain Objects (STIX 2.1 §4).
//!
//! One submodule per family of objects, each a set of [`Def`] tables plus the
//! rules a table cannot express. Property types that many SDOs share are
//! declared here once, so that a property means the same thing everywhere.

mod actors;
mod context;
mod indicator;
mod location;
mod malware;
mod observed;
mod ttp;

use super::common;
use super::types::{Def, Refs, Ty};

/// All SDO definitions, in the order of §4.
pub(crate) static DEFS: &[&Def] = &[
    &ttp::ATTACK_PATTERN,
    &actors::CAMPAIGN,
    &ttp::COURSE_OF_ACTION,
    &context::GROUPING,
    &context::IDENTITY,
    &ttp::INCIDENT,
    &indicator::INDICATOR,
    &ttp::INFRASTRUCTURE,
    &actors::INTRUSION_SET,
    &location::LOCATION,
    &malware::MALWARE,
    &malware::MALWARE_ANALYSIS,
    &context::NOTE,
    &observed::OBSERVED_DATA,
    &context::OPINION,
    &context::REPORT,
    &actors::THREAT_ACTOR,
    &ttp::TOOL,
    &ttp::VULNERABILITY,
];

static KILL_CHAIN_PHASE: Ty = Ty::Struct(&common::KILL_CHAIN_PHASE);
/// `kill_chain_phases`: list of kill-chain-phase (§2.11).
const KILL_CHAIN_PHASES: Ty = Ty::List(&KILL_CHAIN_PHASE);
/// `aliases`, `goals`, `authors`, ...: list of string.
const STRINGS: Ty = Ty::List(&Ty::String);
/// `object_refs` of grouping, note, opinion and report: any STIX object.
const OBJECT_REFS: Ty = Ty::List(&Ty::Ref(Refs::Any));
