//! Where the definitions of all STIX 2.1 object types and predefined
//! extensions are looked up by name.
//!
//! Every object is looked up once and every reference once more (to learn
//! the category of its target), so lookups go through a hash index built on
//! first use rather than a scan over the tables.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

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

/// Definitions by name; the first definition of a name wins, as a scan would.
type Index = HashMap<&'static str, &'static Def, BuildHasherDefault<NameHasher>>;

fn index_of(defs: impl Iterator<Item = &'static Def>) -> Index {
    let mut index = Index::default();
    for def in defs {
        index.entry(def.name).or_insert(def);
    }
    index
}

/// FNV-1a: type names are short, and the keys are the specification's own
/// (a fixed set), so a keyed hash buys nothing here and costs a lot.
struct NameHasher(u64);

impl Default for NameHasher {
    fn default() -> Self {
        NameHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The definition of object type `name`, if STIX 2.1 defines it.
pub(crate) fn lookup(name: &str) -> Option<&'static Def> {
    static TYPES: OnceLock<Index> = OnceLock::new();
    TYPES.get_or_init(|| index_of(all())).get(name).copied()
}

/// The kind of a specification-defined object type; `None` for custom types.
pub(crate) fn category(name: &str) -> Option<Kind> {
    lookup(name).map(|d| d.kind)
}

/// The predefined extension called `name` (`archive-ext`, ...).
pub(crate) fn extension(name: &str) -> Option<&'static Def> {
    static EXTENSIONS: OnceLock<Index> = OnceLock::new();
    EXTENSIONS
        .get_or_init(|| index_of(sco::EXTENSIONS.iter().copied()))
        .get(name)
        .copied()
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
