//! The HTTP application over loopback: a real server (`liaison_server::serve`
//! on port 0) over the SQLite store, driven with reqwest and with the
//! liaison-taxii client.

#[path = "../kit/mod.rs"]
mod kit;

mod admin;
mod auth;
mod client;
mod collections;
mod discovery;
mod filters;
mod malformed;
mod media;
mod object;
mod objects;
mod pagination;
mod store_failures;
mod tls;
