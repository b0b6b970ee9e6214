//! Integration tests: the real server on a random port over a temp data folder, spoken to
//! over HTTP like any client. One test crate with modules (faster to build than many).

mod access;
mod backup;
mod common;
mod coverage;
mod crash;
mod crm;
mod paging;
mod reflists;
mod rules;
mod sales;
mod search;
mod tls;
mod web;
mod work;
