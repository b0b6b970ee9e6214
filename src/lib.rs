//! Korobka: a CRM for small offices in one binary. See DESIGN.md for the map:
//! `http` (thin) → areas (`access`, `crm`) → `store` (redb) and `search` (tantivy, derived).

pub mod access;
pub mod app;
#[cfg(test)]
mod architecture;
pub mod check;
pub mod cli;
pub mod clock;
pub mod crm;
pub mod cursor;
pub mod demo;
pub mod error;
pub mod http;
pub mod io;
pub mod paths;
pub mod search;
pub mod store;
#[cfg(test)]
pub(crate) mod testing;
pub mod validate;
pub mod work;
