//! The STIX meta objects: `language-content`, `marking-definition` (with the
//! TLP 1.0 and TLP 2.0 markings) and `extension-definition` (STIX 2.1 §7).

use super::types::Def;

/// All meta object definitions.
pub(crate) static DEFS: &[&Def] = &[];
