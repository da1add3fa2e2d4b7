//! # liaison-store
//!
//! The durable state of a Liaison node behind [`liaison_core::Store`], with
//! two back ends chosen by the database string given to [`open`]:
//!
//! - **SQLite** ([`sqlite`]): one file, zero set-up; the default. WAL,
//!   `synchronous=FULL`, one writer connection and a small pool of readers.
//!   Several processes may open the same file: correctness rests on SQLite's
//!   own locking, never on state held in one process.
//! - **PostgreSQL** ([`postgres`]): for members that run several stateless
//!   Liaison processes over one database.
//!
//! Both implement [`liaison_core::Store`] and the exchange between member
//! nodes, [`liaison_core::store::ExchangeStore`], and keep the laws written
//! on them; the conformance suite in `tests/suite/` runs the same checks
//! against each of them.
//!
//! *Invariants:* every schema is versioned (`schema_version`) and migrations
//! chain from version 0; a database written by a newer Liaison is refused,
//! never silently used. Within a collection `date_added` is allocated under
//! a per-collection write lock, so it is unique and increases in commit
//! order even with several processes writing. Per peer, outbox sequence
//! numbers are allocated under a per-peer lock held to commit, so they
//! start at 1 and increase in commit order likewise. Passwords in connection
//! strings never appear in errors, logs or `Debug` output.

mod exchange;
mod open;
mod plan;
pub mod postgres;
mod shared;
mod sql;
pub mod sqlite;

pub use open::{Engine, OpenError, open};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// The schema version this build of Liaison writes and understands, the
/// same for both back ends (their migrations are numbered alike).
pub const SCHEMA_VERSION: i64 = 3;
