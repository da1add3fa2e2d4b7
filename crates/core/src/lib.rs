//! # liaison-core
//!
//! The domain of a Liaison node, independent of any protocol or database:
//! API roots and collections, object versions and their TAXII bookkeeping
//! (`date_added`, manifests, status), users with their roles, grants and API
//! tokens, the access rules that decide who may read or write what, and the
//! [`Store`](store::Store) interface that the storage back ends implement.
//!
//! *Invariant:* this crate knows nothing of HTTP, axum or SQL.

pub mod access;
pub mod admin;
pub mod clock;
pub mod ingest;
pub mod model;
pub mod objects;
pub mod status;
pub mod store;
pub mod users;

pub use store::{Store, StoreError};
