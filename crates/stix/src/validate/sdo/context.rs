//! The SDOs that give context to other objects: Grouping, Identity, Note,
//! Opinion and Report (STIX 2.1 §4.4, §4.5, §4.13, §4.15, §4.16).

use super::{OBJECT_REFS, STRINGS};
use crate::validate::types::{Def, Kind, Ty, opt, req};
use crate::validate::vocab;

/// `grouping` (§4.4). The markdown edition of the specification lists
/// `name` as required; the OASIS Standard, the JSON Schemas and the
/// reference library make it optional, and so do we.
pub(super) static GROUPING: Def = Def {
    name: "grouping",
    kind: Kind::Sdo,
    props: &[
        opt("name", Ty::String),
        opt("description", Ty::String),
        req("context", Ty::Vocab(&vocab::GROUPING_CONTEXT)),
        req("object_refs", OBJECT_REFS),
    ],
    rules: None,
    id_contributing: &[],
};

/// `identity` (§4.5).
pub(super) static IDENTITY: Def = Def {
    name: "identity",
    kind: Kind::Sdo,
    props: &[
        req("name", Ty::String),
        opt("description", Ty::String),
        opt("roles", STRINGS),
        opt("identity_class", Ty::Vocab(&vocab::IDENTITY_CLASS)),
        opt("sectors", Ty::List(&Ty::Vocab(&vocab::INDUSTRY_SECTOR))),
        opt("contact_information", Ty::String),
    ],
    rules: None,
    id_contributing: &[],
};

/// `note` (§4.13).
pub(super) static NOTE: Def = Def {
    name: "note",
    kind: Kind::Sdo,
    props: &[
        opt("abstract", Ty::String),
        req("content", Ty::String),
        opt("authors", STRINGS),
        req("object_refs", OBJECT_REFS),
    ],
    rules: None,
    id_contributing: &[],
};

/// `opinion` (§4.15).
pub(super) static OPINION: Def = Def {
    name: "opinion",
    kind: Kind::Sdo,
    props: &[
        opt("explanation", Ty::String),
        opt("authors", STRINGS),
        req("opinion", Ty::Enum(&vocab::OPINION)),
        req("object_refs", OBJECT_REFS),
    ],
    rules: None,
    id_contributing: &[],
};

/// `report` (§4.16).
pub(super) static REPORT: Def = Def {
    name: "report",
    kind: Kind::Sdo,
    props: &[
        req("name", Ty::String),
        opt("description", Ty::String),
        opt("report_types", Ty::List(&Ty::Vocab(&vocab::REPORT_TYPE))),
        req("published", Ty::Timestamp),
        req("object_refs", OBJECT_REFS),
    ],
    rules: None,
    id_contributing: &[],
};
