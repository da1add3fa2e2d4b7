//! The 18 STIX Cyber-observable Objects (STIX 2.1 §6), their embedded types
//! and predefined extensions.

use super::types::{req, opt, Def, Kind, Ty, Refs};

/// All SCO definitions.
pub(crate) static DEFS: &[&Def] = &[&IPV4_ADDR];

/// All predefined extensions.
pub(crate) static EXTENSIONS: &[&Def] = &[];

/// `ipv4-addr` (§6.5).
static IPV4_ADDR: Def = Def {
    name: "ipv4-addr",
    kind: Kind::Sco,
    props: &[
        req("value", Ty::String),
        opt("resolves_to_refs", Ty::List(&Ty::Ref(Refs::Only(&["mac-addr"])))),
        opt("belongs_to_refs", Ty::List(&Ty::Ref(Refs::Only(&["autonomous-system"])))),
    ],
    rules: None,
    id_contributing: &["value"],
};
