//! # liaison-taxii
//!
//! TAXII 2.1 without a web framework, for servers and clients alike:
//!
//! - [`media`]: the TAXII media types and `Accept` / `Content-Type`
//!   negotiation (RFC 7231 media ranges with weights);
//! - [`query`]: the filter and pagination parameters of the object
//!   endpoints, validated into liaison-core's [`ObjectQuery`] and
//!   [`DeleteRequest`];
//! - [`cursor`]: the opaque `next` cursor;
//! - [`resources`]: every TAXII resource as a serde type;
//! - [`client`]: a TAXII 2.1 client over reqwest and rustls.
//!
//! *Invariant:* nothing here knows a web framework; the server crate maps
//! these types to HTTP responses. The API of this crate is meant for use
//! outside Liaison too (the client, the resources).
//!
//! [`ObjectQuery`]: liaison_core::objects::ObjectQuery
//! [`DeleteRequest`]: liaison_core::objects::DeleteRequest

pub mod client;
pub mod cursor;
pub mod media;
pub mod query;
pub mod resources;

pub use client::{Auth, Client, ClientBuilder, ClientError, Filter, Paged};
pub use media::{MediaError, STIX_21, TAXII_21};
pub use query::{FilterEndpoint, Filters, QueryError, Scope};
