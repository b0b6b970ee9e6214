//! Users, departments, sign-in (passwords, sessions, API tokens, throttling) and the
//! permission check. `policy::allow` is the one place that decides who may do what.

pub mod auth;
pub mod departments;
pub mod policy;
pub mod users;

pub use auth::{ApiToken, Principal, Session};
pub use departments::Department;
pub use users::{Language, Role, User};
