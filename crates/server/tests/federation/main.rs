//! Federation over real HTTPS between in-process nodes: three members
//! founded from one signed agreement, each a real server with mutual TLS
//! and delivery workers over its own SQLite store (see `kit`).

mod kit;

mod delivery;
mod feedback;
mod policy;
mod refusals;
