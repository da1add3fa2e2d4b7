//! The STIX Relationship Objects: `relationship` and `sighting` (STIX 2.1 §5).

use super::types::Def;

/// All SRO definitions.
pub(crate) static DEFS: &[&Def] = &[];
