//! Data-driven rule tests: one table per object family, each row a valid
//! base object with one change and the findings that change must produce.

mod kit;

mod common;
mod meta;
mod sco;
mod sdo;
mod sro;
