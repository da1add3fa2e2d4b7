//! # liaison-core
//!
//! The domain of a Liaison node, independent of any protocol or database:
//! API roots and collections, object versions and their TAXII bookkeeping
//! (`date_added`, manifests, status), users with their roles, grants and API
//! tokens, the access rules that decide who may read or write what, the
//! [`federation`] (member identity, the founding agreement, signed requests
//! and records, audience and TLP policy), the council's [`ledger`] (its
//! laws) and the [`council`] on a node (the membership it proves, the acts
//! a node makes), and the [`Store`] interface that the storage back ends
//! implement.
//!
//! *Invariant:* this crate knows nothing of HTTP, axum or SQL.

pub mod access;
pub mod admin;
pub mod clock;
pub mod council;
pub mod exchange;
pub mod exchange_ops;
pub mod federation;
pub mod ingest;
pub mod ledger;
pub mod model;
pub mod objects;
mod parallel;
pub mod status;
pub mod store;
pub mod users;

pub use store::{Store, StoreError};
