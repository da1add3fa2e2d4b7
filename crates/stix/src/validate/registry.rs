//! Where the definitions of all STIX 2.1 object types and predefined
//! extensions are looked up by name.

use super::types::{Def, Kind};
use super::{meta, sco, sdo, sro};

/// Every object type the specification defines.
fn all() -> impl Iterator<Item = &'static Def> {
    sdo::DEFS
        .iter()
        .chain(sro::DEFS)
        .chain(sco::DEFS)
        .chain(meta::DEFS)
        .copied()
}

/// The definition of object type `name`, if STIX 2.1 defines it.
pub(crate) fn lookup(name: &str) -> Option<&'static Def> {
    all().find(|d| d.name == name)
}

/// The kind of a specification-defined object type; `None` for custom types.
pub(crate) fn category(name: &str) -> Option<Kind> {
    lookup(name).map(|d| d.kind)
}

/// The predefined extension called `name` (`archive-ext`, ...).
pub(crate) fn extension(name: &str) -> Option<&'static Def> {
    sco::EXTENSIONS.iter().copied().find(|d| d.name == name)
}

/// True when `name` is a cyber-observable type defined by STIX 2.1.
pub fn is_sco_type(name: &str) -> bool {
    sco::DEFS.iter().any(|d| d.name == name)
}

/// The properties STIX 2.1 defines for cyber-observable type `name`
/// (common ones included), for pattern checks; `None` for unknown types.
pub fn sco_property_names(name: &str) -> Option<impl Iterator<Item = &'static str>> {
    let def = sco::DEFS.iter().find(|d| d.name == name)?;
    let common = super::common::common_props(Kind::Sco)
        .iter()
        .map(|p| p.name);
    Some(
        ["type", "id"]
            .into_iter()
            .chain(common)
            .chain(def.props.iter().map(|p| p.name)),
    )
}
