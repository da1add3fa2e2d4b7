//! # liaison-stix
//!
//! The STIX 2.1 object model used by Liaison, usable on its own: parse a
//! document (one object, a bundle, or an array of objects) without losing a
//! byte of meaning, validate it against every MUST of the specification,
//! compute canonical bytes (RFC 8785) and deterministic SCO identifiers, and
//! parse STIX patterns. This crate does no I/O.

pub mod finding;
pub mod identifier;
pub mod json;
pub mod pattern;
pub mod scoid;
pub mod timestamp;
pub mod tlp;
pub mod validate;

pub use finding::{Finding, Severity};
pub use identifier::{Identifier, Uuid};
pub use timestamp::Timestamp;
pub use validate::{
    Validated, validate_bytes, validate_document, validate_document_observed, validate_object,
};
